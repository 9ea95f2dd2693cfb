"""Named scalar metrics of an analysed deal: what scenarios, sensitivity grids and comparisons show.

Each metric reads one figure from an :class:`~computelease.core.analysis.Analysis`
and, when the figure cannot be computed, says why instead (no discount
rate, no lessor capex, no GPU count...). The names are what
``lease sensitivity --metric`` accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from computelease import money
from computelease.core.analysis import Analysis, Settings, analyse
from computelease.core.credit import CreditView
from computelease.core.financing import Loan
from computelease.core.scenario import apply
from computelease.core.units import Figure
from computelease.models import Scenario

MetricKind = Literal["money", "price", "rate", "months", "count", "ratio"]
Reading = tuple[Decimal | None, str | None]


@dataclass(frozen=True)
class Metric:
    """A named figure of an analysis; ``read`` gives it, or None and the reason.

    ``words`` reads a sign for people where a minus would mislead: the
    phrases for a positive and a negative value, ``{}`` standing for the size.
    """

    name: str
    label: str
    kind: MetricKind
    read: Callable[[Analysis], Reading]
    words: tuple[str, str] | None = None
    #: Analyses one reading runs beyond the one it reads (a walkaway analyses its scenario).
    extra_analyses: int = 0


def _money(value: Decimal | None, why: str) -> Reading:
    return (value, None) if value is not None else (None, why)


def _figure(fig: Figure) -> Reading:
    return (fig.value, None) if fig.value is not None else (None, fig.note or "not computed")


NO_RATE = "no discount rate"
NO_LESSOR = "no lessor capex (assumptions.lessor.capex)"
NO_LESSEE = "no buy_capex (assumptions.lessee.buy_capex)"
NO_MARKET = "no market price and decline (assumptions.market_gpu_hour, market_decline)"


def _pv(a: Analysis) -> Reading:
    v = a.base.valuation
    return (v.present_value, None) if v is not None else (None, NO_RATE)


def _npv(a: Analysis) -> Reading:
    x = a.breakeven.lessor
    if x is None:
        return None, NO_LESSOR
    return _money(x.npv, NO_RATE)


def _irr(a: Analysis) -> Reading:
    x = a.breakeven.lessor
    if x is None:
        return None, NO_LESSOR
    if x.irr.rate is None:
        return None, x.irr.note or "no IRR"
    return x.irr.rate, None


def _payback(a: Analysis) -> Reading:
    x = a.breakeven.lessor
    if x is None:
        return None, NO_LESSOR
    return _money(x.payback_months, "no payback within the term")


def _end_value(a: Analysis) -> Reading:
    x = a.breakeven.lessor
    if x is None:
        return None, NO_LESSOR
    return x.residual, None


def _unrecovered(a: Analysis) -> Reading:
    x = a.breakeven.lessor
    if x is None:
        return None, NO_LESSOR
    return (x.shortfall if x.shortfall is not None else money.ZERO), None


def _lessee(field: str) -> Callable[[Analysis], Reading]:
    def read(a: Analysis) -> Reading:
        y = a.breakeven.lessee
        if y is None:
            return None, NO_LESSEE
        if field == "advantage":
            if y.pv_lease is None or y.pv_own is None:
                return None, NO_RATE
            return y.pv_own - y.pv_lease, None
        value: Decimal | None = getattr(y, field)
        return _money(value, NO_RATE)

    return read


def _overpay(a: Analysis) -> Reading:
    z = a.breakeven.market
    return (z.paid_above_market, None) if z is not None else (None, NO_MARKET)


def _walkaway(a: Analysis) -> Reading:
    """Lessor NPV if the tenant gives notice as soon as the market is cheaper than the lease."""
    contractual = _npv(a)
    if contractual[0] is None:
        return contractual
    when = walkaway_notice(a)
    if when is None:
        return contractual
    scenario = apply(a.deal, Scenario(terminate=when))
    after = analyse(scenario.deal, Settings(as_of=a.as_of, rate=a.rate), lender=False)
    return _npv(after)


def walkaway_notice(a: Analysis) -> date | None:
    """When a tenant free to leave would give notice: once the market is below the lease price.

    ``None`` when it cannot or would not leave early: no termination right for
    the lessee, no market comparison, or a market that never falls below the
    lease price before notice could end the term.
    """
    term = a.deal.termination
    market = a.breakeven.market
    if term is None or term.by == "lessor" or market is None or market.below_market_from is None:
        return None
    notice = max(term.not_before or a.deal.start, market.below_market_from)
    if notice + timedelta(days=term.notice_days) > a.deal.term_end:
        return None
    return notice


NO_LOAN = "no financing (assumptions.lessor.financing)"
NO_CREDIT = "no credit terms (assumptions.credit)"
NO_FUNDING = "no tenant funding (assumptions.lessee_funding)"


def _loan(read: Callable[[Loan], Reading]) -> Callable[[Analysis], Reading]:
    def reading(a: Analysis) -> Reading:
        loan = a.breakeven.loan
        return read(loan) if loan is not None else (None, NO_LOAN)

    return reading


def _equity_irr(loan: Loan) -> Reading:
    irr = loan.equity_irr
    return (irr.rate, None) if irr.rate is not None else (None, irr.note or "no single IRR")


def _credit(read: Callable[[CreditView], Reading]) -> Callable[[Analysis], Reading]:
    def reading(a: Analysis) -> Reading:
        return read(a.credit) if a.credit is not None else (None, NO_CREDIT)

    return reading


def _funding_months(c: CreditView) -> Reading:
    if c.coverage is None:
        return None, NO_FUNDING
    return c.coverage.months_covered, None


def _options_total(a: Analysis) -> Reading:
    view = a.with_options or a.base
    return view.totals.total, None


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("total", "Total (headline)", "money", lambda a: (a.base.totals.total, None)),
        Metric("total_with_options", "Total with options (up to)", "money", _options_total),
        Metric("months", "Term (months)", "months", lambda a: (a.base.totals.months, None)),
        Metric(
            "average_monthly",
            "Average per month",
            "money",
            lambda a: (a.base.totals.average_monthly, None),
        ),
        Metric("present_value", "Present value", "money", _pv),
        Metric(
            "committed_value",
            "Committed value",
            "money",
            lambda a: (a.commitment.committed_value, None),
        ),
        Metric("npv_lessor", "Lessor NPV", "money", _npv),
        Metric(
            "npv_lessor_walkaway",
            "Lessor NPV if the tenant walks away",
            "money",
            _walkaway,
            extra_analyses=1,
        ),
        Metric("irr_lessor", "Lessor IRR", "rate", _irr),
        Metric("payback_months", "Lessor payback (months)", "months", _payback),
        Metric("unrecovered_capex", "Lessor capex unrecovered (cash)", "money", _unrecovered),
        Metric("lessor_end_value", "Lessor's capacity at the end (value)", "money", _end_value),
        Metric("pv_lease", "Tenant: PV of leasing", "money", _lessee("pv_lease")),
        Metric(
            "lease_advantage",
            "Tenant: leasing against buying, in PV",
            "money",
            _lessee("advantage"),
            ("saves {}", "costs {} more"),
        ),
        Metric(
            "price_per_gpu_hour",
            "Price per GPU-hour",
            "price",
            lambda a: _figure(a.units.price_per_gpu_hour),
        ),
        Metric(
            "price_per_kw_month",
            "Price per kW-month",
            "price",
            lambda a: _figure(a.units.price_per_kw_month),
        ),
        Metric("irr_equity", "Lessor equity IRR (levered)", "rate", _loan(_equity_irr)),
        Metric(
            "npv_equity",
            "Lessor equity NPV",
            "money",
            _loan(lambda x: _money(x.equity_npv, NO_RATE)),
        ),
        Metric(
            "min_dscr",
            "Lowest DSCR",
            "ratio",
            _loan(
                lambda x: (
                    (x.min_dscr, None) if x.min_dscr is not None else (None, "no debt service")
                )
            ),
        ),
        Metric(
            "debt_at_end",
            "Debt owed when the lease ends",
            "money",
            _loan(lambda x: (x.outstanding_at_end, None)),
        ),
        Metric(
            "lender_loss",
            "Lender's loss (debt the end value leaves)",
            "money",
            _loan(lambda x: (x.lender_loss, None)),
        ),
        Metric(
            "credit_adjusted_value",
            "Credit-adjusted present value",
            "money",
            _credit(lambda c: _money(c.adjusted_present_value, "no spread, or no rate")),
        ),
        Metric(
            "expected_value",
            "Expected present value (default-weighted)",
            "money",
            _credit(
                lambda c: _money(c.expected_present_value, "no default probability, or no rate")
            ),
        ),
        Metric(
            "expected_loss",
            "Expected loss (nominal)",
            "money",
            _credit(lambda c: _money(c.expected_loss, "no default probability")),
        ),
        Metric(
            "funding_months",
            "Months of fees the tenant's funding covers",
            "months",
            _credit(_funding_months),
        ),
        Metric(
            "overpay_market",
            "Paid against a falling market",
            "money",
            _overpay,
            ("{} above", "{} below"),
        ),
    )
}


def metric(name: str) -> Metric:
    """The metric called ``name``; raises KeyError naming the choices."""
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; choose one of {', '.join(METRICS)}") from None
