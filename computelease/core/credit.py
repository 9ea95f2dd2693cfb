"""The tenant's credit: what the contract is worth given who pays it, and what it pays with.

Closed forms, no simulation:

- Credit-adjusted present value: the schedule discounted at the discount
  rate plus the tenant's ``spread`` (XNPV, as the deal's present value).
- Expected receipts: with an annual ``default_probability`` p held
  constant, the tenant still pays on day t with probability
  S(t) = (1 - p) ** (years since the valuation date, Actual/365); a payment
  due after a default is recovered at ``recovery`` R on its date. So each
  payment is expected at S + R (1 - S) of itself, and the expected loss is
  the rest, (1 - S)(1 - R). Payments on or before the valuation date are
  taken as paid. With p = 0 every expected figure is today's, to the cent.
- The expected committed value weighs the committed flows (see
  :mod:`computelease.core.commitment`) the same way.
- Funding coverage: the tenant's rounds (``lessee_funding``), each available
  from its date, against the schedule's payments in date order: the first
  payment they cannot meet in full is when the funding runs out (rounds that
  arrive later are counted apart). It assumes all of it goes to this lease,
  so it is the most the funding could cover.

Spread and default probability are two ways of pricing one risk: given
both, the spread values the contract and the probability weighs it, and
the report says they are not to be added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import dates, money
from computelease.core.commitment import commitment, committed_flows
from computelease.core.schedule import Schedule
from computelease.core.valuation import Discounter
from computelease.models import Funding


@dataclass(frozen=True)
class Coverage:
    """How far the tenant's funding goes against the contracted payments."""

    funding: Decimal
    rounds: tuple[Funding, ...]
    #: Payments met in full before the funding runs out, and what they total.
    payments_covered: int
    covered: Decimal
    #: Months of the term the funding pays for (the part of the payment it meets counted in).
    months_covered: Decimal
    #: The first payment the funding cannot meet in full, and what it falls short by there.
    runs_out: date | None
    short_by: Decimal
    #: Rounds that arrive after it runs out, and the payments all the funding would meet
    #: had it all been there from the start.
    later: Decimal
    payments_covered_by_all: int
    #: The contract's total and committed value as shares of the funding.
    total_share: Decimal | None
    committed_share: Decimal | None


@dataclass(frozen=True)
class CreditView:
    """The contract valued for the tenant's credit, and what the tenant has to pay it with."""

    spread: Decimal | None
    default_probability: Decimal | None
    recovery: Decimal | None
    rate: Decimal | None
    #: Discounted at the rate plus the spread.
    adjusted_present_value: Decimal | None
    expected_total: Decimal | None
    expected_present_value: Decimal | None
    expected_loss: Decimal | None
    expected_loss_present_value: Decimal | None
    expected_committed_value: Decimal | None
    #: The probability the tenant is still paying on the last day of the term.
    survival_to_end: Decimal | None
    coverage: Coverage | None
    notes: tuple[str, ...]


def has_credit(schedule: Schedule) -> bool:
    a = schedule.deal.assumptions
    return a.credit is not None or bool(a.lessee_funding)


