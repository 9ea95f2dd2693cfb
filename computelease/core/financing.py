"""The lessor's debt: drawn with the capex, serviced from the lease, and what equity keeps.

Conventions, stated in every report that shows a loan:

- Draws: the loan finances and is secured on the IT (``secured_on: all``:
  the building too). ``debt`` as a share of that capex is drawn with each
  part on its date; an amount is drawn in proportion to it. Capex after the
  lease ends or the loan matures is equity's. An upfront ``fee`` is a share
  of each draw, paid by equity when drawn.
- Periods: the deal's own grid from ``start``, a month, a quarter or a year
  long (``every``; by default as the deal's first base stream bills, so a
  quarterly contract services its debt quarterly). Debt service (interest
  and principal) is paid on the day after each period. Interest is the
  annual rate x months / 12 on the balance at the start of the period
  (30/360, as a textbook amortisation table counts); a draw during a period
  accrues for the days it is out, by actual days. Draws before the start
  accrue monthly, compounded, and are capitalised into the balance on it.
- Repayment: a draw on the first day of a period repays from that period, a
  later one from the next; all draws mature together, ``tenor_months`` after
  the first period with debt. Level: each draw's payment is the annuity over
  its periods to maturity (rounded to the cent; principal is the payment less
  the interest); straight-line: each draw's equal share a period; bullet:
  everything at maturity. Sculpted: each period's debt service is its cash
  available for debt service (CFADS) / ``target_dscr``, and the debt is what
  those payments repay at the loan's rate (the present value of the service
  over the present value of the draws), or less if ``debt`` caps it, when
  every period's service is scaled down alike; interest not covered is
  capitalised. The last period takes whatever rounding left.
- CFADS: the period's lease receipts (each payment in the period it pays
  for, split by days when it pays for several; a prepayment in the periods
  it is credited against, the cash held for them, and what no service uses
  on its date; a single payment on its date) less its running costs.
  DSCR = CFADS / debt service, for periods with debt service; what falls
  due at maturity beyond the regular service (a bullet's balance, the rest of
  a part period's) is left out, refinanced or met from the collateral, as
  lenders test it. A part period at the lease's end owes its part of the
  regular payment; the rest is owed when the lease ends.
- Sweep: a share of what CFADS leaves after debt service prepays the loan in
  the same period; scheduled repayments stay as they were, so the loan ends
  sooner (inverse order of maturity).
- The lease's end: a loan still outstanding when the lease ends (a term
  shorter than the tenor, a walkaway, a balance due at a maturity in the
  lease's last period) is repaid from the collateral's value at the end (the
  IT re-let, or with the building's for ``all``; a fixed residual counts as
  the IT's); what that value does not cover is the lender's loss (the loan is
  secured on the assets and the contract alone). A balloon due at a maturity
  earlier in the lease is refinanced: equity pays it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import dates, money
from computelease.core.costs import Capex, Residual
from computelease.core.schedule import Period, Schedule, periods
from computelease.core.valuation import Discounter, Flow, Irr, cash_payback, xirr
from computelease.models import STEP_MONTHS, Deal, Financing

#: Months in a year, for the monthly rate of a 30/360 loan.
MONTHS = Decimal(12)
#: The label of the debt repaid from the capacity's value: a valuation, not cash, like it.
DEBT_AT_END = "debt repaid from the end value"


@dataclass(frozen=True, slots=True)
class DebtPeriod:
    """One period of the loan; ``principal`` below zero is interest capitalised."""

    start: date
    end: date
    #: The day its debt service is paid (the day after ``end``).
    paid: date
    opening: Decimal
    drawn: Decimal
    interest: Decimal
    principal: Decimal
    swept: Decimal
    closing: Decimal
    cfads: Decimal
    #: The debt service its coverage is tested on: all of it, a bullet's repayment left out.
    tested: Decimal
    #: CFADS / ``tested``; None without debt service.
    dscr: Decimal | None

    @property
    def service(self) -> Decimal:
        """Interest and scheduled principal paid on ``paid`` (not the sweep)."""
        return self.interest + self.principal


@dataclass(frozen=True)
class Loan:
    """The lessor's loan and what it does to the returns (see the module's conventions)."""

    terms: Financing
    #: The annual interest rate: fixed, or base rate plus spread.
    rate: Decimal
    #: The capex the debt is drawn with (the IT, or all of it), and the debt.
    capex: Decimal
    debt: Decimal
    draws: tuple[tuple[date, Decimal], ...]
    fees: Decimal
    periods: tuple[DebtPeriod, ...]
    maturity: date
    interest: Decimal
    #: Capitalised into the balance: before the start, or in a sculpted period with too little cash.
    capitalised: Decimal
    swept: Decimal
    min_dscr: Decimal | None
    min_dscr_date: date | None
    #: (date paid, DSCR) of each period below the covenant ``min_dscr``.
    breaches: tuple[tuple[date, Decimal], ...]
    #: What is owed when the lease ends (its last day's service paid), and when that is.
    outstanding_at_end: Decimal
    #: The lease's last day served, and the day after it, when what is owed is settled.
    last_day: date
    lease_end: date
    collateral: Decimal
    lender_loss: Decimal
    #: The capacity's value at the end over what is still owed; None when nothing is owed.
    collateral_cover: Decimal | None
    equity_flows: tuple[Flow, ...]
    equity: Decimal
    #: The rate equity's NPV is at: the deal's (unlevered) discount rate.
    discount_rate: Decimal | None
    equity_npv: Decimal | None
    equity_payback_date: date | None
    equity_payback_months: Decimal | None
    #: The contract's payments scaled alike until the lowest DSCR is the covenant: the
    #: scale, and the average fee a month it comes to.
    covenant_share: Decimal | None
    covenant_monthly: Decimal | None
    notes: tuple[str, ...]

    @functools.cached_property
    def equity_irr(self) -> Irr:
        """The IRR of ``equity_flows``, searched for when first read (the covenant does not)."""
        return xirr(self.equity_flows)


@dataclass(frozen=True, slots=True)
class _Draw:
    date: date
    amount: Decimal
    #: The period it falls in (-1: before the start, capitalised on it) and the first it repays in.
    period: int
    first: int
    #: Its stub interest in the period it is drawn (a share of a month), and its balance to repay.
    stub: Decimal
    principal: Decimal


def loan_rate(f: Financing) -> Decimal:
    """The annual rate: fixed, or the base rate (held flat) plus the spread."""
    if f.rate is not None:
        return f.rate
    assert f.base_rate is not None and f.spread is not None  # models._financing
    return f.base_rate + f.spread


@money.exact
def finance(
    schedule: Schedule,
    f: Financing,
    unlevered: Sequence[Flow],
    items: Sequence[Capex],
    end_value: Residual,
    rate: Decimal | None,
    as_of: date,
) -> Loan:
    """The loan ``f`` against the lessor's ``unlevered`` flows (capex, receipts, costs, residual).

    ``items`` is the capex by kind, and ``end_value`` what the capacity is
    worth when the lease ends: the loan is drawn with, and secured on, the IT
    (or all of it, ``secured_on: all``). ``rate`` values the equity's flows
    from ``as_of``.
    """
    deal = schedule.deal
    ccy = deal.ccy
    annual = loan_rate(f)
    notes: list[str] = []
    step = service_months(deal, f)
    grid = list(periods(deal.start, deal.term_end, step, "advance"))
    cfads = _cfads(schedule, unlevered, grid)
    run = _Run(deal, f, annual, step, grid, cfads)
    # Capex after the lease (a tranche that arrives after a walkaway) or after the loan
    # matures has no lease or loan left to fund it: equity pays for it.
    secured = [c for c in items if f.secured_on == "all" or c.kind == "it"]
    spent = [Flow(c.date, -c.amount, c.kind, "capex") for c in secured]
    first = min((x.date for x in spent), default=deal.start)
    until = min(deal.term_end, run.maturity_after(first) - dates.ONE_DAY)
    capex = [x for x in spent if x.date <= until]
    total_capex = -sum((x.amount for x in capex), money.ZERO)
    later = -sum((x.amount for x in spent), money.ZERO) - total_capex
    if later:
        notes.append(
            money.Words(
                "capex after the lease ends or the loan matures, ",
                money.Amount(later, deal.ccy),
                ", is paid by equity: no debt is drawn with it",
            )
        )
    if f.amortisation == "sculpted":
        debt = run.sculpted_debt(capex, total_capex)
    else:
        debt = money.round_money(_given(f, total_capex), ccy)
    if debt > total_capex:
        notes.append(
            money.Words(
                "the debt is more than the capex: ",
                money.Amount(debt - total_capex, ccy),
                " drawn beyond it goes to equity when drawn",
            )
        )
    draws = _split(debt, capex, total_capex, ccy)
    loan = run.repay(draws, sweep=f.sweep or money.ZERO)
    fees = [
        Flow(d, -money.round_money(a * (f.fee or money.ZERO), ccy), "debt fee", "debt")
        for d, a in draws
        if f.fee
    ]

    last = loan[-1] if loan else None
    lease_end = dates.next_day(deal.term_end)
    outstanding = last.closing if last is not None else money.ZERO
    collateral = end_value.value if f.secured_on == "all" else end_value.it_value
    repaid = min(outstanding, max(collateral, money.ZERO))
    lender_loss = outstanding - repaid
    if outstanding:
        notes.append(
            money.Words(
                "the loan runs past the lease: "
                if run.maturity_index >= len(grid)
                else "the loan matures as the lease ends: ",
                money.Amount(outstanding, ccy),
                " is still owed then, repaid from the collateral's value",
            )
        )
    debt_flows = [
        *(Flow(d, a, "debt drawn", "debt") for d, a in draws),
        *fees,
        *(
            Flow(p.paid, -(p.service + p.swept), "debt service", "debt")
            for p in loan
            if p.service + p.swept
        ),
    ]
    if repaid:
        debt_flows.append(Flow(lease_end, -repaid, DEBT_AT_END, "debt"))
    equity_flows = sorted([*unlevered, *debt_flows], key=lambda x: x.date)

    cash = [x for x in equity_flows if x.kind != "residual" and x.label != DEBT_AT_END]
    first_capex = min((x.date for x in capex), default=deal.start)
    payback = cash_payback(cash, since=first_capex, first=min(first_capex, deal.start))
    equity_npv = None
    if rate is not None:
        disc = Discounter(rate, as_of)
        equity_npv = money.round_money(
            disc.present_value(((x.date, x.amount) for x in equity_flows), earlier=True), ccy
        )
    served = [p for p in loan if p.dscr is not None]
    low = min(served, key=lambda p: p.dscr or money.ZERO, default=None)
    covenant = f.min_dscr
    breaches = tuple(
        (p.paid, p.dscr)
        for p in served
        if covenant is not None and p.dscr is not None and p.dscr < covenant
    )
    covenant_share = covenant_monthly = None
    if covenant is not None:
        covenant_share = _covenant_fee(run, draws, covenant, schedule, notes)
        months = dates.month_span(deal.start, deal.term_end).months
        if covenant_share is not None and months:
            covenant_monthly = money.round_money(covenant_share * schedule.total / months, ccy)
            covenant_share = money.round_to(covenant_share, 4)
    else:
        notes.append("no covenant to test: give min_dscr")
    interest = sum((p.interest for p in loan), money.ZERO)
    capitalised = -sum((p.principal for p in loan if p.principal < 0), money.ZERO)
    return Loan(
        terms=f,
        rate=annual,
        capex=total_capex,
        debt=debt,
        draws=tuple(draws),
        fees=-sum((x.amount for x in fees), money.ZERO),
        periods=tuple(loan),
        maturity=run.maturity,
        interest=interest,
        capitalised=capitalised,
        swept=sum((p.swept for p in loan), money.ZERO),
        min_dscr=low.dscr if low is not None else None,
        min_dscr_date=low.paid if low is not None else None,
        breaches=breaches,
        outstanding_at_end=outstanding,
        last_day=deal.term_end,
        lease_end=lease_end,
        collateral=collateral,
        lender_loss=lender_loss,
        collateral_cover=money.round_to(collateral / outstanding, 4) if outstanding else None,
        equity_flows=tuple(equity_flows),
        equity=sum((c.amount for c in items), money.ZERO)
        - debt
        + sum((-x.amount for x in fees), money.ZERO),
        discount_rate=rate,
        equity_npv=equity_npv,
        equity_payback_date=payback.on,
        equity_payback_months=payback.months,
        covenant_share=covenant_share,
        covenant_monthly=covenant_monthly,
        notes=tuple(notes),
    )


def service_months(deal: Deal, f: Financing) -> int:
    """Months between debt service dates: ``every``, or as the deal's first base stream bills."""
    every: str = f.every or next(
        (s.every for s in deal.payments if not s.option and s.every != "once"), "month"
    )
    return STEP_MONTHS.get(every, 1)


