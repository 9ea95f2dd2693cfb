"""``lease risk``: the deal's four risks as distributions, by a seeded Monte Carlo.

The deterministic figures stay exact: every state a path can reach (a
delivery slip of so many months, notice given on a given day) is computed by
the exact core first, as a :class:`Decimal` schedule, cost stack, loan and
re-let value, and only then turned into float64 arrays. The simulation mixes
those states with numpy, vectorised over paths (no Python loop per path),
and says in every report that its statistics are float64.

The four risks, each optional in the deal's ``risk`` block, with documented
defaults (:data:`DEFAULTS`) for what it leaves out:

- delivery: with ``probability`` the capacity slips, by a triangular number
  of months (``low_months``, ``mode_months``, ``high_months``) rounded to
  whole months; a slip of d months is the ``delay: dm`` scenario, computed
  by the core with its remedies (the start moves, the end stays, capex and
  the market keep their dates);
- counterparty: a default at an exponential time with the annual
  ``default_probability``: payments due after it are missed and
  ``recovery`` of each is recovered on its date (as the credit view has it),
  and the lease ends at the first payment missed; a walkaway for reasons of
  the tenant's own, at ``walk_probability`` a year, gives notice at the next
  chance; and the rational walkaway gives notice at the first chance the
  market is cheaper than the lease by ``walk_margin``. Notice is given on
  the first chance the termination right allows, then on the first day of
  each month, and ends the lease as the committed value does;
- pricing: the market price per GPU-hour is lognormal with the deal's
  market curve as its median, ``volatility`` a year on the log price,
  stepping monthly from the valuation date; the same path decides the
  walkaway and prices the re-let of the capacity when the lease ends (and in
  a book, one path is shared by every deal);
- operations: outages at ``outages_per_year`` (Poisson), each lasting an
  exponential time with mean ``mean_hours``; a billing period's uptime is
  1 - downtime / its hours, turned into a credit by the deal's ``sla``
  terms, and each outage costs the lessor ``cost_per_outage``.

A lease that ends early re-lets its capacity from the first month of the
deal's grid on or after the day it ends, after the re-letting gap; the
lessor's running costs are those of the months that start before it ends.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from computelease import dates, money
from computelease.core.analysis import Analysis
from computelease.core.breakeven import breakeven
from computelease.core.commitment import owed_part
from computelease.core.costs import ReletLine, cost_stack, relet_lines
from computelease.core.market import MarketCurve
from computelease.core.risk import (
    BLOCK,
    CONVENTIONS,
    DEFAULT_PATHS,
    MAX_PATHS,
    PERCENTILES,
    RISKS,
    BookRisk,
    DealRisk,
    RiskInputs,
    RiskReport,
    Statistic,
    Switches,
    TornadoBar,
    YearRisk,
    risk_inputs,
)
from computelease.core.scenario import apply
from computelease.core.schedule import build_schedule
from computelease.core.valuation import Discounter
from computelease.errors import Codes, LeaseError, RequestError
from computelease.models import Deal, Delay, Scenario

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HISTOGRAM_BINS: Final = 20
#: A day beyond any lease: "never" for a path's dates, in days from the valuation date.
NEVER: Final = 10.0**9

# --- the exact states, as arrays --------------------------------------------------------


@dataclass
class _Lines:
    """Re-let months of every tranche, stacked: a path takes each line from its own month."""

    earned: Array  # [L, J] the market's pay at the curve
    cost: Array  # [L, J]
    df: Array  # [L, J] discount factor from the valuation date (0 past a line's end)
    cal: IntArray  # [L, J] calendar month of each row
    valid: Array  # [L, J] 1 where the row exists
    fixed: npt.NDArray[np.bool_]  # [L] re-let from a fixed day whatever the lease does
    leave: IntArray  # [L] grid index the tranche leaves the lease at (large: with the lease)
    col: IntArray  # [L, J] the column of a row before the full term's end (-1: after it)


@dataclass
class _Template:
    """One delivery outcome (a slip of ``delay`` months) computed exactly, as arrays."""

    delay: int
    rec: Array  # [O + 1, C] receipts by column: row o = notice at option o, row O = no walk
    end_day: Array  # [O + 1] the day after the lease's last day, in days from the valuation date
    notice_day: Array  # [O]
    notice_price: Array  # [O] the curve's price on the notice day
    notice_cal: IntArray  # [O]
    opex: Array  # [C] running costs (negative), on the first day of each month
    capex: Array  # [C] (negative)
    periodic: Array  # [C] 1 where a column pays for a billing period (SLA credits apply)
    hours: Array  # [C] hours of the period a column pays for
    grid_day: Array  # [K] first days of the months of the deal's grid
    h_col: int  # the day after the full term: the horizon every path is valued to
    base_lines: _Lines  # re-let from the end of the full term (exact, as the core does)
    grid_lines: _Lines  # re-let from each month of the grid (a lease ended early)
    facility_pv: float
    fixed_residual: float | None
    secured_all: bool
    term_value: Array  # [Kt] the market's pay (at the curve) for the term's GPU-hours by month
    term_cal: IntArray  # [Kt]
    term_day: Array  # [Kt]
    loan: _LoanArrays | None
    #: Delivered after the deadline and its grace, where the contract lets the tenant walk
    #: away (``delivery.shortfall: terminate``): the day service would start, and the
    #: market's price then, for the tenant to decide on.
    late: bool = False
    start_day: float = 0.0
    start_price: float = 0.0
    start_cal: int = 0


@dataclass
class _LoanArrays:
    paid_day: Array  # [Kp]
    service: Array  # [Kp] interest + principal + what was swept
    tested: Array  # [Kp]
    cfads: Array  # [Kp]
    closing: Array  # [Kp]
    first_balance: float
    draws: Array  # [C] (positive)
    fees: Array  # [C] (negative)
    period_of_col: IntArray  # [C] the period a column's service falls in (-1: none)
    paid_col: IntArray  # [Kp]
    threshold: float


@dataclass
class DealModel:
    """One deal ready to simulate: its columns of dates, its states, its exact figures."""

    path: str
    deal: Deal
    inputs: RiskInputs
    as_of: date
    rate: Decimal | None
    col_day: Array  # [C] days from the valuation date
    col_dates: tuple[date, ...]
    col_cal: IntArray
    col_year: IntArray
    df: Array  # [C]
    payback_months: Array  # [C] months from the first money spent to each column
    since_day: float
    templates: tuple[_Template, ...]
    #: The lease's price per GPU-hour where a walkaway can be priced (a market curve and a
    #: GPU count); None: the market never decides a walkaway.
    lease_price: float | None
    notes: tuple[str, ...]
    has_lessor: bool
    has_loan: bool


def _cal(day: date) -> int:
    return day.year * 12 + day.month - 1


def _f(value: Decimal) -> float:
    return money.to_float(value)


def build_model(path: str, base: Analysis, inputs: RiskInputs) -> DealModel:
    """Compute every state a path of ``base``'s deal can reach, exactly, and lay it out as arrays.

    Raises RequestError (E502) for a deal the simulation cannot value: no
    discount rate, or no capex for the lessor's side.
    """
    deal = base.deal
    rate = base.rate
    as_of = base.as_of
    if rate is None:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"{path}: the simulation values each path at the deal's discount rate: set "
            "assumptions.discount_rate, or give a rate",
        )
    notes: list[str] = []
    max_delay = math.ceil(inputs.high_months) if inputs.slip_probability > 0 else 0
    if as_of > deal.start and max_delay:
        notes.append(
            "delivery risk left out: the valuation date is after the start, so the capacity "
            "is already delivered"
        )
        max_delay = 0
    states = []
    for d in range(max_delay + 1):
        shifted = deal
        if d:
            try:
                shifted = apply(deal, Scenario(delay=Delay(d, "months"))).deal
            except LeaseError:  # a slip that leaves no term (or no payment in it) caps the delay
                notes.append(f"a slip of {d} months or more leaves no lease: capped at {d - 1}")
                break
        schedule = build_schedule(shifted)
        states.append((d, shifted, schedule, breakeven(schedule, rate, as_of)))
    disc = Discounter(rate, as_of)
    lessor = states[0][3].lessor
    has_lessor = lessor is not None
    if not has_lessor:
        notes.append(
            "no lessor capex: the lessor's NPV, IRR, payback and loan are not simulated, only "
            "what the tenant pays"
        )
    units = base.units.price_per_gpu_hour.value
    priced = units is not None and MarketCurve.of(deal) is not None
    lease_price = _f(units) if units is not None and priced else None
    term = deal.termination
    walks = term is not None and term.by != "lessor"
    if inputs.rational_walk and (walks or _late_right(deal)) and lease_price is None:
        notes.append("the rational walkaway needs a market price and a GPU count: left out")
    # Every date a flow of any state may fall on is a column.
    days: set[date] = set()
    walk_options: list[list[tuple[date, date]]] = []
    for _, shifted, schedule, b in states:
        days.update(r.date for r in schedule.rows)
        # A slip can take the right away (its first notice would end the lease after the term).
        options = _options(shifted, as_of) if walks and shifted.termination is not None else []
        walk_options.append(options)
        for _, end in options:
            days.add(end)
            days.add(end - dates.ONE_DAY)
        days.add(dates.next_day(shifted.term_end))
        # The months an early end re-lets in before the term's end are cash flows.
        gap = shifted.assumptions.lessor.relet_gap_months if shifted.assumptions.lessor else 0
        relet = dates.add_months(shifted.start, gap)
        k = 0
        while (day := dates.add_months(relet, k)) <= shifted.term_end:
            days.add(day)
            k += 1
        if b.lessor is not None:
            days.update(f.date for f in b.lessor.flows)
        if b.loan is not None:
            days.update(p.paid for p in b.loan.periods)
            days.update(d for d, _ in b.loan.draws)
    col_dates = tuple(sorted(days))
    index = {d: i for i, d in enumerate(col_dates)}
    col_day = np.array([(d - as_of).days for d in col_dates], dtype=np.float64)
    df = np.array([_f(disc.factor(d)) for d in col_dates])
    first = lessor.capex_date if lessor is not None else deal.start
    first = min(first, deal.start)
    payback_months = np.array(
        [
            _f(money.round_to(Decimal(dates.month_span(first, d - dates.ONE_DAY).months), 2))
            if d > first
            else 0.0
            for d in col_dates
        ]
    )
    templates = tuple(
        _template(d, shifted, schedule, b, options, index, disc, as_of, len(col_dates))
        for (d, shifted, schedule, b), options in zip(states, walk_options, strict=True)
    )
    return DealModel(
        path=path,
        deal=deal,
        inputs=inputs,
        as_of=as_of,
        rate=rate,
        col_day=col_day,
        col_dates=col_dates,
        col_cal=np.array([_cal(d) for d in col_dates], dtype=np.int64),
        col_year=np.array([d.year for d in col_dates], dtype=np.int64),
        df=df,
        payback_months=payback_months,
        since_day=float((lessor.capex_date - as_of).days) if lessor is not None else -NEVER,
        templates=templates,
        lease_price=lease_price,
        notes=tuple(notes),
        has_lessor=has_lessor,
        has_loan=states[0][3].loan is not None,
    )


def _options(deal: Deal, as_of: date) -> list[tuple[date, date]]:
    """The tenant's chances to give notice: (notice day, the day the lease then ends).

    The first day the right allows (not before the valuation date, as the
    committed value has it), then the first day of each month of the grid,
    while the notice still ends the lease before its term does.
    """
    term = deal.termination
    assert term is not None
    first = max(term.not_before or deal.start, deal.start, as_of)
    out: list[tuple[date, date]] = []
    k = 0
    notice = first
    while True:
        end = notice + timedelta(days=term.notice_days)
        if end > deal.term_end:
            break
        out.append((notice, end))
        while True:
            k += 1
            nxt = dates.add_months(deal.start, k)
            if nxt > notice:
                break
        notice = nxt
    return out


def _template(
    delay: int,
    deal: Deal,
    schedule: Any,
    b: Any,
    options: list[tuple[date, date]],
    index: dict[date, int],
    disc: Discounter,
    as_of: date,
    n: int,
) -> _Template:
    ccy = deal.ccy
    term = deal.termination
    end_base = dates.next_day(deal.term_end)
    rec = np.zeros((len(options) + 1, n))
    for o, (_, end) in enumerate(options):
        for r in schedule.rows:
            owed = owed_part(r.amount, r, end, ccy)
            if owed:
                rec[o, index[r.date]] += _f(owed)
        if term is not None and term.fee:
            rec[o, index[end - dates.ONE_DAY]] += _f(term.fee)
    periodic = np.zeros(n)
    hours = np.zeros(n)
    for r in schedule.rows:
        rec[-1, index[r.date]] += _f(r.amount)
        if r.kind != "prepayment" and r.period_start is not None and r.period_end is not None:
            i = index[r.date]
            periodic[i] = 1.0
            hours[i] = max(hours[i], 24.0 * dates.days_inclusive(r.period_start, r.period_end))
    end_day = np.array([float((e - as_of).days) for _, e in options] + [(end_base - as_of).days])
    curve = MarketCurve.of(deal)
    notice_price = np.array([_f(curve.price(d)) if curve else 0.0 for d, _ in options])
    opex = np.zeros(n)
    capex = np.zeros(n)
    lessor = b.lessor
    grid_day = np.array(
        [
            float((dates.add_months(deal.start, k) - as_of).days)
            for k in range(dates.month_span(deal.start, deal.term_end).whole + 2)
        ]
    )
    facility_pv = 0.0
    fixed: float | None = None
    secured_all = False
    h = end_base
    empty = _stack_lines([], disc, deal, index, h)
    base_lines = grid_lines = empty
    if lessor is not None:
        for f in lessor.flows:
            if f.kind == "opex":
                opex[index[f.date]] += _f(f.amount)
            elif f.kind == "capex":
                capex[index[f.date]] += _f(f.amount)
        end_value = lessor.end_value
        if end_value.basis == "fixed":
            fixed = _f(end_value.value)
        else:
            # A built facility keeps its book value, with or without a market to re-let at.
            facility_pv = _f(end_value.facility_value * disc.factor(end_value.on))
        if end_value.basis == "market" and curve is not None:
            stack = cost_stack(deal)
            gap = deal.assumptions.lessor.relet_gap_months if deal.assumptions.lessor else 0
            base_lines = _stack_lines(
                relet_lines(deal, stack, curve, dates.add_months(end_base, gap)),
                disc,
                deal,
                index,
                h,
            )
            grid_lines = _stack_lines(
                relet_lines(deal, stack, curve, dates.add_months(deal.start, gap)),
                disc,
                deal,
                index,
                h,
            )
    financing = deal.assumptions.lessor.financing if deal.assumptions.lessor else None
    if financing is not None:
        secured_all = financing.secured_on == "all"
    term_rows = []
    if curve is not None and deal.gpus is not None:
        from computelease.core.capacity import gpu_hours

        for p in _months(deal):
            after = dates.next_day(p[1])
            hours_in = gpu_hours(deal, p[0], p[1])
            days_in = Decimal((after - p[0]).days)
            # The curve's average price over the month, for the GPU-hours in service in it.
            value = curve.area(p[0], after) / days_in * hours_in if hours_in else money.ZERO
            term_rows.append((p[0], _f(value)))
    loan = _loan_arrays(b.loan, schedule, index, as_of, n) if b.loan is not None else None
    return _Template(
        delay=delay,
        rec=rec,
        end_day=end_day,
        notice_day=np.array([float((d - as_of).days) for d, _ in options]),
        notice_price=notice_price,
        notice_cal=np.array([_cal(d) for d, _ in options], dtype=np.int64),
        opex=opex,
        capex=capex,
        periodic=periodic,
        hours=hours,
        grid_day=grid_day,
        h_col=index[end_base],
        base_lines=base_lines,
        grid_lines=grid_lines,
        facility_pv=facility_pv,
        fixed_residual=fixed,
        secured_all=secured_all,
        term_value=np.array([v for _, v in term_rows]),
        term_cal=np.array([_cal(d) for d, _ in term_rows], dtype=np.int64),
        term_day=np.array([float((d - as_of).days) for d, _ in term_rows]),
        loan=loan,
        late=_late(deal),
        start_day=float((deal.start - as_of).days),
        start_price=_f(curve.price(deal.start)) if curve is not None else 0.0,
        start_cal=_cal(deal.start),
    )


def _late_right(deal: Deal) -> bool:
    """Whether the contract lets the tenant walk away from a late delivery."""
    return deal.delivery is not None and deal.delivery.shortfall == "terminate"


def _late(deal: Deal) -> bool:
    """Whether service starts after the delivery deadline and its grace, with a right to walk."""
    d = deal.delivery
    if d is None or not _late_right(deal):
        return False
    return deal.start > d.deadline + timedelta(days=d.grace_days)


def _months(deal: Deal) -> list[tuple[date, date]]:
    """The term's months on the deal's grid, the last cut at the term's end."""
    out: list[tuple[date, date]] = []
    k = 0
    while True:
        first = dates.add_months(deal.start, k)
        if first > deal.term_end:
            return out
        out.append((first, min(dates.add_months(deal.start, k + 1) - dates.ONE_DAY, deal.term_end)))
        k += 1


