"""JSON output: a stable contract for scripts.

Money is a string with exact minor units (``"6300000000.00"``), rates and
ratios are strings (``"0.1"``), dates are ISO, counts are integers, and the
term in months is a decimal string. Keys keep a fixed order; a figure that
cannot be computed is ``null`` with the reason in a sibling ``notes`` list,
never a missing key. The same input always gives byte-identical output.
``FORMAT_VERSION`` changes whenever a key is removed, renamed or changes
meaning (a test keeps the key set pinned to the version).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from computelease import money
from computelease.core.valuation import IRR_TOLERANCE, Flow, Irr, Valuation
from computelease.render.document import axis_labels

if TYPE_CHECKING:
    from computelease.core.accounting import LeaseBooks
    from computelease.core.analysis import Analysis, BreakevenResult, ScheduleResult, View
    from computelease.core.book import Book, DealComparison, Side
    from computelease.core.breakeven import Breakeven
    from computelease.core.commitment import Commitment
    from computelease.core.credit import CreditView
    from computelease.core.diff import DealDiff
    from computelease.core.financing import Loan
    from computelease.core.reconcile import Reconciliation
    from computelease.core.reported import CheckResult
    from computelease.core.reports import CalcReport, CheckRun, DealReport
    from computelease.core.risk import BookRisk, DealRisk, RiskInputs, RiskReport, Statistic
    from computelease.core.schedule import Schedule
    from computelease.core.sensitivity import Axis, SensitivityGrid
    from computelease.core.totals import Bucket
    from computelease.core.units import Figure, UnitEconomics
    from computelease.core.whatif import ScenarioComparison
    from computelease.errors import Problem
    from computelease.models import Deal, Scenario
    from computelease.render.options import RenderOptions

#: Version 2 renamed ``below_market_from`` to ``market_below_lease_from``, replaced the
#: IRR's ``approximate`` by ``tolerance``, and measures the commitment from the valuation date.
FORMAT_VERSION = 2

Json = dict[str, Any]
#: JSON's string encoder, ASCII only (as ``ensure_ascii=True``), from the C accelerator.
_encode: Callable[[str], str] = json.encoder.encode_basestring_ascii


class Rows:
    """A long list of a document (a schedule) whose rows are made only as they are written.

    A 50,000-row schedule held as dicts costs hundreds of megabytes; this
    makes one row's dict at a time, for :func:`dumps` and for CSV alike.
    """

    def __init__(self, count: int, row: Callable[[int], Json]) -> None:
        self._count = count
        self._row = row

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Json]:
        return (self._row(i) for i in range(self._count))


def _holds_rows(value: Any) -> bool:
    if isinstance(value, Rows):
        return True
    if isinstance(value, dict):
        return any(_holds_rows(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_holds_rows(inner) for inner in value)
    return False


def dumps(document: Any) -> str:
    """The document as JSON, two-space indented, ASCII only; :class:`Rows` written row by row.

    ensure_ascii keeps any terminal or log safe from control characters in deal
    text. The text is exactly what ``json.dumps(document, indent=2)`` would give
    with every Rows a list.
    """
    if not _holds_rows(document):
        # Copying the document to swap nothing out would double a large book's memory.
        return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    lazy: list[Rows] = []

    def swap(value: Any) -> Any:
        if isinstance(value, Rows):
            lazy.append(value)
            return f"\x00rows{len(lazy) - 1}\x00"
        if isinstance(value, dict):
            return {key: swap(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [swap(inner) for inner in value]
        return value

    text = json.dumps(swap(document), indent=2, ensure_ascii=True)
    pieces: list[str] = []
    for i, rows in enumerate(lazy):
        token = json.dumps(f"\x00rows{i}\x00")
        before, text = text.split(token, 1)
        line = before[before.rfind("\n") + 1 :]
        pieces.append(before)
        _write_list(pieces, rows, len(line) - len(line.lstrip(" ")))
    pieces.append(text)
    pieces.append("\n")
    return "".join(pieces)


def _write_list(pieces: list[str], rows: Rows, depth: int) -> None:
    """``rows`` as the JSON list ``json.dumps`` would write at ``depth``, one piece a row."""
    if not len(rows):
        pieces.append("[]")
        return
    inner = " " * (depth + 2)
    pieces.append("[\n")
    for n, row in enumerate(rows):
        if n:
            pieces.append(",\n")
        pieces.append(_flat_row(row, inner))
    pieces.append("\n" + " " * depth + "]")


def _flat_row(row: Json, inner: str) -> str:
    """A row of scalars as ``json.dumps(row, indent=2)`` writes it, indented by ``inner``.

    With an indent, json.dumps runs in pure Python; a schedule row holds only
    text, numbers, booleans and nulls, which are written here with the C
    string encoder, several times faster. A row holding anything else is left
    to json.dumps.
    """
    if not row:
        return inner + "{}"
    fields = []
    for key, value in row.items():
        if isinstance(value, str):
            text = _encode(value)
        elif value is None:
            text = "null"
        elif value is True or value is False:
            text = "true" if value else "false"
        elif type(value) is int:
            text = str(value)
        else:
            return inner + json.dumps(row, indent=2, ensure_ascii=True).replace("\n", "\n" + inner)
        fields.append(f"{inner}  {_encode(key)}: {text}")
    return f"{inner}{{\n" + ",\n".join(fields) + f"\n{inner}}}"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _num(value: Decimal | None) -> str | None:
    return money.decimal_text(value) if value is not None else None


class _Money:
    """Writes amounts in one deal's (or one comparison's) currency."""

    def __init__(self, deal: Deal | money.Currency) -> None:
        self.ccy = deal if isinstance(deal, money.Currency) else deal.ccy

    def __call__(self, value: Decimal | None) -> str | None:
        return money.plain(value, self.ccy) if value is not None else None


def problem(p: Problem) -> Json:
    return {
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "severity": p.severity.value,
        "code": p.code.id,
        "message": p.message,
        "field": p.field,
    }


def check(run: CheckRun) -> str:
    """``lease check --format json``: every problem, as an array."""
    return dumps([problem(p) for p in run.problems])


def deal_header(deal: Deal, path: str) -> Json:
    return {
        "id": deal.id,
        "name": deal.name,
        "lessor": deal.lessor,
        "lessee": deal.lessee,
        "currency": deal.currency,
        "start": _day(deal.start),
        "end": _day(deal.term_end),
        "file": path,
    }


def schedule_rows(schedule: Schedule, valuation: Valuation | None) -> Rows:
    """Each row of a schedule for JSON and CSV, made as it is written."""
    m = _Money(schedule.deal)
    rows = schedule.rows

    def row(i: int) -> Json:
        r = rows[i]
        return {
            "n": r.n,
            "stream": r.stream,
            "kind": r.kind,
            "option": r.option,
            "period_start": _day(r.period_start),
            "period_end": _day(r.period_end),
            "date": _day(r.date),
            "fraction": _num(money.round_to(r.fraction, 10)) if r.fraction is not None else None,
            "adjustment": _num(r.adjustment),
            "scheduled": m(r.scheduled),
            "cap_cut": m(r.cap_cut),
            "credit": m(r.credit),
            "amount": m(r.amount),
            "cumulative": m(r.cumulative),
            "discount_factor": _num(valuation.factors[i]) if valuation else None,
            "present_value": m(valuation.values[i]) if valuation else None,
        }

    return Rows(len(rows), row)


def _totals(view: View, options: View | None, commitment: Commitment, notes: list[str]) -> Json:
    m = _Money(view.schedule.deal)
    t = view.totals
    v = view.valuation
    up_to = options or view
    return {
        "total": m(t.total),
        "scheduled_total": m(t.scheduled_total),
        "total_with_options": m(options.totals.total if options else t.total),
        "cap": m(t.cap),
        "cap_date": _day(t.cap_date),
        "cap_cut": m(t.cap_cut),
        "payments": t.payments,
        "prepayments": t.prepayments,
        "payments_covered_by_prepayments": t.covered,
        "payments_cut_by_cap": t.capped,
        "months": _num(t.months),
        "days": t.days,
        "average_monthly": m(t.average_monthly),
        "run_rate": m(t.run_rate),
        "by_year": {str(year): m(amount) for year, amount in t.by_year},
        "by_year_with_options": {str(year): m(amount) for year, amount in up_to.totals.by_year},
        "by_quarter": {quarter: m(amount) for quarter, amount in t.by_quarter},
        "present_value": m(v.present_value) if v else None,
        "present_value_with_options": m(up_to.valuation.present_value) if up_to.valuation else None,
        "payments_before_valuation_date": v.excluded if v else None,
        "amount_before_valuation_date": m(v.excluded_amount) if v else None,
        "committed_value": m(commitment.committed_value),
        "notes": notes,
    }


def _commitment(c: Commitment, deal: Deal) -> Json:
    m = _Money(deal)
    return {
        "termination_right": c.has_right,
        "early_end_possible": c.early,
        "as_of": _day(c.as_of),
        "remaining": c.remaining,
        "by": c.by,
        "notice_days": c.notice_days,
        "notice_date": _day(c.notice_date),
        "effective_end": _day(c.effective_end),
        "last_day_covered": _day(c.last_day),
        "payments": m(c.payments),
        "prepaid": m(c.prepaid),
        "fee": m(c.fee),
        "committed_value": m(c.committed_value),
        "headline_value": m(c.headline),
        "share_of_headline": _num(c.share),
        "months": _num(c.months),
        "notes": [] if c.share is not None else ["the headline value is zero: no share of it"],
    }


def _units(u: UnitEconomics) -> Json:
    figures: dict[str, Figure] = {
        "term_hours": u.term_hours,
        "gpus": u.gpus,
        "gpu_hours": u.gpu_hours,
        "price_per_gpu_hour": u.price_per_gpu_hour,
        "market_gpu_hour": u.market_gpu_hour,
        "implied_gpus": u.implied_gpus,
        "premium_to_market": u.premium_to_market,
        "power_mw": u.power_mw,
        "price_per_kw_month": u.price_per_kw_month,
    }
    out: Json = {"hours_basis": u.hours_basis}
    for key, fig in figures.items():
        if key in ("gpus", "implied_gpus") and fig.value is not None:
            out[key] = int(fig.value)
        else:
            out[key] = _num(fig.value)
    out["basis"] = {key: fig.basis for key, fig in figures.items()}
    out["tranches"] = [
        {
            "name": t.name,
            "gpus": t.gpus,
            "power_mw": _num(t.power_mw),
            # A dropped tranche is in service on no day; it arrives on in_service_from.
            "in_service_from": _day(t.first),
            "in_service_to": None if t.dropped else _day(t.last),
            "dropped": t.dropped,
        }
        for t in u.tranches
    ]
    # Several figures share a cause ("no GPU count"): say each cause once.
    out["notes"] = list(
        dict.fromkeys(f.note for f in figures.values() if f.value is None and f.note)
    )
    return out


def _irr(irr: Irr) -> Json:
    return {
        "rate": _num(irr.rate),
        "tolerance": f"{IRR_TOLERANCE:g}",
        "roots": [_num(r) for r in irr.roots],
        "sign_changes": irr.sign_changes,
        "note": irr.note,
    }


def _flows(flows: Sequence[Flow], m: _Money) -> list[Json]:
    return [
        {"date": _day(f.date), "kind": f.kind, "label": f.label, "amount": m(f.amount)}
        for f in flows
    ]


def _breakeven(b: Breakeven, deal: Deal) -> Json:
    m = _Money(deal)
    lessor = lessee = market = None
    if b.lessor is not None:
        x = b.lessor
        lessor = {
            "capex": m(x.capex),
            "capex_date": _day(x.capex_date),
            "it_capex": m(x.it_capex),
            "facility_capex": m(x.facility_capex),
            "opex_monthly": m(x.opex_monthly),
            "running_costs": {part.replace(" ", "_"): m(amount) for part, amount in x.opex_parts},
            "residual": m(x.residual),
            "end_value": {
                "value": m(x.end_value.value),
                "basis": x.end_value.basis,
                "it": m(x.end_value.it_value),
                "facility": m(x.end_value.facility_value),
                "on": _day(x.end_value.on),
                "relet_from": _day(x.end_value.relet_from),
            },
            "years": [
                {
                    "year": y.year,
                    "revenue": m(y.revenue),
                    "opex": m(y.opex),
                    "ebitda": m(y.ebitda),
                    "depreciation": m(y.depreciation),
                    "depreciation_it": m(y.depreciation_it),
                    "depreciation_facility": m(y.depreciation_facility),
                    "ebit": m(y.ebit),
                    "received": m(y.received),
                    "capex": m(y.capex),
                    "cash": m(y.cash),
                }
                for y in x.years
            ],
            "discount_rate": _num(x.rate),
            "payback_date": _day(x.payback_date),
            "payback_months": _num(x.payback_months),
            "shortfall": m(x.shortfall),
            "npv": m(x.npv),
            "irr": _irr(x.irr),
            "breakeven_monthly": m(x.breakeven_monthly),
            "flows": _flows(x.flows, m),
            "notes": list(x.notes),
        }
    if b.lessee is not None:
        y = b.lessee
        lessee = {
            "buy_capex": m(y.buy_capex),
            "buy_opex_monthly": m(y.buy_opex_monthly),
            "buy_residual": m(y.buy_residual),
            "discount_rate": _num(y.rate),
            "lease_nominal": m(y.lease_nominal),
            "own_nominal": m(y.own_nominal),
            "pv_lease": m(y.pv_lease),
            "pv_own": m(y.pv_own),
            "cheaper": y.cheaper,
            "saving": m(y.saving),
            "crossover_date": _day(y.crossover_date),
            "notes": list(y.notes),
        }
    if b.market is not None:
        z = b.market
        market = {
            "market_gpu_hour": _num(z.market_gpu_hour),
            "on_demand_gpu_hour": _num(deal.assumptions.on_demand_gpu_hour),
            "market_decline": _num(z.market_decline),
            "market_curve": [{"date": _day(d), "gpu_hour": _num(p)} for d, p in z.curve],
            "gpus": int(z.gpus),
            "gpus_basis": z.gpus_basis,
            "lease_gpu_hour": _num(z.lease_gpu_hour),
            "market_below_lease_from": _day(z.below_market_from),
            "market_gpu_hour_at_end": _num(z.market_at_end),
            "market_gpu_hour_average": _num(z.market_average_gpu_hour),
            "market_value": m(z.market_value),
            "paid_above_market": m(z.paid_above_market),
            "notes": list(z.notes),
        }
    return {
        "lessor": lessor,
        "lessee": lessee,
        "market": market,
        "financing": loan(b.loan, deal, b.walkaway) if b.loan is not None else None,
        "notes": list(b.missing),
    }


def debt_periods(x: Loan, deal: Deal) -> list[Json]:
    """The loan period by period, for JSON and CSV."""
    m = _Money(deal)
    return [
        {
            "period_start": _day(p.start),
            "period_end": _day(p.end),
            "paid": _day(p.paid),
            "opening": m(p.opening),
            "drawn": m(p.drawn),
            "interest": m(p.interest),
            "principal": m(p.principal),
            "swept": m(p.swept),
            "debt_service": m(p.service),
            "closing": m(p.closing),
            "cfads": m(p.cfads),
            "dscr": _num(p.dscr),
        }
        for p in x.periods
    ]


def loan(x: Loan, deal: Deal, walkaway: Loan | None = None) -> Json:
    """The loan, its periods and equity flows; ``walkaway``: the lender's view of an early exit."""
    m = _Money(deal)
    f = x.terms
    walked = None
    if walkaway is not None:
        walked = {
            "lease_end": _day(walkaway.lease_end),
            "outstanding_at_end": m(walkaway.outstanding_at_end),
            "collateral": m(walkaway.collateral),
            "collateral_cover": _num(walkaway.collateral_cover),
            "lender_loss": m(walkaway.lender_loss),
            "min_dscr": _num(walkaway.min_dscr),
            "equity_npv": m(walkaway.equity_npv),
            "equity_irr": _irr(walkaway.equity_irr),
        }
    return {
        "debt": m(x.debt),
        "debt_share": _num(f.debt.fraction) if isinstance(f.debt, money.Percent) else None,
        "interest_rate": _num(x.rate),
        "base_rate": _num(f.base_rate),
        "spread": _num(f.spread),
        "tenor_months": f.tenor_months,
        "amortisation": f.amortisation,
        "target_dscr": _num(f.target_dscr),
        "min_dscr_covenant": _num(f.min_dscr),
        "fee_share": _num(f.fee),
        "secured_on": f.secured_on,
        "sweep_share": _num(f.sweep),
        "draws": [{"date": _day(d), "amount": m(a)} for d, a in x.draws],
        "fees": m(x.fees),
        "maturity": _day(x.maturity),
        "interest": m(x.interest),
        "capitalised": m(x.capitalised),
        "swept": m(x.swept),
        "equity": m(x.equity),
        "min_dscr": _num(x.min_dscr),
        "min_dscr_date": _day(x.min_dscr_date),
        "breaches": [{"date": _day(d), "dscr": _num(v)} for d, v in x.breaches],
        "covenant_share": _num(x.covenant_share),
        "covenant_monthly": m(x.covenant_monthly),
        "outstanding_at_end": m(x.outstanding_at_end),
        "lease_end": _day(x.lease_end),
        "collateral": m(x.collateral),
        "collateral_cover": _num(x.collateral_cover),
        "lender_loss": m(x.lender_loss),
        "equity_discount_rate": _num(x.discount_rate),
        "equity_npv": m(x.equity_npv),
        "equity_irr": _irr(x.equity_irr),
        "equity_payback_date": _day(x.equity_payback_date),
        "equity_payback_months": _num(x.equity_payback_months),
        "equity_flows": _flows(x.equity_flows, m),
        "periods": debt_periods(x, deal),
        "walkaway": walked,
        "notes": list(x.notes),
    }


