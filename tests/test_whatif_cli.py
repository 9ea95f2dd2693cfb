"""``lease scenario``, ``sensitivity``, ``compare`` and ``calc --scenario`` through the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from computelease.render import OutputFormat
from tests.conftest import DEALS, MINIMAL, ROOT, Run

REFLECTION = "deals/reflection.yaml"
SUFFIX = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_terminate_earliest_golden(
    lease: Callable[..., Run], golden: Callable[[str, str], None], fmt: OutputFormat
) -> None:
    run = lease("scenario", REFLECTION, "--terminate", "earliest", "-f", fmt.value)
    assert run.exit_code == 0, run.stderr
    golden(f"reflection.scenario-terminate.{SUFFIX[fmt.value]}", run.stdout)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_sensitivity_golden(
    lease: Callable[..., Run], golden: Callable[[str, str], None], fmt: OutputFormat
) -> None:
    run = lease(
        "sensitivity",
        REFLECTION,
        "--vary",
        "discount_rate=6%..12%:2%",
        "--vary",
        "market_gpu_hour=2..5:1",
        "--metric",
        "npv_lessor_walkaway",
        "-f",
        fmt.value,
    )
    assert run.exit_code == 0, run.stderr
    golden(f"reflection.sensitivity.{SUFFIX[fmt.value]}", run.stdout)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_spacex_book_golden(
    lease: Callable[..., Run], golden: Callable[[str, str], None], fmt: OutputFormat
) -> None:
    run = lease("compare", "--by", "year", "--lessor", "SpaceX", "deals/", "-f", fmt.value)
    assert run.exit_code == 0, run.stderr
    golden(f"spacex-book.{SUFFIX[fmt.value]}", run.stdout)


def test_terminate_earliest_shows_committed_against_the_headline(lease: Callable[..., Run]) -> None:
    doc = json.loads(lease("scenario", REFLECTION, "--terminate", "earliest", "-f", "json").stdout)
    rows = {m["name"]: m for m in doc["metrics"]}
    assert rows["total"]["base"] == "6300000000.00"
    assert rows["total"]["scenario"] == "890322580.65"
    assert rows["committed_value"]["base"] == "890322580.65"
    assert doc["scenario"]["overrides"]["terminate"] == "earliest"


def test_a_three_month_slip_costs_each_side(lease: Callable[..., Run]) -> None:
    doc = json.loads(lease("scenario", REFLECTION, "--delay", "3m", "-f", "json").stdout)
    rows = {m["name"]: m for m in doc["metrics"]}
    assert rows["total"]["difference"] == "-450000000.00"
    assert Decimal(rows["npv_lessor"]["difference"]) < 0  # the lessor loses revenue
    assert rows["payback_months"]["difference"] == "3"
    assert Decimal(rows["pv_lease"]["difference"]) < 0  # the tenant pays (and gets) less
    assert doc["scenario"]["notes"] == [
        "delay 3m: service starts 2026-10-01, the end stays 2029-12-31",
        "the lessor's capex stays on 2026-07-01",
    ]


def test_named_scenarios_from_the_deal_file(lease: Callable[..., Run]) -> None:
    run = lease(
        "scenario", "deals/spacex-google.yaml", "--name", "delivery-shortfall-80", "-f", "json"
    )
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["scenario"]["name"] == "delivery-shortfall-80"
    assert doc["scenario"]["overrides"]["delivered"] == "0.8"
    calc = lease(
        "calc", "deals/spacex-google.yaml", "--scenario", "delivery-shortfall-80", "-f", "json"
    )
    assert calc.exit_code == 0
    assert json.loads(calc.stdout)["scenario"]["name"] == "delivery-shortfall-80"
    missing = lease("calc", REFLECTION, "--scenario", "nope")
    assert missing.exit_code == 2
    assert "no deal given has a scenario named 'nope'" in missing.stderr


def test_scenario_flags_are_checked_like_deal_values(lease: Callable[..., Run]) -> None:
    bad = lease("scenario", REFLECTION, "--delay", "soon")
    assert bad.exit_code == 2
    assert "--delay: expected a delay such as 3m" in bad.stderr
    wrong_path = lease("scenario", REFLECTION, "--set", "payments[0].ammount=5")
    assert wrong_path.exit_code == 2
    assert "did you mean 'amount'?" in wrong_path.stderr
    bad_value = lease("scenario", REFLECTION, "--set", "payments[0].amount=lots")
    assert bad_value.exit_code == 2
    assert "payments[0].amount: expected an amount of money" in bad_value.stderr
    too_early = lease("scenario", REFLECTION, "--terminate", "2026-09-01")
    assert too_early.exit_code == 2
    assert "may not be given before 2026-10-01" in too_early.stderr
    nothing = lease("scenario", REFLECTION)
    assert nothing.exit_code == 2


def test_a_bad_scenario_in_a_file_is_reported_at_its_line(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(
        MINIMAL
        + "scenarios:\n  slip:\n    delay: 24m\n"
        + "  cheaper:\n    set:\n      payments[0].amount: lots\n"
    )
    run = lease("check", path)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0] == (
        f"{path}:10:12: error[E301]: scenario 'slip': a delay of 24m moves the start "
        "(2028-01-01) past the end of the term (2026-12-31)"
    )
    assert lines[1].startswith(f"{path}:13:27: error[E204]: scenario 'cheaper': payments[0].amount")


def test_sensitivity_one_way_and_errors(lease: Callable[..., Run]) -> None:
    run = lease(
        "sensitivity", REFLECTION, "--vary", "delay=0..6m:3m", "--metric", "total", "-f", "csv"
    )
    assert run.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["delay"], r["value"]) for r in rows] == [
        ("0", "6300000000.00"),
        ("3", "5850000000.00"),
        ("6", "5400000000.00"),
    ]
    assert lease("sensitivity", REFLECTION, "--vary", "x=1..2:1").exit_code == 2
    unknown = lease(
        "sensitivity", REFLECTION, "--vary", "discount_rate=5%..6%:1%", "--metric", "npv"
    )
    assert unknown.exit_code == 2
    assert "unknown metric 'npv'" in unknown.stderr
    three = ["--vary", "discount_rate=5%..6%:1%"] * 3
    assert lease("sensitivity", REFLECTION, *three).exit_code == 2


def test_undefined_cells_say_why(lease: Callable[..., Run], write: Callable[..., Path]) -> None:
    run = lease("sensitivity", write(MINIMAL), "--vary", "discount_rate=5%..6%:1%", "-f", "json")
    cells = json.loads(run.stdout)["cells"]
    assert (
        cells
        == [
            [{"value": None, "note": "no lessor capex (assumptions.lessor.capex)", "capped": False}]
        ]
        * 2
    )
    table = lease("sensitivity", write(MINIMAL), "--vary", "discount_rate=5%..6%:1%").stdout
    assert "n/a at 5%; 6%: no lessor capex (assumptions.lessor.capex)" in table


def test_compare_side_by_side(lease: Callable[..., Run]) -> None:
    run = lease("compare", REFLECTION, "deals/spacex-google.yaml", "-f", "json")
    doc = json.loads(run.stdout)
    assert [d["id"] for d in doc["deals"]] == ["reflection", "spacex-google"]
    metrics = {m["name"]: m["values"] for m in doc["metrics"]}
    assert metrics["total"][0] == "6300000000.00"
    assert metrics["irr_lessor"][0] is not None


def test_compare_refuses_mixed_currencies_without_rates(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    euro = write(MINIMAL + "currency: EUR\n", "euro.yaml")
    run = lease("compare", REFLECTION, euro)
    assert run.exit_code == 2
    assert "give an exchange rate for each (EUR=1.08 means 1 EUR = 1.08 USD)" in run.stderr
    assert "error[E503]" in run.stderr
    fine = lease("compare", REFLECTION, euro, "--fx", "EUR=1.10", "-f", "json")
    assert fine.exit_code == 0
    totals = {m["name"]: m["values"] for m in json.loads(fine.stdout)["metrics"]}["total"]
    assert totals == ["6300000000.00", "13200.00"]


def test_the_spacex_book_by_year(lease: Callable[..., Run]) -> None:
    doc = json.loads(
        lease("compare", "--by", "year", "--lessor", "spacex", "deals/", "-f", "json").stdout
    )
    ids = [d["id"] for d in doc["deals"]]
    assert ids == ["reflection", "spacex-anthropic", "spacex-google"]
    assert doc["by_year"]["2027"]["scheduled"]["reflection"] == "1800000000.00"
    total = sum(Decimal(doc["by_year"]["2027"]["scheduled"][i]) for i in ids)
    assert Decimal(doc["by_year"]["2027"]["scheduled"]["total"]) == total
    assert set(DEALS.glob("spacex-*.yaml")) == {
        DEALS / "spacex-anthropic.yaml",
        DEALS / "spacex-google.yaml",
    }


def test_compare_table_golden(
    lease: Callable[..., Run], golden: Callable[[str, str], None]
) -> None:
    run = lease("compare", "deals/")
    assert run.exit_code == 0, run.stderr
    golden("deals.compare.txt", run.stdout)


def test_a_varied_or_overridden_rate_wins_over_rate(lease: Callable[..., Run]) -> None:
    run = lease(
        "sensitivity",
        REFLECTION,
        "--vary",
        "discount_rate=0%..10%:10%",
        "--metric",
        "present_value",
        "--rate",
        "5%",
        "-f",
        "json",
    )
    cells = [row[0]["value"] for row in json.loads(run.stdout)["cells"]]
    assert cells == ["6300000000.00", "5376532135.39"]
    doc = json.loads(
        lease(
            "scenario",
            REFLECTION,
            "--set",
            "assumptions.discount_rate=0%",
            "--rate",
            "10%",
            "-f",
            "json",
        ).stdout
    )
    pv = {m["name"]: m for m in doc["metrics"]}["present_value"]
    assert (pv["base"], pv["scenario"]) == ("5376532135.39", "6300000000.00")
    same = lease(
        "sensitivity",
        REFLECTION,
        "--vary",
        "discount_rate=5%..6%:1%",
        "--vary",
        "discount_rate=7%..8%:1%",
    )
    assert same.exit_code == 2
    decimals = lease("sensitivity", REFLECTION, "--vary", "market_gpu_hour=2.5..3.5:0.5")
    assert decimals.exit_code == 0


def test_calc_scenario_over_a_folder_skips_deals_without_it(lease: Callable[..., Run]) -> None:
    run = lease("calc", "deals/", "--scenario", "google-walks", "-f", "json")
    assert run.exit_code == 0
    assert json.loads(run.stdout)["scenario"]["name"] == "google-walks"
    assert "reflection.yaml: warning[W002]: no scenario named 'google-walks'" in run.stderr


def test_output_never_overwrites_a_deal_found_in_a_folder(
    lease: Callable[..., Run], tmp_path: Path
) -> None:
    deal = tmp_path / "base.yaml"
    deal.write_text(MINIMAL)
    run = lease("calc", tmp_path, "-o", deal)
    assert run.exit_code == 2
    assert deal.read_text() == MINIMAL
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = lease("calc", empty)
    assert nothing.exit_code == 2
    assert "no deal files" in nothing.stderr


def test_duplicate_ids_stay_apart_in_the_book(lease: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL + "id: total\n")
    (tmp_path / "b.yaml").write_text(MINIMAL.replace("1000", "2000") + "id: total\n")
    run = lease("compare", "--by", "year", tmp_path, "-f", "csv")
    assert run.exit_code == 0
    header, row = run.stdout.splitlines()[:2]
    assert header == "year,basis,total-1,total-2,total"
    assert row == "2026,scheduled,12000.00,24000.00,36000.00"


def test_set_on_the_command_line_adds_to_a_named_scenarios_set(lease: Callable[..., Run]) -> None:
    run = lease(
        "scenario",
        "deals/spacex-google.yaml",
        "--name",
        "google-walks",
        "--set",
        "payments[2].amount=900M",
        "-f",
        "json",
    )
    assert run.exit_code == 0, run.stderr
    overrides = json.loads(run.stdout)["scenario"]["overrides"]
    assert overrides["set"] == {"delivery.shortfall": "terminate", "payments[2].amount": "900M"}


def test_a_scenario_notes_what_it_assumes_that_the_base_does_not() -> None:
    from computelease import loader
    from computelease.core.analysis import analyse
    from computelease.core.whatif import compare
    from computelease.models import Scenario
    from computelease.render import document
    from computelease.render.options import RenderOptions

    base = analyse(loader.load(ROOT / REFLECTION).deal)
    cleared = Scenario.model_validate({"set": {"assumptions.lessor.maintenance": None}})
    notes = document.scenario(compare(base, cleared), RenderOptions()).notes
    assert notes[0] == "cleared assumptions.lessor.maintenance"
    # The part the scenario no longer has is named; the base's own notes are calc's to show.
    assert "scenario: no maintenance (assumptions.lessor.maintenance): taken as zero" in notes
    assert not any("on demand the same GPU-hour" in n for n in notes)