@money.exact
def credit(schedule: Schedule, rate: Decimal | None, as_of: date) -> CreditView:
    """The credit view of a base schedule, valued from ``as_of`` at ``rate``."""
    deal = schedule.deal
    ccy = deal.ccy
    terms = deal.assumptions.credit
    spread = terms.spread if terms else None
    p = terms.default_probability if terms else None
    recovery = terms.recovery if terms else None
    notes: list[str] = []
    rows = [(r.date, r.amount) for r in schedule.rows if r.amount]
    adjusted = None
    if spread is not None:
        if rate is None:
            notes.append("the credit-adjusted value needs a discount rate to add the spread to")
        else:
            disc = Discounter(rate + spread, as_of)
            adjusted = money.round_money(disc.present_value(rows), ccy)
    expected_total = expected_pv = loss = loss_pv = expected_committed = survival_end = None
    if p is not None:
        r = recovery if recovery is not None else money.ZERO
        if recovery is None:
            notes.append("recovery not given: nothing is recovered after a default")
        # S(t) = (1 - p) ** years is a discount factor at the rate p / (1 - p).
        survival = Discounter(p / (1 - p), as_of)

        def kept(day: date) -> Decimal:
            s = survival.factor(day) if day > as_of else money.ONE
            return s + r * (1 - s)

        weights = [(day, amount, kept(day)) for day, amount in rows]
        expected_total = money.round_money(sum((a * w for _, a, w in weights), money.ZERO), ccy)
        # Rounded once: what is expected and what is lost add up to the payments exactly.
        loss = sum((a for _, a, _ in weights), money.ZERO) - expected_total
        committed = [(day, amount * kept(day)) for day, amount in committed_flows(schedule, as_of)]
        expected_committed = money.round_money(sum((a for _, a in committed), money.ZERO), ccy)
        end = dates.next_day(deal.term_end)
        # Valued after the term, nothing is left to default on.
        survival_end = money.round_to(survival.factor(end), 6) if end > as_of else money.ONE
        if rate is not None:
            disc = Discounter(rate, as_of)
            expected_pv = money.round_money(
                disc.present_value((day, a * w) for day, a, w in weights), ccy
            )
            loss_pv = money.round_money(
                disc.present_value((day, a * (1 - w)) for day, a, w in weights), ccy
            )
        if spread is not None:
            notes.append(
                "the spread and the default probability price the same risk: read the "
                "credit-adjusted value or the expected one, not both together"
            )
    coverage = _coverage(schedule, as_of) if deal.assumptions.lessee_funding else None
    return CreditView(
        spread=spread,
        default_probability=p,
        recovery=recovery,
        rate=rate,
        adjusted_present_value=adjusted,
        expected_total=expected_total,
        expected_present_value=expected_pv,
        expected_loss=loss,
        expected_loss_present_value=loss_pv,
        expected_committed_value=expected_committed,
        survival_to_end=survival_end,
        coverage=coverage,
        notes=tuple(notes),
    )


def _coverage(schedule: Schedule, as_of: date) -> Coverage:
    deal = schedule.deal
    rounds = tuple(sorted(deal.assumptions.lessee_funding, key=lambda f: f.date))
    funding = sum((f.amount for f in rounds), money.ZERO)
    payments = [r for r in schedule.rows if r.amount > 0]
    paid = money.ZERO
    met = 0
    runs_out: date | None = None
    short_by = money.ZERO
    for r in payments:
        available = sum((f.amount for f in rounds if f.date <= r.date), money.ZERO)
        if paid + r.amount > available:
            runs_out = r.date
            short_by = paid + r.amount - available
            break
        paid += r.amount
        met += 1
    later = sum(
        (f.amount for f in rounds if runs_out is not None and f.date > runs_out), money.ZERO
    )
    by_all = 0
    spent = money.ZERO
    for r in payments:
        if spent + r.amount > funding:
            break
        spent += r.amount
        by_all += 1
    months = _months_covered(schedule, met, short_by)
    total = schedule.total
    committed = commitment(schedule, as_of).committed_value
    return Coverage(
        funding=funding,
        rounds=rounds,
        payments_covered=met,
        covered=paid,
        months_covered=months,
        runs_out=runs_out,
        short_by=short_by,
        later=later,
        payments_covered_by_all=by_all,
        total_share=money.round_to(total / funding, 4) if funding else None,
        committed_share=money.round_to(committed / funding, 4) if funding else None,
    )


def _months_covered(schedule: Schedule, met: int, short_by: Decimal) -> Decimal:
    """Months of service the met payments pay for, and the part of the next the rest meets."""
    deal = schedule.deal
    payments = [r for r in schedule.rows if r.amount > 0]
    if met >= len(payments):
        return money.round_to(dates.month_span(deal.start, deal.term_end).months, 1)
    nxt = payments[met]
    start = nxt.period_start or nxt.date
    months = dates.month_span(deal.start, start - dates.ONE_DAY).months if start > deal.start else 0
    if nxt.period_start is not None and nxt.period_end is not None and nxt.amount:
        part = (nxt.amount - short_by) / nxt.amount
        months += part * dates.month_span(nxt.period_start, nxt.period_end).months
    return money.round_to(Decimal(months), 1)
