"""The public Python API: everything ``lease`` does, as one call each, with problems as data.

Each function takes deal files (paths, folders, or deals already loaded)
and settings, and returns a frozen :class:`Result` (or :class:`CheckRun`)
that carries what was computed and every problem met on the way, each with
its file, line, column, code and message. Nothing here raises for bad
input, prints or exits: the command line is a thin client that renders
``result.value`` and reports ``result.problems``, and a notebook gets the
same objects from the same calls::

    from computelease import analyse

    result = analyse("deals/reflection.yaml")
    for problem in result.problems:
        print(problem)
    if result.value is not None:
        print(result.value.deals[0].analysis.total)   # 6300000000.00, a Decimal

One bad file never costs the others their results: every deal is loaded,
checked and computed on its own, and what one refuses is a problem of that
file only.
"""

from __future__ import annotations

import functools
import json
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeVar, cast, get_args

from computelease import checks, loader, source
from computelease.core import analysis as core_analysis
from computelease.core.analysis import Analysis, BreakevenResult, ScheduleResult, Settings
from computelease.core.gates import Limit, Policy
from computelease.core.reported import reported_checks
from computelease.core.reports import CalcReport, CheckRun, DealReport
from computelease.core.risk import DEFAULT_PATHS, RiskReport
from computelease.errors import (
    Codes,
    DealInvalid,
    Problem,
    RequestError,
)
from computelease.locations import LoadedDeal
from computelease.models import Scenario
from computelease.results import Loaded, Result

__all__ = [
    "Axis",
    "CheckRun",
    "Loaded",
    "LoadedDeal",
    "Result",
    "Scenario",
    "Settings",
    "account",
    "analyse",
    "book",
    "breakeven",
    "chart",
    "check",
    "compare",
    "diff",
    "load",
    "new_deal",
    "policy",
    "reconcile",
    "report",
    "risk",
    "scenario",
    "schedule",
    "schema",
    "sensitivity",
]

#: The committed JSON Schema of the deal format, beside this module.
SCHEMA_FILE: Final = "deal.schema.json"

# What only some calls need is imported by those calls: every command imports this module,
# and lease calc or lease check should not pay for the accounting, the diff or a grid.
if TYPE_CHECKING:
    from computelease.core.accounting import LeaseBooks
    from computelease.core.book import Book, DealComparison, Summary
    from computelease.core.diff import DealDiff
    from computelease.core.metrics import Metric
    from computelease.core.montecarlo import Job, Mapper, PathResults
    from computelease.core.reconcile import Reconciliation
    from computelease.core.sensitivity import Axis, SensitivityGrid
    from computelease.core.whatif import ScenarioComparison

R = TypeVar("R")
T = TypeVar("T")
R_co = TypeVar("R_co", covariant=True)

#: A deal file or folder by path, or a deal already loaded.
Source = str | os.PathLike[str] | LoadedDeal
Period = Literal["month", "quarter", "year"]


Sources = Source | Loaded | Iterable[Source]


@contextmanager
def _collecting(problems: list[Problem], file: str) -> Iterator[None]:
    """The boundary of one file's work: what it refuses, or a bug it meets, is a problem.

    A deal the core refuses adds its located problems; an unexpected exception
    (a bug in lease) adds one internal error for ``file``, with the traceback
    kept for ``--debug``, so that it never costs the other files their results.
    """
    try:
        yield
    except DealInvalid as exc:
        problems.extend(exc.problems)
    except Exception as exc:
        problems.append(
            Problem(
                file,
                None,
                None,
                Codes.INTERNAL,
                f"internal error ({type(exc).__name__}) on this file: a bug in lease, not in "
                "the deal; please report it with its traceback",
                detail=traceback.format_exc(),
            )
        )


def load(sources: Sources) -> Loaded:
    """Read and validate deal files (and folders of them): every problem, located."""
    if isinstance(sources, Loaded):
        return sources
    found = _found(sources)
    deals = list(found.given)
    problems = list(found.problems)
    for path, shown in found.files:
        with _collecting(problems, shown):
            deals.append(loader.load(path, name=shown))
    return Loaded(tuple(deals), tuple(problems), found.names)


@dataclass(frozen=True)
class _Found:
    """What ``sources`` name: deals already loaded, files to read, and paths that fail."""

    given: tuple[LoadedDeal, ...]
    files: tuple[tuple[Path, str], ...]
    problems: tuple[Problem, ...]
    #: Every file, the deals given first: what problems are ordered by.
    names: tuple[str, ...]


