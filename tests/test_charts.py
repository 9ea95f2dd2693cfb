"""Charts as files: SVG and PNG through matplotlib, byte-identical, legible, honest about gaps.

matplotlib is in the test extra, so nothing here is skipped in CI.
"""

from __future__ import annotations

import dataclasses
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from computelease import api, money
from computelease.core.analysis import BreakevenResult
from computelease.core.risk import DealRisk
from computelease.core.sensitivity import SensitivityGrid
from computelease.render import charts
from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")
NAME = "SpaceX -> Reflection AI, Colossus 2 GB300 lease"
KINDS = ("cumulative", "by-year", "market", "histogram", "tornado")
PNG = b"\x89PNG\r\n\x1a\n"
SVG_TEXT = "{http://www.w3.org/2000/svg}text"
BARE = "name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: 12\npayments:\n  - amount: 1M\n"


def _axis(text: str) -> Any:
    from computelease import arguments

    return arguments.axis(text)


def _value(result: Any) -> Any:
    assert result.value is not None, result.problems
    return result.value


@pytest.fixture(scope="module")
def even() -> BreakevenResult:
    value: BreakevenResult = _value(api.breakeven(REFLECTION))
    return value


@pytest.fixture(scope="module")
def sims() -> DealRisk:
    value: DealRisk = _value(api.risk(REFLECTION, paths=2000, seed=1, workers=1)).deals[0]
    return value


@pytest.fixture(scope="module")
def grid() -> SensitivityGrid:
    rows, columns = _axis("discount_rate=6%..12%:1%"), _axis("market_gpu_hour=2..6:1")
    value: SensitivityGrid = _value(api.sensitivity(REFLECTION, "npv_lessor", rows, columns))
    return value


@pytest.fixture(scope="module")
def draw(
    even: BreakevenResult, sims: DealRisk, grid: SensitivityGrid
) -> dict[str, Callable[[charts.Format], bytes]]:
    """Each chart of Reflection (the book: SpaceX's), by name, as a function of the format."""
    analysis = _value(api.analyse(REFLECTION)).deals[0].analysis
    book = _value(api.book(str(DEALS), lessor="SpaceX"))
    return {
        "cumulative": lambda fmt: charts.cumulative(even, fmt),
        "by_year": lambda fmt: charts.by_year(analysis, fmt),
        "book": lambda fmt: charts.book(book, fmt),
        "market": lambda fmt: charts.market(even, fmt),
        "heatmap": lambda fmt: charts.heatmap(grid, fmt),
        "histogram": lambda fmt: charts.histogram(sims, fmt),
        "tornado": lambda fmt: charts.tornado(sims, fmt),
    }


CHARTS = ("cumulative", "by_year", "book", "market", "heatmap", "histogram", "tornado")


def _texts(svg: bytes) -> list[str]:
    """Every text element of an SVG (which must parse as XML), as drawn."""
    return [t.text or "" for t in ET.fromstring(svg).iter(SVG_TEXT)]


@pytest.mark.parametrize("fmt", ["svg", "png"])
@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_the_same_bytes_twice(
    draw: dict[str, Callable[[charts.Format], bytes]], name: str, fmt: charts.Format
) -> None:
    assert draw[name](fmt) == draw[name](fmt)