def _stack_lines(
    lines: Sequence[ReletLine], disc: Discounter, deal: Deal, index: dict[date, int], h: date
) -> _Lines:
    width = max((len(line.months) for line in lines), default=0)
    shape = (len(lines), width)
    earned, cost, df, valid = np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape)
    cal = np.zeros(shape, dtype=np.int64)
    col = np.full(shape, -1, dtype=np.int64)
    leave = np.full(len(lines), 10**6, dtype=np.int64)
    for i, line in enumerate(lines):
        for j, (day, pay, costs) in enumerate(line.months):
            earned[i, j], cost[i, j] = _f(pay), _f(costs)
            df[i, j] = _f(disc.factor(day))
            cal[i, j] = _cal(day)
            valid[i, j] = 1.0
            if day < h:
                col[i, j] = index[day]
        if line.leaves is not None:
            span = dates.month_span(deal.start, line.leaves - dates.ONE_DAY)
            leave[i] = span.whole + (1 if span.stub_days else 0)
    fixed = np.array([line.fixed for line in lines], dtype=bool)
    return _Lines(earned, cost, df, cal, valid, fixed, leave, col)


def _loan_arrays(
    loan: Any, schedule: Any, index: dict[date, int], as_of: date, n: int
) -> _LoanArrays:
    periods = loan.periods
    draws = np.zeros(n)
    fees = np.zeros(n)
    total = sum((a for _, a in loan.draws), money.ZERO)
    for day, amount in loan.draws:
        draws[index[day]] += _f(amount)
        if total:
            fees[index[day]] -= _f(loan.fees * amount / total)
    period_of_col = np.full(n, -1, dtype=np.int64)
    for r in schedule.rows:
        start = r.period_start or r.date
        for k, p in enumerate(periods):
            if p.start <= start <= p.end:
                period_of_col[index[r.date]] = k
                break
    terms = loan.terms
    return _LoanArrays(
        paid_day=np.array([float((p.paid - as_of).days) for p in periods]),
        service=np.array([_f(p.interest + p.principal + p.swept) for p in periods]),
        tested=np.array([_f(p.tested) for p in periods]),
        cfads=np.array([_f(p.cfads) for p in periods]),
        closing=np.array([_f(p.closing) for p in periods]),
        first_balance=_f(periods[0].opening + periods[0].drawn) if periods else 0.0,
        draws=draws,
        fees=fees,
        period_of_col=period_of_col,
        paid_col=np.array([index[p.paid] for p in periods], dtype=np.int64),
        threshold=_f(terms.min_dscr) if terms.min_dscr is not None else 1.0,
    )