def _found(sources: Sources) -> _Found:
    if isinstance(sources, Loaded):
        return _Found(sources.deals, (), sources.problems, sources.files)
    items = [sources] if isinstance(sources, str | os.PathLike | LoadedDeal) else list(sources)
    if not items:
        return _Found(
            (), (), (Problem(None, None, None, Codes.NO_DEALS, "no deal file given"),), ()
        )
    given = tuple(i for i in items if isinstance(i, LoadedDeal))
    # An empty path is no path: Path("") would silently mean the current folder.
    empty = [i for i in items if not isinstance(i, LoadedDeal) and not os.fspath(i)]
    found = source.discover(
        [Path(i) for i in items if not isinstance(i, LoadedDeal) and os.fspath(i)]
    )
    problems = list(found.problems)
    if empty:
        message = "an empty path: name a deal file or folder"
        problems.insert(0, Problem(None, None, None, Codes.UNREADABLE, message))
    names = (*(d.path for d in given), *(shown for _, shown in found.files))
    return _Found(given, tuple(found.files), tuple(problems), names)


def _refused(settings: Settings | None, fx: Mapping[str, Decimal] | None = None) -> list[Problem]:
    """What is wrong with the settings themselves (a rate of -500%, a NaN exchange rate).

    Checked once, before any deal is read, so that a bad setting is one
    problem, not one per deal.
    """
    try:
        if settings is not None:
            core_analysis.check_settings(settings)
        if fx:
            from computelease.core import book as core_book

            core_book.check_fx(fx)
    except RequestError as exc:
        return [Problem(None, None, None, exc.code, exc.message)]
    return []


def _one(
    sources: Sources, settings: Settings | None = None
) -> tuple[LoadedDeal | None, list[Problem], tuple[str, ...]]:
    """The one deal a single-deal call needs, or the problems that say why there is none."""
    refused = _refused(settings)
    if refused:
        return None, refused, ()
    loaded = load(sources)
    problems = list(loaded.problems)
    if problems or len(loaded.deals) == 1:
        return (loaded.deals[0] if len(loaded.deals) == 1 else None), problems, loaded.files
    problems.append(
        Problem(
            None,
            None,
            None,
            Codes.ONE_DEAL,
            f"expected one deal file, found {len(loaded.deals)}: "
            + (", ".join(loaded.files[:5]) or "none")
            + (", ..." if len(loaded.files) > 5 else ""),
        )
    )
    return None, problems, loaded.files


def analyse(
    sources: Sources, settings: Settings | None = None, *, scenario: str | None = None
) -> Result[CalcReport]:
    """Every figure of each deal (what ``lease calc`` shows), checked against its reported ones.

    With ``scenario``, each deal that has a scenario of that name is shown as
    the scenario has it; a deal without one is skipped with a warning.
    """
    settings = settings or Settings()
    refused = _refused(settings)
    if refused:
        return Result(None, tuple(refused))
    loaded = load(sources)
    problems = list(loaded.problems)
    deals = loaded.deals
    if scenario is not None:
        having = tuple(d for d in deals if scenario in d.deal.scenarios)
        problems.extend(
            Problem(d.path, None, None, Codes.NO_SCENARIO, f"no scenario named {scenario!r}")
            for d in deals
            if d not in having
        )
        if deals and not having:
            problems.append(
                Problem(
                    None,
                    None,
                    None,
                    Codes.UNKNOWN_SCENARIO,
                    f"no deal given has a scenario named {scenario!r}",
                )
            )
        deals = having
    reports = []
    for item in deals:
        with _collecting(problems, item.path):
            report = _report(item, settings, scenario)
            problems.extend(checks.failed(item, report.checks))
            reports.append(report)
    value = CalcReport(tuple(reports)) if reports else None
    return Result(value, tuple(problems), loaded.files)


def _report(item: LoadedDeal, settings: Settings, scenario: str | None) -> DealReport:
    if scenario is not None:
        applied = checks.apply_named(item, scenario)
        result = checks.computing(
            item, lambda: core_analysis.analyse(applied.deal, settings), scenario=scenario
        )
        return DealReport(item.path, result, (), scenario, applied.notes)
    result = checks.computing(item, lambda: core_analysis.analyse(item.deal, settings))
    options = result.with_options.schedule if result.with_options else None
    found = reported_checks(item.deal, result.base.totals, options)
    return DealReport(item.path, result, tuple(found))


