"""The economics behind the lessor's figures, by hand: tranches, costs, residuals, roots."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from computelease import loader
from computelease.core import capacity
from computelease.core.analysis import Settings, analyse
from computelease.core.costs import cost_stack, residual
from computelease.core.market import MarketCurve
from computelease.core.reported import reported_checks
from computelease.core.scenario import apply
from computelease.core.schedule import build_schedule
from computelease.core.totals import totals
from computelease.core.valuation import Flow, xirr
from computelease.errors import DealInvalid
from computelease.models import Deal, Scenario, as_data

D = Decimal


def deal(**extra: Any) -> Deal:
    fields: dict[str, Any] = {
        "name": "Economics",
        "lessor": "A",
        "lessee": "B",
        "start": "2026-01-01",
        "months": "12",
        "payments": [{"amount": "1000"}],
    }
    fields.update(extra)
    return Deal.model_validate(fields)


TWO_TRANCHES: dict[str, Any] = {
    "payments": [{"per_gpu_hour": "$2"}],
    "capacity": {
        "tranches": [
            {"name": "first", "gpus": "1000", "power_mw": "2"},
            {"name": "second", "gpus": "1000", "power_mw": "2", "delivered": "2026-07-01"},
        ]
    },
    "assumptions": {"discount_rate": "10%", "lessor": {"capex_per_gpu": "$50000"}},
}


def test_two_tranches_bill_price_and_cost_the_capacity_in_service() -> None:
    d = deal(**TWO_TRANCHES)
    # first: 365 days x 24 h x 1,000 GPUs; second: July-December, 184 days.
    assert capacity.gpu_hours(d, d.start, d.term_end) == D(8_760_000 + 4_416_000)
    schedule = build_schedule(d)
    assert schedule.total == D("26352000.00")  # $2 x 13,176,000 GPU-hours
    assert schedule.rows[0].amount == D("1488000.00")  # January: 1,000 GPUs x 744 h x $2
    assert schedule.rows[6].amount == D("2976000.00")  # July: 2,000 GPUs x 744 h x $2
    a = analyse(d)
    # Each GPU-hour delivered costs what the deal bills for it: $2.00, not $1.50.
    assert a.units.price_per_gpu_hour.value == D("2.0000")
    # 2,000 kW x 12 months + 2,000 kW x 6 months = 36,000 kW-months.
    assert a.units.price_per_kw_month.value == D("732.0000")
    stack = cost_stack(d)
    assert [(c.tranche, c.date, c.amount) for c in stack.capex] == [
        ("first", date(2026, 1, 1), D("50000000.00")),
        ("second", date(2026, 7, 1), D("50000000.00")),
    ]


def test_one_tranche_equals_one_block_of_capacity() -> None:
    common: dict[str, Any] = {
        "payments": [{"per_gpu_hour": "$3.10"}],
        "assumptions": {
            "discount_rate": "9%",
            "market_gpu_hour": "$2.80",
            "market_decline": "15%",
            "lessor": {"capex_per_gpu": "$40000", "maintenance": "2%"},
        },
    }
    block = analyse(deal(**common, capacity={"gpus": "500", "power_mw": "1.2"}))
    tranche = analyse(deal(**common, capacity={"tranches": [{"gpus": "500", "power_mw": "1.2"}]}))
    assert block.total == tranche.total
    # The same figures; only the tranche's name differs ("capacity" and "tranche-1").
    assert replace(block.units, tranches=()) == replace(tranche.units, tranches=())
    assert block.breakeven.lessor is not None and tranche.breakeven.lessor is not None
    assert block.breakeven.lessor.npv == tranche.breakeven.lessor.npv
    assert block.breakeven.market == tranche.breakeven.market


def lessor(**parts: Any) -> dict[str, Any]:
    return {
        "capacity": {"gpus": "100", "power_mw": "2"},
        "assumptions": {"lessor": {"capex": "$5M", **parts}},
    }


def test_a_built_facility_against_a_rented_one() -> None:
    built = cost_stack(deal(**lessor(facility={"capex_per_mw": "$10M", "life_years": "20"})))
    assert built.facility_capex == D("20000000.00")  # 2 MW x $10M
    assert dict(built.parts) == {}  # no running cost: a built facility is capex
    # $20M over 20 years is $1M a year; the IT's $5M over five years is $1M a year.
    assert built.depreciation == ((2026, D("1000000.00"), D("1000000.00")),)
    rented = deal(
        **{
            **lessor(facility={"rent_per_kw_month": "$100", "rent_escalation": "3%"}),
            "months": "24",
        }
    )
    stack = cost_stack(rented)
    rent = [f.amount for f in stack.opex if f.label == "facility rent"]
    assert rent[0] == D("-200000.00")  # 2,000 kW x $100
    assert rent[12] == D("-206000.00")  # the second year, 3% higher
    assert stack.facility_capex == 0


def test_power_with_utilisation_pue_and_escalation() -> None:
    power = {"price_mwh": "$50", "pue": "1.2", "utilisation": "85%", "escalation": "5%"}
    stack = cost_stack(deal(**{**lessor(power=power), "months": "24"}))
    bills = [f.amount for f in stack.opex if f.label == "power"]
    # January: 2 MW x 85% x 1.2 x 744 h x $50 = $75,888.
    assert bills[0] == D("-75888.00")
    # February 2026 has 672 hours.
    assert bills[1] == D("-68544.00")
    # The next January, 5% dearer.
    assert bills[12] == D("-79682.40")


def test_maintenance_and_insurance_as_shares_of_capex() -> None:
    stack = cost_stack(deal(**lessor(maintenance="2.4%", insurance="1.2%")))
    parts = dict(stack.parts)
    assert parts["maintenance"] == D("120000.00")  # 2.4% of $5M over a year
    assert parts["insurance"] == D("60000.00")


RELET: dict[str, Any] = {
    "capacity": {"gpus": "10"},
    "termination": {"notice_days": "0", "not_before": "2026-07-01"},
    "assumptions": {
        "discount_rate": "0%",
        "market_gpu_hour": "$1",
        "lessor": {"capex_per_gpu": "$100", "useful_life_years": "2", "relet_gap_months": "0"},
    },
}


def test_the_capacity_at_the_end_is_re_let_at_the_market() -> None:
    d = deal(**RELET)
    stack = cost_stack(d)
    value = residual(d, stack, D(0), MarketCurve.of(d))
    # Re-let from 2027-01-01 to the end of its two-year life: 365 days x 24 h x 10 GPUs x $1.
    assert (value.basis, value.value, value.relet_from) == (
        "market",
        D("87600.00"),
        date(2027, 1, 1),
    )


def test_a_walkaway_re_lets_the_capacity_from_the_new_end() -> None:
    d = deal(**RELET)
    walked = apply(d, Scenario(terminate="earliest")).deal
    assert walked.term_end == date(2026, 6, 30)
    a = analyse(walked)
    x = a.breakeven.lessor
    assert x is not None
    # From 2026-07-01 to 2027-12-31: 549 days x 240 GPU-hours x $1.
    assert x.residual == D("131760.00")
    # Cash: $1,000 capex against six payments of $1,000: paid back, and the capacity worth more.
    assert x.payback_date == date(2026, 1, 1) and x.shortfall is None


def test_a_walkaway_shows_the_cash_short_and_the_value_beside_it() -> None:
    d = deal(**{**RELET, "assumptions": {**RELET["assumptions"], "lessor": {"capex": "$9000"}}})
    x = analyse(apply(d, Scenario(terminate="earliest")).deal).breakeven.lessor
    assert x is not None
    # $9,000 spent, $6,000 received: $3,000 short on cash, whatever the GPUs are worth.
    assert x.shortfall == D("3000.00")
    assert x.residual > 0 and x.end_value.basis == "market"


def test_a_fixed_residual_is_labelled_fixed() -> None:
    d = deal(**{**RELET, "assumptions": {"lessor": {"capex": "$900", "residual": "$250"}}})
    x = analyse(d).breakeven.lessor
    assert x is not None and (x.residual, x.end_value.basis) == (D("250.00"), "fixed")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.decimals(min_value=D("0.50"), max_value=D("8"), places=2),
    st.decimals(min_value=D("0.01"), max_value=D("2"), places=2),
    st.sampled_from(["0%", "20%", "40%"]),
)
def test_the_market_residual_falls_as_the_market_falls(
    price: Decimal, drop: Decimal, decline: str
) -> None:
    def value(at: Decimal) -> Decimal:
        market = {"market_gpu_hour": f"{at}", "market_decline": decline, "discount_rate": "10%"}
        d = deal(
            capacity={"gpus": "100", "power_mw": "0.25"},
            assumptions={
                **market,
                "lessor": {
                    "capex_per_gpu": "$30000",
                    "power": {"price_mwh": "$60", "pue": "1.2"},
                    "maintenance": "2%",
                },
            },
        )
        return residual(d, cost_stack(d), D("0.10"), MarketCurve.of(d)).value

    assert value(max(price - drop, D("0.01"))) <= value(price)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 36),
    st.integers(0, 120),
    st.decimals(min_value=D(100), max_value=D(100_000), places=2),
    st.integers(1, 11),
)
def test_a_walkaway_never_shows_less_unrecovered_than_capex_less_receipts(
    months: int, notice: int, capex: Decimal, after: int
) -> None:
    d = deal(
        months=str(months + after),
        payments=[{"amount": "1000"}],
        termination={"notice_days": str(notice), "not_before": "2026-02-01"},
        assumptions={"lessor": {"capex": f"{capex}", "opex_monthly": "50"}},
    )
    walked = apply(d, Scenario(terminate="earliest")).deal
    x = analyse(walked).breakeven.lessor
    assert x is not None
    received = build_schedule(walked).total
    unrecovered = x.shortfall if x.shortfall is not None else D(0)
    assert unrecovered >= max(D(0), capex - received)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 30),
    st.integers(0, 120),
    st.decimals(min_value=D(100), max_value=D(100_000), places=2),
)
def test_a_walkaway_never_hides_a_tranche_bought_before_it_arrived(
    arrives: int, notice: int, capex: Decimal
) -> None:
    d = deal(
        months="36",
        payments=[{"amount": "1000"}],
        termination={"notice_days": str(notice), "not_before": "2026-02-01"},
        capacity={
            "tranches": [
                {"name": "first", "gpus": "10", "capex": f"{capex}"},
                {
                    "name": "second",
                    "gpus": "10",
                    "capex": f"{capex}",
                    "capex_date": "2026-01-15",
                    "delivered": f"{date(2026 + arrives // 12, arrives % 12 + 1, 1)}",
                },
            ]
        },
        assumptions={"lessor": {"opex_monthly": "50"}},
    )
    walked = apply(d, Scenario(terminate="earliest")).deal
    x = analyse(walked).breakeven.lessor
    assert x is not None
    # Both tranches were paid for by 2026-01-15, before any notice could take effect.
    assert cost_stack(walked).it_capex == 2 * capex
    unrecovered = x.shortfall if x.shortfall is not None else D(0)
    assert unrecovered >= max(D(0), 2 * capex - build_schedule(walked).total)


def test_payback_is_when_the_cash_is_covered_for_good() -> None:
    d = deal(
        payments=[{"amount": "1000"}],
        capacity={
            "tranches": [
                {"name": "first", "gpus": "10", "capex": "$2000"},
                {"name": "second", "gpus": "10", "capex": "$5000", "delivered": "2026-04-01"},
            ]
        },
    )
    x = analyse(d).breakeven.lessor
    assert x is not None
    # Covered on 2026-02-01 ($2,000 in), under again on 2026-04-01 ($4,000 in, $7,000 out),
    # and covered for good on 2026-07-01 ($7,000 in).
    assert x.payback_date == date(2026, 7, 1)


def test_an_extension_option_runs_past_the_end() -> None:
    d = deal(
        payments=[
            {"amount": "1000"},
            {
                "name": "extension",
                "amount": "1100",
                "from": "2027-01-01",
                "until": "2027-06-30",
                "option": "true",
            },
        ],
        reported={"end": "2026-12-31", "total": "12000"},
        sources=[{"title": "x"}],
    )
    a = analyse(d)
    assert a.total == D("12000.00")
    assert a.with_options is not None
    assert a.with_options.totals.total == D("18600.00")  # six months at $1,100 more
    assert a.with_options.totals.months == D("18")
    assert a.deal.last_day_with_options == date(2027, 6, 30)


def test_a_ramp_deal_is_checked_against_its_fee_at_full_capacity() -> None:
    from computelease.core.reported import reported_checks

    d = deal(
        payments=[
            {"name": "ramp", "amount": "500", "until": "2026-03-31"},
            {"name": "fee", "amount": "1000", "from": "2026-04-01"},
        ],
        reported={"monthly": "1000"},
        sources=[{"title": "x"}],
    )
    a = analyse(d)
    assert a.base.totals.average_monthly == D("875.00")
    assert a.base.totals.run_rate == D("1000.00")
    [monthly] = reported_checks(d, a.base.totals)
    assert (monthly.name, monthly.passed, monthly.computed) == (
        "monthly_at_full_capacity",
        True,
        D("1000.00"),
    )
    # Within a wide tolerance of both, the headline is still compared with the nearer.
    wide = deal(**{**as_data(d), "reported": {"monthly": "990", "tolerance": "20%"}})
    [near] = reported_checks(wide, analyse(wide).base.totals)
    assert (near.name, near.computed) == ("monthly_at_full_capacity", D("1000.00"))
    average = deal(**{**as_data(d), "reported": {"monthly": "880", "tolerance": "20%"}})
    [mean] = reported_checks(average, analyse(average).base.totals)
    assert (mean.name, mean.computed) == ("monthly", D("875.00"))


def test_the_issues_two_roots_are_both_found() -> None:
    """A prepayment kept at signing, then capex, then one receipt: NPV zero at 12% and 18%."""
    flows = [
        Flow(date(2026, 1, 1), D("23255427.78")),
        Flow(date(2027, 1, 1), D("-53487483.89")),
        Flow(date(2028, 1, 1), D("30734373.35")),
    ]
    irr = xirr(flows)
    assert irr.rate is None  # two rates: no one of them is the IRR
    assert [round(r, 6) for r in irr.roots] == [D("0.120000"), D("0.180000")]
    assert irr.note == (
        "the cash flows change sign 2 times and 2 rates zero the NPV; no one of them is the IRR"
    )


def tied_to_tranches(**extra: Any) -> Deal:
    """TWO_TRANCHES with one stream tied to each tranche."""
    return deal(
        payments=[
            {"name": "first", "per_gpu_hour": "$2", "tranche": "first"},
            {"name": "second", "per_gpu_hour": "$2", "tranche": "second", "from": "2026-07-01"},
        ],
        capacity=TWO_TRANCHES["capacity"],
        assumptions=TWO_TRANCHES["assumptions"],
        **extra,
    )


def test_a_tranche_delay_moves_its_streams_and_keeps_its_capex() -> None:
    d = tied_to_tranches()
    moved = apply(d, Scenario.model_validate({"delay": "second=3m"}))
    second = next(t for t in moved.deal.capacity.tranches if t.name == "second")  # type: ignore[union-attr]
    assert (second.delivered, second.capex_date) == (date(2026, 10, 1), date(2026, 7, 1))
    assert moved.deal.payments[1].from_ == date(2026, 10, 1)
    # Three months of the second tranche no longer billed: 92 days x 24 h x 1,000 x $2.
    assert build_schedule(d).total - build_schedule(moved.deal).total == D("4416000.00")


def test_a_late_tranche_dropped_keeps_the_capex_already_spent() -> None:
    d = tied_to_tranches(
        delivery={"deadline": "2026-07-31", "grace_days": "30", "shortfall": "drop"}
    )
    dropped = apply(d, Scenario.model_validate({"delay": "second=3m"}))
    second = dropped.deal.capacity.tranches[1]  # type: ignore[union-attr]
    # Bought on its planned delivery, 2026-07-01, before the tenant could drop it
    # (2026-08-30): the capex is sunk, and the GPUs are the lessor's to re-let.
    assert (second.name, second.dropped, second.delivered) == ("second", True, date(2026, 10, 1))
    assert [s.name for s in dropped.deal.payments] == ["first"]
    assert "its capex, already spent, stays" in dropped.notes[0]
    assert cost_stack(dropped.deal).it_capex == D("100000000.00")
    # Nothing of it is in service or billed: 8,760,000 GPU-hours of the first at $2.
    assert build_schedule(dropped.deal).total == D("17520000.00")
    assert capacity.gpu_hours(dropped.deal, d.start, d.term_end) == D(8_760_000)
    assert dropped.deal.gpus == 1000


def test_a_late_tranche_not_yet_paid_for_is_never_bought() -> None:
    d = tied_to_tranches(
        delivery={"deadline": "2026-07-31", "grace_days": "30", "shortfall": "drop"}
    )
    data = as_data(d)
    data["capacity"]["tranches"][1]["capex_date"] = date(2026, 9, 15)  # paid on acceptance
    d = Deal.model_validate(data)
    dropped = apply(d, Scenario.model_validate({"delay": "second=3m"}))
    assert [t.name for t in dropped.deal.capacity.tranches] == ["first"]  # type: ignore[union-attr]
    assert "not yet spent" in dropped.notes[0]
    assert cost_stack(dropped.deal).it_capex == D("50000000.00")


def test_a_dropped_tranche_is_re_let_from_its_arrival() -> None:
    d = tied_to_tranches(
        delivery={"deadline": "2026-07-31", "grace_days": "30", "shortfall": "drop"}
    )
    data = as_data(d)
    data["assumptions"] = {
        **data["assumptions"],
        "market_gpu_hour": "$1",
        "lessor": {"capex_per_gpu": "$50000", "useful_life_years": "1"},
    }
    dropped = apply(Deal.model_validate(data), Scenario.model_validate({"delay": "second=3m"}))
    value = residual(dropped.deal, cost_stack(dropped.deal), D(0), MarketCurve.of(dropped.deal))
    # The first re-let from 2027-03-01 to the end of its year of life: nothing. The second,
    # arrived 2026-10-01, from 2026-12-01 (after the two-month gap) to 2027-06-30, its
    # life's end: 212 days x 24 h x 1,000 GPUs x $1.
    assert value.it_value == D("5088000.00")


def test_a_shortfall_keeps_the_price_of_each_gpu_hour_delivered() -> None:
    d = deal(
        payments=[{"per_gpu_hour": "$3.40"}],
        capacity={"gpus": "1000"},
        delivery={"deadline": "2026-03-31", "grace_days": "0"},
    )
    short = apply(d, Scenario(delivered=D("0.85"))).deal
    before = analyse(d).units.price_per_gpu_hour.value
    after = analyse(short).units.price_per_gpu_hour.value
    assert before == after == D("3.4000")
    # From April, 850 GPUs in service and billed: 30 days x 24 h x 850 x $3.40 in April.
    april = next(r for r in build_schedule(short).rows if r.period_start == date(2026, 4, 1))
    assert april.amount == D("2080800.00")


def test_a_shortfall_on_streams_tied_to_tranches_bills_what_is_in_service() -> None:
    """Each tranche's stream bills its whole tranche until the cutoff, 85% of it after."""
    d = tied_to_tranches(delivery={"deadline": "2026-07-01", "grace_days": "30"})
    short = apply(d, Scenario(delivered=D("0.85"))).deal
    parts = [(t.name, t.gpus, t.part_of) for t in short.capacity.tranches]  # type: ignore[union-attr]
    assert parts == [
        ("first", 850, None),
        ("first-undelivered", 150, "first"),
        ("second", 850, None),
        ("second-undelivered", 150, "second"),
    ]
    rows = build_schedule(short).rows
    # January: all 1,000 GPUs of the first tranche, 744 h at $2, not 850.
    assert rows[0].amount == D("1488000.00")
    # August, after the cutoff (2026-08-01): 850 GPUs of each, 744 h at $2.
    august = [r.amount for r in rows if r.period_start == date(2026, 8, 1)]
    assert august == [D("1264800.00"), D("1264800.00")]
    # 1,000 GPUs Jan-Jul (212 days) and 850 Aug-Dec (153 days) for the first; 1,000 in July
    # (31 days) and 850 Aug-Dec for the second: 12,074,400 GPU-hours, each still $2.
    assert capacity.gpu_hours(short, short.start, short.term_end) == D(12_074_400)
    assert build_schedule(short).total == D("24148800.00")
    assert analyse(short).units.price_per_gpu_hour.value == D("2.0000")


