"""CSV output: one header row, then one row per schedule line, period or figure.

Amounts are exact (``6300000000.00``), with no thousands separators and no
currency marks; dates are ISO. Text cells (names, streams, notes; never
numeric cells) that start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return are prefixed with a single quote, so a spreadsheet shows
them as text instead of running them as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from computelease.core.analysis import BreakevenResult, ScheduleResult
from computelease.render import json as as_json
from computelease.render.model import DealReport, RenderOptions
from computelease.render.safe import spreadsheet_cell

SCHEDULE_COLUMNS = (
    "n",
    "stream",
    "kind",
    "option",
    "period_start",
    "period_end",
    "date",
    "fraction",
    "scheduled",
    "cap_cut",
    "credit",
    "amount",
    "cumulative",
    "discount_factor",
    "present_value",
)
PERIOD_COLUMNS = ("period", "start", "end", "payments", "amount", "cumulative", "present_value")
FIGURE_COLUMNS = ("deal", "section", "metric", "value")
#: Columns that hold free text from a deal file.
TEXT_COLUMNS = frozenset({"stream", "deal", "metric"})


def _write(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(column, row.get(column)) for column in columns])
    return buffer.getvalue()


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return spreadsheet_cell(text) if column in TEXT_COLUMNS else text


def _flatten(prefix: str, value: Any) -> Iterable[tuple[str, Any]]:
    """A JSON document as (dotted key, scalar) pairs: the long form a spreadsheet sorts."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else key, inner)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _flatten(f"{prefix}[{i}]", inner)
    else:
        yield prefix, value


def _figures(deal_id: str, sections: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for section, body in sections.items():
        for metric, value in _flatten("", body):
            yield {"deal": deal_id, "section": section, "metric": metric, "value": value}


def _without_flows(breakeven: dict[str, Any]) -> dict[str, Any]:
    # Cash flows are rows of their own (JSON), not figures.
    lessor = breakeven["lessor"]
    if lessor is None:
        return breakeven
    return {**breakeven, "lessor": {k: v for k, v in lessor.items() if k != "flows"}}


def calc(reports: Sequence[DealReport], options: RenderOptions) -> str:
    """Every figure of every deal as ``deal,section,metric,value`` (schedules excluded)."""
    rows: list[dict[str, Any]] = []
    for report in reports:
        doc = as_json.deal_document(report)
        sections = {key: doc[key] for key in ("totals", "commitment", "unit_economics", "checks")}
        sections["breakeven"] = _without_flows(doc["breakeven"])
        rows.extend(_figures(str(report.analysis.deal.id), sections))
    return _write(FIGURE_COLUMNS, rows)


def schedule(result: ScheduleResult, path: str, options: RenderOptions) -> str:
    """One row per payment, or per month, quarter or year with ``--by``."""
    doc = as_json.schedule_document(result, path)
    if result.buckets is not None:
        return _write(PERIOD_COLUMNS, doc["periods"])
    return _write(SCHEDULE_COLUMNS, doc["schedule"])


def breakeven(result: BreakevenResult, path: str, options: RenderOptions) -> str:
    """Every breakeven figure as ``deal,section,metric,value``; cash flows are in the JSON."""
    body = _without_flows(as_json.breakeven_document(result, path)["breakeven"])
    return _write(FIGURE_COLUMNS, _figures(str(result.deal.id), {"breakeven": body}))