def _given(f: Financing, total_capex: Decimal) -> Decimal:
    assert f.debt is not None  # models._financing: only a sculpted loan may leave it out
    if isinstance(f.debt, money.Percent):
        return f.debt.fraction * total_capex
    return f.debt


def _weights(capex: Sequence[Flow], total: Decimal) -> list[tuple[date, Decimal]]:
    """Each capex day's share of all capex, exact, in date order."""
    if not total:
        return []
    by_day: dict[date, Decimal] = {}
    for x in capex:
        by_day[x.date] = by_day.get(x.date, money.ZERO) - x.amount
    return [(day, by_day[day] / total) for day in sorted(by_day)]


def _split(
    debt: Decimal, capex: Sequence[Flow], total: Decimal, ccy: money.Currency
) -> list[tuple[date, Decimal]]:
    """The debt drawn with each capex day, in proportion, to the cent; the last takes the rest."""
    weights = _weights(capex, total)
    if not weights or not debt:
        return []
    left = money.round_money(debt, ccy)
    out: list[tuple[date, Decimal]] = []
    for day, weight in weights[:-1]:
        part = money.round_money(debt * weight, ccy)
        out.append((day, part))
        left -= part
    out.append((weights[-1][0], left))
    return [(d, a) for d, a in out if a]


