"""A whole deal analysed at once: what ``lease calc`` shows and its JSON carries.

:func:`analyse` runs each part of the core once, in order, on the same
schedules, and collects what could not be computed (a present value with no
discount rate, say) as notes rather than leaving it silently out.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from computelease import dates, money
from computelease.core.breakeven import Breakeven, breakeven, financing_of
from computelease.core.commitment import Commitment, commitment
from computelease.core.costs import has_capex
from computelease.core.credit import CreditView, credit, has_credit
from computelease.core.financing import Loan
from computelease.core.scenario import apply
from computelease.core.schedule import Schedule, build_schedule
from computelease.core.totals import Bucket, Totals, aggregate, totals
from computelease.core.units import UnitEconomics, unit_economics
from computelease.core.valuation import Valuation, value_rows
from computelease.errors import Codes, LeaseError, RequestError
from computelease.models import Deal, Scenario


@dataclass(frozen=True, slots=True)
class Settings:
    """What the caller may change without editing the deal: the valuation date and the rate."""

    as_of: date | None = None
    rate: Decimal | None = None


@dataclass(frozen=True)
class View:
    """One schedule (base, or with options) with its totals and present value.

    The totals and the present value are worked out when first read, and kept.
    """

    schedule: Schedule
    rate: Decimal | None
    as_of: date

    @functools.cached_property
    def totals(self) -> Totals:
        with money.arithmetic():
            return totals(self.schedule)

    @functools.cached_property
    def valuation(self) -> Valuation | None:
        """The schedule's present value at the rate from the valuation date; None without one."""
        if self.rate is None:
            return None
        rows = [(r.date, r.amount) for r in self.schedule.rows]
        with money.arithmetic():
            return value_rows(rows, self.rate, self.as_of, self.schedule.ccy)


@dataclass(frozen=True)
class Analysis:
    """Every figure of one deal, computed once: what ``lease calc`` shows.

    The properties are shortcuts to the figures most often read first.
    """

    deal: Deal
    as_of: date
    rate: Decimal | None
    #: Where the rate came from: "assumed" (the deal file) or "override" (--rate).
    rate_source: str | None
    base: View
    with_options: View | None
    breakeven: Breakeven
    notes: tuple[str, ...]
    conventions: tuple[str, ...]

    # The blocks below (and the breakeven's) are worked out when first read and kept, so a
    # sensitivity cell or a comparison pays only for the figures it shows.

    @functools.cached_property
    def commitment(self) -> Commitment:
        """What the tenant is committed to, from the valuation date."""
        with money.arithmetic():
            return commitment(self.base.schedule, self.as_of)

    @functools.cached_property
    def units(self) -> UnitEconomics:
        """Prices per GPU-hour and per kW-month."""
        with money.arithmetic():
            return unit_economics(self.deal, self.base.totals)

    @functools.cached_property
    def credit(self) -> CreditView | None:
        """The tenant's credit and funding, when the deal gives them."""
        if not has_credit(self.base.schedule):
            return None
        with money.arithmetic():
            return credit(self.base.schedule, self.rate, self.as_of)

    @property
    def schedule(self) -> Schedule:
        """The base schedule (options excluded), every payment in date order."""
        return self.base.schedule

    @property
    def total(self) -> Decimal:
        """What the base schedule pays over the term (the headline)."""
        return self.base.totals.total

    @property
    def present_value(self) -> Decimal | None:
        """XNPV of the base schedule at the rate from the valuation date; None without a rate."""
        return self.base.valuation.present_value if self.base.valuation else None

    @property
    def committed_value(self) -> Decimal:
        """What is owed if the termination right is used as early as allowed."""
        return self.commitment.committed_value


@dataclass(frozen=True)
class ScheduleResult:
    """What ``lease schedule`` shows: one schedule, its present values, maybe aggregated."""

    deal: Deal
    #: Where the deal came from (its file), for reports.
    source: str
    rate: Decimal | None
    as_of: date
    view: View
    by: str | None
    buckets: tuple[Bucket, ...] | None
    conventions: tuple[str, ...]
    #: The lessor's loan, period by period, when the debt schedule was asked for.
    loan: Loan | None = None


@dataclass(frozen=True)
class BreakevenResult:
    """What ``lease breakeven`` shows: the three blocks and the totals they rest on."""

    deal: Deal
    source: str
    rate: Decimal | None
    as_of: date
    totals: Totals
    breakeven: Breakeven
    conventions: tuple[str, ...]
    credit: CreditView | None = None