@pytest.mark.parametrize("name", CHARTS)
def test_a_png_is_a_png_of_the_fixed_size_with_nothing_stamped(
    draw: dict[str, Callable[[charts.Format], bytes]], name: str
) -> None:
    data = draw[name]("png")
    assert data[:8] == PNG and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (960, 540)
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    # No tEXt (software, date): the bytes follow the input alone.
    assert set(chunks) == {b"IHDR", b"pHYs", b"IDAT", b"IEND"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "cumulative",
            (
                NAME,
                "payback 2029-05-01",
                "Receipts",
                "Costs and capex",
                "Cumulative, USD",
                "$6.00B",
            ),
        ),
        ("by_year", (NAME, "2026", "2027", "2028", "2029", "$900.0M", "$1.80B", "Payments, USD")),
        (
            "book",
            (
                "SpaceX (SpaceXAI, formerly xAI): the book by year, as scheduled",
                *("reflection", "spacex-anthropic", "spacex-google", "2026", "2029"),
            ),
        ),
        (
            "market",
            (NAME, "The lease, $4.56", "market below the lease from 2026-07-01", "$4.50"),
        ),
        (
            "heatmap",
            (
                NAME,
                "$573.2M",
                "$1.81B",
                "6%",
                "12%",
                "$2.00",
                "$6.00",
                "discount_rate",
                "Lessor NPV",
            ),
        ),
        ("histogram", (NAME, "Lessor NPV, USD", "Paths", "$0.00")),
        ("tornado", (NAME, "counterparty", "pricing", "delivery", "operations", "$0.00")),
    ],
)
def test_an_svg_is_xml_with_its_words_as_text(
    draw: dict[str, Callable[[charts.Format], bytes]], name: str, expected: tuple[str, ...]
) -> None:
    svg = draw[name]("svg")
    texts = " | ".join(_texts(svg))
    missing = [e for e in expected if e not in texts]
    assert not missing, texts
    assert b"<dc:date>" not in svg and b"Matplotlib" not in svg  # no date, no software stamp
    # A viewer without DejaVu Sans falls back to a sans-serif of the same widths, not a serif.
    assert b"font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif" in svg


def test_the_deal_as_written_is_the_exact_npv_on_the_risk_charts(
    draw: dict[str, Callable[[charts.Format], bytes]], even: BreakevenResult
) -> None:
    assert even.breakeven.lessor is not None and even.breakeven.lessor.npv is not None
    npv = money.format_money(even.breakeven.lessor.npv, even.deal.ccy, compact=True)
    for name in ("histogram", "tornado"):
        assert f"the deal as written, {npv}" in _texts(draw[name]("svg")), name


def test_series_differ_by_more_than_colour(
    draw: dict[str, Callable[[charts.Format], bytes]],
) -> None:
    assert b"stroke-dasharray" in draw["cumulative"]("svg")  # costs dashed, receipts solid
    assert b"stroke-dasharray" in draw["market"]("svg")  # the lease dashed, the market solid
    book = draw["book"]("svg")
    assert book.count(b"<pattern ") >= 2  # deals hatched apart, not only coloured apart


def test_a_heat_map_writes_each_metric_as_the_table_does() -> None:
    rows, columns = _axis("discount_rate=6%..7%:1%"), _axis("market_gpu_hour=2..3:1")
    months = _value(api.sensitivity(REFLECTION, "payback_months", rows, columns))
    texts = _texts(charts.heatmap(months, "svg"))
    assert "34" in texts and not any(t.startswith("$34") for t in texts)  # months, not money
    irr = _value(api.sensitivity(REFLECTION, "irr_lessor", rows, columns))
    texts = _texts(charts.heatmap(irr, "svg"))
    assert "20.21%" in texts  # the cell, as the table writes it
    assert any(t.endswith("%") and t.count(".") == 1 and len(t) <= 6 for t in texts[-8:])


def test_a_name_with_dollar_signs_is_words_not_a_formula(write: Any) -> None:
    deal = write(BARE.replace("name: x", "name: A $2B deal at $150M a month"))
    analysis = _value(api.analyse(str(deal))).deals[0].analysis
    assert "A $2B deal at $150M a month: payments by year" in _texts(
        charts.by_year(analysis, "svg")
    )


