"""The lessor's loan and the tenant's credit, by hand: textbook tables, sculpting, walkaways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from computelease.core.analysis import Settings, analyse
from computelease.core.commitment import commitment
from computelease.core.financing import DEBT_AT_END, Loan
from computelease.core.scenario import apply
from computelease.errors import Codes
from computelease.models import Deal, Scenario
from tests.conftest import Run

D = Decimal


def deal(financing: dict[str, Any] | None = None, **extra: Any) -> Deal:
    """A 36-month $1M-a-month lease on $20M of capex, with a fixed $5M residual."""
    lessor: dict[str, Any] = {"capex": "$20M", "residual": "$5M"}
    fields: dict[str, Any] = {
        "name": "Loan",
        "lessor": "A",
        "lessee": "B",
        "start": "2026-01-01",
        "months": "36",
        "payments": [{"amount": "$1M"}],
        "assumptions": {"discount_rate": "10%", "lessor": lessor},
    }
    for key, value in extra.items():
        if key == "assumptions":
            fields["assumptions"] = {**fields["assumptions"], **value}
        else:
            fields[key] = value
    if financing is not None:
        lessor = {**fields["assumptions"]["lessor"], "financing": financing}
        fields["assumptions"]["lessor"] = lessor
    return Deal.model_validate(fields)


def loan_of(d: Deal) -> Loan:
    loan = analyse(d).breakeven.loan
    assert loan is not None
    return loan


LEVEL = {"debt": "60%", "rate": "6%", "tenor_months": "36", "min_dscr": "1.2"}


def test_a_level_loan_is_the_textbook_amortisation_table_to_the_cent() -> None:
    # $12M at 6% a year over 36 months: the payment is PMT(0.5%, 36, 12,000,000).
    loan = loan_of(deal(LEVEL))
    assert loan.debt == D("12000000.00")
    payment = D(str(round(-npf.pmt(0.005, 36, 12_000_000), 2)))
    assert payment == D("365063.25")
    first = loan.periods[0]
    assert (first.paid, first.interest, first.principal) == (
        date(2026, 2, 1),
        D("60000.00"),
        D("305063.25"),
    )
    balance = D("12000000.00")
    for k, p in enumerate(loan.periods[:-1], start=1):
        # Each row as a textbook table computes it: interest on the balance, rounded.
        interest = (balance * D("0.005")).quantize(D("0.01"))
        assert (p.interest, p.service) == (interest, payment), k
        assert abs(float(p.interest) + npf.ipmt(0.005, k, 36, 12_000_000)) < 0.05, k
        balance -= payment - interest
        assert p.closing == balance
    last = loan.periods[-1]
    assert last.closing == 0 and last.principal == balance
    assert last.service == D("365063.21")  # the rounding of 35 payments, left to the last
    assert loan.maturity == date(2029, 1, 1) and len(loan.periods) == 36
    assert loan.outstanding_at_end == 0 and loan.lender_loss == 0
    # The fee at which the lowest DSCR is the 1.20x covenant: 1.2 x the level payment.
    assert loan.covenant_monthly == D("438075.90") == (D("1.2") * payment).quantize(D("0.01"))


def test_a_classic_mortgage_table() -> None:
    # $100,000 at 6% over 30 years: $599.55 a month, $500.00 of it interest at first.
    d = deal(
        {"debt": "$100000", "rate": "6%", "tenor_months": "360"},
        months="360",
        assumptions={"lessor": {"capex": "$100000", "residual": "0"}},
    )
    loan = loan_of(d)
    assert [(p.interest, p.principal) for p in loan.periods[:2]] == [
        (D("500.00"), D("99.55")),
        (D("499.50"), D("100.05")),
    ]
    assert loan.periods[-1].closing == 0
    assert sum(p.principal for p in loan.periods) == D("100000")
    assert abs(loan.interest - D("115838.19")) < 1  # 360 x 599.55 - 100,000, to rounding


def test_straight_line_and_bullet() -> None:
    straight = loan_of(deal({**LEVEL, "amortisation": "straight-line"}))
    assert {p.principal for p in straight.periods} == {D("333333.33"), D("333333.45")}
    assert straight.periods[0].interest == D("60000.00")
    assert straight.periods[1].interest == D("58333.33")
    bullet = loan_of(deal({**LEVEL, "amortisation": "bullet"}))
    assert [p.principal for p in bullet.periods] == [0] * 36
    # Due as the lease ends, the balance is met from the collateral, the $5M residual.
    assert bullet.outstanding_at_end == bullet.periods[-1].closing == D("12000000.00")
    assert bullet.lender_loss == D("7000000.00")
    assert bullet.interest == 36 * D("60000.00")
    # Its repayment at maturity is refinanced or met from the collateral: tested on interest.
    assert bullet.min_dscr == D("16.6667") and bullet.breaches == ()
    assert bullet.periods[-1].tested == D("60000.00")


def test_a_sculpted_loan_holds_its_dscr_at_the_target_every_period() -> None:
    d = deal(
        {"rate": "8%", "tenor_months": "36", "amortisation": "sculpted", "target_dscr": "1.4"},
        payments=[
            {"amount": "$1M", "until": "2026-12-31"},
            {"amount": "$1.5M", "from": "2027-01-01"},
        ],
    )
    loan = loan_of(d)
    served = [p for p in loan.periods if p.dscr is not None]
    assert len(served) == 36
    for p in served[:-1]:
        assert abs(p.cfads / p.service - D("1.4")) < D("0.00001"), p
    assert loan.periods[-1].closing == 0
    # The debt is what the sculpted service repays: its PV at the loan's monthly rate.
    i = D("0.08") / 12
    service = [D(1_000_000) / D("1.4")] * 12 + [D(1_500_000) / D("1.4")] * 24
    pv = sum((s / (1 + i) ** (k + 1) for k, s in enumerate(service)), D(0))
    assert loan.debt == pv.quantize(D("0.01"))
    # A cap on the debt scales every payment alike: the DSCR rises, still level.
    capped = loan_of(
        deal(
            {
                "debt": "$10M",
                "rate": "8%",
                "tenor_months": "36",
                "amortisation": "sculpted",
                "target_dscr": "1.4",
            }
        )
    )
    assert capped.debt == D("10000000.00")
    ratios = {p.dscr or D(0) for p in capped.periods[:-1]}
    assert len(ratios) == 1 and ratios.pop() > D("1.4")


def test_a_sweep_repays_sooner_and_cuts_the_interest() -> None:
    plain = loan_of(deal({**LEVEL, "tenor_months": "60"}))
    swept = loan_of(deal({**LEVEL, "tenor_months": "60", "sweep": "50%"}))
    assert swept.swept > 0 and swept.interest < plain.interest
    assert swept.periods[-1].closing == 0 and len(swept.periods) < 36
    first = swept.periods[0]
    assert first.swept == ((first.cfads - first.service) / 2).quantize(D("0.01"))
    # Without a sweep the 60-month loan is still owed when the 36-month lease ends.
    assert plain.outstanding_at_end == plain.periods[-1].closing > 0
    assert any("runs past the lease" in n for n in plain.notes)


def test_fees_floating_rate_and_the_equity_identity() -> None:
    d = deal({**LEVEL, "rate": None, "base_rate": "4%", "spread": "2.5%", "fee": "1.5%"})
    loan = loan_of(d)
    lessor = analyse(d).breakeven.lessor
    assert lessor is not None
    assert loan.rate == D("0.065") and loan.fees == D("180000.00")
    assert loan.equity == D("20000000") - D("12000000.00") + D("180000.00")
    # Equity = unlevered - debt service + draws - fees (nothing left owed here).
    service = sum(p.service + p.swept for p in loan.periods)
    assert sum(f.amount for f in loan.equity_flows) == (
        sum(f.amount for f in lessor.flows) + loan.debt - loan.fees - service
    )


def test_a_walkaway_leaves_the_lender_what_the_capacity_is_worth() -> None:
    d = deal(
        {**LEVEL, "debt": "100%", "amortisation": "bullet"},
        termination={"notice_days": "90", "not_before": "2026-04-01"},
    )
    walked = apply(d, Scenario(terminate="earliest")).deal
    a = analyse(walked)
    loan, lessor = a.breakeven.loan, a.breakeven.lessor
    assert loan is not None and lessor is not None
    assert walked.term_end == date(2026, 6, 29)
    assert loan.lease_end == date(2026, 6, 30)
    # Six months of interest paid; the whole $20M still owed when the receipts stop.
    assert loan.outstanding_at_end == loan.periods[-1].closing == D("20000000.00")
    assert loan.collateral == lessor.residual and 0 < lessor.residual < D("20000000")
    assert loan.lender_loss == D("20000000.00") - lessor.residual
    assert loan.collateral_cover == (lessor.residual / D("20000000")).quantize(D("0.0001"))
    repaid = [f for f in loan.equity_flows if f.label == DEBT_AT_END]
    assert [(f.date, f.amount) for f in repaid] == [(date(2026, 6, 30), -lessor.residual)]
    # Over the full term the bullet falls due as the lease ends: the $5M residual meets it.
    full = loan_of(d)
    assert (full.outstanding_at_end, full.lender_loss) == (D("20000000.00"), D("15000000.00"))
    # Maturing a year before the lease ends, the balloon is refinanced: equity pays it.
    early = loan_of(deal({**LEVEL, "debt": "100%", "amortisation": "bullet", "tenor_months": "24"}))
    assert early.periods[-1].principal == D("20000000.00") and early.outstanding_at_end == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    share=st.integers(1, 100),
    rate=st.integers(0, 2000),
    tenor=st.integers(1, 48),
    kind=st.sampled_from(["level", "straight-line", "bullet", "sculpted"]),
    sweep=st.sampled_from([None, "25%", "100%"]),
    capex_day=st.integers(-400, 200),
)
def test_loans_balance_reach_zero_and_equity_adds_up(
    share: int, rate: int, tenor: int, kind: str, sweep: str | None, capex_day: int
) -> None:
    terms: dict[str, Any] = {
        "debt": f"{share}%",
        "rate": f"{D(rate) / 100}%",
        "tenor_months": str(tenor),
        "amortisation": kind,
    }
    if kind == "sculpted":
        terms["target_dscr"] = "1.3"
    if sweep:
        terms["sweep"] = sweep
    capex_date = date.fromordinal(date(2026, 1, 1).toordinal() + capex_day)
    d = deal(
        terms,
        assumptions={
            "lessor": {"capex": "$20M", "residual": "$5M", "capex_date": capex_date.isoformat()}
        },
    )
    a = analyse(d)
    loan, lessor = a.breakeven.loan, a.breakeven.lessor
    assert loan is not None and lessor is not None
    for p in loan.periods:
        assert p.closing == p.opening + p.drawn - p.principal - p.swept
        assert p.closing >= 0
    drawn = sum(p.drawn for p in loan.periods)
    capitalised = loan.capitalised
    assert drawn == loan.debt
    repaid = sum(p.principal + p.swept for p in loan.periods) + capitalised
    if loan.maturity <= date(2029, 1, 1):
        assert loan.periods[-1].closing == 0 and loan.outstanding_at_end == 0
    assert repaid + loan.outstanding_at_end == drawn + capitalised
    # Equity = unlevered - debt service + draws - fees - debt repaid from the end value.
    service = sum(p.service + p.swept for p in loan.periods)
    at_end = loan.outstanding_at_end - loan.lender_loss
    assert sum(f.amount for f in loan.equity_flows) == (
        sum(f.amount for f in lessor.flows) + loan.debt - loan.fees - service - at_end
    )


def credit_deal(**credit: str) -> Deal:
    return deal(
        termination={"notice_days": "90"},
        assumptions={"credit": credit} if credit else {},
    )


def test_a_zero_default_probability_changes_nothing_to_the_cent() -> None:
    a = analyse(credit_deal(default_probability="0%", recovery="40%"))
    c = a.credit
    assert c is not None
    assert c.expected_total == a.total == D("36000000.00")
    assert c.expected_present_value == a.present_value
    assert c.expected_committed_value == a.committed_value == D("3000000.00")
    assert c.expected_loss == 0 and c.survival_to_end == 1


def test_expected_values_by_hand() -> None:
    a = analyse(credit_deal(default_probability="10%", recovery="40%", spread="3%"))
    c = a.credit
    assert c is not None
    # The payment on 2027-01-01, 365 days out, is still paid with probability 0.9.
    kept = D("0.9") + D("0.4") * D("0.1")
    expected = D(0)
    for r in a.schedule.rows:
        s = D("0.9") ** (D((r.date - date(2026, 1, 1)).days) / 365)
        expected += r.amount * (s + D("0.4") * (1 - s))
    assert c.expected_total == expected.quantize(D("0.01"))
    assert c.expected_loss == D("36000000.00") - c.expected_total
    year_out = next(r for r in a.schedule.rows if r.date == date(2027, 1, 1))
    assert year_out.amount * kept == D("940000.000")
    again = analyse(deal(assumptions={"discount_rate": "13%"}))
    assert c.adjusted_present_value == again.present_value
    assert any("price the same risk" in n for n in c.notes)


def test_funding_runs_out_at_the_first_payment_it_cannot_meet() -> None:
    funding = [
        {"amount": "$10M", "date": "2025-06-01", "source": "seed"},
        {"amount": "$5.5M", "date": "2026-06-01", "source": "series A"},
    ]
    a = analyse(deal(assumptions={"lessee_funding": funding}, termination={"notice_days": "90"}))
    assert a.credit is not None and a.credit.coverage is not None
    cover = a.credit.coverage
    # $10M pays January to May 2026 and then waits for June's round: 15 payments in all.
    assert (cover.funding, cover.payments_covered, cover.covered) == (
        D("15500000"),
        15,
        D("15000000.00"),
    )
    assert (cover.runs_out, cover.short_by) == (date(2027, 4, 1), D("500000.00"))
    assert cover.months_covered == D("15.5")
    assert cover.total_share == D("2.3226")
    assert cover.committed_share == (D("3000000") / D("15500000")).quantize(D("0.0001"))
    late = analyse(
        deal(assumptions={"lessee_funding": [{**funding[0], "date": "2026-03-01"}]})
    ).credit
    assert late is not None and late.coverage is not None
    assert (late.coverage.runs_out, late.coverage.payments_covered) == (date(2026, 1, 1), 0)


def test_committed_flows_add_up_to_the_committed_value() -> None:
    from computelease.core.commitment import committed_flows
    from computelease.core.schedule import build_schedule

    d = credit_deal()
    s = build_schedule(d)
    assert sum(a for _, a in committed_flows(s)) == commitment(s).committed_value


@pytest.mark.parametrize(
    ("terms", "where", "code"),
    [
        ({"debt": "60%", "tenor_months": "36"}, "base_rate", Codes.NEEDS_INPUT),
        ({"debt": "60%", "rate": "6%", "spread": "2%", "tenor_months": "36"}, "rate", Codes.ONE_OF),
        ({"debt": "60%", "base_rate": "4%", "tenor_months": "36"}, "spread", Codes.NEEDS_INPUT),
        ({"rate": "6%", "tenor_months": "36"}, "debt", Codes.NEEDS_INPUT),
        (
            {"rate": "6%", "tenor_months": "36", "amortisation": "sculpted"},
            "amortisation",
            Codes.NEEDS_INPUT,
        ),
        ({**LEVEL, "target_dscr": "1.3"}, "target_dscr", Codes.NEEDS_INPUT),
        ({**LEVEL, "debt": "0%"}, "debt", Codes.OUT_OF_RANGE),
        ({**LEVEL, "debt": "120%"}, "debt", Codes.OUT_OF_RANGE),
        ({**LEVEL, "debt": "$0"}, "debt", Codes.OUT_OF_RANGE),
        ({**LEVEL, "debt": "$0.001"}, "debt", Codes.OUT_OF_RANGE),
        ({**LEVEL, "tenor_months": "361"}, "tenor_months", Codes.OUT_OF_RANGE),
        ({**LEVEL, "amortisation": "balloon"}, "amortisation", Codes.BAD_CHOICE),
        ({**LEVEL, "min_dscr": "0"}, "min_dscr", Codes.OUT_OF_RANGE),
    ],
)
def test_a_loan_the_core_cannot_compute_is_refused_at_its_field(
    terms: dict[str, Any], where: str, code: Any, write: Callable[..., Path], lease: Any
) -> None:
    lines = [f"      {k}: {v}" for k, v in terms.items() if v is not None]
    path = write(
        "\n".join(
            [
                "name: Loan",
                "lessor: A",
                "lessee: B",
                "start: 2026-01-01",
                "months: 36",
                "payments:",
                "  - amount: $1M",
                "assumptions:",
                "  lessor:",
                "    capex: $20M",
                "    financing:",
                *lines,
                "",
            ]
        )
    )
    run: Run = lease("check", path)
    assert run.exit_code == 1, run.stdout
    # A missing field is reported where its block begins (line 12, the block's first key).
    expected_line = next(
        (n for n, line in enumerate(lines, start=12) if line.strip().startswith(f"{where}:")), 12
    )
    assert f"deal.yaml:{expected_line}:" in run.stdout, run.stdout
    assert f"error[{code.id}]" in run.stdout, run.stdout


def test_financing_needs_capex_and_credit_needs_a_measure() -> None:
    with pytest.raises(ValidationError, match="drawn with the capex"):
        Deal.model_validate(
            {
                "name": "x",
                "lessor": "a",
                "lessee": "b",
                "start": "2026-01-01",
                "months": "12",
                "payments": [{"amount": "1"}],
                "assumptions": {"lessor": {"financing": LEVEL}},
            }
        )
    with pytest.raises(ValidationError, match=r"spread \(over the discount rate\) or default"):
        deal(assumptions={"credit": {"recovery": "40%"}})


def test_lease_schedule_debt_and_its_refusals(lease: Any, write: Callable[..., Path]) -> None:
    path = Path(__file__).resolve().parent.parent / "deals" / "reflection.yaml"
    run = lease("schedule", "--debt", "-f", "csv", path)
    assert run.exit_code == 0, run.stderr
    header, first, *_ = run.stdout.splitlines()
    assert header.startswith("period_start,period_end,paid,opening,drawn,interest")
    assert first.startswith("2026-07-01,2026-07-31,2026-08-01,0.00,")
    bare = write(
        "name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: 12\npayments:\n  - amount: $1M\n"
    )
    refused = lease("schedule", "--debt", bare)
    assert refused.exit_code == 2
    assert "E502" in refused.stderr and "assumptions.lessor.financing" in refused.stderr
    both = lease("schedule", "--debt", "--by", "year", path)
    assert both.exit_code == 2 and "E507" in both.stderr


def test_a_quarterly_contract_services_its_debt_quarterly() -> None:
    quarterly = [{"amount": "$3M", "every": "quarter"}]
    loan = loan_of(deal(LEVEL, payments=quarterly))
    assert len(loan.periods) == 12 and loan.maturity == date(2029, 1, 1)
    payment = D(str(round(-npf.pmt(0.015, 12, 12_000_000), 2)))
    first = loan.periods[0]
    assert (first.end, first.paid, first.interest, first.service) == (
        date(2026, 3, 31),
        date(2026, 4, 1),
        D("180000.00"),
        payment,
    )
    assert first.dscr == (D("3000000") / payment).quantize(D("0.0001"))
    # Serviced monthly instead, each month counts its days' share of the quarter's fee (the
    # cash held for it): January 31 of the first quarter's 90 days.
    monthly = loan_of(deal({**LEVEL, "every": "month"}, payments=quarterly))
    assert len(monthly.periods) == 36 and monthly.breaches == ()
    assert [p.cfads for p in monthly.periods[:3]] == [
        D("1033333.33"),
        D("933333.33"),
        D("1033333.34"),
    ]


DEALS = sorted((Path(__file__).resolve().parent.parent / "deals").glob("*.yaml"))


@pytest.mark.parametrize("path", DEALS, ids=lambda p: p.stem)
@pytest.mark.parametrize("kind", ["level", "sculpted", "bullet"])
def test_every_shipped_deal_and_scenario_takes_a_loan(path: Path, kind: str) -> None:
    """Financed, each deal and each of its scenarios computes: tranches, walkaways, delays."""
    from computelease import loader
    from computelease.models import as_data

    data = as_data(loader.load(path).deal)
    terms: dict[str, Any] = {"debt": "70%", "rate": "9%", "tenor_months": "24"}
    terms.update(amortisation=kind, min_dscr="1.3", sweep="20%", fee="1%")
    if kind == "sculpted":
        terms["target_dscr"] = "1.4"
    data["assumptions"]["lessor"]["financing"] = terms
    data["assumptions"]["credit"] = {"spread": "3%", "default_probability": "4%"}
    d = Deal.model_validate(data)
    for name, scenario in [("base", Scenario()), *d.scenarios.items()]:
        a = analyse(apply(d, scenario).deal, Settings(as_of=d.start))
        loan = a.breakeven.loan
        assert loan is not None, (path.stem, name)
        assert loan.lender_loss == max(
            loan.outstanding_at_end - max(loan.collateral, D(0)), D(0)
        ), (path.stem, name)
        assert all(p.closing >= 0 for p in loan.periods), (path.stem, name)


def test_reflection_as_a_lender_reads_it() -> None:
    """The shipped loan: textbook payment, covenant met, and what a walkaway leaves owed."""
    from computelease import loader

    d = loader.load(Path(__file__).resolve().parent.parent / "deals" / "reflection.yaml").deal
    a = analyse(d)
    loan, walked = a.breakeven.loan, a.breakeven.walkaway
    assert loan is not None and walked is not None
    # $2.1B at SOFR 3.95% + 4.50% = 8.45%, level over 42 months.
    payment = D(str(round(-npf.pmt(0.0845 / 12, 42, 2_100_000_000), 2)))
    first = loan.periods[0]
    assert (first.interest, first.service) == (D("14787500.00"), payment)
    assert payment == D("57932234.23")
    assert (loan.min_dscr, loan.min_dscr_date) == (D("2.2712"), date(2029, 8, 1))
    assert loan.covenant_monthly == D("90837136.96") and loan.breaches == ()
    assert loan.covenant_share == D("0.6056")  # of the $150M fee
    # Notice on 2026-10-01 ends service on 2026-12-29: the debt then outstanding against what
    # the capacity is worth, re-let at the market.
    assert (walked.last_day, walked.outstanding_at_end) == (
        date(2026, 12, 29),
        D("1839414343.47"),
    )
    # The loan is secured on the GPUs: the building's value is the owner's, not the lender's.
    lessor = analyse(apply(d, Scenario(terminate="earliest")).deal).breakeven.lessor
    assert lessor is not None
    assert walked.collateral == lessor.end_value.it_value == D("2593013818.40")
    assert walked.collateral < lessor.end_value.value and walked.lender_loss == 0
    # December is served to the 29th: 29/31 of the month's payment, the rest owed at the end.
    last = walked.periods[-1]
    assert (last.end, last.tested) == (date(2026, 12, 29), D("54194670.73"))
    assert last.tested == (payment * 29 / 31).quantize(D("0.01"))
    # The same walkaway into a crashed market leaves the lender short.
    crash = analyse(apply(d, d.scenarios["walks-into-a-crash"]).deal).breakeven.loan
    assert crash is not None
    assert crash.lender_loss == D("1839414343.47") - D("598025190.64") == D("1241389152.83")
    # Secured on all the capex, the building's value stands behind the loan too.
    everything = analyse(
        apply(d, Scenario(set=(("assumptions.lessor.financing.secured_on", "all"),))).deal
    ).breakeven
    assert everything.loan is not None and everything.lessor is not None
    assert everything.loan.collateral == everything.lessor.end_value.value


def test_lease_check_warns_of_a_covenant_breach_at_the_covenant(
    lease: Any, write: Callable[..., Path]
) -> None:
    text = (Path(__file__).resolve().parent.parent / "deals" / "reflection.yaml").read_text(
        encoding="utf-8"
    )
    # Reflection's loan covers 2.27x at its lowest; a 2.3x covenant is breached once in 2029.
    path = write(text.replace("min_dscr: 1.25", "min_dscr: 2.3"))
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "min_dscr: 1.25" in t)
    run: Run = lease("check", path)
    assert run.exit_code == 0, run.stdout
    assert f"deal.yaml:{line}:17: warning[W402]: the loan's DSCR falls below the 2.30x " in (
        run.stdout
    )
    assert "lowest 2.27x on 2029-08-01" in run.stdout
    assert lease("check", "--strict", path).exit_code == 1


def test_valued_after_the_term_the_tenant_has_nothing_left_to_default_on() -> None:
    d = credit_deal(default_probability="10%", recovery="40%")
    c = analyse(d, Settings(as_of=date(2030, 1, 1))).credit
    assert c is not None and c.survival_to_end == 1
    assert c.expected_loss == 0 and c.expected_total == D("36000000.00")


def test_funding_raised_after_it_runs_out_is_counted_apart() -> None:
    funding = [
        {"amount": "$5M", "date": "2025-06-01", "source": "seed"},
        {"amount": "$7.5M", "date": "2026-09-15", "source": "series A"},
    ]
    c = analyse(deal(assumptions={"lessee_funding": funding})).credit
    assert c is not None and c.coverage is not None
    cover = c.coverage
    assert (cover.payments_covered, cover.runs_out) == (5, date(2026, 6, 1))
    assert (cover.later, cover.payments_covered_by_all) == (D("7500000"), 12)


def test_a_lease_ending_inside_a_period_owes_its_part_of_the_payment() -> None:
    # Ten days of December: the tenth part of interest and payment, tested alike.
    loan = loan_of(deal({**LEVEL, "tenor_months": "48"}, months=None, end="2028-12-10"))
    last = loan.periods[-1]
    assert (last.start, last.end) == (date(2028, 12, 1), date(2028, 12, 10))
    full = loan.periods[-2].service
    assert last.service == (full * 10 / 31).quantize(D("0.01"))
    assert last.dscr is not None and last.dscr > D("2.5") and loan.breaches == ()
    assert loan.outstanding_at_end == last.closing > 0


def test_a_prepayment_counts_in_the_periods_it_is_credited_against() -> None:
    # $12M prepaid at the start, credited against the first year's fees: the cash is held
    # for them, so each month's CFADS is the gross $1M, not $0 after the credit.
    d = deal(LEVEL, prepayments=[{"amount": "$12M", "credit": "front"}])
    loan = loan_of(d)
    assert {p.cfads for p in loan.periods} == {D("1000000.00")}
    assert loan.breaches == ()
    # Walked away from after three months, what no service used counts on its date.
    walked = apply(
        deal(
            LEVEL,
            prepayments=[{"amount": "$30M", "credit": "front"}],
            termination={"notice_days": "90"},
        ),
        Scenario(terminate="earliest"),
    ).deal
    early = analyse(walked).breakeven.loan
    assert early is not None and walked.term_end == date(2026, 3, 31)
    assert [p.cfads for p in early.periods] == [D("28000000.00"), D("1000000.00"), D("1000000.00")]
