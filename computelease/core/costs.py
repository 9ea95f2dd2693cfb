"""The lessor's whole cost stack, its depreciation, and what its capacity is worth at the end.

Each part is optional and comes from ``assumptions.lessor``; a part that is
absent is named in the notes, never silently zero:

- IT capex (systems, networking, storage, spares): for all the capacity on
  ``capex_date``, per GPU of each tranche, or per tranche, on its capex date;
- the facility, built (``capex_per_mw`` of IT power, with each tranche) or
  rented (``rent_per_kw_month`` of IT power in service, escalating yearly);
- power: IT MW x utilisation x PUE x actual hours x price per MWh,
  escalating yearly;
- maintenance (a share of IT capex a year), insurance (a share of all capex
  a year), and staff and other opex a month (at full delivery: each tranche
  bears its share of the GPUs while it is in service).

Running costs fall on the first day of each month of the term, a part month
prorated, each for the capacity in service in it. Depreciation is
straight-line: IT over ``useful_life_years`` and a built facility over its
``life_years``, from the capex date.

At the end of the lease (its term, or a walkaway) the capacity is worth
what it can still earn: re-let at the market curve after ``relet_gap_months``
for the rest of its useful life, net of its running costs (a month that
would lose money earns nothing: the operator idles it), discounted at the
deal's rate to the day after the lease, plus a built facility's book value.
A fixed ``residual`` replaces that, labelled fixed.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from computelease import dates, money
from computelease.core import capacity
from computelease.core.capacity import InService
from computelease.core.market import MarketCurve
from computelease.core.schedule import periods
from computelease.core.valuation import Discounter, Flow
from computelease.models import Deal, LessorAssumptions

#: The running costs, in the order they are shown.
PARTS = ("power", "facility rent", "maintenance", "insurance", "staff and other")
ResidualBasis = Literal["fixed", "market", "none"]


@dataclass(frozen=True, slots=True)
class Capex:
    """Money spent on the capacity: IT or the facility, for one tranche, on one day."""

    kind: Literal["it", "facility"]
    tranche: str
    date: date
    amount: Decimal


@dataclass(frozen=True)
class Residual:
    """What the capacity is worth the day after the lease ends, and how it was valued."""

    value: Decimal
    basis: ResidualBasis
    it_value: Decimal
    facility_value: Decimal
    #: The day it is valued on (the day after the last day served).
    on: date
    #: When the re-let capacity starts earning again, for a market residual.
    relet_from: date | None
    notes: tuple[str, ...]
    #: Whether a dropped tranche is in it, re-let from its arrival instead.
    dropped: bool = False


@dataclass(frozen=True)
class YearLine:
    """One calendar year of the lessor's deal: earnings as they are earned, and cash as it moves.

    ``revenue`` is the fee for the service given in the year (a prepayment is
    earned as the service it pays for is given); ``received`` is the money
    that came in. Depreciation is by asset class, straight-line.
    """

    year: int
    revenue: Decimal
    received: Decimal
    opex: Decimal
    depreciation_it: Decimal
    depreciation_facility: Decimal
    capex: Decimal

    @property
    def depreciation(self) -> Decimal:
        return self.depreciation_it + self.depreciation_facility

    @property
    def ebitda(self) -> Decimal:
        return self.revenue - self.opex

    @property
    def ebit(self) -> Decimal:
        return self.ebitda - self.depreciation

    @property
    def cash(self) -> Decimal:
        return self.received - self.opex - self.capex


@dataclass(frozen=True)
class CostStack:
    """The lessor's capex and running costs over a lease, and what they leave out."""

    capex: tuple[Capex, ...]
    #: Monthly running costs as negative flows, labelled by part.
    opex: tuple[Flow, ...]
    #: Each part's total over the lease, in PARTS order, for the parts given.
    parts: tuple[tuple[str, Decimal], ...]
    #: Depreciation by calendar year over the lease: (year, IT, facility).
    depreciation: tuple[tuple[int, Decimal, Decimal], ...]
    missing: tuple[str, ...]

    @property
    def it_capex(self) -> Decimal:
        return sum((c.amount for c in self.capex if c.kind == "it"), money.ZERO)

    @property
    def facility_capex(self) -> Decimal:
        return sum((c.amount for c in self.capex if c.kind == "facility"), money.ZERO)

    @property
    def first_capex_date(self) -> date | None:
        return min((c.date for c in self.capex), default=None)