def test_a_chart_with_nothing_to_draw_says_why(
    write: Any, sims: DealRisk, grid: SensitivityGrid
) -> None:
    bare = _value(api.breakeven(str(write(BARE))))
    with pytest.raises(ValueError, match="no lessor capex, so no breakeven to draw"):
        charts.cumulative(bare, "svg")
    with pytest.raises(ValueError, match="no market price"):
        charts.market(bare, "png")
    one_way = _value(api.sensitivity(REFLECTION, "npv_lessor", _axis("discount_rate=6%..8%:1%")))
    with pytest.raises(ValueError, match="a heat map needs two inputs: give --vary twice"):
        charts.heatmap(one_way, "svg")
    with pytest.raises(ValueError, match="no paths to draw"):
        charts.histogram(dataclasses.replace(sims, histogram=()), "svg")
    untied = _value(api.risk(REFLECTION, paths=200, seed=1, workers=1, tornado=False)).deals[0]
    with pytest.raises(ValueError, match="the simulation ran without one"):
        charts.tornado(untied, "svg")
    book = _value(api.book(str(DEALS), lessor="SpaceX"))
    with pytest.raises(ValueError, match="the book has no payments"):
        charts.book(dataclasses.replace(book, years=()), "svg")
    with pytest.raises(ValueError, match="a chart is svg or png, not 'jpg'"):
        charts.heatmap(grid, "jpg")  # type: ignore[arg-type]
    # What the command line turns into a usage error is a ValueError of its own kind.
    assert issubclass(charts.ChartError, ValueError)


def test_without_matplotlib_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, grid: SensitivityGrid
) -> None:
    for name in ("matplotlib", "matplotlib.style", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)  # what an import finds when it is absent
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    with pytest.raises(ImportError) as caught:
        charts.heatmap(grid, "svg")
    assert str(caught.value) == "charts need matplotlib: pip install 'computelease[charts]'"


def test_importing_the_charts_module_does_not_import_matplotlib() -> None:
    code = "import computelease.render.charts, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_users_matplotlib_settings_neither_reach_a_chart_nor_are_lost(
    draw: dict[str, Callable[[charts.Format], bytes]],
) -> None:
    import matplotlib

    formats: tuple[charts.Format, ...] = ("svg", "png")
    jobs = [(name, fmt) for name in ("cumulative", "heatmap") for fmt in formats]
    expected = [draw[name](fmt) for name, fmt in jobs]
    # Typed loosely: matplotlib types rc keys as literals, and these are written as a user has them.
    theirs: dict[Any, Any] = {
        "font.size": 30.0,
        "lines.linewidth": 5.0,
        "savefig.bbox": "tight",
        "savefig.dpi": 300.0,
        "svg.hashsalt": None,
        "svg.fonttype": "path",
    }
    with matplotlib.rc_context(theirs):
        assert [draw[name](fmt) for name, fmt in jobs] == expected
        kept = {key: matplotlib.rcParams[key] for key in theirs}
    assert kept == theirs


def test_the_bundled_font_is_the_one_drawn() -> None:
    import matplotlib
    from matplotlib import font_manager

    found = Path(font_manager.findfont(font_manager.FontProperties(family=["DejaVu Sans"])))
    assert found.is_relative_to(Path(matplotlib.get_data_path()))


def test_charts_drawn_on_threads_at_once_are_the_same_bytes(
    draw: dict[str, Callable[[charts.Format], bytes]],
) -> None:
    formats: tuple[charts.Format, ...] = ("svg", "png")
    jobs = [(name, fmt) for name in CHARTS for fmt in formats]
    alone = [draw[name](fmt) for name, fmt in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: draw[job[0]](job[1]), jobs))
    assert together == alone


# Through the API and the command line, as users reach them.


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
    assert data[:8] == PNG
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


def test_a_chart_with_nothing_to_draw_is_a_usage_error(
    lease: Any, tmp_path: Path, write: Any
) -> None:
    bare = write(BARE)
    run = lease("chart", "cumulative", str(bare), "-o", tmp_path / "x.svg")
    assert run.exit_code == 2
    assert "cumulative: no lessor capex, so no breakeven to draw" in run.stderr
    assert not (tmp_path / "x.svg").exists()
    run = lease("chart", "cumulative", REFLECTION, "-o", tmp_path / "x.jpg")
    assert run.exit_code == 2 and "a chart is .svg or .png" in run.stderr
