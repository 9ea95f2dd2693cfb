"""A whole deal analysed at once: what ``lease calc`` shows and its JSON carries.

:func:`analyse` runs each part of the core once, in order, on the same
schedules, and collects what could not be computed (a present value with no
discount rate, say) as notes rather than leaving it silently out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import money
from computelease.core.breakeven import Breakeven, breakeven
from computelease.core.commitment import Commitment, commitment
from computelease.core.schedule import Schedule, build_schedule
from computelease.core.totals import Totals, totals
from computelease.core.units import UnitEconomics, unit_economics
from computelease.core.valuation import Valuation, value_rows
from computelease.models import Deal


@dataclass(frozen=True, slots=True)
class Settings:
    """What the caller may change without editing the deal: the valuation date and the rate."""

    as_of: date | None = None
    rate: Decimal | None = None


@dataclass(frozen=True)
class View:
    """One schedule (base, or with options) with its totals and present value."""

    schedule: Schedule
    totals: Totals
    valuation: Valuation | None


@dataclass(frozen=True)
class Analysis:
    deal: Deal
    as_of: date
    rate: Decimal | None
    #: Where the rate came from: "assumed" (the deal file) or "override" (--rate).
    rate_source: str | None
    base: View
    with_options: View | None
    commitment: Commitment
    units: UnitEconomics
    breakeven: Breakeven
    notes: tuple[str, ...]


def discount_rate(deal: Deal, settings: Settings) -> tuple[Decimal | None, str | None]:
    if settings.rate is not None:
        return settings.rate, "override"
    if deal.assumptions.discount_rate is not None:
        return deal.assumptions.discount_rate, "assumed"
    return None, None


def view(schedule: Schedule, rate: Decimal | None, as_of: date) -> View:
    """A schedule with its totals and, given a rate, its present value."""
    valuation = None
    if rate is not None:
        valuation = value_rows(
            [(r.date, r.amount) for r in schedule.rows], rate, as_of, schedule.ccy
        )
    return View(schedule, totals(schedule), valuation)


@money.exact
def analyse(deal: Deal, settings: Settings | None = None) -> Analysis:
    """Schedules, totals, present values, committed value, unit economics and breakeven."""
    settings = settings or Settings()
    rate, source = discount_rate(deal, settings)
    as_of = settings.as_of or deal.start
    base = view(build_schedule(deal), rate, as_of)
    options = (
        view(build_schedule(deal, with_options=True), rate, as_of) if deal.has_options else None
    )
    notes = []
    if rate is None:
        notes.append(
            "present value not computed: no discount rate "
            "(set assumptions.discount_rate or pass --rate)"
        )
    return Analysis(
        deal=deal,
        as_of=as_of,
        rate=rate,
        rate_source=source,
        base=base,
        with_options=options,
        commitment=commitment(base.schedule),
        units=unit_economics(deal, base.totals),
        breakeven=breakeven(base.schedule, rate),
        notes=tuple(notes),
    )