# --- the simulation ---------------------------------------------------------------------


@dataclass
class PathResults:
    """Each path's figures for one deal (float64 arrays, one value a path)."""

    npv: Array
    irr: Array
    irr_equity: Array
    payback: Array
    revenue: Array
    #: What the lessor receives (payments and recoveries), valued as the deal's present value.
    pv: Array
    tenant_cost: Array
    min_dscr: Array
    breach: Array
    lender_loss: Array
    walked: Array  # 1 where the tenant gave notice
    defaulted: Array  # 1 where it defaulted
    end_year: Array  # the calendar year the lease ended early (0: ran its term)
    revenue_by_year: dict[int, Array] = field(default_factory=dict, init=False)


#: PathResults' per-path arrays, by name.
RESULT_FIELDS: Final = tuple(f.name for f in fields(PathResults) if f.init)


def brownian(seed: int, block: int, paths: int, cal0: int, months: int) -> Array:
    """A standard Brownian motion by calendar month (in years' units), from month ``cal0``.

    Shared by every deal of a run: each scales it by its own volatility from
    its own valuation month, so one market moves them all. Each calendar
    month's step has its own stream (keyed by the seed, the block and the
    month), so a deal sees the same market whichever other deals share the run.
    """
    steps = np.empty((paths, months))
    for m in range(months):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, 0, cal0 + m)))
        steps[:, m] = rng.standard_normal(paths)
    w: Array = np.cumsum(steps, axis=1) / math.sqrt(12.0)
    return w


