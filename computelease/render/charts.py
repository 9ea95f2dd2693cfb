"""Charts as files, SVG or PNG, through matplotlib (the optional ``charts`` extra).

Each chart reads figures lease computed and draws them; none computes. The
same input gives the same bytes, whatever the user's matplotlibrc says: the
Agg backend and matplotlib's own figure objects (no pyplot state), matplotlib's
default style with our few settings over it, a fixed size and resolution, the
DejaVu fonts matplotlib ships, text kept as text in SVG with a fixed id salt,
and no creation date or software stamp in either format. Lines differ by style,
bars by hatching, and amounts are written on the chart, so a chart reads in
greyscale.

Amounts become binary floats here only to be placed on an axis, through
:func:`computelease.money.to_float`; every figure written on a chart is the
exact one, formatted as the tables format it.

matplotlib is imported when a chart is drawn, never when this module is, so
``lease`` starts as fast without it; missing, it is an :class:`ImportError`
that says how to install it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from computelease import money
from computelease.core.analysis import Analysis, BreakevenResult
from computelease.core.book import Book
from computelease.core.metrics import MetricKind
from computelease.core.risk import DealRisk
from computelease.core.sensitivity import SensitivityGrid

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Format = Literal["svg", "png"]
#: Inches and dots per inch: 960 x 540 pixels as PNG, a slide's proportions.
SIZE: Final = (9.6, 5.4)
DPI: Final = 100
#: A dark blue, a muted red, a grey and three more: distinct in print and for the colour-blind,
#: and never the only difference between two series (line styles and hatching are too).
INK: Final = ("#1f3b73", "#c0504d", "#555555", "#9bbb59", "#8064a2", "#4bacc6")
HATCHES: Final = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
MISSING: Final = "charts need matplotlib: pip install 'computelease[charts]'"
#: What a chart sets over matplotlib's default style, so that the bytes depend on nothing else.
STYLE: Final = {
    # SVG ids are hashes salted with a random UUID unless this is set.
    "svg.hashsalt": "computelease",
    # Text stays text: searchable, selectable, a tenth of the size, and independent of how a
    # FreeType release outlines a glyph. "path" would draw every letter as curves.
    "svg.fonttype": "none",
    # The font matplotlib ships, found before any system copy of another release.
    "font.family": ["DejaVu Sans"],
    # A deal named "$2B for $150M a month" is words, not a formula between dollar signs.
    "text.parse_math": False,
}
#: SVG text names only DejaVu Sans; a viewer without it would fall back to its serif default.
#: Bitstream Vera is DejaVu's parent and Verdana its model, so the widths hold.
_SVG_FONT: Final = (
    b"font-family: 'DejaVu Sans'",
    b"font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif",
)
#: matplotlib reads the SVG salt and font type from its process-wide rcParams when it saves,
#: and a style context swaps those for everyone: one chart at a time keeps threads apart.
_DRAWING: Final = threading.Lock()


class ChartError(ValueError):
    """A chart with nothing to draw: the message says why."""


def cumulative(result: BreakevenResult, fmt: Format) -> bytes:
    """The lessor's cumulative receipts against its cumulative costs, payback marked."""
    lessor = result.breakeven.lessor
    if lessor is None or not lessor.timeline:
        raise ChartError("no lessor capex, so no breakeven to draw (assumptions.lessor.capex)")
    ccy = result.deal.ccy
    days: Any = [d for d, _, _ in lessor.timeline]  # matplotlib draws dates; its stubs say floats

    def draw(ax: Axes) -> None:
        # Steps, not slopes: cash arrives on payment dates, not continuously between them.
        receipts = [_f(r) for _, r, _ in lessor.timeline]
        costs = [_f(c) for _, _, c in lessor.timeline]
        ax.plot(days, receipts, "-", drawstyle="steps-post", color=INK[0], label="Receipts")
        ax.plot(days, costs, "--", drawstyle="steps-post", color=INK[1], label="Costs and capex")
        payback: Any = lessor.payback_date
        if payback is not None:
            ax.axvline(payback, color=INK[2], linestyle=":", linewidth=1)
            ax.annotate(
                f"payback {payback}",
                (payback, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -12),
                textcoords="offset points",
                fontsize=9,
            )
        else:
            # An entry with no line: the absence of a payback is a finding, said in words.
            ax.plot([], [], " ", label="no payback within the term")
        _money_axis(ax, ccy, f"Cumulative, {ccy.code}")
        ax.legend(loc="upper left", frameon=False)

    return _render(f"{result.deal.name}: the lessor's cash, cumulative", draw, fmt)


