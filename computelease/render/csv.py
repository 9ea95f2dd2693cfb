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

from computelease.core.accounting import LeaseBooks
from computelease.core.analysis import BreakevenResult, ScheduleResult
from computelease.core.book import Book, DealComparison
from computelease.core.diff import DealDiff
from computelease.core.reconcile import Reconciliation
from computelease.core.reports import CalcReport
from computelease.core.risk import RiskReport
from computelease.core.sensitivity import SensitivityGrid
from computelease.core.whatif import ScenarioComparison
from computelease.render import json as as_json
from computelease.render.options import RenderOptions
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
DEBT_COLUMNS = (
    "period_start",
    "period_end",
    "paid",
    "opening",
    "drawn",
    "interest",
    "principal",
    "swept",
    "debt_service",
    "closing",
    "cfads",
    "dscr",
)
#: Columns that hold free text from a deal file.
TEXT_COLUMNS = frozenset({"stream", "deal", "metric"})


def _write(
    columns: Sequence[str], rows: Iterable[dict[str, Any]], text: Iterable[str] = TEXT_COLUMNS
) -> str:
    """CSV with a header; cells of the ``text`` columns (and the header) are neutralised."""
    texts = frozenset(text)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_cell(c) for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(column), column in texts) for column in columns])
    return buffer.getvalue()