#: The highest discount rate a caller may set: every rate field lies within 100%.
MAX_RATE: Final = Decimal(1)


def check_settings(settings: Settings) -> None:
    """Refuse (RequestError, E507) a rate no deal can be valued at: not a number, or out of range.

    The valuation date is checked against each deal's term by :func:`valuation_date`.
    """
    rate = settings.rate
    if rate is not None and not (rate.is_finite() and money.ZERO <= rate <= MAX_RATE):
        raise RequestError(
            Codes.BAD_SETTING,
            f"a discount rate of {_shown_rate(rate)} is out of range: give 0% to 100% a year",
        )


def _shown_rate(rate: Decimal) -> str:
    return money.format_percent(rate) if rate.is_finite() and abs(rate) < 10**6 else str(rate)


def discount_rate(deal: Deal, settings: Settings) -> tuple[Decimal | None, str | None]:
    """The rate to value ``deal`` at, and where it comes from (RequestError if out of range)."""
    check_settings(settings)
    if settings.rate is not None:
        return settings.rate, "override"
    if deal.assumptions.discount_rate is not None:
        return deal.assumptions.discount_rate, "assumed"
    return None, None


def valuation_date(deal: Deal, settings: Settings) -> date:
    """The date present values are taken at: the deal's start unless ``settings`` say.

    Raises RequestError for a date more than ``dates.SLACK_YEARS`` from the
    term: flows compounded or discounted over centuries are no valuation,
    and the bound is what keeps every factor within the money context.
    """
    as_of = settings.as_of or deal.start
    slack = dates.SLACK_YEARS
    earliest = dates.years_before(deal.start, slack)
    latest = dates.years_after(deal.term_end, slack)
    if as_of < earliest:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"the valuation date {as_of} is more than {slack} years before the start "
            f"{deal.start}; value the deal from {earliest} or later",
        )
    if as_of > latest:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            f"the valuation date {as_of} is more than {slack} years after the term ends "
            f"({deal.term_end}); value the deal on {latest} or earlier",
        )
    return as_of


def view(schedule: Schedule, rate: Decimal | None, as_of: date) -> View:
    """A schedule with its totals and, given a rate, its present value."""
    return View(schedule, rate, as_of)


def lender_view(deal: Deal, b: Breakeven, rate: Decimal | None, as_of: date) -> Breakeven:
    """``b`` with its loan as it stands if the tenant walks away at the first chance.

    The lender's question: a tenant free to give notice may leave once the
    first months are paid, and the debt still owed then must come from the
    capacity's value. Only for a financed deal whose tenant holds a right that
    ends the term early.
    """
    term = deal.termination
    if term is None or term.by == "lessor" or financing_of(deal) is None or not has_capex(deal):
        return b
    try:
        walked = apply(deal, Scenario(terminate="earliest")).deal
    except LeaseError:
        return b
    if walked.term_end >= deal.term_end:
        return b
    return dataclasses.replace(b, walked=build_schedule(walked))


@money.exact
def analyse(deal: Deal, settings: Settings | None = None, *, lender: bool = True) -> Analysis:
    """Schedules, totals, present values, committed value, unit economics and breakeven.

    ``lender=False`` leaves out the lender's view of a walkaway (a second
    analysis of the lessor), for callers that read only figures of the deal
    itself: a sensitivity grid's cells, a scenario's metrics.
    """
    settings = settings or Settings()
    rate, source = discount_rate(deal, settings)
    as_of = valuation_date(deal, settings)
    base = view(build_schedule(deal), rate, as_of)
    options = (
        view(build_schedule(deal, with_options=True), rate, as_of) if deal.has_options else None
    )
    figures = breakeven(base.schedule, rate, as_of)
    notes = []
    if rate is None:
        notes.append(
            "present value not computed: no discount rate "
            "(set assumptions.discount_rate, or give a rate to value it at)"
        )
    return Analysis(
        deal=deal,
        as_of=as_of,
        rate=rate,
        rate_source=source,
        base=base,
        with_options=options,
        breakeven=lender_view(deal, figures, rate, as_of) if lender else figures,
        notes=tuple(notes),
        conventions=conventions(
            deal, rate=rate, as_of=as_of, parts=frozenset({"units", "commitment", "breakeven"})
        ),
    )


