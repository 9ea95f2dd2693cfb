"""Consistency checks over a loaded deal: the reported figures against the computed ones.

A deal that validates may still contradict what was reported about it: a
reported "$5.4B" for 42 months at $150M is 36 months' worth. Each check
returns :class:`~computelease.errors.Problem` records located at the
reported field, with both numbers in the message, and the results feed both
``lease check`` and the "checks" block of every report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import money
from computelease.core.scenario import Applied, ScenarioError, apply
from computelease.core.schedule import Schedule, build_schedule
from computelease.core.totals import Totals, totals
from computelease.errors import (
    Code,
    Codes,
    DealInvalid,
    FieldError,
    FieldPath,
    Problem,
    UsageError,
    dotted,
)
from computelease.loader import LoadedDeal
from computelease.models import Located, Scenario


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One reported figure compared with the computation: passed or not, and why."""

    name: str
    passed: bool
    reported: Decimal | date | int
    computed: Decimal | date | int
    #: Whether the two values are amounts in the deal's currency.
    is_money: bool
    problem: Problem | None


def check(loaded: LoadedDeal) -> list[Problem]:
    """Every problem with a loaded deal that only computing it (and its scenarios) can reveal."""
    try:
        base = build_schedule(loaded.deal)
        with_options = (
            build_schedule(loaded.deal, with_options=True) if loaded.deal.has_options else None
        )
    except FieldError as exc:
        return [loaded.problem(exc.path, exc.code, exc.message)]
    results = reported_checks(loaded, base, totals(base), with_options)
    problems = [r.problem for r in results if r.problem is not None]
    for name in loaded.deal.scenarios:
        try:
            applied = apply_named(loaded, name)
            build_schedule(applied.deal, with_options=applied.deal.has_options)
        except DealInvalid as exc:
            problems.extend(exc.problems)
        except FieldError as exc:
            issue = Located(exc.path, exc.code, exc.message)
            problems.extend(scenario_problems(loaded, name, [issue]))
    return problems + list(_notes(loaded, base))


def apply_named(loaded: LoadedDeal, name: str) -> Applied:
    """The deal's scenario ``name`` applied; its problems located at the scenario in the file."""
    deal = loaded.deal
    if name not in deal.scenarios:
        have = ", ".join(deal.scenarios) or "none"
        raise UsageError(f"{loaded.path}: no scenario named {name!r} (the deal has: {have})")
    try:
        return apply(deal, deal.scenarios[name])
    except ScenarioError as exc:
        raise DealInvalid(scenario_problems(loaded, name, exc.issues)) from None


def scenario_problems(loaded: LoadedDeal, name: str, issues: Sequence[Located]) -> list[Problem]:
    """Problems of a file's scenario, each at the override that caused it."""
    scenario = loaded.deal.scenarios[name]
    base: FieldPath = ("scenarios", name)
    out = []
    for issue in issues:
        where = dotted(issue.path)
        root = issue.path[0] if issue.path else None
        if where in dict(scenario.set):
            at: FieldPath = (*base, "set", where)
        elif isinstance(root, str) and root in Scenario.model_fields:
            at = (*base, root)
        elif root == "start" and scenario.delay is not None:
            at = (*base, "delay")
        elif root == "termination" and scenario.terminate is not None:
            at = (*base, "terminate")
        else:
            at = base
        # Name the deal field when the override it came from does not already say it.
        prefix = f"{where}: " if where and at[-1] not in ("delay", "terminate", root) else ""
        out.append(loaded.problem(at, issue.code, f"scenario {name!r}: {prefix}{issue.message}"))
    return out