def by_year(analysis: Analysis, fmt: Format) -> bytes:
    """The schedule's payments summed by calendar year, each bar's total written on it."""
    years = analysis.base.totals.by_year
    if not years:
        raise ChartError("the schedule has no payments")
    ccy = analysis.deal.ccy

    def draw(ax: Axes) -> None:
        labels = [str(y) for y, _ in years]
        bars = ax.bar(
            labels, [_f(v) for _, v in years], color=INK[0], hatch="//", edgecolor="white"
        )
        ax.bar_label(bars, labels=[money.format_money(v, ccy, compact=True) for _, v in years])
        _money_axis(ax, ccy, f"Payments, {ccy.code}")

    return _render(f"{analysis.deal.name}: payments by year", draw, fmt)


def book(result: Book, fmt: Format) -> bytes:
    """A lessor's book by year as scheduled, stacked by deal (each its own hatching)."""
    if not result.years or not result.sides:
        raise ChartError("the book has no payments")
    ccy = result.currency
    lessors = ", ".join(dict.fromkeys(side.summary.lessor for side in result.sides))

    def draw(ax: Axes) -> None:
        labels = [str(y) for y in result.years]
        bottom = [0.0] * len(labels)
        for i, side in enumerate(result.sides):
            heights = [_f(result.scheduled[y][i]) for y in result.years]
            ax.bar(
                labels,
                heights,
                bottom=bottom,
                label=side.id,
                color=INK[i % len(INK)],
                hatch=HATCHES[i % len(HATCHES)],
                edgecolor="white",
            )
            # Where the next deal's bar starts: layout, not a figure anyone reads.
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        _money_axis(ax, ccy, f"Revenue as scheduled, {ccy.code}")
        # The legend lists the deals top to bottom, as the stack shows them.
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], names[::-1], loc="upper right", frameon=False, fontsize=8)

    return _render(f"{lessors}: the book by year, as scheduled", draw, fmt)


def market(result: BreakevenResult, fmt: Format) -> bytes:
    """The committed-term market price per GPU-hour against the lease's price."""
    z = result.breakeven.market
    if z is None or not z.path:
        raise ChartError("no market price (assumptions.market_gpu_hour or market_curve)")
    ccy = result.deal.ccy
    lease_price = money.format_money(z.lease_gpu_hour, ccy)

    def draw(ax: Axes) -> None:
        days: Any = [d for d, _ in z.path]
        ax.plot(
            days,
            [_f(p) for _, p in z.path],
            "-",
            color=INK[1],
            label="Market, committed-term price",
        )
        ax.plot(
            [days[0], days[-1]],
            [_f(z.lease_gpu_hour)] * 2,
            "--",
            color=INK[0],
            label=f"The lease, {lease_price}",
        )
        below: Any = z.below_market_from
        if below is not None:
            ax.axvline(below, color=INK[2], linestyle=":", linewidth=1)
            ax.annotate(
                f"market below the lease from {below}",
                (below, 0.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, 6),
                textcoords="offset points",
                fontsize=9,
            )
        ax.yaxis.set_major_formatter(_formatter(_tick_text("price", ccy)))
        ax.set_ylabel(f"Per GPU-hour, {ccy.code}")
        # The market may fall or rise through the lease's line: let matplotlib find the gap.
        ax.legend(loc="best", frameon=False)

    return _render(f"{result.deal.name}: the market against the lease", draw, fmt)


