"""Breakeven: when the lessor earns its capex back, whether the tenant should buy, and the market.

Each block appears only when its inputs are present; otherwise the result
says which inputs are missing.

Timing of the flows, stated in every report:

- capex on its dates (see :mod:`computelease.core.costs`);
- running costs on the first day of each month of the term (rolling from
  ``start``), a stub month prorated by days;
- the capacity's value at the end on the day after the term ends, in the NPV
  and IRR only: payback and capex unrecovered are on cash;
- lease receipts as the schedule pays them;
- the breakeven monthly payment on the deal's own grid: monthly periods from
  ``start``, with the timing of the deal's first base stream, a stub prorated.

The market is :class:`computelease.core.market.MarketCurve`; its value over
the term is the exact integral of the curve over the GPU-hours in service.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from computelease import dates, money
from computelease.core import capacity
from computelease.core.costs import (
    Capex,
    CostStack,
    Residual,
    YearLine,
    cost_stack,
    has_capex,
    lessor_of,
    residual,
)
from computelease.core.financing import Loan, finance
from computelease.core.market import MarketCurve
from computelease.core.schedule import Schedule, periods
from computelease.core.units import gpus_figure, term_hours
from computelease.core.valuation import Discounter, Flow, Irr, by_date, cash_payback, xirr
from computelease.models import Deal, Financing


@dataclass(frozen=True)
class Lessor:
    """The lessor's view: capex out, receipts in, running costs out, the capacity's end value.

    Payback and ``shortfall`` (capex not yet recovered) are measured on cash
    received; the capacity's value at the end (``residual``) counts in the
    NPV and IRR but is never netted into them.
    """

    #: All capex (IT and facility), and the day the first of it is spent.
    capex: Decimal
    capex_date: date
    it_capex: Decimal
    facility_capex: Decimal
    #: Staff and other opex a month, as given.
    opex_monthly: Decimal
    #: Each running cost's total over the term (power, rent, maintenance...).
    opex_parts: tuple[tuple[str, Decimal], ...]
    residual: Decimal
    end_value: Residual
    #: Each part of the capex: IT or facility, by tranche and date.
    capex_items: tuple[Capex, ...]
    years: tuple[YearLine, ...]
    rate: Decimal | None
    flows: tuple[Flow, ...]
    payback_date: date | None
    payback_months: Decimal | None
    shortfall: Decimal | None
    npv: Decimal | None
    breakeven_monthly: Decimal | None
    #: (date, cumulative receipts, cumulative costs) at each date a flow falls on.
    timeline: tuple[tuple[date, Decimal, Decimal], ...]
    notes: tuple[str, ...]

    @functools.cached_property
    def irr(self) -> Irr:
        """The IRR of ``flows``, searched for when first read: it is the costliest figure
        here, and ``lease check`` (the covenant) and a sensitivity of NPV never read it."""
        return xirr(self.flows)


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
    #: The market's price per GPU-hour averaged over the GPU-hours in service.
    market_average_gpu_hour: Decimal
    market_value: Decimal
    paid_above_market: Decimal
    notes: tuple[str, ...]
    #: The dated prices the market follows, if the deal gives a curve (``market_decline``
    #: then applies only beyond its last point).
    curve: tuple[tuple[date, Decimal], ...] = ()
    #: The market's price on the start and each monthly anniversary to the term's end, for a
    #: chart of the market against the lease.
    path: tuple[tuple[date, Decimal], ...] = ()


@dataclass(frozen=True)
class Breakeven:
    """The lessor, lessee and market blocks of a base schedule, and the lessor's loan.

    Each block is worked out when first read and kept: a command (or a
    sensitivity cell, or ``lease check``'s covenant) pays only for the blocks
    it reads. ``missing`` is known at once, from the inputs alone.
    """

    schedule: Schedule
    rate: Decimal | None
    as_of: date
    #: One line per block that could not be computed, naming the inputs it needs.
    missing: tuple[str, ...]
    #: The schedule if the tenant walks away at the first chance (see analysis.lender_view).
    walked: Schedule | None = None

    @functools.cached_property
    def lessor(self) -> Lessor | None:
        if not has_capex(self.schedule.deal):
            return None
        with money.arithmetic():
            return _lessor(self.schedule, self.rate, self.as_of)

    @functools.cached_property
    def lessee(self) -> Lessee | None:
        a = self.schedule.deal.assumptions
        if a.lessee is None or a.lessee.buy_capex is None:
            return None
        with money.arithmetic():
            return _lessee(self.schedule, self.rate, self.as_of)

    @functools.cached_property
    def market(self) -> Market | None:
        curve = MarketCurve.of(self.schedule.deal)
        if curve is None or not curve.price(self.schedule.deal.start) > 0:
            return None
        with money.arithmetic():
            return _market(self.schedule, curve)

    @functools.cached_property
    def loan(self) -> Loan | None:
        """The lessor's loan and levered returns, when the deal gives its financing."""
        lessor = self.lessor
        terms = financing_of(self.schedule.deal)
        if lessor is None or terms is None:
            return None
        with money.arithmetic():
            return finance(
                self.schedule,
                terms,
                lessor.flows,
                lessor.capex_items,
                lessor.end_value,
                self.rate,
                self.as_of,
            )

    @functools.cached_property
    def walkaway(self) -> Loan | None:
        """The same loan if the tenant walks away at the first chance."""
        if self.walked is None:
            return None
        return breakeven(self.walked, self.rate, self.as_of).loan


def financing_of(deal: Deal) -> Financing | None:
    """The lessor's loan terms, if the deal gives them."""
    lessor = deal.assumptions.lessor
    return lessor.financing if lessor is not None else None


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
    if not has_capex(deal):
        missing.append(
            "lessor breakeven needs the IT capex: assumptions.lessor.capex, capex_per_gpu, "
            "or a capex per tranche"
        )
    if a.lessee is None or a.lessee.buy_capex is None:
        missing.append("lease-versus-buy needs assumptions.lessee.buy_capex")
    curve = MarketCurve.of(deal)
    if curve is not None and not curve.price(deal.start) > 0:
        missing.append("the market comparison needs a market price above zero")
    elif curve is None:
        missing.append(
            "the market comparison needs a committed-term market price: "
            "assumptions.market_gpu_hour (with market_decline) or market_curve"
        )
    return Breakeven(schedule, rate, as_of, tuple(missing))


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
    inputs = lessor_of(deal)
    ccy = deal.ccy
    stack = cost_stack(deal)
    end_value = residual(deal, stack, rate, MarketCurve.of(deal))
    several = len({c.tranche for c in stack.capex}) > 1
    capex_flows = [
        Flow(
            c.date,
            -c.amount,
            f"{'IT' if c.kind == 'it' else 'facility'} capex"
            + (f" ({c.tranche})" if several else ""),
            "capex",
        )
        for c in stack.capex
    ]
    receipts = _receipts(schedule)
    cash = sorted([*capex_flows, *receipts, *stack.opex], key=lambda f: f.date)
    flows = list(cash)
    if end_value.value:
        flows.append(
            Flow(end_value.on, end_value.value, f"residual ({end_value.basis})", "residual")
        )
    notes = [*stack.missing, *end_value.notes]
    capex_date = stack.first_capex_date or deal.start

    # Payback on cash: the end value is a valuation, never money received.
    # Months from the first money spent (the capex, or the start if that is earlier).
    paid = cash_payback(cash, since=capex_date, first=min(capex_date, deal.start))

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
        capex=stack.it_capex + stack.facility_capex,
        capex_date=capex_date,
        it_capex=stack.it_capex,
        facility_capex=stack.facility_capex,
        opex_monthly=inputs.opex_monthly or money.ZERO,
        opex_parts=stack.parts,
        residual=end_value.value,
        end_value=end_value,
        capex_items=stack.capex,
        years=_years(schedule, receipts, stack),
        rate=rate,
        flows=tuple(flows),
        payback_date=paid.on,
        payback_months=paid.months,
        shortfall=paid.shortfall,
        npv=npv,
        breakeven_monthly=breakeven_monthly,
        timeline=paid.timeline,
        notes=tuple(notes),
    )


