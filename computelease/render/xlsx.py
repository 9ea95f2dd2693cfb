"""Excel workbooks with live formulas: the inputs, the schedule, and figures that recompute.

A reviewer opens the workbook in a spreadsheet and changes the discount rate
on the Inputs sheet: the present value moves, because it is a formula over
the schedule's cells (``XNPV``), as are the total (``SUM``) and, for
breakeven, the lessor's NPV and IRR (``XIRR``) over its cash flows. Each
formula carries the figure lease computed as its cached value, so the file
shows numbers before any recalculation, and the two agree.

Written with XlsxWriter, which writes formulas with cached values and lets the
creation date be fixed, so the same input gives the same bytes. A spreadsheet
stores numbers as binary doubles: amounts are exact to the cent below 2^53
cents (about $90 trillion), which every deal this tool accepts is under. The
conversion happens here, through :func:`computelease.money.to_float`, and
nowhere else.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from computelease import money
from computelease.core.analysis import Analysis, BreakevenResult, ScheduleResult
from computelease.core.book import DealComparison
from computelease.core.reports import CalcReport
from computelease.models import Deal, as_data
from computelease.render.options import RenderOptions

#: The creation date every workbook carries, so that its bytes depend on its input only.
CREATED: Final = datetime(2000, 1, 1)
DATE_FORMAT: Final = "yyyy-mm-dd"


def calc(report: CalcReport, options: RenderOptions) -> bytes:
    """Per deal: its inputs, its schedule and its summary, the figures live over the schedule."""
    with _Book() as book:
        for n, item in enumerate(report.deals):
            prefix = _prefix(item.analysis.deal, n, len(report.deals))
            rate = _inputs(book, f"{prefix}Inputs", item.analysis.deal, item.analysis.rate)
            cells = _schedule(book, f"{prefix}Schedule", item.analysis, rate)
            _summary(book, f"{prefix}Summary", item.analysis, cells)
        return book.bytes()


def schedule(result: ScheduleResult, options: RenderOptions) -> bytes:
    """The schedule with its total and present value as formulas, and the inputs."""
    with _Book() as book:
        rate = _inputs(book, "Inputs", result.deal, result.rate)
        view = _View(result.deal, result.view.schedule.rows, result.view.valuation, result.as_of)
        _schedule_sheet(book, "Schedule", view, rate)
        return book.bytes()


def breakeven(result: BreakevenResult, options: RenderOptions) -> bytes:
    """The lessor's cash flows, with its NPV and IRR as formulas over them."""
    with _Book() as book:
        lessor = result.breakeven.lessor
        rate = _inputs(book, "Inputs", result.deal, result.rate)
        sheet = book.sheet("Lessor flows")
        sheet.write_row(0, 0, ("Date", "Kind", "Label", "Amount"), book.bold)
        flows = lessor.flows if lessor is not None else ()
        for i, flow in enumerate(flows, start=1):
            sheet.write_datetime(i, 0, _dt(flow.date), book.date)
            sheet.write_string(i, 1, flow.kind)
            sheet.write_string(i, 2, flow.label)
            sheet.write_number(i, 3, money.to_float(flow.amount), book.money)
        last = len(flows)
        summary = book.sheet("Summary")
        summary.write_row(0, 0, ("Figure", "Value", "Basis"), book.bold)
        row = 1
        if lessor is not None and flows:
            amounts = f"'Lessor flows'!$D$2:$D${last + 1}"
            days = f"'Lessor flows'!$A$2:$A${last + 1}"
            if lessor.npv is not None and rate is not None:
                start = f"DATE({result.as_of.year},{result.as_of.month},{result.as_of.day})"
                npv = f"=SUMPRODUCT({amounts},(1+{rate})^(-({days}-{start})/365))"
                row = _formula(book, summary, row, "Lessor NPV", npv, lessor.npv, amount=True)
            if lessor.irr.rate is not None:
                irr = f"=XIRR({amounts},{days})"
                row = _formula(book, summary, row, "Lessor IRR", irr, lessor.irr.rate, amount=False)
        summary.write_string(row + 1, 0, "Amounts are as lease computed them; each formula's")
        summary.write_string(row + 2, 0, "cached value is lease's exact figure.")
        return book.bytes()