def _cfads(schedule: Schedule, unlevered: Sequence[Flow], grid: Sequence[Period]) -> list[Decimal]:
    """Cash available for debt service in each period: its receipts less its running costs."""
    out = [money.ZERO] * len(grid)
    starts = [p.start for p in grid]

    def index(day: date) -> int | None:
        # The period a day falls in; None before the first or after the last.
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= day:
                lo = mid + 1
            else:
                hi = mid
        k = lo - 1
        return k if k >= 0 and day <= grid[k].end else None

    ccy = schedule.ccy
    # A prepayment counts in the periods it is credited against (the cash is held for
    # them); the part no service uses, on its date.
    prepaid = sum((r.amount for r in schedule.rows if r.kind == "prepayment"), money.ZERO)
    credited = sum((r.credit for r in schedule.rows), money.ZERO)
    unused = (prepaid - credited) / prepaid if prepaid else money.ZERO
    for r in schedule.rows:
        if r.kind == "prepayment":
            amount = money.round_money(r.amount * unused, ccy)
        else:
            amount = r.amount + r.credit
        if not amount:
            continue
        first, last = r.period_start, r.period_end
        k = index(first if first is not None else r.date)
        if k is None:
            continue
        if first is None or last is None or last <= grid[k].end:
            out[k] += amount
            continue
        # A payment for several service periods (a quarter's fee, debt serviced monthly)
        # counts in each by its days: the cash is held for them.
        days = dates.days_inclusive(first, last)
        left = amount
        while k < len(grid) and grid[k].start <= last:
            if last <= grid[k].end or k == len(grid) - 1:
                out[k] += left
                break
            covered = dates.days_inclusive(max(first, grid[k].start), grid[k].end)
            part = money.round_money(amount * covered / days, ccy)
            out[k] += part
            left -= part
            k += 1
    for x in unlevered:
        if x.kind == "opex":
            k = index(x.date)
            if k is not None:
                out[k] += x.amount
    return out


