"""Deals side by side, and a lessor's book: revenue by year across its deals.

Deals in different currencies are compared only with an exchange rate for
each foreign currency (``EUR=1.08``: one euro is 1.08 of the comparison
currency); amounts are converted exactly and rounded once to the
comparison currency's minor unit. Rates, months and counts are not converted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from computelease import money
from computelease.core.analysis import Analysis
from computelease.core.breakeven import financing_of
from computelease.core.costs import has_capex
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
class Summary:
    """What a comparison keeps of one deal: its names and the figures it shows.

    Not its analysis: a book of 10,000 deals holds 10,000 of these, a few
    hundred bytes each, where their schedules and cash flows would take
    gigabytes. Figures are in the deal's own currency.
    """

    path: str
    deal_id: str
    currency: str
    lessor: str
    #: The valuation date; after the start, the commitment is what remains from it.
    as_of: date
    remaining: bool
    #: Whether the deal finances its capacity (a comparison then shows the loan's metrics).
    financed: bool
    #: Each metric's reading by name: those of a comparison, none for a book.
    readings: Mapping[str, Reading]
    #: Payments by calendar year, as scheduled and as committed: a book's, none for a comparison.
    scheduled_by_year: tuple[tuple[int, Decimal], ...] = ()
    committed_by_year: tuple[tuple[int, Decimal], ...] = ()


@money.exact
def summarise(path: str, analysis: Analysis, *, kind: Literal["compare", "book"]) -> Summary:
    """The figures of ``analysis`` a comparison (``compare``) or a book (``book``) shows."""
    deal = analysis.deal
    readings: dict[str, Reading] = {}
    by_year: tuple[tuple[int, Decimal], ...] = ()
    committed: tuple[tuple[int, Decimal], ...] = ()
    if kind == "compare":
        readings = {k: METRICS[k].read(analysis) for k in (*COMPARE_METRICS, *LOAN_COMPARE_METRICS)}
    else:
        by_year, committed = analysis.base.totals.by_year, analysis.commitment.by_year
    return Summary(
        path=path,
        deal_id=str(deal.id),
        currency=deal.currency,
        lessor=deal.lessor,
        as_of=analysis.as_of,
        remaining=analysis.commitment.remaining,
        # From the terms, not the loan: a book reads no loan and should not work one out.
        financed=financing_of(deal) is not None and has_capex(deal),
        readings=readings,
        scheduled_by_year=by_year,
        committed_by_year=committed,
    )


@dataclass(frozen=True)
class Side:
    """One deal in a comparison: its column's name, its figures, its rate into the currency."""

    id: str
    summary: Summary
    fx: Decimal

    @property
    def path(self) -> str:
        return self.summary.path


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
    summaries: Sequence[Summary], currency: str | None, fx: Mapping[str, Decimal]
) -> tuple[money.Currency, tuple[Side, ...]]:
    """Each deal with its exchange rate; refuses (RequestError) a currency with no rate given."""
    check_fx(fx)
    if not summaries:
        raise RequestError(Codes.NOTHING_TO_COMPARE, "nothing to compare: no valid deal was given")
    try:
        target = money.currency((currency or summaries[0].currency).upper())
    except FieldError as exc:
        raise RequestError(Codes.NO_FX_RATE, exc.message) from None
    missing = sorted({s.currency for s in summaries if s.currency != target.code} - set(fx))
    if missing:
        codes = ", ".join(missing)
        raise RequestError(
            Codes.NO_FX_RATE,
            f"the deals are in {target.code} and {codes}; give an exchange rate for each "
            f"({missing[0]}=1.08 means 1 {missing[0]} = 1.08 {target.code}) "
            "or compare them apart",
        )
    out = tuple(
        Side(label, s, money.ONE if s.currency == target.code else fx[s.currency])
        for label, s in zip(_labels([s.deal_id for s in summaries]), summaries, strict=True)
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
    summaries: Sequence[Summary],
    *,
    currency: str | None = None,
    fx: Mapping[str, Decimal] | None = None,
) -> DealComparison:
    """One column per deal, one row per metric of :data:`COMPARE_METRICS` (and the loan's)."""
    fx = dict(fx or {})
    target, columns = sides(summaries, currency, fx)
    rows = []
    financed = any(s.summary.financed for s in columns)
    for key in (*COMPARE_METRICS, *(LOAN_COMPARE_METRICS if financed else ())):
        m = METRICS[key]
        rows.append((m, tuple(_convert(s.summary.readings[key], m, s, target) for s in columns)))
    return DealComparison(target, fx, columns, tuple(rows))


@money.exact
def book(
    summaries: Sequence[Summary],
    *,
    currency: str | None = None,
    fx: Mapping[str, Decimal] | None = None,
) -> Book:
    """Revenue by year of payment for each deal and in total, base and committed."""
    fx = dict(fx or {})
    target, columns = sides(summaries, currency, fx)

    def by_year(pairs: Sequence[tuple[int, Decimal]], side: Side) -> dict[int, Decimal]:
        return {year: money.round_money(amount * side.fx, target) for year, amount in pairs}

    scheduled = [by_year(s.summary.scheduled_by_year, s) for s in columns]
    committed = [by_year(s.summary.committed_by_year, s) for s in columns]
    years = tuple(sorted({y for table in (*scheduled, *committed) for y in table}))
    # The book holds the years converted; each side's own copy would double its memory.
    kept = tuple(
        dataclasses.replace(
            s, summary=dataclasses.replace(s.summary, scheduled_by_year=(), committed_by_year=())
        )
        for s in columns
    )
    return Book(
        currency=target,
        fx=fx,
        sides=kept,
        years=years,
        scheduled={y: tuple(t.get(y, money.ZERO) for t in scheduled) for y in years},
        committed={y: tuple(t.get(y, money.ZERO) for t in committed) for y in years},
        scheduled_total=tuple(sum(t.values(), money.ZERO) for t in scheduled),
        committed_total=tuple(sum(t.values(), money.ZERO) for t in committed),
    )
