"""`lease account`: ASC 842 and IFRS 16 lessee accounting, exact to the cent.

The worked figures are checkable with any spreadsheet's annuity functions:
36 monthly payments of $10,000 at 6% a year (0.5% a month) are worth
``=PV(0.5%, 36, -10000)`` = $328,710.16 in arrears and
``=PV(0.5%, 36, -10000, 0, 1)`` = $330,353.71 in advance (the textbook
annuity and annuity-due formulas, PV = P(1 - (1 + i)^-n) / i, times (1 + i)
when due); the first month's interest in arrears is 0.5% of the liability,
$1,643.55, as issue #16 states. The rest is held by invariants the standards
imply: the liability closes at zero, its interest is the payments less the
liability, an ASC 842 operating lease's cost is straight-line and its asset
ends at zero, and IFRS 16 and an ASC 842 finance lease measure the same
liability.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelease import api, loader
from computelease.core.accounting import LeaseBooks, lease_books
from computelease.models import Accounting
from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")


def _deal(
    months: int = 36,
    amount: str = "10000",
    timing: str = "arrears",
    extra: str = "",
    books: str = "accounting:\n  standard: ifrs16\n  rate: 6%\n",
) -> Any:
    text = (
        f"name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: {months}\n"
        f"payments:\n  - amount: {amount}\n    timing: {timing}\n{extra}{books}"
    )
    return loader.load_text(text).deal


def test_36_payments_in_arrears_at_6_percent() -> None:
    b = lease_books(_deal())
    assert b.liability == Decimal("328710.16")  # =PV(0.5%, 36, -10000)
    first = b.periods[0]
    assert (first.opening, first.interest, first.payment, first.closing) == (
        Decimal("328710.16"),
        Decimal("1643.55"),
        Decimal("10000.00"),
        Decimal("320353.71"),
    )
    assert b.timing == "arrears"
    assert len(b.periods) == 36
    assert b.periods[-1].closing == 0
    assert b.total_interest == Decimal("31289.84")  # 360,000.00 - 328,710.16


def test_36_payments_in_advance_at_6_percent() -> None:
    b = lease_books(_deal(timing="advance"))
    assert b.liability == Decimal("330353.71")  # =PV(0.5%, 36, -10000, 0, 1)
    first = b.periods[0]
    # The first payment comes on commencement, before any interest.
    assert (first.payment, first.interest) == (Decimal("10000.00"), Decimal("1601.77"))
    assert b.periods[-1].interest == 0 and b.periods[-1].closing == 0


def test_ifrs16_amortises_the_asset_straight_line_and_expenses_interest_plus_it() -> None:
    b = lease_books(_deal())
    assert b.rou_asset == b.liability
    assert b.periods[0].amortisation == Decimal("9130.84")  # 328,710.16 / 36, rounded
    assert b.periods[0].expense == Decimal("10774.39")  # 1,643.55 + 9,130.84
    assert b.periods[-1].rou_closing == 0
    assert sum(p.amortisation for p in b.periods) == b.rou_asset


def test_asc842_operating_has_one_straight_line_cost_and_the_asset_as_the_plug() -> None:
    b = lease_books(_deal(), standard="asc842")
    assert b.classification == "operating"
    assert {p.expense for p in b.periods} == {Decimal("10000.00")}
    first = b.periods[0]
    assert first.amortisation == Decimal("8356.45")  # 10,000.00 - 1,643.55
    assert first.rou_closing == first.closing  # no IDC or incentives: asset = liability
    assert b.periods[-1].rou_closing == 0


def test_initial_direct_costs_and_incentives_move_the_asset_and_the_cost() -> None:
    books = (
        "accounting:\n  standard: asc842\n  rate: 6%\n"
        "  initial_direct_costs: 3600\n  incentives: 7200\n"
    )
    b = lease_books(_deal(books=books))
    assert b.rou_asset == Decimal("328710.16") + 3600 - 7200
    # (360,000 + 3,600 - 7,200) / 36 = 9,900.00 a month.
    assert {p.expense for p in b.periods} == {Decimal("9900.00")}
    assert b.periods[-1].rou_closing == 0
    commencement = b.journals[0]
    assert sum(e.debit for e in commencement.lines) == sum(e.credit for e in commencement.lines)


def test_the_maturity_analysis_reconciles_to_the_liability() -> None:
    b = lease_books(_deal(months=84), as_of=date(2027, 1, 1))
    owed = sum(y.amount for y in b.maturity) + b.thereafter
    assert [y.amount for y in b.maturity] == [Decimal("120000.00")] * 5
    # 2032-01-01 to 2033-01-01: the last 13 of 84 payments in arrears.
    assert b.thereafter == Decimal("130000.00")
    assert owed - b.imputed_interest == b.liability_at
    assert b.liability_at == b.periods[12].opening
    assert b.current + b.non_current == b.liability_at
    assert b.current == b.liability_at - b.periods[24].opening


def test_variable_streams_are_not_lease_payments() -> None:
    extra = "  - name: burst usage\n    amount: 5000\n    variable: true\n"
    b = lease_books(_deal(extra=extra))
    assert b.variable == ("burst usage",)
    assert b.liability == Decimal("328710.16")


def test_journal_entries_balance_every_month() -> None:
    for standard in ("ifrs16", "asc842"):
        b = lease_books(_deal(), standard=standard)
        for journal in b.journals:
            debits = sum(e.debit for e in journal.lines)
            assert debits == sum(e.credit for e in journal.lines), (standard, journal.memo)
        assert len(b.journals) == 37  # commencement and 36 months


@settings(max_examples=120, deadline=None)
@given(
    months=st.integers(1, 120),
    cents=st.integers(1, 10**11),
    rate=st.integers(0, 2000).map(lambda bp: Decimal(bp) / 10000),
    timing=st.sampled_from(["advance", "arrears"]),
    every=st.sampled_from(["month", "quarter"]),
)
def test_the_invariants_of_any_lease(
    months: int, cents: int, rate: Decimal, timing: str, every: str
) -> None:
    amount = f"{Decimal(cents) / 100}"
    deal = _deal(months, amount, timing, books="")
    extra_stream = deal.model_copy(
        update={"payments": (deal.payments[0].model_copy(update={"every": every}),)}
    )
    books = {s: lease_books(extra_stream, standard=s, rate=rate) for s in ("ifrs16", "asc842")}
    ifrs, asc = books["ifrs16"], books["asc842"]
    for b in (ifrs, asc):
        assert b.periods[-1].closing == 0
        assert b.periods[-1].rou_closing == 0
        assert b.total_interest == b.undiscounted - b.liability
        assert all(p.closing == p.opening - p.payment + p.interest for p in b.periods)
    assert ifrs.liability == asc.liability
    terms = {"standard": "asc842", "rate": str(rate), "classification": "finance"}
    finance = lease_books(extra_stream, Accounting.model_validate(terms))
    assert finance.classification == "finance"
    assert finance.liability == ifrs.liability
    assert [p.expense for p in finance.periods] == [p.expense for p in ifrs.periods]
    assert sum(p.expense for p in asc.periods) == asc.undiscounted  # straight-line in all


def _reflection(standard: str | None = None, rate: str | None = None) -> LeaseBooks:
    from computelease.core.analysis import Settings

    result = api.account(
        REFLECTION,
        Settings(rate=Decimal(rate) if rate else None),
        standard=standard,
    )
    assert result.problems == () and result.value is not None
    return result.value


def test_reflection_as_its_file_judges_it_a_lease_to_the_earliest_exit() -> None:
    b = _reflection()
    assert (b.standard, b.classification, b.annual_rate) == (
        "asc842",
        "operating",
        Decimal("0.0845"),
    )
    assert b.term_end == date(2026, 12, 29) and b.term_months == 6
    assert b.undiscounted == Decimal("890322580.65")  # the committed value
    assert b.liability == Decimal("875069176.59")
    assert b.short_term  # six months: the short-term exemption is open to it


def test_reflection_over_the_whole_term_under_both_standards(
    lease: Any, golden: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DEALS.parent)  # goldens name the file as a user in the repository would
    deal = "deals/reflection.yaml"
    for standard in ("asc842", "ifrs16"):
        run = lease("account", deal, "--standard", standard, "--rate", "8%")
        assert run.exit_code == 0, run.stderr
    ifrs = _reflection("ifrs16", "0.08")
    assert ifrs.term_months == 6  # the file's judgement stands: only the standard changed
    golden("reflection.account.txt", lease("account", deal).stdout)
    markdown = lease("account", deal, "--standard", "ifrs16", "-f", "markdown").stdout
    golden("reflection.account-ifrs16.md", markdown)


def test_json_and_csv_carry_every_month(lease: Any) -> None:
    doc = json.loads(lease("account", REFLECTION, "-f", "json").stdout)
    assert doc["measurement"]["liability"] == "875069176.59"
    assert len(doc["periods"]) == 6
    assert doc["periods"][-1]["closing"] == "0.00"
    assert doc["lease_term"] == {
        "months": 6,
        "end": "2026-12-29",
        "judgement": doc["lease_term"]["judgement"],
        "short_term": True,
    }
    rows = lease("account", REFLECTION, "-f", "csv").stdout.splitlines()
    assert rows[0] == (
        "month,start,opening,payment,interest,closing,rou_opening,rou_amortisation,"
        "rou_closing,expense"
    )
    assert len(rows) == 7


def test_a_deal_without_an_accounting_block_needs_a_standard_and_a_rate(
    lease: Any,
) -> None:
    run = lease("account", str(DEALS / "spacex-google.yaml"))
    assert run.exit_code == 2
    assert "the deal has no accounting block: give its standard" in run.stderr
    run = lease(
        "account", str(DEALS / "spacex-google.yaml"), "--standard", "ifrs16", "--rate", "7%"
    )
    assert run.exit_code == 0
    run = lease("account", REFLECTION, "--standard", "gaap")
    assert run.exit_code == 2 and "unknown standard 'gaap'" in run.stderr


def test_bad_accounting_blocks_are_reported_at_their_line(write: Any, lease: Any) -> None:
    head = (
        "name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: 12\npayments:\n  - amount: 1M\n"
    )
    path = write(
        head + "accounting:\n  standard: ifrs16\n  rate: 6%\n  classification: operating\n"
    )
    run = lease("check", path)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == (
        f"{path}:11:19: error[E313]: IFRS 16 has one lessee model: leave classification out "
        "(it is ASC 842's operating or finance)"
    )
    path = write(
        head + "accounting:\n  standard: asc842\n  rate: 6%\n  lease_term: earliest-exit\n"
    )
    run = lease("check", path)
    assert run.stdout.splitlines()[0] == (
        f"{path}:11:15: error[E305]: a lease term to the earliest exit needs a termination block"
    )
