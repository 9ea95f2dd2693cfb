"""Scenarios, sensitivity grids and the book of deals, by hand and by property."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from computelease import loader
from computelease.arguments import axis as parse_axis
from computelease.arguments import fx as parse_fx
from computelease.core.analysis import Settings, analyse
from computelease.core.book import book, compare, summarise
from computelease.core.commitment import commitment
from computelease.core.metrics import METRICS, metric
from computelease.core.scenario import ScenarioError, apply, sla_credit
from computelease.core.schedule import build_schedule
from computelease.core.sensitivity import sensitivity
from computelease.core.whatif import compare as compare_scenario
from computelease.errors import Codes, RequestError, UsageError
from computelease.fields import Delay
from computelease.models import Scenario
from computelease.money import CURRENCIES
from computelease.render.document import axis_labels
from tests.conftest import DEALS
from tests.test_schedule import deal

D = Decimal
REFLECTION = loader.load(DEALS / "reflection.yaml").deal


def scenario(**fields: Any) -> Scenario:
    return Scenario.model_validate(fields)


def total(d: Any) -> Decimal:
    return build_schedule(d).total


def test_a_three_month_slip_shrinks_the_deal_when_the_end_stays() -> None:
    applied = apply(REFLECTION, scenario(delay="3m"))
    assert applied.deal.start == date(2026, 10, 1)
    assert applied.deal.term_end == date(2029, 12, 31)
    assert total(applied.deal) == D("5850000000.00")  # 39 x $150M
    assert applied.deal.termination is not None
    assert applied.deal.termination.not_before == date(2027, 1, 1)


def test_a_slip_with_extend_keeps_the_length() -> None:
    applied = apply(REFLECTION, scenario(delay="3m", extend="true"))
    assert applied.deal.term_end == date(2030, 3, 31)
    assert total(applied.deal) == D("6300000000.00")


def test_a_slip_in_days() -> None:
    applied = apply(deal(), scenario(delay="90d"))
    assert applied.deal.start == date(2026, 4, 1)
    # April to December in full: the periods now roll from April 1.
    assert total(applied.deal) == D("9000.00")


def test_a_slip_past_the_end_is_an_error() -> None:
    with pytest.raises(ScenarioError) as info:
        apply(REFLECTION, scenario(delay="50m"))
    assert info.value.issues[0].path == ("start",)
    assert "past the end of the term" in info.value.issues[0].message


def test_terminate_earliest_is_the_committed_value() -> None:
    applied = apply(REFLECTION, scenario(terminate="earliest"))
    assert applied.deal.term_end == date(2026, 12, 29)
    assert total(applied.deal) == commitment(build_schedule(REFLECTION)).committed_value
    assert total(applied.deal) == D("890322580.65")


def test_terminate_pays_the_fee_on_the_last_day() -> None:
    d = deal(termination={"notice_days": "31", "not_before": "2026-03-01", "fee": "250"})
    applied = apply(d, scenario(terminate="earliest"))
    rows = build_schedule(applied.deal).rows
    assert (rows[-1].stream, rows[-1].date, rows[-1].amount) == (
        "termination fee",
        date(2026, 3, 31),
        D("250.00"),
    )
    assert total(applied.deal) == commitment(build_schedule(d)).committed_value


def test_notice_before_it_is_allowed() -> None:
    with pytest.raises(ScenarioError) as info:
        apply(REFLECTION, scenario(terminate="2026-08-01"))
    assert "may not be given before 2026-10-01" in str(info.value)


def test_overrides_that_need_a_block() -> None:
    for fields in ({"terminate": "earliest"}, {"delivered": "80%"}, {"uptime": "99%"}):
        with pytest.raises(ScenarioError) as info:
            apply(deal(), scenario(**fields))
        assert info.value.issues[0].code == Codes.NEEDS_INPUT


GOOGLE_LIKE: dict[str, Any] = {
    "start": "2026-06-01",
    "months": "12",
    "payments": [{"amount": "100"}],
    "delivery": {"deadline": "2026-08-31", "grace_days": "30"},
}


def test_delivered_share_scales_payments_after_the_grace_period() -> None:
    d = deal(**GOOGLE_LIKE)
    applied = apply(d, scenario(delivered="80%"))
    amounts = [r.amount for r in build_schedule(applied.deal).rows]
    # Deadline Aug 31 + 30 days' grace: periods from Oct 1 pay 80%.
    assert amounts[:4] == [D("100.00")] * 4
    assert amounts[4:] == [D("80.00")] * 8
    assert build_schedule(applied.deal).rows[5].adjustment == D("0.8")


def test_delivered_shortfall_terminate_walks_away_after_the_grace() -> None:
    d = deal(**{**GOOGLE_LIKE, "delivery": {**GOOGLE_LIKE["delivery"], "shortfall": "terminate"}})
    applied = apply(d, scenario(delivered="50%"))
    assert applied.deal.term_end == date(2026, 9, 30)
    assert total(applied.deal) == D("400.00")


def test_sla_credit_per_point_and_its_cap() -> None:
    d = deal(sla={"uptime": "99.5%", "credit": "5%", "credit_cap": "30%"})
    assert sla_credit(d, D("0.985")) == D("0.05")
    assert sla_credit(d, D("0.90")) == D("0.30")
    assert sla_credit(d, D("0.999")) == D(0)
    applied = apply(d, scenario(uptime="98.5%"))
    assert total(applied.deal) == D("11400.00")


def test_set_paths_and_their_errors() -> None:
    applied = apply(REFLECTION, scenario(set={"payments[0].amount": "120M"}))
    assert total(applied.deal) == D("5040000000.00")
    with pytest.raises(ScenarioError) as info:
        apply(REFLECTION, scenario(set={"payments[3].amount": "1"}))
    assert info.value.issues[0].code == Codes.OUT_OF_RANGE
    assert "payments has 1 entry, no [3]" in info.value.issues[0].message
    with pytest.raises(ScenarioError) as info:
        apply(REFLECTION, scenario(set={"payments[0].amount": "lots"}))
    assert (info.value.issues[0].code, info.value.issues[0].path) == (
        Codes.BAD_MONEY,
        ("payments", 0, "amount"),
    )
    # A misspelt path is caught when the scenario itself is read.
    with pytest.raises(ValidationError) as bad_path:
        scenario(set={"payments[0].ammount": "5"})
    assert "no field 'ammount' in payments[0]; did you mean 'amount'?" in str(bad_path.value)
    # null clears a field; a required one cleared fails as the deal is read again.
    with pytest.raises(ScenarioError) as info:
        apply(REFLECTION, scenario(set={"start": None}))
    assert info.value.issues[0].path == ("start",)
    # null on a list entry removes it, after the other changes: every index names the
    # deal's own entry.
    two = loader.load_text(
        "name: Two\nlessor: A\nlessee: B\nstart: 2026-01-01\nmonths: 12\n"
        "payments:\n  - amount: 100\n  - amount: 50\n"
    ).deal
    removed = apply(two, scenario(set={"payments[0]": None, "payments[1].amount": "70"}))
    assert [s.amount for s in removed.deal.payments] == [D(70)]
    assert removed.notes == ("set payments[1].amount = 70", "removed payments[0]")


def test_assumption_overrides() -> None:
    applied = apply(REFLECTION, scenario(discount_rate="0%", market_decline="50%"))
    a = analyse(applied.deal)
    assert a.rate == D(0)
    assert a.base.valuation is not None and a.base.valuation.present_value == D("6300000000.00")


def test_the_comparison_values_both_sides_from_the_base_date() -> None:
    c = compare_scenario(analyse(REFLECTION), scenario(delay="3m"))
    rows = {r.metric.name: r for r in c.rows}
    assert rows["total"].difference == D("-450000000.00")
    assert rows["present_value"].difference is not None and rows["present_value"].difference < 0
    assert rows["npv_lessor"].difference is not None and rows["npv_lessor"].difference < 0
    assert c.scenario.as_of == date(2026, 7, 1)


def test_walkaway_npv_moves_with_the_market() -> None:
    walkaway, contractual = metric("npv_lessor_walkaway"), metric("npv_lessor")

    def at(price: str) -> tuple[Decimal | None, Decimal | None]:
        a = analyse(apply(REFLECTION, scenario(market_gpu_hour=price)).deal)
        return walkaway.read(a)[0], contractual.read(a)[0]

    (crash, _), (low, _), (high, held) = at("2"), at("3.5"), at("20")
    assert crash is not None and low is not None and high is not None and held is not None
    # Below the lease price the tenant walks, into a market that values what it leaves.
    assert crash < low < high
    # Above it the tenant stays: the walkaway is the contract itself.
    assert high == held


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["0m", "0d"]), st.booleans())
def test_a_delay_of_zero_changes_nothing(delay: str, extend: bool) -> None:
    applied = apply(REFLECTION, scenario(delay=delay, extend=str(extend).lower()))
    assert build_schedule(applied.deal).rows == build_schedule(REFLECTION).rows


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 400))
def test_termination_effective_after_the_end_changes_nothing(extra: int) -> None:
    d = deal(termination={"notice_days": str(365 + extra)})
    applied = apply(d, scenario(terminate="earliest"))
    assert build_schedule(applied.deal).rows == build_schedule(d).rows


@settings(max_examples=100, deadline=None)
@given(
    st.decimals(min_value=D("0.5"), max_value=D(1), places=4),
    st.decimals(min_value=D(0), max_value=D(1), places=3),
    st.decimals(min_value=D(0), max_value=D(1), places=2),
)
def test_sla_credits_never_exceed_their_cap(uptime: Decimal, credit: Decimal, cap: Decimal) -> None:
    d = deal(sla={"uptime": "99.9%", "credit": f"{credit}", "credit_cap": f"{cap}"})
    share = sla_credit(d, uptime)
    assert D(0) <= share <= cap
    applied = apply(d, scenario(uptime=f"{uptime}"))
    for before, after in zip(
        build_schedule(d).rows, build_schedule(applied.deal).rows, strict=True
    ):
        assert after.amount >= before.amount * (1 - cap) - D("0.01")


def test_two_way_grid_cells_equal_single_runs() -> None:
    rows, columns = parse_axis("discount_rate=6%..12%:3%"), parse_axis("market_gpu_hour=5..9:2")
    grid = sensitivity(analyse(REFLECTION), metric("npv_lessor_walkaway"), rows, columns)
    for i, rate in enumerate(rows.values):
        for j, price in enumerate(columns.values):
            single = analyse(
                apply(REFLECTION, Scenario(discount_rate=rate, market_gpu_hour=price)).deal,
                Settings(as_of=REFLECTION.start),
            )
            assert grid.cells[i][j].value == METRICS["npv_lessor_walkaway"].read(single)[0]


def test_grid_cells_say_why_they_are_empty() -> None:
    grid = sensitivity(analyse(deal()), metric("npv_lessor"), parse_axis("discount_rate=5%..6%:1%"))
    assert [c.why for row in grid.cells for c in row] == [
        "no lessor capex (assumptions.lessor.capex)"
    ] * 2
    grid = sensitivity(analyse(REFLECTION), metric("total"), parse_axis("delay=0..60m:30m"))
    assert grid.cells[0][0].value == D("6300000000.00")
    assert grid.cells[2][0].value is None and "past the end of the term" in str(
        grid.cells[2][0].why
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("discount_rate", "expected NAME=LOW..HIGH:STEP"),
        ("bogus=1..2:1", "not an input"),
        ("discount_rate=12%..6%:1%", "LOW at most HIGH"),
        ("discount_rate=0%..100%:1%", "at most 50"),
        ("market_gpu_hour=a..b:1", "expected"),
    ],
)
def test_bad_axes(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_axis(text)
    assert message in str(info.value)


def test_axis_values_and_labels_are_written_as_their_options_are() -> None:
    usd = CURRENCIES["USD"]
    axis = parse_axis("discount_rate=6%..8%:1%")
    assert axis.values == (D("0.06"), D("0.07"), D("0.08"))
    assert axis_labels(axis, usd) == ("6%", "7%", "8%")
    amounts = parse_axis("payments[0].amount=100M..200M:50M")
    assert amounts.values == (D("100000000"), D("150000000"), D("200000000"))
    assert axis_labels(amounts, usd) == ("$100.0M", "$150.0M", "$200.0M")
    months = parse_axis("delay=0..6m:3m")
    assert (months.values, months.unit) == ((D(0), D(3), D(6)), "months")
    assert axis_labels(months, usd) == ("0m", "3m", "6m")
    days = parse_axis("delay=0d..60d:30d")
    assert axis_labels(days, usd) == ("0d", "30d", "60d")


def test_book_by_year_with_committed_revenue() -> None:
    other = deal(start="2027-01-01", termination={"notice_days": "30"})
    b = book(
        [
            summarise("r", analyse(REFLECTION), kind="book"),
            summarise("o", analyse(other), kind="book"),
        ]
    )
    assert b.years == (2026, 2027, 2028, 2029)
    assert b.scheduled[2027] == (D("1800000000.00"), D("12000.00"))
    assert b.committed[2026] == (D("890322580.65"), D("0.00"))
    # Notice on 2027-01-01 + 30 days: service to January 30, 30 of 31 days.
    assert b.committed[2027] == (D("0.00"), D("967.74"))
    assert b.scheduled_total == (D("6300000000.00"), D("12000.00"))


def test_currencies_need_an_exchange_rate() -> None:
    euro = deal(currency="EUR")
    with pytest.raises(RequestError) as info:
        compare(
            [
                summarise("r", analyse(REFLECTION), kind="compare"),
                summarise("e", analyse(euro), kind="compare"),
            ]
        )
    assert info.value.code is Codes.NO_FX_RATE
    assert "give an exchange rate" in str(info.value) and "EUR=1.08 means" in str(info.value)
    c = compare(
        [
            summarise("r", analyse(REFLECTION), kind="compare"),
            summarise("e", analyse(euro), kind="compare"),
        ],
        fx=parse_fx(["EUR=1.10"]),
    )
    totals = {m.name: values for m, values in c.rows}["total"]
    assert totals[1] == (D("13200.00"), None)


def test_parse_fx_errors() -> None:
    for bad in ("EUR", "EUR=-1", "XXX=1", "EUR=abc"):
        with pytest.raises(UsageError):
            parse_fx([bad])


def test_delay_type_round_trips() -> None:
    assert str(Delay(3, "months")) == "3m"
    assert scenario(delay="1y").delay == Delay(12, "months")


def test_as_data_rebuilds_the_same_deal() -> None:
    from computelease.models import Deal, as_data

    for path in sorted(DEALS.glob("*.yaml")):
        d = loader.load(path).deal
        assert Deal.model_validate(as_data(d)) == d, path.name


def test_terminating_a_prepaid_deal_keeps_the_unused_prepayment_apart() -> None:
    d = deal(
        prepayments=[{"amount": "50%"}],
        termination={"notice_days": "59", "not_before": "2026-01-01"},
    )
    applied = apply(d, scenario(terminate="earliest"))
    schedule = build_schedule(applied.deal)
    # 50% of 12,000 = 6,000 prepaid, credited 500 a month over the full term; service
    # to 2026-02-28 is credited those two months' 1,000, as the contract would.
    assert applied.deal.prepayments[0].credited == D("1000.00")
    assert [(r.kind, r.amount) for r in schedule.rows] == [
        ("prepayment", D("6000.00")),
        ("payment", D("500.00")),
        ("payment", D("500.00")),
    ]
    assert schedule.total == commitment(build_schedule(d)).committed_value == D("7000.00")
    assert any("assumed kept by the lessor" in n for n in applied.notes)


def test_an_early_end_rebases_the_residual_on_a_straight_line() -> None:
    d = deal(
        termination={"notice_days": "31", "not_before": "2026-05-31"},
        assumptions={"lessor": {"capex": "1200", "residual": "0"}},
    )
    applied = apply(d, scenario(terminate="earliest"))
    lessor = applied.deal.assumptions.lessor
    assert lessor is not None
    # Service to 2026-06-30: 181 of 365 days used, so 1200 x 184/365 remains.
    assert lessor.residual == D("604.93")


def test_a_slip_keeps_the_capex_where_it_was_spent() -> None:
    applied = apply(REFLECTION, scenario(delay="3m"))
    lessor = applied.deal.assumptions.lessor
    assert lessor is not None and lessor.capex_date == date(2026, 7, 1)
    assert applied.deal.assumptions.market_date == date(2026, 7, 1)
    c = compare_scenario(analyse(REFLECTION), scenario(delay="3m"))
    npv = next(r for r in c.rows if r.metric.name == "npv_lessor")
    assert npv.difference is not None and npv.difference < 0
    payback = next(r for r in c.rows if r.metric.name == "payback_months")
    assert payback.difference == D("3.00")


def test_a_prepayment_may_be_paid_before_service_starts() -> None:
    d = deal(prepayments=[{"amount": "1200", "on": "2025-12-15"}])
    rows = build_schedule(d).rows
    assert (rows[0].date, rows[0].amount) == (date(2025, 12, 15), D("1200.00"))
    a = analyse(d, Settings(rate=D("0.1")))
    assert a.base.valuation is not None and a.base.valuation.excluded == 1


def test_sla_credits_and_delivered_shares_leave_single_payments_alone() -> None:
    d = deal(
        payments=[{"amount": "1000"}, {"name": "setup", "amount": "5000", "every": "once"}],
        sla={"uptime": "99.5%", "credit": "10%"},
        termination={"notice_days": "30", "fee": "2000"},
    )
    applied = apply(d, scenario(uptime="98.5%"))
    assert total(applied.deal) == D("15800.00")  # 12 x 900 + the setup fee as written
    ended = apply(d, scenario(uptime="98.5%", terminate="earliest"))
    fee = [r for r in build_schedule(ended.deal).rows if r.stream == "termination fee"]
    assert [r.amount for r in fee] == [D("2000.00")]


def test_a_day_slip_with_extend_moves_the_end_by_the_same_days() -> None:
    applied = apply(REFLECTION, scenario(delay="90d", extend="true"))
    assert applied.deal.start == date(2026, 9, 29)
    assert applied.deal.term_end == date(2030, 3, 31)
    assert "ends 2030-03-31" in applied.notes[0]


def test_a_slip_keeps_a_prepayment_paid_at_signing_and_its_amount() -> None:
    d = deal(prepayments=[{"amount": "50%", "on": "2025-12-01"}])
    applied = apply(d, scenario(delay="6m"))
    pre = applied.deal.prepayments[0]
    assert (pre.on, pre.amount) == (date(2025, 12, 1), D("6000.00"))
