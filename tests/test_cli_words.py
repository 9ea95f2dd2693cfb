"""Options read as their users write them, and figures that read as words, through the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT, Run

REFLECTION = "deals/reflection.yaml"
COMMANDS = ["check", "calc", "schedule", "breakeven", "scenario", "sensitivity", "compare"]

#: A deal priced below a falling market, with a fee for leaving: signs that must read as words.
CHEAP = (
    MINIMAL.replace("months: 12", "months: 24")
    + "capacity:\n  gpus: 1\n"
    + "termination:\n  notice_days: 30\n  not_before: 2026-06-01\n  fee: $150\n"
    + "assumptions:\n  discount_rate: 8%\n  market_gpu_hour: $5\n  market_decline: 10%\n"
    + "  lessee:\n    buy_capex: 100\n"
)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_a_delay_axis_is_written_as_delay_is_and_labelled_so(lease: Callable[..., Run]) -> None:
    run = lease("sensitivity", REFLECTION, "--vary", "delay=0..3m:1m", "--metric", "total")
    assert run.exit_code == 0, run.stderr
    rows = [line.split() for line in run.stdout.splitlines() if re.match(r"^[0-3]m ", line)]
    assert rows == [["0m", "$6.30B"], ["1m", "$6.15B"], ["2m", "$6.00B"], ["3m", "$5.85B"]]
    days = lease("sensitivity", REFLECTION, "--vary", "delay=0d..60d:30d", "-f", "json")
    axis = json.loads(days.stdout)["rows"]
    assert (axis["unit"], axis["labels"]) == ("days", ["0d", "30d", "60d"])
    bare = lease("sensitivity", REFLECTION, "--vary", "delay=0..3:1")
    assert bare.exit_code == 2
    assert "did you mean delay=0m..3m:1m (months)?" in bare.stderr


def test_a_money_axis_is_labelled_as_money(lease: Callable[..., Run]) -> None:
    run = lease(
        "sensitivity",
        REFLECTION,
        "--vary",
        "payments[0].amount=125M..175M:25M",
        "--metric",
        "total",
    )
    assert run.exit_code == 0, run.stderr
    labels = [line.split()[0] for line in run.stdout.splitlines() if line.startswith("$1")]
    assert labels == ["$125.0M", "$150.0M", "$175.0M"]
    doc = json.loads(
        lease(
            "sensitivity", REFLECTION, "--vary", "payments[0].amount=125M..175M:25M", "-f", "json"
        ).stdout
    )
    assert doc["rows"]["values"] == ["125000000", "150000000", "175000000"]


def test_a_bare_rate_is_refused_with_the_percent_form(lease: Callable[..., Run]) -> None:
    run = lease("sensitivity", REFLECTION, "--vary", "discount_rate=6..12:1")
    assert run.exit_code == 2
    assert run.stderr == (
        "lease: error: --vary 'discount_rate=6..12:1': discount_rate is a rate; "
        "did you mean discount_rate=6%..12%:1%?\n"
    )
    assert run.stdout == ""


def test_an_axis_the_deal_cannot_take_is_a_usage_error(lease: Callable[..., Run]) -> None:
    run = lease("sensitivity", REFLECTION, "--vary", "delivered=80%..100%:10%")
    assert run.exit_code == 2
    assert run.stderr == (
        "deals/reflection.yaml: error[E502]: delivered needs a delivery block, "
        "and the deal has none\n"
    )
    name = lease("sensitivity", REFLECTION, "--vary", "name=1..2:1")
    assert name.exit_code == 2 and "not a number, so it cannot be varied" in name.stderr


def test_no_pydantic_internals_reach_a_user(lease: Callable[..., Run]) -> None:
    run = lease("sensitivity", REFLECTION, "--vary", "discount_rate=-5%..5%:5%", "-f", "json")
    assert run.exit_code == 0
    cells = json.loads(run.stdout)["cells"]
    note = cells[0][0]["note"]
    assert note == "discount rate '-5%' is out of range: expected at least 0% and at most 100%"
    for text in (run.stdout, run.stderr):
        assert "input_value" not in text and "type=" not in text and "pydantic" not in text


def test_money_in_notes_reads_as_money(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    run = lease("scenario", write(CHEAP), "--terminate", "earliest", "-f", "json")
    assert run.exit_code == 0, run.stderr
    notes = json.loads(run.stdout)["scenario"]["notes"]
    assert notes[0] == (
        "terminated: notice 2026-06-01 + 30 days, service to 2026-06-30, "
        "fee $150.00 paid 2026-06-30"
    )


def test_notes_word_money_as_the_report_does(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    deal = write(CHEAP.replace("fee: $150", "fee: $150M"))
    wide = {"COLUMNS": "200"}
    compact = lease("scenario", deal, "--terminate", "earliest", env=wide).stdout
    assert "fee $150.0M paid 2026-06-30" in compact
    exact = lease(
        "scenario", deal, "--terminate", "earliest", "--exact", "--no-currency-symbol", env=wide
    )
    assert "fee 150,000,000.00 paid 2026-06-30" in exact.stdout
    assert "$" not in exact.stdout.split("Notes", 1)[1].split("Conventions", 1)[0]
    markdown = lease("scenario", deal, "--terminate", "earliest", "-f", "markdown", "--exact")
    assert "fee $150,000,000.00 paid 2026-06-30" in markdown.stdout


def test_by_says_what_it_accepts(lease: Callable[..., Run]) -> None:
    run = lease("compare", "deals/", "--by", "quarter")
    assert (run.exit_code, run.stderr) == (2, "lease: error: --by: expected year; got 'quarter'\n")
    period = lease("schedule", REFLECTION, "--by", "week")
    assert period.exit_code == 2
    assert "--by: expected month or quarter or year; got 'week'" in period.stderr


def test_extend_needs_delay(lease: Callable[..., Run]) -> None:
    run = lease("scenario", REFLECTION, "--extend")
    assert run.exit_code == 2
    assert run.stderr == (
        "lease: error: --extend: extend keeps the term's length after a delay: it needs delay\n"
    )
    assert lease("scenario", REFLECTION, "--extend", "--delay", "3m").exit_code == 0


def test_check_takes_f(lease: Callable[..., Run]) -> None:
    run = lease("check", "-f", "json", REFLECTION)
    assert (run.exit_code, json.loads(run.stdout)) == (0, [])


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_type_placeholders_for_flags(lease: Callable[..., Run], command: str) -> None:
    text = lease(command, "--help").stdout
    assert "<bool>" not in text
    # Options say what they take (<table|json|...>, DATE, RATE); a deal argument is plain text
    # on purpose, since a Path would read "" as the current folder.
    assert not [
        line for line in text.splitlines() if line.lstrip().startswith("-") and "<str>" in line
    ]
    assert "╭" not in text  # plain help, as scripts and logs read it


def test_scenario_has_one_way_to_set_the_rate(lease: Callable[..., Run]) -> None:
    run = lease("scenario", REFLECTION, "--discount-rate", "8%")
    assert run.exit_code == 2
    assert "No such option" in run.stderr and "--discount-rate" in run.stderr
    doc = json.loads(
        lease("scenario", REFLECTION, "--delay", "3m", "--rate", "0%", "-f", "json").stdout
    )
    pv = {m["name"]: m for m in doc["metrics"]}["present_value"]
    assert pv["base"] == "6300000000.00"  # --rate values both sides


def test_signs_read_as_words(lease: Callable[..., Run], write: Callable[..., Path]) -> None:
    path = write(CHEAP)
    table = lease("calc", path).stdout
    # $1,000 a month for one GPU is about $1.37 a GPU-hour against a $5 market.
    assert re.search(r"Price against market at start +72\.\d+% below market", table), table
    assert re.search(r"Paid below a falling market +\$\d", table), table
    assert "Paid above" not in table and "-$" not in table
    breakeven = lease("breakeven", path).stdout
    assert "Paid below market over the term" in breakeven
    scenario = lease("scenario", path, "--delay", "1m", env={"COLUMNS": "200"}).stdout
    assert re.search(r"Paid against a falling.* +\$55\.0K below +\$52\.3K below", scenario)
    # Owning for $100 beats leasing: leasing costs more, in words.
    assert re.search(r"costs \$22\.2K more +costs \$21\.2K more", scenario), scenario
    assert "+$0.00" not in scenario  # a change that rounds to nothing carries no sign
    # One reason, said once for the four lessor figures it explains on both sides.
    assert scenario.count("no lessor capex") == 1


def test_json_names_the_market_date_for_what_it_means(lease: Callable[..., Run]) -> None:
    doc = json.loads(lease("calc", REFLECTION, "-f", "json").stdout)
    market = doc["breakeven"]["market"]
    assert market["market_below_lease_from"] == "2026-07-01"
    assert "below_market_from" not in market
    assert doc["format_version"] == 2
    assert doc["breakeven"]["lessor"]["irr"]["tolerance"] == "1e-10"
    assert "approximate" not in doc["breakeven"]["lessor"]["irr"]


def test_an_irr_found_to_1e_10_is_not_called_approximate(lease: Callable[..., Run]) -> None:
    for command in ("calc", "breakeven", "compare"):
        out = lease(command, REFLECTION).stdout
        assert "approximate" not in out
        assert "IRR" in out


def test_payments_say_what_they_count(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    def payments(path: str | Path) -> str:
        out = lease("calc", path, env={"COLUMNS": "200"}).stdout.splitlines()
        return next(line.rstrip() for line in out if line.startswith("Payments"))

    assert payments("deals/microsoft-iren.yaml").split(None, 1)[1] == (
        "21 (20 scheduled and 1 prepayment)"
    )
    # $3,000 credited from the front covers the first three months in full.
    front = write(MINIMAL + "prepayments:\n  - amount: 3000\n    credit: front\n")
    assert payments(front).split(None, 1)[1] == (
        "10 (9 scheduled and 1 prepayment; 3 more covered in full by prepayments)"
    )
    assert payments(REFLECTION).split(None, 1)[1] == "42"


def test_as_of_after_notice_values_the_remaining_commitment(lease: Callable[..., Run]) -> None:
    doc = json.loads(lease("calc", REFLECTION, "--as-of", "2027-03-01", "-f", "json").stdout)
    c = doc["commitment"]
    # Notice on 2027-03-01 + 90 days: March, April and May 1-29 (29/31 of $150M).
    assert (c["notice_date"], c["last_day_covered"]) == ("2027-03-01", "2027-05-29")
    assert c["committed_value"] == "440322580.65"
    assert c["headline_value"] == "5100000000.00"  # 34 months still scheduled
    assert (c["remaining"], c["share_of_headline"]) == (True, "0.086338")
    table = lease("calc", REFLECTION, "--as-of", "2027-03-01").stdout
    assert "Committed value (remaining)  $440.3M, 8.63% of the $5.10B still" in table
    at_signing = json.loads(lease("calc", REFLECTION, "-f", "json").stdout)["commitment"]
    assert (at_signing["committed_value"], at_signing["remaining"]) == ("890322580.65", False)


def test_book_committed_revenue_follows_the_valuation_date(lease: Callable[..., Run]) -> None:
    doc = json.loads(
        lease("compare", "--by", "year", REFLECTION, "--as-of", "2027-03-01", "-f", "json").stdout
    )
    assert doc["totals"]["committed"]["reflection"] == "440322580.65"
    assert doc["by_year"]["2026"]["committed"]["reflection"] == "0.00"


def test_csv_of_a_sensitivity_grid_keeps_exact_values(lease: Callable[..., Run]) -> None:
    out = lease("sensitivity", REFLECTION, "--vary", "discount_rate=8%..10%:2%", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["discount_rate"] for r in rows] == ["0.08", "0.1"]
    assert all(Decimal(r["value"]) for r in rows)


def test_extend_goes_on_top_of_a_named_delay(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(MINIMAL + "scenarios:\n  late:\n    delay: 3m\n")
    run = lease("scenario", path, "--name", "late", "--extend", "-f", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["scenario"]["overrides"]["delay"] == "3m"
    assert doc["scenario"]["overrides"]["extend"] is True
    assert doc["scenario"]["notes"] == [
        "delay 3m: service starts 2026-04-01, the term keeps its length and ends 2027-03-31"
    ]
    # Without a delay anywhere, it is still refused, after the merge.
    plain = write(MINIMAL + "scenarios:\n  calm:\n    market_decline: 10%\n", "calm.yaml")
    refused = lease("scenario", plain, "--name", "calm", "--extend")
    assert refused.exit_code == 2
    assert refused.stderr.endswith(
        "error[E502]: extend: extend keeps the term's length after a delay: it needs delay\n"
    )


def test_a_shorthand_and_its_set_path_together_are_refused_where_written(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(
        MINIMAL
        + "assumptions:\n  discount_rate: 8%\n"
        + "scenarios:\n  both:\n    discount_rate: 9%\n    set:\n"
        + "      assumptions.discount_rate: 12%\n"
    )
    run = lease("check", path)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == (
        f"{path}:12:20: error[E311]: give discount_rate or set assumptions.discount_rate, "
        "not both: they are one change"
    )


def test_a_set_path_out_of_range_names_the_path_once(lease: Callable[..., Run]) -> None:
    run = lease("scenario", REFLECTION, "--set", "payments[9].amount=1")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == (
        "deals/reflection.yaml: error[E502]: payments[9].amount: payments has 1 entry, no [9]\n"
    )


def test_a_scenario_at_its_own_rate_says_both_rates(lease: Callable[..., Run]) -> None:
    args = ("scenario", REFLECTION, "--rate", "8%", "--set", "assumptions.discount_rate=12%")
    doc = json.loads(lease(*args, "-f", "json").stdout)
    assert doc["settings"]["discount_rate"] == "0.08"
    assert doc["settings"]["scenario_discount_rate"] == "0.12"
    assert doc["conventions"][-1] == (
        "Discount rates differ: the deal as written is valued at 8%, the scenario at 12%, a "
        "rate it sets itself; the change in present value is partly the change of rate."
    )
    same = json.loads(
        lease("scenario", REFLECTION, "--rate", "8%", "--delay", "1m", "-f", "json").stdout
    )
    assert not [c for c in same["conventions"] if c.startswith("Discount rates differ")]


def test_a_required_whole_number_field_can_be_varied(lease: Callable[..., Run]) -> None:
    args = ("--vary", "termination.notice_days=30..90:30", "--metric", "committed_value")
    run = lease("sensitivity", REFLECTION, *args, "-f", "csv")
    assert run.exit_code == 0, run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert [(r[0], r[-1]) for r in rows[1:]] == [
        ("30", "595161290.32"),  # 450M + 30/31 of October
        ("60", "745000000.00"),
        ("90", "890322580.65"),
    ]


def test_compare_after_the_start_labels_the_commitment_remaining(
    lease: Callable[..., Run],
) -> None:
    later = lease("compare", REFLECTION, "--as-of", "2028-01-01", env={"COLUMNS": "200"}).stdout
    assert re.search(r"Committed value \(remaining\) +\$445\.2M", later)
    at_start = lease("compare", REFLECTION, env={"COLUMNS": "200"}).stdout
    assert "(remaining)" not in at_start and re.search(r"Committed value +\$890\.3M", at_start)


@pytest.mark.parametrize(
    "args",
    [
        ["scenario", REFLECTION, "--market-gpu-hour", "EUR 5"],
        ["scenario", REFLECTION, "--market-gpu-hour", "£5"],
        ["sensitivity", REFLECTION, "--vary", "market_gpu_hour=EUR 1..EUR 2:EUR 1"],
    ],
)
def test_a_price_in_another_currency_is_refused_not_read_as_dollars(
    lease: Callable[..., Run], args: list[str]
) -> None:
    run = lease(*args)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.startswith("deals/reflection.yaml: error[E502]: market_gpu_hour: ")
    assert "USD" in run.stderr
    marked = lease("scenario", REFLECTION, "--market-gpu-hour", "$5", env={"COLUMNS": "200"})
    assert marked.exit_code == 0 and "market_gpu_hour = $5.00" in marked.stdout


def test_an_axis_on_an_entry_the_deal_lacks_is_refused_like_a_set(
    lease: Callable[..., Run],
) -> None:
    for args in (
        ["sensitivity", "--vary", "payments[9].amount=1..2:1"],
        ["scenario", "--set", "payments[9].amount=1"],
    ):
        run = lease(args[0], REFLECTION, *args[1:])
        assert (run.exit_code, run.stdout) == (2, "")
        assert run.stderr == (
            "deals/reflection.yaml: error[E502]: payments[9].amount: payments has 1 entry, no [9]\n"
        )
    text = lease("scenario", REFLECTION, "--set", "name[0]=x")
    assert text.stderr == "deals/reflection.yaml: error[E502]: name[0]: name is not a list\n"


def test_sensitivity_help_names_every_metric() -> None:
    from computelease.cli import sensitivity
    from computelease.core.metrics import METRICS

    doc = " ".join((sensitivity.__doc__ or "").split())
    assert [name for name in METRICS if f" {name}" not in doc] == []
