"""Calendar arithmetic for terms and payment grids: month rolling and the end-of-month rule.

Dates roll by calendar month from an anchor, never from the previous date, so
a schedule anchored on 31 January reads Feb 28, Mar 31, Apr 30 rather than
drifting to the 28th. An anchor on the last day of its month stays on month
ends (from 30 April: 31 May, 30 June); any other anchor day is clamped to the
length of a shorter month (from 30 January: 28 February, then 30 March). This
is QuantLib's end-of-month rule without business-day adjustment.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from computelease.errors import Codes, FieldError

#: The first and last days a term may cover. Every date the model derives from a
#: valid deal stays inside the calendar: a notice period or a delivery grace of up to
#: 100 years after the last day, a valuation date up to :data:`SLACK_YEARS` after it,
#: and anything dated up to :data:`SLACK_YEARS` before the first day.
FIRST_TERM_DAY: Final = date(1900, 1, 1)
LAST_TERM_DAY: Final = date(9599, 12, 31)
#: The longest term a deal may have.
MAX_TERM_MONTHS: Final = 1200
#: How far from its term a deal's other dates (capex, a prepayment, a market quote, a
#: delivery deadline) and a valuation date may lie. Together with rates of at most
#: 100% a year it bounds every compounding factor by 2 ** 120, which the money
#: context's precision holds to the cent (see :data:`computelease.money.CONTEXT`).
SLACK_YEARS: Final = 10

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
ONE_DAY: Final = timedelta(days=1)


class DateOverflow(ArithmeticError):
    """Month arithmetic went past year 9999 (or before year 1)."""


_DAYS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS[month - 1]


def is_month_end(d: date) -> bool:
    return d.day == days_in_month(d.year, d.month)


def add_months(anchor: date, months: int) -> date:
    """The date ``months`` calendar months after ``anchor``, under the end-of-month rule."""
    return month_roller(anchor)(months)


def month_roller(anchor: date) -> Callable[[int], date]:
    """``add_months`` from one anchor, with what the anchor decides worked out once.

    A schedule rolls every period from its anchor; this is that loop's cost.
    """
    base = anchor.year * 12 + anchor.month - 1
    end_of_month = is_month_end(anchor)
    day = anchor.day

    def roll(months: int) -> date:
        year, month0 = divmod(base + months, 12)
        if not 1 <= year <= 9999:
            raise DateOverflow(f"{anchor.isoformat()} plus {months} months is past year 9999")
        last = days_in_month(year, month0 + 1)
        return date(year, month0 + 1, last if end_of_month else min(day, last))

    return roll


def years_before(d: date, years: int) -> date:
    """The same day ``years`` years earlier (29 February becomes the 28th)."""
    return add_months(d, -12 * years)


def years_after(d: date, years: int) -> date:
    """The same day ``years`` years later, or the last day of the calendar if past it."""
    try:
        return add_months(d, 12 * years)
    except DateOverflow:
        return date.max


def next_day(d: date) -> date:
    if d == date.max:
        raise DateOverflow("the day after 9999-12-31 does not exist")
    return d + ONE_DAY


def days_inclusive(first: date, last: date) -> int:
    return (last - first).days + 1


@dataclass(frozen=True, slots=True)
class MonthSpan:
    """A span measured in calendar months from its first day: whole months and a stub.

    ``stub_days / stub_month_days`` is the fraction of the month that begins
    after the last whole month; ``2026-01-01`` to ``2026-03-15`` is 2 whole
    months and 15 of March's 31 days.
    """

    whole: int
    stub_days: int
    stub_month_days: int

    @property
    def months(self) -> Decimal:
        """Exact, unrounded months; callers round for display."""
        if not self.stub_days:
            return Decimal(self.whole)
        return self.whole + Decimal(self.stub_days) / Decimal(self.stub_month_days)


def month_span(first: date, last: date) -> MonthSpan:
    """Calendar months from ``first`` to ``last`` inclusive, rolling from ``first``."""
    after = next_day(last)
    # A first guess from the calendar, then a step either way: rolling clamps days.
    whole = max(0, (after.year - first.year) * 12 + after.month - first.month)
    if after.day == first.day and after >= first and not is_month_end(first):
        # Whole months exactly, as every full period of a schedule is: no day is clamped.
        return MonthSpan(whole, 0, 0)
    while whole > 0 and add_months(first, whole) > after:
        whole -= 1
    while add_months(first, whole + 1) <= after:
        whole += 1
    stub_start = add_months(first, whole)
    stub_days = (after - stub_start).days
    stub_month_days = (add_months(first, whole + 1) - stub_start).days if stub_days else 0
    return MonthSpan(whole, stub_days, stub_month_days)


def parse_date(value: object) -> date:
    """An ISO ``YYYY-MM-DD`` date, with a message that says what is wrong with a bad one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldError(Codes.BAD_DATE, f"expected a date as YYYY-MM-DD, got {value!r}")
    raw = value.strip()
    m = _ISO_DATE.fullmatch(raw)
    if m is None:
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        raise FieldError(Codes.BAD_DATE, f"expected a date as YYYY-MM-DD, got {shown!r}")
    year, month, day = (int(g) for g in m.groups())
    if year < 1:
        raise FieldError(Codes.BAD_DATE, f"{raw}: year 0 does not exist")
    if not 1 <= month <= 12:
        raise FieldError(Codes.BAD_DATE, f"{raw}: month {month} does not exist")
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise FieldError(Codes.BAD_DATE, f"{raw}: {name} {year} has {last} days")
    return date(year, month, day)