def test_the_share_never_delivered_is_re_let_from_the_cutoff() -> None:
    d = deal(
        payments=[{"amount": "$2000000"}],
        capacity={"gpus": "1000"},
        delivery={"deadline": "2026-03-31", "grace_days": "0"},
        assumptions={
            "market_gpu_hour": "$1",
            "lessor": {
                "capex_per_gpu": "$50000",
                "useful_life_years": "1",
                "relet_gap_months": "0",
            },
        },
    )
    short = apply(d, Scenario(delivered=D("0.85"))).deal
    value = residual(short, cost_stack(short), D(0), MarketCurve.of(short))
    # 850 GPUs leave with the lease and their year of life has ended: nothing. The 150 never
    # delivered are re-let from the cutoff, 2026-04-01, to 2026-12-31: 275 days x 24 h x $1.
    assert value.it_value == D(150 * 275 * 24)
    base = residual(d, cost_stack(d), D(0), MarketCurve.of(d))
    assert base.it_value == D(0)


def test_a_mid_month_shortfall_changes_the_capacity_with_the_fees() -> None:
    d = deal(
        payments=[{"amount": "$1000"}],
        capacity={"gpus": "10"},
        delivery={"deadline": "2026-03-11", "grace_days": "0"},
        assumptions={"lessor": {"capex_per_gpu": "$100", "capex_date": "2025-07-01"}},
    )
    short = apply(d, Scenario(delivered=D("0.5"))).deal
    _, rest = short.capacity.tranches  # type: ignore[union-attr]
    # The fee for March is not scaled (its period starts before the cutoff), so the whole
    # capacity serves March too, and the half never delivered retires with it.
    assert (rest.name, rest.until) == ("capacity-undelivered", date(2026, 3, 31))
    # $3,000 for 10 GPUs to March (21,600 GPU-hours), $4,500 for 5 from April (33,000).
    assert analyse(short).units.price_per_gpu_hour.value == D("0.1374")
    # Both halves were bought when the lessor's capex is dated, not at the start.
    assert {c.date for c in cost_stack(short).capex} == {date(2025, 7, 1)}


