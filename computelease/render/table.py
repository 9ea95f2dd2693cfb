"""Rich tables for people: each report's document laid out for the terminal.

Every function returns a rich renderable (or, for a very long schedule,
plain fixed-width text); the command line prints it, so colour follows
rich's terminal detection and honours ``NO_COLOR``, and piped output is
plain text. Text from deal files is wrapped in :class:`rich.text.Text` after
:func:`~computelease.render.safe.safe`, so markup such as ``[bold red]`` or
an ANSI escape in a deal's name is shown literally, never interpreted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from computelease.render import document
from computelease.render.document import Document, Figures, Grid, Preformatted
from computelease.render.options import MAX_WIDTH, RenderOptions
from computelease.render.safe import safe

if TYPE_CHECKING:
    from computelease.core.accounting import LeaseBooks
    from computelease.core.analysis import BreakevenResult, ScheduleResult
    from computelease.core.book import Book, DealComparison
    from computelease.core.diff import DealDiff
    from computelease.core.reconcile import Reconciliation
    from computelease.core.reports import CalcReport
    from computelease.core.risk import RiskReport
    from computelease.core.sensitivity import SensitivityGrid
    from computelease.core.whatif import ScenarioComparison

#: Above this many rows a grid is laid out as plain fixed-width text: rich's
#: table layout costs about a millisecond a row, a minute for a 50,000-row schedule.
RICH_ROW_LIMIT = 2_000
#: The longest figure label kept on one line; a longer one wraps.
LABEL_WIDTH = 36
#: Characters between two columns of a table (padding collapsed to one space each side).
GAP = 2


class FigureTable(Table):
    """A table whose figures never wrap: ``min_width`` wraps its labels, ``natural_width`` not."""

    natural_width = 0


def _table(columns: Sequence[str], right: frozenset[int], wrap: frozenset[int]) -> FigureTable:
    """A plain table; only the columns in ``wrap`` may wrap, the rest keep their line."""
    # Collapsed padding: two spaces between columns, so a schedule's row keeps to 80.
    table = FigureTable(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
    )
    for i, name in enumerate(columns):
        table.add_column(
            name,
            justify="right" if i in right else "left",
            no_wrap=i not in wrap,
            overflow="fold",
        )
    return table


def _figures(section: Figures) -> Table:
    columns = ("Figure", "Value", "Basis") if section.basis else ("Figure", "Value")
    table = _table(columns, frozenset(), frozenset({0, 1, 2}))
    # A label keeps its line while it is short enough to: the value and the basis
    # wrap first, so a figure's name reads whole beside it.
    table.columns[0].min_width = min(
        LABEL_WIDTH, max((len(line[0]) for line in section.lines), default=0)
    )
    for label, value, basis in section.lines:
        cells = [Text(label), Text(value)]
        if section.basis:
            cells.append(Text(basis, style=_basis_style(basis)))
        table.add_row(*cells)
    return table


def _basis_style(basis: str) -> str:
    """An assumed figure stands out from a computed one; the word says it too (no colour alone)."""
    if "assumed" in basis:
        return "yellow"
    if "reported" in basis:
        return "green"
    return "dim"


def _cell(text: str) -> Text:
    """A grid's cell; a failed check is red and a passed one green, beside the word."""
    if text.endswith("FAIL"):
        return Text(text, style="bold red")
    if text in {"✓ pass", "ok"}:
        return Text(text, style="green")
    return Text(text)


def _grid(section: Grid) -> Table:
    table = _table(section.columns, section.right, section.wrap)
    for row in section.rows:
        table.add_row(*(_cell(cell) for cell in row))
    if section.keep_width:
        # Labels may wrap (down to their longest word); figures may not: a grid wider
        # than the terminal widens the output rather than cropping an amount.
        cells = [(c, *(r[i] for r in section.rows)) for i, c in enumerate(section.columns)]
        least = [
            max(_width(cell, i in section.wrap) for cell in col) for i, col in enumerate(cells)
        ]
        gaps = GAP * (len(cells) - 1)
        table.min_width = sum(least) + gaps
        table.natural_width = sum(max(len(cell) for cell in col) for col in cells) + gaps
    return table


def _width(cell: str, wraps: bool) -> int:
    return max((len(word) for word in cell.split()), default=0) if wraps else len(cell)


def _section(section: document.Section) -> list[RenderableType]:
    if isinstance(section, Figures):
        return [Text(section.title, style="bold"), _figures(section), Text("")]
    if isinstance(section, Grid):
        return [Text(section.title, style="bold"), _grid(section), Text("")]
    if isinstance(section, Preformatted):
        return [Padding(Text("\n".join(section.lines)), (0, 0, 1, 0))]
    return [Text(section.text, style="bold"), Text("")]


def _rich(doc: Document) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if doc.title is not None:
        parts.append(Text(doc.title, style="bold underline"))
        parts.extend(Text(line) for line in doc.subtitle)
        if doc.banner:
            parts.append(Text(doc.banner, style="bold"))
        parts.append(Text(""))
    for section in doc.sections:
        parts.extend(_section(section))
    if doc.notes:
        parts.append(Text("Notes", style="bold"))
        parts.extend(Text(f"- {safe(n)}") for n in doc.notes)
        if doc.conventions:
            parts.append(Text(""))
    if doc.conventions:
        parts.append(Text("Conventions", style="bold"))
        parts.extend(Text(f"- {c}", style="dim") for c in doc.conventions)
    return parts


