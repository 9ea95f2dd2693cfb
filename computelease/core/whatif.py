"""A scenario beside its base deal: every metric before, after, and the difference.

Both sides are valued from the base deal's valuation date at the same rate,
so a three-month slip shows up as a cost rather than as a later start.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from computelease import money
from computelease.core.analysis import Analysis, Settings, analyse
from computelease.core.metrics import METRICS, Metric, Reading
from computelease.core.scenario import apply
from computelease.models import Deal, Scenario


@dataclass(frozen=True)
class Row:
    """One metric for the base deal and the scenario, and the difference where both exist."""

    metric: Metric
    base: Reading
    scenario: Reading
    difference: Decimal | None


@dataclass(frozen=True)
class Comparison:
    """A scenario beside its base deal."""

    name: str | None
    overrides: Scenario
    notes: tuple[str, ...]
    base: Analysis
    scenario: Analysis
    rows: tuple[Row, ...]


#: The metrics a scenario is judged by, in the order shown.
SCENARIO_METRICS = (
    "total",
    "months",
    "present_value",
    "committed_value",
    "npv_lessor",
    "irr_lessor",
    "payback_months",
    "unrecovered_capex",
    "pv_lease",
    "lease_advantage",
    "price_per_gpu_hour",
    "overpay_market",
)


@money.exact
def compare(
    deal: Deal, overrides: Scenario, settings: Settings | None = None, *, name: str | None = None
) -> Comparison:
    """The base deal and the scenario, analysed from the same valuation date and rate."""
    settings = settings or Settings()
    base = analyse(deal, settings)
    applied = apply(deal, overrides)
    # The scenario is valued from the base deal's valuation date, so a slip shows as a cost;
    # a discount rate the scenario sets wins over --rate, which applies to both otherwise.
    rate = None if overrides.discount_rate is not None else settings.rate
    scenario = analyse(applied.deal, Settings(as_of=base.as_of, rate=rate))
    rows = []
    for key in SCENARIO_METRICS:
        m = METRICS[key]
        before, after = m.read(base), m.read(scenario)
        diff = after[0] - before[0] if before[0] is not None and after[0] is not None else None
        rows.append(Row(m, before, after, diff))
    return Comparison(name, overrides, applied.notes, base, scenario, tuple(rows))
