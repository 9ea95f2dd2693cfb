"""Markdown for pull-request comments: each report's document laid out as GitHub tables.

Text from deal files is escaped so that it cannot open a link, an image, an
HTML tag or a new table cell, and control characters are shown as escapes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from computelease.render import document
from computelease.render.document import Document, Emphasis, Figures, Grid, Preformatted
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
    from computelease.render.options import RenderOptions

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


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], right: frozenset[int]) -> str:
    head = "| " + " | ".join(escape(c) for c in columns) + " |"
    rule = "| " + " | ".join("---:" if i in right else "---" for i in range(len(columns))) + " |"
    body = ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def _section(section: document.Section) -> str:
    if isinstance(section, Figures):
        if section.basis:
            table = _table(("Figure", "Value", "Basis"), section.lines, frozenset())
        else:
            rows = [(label, value) for label, value, _ in section.lines]
            table = _table(("Figure", "Value"), rows, frozenset())
        return f"### {escape(section.title)}\n\n{table}\n"
    if isinstance(section, Grid):
        table = _table(section.columns, section.rows, section.right)
        return f"### {escape(section.title)}\n\n{table}\n"
    if isinstance(section, Preformatted):
        return "```\n" + "\n".join(section.lines) + "\n```\n\n"
    assert isinstance(section, Emphasis)
    return f"**{escape(section.text)}**\n\n"


def _document(doc: Document) -> str:
    out = ""
    if doc.title is not None:
        out += f"## {escape(doc.title)}\n\n" + "".join(f"{escape(s)}  \n" for s in doc.subtitle)
        out += "\n"
        if doc.banner:
            out += f"**{escape(doc.banner)}**\n\n"
    out += "".join(_section(s) for s in doc.sections)
    if doc.notes:
        out += "**Notes**\n\n" + "".join(f"- {escape(n)}\n" for n in doc.notes) + "\n"
    if doc.conventions:
        out += "<details><summary>Conventions</summary>\n\n"
        out += "".join(f"- {escape(c)}\n" for c in doc.conventions)
        out += "\n</details>\n"
    return out


def layout(documents: Sequence[Document]) -> str:
    """Documents one after another, a blank line between them."""
    return "\n".join(_document(d) for d in documents)


def calc(report: CalcReport, options: RenderOptions) -> str:
    return layout(document.calc(report, options))


def schedule(result: ScheduleResult, options: RenderOptions) -> str:
    return layout([document.schedule(result, options)])


def breakeven(result: BreakevenResult, options: RenderOptions) -> str:
    return layout([document.breakeven(result, options)])


def scenario(result: ScenarioComparison, options: RenderOptions) -> str:
    return layout([document.scenario(result, options)])


def sensitivity(result: SensitivityGrid, options: RenderOptions) -> str:
    return layout([document.sensitivity(result, options)])


def compare(result: DealComparison, options: RenderOptions) -> str:
    return layout([document.compare(result, options)])


def book(result: Book, options: RenderOptions) -> str:
    return layout([document.book(result, options)])


def risk(result: RiskReport, options: RenderOptions) -> str:
    return layout(document.risk(result, options))


def diff(result: DealDiff, options: RenderOptions) -> str:
    return layout([document.diff(result, options)])


def account(result: LeaseBooks, options: RenderOptions) -> str:
    return layout([document.account(result, options)])


def reconcile(result: Reconciliation, options: RenderOptions) -> str:
    return layout([document.reconcile(result, options)])
