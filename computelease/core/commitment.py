"""Committed value: what a deal is worth if its termination right is used as early as possible.

A headline such as "worth up to $6.3B" assumes the deal runs its full term.
With a termination right, the earliest effective end is notice given on
``not_before`` (or ``start``) plus ``notice_days``: that day is the first no
longer covered. The committed value is what is owed for service up to it:
every payment for a period that starts before it, the last one prorated by
the days covered, plus the termination fee, plus any prepayment already paid.
Who holds the right (``by``) does not change the figure.

Valued on a later date (``as_of`` after the start), the commitment is what
remains: notice is given on that date if it is later than the earliest
allowed, and only payments due on or after it count, against the payments
still scheduled from it. On or before the start it is the commitment at
signing, prepayments made before service included.

Options are never committed, so the committed value is computed on the base
schedule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from computelease import dates, money
from computelease.core.schedule import Schedule, ScheduleRow
from computelease.core.totals import MONTH_PLACES

#: Places kept for the committed share of the headline (0.141321 = 14.1321%).
SHARE_PLACES = 6


@dataclass(frozen=True)
class Commitment:
    """The committed value of a deal against its headline value.

    Without a termination right the whole term is committed: ``early`` is
    False and ``committed_value`` is the total (of what remains, when
    ``remaining``).
    """

    has_right: bool
    early: bool
    #: The date the commitment is measured from; ``remaining`` when that is after the start.
    as_of: date
    remaining: bool
    notice_date: date | None
    effective_end: date | None
    last_day: date
    notice_days: int | None
    by: str | None
    payments: Decimal
    prepaid: Decimal
    fee: Decimal
    committed_value: Decimal
    #: The headline the share is of: the total, or what is still scheduled from ``as_of``.
    headline: Decimal
    share: Decimal | None
    months: Decimal
    #: The committed value by calendar year of payment (the fee on the last day covered).
    by_year: tuple[tuple[int, Decimal], ...]


@money.exact
def commitment(schedule: Schedule, as_of: date | None = None) -> Commitment:
    """The committed value of ``schedule`` (a base schedule) under its deal's termination right."""
    deal = schedule.deal
    ccy = deal.ccy
    term = deal.termination
    as_of = as_of or deal.start
    remaining = as_of > deal.start
    rows = [r for r in schedule.rows if not remaining or r.date >= as_of]
    headline = sum((r.amount for r in rows), money.ZERO)
    if term is None:
        return _whole_term(schedule, rows, as_of, remaining, has_right=False)
    notice = max(term.not_before or deal.start, as_of)
    effective_end = notice + timedelta(days=term.notice_days)
    if effective_end > deal.term_end:
        return _whole_term(
            schedule,
            rows,
            as_of,
            remaining,
            has_right=True,
            notice=notice,
            effective_end=effective_end,
        )
    payments = prepaid = money.ZERO
    by_year: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    for row in rows:
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
    first = as_of if remaining else deal.start
    months = dates.month_span(first, last_day).months if last_day >= first else money.ZERO
    return Commitment(
        has_right=True,
        early=True,
        as_of=as_of,
        remaining=remaining,
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


def committed_flows(schedule: Schedule, as_of: date | None = None) -> list[tuple[date, Decimal]]:
    """The dated flows the committed value adds up: each payment's owed part, then the fee.

    They sum to :func:`commitment`'s ``committed_value``, by the same rules.
    """
    deal = schedule.deal
    term = deal.termination
    as_of = as_of or deal.start
    rows = [r for r in schedule.rows if as_of <= deal.start or r.date >= as_of]
    if term is None:
        return [(r.date, r.amount) for r in rows]
    effective_end = max(term.not_before or deal.start, as_of) + timedelta(days=term.notice_days)
    if effective_end > deal.term_end:
        return [(r.date, r.amount) for r in rows]
    out = []
    for row in rows:
        owed = owed_part(row.amount, row, effective_end, deal.ccy)
        if owed is not None:
            out.append((row.date, owed))
    if term.fee:
        out.append((effective_end - dates.ONE_DAY, term.fee))
    return out


def owed_part(
    value: Decimal, row: ScheduleRow, effective_end: date, ccy: money.Currency
) -> Decimal | None:
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
    rows: Iterable[ScheduleRow],
    as_of: date,
    remaining: bool,
    *,
    has_right: bool,
    notice: date | None = None,
    effective_end: date | None = None,
) -> Commitment:
    deal = schedule.deal
    term = deal.termination
    counted = list(rows)
    total = sum((r.amount for r in counted), money.ZERO)
    prepaid = sum((r.amount for r in counted if r.kind == "prepayment"), money.ZERO)
    by_year: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    for row in counted:
        by_year[row.date.year] += row.amount
    first = as_of if remaining else deal.start
    months = dates.month_span(first, deal.term_end).months if first <= deal.term_end else 0
    return Commitment(
        has_right=has_right,
        early=False,
        as_of=as_of,
        remaining=remaining,
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
        months=money.round_to(Decimal(months), MONTH_PLACES),
        by_year=tuple(sorted(by_year.items())),
    )