def test_a_shortfall_retires_no_capacity_past_its_own_end() -> None:
    d = deal(
        payments=[{"amount": "$1000"}],
        capacity={
            "tranches": [
                {"name": "early", "gpus": "10", "until": "2026-02-15"},
                {"name": "late", "gpus": "10"},
            ]
        },
        delivery={"deadline": "2026-03-11", "grace_days": "0"},
    )
    short = apply(d, Scenario(delivered=D("0.5"))).deal
    names = [(t.name, t.until) for t in short.capacity.tranches]  # type: ignore[union-attr]
    # "early" has left service before the cutoff: nothing of it falls short.
    assert names == [
        ("early", date(2026, 2, 15)),
        ("late", None),
        ("late-undelivered", date(2026, 3, 31)),
    ]


def test_a_walkaway_before_a_tied_tranche_arrives_drops_its_stream() -> None:
    d = tied_to_tranches(termination={"notice_days": "30", "not_before": "2026-02-01"})
    walked = apply(d, Scenario(terminate="earliest"))
    # Service ends 2026-03-02, before "second" arrives on 2026-07-01 and before its capex
    # (on its delivery) is spent: it goes, with its stream.
    assert [t.name for t in walked.deal.capacity.tranches] == ["first"]  # type: ignore[union-attr]
    assert [p.name for p in walked.deal.payments] == ["first"]
    assert "not yet spent" in walked.notes[-1]


