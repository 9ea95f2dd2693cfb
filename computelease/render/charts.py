"""Charts as files, SVG or PNG, through matplotlib (the optional ``charts`` extra).

Each chart reads figures lease computed and draws them; none computes. The
same input gives the same bytes: the Agg backend and matplotlib's own
figure objects (no pyplot state), a fixed size and resolution, the DejaVu
fonts matplotlib ships, text kept as text in SVG with a fixed id salt, and no
creation date or software stamp in either format. Lines differ by style and
markers as well as colour, so a chart reads in greyscale.

Amounts become binary floats here to be drawn, through
:func:`computelease.money.to_float`; the figures themselves stay exact.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from computelease import money
from computelease.core.analysis import Analysis, BreakevenResult
from computelease.core.book import Book
from computelease.core.risk import DealRisk
from computelease.core.sensitivity import SensitivityGrid

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Format = Literal["svg", "png"]
#: Inches and dots per inch: 960 x 540 pixels as PNG, a slide's proportions.
SIZE: Final = (9.6, 5.4)
DPI: Final = 100
#: Greys and one accent: distinct in print and for the colour-blind.
INK: Final = ("#1f3b73", "#c0504d", "#555555", "#9bbb59", "#8064a2", "#4bacc6")
MISSING = "charts need matplotlib: pip install 'computelease[charts]'"


class ChartError(ValueError):
    """A chart with nothing to draw: the message says why."""


def cumulative(result: BreakevenResult, fmt: Format) -> bytes:
    """The lessor's cumulative receipts against its cumulative costs, payback marked."""
    lessor = result.breakeven.lessor
    if lessor is None or not lessor.timeline:
        raise ChartError("no lessor capex, so no breakeven to draw (assumptions.lessor.capex)")
    days: Any = [d for d, _, _ in lessor.timeline]
    ccy = result.deal.ccy

    def draw(ax: Axes) -> None:
        ax.plot(days, [_f(r) for _, r, _ in lessor.timeline], "-", color=INK[0], label="Receipts")
        ax.plot(
            days,
            [_f(c) for _, _, c in lessor.timeline],
            "--",
            color=INK[1],
            label="Costs and capex",
        )
        payback: Any = lessor.payback_date  # matplotlib draws dates; its stubs say floats
        if payback is not None:
            ax.axvline(payback, color=INK[2], linestyle=":", linewidth=1)
            ax.annotate(
                f"payback {payback}",
                (payback, ax.get_ylim()[1]),
                xytext=(4, -14),
                textcoords="offset points",
                fontsize=9,
            )
        _money_axis(ax, ccy)
        ax.legend(loc="upper left", frameon=False)

    return _render(f"{result.deal.name}: the lessor's cash, cumulative", draw, fmt)


def by_year(analysis: Analysis, fmt: Format) -> bytes:
    """The schedule's payments summed by calendar year."""
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
        _money_axis(ax, ccy)

    return _render(f"{analysis.deal.name}: payments by year", draw, fmt)


def book(result: Book, fmt: Format) -> bytes:
    """A lessor's book by year, stacked by deal."""
    if not result.years:
        raise ChartError("the book has no payments")
    ccy = result.currency
    hatches = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")

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
                hatch=hatches[i % len(hatches)],
                edgecolor="white",
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        _money_axis(ax, ccy)
        ax.legend(loc="upper right", frameon=False, fontsize=8)

    return _render("The book by year, as scheduled", draw, fmt)


def market(result: BreakevenResult, fmt: Format) -> bytes:
    """The committed-term market price per GPU-hour against the lease's price."""
    z = result.breakeven.market
    if z is None or not z.path:
        raise ChartError("no market price (assumptions.market_gpu_hour or market_curve)")
    ccy = result.deal.ccy

    def draw(ax: Axes) -> None:
        days: Any = [d for d, _ in z.path]
        ax.plot(days, [_f(p) for _, p in z.path], "-", color=INK[1], label="Market (committed)")
        ax.plot(
            [days[0], days[-1]],
            [_f(z.lease_gpu_hour)] * 2,
            "--",
            color=INK[0],
            label=f"The lease, {money.format_money(z.lease_gpu_hour, ccy)}",
        )
        below: Any = z.below_market_from
        if below is not None:
            ax.axvline(below, color=INK[2], linestyle=":", linewidth=1)
        ax.yaxis.set_major_formatter(
            _formatter(lambda v: money.format_money(Decimal(str(round(v, 2))), ccy))
        )
        ax.set_ylabel("per GPU-hour")
        ax.legend(loc="upper right", frameon=False)

    return _render(f"{result.deal.name}: the market against the lease", draw, fmt)


