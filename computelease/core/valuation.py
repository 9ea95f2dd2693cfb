"""Present value (Excel's XNPV convention) and internal rate of return (XIRR).

Discounting follows Excel's XNPV, the figure analysts check against: each
cash flow is divided by ``(1 + r) ** (days since the valuation date / 365)``,
Actual/365 Fixed, and a flow on the valuation date is not discounted. This
differs from Excel's ``NPV()`` (first value discounted one full period) and
from numpy-financial's ``npv()`` (per period, first value at t = 0).

Discount factors are exact decimals computed from one logarithm per call:
``q = exp(-ln(1 + r) / 365)`` once, then ``q ** days`` by integer powers.
Present values are summed unrounded and rounded once at the end, so the total
matches XNPV to the cent; each row's present value is rounded on its own and
the rows may differ from the total by a few cents.

The IRR is found in binary floats: every root in the search range is bracketed
(cells where the NPV or its first three derivatives turn are halved until the
roots in them stand apart) and refined by bisection to within 1e-10; when the
flows change sign more than once and several rates zero the NPV, all of them
are reported and none is called the IRR.
"""

from __future__ import annotations

import itertools
import math
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from computelease import dates, money

#: Places kept for a discount factor in results.
FACTOR_PLACES = 10
#: The XIRR tolerance on the rate.
IRR_TOLERANCE = 1e-10


FlowKind = Literal["receipt", "payment", "capex", "opex", "residual", "debt"]


@dataclass(frozen=True, slots=True)
class Flow:
    """A dated cash flow: positive in, negative out, from the holder's side.

    ``kind`` says what it is; ``label`` is for people (a stream's name).
    """

    date: date
    amount: Decimal
    label: str = ""
    kind: FlowKind = "receipt"


#: Factors by rate and valuation date, shared by every discounter at them: a deal's blocks
#: value at the same rate, and a sensitivity grid's cells at a few. Each factor is the same
#: exact Decimal however it is reached, so sharing changes no figure; bounded, so a long
#: session's memory is not.
_SHARED: dict[tuple[Decimal, date], tuple[Decimal, dict[int, Decimal]]] = {}
_SHARED_MAX: Final = 64
_SHARING: Final = threading.Lock()


class Discounter:
    """Discount factors at one annual rate from one valuation date, by XNPV's rule."""

    def __init__(self, rate: Decimal, as_of: date) -> None:
        self.rate = rate
        self.as_of = as_of
        key = (rate, as_of)
        shared = _SHARED.get(key)
        if shared is None:
            with money.arithmetic():
                daily = (-(money.ONE + rate).ln() / 365).exp()
            with _SHARING:  # a notebook may value deals on several threads
                if len(_SHARED) >= _SHARED_MAX:
                    del _SHARED[next(iter(_SHARED))]  # the oldest: a grid moves on to new rates
                shared = _SHARED.setdefault(key, (daily, {}))
        self._daily, self._cache = shared

    def factor(self, day: date) -> Decimal:
        """``1 / (1 + r) ** (days / 365)``; exactly 1 on the valuation date."""
        days = (day - self.as_of).days
        cached = self._cache.get(days)
        if cached is None:
            with money.arithmetic():
                cached = self._daily**days
            self._cache[days] = cached
        return cached

    def present_value(
        self, flows: Iterable[tuple[date, Decimal]], *, earlier: bool = False
    ) -> Decimal:
        """Unrounded XNPV of the flows on or after the valuation date.

        With ``earlier`` the flows before it count too, compounded forward
        (a factor above 1), as an investment's NPV needs for capex spent
        before the valuation date.
        """
        with money.arithmetic():
            return sum(
                (
                    amount * self.factor(day)
                    for day, amount in flows
                    if earlier or day >= self.as_of
                ),
                money.ZERO,
            )


@dataclass(frozen=True)
class Payback:
    """When cumulative receipts cover cumulative costs for good, on cash."""

    on: date | None
    #: Months from ``first`` to the payback date, to two places.
    months: Decimal | None
    #: What the costs exceed the receipts by at the last flow (None once paid back).
    shortfall: Decimal | None
    #: (date, cumulative receipts, cumulative costs) at each date a flow falls on.
    timeline: tuple[tuple[date, Decimal, Decimal], ...]