def test_nothing_delivered_or_drawn_is_refused() -> None:
    with pytest.raises(ValidationError, match="delivered share"):
        Scenario(delivered=D(0))
    with pytest.raises(ValidationError, match="utilisation"):
        deal(
            capacity={"gpus": "1", "power_mw": "1"},
            assumptions={
                "lessor": {"capex": "1", "power": {"price_mwh": "1", "utilisation": "0%"}}
            },
        )


def test_a_tranche_without_the_figure_its_cost_is_counted_by_is_refused() -> None:
    text = (
        "name: T\nlessor: A\nlessee: B\nstart: 2026-01-01\nmonths: 12\n"
        "payments:\n  - amount: 100\n"
        "capacity:\n  tranches:\n    - gpus: 10\n      power_mw: 1\n    - power_mw: 1\n"
        "assumptions:\n  lessor:\n    capex_per_gpu: $100\n"
    )
    with pytest.raises(DealInvalid) as info:
        loader.load_text(text, "t.yaml")
    (problem,) = info.value.problems
    assert (problem.code.id, problem.line, problem.field) == (
        "E305",
        12,
        "capacity.tranches[1].gpus",
    )
    assert problem.message == (
        "assumptions.lessor.capex_per_gpu is counted by gpus: give this tranche's gpus"
    )