def _at(market: Array, cal0: int, cal: IntArray) -> Array:
    """The multiplier for each path at calendar months ``cal`` (clamped to the span drawn)."""
    idx = np.clip(cal - cal0, 0, market.shape[1] - 1)
    return market[:, idx]


def simulate_deal(
    model: DealModel,
    rng: np.random.Generator,
    shocks: Array,
    cal0: int,
    switches: Switches,
) -> PathResults:
    """Every path of one block of one deal: the draws, then each delivery state's paths at once.

    ``shocks`` is the market's standard Brownian motion (:func:`brownian`);
    the price is the curve times exp(volatility x it), the curve its median.
    """
    x = model.inputs
    paths = shocks.shape[0]
    volatility = _f(x.volatility) if switches.pricing else 0.0
    # The price is the curve's in the deal's own valuation month: the walk starts there.
    own = min(max(_cal(model.as_of) - cal0, 0), shocks.shape[1] - 1)
    market = (
        np.exp(volatility * (shocks - shocks[:, own : own + 1]))
        if volatility
        else np.ones_like(shocks)
    )
    n = len(model.col_day)
    # Every draw is made whatever is switched on, so one risk alone sees the same numbers.
    slip = np.asarray(rng.random(size=paths) < _f(x.slip_probability), dtype=bool)
    months = rng.triangular(_f(x.low_months), _f(x.mode_months), _f(x.high_months) + 1e-12, paths)
    # A constant hazard whose survival over 365 days is 1 - p: exponential times, in days.
    hazard = -math.log1p(-_f(x.default_probability)) / 365.0
    unit = np.asarray(rng.exponential(1.0, size=paths), dtype=np.float64)
    default_day: Array = unit / hazard if hazard > 0 else np.full(paths, NEVER)
    walk_hazard = -math.log1p(-_f(x.walk_probability)) / 365.0
    unit = np.asarray(rng.exponential(1.0, size=paths), dtype=np.float64)
    walk_day: Array = unit / walk_hazard if walk_hazard > 0 else np.full(paths, NEVER)
    # Outages for every billing period any delivery state has: a slip moves the periods.
    hours = np.max([t.hours for t in model.templates], axis=0)
    outages = rng.poisson(
        np.broadcast_to(_f(x.outages_per_year) / 8760.0 * hours, (paths, n))
    ).astype(np.float64)
    downtime = rng.gamma(np.maximum(outages, 0.0), _f(x.mean_hours)) * (outages > 0)
    if not switches.delivery:
        slip = np.zeros(paths, dtype=bool)
    if not switches.counterparty:
        default_day = np.full(paths, NEVER)
        walk_day = np.full(paths, NEVER)
    if not switches.operations:
        outages = np.zeros((paths, n))
        downtime = np.zeros((paths, n))
    delay = np.where(slip, np.floor(months + 0.5), 0.0).astype(np.int64)
    delay = np.minimum(delay, len(model.templates) - 1)
    out = PathResults(**{name: np.zeros(paths) for name in RESULT_FIELDS})
    out.min_dscr[:] = np.nan
    out.irr[:] = np.nan
    out.irr_equity[:] = np.nan
    out.payback[:] = np.nan
    years: dict[int, Array] = {}
    for t in model.templates:
        chosen = np.nonzero(delay == t.delay)[0]
        if len(chosen) == 0:
            continue
        part = _paths_of(
            model,
            t,
            market[chosen],
            cal0,
            default_day[chosen],
            walk_day[chosen],
            outages[chosen],
            downtime[chosen],
            switches,
        )
        for name in RESULT_FIELDS:
            getattr(out, name)[chosen] = getattr(part, name)
        for year, values in part.revenue_by_year.items():
            years.setdefault(year, np.zeros(paths))[chosen] = values
    out.revenue_by_year = years
    return out


