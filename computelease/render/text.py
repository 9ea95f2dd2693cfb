"""Plain-text diagnostics: one line per problem and a summary, as compilers print them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from computelease.errors import Problem, Severity
from computelease.render.safe import safe

if TYPE_CHECKING:
    from computelease.core.gates import Policy
    from computelease.core.reports import CheckRun


def problem_line(problem: Problem) -> str:
    """``deals/x.yaml:12:11: error[E204]: message``, with control characters made visible."""
    return safe(str(problem))


def problems(items: Sequence[Problem]) -> str:
    return "".join(problem_line(p) + "\n" for p in items)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(files: int, items: Sequence[Problem]) -> str:
    """``3 files checked, 1 error, 2 warnings``."""
    errors = sum(1 for p in items if p.severity is Severity.ERROR)
    warnings = sum(1 for p in items if p.severity is Severity.WARNING)
    parts = [
        f"{_plural(files, 'file')} checked",
        _plural(errors, "error"),
        _plural(warnings, "warning"),
    ]
    notes = sum(1 for p in items if p.severity is Severity.NOTE)
    if notes:
        parts.append(_plural(notes, "note"))
    return ", ".join(parts) + "\n"


def check(run: CheckRun) -> str:
    """``lease check``: one line per problem, then the summary."""
    return problems(run.problems) + summary(len(run.files), run.problems)


def policy(settings: Policy) -> str:
    """``lease check --show-config``: each gate at each level, its limit and where it came from."""
    rows = [("setting", "limit", "set by")] + [
        (s.name, s.limit.written, s.limit.source) if s.limit else (s.name, "-", "not set")
        for s in settings.settings
    ]
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}".rstrip() for a, b, c in rows]
    found = settings.file or "none found (lease.toml, or pyproject.toml with [tool.computelease])"
    lines.append("")
    lines.append(f"config file: {found}")
    lines.append("precedence: flag, then environment (LEASE_...), then the config file")
    return "".join(safe(line) + "\n" for line in lines)