def reported_checks(
    loaded: LoadedDeal, base: Schedule, sums: Totals, with_options: Schedule | None = None
) -> list[CheckResult]:
    """Each figure under ``reported`` against the computed one, within ``tolerance``."""
    deal = loaded.deal
    rep = deal.reported
    if rep is None:
        return []
    ccy = deal.ccy
    tolerance = rep.tolerance
    out: list[CheckResult] = []

    def fmt(value: Decimal) -> str:
        return money.format_money(value, ccy)

    if rep.total is not None:
        total = sums.total
        label = "total"
        if (
            with_options is not None
            and not _close(rep.total, total, tolerance)
            and _close(rep.total, with_options.total, tolerance)
        ):
            total, label = with_options.total, "total with options"
        passed = _close(rep.total, total, tolerance)
        message = (
            f"reported total {fmt(rep.total)} differs from the computed {label} {fmt(total)} "
            f"by {_gap(rep.total, total)} (tolerance {money.format_percent(tolerance)})"
            + _months_hint(rep.total, sums, ccy)
        )
        out.append(
            _result(
                loaded,
                "total",
                passed,
                rep.total,
                total,
                Codes.REPORTED_TOTAL,
                ("reported", "total"),
                message,
            )
        )
    if rep.monthly is not None:
        passed = _close(rep.monthly, sums.average_monthly, tolerance)
        message = (
            f"reported monthly {fmt(rep.monthly)} differs from the computed average per month "
            f"{fmt(sums.average_monthly)} by {_gap(rep.monthly, sums.average_monthly)} "
            f"(tolerance {money.format_percent(tolerance)})"
        )
        out.append(
            _result(
                loaded,
                "monthly",
                passed,
                rep.monthly,
                sums.average_monthly,
                Codes.REPORTED_MONTHLY,
                ("reported", "monthly"),
                message,
            )
        )
    if rep.months is not None:
        passed = _close(rep.months, sums.months, tolerance)
        message = (
            f"reported term of {money.decimal_text(rep.months)} months differs from the computed "
            f"{money.decimal_text(sums.months)} months ({deal.start} to {deal.term_end})"
        )
        out.append(
            _result(
                loaded,
                "months",
                passed,
                rep.months,
                sums.months,
                Codes.REPORTED_MONTHS,
                ("reported", "months"),
                message,
            )
        )
    for field, reported, actual in (
        ("start", rep.start, deal.start),
        ("end", rep.end, deal.term_end),
    ):
        if reported is not None:
            message = f"reported {field} {reported} differs from the deal's {field} {actual}"
            out.append(
                _result(
                    loaded,
                    field,
                    reported == actual,
                    reported,
                    actual,
                    Codes.REPORTED_DATE,
                    ("reported", field),
                    message,
                )
            )
    capacity = deal.capacity
    for field, reported_value, assumed in (
        ("gpus", rep.gpus, capacity.gpus if capacity else None),
        ("power_mw", rep.power_mw, capacity.power_mw if capacity else None),
    ):
        if reported_value is not None and assumed is not None:
            message = (
                f"capacity.{field} is {assumed} but the reported figure is {reported_value}; "
                "computations use capacity"
            )
            out.append(
                _result(
                    loaded,
                    field,
                    assumed == reported_value,
                    reported_value,
                    assumed,
                    Codes.REPORTED_CAPACITY,
                    ("capacity", field),
                    message,
                )
            )
    return out


def _result(
    loaded: LoadedDeal,
    name: str,
    passed: bool,
    reported: Decimal | date | int,
    computed: Decimal | date | int,
    code: Code,
    path: tuple[str, str],
    message: str,
) -> CheckResult:
    problem = None if passed else loaded.problem(path, code, message)
    is_money = name in ("total", "monthly")
    return CheckResult(name, passed, reported, computed, is_money, problem)


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


@money.exact
def _close(reported: Decimal, computed: Decimal, tolerance: Decimal) -> bool:
    if reported == computed:
        return True
    scale = abs(reported) if reported else abs(computed)
    return abs(reported - computed) <= tolerance * scale


@money.exact
def _gap(reported: Decimal, computed: Decimal) -> str:
    if not reported:
        return "all of it"
    return money.format_percent(abs(computed - reported) / abs(reported), 1)


@money.exact
def _months_hint(reported: Decimal, sums: Totals, ccy: money.Currency) -> str:
    """Say how many months of the average payment a mismatched total amounts to."""
    if not sums.average_monthly:
        return ""
    months = reported / sums.average_monthly
    whole = months.to_integral_value()
    if whole < 1 or abs(months - whole) > Decimal("0.01") * whole:
        return ""
    return (
        f"; {money.format_money(reported, ccy, compact=True)} fits {whole} months at "
        f"{money.format_money(sums.average_monthly, ccy, compact=True)}"
    )
