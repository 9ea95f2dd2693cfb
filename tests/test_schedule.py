"""The schedule and its totals, against hand-computed expectations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from computelease import loader, money
from computelease.core.schedule import allocate, build_schedule
from computelease.core.totals import totals
from computelease.errors import Codes, FieldError
from computelease.models import Deal
from tests.conftest import DEALS

D = Decimal


def deal(**fields: Any) -> Deal:
    """A deal from the fields a test cares about; the rest are dull defaults."""
    data: dict[str, Any] = {
        "name": "Test",
        "lessor": "A",
        "lessee": "B",
        "start": "2026-01-01",
        "months": "12",
        "payments": [{"amount": "1000"}],
    }
    data.update(fields)
    return Deal.model_validate(data)


def amounts(d: Deal, **kw: Any) -> list[Decimal]:
    return [r.amount for r in build_schedule(d, **kw).rows]


def test_reflection_schedule() -> None:
    reflection = loader.load(DEALS / "reflection.yaml").deal
    schedule = build_schedule(reflection)
    sums = totals(schedule)
    assert len(schedule.rows) == 42
    assert {r.amount for r in schedule.rows} == {D("150000000.00")}
    assert schedule.rows[0].date == date(2026, 7, 1)
    assert schedule.rows[-1].date == date(2029, 12, 1)
    assert sums.total == D("6300000000.00")
    assert sums.payments == 42
    assert sums.months == D("42.0000")
    assert sums.days == 1280
    assert sums.average_monthly == D("150000000.00")
    assert sums.by_year == (
        (2026, D("900000000.00")),
        (2027, D("1800000000.00")),
        (2028, D("1800000000.00")),
        (2029, D("1800000000.00")),
    )
    assert sums.by_quarter[0] == ("2026-Q3", D("450000000.00"))
    assert schedule.rows[-1].cumulative == D("6300000000.00")
    assert schedule.cap_date is None


def test_end_of_month_anchor_stays_on_month_ends() -> None:
    d = deal(start="2026-04-30", months="3")
    rows = build_schedule(d).rows
    assert [r.period_start for r in rows] == [
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]
    assert [r.period_end for r in rows] == [date(2026, 5, 30), date(2026, 6, 29), date(2026, 7, 30)]


def test_day_30_anchor_clamps_in_february_and_recovers() -> None:
    rows = build_schedule(deal(start="2026-01-30", months="3")).rows
    assert [r.period_start for r in rows] == [
        date(2026, 1, 30),
        date(2026, 2, 28),
        date(2026, 3, 30),
    ]


def test_stub_is_prorated_by_actual_days_and_the_average_ignores_it() -> None:
    d = deal(end="2026-03-15", months=None, payments=[{"amount": "3100"}])
    schedule = build_schedule(d)
    assert [r.amount for r in schedule.rows] == [D("3100.00"), D("3100.00"), D("1500.00")]
    fraction = schedule.rows[-1].fraction
    assert fraction is not None
    assert money.round_to(fraction, 6) == D("0.483871")  # 15 of March's 31 days
    assert schedule.rows[0].fraction is None
    sums = totals(schedule)
    assert sums.months == D("2.4839")
    assert sums.average_monthly == D("3100.00")


def test_leap_february_in_a_per_gpu_hour_stream() -> None:
    d = deal(
        start="2028-02-01",
        months="2",
        payments=[{"per_gpu_hour": "$2.00"}],
        capacity={"gpus": "10"},
    )
    # 29 days x 24 h x 10 GPUs x $2, then 31 days.
    assert amounts(d) == [D("13920.00"), D("14880.00")]


def test_per_gpu_hour_on_the_730_hour_basis() -> None:
    d = deal(
        months="2",
        payments=[{"per_gpu_hour": "2"}],
        capacity={"gpus": "10"},
        assumptions={"hours_basis": "730"},
    )
    assert amounts(d) == [D("14600.00"), D("14600.00")]


def test_arrears_pay_the_day_after_each_period_and_after_a_cut_stub() -> None:
    d = deal(end="2026-03-15", months=None, payments=[{"amount": "3100", "timing": "arrears"}])
    rows = build_schedule(d).rows
    assert [r.date for r in rows] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 3, 16)]


def test_escalation_compounds_on_anniversaries_and_rounds_each_payment_once() -> None:
    d = deal(months="36", payments=[{"amount": "1000", "escalation": "3.3%"}])
    values = amounts(d)
    assert values[:12] == [D("1000.00")] * 12
    assert values[12:24] == [D("1033.00")] * 12
    # 1000 x 1.033^2 = 1067.089 -> 1067.09, rounded once from the unrounded product.
    assert values[24:] == [D("1067.09")] * 12


def test_quarterly_and_yearly_streams() -> None:
    d = deal(
        months="24",
        payments=[
            {"amount": "300", "every": "quarter"},
            {"amount": "50", "every": "year", "timing": "arrears"},
        ],
    )
    rows = build_schedule(d).rows
    quarterly = [r for r in rows if r.source == 0]
    yearly = [r for r in rows if r.source == 1]
    assert [r.date for r in quarterly][:3] == [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1)]
    assert len(quarterly) == 8
    assert [r.date for r in yearly] == [date(2027, 1, 1), date(2028, 1, 1)]


def test_once_pays_on_from() -> None:
    d = deal(
        payments=[
            {"amount": "1000"},
            {"name": "setup fee", "amount": "5M", "every": "once", "from": "2026-03-15"},
        ]
    )
    rows = build_schedule(d).rows
    fee = [r for r in rows if r.stream == "setup fee"]
    assert [(r.date, r.amount, r.period_start) for r in fee] == [
        (date(2026, 3, 15), D("5000000.00"), None)
    ]
    # Merged by date: the fee sits between the March and April payments.
    assert [r.stream for r in rows[2:5]] == ["payments[0]", "setup fee", "payments[0]"]


def test_cap_binds_mid_term() -> None:
    d = deal(cap="11500")
    schedule = build_schedule(d)
    assert [r.amount for r in schedule.rows][-2:] == [D("1000.00"), D("500.00")]
    assert schedule.total == D("11500.00")
    assert schedule.scheduled_total == D("12000.00")
    assert schedule.cap_date == date(2026, 12, 1)
    assert schedule.cap_cut == D("500.00")
    assert schedule.rows[-1].cap_cut == D("500.00")


def test_cap_zeroes_later_payments() -> None:
    schedule = build_schedule(deal(cap="2500"))
    assert [r.amount for r in schedule.rows][:4] == [
        D("1000.00"),
        D("1000.00"),
        D("500.00"),
        D("0.00"),
    ]
    assert schedule.payments == 3


def test_yen_rounds_to_whole_units() -> None:
    d = deal(currency="JPY", payments=[{"amount": "¥1000.5"}], months="2")
    assert amounts(d) == [D("1001"), D("1001")]


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        ("pro-rata", ["966.67", "966.67", "966.66"]),
        ("front", ["900.00", "1000.00", "1000.00"]),
        ("back", ["1000.00", "1000.00", "900.00"]),
    ],
)
def test_prepayment_credit_modes(credit: str, expected: list[str]) -> None:
    d = deal(months="3", prepayments=[{"amount": "100", "credit": credit}])
    schedule = build_schedule(d)
    rows = schedule.rows
    assert rows[0].kind == "prepayment"
    assert rows[0].amount == D("100.00")
    assert [r.amount for r in rows[1:]] == [D(x) for x in expected]
    assert schedule.total == D("3000.00")  # moved earlier, not changed


def test_pro_rata_puts_the_odd_cents_on_the_last() -> None:
    assert allocate(10000, [10**9] * 3, "pro-rata") == [3333, 3333, 3334]


def test_pro_rata_never_credits_above_a_payment() -> None:
    assert allocate(300, [50, 1000, 1000], "pro-rata") == [50, 125, 125]


def test_percent_prepayment_is_of_the_base_total_before_the_cap() -> None:
    d = deal(
        months="4",
        cap="3000",
        prepayments=[{"amount": "20%", "on": "2026-02-01"}],
        payments=[{"amount": "1000"}, {"amount": "500", "option": True}],
    )
    base = build_schedule(d)
    # 20% of 4,000 (scheduled, before the cap, without the option) = 800 on Feb 1,
    # credited against Feb-Apr as capped (1000, 1000, 0): April has no room, so the
    # equal shares are 400 and 400, leaving 600 and 600 to pay.
    pre = [r for r in base.rows if r.kind == "prepayment"]
    assert [(r.date, r.amount) for r in pre] == [(date(2026, 2, 1), D("800.00"))]
    assert base.total == D("3000.00")
    assert [r.amount for r in base.rows] == [
        D("1000.00"),
        D("800.00"),
        D("600.00"),
        D("600.00"),
        D("0.00"),
    ]
    with_options = build_schedule(d, with_options=True)
    assert with_options.total == D("3000.00")
    assert with_options.scheduled_total == D("6000.00")


def test_prepayment_too_large_to_credit() -> None:
    d = deal(months="2", prepayments=[{"amount": "5000"}])
    with pytest.raises(FieldError) as info:
        build_schedule(d)
    assert info.value.code == Codes.PREPAYMENT_EXCEEDS
    assert info.value.path == ("prepayments", 0, "amount")


def test_options_are_out_of_the_base_and_in_the_up_to_figures() -> None:
    d = deal(
        payments=[
            {"amount": "1000"},
            {"name": "upsize", "amount": "200", "option": True, "from": "2026-07-01"},
        ]
    )
    assert build_schedule(d).total == D("12000.00")
    up_to = build_schedule(d, with_options=True)
    assert up_to.total == D("13200.00")
    assert sum(1 for r in up_to.rows if r.option) == 6


def test_a_payment_escalated_past_the_bound_is_blamed_on_escalation() -> None:
    d = deal(months="1200", payments=[{"amount": "100B", "escalation": "100%", "every": "year"}])
    with pytest.raises(FieldError) as info:
        build_schedule(d)
    assert info.value.code == Codes.PAYMENT_TOO_LARGE
    assert info.value.path == ("payments", 0, "escalation")


def test_free_months_are_rows_of_zero() -> None:
    d = deal(months="2", payments=[{"amount": "0"}])
    schedule = build_schedule(d)
    assert [r.amount for r in schedule.rows] == [D("0.00"), D("0.00")]
    assert schedule.payments == 0