def heatmap(grid: SensitivityGrid, fmt: Format) -> bytes:
    """A two-way sensitivity grid, each cell coloured by its value and written in."""
    if grid.columns is None:
        raise ChartError("a heat map needs two inputs: give --vary twice")
    from computelease.render.document import axis_labels

    rows, columns, ccy = grid.rows, grid.columns, grid.deal.ccy
    kind = grid.metric.kind

    def draw(ax: Axes) -> None:
        nan = float("nan")
        values = [
            [_f(c.value) if c.value is not None else nan for c in line] for line in grid.cells
        ]
        image = ax.imshow(values, cmap="cividis", aspect="auto")
        ax.set_xticks(range(len(columns.values)), list(axis_labels(columns, ccy)))
        ax.set_yticks(range(len(rows.values)), list(axis_labels(rows, ccy)))
        ax.set_xlabel(columns.parameter)
        ax.set_ylabel(rows.parameter)
        known = [v for line in values for v in line if v == v]
        low, high = (min(known), max(known)) if known else (0.0, 1.0)
        for i, line in enumerate(grid.cells):
            for j, cell in enumerate(line):
                # Dark text on the light end of the scale, light on the dark: always legible.
                light = high > low and (values[i][j] - low) / (high - low) > 0.6
                text = _compact(cell.value, kind, ccy)
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if light else "white",
                )
        bar = ax.figure.colorbar(image, ax=ax)
        if kind in ("money", "price"):
            bar.ax.yaxis.set_major_formatter(_formatter(lambda v: _compact_float(v, ccy)))

    return _render(f"{grid.deal.name}: {grid.metric.label}", draw, fmt, grid=False)


def _compact_float(value: float, ccy: money.Currency) -> str:
    return money.format_money(money.from_float(float(value), 2), ccy, compact=True)


def histogram(deal: DealRisk, fmt: Format) -> bytes:
    """The lessor's NPV over the simulated paths, the deal as written marked."""
    if not deal.histogram:
        raise ChartError("no paths to draw")
    ccy = deal.deal.ccy

    def draw(ax: Axes) -> None:
        lows = [low for low, _, _ in deal.histogram]
        widths = [high - low for low, high, _ in deal.histogram]
        counts = [n for _, _, n in deal.histogram]
        ax.bar(
            lows, counts, width=widths, align="edge", color=INK[0], hatch="//", edgecolor="white"
        )
        npv = next((st for st in deal.statistics if st.key == "npv"), None)
        written = npv.deterministic if npv is not None else None
        if written is not None:
            ax.axvline(_f(written), color=INK[1], linestyle="--", label="the deal as written")
            ax.legend(loc="upper right", frameon=False)
        _money_axis(ax, ccy, axis="x")
        ax.set_ylabel("paths")

    return _render(f"{deal.deal.name}: lessor NPV over the paths", draw, fmt)


def tornado(deal: DealRisk, fmt: Format) -> bytes:
    """Each risk alone: the NPV's range (P5 to P95), widest first, the deal as written marked."""
    if not deal.tornado:
        raise ChartError("no tornado: the simulation ran without one")
    ccy = deal.deal.ccy

    def draw(ax: Axes) -> None:
        bars = list(reversed(deal.tornado))
        ax.barh(
            [b.risk for b in bars],
            [b.high - b.low for b in bars],
            left=[b.low for b in bars],
            color=INK[0],
            hatch="//",
            edgecolor="white",
        )
        ax.axvline(bars[0].base, color=INK[1], linestyle="--", label="the deal as written")
        _money_axis(ax, ccy, axis="x")
        ax.legend(loc="lower right", frameon=False)

    return _render(f"{deal.deal.name}: the NPV with each risk alone", draw, fmt)


def _f(value: Decimal | float) -> float:
    return value if isinstance(value, float) else money.to_float(value)


def _compact(value: Decimal | None, kind: str, ccy: money.Currency) -> str:
    if value is None:
        return "n/a"
    if kind == "rate":
        return money.format_percent(value, 1)
    return money.format_money(value, ccy, compact=True)


def _formatter(text: Callable[[float], str]) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: text(v))


def _money_axis(ax: Axes, ccy: money.Currency, axis: str = "y") -> None:
    """Compact amounts on an axis: $1.5B, $300.0M."""

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(_formatter(lambda v: _compact_float(v, ccy)))


def _render(title: str, draw: Callable[[Axes], None], fmt: Format, *, grid: bool = True) -> bytes:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the extra being installed
        raise ImportError(MISSING) from None
    import matplotlib

    # Fixed for byte-identical files: the SVG id salt, text as text, the bundled font.
    style: Any = {
        "svg.hashsalt": "computelease",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
    }
    with matplotlib.rc_context(style):
        figure: Figure = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        draw(ax)
        ax.set_title(title, fontsize=11, loc="left")
        if grid:
            ax.grid(True, axis="y", linewidth=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if _has_dates(ax):
            figure.autofmt_xdate()
        figure.tight_layout()
        out = io.BytesIO()
        metadata: dict[str, Any] = (
            {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        )
        figure.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def _has_dates(ax: Axes) -> bool:
    return any(isinstance(x, date) for line in ax.get_lines() for x in _xdata(line))


def _xdata(line: Any) -> Sequence[Any]:
    data = line.get_xdata()
    return list(data[:1]) if len(data) else []