def credit(c: CreditView | None, deal: Deal) -> Json | None:
    if c is None:
        return None
    m = _Money(deal)
    cover = c.coverage
    return {
        "spread": _num(c.spread),
        "default_probability": _num(c.default_probability),
        "recovery": _num(c.recovery),
        "discount_rate": _num(c.rate),
        "adjusted_present_value": m(c.adjusted_present_value),
        "expected_total": m(c.expected_total),
        "expected_present_value": m(c.expected_present_value),
        "expected_loss": m(c.expected_loss),
        "expected_loss_present_value": m(c.expected_loss_present_value),
        "expected_committed_value": m(c.expected_committed_value),
        "survival_to_end": _num(c.survival_to_end),
        "funding": None
        if cover is None
        else {
            "total": m(cover.funding),
            "rounds": [
                {"date": _day(r.date), "amount": m(r.amount), "source": r.source}
                for r in cover.rounds
            ],
            "payments_covered": cover.payments_covered,
            "covered": m(cover.covered),
            "months_covered": _num(cover.months_covered),
            "runs_out": _day(cover.runs_out),
            "short_by": m(cover.short_by),
            "later": m(cover.later),
            "payments_covered_by_all": cover.payments_covered_by_all,
            "total_share": _num(cover.total_share),
            "committed_share": _num(cover.committed_share),
        },
        "notes": list(c.notes),
    }


