"""Month rolling under the end-of-month rule, month spans, and strict ISO dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelease import dates
from computelease.errors import Codes, FieldError


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (date(2026, 4, 30), 1, date(2026, 5, 31)),  # month end stays on month ends
        (date(2026, 4, 30), 2, date(2026, 6, 30)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),  # clamped...
        (date(2026, 1, 30), 2, date(2026, 3, 30)),  # ...but computed from the anchor
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 7, 1), 42, date(2030, 1, 1)),
        (date(2026, 7, 1), -1, date(2026, 6, 1)),
    ],
)
def test_add_months(anchor: date, months: int, expected: date) -> None:
    assert dates.add_months(anchor, months) == expected


def test_add_months_past_year_9999_is_an_overflow() -> None:
    with pytest.raises(dates.DateOverflow):
        dates.add_months(date(9999, 12, 1), 1)


@pytest.mark.parametrize(
    ("first", "last", "whole", "stub", "stub_month", "months"),
    [
        (date(2026, 1, 1), date(2026, 3, 15), 2, 15, 31, "2.483870967741935483870967742"),
        (date(2026, 7, 1), date(2029, 12, 31), 42, 0, 0, "42"),
        (date(2026, 1, 31), date(2026, 2, 27), 1, 0, 0, "1"),  # Jan 31 rolls to Feb 28
        (date(2026, 1, 1), date(2026, 1, 1), 0, 1, 31, "0.03225806451612903225806451613"),
    ],
)
def test_month_span(
    first: date, last: date, whole: int, stub: int, stub_month: int, months: str
) -> None:
    span = dates.month_span(first, last)
    assert (span.whole, span.stub_days, span.stub_month_days) == (whole, stub, stub_month)
    assert span.months == Decimal(months)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 1200))
def test_whole_months_round_trip(first: date, months: int) -> None:
    last = dates.add_months(first, months) - dates.ONE_DAY
    if last >= first:
        span = dates.month_span(first, last)
        assert (span.whole, span.stub_days) == (months, 0)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2026-13-01", "month 13 does not exist"),
        ("0000-01-01", "year 0"),
        ("20260701", "YYYY-MM-DD"),
        ("2026-7-1", "YYYY-MM-DD"),
        ("July 1, 2026", "YYYY-MM-DD"),
    ],
)
def test_parse_date_rejects(text: str, fragment: str) -> None:
    with pytest.raises(FieldError) as info:
        dates.parse_date(text)
    assert info.value.code == Codes.BAD_DATE
    assert fragment in info.value.message


def test_parse_date_accepts_iso() -> None:
    assert dates.parse_date("2028-02-29") == date(2028, 2, 29)


def _month_span_by_rolling(first: date, last: date) -> dates.MonthSpan:
    """Whole months by rolling from ``first`` one month at a time: slow, and plainly right."""
    after = last + dates.ONE_DAY
    whole = 0
    while dates.add_months(first, whole + 1) <= after:
        whole += 1
    stub_start = dates.add_months(first, whole)
    stub_days = (after - stub_start).days
    stub_month_days = (dates.add_months(first, whole + 1) - stub_start).days if stub_days else 0
    return dates.MonthSpan(whole, stub_days, stub_month_days)


@given(
    st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    st.integers(0, 400),
    st.integers(-3, 3),
)
def test_month_span_agrees_with_rolling_month_by_month(first: date, months: int, days: int) -> None:
    # Spans near whole months are where the shortcut for a full period applies, or must not.
    last = dates.add_months(first, months) - dates.ONE_DAY + days * dates.ONE_DAY
    if last >= first:
        assert dates.month_span(first, last) == _month_span_by_rolling(first, last)
