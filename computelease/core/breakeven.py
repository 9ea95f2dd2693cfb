"""Breakeven: when the lessor earns its capex back, whether the tenant should buy, and the market.

Each block appears only when its inputs are present; otherwise the result
says which inputs are missing.

Timing of the flows, stated in every report:

- capex on ``start``;
- opex on the first day of each month of the term (rolling from ``start``),
  a stub month prorated by days;
- residual value on the day after the term ends;
- lease receipts as the schedule pays them;
- the breakeven monthly payment on the deal's own grid: monthly periods from
  ``start``, with the timing of the deal's first base stream, a stub prorated.

The market price on a date is ``market_gpu_hour x (1 - market_decline) **
(days since start / 365)``; its value over the term is the exact integral of
that curve, times the GPU-hours per day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from computelease import dates, money
from computelease.core.schedule import Schedule, periods
from computelease.core.units import gpus_figure, term_hours
from computelease.core.valuation import Discounter, Flow, Irr, xirr
from computelease.models import Deal


@dataclass(frozen=True)
class Lessor:
    """The lessor's view: capex out, receipts in, opex out, residual back."""

    capex: Decimal
    capex_date: date
    opex_monthly: Decimal
    residual: Decimal
    rate: Decimal | None
    flows: tuple[Flow, ...]
    payback_date: date | None
    payback_months: Decimal | None
    shortfall: Decimal | None
    npv: Decimal | None
    irr: Irr
    breakeven_monthly: Decimal | None
    #: (date, cumulative receipts, cumulative costs) at each date a flow falls on.
    timeline: tuple[tuple[date, Decimal, Decimal], ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Lessee:
    """Lease against buy, for the tenant."""

    buy_capex: Decimal
    buy_opex_monthly: Decimal
    buy_residual: Decimal
    rate: Decimal | None
    lease_nominal: Decimal
    own_nominal: Decimal
    pv_lease: Decimal | None
    pv_own: Decimal | None
    cheaper: Literal["lease", "buy", "neither"] | None
    saving: Decimal | None
    crossover_date: date | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Market:
    """The lease's GPU-hour price against a falling market price."""

    market_gpu_hour: Decimal
    market_decline: Decimal
    gpus: Decimal
    gpus_basis: str
    lease_gpu_hour: Decimal
    below_market_from: date | None
    market_at_end: Decimal
    market_value: Decimal
    paid_above_market: Decimal
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Breakeven:
    lessor: Lessor | None
    lessee: Lessee | None
    market: Market | None
    #: One line per block that could not be computed, naming the inputs it needs.
    missing: tuple[str, ...]


@money.exact
def breakeven(schedule: Schedule, rate: Decimal | None, as_of: date | None = None) -> Breakeven:
    """Every breakeven block whose inputs the deal gives, on its base schedule.

    Present values are taken at ``as_of`` (default: the deal's start); flows
    before it, such as capex spent at signing, are compounded forward.
    """
    as_of = as_of or schedule.deal.start
    deal = schedule.deal
    a = deal.assumptions
    missing: list[str] = []
    lessor = lessee = market = None
    if a.lessor is not None and a.lessor.capex is not None:
        lessor = _lessor(schedule, rate, as_of)
    else:
        missing.append("lessor breakeven needs assumptions.lessor.capex")
    if a.lessee is not None and a.lessee.buy_capex is not None:
        lessee = _lessee(schedule, rate, as_of)
    else:
        missing.append("lease-versus-buy needs assumptions.lessee.buy_capex")
    if a.market_gpu_hour is not None and a.market_decline is not None and a.market_gpu_hour > 0:
        market = _market(schedule)
    elif a.market_gpu_hour == 0:
        missing.append("the market comparison needs a market price above zero")
    else:
        missing.append(
            "the market comparison needs assumptions.market_gpu_hour and assumptions.market_decline"
        )
    return Breakeven(lessor, lessee, market, tuple(missing))


def monthly_costs(deal: Deal, monthly: Decimal) -> list[Flow]:
    """A monthly cost on the first day of each month of the term, a stub month prorated."""
    if not monthly:
        return []
    ccy = deal.ccy
    return [
        Flow(p.start, -money.round_money(monthly * (p.fraction or money.ONE), ccy), "opex", "opex")
        for p in periods(deal.start, deal.term_end, 1, "advance")
    ]


def _receipts(schedule: Schedule) -> list[Flow]:
    return [Flow(r.date, r.amount, r.stream, "receipt") for r in schedule.rows if r.amount]


def _lessor(schedule: Schedule, rate: Decimal | None, as_of: date) -> Lessor:
    deal = schedule.deal
    inputs = deal.assumptions.lessor
    assert inputs is not None and inputs.capex is not None
    ccy = deal.ccy
    capex = inputs.capex
    opex = inputs.opex_monthly or money.ZERO
    residual = inputs.residual or money.ZERO
    notes = [
        f"{name} not given: taken as zero"
        for name, v in (("opex_monthly", inputs.opex_monthly), ("residual", inputs.residual))
        if v is None
    ]
    end = dates.next_day(deal.term_end)
    capex_date = inputs.capex_date or deal.start
    flows = [
        Flow(capex_date, -capex, "capex", "capex"),
        *_receipts(schedule),
        *monthly_costs(deal, opex),
    ]
    if residual:
        flows.append(Flow(end, residual, "residual", "residual"))
    flows.sort(key=lambda f: f.date)

    timeline: list[tuple[date, Decimal, Decimal]] = []
    received = spent = money.ZERO
    payback: date | None = None
    for day, day_flows in _by_date(flows):
        for f in day_flows:
            if f.amount >= 0:
                received += f.amount
            else:
                spent -= f.amount
        timeline.append((day, received, spent))
        # Paid back once receipts cover the capex: never before the capex is spent.
        if payback is None and day >= capex_date and received >= spent:
            payback = day
    net = received - spent
    payback_months = None
    shortfall = None
    if payback is not None:
        # Months from the first money spent (the capex, or the start if that is earlier).
        first = min(capex_date, deal.start)
        payback_months = money.round_to(
            dates.month_span(first, payback - dates.ONE_DAY).months
            if payback > first
            else money.ZERO,
            2,
        )
    else:
        shortfall = -net

    npv = breakeven_monthly = None
    if rate is not None:
        disc = Discounter(rate, as_of)
        npv = money.round_money(
            disc.present_value(((f.date, f.amount) for f in flows), earlier=True), ccy
        )
        others = [f for f in flows if f.kind != "receipt"]
        other_value = disc.present_value(((f.date, f.amount) for f in others), earlier=True)
        annuity = _monthly_annuity(deal, disc)
        if annuity:
            breakeven_monthly = money.round_money(-other_value / annuity, ccy)
    else:
        notes.append("NPV and breakeven payment need a discount rate")
    return Lessor(
        capex=capex,
        capex_date=capex_date,
        opex_monthly=opex,
        residual=residual,
        rate=rate,
        flows=tuple(flows),
        payback_date=payback,
        payback_months=payback_months,
        shortfall=shortfall,
        npv=npv,
        irr=xirr(flows),
        breakeven_monthly=breakeven_monthly,
        timeline=tuple(timeline),
        notes=tuple(notes),
    )


def _monthly_annuity(deal: Deal, disc: Discounter) -> Decimal:
    """Present value of 1 a month on the deal's own grid: the breakeven payment's divisor."""
    base = [s for s in deal.payments if not s.option]
    timing = base[0].timing if base else "advance"
    return sum(
        (
            (p.fraction or money.ONE) * disc.factor(p.pay_date)
            for p in periods(deal.start, deal.term_end, 1, timing)
        ),
        money.ZERO,
    )


def _by_date(flows: Iterable[Flow]) -> Iterable[tuple[date, list[Flow]]]:
    current: list[Flow] = []
    for f in flows:
        if current and f.date != current[0].date:
            yield current[0].date, current
            current = []
        current.append(f)
    if current:
        yield current[0].date, current


def _lessee(schedule: Schedule, rate: Decimal | None, as_of: date) -> Lessee:
    deal = schedule.deal
    inputs = deal.assumptions.lessee
    assert inputs is not None and inputs.buy_capex is not None
    ccy = deal.ccy
    capex = inputs.buy_capex
    opex = inputs.buy_opex_monthly or money.ZERO
    residual = inputs.buy_residual or money.ZERO
    notes = [
        f"{name} not given: taken as zero"
        for name, v in (
            ("buy_opex_monthly", inputs.buy_opex_monthly),
            ("buy_residual", inputs.buy_residual),
        )
        if v is None
    ]
    end = dates.next_day(deal.term_end)
    lease = [Flow(r.date, r.amount, r.stream, "payment") for r in schedule.rows if r.amount]
    own = [
        Flow(deal.start, capex, "buy capex", "capex"),
        *(Flow(f.date, -f.amount, "buy opex", "opex") for f in monthly_costs(deal, opex)),
    ]
    # Costs are positive here; the residual comes back at the end.
    lease_nominal = sum((f.amount for f in lease), money.ZERO)
    own_nominal = sum((f.amount for f in own), money.ZERO) - residual

    crossover: date | None = None
    leased = owned = money.ZERO
    for day, flows in _by_date(sorted([*lease, *own], key=lambda f: f.date)):
        leased += sum((f.amount for f in flows if f.kind == "payment"), money.ZERO)
        owned += sum((f.amount for f in flows if f.kind != "payment"), money.ZERO)
        if leased > owned:
            crossover = day
            break

    pv_lease = pv_own = saving = None
    cheaper: Literal["lease", "buy", "neither"] | None = None
    if rate is not None:
        disc = Discounter(rate, as_of)
        pv_lease = money.round_money(
            disc.present_value(((f.date, f.amount) for f in lease), earlier=True), ccy
        )
        own_value = disc.present_value(
            ((f.date, f.amount) for f in own), earlier=True
        ) - disc.present_value([(end, residual)], earlier=True)
        pv_own = money.round_money(own_value, ccy)
        saving = abs(pv_lease - pv_own)
        cheaper = "lease" if pv_lease < pv_own else "buy" if pv_own < pv_lease else "neither"
    else:
        notes.append("present values need a discount rate")
    return Lessee(
        buy_capex=capex,
        buy_opex_monthly=opex,
        buy_residual=residual,
        rate=rate,
        lease_nominal=lease_nominal,
        own_nominal=own_nominal,
        pv_lease=pv_lease,
        pv_own=pv_own,
        cheaper=cheaper,
        saving=saving,
        crossover_date=crossover,
        notes=tuple(notes),
    )


def _market(schedule: Schedule) -> Market:
    deal = schedule.deal
    a = deal.assumptions
    assert a.market_gpu_hour is not None and a.market_decline is not None
    ccy = deal.ccy
    m0, decline = a.market_gpu_hour, a.market_decline
    hours = term_hours(deal)
    total = schedule.total
    notes: list[str] = []
    figure = gpus_figure(deal)
    basis: str
    if figure.value is not None:
        gpus, basis = figure.value, figure.basis
        lease_price = total / (gpus * hours)
    else:
        # The count at which the lease starts at market: the Reflection deal's case.
        gpus, basis = total / (m0 * hours), "implied"
        lease_price = m0
        notes.append(
            "GPU count unknown: implied at the starting market price, so the lease starts at market"
        )
    # Prices follow the calendar from market_date (default: start), t in days since then.
    anchor = a.market_date or deal.start
    days = (dates.next_day(deal.term_end) - deal.start).days
    t0 = (deal.start - anchor).days
    t1 = t0 + days
    if decline:
        k = (money.ONE - decline).ln() / 365  # per day, negative
        market_area = m0 * ((k * t1).exp() - (k * t0).exp()) / k  # price x days
        market_at_start = m0 * (k * t0).exp()
        market_at_end = m0 * (k * t1).exp()
    else:
        k = money.ZERO
        market_area = m0 * days
        market_at_start = market_at_end = m0
    # GPU-hours per day on the deal's hours basis (24 on actual hours).
    market_value = gpus * (hours / days) * market_area
    below: date | None
    if market_at_start < lease_price:
        below = deal.start
    elif decline and lease_price > 0:
        # m0 * exp(k t) < lease_price  <=>  t > ln(lease_price / m0) / k
        threshold = (lease_price / m0).ln() / k
        day = int(threshold) + 1
        below = anchor + timedelta(days=day) if day < t1 else None
    else:
        below = None
    return Market(
        market_gpu_hour=m0,
        market_decline=decline,
        gpus=money.round_to(gpus, 0) if basis == "implied" else gpus,
        gpus_basis=basis,
        lease_gpu_hour=money.round_to(lease_price, 4),
        below_market_from=below,
        market_at_end=money.round_to(market_at_end, 4),
        market_value=money.round_money(market_value, ccy),
        paid_above_market=money.round_money(total - market_value, ccy),
        notes=tuple(notes),
    )
