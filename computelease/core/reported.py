"""The reported figures of a deal checked against the computed ones.

A deal that validates may still contradict what was reported about it: a
reported "$5.4B" for 42 months at $150M is 36 months' worth. Each check is a
:class:`CheckResult` with both figures, the code and message to report when
it fails, and the field to report it at; ``lease check`` and the "checks"
block of every report both show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import money
from computelease.core.schedule import Schedule
from computelease.core.totals import Totals
from computelease.errors import Code, Codes, FieldPath
from computelease.models import Deal


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One reported figure compared with the computation: passed or not, and why."""

    name: str
    passed: bool
    reported: Decimal | date | int
    computed: Decimal | date | int
    #: Whether the two values are amounts in the deal's currency.
    is_money: bool
    code: Code
    #: What a failure says; reported at ``field`` when ``passed`` is False.
    message: str
    field: FieldPath


def reported_checks(
    deal: Deal, sums: Totals, with_options: Schedule | None = None
) -> list[CheckResult]:
    """Each figure under ``reported`` against the computed one, within ``tolerance``."""
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
        # A headline monthly fee is the average, or (for a ramp) the fee at full capacity:
        # compared with whichever it is nearer, and named for it.
        computed, name = sums.average_monthly, "monthly"
        run_rate = sums.run_rate
        if (
            run_rate is not None
            and run_rate != computed
            and abs(rep.monthly - run_rate) < abs(rep.monthly - computed)
        ):
            computed, name = run_rate, "monthly_at_full_capacity"
        passed = _close(rep.monthly, computed, tolerance)
        message = (
            f"reported monthly {fmt(rep.monthly)} differs from the computed average per month "
            f"{fmt(sums.average_monthly)} by {_gap(rep.monthly, sums.average_monthly)}"
            + (
                f" and from the fee at full capacity {fmt(sums.run_rate)}"
                if sums.run_rate is not None and sums.run_rate != sums.average_monthly
                else ""
            )
            + f" (tolerance {money.format_percent(tolerance)})"
        )
        out.append(
            _result(
                name,
                passed,
                rep.monthly,
                computed,
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
                    field,
                    reported == actual,
                    reported,
                    actual,
                    Codes.REPORTED_DATE,
                    ("reported", field),
                    message,
                )
            )
    # Compare what the deal itself assumes (a block or its tranches' sum), never the
    # reported figure that Deal.gpus falls back to, which would agree with itself.
    capacity = deal.capacity
    stated = capacity is not None and (capacity.gpus is not None or bool(capacity.tranches))
    powered = capacity is not None and (
        capacity.power_mw is not None or any(t.power_mw is not None for t in capacity.tranches)
    )
    for field, reported_value, assumed in (
        ("gpus", rep.gpus, deal.gpus if stated else None),
        ("power_mw", rep.power_mw, deal.power_mw if powered else None),
    ):
        if reported_value is not None and assumed is not None:
            message = (
                f"capacity.{field} is {assumed} but the reported figure is {reported_value}; "
                "computations use capacity"
            )
            out.append(
                _result(
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
    name: str,
    passed: bool,
    reported: Decimal | date | int,
    computed: Decimal | date | int,
    code: Code,
    path: tuple[str, str],
    message: str,
) -> CheckResult:
    is_money = name in ("total", "monthly", "monthly_at_full_capacity")
    return CheckResult(name, passed, reported, computed, is_money, code, message, path)


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