def _paths_of(
    model: DealModel,
    t: _Template,
    market: Array,
    cal0: int,
    default_day: Array,
    walk_day: Array,
    outages: Array,
    downtime: Array,
    switches: Switches,
) -> PathResults:
    x = model.inputs
    g = market.shape[0]
    col_day = model.col_day
    n_options = len(t.notice_day)
    # Which notice, if any: the first chance the rule or the tenant's own reasons give.
    choice = np.full(g, n_options, dtype=np.int64)
    if n_options:
        own = walk_day[:, None] <= t.notice_day[None, :]
        wants = own
        if x.rational_walk and model.lease_price is not None and switches.counterparty:
            price = t.notice_price[None, :] * _at(market, cal0, t.notice_cal)
            wants = wants | (price < model.lease_price * (1 - _f(x.walk_margin)))
        any_ = wants.any(axis=1)
        choice = np.where(any_, wants.argmax(axis=1), n_options)
    rows = t.rec[choice]  # [g, C]
    end = t.end_day[choice]
    # Delivered too late, a tenant with the right walks away before service starts if the
    # market then is cheaper than its lease by the margin (the same rule as its notice).
    late_walk = np.zeros(g, dtype=bool)
    if t.late and x.rational_walk and model.lease_price is not None:
        price = t.start_price * _at(market, cal0, np.array([t.start_cal], dtype=np.int64))[:, 0]
        late_walk = price < model.lease_price * (1 - _f(x.walk_margin))
        rows = np.where(late_walk[:, None], 0.0, rows)
        end = np.where(late_walk, t.start_day, end)
    # A default: payments due after it are missed, a share of each recovered on its date.
    lost = col_day[None, :] > default_day[:, None]
    missed = lost & (rows > 0)
    any_missed = missed.any(axis=1)
    default_end = np.where(any_missed, col_day[missed.argmax(axis=1)], NEVER)
    claims = np.where(lost, rows, 0.0)
    paid = np.where(lost, 0.0, rows)
    end = np.minimum(end, default_end)
    # Outages: the SLA credits a period's fee; each outage costs the lessor.
    served = col_day[None, :] < end[:, None]
    sla = model.deal.sla
    credits = np.zeros_like(paid)
    if sla is not None:
        hours = np.where(t.hours > 0, t.hours, 1.0)
        uptime = 1.0 - np.minimum(downtime, hours) / hours
        points = np.maximum(_f(sla.uptime) - uptime, 0.0) * 100.0
        share = np.minimum(_f(sla.credit) * points, _f(sla.credit_cap)) * t.periodic
        credits = paid * share
    paid = paid - credits
    outage_cost = outages * _f(x.cost_per_outage) * served * t.periodic
    base_end = t.end_day[-1]
    value = _residual(model, t, market, cal0, end) if model.has_lessor else None
    # The claim after a default is the payments missed less what the capacity, re-let, earns
    # in the rest of the term (the lessor's duty to mitigate); recovery is a share of that.
    claim = claims.sum(axis=1)
    mitigation = (value.it * (col_day < base_end)[None, :]).sum(axis=1) if value else 0.0
    scale = np.where(claim > 0, np.clip(1.0 - mitigation / np.maximum(claim, 1e-9), 0.0, 1.0), 0.0)
    recovered = claims * (_f(x.recovery) * scale)[:, None]
    cash = paid + recovered - outage_cost
    revenue = (paid + recovered).sum(axis=1)
    walked = ((choice < n_options) & (t.end_day[choice] <= default_end)) | late_walk
    defaulted = any_missed & (default_end < t.end_day[choice]) & ~late_walk
    early = end < base_end
    # What the tenant pays, and after a walkaway the market for the rest of the term.
    tenant = paid.sum(axis=1)
    if len(t.term_value):
        after = (t.term_day[None, :] >= end[:, None]) & walked[:, None]
        tenant = tenant + (t.term_value[None, :] * _at(market, cal0, t.term_cal) * after).sum(
            axis=1
        )
    out = PathResults(
        npv=np.full(g, np.nan),
        irr=np.full(g, np.nan),
        irr_equity=np.full(g, np.nan),
        payback=np.full(g, np.nan),
        revenue=revenue,
        pv=(paid + recovered) @ np.where(col_day >= 0, model.df, 0.0),
        tenant_cost=tenant,
        min_dscr=np.full(g, np.nan),
        breach=np.zeros(g),
        lender_loss=np.zeros(g),
        walked=walked.astype(np.float64),
        defaulted=defaulted.astype(np.float64),
        end_year=np.where(early, _year_of(model, end), 0).astype(np.float64),
    )
    by_year: dict[int, Array] = {}
    for year in np.unique(model.col_year):
        columns = model.col_year == year
        amount = (paid + recovered)[:, columns].sum(axis=1)
        if amount.any():
            by_year[int(year)] = amount
    out.revenue_by_year = by_year
    if value is None:
        return out
    flows = cash + t.opex[None, :] * served + t.capex[None, :]
    end_col = np.minimum(np.searchsorted(col_day, end), len(col_day) - 1)
    rows_idx = np.arange(g)
    # Cash: the lease, the running costs, capex, and the re-let before the term's end.
    horizon = col_day < t.end_day[-1]
    cash_flows = flows + value.it * horizon[None, :]
    total = flows + value.it + value.other
    out.npv = total @ model.df
    years = col_day / 365.0
    out.irr = irr(total, years)
    out.payback = _payback(model, cash_flows)
    loan = t.loan
    if loan is not None:
        serviced = loan.paid_day[None, :] <= end[:, None]
        count = serviced.sum(axis=1)
        last = np.maximum(count - 1, 0)
        balance = np.where(count > 0, loan.closing[last], loan.first_balance)
        collateral = value.it_at_end
        if t.secured_all:
            collateral = collateral + (value.other @ model.df) / model.df[end_col]
        covered = collateral >= balance - 0.005
        out.lender_loss = np.where(covered, 0.0, balance - np.maximum(collateral, 0.0))
        equity = total + loan.draws[None, :] + loan.fees[None, :]
        equity -= _service(loan.paid_col, loan.service, serviced, len(col_day))
        # Repaid from equity's own pocket while the collateral covers it; else the lender
        # takes the collateral, and what it earns is no longer equity's.
        equity[rows_idx, end_col] -= np.where(covered, balance, 0.0)
        taken = value.it + (value.other if t.secured_all else 0.0)
        equity -= np.where(covered[:, None], 0.0, taken)
        out.irr_equity = irr(equity, years)
        # CFADS falls by what did not come in (credits, payments missed less recoveries) and
        # by the outages' costs, each in the period its service falls in.
        shortfall = t.rec[-1][None, :] - paid - recovered + outage_cost
        period_credit = np.zeros((g, len(loan.service)))
        has = loan.period_of_col >= 0
        if has.any():
            np.add.at(period_credit.T, loan.period_of_col[has], shortfall[:, has].T)
        tested = loan.tested > 0
        ratio = np.where(
            serviced & tested[None, :],
            (loan.cfads[None, :] - period_credit) / np.where(tested, loan.tested, 1.0)[None, :],
            np.inf,
        )
        lowest = ratio.min(axis=1)
        out.min_dscr = np.where(np.isfinite(lowest), lowest, np.nan)
        out.breach = (lowest < loan.threshold - 1e-12).astype(np.float64)
    return out