def _years(schedule: Schedule, receipts: Iterable[Flow], stack: CostStack) -> tuple[YearLine, ...]:
    """The lessor's deal by calendar year: revenue as earned, cash as it moves, depreciation."""
    revenue = _earned(schedule)
    received: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    opex: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    capex: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    for f in receipts:
        received[f.date.year] += f.amount
    for f in stack.opex:
        opex[f.date.year] -= f.amount
    for c in stack.capex:
        capex[c.date.year] += c.amount
    depreciation = {year: (it, facility) for year, it, facility in stack.depreciation}
    none = (money.ZERO, money.ZERO)
    years = sorted({*revenue, *received, *opex, *capex, *depreciation})
    return tuple(
        YearLine(
            y,
            revenue.get(y, money.ZERO),
            received[y],
            opex[y],
            *depreciation.get(y, none),
            capex[y],
        )
        for y in years
    )


def _earned(schedule: Schedule) -> dict[int, Decimal]:
    """Revenue by calendar year as the service is given (accrual, not cash).

    Each payment's fee after the cap is earned over its period, split by days
    across years, however it is paid (in advance, in arrears, or out of a
    prepayment); a single payment on its date; the part of a prepayment that
    no service ever used is earned when the lease ends. The years add up to
    what is received, to the cent.
    """
    deal = schedule.deal
    earned: dict[int, Decimal] = defaultdict(lambda: money.ZERO)
    unused = money.ZERO
    for r in schedule.rows:
        if r.kind == "prepayment":
            unused += r.amount
            continue
        unused -= r.credit
        fee = r.scheduled - r.cap_cut
        first, last = r.period_start, r.period_end
        if first is None or last is None or first.year == last.year:
            earned[(first or r.date).year] += fee
            continue
        days = dates.days_inclusive(first, last)
        split = money.ZERO
        for year in range(first.year, last.year):
            part = fee * dates.days_inclusive(max(first, date(year, 1, 1)), date(year, 12, 31))
            share = money.round_money(part / days, deal.ccy)
            earned[year] += share
            split += share
        earned[last.year] += fee - split  # the rounding stays in the last year
    if unused:
        earned[deal.term_end.year] += unused
    return dict(earned)


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
    for day, flows in by_date(sorted([*lease, *own], key=lambda f: f.date)):
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