def test_a_useful_life_shorter_than_the_term_is_said() -> None:
    d = deal(
        **{
            **RELET,
            "months": "36",
            "assumptions": {
                **RELET["assumptions"],
                "lessor": {"capex": "$900", "useful_life_years": "2"},
            },
        }
    )
    x = analyse(d).breakeven.lessor
    assert x is not None and x.end_value.it_value == 0
    assert any("useful life ends 2027-12-31, before it could be re-let" in n for n in x.notes)


def test_a_percent_prepayment_is_fixed_at_signing_in_every_scenario() -> None:
    d = deal(
        prepayments=[{"amount": "20%"}],
        delivery={"deadline": "2026-03-31", "grace_days": "0"},
        sla={"uptime": "99%", "credit": "10%"},
    )
    signed = build_schedule(d).rows[0].amount  # the prepayment row: 20% of $12,000
    assert signed == D("2400.00")
    for overrides in (Scenario(delivered=D("0.5")), Scenario(uptime=D("0.97"))):
        rows = build_schedule(apply(d, overrides).deal).rows
        assert [r.amount for r in rows if r.kind == "prepayment"] == [D("2400.00")]


def test_an_analysis_at_a_later_date_values_the_same_residual() -> None:
    d = deal(**RELET)
    later = analyse(d, Settings(as_of=date(2026, 6, 1)))
    assert later.breakeven.lessor is not None
    assert later.breakeven.lessor.residual == D("87600.00")


