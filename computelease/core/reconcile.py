"""Actual invoices and payments against the contract: what was paid, when, and what is wrong.

Each scheduled payment due by the reporting date is matched with the actual
payment that fits it best: the same stream (when the actuals name one),
dated from half a month before it until the next payment of its stream is
due, the amount closest to what was due first. What is left over on either
side is a finding: a scheduled payment with no actual is missing, an actual
that matches nothing is unexpected, or, when it repeats one already matched
(same amount, same window), a duplicate. A matched payment can be late
(after its due date and the grace), short, or over-billed, against what was
due less the SLA credit the actuals say was granted; where the actuals give
the period's uptime and the deal an ``sla``, the credit owed is checked
against the credit granted.

The reporting date defaults to the last actual's, so a payment not yet due is
never called missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from computelease import money
from computelease.core.scenario import sla_credit
from computelease.core.schedule import ScheduleRow, build_schedule
from computelease.errors import Code, Codes
from computelease.models import Deal

#: Days before its due date a payment may arrive and still count for it.
EARLY_DAYS: Final = 15


@dataclass(frozen=True)
class Actual:
    """One line of the actuals file: a payment made (or an invoice settled)."""

    line: int
    date: date
    amount: Decimal
    stream: str | None = None
    #: The SLA credit granted against the period, if the actuals say.
    credit: Decimal | None = None
    #: The period's uptime, if the actuals say: the credit owed follows from it.
    uptime: Decimal | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Finding:
    """A discrepancy: its code, the actuals line it is about (if any), and what it is."""

    code: Code
    line: int | None
    message: str


@dataclass(frozen=True)
class Line:
    """One scheduled payment beside what was paid for it, and the running totals."""

    due: date
    stream: str
    scheduled: Decimal
    credit: Decimal
    paid: Decimal
    paid_on: date | None
    variance: Decimal
    cumulative_scheduled: Decimal
    cumulative_paid: Decimal
    cumulative_variance: Decimal
    status: str


@dataclass(frozen=True)
class Reconciliation:
    """A deal's schedule to the reporting date against its actuals."""

    deal: Deal
    source: str
    actuals_file: str
    as_of: date
    grace_days: int
    lines: tuple[Line, ...]
    unmatched: tuple[Actual, ...]
    findings: tuple[Finding, ...]

    @property
    def scheduled(self) -> Decimal:
        return sum((x.scheduled for x in self.lines), money.ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((x.paid for x in self.lines), money.ZERO) + sum(
            (a.amount for a in self.unmatched), money.ZERO
        )


@money.exact
def reconcile(
    deal: Deal,
    actuals: Sequence[Actual],
    *,
    as_of: date | None = None,
    grace_days: int = 0,
    source: str = "",
    actuals_file: str = "",
) -> Reconciliation:
    """The schedule up to ``as_of`` (default: the last actual's date) against ``actuals``."""
    last = max((a.date for a in actuals), default=deal.start)
    cutoff = as_of or last
    rows = [r for r in build_schedule(deal).rows if r.amount and r.date <= cutoff]
    fmt = _Fmt(deal)
    free = sorted(actuals, key=lambda a: (a.date, a.line))
    taken: set[int] = set()
    lines: list[Line] = []
    findings: list[Finding] = []
    cumulative = [money.ZERO, money.ZERO]
    for i, row in enumerate(rows):
        window = _window(row, rows[i + 1 :])
        fits = [
            a
            for a in free
            if a.line not in taken
            and (a.stream is None or a.stream == row.stream)
            and window[0] <= a.date < window[1]
        ]
        match = min(
            fits, key=lambda a: (abs(a.amount + (a.credit or 0) - row.amount), a.date), default=None
        )
        granted = (match.credit or money.ZERO) if match is not None else money.ZERO
        paid = match.amount if match is not None else money.ZERO
        status = "paid"
        if match is None:
            status = "missing"
            findings.append(
                Finding(
                    Codes.PAYMENT_MISSING,
                    None,
                    f"{row.stream} of {fmt(row.amount)} due {row.date}: no payment by {cutoff}",
                )
            )
        else:
            taken.add(match.line)
            due = row.amount - granted
            if match.date > row.date + timedelta(days=grace_days):
                status = "late"
                days = (match.date - row.date).days
                findings.append(
                    Finding(
                        Codes.PAYMENT_LATE,
                        match.line,
                        f"{row.stream} due {row.date} paid {match.date}, {days} "
                        f"day{'s' if days != 1 else ''} late"
                        + (f" ({grace_days} days' grace)" if grace_days else ""),
                    )
                )
            if paid > due:
                status = "over-billed"
                findings.append(
                    Finding(
                        Codes.PAYMENT_OVER,
                        match.line,
                        f"{fmt(paid)} paid for {row.stream} due {row.date}: {fmt(paid - due)} more "
                        f"than the {fmt(due)} due" + _credit_text(granted, fmt),
                    )
                )
            elif paid < due:
                status = "short"
                findings.append(
                    Finding(
                        Codes.PAYMENT_SHORT,
                        match.line,
                        f"{fmt(paid)} paid for {row.stream} due {row.date}: {fmt(due - paid)} less "
                        f"than the {fmt(due)} due" + _credit_text(granted, fmt),
                    )
                )
            if match.uptime is not None and deal.sla is not None:
                owed = money.round_money(row.amount * sla_credit(deal, match.uptime), deal.ccy)
                if owed != granted:
                    findings.append(
                        Finding(
                            Codes.CREDIT_MISMATCH,
                            match.line,
                            f"uptime {money.format_percent(match.uptime)} for {row.stream} due "
                            f"{row.date} earns an SLA credit of {fmt(owed)}; {fmt(granted)} "
                            "granted",
                        )
                    )
        cumulative[0] += row.amount
        cumulative[1] += paid
        lines.append(
            Line(
                row.date,
                row.stream,
                row.amount,
                granted,
                paid,
                match.date if match is not None else None,
                paid + granted - row.amount,
                cumulative[0],
                cumulative[1],
                cumulative[1] - cumulative[0],
                status,
            )
        )
    unmatched = tuple(a for a in free if a.line not in taken)
    matched = {a.line: a for a in free if a.line in taken}
    for extra in unmatched:
        twins = [
            a
            for a in matched.values()
            if a.amount == extra.amount
            and (a.stream or "") == (extra.stream or "")
            and abs((a.date - extra.date).days) <= 31
        ]
        # The nearest in time, one with the same reference first: what it most likely repeats.
        twin = min(
            twins,
            key=lambda a: (a.reference != extra.reference, abs((a.date - extra.date).days)),
            default=None,
        )
        if twin is not None:
            findings.append(
                Finding(
                    Codes.PAYMENT_DUPLICATE,
                    extra.line,
                    f"{fmt(extra.amount)} on {extra.date} repeats the payment on line {twin.line} "
                    f"({twin.date}): paid twice",
                )
            )
        else:
            findings.append(
                Finding(
                    Codes.PAYMENT_UNEXPECTED,
                    extra.line,
                    f"{fmt(extra.amount)} on {extra.date} matches no payment the contract "
                    f"schedules by {cutoff}",
                )
            )
    findings.sort(key=lambda f: (f.line is None, f.line or 0))
    return Reconciliation(
        deal, source, actuals_file, cutoff, grace_days, tuple(lines), unmatched, tuple(findings)
    )


def _window(row: ScheduleRow, later: Sequence[ScheduleRow]) -> tuple[date, date]:
    """From half a month before ``row``'s due date to the next due date of its stream."""
    following = next((r.date for r in later if r.stream == row.stream and r.date > row.date), None)
    return row.date - timedelta(days=EARLY_DAYS), following or date.max


def _credit_text(granted: Decimal, fmt: _Fmt) -> str:
    return f" (after an SLA credit of {fmt(granted)})" if granted else ""


class _Fmt:
    """Money in a finding, exact, in the deal's currency."""

    def __init__(self, deal: Deal) -> None:
        self.ccy = deal.ccy

    def __call__(self, value: Decimal) -> str:
        return money.format_money(value, self.ccy)
