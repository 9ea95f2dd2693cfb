"""`--format xlsx`: workbooks whose figures are live formulas over the schedule, cached exact.

Each workbook is read back with openpyxl twice: for its formulas, and for the
values cached with them (what a spreadsheet shows before recalculating). The
formulas are then recomputed here from the cells they name, as a spreadsheet
would, and must give the cached figure to the cent; with the discount rate
cell changed, the present value must move.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")


def _book(lease: Any, tmp_path: Path, *args: str) -> tuple[Any, Any, Path]:
    target = tmp_path / f"{args[0]}.xlsx"
    run = lease(*args, "--format", "xlsx", "--output", target)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")
    return openpyxl.load_workbook(target), openpyxl.load_workbook(target, data_only=True), target


def _column(sheet: Any, ref: str) -> list[Any]:
    """The values of a range such as E2:E44 or 'Lessor flows'!$D$2:$D$214, top to bottom."""
    ref = ref.split("!")[-1].replace("$", "")
    return [row[0].value for row in sheet[ref]]


def _xnpv(rate: float, amounts: list[Any], days: list[Any]) -> float:
    """What a spreadsheet's XNPV computes: from the first date, Actual/365."""
    terms = (
        a / (1 + rate) ** ((d - days[0]).days / 365) for a, d in zip(amounts, days, strict=True)
    )
    return float(sum(terms))


def test_calc_total_and_present_value_are_live_and_cached_to_the_cent(
    lease: Any, tmp_path: Path
) -> None:
    formulas, values, _ = _book(lease, tmp_path, "calc", REFLECTION)
    assert formulas.sheetnames == ["Inputs", "Schedule", "Summary"]
    schedule = formulas["Schedule"]
    total_row, pv_row = schedule.max_row - 1, schedule.max_row
    assert schedule.cell(total_row, 5).value == "=SUM(E2:E44)"
    pv = schedule.cell(pv_row, 5).value
    assert pv == "=XNPV('Inputs'!$B$2,E2:E44,A2:A44)"
    cached = values["Schedule"]
    assert cached.cell(total_row, 5).value == 6300000000.00
    assert cached.cell(pv_row, 5).value == 5376532135.39
    assert formulas["Summary"]["B2"].value == "='Schedule'!$E$46"
    assert values["Summary"]["B2"].value == 6300000000.00
    # Recomputed as a spreadsheet would, from the cells the formula names.
    rate = values["Inputs"]["B2"].value
    assert rate == 0.1
    amounts = _column(cached, "E2:E44")
    days = _column(cached, "A2:A44")
    assert all(isinstance(d, datetime) for d in days)  # real dates, not text
    assert (days[0], amounts[0]) == (datetime(2026, 7, 1), 0)  # the valuation date's zero flow
    assert sum(amounts) == pytest.approx(6300000000.00, abs=0.005)
    assert _xnpv(rate, amounts, days) == pytest.approx(5376532135.39, abs=0.01)
    # A reviewer who changes the rate sees the present value move, to lease's figure at it.
    at_8 = json.loads(lease("calc", REFLECTION, "--rate", "8%", "-f", "json").stdout)
    moved = float(at_8["totals"]["present_value"])
    assert _xnpv(0.08, amounts, days) == pytest.approx(moved, abs=0.01)
    assert "discount_rate_reflection" in formulas.defined_names


def test_breakeven_npv_and_irr_recompute_to_leases_figures(lease: Any, tmp_path: Path) -> None:
    formulas, values, _ = _book(lease, tmp_path, "breakeven", REFLECTION)
    npv_formula = formulas["Summary"]["B2"].value
    irr_formula = formulas["Summary"]["B3"].value
    assert irr_formula == "=XIRR('Lessor flows'!$D$2:$D$214,'Lessor flows'!$A$2:$A$214)"
    assert npv_formula.startswith("=SUMPRODUCT('Lessor flows'!$D$2:$D$214,(1+'Inputs'!$B$2)^")
    npv, irr = values["Summary"]["B2"].value, values["Summary"]["B3"].value
    assert (npv, irr) == (1063919734.54, 0.2301141681)
    flows = values["Lessor flows"]
    amounts = _column(flows, "D2:D214")
    days = _column(flows, "A2:A214")
    start = datetime(2026, 7, 1)
    recomputed = sum(
        a / (1.1) ** ((d - start).days / 365) for a, d in zip(amounts, days, strict=True)
    )
    assert recomputed == pytest.approx(npv, abs=0.05)
    assert _xnpv(irr, amounts, days) == pytest.approx(0, abs=1.0)  # XIRR's root


def test_compare_writes_deals_as_columns(lease: Any, tmp_path: Path) -> None:
    _, values, _ = _book(lease, tmp_path, "compare", str(DEALS))
    sheet = values["Compare"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Metric (USD)" and "reflection" in header
    totals = {c.value: None for c in sheet["A"]}
    assert "Total (headline)" in totals
    row = next(r for r in sheet.iter_rows() if r[0].value == "Total (headline)")
    assert row[header.index("reflection")].value == 6300000000.00


def test_the_same_input_gives_the_same_bytes(lease: Any, tmp_path: Path) -> None:
    first = _book(lease, tmp_path, "schedule", REFLECTION)[2].read_bytes()
    again = tmp_path / "again.xlsx"
    lease("schedule", REFLECTION, "-f", "xlsx", "-o", again)
    assert again.read_bytes() == first


def test_text_from_a_deal_is_text_never_a_formula(lease: Any, tmp_path: Path, write: Any) -> None:
    text = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
    hostile = write(re.sub(r"(?m)^name: .*$", "name: \"=cmd|' /C calc'!A0\"", text, count=1))
    formulas, _, _ = _book(lease, tmp_path, "calc", str(hostile))
    cell = next(c for c in formulas["Inputs"]["A"] if c.value == "name")
    value = formulas["Inputs"].cell(cell.row, 2)
    assert value.value.startswith("=cmd") and value.data_type == "s"


def test_a_workbook_needs_an_output_file(lease: Any) -> None:
    run = lease("calc", REFLECTION, "-f", "xlsx")
    assert run.exit_code == 2
    assert run.stderr == "lease: error: --format xlsx writes a workbook: give --output FILE.xlsx\n"
    assert run.stdout == ""
    assert re.search(r"xlsx", lease("calc", "--help").stdout)


def test_libreoffice_recomputes_every_figure_to_the_cent(lease: Any, tmp_path: Path) -> None:
    """A real spreadsheet: the cached values removed, LibreOffice computes the formulas itself."""
    import csv
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice here (.ci/run installs Debian's libreoffice-calc-nogui)")
    for command in ("calc", "breakeven"):
        _, _, target = _book(lease, tmp_path, command, REFLECTION)
        bare = tmp_path / f"{command}-bare.xlsx"
        openpyxl.load_workbook(target).save(bare)  # openpyxl keeps formulas, drops their values
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                "--outdir",
                str(tmp_path),
                str(bare),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    summary = tmp_path / "calc-bare-Summary.csv"
    rows = {r[0]: r[1] for r in csv.reader(summary.read_text(encoding="utf-8").splitlines()) if r}
    assert round(float(rows["Total"]), 2) == 6300000000.00
    assert round(float(rows["Present value"]), 2) == 5376532135.39  # lease's figure, recomputed
    summary = tmp_path / "breakeven-bare-Summary.csv"
    rows = {r[0]: r[1] for r in csv.reader(summary.read_text(encoding="utf-8").splitlines()) if r}
    assert round(float(rows["Lessor NPV"]), 2) == 1063919734.54
    assert rows["Lessor IRR"].startswith("23.0114168")