def _value(value: Decimal | date | int, m: _Money, is_money: bool) -> str | int | None:
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, int):
        return value
    return m(value) if is_money else _num(value)


def check_result(c: CheckResult, deal: Deal) -> Json:
    m = _Money(deal)
    return {
        "name": c.name,
        "passed": c.passed,
        "reported": _value(c.reported, m, c.is_money),
        "computed": _value(c.computed, m, c.is_money),
        "code": None if c.passed else c.code.id,
        "message": None if c.passed else c.message,
    }


def deal_document(report: DealReport) -> Json:
    a: Analysis = report.analysis
    deal = a.deal
    doc: Json = {
        "deal": deal_header(deal, report.source),
        "scenario": {"name": report.scenario, "notes": list(report.notes)}
        if report.scenario is not None
        else None,
        "settings": {
            "as_of": _day(a.as_of),
            "discount_rate": _num(a.rate),
            "discount_rate_source": a.rate_source,
        },
        "totals": _totals(a.base, a.with_options, a.commitment, list(a.notes)),
        "commitment": _commitment(a.commitment, deal),
        "unit_economics": _units(a.units),
        "breakeven": _breakeven(a.breakeven, deal),
        "credit": credit(a.credit, deal),
        "checks": [check_result(c, deal) for c in report.checks],
        "conventions": list(a.conventions),
        "schedule": schedule_rows(a.base.schedule, a.base.valuation),
    }
    if a.with_options is not None:
        doc["schedule_with_options"] = schedule_rows(
            a.with_options.schedule, a.with_options.valuation
        )
    return doc


