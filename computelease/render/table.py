"""Rich tables for people: a memo-ready report of each deal in the terminal.

Every function returns a rich renderable; the command line prints it, so
colour follows rich's terminal detection and honours ``NO_COLOR``, and piped
output is plain text. Text from deal files is wrapped in :class:`rich.text.Text`
after :func:`~computelease.render.safe.safe`, so markup such as
``[bold red]`` or an ANSI escape in a deal's name is shown literally, never
interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from computelease.core.analysis import BreakevenResult, ScheduleResult
from computelease.core.book import Book
from computelease.core.book import Comparison as DealComparison
from computelease.core.sensitivity import Grid as SensitivityGrid
from computelease.core.whatif import Comparison as WhatIf
from computelease.render import figures
from computelease.render.figures import Fmt, Line
from computelease.render.model import DealReport, RenderOptions
from computelease.render.safe import safe


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def _table(columns: Sequence[str], right: Sequence[int] = (), wrap: Sequence[int] = ()) -> Table:
    """A plain table; only the columns in ``wrap`` may wrap, the rest keep their line."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for i, name in enumerate(columns):
        table.add_column(
            name,
            justify="right" if i in right else "left",
            no_wrap=i not in wrap,
            overflow="fold",
        )
    return table


def _section(title: str, table: Table) -> list[RenderableType]:
    return [_heading(title), table, Text("")]


def _lines_table(lines: Sequence[Line], *, basis: bool = True) -> Table:
    table = _table(["Figure", "Value", "Basis"] if basis else ["Figure", "Value"], wrap=(0, 1, 2))
    for label, value, kind in lines:
        table.add_row(Text(label), Text(value), *([Text(kind, style="dim")] if basis else []))
    return table


def _grid(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[int] = (),
    wrap: Sequence[int] = (),
) -> Table:
    table = _table(columns, right, wrap)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


#: Above this many rows a schedule is laid out as plain fixed-width text: rich's
#: table layout costs about a millisecond a row, a minute for a 50,000-row schedule.
RICH_ROW_LIMIT = 2_000