def _service(cols: IntArray, service: Array, serviced: npt.NDArray[np.bool_], n: int) -> Array:
    """The debt service each path pays, by column (np.add.at: periods may share a day)."""
    out = np.zeros((serviced.shape[0], n))
    np.add.at(out.T, cols, (service[None, :] * serviced).T)
    return out


def _year_of(model: DealModel, day: Array) -> Array:
    """The calendar year of each day (days from the valuation date), through datetime64."""
    epoch = date(1970, 1, 1).toordinal()
    start = model.as_of.toordinal() - epoch
    values = (start + np.minimum(day, 2_900_000)).astype("datetime64[D]")
    years: Array = values.astype("datetime64[Y]").astype(np.int64).astype(np.float64) + 1970
    return years


@dataclass
class _EndValue:
    """What each path's capacity earns after its lease, laid out by column."""

    #: The IT re-let: cash by column before the full term's end, the rest as one value
    #: on the day after it (valued at the market as it then stands).
    it: Array  # [g, C]
    #: A built facility's book value (and a fixed residual), by column.
    other: Array  # [g, C]
    #: The IT's value on the day the lease ends: the collateral of a loan.
    it_at_end: Array  # [g]


def _residual(model: DealModel, t: _Template, market: Array, cal0: int, end: Array) -> _EndValue:
    """The capacity after each path's lease: re-let at the path's market, or a fixed residual.

    The horizon is the full term's, whatever the path: a lease that ends
    early re-lets its GPUs for cash month by month until then, and all that
    the capacity earns after it is one value on the day after the term, at
    the market as it stands in that month (the curve's shape from there), as
    the deterministic figures value it. So every path's IRR is over one span.
    """
    g, n = len(end), len(model.col_day)
    end_col = np.minimum(np.searchsorted(model.col_day, end), n - 1)
    it = np.zeros((g, n))
    other = np.zeros((g, n))
    rows = np.arange(g)
    if t.fixed_residual is not None:
        other[rows, end_col] = t.fixed_residual
        return _EndValue(it, other, np.full(g, t.fixed_residual))
    early = end < t.end_day[-1]
    pv = _relet(t.base_lines, t, model, market, cal0, np.zeros(g, dtype=np.int64), it, ~early)
    if early.any():
        e = np.searchsorted(t.grid_day, end)  # the first month of the grid on or after the end
        pv += _relet(t.grid_lines, t, model, market, cal0, e, it, early)
    other[:, t.h_col] += t.facility_pv / model.df[t.h_col]
    return _EndValue(it, other, pv / model.df[end_col])


def _relet(
    lines: _Lines,
    t: _Template,
    model: DealModel,
    market: Array,
    cal0: int,
    start: IntArray,
    into: Array,
    chosen: npt.NDArray[np.bool_],
) -> Array:
    """Add the re-let of the ``chosen`` paths, from row ``start`` of each line, to ``into``.

    Returns its value on the valuation date. A fixed line (a dropped
    tranche) re-lets from its own first row whatever the lease does.
    """
    g = market.shape[0]
    total = np.zeros(g)
    h_mult = _at(market, cal0, np.array([model.col_cal[t.h_col]], dtype=np.int64))
    cols = np.arange(lines.earned.shape[1])
    for i in range(lines.earned.shape[0]):
        first = np.zeros_like(start) if lines.fixed[i] else np.minimum(start, lines.leave[i])
        before = lines.col[i] >= 0
        mult = np.where(before[None, :], _at(market, cal0, lines.cal[i]), h_mult)
        net = np.maximum(lines.earned[i][None, :] * mult - lines.cost[i][None, :], 0.0)
        keep = (cols[None, :] >= first[:, None]) & chosen[:, None] & (lines.valid[i] > 0)[None, :]
        net = np.where(keep, net, 0.0)
        if before.any():
            np.add.at(into.T, lines.col[i][before], net[:, before].T)
        lump = (net[:, ~before] * lines.df[i][None, ~before]).sum(axis=1)
        into[:, t.h_col] += lump / model.df[t.h_col]
        total += (net * lines.df[i][None, :]).sum(axis=1)
    return total


def _payback(model: DealModel, cash: Array) -> Array:
    """Months to payback on cash, as the core counts them: for good, never before the capex."""
    cum = np.cumsum(cash, axis=1)
    # Netted by date, the core compares received and spent only where some flow falls.
    ok = np.minimum.accumulate((cum >= -1e-6)[:, ::-1].astype(np.int8), axis=1)[:, ::-1]
    ok = ok.astype(bool) & (model.col_day >= model.since_day)[None, :]
    has = ok.any(axis=1)
    first = ok.argmax(axis=1)
    return np.where(has, model.payback_months[first], np.nan)


def irr(flows: Array, years: Array) -> Array:
    """The annual rate that zeroes each row's XNPV (NaN where none): Newton, then bisection.

    Vectorised over rows; the root nearest the bracket's Newton start, which
    for a lease's flows (costs first, receipts after) is the only one.
    """
    g = flows.shape[0]
    out = np.full(g, np.nan)
    if g == 0:
        return out
    scale = np.abs(flows).sum(axis=1)
    live = scale > 0
    signs = (flows > 0).any(axis=1) & (flows < 0).any(axis=1)
    live &= signs
    rate = np.full(g, 0.1)
    t = years[None, :]
    active = np.nonzero(live)[0]
    for _ in range(60):
        if len(active) == 0:
            break
        r = rate[active]
        v = np.exp(-t * np.log1p(r)[:, None])
        fv = flows[active] * v
        f = fv.sum(axis=1)
        fp = -(fv * t).sum(axis=1) / (1.0 + r)
        step = np.where(fp != 0, f / np.where(fp != 0, fp, 1.0), 0.0)
        new = np.clip(r - np.clip(step, -0.5 * (1 + r), 1.0), -0.99, 1e4)
        rate[active] = new
        # Rows whose step is below 1e-13 a year are done; the rest iterate on alone.
        active = active[np.abs(new - r) > 1e-13 * np.maximum(1.0, np.abs(new))]
    log = np.log1p(rate)[:, None]
    f = (flows * np.exp(-t * log)).sum(axis=1)
    good = live & (np.abs(f) <= 1e-9 * np.maximum(scale, 1.0))
    out[good] = rate[good]
    todo = np.nonzero(live & ~good)[0]
    if len(todo):
        out[todo] = _bisect(flows[todo], t)
    return out


