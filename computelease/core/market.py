"""The market price of committed GPU capacity over time: a curve, not only a constant decline.

The price is that of capacity committed for a term like the deal's (not
on-demand), so that "paid above market" compares like with like. It is
``market_gpu_hour`` on ``market_date`` falling at ``market_decline`` a year,
or dated prices (``market_curve``) interpolated in a straight line between,
falling at ``market_decline`` after the last and rising back at it before
the first (flat without a decline). The value of GPU-hours at the market is
the exact integral of that curve.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from computelease import money
from computelease.models import Deal


@dataclass(frozen=True)
class MarketCurve:
    """Committed-term market prices per GPU-hour by day, from a deal's assumptions."""

    #: (day, price) in date order: at least one.
    points: tuple[tuple[date, Decimal], ...]
    #: ln(1 - decline) / 365: the curve's slope per day beyond its points (0: flat).
    rate: Decimal

    @classmethod
    def of(cls, deal: Deal) -> MarketCurve | None:
        """The deal's market curve, or None when it gives no market price."""
        a = deal.assumptions
        points = [(p.date, p.gpu_hour) for p in a.market_curve]
        if a.market_gpu_hour is not None:
            anchor = a.market_date or deal.start
            points = [p for p in points if p[0] != anchor] + [(anchor, a.market_gpu_hour)]
        if not points:
            return None
        decline = a.market_decline or money.ZERO
        with money.arithmetic():
            rate = (money.ONE - decline).ln() / 365 if decline else money.ZERO
        return cls(tuple(sorted(points)), rate)

    def price(self, day: date) -> Decimal:
        """The market price on ``day``."""
        with money.arithmetic():
            first, last = self.points[0], self.points[-1]
            if day <= first[0]:
                return first[1] * (self.rate * (day - first[0]).days).exp()
            if day >= last[0]:
                return last[1] * (self.rate * (day - last[0]).days).exp()
            i = bisect.bisect_right([d for d, _ in self.points], day)
            (d0, p0), (d1, p1) = self.points[i - 1], self.points[i]
            return p0 + (p1 - p0) * (day - d0).days / (d1 - d0).days

    def area(self, first: date, after: date) -> Decimal:
        """The integral of the price over the days from ``first`` up to ``after`` (price x days)."""
        if after <= first:
            return money.ZERO
        total = money.ZERO
        with money.arithmetic():
            for a, b in self._pieces(first, after):
                total += self._piece_area(a, b)
        return total

    def first_below(self, level: Decimal, first: date, after: date) -> date | None:
        """The first day from ``first`` (before ``after``) the price is below ``level``."""
        with money.arithmetic():
            for a, b in self._pieces(first, after):
                pa, pb = self.price(a), self.price(b)
                if pa < level:
                    return a
                if pb >= level:
                    continue
                # Below somewhere in (a, b): solve on the piece, exactly as it is shaped.
                t = self._crossing(a, b, pa, pb, level)
                day = a + timedelta(days=math.floor(t) + 1)
                if day < after:
                    return day
        return None

    def _pieces(self, first: date, after: date) -> list[tuple[date, date]]:
        """``[first, after)`` cut at the curve's points: each piece one shape (a line or a fall)."""
        cuts = sorted({first, after, *(d for d, _ in self.points if first < d < after)})
        return list(itertools.pairwise(cuts))

    def _piece_area(self, a: date, b: date) -> Decimal:
        days = (b - a).days
        if a >= self.points[-1][0] or b <= self.points[0][0]:
            if not self.rate:
                return self.price(a) * days
            # p(a) x (exp(k days) - 1) / k: the exponential's exact integral.
            return self.price(a) * ((self.rate * days).exp() - 1) / self.rate
        return (self.price(a) + self.price(b)) * days / 2

    def _crossing(self, a: date, b: date, pa: Decimal, pb: Decimal, level: Decimal) -> Decimal:
        """Days after ``a`` at which the piece from ``a`` to ``b`` reaches ``level``."""
        if a >= self.points[-1][0] or b <= self.points[0][0]:
            return (level / pa).ln() / self.rate
        return (pa - level) * (b - a).days / (pa - pb)