def _cell(value: Any, is_text: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_cell(str(value)) if is_text else str(value)


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
    # Cash flows and the debt's periods are rows of their own (JSON, schedule --debt).
    out = dict(breakeven)
    for block, rows in (("lessor", ("flows",)), ("financing", ("equity_flows", "periods"))):
        body = breakeven.get(block)
        if body is not None:
            out[block] = {k: v for k, v in body.items() if k not in rows}
    return out


def calc(report: CalcReport, options: RenderOptions) -> str:
    """Every figure of every deal as ``deal,section,metric,value`` (schedules excluded)."""
    rows: list[dict[str, Any]] = []
    for deal in report.deals:
        doc = as_json.deal_document(deal)
        sections = {key: doc[key] for key in ("totals", "commitment", "unit_economics", "checks")}
        sections["breakeven"] = _without_flows(doc["breakeven"])
        if doc["credit"] is not None:
            sections["credit"] = doc["credit"]
        rows.extend(_figures(str(deal.analysis.deal.id), sections))
    return _write(FIGURE_COLUMNS, rows)


def schedule(result: ScheduleResult, options: RenderOptions) -> str:
    """One row per payment, or per month, quarter or year with ``--by``."""
    doc = as_json.schedule_document(result)
    if result.loan is not None:
        return _write(DEBT_COLUMNS, doc["financing"]["periods"])
    if result.buckets is not None:
        return _write(PERIOD_COLUMNS, doc["periods"])
    return _write(SCHEDULE_COLUMNS, doc["schedule"])


def breakeven(result: BreakevenResult, options: RenderOptions) -> str:
    """Every breakeven figure, then each cash flow, as ``deal,section,metric,value,date``.

    A figure's ``date`` is empty; a flow's row is ``lessor.flows`` (or, for a
    financed deal, ``equity.flows``), its kind and label, its amount and date,
    so a spreadsheet filters the flows out by section and sums them by date.
    """
    doc = as_json.breakeven_document(result)
    deal = str(result.deal.id)
    sections = {"breakeven": _without_flows(doc["breakeven"])}
    if doc["credit"] is not None:
        sections["credit"] = doc["credit"]
    rows = list(_figures(deal, sections))
    lessor, loan = doc["breakeven"]["lessor"], doc["breakeven"]["financing"]
    for section, flows in (
        ("lessor.flows", lessor["flows"] if lessor else []),
        ("equity.flows", loan["equity_flows"] if loan else []),
    ):
        rows += [
            {
                "deal": deal,
                "section": section,
                "metric": f"{f['kind']}: {f['label']}",
                "value": f["amount"],
                "date": f["date"],
            }
            for f in flows
        ]
    return _write((*FIGURE_COLUMNS, "date"), rows)


def scenario(result: ScenarioComparison, options: RenderOptions) -> str:
    """``metric,base,scenario,difference``, exact values."""
    doc = as_json.scenario_document(result)
    return _write(
        ("metric", "base", "scenario", "difference"),
        [
            {"metric": row["name"], **{k: row[k] for k in ("base", "scenario", "difference")}}
            for row in doc["metrics"]
        ],
    )


def sensitivity(result: SensitivityGrid, options: RenderOptions) -> str:
    """One row per value of the first input; one column per value of the second (or ``value``)."""
    doc = as_json.sensitivity_document(result)
    head = result.rows.parameter
    labels = list(doc["columns"]["values"]) if doc["columns"] else ["value"]
    rows = [
        {head: value, **{label: cell["value"] for label, cell in zip(labels, line, strict=True)}}
        for value, line in zip(doc["rows"]["values"], doc["cells"], strict=True)
    ]
    return _write((head, *labels), rows)


def compare(result: DealComparison, options: RenderOptions) -> str:
    """``metric`` then one column per deal id."""
    doc = as_json.compare_document(result)
    ids = [d["id"] for d in doc["deals"]]
    rows = [
        {"metric": m["name"], **dict(zip(ids, m["values"], strict=True))} for m in doc["metrics"]
    ]
    return _write(("metric", *ids), rows, text=("metric", *ids))


def book(result: Book, options: RenderOptions) -> str:
    """``year,basis`` then one column per deal id and ``total``."""
    doc = as_json.book_document(result)
    ids = [d["id"] for d in doc["deals"]]
    rows = [
        {"year": year, "basis": basis, **values[basis]}
        for year, values in doc["by_year"].items()
        for basis in ("scheduled", "committed")
    ]
    return _write(("year", "basis", *ids, "total"), rows)


def risk(result: RiskReport, options: RenderOptions) -> str:
    """``deal,figure,statistic,value``: every statistic of every deal, one a row."""
    doc = as_json.risk_document(result)
    rows = []
    for d in doc["deals"]:
        for key, stat in d["statistics"].items():
            for name, value in stat.items():
                if name not in ("label", "kind"):
                    rows.append({"deal": d["id"], "figure": key, "statistic": name, "value": value})
        for key, prob in d["probabilities"].items():
            value = prob["probability"]
            rows.append(
                {"deal": d["id"], "figure": key, "statistic": "probability", "value": value}
            )
    columns = ("deal", "figure", "statistic", "value")
    return _write(columns, rows, text=("deal", "figure", "statistic"))


def diff(result: DealDiff, options: RenderOptions) -> str:
    """``kind,name,old,new,difference,change_percent``: a row per term changed, then per figure."""
    doc = as_json.diff_document(result)
    rows = [
        {"kind": "term", "name": t["path"], "old": t["old"], "new": t["new"]} for t in doc["terms"]
    ]
    rows += [
        {
            "kind": "figure",
            **{k: m[k] for k in ("name", "old", "new", "difference", "change_percent")},
        }
        for m in doc["metrics"]
    ]
    return _write(("kind", "name", "old", "new", "difference", "change_percent"), rows)


#: The month-by-month columns of ``lease account -f csv``.
ACCOUNT_COLUMNS = (
    "month",
    "start",
    "opening",
    "payment",
    "interest",
    "closing",
    "rou_opening",
    "rou_amortisation",
    "rou_closing",
    "expense",
)


def account(result: LeaseBooks, options: RenderOptions) -> str:
    """The liability and the right-of-use asset month by month (the rest is in the JSON)."""
    return _write(ACCOUNT_COLUMNS, as_json.account_document(result)["periods"])


#: The columns of ``lease reconcile -f csv``: one row per payment due.
RECONCILE_COLUMNS = (
    "due",
    "stream",
    "scheduled",
    "credit",
    "paid",
    "paid_on",
    "variance",
    "cumulative_scheduled",
    "cumulative_paid",
    "cumulative_variance",
    "status",
)


def reconcile(result: Reconciliation, options: RenderOptions) -> str:
    """One row per payment due (the findings are in the JSON and on stderr)."""
    return _write(RECONCILE_COLUMNS, as_json.reconcile_document(result)["lines"])
