"""The risk block as simulated, and the report of ``lease risk``: plain data, no numpy.

The simulation itself is :mod:`computelease.core.montecarlo`, which only
``lease risk`` imports (numpy is heavy to start); what a report holds is
here, so that renderers and the rest of the package never load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from computelease.core.analysis import Analysis
from computelease.models import Deal, Risk

#: The four risks, in the order they are reported.
RISKS: Final = ("delivery", "counterparty", "pricing", "operations")
#: Paths per seeded block: the unit of work of a worker process, and of reproducibility.
BLOCK: Final = 10_000
#: Paths a run may ask for, and the default.
MAX_PATHS: Final = 10_000_000
DEFAULT_PATHS: Final = 10_000
#: The percentiles every statistic reports.
PERCENTILES: Final = (5, 25, 50, 75, 95)

#: What a risk block leaves out is simulated at these, each stated in the report.
DEFAULTS: Final[dict[str, Decimal | bool]] = {
    # Large GPU builds in 2024-2026 slipped often, by a quarter or so (RESEARCH.md section 11).
    "delivery.probability": Decimal("0.25"),
    "delivery.low_months": Decimal(0),
    "delivery.mode_months": Decimal(1),
    "delivery.high_months": Decimal(4),
    # Without assumptions.credit: a BB-rated tenant's long-run default rate, and the
    # market convention for senior unsecured recovery.
    "counterparty.default_probability": Decimal("0.01"),
    "counterparty.recovery": Decimal("0.40"),
    "counterparty.walk_probability": Decimal(0),
    "counterparty.rational_walk": True,
    "counterparty.walk_margin": Decimal("0.15"),
    # GPU rental indices moved 25-50% a year (H100 one-year: $1.70 to $2.65 in eight months).
    "pricing.volatility": Decimal("0.30"),
    # Four in five operators have an outage in three years, one in five a serious one
    # (Uptime Institute): about one site-level outage a year, hours long.
    "operations.outages_per_year": Decimal(1),
    "operations.mean_hours": Decimal(8),
    "operations.cost_per_outage": Decimal(0),
}


#: The fields of the rational walkaway, which only a tenant with a termination right uses.
WALK_FIELDS: Final = ("counterparty.rational_walk", "counterparty.walk_margin")


@dataclass(frozen=True)
class RiskInputs:
    """The risk block as simulated: every value, and which of them were defaults."""

    slip_probability: Decimal
    low_months: Decimal
    mode_months: Decimal
    high_months: Decimal
    default_probability: Decimal
    recovery: Decimal
    walk_probability: Decimal
    rational_walk: bool
    walk_margin: Decimal
    volatility: Decimal
    outages_per_year: Decimal
    mean_hours: Decimal
    cost_per_outage: Decimal
    #: The fields (``counterparty.recovery``...) that took a default.
    defaults: tuple[str, ...]
    #: Where a value came from when not the risk block: ``assumptions.credit``.
    borrowed: tuple[str, ...] = ()


def risk_inputs(deal: Deal) -> RiskInputs:
    """The deal's risk block with every value it leaves out filled from its credit or defaults."""
    block = deal.risk or Risk()
    credit = deal.assumptions.credit
    values: dict[str, Any] = {}
    defaults: list[str] = []
    borrowed: list[str] = []
    term = deal.termination
    # Without a right of the tenant's to end the lease (or to leave a late delivery), the
    # walkaway settings never apply.
    walks = term is not None and term.by != "lessor"
    late = deal.delivery is not None and deal.delivery.shortfall == "terminate"
    moot = set() if walks or late else set(WALK_FIELDS)
    for part in RISKS:
        given = getattr(block, part)
        for name in type(given).model_fields:
            key = f"{part}.{name}"
            value = getattr(given, name)
            if value is None and part == "counterparty" and credit is not None:
                theirs = getattr(credit, name, None)
                if theirs is not None:
                    value = theirs
                    borrowed.append(f"{key} from assumptions.credit.{name}")
            if value is None:
                value = DEFAULTS[key]
                if key not in moot:
                    defaults.append(key)
            values[key] = value
    walk = values["counterparty.rational_walk"]
    return RiskInputs(
        slip_probability=values["delivery.probability"],
        low_months=values["delivery.low_months"],
        mode_months=values["delivery.mode_months"],
        high_months=values["delivery.high_months"],
        default_probability=values["counterparty.default_probability"],
        recovery=values["counterparty.recovery"],
        walk_probability=values["counterparty.walk_probability"],
        rational_walk=bool(walk),
        walk_margin=values["counterparty.walk_margin"],
        volatility=values["pricing.volatility"],
        outages_per_year=values["operations.outages_per_year"],
        mean_hours=values["operations.mean_hours"],
        cost_per_outage=values["operations.cost_per_outage"],
        defaults=tuple(defaults),
        borrowed=tuple(borrowed),
    )


@dataclass(frozen=True)
class Switches:
    """Which risks a run simulates: all four, or one alone for the tornado."""

    delivery: bool = True
    counterparty: bool = True
    pricing: bool = True
    operations: bool = True

    @classmethod
    def only(cls, risk: str) -> Switches:
        return cls(**{r: r == risk for r in RISKS})

    @classmethod
    def none(cls) -> Switches:
        return cls(False, False, False, False)


