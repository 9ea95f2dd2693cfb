"""`lease reconcile`: actual payments against the contract, every discrepancy with its code."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from computelease import api, loader
from computelease.core.reconcile import Actual, reconcile
from computelease.core.schedule import build_schedule
from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")
SAMPLE = str(DEALS / "reflection.actuals.csv")


def _found(problems: Any) -> list[tuple[str, int | None]]:
    return [(p.code.id, p.line) for p in problems]


def test_the_sample_actuals_flag_one_of_each_discrepancy() -> None:
    """deals/reflection.actuals.csv is seeded with one of each: every one is found, at its line."""
    result = api.reconcile(REFLECTION, SAMPLE, grace_days=3)
    assert _found(result.problems) == [
        ("E701", 9),  # "$150 million": no such suffix; the row is reported, the rest kept
        ("W703", 3),  # paid 2026-08-05, four days after the 1st: past three days' grace
        ("E704", 5),  # SPX-2026-09 paid twice
        ("E705", 6),  # $150.5M for a $150M fee
        ("E706", 7),  # $145M for a $150M fee
        ("E707", 8),  # $2.4M the contract never schedules
        ("E702", None),  # November never paid
    ]
    r = result.value
    assert r is not None and r.as_of == date(2027, 1, 4)  # the last actual's date
    assert [x.status for x in r.lines] == [
        "paid",
        "late",
        "paid",
        "over-billed",
        "missing",
        "short",
        "paid",
    ]
    assert r.scheduled == Decimal("1050000000.00")  # seven fees due by 2027-01-04
    assert r.paid == Decimal("1047900000.00")  # the duplicate and the unexpected $2.4M too
    assert r.lines[-1].cumulative_variance == Decimal("-154500000.00")


def test_the_command_exits_1_on_an_error_and_reports_on_stderr(lease: Any) -> None:
    run = lease("reconcile", REFLECTION, SAMPLE, "--grace-days", "3")
    assert run.exit_code == 1
    assert (
        f"{SAMPLE}:5: error[E704]: $150,000,000.00 on 2026-09-01 repeats the payment on line 4"
        in run.stderr
    )
    assert "Payments due to 2027-01-04" in run.stdout
    doc = json.loads(lease("reconcile", REFLECTION, SAMPLE, "-f", "json").stdout)
    assert doc["totals"] == {
        "scheduled": "1050000000.00",
        "paid": "1047900000.00",
        "variance": "-2100000.00",
    }
    assert [f["code"] for f in doc["findings"]][:2] == ["W703", "E704"]
    rows = lease("reconcile", REFLECTION, SAMPLE, "-f", "csv").stdout.splitlines()
    assert rows[0].startswith("due,stream,scheduled,credit,paid,paid_on,variance")
    assert len(rows) == 8


def test_paid_as_scheduled_is_clean_and_nothing_not_yet_due_is_missing(
    lease: Any, tmp_path: Path
) -> None:
    actuals = tmp_path / "paid.csv"
    actuals.write_text(
        "Date,Amount\n2026-07-01,150000000.00\n2026-08-01,$150M\n2026-09-01,150M\n",
        encoding="utf-8",
    )
    run = lease("reconcile", REFLECTION, actuals)
    assert (run.exit_code, run.stderr) == (0, "")
    run = lease("reconcile", REFLECTION, actuals, "--as-of", "2026-10-01")
    assert run.exit_code == 1
    assert (
        "error[E702]: monthly fee of $150,000,000.00 due 2026-10-01: no payment by 2026-10-01"
        in run.stderr
    )


def test_the_sla_credit_owed_is_checked_against_the_credit_granted(tmp_path: Path) -> None:
    deal = tmp_path / "sla.yaml"
    deal.write_text(
        "name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: 3\n"
        "payments:\n  - amount: 100000\n"
        "sla:\n  uptime: 99.5%\n  credit: 5%\n  credit_cap: 30%\n",
        encoding="utf-8",
    )
    actuals = tmp_path / "a.csv"
    # 98.5% is a point below 99.5%: 5% of $100,000 owed, $5,000; only $2,000 granted.
    actuals.write_text(
        "date,amount,credit,uptime\n2026-01-01,98000,2000,98.5%\n2026-02-01,95000,5000,98.5%\n",
        encoding="utf-8",
    )
    result = api.reconcile(deal, actuals)
    assert _found(result.problems) == [("W708", 2)]
    assert result.problems[0].message == (
        "uptime 98.5% for payments[0] due 2026-01-01 earns an SLA credit of $5,000.00; "
        "$2,000.00 granted"
    )


def test_a_bad_file_keeps_every_row_it_can_read(lease: Any, tmp_path: Path) -> None:
    actuals = tmp_path / "a.csv"
    actuals.write_text(
        "date,amount,refrence\n2026-07-01,150M,x\n2026-13-01,150M,y\n,150M,z\n2026-09-01,150M,w\n",
        encoding="utf-8",
    )
    result = api.reconcile(REFLECTION, actuals)
    assert [(p.code.id, p.line, p.message) for p in result.problems][:3] == [
        (
            "E701",
            1,
            "unknown column 'refrence'; did you mean 'reference'? "
            "(columns: date, amount, stream, credit, uptime, reference)",
        ),
        ("E701", 3, "date: 2026-13-01: month 13 does not exist"),
        ("E701", 4, "date: empty; every row needs a date"),
    ]
    assert result.value is not None
    assert [x.paid_on for x in result.value.lines] == [date(2026, 7, 1), None, date(2026, 9, 1)]
    missing = tmp_path / "nope.csv"
    run = lease("reconcile", REFLECTION, missing)
    assert run.exit_code == 2
    assert "error[E001]" in run.stderr
    header = tmp_path / "h.csv"
    header.write_text("when,how much\n2026-07-01,1\n", encoding="utf-8")
    assert (
        "the header has no date or amount column"
        in api.reconcile(REFLECTION, header).problems[-1].message
    )


@settings(max_examples=40, deadline=None)
@given(
    months=st.integers(1, 36),
    cents=st.integers(1, 10**10),
    every=st.sampled_from(["month", "quarter"]),
    late=st.integers(0, 9),
)
def test_paying_the_schedule_exactly_finds_nothing(
    months: int, cents: int, every: str, late: int
) -> None:
    deal = loader.load_text(
        f"name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: {months}\n"
        f"payments:\n  - amount: {Decimal(cents) / 100}\n    every: {every}\n"
    ).deal
    rows = build_schedule(deal).rows
    actuals = [
        Actual(i + 2, r.date + timedelta(days=late), r.amount)
        for i, r in enumerate(rows)
        if r.amount  # a part period that rounds to nothing asks for no payment
    ]
    r = reconcile(deal, actuals, grace_days=late)
    assert r.findings == ()
    assert all(x.variance == 0 for x in r.lines)
    assert r.paid == r.scheduled == sum(x.amount for x in rows if x.date <= r.as_of)
