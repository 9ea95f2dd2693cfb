"""Problems of a loaded deal that only computing it can reveal, located in its file.

The core refuses what it cannot compute with domain errors: a
:class:`~computelease.errors.FieldError` at a path of the deal (a prepayment
larger than what it is credited against), a
:class:`~computelease.core.scenario.ScenarioError` for overrides that do not
apply, a :class:`~computelease.errors.RequestError` for an input the deal
cannot take. :func:`computing` is the one place that turns each into
:class:`~computelease.errors.Problem` records at the right line of the right
file: at the field, at a scenario's override in the file, or (for overrides
given by the caller) as a usage problem naming the override. :func:`check`
adds the reported figures, the scenarios and the notes, for ``lease check``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import ValidationError

from computelease import money, paths
from computelease.core.analysis import analyse
from computelease.core.breakeven import breakeven
from computelease.core.gates import Limit, evaluate
from computelease.core.reported import CheckResult, reported_checks
from computelease.core.scenario import Applied, ScenarioError, apply, moves_payments
from computelease.core.schedule import Schedule, build_schedule
from computelease.core.totals import totals
from computelease.errors import Codes, DealInvalid, FieldError, FieldPath, Problem, RequestError
from computelease.fields import currency_scope
from computelease.locations import LoadedDeal
from computelease.models import MAX_WORK, Scenario, as_data, schedule_rows
from computelease.validation import Located, validation_issues

T = TypeVar("T")


def computing(
    loaded: LoadedDeal,
    work: Callable[[], T],
    *,
    scenario: str | None = None,
    overrides: Scenario | None = None,
) -> T:
    """``work()`` on ``loaded``; what the core refuses is raised as DealInvalid, located.

    ``scenario`` names the deal file's scenario being computed (its problems
    are reported at its overrides in the file); ``overrides`` are the
    caller's own (their problems are usage problems naming the override).
    """
    try:
        return work()
    except FieldError as exc:
        issues: Sequence[Located] = [Located(exc.path, exc.code, exc.message)]
    except ScenarioError as exc:
        issues = exc.issues
    except RequestError as exc:
        raise DealInvalid([Problem(loaded.path, None, None, exc.code, exc.message)]) from None
    if scenario is not None:
        raise DealInvalid(scenario_problems(loaded, scenario, issues))
    if overrides is not None:
        raise DealInvalid(list(_override_problems(loaded, overrides, issues)))
    raise DealInvalid([loaded.problem(i.path, i.code, i.message) for i in issues])


def check(loaded: LoadedDeal) -> list[Problem]:
    """Every problem of a loaded deal that only computing it (and its scenarios) can reveal."""
    deal = loaded.deal
    try:
        base = computing(loaded, lambda: build_schedule(deal))
        with_options = (
            computing(loaded, lambda: build_schedule(deal, with_options=True))
            if deal.has_options
            else None
        )
    except DealInvalid as exc:
        return list(exc.problems)
    results = reported_checks(deal, totals(base), with_options)
    problems = failed(loaded, results)
    work = len(base.rows) + (len(with_options.rows) if with_options else 0)
    for name in deal.scenarios:
        try:
            scenario = apply_named(loaded, name).deal
            if not moves_payments(deal.scenarios[name]):
                continue  # its schedules are the deal's, built above; it differs in value only
            # Bounded by what is built, not by each factor: rows x scenarios.
            work += schedule_rows(scenario, with_options=False) + (
                schedule_rows(scenario) if scenario.has_options else 0
            )
            if work > MAX_WORK:
                problems.append(_too_much_work(loaded, name, work))
                break
            computing(
                loaded,
                functools.partial(build_schedule, scenario, with_options=scenario.has_options),
                scenario=name,
            )
        except DealInvalid as exc:
            problems.extend(exc.problems)
    try:
        problems.extend(_covenant(loaded, base))
    except DealInvalid as exc:
        problems.extend(exc.problems)
    return problems + list(_notes(loaded, base))


def gates(loaded: LoadedDeal, limits: Sequence[Limit]) -> list[Problem]:
    """The policy's limits the deal crosses, each at the field it concerns."""
    if not limits:
        return []
    try:
        analysis = computing(loaded, lambda: analyse(loaded.deal))
    except DealInvalid:
        return []  # check() has reported why the deal cannot be computed
    return [loaded.problem(f.field, f.code, f.message) for f in evaluate(analysis, limits)]