def schedule(
    sources: Sources,
    settings: Settings | None = None,
    *,
    by: Period | None = None,
    with_options: bool = False,
    debt: bool = False,
) -> Result[ScheduleResult]:
    """Every payment of one deal with its present value; ``by`` sums them by period.

    ``debt`` gives the lessor's loan period by period instead (the deal needs
    ``assumptions.lessor.financing``).
    """
    if by not in (None, *get_args(Period)):
        choices = ", ".join(get_args(Period))
        message = f"by: expected one of {choices}; got {str(by)[:40]!r}"
        return Result(None, (Problem(None, None, None, Codes.BAD_SETTING, message),))
    item, problems, files = _one(sources, settings)
    value = None
    if item is not None:
        with _collecting(problems, item.path):
            value = checks.computing(
                item,
                lambda: core_analysis.schedule_result(
                    item.deal,
                    settings,
                    by=by,
                    with_options=with_options,
                    debt=debt,
                    source=item.path,
                ),
            )
    return Result(value, tuple(problems), files)


def breakeven(sources: Sources, settings: Settings | None = None) -> Result[BreakevenResult]:
    """The lessor's payback, NPV and IRR; lease against buy; the lease against the market."""
    item, problems, files = _one(sources, settings)
    value = None
    if item is not None:
        with _collecting(problems, item.path):
            value = checks.computing(
                item,
                lambda: core_analysis.breakeven_result(item.deal, settings, source=item.path),
            )
    return Result(value, tuple(problems), files)


def account(
    sources: Sources,
    settings: Settings | None = None,
    *,
    standard: str | None = None,
) -> Result[LeaseBooks]:
    """The deal in the tenant's books (ASC 842 or IFRS 16), as its ``accounting`` block says.

    ``standard`` (``asc842`` or ``ifrs16``) overrides the block's, and
    ``settings.rate`` its borrowing rate; ``settings.as_of`` is the reporting
    date of the current / non-current split and the maturity analysis (default:
    commencement). A deal without the block needs both.
    """
    item, problems, files = _one(sources, settings)
    if standard is not None and standard not in ("asc842", "ifrs16"):
        message = f"unknown standard {standard!r}: asc842 or ifrs16"
        return Result(None, (Problem(None, None, None, Codes.BAD_SETTING, message),), files)
    value = None
    from computelease.core import accounting as core_accounting
    from computelease.core.accounting import Standard

    if item is not None:
        chosen = cast(Standard | None, standard)
        rate = settings.rate if settings is not None else None
        as_of = settings.as_of if settings is not None else None
        with _collecting(problems, item.path):
            value = checks.computing(
                item,
                lambda: core_accounting.lease_books(
                    item.deal, standard=chosen, rate=rate, as_of=as_of, source=item.path
                ),
            )
    return Result(value, tuple(problems), files)


def reconcile(
    sources: Sources,
    actuals: str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    grace_days: int = 0,
) -> Result[Reconciliation]:
    """Actual payments (a CSV file) against the deal's schedule, to ``settings.as_of``.

    The reporting date defaults to the last actual's, so nothing not yet due is
    missing. Every discrepancy is a problem with its code, at its line of the
    actuals file (a missing payment at none); a row that cannot be read is one
    too (E701), and the other rows are still reconciled.
    """
    item, problems, files = _one(sources, settings)
    if grace_days < 0:
        message = f"grace days must be 0 or more, got {grace_days}"
        return Result(None, (Problem(None, None, None, Codes.BAD_SETTING, message),), files)
    value = None
    from computelease.actuals import read_actuals
    from computelease.core import reconcile as core_reconcile

    if item is not None:
        path = Path(actuals)
        shown = os.fspath(actuals)
        try:
            rows, bad = read_actuals(path, item.deal.currency, name=shown)
        except DealInvalid as exc:
            return Result(None, (*problems, *exc.problems), files)
        problems.extend(bad)
        as_of = settings.as_of if settings is not None else None
        with _collecting(problems, item.path):
            value = checks.computing(
                item,
                lambda: core_reconcile.reconcile(
                    item.deal,
                    rows,
                    as_of=as_of,
                    grace_days=grace_days,
                    source=item.path,
                    actuals_file=shown,
                ),
            )
            problems.extend(Problem(shown, f.line, None, f.code, f.message) for f in value.findings)
        files = (*files, shown)
    return Result(value, tuple(problems), files)