def heatmap(grid: SensitivityGrid, fmt: Format) -> bytes:
    """A two-way sensitivity grid, each cell shaded by its value and written in."""
    columns = grid.columns
    if columns is None:
        raise ChartError("a heat map needs two inputs: give --vary twice")
    from computelease.render.document import Fmt, axis_labels, metric_text
    from computelease.render.options import RenderOptions

    rows, ccy, metric = grid.rows, grid.deal.ccy, grid.metric
    # The cells read as the table reads them: money compact, prices to the cent, rates as %.
    shown = Fmt(ccy, RenderOptions(exact=False, symbol=True, unicode=True, width=None))
    nan = float("nan")
    values = [[_f(c.value) if c.value is not None else nan for c in line] for line in grid.cells]

    def draw(ax: Axes) -> None:
        import numpy

        # Vector cells (not an image): crisp at any zoom, and no raster inside the SVG.
        # cividis grows lighter with its value, so the shading survives greyscale.
        mesh = ax.pcolormesh(
            numpy.ma.masked_invalid(values), cmap="cividis", edgecolors="white", linewidth=0.5
        )
        ax.invert_yaxis()  # the first row on top, as in the table
        ax.set_xticks([j + 0.5 for j in range(len(columns.values))], axis_labels(columns, ccy))
        ax.set_yticks([i + 0.5 for i in range(len(rows.values))], axis_labels(rows, ccy))
        ax.set_xlabel(columns.parameter)
        ax.set_ylabel(rows.parameter)
        known = [v for line in values for v in line if v == v]  # NaN is a cell not computed
        low, high = (min(known), max(known)) if known else (0.0, 0.0)
        for i, line in enumerate(grid.cells):
            for j, cell in enumerate(line):
                text = metric_text(metric.kind, cell.value, shown, words=metric.words)
                if cell.capped:
                    text += "\ncapped"
                # Dark text on the light end of the scale, light on the dark: always legible;
                # a cell not computed is blank, so its "n/a" is grey on white.
                value = values[i][j]
                if value != value:
                    ink = INK[2]
                elif high > low and (value - low) / (high - low) > 0.6:
                    ink = "black"
                else:
                    ink = "white"
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=ink,
                )
        bar = ax.figure.colorbar(mesh, ax=ax)
        bar.ax.yaxis.set_major_formatter(_formatter(_tick_text(metric.kind, ccy)))
        bar.set_label(metric.label)

    return _render(f"{grid.deal.name}: {metric.label}", draw, fmt, grid=None)


def histogram(deal: DealRisk, fmt: Format) -> bytes:
    """The lessor's NPV over the simulated paths, the deal as written marked."""
    if not deal.histogram:
        raise ChartError("no paths to draw")
    ccy = deal.deal.ccy
    npv = next((st for st in deal.statistics if st.key == "npv"), None)
    written = npv.deterministic if npv is not None else None

    def draw(ax: Axes) -> None:
        lows = [low for low, _, _ in deal.histogram]
        widths = [high - low for low, high, _ in deal.histogram]
        counts = [n for _, _, n in deal.histogram]
        ax.bar(
            lows, counts, width=widths, align="edge", color=INK[0], hatch="//", edgecolor="white"
        )
        if written is not None:
            label = f"the deal as written, {money.format_money(written, ccy, compact=True)}"
            ax.axvline(_f(written), color=INK[1], linestyle="--", label=label)
            ax.legend(loc="upper right", frameon=False)
        _money_axis(ax, ccy, f"Lessor NPV, {ccy.code}", axis="x")
        ax.set_ylabel("Paths")

    return _render(f"{deal.deal.name}: lessor NPV over the paths", draw, fmt)


