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
from computelease.models import Scenario


@dataclass(frozen=True)
class MetricRow:
    """One metric for the base deal and the scenario, and the difference where both exist."""

    metric: Metric
    base: Reading
    scenario: Reading
    difference: Decimal | None


@dataclass(frozen=True)
class ScenarioComparison:
    """A scenario beside its base deal."""

    source: str
    name: str | None
    overrides: Scenario
    notes: tuple[str, ...]
    base: Analysis
    scenario: Analysis
    rows: tuple[MetricRow, ...]

    @property
    def conventions(self) -> tuple[str, ...]:
        """The scenario's conventions, and the base's rate too when the scenario set its own."""
        base, scenario = self.base.rate, self.scenario.rate
        if base == scenario:
            return self.scenario.conventions
        shown = {
            r: money.format_percent(r) if r is not None else "no rate" for r in (base, scenario)
        }
        return (
            *self.scenario.conventions,
            f"Discount rates differ: the deal as written is valued at {shown[base]}, the "
            f"scenario at {shown[scenario]}, a rate it sets itself; the change in present "
            "value is partly the change of rate.",
        )


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
    "lessor_end_value",
    "pv_lease",
    "lease_advantage",
    "price_per_gpu_hour",
    "overpay_market",
)
#: Shown too when the deal finances the capacity, or gives the tenant's credit.
LOAN_METRICS = ("irr_equity", "npv_equity", "min_dscr", "debt_at_end", "lender_loss")
CREDIT_METRICS = ("credit_adjusted_value", "expected_value", "expected_loss", "funding_months")


def scenario_metrics(base: Analysis) -> tuple[str, ...]:
    """The metrics a scenario of ``base`` is judged by: the loan's and credit's when it has them."""
    return (
        *SCENARIO_METRICS,
        *(LOAN_METRICS if base.breakeven.loan is not None else ()),
        *(CREDIT_METRICS if base.credit is not None else ()),
    )


#: The field a scenario sets its own discount rate through, besides its override.
RATE_PATH = "assumptions.discount_rate"


def settings_for(base: Analysis, overrides: Scenario) -> Settings:
    """How a scenario of ``base`` is valued: from the same date, and at the same rate.

    The valuation date is the base deal's, so a slip shows as a cost. A rate
    the caller gave values both sides, unless the scenario sets a discount
    rate of its own: then the scenario's wins.
    """
    given = base.rate if base.rate_source == "override" else None
    sets_rate = overrides.discount_rate is not None or any(p == RATE_PATH for p, _ in overrides.set)
    return Settings(as_of=base.as_of, rate=None if sets_rate else given)


@money.exact
def compare(
    base: Analysis, overrides: Scenario, *, name: str | None = None, source: str = ""
) -> ScenarioComparison:
    """The base deal (analysed) and the scenario, valued from the same date and rate.

    Raises ScenarioError when the overrides cannot be applied to the deal.
    """
    deal = base.deal
    applied = apply(deal, overrides)
    scenario = analyse(applied.deal, settings_for(base, overrides), lender=False)
    rows = []
    for key in scenario_metrics(base):
        m = METRICS[key]
        before, after = m.read(base), m.read(scenario)
        diff = after[0] - before[0] if before[0] is not None and after[0] is not None else None
        rows.append(MetricRow(m, before, after, diff))
    return ScenarioComparison(
        source or str(deal.id), name, overrides, applied.notes, base, scenario, tuple(rows)
    )