def _base(item: LoadedDeal, settings: Settings | None) -> Analysis:
    """The deal as written, analysed: every what-if is measured against it."""
    return checks.computing(item, lambda: core_analysis.analyse(item.deal, settings, lender=False))


def scenario(
    sources: Sources,
    overrides: Scenario | Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    *,
    name: str | None = None,
) -> Result[ScenarioComparison]:
    """One deal beside a scenario of it: the deal file's scenario ``name``, ``overrides``, or both.

    ``overrides`` is a :class:`Scenario`, or a mapping written as a deal
    file's scenario is (``{"delay": "3m", "set": {"cap": "5B"}}``): one that
    cannot be read is a problem, never an exception. With both, the
    overrides given win over the named scenario's (``set`` paths are merged,
    the given ones winning).
    """
    item, problems, files = _one(sources, settings)
    value = None
    from computelease.core import whatif

    if item is not None:
        with _collecting(problems, item.path):
            base = _base(item, settings)
            if name is not None:
                checks.apply_named(item, name)  # its own problems, at its overrides in the file
            merged = checks.merged_overrides(item, name, overrides)
            value = checks.computing(
                item,
                lambda: whatif.compare(base, merged, name=name, source=item.path),
                scenario=name if overrides is None else None,
                overrides=merged,
            )
    return Result(value, tuple(problems), files)


def diff(
    old: Source,
    new: Source | None = None,
    settings: Settings | None = None,
    *,
    against: str | None = None,
) -> Result[DealDiff]:
    """Two versions of a deal: each term that differs, and its effect on the figures.

    ``old`` and ``new`` are deal files (or deals loaded); with ``against`` (a
    git ref such as ``main``), ``old`` is compared with its own version at that
    ref, and ``new`` must be left out. Both sides are valued with ``settings``.
    ``value.equal`` says whether any term differs (``lease diff`` exits 1 if so).
    """
    refused = _refused(settings)
    if refused:
        return Result(None, tuple(refused))
    if (new is None) == (against is None):
        message = "give two deal files, or one and a git ref to compare it with"
        return Result(None, (Problem(None, None, None, Codes.ONE_DEAL, message),))
    problems: list[Problem] = []
    sides: list[LoadedDeal] = []
    files: list[str] = []
    from computelease import gitref

    if against is not None:
        if isinstance(old, LoadedDeal):
            message = "a deal is compared with its version at a git ref by its file's path"
            return Result(None, (Problem(None, None, None, Codes.ONE_DEAL, message),))
        path = Path(old)
        try:
            text = gitref.show(path, against)
            sides.append(loader.load_text(text, f"{against}:{path}", default_id=path.stem))
        except RequestError as exc:
            return Result(None, (Problem(os.fspath(old), None, None, exc.code, exc.message),))
        except DealInvalid as exc:
            problems.extend(exc.problems)
    for side in [old, new] if against is None else [old]:
        assert side is not None  # one of the two, checked above
        loaded = load(side)
        problems.extend(loaded.problems)
        sides.extend(loaded.deals)
        files.extend(loaded.files)
    if not problems and len(sides) != 2:
        message = f"expected one deal on each side, found {len(sides)} deals: name two files"
        problems.append(Problem(None, None, None, Codes.ONE_DEAL, message))
    if problems:
        return Result(None, tuple(problems), tuple(files))
    before, after = sides
    value = None
    from computelease.core import diff as core_diff

    with _collecting(problems, after.path):
        old_analysis = _base(before, settings)
        new_analysis = _base(after, settings)
        value = core_diff.diff(
            old_analysis, new_analysis, old_source=before.path, new_source=after.path
        )
    return Result(value, tuple(problems), tuple(files))


def sensitivity(
    sources: Sources,
    metric: str | Metric,
    rows: Axis,
    columns: Axis | None = None,
    settings: Settings | None = None,
) -> Result[SensitivityGrid]:
    """One metric of one deal over one or two varied inputs (a spreadsheet data table)."""
    item, problems, files = _one(sources, settings)
    from computelease.core import sensitivity as core_sensitivity
    from computelease.core.metrics import METRICS

    chosen = METRICS.get(metric) if isinstance(metric, str) else metric
    if chosen is None:
        problems.append(
            Problem(
                None,
                None,
                None,
                Codes.UNKNOWN_METRIC,
                f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}",
            )
        )
    value = None
    if item is not None and chosen is not None:
        metric_ = chosen
        with _collecting(problems, item.path):
            base = _base(item, settings)
            value = checks.computing(
                item,
                lambda: core_sensitivity.sensitivity(
                    base, metric_, rows, columns, source=item.path
                ),
            )
    return Result(value, tuple(problems), files)


