"""How renderers show figures: compact or exact, with or without marks, Unicode or not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to show figures: compact units or exact cents, with or without currency marks."""

    exact: bool = False
    symbol: bool = True
    #: False when the output cannot encode symbols such as ticks (PYTHONIOENCODING=ascii).
    unicode: bool = True
    #: The page's width in characters: a grid wider than it is split into blocks of
    #: columns, each with the row labels again. None: no limit (a file, a program).
    width: int | None = None