def calc(report: CalcReport, options: RenderOptions) -> str:
    """One document; several deals go under ``"deals"``."""
    reports = report.deals
    if len(reports) == 1:
        return dumps({"format_version": FORMAT_VERSION, **deal_document(reports[0])})
    return dumps({"format_version": FORMAT_VERSION, "deals": [deal_document(r) for r in reports]})


def _bucket(b: Bucket, m: _Money) -> Json:
    return {
        "period": b.label,
        "start": _day(b.start),
        "end": _day(b.end),
        "payments": b.payments,
        "amount": m(b.amount),
        "cumulative": m(b.cumulative),
        "present_value": m(b.present_value),
    }


def schedule_document(result: ScheduleResult) -> Json:
    deal = result.deal
    v = result.view
    m = _Money(deal)
    doc: Json = {
        "format_version": FORMAT_VERSION,
        "deal": deal_header(deal, result.source),
        "settings": {"as_of": _day(result.as_of), "discount_rate": _num(result.rate)},
        "total": m(v.totals.total),
        "present_value": m(v.valuation.present_value) if v.valuation else None,
        "by": result.by,
        "conventions": list(result.conventions),
    }
    if result.loan is not None:
        doc["financing"] = loan(result.loan, deal)
    elif result.buckets is not None:
        doc["periods"] = [_bucket(b, m) for b in result.buckets]
    else:
        doc["schedule"] = schedule_rows(v.schedule, v.valuation)
    return doc


