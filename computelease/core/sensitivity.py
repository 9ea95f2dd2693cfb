"""Sensitivity grids: one metric over one or two varied inputs, like a spreadsheet data table.

An :class:`Axis` varies one input over a list of values: a scenario override
(``discount_rate``, ``market_gpu_hour``, ``market_decline``, ``uptime``,
``delivered``, ``delay``) or any numeric field of the deal by its path
(``payments[0].amount``). Each cell is the deal with that scenario applied,
analysed like any other; a cell whose metric cannot be computed carries the
reason instead of a number. Reading an axis from text (``6%..12%:1%``) is the
command line's business; here values are exact already.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import ValidationError

from computelease import dates, money, paths
from computelease.core.analysis import Analysis, analyse
from computelease.core.metrics import Metric
from computelease.core.scenario import ScenarioError, apply, unreachable
from computelease.core.whatif import settings_for
from computelease.errors import Codes, FieldError, RequestError
from computelease.fields import Delay, Kind
from computelease.models import Deal, Scenario, schedule_rows
from computelease.validation import validation_issues

#: Largest number of values on one axis.
MAX_STEPS: Final = 50
#: The work one grid may do, in units of :func:`cell_work`: about two seconds on a 2-core
#: machine (measured on the shipped deals), since every cell is a whole analysis.
MAX_GRID_WORK: Final = 120_000
#: What a cell's parts cost, in those units (about 10 microseconds each, measured): a
#: schedule row, a month of the lessor's costs (and more for each tranche), and the fixed
#: part of an analysis (the IRR's search, the figures).
ROW_WORK, MONTH_WORK, TRANCHE_MONTH_WORK, FIXED_WORK = 2, 20, 4, 200
LOAN_MONTH_WORK = 5
#: Inputs that map to a scenario override of the same name, and what each holds.
OVERRIDES: Final[dict[str, Kind]] = {
    "discount_rate": Kind.RATE,
    "market_gpu_hour": Kind.MONEY,
    "market_decline": Kind.RATE,
    "uptime": Kind.RATE,
    "delivered": Kind.RATE,
    "delay": Kind.DELAY,
}
#: The block of the deal each override needs, if any.
NEEDS: Final = {"uptime": ("sla", "an sla block"), "delivered": ("delivery", "a delivery block")}
#: Kinds of field a path may vary: numbers only.
VARIABLE: Final = frozenset({Kind.MONEY, Kind.RATE, Kind.COUNT, Kind.NUMBER})


@dataclass(frozen=True)
class Axis:
    """One varied input and its values, exact: fractions for rates, amounts for money.

    A ``delay`` axis counts ``unit`` (months or days); every other axis has
    no unit. ``kind`` says how the values are read and shown; ``currency``,
    the currency money values were written in, if they carried a mark.
    """

    parameter: str
    kind: Kind
    values: tuple[Decimal, ...]
    unit: Literal["months", "days"] | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    value: Decimal | None
    why: str | None
    #: The cap cut the payments in this cell: the figures cannot rise past it.
    capped: bool = False


@dataclass(frozen=True)
class SensitivityGrid:
    """One metric for every value of ``rows`` (and of ``columns``, for a two-way grid)."""

    deal: Deal
    source: str
    metric: Metric
    rows: Axis
    columns: Axis | None
    cells: tuple[tuple[Cell, ...], ...]


def input_kind(parameter: str) -> Kind:
    """What an input holds: an override's kind, or the kind of the field a path names.

    Raises RequestError (E502) for a name that is neither, or a field that is
    not a number (a date, a name).
    """
    if parameter in OVERRIDES:
        return OVERRIDES[parameter]
    why = paths.problem(parameter, Deal)
    if why is not None:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"{parameter}: not an input ({why}); vary {', '.join(OVERRIDES)} "
            "or a field path such as payments[0].amount",
        )
    field = paths.field_at(Deal, paths.parse(parameter))
    kind = paths.field_metadata(field, Kind) if field is not None else None
    if not isinstance(kind, Kind) or kind not in VARIABLE:
        raise RequestError(
            Codes.NOT_APPLICABLE, f"{parameter}: not a number, so it cannot be varied"
        )
    return kind


def axis_bound(kind: Kind) -> Decimal:
    """The largest magnitude an axis of ``kind`` takes: 100% for a rate, 10^15 for the rest."""
    return money.ONE if kind is Kind.RATE else money.MAX_AMOUNT


def check_axis(deal: Deal, axis: Axis) -> None:
    """Refuse (RequestError) an axis this deal cannot take: an input it lacks the block for.

    A value that is not a number or lies beyond :func:`axis_bound` is E507.
    """
    bound = axis_bound(axis.kind)
    for value in axis.values:
        if not (value.is_finite() and abs(value) <= bound):
            within = "-100% to 100%" if axis.kind is Kind.RATE else "-10^15 to 10^15"
            raise RequestError(
                Codes.BAD_SETTING,
                f"{axis.parameter}: the value {str(value)[:40]} is out of range; "
                f"give values from {within}",
            )
    if axis.currency is not None and axis.currency != deal.currency:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"{axis.parameter}: the values are in {axis.currency} but the deal is in "
            f"{deal.currency}; write them without a mark",
        )
    kind = input_kind(axis.parameter)
    if kind is not axis.kind:
        raise RequestError(
            Codes.NOT_APPLICABLE, f"{axis.parameter} holds a {kind.value}, not a {axis.kind.value}"
        )
    if not 1 <= len(axis.values) <= MAX_STEPS:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"{axis.parameter}: {len(axis.values)} values; give 1 to {MAX_STEPS} per axis",
        )
    if axis.kind is Kind.DELAY and any(v != v.to_integral_value() or v < 0 for v in axis.values):
        raise RequestError(
            Codes.NOT_APPLICABLE, f"{axis.parameter}: a delay is a whole number of months or days"
        )
    if axis.parameter not in OVERRIDES:
        missing = unreachable(deal, axis.parameter)
        if missing is not None:
            raise RequestError(Codes.NOT_APPLICABLE, missing)
    block = NEEDS.get(axis.parameter)
    if block is not None and getattr(deal, block[0]) is None:
        raise RequestError(
            Codes.NOT_APPLICABLE, f"{axis.parameter} needs {block[1]}, and the deal has none"
        )


def cell_work(deal: Deal, metric: Metric | None = None) -> int:
    """What analysing ``deal`` once costs, in schedule rows' worth (measured, not exact).

    Its rows, the months of the lessor's costs (more with more tranches) and of its
    loan, and a fixed part; twice that for a ``metric`` that analyses a scenario of
    its own.
    """
    work = ROW_WORK * schedule_rows(deal) + FIXED_WORK
    lessor = deal.assumptions.lessor
    if lessor is not None:
        tranches = len(deal.capacity.tranches) if deal.capacity else 0
        months = dates.month_span(deal.start, deal.term_end).whole + 1
        costs = months * (MONTH_WORK + TRANCHE_MONTH_WORK * tranches)
        if lessor.financing is not None:
            # The loan's months are cheap; its equity IRR costs about a fixed part (a cell
            # leaves out the lender's view of a walkaway).
            costs += months * LOAN_MONTH_WORK + FIXED_WORK
        work += costs
    return work * (1 + (metric.extra_analyses if metric is not None else 0))


def _too_much(cells: int, done: int | None = None) -> RequestError:
    reached = f"; it stopped after {done:,}" if done is not None else ""
    return RequestError(
        Codes.NOT_APPLICABLE,
        f"a grid of {cells:,} cells of this deal is more work than one run does (about two "
        f"seconds: each cell is a whole analysis){reached}; give fewer values",
    )


def _overrides(axis: Axis, value: Decimal) -> dict[str, Any]:
    if axis.kind is Kind.DELAY:
        return {"delay": Delay(int(value), axis.unit or "months")}
    # Written as the user writes them, so that a refusal quotes the value as they know it.
    text = f"{money.decimal_text(value * 100)}%" if axis.kind is Kind.RATE else None
    if axis.parameter in OVERRIDES:
        return {axis.parameter: text or value}
    return {"set": ((axis.parameter, text or money.decimal_text(value)),)}


@money.exact
def sensitivity(
    base: Analysis,
    metric: Metric,
    rows: Axis,
    columns: Axis | None = None,
    *,
    source: str = "",
) -> SensitivityGrid:
    """The metric for every value of ``rows`` (and of ``columns``, for a two-way grid).

    ``base`` is the deal analysed as given: every cell is valued from its
    valuation date. Raises RequestError for an axis the deal cannot take or
    the same input on both axes.
    """
    deal = base.deal
    for axis in (rows, columns):
        if axis is not None:
            check_axis(deal, axis)
    if columns is not None and columns.parameter == rows.parameter:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"{rows.parameter} is on both axes; vary two different inputs",
        )
    cells = len(rows.values) * (len(columns.values) if columns else 1)
    # The overrides keep the term or shorten it, so the deal as given prices every cell; a
    # field path (months, end) may lengthen it, so each cell is also counted as it comes.
    neutral = all(a.parameter in OVERRIDES for a in (rows, columns) if a is not None)
    if neutral and cells * cell_work(deal, metric) > MAX_GRID_WORK:
        raise _too_much(cells)
    spent = 0
    out: list[tuple[Cell, ...]] = []
    for r in rows.values:
        line: list[Cell] = []
        for c in columns.values if columns else (None,):
            fields = _overrides(rows, r)
            if columns is not None and c is not None:
                extra = _overrides(columns, c)
                if "set" in fields and "set" in extra:
                    extra = {"set": fields["set"] + extra["set"]}
                fields = {**fields, **extra}
            cell, work = _cell(base, metric, fields)
            spent += work
            if spent > MAX_GRID_WORK:
                raise _too_much(cells, sum(map(len, out)) + len(line))
            line.append(cell)
        out.append(tuple(line))
    return SensitivityGrid(deal, source or str(deal.id), metric, rows, columns, tuple(out))


def _cell(base: Analysis, metric: Metric, fields: dict[str, Any]) -> tuple[Cell, int]:
    """One cell, and its work: the deal with these overrides, valued as a scenario of it is
    (a varied discount rate wins over the rate given, which values every other cell).

    A cell that grows past the grid's budget is refused before it is analysed.
    """
    try:
        overrides = Scenario.model_validate(fields)
        varied = apply(base.deal, overrides).deal
        work = cell_work(varied, metric)
        if work > MAX_GRID_WORK:
            return Cell(None, None), work
        analysis = analyse(varied, settings_for(base, overrides), lender=False)
    except ScenarioError as exc:
        return Cell(None, str(exc)), FIXED_WORK
    except FieldError as exc:
        return Cell(None, exc.message), FIXED_WORK
    except ValidationError as exc:  # an override's value the scenario refuses
        reason = "; ".join(issue.message for issue in validation_issues(exc))
        return Cell(None, reason), FIXED_WORK
    value, why = metric.read(analysis)
    return Cell(value, why, analysis.base.schedule.cap_date is not None), work