def test_staff_opex_grows_with_the_gpus_in_service() -> None:
    d = deal(
        **{
            **TWO_TRANCHES,
            "assumptions": {
                "discount_rate": "10%",
                "lessor": {"capex_per_gpu": "$50000", "opex_monthly": "$10000"},
            },
        }
    )
    staff = [f for f in cost_stack(d).opex if f.label == "staff and other"]
    # opex_monthly is the figure at full delivery: half of it until the second
    # thousand GPUs arrive in July.
    assert [f.amount for f in staff[:1] + staff[6:7]] == [D("-5000.00"), D("-10000.00")]
    assert dict(cost_stack(d).parts)["staff and other"] == D("90000.00")


def test_the_reported_gpus_are_checked_against_the_tranches() -> None:
    d = deal(**TWO_TRANCHES, reported={"gpus": "1000", "power_mw": "4"})
    by_name = {r.name: r for r in reported_checks(d, totals(build_schedule(d)))}
    # 1,000 reported against two tranches of 1,000: a failure, not a pass against itself.
    assert (by_name["gpus"].passed, by_name["gpus"].computed) == (False, 2000)
    assert (by_name["power_mw"].passed, by_name["power_mw"].computed) == (True, D(4))


def test_the_market_average_is_over_the_gpu_hours_in_service() -> None:
    d = deal(
        **{
            **TWO_TRANCHES,
            "assumptions": {**TWO_TRANCHES["assumptions"], "market_gpu_hour": "$2"},
        }
    )
    market = analyse(d).breakeven.market
    assert market is not None
    assert market.market_average_gpu_hour == D("2.0000")  # a flat market averages itself
    assert market.paid_above_market == D("0.00")


