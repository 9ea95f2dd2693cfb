"""Charts as files: SVG and PNG through matplotlib, byte-identical, legible, honest about gaps."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from computelease import api
from computelease.render import charts
from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")
KINDS = ("cumulative", "by-year", "market", "histogram", "tornado")


@pytest.mark.parametrize("kind", KINDS)
def test_each_chart_is_the_same_bytes_twice_in_both_formats(kind: str) -> None:
    for fmt in ("svg", "png"):
        first = api.chart(kind, REFLECTION, fmt=fmt, paths=500)
        again = api.chart(kind, REFLECTION, fmt=fmt, paths=500)
        assert first.problems == () and first.value is not None
        assert first.value == again.value, (kind, fmt)


def test_an_svg_names_the_deal_and_keeps_its_text(lease: Any, tmp_path: Path) -> None:
    target = tmp_path / "cash.svg"
    run = lease("chart", "cumulative", REFLECTION, "--output", target)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")
    svg = target.read_text(encoding="utf-8")
    ET.fromstring(svg)  # well-formed
    assert "SpaceX -&gt; Reflection AI" in svg  # text as text: searchable, scalable
    assert "payback 2029-05-01" in svg
    assert "$6.00B" in svg  # compact amounts on the axis


def test_a_png_is_a_png_of_the_fixed_size(lease: Any, tmp_path: Path) -> None:
    target = tmp_path / "years.png"
    assert lease("chart", "by-year", REFLECTION, "-o", target).exit_code == 0
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (960, 540)


def test_the_book_and_the_heat_map(lease: Any, tmp_path: Path) -> None:
    book = tmp_path / "book.svg"
    assert lease("chart", "book", str(DEALS), "--lessor", "SpaceX", "-o", book).exit_code == 0
    svg = book.read_text(encoding="utf-8")
    assert all(name in svg for name in ("reflection", "spacex-anthropic", "spacex-google"))
    heat = tmp_path / "heat.svg"
    run = lease(
        "sensitivity",
        REFLECTION,
        "--vary",
        "discount_rate=6%..12%:1%",
        "--vary",
        "market_gpu_hour=2..6:1",
        "--chart",
        heat,
    )
    assert run.exit_code == 0
    text = heat.read_text(encoding="utf-8")
    assert "$573.2M" in text and "$1.81B" in text  # the grid's corners, written in


def test_a_chart_with_nothing_to_draw_says_why(lease: Any, tmp_path: Path, write: Any) -> None:
    bare = write(
        "name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: 12\npayments:\n  - amount: 1M\n"
    )
    run = lease("chart", "cumulative", str(bare), "-o", tmp_path / "x.svg")
    assert run.exit_code == 2
    assert "cumulative: no lessor capex, so no breakeven to draw" in run.stderr
    assert not (tmp_path / "x.svg").exists()
    run = lease("chart", "cumulative", REFLECTION, "-o", tmp_path / "x.jpg")
    assert run.exit_code == 2 and "a chart is .svg or .png" in run.stderr
    with pytest.raises(charts.ChartError, match="needs two inputs"):
        grid = api.sensitivity(REFLECTION, "npv_lessor", _axis("discount_rate=6%..8%:1%"))
        assert grid.value is not None
        charts.heatmap(grid.value, "svg")


def _axis(text: str) -> Any:
    from computelease import arguments

    return arguments.axis(text)


def test_importing_the_charts_module_does_not_import_matplotlib() -> None:
    code = "import computelease.render.charts, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