def schedule(result: ScheduleResult, options: RenderOptions) -> str:
    return dumps(schedule_document(result))


def breakeven_document(result: BreakevenResult) -> Json:
    return {
        "format_version": FORMAT_VERSION,
        "deal": deal_header(result.deal, result.source),
        "settings": {"discount_rate": _num(result.rate)},
        "total": _Money(result.deal)(result.totals.total),
        "breakeven": _breakeven(result.breakeven, result.deal),
        "credit": credit(result.credit, result.deal),
        "conventions": list(result.conventions),
    }


def breakeven(result: BreakevenResult, options: RenderOptions) -> str:
    return dumps(breakeven_document(result))


def _metric_value(kind: str, value: Decimal | None, m: _Money) -> str | int | None:
    if value is None:
        return None
    if kind == "money":
        return m(value)
    if kind == "count":
        return int(value)
    return _num(value)


def _overrides(s: Scenario) -> Json:
    return {
        "delay": str(s.delay) if s.delay is not None else None,
        "extend": s.extend,
        "terminate": s.terminate if isinstance(s.terminate, str) else _day(s.terminate),
        "delivered": _num(s.delivered),
        "uptime": _num(s.uptime),
        "market_gpu_hour": _num(s.market_gpu_hour),
        "market_decline": _num(s.market_decline),
        "discount_rate": _num(s.discount_rate),
        "set": dict(s.set),
    }


