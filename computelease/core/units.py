"""Unit economics: what a deal costs per GPU-hour and per kW-month.

Hours cover the whole term: actual days x 24 by default, or 730 hours a
month (8,760 / 12, the convention of cloud price lists) with
``assumptions.hours_basis: 730``. Every figure says whether it was reported,
computed, or assumed, and a figure that cannot be computed says which input
it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from computelease import dates, money
from computelease.core.totals import Totals
from computelease.models import Deal

Basis = Literal["reported", "computed", "assumed"]
#: Places kept for prices per GPU-hour and per kW-month, and for ratios.
PRICE_PLACES = 4
RATIO_PLACES = 6


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with where it came from; ``value`` is None with ``note`` saying why."""

    value: Decimal | None
    basis: Basis
    note: str | None = None


@dataclass(frozen=True)
class UnitEconomics:
    hours_basis: str
    term_hours: Figure
    gpus: Figure
    gpu_hours: Figure
    price_per_gpu_hour: Figure
    market_gpu_hour: Figure
    implied_gpus: Figure
    premium_to_market: Figure
    power_mw: Figure
    price_per_kw_month: Figure


def term_hours(deal: Deal) -> Decimal:
    """Hours in the term on the deal's hours basis."""
    if deal.assumptions.hours_basis == "730":
        return 730 * dates.month_span(deal.start, deal.term_end).months
    return Decimal(24 * dates.days_inclusive(deal.start, deal.term_end))


def gpus_figure(deal: Deal) -> Figure:
    """The GPU count with its basis: reported when ``reported.gpus`` says so."""
    rep = deal.reported.gpus if deal.reported else None
    count = deal.capacity.gpus if deal.capacity and deal.capacity.gpus else rep
    if count is None:
        return Figure(None, "assumed", "no GPU count: set capacity.gpus")
    return Figure(Decimal(count), "reported" if rep == count else "assumed")


@money.exact
def unit_economics(deal: Deal, sums: Totals) -> UnitEconomics:
    """Prices per GPU-hour and kW-month of the base total over the whole term."""
    hours = term_hours(deal)
    gpus = gpus_figure(deal)
    total = sums.total
    a = deal.assumptions
    market = (
        Figure(a.market_gpu_hour, "assumed")
        if a.market_gpu_hour is not None
        else Figure(None, "assumed", "no market price: set assumptions.market_gpu_hour")
    )

    exact_price: Decimal | None = None
    if gpus.value is not None:
        count = gpus.value * hours
        exact_price = total / count
        gpu_hours = Figure(count, "computed")
        price = Figure(money.round_to(exact_price, PRICE_PLACES), "computed")
    else:
        gpu_hours = Figure(None, "computed", gpus.note)
        price = Figure(None, "computed", gpus.note)

    if market.value:
        implied = Figure(money.round_to(total / (market.value * hours), 0), "computed")
    else:
        implied = Figure(None, "computed", market.note or "the market price is zero")

    if exact_price is not None and market.value:
        premium = Figure(money.round_to(exact_price / market.value - 1, RATIO_PLACES), "computed")
    else:
        premium = Figure(None, "computed", price.note or market.note or "the market price is zero")

    power = _power_figure(deal)
    if power.value is not None:
        months = dates.month_span(deal.start, deal.term_end).months
        per_kw = Figure(
            money.round_to(total / (power.value * 1000 * months), PRICE_PLACES), "computed"
        )
    else:
        per_kw = Figure(None, "computed", power.note)

    return UnitEconomics(
        hours_basis=a.hours_basis,
        term_hours=Figure(hours, "computed"),
        gpus=gpus,
        gpu_hours=gpu_hours,
        price_per_gpu_hour=price,
        market_gpu_hour=market,
        implied_gpus=implied,
        premium_to_market=premium,
        power_mw=power,
        price_per_kw_month=per_kw,
    )


def _power_figure(deal: Deal) -> Figure:
    rep = deal.reported.power_mw if deal.reported else None
    mw = deal.capacity.power_mw if deal.capacity and deal.capacity.power_mw else rep
    if mw is None:
        return Figure(None, "assumed", "no power figure: set capacity.power_mw")
    return Figure(mw, "reported" if rep == mw else "assumed")