def cash_payback(flows: Iterable[Flow], *, since: date, first: date) -> Payback:
    """Payback of ``flows`` (cash only, in date order): never before ``since`` (the capex).

    Not while a later cost (a tranche bought later) puts it under again;
    months are counted from ``first``, the first money spent or the start.
    """
    timeline: list[tuple[date, Decimal, Decimal]] = []
    received = spent = money.ZERO
    payback: date | None = None
    for day, day_flows in by_date(flows):
        for f in day_flows:
            if f.amount >= 0:
                received += f.amount
            else:
                spent -= f.amount
        timeline.append((day, received, spent))
        if received < spent:
            payback = None
        elif payback is None and day >= since:
            payback = day
    if payback is None:
        return Payback(None, None, spent - received, tuple(timeline))
    months = dates.month_span(first, payback - dates.ONE_DAY).months if payback > first else 0
    return Payback(payback, money.round_to(Decimal(months), 2), None, tuple(timeline))


def by_date(flows: Iterable[Flow]) -> Iterator[tuple[date, list[Flow]]]:
    """Flows already in date order, grouped by day."""
    current: list[Flow] = []
    for f in flows:
        if current and f.date != current[0].date:
            yield current[0].date, current
            current = []
        current.append(f)
    if current:
        yield current[0].date, current


@dataclass(frozen=True)
class Valuation:
    """The present value of a schedule's rows.

    ``factors`` and ``values`` run parallel to the schedule's rows; a row
    paid before the valuation date has ``None`` in both, and is counted in
    ``excluded`` and ``excluded_amount`` instead.
    """

    rate: Decimal
    as_of: date
    present_value: Decimal
    factors: tuple[Decimal | None, ...]
    values: tuple[Decimal | None, ...]
    excluded: int
    excluded_amount: Decimal


@money.exact
def value_rows(
    rows: Sequence[tuple[date, Decimal]], rate: Decimal, as_of: date, ccy: money.Currency
) -> Valuation:
    """Discount each (date, amount) at ``rate`` from ``as_of``."""
    disc = Discounter(rate, as_of)
    factors: list[Decimal | None] = []
    values: list[Decimal | None] = []
    total = money.ZERO
    excluded = 0
    excluded_amount = money.ZERO
    for day, amount in rows:
        if day < as_of:
            factors.append(None)
            values.append(None)
            excluded += 1
            excluded_amount += amount
            continue
        factor = disc.factor(day)
        value = amount * factor
        total += value
        factors.append(money.round_to(factor, FACTOR_PLACES))
        values.append(money.round_money(value, ccy))
    return Valuation(
        rate=rate,
        as_of=as_of,
        present_value=money.round_money(total, ccy),
        factors=tuple(factors),
        values=tuple(values),
        excluded=excluded,
        excluded_amount=excluded_amount,
    )


@dataclass(frozen=True)
class Irr:
    """An internal rate of return, found to within 1e-10 (see :data:`IRR_TOLERANCE`).

    ``rate`` is ``None`` unless exactly one rate zeroes the NPV; ``roots``
    lists every one found in the search range, and ``note`` says why there is
    no single rate (none, or several when the flows change sign more than once).
    """

    rate: Decimal | None
    roots: tuple[Decimal, ...]
    sign_changes: int
    note: str | None


#: The search range of the IRR, as rates a year, and how finely it is cut (in ln(1 + rate)).
IRR_LOW, IRR_HIGH, IRR_CELLS = -0.99, 10_000.0, 200
#: How many times a cell may be halved to tell bunched roots apart, and how many cells may
#: be halved in all: the second bounds the work on flows built to defeat the search.
IRR_MAX_DEPTH, IRR_MAX_SPLITS = 40, 2_000