def _covenant(loaded: LoadedDeal, base: Schedule) -> Iterator[Problem]:
    """A warning for a loan whose coverage falls below its covenant, as the deal is written."""
    deal = loaded.deal
    lessor = deal.assumptions.lessor
    terms = lessor.financing if lessor is not None else None
    if terms is None or terms.min_dscr is None:
        return
    rate = deal.assumptions.discount_rate
    loan = computing(loaded, lambda: breakeven(base, rate, deal.start).loan)
    if loan is None or not loan.breaches:
        return
    (first, low), count = loan.breaches[0], len(loan.breaches)
    yield loaded.problem(
        ("assumptions", "lessor", "financing", "min_dscr"),
        Codes.COVENANT_BREACH,
        f"the loan's DSCR falls below the {money.round_to(terms.min_dscr, 2)}x covenant in "
        f"{count} period{'s' if count > 1 else ''}, first on {first} "
        f"({money.round_to(low, 2)}x); lowest {money.round_to(loan.min_dscr or low, 2)}x "
        f"on {loan.min_dscr_date} (the debt schedule shows each period)",
    )


def _too_much_work(loaded: LoadedDeal, name: str, work: int) -> Problem:
    return loaded.problem(
        ("scenarios", name),
        Codes.TOO_MUCH_WORK,
        f"scenario {name!r}: with it the deal's schedules and its scenarios' come to "
        f"{work:,} schedule rows, more than the {MAX_WORK:,} one check computes; check fewer "
        "scenarios, or use a longer period (every: quarter)",
        key=True,
    )


def failed(loaded: LoadedDeal, results: Sequence[CheckResult]) -> list[Problem]:
    """The failed checks as problems at the reported fields they contradict."""
    return [loaded.problem(r.field, r.code, r.message) for r in results if not r.passed]


def apply_named(loaded: LoadedDeal, name: str) -> Applied:
    """The deal's scenario ``name`` applied; raises DealInvalid, located, when it cannot be."""
    deal = loaded.deal
    if name not in deal.scenarios:
        have = ", ".join(deal.scenarios) or "none"
        where = ("scenarios",) if deal.scenarios else ()
        raise DealInvalid(
            [
                loaded.problem(
                    where,
                    Codes.UNKNOWN_SCENARIO,
                    f"no scenario named {name!r} (the deal has: {have})",
                    key=True,
                )
            ]
        )
    return computing(loaded, lambda: apply(deal, deal.scenarios[name]), scenario=name)


def _override(scenario: Scenario, issue: Located) -> FieldPath:
    """The override that caused ``issue``, as a path into the scenario (empty: none found)."""
    where = paths.dotted(issue.path)
    root = issue.path[0] if issue.path else None
    for written, _ in scenario.set:
        # An index out of range ("payments[5]") is the set entry that reaches for it.
        if where and (written == where or written.startswith((where + ".", where + "["))):
            return ("set", written)
    if isinstance(root, str) and root in Scenario.model_fields:
        return (root,)
    if root in ("start", "end") and scenario.delay is not None:
        return ("delay",)
    if root == "termination" and scenario.terminate is not None:
        return ("terminate",)
    return ()