def _bisect(flows: Array, t: Array) -> Array:
    lo = np.full(len(flows), math.log1p(-0.99))
    hi = np.full(len(flows), math.log1p(100.0))

    def npv(s: Array) -> Array:
        result: Array = (flows * np.exp(-t * s[:, None])).sum(axis=1)
        return result

    f_lo = npv(lo)
    f_hi = npv(hi)
    bracketed = np.sign(f_lo) != np.sign(f_hi)
    for _ in range(100):
        mid = (lo + hi) / 2
        f_mid = npv(mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(left, mid, lo)
        f_lo = np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    result: Array = np.where(bracketed, np.expm1((lo + hi) / 2), np.nan)
    return result


# --- blocks, workers, statistics --------------------------------------------------------


@dataclass
class Job:
    models: tuple[DealModel, ...]
    seed: int
    block: int
    paths: int
    switches: Switches
    cal0: int
    months: int
    #: Keep only the lessor's NPV (a tornado's run): a book's memory stays with its main run.
    npv_only: bool = False


def block(job: Job) -> list[PathResults]:
    """One seeded block: the market shared by every deal, then each deal on its own stream."""
    shocks = brownian(job.seed, job.block, job.paths, job.cal0, job.months)
    out = []
    for model in job.models:
        # Each deal's own draws are keyed by its file, not its place in the run.
        key = zlib.crc32(model.path.encode("utf-8", "surrogateescape"))
        rng = np.random.default_rng(np.random.SeedSequence(job.seed, spawn_key=(job.block, 1, key)))
        res = simulate_deal(model, rng, shocks, job.cal0, job.switches)
        if job.npv_only:
            empty = np.empty(0)
            res = PathResults(**{n: res.npv if n == "npv" else empty for n in RESULT_FIELDS})
        out.append(res)
    return out


#: Runs a function over jobs and returns the results in order: in this process, or (the
#: API's) in a pool of worker processes. The figures do not depend on which.
Mapper = Callable[[Callable[[Job], list[PathResults]], Sequence[Job]], list[list[PathResults]]]


def serial(fn: Callable[[Job], list[PathResults]], jobs: Sequence[Job]) -> list[list[PathResults]]:
    """The jobs one after the other, in this process."""
    return [fn(job) for job in jobs]


def jobs(
    models: Sequence[DealModel], *, paths: int, seed: int, switches: Switches | None = None
) -> list[Job]:
    """The seeded blocks of one run: ``paths`` paths of every deal on shared market paths.

    The same seed gives the same numbers however the blocks are spread over
    processes: each block of :data:`BLOCK` paths draws from its own stream,
    keyed by the seed and the block's number, and the blocks are joined in order.
    """
    switches = switches or Switches()
    cal0 = min(_cal(m.as_of) for m in models)
    last = max(
        max(
            [int(m.col_cal.max())]
            + [
                int(line.cal.max())
                for t in m.templates
                for line in (t.base_lines, t.grid_lines)
                if line.cal.size
            ]
        )
        for m in models
    )
    months = last - cal0 + 1
    return [
        Job(tuple(models), seed, b, min(BLOCK, paths - b * BLOCK), switches, cal0, months)
        for b in range(math.ceil(paths / BLOCK))
    ]


def run(
    models: Sequence[DealModel],
    *,
    paths: int,
    seed: int,
    switches: Switches | None = None,
    mapper: Mapper = serial,
) -> list[PathResults]:
    """Every path of every deal, one :class:`PathResults` a deal, blocks joined in order."""
    done = mapper(block, jobs(models, paths=paths, seed=seed, switches=switches))
    return [_join([d[i] for d in done]) for i in range(len(models))]


def _join(parts: Sequence[PathResults]) -> PathResults:
    joined = PathResults(
        **{n: np.concatenate([getattr(p, n) for p in parts]) for n in RESULT_FIELDS}
    )
    years = sorted({y for p in parts for y in p.revenue_by_year})
    joined.revenue_by_year = {
        y: np.concatenate([p.revenue_by_year.get(y, np.zeros(len(p.npv))) for p in parts])
        for y in years
    }
    return joined


def statistic(
    key: str,
    label: str,
    kind: str,
    values: Array,
    deterministic: Decimal | None,
    *,
    worst: str = "low",
) -> Statistic:
    """The mean (with its standard error), percentiles and expected shortfall of ``values``."""
    ok = values[np.isfinite(values)]
    if len(ok) == 0:
        return Statistic(key, label, kind, 0, None, None, (), None, deterministic)
    qs = np.percentile(ok, PERCENTILES)
    cut = max(1, math.ceil(len(ok) * 0.05))
    ordered = np.sort(ok)
    tail = ordered[:cut] if worst == "low" else ordered[-cut:]
    stderr = float(ok.std(ddof=1) / math.sqrt(len(ok))) if len(ok) > 1 else None
    return Statistic(
        key,
        label,
        kind,
        len(ok),
        float(ok.mean()),
        stderr,
        tuple((p, float(q)) for p, q in zip(PERCENTILES, qs, strict=True)),
        float(tail.mean()),
        deterministic,
    )


def histogram(values: Array, bins: int = HISTOGRAM_BINS) -> tuple[tuple[float, float, int], ...]:
    """(low, high, paths) for equal bins across the values' range."""
    ok = values[np.isfinite(values)]
    if len(ok) == 0:
        return ()
    low, high = float(ok.min()), float(ok.max())
    if low == high:
        return ((low, high, len(ok)),)
    counts, edges = np.histogram(ok, bins=bins, range=(low, high))
    return tuple((float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts))


# --- the report -------------------------------------------------------------------------


#: The statistics of a deal: key, label, kind, and which tail is the bad one.
FIGURES: Final = (
    ("npv", "Lessor NPV", "money", "low"),
    ("irr", "Lessor IRR (unlevered)", "rate", "low"),
    ("irr_equity", "Lessor IRR (levered, equity)", "rate", "low"),
    ("payback", "Cash payback, months", "months", "high"),
    ("revenue", "Realised revenue", "money", "low"),
    ("pv", "Present value of the receipts", "money", "low"),
    ("tenant_cost", "Tenant's cost of the term", "money", "high"),
    ("min_dscr", "Lowest DSCR", "ratio", "low"),
    ("lender_loss", "Lender's loss", "money", "high"),
)


def _deterministic(a: Analysis) -> dict[str, Decimal | None]:
    b = a.breakeven
    lessor = b.lessor
    loan = b.loan
    return {
        "npv": lessor.npv if lessor else None,
        "irr": lessor.irr.rate if lessor else None,
        "irr_equity": loan.equity_irr.rate if loan else None,
        "payback": lessor.payback_months if lessor else None,
        "revenue": a.total,
        "pv": a.present_value,
        "tenant_cost": a.total,
        "min_dscr": loan.min_dscr if loan else None,
        "lender_loss": loan.lender_loss if loan else None,
    }


def _probability(values: npt.NDArray[Any]) -> tuple[float, float]:
    n = len(values)
    p = float(values.mean()) if n else 0.0
    return p, math.sqrt(p * (1 - p) / n) if n else 0.0


def simulate(
    analyses: Sequence[tuple[str, Analysis]],
    *,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    by_lessor: bool = False,
    tornado: bool = True,
    mapper: Mapper = serial,
) -> RiskReport:
    """The seeded Monte Carlo of each deal (see the module's docstring), on shared market paths.

    Raises RequestError for a path count out of range, or a deal the
    simulation cannot value.
    """
    if not 1 <= paths <= MAX_PATHS:
        raise RequestError(
            Codes.BAD_SETTING, f"paths: give 1 to {MAX_PATHS:,} paths; got {paths:,}"
        )
    if not 0 <= seed < 2**63:
        raise RequestError(
            Codes.BAD_SETTING, f"seed: give a whole number from 0 to {2**63 - 1:,}; got {seed:,}"
        )
    models = [build_model(src, a, risk_inputs(a.deal)) for src, a in analyses]
    # Every run's blocks (all risks, then each alone) go to the mapper together.
    runs = [Switches(), *(Switches.only(r) for r in RISKS)] if tornado else [Switches()]
    planned = [jobs(models, paths=paths, seed=seed, switches=sw) for sw in runs]
    for p in planned[1:]:
        p[:] = [replace(j, npv_only=True) for j in p]
    done = mapper(block, [j for p in planned for j in p])
    joined = []
    for p in planned:
        mine, done = done[: len(p)], done[len(p) :]
        joined.append([_join([d[i] for d in mine]) for i in range(len(models))])
    results = joined[0]
    alone = dict(zip(RISKS, joined[1:], strict=False))
    deals = []
    for i, (model, res) in enumerate(zip(models, results, strict=True)):
        a = analyses[i][1]
        exact = _deterministic(a)
        stats = []
        for key, label, kind, worst in FIGURES:
            values: Array = getattr(res, key)
            if key in ("npv", "irr", "payback") and not model.has_lessor:
                continue
            if key in ("irr_equity", "min_dscr", "lender_loss") and not model.has_loan:
                continue
            stats.append(statistic(key, label, kind, values, exact[key], worst=worst))
        probabilities = []
        if model.has_lessor:
            probabilities.append(
                ("loss", "a loss (lessor NPV below zero)", *_probability(res.npv < 0))
            )
            probabilities.append(
                ("no_payback", "no payback on cash", *_probability(np.isnan(res.payback)))
            )
        if model.has_loan:
            probabilities.append(("dscr_breach", "a DSCR breach", *_probability(res.breach)))
            probabilities.append(
                ("lender_loss", "a loss to the lender", *_probability(res.lender_loss > 0.005))
            )
        probabilities.append(("walks", "the tenant walks away", *_probability(res.walked)))
        probabilities.append(("defaults", "the tenant defaults", *_probability(res.defaulted)))
        bars = []
        for r in RISKS if model.has_lessor and alone else ():
            one = alone[r][i].npv
            qs = np.percentile(one, (5, 50, 95))
            base = exact["npv"]
            bars.append(
                TornadoBar(
                    r,
                    float(qs[0]),
                    float(qs[1]),
                    float(qs[2]),
                    float(one.mean()),
                    float((one < 0).mean()),
                    _f(base) if base is not None else float(qs[1]),
                )
            )
        bars.sort(key=lambda bar: -bar.swing)
        notes = list(model.notes)
        noisy = [
            s.label
            for s in stats
            if s.mean is not None and s.stderr is not None and s.stderr > 0.1 * abs(s.mean)
        ]
        if noisy:
            notes.append(
                "the mean is uncertain (its standard error is over a tenth of it) for: "
                + ", ".join(noisy)
                + "; read the median, or run more paths"
            )
        deals.append(
            DealRisk(
                source=model.path,
                deal=model.deal,
                analysis=a,
                inputs=model.inputs,
                statistics=tuple(stats),
                probabilities=tuple(probabilities),
                tornado=tuple(bars),
                histogram=histogram(res.npv) if model.has_lessor else (),
                headline=a.total,
                committed=a.committed_value,
                notes=tuple(notes),
            )
        )
    books = _books(deals, results) if by_lessor else ()
    return RiskReport(paths, seed, tuple(deals), books, CONVENTIONS)


def _books(deals: Sequence[DealRisk], results: Sequence[PathResults]) -> tuple[BookRisk, ...]:
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(deals):
        groups.setdefault(d.deal.lessor, []).append(i)
    books = []
    for lessor, members in sorted(groups.items()):
        years = sorted({y for i in members for y in results[i].revenue_by_year})
        paths = len(results[members[0]].npv)
        lines = []
        for y in years:
            total = np.zeros(paths)
            for i in members:
                total += results[i].revenue_by_year.get(y, np.zeros(paths))
            scheduled = sum(
                (
                    r.amount
                    for i in members
                    for r in deals[i].analysis.schedule.rows
                    if r.date.year == y
                ),
                money.ZERO,
            )
            qs = np.percentile(total, (5, 50, 95))
            lines.append(
                YearRisk(
                    y, float(total.mean()), float(qs[0]), float(qs[1]), float(qs[2]), scheduled
                )
            )
        several = np.zeros(paths, dtype=bool)
        ended = np.stack(
            [results[i].end_year * (results[i].walked + results[i].defaulted) for i in members]
        )
        left: Array = np.asarray((ended > 0).any(axis=0), dtype=np.float64)
        for y in np.unique(ended[ended > 0]):
            several |= (ended == y).sum(axis=0) >= 2
        npv = None
        if all(deals[i].statistics and deals[i].statistics[0].key == "npv" for i in members):
            ccys = {deals[i].deal.currency for i in members}
            if len(ccys) == 1:
                total_npv: Array = np.sum([results[i].npv for i in members], axis=0)
                exact = [deals[i].statistics[0].deterministic for i in members]
                det = (
                    sum((e for e in exact if e is not None), money.ZERO)
                    if all(e is not None for e in exact)
                    else None
                )
                npv = statistic("book_npv", "Book NPV", "money", total_npv, det)
        books.append(
            BookRisk(
                lessor,
                tuple(deals[i].source for i in members),
                tuple(lines),
                float(left.mean()),
                float(several.mean()),
                npv,
            )
        )
    return tuple(books)
