"""Renderers: one module per output format, each laying out the same results.

Renderers never compute and never print: ``table`` returns rich renderables,
the others return strings, and the command line decides where they go. A
format module is a :class:`Renderer`, with one function per report kind;
:func:`renderer` is the registry, importing a format only when it is asked
for. mypy checks that every format module has every function with the right
signature (a module missing one is not a :class:`Renderer`), and that the
registry covers every :class:`OutputFormat`. ``lease check`` reporters are
the same over one :class:`~computelease.core.reports.CheckRun`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, assert_never

if TYPE_CHECKING:
    from rich.console import RenderableType

    from computelease.core.accounting import LeaseBooks
    from computelease.core.analysis import BreakevenResult, ScheduleResult
    from computelease.core.book import Book, DealComparison
    from computelease.core.diff import DealDiff
    from computelease.core.reconcile import Reconciliation
    from computelease.core.reports import CalcReport, CheckRun
    from computelease.core.risk import RiskReport
    from computelease.core.sensitivity import SensitivityGrid
    from computelease.core.whatif import ScenarioComparison
    from computelease.render.options import RenderOptions

    #: What a renderer returns: text, or a rich renderable for the terminal.
    Rendered = str | RenderableType


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class WorkbookFormat(StrEnum):
    """The formats of the commands that also write an Excel workbook (``--output`` needed)."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


class Renderer(Protocol):
    """One output format: a function for each kind of report."""

    def calc(self, report: CalcReport, options: RenderOptions, /) -> Rendered: ...

    def schedule(self, result: ScheduleResult, options: RenderOptions, /) -> Rendered: ...

    def breakeven(self, result: BreakevenResult, options: RenderOptions, /) -> Rendered: ...

    def scenario(self, result: ScenarioComparison, options: RenderOptions, /) -> Rendered: ...

    def sensitivity(self, result: SensitivityGrid, options: RenderOptions, /) -> Rendered: ...

    def compare(self, result: DealComparison, options: RenderOptions, /) -> Rendered: ...

    def book(self, result: Book, options: RenderOptions, /) -> Rendered: ...

    def risk(self, result: RiskReport, options: RenderOptions, /) -> Rendered: ...

    def diff(self, result: DealDiff, options: RenderOptions, /) -> Rendered: ...

    def account(self, result: LeaseBooks, options: RenderOptions, /) -> Rendered: ...

    def reconcile(self, result: Reconciliation, options: RenderOptions, /) -> Rendered: ...


class Reporter(Protocol):
    """One format of ``lease check`` findings."""

    def check(self, run: CheckRun, /) -> str: ...


def renderer(fmt: OutputFormat) -> Renderer:
    """The module that renders ``fmt``, imported only when asked for."""
    match fmt:
        case OutputFormat.table:
            from computelease.render import table

            return table
        case OutputFormat.json:
            from computelease.render import json

            return json
        case OutputFormat.csv:
            from computelease.render import csv

            return csv
        case OutputFormat.markdown:
            from computelease.render import markdown

            return markdown
        case _:  # pragma: no cover - mypy proves the match exhaustive
            assert_never(fmt)


def reporter(fmt: CheckFormat) -> Reporter:
    """The module that reports ``lease check`` findings as ``fmt``."""
    match fmt:
        case CheckFormat.text:
            from computelease.render import text

            return text
        case CheckFormat.json:
            from computelease.render import json

            return json
        case CheckFormat.github:
            from computelease.render import github

            return github
        case CheckFormat.junit:
            from computelease.render import junit

            return junit
        case CheckFormat.sarif:
            from computelease.render import sarif

            return sarif
        case _:  # pragma: no cover - mypy proves the match exhaustive
            assert_never(fmt)
