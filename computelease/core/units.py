"""Unit economics: what a deal costs per GPU-hour and per kW-month.

Hours are those of the capacity in service (a tranche counts from its
delivery): actual days x 24 by default, or 730 hours a month (8,760 / 12,
the convention of cloud price lists) with ``assumptions.hours_basis: 730``.
Every figure says whether it was reported, computed, or assumed, and a
figure that cannot be computed says which input it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from computelease import money
from computelease.core import capacity
from computelease.core.capacity import InService
from computelease.core.market import MarketCurve
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
    #: The capacity as it comes into service (one block, or each tranche).
    tranches: tuple[InService, ...] = ()


def term_hours(deal: Deal) -> Decimal:
    """Hours in the term on the deal's hours basis."""
    return capacity.hours(deal, deal.start, deal.term_end)


def gpus_figure(deal: Deal) -> Figure:
    """GPUs at full delivery, with the basis: reported when ``reported.gpus`` says so."""
    rep = deal.reported.gpus if deal.reported else None
    count = deal.gpus
    if count is None:
        return Figure(None, "assumed", "no GPU count: set capacity.gpus")
    return Figure(Decimal(count), "reported" if rep == count else "assumed")


@money.exact
def unit_economics(deal: Deal, sums: Totals) -> UnitEconomics:
    """Prices per GPU-hour and per kW-month of the base total, over the capacity in service.

    A tranche delivered late adds its GPU-hours only from its delivery, so
    each GPU-hour is priced as the deal bills it.
    """
    hours = term_hours(deal)
    gpus = gpus_figure(deal)
    total = sums.total
    a = deal.assumptions
    curve = MarketCurve.of(deal)
    market = (
        Figure(money.round_to(curve.price(deal.start), PRICE_PLACES), "assumed")
        if curve is not None
        else Figure(None, "assumed", "no market price: set assumptions.market_gpu_hour")
    )

    exact_price: Decimal | None = None
    in_service = capacity.gpu_hours(deal, deal.start, deal.term_end)
    if gpus.value is not None and in_service:
        exact_price = total / in_service
        gpu_hours = Figure(in_service, "computed")
        price = Figure(money.round_to(exact_price, PRICE_PLACES), "computed")
    else:
        gpu_hours = Figure(None, "computed", gpus.note or "no GPU in service in the term")
        price = Figure(None, "computed", gpu_hours.note)

    if market.value:
        implied = Figure(money.round_to(total / (market.value * hours), 0), "computed")
    else:
        implied = Figure(None, "computed", market.note or "the market price is zero")

    if exact_price is not None and market.value:
        premium = Figure(money.round_to(exact_price / market.value - 1, RATIO_PLACES), "computed")
    else:
        premium = Figure(None, "computed", price.note or market.note or "the market price is zero")

    power = _power_figure(deal)
    kw_months = capacity.kw_months(deal, deal.start, deal.term_end)
    if power.value is not None and kw_months:
        per_kw = Figure(money.round_to(total / kw_months, PRICE_PLACES), "computed")
    else:
        per_kw = Figure(None, "computed", power.note or "no power in service in the term")

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
        tranches=capacity.tranches(deal),
    )


def _power_figure(deal: Deal) -> Figure:
    rep = deal.reported.power_mw if deal.reported else None
    mw = deal.power_mw
    if mw is None:
        return Figure(None, "assumed", "no power figure: set capacity.power_mw")
    return Figure(mw, "reported" if rep == mw else "assumed")