def test_a_scenario_can_clear_a_field_to_swap_rent_for_a_build() -> None:
    d = deal(**lessor(facility={"rent_per_kw_month": "$100"}))
    swap = Scenario.model_validate(
        {
            "set": {
                "assumptions.lessor.facility.rent_per_kw_month": None,
                "assumptions.lessor.facility.capex_per_mw": "$10M",
            }
        }
    )
    built = apply(d, swap)
    assert cost_stack(built.deal).facility_capex == D("20000000.00")
    assert dict(cost_stack(built.deal).parts).get("facility rent") is None
    assert built.notes[0] == "cleared assumptions.lessor.facility.rent_per_kw_month"


def test_a_part_of_no_other_tranche_is_refused_where_written() -> None:
    text = (
        "name: T\nlessor: A\nlessee: B\nstart: 2026-01-01\nmonths: 12\n"
        "payments:\n  - amount: 100\n"
        "capacity:\n  tranches:\n    - name: a\n      gpus: 10\n"
        "    - name: b\n      gpus: 5\n      part_of: c\n"
    )
    with pytest.raises(DealInvalid) as info:
        loader.load_text(text, "t.yaml")
    (problem,) = info.value.problems
    assert (problem.code.id, problem.line, problem.column) == ("E312", 14, 16)
    assert problem.message == "part_of 'c' names no other tranche (the deal has: a)"


def test_revenue_is_earned_over_the_service_and_cash_as_it_moves() -> None:
    d = deal(
        start="2026-11-01",
        months="6",
        payments=[{"amount": "$300", "every": "quarter"}],
        prepayments=[{"amount": "$120", "on": "2026-11-01", "credit": "back"}],
        assumptions={"lessor": {"capex": "$1000", "useful_life_years": "5"}},
    )
    years = {y.year: y for y in analyse(d).breakeven.lessor.years}  # type: ignore[union-attr]
    # November to January (92 days) is billed in advance: 61 days of it fall in 2026.
    # The prepayment pays $120 of the February quarter, earned with that quarter.
    assert years[2026].revenue == D("198.91")  # 300 x 61 / 92
    assert years[2027].revenue == D("401.09")  # 300 x 31 / 92 + 300
    assert years[2026].received == D("420.00")  # the first quarter and the prepayment
    assert years[2027].received == D("180.00")  # the second quarter, less its credit
    # $1,000 of IT over five years: $16.67 a month, November and December in 2026.
    assert (years[2026].depreciation_it, years[2026].depreciation_facility) == (
        D("33.33"),
        D("0.00"),
    )
    assert years[2026].ebit == D("198.91") - D("33.33")
    assert years[2026].cash == D("420.00") - D("1000.00")


