"""``lease calc``, ``schedule`` and ``breakeven`` in every format, with golden files.

Refresh the golden files after an intended change with ``pytest --update-goldens``
and read the diff before committing it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from computelease.render import OutputFormat, Renderer, renderer
from computelease.render import json as render_json
from tests.conftest import GOLDENS, MINIMAL, ROOT, Run

REFLECTION = "deals/reflection.yaml"
ANSI = re.compile(r"\x1b\[")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reports name the deal file as given; goldens are made from the repository root.
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("command", ["calc", "schedule", "breakeven"])
def test_reflection_goldens(
    lease: Callable[..., Run], golden: Callable[[str, str], None], command: str, fmt: OutputFormat
) -> None:
    run = lease(command, REFLECTION, "--format", fmt.value)
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    suffix = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}[fmt.value]
    golden(f"reflection.{command}.{suffix}", run.stdout)


@pytest.mark.parametrize(
    ("deal", "command"),
    [
        ("microsoft-nebius", "calc"),  # tranches delivered over time, a rented facility
        ("microsoft-nebius", "breakeven"),
        ("openai-oracle", "breakeven"),  # a market curve, Vera Rubin tranches
        ("spacex-anthropic", "breakeven"),  # a mixed fleet, each tranche at its own market
    ],
)
def test_tranche_deal_goldens(
    lease: Callable[..., Run], golden: Callable[[str, str], None], deal: str, command: str
) -> None:
    run = lease(command, f"deals/{deal}.yaml", env={"COLUMNS": "100"})
    assert (run.exit_code, run.stderr) == (0, "")
    golden(f"{deal}.{command}.txt", run.stdout)


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_debt_schedule_goldens(
    lease: Callable[..., Run], golden: Callable[[str, str], None], fmt: str
) -> None:
    run = lease("schedule", "--debt", REFLECTION, "-f", fmt, env={"COLUMNS": "100"})
    assert (run.exit_code, run.stderr) == (0, "")
    golden(f"reflection.schedule-debt.{'txt' if fmt == 'table' else fmt}", run.stdout)


@pytest.mark.parametrize(("deal", "command"), [("microsoft-iren", "breakeven")])
def test_financed_deal_goldens(
    lease: Callable[..., Run], golden: Callable[[str, str], None], deal: str, command: str
) -> None:
    run = lease(command, f"deals/{deal}.yaml", env={"COLUMNS": "100"})
    assert (run.exit_code, run.stderr) == (0, "")
    golden(f"{deal}.{command}.txt", run.stdout)


def test_wide_terminal_golden(
    lease: Callable[..., Run], golden: Callable[[str, str], None]
) -> None:
    run = lease("calc", REFLECTION, env={"COLUMNS": "160"})
    assert run.exit_code == 0
    golden("reflection.calc.wide.txt", run.stdout)


def test_schedule_by_year_golden(
    lease: Callable[..., Run], golden: Callable[[str, str], None]
) -> None:
    run = lease("schedule", REFLECTION, "--by", "year")
    assert run.exit_code == 0
    golden("reflection.schedule-by-year.txt", run.stdout)


def test_calc_shows_the_figures_a_memo_needs(lease: Callable[..., Run]) -> None:
    out = lease("calc", REFLECTION, "--exact").stdout
    for expected in (
        "$6,300,000,000.00",
        "42 months (1,280 days)",
        "$900,000,000.00",
        "$1,800,000,000.00",
        "$5,376,532,135.39 at 10%",
        "$890,322,580.65, 14.13% of the headline",
        "✓ pass",
        "XNPV, Actual/365 Fixed",
    ):
        assert expected in out, expected
    assert re.search(r"Price per GPU-hour +\$4\.56 +computed", out)
    assert not ANSI.search(out)
    for line in out.splitlines():
        assert len(line) <= 80, line


def test_json_carries_the_contract_keys_and_exact_strings(lease: Callable[..., Run]) -> None:
    doc = json.loads(lease("calc", REFLECTION, "-f", "json").stdout)
    assert doc["format_version"] == 2
    assert doc["deal"]["id"] == "reflection"
    totals = doc["totals"]
    assert totals["total"] == "6300000000.00"
    assert totals["total_with_options"] == "6300000000.00"
    assert totals["payments"] == 42
    assert totals["months"] == "42"
    assert totals["days"] == 1280
    assert totals["by_year"] == {
        "2026": "900000000.00",
        "2027": "1800000000.00",
        "2028": "1800000000.00",
        "2029": "1800000000.00",
    }
    assert totals["present_value"] == "5376532135.39"
    assert totals["committed_value"] == "890322580.65"
    assert doc["unit_economics"]["price_per_gpu_hour"] == "4.5573"
    assert doc["unit_economics"]["basis"]["gpus"] == "assumed"
    assert [c["passed"] for c in doc["checks"]] == [True] * 5
    assert "schedule_with_options" not in doc
    # Recompute the total from the rows, exactly.
    rows = doc["schedule"]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal(totals["total"])
    assert rows[-1]["cumulative"] == totals["total"]


def test_a_missing_figure_is_null_with_a_note(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    doc = json.loads(lease("calc", write(MINIMAL), "-f", "json").stdout)
    assert doc["totals"]["present_value"] is None
    assert doc["totals"]["notes"] == [
        "present value not computed: no discount rate "
        "(set assumptions.discount_rate, or give a rate to value it at)"
    ]
    units = doc["unit_economics"]
    assert units["price_per_gpu_hour"] is None
    assert "no GPU count: set capacity.gpus" in units["notes"]
    assert doc["breakeven"]["lessor"] is None
    assert doc["breakeven"]["notes"][0] == (
        "lessor breakeven needs the IT capex: assumptions.lessor.capex, capex_per_gpu, "
        "or a capex per tranche"
    )


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON document; list items collapse to [] and year keys to <year>."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            name = "<key>" if re.fullmatch(r"\d{4}(-Q\d)?", key) else key
            path = f"{prefix}.{name}" if prefix else name
            paths.add(path)
            paths |= key_paths(inner, path)
    elif isinstance(value, list):
        for inner in value:
            paths |= key_paths(inner, f"{prefix}[]")
    return paths


def test_json_keys_change_only_with_a_format_version_bump(
    lease: Callable[..., Run], write: Callable[..., Path], request: pytest.FixtureRequest
) -> None:
    """The JSON key set is pinned per format_version.

    A key removed or renamed breaks scripts, so it fails this test until
    ``render.json.FORMAT_VERSION`` is raised (and a new key file recorded).
    A key added is compatible: ``--update-goldens`` records it in the
    current version's file, but never removes a key from it.
    """
    options = write(
        MINIMAL
        + "  - amount: 10\n    option: true\n"
        + "assumptions:\n  discount_rate: 8%\n  lessor:\n    capex: 1000\n"
        + "  lessee:\n    buy_capex: 900\n  market_gpu_hour: 2\n  market_decline: 10%\n"
        + "capacity:\n  gpus: 1\n  power_mw: 1\n"
        + "termination:\n  notice_days: 30\n"
        + "reported:\n  total: 12000\nsources:\n  - title: x\n"
    )
    docs = [json.loads(lease("calc", p, "-f", "json").stdout) for p in (REFLECTION, options)]
    keys = key_paths(docs[0]) | key_paths(docs[1])
    path = GOLDENS / f"json-keys.v{render_json.FORMAT_VERSION}.txt"
    pinned = set(path.read_text(encoding="utf-8").split()) if path.exists() else set()
    if request.config.getoption("--update-goldens") and (not path.exists() or keys > pinned):
        path.write_text("\n".join(sorted(pinned | keys)) + "\n", encoding="utf-8")
        pinned |= keys
    assert path.exists(), f"new format_version: create {path} with pytest --update-goldens"
    removed = sorted(pinned - keys)
    assert not removed, f"JSON keys removed or renamed {removed}: raise FORMAT_VERSION"
    added = sorted(keys - pinned)
    assert not added, f"JSON keys added {added}: record them with pytest --update-goldens"


def test_several_deals_in_one_document(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    run = lease("calc", REFLECTION, write(MINIMAL), "-f", "json")
    assert run.exit_code == 0
    doc = json.loads(run.stdout)
    assert list(doc) == ["format_version", "deals"]
    assert [d["deal"]["id"] for d in doc["deals"]] == ["reflection", "deal"]


def test_output_is_byte_identical_across_runs(lease: Callable[..., Run]) -> None:
    for fmt in OutputFormat:
        first = lease("calc", REFLECTION, "-f", fmt.value).stdout
        assert lease("calc", REFLECTION, "-f", fmt.value).stdout == first


def test_csv_schedule_sums_to_the_total_to_the_cent(lease: Callable[..., Run]) -> None:
    out = lease("schedule", REFLECTION, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 42
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("6300000000.00")
    assert rows[0]["date"] == "2026-07-01"
    assert "," not in rows[0]["amount"]


def test_csv_by_quarter(lease: Callable[..., Run]) -> None:
    out = lease("schedule", REFLECTION, "-f", "csv", "--by", "quarter").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["period"] for r in rows][:2] == ["2026-Q3", "2026-Q4"]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("6300000000.00")
    assert rows[0]["present_value"] != ""


def test_invalid_deal_beside_valid_ones(
    lease: Callable[..., Run], write: Callable[..., Path], tmp_path: Path
) -> None:
    bad = write(MINIMAL + "cap: lots\n", "bad.yaml")
    run = lease("calc", REFLECTION, bad)
    assert run.exit_code == 1
    assert "SpaceX -> Reflection AI" in run.stdout
    assert f"{bad}:8:6: error[E204]" in run.stderr
    missing = lease("calc", REFLECTION, bad, tmp_path / "nope.yaml")
    assert missing.exit_code == 2  # the larger wins
    assert "SpaceX -> Reflection AI" in missing.stdout


def test_a_failed_reported_check_shows_a_cross_and_exits_1(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    text = (ROOT / REFLECTION).read_text().replace("  total: $6.3B", "  total: $5.4B")
    run = lease("calc", write(text))
    assert run.exit_code == 1
    assert "✗ FAIL" in run.stdout
    assert "error[E401]" in run.stderr


def test_options_give_up_to_figures(lease: Callable[..., Run], write: Callable[..., Path]) -> None:
    path = write(MINIMAL + "  - name: upsize\n    amount: 500\n    option: true\n")
    doc = json.loads(lease("calc", path, "-f", "json").stdout)
    assert doc["totals"]["total"] == "12000.00"
    assert doc["totals"]["total_with_options"] == "18000.00"
    assert len(doc["schedule_with_options"]) == 24
    table = lease("calc", path).stdout
    assert "Total with options (up to)" in table
    schedule = lease("schedule", path, "--with-options", "-f", "csv").stdout
    assert len(schedule.splitlines()) == 25


def test_as_of_and_rate_options(lease: Callable[..., Run]) -> None:
    doc = json.loads(lease("calc", REFLECTION, "-f", "json", "--rate", "0%").stdout)
    assert doc["totals"]["present_value"] == "6300000000.00"
    assert doc["settings"]["discount_rate_source"] == "override"
    later = json.loads(lease("calc", REFLECTION, "-f", "json", "--as-of", "2027-01-15").stdout)
    assert later["totals"]["payments_before_valuation_date"] == 7
    assert later["settings"]["as_of"] == "2027-01-15"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate", "8"], "--rate: discount rate '8' is above 1; did you mean 8%?"),
        (["--rate", "-1%"], "--rate: discount rate '-1%' is out of range"),
        (["--as-of", "2026-02-30"], "--as-of: 2026-02-30: February 2026 has 28 days"),
    ],
)
def test_bad_option_values_are_usage_errors(
    lease: Callable[..., Run], args: list[str], message: str
) -> None:
    run = lease("calc", REFLECTION, *args)
    assert run.exit_code == 2
    assert message in run.stderr


def test_output_file_is_written_whole(lease: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    run = lease("calc", REFLECTION, "-f", "json", "-o", target)
    assert run.exit_code == 0
    assert run.stdout == ""
    assert json.loads(target.read_text())["totals"]["total"] == "6300000000.00"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left behind
    assert (target.stat().st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_output_table_to_a_file_is_plain(lease: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    assert lease("calc", REFLECTION, "-o", target, env={"FORCE_COLOR": "1"}).exit_code == 0
    assert not ANSI.search(target.read_text())


def test_output_refuses_the_deal_file_and_missing_folders(
    lease: Callable[..., Run], write: Callable[..., Path], tmp_path: Path
) -> None:
    deal = write(MINIMAL)
    before = deal.read_text()
    run = lease("calc", deal, "-o", deal)
    assert run.exit_code == 2
    assert "refusing to overwrite the deal file" in run.stderr
    assert deal.read_text() == before
    run = lease("calc", deal, "-o", tmp_path / "missing" / "out.txt")
    assert run.exit_code == 2
    assert "does not exist" in run.stderr


def test_no_color_and_force_color(lease: Callable[..., Run]) -> None:
    assert not ANSI.search(lease("calc", REFLECTION, env={"NO_COLOR": "1"}).stdout)
    coloured = lease("calc", REFLECTION, env={"FORCE_COLOR": "1"}).stdout
    assert ANSI.search(coloured)


def test_every_format_renders_every_command() -> None:
    kinds = [name for name in vars(Renderer) if not name.startswith("_")]
    assert kinds == [
        "calc",
        "schedule",
        "breakeven",
        "scenario",
        "sensitivity",
        "compare",
        "book",
        "risk",
        "diff",
        "account",
        "reconcile",
    ]
    for fmt in OutputFormat:
        module = renderer(fmt)
        for kind in kinds:
            assert callable(getattr(module, kind, None)), f"{fmt} has no {kind}"


def test_markup_in_names_is_shown_literally(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(
        MINIMAL.replace("name: Test deal", 'name: "[bold red]Evil[/] \\e[31mred\\e[0m \\u202eabc"')
    )
    table = lease("calc", path, env={"FORCE_COLOR": "1"}).stdout
    assert "[bold red]Evil[/]" in table
    assert "\\x1b[31mred" in table
    assert "\\u202eabc" in table
    assert "\x1b[31mred" not in table and "\u202e" not in table
    markdown = lease("calc", path, "-f", "markdown").stdout
    assert "\\[bold red\\]Evil\\[/\\]" in markdown


def test_readme_quick_start_excerpt_is_real_output(lease: Callable[..., Run]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("The first prints, among the rest:\n\n```\n", 1)[1].split("```", 1)[0]
    out = [line.rstrip() for line in lease("calc", REFLECTION).stdout.splitlines()]
    lines = excerpt.splitlines()
    start = out.index(lines[0])
    assert out[start : start + len(lines)] == lines


def test_readme_breakeven_excerpt_is_real_output(lease: Callable[..., Run]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- breakeven-excerpt:begin -->\n```\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    out = [line.rstrip() for line in lease("calc", REFLECTION).stdout.splitlines()]
    start = out.index(lines[0])
    assert out[start : start + len(lines)] == lines


@pytest.mark.parametrize(("marker", "command"), [("financing", "breakeven"), ("credit", "calc")])
def test_readme_financing_and_credit_excerpts_are_real_output(
    lease: Callable[..., Run], marker: str, command: str
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"<!-- {marker}-excerpt:begin -->\n```\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    out = [line.rstrip() for line in lease(command, REFLECTION).stdout.splitlines()]
    start = out.index(lines[0])
    assert out[start : start + len(lines)] == lines


def test_a_very_long_schedule_is_laid_out_as_plain_text(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    streams = "".join(f"  - amount: {1000 + i}\n" for i in range(3))
    path = write(
        MINIMAL.replace("months: 12", "months: 1000").split("payments:")[0]
        + "payments:\n"
        + streams
    )
    run = lease("schedule", path)
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    # No discount rate: no DF and PV columns; a calendar month reads 2026-01.
    assert lines[5].split() == ["#", "Stream", "Period", "Date", "Amount", "Cumulative"]
    assert lines[7].split()[:4] == ["1", "payments[0]", "2026-01", "2026-01-01"]
    assert lines[6 + 3000].split()[0] == "3000"
    # 1000 months of 1000 + 1001 + 1002.
    assert "Total $3.00M in 3000 payments" in run.stdout


def test_markdown_breaks_bare_links_in_deal_text(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(MINIMAL.replace("name: Test deal", "name: see https://evil.example and www.x.com"))
    out = lease("calc", path, "-f", "markdown").stdout
    assert "https://evil" not in out and "www.x" not in out
    assert "https:/\\/evil.example" in out and "www\\.x.com" in out


def test_breakeven_csv_carries_the_cash_flows(lease: Callable[..., Run]) -> None:
    """The lessor's and equity's flows as rows with dates: a spreadsheet sums them by date."""
    rows = list(csv.DictReader(io.StringIO(lease("breakeven", REFLECTION, "-f", "csv").stdout)))
    flows = [r for r in rows if r["section"] == "lessor.flows"]
    receipts = [Decimal(r["value"]) for r in flows if r["metric"].startswith("receipt:")]
    assert sum(receipts) == Decimal("6300000000.00")  # every payment of the term
    assert flows[0] == {
        "deal": "reflection",
        "section": "lessor.flows",
        "metric": "capex: IT capex",
        "value": "-3375000000.00",
        "date": "2026-07-01",
    }
    assert any(r["section"] == "equity.flows" for r in rows)  # Reflection's lessor borrows
    assert all(r["date"] == "" for r in rows if r["section"] in {"breakeven", "credit"})
