"""The reports renderers take, beyond the core's own results: a calc run and a check run.

Every other report is a core result already (a schedule, a breakeven, a
scenario beside its deal, a sensitivity grid, a comparison, a book), each
naming the file its deal came from. These two gather several deals.
"""

from __future__ import annotations

from dataclasses import dataclass

from computelease.core.analysis import Analysis
from computelease.core.reported import CheckResult
from computelease.errors import Problem


@dataclass(frozen=True)
class DealReport:
    """One deal as ``lease calc`` shows it: its file, its analysis and its reported checks."""

    source: str
    analysis: Analysis
    checks: tuple[CheckResult, ...] = ()
    #: The named scenario shown instead of the deal as written, and what it changed.
    scenario: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalcReport:
    """What ``lease calc`` shows: every deal that could be computed, in the order given."""

    deals: tuple[DealReport, ...]


@dataclass(frozen=True)
class CheckRun:
    """What ``lease check`` found: the deal files checked, and every problem in them."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...]