def _plain_grid(section: Grid) -> list[str]:
    rows, columns, right = section.rows, section.columns, section.right
    widths = [max([len(c), *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "-" * len(line(["x" * w for w in widths]))
    return [section.title, line(columns), rule, *(line(row) for row in rows), ""]


def _plain(doc: Document) -> str:
    """The document as fixed-width text, for grids too long for rich to lay out quickly."""
    lines: list[str] = []
    if doc.title is not None:
        lines += [doc.title, *doc.subtitle, *([doc.banner] if doc.banner else []), ""]
    for section in doc.sections:
        if isinstance(section, Grid):
            lines += _plain_grid(section)
        elif isinstance(section, Figures):
            grid = Grid(section.title, ("Figure", "Value", "Basis"), section.lines)
            lines += _plain_grid(grid)
        elif isinstance(section, Preformatted):
            lines += [*section.lines, ""]
        else:
            lines += [section.text, ""]
    if doc.notes:
        lines += ["Notes", *(f"- {safe(n)}" for n in doc.notes), ""]
    if doc.conventions:
        lines += ["Conventions", *(f"- {c}" for c in doc.conventions)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _too_big(section: document.Section) -> bool:
    if not isinstance(section, Grid):
        return False
    if len(section.rows) > RICH_ROW_LIMIT:
        return True
    # Columns that may wrap count at the width they wrap to: a long note is no wide grid.
    return sum(_natural(section)) + GAP * len(section.columns) > MAX_WIDTH


def _natural(section: Grid) -> list[int]:
    """Each column's width with nothing wrapped (a wrapping label at most LABEL_WIDTH)."""
    widths = [
        max([cell_len(c), *(cell_len(row[i]) for row in section.rows)])
        for i, c in enumerate(section.columns)
    ]
    return [min(w, LABEL_WIDTH) if i in section.wrap else w for i, w in enumerate(widths)]


def blocks(section: Grid, width: int | None) -> list[Grid]:
    """The grid as blocks of columns that fit ``width``, each led by the row labels.

    A grid that fits, or has only labels and one column, is itself. The
    blocks keep the columns' order, and their titles say which block is which.
    """
    if width is None or len(section.columns) <= 2 or not section.split:
        return [section]
    widths = _natural(section)
    if sum(widths) + GAP * (len(widths) - 1) <= width:
        return [section]
    groups: list[list[int]] = [[]]
    used = widths[0]
    for i in range(1, len(widths)):
        if groups[-1] and used + GAP + widths[i] > width:
            groups.append([])
            used = widths[0]
        groups[-1].append(i)
        used += GAP + widths[i]
    if len(groups) == 1:
        return [section]
    out = []
    for n, group in enumerate(groups, 1):
        keep = (0, *group)
        where = {old: new for new, old in enumerate(keep)}
        out.append(
            dataclasses.replace(
                section,
                title=f"{section.title} ({n} of {len(groups)})",
                columns=tuple(section.columns[i] for i in keep),
                rows=tuple(tuple(row[i] for i in keep) for row in section.rows),
                right=frozenset(where[i] for i in section.right if i in where),
                wrap=frozenset(where[i] for i in section.wrap if i in where),
            )
        )
    return out


def _fitted(doc: Document, width: int | None) -> Document:
    """The document with each grid wider than ``width`` split into blocks of columns."""
    if width is None:
        return doc
    sections: list[document.Section] = []
    for section in doc.sections:
        sections.extend(blocks(section, width) if isinstance(section, Grid) else [section])
    return dataclasses.replace(doc, sections=tuple(sections))


def layout(documents: Sequence[Document], width: int | None = None) -> RenderableType:
    """Documents one after another, a blank line between them.

    A grid wider than ``width`` is split into blocks of columns, each with the
    row labels again, so nothing wraps mid-figure on a narrow terminal. A grid
    too long or too wide for rich to lay out (quickly, or at all) turns the
    whole report into plain fixed-width text, every figure whole.
    """
    documents = [_fitted(d, width) for d in documents]
    if any(_too_big(s) for d in documents for s in d.sections):
        return "\n".join(_plain(d) for d in documents)
    parts: list[RenderableType] = []
    for i, doc in enumerate(documents):
        if i:
            parts.append(Text(""))
        parts.extend(_rich(doc))
    return Group(*parts)


def calc(report: CalcReport, options: RenderOptions) -> RenderableType:
    return layout(document.calc(report, options), options.width)


def schedule(result: ScheduleResult, options: RenderOptions) -> RenderableType:
    return layout([document.schedule(result, options)], options.width)


def breakeven(result: BreakevenResult, options: RenderOptions) -> RenderableType:
    return layout([document.breakeven(result, options)], options.width)


def scenario(result: ScenarioComparison, options: RenderOptions) -> RenderableType:
    return layout([document.scenario(result, options)], options.width)


def sensitivity(result: SensitivityGrid, options: RenderOptions) -> RenderableType:
    return layout([document.sensitivity(result, options)], options.width)


def compare(result: DealComparison, options: RenderOptions) -> RenderableType:
    return layout([document.compare(result, options)], options.width)


def book(result: Book, options: RenderOptions) -> RenderableType:
    return layout([document.book(result, options)], options.width)


def risk(result: RiskReport, options: RenderOptions) -> RenderableType:
    return layout(document.risk(result, options), options.width)


def diff(result: DealDiff, options: RenderOptions) -> RenderableType:
    return layout([document.diff(result, options)], options.width)


def account(result: LeaseBooks, options: RenderOptions) -> RenderableType:
    return layout([document.account(result, options)], options.width)


def reconcile(result: Reconciliation, options: RenderOptions) -> RenderableType:
    return layout([document.reconcile(result, options)], options.width)