def scenario_document(result: ScenarioComparison) -> Json:
    deal = result.base.deal
    m = _Money(deal)
    return {
        "format_version": FORMAT_VERSION,
        "deal": deal_header(deal, result.source),
        "scenario": {
            "name": result.name,
            "overrides": _overrides(result.overrides),
            "notes": list(result.notes),
        },
        "settings": {
            "as_of": _day(result.base.as_of),
            "discount_rate": _num(result.base.rate),
            "scenario_discount_rate": _num(result.scenario.rate),
        },
        "metrics": [
            {
                "name": row.metric.name,
                "label": row.metric.label,
                "kind": row.metric.kind,
                "base": _metric_value(row.metric.kind, row.base[0], m),
                "scenario": _metric_value(row.metric.kind, row.scenario[0], m),
                "difference": _metric_value(row.metric.kind, row.difference, m),
                "base_note": row.base[1],
                "scenario_note": row.scenario[1],
            }
            for row in result.rows
        ],
        "conventions": list(result.conventions),
    }


def scenario(result: ScenarioComparison, options: RenderOptions) -> str:
    return dumps(scenario_document(result))


def _axis(axis: Axis | None, ccy: money.Currency) -> Json | None:
    if axis is None:
        return None
    return {
        "parameter": axis.parameter,
        "kind": axis.kind.value,
        "unit": axis.unit,
        "values": [money.decimal_text(v) for v in axis.values],
        "labels": list(axis_labels(axis, ccy)),
    }


def sensitivity_document(result: SensitivityGrid) -> Json:
    m = _Money(result.deal)
    kind = result.metric.kind
    return {
        "format_version": FORMAT_VERSION,
        "deal": deal_header(result.deal, result.source),
        "metric": {"name": result.metric.name, "label": result.metric.label, "kind": kind},
        "rows": _axis(result.rows, result.deal.ccy),
        "columns": _axis(result.columns, result.deal.ccy),
        "cells": [
            [
                {"value": _metric_value(kind, c.value, m), "note": c.why, "capped": c.capped}
                for c in line
            ]
            for line in result.cells
        ],
    }


def sensitivity(result: SensitivityGrid, options: RenderOptions) -> str:
    return dumps(sensitivity_document(result))


def _sides(sides: Sequence[Side]) -> list[Json]:
    return [
        {"id": s.id, "file": s.path, "currency": s.summary.currency, "fx": _num(s.fx)}
        for s in sides
    ]


def compare_document(result: DealComparison) -> Json:
    m = _Money(result.currency)
    return {
        "format_version": FORMAT_VERSION,
        "currency": result.currency.code,
        "deals": _sides(result.sides),
        "metrics": [
            {
                "name": metric.name,
                "label": metric.label,
                "kind": metric.kind,
                "values": [_metric_value(metric.kind, v, m) for v, _ in readings],
                "notes": [why for _, why in readings],
            }
            for metric, readings in result.rows
        ],
    }


def compare(result: DealComparison, options: RenderOptions) -> str:
    return dumps(compare_document(result))


def book_document(result: Book) -> Json:
    m = _Money(result.currency)
    ids = [s.id for s in result.sides]

    def year(values: Sequence[Decimal]) -> Json:
        return {
            **{i: m(v) for i, v in zip(ids, values, strict=True)},
            "total": m(sum(values, money.ZERO)),
        }

    return {
        "format_version": FORMAT_VERSION,
        "currency": result.currency.code,
        "deals": _sides(result.sides),
        "by_year": {
            str(y): {"scheduled": year(result.scheduled[y]), "committed": year(result.committed[y])}
            for y in result.years
        },
        "totals": {
            "scheduled": year(result.scheduled_total),
            "committed": year(result.committed_total),
        },
    }