def _plain_grid(
    columns: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]
) -> list[str]:
    widths = [max([len(c), *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "-" * len(line(["x" * w for w in widths]))
    return [line(columns), rule, *(line(row) for row in rows)]


def _footer(notes: Sequence[str], conventions: Sequence[str]) -> list[RenderableType]:
    parts: list[RenderableType] = [Text("")] if not notes else []
    if notes:
        parts.append(_heading("Notes"))
        parts.extend(Text(f"- {safe(n)}") for n in notes)
    if conventions:
        parts.append(_heading("Conventions"))
        parts.extend(Text(f"- {c}", style="dim") for c in conventions)
    return parts


def _header(deal_name: str, sub: Sequence[str]) -> list[RenderableType]:
    return [Text(deal_name, style="bold underline"), *(Text(s) for s in sub)]


def deal_block(report: DealReport, options: RenderOptions) -> RenderableType:
    a = report.analysis
    deal = a.deal
    fmt = Fmt(deal.ccy, options)
    parts: list[RenderableType] = _header(figures.title(deal), figures.subtitle(deal, report.path))
    line = figures.scenario_line(report)
    if line:
        parts.append(Text(line, style="bold"))
    parts.append(Text(""))
    parts += _section("Totals", _lines_table(figures.totals_lines(a, fmt), basis=False))
    columns, rows = figures.by_year(a, fmt)
    parts += _section("By year of payment", _grid(columns, rows, right=range(1, len(columns))))
    parts += _section("Unit economics", _lines_table(figures.unit_lines(a, fmt)))
    if report.checks:
        check_table = _grid(
            ["Check", "Reported", "Computed", "Result"],
            figures.check_rows(report.checks, fmt),
            right=(1, 2),
        )
        parts += _section("Reported figures", check_table)
    summary = figures.breakeven_summary(a.breakeven, fmt)
    if summary:
        parts += _section("Breakeven (see lease breakeven)", _lines_table(summary))
    notes = list(a.notes) + list(a.breakeven.missing)
    parts.extend(_footer(notes, a.conventions))
    return Group(*parts)


def calc(reports: Sequence[DealReport], options: RenderOptions) -> RenderableType:
    blocks: list[RenderableType] = []
    for i, report in enumerate(reports):
        if i:
            blocks.append(Text(""))
        blocks.append(deal_block(report, options))
    return Group(*blocks)


def schedule(result: ScheduleResult, path: str, options: RenderOptions) -> RenderableType | str:
    """The schedule as a rich table, or as plain fixed-width text when it is very long."""
    deal = result.deal
    fmt = Fmt(deal.ccy, options)
    columns, rows, right = figures.schedule_grid(result, fmt)
    title = f"Schedule by {result.by}" if result.by else "Schedule"
    total = figures.schedule_total(result, fmt)
    if len(rows) > RICH_ROW_LIMIT:
        lines = [
            figures.title(deal),
            *figures.subtitle(deal, path),
            "",
            title,
            *_plain_grid(columns, rows, right),
            "",
            total,
            "",
            "Conventions",
            *(f"- {c}" for c in result.conventions),
        ]
        return "\n".join(lines) + "\n"
    parts: list[RenderableType] = _header(figures.title(deal), figures.subtitle(deal, path))
    parts.append(Text(""))
    # Stream names, periods and an amount's note (a credit, a cap cut) wrap; dates never do.
    wrap = (1, 2, 4) if result.buckets is None else ()
    parts += _section(title, _grid(columns, rows, right=right, wrap=wrap))
    parts.append(Text(total, style="bold"))
    parts.extend(_footer([], result.conventions))
    return Group(*parts)


def breakeven(result: BreakevenResult, path: str, options: RenderOptions) -> RenderableType:
    deal = result.deal
    fmt = Fmt(deal.ccy, options)
    b = result.breakeven
    parts: list[RenderableType] = _header(figures.title(deal), figures.subtitle(deal, path))
    parts.append(Text(""))
    if b.lessor is not None:
        parts += _section("Lessor", _lines_table(figures.lessor_lines(b.lessor, fmt)))
        chart = figures.chart(b.lessor, fmt)
        if chart:
            parts.append(Padding(Text("\n".join(chart)), (0, 0, 1, 0)))
    if b.lessee is not None:
        parts += _section("Tenant: lease or buy", _lines_table(figures.lessee_lines(b.lessee, fmt)))
    if b.market is not None:
        parts += _section("Against the market", _lines_table(figures.market_lines(b.market, fmt)))
    parts.extend(_footer(figures.breakeven_notes(b), result.conventions))
    return Group(*parts)


def _grid_section(title: str, grid: figures.Grid) -> list[RenderableType]:
    """A titled grid of figures that is never squeezed: it keeps at least its natural width.

    Labels (the first column) may wrap; the figures may not, so a grid wider
    than the terminal is laid out wider still (the output widens to fit)
    rather than cropping an amount.
    """
    columns, rows, right = grid
    table = _grid(columns, rows, right=right, wrap=(0,))
    widths = [
        max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)
    ]
    table.min_width = sum(widths) + 3 * (len(widths) - 1)
    return _section(title, table)


def scenario(result: WhatIf, path: str, options: RenderOptions) -> RenderableType:
    deal = result.base.deal
    fmt = Fmt(deal.ccy, options)
    parts: list[RenderableType] = _header(figures.title(deal), figures.subtitle(deal, path))
    parts.append(Text(""))
    parts += _grid_section(figures.scenario_title(result), figures.scenario_grid(result, fmt))
    parts.extend(_footer(figures.scenario_notes(result), result.scenario.conventions))
    return Group(*parts)


def sensitivity(result: SensitivityGrid, path: str, options: RenderOptions) -> RenderableType:
    deal = result.deal
    fmt = Fmt(deal.ccy, options)
    parts: list[RenderableType] = _header(figures.title(deal), figures.subtitle(deal, path))
    parts.append(Text(""))
    parts += _grid_section(figures.sensitivity_title(result), figures.sensitivity_grid(result, fmt))
    parts.extend(_footer(figures.sensitivity_notes(result), ()))
    return Group(*parts)


def compare(result: DealComparison, options: RenderOptions) -> RenderableType:
    fmt = Fmt(result.currency, options)
    parts = _grid_section(
        f"Deals compared, in {result.currency.code}", figures.compare_grid(result, fmt)
    )
    parts.extend(_footer(figures.compare_notes(result), ()))
    return Group(*parts)


def book(result: Book, options: RenderOptions) -> RenderableType:
    fmt = Fmt(result.currency, options)
    code = result.currency.code
    parts = _grid_section(
        f"Revenue by year as scheduled, in {code}", figures.book_grid(result, fmt, "scheduled")
    )
    parts += _grid_section(
        f"Revenue by year as committed (each deal ended as early as its terms allow), in {code}",
        figures.book_grid(result, fmt, "committed"),
    )
    return Group(*parts)
