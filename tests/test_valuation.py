"""Present value and IRR, cross-checked against independent implementations.

numpy-financial's ``npv(rate, values)`` discounts per period with the first
value at t = 0 (undiscounted). XNPV discounts by days / 365 from the
valuation date, also with the first flow undiscounted. The two coincide when
the flows are exactly 365 days apart and the rate is annual, which is how
they are compared here; everything else is compared with a direct XNPV /
XIRR formula written in this file, to 1e-6 relative.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelease import loader, money
from computelease.core.analysis import Settings, analyse
from computelease.core.valuation import Discounter, Flow, value_rows, xirr
from tests.conftest import DEALS

USD = money.CURRENCIES["USD"]


def direct_xnpv(rate: float, flows: list[tuple[date, float]], as_of: date) -> float:
    return math.fsum(a / (1 + rate) ** ((d - as_of).days / 365) for d, a in flows if d >= as_of)


def close(a: float, b: float, rel: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-6)


def test_xnpv_matches_numpy_financial_on_365_day_periods() -> None:
    # 2021-01-01, 2022-01-01 and 2023-01-01 are exactly 365 days apart.
    days = [date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)]
    values = [Decimal("-1000"), Decimal("600"), Decimal("700")]
    valuation = value_rows(list(zip(days, values, strict=True)), Decimal("0.08"), days[0], USD)
    expected = npf.npv(0.08, [float(v) for v in values])
    assert abs(float(valuation.present_value) - expected) <= 0.005  # rounded once, to the cent
    assert valuation.factors[0] == Decimal(1)  # t = 0, undiscounted, as in npf


def test_xirr_matches_numpy_financial_irr_on_365_day_periods() -> None:
    days = [date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)]
    values = [-1000.0, 600.0, 700.0]
    irr = xirr([Flow(d, Decimal(repr(v))) for d, v in zip(days, values, strict=True)])
    assert irr.rate is not None
    assert close(float(irr.rate), float(npf.irr(values)))


def test_reflection_present_value_matches_direct_xnpv() -> None:
    reflection = loader.load(DEALS / "reflection.yaml").deal
    analysis = analyse(reflection)
    view = analysis.base
    assert view.valuation is not None
    flows = [(r.date, float(r.amount)) for r in view.schedule.rows]
    expected = direct_xnpv(0.10, flows, date(2026, 7, 1))
    assert close(float(view.valuation.present_value), expected)
    assert view.valuation.present_value == Decimal("5376532135.39")


def test_row_values_and_factors() -> None:
    rows = [(date(2026, 1, 1), Decimal("100")), (date(2027, 1, 1), Decimal("110"))]
    valuation = value_rows(rows, Decimal("0.10"), date(2026, 1, 1), USD)
    assert valuation.factors[0] == Decimal(1)
    assert valuation.values == (Decimal("100.00"), Decimal("100.00"))
    assert valuation.present_value == Decimal("200.00")


def test_as_of_excludes_earlier_payments_and_counts_them() -> None:
    reflection = loader.load(DEALS / "reflection.yaml").deal
    analysis = analyse(reflection, Settings(as_of=date(2027, 1, 15)))
    valuation = analysis.base.valuation
    assert valuation is not None
    assert valuation.excluded == 7  # July 2026 to January 2027
    assert valuation.excluded_amount == Decimal("1050000000.00")
    assert valuation.factors[:7] == (None,) * 7
    flows = [(r.date, float(r.amount)) for r in analysis.base.schedule.rows]
    assert close(float(valuation.present_value), direct_xnpv(0.10, flows, date(2027, 1, 15)))


def test_rate_override() -> None:
    reflection = loader.load(DEALS / "reflection.yaml").deal
    analysis = analyse(reflection, Settings(rate=Decimal(0)))
    assert analysis.rate_source == "override"
    assert analysis.base.valuation is not None
    assert analysis.base.valuation.present_value == Decimal("6300000000.00")


def test_discount_factor_uses_one_log_and_integer_powers() -> None:
    disc = Discounter(Decimal("0.10"), date(2026, 1, 1))
    for days in (0, 1, 365, 730, 1000):
        day = date(2026, 1, 1) + timedelta(days=days)
        assert close(float(disc.factor(day)), 1.1 ** (-days / 365), rel=1e-12)


def test_irr_with_no_sign_change() -> None:
    irr = xirr([Flow(date(2026, 1, 1), Decimal(5)), Flow(date(2027, 1, 1), Decimal(5))])
    assert irr.rate is None
    assert irr.note is not None and "never change sign" in irr.note


def test_irr_with_two_roots_says_so() -> None:
    # -100, +230, -132 a year apart: roots at 10% and 20%.
    flows = [
        Flow(date(2021, 1, 1), Decimal(-100)),
        Flow(date(2022, 1, 1), Decimal(230)),
        Flow(date(2023, 1, 1), Decimal(-132)),
    ]
    irr = xirr(flows)
    assert irr.sign_changes == 2
    assert irr.rate is None
    assert [round(float(r), 6) for r in irr.roots] == [0.1, 0.2]
    assert irr.note == (
        "the cash flows change sign 2 times and 2 rates zero the NPV; no one of them is the IRR"
    )


@pytest.mark.parametrize("rate", ["0.05", "0.25", "-0.3", "1.5"])
def test_irr_recovers_a_known_rate(rate: str) -> None:
    r = float(rate)
    start = date(2020, 3, 1)
    flows = [Flow(start, Decimal(-1000))]
    for k in range(1, 6):
        d = start + timedelta(days=200 * k)
        amount = 300 * (1 + r) ** ((d - start).days / 365) if k == 5 else 0.0
        flows.append(Flow(d, Decimal(repr(amount)) + 200))
    irr = xirr(flows)
    assert irr.rate is not None
    values = [(f.date, float(f.amount)) for f in flows]
    assert abs(direct_xnpv(float(irr.rate), values, start)) < 1e-6


def flows_with_roots(*rates: Decimal, scale: Decimal = Decimal(10) ** 9) -> list[Flow]:
    """Yearly flows (365 days apart) whose NPV is zero at exactly ``rates``.

    With x = 1 / (1 + r), the NPV is a polynomial in x; its coefficients are
    those of scale x prod(x - 1 / (1 + r)), the first flow's being the constant.
    """
    coefficients = [scale]  # highest power first
    for r in rates:
        root = 1 / (1 + r)
        coefficients = [
            c - root * prev
            for c, prev in zip(
                [*coefficients, Decimal(0)], [Decimal(0), *coefficients], strict=True
            )
        ]
    days = [date(2021, 1, 1) + timedelta(days=365 * i) for i in range(len(coefficients))]
    return [Flow(d, c) for d, c in zip(days, reversed(coefficients), strict=True)]


def test_three_roots_in_one_cell_are_all_found() -> None:
    """11%, 12% and 13% lie in one of the 200 cells (each about 7.8 points wide there)."""
    rates = (Decimal("0.11"), Decimal("0.12"), Decimal("0.13"))
    irr = xirr(flows_with_roots(*rates))
    assert irr.rate is None
    assert [round(r, 8) for r in irr.roots] == list(rates)
    assert irr.note == (
        "the cash flows change sign 3 times and 3 rates zero the NPV; no one of them is the IRR"
    )


def test_two_roots_a_hair_apart_are_both_found() -> None:
    rates = (Decimal("0.1500"), Decimal("0.1502"))
    assert [round(r, 8) for r in xirr(flows_with_roots(*rates)).roots] == list(rates)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.integers(min_value=-50, max_value=300).map(lambda p: Decimal(p) / 100),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    # Bunched below 100%, 0.2% or more apart: tighter or higher bunches leave an NPV between
    # the roots below the float noise of the sums, which no search in floats can resolve.
    st.integers(min_value=-50, max_value=100).map(lambda p: Decimal(p) / 100),
    st.integers(min_value=2, max_value=50).map(lambda bp: Decimal(bp) / 1000),
    st.integers(min_value=1, max_value=4),
)
def test_every_root_in_the_range_is_found(
    spread: list[Decimal], base: Decimal, gap: Decimal, bunch: int
) -> None:
    """Roots spread over the range, or bunched 0.2% to 5% apart into one or a few cells."""
    bunched = [base + gap * i for i in range(bunch)]
    for rates in (sorted(spread), bunched):
        roots = xirr(flows_with_roots(*rates)).roots
        # Bunched roots are ill-conditioned in floats: none is missed, and each is told apart
        # from its neighbours.
        assert len(roots) == len(rates), (roots, rates)
        assert all(abs(r - e) < gap / 10 for r, e in zip(roots, rates, strict=True))


def test_no_root_under_two_sign_changes_is_said_once() -> None:
    # 100 - 300x + 250x^2 with x = 1/(1+r) has no real root: the NPV never reaches zero.
    flows = [
        Flow(date(2026, 1, 1), Decimal(100)),
        Flow(date(2027, 1, 1), Decimal(-300)),
        Flow(date(2028, 1, 1), Decimal(250)),
    ]
    irr = xirr(flows)
    assert (irr.rate, irr.roots, irr.sign_changes) == (None, (), 2)
    assert irr.note == (
        "the cash flows change sign 2 times and no rate between -99% and 1,000,000% a year "
        "zeroes the NPV"
    )
