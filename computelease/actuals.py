"""The actuals file of ``lease reconcile``: invoices and payments as a CSV, read row by row.

A header row names the columns: ``date`` and ``amount`` are required;
``stream``, ``credit`` (the SLA credit granted), ``uptime`` (the period's)
and ``reference`` are optional, in any order and any case. Each value is read
as the deal file reads its own (dates ``YYYY-MM-DD``, amounts exactly as
written, ``$1.5M`` included), and a row that cannot be read is a problem at
its line, naming the column, while every other row is kept.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar

from computelease import dates, money
from computelease.core.reconcile import Actual
from computelease.errors import Codes, DealInvalid, FieldError, Problem
from computelease.source import decode, read_file

REQUIRED: Final = ("date", "amount")
OPTIONAL: Final = ("stream", "credit", "uptime", "reference")
COLUMNS: Final = (*REQUIRED, *OPTIONAL)
T = TypeVar("T")


def read_actuals(
    path: Path, currency: str, *, name: str | None = None
) -> tuple[tuple[Actual, ...], tuple[Problem, ...]]:
    """Every readable row of the file, and a problem for each that is not (or for the file)."""
    shown = name or str(path)
    text = decode(read_file(path, shown), shown)
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None:
        raise DealInvalid([Problem(shown, None, None, Codes.ACTUALS_ROW, "the file is empty")])
    names = [h.strip().lower() for h in header]
    problems = [
        Problem(shown, 1, None, Codes.ACTUALS_ROW, _unknown(h)) for h in names if h not in COLUMNS
    ]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        problems.append(
            Problem(
                shown,
                1,
                None,
                Codes.ACTUALS_ROW,
                f"the header has no {' or '.join(missing)} column: it needs date and amount",
            )
        )
        raise DealInvalid(problems)
    actuals = []
    for line, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        try:
            actuals.append(_actual(line, dict(zip(names, cells, strict=False)), currency))
        except FieldError as exc:
            problems.append(Problem(shown, line, None, Codes.ACTUALS_ROW, exc.message))
    return tuple(actuals), tuple(problems)


def _unknown(column: str) -> str:
    close = difflib.get_close_matches(column, COLUMNS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown column {column!r}{hint} (columns: {', '.join(COLUMNS)})"


def _cell(cells: dict[str, str], column: str) -> str | None:
    value = cells.get(column, "").strip()
    return value or None


def _read(cells: dict[str, str], column: str, parse: Callable[[str], T]) -> T | None:
    """A cell read by its parser; a refusal names the column."""
    value = _cell(cells, column)
    if value is None:
        return None
    try:
        return parse(value)
    except FieldError as exc:
        raise FieldError(exc.code, f"{column}: {exc.message}") from None


def _actual(line: int, cells: dict[str, str], currency: str) -> Actual:
    for column in REQUIRED:
        if _cell(cells, column) is None:
            raise FieldError(Codes.ACTUALS_ROW, f"{column}: empty; every row needs a {column}")
    day = _read(cells, "date", dates.parse_date)
    amount = _read(cells, "amount", lambda v: money.parse_money(v, currency))
    assert day is not None and amount is not None  # both required above
    return Actual(
        line=line,
        date=day,
        amount=amount,
        stream=_cell(cells, "stream"),
        credit=_read(cells, "credit", lambda v: money.parse_money(v, currency)),
        uptime=_read(
            cells,
            "uptime",
            lambda v: money.parse_rate(v, low=money.ZERO, high=money.ONE, what="uptime"),
        ),
        reference=_cell(cells, "reference"),
    )