def test_a_walkaway_for_a_missed_delivery_refunds_the_unused_prepayment() -> None:
    d = deal(
        payments=[{"amount": "$100"}],
        prepayments=[{"amount": "$600", "credit": "pro-rata"}],
        delivery={"deadline": "2026-03-31", "grace_days": "0", "shortfall": "terminate"},
        termination={"notice_days": "30", "not_before": "2026-05-01", "by": "lessee"},
    )
    missed = apply(d, Scenario(delivered=D("0.5")))
    # Three months of service at $100, half of each paid out of the prepayment: of its $600,
    # $150 is used and $450 goes back, since the lessor failed to deliver.
    assert [p.amount for p in missed.deal.prepayments] == [D("150")]
    assert build_schedule(missed.deal).total == D("300.00")
    assert "refunded, since the lessor failed to deliver" in missed.notes[-1]
    # Leaving of its own accord on notice, the tenant forfeits what it prepaid.
    walked = apply(d, Scenario(terminate="earliest"))
    assert build_schedule(walked.deal).total > D("300.00")
    assert "assumed kept by the lessor" in walked.notes[-1]


def test_a_tranche_of_older_gpus_re_lets_at_its_own_market() -> None:
    fleet = {
        "tranches": [
            {"name": "hopper", "gpus": "1000", "market_gpu_hour": "$0.50"},
            {"name": "blackwell", "gpus": "1000"},
        ]
    }
    d = deal(
        payments=[{"amount": "$2000000"}],
        capacity=fleet,
        assumptions={
            "market_gpu_hour": "$1",
            "lessor": {"capex_per_gpu": "$1000", "useful_life_years": "2", "relet_gap_months": "0"},
        },
    )
    value = residual(d, cost_stack(d), D(0), MarketCurve.of(d))
    # Both re-let for 2027 (365 days) with no costs: the Blackwells at $1, the Hoppers at
    # their own $0.50, following the same flat market.
    assert value.it_value == D(1000 * 365 * 24) + D(1000 * 365 * 24) / 2


def test_a_market_curve_joins_its_points_and_falls_beyond_the_last() -> None:
    d = deal(
        assumptions={
            "market_curve": [
                {"date": "2026-01-01", "gpu_hour": "$4.00"},
                {"date": "2026-07-01", "gpu_hour": "$3.00"},
            ],
            "market_decline": "50%",
        }
    )
    curve = MarketCurve.of(d)
    assert curve is not None
    # 181 days between the points; 2026-04-01 is 90 of them in: 4 - 1 x 90/181.
    assert money_round(curve.price(date(2026, 4, 1))) == D("3.5028")
    assert curve.price(date(2026, 7, 1)) == D("3.00")
    # A year past the last point, half of it: 50% a year.
    assert money_round(curve.price(date(2027, 7, 1))) == D("1.5000")
    # Before the first point the curve runs back up at the same rate.
    assert money_round(curve.price(date(2025, 1, 1))) == D("8.0000")


def money_round(value: Decimal) -> Decimal:
    return value.quantize(D("0.0001"))


def test_a_walkaway_re_lets_along_the_curve() -> None:
    """The market that made the tenant leave is the one the GPUs re-let into."""

    def end_value(second: str) -> Decimal:
        d = deal(
            payments=[{"amount": "$1000000"}],
            capacity={"gpus": "1000"},
            termination={"notice_days": "0", "not_before": "2026-03-31"},
            assumptions={
                "market_curve": [
                    {"date": "2026-01-01", "gpu_hour": "$2"},
                    {"date": "2026-07-01", "gpu_hour": second},
                ],
                "lessor": {
                    "capex_per_gpu": "$1000",
                    "relet_gap_months": "0",
                    "useful_life_years": "1",
                },
            },
        )
        walked = apply(d, Scenario(terminate="earliest")).deal
        return residual(walked, cost_stack(walked), D(0), MarketCurve.of(walked)).it_value

    # Re-let from 2026-03-31 to 2026-12-31: a flat $2 market, and one falling to $1 by July.
    flat, falling = end_value("$2"), end_value("$1")
    assert flat == D(1000 * 24 * 2 * 276)
    assert falling < flat