class _AcrossDeals(Protocol[R_co]):
    """A core function over several deals' summaries, in one currency: compare, book."""

    def __call__(
        self,
        summaries: Sequence[Summary],
        *,
        currency: str | None = None,
        fx: Mapping[str, Decimal] | None = None,
    ) -> R_co: ...


@dataclass(frozen=True)
class _Across:
    """How each deal of a comparison or a book is read: what only one file's work needs."""

    kind: Literal["compare", "book"]
    settings: Settings | None
    #: Deals whose lessor starts with this (casefolded); empty for every deal.
    lessor: str

    def deal(self, item: LoadedDeal) -> tuple[Summary | None, list[Problem]]:
        """The deal's summary, if it is of the lessor wanted; its analysis is dropped."""
        from computelease.core.book import summarise

        problems: list[Problem] = []
        if item.deal.lessor.casefold().startswith(self.lessor):
            with _collecting(problems, item.path):
                return summarise(item.path, _base(item, self.settings), kind=self.kind), []
        return None, problems


def _across(
    work: _AcrossDeals[R],
    across: _Across,
    sources: Sources,
    currency: str | None,
    fx: Mapping[str, Decimal] | None,
    workers: int | None,
) -> Result[R]:
    """``work`` over each deal analysed (of ``lessor`` only, by prefix), the rest as problems.

    Each file is read, analysed and reduced to the figures ``work`` shows before
    the next, so memory grows by a summary a deal; ``workers`` as for :func:`check`.
    """
    refused = _refused(across.settings, fx)
    if refused:
        return Result(None, tuple(refused))
    found = _found(sources)
    problems = list(found.problems)
    summaries = []
    for summary, met in _each(across.deal, found, workers):
        problems.extend(met)
        if summary is not None:
            summaries.append(summary)
    value = None
    if summaries:
        try:
            value = work(summaries, currency=currency, fx=fx)
        except RequestError as exc:
            problems.append(Problem(None, None, None, exc.code, exc.message))
    elif not problems:
        with_lessor = f" with a lessor starting {across.lessor!r}" if across.lessor else ""
        problems.append(
            Problem(None, None, None, Codes.NOTHING_TO_COMPARE, f"no deal to compare{with_lessor}")
        )
    return Result(value, tuple(problems), found.names)


def compare(
    sources: Sources,
    settings: Settings | None = None,
    *,
    currency: str | None = None,
    fx: Mapping[str, Decimal] | None = None,
    lessor: str | None = None,
    workers: int | None = 1,
) -> Result[DealComparison]:
    """Deals side by side in one currency (``fx``: 1 unit of each other currency in it).

    ``workers`` above 1 (None: every core) reads a folder on that many processes.
    """
    from computelease.core import book as core_book

    across = _Across("compare", settings, (lessor or "").casefold())
    return _across(core_book.compare, across, sources, currency, fx, workers)


def book(
    sources: Sources,
    settings: Settings | None = None,
    *,
    currency: str | None = None,
    fx: Mapping[str, Decimal] | None = None,
    lessor: str | None = None,
    workers: int | None = 1,
) -> Result[Book]:
    """A lessor's book: revenue by year across its deals, as scheduled and as committed.

    ``workers`` above 1 (None: every core) reads a folder on that many processes.
    """
    from computelease.core import book as core_book

    across = _Across("book", settings, (lessor or "").casefold())
    return _across(core_book.book, across, sources, currency, fx, workers)


#: The charts ``lease chart`` draws, and what each needs.
CHARTS: Final = ("cumulative", "by-year", "market", "book", "histogram", "tornado")


