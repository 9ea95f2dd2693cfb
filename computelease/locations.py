"""Where things were written: marks, the locations of a document's values, a deal with them.

Kept apart from :mod:`computelease.yamltree` (which builds them from YAML) so
that result types, renderers and notebooks can hold a loaded deal and place a
problem at its line without importing a YAML parser.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from computelease.errors import Code, FieldPath, Problem
from computelease.models import Deal
from computelease.paths import dotted


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Line and column of a character offset, counting line breaks as editors do.

    libyaml also breaks lines at NEL, U+2028 and U+2029, which editors, grep
    and git do not; positions are therefore recomputed from each mark's
    character offset, with only CR, LF and CRLF as line breaks.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        self.length = len(text)

    def at(self, index: int) -> Mark:
        line = bisect.bisect_right(self.starts, index)
        return Mark(line, index - self.starts[line - 1] + 1)


def located(
    file: str, mark: Mark | None, code: Code, message: str, field: str | None = None
) -> Problem:
    """A problem at ``mark`` in ``file``, or about the whole file when there is no mark."""
    return Problem(
        file, mark.line if mark else None, mark.column if mark else None, code, message, field
    )


@dataclass(frozen=True)
class Locations:
    """Where each value (and each mapping key) of a document was written."""

    values: Mapping[FieldPath, Mark] = field(default_factory=dict)
    keys: Mapping[FieldPath, Mark] = field(default_factory=dict)

    def find(self, path: Sequence[str | int], *, key: bool = False) -> Mark | None:
        """The mark of ``path``, or of its nearest written ancestor for a defaulted field."""
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get(())


@dataclass(frozen=True)
class LoadedDeal:
    """A validated deal with the file it came from and where each field was written."""

    path: str
    deal: Deal
    locations: Locations

    def problem(self, path: FieldPath, code: Code, message: str, *, key: bool = False) -> Problem:
        """A problem located at ``path`` in this deal's file."""
        mark = self.locations.find(path, key=key)
        return located(
            self.path,
            mark,
            code,
            message,
            dotted(path) or None,
        )
