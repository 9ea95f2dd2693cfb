"""The ``lease`` command line: thin Typer commands and the one error boundary.

Each command loads, calls the core, hands the result to a renderer and
returns an exit code. :func:`guarded`, wrapped around every command, is the
one place that turns exceptions into messages and exit codes (see
:class:`~computelease.errors.ExitCode`): an invalid deal or a failed check is
1, a usage error 2, a bug 3 (with the traceback only under ``--debug``),
Ctrl-C 130; a closed pipe is quiet. :func:`main` catches only what happens
around the commands, while options are parsed.

Heavy modules (pydantic, yaml, rich) are imported inside the commands, so
``lease --version`` and ``lease --help`` start fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from computelease.errors import (
    Codes,
    DealInvalid,
    ExitCode,
    LeaseError,
    Problem,
    Severity,
    UsageError,
)
from computelease.render import OutputFormat, renderer

if TYPE_CHECKING:
    from rich.console import RenderableType

    from computelease.core.analysis import Settings
    from computelease.loader import LoadedDeal
    from computelease.models import Scenario
    from computelease.render.model import RenderOptions

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 invalid deal or failed check; 2 usage error "
    "(including a path that does not exist or cannot be read); 3 internal error; "
    "130 interrupted."
)

app = typer.Typer(
    name="lease",
    help="A calculator for AI compute deals: schedules, present value, committed value, "
    "unit economics and breakeven, exact to the cent.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


F = TypeVar("F", bound=Callable[..., None])


def guarded(command: F) -> F:
    """The one error boundary, around every command.

    A :class:`LeaseError` becomes its message on stderr and its exit code;
    Ctrl-C exits 130; anything else is a bug: a short request to report it,
    the traceback only under ``--debug`` (frames only, never local variables,
    which would hold deal values), and exit 3. Typer's own usage errors exit 2
    before a command runs.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        ctx = kwargs.get("ctx")
        try:
            command(*args, **kwargs)
        except typer.Exit:
            raise
        except DealInvalid as exc:
            _diagnose(exc.problems)
            raise typer.Exit(_exit_code(exc.problems, strict=False)) from None
        except LeaseError as exc:
            _err(f"lease: error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("lease: interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception:
            _internal_error(debug=_debug_requested(ctx))
            raise typer.Exit(ExitCode.INTERNAL) from None

    return cast(F, wrapper)


def _debug_requested(ctx: object) -> bool:
    # Typer passes click's context, which is not always an instance of typer.Context.
    find_root = getattr(ctx, "find_root", None)
    obj = find_root().obj if callable(find_root) else None
    return isinstance(obj, dict) and bool(obj.get("debug"))


def _internal_error(*, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()
    _err(
        "lease: internal error: this is a bug in lease, not in your deal. "
        "Please report it with the command you ran"
        + ("." if debug else " and its output with --debug.")
    )


def _version(value: bool) -> None:
    if value:
        from computelease import __version__

        typer.echo(f"lease (computelease) {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an internal error.")
    ] = False,
) -> None:
    """A calculator for AI compute deals."""
    ctx.obj = {"debug": debug}


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Deal files or folders (searched for *.yaml and *.yml). Default: deals/"
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="text: one line per problem; json: an array.")
    ] = CheckFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
) -> None:
    """Validate deal files and check them against their reported figures."""
    from computelease import checks, loader
    from computelease.errors import DealInvalid
    from computelease.render import json as render_json
    from computelease.render import text as render_text

    if not paths:
        default = Path("deals")
        if not default.is_dir():
            raise UsageError("no paths given and there is no deals/ folder here")
        paths = [default]
    found = loader.discover(paths)
    problems = list(found.problems)
    for path, shown in found.files:
        try:
            loaded = loader.load(path, name=shown)
        except DealInvalid as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(checks.check(loaded))
    if output_format is CheckFormat.json:
        _out(render_json.problems(problems))
    else:
        _out(render_text.problems(problems) + render_text.summary(len(found.files), problems))
    raise typer.Exit(_exit_code(problems, strict=strict))


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", help="table (for people), json, csv or markdown (for PR comments)."
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of stdout, atomically (a temporary file, then a rename).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Valuation date for present values (YYYY-MM-DD). Default: the deal's start.",
    ),
]
RateOption = Annotated[
    str | None,
    typer.Option(
        "--rate",
        metavar="RATE",
        help="Discount rate such as 8% or 0.08, instead of assumptions.discount_rate.",
    ),
]
ExactOption = Annotated[
    bool,
    typer.Option("--exact", help="Show amounts in tables to the cent (default: $6.30B, $150.0M)."),
]
SymbolOption = Annotated[
    bool,
    typer.Option(
        "--currency-symbol/--no-currency-symbol", help="Show currency marks in tables ($, €)."
    ),
]


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class BookPeriod(StrEnum):
    year = "year"


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def calc(
    ctx: typer.Context,
    deals: Annotated[list[Path], typer.Argument(help="Deal files or folders.", show_default=False)],
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            metavar="NAME",
            help="Show the deal as its named scenario (from its scenarios: block) has it.",
        ),
    ] = None,
) -> None:
    """Totals, present value, committed value, unit economics, checks and breakeven."""
    from computelease import checks
    from computelease.core.analysis import analyse
    from computelease.errors import FieldError
    from computelease.render.model import DealReport

    settings = _settings(as_of, rate)
    loaded, problems, files = _load(deals)
    if scenario is not None:
        having = [item for item in loaded if scenario in item.deal.scenarios]
        if loaded and not having:
            raise UsageError(f"no deal given has a scenario named {scenario!r}")
        problems.extend(
            Problem(item.path, None, None, Codes.NO_SCENARIO, f"no scenario named {scenario!r}")
            for item in loaded
            if scenario not in item.deal.scenarios
        )
        loaded = having
    reports = []
    for item in loaded:
        try:
            if scenario is not None:
                applied = checks.apply_named(item, scenario)
                analysis = analyse(applied.deal, settings)
                reports.append(
                    DealReport(item.path, analysis, (), scenario=scenario, notes=applied.notes)
                )
                continue
            analysis = analyse(item.deal, settings)
        except FieldError as exc:
            problems.append(item.problem(exc.path, exc.code, exc.message))
            continue
        except DealInvalid as exc:
            problems.extend(exc.problems)
            continue
        options = analysis.with_options.schedule if analysis.with_options else None
        results = checks.reported_checks(
            item, analysis.base.schedule, analysis.base.totals, options
        )
        problems.extend(r.problem for r in results if r.problem is not None)
        reports.append(DealReport(item.path, analysis, tuple(results)))
    _diagnose(problems)
    if reports:
        module = renderer(output_format)
        _emit(module.calc(reports, _options(exact, currency_symbol, output)), output, files)
    raise typer.Exit(_exit_code(problems, strict=False))


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def schedule(
    ctx: typer.Context,
    deal: Annotated[Path, typer.Argument(help="A deal file.", show_default=False)],
    by: Annotated[
        Period | None, typer.Option("--by", help="Sum the payments by month, quarter or year.")
    ] = None,
    with_options: Annotated[
        bool, typer.Option("--with-options", help="Include the lessee's option streams.")
    ] = False,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """Every payment: stream, period, date, amount, cumulative, discount factor and PV."""
    from computelease.core.analysis import schedule_result

    settings = _settings(as_of, rate)
    item = _load_one(deal)
    result = _compute(
        item,
        lambda: schedule_result(
            item.deal, settings, by=by.value if by else None, with_options=with_options
        ),
    )
    module = renderer(output_format)
    _emit(
        module.schedule(result, item.path, _options(exact, currency_symbol, output)), output, [deal]
    )
    raise typer.Exit(ExitCode.OK)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def breakeven(
    ctx: typer.Context,
    deal: Annotated[Path, typer.Argument(help="A deal file.", show_default=False)],
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """Lessor payback, NPV and IRR; lease against buy; the lease against the market."""
    from computelease.core.analysis import breakeven_result

    settings = _settings(as_of, rate)
    item = _load_one(deal)
    result = _compute(item, lambda: breakeven_result(item.deal, settings))
    module = renderer(output_format)
    _emit(
        module.breakeven(result, item.path, _options(exact, currency_symbol, output)),
        output,
        [deal],
    )
    raise typer.Exit(ExitCode.OK)


@app.command(name="scenario", epilog=EXIT_CODES_HELP)
@guarded
def scenario_command(
    ctx: typer.Context,
    deal: Annotated[Path, typer.Argument(help="A deal file.", show_default=False)],
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="A scenario from the deal's scenarios: block."),
    ] = None,
    delay: Annotated[
        str | None, typer.Option("--delay", help="Service starts later: 3m, 90d, 1y.")
    ] = None,
    extend: Annotated[
        bool, typer.Option("--extend", help="With --delay: keep the term's length.")
    ] = False,
    terminate: Annotated[
        str | None,
        typer.Option(
            "--terminate",
            metavar="earliest|DATE",
            help="Notice given (earliest allowed, or a date).",
        ),
    ] = None,
    delivered: Annotated[
        str | None,
        typer.Option(
            "--delivered", metavar="SHARE", help="Share of capacity delivered, such as 80%."
        ),
    ] = None,
    uptime: Annotated[
        str | None, typer.Option("--uptime", metavar="RATE", help="Uptime achieved, such as 98.5%.")
    ] = None,
    market_gpu_hour: Annotated[
        str | None,
        typer.Option("--market-gpu-hour", metavar="PRICE", help="Market price per GPU-hour."),
    ] = None,
    market_decline: Annotated[
        str | None,
        typer.Option("--market-decline", metavar="RATE", help="Annual market price decline."),
    ] = None,
    discount_rate: Annotated[
        str | None,
        typer.Option("--discount-rate", metavar="RATE", help="Discount rate for the scenario."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="PATH=VALUE", help="Any field: payments[0].amount=120M. Repeatable."
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """The deal beside a scenario (a slip, an early exit, a shortfall...), with the differences."""
    from computelease import checks
    from computelease.core.scenario import ScenarioError
    from computelease.core.whatif import compare
    from computelease.models import Scenario, as_data

    settings = _settings(as_of, rate)
    item = _load_one(deal)
    flags: dict[str, Any] = {
        "delay": delay,
        "extend": "true" if extend else None,
        "terminate": terminate,
        "delivered": delivered,
        "uptime": uptime,
        "market_gpu_hour": market_gpu_hour,
        "market_decline": market_decline,
        "discount_rate": discount_rate,
        "set": _pairs(set_ or []) or None,
    }
    given = {key: value for key, value in flags.items() if value is not None}
    if name is None and not given:
        raise UsageError("give a scenario: --name NAME, or overrides such as --delay 3m")
    base_overrides: dict[str, Any] = {}
    if name is not None:
        checks.apply_named(item, name)  # reports the named scenario's own problems in place
        named = item.deal.scenarios[name]
        defaults = as_data(Scenario())
        base_overrides = {k: v for k, v in as_data(named).items() if v != defaults.get(k)}
    if "set" in given and "set" in base_overrides:
        # The command line's paths win; the named scenario's other paths stay.
        given["set"] = {**dict(base_overrides["set"]), **given["set"]}
    overrides = _scenario({**base_overrides, **given})
    try:
        result = compare(item.deal, overrides, settings, name=name)
    except ScenarioError as exc:
        if name is not None and not given:
            raise DealInvalid(checks.scenario_problems(item, name, exc.issues)) from None
        # Overrides typed on the command line are a usage error, as a bad flag value is.
        raise UsageError(f"scenario: {exc}") from None
    module = renderer(output_format)
    rendered = module.scenario(result, item.path, _options(exact, currency_symbol, output))
    _emit(rendered, output, [deal])
    raise typer.Exit(ExitCode.OK)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def sensitivity(
    ctx: typer.Context,
    deal: Annotated[Path, typer.Argument(help="A deal file.", show_default=False)],
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            metavar="NAME=LOW..HIGH:STEP",
            help="An input to vary, such as discount_rate=6%..12%:1%; once or twice.",
        ),
    ],
    metric: Annotated[
        str,
        typer.Option("--metric", help="What to show in each cell (see lease sensitivity --help)."),
    ] = "npv_lessor",
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """A one- or two-way grid of a metric, like a spreadsheet data table.

    Inputs: discount_rate, market_gpu_hour, market_decline, uptime, delivered,
    delay (months) or a field path such as payments[0].amount. Metrics: total,
    total_with_options, months, average_monthly, present_value, committed_value,
    npv_lessor, npv_lessor_walkaway, irr_lessor, payback_months, unrecovered_capex,
    pv_lease, lease_advantage, price_per_gpu_hour, price_per_kw_month, overpay_market.
    """
    from computelease.core.metrics import metric as find_metric
    from computelease.core.sensitivity import parse_axis
    from computelease.core.sensitivity import sensitivity as grid

    if not 1 <= len(vary) <= 2:
        raise UsageError("--vary: give one input (a one-way grid) or two (a two-way grid)")
    try:
        chosen = find_metric(metric)
    except KeyError as exc:
        raise UsageError(f"--metric: {exc.args[0]}") from None
    axes = [parse_axis(text) for text in vary]
    settings = _settings(as_of, rate)
    item = _load_one(deal)
    result = grid(item.deal, chosen, axes[0], axes[1] if len(axes) == 2 else None, settings)
    module = renderer(output_format)
    rendered = module.sensitivity(result, item.path, _options(exact, currency_symbol, output))
    _emit(rendered, output, [deal])
    raise typer.Exit(ExitCode.OK)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def compare(
    ctx: typer.Context,
    deals: Annotated[list[Path], typer.Argument(help="Deal files or folders.", show_default=False)],
    by: Annotated[
        BookPeriod | None,
        typer.Option("--by", help="year: a book of revenue by year, scheduled and committed."),
    ] = None,
    lessor: Annotated[
        str | None,
        typer.Option("--lessor", metavar="NAME", help="Only deals whose lessor starts with NAME."),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency", metavar="CODE", help="Currency to compare in (default: the first deal's)."
        ),
    ] = None,
    fx: Annotated[
        list[str] | None,
        typer.Option(
            "--fx", metavar="CODE=RATE", help="Exchange rate: EUR=1.08 is 1 EUR in --currency."
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """Deals side by side, or (--by year) a lessor's book of revenue by year."""
    from computelease.core import book as books
    from computelease.core.analysis import analyse
    from computelease.errors import FieldError

    rates = books.parse_fx(fx or [])
    settings = _settings(as_of, rate)
    loaded, problems, files = _load(deals)
    if lessor is not None:
        wanted = lessor.casefold()
        loaded = [d for d in loaded if d.deal.lessor.casefold().startswith(wanted)]
    analyses = []
    for item in loaded:
        try:
            analyses.append((item.path, analyse(item.deal, settings)))
        except FieldError as exc:
            problems.append(item.problem(exc.path, exc.code, exc.message))
    _diagnose(problems)
    if analyses:
        module = renderer(output_format)
        options = _options(exact, currency_symbol, output)
        if by is BookPeriod.year:
            rendered = module.book(books.book(analyses, currency=currency, fx=rates), options)
        else:
            rendered = module.compare(books.compare(analyses, currency=currency, fx=rates), options)
        _emit(rendered, output, files)
    elif not problems:
        raise UsageError(
            "no deal to compare" + (f" with a lessor starting {lessor!r}" if lessor else "")
        )
    raise typer.Exit(_exit_code(problems, strict=False))


def _pairs(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise UsageError(
                f"--set {item!r}: expected PATH=VALUE, such as payments[0].amount=120M"
            )
        out[path.strip()] = value.strip()
    return out


def _scenario(fields: dict[str, Any]) -> Scenario:
    """Overrides from the command line as a Scenario; a bad value is a usage error."""
    from pydantic import ValidationError

    from computelease.models import Scenario, validation_issues

    try:
        return Scenario.model_validate(fields)
    except ValidationError as exc:
        issue = validation_issues(exc)[0]
        flag = "--" + str(issue.path[0]).replace("_", "-") if issue.path else "scenario"
        raise UsageError(f"{flag}: {issue.message}") from None


T = TypeVar("T")


def _compute(item: LoadedDeal, work: Callable[[], T]) -> T:
    """Run a core computation; a deal the core refuses is reported like ``lease check`` does."""
    from computelease.errors import DealInvalid, FieldError

    try:
        return work()
    except FieldError as exc:
        raise DealInvalid([item.problem(exc.path, exc.code, exc.message)]) from None


def _settings(as_of: str | None, rate: str | None) -> Settings:
    from decimal import Decimal

    from computelease import dates, money
    from computelease.core.analysis import Settings
    from computelease.errors import FieldError

    try:
        day = dates.parse_date(as_of) if as_of is not None else None
    except FieldError as exc:
        raise UsageError(f"--as-of: {exc.message}") from None
    try:
        value = (
            money.parse_rate(rate, low=Decimal(0), high=Decimal(1), what="discount rate")
            if rate is not None
            else None
        )
    except FieldError as exc:
        raise UsageError(f"--rate: {exc.message}") from None
    return Settings(as_of=day, rate=value)


def _options(exact: bool, symbol: bool, output: Path | None) -> RenderOptions:
    from computelease.output import stdout_is_unicode
    from computelease.render.model import RenderOptions

    return RenderOptions(
        exact=exact, symbol=symbol, unicode=output is not None or stdout_is_unicode()
    )


def _load(paths: Sequence[Path]) -> tuple[list[LoadedDeal], list[Problem], list[Path]]:
    """Every deal the paths name, every problem met on the way, and every deal file found.

    The files found (valid or not) are what ``--output`` must never overwrite.
    """
    from computelease import loader
    from computelease.errors import DealInvalid

    found = loader.discover(paths)
    problems = list(found.problems)
    loaded = []
    for path, shown in found.files:
        try:
            loaded.append(loader.load(path, name=shown))
        except DealInvalid as exc:
            problems.extend(exc.problems)
    if not found.files and not found.problems:
        shown_paths = ", ".join(str(p) for p in paths)
        raise UsageError(f"no deal files (*.yaml, *.yml) in {shown_paths}")
    return loaded, problems, [path for path, _ in found.files]


def _load_one(path: Path) -> LoadedDeal:
    loaded, problems, _ = _load([path])
    if problems:
        from computelease.errors import DealInvalid

        raise DealInvalid(problems)
    if len(loaded) != 1:
        raise UsageError(f"{path}: expected one deal file, found {len(loaded)}")
    return loaded[0]


def _diagnose(problems: Sequence[Problem]) -> None:
    """Problems go to stderr, one line each, so stdout stays clean data."""
    if problems:
        from computelease.render import text as render_text

        _err(render_text.problems(problems))


def _emit(rendered: RenderableType, output: Path | None, inputs: Sequence[Path]) -> None:
    from computelease.output import to_text, write_atomic

    text = rendered if isinstance(rendered, str) else to_text(rendered, terminal=output is None)
    if output is not None:
        write_atomic(output, text, inputs)
    else:
        _out(text)


def _exit_code(problems: Sequence[Problem], *, strict: bool) -> int:
    """2 if a path could not be read, else 1 for errors (or warnings under --strict), else 0."""
    if any(p.code == Codes.UNREADABLE for p in problems):
        return ExitCode.USAGE
    if any(p.severity is Severity.ERROR for p in problems):
        return ExitCode.INVALID
    if strict and any(p.severity is Severity.WARNING for p in problems):
        return ExitCode.INVALID
    return ExitCode.OK


def _out(text: str) -> None:
    """Write data to stdout; if the reader has gone (``| head``), drop the rest quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so later writes and the final flush succeed;
        # the command still ends with its own exit code.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


def main() -> None:
    """Entry point of ``lease`` and ``python -m computelease``."""
    # Commands have their own boundary (guarded); this one catches what happens
    # around them, while options are parsed and callbacks run.
    for stream in (sys.stdout, sys.stderr):
        # On an ASCII-only terminal (PYTHONIOENCODING=ascii) a euro sign becomes \u20ac
        # instead of a UnicodeEncodeError.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        app(prog_name="lease")
    except KeyboardInterrupt:
        _err("lease: interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception:
        _internal_error(debug="--debug" in sys.argv)
        sys.exit(ExitCode.INTERNAL)
