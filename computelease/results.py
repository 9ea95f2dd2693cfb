"""What an API call returns: the value computed, if any, with every problem as data.

Kept apart from :mod:`computelease.api` so that a notebook, a renderer or a
type annotation can name :class:`Result` and :class:`Loaded` without
importing the YAML loader behind the calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from computelease.errors import ExitCode, Problem, Severity, exit_code
from computelease.locations import LoadedDeal

R = TypeVar("R")


@dataclass(frozen=True)
class Loaded:
    """Deals read from files: the valid ones, every problem of the others, every file found."""

    deals: tuple[LoadedDeal, ...]
    problems: tuple[Problem, ...] = ()
    #: Every deal file found, valid or not: what ``--output`` must never write over.
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result(Generic[R]):
    """What a call computed, if anything, and every problem met on the way.

    ``value`` is None when nothing could be computed (every deal given was
    invalid, say); otherwise it holds the valid deals' results, and
    ``problems`` still lists what was wrong with the others.
    """

    value: R | None
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings and notes may remain)."""
        return not any(p.severity is Severity.ERROR for p in self.problems)

    def exit_code(self, *, strict: bool = False) -> ExitCode:
        """The exit code ``lease`` gives for these problems (0, 1 or 2)."""
        return exit_code(self.problems, strict=strict)
