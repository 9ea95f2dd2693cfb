"""Markdown for pull-request comments: the same lines as the tables, as GitHub tables.

Text from deal files is escaped so that it cannot open a link, an image, an
HTML tag or a new table cell, and control characters are shown as escapes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from computelease.core.analysis import BreakevenResult, ScheduleResult
from computelease.core.book import Book
from computelease.core.book import Comparison as DealComparison
from computelease.core.sensitivity import Grid as SensitivityGrid
from computelease.core.whatif import Comparison as WhatIf
from computelease.render import figures
from computelease.render.figures import Fmt, Line
from computelease.render.model import DealReport, RenderOptions
from computelease.render.safe import safe

# Characters that open emphasis, code, links, HTML, cells, strikethrough or a mention.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~@])")
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])://|\bwww\.")


def escape(text: str) -> str:
    """Markdown-inert text: every character with a meaning is backslash-escaped.

    Bare addresses are broken up too (``https:/\\/``, ``www\\.``), so text from a
    deal file cannot become a link that GitHub makes of it by itself.
    """
    text = _SPECIAL.sub(r"\\\1", safe(text))
    return _AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    head = "| " + " | ".join(columns) + " |"
    rule = "| " + " | ".join("---:" if i in right else "---" for i in range(len(columns))) + " |"
    body = ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def _lines(lines: Sequence[Line], *, basis: bool = True) -> str:
    if basis:
        return _table(["Figure", "Value", "Basis"], [list(line) for line in lines])
    return _table(["Figure", "Value"], [[label, value] for label, value, _ in lines])


def _footer(notes: Sequence[str], conventions: Sequence[str]) -> str:
    out = ""
    if notes:
        out += "**Notes**\n\n" + "".join(f"- {escape(n)}\n" for n in notes) + "\n"
    if conventions:
        out += "<details><summary>Conventions</summary>\n\n"
        out += "".join(f"- {escape(c)}\n" for c in conventions)
        out += "\n</details>\n"
    return out


def _header(title: str, sub: Sequence[str], level: int = 2) -> str:
    return f"{'#' * level} {escape(title)}\n\n" + "".join(f"{escape(s)}  \n" for s in sub) + "\n"


def deal_block(report: DealReport, options: RenderOptions) -> str:
    a = report.analysis
    deal = a.deal
    fmt = Fmt(deal.ccy, options)
    out = _header(deal.name, figures.subtitle(deal, report.path))
    line = figures.scenario_line(report)
    if line:
        out += f"**{escape(line)}**\n\n"
    out += "### Totals\n\n" + _lines(figures.totals_lines(a, fmt), basis=False) + "\n"
    columns, rows = figures.by_year(a, fmt)
    out += "### By year of payment\n\n" + _table(columns, rows, right=range(1, len(columns))) + "\n"
    out += "### Unit economics\n\n" + _lines(figures.unit_lines(a, fmt)) + "\n"
    if report.checks:
        out += "### Reported figures\n\n"
        out += _table(
            ["Check", "Reported", "Computed", "Result"],
            figures.check_rows(report.checks, fmt),
            right=(1, 2),
        )
        out += "\n"
    summary = figures.breakeven_summary(a.breakeven, fmt)
    if summary:
        out += "### Breakeven\n\n" + _lines(summary) + "\n"
    out += _footer([*a.notes, *a.breakeven.missing], a.conventions)
    return out


def calc(reports: Sequence[DealReport], options: RenderOptions) -> str:
    return "\n".join(deal_block(r, options) for r in reports)


def schedule(result: ScheduleResult, path: str, options: RenderOptions) -> str:
    deal = result.deal
    fmt = Fmt(deal.ccy, options)
    columns, rows, right = figures.schedule_grid(result, fmt)
    title = f"Schedule by {result.by}" if result.by else "Schedule"
    out = _header(deal.name, figures.subtitle(deal, path))
    out += f"### {title}\n\n" + _table(columns, rows, right=right)
    out += f"\n**{escape(figures.schedule_total(result, fmt))}**\n\n"
    return out + _footer([], result.conventions)


def breakeven(result: BreakevenResult, path: str, options: RenderOptions) -> str:
    deal = result.deal
    fmt = Fmt(deal.ccy, options)
    b = result.breakeven
    out = _header(deal.name, figures.subtitle(deal, path))
    if b.lessor is not None:
        out += "### Lessor\n\n" + _lines(figures.lessor_lines(b.lessor, fmt)) + "\n"
        chart = figures.chart(b.lessor, fmt)
        if chart:
            out += "```\n" + "\n".join(chart) + "\n```\n\n"
    if b.lessee is not None:
        out += "### Tenant: lease or buy\n\n" + _lines(figures.lessee_lines(b.lessee, fmt)) + "\n"
    if b.market is not None:
        out += "### Against the market\n\n" + _lines(figures.market_lines(b.market, fmt)) + "\n"
    return out + _footer(figures.breakeven_notes(b), result.conventions)


def _grid(title: str, grid: figures.Grid) -> str:
    columns, rows, right = grid
    return f"### {escape(title)}\n\n" + _table(columns, rows, right=right) + "\n"


def scenario(result: WhatIf, path: str, options: RenderOptions) -> str:
    deal = result.base.deal
    fmt = Fmt(deal.ccy, options)
    out = _header(deal.name, figures.subtitle(deal, path))
    out += _grid(figures.scenario_title(result), figures.scenario_grid(result, fmt))
    return out + _footer(figures.scenario_notes(result), result.scenario.conventions)


def sensitivity(result: SensitivityGrid, path: str, options: RenderOptions) -> str:
    deal = result.deal
    out = _header(deal.name, figures.subtitle(deal, path))
    out += _grid(
        figures.sensitivity_title(result), figures.sensitivity_grid(result, Fmt(deal.ccy, options))
    )
    return out + _footer(figures.sensitivity_notes(result), ())


def compare(result: DealComparison, options: RenderOptions) -> str:
    fmt = Fmt(result.currency, options)
    out = _grid(f"Deals compared, in {result.currency.code}", figures.compare_grid(result, fmt))
    return out + _footer(figures.compare_notes(result), ())


def book(result: Book, options: RenderOptions) -> str:
    fmt = Fmt(result.currency, options)
    code = result.currency.code
    out = _grid(
        f"Revenue by year as scheduled, in {code}", figures.book_grid(result, fmt, "scheduled")
    )
    return out + _grid(
        f"Revenue by year as committed (each deal ended as early as its terms allow), in {code}",
        figures.book_grid(result, fmt, "committed"),
    )