def tornado(deal: DealRisk, fmt: Format) -> bytes:
    """Each risk alone: the NPV's range (P5 to P95), widest first, the deal as written marked."""
    if not deal.tornado:
        raise ChartError("no tornado: the simulation ran without one")
    ccy = deal.deal.ccy
    text = _tick_text("money", ccy)

    def draw(ax: Axes) -> None:
        bars = list(reversed(deal.tornado))  # barh draws upwards: the widest ends on top
        # Each range written under its risk: the figures read without the scale, and a risk
        # that moves nothing still shows its line.
        names = [f"{b.risk}\n{text(b.low)} to {text(b.high)}" for b in bars]
        ax.barh(
            names,
            [b.high - b.low for b in bars],
            left=[b.low for b in bars],
            color=INK[0],
            hatch="//",
            edgecolor="white",
        )
        base = bars[0].base
        ax.axvline(base, color=INK[1], linestyle="--", label=f"the deal as written, {text(base)}")
        _money_axis(ax, ccy, f"Lessor NPV, P5 to P95 with each risk alone, {ccy.code}", axis="x")
        ax.legend(loc="lower right", frameon=False)

    return _render(f"{deal.deal.name}: the NPV with each risk alone", draw, fmt, grid="x")


def _f(value: Decimal | float) -> float:
    """A figure as a position on an axis (simulated figures are floats already)."""
    return value if isinstance(value, float) else money.to_float(value)


def _tick_text(kind: MetricKind, ccy: money.Currency) -> Callable[[float], str]:
    """How an axis position reads, written as the tables write a figure of ``kind``."""

    def text(position: float) -> str:
        value = float(position)  # matplotlib passes numpy's floats, whose repr is not a number
        if kind == "money":
            return money.format_money(money.from_float(value, 2), ccy, compact=True)
        if kind == "price":
            return money.format_money(money.from_float(value, 2), ccy)
        if kind == "rate":
            return money.format_percent(money.from_float(value, 6), 1)
        return money.decimal_text(money.from_float(value, 2))

    return text


def _formatter(text: Callable[[float], str]) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: text(v))


def _money_axis(ax: Axes, ccy: money.Currency, label: str, axis: str = "y") -> None:
    """Compact amounts on an axis ($1.5B, $300.0M) under a label naming the currency."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(_formatter(_tick_text("money", ccy)))
    target.set_label_text(label)


def _render(
    title: str,
    draw: Callable[[Axes], None],
    fmt: Format,
    *,
    grid: Literal["x", "y"] | None = "y",
) -> bytes:
    """One chart, drawn by ``draw`` on a figure of the fixed size, as ``fmt`` bytes."""
    if fmt not in ("svg", "png"):
        raise ChartError(f"a chart is svg or png, not {fmt!r}")
    try:
        from matplotlib import style
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(MISSING) from exc

    out = io.BytesIO()
    # "default" first: a user's matplotlibrc (a font size, savefig.bbox) must not reach the file.
    with _DRAWING, style.context(["default", dict(STYLE)]):
        figure = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(figure)  # Agg, whatever backend the process chose: no display needed
        ax = figure.add_subplot()
        draw(ax)
        ax.set_title(title, fontsize=11, loc="left")
        if grid is not None:
            ax.grid(True, axis=grid, linewidth=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if _has_dates(ax):
            figure.autofmt_xdate()
        figure.tight_layout()
        # No date, no software version: the bytes follow the input alone.
        metadata: dict[str, Any] = (
            {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        )
        figure.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    data = out.getvalue()
    return data.replace(*_SVG_FONT) if fmt == "svg" else data


def _has_dates(ax: Axes) -> bool:
    return any(isinstance(x, date) for line in ax.get_lines() for x in _first_x(line))


def _first_x(line: Any) -> Sequence[Any]:
    data = line.get_xdata()
    return list(data[:1]) if len(data) else []