@dataclass(frozen=True)
class Statistic:
    """One figure's distribution over the paths (plain floats, for a report to show)."""

    key: str
    label: str
    kind: str  # money, rate, months, ratio
    paths: int  # paths where the figure exists (an IRR may not)
    mean: float | None
    stderr: float | None
    percentiles: tuple[tuple[int, float], ...]
    #: Mean of the worst 5% (lowest values; for tenant cost, the highest).
    shortfall_5: float | None
    #: The exact figure of the deal as written, for comparison.
    deterministic: Decimal | None


@dataclass(frozen=True)
class TornadoBar:
    """The lessor's NPV with one risk alone: how far that risk moves it from the deal as written.

    A risk that moves every path alike (a walkaway the curve makes certain)
    spreads nothing but moves much, so the bar runs from the lower of P5 and
    the deal as written to the higher of P95 and it.
    """

    risk: str
    p5: float
    p50: float
    p95: float
    mean: float
    loss_probability: float
    #: The deal as written: the exact NPV, as a float to compare with the paths.
    base: float

    @property
    def low(self) -> float:
        return min(self.p5, self.base)

    @property
    def high(self) -> float:
        return max(self.p95, self.base)

    @property
    def swing(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class DealRisk:
    """One deal's distributions: every statistic, the probabilities, the tornado, a histogram."""

    source: str
    deal: Deal
    analysis: Analysis
    inputs: RiskInputs
    statistics: tuple[Statistic, ...]
    #: (key, label, probability, standard error).
    probabilities: tuple[tuple[str, str, float, float], ...]
    tornado: tuple[TornadoBar, ...]
    histogram: tuple[tuple[float, float, int], ...]
    headline: Decimal
    committed: Decimal
    notes: tuple[str, ...]


@dataclass(frozen=True)
class YearRisk:
    """A book's revenue in one year over the paths."""

    year: int
    mean: float
    p5: float
    p50: float
    p95: float
    scheduled: Decimal


@dataclass(frozen=True)
class BookRisk:
    """A lessor's deals simulated together on one market: what concentration does."""

    lessor: str
    deals: tuple[str, ...]
    years: tuple[YearRisk, ...]
    #: The probability that at least one tenant, and more than one in the same year, leaves
    #: early (walks away or defaults).
    any_leaves: float
    several_same_year: float
    npv: Statistic | None


@dataclass(frozen=True)
class RiskReport:
    """What ``lease risk`` shows: each deal's distributions, and each lessor's book if asked."""

    paths: int
    seed: int
    deals: tuple[DealRisk, ...]
    books: tuple[BookRisk, ...]
    conventions: tuple[str, ...]


CONVENTIONS: Final = (
    "Simulation: a seeded Monte Carlo in float64 (numpy), vectorised over paths in blocks of "
    f"{BLOCK:,}, each block on its own stream keyed by the seed and its number, so a seed gives "
    "the same figures whatever the number of workers. Every state a path reaches (a slip of d "
    "whole months, notice on a given day) is first computed exactly by the same core as "
    "`lease calc` and `lease scenario`; the deterministic column is that exact figure.",
    "Delivery: with the slip probability the capacity is late by a triangular number of months "
    "(low, mode, high), rounded to whole months: the `delay` scenario (start moves, end stays, "
    "capex and the market keep their dates). Past the deadline and its grace, where the "
    "contract lets the tenant walk (shortfall: terminate), it walks before service starts if "
    "the market then is below its lease price by the walk margin.",
    "Counterparty: a default at an exponential time with the annual probability, from the "
    "valuation date: payments due after it are missed, the recovery share of each recovered on "
    "its date, and the lease ends at the first payment missed. The tenant gives notice at the "
    "first chance (the first day allowed, then the first day of each month) the market is "
    "below its lease price per GPU-hour by the walk margin, or for reasons of its own at the "
    "walk probability a year; the lease then ends as the committed value has it, fee included. "
    "After a walkaway the tenant's cost adds the market's price for the rest of the term.",
    "Pricing: the market price per GPU-hour is the deal's curve times exp(volatility x W), W a "
    "standard Brownian motion stepped monthly from the valuation date: lognormal, the curve its "
    "median (so its mean lies above the curve, more so the longer the horizon). One W for "
    "every deal of a run, each deal's price starting from its curve in its own valuation "
    "month; it decides the walkaway and prices the re-let.",
    "Operations: outages at the yearly rate (Poisson), each exponentially long with the mean "
    "hours; a billing period's uptime is 1 - downtime / its hours, credited by the deal's SLA "
    "terms; each outage costs the lessor cost_per_outage. DSCR falls by the credits and costs "
    "of its period; a breach is a period below the covenant (min_dscr, else 1.00x).",
    "A lease that ends early: the lessor's running costs are those of the months that start "
    "before it ends; its capacity is re-let from the first month of the deal's grid on or after "
    "that day, after the re-letting gap, at the path's market; a loan still owed is repaid from "
    "the collateral's value then, the rest the lender's loss. After a default the claim is the "
    "payments missed less what the re-let earns in the rest of the term (the duty to "
    "mitigate), and the recovery share of it is recovered with each missed payment; with "
    "nothing to re-let, that is the credit view's closed form.",
    "Statistics: mean with its standard error, percentiles (numpy's linear), expected "
    "shortfall = the mean of the worst 5% of paths (lowest NPV, IRR, revenue, DSCR; highest "
    "payback, tenant cost, lender loss). An IRR is left out of its statistics on a path where no "
    "rate zeroes the NPV; payback on a path that never pays back (counted apart).",
)