def has_capex(deal: Deal) -> bool:
    """Whether the deal gives the lessor's IT capex in any of its three ways."""
    lessor = lessor_of(deal)
    tranche_capex = deal.capacity is not None and any(
        t.capex is not None for t in deal.capacity.tranches
    )
    return lessor.capex is not None or lessor.capex_per_gpu is not None or tranche_capex


def lessor_of(deal: Deal) -> LessorAssumptions:
    """The lessor's assumptions; none given is every part absent (tranche capex may stand alone)."""
    return deal.assumptions.lessor or LessorAssumptions()


def _when(t: InService, lessor: LessorAssumptions) -> date:
    """When a tranche's capex is spent: its own capex date, or for one block the lessor's."""
    if t.name == capacity.WHOLE and lessor.capex_date is not None:
        return lessor.capex_date
    return t.capex_date


def _it_capex(deal: Deal, lessor: LessorAssumptions, served: tuple[InService, ...]) -> list[Capex]:
    """IT capex of each tranche; capex for all the capacity is shared by GPUs (or power)."""
    if lessor.capex_per_gpu is not None:
        return [
            Capex("it", t.name, _when(t, lessor), lessor.capex_per_gpu * (t.gpus or 0))
            for t in served
        ]
    if any(t.capex is not None for t in served):
        return [Capex("it", t.name, t.capex_date, t.capex) for t in served if t.capex is not None]
    if lessor.capex is None:
        return []
    on = lessor.capex_date or deal.start
    if len(served) <= 1:
        return [Capex("it", served[0].name if served else capacity.WHOLE, on, lessor.capex)]
    # Shared by GPUs, or by power, or equally; rounded so that the parts add up exactly.
    weights = [Decimal(t.gpus) if t.gpus else (t.power_mw or money.ZERO) for t in served]
    if not sum(weights):
        weights = [money.ONE] * len(served)
    whole = sum(weights, money.ZERO)
    parts = [money.round_money(lessor.capex * w / whole, deal.ccy) for w in weights]
    parts[-1] += lessor.capex - sum(parts, money.ZERO)
    return [Capex("it", t.name, on, part) for t, part in zip(served, parts, strict=True)]


def _monthly(
    deal: Deal,
    lessor: LessorAssumptions,
    t: InService,
    capex_of: dict[tuple[str, str], Decimal],
    first: date,
    last: date,
    index: int,
    staff_share: Decimal,
) -> dict[str, Decimal]:
    """One month's running costs of tranche ``t`` for its days in service from first to last.

    ``staff_share`` is the tranche's part of ``opex_monthly``, which is the figure
    at full delivery: staff and overheads grow with the GPUs in service, as power does.
    """
    span = capacity.overlap(t, first, last)
    out: dict[str, Decimal] = {}
    if span is None:
        return out
    days = dates.days_inclusive(*span)
    month_days = dates.days_inclusive(first, dates.add_months(first, 1) - dates.ONE_DAY)
    share = Decimal(days) / Decimal(month_days)
    years = index // 12
    power, facility = lessor.power, lessor.facility
    if power is not None and t.power_mw is not None:
        growth = (money.ONE + (power.escalation or money.ZERO)) ** years
        mwh = t.power_mw * power.utilisation * power.pue * days * 24
        out["power"] = mwh * power.price_mwh * growth
    if facility is not None and facility.rent_per_kw_month is not None and t.power_mw is not None:
        growth = (money.ONE + (facility.rent_escalation or money.ZERO)) ** years
        out["facility rent"] = t.power_mw * 1000 * facility.rent_per_kw_month * share * growth
    it = capex_of.get((t.name, "it"), money.ZERO)
    if lessor.maintenance is not None and it:
        out["maintenance"] = it * lessor.maintenance / 12 * share
    if lessor.insurance is not None:
        insured = it + capex_of.get((t.name, "facility"), money.ZERO)
        if insured:
            out["insurance"] = insured * lessor.insurance / 12 * share
    if lessor.opex_monthly:
        out["staff and other"] = lessor.opex_monthly * staff_share * share
    return out


