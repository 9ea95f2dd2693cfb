"""How renderers show figures: compact or exact, with or without marks, Unicode or not."""

from __future__ import annotations

from dataclasses import dataclass

#: The widest page rich lays out; a grid of figures wider still (a comparison of
#: hundreds of deals) is laid out as plain fixed-width text, every figure whole.
MAX_WIDTH = 400


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
