"""Totals of a schedule: the headline, the term in days and months, and the calendar split."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import dates, money
from computelease.core.schedule import Schedule

#: Places kept for a term in months: 2026-01-01 to 2026-03-15 is 2.4839.
MONTH_PLACES = 4


@dataclass(frozen=True)
class Totals:
    """What a schedule adds up to.

    ``months`` is whole months from ``start`` plus the stub's fraction (days
    covered / days in that month), rounded to four places; ``average_monthly``
    divides by the exact, unrounded months, so a flat $3,100 a month with a
    stub still averages $3,100.00.
    """

    total: Decimal
    scheduled_total: Decimal
    cap: Decimal | None
    cap_date: date | None
    cap_cut: Decimal
    #: Rows that move money: the payments, and the prepayments among them.
    payments: int
    prepayments: int
    #: Payments a prepayment covered in full, and payments the cap cut to zero: no money moves.
    covered: int
    capped: int
    days: int
    months: Decimal
    average_monthly: Decimal
    #: The largest monthly fee in any month of full periods: a ramp deal's fee at full capacity.
    run_rate: Decimal | None
    by_year: tuple[tuple[int, Decimal], ...]
    by_quarter: tuple[tuple[str, Decimal], ...]


@money.exact
def totals(schedule: Schedule) -> Totals:
    deal = schedule.deal
    # With options, the term runs to the last day an option (an extension) covers.
    last = deal.last_day_with_options if schedule.with_options else deal.term_end
    span = dates.month_span(deal.start, last)
    exact_months = span.months
    by_year: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    by_quarter: dict[str, Decimal] = defaultdict(lambda: money.ZERO)
    for row in schedule.rows:
        by_year[row.date.year] += row.amount
        by_quarter[f"{row.date.year}-Q{(row.date.month - 1) // 3 + 1}"] += row.amount
    return Totals(
        total=schedule.total,
        scheduled_total=schedule.scheduled_total,
        cap=deal.cap,
        cap_date=schedule.cap_date,
        cap_cut=schedule.cap_cut,
        payments=schedule.payments,
        prepayments=sum(1 for r in schedule.rows if r.kind == "prepayment" and r.amount),
        covered=sum(1 for r in schedule.rows if r.kind == "payment" and not r.amount and r.credit),
        capped=sum(
            1
            for r in schedule.rows
            if r.kind == "payment" and not r.amount and not r.credit and r.cap_cut
        ),
        days=dates.days_inclusive(deal.start, last),
        months=money.round_to(exact_months, MONTH_PLACES),
        average_monthly=money.round_money(schedule.total / exact_months, deal.ccy),
        run_rate=_run_rate(schedule),
        by_year=tuple(sorted(by_year.items())),
        by_quarter=tuple(sorted(by_quarter.items())),
    )


def _run_rate(schedule: Schedule) -> Decimal | None:
    """The highest month of fees: each full period's payment spread over its months, summed.

    Payments as scheduled (before a cap or a prepayment's credit), options
    excluded; None when no period is whole.
    """
    months: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    for row in schedule.rows:
        if row.kind != "payment" or row.option or row.period_start is None:
            continue
        if row.fraction is not None or row.period_end is None:
            continue
        span = dates.month_span(row.period_start, row.period_end).whole or 1
        first = row.period_start.year * 12 + row.period_start.month
        for k in range(span):
            months[first + k] += row.scheduled / span
    if not months:
        return None
    return money.round_money(max(months.values()), schedule.deal.ccy)


@dataclass(frozen=True, slots=True)
class Bucket:
    """Schedule rows summed over a calendar month, quarter or year of their payment date."""

    label: str
    start: date
    end: date
    payments: int
    amount: Decimal
    cumulative: Decimal
    present_value: Decimal | None


def _bucket_of(day: date, by: str) -> tuple[str, date, date]:
    if by == "year":
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    if by == "quarter":
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        last = dates.add_months(first, 3) - dates.ONE_DAY
        return f"{day.year}-Q{q + 1}", first, last
    first = date(day.year, day.month, 1)
    return f"{day.year}-{day.month:02d}", first, dates.add_months(first, 1) - dates.ONE_DAY


@money.exact
def aggregate(
    schedule: Schedule, by: str, values: Sequence[Decimal | None] | None = None
) -> tuple[Bucket, ...]:
    """Rows summed by ``month``, ``quarter`` or ``year`` of payment date, in date order.

    ``values`` are the rows' present values, if any; a bucket's present value
    is their sum (``None`` when any row in it was before the valuation date).
    """
    out: list[Bucket] = []
    cumulative = money.ZERO
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(schedule.rows):
        groups.setdefault(_bucket_of(row.date, by)[0], []).append(i)
    for label, indices in groups.items():
        _, first, last = _bucket_of(schedule.rows[indices[0]].date, by)
        amount = sum((schedule.rows[i].amount for i in indices), money.ZERO)
        cumulative += amount
        pv: Decimal | None = None
        if values is not None:
            parts = [values[i] for i in indices]
            pv = (
                None
                if any(p is None for p in parts)
                else sum((p for p in parts if p is not None), money.ZERO)
            )
        out.append(
            Bucket(
                label=label,
                start=first,
                end=last,
                payments=sum(1 for i in indices if schedule.rows[i].amount),
                amount=amount,
                cumulative=cumulative,
                present_value=pv,
            )
        )
    return tuple(out)
