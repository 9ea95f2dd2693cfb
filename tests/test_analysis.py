"""Committed value, unit economics and breakeven, by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from computelease import loader
from computelease.core.analysis import Settings, analyse
from computelease.core.breakeven import breakeven
from computelease.core.commitment import commitment
from computelease.core.schedule import build_schedule
from computelease.core.valuation import Discounter
from tests.conftest import DEALS
from tests.test_schedule import deal

D = Decimal
REFLECTION = loader.load(DEALS / "reflection.yaml").deal


def test_reflection_committed_value() -> None:
    c = commitment(build_schedule(REFLECTION))
    # Notice on 2026-10-01 + 90 days: 2026-12-30 is the first day not covered.
    assert c.notice_date == date(2026, 10, 1)
    assert c.effective_end == date(2026, 12, 30)
    assert c.last_day == date(2026, 12, 29)
    # July-November in full, December for 29 of 31 days: 150M x 29 / 31 = 140,322,580.65.
    assert c.payments == D("890322580.65")
    assert c.committed_value == D("890322580.65")
    assert c.headline == D("6300000000.00")
    assert c.share == D("0.141321")
    assert c.months == D("5.9355")
    assert c.early


def test_committed_value_adds_fee_and_prepayment() -> None:
    d = deal(
        prepayments=[{"amount": "1200"}],
        termination={"notice_days": "31", "not_before": "2026-03-01", "fee": "250"},
    )
    c = commitment(build_schedule(d))
    # Service through 2026-03-31: Jan-Mar, each 1000 less a 100 credit, + the 1200 prepaid + fee.
    assert c.effective_end == date(2026, 4, 1)
    assert (c.payments, c.prepaid, c.fee) == (D("2700.00"), D("1200.00"), D("250"))
    assert c.committed_value == D("4150.00")


def test_notice_that_cannot_end_the_term_early_commits_everything() -> None:
    c = commitment(build_schedule(deal(termination={"notice_days": "400"})))
    assert not c.early and c.has_right
    assert c.committed_value == D("12000.00")
    no_right = commitment(build_schedule(deal()))
    assert not no_right.has_right
    assert no_right.committed_value == D("12000.00")


def test_reflection_unit_economics() -> None:
    u = analyse(REFLECTION).units
    assert u.term_hours.value == D(1280 * 24)
    assert u.gpus.basis == "assumed"
    # $6.3B / (45,000 GPUs x 30,720 h) = $4.5573 per GPU-hour.
    assert u.price_per_gpu_hour.value == D("4.5573")
    # $6.3B / ($4.25 x 30,720 h) = 48,254 GPUs at the committed-term market price.
    assert u.implied_gpus.value == D("48254")
    assert u.premium_to_market.value == D("0.072304")
    # $6.3B / (103.5 MW x 1,000 x 42 months) = $1,449.28 per kW-month.
    assert u.price_per_kw_month.value == D("1449.2754")


def test_unit_economics_say_what_is_missing() -> None:
    u = analyse(deal()).units
    assert u.price_per_gpu_hour.value is None
    assert u.price_per_gpu_hour.note == "no GPU count: set capacity.gpus"
    assert u.implied_gpus.note == "no market price: set assumptions.market_gpu_hour"


def test_reported_gpus_are_labelled_reported() -> None:
    u = analyse(deal(reported={"gpus": "110000", "total": "12000"}, sources=[{"title": "x"}])).units
    assert u.gpus.value == D(110000)
    assert u.gpus.basis == "reported"


def lessor_deal(**extra: Any) -> Any:
    fields: dict[str, Any] = {
        "payments": [{"amount": "100"}],
        "assumptions": {"discount_rate": "10%", "lessor": {"capex": "1000"}},
    }
    fields.update(extra)
    return deal(**fields)


def test_lessor_payback_irr_and_breakeven_payment() -> None:
    d = lessor_deal()
    b = breakeven(build_schedule(d), D("0.10"))
    lessor = b.lessor
    assert lessor is not None
    # Ten payments of 100 in advance repay 1000 on 2026-10-01, 9 months in.
    assert lessor.payback_date == date(2026, 10, 1)
    assert lessor.payback_months == D("9.00")
    assert lessor.notes == (
        "no facility (assumptions.lessor.facility): its capex or rent is taken as zero",
        "no power cost (assumptions.lessor.power): taken as zero",
        "no maintenance (assumptions.lessor.maintenance): taken as zero",
        "no insurance (assumptions.lessor.insurance): taken as zero",
        "no staff and other opex (assumptions.lessor.opex_monthly): taken as zero",
        "no market price to re-let the capacity at: the IT is valued at zero at the end "
        "(give assumptions.market_gpu_hour, or a fixed assumptions.lessor.residual)",
    )
    assert lessor.irr.rate is not None
    # The breakeven payment zeroes the NPV: check it with an independent discounter.
    disc = Discounter(D("0.10"), d.start)
    assert lessor.breakeven_monthly is not None
    payment = lessor.breakeven_monthly
    value = sum((payment * disc.factor(r.date) for r in build_schedule(d).rows), D(-1000))
    assert abs(value) < D("0.10")


def test_lessor_that_never_pays_back() -> None:
    d = lessor_deal(
        assumptions={"lessor": {"capex": "5000", "opex_monthly": "10", "residual": "100"}}
    )
    lessor = breakeven(build_schedule(d), None).lessor
    assert lessor is not None
    assert lessor.payback_date is None
    # On cash: 1200 in, 5000 + 120 out. The 100 residual is a value at the end, not cash
    # received, so it never shortens the shortfall.
    assert lessor.shortfall == D("3920.00")
    assert lessor.residual == D("100.00") and lessor.end_value.basis == "fixed"
    assert lessor.npv is None
    assert "NPV and breakeven payment need a discount rate" in lessor.notes


def test_lessee_lease_versus_buy() -> None:
    d = deal(
        payments=[{"amount": "100"}],
        assumptions={
            "discount_rate": "0%",
            "lessee": {"buy_capex": "900", "buy_opex_monthly": "10", "buy_residual": "50"},
        },
    )
    lessee = breakeven(build_schedule(d), D(0)).lessee
    assert lessee is not None
    assert lessee.pv_lease == D("1200.00")
    assert lessee.pv_own == D("970.00")  # 900 + 12 x 10 - 50
    assert (lessee.cheaper, lessee.saving) == ("buy", D("230.00"))
    # On 2026-10-01 leasing has cost 1000 and owning 900 + 10 x 10 = 1000; on 11-01, 1100 > 1010.
    assert lessee.crossover_date == date(2026, 11, 1)


def test_market_block_for_reflection() -> None:
    market = analyse(REFLECTION).breakeven.market
    assert market is not None
    assert market.gpus_basis == "assumed"
    assert market.lease_gpu_hour == D("4.5573")
    # The lease price is above the $4.25 committed-term market from day one.
    assert market.below_market_from == date(2026, 7, 1)
    assert market.paid_above_market == REFLECTION_TOTAL - market.market_value


REFLECTION_TOTAL = D("6300000000.00")


def test_market_with_an_implied_gpu_count_starts_at_market() -> None:
    d = deal(assumptions={"market_gpu_hour": "2", "market_decline": "20%"})
    market = analyse(d).breakeven.market
    assert market is not None
    assert market.gpus_basis == "implied"
    assert market.lease_gpu_hour == D("2.0000")
    assert market.below_market_from == date(2026, 1, 2)
    assert market.paid_above_market > 0


def test_missing_breakeven_inputs_are_named() -> None:
    b = analyse(deal()).breakeven
    assert (b.lessor, b.lessee, b.market) == (None, None, None)
    assert b.missing == (
        "lessor breakeven needs the IT capex: assumptions.lessor.capex, capex_per_gpu, "
        "or a capex per tranche",
        "lease-versus-buy needs assumptions.lessee.buy_capex",
        "the market comparison needs a committed-term market price: "
        "assumptions.market_gpu_hour (with market_decline) or market_curve",
    )


def test_analysis_notes_a_missing_rate() -> None:
    a = analyse(deal(), Settings())
    assert a.base.valuation is None
    assert a.notes == (
        "present value not computed: no discount rate "
        "(set assumptions.discount_rate, or give a rate to value it at)",
    )


def test_payback_never_comes_before_the_capex_is_spent() -> None:
    d = lessor_deal(
        assumptions={
            "discount_rate": "10%",
            "lessor": {"capex": "5000", "capex_date": "2026-03-01"},
        }
    )
    lessor = breakeven(build_schedule(d), D("0.10")).lessor
    assert lessor is not None
    assert lessor.payback_date is None  # 1,200 of receipts never cover 5,000
    assert lessor.shortfall == D("3800.00")


def test_a_stream_named_like_a_cost_is_still_a_receipt() -> None:
    named = lessor_deal(payments=[{"name": "capex", "amount": "100"}])
    plain = lessor_deal()
    a = breakeven(build_schedule(named), D("0.10")).lessor
    b = breakeven(build_schedule(plain), D("0.10")).lessor
    assert a is not None and b is not None
    assert a.breakeven_monthly == b.breakeven_monthly


def test_a_zero_market_price_is_named_not_divided_by() -> None:
    b = analyse(deal(assumptions={"market_gpu_hour": "0", "market_decline": "10%"})).breakeven
    assert b.market is None
    assert "the market comparison needs a market price above zero" in b.missing
