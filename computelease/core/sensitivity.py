"""Sensitivity grids: one metric over one or two varied inputs, like a spreadsheet data table.

An axis is written ``NAME=LOW..HIGH:STEP``: ``discount_rate=6%..12%:1%``,
``market_gpu_hour=3..8:1``, ``delay=0..6:1`` (months), or any field path,
``payments[0].amount=100M..200M:25M``. Each cell is the deal with that
scenario applied, analysed like any other; a cell whose metric cannot be
computed carries the reason instead of a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from computelease import money
from computelease.core.analysis import Settings, analyse
from computelease.core.metrics import Metric
from computelease.core.scenario import ScenarioError, apply
from computelease.errors import FieldError, UsageError
from computelease.models import Deal, Delay, Scenario, path_problem

#: Largest number of values on one axis.
MAX_STEPS = 50
#: Inputs that map to a scenario override of the same name; anything else is a field path.
OVERRIDES = ("discount_rate", "market_gpu_hour", "market_decline", "uptime", "delivered")


@dataclass(frozen=True)
class Axis:
    """One varied input: its name, the values taken, and how each is written for people."""

    parameter: str
    values: tuple[Decimal, ...]
    labels: tuple[str, ...]
    percent: bool


@dataclass(frozen=True, slots=True)
class Cell:
    value: Decimal | None
    why: str | None


@dataclass(frozen=True)
class Grid:
    deal: Deal
    metric: Metric
    rows: Axis
    columns: Axis | None
    cells: tuple[tuple[Cell, ...], ...]


def parse_axis(text: str) -> Axis:
    """``NAME=LOW..HIGH:STEP`` as an axis; raises UsageError with what is wrong."""
    m = re.fullmatch(r"\s*([^=\s]+)\s*=\s*(.+?)\s*\.\.\s*([^:]+?)\s*:\s*(.+?)\s*", text)
    if m is None:
        raise UsageError(
            f"--vary {text!r}: expected NAME=LOW..HIGH:STEP, such as discount_rate=6%..12%:1%"
        )
    name, low_text, high_text, step_text = m.groups()
    if name not in (*OVERRIDES, "delay") and path_problem(name):
        raise UsageError(
            f"--vary {name}: not an input ({path_problem(name)}); use {', '.join(OVERRIDES)}, "
            "delay, or a field path such as payments[0].amount"
        )
    percent = all(t.endswith("%") for t in (low_text, high_text, step_text))
    try:
        low, high, step = (_number(t, percent) for t in (low_text, high_text, step_text))
    except FieldError as exc:
        raise UsageError(f"--vary {text!r}: {exc.message}") from None
    if step <= 0 or high < low:
        raise UsageError(f"--vary {text!r}: the step must be positive and LOW at most HIGH")
    count = int((high - low) / step) + 1
    if count > MAX_STEPS:
        raise UsageError(f"--vary {text!r}: {count} values; at most {MAX_STEPS} per axis")
    values = tuple(low + step * i for i in range(count))
    if percent:
        labels = tuple(money.format_percent(v) for v in values)
    else:
        labels = tuple(money.decimal_text(v) + ("m" if name == "delay" else "") for v in values)
    return Axis(name, values, labels, percent)


def _number(text: str, percent: bool) -> Decimal:
    if percent:
        return money.parse_number(text[:-1], what="percent") / 100
    return money.parse_money(text.lstrip("$€£¥₩"), None)


def _overrides(axis: Axis, value: Decimal) -> dict[str, Any]:
    if axis.parameter == "delay":
        if value != value.to_integral_value():
            raise UsageError("--vary delay: whole months only")
        return {"delay": Delay(int(value), "months")}
    if axis.parameter in OVERRIDES:
        return {axis.parameter: value}
    text = f"{money.decimal_text(value * 100)}%" if axis.percent else money.decimal_text(value)
    return {"set": ((axis.parameter, text),)}


@money.exact
def sensitivity(
    deal: Deal,
    metric: Metric,
    rows: Axis,
    columns: Axis | None = None,
    settings: Settings | None = None,
) -> Grid:
    """The metric for every value of ``rows`` (and of ``columns``, for a two-way grid)."""
    settings = settings or Settings()
    as_of = settings.as_of or deal.start
    if columns is not None and columns.parameter == rows.parameter:
        raise UsageError(f"--vary: {rows.parameter} is on both axes; vary two different inputs")
    # A varied discount rate wins over --rate, which applies to every cell otherwise.
    varied = "discount_rate" in (rows.parameter, columns.parameter if columns else None)
    rate = None if varied else settings.rate
    out: list[tuple[Cell, ...]] = []
    for r in rows.values:
        line = []
        for c in columns.values if columns else (None,):
            fields = _overrides(rows, r)
            if columns is not None and c is not None:
                extra = _overrides(columns, c)
                if "set" in fields and "set" in extra:
                    extra = {"set": fields["set"] + extra["set"]}
                fields = {**fields, **extra}
            line.append(_cell(deal, metric, fields, Settings(as_of=as_of, rate=rate)))
        out.append(tuple(line))
    return Grid(deal, metric, rows, columns, tuple(out))


def _cell(deal: Deal, metric: Metric, fields: dict[str, Any], settings: Settings) -> Cell:
    try:
        scenario = Scenario.model_validate(fields)
        analysis = analyse(apply(deal, scenario).deal, settings)
    except ScenarioError as exc:
        return Cell(None, str(exc))
    except FieldError as exc:
        return Cell(None, exc.message)
    except ValueError as exc:  # pydantic's ValidationError for an override's value
        return Cell(None, str(exc).splitlines()[-1].strip())
    value, why = metric.read(analysis)
    return Cell(value, why)
