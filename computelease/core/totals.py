"""Totals of a schedule: the headline, the term in days and months, and the calendar split."""

from __future__ import annotations

from collections import defaultdict
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
    payments: int
    days: int
    months: Decimal
    average_monthly: Decimal
    by_year: tuple[tuple[int, Decimal], ...]
    by_quarter: tuple[tuple[str, Decimal], ...]


@money.exact
def totals(schedule: Schedule) -> Totals:
    deal = schedule.deal
    span = dates.month_span(deal.start, deal.term_end)
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
        days=dates.days_inclusive(deal.start, deal.term_end),
        months=money.round_to(exact_months, MONTH_PLACES),
        average_monthly=money.round_money(schedule.total / exact_months, deal.ccy),
        by_year=tuple(sorted(by_year.items())),
        by_quarter=tuple(sorted(by_quarter.items())),
    )