def chart(
    kind: str,
    sources: Sources,
    settings: Settings | None = None,
    *,
    fmt: Literal["svg", "png"] = "svg",
    lessor: str | None = None,
    paths: int = 2_000,
    seed: int = 0,
) -> Result[bytes]:
    """One chart as SVG or PNG bytes (needs matplotlib: the ``charts`` extra).

    ``cumulative`` (the lessor's cash against its costs, payback marked), ``by-year``,
    ``market`` (the market price against the lease's) take one deal; ``book`` a
    lessor's deals stacked by year; ``histogram`` and ``tornado`` run ``risk``
    with ``paths`` and ``seed`` on one deal.
    """
    if kind not in CHARTS:
        message = f"unknown chart {kind!r}; choose one of {', '.join(CHARTS)}"
        return Result(None, (Problem(None, None, None, Codes.BAD_SETTING, message),))
    from computelease.render import charts

    drawn: Result[Any]
    if kind in ("cumulative", "market"):
        drawn = breakeven(sources, settings)
    elif kind == "by-year":
        drawn = analyse(sources, settings)
    elif kind == "book":
        drawn = book(sources, settings, lessor=lessor)
    else:
        tornado = kind == "tornado"
        drawn = risk(sources, settings, paths=paths, seed=seed, workers=1, tornado=tornado)
    if drawn.value is None:
        return Result(None, drawn.problems, drawn.files)
    value: Any = drawn.value
    try:
        if kind == "by-year":
            picture = charts.by_year(value.deals[0].analysis, fmt)
        elif kind in ("histogram", "tornado"):
            picture = getattr(charts, kind)(value.deals[0], fmt)
        else:
            picture = getattr(charts, kind)(value, fmt)
        return Result(picture, drawn.problems, drawn.files)
    except charts.ChartError as exc:
        problem = Problem(None, None, None, Codes.NOT_APPLICABLE, f"{kind}: {exc}")
        return Result(None, (*drawn.problems, problem), drawn.files)
    except ImportError as exc:  # the charts extra is not installed
        problem = Problem(None, None, None, Codes.NOT_APPLICABLE, str(exc))
        return Result(None, (*drawn.problems, problem), drawn.files)


def report(sources: Sources, settings: Settings | None = None) -> Result[str]:
    """One deal as a self-contained HTML page: calc's and breakeven's figures, and charts.

    The charts (the lessor's cash, the payments by year, the market) need
    matplotlib (the ``charts`` extra); without it the page says so and holds
    the tables alone.
    """
    from computelease.render import document, html
    from computelease.render.options import RenderOptions

    calc = analyse(sources, settings)
    if calc.value is None or len(calc.value.deals) != 1:
        extra = () if calc.value is None or calc.problems else (_one_deal_problem(calc.files),)
        return Result(None, (*calc.problems, *extra), calc.files)
    item = calc.value.deals[0]
    options = RenderOptions(exact=False, symbol=True, unicode=True, width=None)
    documents = list(document.calc(calc.value, options))
    even = breakeven(sources, settings)
    if even.value is not None:
        documents.append(document.breakeven(even.value, options))
    pictures: list[tuple[str, str]] = []
    missing: list[str] = []
    drawn = [
        ("The lessor's cumulative cash against its costs", "cumulative"),
        ("Payments by year", "by-year"),
        ("The committed-term market against the lease", "market"),
    ]
    for caption, kind in drawn:
        made = chart(kind, sources, settings, fmt="svg")
        if made.value is not None:
            pictures.append((caption, made.value.decode("utf-8")))
        else:
            missing.extend(p.message for p in made.problems)
    if missing:
        # A chart the deal cannot give (no capex, no market) is said on the page, not hidden.
        notes = tuple(dict.fromkeys(missing))
        documents.append(document.Document("Charts not drawn", (), None, (), notes))
    title = f"{item.analysis.deal.name}: lease report"
    return Result(html.page(title, documents, pictures), calc.problems, calc.files)


def _one_deal_problem(files: Sequence[str]) -> Problem:
    found = ", ".join(files[:5]) or "none"
    return Problem(None, None, None, Codes.ONE_DEAL, f"a report is of one deal; found: {found}")