def _staff_shares(served: tuple[InService, ...]) -> dict[str, Decimal]:
    """Each tranche's part of the staff and other opex: its share of the GPUs, else equal.

    A dropped tranche is no part of the operation the opex runs, so it has no share.
    """
    running = [t for t in served if not t.dropped]
    counts: list[int] = [t.gpus for t in running if t.gpus is not None]
    whole = Decimal(sum(counts, 0))
    shares = {t.name: money.ZERO for t in served}
    if running and len(counts) == len(running) and whole:
        shares.update({t.name: Decimal(t.gpus or 0) / whole for t in running})
    elif running:
        shares.update({t.name: money.ONE / len(running) for t in running})
    return shares


def _named_missing(deal: Deal, lessor: LessorAssumptions) -> Iterator[str]:
    if lessor.facility is None:
        yield "no facility (assumptions.lessor.facility): its capex or rent is taken as zero"
    if lessor.power is None:
        yield "no power cost (assumptions.lessor.power): taken as zero"
    if lessor.maintenance is None:
        yield "no maintenance (assumptions.lessor.maintenance): taken as zero"
    if lessor.insurance is None:
        yield "no insurance (assumptions.lessor.insurance): taken as zero"
    if lessor.opex_monthly is None:
        yield "no staff and other opex (assumptions.lessor.opex_monthly): taken as zero"


@money.exact
def cost_stack(deal: Deal) -> CostStack:
    """The lessor's capex and monthly running costs over the deal's term."""
    lessor = lessor_of(deal)
    assert has_capex(deal)  # the caller asks only when there is capex
    ccy = deal.ccy
    served = capacity.tranches(deal)
    capex = _it_capex(deal, lessor, served)
    facility = lessor.facility
    if facility is not None and facility.capex_per_mw is not None:
        capex += [
            Capex("facility", t.name, _when(t, lessor), facility.capex_per_mw * t.power_mw)
            for t in served
            if t.power_mw is not None
        ]
    capex = [Capex(c.kind, c.tranche, c.date, money.round_money(c.amount, ccy)) for c in capex]
    capex_of: dict[tuple[str, str], Decimal] = defaultdict(lambda: money.ZERO)
    for c in capex:
        capex_of[(c.tranche, c.kind)] += c.amount
    opex: list[Flow] = []
    totals: dict[str, Decimal] = defaultdict(lambda: money.ZERO)
    staff = _staff_shares(served)
    for p in periods(deal.start, deal.term_end, 1, "advance"):
        month: dict[str, Decimal] = defaultdict(lambda: money.ZERO)
        for t in served:
            for part, amount in _monthly(
                deal, lessor, t, capex_of, p.start, p.end, p.index, staff[t.name]
            ).items():
                month[part] += amount
        if not served and lessor.opex_monthly:
            # No capacity figure to scale by: the whole of it, every month of the term.
            month["staff and other"] += lessor.opex_monthly * (p.fraction or money.ONE)
        for part in PARTS:
            if part in month:
                amount = money.round_money(month[part], ccy)
                if amount:
                    opex.append(Flow(p.start, -amount, part, "opex"))
                    totals[part] += amount
    return CostStack(
        capex=tuple(capex),
        opex=tuple(opex),
        parts=tuple((part, totals[part]) for part in PARTS if part in totals),
        depreciation=_depreciation(deal, lessor, capex),
        missing=tuple(_named_missing(deal, lessor)),
    )


