"""Capacity over time: which GPUs are in service on which days, and their hours.

A deal's capacity is one block (``capacity.gpus``, ``power_mw``) in service
for the whole term, or tranches, each in service from its delivery to its
``until``. GPU-hours, prices per GPU-hour and per kW-month, per-GPU-hour
billing and the lessor's costs all follow the capacity actually in service,
so a tranche delivered late is neither billed nor priced before it arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import dates, money
from computelease.models import Deal

#: The name of the one block of a deal without tranches.
WHOLE = "capacity"


@dataclass(frozen=True, slots=True)
class InService:
    """One tranche as the term sees it: in service from ``first`` to ``last`` (inclusive)."""

    name: str
    gpus: int | None
    power_mw: Decimal | None
    first: date
    last: date
    #: The tranche's own IT capex and when it is spent, if the deal gives one.
    capex: Decimal | None
    capex_date: date
    #: The tranche this is a share of (see ``Tranche.part_of``): its streams bill this too.
    part_of: str | None = None
    #: Its own market price on the deal's start (``Tranche.market_gpu_hour``), if any.
    market_gpu_hour: Decimal | None = None

    @property
    def dropped(self) -> bool:
        """Bought but never in service in this lease (see ``Tranche.dropped``)."""
        return self.last < self.first


def tranches(deal: Deal, *, last_day: date | None = None) -> tuple[InService, ...]:
    """The deal's capacity as tranches in service within the term (or up to ``last_day``).

    A deal with one block of capacity (or only reported figures) has one
    tranche, ``capacity``, from the start to the end. A tranche delivered
    before the start is in service from the start.
    """
    end = last_day or deal.term_end
    capacity = deal.capacity
    if capacity is None or not capacity.tranches:
        gpus, power = deal.gpus, deal.power_mw
        if gpus is None and power is None:
            return ()
        return (InService(WHOLE, gpus, power, deal.start, end, None, deal.start),)
    out = []
    for i, t in enumerate(capacity.tranches):
        delivered = t.delivered or deal.start
        first = max(delivered, deal.start)
        # A dropped tranche is in service on no day: its last day falls before its first.
        last = first - dates.ONE_DAY if t.dropped else min(t.until or end, end)
        out.append(
            InService(
                t.name or f"tranche-{i + 1}",
                t.gpus,
                t.power_mw,
                first,
                last,
                t.capex,
                t.capex_date or delivered,
                t.part_of,
                t.market_gpu_hour,
            )
        )
    return tuple(out)


def hours(deal: Deal, first: date, last: date) -> Decimal:
    """Hours from ``first`` to ``last`` inclusive on the deal's basis (0 when ``last < first``)."""
    if last < first:
        return money.ZERO
    if deal.assumptions.hours_basis == "730":
        return 730 * dates.month_span(first, last).months
    return Decimal(24 * dates.days_inclusive(first, last))


def months(first: date, last: date) -> Decimal:
    """Calendar months from ``first`` to ``last`` inclusive, a stub by its days (0 if none)."""
    return dates.month_span(first, last).months if last >= first else money.ZERO


def overlap(t: InService, first: date, last: date) -> tuple[date, date] | None:
    """The days of ``first``..``last`` that ``t`` is in service, or None."""
    a, b = max(first, t.first), min(last, t.last)
    return (a, b) if a <= b else None


def gpu_hours(
    deal: Deal,
    first: date,
    last: date,
    name: str | None = None,
    *,
    served: Sequence[InService] | None = None,
) -> Decimal | None:
    """GPU-hours in service from ``first`` to ``last`` (of tranche ``name`` only, if given).

    A tranche's hours include those of the shares split off it (``part_of``).
    ``served`` is ``tranches(deal)`` already built (to ``last`` at least), for a caller
    asking period after period. None when the capacity in question has no GPU count.
    """
    total = money.ZERO
    counted = False
    if served is None:
        served = tranches(deal, last_day=max(last, deal.term_end))
    for t in served:
        if name is not None and name not in (t.name, t.part_of):
            continue
        if t.gpus is None:
            continue
        counted = True
        span = overlap(t, first, last)
        if span is not None:
            total += t.gpus * hours(deal, *span)
    return total if counted else None


def kw_months(deal: Deal, first: date, last: date) -> Decimal | None:
    """kW-months of IT power in service from ``first`` to ``last``; None without power figures."""
    total = money.ZERO
    counted = False
    for t in tranches(deal):
        if t.power_mw is None:
            continue
        counted = True
        span = overlap(t, first, last)
        if span is not None:
            total += t.power_mw * 1000 * months(*span)
    return total if counted else None