def compare(result: DealComparison, options: RenderOptions) -> bytes:
    """Deals as columns, metrics as rows, each figure a number."""
    with _Book() as book:
        sheet = book.sheet("Compare")
        ids = [side.id for side in result.sides]
        sheet.write_row(0, 0, (f"Metric ({result.currency.code})", *ids), book.bold)
        for i, (metric, readings) in enumerate(result.rows, start=1):
            sheet.write_string(i, 0, metric.label)
            for j, (value, why) in enumerate(readings, start=1):
                if value is None:
                    sheet.write_string(i, j, f"n/a: {why}" if why else "n/a")
                elif metric.kind == "rate":
                    sheet.write_number(i, j, money.to_float(value), book.percent)
                elif metric.kind in ("money", "price"):
                    sheet.write_number(i, j, money.to_float(value), book.money)
                else:
                    sheet.write_number(i, j, money.to_float(value))
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(ids), 18)
        return book.bytes()


class _Book:
    """A workbook in memory with the formats the sheets share."""

    def __init__(self) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.workbook.set_properties({"created": CREATED, "author": "computelease"})
        self.bold = self.workbook.add_format({"bold": True})
        self.date = self.workbook.add_format({"num_format": DATE_FORMAT})
        self.money = self.workbook.add_format({"num_format": "#,##0.00"})
        self.percent = self.workbook.add_format({"num_format": "0.00%"})
        self.factor = self.workbook.add_format({"num_format": "0.000000"})

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.workbook.fileclosed:
            self.workbook.close()

    def sheet(self, name: str) -> Any:
        return self.workbook.add_worksheet(_sheet_name(name))

    def bytes(self) -> bytes:
        self.workbook.close()
        return self.buffer.getvalue()


class _View:
    def __init__(self, deal: Deal, rows: Sequence[Any], valuation: Any, as_of: date) -> None:
        self.deal, self.rows, self.valuation, self.as_of = deal, rows, valuation, as_of


def _prefix(deal: Deal, n: int, count: int) -> str:
    return "" if count == 1 else f"{n + 1} {deal.id} "[:20]


def _sheet_name(name: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name)
    return cleaned[:31]


def _dt(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _inputs(book: _Book, name: str, deal: Deal, rate: Decimal | None) -> str | None:
    """Every term and assumption with its basis; the discount rate in a named cell."""
    sheet = book.sheet(name)
    sheet.write_row(0, 0, ("Field", "Value", "Basis"), book.bold)
    sheet.write_string(1, 0, "Discount rate (change it: the present value follows)")
    reference = None
    if rate is not None:
        sheet.write_number(1, 1, money.to_float(rate), book.percent)
        reference = f"'{_sheet_name(name)}'!$B$2"
        defined = f"discount_rate_{deal.id}".replace("-", "_")[:250]
        book.workbook.define_name(defined, f"={reference}")
    else:
        sheet.write_string(1, 1, "none")
    sheet.write_string(1, 2, "assumed")
    for i, (path, value) in enumerate(_terms(deal), start=2):
        sheet.write_string(i, 0, path)
        if isinstance(value, Decimal):
            sheet.write_number(i, 1, money.to_float(value))
        elif isinstance(value, date):
            sheet.write_datetime(i, 1, _dt(value), book.date)
        else:
            sheet.write_string(i, 1, str(value))
        sheet.write_string(i, 2, _basis(path))
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 1, 20)
    return reference


def _terms(deal: Deal) -> Iterator[tuple[str, object]]:
    def walk(value: object, path: str) -> Iterator[tuple[str, object]]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                yield from walk(inner, f"{path}[{i}]")
        elif value is not None and path not in {"notes"}:
            shown = value.fraction if isinstance(value, money.Percent) else value
            yield path, shown if isinstance(shown, Decimal | date) else str(shown)

    yield from walk(as_data(deal), "")


def _basis(path: str) -> str:
    if path.startswith("reported."):
        return "reported"
    if path.startswith(("assumptions.", "risk.", "accounting.", "scenarios.")):
        return "assumed"
    if path.startswith("sources"):
        return "source"
    return "contract term"