def xirr(flows: Sequence[Flow]) -> Irr:
    """Every annual rate at which the XNPV of ``flows`` is zero (Excel's XIRR convention).

    Flows are netted by date. The NPV is a sum of exponentials in
    s = ln(1 + rate), searched from -99% to +1,000,000% a year in 200 cells,
    at the ends of which the NPV and its first three derivatives are known. A
    cell where the NPV changes sign and none of the three does holds one
    root. A cell where one of them changes sign may hold several roots, or a
    turning point where the NPV touches zero, so it is halved until each part
    is plain (or is only a hair wide). By Rolle's theorem a pair of roots could
    then hide only in a cell whose ends agree in the sign of the NPV and of
    all three derivatives while the fourth turns twice inside it. Every root
    is refined by bisection to within 1e-10, and one rate is reported as the
    IRR only when it is the only one.
    """
    by_date: dict[date, float] = {}
    for f in flows:
        by_date[f.date] = by_date.get(f.date, 0.0) + float(f.amount)
    days = sorted(by_date)
    if not days:
        return Irr(None, (), 0, "no cash flows")
    first = days[0]
    times = [(d - first).days / 365.0 for d in days]
    amounts = [by_date[d] for d in days]
    signs = [a > 0 for a in amounts if a != 0]
    changes = sum(1 for a, b in itertools.pairwise(signs) if a != b)
    if changes == 0:
        return Irr(None, (), 0, "the cash flows never change sign, so there is no IRR")

    # The NPV and its derivatives in s: d/ds multiplies each flow by -t.
    weights = [amounts]
    for _ in range(3):
        weights.append([-t * a for t, a in zip(times, weights[-1], strict=True)])

    def at(s: float) -> tuple[float, ...]:
        return (s, *_sums(times, weights, s))

    def npv(rate: float) -> float:
        return _sum_exp(times, amounts, math.log1p(rate))

    lo, hi = math.log1p(IRR_LOW), math.log1p(IRR_HIGH)
    grid = [at(lo + (hi - lo) * i / IRR_CELLS) for i in range(IRR_CELLS + 1)]
    found = [math.expm1(p[0]) for p in grid if p[1] == 0]
    pending = [(a, b, 0) for a, b in itertools.pairwise(grid)]
    splits = 0
    while pending:
        left, right, depth = pending.pop()
        turns = any(left[k] * right[k] < 0 for k in (2, 3, 4))
        if turns and depth < IRR_MAX_DEPTH and splits < IRR_MAX_SPLITS:
            splits += 1
            middle = at((left[0] + right[0]) / 2)
            if middle[1] == 0:
                found.append(math.expm1(middle[0]))
            pending += [(left, middle, depth + 1), (middle, right, depth + 1)]
        elif left[1] * right[1] < 0:
            low, high = math.expm1(left[0]), math.expm1(right[0])
            found.append(_bisect(npv, low, high, left[1]))
    decimals = tuple(money.round_to(Decimal(repr(r)), 10) for r in _distinct(found))
    note = None
    if len(decimals) > 1:
        note = (
            f"the cash flows change sign {changes} times and {len(decimals)} rates zero the NPV; "
            "no one of them is the IRR"
        )
    elif changes > 1 and decimals:
        note = f"the cash flows change sign {changes} times; one rate zeroes the NPV"
    if not decimals:
        missing = "no rate between -99% and 1,000,000% a year zeroes the NPV"
        if changes > 1:
            missing = f"the cash flows change sign {changes} times and {missing}"
        return Irr(None, (), changes, missing)
    return Irr(decimals[0] if len(decimals) == 1 else None, decimals, changes, note)


#: Roots closer than this (in ln(1 + rate)) are one: floats cannot tell them apart, and the
#: noise of a sum near a root would otherwise bracket it several times.
ROOT_RESOLUTION = 1e-7


def _distinct(roots: Iterable[float]) -> list[float]:
    """Roots in order, those within ROOT_RESOLUTION of the last kept merged into it."""
    out: list[float] = []
    for r in sorted(roots):
        if not out or math.log1p(r) - math.log1p(out[-1]) > ROOT_RESOLUTION:
            out.append(r)
    return out


def _sums(
    times: Sequence[float], weights: Sequence[Sequence[float]], base: float
) -> tuple[float, ...]:
    """Each weighting of the flows summed against exp(-t x base), sharing each exponential.

    ``times`` are ascending from 0, so the largest exponent is the last flow's; one
    past a float's range makes each sum infinite with the sign of its first weight there.
    """
    if times and -times[-1] * base <= 700:
        factors = [math.exp(-t * base) for t in times]
        return tuple(math.fsum(map(operator.mul, w, factors)) for w in weights)
    return tuple(_sum_exp(times, w, base) for w in weights)


def _sum_exp(times: Sequence[float], amounts: Sequence[float], base: float) -> float:
    """Sum of a x exp(-t x base), kept finite for rates near -100% and far-out flows."""
    total = 0.0
    for t, a in zip(times, amounts, strict=True):
        exponent = -t * base
        if exponent > 700:
            return math.copysign(math.inf, a) if a else 0.0
        total += a * math.exp(exponent)
    return total


def _bisect(f: Callable[[float], float], low: float, high: float, f_low: float) -> float:
    for _ in range(200):
        mid = (low + high) / 2
        f_mid = f(mid)
        if f_mid == 0 or (high - low) / 2 < IRR_TOLERANCE:
            return float(mid)
        if (f_mid < 0) == (f_low < 0):
            low, f_low = mid, f_mid
        else:
            high = mid
    return float((low + high) / 2)