def scenario_problems(loaded: LoadedDeal, name: str, issues: Sequence[Located]) -> list[Problem]:
    """Problems of a file's scenario, each at the override that caused it."""
    scenario = loaded.deal.scenarios[name]
    out = []
    for issue in issues:
        at = _override(scenario, issue)
        where = paths.dotted(issue.path)
        root = issue.path[0] if issue.path else None
        last = at[-1] if at else name
        # Name the deal field when the override it came from does not already say it.
        named = last in ("delay", "terminate", root) or where in issue.message
        prefix = f"{where}: " if where and not named else ""
        out.append(
            loaded.problem(
                ("scenarios", name, *at), issue.code, f"scenario {name!r}: {prefix}{issue.message}"
            )
        )
    return out


def _override_problems(
    loaded: LoadedDeal, scenario: Scenario, issues: Sequence[Located]
) -> Iterator[Problem]:
    """Problems of the caller's overrides: usage problems that name the override."""
    for issue in issues:
        at = _override(scenario, issue)
        yield _override_problem(loaded, str(at[-1]) if at else "scenario", issue)


def _override_problem(loaded: LoadedDeal, name: str, issue: Located) -> Problem:
    """One problem of an override the caller gave, named once, with the field it reached."""
    where = paths.dotted(issue.path)
    detail = issue.message
    # "payments[9].amount: payments has 1 entry", not "...amount: payments[9]: ...amount: ...".
    if where and where != name and where not in detail and not name.startswith(where):
        detail = f"{where}: {detail}"
    if not detail.startswith(f"{name}:"):
        detail = f"{name}: {detail}"
    return Problem(loaded.path, None, None, Codes.NOT_APPLICABLE, detail, name)


def merged_overrides(
    loaded: LoadedDeal, name: str | None, given: Scenario | Mapping[str, Any] | None
) -> Scenario:
    """The file's scenario ``name`` with the caller's overrides on top, validated as one.

    The caller's win, and ``set`` paths are merged (the caller's winning), so
    ``--name late --extend`` extends the file's delay. Raises DealInvalid with
    usage problems naming each override that cannot be read.
    """
    named = loaded.deal.scenarios[name] if name is not None else None
    fields = _written(named) if named is not None else {}
    extra = dict(given) if isinstance(given, Mapping) else _written(given) if given else {}
    mine, theirs = _pairs(fields.get("set")), _pairs(extra.get("set"))
    fields.update(extra)
    if mine is not None and theirs is not None:
        fields["set"] = tuple({**mine, **theirs}.items())
    try:
        with currency_scope(loaded.deal.currency):
            return Scenario.model_validate(fields)
    except ValidationError as exc:
        raise DealInvalid(
            [
                _override_problem(loaded, str(i.path[0]) if i.path else "scenario", i)
                for i in validation_issues(exc)
            ]
        ) from None


def _written(scenario: Scenario) -> dict[str, Any]:
    """The overrides a scenario was given, as the data it validates from."""
    return {k: v for k, v in as_data(scenario).items() if k in scenario.model_fields_set}


def _pairs(value: object) -> dict[Any, Any] | None:
    """``set`` entries as a dict (from a mapping or pairs), or None when they are neither."""
    if value is None:
        return {}
    try:
        pairs: dict[Any, Any] = dict(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None  # left for validation to name
    return pairs


def _notes(loaded: LoadedDeal, base: Schedule) -> Iterator[Problem]:
    deal = loaded.deal
    if deal.reported is not None and not deal.sources:
        yield loaded.problem(
            ("reported",),
            Codes.NO_SOURCE,
            "reported figures without sources: add a 'sources' list saying where each was reported",
            key=True,
        )
    if deal.cap is not None and base.cap_date is not None:
        ccy = deal.ccy
        yield loaded.problem(
            ("cap",),
            Codes.CAP_BINDS,
            f"the cap {money.format_money(deal.cap, ccy)} cuts "
            f"{money.format_money(base.cap_cut, ccy)} from the scheduled "
            f"{money.format_money(base.scheduled_total, ccy)}, from {base.cap_date}",
        )