def book(result: Book, options: RenderOptions) -> str:
    return dumps(book_document(result))


def _float(value: float | None) -> float | None:
    """A simulated figure as a JSON number (float64: the simulation says so)."""
    return None if value is None else float(value)


def _statistic(s: Statistic, m: _Money) -> Json:
    exact = s.deterministic
    return {
        "label": s.label,
        "kind": s.kind,
        "paths": s.paths,
        "mean": _float(s.mean),
        "stderr": _float(s.stderr),
        **{f"p{p}": _float(v) for p, v in s.percentiles},
        "expected_shortfall_5": _float(s.shortfall_5),
        "deterministic": None
        if exact is None
        else (m(exact) if s.kind == "money" else _num(exact)),
    }


def _risk_inputs(x: RiskInputs, m: _Money) -> Json:
    return {
        "delivery": {
            "probability": _num(x.slip_probability),
            "low_months": _num(x.low_months),
            "mode_months": _num(x.mode_months),
            "high_months": _num(x.high_months),
        },
        "counterparty": {
            "default_probability": _num(x.default_probability),
            "recovery": _num(x.recovery),
            "walk_probability": _num(x.walk_probability),
            "rational_walk": x.rational_walk,
            "walk_margin": _num(x.walk_margin),
        },
        "pricing": {"volatility": _num(x.volatility)},
        "operations": {
            "outages_per_year": _num(x.outages_per_year),
            "mean_hours": _num(x.mean_hours),
            "cost_per_outage": m(x.cost_per_outage),
        },
        "defaults": list(x.defaults),
        "borrowed": list(x.borrowed),
    }


def _deal_risk(d: DealRisk) -> Json:
    m = _Money(d.deal)
    return {
        **deal_header(d.deal, d.source),
        "inputs": _risk_inputs(d.inputs, m),
        "headline": m(d.headline),
        "committed_value": m(d.committed),
        "statistics": {s.key: _statistic(s, m) for s in d.statistics},
        "probabilities": {
            key: {"label": label, "probability": p, "stderr": se}
            for key, label, p, se in d.probabilities
        },
        "tornado": [
            {
                "risk": b.risk,
                "p5": _float(b.p5),
                "p50": _float(b.p50),
                "p95": _float(b.p95),
                "mean": b.mean,
                "low": b.low,
                "high": b.high,
                "loss_probability": _float(b.loss_probability),
            }
            for b in d.tornado
        ],
        "histogram": [{"low": lo, "high": hi, "paths": n} for lo, hi, n in d.histogram],
        "notes": list(d.notes),
    }


def _book_risk(b: BookRisk, ccy: money.Currency) -> Json:
    m = _Money(ccy)
    return {
        "lessor": b.lessor,
        "deals": list(b.deals),
        "any_tenant_leaves": b.any_leaves,
        "several_leave_in_one_year": b.several_same_year,
        "npv": _statistic(b.npv, m) if b.npv is not None else None,
        "by_year": [
            {
                "year": y.year,
                "scheduled": m(y.scheduled),
                "mean": y.mean,
                "p5": y.p5,
                "p50": y.p50,
                "p95": y.p95,
            }
            for y in b.years
        ],
    }


def risk_document(result: RiskReport) -> Json:
    """Every statistic of ``lease risk``: exact figures as strings, simulated ones as numbers."""
    ccy = {d.source: d.deal.ccy for d in result.deals}
    return {
        "format_version": FORMAT_VERSION,
        "simulation": {"paths": result.paths, "seed": result.seed, "arithmetic": "float64"},
        "deals": [_deal_risk(d) for d in result.deals],
        "books": [_book_risk(b, ccy[b.deals[0]]) for b in result.books],
        "conventions": list(result.conventions),
    }


def risk(result: RiskReport, options: RenderOptions) -> str:
    return dumps(risk_document(result))


def diff_document(result: DealDiff) -> Json:
    """Two versions of a deal: the terms that differ, then each figure old, new and changed."""
    from computelease.core.diff import change_percent  # only a diff reads it

    old, new = _Money(result.old.deal), _Money(result.new.deal)
    return {
        "format_version": FORMAT_VERSION,
        "old": deal_header(result.old.deal, result.old_source),
        "new": deal_header(result.new.deal, result.new_source),
        "equal": result.equal,
        "terms": [{"path": t.path, "old": t.old_plain, "new": t.new_plain} for t in result.terms],
        "metrics": [
            {
                "name": row.metric.name,
                "label": row.metric.label,
                "kind": row.metric.kind,
                "old": _metric_value(row.metric.kind, row.base[0], old),
                "new": _metric_value(row.metric.kind, row.scenario[0], new),
                "difference": _metric_value(row.metric.kind, row.difference, new),
                "change_percent": _num(_share(change_percent(row))),
                "old_note": row.base[1],
                "new_note": row.scenario[1],
            }
            for row in result.rows
        ],
        "conventions": list(result.new.conventions),
    }