def _depreciation(
    deal: Deal, lessor: LessorAssumptions, capex: list[Capex]
) -> tuple[tuple[int, Decimal, Decimal], ...]:
    """Straight-line depreciation by calendar year and asset class, from each capex date to
    the term's end: the IT over its useful life, a built facility over its own."""
    by_year: dict[tuple[int, str], Decimal] = defaultdict(lambda: money.ZERO)
    facility_life = lessor.facility.life_years if lessor.facility else 20
    for c in capex:
        life = (lessor.useful_life_years if c.kind == "it" else facility_life) * 12
        monthly = c.amount / life
        for p in periods(c.date, deal.term_end, 1, "advance"):
            if p.index >= life:
                break
            by_year[(p.start.year, c.kind)] += monthly * (p.fraction or money.ONE)
    years = sorted({year for year, _ in by_year})
    return tuple(
        (
            year,
            money.round_money(by_year.get((year, "it"), money.ZERO), deal.ccy),
            money.round_money(by_year.get((year, "facility"), money.ZERO), deal.ccy),
        )
        for year in years
    )


@money.exact
def residual(
    deal: Deal, stack: CostStack, rate: Decimal | None, market: MarketCurve | None
) -> Residual:
    """What the capacity is worth the day after the deal's last day: fixed, or at the market.

    Each tranche's GPUs are re-let for the rest of their useful life; its built
    facility counts at the book value it has when they stop, since until then
    the re-let earns through it (counting its book value today as well would
    count those years twice), discounted to the day after the lease.
    """
    lessor = lessor_of(deal)
    ccy = deal.ccy
    on = dates.next_day(deal.term_end)
    if lessor.residual is not None:
        value = money.round_money(lessor.residual, ccy)
        return Residual(value, "fixed", value, money.ZERO, on, None, ("a fixed residual",))
    relet = dates.add_months(on, lessor.relet_gap_months)
    notes: list[str] = []
    if market is None:
        notes.append(
            "no market price to re-let the capacity at: the IT is valued at zero at the end "
            "(give assumptions.market_gpu_hour, or a fixed assumptions.lessor.residual)"
        )
    elif rate is None:
        notes.append(
            "re-letting the capacity at the market needs a discount rate: IT valued at zero"
        )
    disc = Discounter(rate, on) if rate is not None else None
    capex_of: dict[tuple[str, str], Decimal] = defaultdict(lambda: money.ZERO)
    for c in stack.capex:
        capex_of[(c.tranche, c.kind)] += c.amount
    served = capacity.tranches(deal)
    staff = _staff_shares(served)
    facility_life = (lessor.facility.life_years if lessor.facility else 20) * 12
    it = facility = money.ZERO
    for t in served:
        # The day its GPUs could next earn: a dropped tranche's arrival, the day after a share
        # never delivered leaves the lease, or else the day after the lease.
        free = t.first if t.dropped else min(on, dates.next_day(t.last))
        start = dates.add_months(max(free, deal.start), lessor.relet_gap_months)
        life_end = dates.add_months(_when(t, lessor), lessor.useful_life_years * 12) - dates.ONE_DAY
        stands_free = on
        if market is not None and disc is not None:
            if t.gpus is None:
                notes.append(f"{t.name} has no GPU count: its IT is valued at zero at the end")
            elif life_end < start:
                notes.append(
                    f"{t.name}'s useful life ends {life_end}, before it could be re-let: its IT "
                    "is valued at zero at the end"
                )
            else:
                it += _relet(
                    deal, lessor, t, capex_of, staff[t.name], market, disc, start, life_end
                )
                stands_free = max(on, dates.next_day(life_end))
        for c in stack.capex:
            if c.kind == "facility" and c.tranche == t.name:
                last = stands_free - dates.ONE_DAY
                used = dates.month_span(c.date, last).months if last >= c.date else money.ZERO
                book = c.amount * max(money.ZERO, 1 - used / facility_life)
                facility += book * disc.factor(stands_free) if disc is not None else book
    it, facility = money.round_money(it, ccy), money.round_money(facility, ccy)
    basis: ResidualBasis = "market" if market is not None and disc is not None else "none"
    return Residual(
        it + facility,
        basis,
        it,
        facility,
        on,
        relet if basis == "market" else None,
        tuple(notes),
        dropped=any(t.dropped for t in served),
    )


