"""Committed value: what a deal is worth if its termination right is used as early as possible.

A headline such as "worth up to $6.3B" assumes the deal runs its full term.
With a termination right, the earliest effective end is notice given on
``not_before`` (or ``start``) plus ``notice_days``: that day is the first no
longer covered. The committed value is what is owed for service up to it:
every payment for a period that starts before it, the last one prorated by
the days covered, plus the termination fee, plus any prepayment already paid.
Who holds the right (``by``) does not change the figure.

Options are never committed, so the committed value is computed on the base
schedule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from computelease import dates, money
from computelease.core.schedule import Row, Schedule
from computelease.core.totals import MONTH_PLACES

#: Places kept for the committed share of the headline (0.141321 = 14.1321%).
SHARE_PLACES = 6


@dataclass(frozen=True)
class Commitment:
    """The committed value of a deal against its headline value.

    Without a termination right the whole term is committed: ``early`` is
    False and ``committed_value`` is the total.
    """

    has_right: bool
    early: bool
    notice_date: date | None
    effective_end: date | None
    last_day: date
    notice_days: int | None
    by: str | None
    payments: Decimal
    prepaid: Decimal
    fee: Decimal
    committed_value: Decimal
    headline: Decimal
    share: Decimal | None
    months: Decimal
    #: The committed value by calendar year of payment (the fee on the last day covered).
    by_year: tuple[tuple[int, Decimal], ...]


@money.exact
def commitment(schedule: Schedule) -> Commitment:
    """The committed value of ``schedule`` (a base schedule) under its deal's termination right."""
    deal = schedule.deal
    ccy = deal.ccy
    term = deal.termination
    headline = schedule.total
    if term is None:
        return _whole_term(schedule, has_right=False)
    notice = term.not_before or deal.start
    effective_end = notice + timedelta(days=term.notice_days)
    if effective_end > deal.term_end:
        return _whole_term(schedule, has_right=True, notice=notice, effective_end=effective_end)
    payments = prepaid = money.ZERO
    by_year: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    for row in schedule.rows:
        owed = owed_part(row.amount, row, effective_end, ccy)
        if owed is None:
            continue
        if row.kind == "prepayment":
            prepaid += owed
        else:
            payments += owed
        by_year[row.date.year] += owed
    fee = term.fee or money.ZERO
    committed = payments + prepaid + fee
    last_day = effective_end - dates.ONE_DAY
    if fee:
        by_year[last_day.year] += fee
    months = dates.month_span(deal.start, last_day).months if last_day >= deal.start else money.ZERO
    return Commitment(
        has_right=True,
        early=True,
        notice_date=notice,
        effective_end=effective_end,
        last_day=last_day,
        notice_days=term.notice_days,
        by=term.by,
        payments=payments,
        prepaid=prepaid,
        fee=fee,
        committed_value=committed,
        headline=headline,
        share=money.round_to(committed / headline, SHARE_PLACES) if headline else None,
        months=money.round_to(months, MONTH_PLACES),
        by_year=tuple(sorted(by_year.items())),
    )


def owed_part(value: Decimal, row: Row, effective_end: date, ccy: money.Currency) -> Decimal | None:
    """The part of ``value`` (a row's amount, or its credit) for service before ``effective_end``.

    All of it for a period that ends before, a share by days covered for the
    period cut short, nothing (None) for a period that starts on or after it.
    """
    if row.kind == "prepayment" or row.period_start is None or row.period_end is None:
        return value if row.date < effective_end else None
    if row.period_start >= effective_end:
        return None
    if row.period_end < effective_end:
        return value
    covered = dates.days_inclusive(row.period_start, effective_end - dates.ONE_DAY)
    period = dates.days_inclusive(row.period_start, row.period_end)
    return money.round_money(value * covered / period, ccy)


def _whole_term(
    schedule: Schedule,
    *,
    has_right: bool,
    notice: date | None = None,
    effective_end: date | None = None,
) -> Commitment:
    deal = schedule.deal
    term = deal.termination
    total = schedule.total
    prepaid = sum((r.amount for r in schedule.rows if r.kind == "prepayment"), money.ZERO)
    by_year: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    for row in schedule.rows:
        by_year[row.date.year] += row.amount
    return Commitment(
        has_right=has_right,
        early=False,
        notice_date=notice,
        effective_end=effective_end,
        last_day=deal.term_end,
        notice_days=term.notice_days if term else None,
        by=term.by if term else None,
        payments=total - prepaid,
        prepaid=prepaid,
        fee=money.ZERO,
        committed_value=total,
        headline=total,
        share=money.ONE if total else None,
        months=money.round_to(dates.month_span(deal.start, deal.term_end).months, MONTH_PLACES),
        by_year=tuple(sorted(by_year.items())),
    )