def _share(value: Decimal | None) -> Decimal | None:
    """A share as a percent to two places, for a figure people read off (12.34)."""
    return None if value is None else money.round_to(value * 100, 2)


def diff(result: DealDiff, options: RenderOptions) -> str:
    return dumps(diff_document(result))


def account_document(books: LeaseBooks) -> Json:
    """The lease in the tenant's books: every figure exact, every month, every entry."""
    m = _Money(books.deal)
    return {
        "format_version": FORMAT_VERSION,
        "deal": deal_header(books.deal, books.source),
        "standard": books.standard,
        "classification": books.classification,
        "rate": {"annual": _num(books.annual_rate), "monthly": _num(books.periodic_rate)},
        "commencement": _day(books.commencement),
        "lease_term": {
            "months": books.term_months,
            "end": _day(books.term_end),
            "judgement": books.judgement,
            "short_term": books.short_term,
        },
        "timing": books.timing,
        "variable_streams": list(books.variable),
        "payments": [
            {"date": _day(p.date), "month": p.month, "amount": m(p.amount), "stream": p.stream}
            for p in books.payments
        ],
        "measurement": {
            "undiscounted": m(books.undiscounted),
            "liability": m(books.liability),
            "initial_direct_costs": m(books.initial_direct_costs),
            "prepaid": m(books.prepaid),
            "incentives": m(books.incentives),
            "rou_asset": m(books.rou_asset),
            "total_interest": m(books.total_interest),
        },
        "periods": [
            {
                "month": p.month + 1,
                "start": _day(p.start),
                "opening": m(p.opening),
                "payment": m(p.payment),
                "interest": m(p.interest),
                "closing": m(p.closing),
                "rou_opening": m(p.rou_opening),
                "rou_amortisation": m(p.amortisation),
                "rou_closing": m(p.rou_closing),
                "expense": m(p.expense),
            }
            for p in books.periods
        ],
        "position": {
            "as_of": _day(books.as_of),
            "liability": m(books.liability_at),
            "current": m(books.current),
            "non_current": m(books.non_current),
        },
        "maturity": {
            "years": [
                {"label": y.label, "from": _day(y.start), "to": _day(y.end), "amount": m(y.amount)}
                for y in books.maturity
            ],
            "thereafter": m(books.thereafter),
            "imputed_interest": m(books.imputed_interest),
            "liability": m(books.liability_at),
        },
        "journal": [
            {
                "date": _day(j.date),
                "memo": j.memo,
                "lines": [
                    {"account": e.account, "debit": m(e.debit), "credit": m(e.credit)}
                    for e in j.lines
                ],
            }
            for j in books.journals
        ],
        "contains_a_lease": [{"question": q, "answer": a} for q, a in books.checklist],
        "conventions": list(books.conventions),
    }


def account(result: LeaseBooks, options: RenderOptions) -> str:
    return dumps(account_document(result))


def reconcile_document(result: Reconciliation) -> Json:
    """Each payment due against what was paid, the totals, and every finding with its code."""
    m = _Money(result.deal)
    return {
        "format_version": FORMAT_VERSION,
        "deal": deal_header(result.deal, result.source),
        "actuals": result.actuals_file,
        "as_of": _day(result.as_of),
        "grace_days": result.grace_days,
        "lines": [
            {
                "due": _day(x.due),
                "stream": x.stream,
                "scheduled": m(x.scheduled),
                "credit": m(x.credit),
                "paid": m(x.paid),
                "paid_on": _day(x.paid_on),
                "variance": m(x.variance),
                "cumulative_scheduled": m(x.cumulative_scheduled),
                "cumulative_paid": m(x.cumulative_paid),
                "cumulative_variance": m(x.cumulative_variance),
                "status": x.status,
            }
            for x in result.lines
        ],
        "unmatched": [
            {"line": a.line, "date": _day(a.date), "amount": m(a.amount), "stream": a.stream}
            for a in result.unmatched
        ],
        "totals": {
            "scheduled": m(result.scheduled),
            "paid": m(result.paid),
            "variance": m(result.paid - result.scheduled),
        },
        "findings": [
            {
                "code": f.code.id,
                "severity": str(f.code.severity),
                "line": f.line,
                "message": f.message,
            }
            for f in result.findings
        ],
    }


def reconcile(result: Reconciliation, options: RenderOptions) -> str:
    return dumps(reconcile_document(result))
