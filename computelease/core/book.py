"""Deals side by side, and a lessor's book: revenue by year across its deals.

Deals in different currencies are compared only with an exchange rate for
each foreign currency (``EUR=1.08``: one euro is 1.08 of the comparison
currency); amounts are converted exactly and rounded once to the
comparison currency's minor unit. Rates, months and counts are not converted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from computelease import money
from computelease.core.analysis import Analysis
from computelease.core.metrics import METRICS, Metric, Reading
from computelease.errors import Codes, FieldError, RequestError

#: The metrics ``lease compare`` shows, in order.
COMPARE_METRICS = (
    "months",
    "average_monthly",
    "total",
    "total_with_options",
    "committed_value",
    "present_value",
    "price_per_gpu_hour",
    "price_per_kw_month",
    "irr_lessor",
)
#: Added when any deal compared finances its capacity.
LOAN_COMPARE_METRICS = ("irr_equity", "min_dscr")


@dataclass(frozen=True)
class Side:
    """One deal in a comparison: its id, file, analysis and rate into the comparison currency."""

    id: str
    path: str
    analysis: Analysis
    fx: Decimal


@dataclass(frozen=True)
class DealComparison:
    """Deals side by side: one reading of each metric per deal, in one currency."""

    currency: money.Currency
    fx: Mapping[str, Decimal]
    sides: tuple[Side, ...]
    rows: tuple[tuple[Metric, tuple[Reading, ...]], ...]


@dataclass(frozen=True)
class Book:
    """Revenue by calendar year per deal and in total, as scheduled and as committed."""

    currency: money.Currency
    fx: Mapping[str, Decimal]
    sides: tuple[Side, ...]
    years: tuple[int, ...]
    #: year -> one amount per deal (zero where a deal pays nothing that year)
    scheduled: Mapping[int, tuple[Decimal, ...]]
    committed: Mapping[int, tuple[Decimal, ...]]
    scheduled_total: tuple[Decimal, ...]
    committed_total: tuple[Decimal, ...]


#: The largest exchange rate taken: yen and won against a dollar are in the thousands, and a
#: bound keeps every converted figure within the money context.
MAX_FX: Final = Decimal(1_000_000)


def check_fx(fx: Mapping[str, Decimal]) -> None:
    """Refuse (RequestError, E507) an exchange rate that is not a number in (0, MAX_FX]."""
    for code, rate in fx.items():
        if not (rate.is_finite() and money.ZERO < rate <= MAX_FX):
            raise RequestError(
                Codes.BAD_SETTING,
                f"the exchange rate {code}={str(rate)[:40]} is out of range: give a rate above 0 "
                f"and at most {MAX_FX:,}, such as EUR=1.08",
            )


def sides(
    analyses: Sequence[tuple[str, Analysis]], currency: str | None, fx: Mapping[str, Decimal]
) -> tuple[money.Currency, tuple[Side, ...]]:
    """Each deal with its exchange rate; refuses (RequestError) a currency with no rate given."""
    check_fx(fx)
    if not analyses:
        raise RequestError(Codes.NOTHING_TO_COMPARE, "nothing to compare: no valid deal was given")
    try:
        target = money.currency((currency or analyses[0][1].deal.currency).upper())
    except FieldError as exc:
        raise RequestError(Codes.NO_FX_RATE, exc.message) from None
    missing = sorted(
        {a.deal.currency for _, a in analyses if a.deal.currency != target.code} - set(fx)
    )
    if missing:
        codes = ", ".join(missing)
        raise RequestError(
            Codes.NO_FX_RATE,
            f"the deals are in {target.code} and {codes}; give an exchange rate for each "
            f"({missing[0]}=1.08 means 1 {missing[0]} = 1.08 {target.code}) "
            "or compare them apart",
        )
    out = tuple(
        Side(
            label,
            path,
            a,
            money.ONE if a.deal.currency == target.code else fx[a.deal.currency],
        )
        for label, (path, a) in zip(
            _labels([str(a.deal.id) for _, a in analyses]), analyses, strict=True
        )
    )
    return target, out


#: Column names a deal's id may not take in a comparison's tables.
RESERVED = frozenset({"total", "year", "basis", "metric"})


def _labels(ids: Sequence[str]) -> list[str]:
    """Deal ids as column names: one that repeats, or clashes with a column, is numbered."""
    counts = {i: ids.count(i) for i in ids}
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        if counts[i] > 1 or i in RESERVED:
            seen[i] = seen.get(i, 0) + 1
            out.append(f"{i}-{seen[i]}")
        else:
            out.append(i)
    return out


def _convert(reading: Reading, m: Metric, side: Side, target: money.Currency) -> Reading:
    value, why = reading
    if value is None or m.kind not in ("money", "price") or side.fx == 1:
        return reading
    converted = value * side.fx
    if m.kind == "money":
        return money.round_money(converted, target), why
    return money.round_to(converted, 4), why


@money.exact
def compare(
    analyses: Sequence[tuple[str, Analysis]],
    *,
    currency: str | None = None,
    fx: Mapping[str, Decimal] | None = None,
) -> DealComparison:
    """One column per deal, one row per metric of :data:`COMPARE_METRICS` (and the loan's)."""
    fx = dict(fx or {})
    target, columns = sides(analyses, currency, fx)
    rows = []
    financed = any(s.analysis.breakeven.loan is not None for s in columns)
    for key in (*COMPARE_METRICS, *(LOAN_COMPARE_METRICS if financed else ())):
        m = METRICS[key]
        rows.append((m, tuple(_convert(m.read(s.analysis), m, s, target) for s in columns)))
    return DealComparison(target, fx, columns, tuple(rows))


@money.exact
def book(
    analyses: Sequence[tuple[str, Analysis]],
    *,
    currency: str | None = None,
    fx: Mapping[str, Decimal] | None = None,
) -> Book:
    """Revenue by year of payment for each deal and in total, base and committed."""
    fx = dict(fx or {})
    target, columns = sides(analyses, currency, fx)

    def by_year(pairs: Sequence[tuple[int, Decimal]], side: Side) -> dict[int, Decimal]:
        return {year: money.round_money(amount * side.fx, target) for year, amount in pairs}

    scheduled = [by_year(s.analysis.base.totals.by_year, s) for s in columns]
    committed = [by_year(s.analysis.commitment.by_year, s) for s in columns]
    years = tuple(sorted({y for table in (*scheduled, *committed) for y in table}))
    return Book(
        currency=target,
        fx=fx,
        sides=columns,
        years=years,
        scheduled={y: tuple(t.get(y, money.ZERO) for t in scheduled) for y in years},
        committed={y: tuple(t.get(y, money.ZERO) for t in committed) for y in years},
        scheduled_total=tuple(sum(t.values(), money.ZERO) for t in scheduled),
        committed_total=tuple(sum(t.values(), money.ZERO) for t in committed),
    )
