"""What renderers take: results from the core, where they came from, and how to show them."""

from __future__ import annotations

from dataclasses import dataclass

from computelease.checks import CheckResult
from computelease.core.analysis import Analysis


@dataclass(frozen=True)
class DealReport:
    """One deal as ``lease calc`` shows it: its file, its analysis and its reported checks."""

    path: str
    analysis: Analysis
    checks: tuple[CheckResult, ...]
    #: The named scenario shown instead of the deal as written, and what it changed.
    scenario: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to show figures: compact units or exact cents, with or without currency marks."""

    exact: bool = False
    symbol: bool = True
    #: False when the output cannot encode symbols such as ticks (PYTHONIOENCODING=ascii).
    unicode: bool = True