def _relet(
    deal: Deal,
    lessor: LessorAssumptions,
    t: InService,
    capex_of: dict[tuple[str, str], Decimal],
    staff_share: Decimal,
    market: MarketCurve,
    disc: Discounter,
    start: date,
    life_end: date,
) -> Decimal:
    """Tranche ``t``'s GPUs re-let at the market from ``start`` to the end of their life.

    Net of their running costs, month by month; a month that would lose money
    earns nothing (the operator idles it). Valued on the discounter's date.
    """
    total = money.ZERO
    for day, earned, costs in relet_months(
        deal, lessor, t, capex_of, staff_share, market, start, life_end
    ):
        net = earned - costs
        if net > 0:
            total += net * disc.factor(day)
    return total


def relet_months(
    deal: Deal,
    lessor: LessorAssumptions,
    t: InService,
    capex_of: dict[tuple[str, str], Decimal],
    staff_share: Decimal,
    market: MarketCurve,
    start: date,
    life_end: date,
) -> Iterator[tuple[date, Decimal, Decimal]]:
    """Tranche ``t`` re-let from ``start``, month by month: first day, market pay, costs.

    A tranche with its own market price re-lets at the deal's market scaled to it.
    """
    assert t.gpus is not None
    scale = t.market_gpu_hour / market.price(deal.start) if t.market_gpu_hour else money.ONE
    # The tranche as it would run after the lease: in service to the end of its life.
    again = dataclasses.replace(t, first=start, last=life_end)
    first_month = dates.month_span(deal.start, start).whole
    share = staff_share if not t.dropped else _alone(deal, t)
    for p in periods(start, life_end, 1, "advance"):
        after = dates.next_day(p.end)
        earned = t.gpus * 24 * market.area(p.start, after) * scale
        costs = sum(
            _monthly(
                deal, lessor, again, capex_of, p.start, p.end, first_month + p.index, share
            ).values(),
            money.ZERO,
        )
        yield p.start, earned, costs


@dataclass(frozen=True)
class ReletLine:
    """One tranche's GPUs re-let month by month from ``first`` (for a simulation to cut)."""

    tranche: str
    #: Whether it is re-let from a fixed day (a dropped tranche) whenever the lease ends.
    fixed: bool
    #: The day after its last day in the lease (None: it serves to the lease's end).
    leaves: date | None
    life_end: date
    #: (first day, the market's pay at the curve, running costs) for each month.
    months: tuple[tuple[date, Decimal, Decimal], ...]


def relet_lines(deal: Deal, stack: CostStack, market: MarketCurve, first: date) -> list[ReletLine]:
    """Every tranche's re-let months from ``first`` (or its own fixed day) to the end of its life.

    The months a lease that ends early would re-let: a simulation takes each
    line from the month its own lease end leaves the GPUs free. Tranches with
    no GPU count are left out, as :func:`residual` values their IT at zero.
    """
    lessor = lessor_of(deal)
    capex_of: dict[tuple[str, str], Decimal] = defaultdict(lambda: money.ZERO)
    for c in stack.capex:
        capex_of[(c.tranche, c.kind)] += c.amount
    served = capacity.tranches(deal)
    staff = _staff_shares(served)
    lines = []
    for t in served:
        if t.gpus is None:
            continue
        life_end = dates.add_months(_when(t, lessor), lessor.useful_life_years * 12) - dates.ONE_DAY
        if t.dropped:
            start = dates.add_months(max(t.first, deal.start), lessor.relet_gap_months)
        else:
            start = first
        months = (
            tuple(relet_months(deal, lessor, t, capex_of, staff[t.name], market, start, life_end))
            if start <= life_end
            else ()
        )
        leaves = None if t.dropped or t.last >= deal.term_end else dates.next_day(t.last)
        lines.append(ReletLine(t.name, t.dropped, leaves, life_end, months))
    return lines


def _alone(deal: Deal, t: InService) -> Decimal:
    """A dropped tranche's share of the opex when it runs: as its GPUs stand to the lease's."""
    whole = deal.gpus
    return Decimal(t.gpus or 0) / whole if whole else money.ZERO