def risk(
    sources: Sources,
    settings: Settings | None = None,
    *,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    workers: int | None = None,
    book: bool = False,
    tornado: bool = True,
) -> Result[RiskReport]:
    """The deals' four risks as distributions: a seeded Monte Carlo on shared market paths.

    Each deal's ``risk`` block (or the documented defaults) drives delivery,
    counterparty, pricing and operations; ``book`` adds each lessor's deals
    as one book. The same ``seed`` gives the same figures whatever ``workers`` is
    (default: every core). numpy is imported only here.
    """
    refused = _refused(settings)
    if refused:
        return Result(None, tuple(refused))
    loaded = load(sources)
    problems = list(loaded.problems)
    analyses = []
    for item in loaded.deals:
        with _collecting(problems, item.path):
            base = _base(item, settings)
            if base.rate is None:
                message = (
                    "the simulation values each path at the deal's discount rate: set "
                    "assumptions.discount_rate, or give a rate"
                )
                problems.append(Problem(item.path, None, None, Codes.NOT_APPLICABLE, message))
            else:
                analyses.append((item.path, base))
    value = None
    if analyses:
        from computelease.core import montecarlo

        try:
            value = montecarlo.simulate(
                analyses,
                paths=paths,
                seed=seed,
                by_lessor=book,
                tornado=tornado,
                mapper=_pool(workers),
            )
        except RequestError as exc:
            problems.append(Problem(None, None, None, exc.code, exc.message))
    elif not problems:
        problems.append(Problem(None, None, None, Codes.NOTHING_TO_COMPARE, "no deal to simulate"))
    return Result(value, tuple(problems), loaded.files)


def _pool(workers: int | None) -> Mapper:
    """Blocks of a simulation spread over ``workers`` processes (default: every core)."""

    def mapper(
        fn: Callable[[Job], list[PathResults]], jobs: Sequence[Job]
    ) -> list[list[PathResults]]:
        return list(_ordered_map(fn, jobs, workers))

    return mapper


#: A folder read on several processes from this many files: below it, starting the
#: workers costs more than they save (measured in tests/benchmarks/bench.py).
PARALLEL_FROM: Final = 16