class _Run:
    """The loan's arithmetic on one grid: sizing a sculpted loan, then repaying it."""

    def __init__(
        self,
        deal: Deal,
        f: Financing,
        annual: Decimal,
        step: int,
        grid: list[Period],
        cfads: list[Decimal],
    ) -> None:
        self.deal = deal
        self.f = f
        self.step = step
        #: The rate a period (30/360): a month's is the annual rate / 12.
        self.i = annual * step / MONTHS
        self.monthly = annual / MONTHS
        self.grid = grid
        self.cfads = cfads
        self.ccy = deal.ccy
        self.maturity_index = 0
        self.maturity = deal.start
        #: A sculpted loan's debt service a period, once sized.
        self.service: list[Decimal] = []

    def _place(self, draws: Sequence[tuple[date, Decimal]], *, exact: bool = False) -> list[_Draw]:
        """Each draw's period, its first repaying period, its stub interest and balance to repay.

        ``exact`` keeps amounts unrounded (a sculpted loan's sizing weighs shares of one).
        """
        out = []

        def cents(value: Decimal) -> Decimal:
            return value if exact else money.round_money(value, self.ccy)

        i = self.i
        grid = self.grid
        for day, amount in draws:
            if day < self.deal.start:
                # Capitalised month by month until the start, whatever the service period.
                span = dates.month_span(day, self.deal.start - dates.ONE_DAY)
                m = self.monthly
                grown = amount * (1 + m) ** span.whole
                if span.stub_days:
                    grown *= 1 + m * Decimal(span.stub_days) / Decimal(span.stub_month_days)
                grown = cents(grown)
                out.append(_Draw(day, amount, -1, 0, grown - amount, grown))
                continue
            k = next(n for n, p in enumerate(grid) if p.start <= day <= p.end)  # capex <= end
            p = grid[k]
            if day == p.start:
                out.append(_Draw(day, amount, k, k, money.ZERO, amount))
            else:
                days = Decimal(dates.days_inclusive(day, p.end)) / Decimal(p.full_days)
                stub = cents(amount * i * days)
                out.append(_Draw(day, amount, k, k + 1, stub, amount))
        return out

    def maturity_after(self, first: date) -> date:
        """When a loan whose first draw is on ``first`` matures."""
        self._mature(self._place([(max(first, self.deal.start), money.ZERO)], exact=True))
        return self.maturity

    def _mature(self, placed: Sequence[_Draw]) -> None:
        first = min((d.first for d in placed), default=0)
        count = -(-self.f.tenor_months // self.step)  # periods, a part period counted whole
        self.maturity_index = first + count - 1
        self.maturity = dates.add_months(self.deal.start, (self.maturity_index + 1) * self.step)

    def sculpted_debt(self, capex: Sequence[Flow], total_capex: Decimal) -> Decimal:
        """The debt a sculpted loan carries: what CFADS / target repays, capped by ``debt``."""
        f = self.f
        assert f.target_dscr is not None  # models._financing
        placed = self._place(_weights(capex, total_capex), exact=True)
        self._mature(placed)
        last = min(self.maturity_index, len(self.grid) - 1)
        target = [
            max(c, money.ZERO) / f.target_dscr if k <= last else money.ZERO
            for k, c in enumerate(self.cfads)
        ]
        v = 1 / (1 + self.i)
        repays = sum((s * v ** (k + 1) for k, s in enumerate(target)), money.ZERO)
        # A unit of debt's value at the start, by when it is drawn and begins to accrue.
        per_unit = sum(
            (
                d.principal * v ** max(d.period, 0)
                if d.period < 0 or d.first == d.period
                else (d.amount + d.stub) * v ** (d.period + 1)
                for d in placed
            ),
            money.ZERO,
        )
        sized = repays / per_unit if per_unit else money.ZERO
        debt = sized if f.debt is None else min(sized, _given(f, total_capex))
        scale = debt / sized if sized else money.ZERO
        self.service = [money.round_money(s * scale, self.ccy) for s in target]
        return money.round_money(debt, self.ccy)

    def repay(self, draws: Sequence[tuple[date, Decimal]], *, sweep: Decimal) -> list[DebtPeriod]:
        """The loan period by period, to maturity or the lease's end, whichever is first."""
        f, i, ccy, grid = self.f, self.i, self.ccy, self.grid
        placed = self._place(draws)
        self._mature(placed)
        if not placed:
            return []
        rows: list[DebtPeriod] = []
        early = [d for d in placed if d.period < 0]
        balance = money.ZERO
        if early:
            drawn = sum((d.amount for d in early), money.ZERO)
            grown = sum((d.principal for d in early), money.ZERO)
            balance = grown
            rows.append(
                DebtPeriod(
                    start=min(d.date for d in early),
                    end=self.deal.start - dates.ONE_DAY,
                    paid=self.deal.start,
                    opening=money.ZERO,
                    drawn=drawn,
                    interest=grown - drawn,
                    principal=drawn - grown,
                    swept=money.ZERO,
                    closing=grown,
                    cfads=money.ZERO,
                    tested=money.ZERO,
                    dscr=None,
                )
            )
        # What each draw repays a period from its first: a level payment or an equal share.
        level: dict[int, Decimal] = {}
        straight: dict[int, Decimal] = {}
        for d in placed:
            n = max(self.maturity_index - d.first + 1, 1)
            if f.amortisation == "level":
                pay = d.principal / n if not i else d.principal * i / (1 - (1 + i) ** -n)
                level[d.first] = level.get(d.first, money.ZERO) + money.round_money(pay, ccy)
            elif f.amortisation == "straight-line":
                share = money.round_money(d.principal / n, ccy)
                straight[d.first] = straight.get(d.first, money.ZERO) + share
        payment = share = money.ZERO
        last = min(self.maturity_index, len(grid) - 1)
        sculpt_end = last
        if f.amortisation == "sculpted":
            sculpt_end = max((k for k in range(last + 1) if self.service[k]), default=last)
        for k in range(last + 1):
            p = grid[k]
            new = [d for d in placed if d.period == k]
            drawn = sum((d.amount for d in new), money.ZERO)
            if not balance and not drawn:
                if any(d.period > k for d in placed):
                    continue  # nothing drawn yet
                break
            payment += level.get(k, money.ZERO)
            share += straight.get(k, money.ZERO)
            fraction = p.fraction or money.ONE
            # A draw on the period's first day is out for all of it; a later one for its days.
            whole = sum((d.amount for d in new if d.first == k), money.ZERO)
            accrued = money.round_money((balance + whole) * i * fraction, ccy)
            interest = accrued + sum((d.stub for d in new), money.ZERO)
            owed = balance + drawn
            # A part period (the lease ending inside it) owes its part of the payment.
            part = p.fraction is not None
            if f.amortisation == "level":
                due = money.round_money(payment * fraction, ccy) if part else payment
                scheduled = due - accrued
            elif f.amortisation == "straight-line":
                scheduled = money.round_money(share * fraction, ccy) if part else share
            elif f.amortisation == "sculpted":
                scheduled = self.service[k] - interest
            else:
                scheduled = money.ZERO
            final = k == self.maturity_index or (f.amortisation == "sculpted" and k == sculpt_end)
            regular = min(scheduled, owed)
            # Maturing in the lease's last period, a balance beyond the regular service (a
            # bullet's, a part period's rest) is settled when the lease ends, from the
            # collateral, like any debt still owed then.
            settled_at_end = final and k == len(grid) - 1 and (part or f.amortisation == "bullet")
            principal = owed if final and not settled_at_end else regular
            cash = self.cfads[k]
            service = interest + principal
            # What falls due at maturity beyond the regular service (a bullet's balance, the
            # rest of a part period's) is refinanced or met from the collateral, as lenders
            # count it: coverage is tested on the regular service.
            tested = interest + regular
            swept = money.ZERO
            if sweep and not final:
                spare = cash - service
                swept = min(
                    owed - principal, money.round_money(max(spare, money.ZERO) * sweep, ccy)
                )
            closing = owed - principal - swept
            rows.append(
                DebtPeriod(
                    start=p.start,
                    end=p.end,
                    paid=dates.next_day(p.end),
                    opening=balance,
                    drawn=drawn,
                    interest=interest,
                    principal=principal,
                    swept=swept,
                    closing=closing,
                    cfads=cash,
                    tested=tested,
                    dscr=money.round_to(cash / tested, 4) if tested > 0 else None,
                )
            )
            balance = closing
        return rows


def _covenant_fee(
    run: _Run,
    draws: Sequence[tuple[date, Decimal]],
    covenant: Decimal,
    schedule: Schedule,
    notes: list[str],
) -> Decimal | None:
    """The share of the contract's payments at which the lowest DSCR is the covenant.

    Every receipt is scaled alike (a prepayment, a ramp and the credits keep
    their shape) and the running costs stay: the least scale that covers
    each period's tested service at the covenant. A sculpted loan's service
    follows the cash, so its coverage is the same at any fee: the covenant
    then binds the debt, not the fee. With a sweep, on the loan without it (a
    sweep only lowers later service).
    """
    f = run.f
    if f.amortisation == "sculpted":
        notes.append(
            "a sculpted loan's service follows the cash, so its coverage is the same at any "
            "fee: target_dscr sizes the debt and the covenant tests it, whatever the fee"
        )
        return None
    plain = run.repay(draws, sweep=money.ZERO)
    receipts = _cfads(schedule, (), run.grid)
    index = {g.start: g.index for g in run.grid}
    need: Decimal | None = None
    for p in plain:
        if p.dscr is None or p.start < schedule.deal.start:
            continue
        k = index[p.start]
        costs = receipts[k] - run.cfads[k]
        if receipts[k] <= 0:
            notes.append(
                f"no fee meets the covenant: debt service falls due on {p.paid} with no fee "
                "for its period"
            )
            return None
        scale = (covenant * p.tested + costs) / receipts[k]
        need = scale if need is None else max(need, scale)
    if need is None:
        notes.append("no debt service during the lease: no fee is needed for the covenant")
        return None
    return need