def _schedule(book: _Book, name: str, a: Analysis, rate: str | None) -> tuple[str, str]:
    view = _View(a.deal, a.base.schedule.rows, a.base.valuation, a.as_of)
    return _schedule_sheet(book, name, view, rate)


def _schedule_sheet(book: _Book, name: str, view: _View, rate: str | None) -> tuple[str, str]:
    """The schedule, a zero flow on the valuation date before the first payment valued.

    Returns the cells of the total and the present value.
    """
    sheet = book.sheet(name)
    sheet.write_row(0, 0, ("Date", "Stream", "Period from", "Period to", "Amount"), book.bold)
    r = 1
    first_valued = None
    for row in view.rows:
        if first_valued is None and row.date >= view.as_of:
            # Excel's XNPV discounts from the first date of its range: a zero flow on the
            # valuation date makes that date the valuation date, as lease's convention is.
            sheet.write_datetime(r, 0, _dt(view.as_of), book.date)
            sheet.write_string(r, 1, "valuation date (present value from here)")
            sheet.write_number(r, 4, 0, book.money)
            first_valued = r
            r += 1
        sheet.write_datetime(r, 0, _dt(row.date), book.date)
        sheet.write_string(r, 1, row.stream)
        if row.period_start is not None:
            sheet.write_datetime(r, 2, _dt(row.period_start), book.date)
        if row.period_end is not None:
            sheet.write_datetime(r, 3, _dt(row.period_end), book.date)
        sheet.write_number(r, 4, money.to_float(row.amount), book.money)
        r += 1
    last = r
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 3, 12)
    sheet.set_column(4, 4, 20)
    name = _sheet_name(name)
    total_cell = f"'{name}'!$E${last + 2}"
    sheet.write_string(last + 1, 3, "Total", book.bold)
    total = sum((row.amount for row in view.rows), money.ZERO)
    sheet.write_formula(last + 1, 4, f"=SUM(E2:E{last})", book.money, money.to_float(total))
    pv_cell = ""
    if rate is not None and view.valuation is not None and first_valued is not None:
        pv_cell = f"'{name}'!$E${last + 3}"
        sheet.write_string(last + 2, 3, "Present value", book.bold)
        formula = f"=XNPV({rate},E{first_valued + 1}:E{last},A{first_valued + 1}:A{last})"
        cached = money.to_float(view.valuation.present_value)
        sheet.write_formula(last + 2, 4, formula, book.money, cached)
    return total_cell, pv_cell


def _summary(book: _Book, name: str, a: Analysis, cells: tuple[str, str]) -> None:
    sheet = book.sheet(name)
    sheet.write_row(0, 0, ("Figure", "Value", "Basis"), book.bold)
    total_cell, pv_cell = cells
    row = _formula(book, sheet, 1, "Total", f"={total_cell}", a.base.totals.total, amount=True)
    if pv_cell and a.base.valuation is not None:
        pv = a.base.valuation.present_value
        row = _formula(book, sheet, row, "Present value", f"={pv_cell}", pv, amount=True)
    for label, value, basis in (
        ("Committed value", a.commitment.committed_value, "computed"),
        ("Average per month", a.base.totals.average_monthly, "computed"),
        ("Price per GPU-hour", a.units.price_per_gpu_hour.value, "computed"),
    ):
        sheet.write_string(row, 0, label)
        if value is None:
            sheet.write_string(row, 1, "n/a")
        else:
            sheet.write_number(row, 1, money.to_float(value), book.money)
        sheet.write_string(row, 2, basis)
        row += 1
    lessor = a.breakeven.lessor
    if lessor is not None and lessor.irr.rate is not None:
        sheet.write_string(row, 0, "Lessor IRR")
        sheet.write_number(row, 1, money.to_float(lessor.irr.rate), book.percent)
        sheet.write_string(row, 2, "computed (lease breakeven -f xlsx has it live)")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 44)


def _formula(
    book: _Book, sheet: Any, row: int, label: str, formula: str, value: Decimal, *, amount: bool
) -> int:
    """A live figure: its formula, and lease's exact figure as the cached value."""
    sheet.write_string(row, 0, label)
    shown = book.money if amount else book.percent
    sheet.write_formula(row, 1, formula, shown, money.to_float(value))
    sheet.write_string(row, 2, "formula")
    return row + 1