def _ordered_map(
    fn: Callable[[T], R], items: Sequence[T], workers: int | None, *, least: int = 2
) -> Iterator[R]:
    """``fn`` over ``items``, results in the items' order, on ``workers`` processes.

    ``workers`` None is every core. Fewer than ``least`` items, or one worker,
    run here: a pool's start-up would cost more than the second core saves.
    The workers ignore Ctrl-C, so an interrupt is the parent's alone to report.
    """
    count = min(workers or os.cpu_count() or 1, len(items))
    if count < 2 or len(items) < least:
        yield from map(fn, items)
        return
    import signal
    from concurrent.futures import ProcessPoolExecutor

    # Several items to a task, so that sending each result back is not the work itself;
    # four tasks a worker keeps the cores even when one file costs more than the others.
    chunk = max(1, len(items) // (count * 4))
    pool = ProcessPoolExecutor(
        max_workers=count, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)
    )
    try:
        yield from pool.map(fn, items, chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _each(
    work: Callable[[LoadedDeal], tuple[R | None, list[Problem]]],
    found: _Found,
    workers: int | None,
) -> Iterator[tuple[R | None, list[Problem]]]:
    """``work`` on each deal given, then on each file found, read one at a time.

    Each file is loaded, worked on and dropped before the next, so memory grows
    only by what ``work`` returns; a folder of :data:`PARALLEL_FROM` files or
    more goes to ``workers`` processes (None: every core), results in order.
    """
    yield from map(work, found.given)
    on_file = functools.partial(_on_file, work=work)
    yield from _ordered_map(on_file, found.files, workers, least=PARALLEL_FROM)


def _on_file(
    file: tuple[Path, str], work: Callable[[LoadedDeal], tuple[R | None, list[Problem]]]
) -> tuple[R | None, list[Problem]]:
    """``work`` on one file's deal; a file that does not load gives its problems instead."""
    path, shown = file
    problems: list[Problem] = []
    with _collecting(problems, shown):
        return work(loader.load(path, name=shown))
    return None, problems


def schema() -> dict[str, Any]:
    """The deal format's JSON Schema (draft-07), for editors: ``lease schema`` prints it.

    It is generated from the models and committed in the package (a test keeps
    it current), so reading it costs no model introspection.
    """
    from importlib import resources

    return cast(
        dict[str, Any],
        json.loads(resources.files("computelease").joinpath(SCHEMA_FILE).read_text("utf-8")),
    )


@dataclass(frozen=True)
class NewDeal:
    """A starter deal written by :func:`new_deal`: its file and text, and the schema it names."""

    path: str
    text: str
    #: The schema file written beside the deal because none was found above it, or None.
    schema_written: str | None


def new_deal(
    path: str | os.PathLike[str],
    answers: Mapping[str, str] | None = None,
    *,
    today: date | None = None,
) -> Result[NewDeal]:
    """Write a commented starter deal to ``path``, which must not exist (``lease new``).

    ``answers`` gives the terms by key (``name``, ``lessor``, ``lessee``,
    ``start``, ``months``, ``amount``, ``every``, ``gpus``:
    :data:`computelease.starter.QUESTIONS`); a term left out takes its default.
    Each is read as the deal's field reads it, so the file passes ``lease check``.
    Its first line names the nearest ``deal.schema.json`` in its folder or one
    above; with none, the schema is written beside it.
    """
    from computelease import starter

    target = Path(path)
    shown = os.fspath(path)
    try:
        terms = starter.read({**starter.defaults(today or date.today()), **(answers or {})})
    except RequestError as exc:
        return Result(None, (Problem(None, None, None, exc.code, exc.message),))
    folder = target.absolute().parent
    schema_file = _nearest_schema(folder)
    written = None if schema_file.exists() else schema_file
    relative = Path(os.path.relpath(schema_file, folder)).as_posix()
    text = starter.deal_text(terms, relative, shown)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except FileExistsError:
        message = f"{shown} already exists; lease new never writes over a file"
        return Result(None, (Problem(shown, None, None, Codes.FILE_EXISTS, message),))
    except OSError as exc:
        message = f"cannot create {shown}: {(exc.strerror or type(exc).__name__).lower()}"
        return Result(None, (Problem(shown, None, None, Codes.FILE_EXISTS, message),))
    if written is not None:
        from importlib import resources

        schema = resources.files("computelease").joinpath(SCHEMA_FILE).read_text("utf-8")
        # One written since we looked is someone's own: it stands.
        with suppress(FileExistsError), open(written, "x", encoding="utf-8", newline="") as out:
            out.write(schema)
    shown_schema = os.path.relpath(written) if written is not None else None
    return Result(NewDeal(shown, text, shown_schema), (), (shown,))


def _nearest_schema(folder: Path) -> Path:
    """``deal.schema.json`` in ``folder`` or the nearest folder above it; else in ``folder``."""
    for place in (folder, *folder.parents):
        if (place / SCHEMA_FILE).is_file():
            return place / SCHEMA_FILE
        if (place / ".git").exists():
            break  # a repository's deals do not reach for a schema outside it
    return folder / SCHEMA_FILE


def policy(
    given: Mapping[str, str | None] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    *,
    given_as: str = "{name}",
) -> Result[Policy]:
    """The limits ``lease check`` gates deals on, and where each comes from.

    ``given`` (by setting, ``{"max-total": "10B", "warn-min-irr": "15%"}``) wins
    over ``env`` (``LEASE_MAX_TOTAL``; pass ``os.environ`` to read the
    process's), which wins over the nearest ``lease.toml`` or ``pyproject.toml``
    ``[tool.computelease]`` above ``cwd`` (default: the current folder).
    ``given_as`` names where given values came from (``{name}`` is the setting).
    """
    folder = Path(cwd) if cwd is not None else None
    from computelease import config

    try:
        return Result(config.policy(given, env, folder, given_as=given_as))
    except RequestError as exc:
        return Result(None, (Problem(None, None, None, exc.code, exc.message),))


def check(
    sources: Sources, policy: Policy | Sequence[Limit] = (), *, workers: int | None = 1
) -> CheckRun:
    """Validate deal files and check each against its reported figures and its scenarios.

    With a ``policy`` (or its limits), each deal is also held to the policy's
    gates. Problems are grouped by file, in the order the files were found.

    Each file is read, checked and dropped before the next, so memory stays
    flat however many there are. ``workers`` above 1 (None: every core)
    spreads a folder of :data:`PARALLEL_FROM` files or more over that many
    processes; the problems are the same, in the same order.
    """
    limits = policy.limits if isinstance(policy, Policy) else tuple(policy)
    found = _found(sources)
    problems, names = list(found.problems), found.names
    for _, met in _each(functools.partial(_checked, limits=limits), found, workers):
        problems.extend(met)
    order = {name: i for i, name in enumerate(names)}
    problems.sort(key=lambda p: order.get(p.file or "", -1))
    return CheckRun(names, tuple(problems))


def _checked(item: LoadedDeal, limits: Sequence[Limit]) -> tuple[None, list[Problem]]:
    """A loaded deal's problems: what checking it finds, and the policy's gates it crosses."""
    problems: list[Problem] = []
    with _collecting(problems, item.path):
        problems.extend(checks.check(item))
        problems.extend(checks.gates(item, limits))
    return None, problems