@money.exact
def schedule_result(
    deal: Deal,
    settings: Settings | None = None,
    *,
    by: str | None = None,
    with_options: bool = False,
    debt: bool = False,
    source: str = "",
) -> ScheduleResult:
    """One schedule with its present values; ``by`` sums it by month, quarter or year.

    ``debt`` adds the lessor's loan period by period (RequestError, E502,
    for a deal without financing).
    """
    settings = settings or Settings()
    rate, _ = discount_rate(deal, settings)
    as_of = valuation_date(deal, settings)
    if debt:
        check_debt(deal, by=by, with_options=with_options)
    shown = view(build_schedule(deal, with_options=with_options), rate, as_of)
    buckets = None
    if by is not None:
        values = shown.valuation.values if shown.valuation is not None else None
        buckets = aggregate(shown.schedule, by, values)
    return ScheduleResult(
        deal=deal,
        source=source or str(deal.id),
        rate=rate,
        as_of=as_of,
        view=shown,
        by=by,
        buckets=buckets,
        conventions=conventions(
            deal, rate=rate, as_of=as_of, parts=frozenset({"financing"} if debt else ())
        ),
        loan=breakeven(shown.schedule, rate, as_of).loan if debt else None,
    )


def check_debt(deal: Deal, *, by: str | None, with_options: bool) -> None:
    """Refuse a debt schedule the deal cannot give: no loan, or asked by period or with options."""
    lessor = deal.assumptions.lessor
    if lessor is None or lessor.financing is None:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            "the deal has no loan to schedule: give assumptions.lessor.financing",
        )
    if by is not None or with_options:
        raise RequestError(
            Codes.BAD_SETTING,
            "the debt schedule is by service period, on the base schedule: leave out "
            + ("by" if by is not None else "with_options"),
        )


@money.exact
def breakeven_result(
    deal: Deal, settings: Settings | None = None, *, source: str = ""
) -> BreakevenResult:
    """The lessor, lessee and market blocks of ``deal``."""
    settings = settings or Settings()
    rate, _ = discount_rate(deal, settings)
    as_of = valuation_date(deal, settings)
    base = build_schedule(deal)
    return BreakevenResult(
        deal=deal,
        source=source or str(deal.id),
        rate=rate,
        as_of=as_of,
        totals=totals(base),
        breakeven=lender_view(deal, breakeven(base, rate, as_of), rate, as_of),
        conventions=conventions(
            deal, rate=rate, as_of=as_of, parts=frozenset({"units", "breakeven"})
        ),
        credit=credit(base, rate, as_of) if has_credit(base) else None,
    )