def _market(schedule: Schedule, curve: MarketCurve) -> Market:
    """The lease's price per GPU-hour in service against the committed-term market's."""
    deal = schedule.deal
    a = deal.assumptions
    ccy = deal.ccy
    hours = term_hours(deal)
    total = schedule.total
    after = dates.next_day(deal.term_end)
    days = (after - deal.start).days
    per_day = hours / days  # GPU-hours per GPU-day on the deal's hours basis (24 on actual)
    notes: list[str] = []
    figure = gpus_figure(deal)
    basis: str
    at_start = curve.price(deal.start)
    served = [t for t in capacity.tranches(deal) if t.gpus is not None]
    if figure.value is not None and served:
        gpus, basis = figure.value, figure.basis
        in_service = capacity.gpu_hours(deal, deal.start, deal.term_end) or money.ONE
        lease_price = total / in_service
        market_value = sum(
            (
                t.gpus * per_day * curve.area(t.first, dates.next_day(t.last))
                for t in served
                if t.gpus is not None and t.last >= t.first
            ),
            money.ZERO,
        )
    else:
        # The count at which the lease starts at market: the Reflection deal's case.
        gpus, basis = total / (at_start * hours), "implied"
        lease_price = at_start
        in_service = gpus * hours
        market_value = gpus * per_day * curve.area(deal.start, after)
        notes.append(
            "GPU count unknown: implied at the starting market price, so the lease starts at market"
        )
    if a.on_demand_gpu_hour is not None:
        notes.append(
            money.Words(
                "on demand the same GPU-hour lists at ",
                money.Amount(a.on_demand_gpu_hour, ccy, price=True),
                ": a reference only, since a committed lease is compared with committed prices",
            )
        )
    return Market(
        market_gpu_hour=money.round_to(at_start, 4),
        market_decline=a.market_decline or money.ZERO,
        gpus=money.round_to(gpus, 0) if basis == "implied" else gpus,
        gpus_basis=basis,
        lease_gpu_hour=money.round_to(lease_price, 4),
        below_market_from=curve.first_below(lease_price, deal.start, after)
        if lease_price > 0
        else None,
        market_at_end=money.round_to(curve.price(after), 4),
        market_average_gpu_hour=money.round_to(market_value / in_service, 4)
        if in_service
        else money.round_to(at_start, 4),
        market_value=money.round_money(market_value, ccy),
        paid_above_market=money.round_money(total - market_value, ccy),
        notes=tuple(notes),
        curve=tuple((p.date, p.gpu_hour) for p in a.market_curve),
        path=tuple(
            (day, money.round_to(curve.price(day), 4))
            for day in (dates.add_months(deal.start, m) for m in range(_months(deal) + 1))
        ),
    )


def _months(deal: Deal) -> int:
    """Whole months from the start to the day after the term, the last part month counted."""
    after = dates.next_day(deal.term_end)
    months = (after.year - deal.start.year) * 12 + after.month - deal.start.month
    return months if dates.add_months(deal.start, months) >= after else months + 1