def conventions(
    deal: Deal, *, rate: Decimal | None, as_of: date, parts: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The conventions a report relies on, one sentence each, so nobody has to guess.

    ``parts`` adds the lines for what the report shows beyond the schedule:
    ``"units"``, ``"commitment"`` and ``"breakeven"``.
    """
    ccy = deal.ccy
    timings = sorted({s.timing for s in deal.payments if s.every != "once"})
    timing = {
        "advance": "in advance, on the first day of each period",
        "arrears": "in arrears, on the first day after each period",
    }
    lines = [
        "Schedule: periods roll from each stream's first day by calendar month (quarter 3, "
        "year 12) under the end-of-month rule; a last period cut short is prorated by actual days.",
        "Payment timing: "
        + ("; ".join(f"{timing[t]}" for t in timings) or "single payments")
        + ("" if len(timings) < 2 else " (by stream)")
        + ".",
        f"Rounding: each payment is rounded once, half-up, to the {ccy.code} minor unit "
        f"({money.decimal_text(ccy.quantum)}); totals are exact sums of the rounded payments.",
    ]
    if rate is None:
        lines.append("Present value: not computed (no discount rate).")
    else:
        lines.append(
            f"Present value: XNPV, Actual/365 Fixed, at {money.format_percent(rate)} a year, "
            f"every flow valued from {as_of} (as Excel's XNPV does when a zero flow stands on "
            "that date; Excel's own values from the first flow's date); a payment on "
            f"{as_of} is not discounted. The deal's present value is of what is still to be "
            "paid: earlier payments are excluded."
        )
    if "units" in parts:
        basis = (
            "730 hours a month (8,760 / 12, as cloud price lists count)"
            if deal.assumptions.hours_basis == "730"
            else "actual days x 24"
        )
        lines.append(
            f"GPU-hours: {basis}, of the capacity in service (a tranche from its delivery); "
            "prices per GPU-hour and per kW-month are over that capacity."
        )
    if "commitment" in parts and deal.termination is not None:
        lines.append(
            "Committed value: notice given on the first day allowed, effective after the notice "
            "period; the last period prorated by days covered; fee and prepayments paid added; "
            "options excluded"
            + (
                f"; valued on {as_of}, after the start, it is what remains: notice given then "
                "at the earliest, payments due from then on."
                if as_of > deal.start
                else "."
            )
        )
    if "breakeven" in parts:
        lines.append(
            "Breakeven: capex on its dates (IT with each tranche, a built facility with it); "
            "running costs on the first day of each month for the capacity in service (power: "
            "IT MW x utilisation x PUE x hours x price; rent per kW; maintenance and insurance "
            "as shares of capex a year; each escalating yearly where given; staff and other "
            "opex as given at full delivery, in proportion to the GPUs in service), a stub month "
            "prorated; payback and capex unrecovered on cash. The capacity's value at the end, "
            "on the day after the term, counts in the NPV and IRR only: the IT re-let at the "
            "market after the re-letting gap (a dropped tranche from its arrival) for the rest "
            "of its useful life, net of its running costs, and a built facility at the book "
            "value it has when that re-let ends, both discounted to that day at the deal's "
            "rate, so the IRR moves a little with the rate (or a fixed residual). The lessor's "
            "NPV values the whole investment on the valuation date: earlier flows are "
            "compounded forward, unlike the deal's present value. IRR by Excel's XIRR "
            "convention: every rate from -99% to 1,000,000% a year that zeroes the NPV, "
            "searched on 200 cells, each halved where the NPV or its first three derivatives "
            "turn until the roots in it stand apart, and found to within 1e-10."
        )
        if deal.assumptions.market_gpu_hour is not None or deal.assumptions.market_curve:
            lines.append(
                "Market price: the committed-term price per GPU-hour (not on-demand), "
                "market_gpu_hour on market_date falling at market_decline a year, or the dated "
                "market_curve joined by straight lines and falling at market_decline beyond "
                "it; integrated over the GPU-hours in service."
            )
    lessor = deal.assumptions.lessor
    if parts & {"breakeven", "financing"} and lessor is not None and lessor.financing is not None:
        lines.append(FINANCING_CONVENTION)
    if "breakeven" in parts and (deal.assumptions.credit or deal.assumptions.lessee_funding):
        lines.append(CREDIT_CONVENTION)
    return tuple(lines)


FINANCING_CONVENTION: Final = (
    "Financing: debt drawn with the capex it is secured on (the IT unless secured_on: all; a "
    "share of each part, or an amount in proportion), fees paid by equity when drawn; "
    "interest at the annual rate x months / 12 on the balance (30/360; a floating rate's base "
    "held flat; a draw during a period accrues by actual days; draws before the start "
    "capitalised, compounded monthly), paid with principal on the day after each service "
    "period (as the deal bills, or every) from the start; all draws mature together, "
    "tenor_months (rounded up to whole periods) after the first period that repays. Level: "
    "each draw's annuity to maturity, rounded to the cent; sculpted: each period's CFADS / "
    "target DSCR, the debt being what that service repays at the loan's rate (less if debt "
    "caps it, every payment scaled alike), interest it does not cover capitalised; the last "
    "period takes the rounding; a part period at the lease's end owes its part of the "
    "payment. CFADS: the receipts for the service of each period (split by days when one pays "
    "for several; a prepayment in the periods it is credited against, what no service uses "
    "and a single payment on their dates) less its running costs; DSCR = CFADS / the "
    "regular debt service (a bullet's balance or what a part period leaves is refinanced or "
    "met from the collateral). The fee at the covenant scales every payment of the contract "
    "alike. A sweep prepays from the cash left after debt service, scheduled payments "
    "unchanged. Debt still owed when the lease ends (a balloon due in its last period too) is "
    "repaid from the collateral's value at the end (the IT's re-let value, or with the "
    "building's; a fixed residual counts as the IT's); the lender loses what it does not "
    "cover; a balloon due earlier is refinanced by equity. The walkaway is the tenant's notice "
    "on the first day allowed. Equity: the lessor's flows plus draws, less fees and debt "
    "service; its NPV at the deal's rate, its payback on cash."
)
CREDIT_CONVENTION: Final = (
    "Credit: the credit-adjusted value discounts at the discount rate plus the spread; with a "
    "default probability p a year, a payment t years after the valuation date is expected at "
    "S + R(1 - S) of itself, S = (1 - p)^t (Actual/365) and R the recovery, the rest being the "
    "expected loss. Funding: each round available from its date, all of it for this lease, "
    "against the payments in date order."
)
