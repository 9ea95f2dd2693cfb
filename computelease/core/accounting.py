"""The tenant's books: a compute lease measured under ASC 842 or IFRS 16, exact to the cent.

The lease liability at commencement is the present value of the lease
payments at the periodic rate (the annual rate / 12: a month's rate, as the
standards' worked examples and lease software compound it). Payments fall on
monthly anniversaries of commencement (a payment between two counts at the
next, the way an amortisation table places it); one due on commencement is
paid before any interest, one due at the end of a month after the month's
interest. The liability is amortised month by month (opening, payment,
interest, closing), interest rounded to the cent each month and the last
month's taking the rounding, so it closes at exactly zero.

The right-of-use asset is the liability plus initial direct costs plus
payments made before commencement, less incentives received. A finance
lease (ASC 842) and every IFRS 16 lease amortise it straight-line over the
lease term, the expense being interest plus amortisation; an ASC 842
operating lease has one straight-line lease cost, the asset's amortisation
being that cost less the liability's interest (the plug), so both end at zero.

Lease payments are the base streams (options left out) as the lease term
judgement has them: the whole term, or (a termination option not reasonably
certain not to be exercised) to the earliest exit with its fee. Streams
marked ``variable`` (usage-based) are not lease payments and are listed as
left out. Nothing here is advice: the judgements are the deal file's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from computelease import dates, money
from computelease.core.scenario import apply
from computelease.core.schedule import Schedule, build_schedule
from computelease.errors import Codes, RequestError
from computelease.models import Accounting, Deal, Scenario

Standard = Literal["asc842", "ifrs16"]
Classification = Literal["operating", "finance"]
#: A lease of twelve months or less may be kept off the balance sheet (both standards).
SHORT_TERM_MONTHS: Final = 12


@dataclass(frozen=True)
class LeasePayment:
    """One lease payment: its date, the month it counts at, and where it is from."""

    date: date
    #: Months from commencement, on an anniversary: 0 is commencement; negative, before it.
    month: int
    amount: Decimal
    stream: str


@dataclass(frozen=True)
class Period:
    """One month of the lease: the liability, the asset and the expense."""

    month: int
    start: date
    opening: Decimal
    payment: Decimal
    interest: Decimal
    closing: Decimal
    rou_opening: Decimal
    #: The asset's amortisation this month (an operating lease's: cost less interest).
    amortisation: Decimal
    rou_closing: Decimal
    #: What the month costs in profit or loss: interest plus amortisation, or the
    #: operating lease's straight-line cost.
    expense: Decimal


@dataclass(frozen=True)
class Entry:
    """One line of a journal entry: an account and its debit or credit."""

    account: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Journal:
    """The entries of one date: commencement, or a month of the lease."""

    date: date
    memo: str
    lines: tuple[Entry, ...]


@dataclass(frozen=True)
class MaturityYear:
    """Undiscounted payments due in one year after the reporting date."""

    label: str
    start: date
    end: date
    amount: Decimal


@dataclass(frozen=True)
class LeaseBooks:
    """A deal in the tenant's books under one standard."""

    deal: Deal
    source: str
    standard: Standard
    #: ASC 842's classification; None under IFRS 16 (one lessee model).
    classification: Classification | None
    annual_rate: Decimal
    periodic_rate: Decimal
    commencement: date
    term_end: date
    term_months: int
    judgement: str
    variable: tuple[str, ...]
    #: "advance": a month's payment comes before its interest; "arrears": after it.
    timing: Literal["advance", "arrears"]
    payments: tuple[LeasePayment, ...]
    undiscounted: Decimal
    liability: Decimal
    initial_direct_costs: Decimal
    prepaid: Decimal
    incentives: Decimal
    rou_asset: Decimal
    periods: tuple[Period, ...]
    short_term: bool
    as_of: date
    liability_at: Decimal
    current: Decimal
    non_current: Decimal
    maturity: tuple[MaturityYear, ...]
    thereafter: Decimal
    imputed_interest: Decimal
    journals: tuple[Journal, ...]
    checklist: tuple[tuple[str, str], ...]
    conventions: tuple[str, ...]

    @property
    def total_interest(self) -> Decimal:
        return sum((p.interest for p in self.periods), money.ZERO)

    @property
    def total_expense(self) -> Decimal:
        return sum((p.expense for p in self.periods), money.ZERO)


@money.exact
def lease_books(
    deal: Deal,
    books: Accounting | None = None,
    *,
    standard: Standard | None = None,
    rate: Decimal | None = None,
    as_of: date | None = None,
    source: str = "",
) -> LeaseBooks:
    """The deal measured as its ``accounting`` block (or ``books``) says; ``standard`` and
    ``rate`` override it. RequestError when there is neither a block nor a standard and rate.
    """
    books = books or deal.accounting
    chosen = standard or (books.standard if books is not None else None)
    annual = rate if rate is not None else (books.rate if books is not None else None)
    if chosen is None or annual is None:
        raise RequestError(
            Codes.NOT_APPLICABLE,
            "the deal has no accounting block: give its standard (asc842 or ifrs16) and the "
            "borrowing rate",
        )
    commencement = (books.commencement if books else None) or deal.start
    classification: Classification | None = None
    if chosen == "asc842":
        given = books.classification if books is not None else None
        classification = given or "operating"
    exit_early = books is not None and books.lease_term == "earliest-exit"
    measured = apply(deal, Scenario(terminate="earliest")).deal if exit_early else deal
    schedule = build_schedule(measured)
    variable = tuple(
        dict.fromkeys(
            (s.name or f"payments[{i}]") for i, s in enumerate(deal.payments) if s.variable
        )
    )
    term_end = measured.term_end
    term_months = _months_between(commencement, dates.next_day(term_end))
    payments = tuple(_lease_payments(schedule, deal, commencement, variable))
    ccy = deal.ccy
    periodic = annual / 12
    inside = [p for p in payments if p.month >= 0]
    prepaid = sum((p.amount for p in payments if p.month < 0), money.ZERO)
    liability = money.round_money(
        sum((p.amount / (1 + periodic) ** p.month for p in inside), money.ZERO), ccy
    )
    idc = (books.initial_direct_costs if books else None) or money.ZERO
    incentives = (books.incentives if books else None) or money.ZERO
    rou = liability + idc + prepaid - incentives
    undiscounted = sum((p.amount for p in payments), money.ZERO)
    straight = classification == "operating"
    cost = undiscounted + idc - incentives
    periods = _amortise(
        inside,
        liability,
        periodic,
        rou,
        term_months,
        commencement,
        ccy,
        straight=straight,
        cost=cost,
    )
    valued = as_of or commencement
    at = _months_between(commencement, valued)
    liability_at = _balance(periods, at)
    current = liability_at - _balance(periods, at + 12)
    maturity, thereafter = _maturity(payments, valued)
    owed = sum((y.amount for y in maturity), money.ZERO) + thereafter
    judgement = (
        f"to the earliest exit, {term_end} (the termination option is not reasonably certain "
        "not to be exercised; its fee is a lease payment)"
        if exit_early
        else f"the whole term to {term_end} (a termination option, if any, reasonably certain "
        "not to be exercised)"
    )
    return LeaseBooks(
        deal=deal,
        source=source or str(deal.id),
        standard=chosen,
        classification=classification,
        annual_rate=annual,
        periodic_rate=periodic,
        commencement=commencement,
        term_end=term_end,
        term_months=term_months,
        judgement=judgement,
        variable=variable,
        timing="arrears" if inside and all(p.month > 0 for p in inside) else "advance",
        payments=payments,
        undiscounted=undiscounted,
        liability=liability,
        initial_direct_costs=idc,
        prepaid=prepaid,
        incentives=incentives,
        rou_asset=rou,
        periods=periods,
        short_term=term_months <= SHORT_TERM_MONTHS,
        as_of=valued,
        liability_at=liability_at,
        current=current,
        non_current=liability_at - current,
        maturity=maturity,
        thereafter=thereafter,
        imputed_interest=owed - liability_at,
        journals=tuple(_journals(periods, liability, rou, idc, prepaid, incentives, straight)),
        checklist=_checklist(deal),
        conventions=_conventions(chosen, classification, annual),
    )


def _months_between(first: date, later: date) -> int:
    """Whole monthly anniversaries of ``first`` up to ``later``; one more if ``later`` is past one.

    A date between two anniversaries counts at the next: months rounded up.
    """
    months = (later.year - first.year) * 12 + later.month - first.month
    anchor = dates.add_months(first, months)
    if anchor > later:
        months -= 1
        anchor = dates.add_months(first, months)
    return months + (1 if anchor < later else 0)


def _lease_payments(
    schedule: Schedule, deal: Deal, commencement: date, variable: Sequence[str]
) -> Iterator[LeasePayment]:
    names = {(s.name or f"payments[{i}]") for i, s in enumerate(deal.payments) if s.variable}
    for row in schedule.rows:
        if row.amount == 0 or (row.kind == "payment" and row.stream in names):
            continue
        before = row.date < commencement
        month = -1 if before else _months_between(commencement, row.date)
        yield LeasePayment(row.date, month, row.amount, row.stream)


def _amortise(
    payments: Sequence[LeasePayment],
    liability: Decimal,
    rate: Decimal,
    rou: Decimal,
    months: int,
    commencement: date,
    ccy: money.Currency,
    *,
    straight: bool,
    cost: Decimal,
) -> tuple[Period, ...]:
    """Month by month. In advance: the month's payment, then its interest on what is left.
    In arrears (nothing due on commencement): the month's interest, then the payment due
    at its end. Either way a month's row holds the payment that month pays for.
    """
    due: dict[int, Decimal] = {}
    for p in payments:
        due[p.month] = due.get(p.month, money.ZERO) + p.amount
    arrears = bool(due) and 0 not in due
    shift = 1 if arrears else 0
    last = max([months - 1, *(m - shift for m in due)]) if due else months - 1
    rows: list[list[Decimal]] = []
    balance = liability
    for m in range(last + 1):
        paid = due.get(m + shift, money.ZERO)
        accrues = balance if arrears else balance - paid
        interest = money.round_money(accrues * rate, ccy) if m < months else money.ZERO
        closing = balance - paid + interest
        rows.append([balance, paid, interest, closing])
        balance = closing
    if rows and balance and months:
        # The rounding of every month's interest, taken by the last month that accrues some.
        accruing = [i for i in range(min(months, len(rows))) if rows[i][2]]
        k = accruing[-1] if accruing else min(months, len(rows)) - 1
        rows[k][2] -= balance
        for i in range(k, len(rows)):
            if i > k:
                rows[i][0] = rows[i - 1][3]
            rows[i][3] = rows[i][0] - rows[i][1] + rows[i][2]
    monthly_cost = money.round_money(cost / months, ccy) if months else money.ZERO
    monthly_amortisation = money.round_money(rou / months, ccy) if months else money.ZERO
    out: list[Period] = []
    asset = rou
    for m, (opening, paid, interest, closing) in enumerate(rows):
        if m >= months:
            amortisation = expense = money.ZERO
        elif m == months - 1:
            amortisation = asset  # the last month takes the rounding: the asset ends at zero
            expense = amortisation + interest if straight else interest + amortisation
        elif straight:
            expense = monthly_cost
            amortisation = expense - interest
        else:
            amortisation = monthly_amortisation
            expense = interest + amortisation
        out.append(
            Period(
                month=m,
                start=dates.add_months(commencement, m),
                opening=_unsigned(opening),
                payment=_unsigned(paid),
                interest=_unsigned(interest),
                closing=_unsigned(closing),
                rou_opening=_unsigned(asset),
                amortisation=_unsigned(amortisation),
                rou_closing=_unsigned(asset - amortisation),
                expense=_unsigned(expense),
            )
        )
        asset -= amortisation
    return tuple(out)


def _unsigned(value: Decimal) -> Decimal:
    """A zero that rounding left negative, shown without its sign."""
    return value if value else value.copy_abs()


def _balance(periods: Sequence[Period], month: int) -> Decimal:
    """The liability at the start of ``month`` (before that day's payment)."""
    if not periods or month >= len(periods):
        return money.ZERO
    return periods[max(month, 0)].opening


def _maturity(
    payments: Sequence[LeasePayment], valued: date
) -> tuple[tuple[MaturityYear, ...], Decimal]:
    """Undiscounted payments due in each of the five years after ``valued``, and after them."""
    years = []
    for n in range(5):
        start = dates.add_months(valued, 12 * n)
        end = dates.add_months(valued, 12 * (n + 1)) - dates.ONE_DAY
        amount = sum((p.amount for p in payments if start <= p.date <= end), money.ZERO)
        years.append(MaturityYear(f"Year {n + 1}", start, end, amount))
    limit = dates.add_months(valued, 60)
    later = sum((p.amount for p in payments if p.date >= limit), money.ZERO)
    return tuple(years), later


def _journals(
    periods: Sequence[Period],
    liability: Decimal,
    rou: Decimal,
    idc: Decimal,
    prepaid: Decimal,
    incentives: Decimal,
    straight: bool,
) -> Iterator[Journal]:
    """Commencement, then each month: what a controller books."""
    if periods:
        lines = [Entry("Right-of-use asset", rou, money.ZERO)]
        lines.append(Entry("Lease liability", money.ZERO, liability))
        if idc:
            lines.append(Entry("Cash (initial direct costs)", money.ZERO, idc))
        if prepaid:
            lines.append(Entry("Prepaid lease payments", money.ZERO, prepaid))
        if incentives:
            lines.append(Entry("Cash (incentives received)", incentives, money.ZERO))
        yield Journal(periods[0].start, "Commencement", tuple(lines))
    for p in periods:
        lines = []
        if straight:
            if p.expense:
                lines.append(Entry("Lease cost (straight-line)", p.expense, money.ZERO))
            if p.payment or p.interest:
                lines.append(Entry("Lease liability", p.payment - p.interest, money.ZERO))
            if p.amortisation:
                lines.append(Entry("Right-of-use asset", money.ZERO, p.amortisation))
        else:
            if p.interest:
                lines.append(Entry("Interest expense", p.interest, money.ZERO))
            if p.payment or p.interest:
                lines.append(Entry("Lease liability", p.payment - p.interest, money.ZERO))
            if p.amortisation:
                lines.append(Entry("Amortisation expense", p.amortisation, money.ZERO))
                lines.append(Entry("Right-of-use asset", money.ZERO, p.amortisation))
        if p.payment:
            lines.append(Entry("Cash", money.ZERO, p.payment))
        # A debit of the liability below zero (interest above the payment) is a credit.
        fixed = tuple(Entry(e.account, money.ZERO, -e.debit) if e.debit < 0 else e for e in lines)
        if fixed:
            yield Journal(p.start, f"Month {p.month + 1}", fixed)


def _checklist(deal: Deal) -> tuple[tuple[str, str], ...]:
    """Does this contract contain a lease? The questions, with what the deal file says."""
    capacity = deal.capacity
    gpus = deal.gpus
    named = (
        f"it names {gpus:,} {capacity.accelerator if capacity and capacity.accelerator else 'GPUs'}"
        " (capacity)"
        if gpus
        else "it names no GPU count (capacity.gpus)"
    )
    tranches = (
        f"; delivered in {len(capacity.tranches)} tranches"
        if capacity and capacity.tranches
        else ""
    )
    return (
        (
            "Is there an identified asset (a dedicated cluster, specified explicitly or "
            "implicitly)?",
            f"The deal file: {named}{tranches}. Capacity drawn from a shared pool is not.",
        ),
        (
            "Does the supplier have a substantive right to substitute the GPUs?",
            "Not stated in the deal file. A practical ability to swap them and an economic "
            "benefit from doing so mean no identified asset.",
        ),
        (
            "Does the tenant get substantially all the economic benefits of its use?",
            "Not stated: exclusive use of the capacity for the term suggests yes.",
        ),
        (
            "Does the tenant direct how and for what the capacity is used?",
            "Not stated: deciding what runs, and when, suggests yes.",
        ),
    )


def _conventions(
    standard: Standard, classification: Classification | None, annual: Decimal
) -> tuple[str, ...]:
    model = (
        "IFRS 16: one lessee model; the right-of-use asset amortised straight-line, the "
        "expense interest plus amortisation."
        if standard == "ifrs16"
        else f"ASC 842, {classification} lease: "
        + (
            "one straight-line lease cost; the asset's amortisation is that cost less the "
            "liability's interest."
            if classification == "operating"
            else "the asset amortised straight-line; the expense interest plus amortisation."
        )
    )
    return (
        f"Rate: {money.format_percent(annual)} a year, {money.format_percent(annual / 12, 4)} a "
        "month (the annual rate / 12, as the standards' worked examples compound it).",
        "Timing: payments on monthly anniversaries of commencement; one between two counts at "
        "the next. A payment due on a month's first day is paid before the month's interest.",
        "Rounding: interest to the cent each month; the last month takes the rounding, so the "
        "liability and the asset close at exactly zero.",
        model,
        "Lease payments: the base streams (options left out) over the lease term as judged; "
        "variable (usage-based) streams left out; payments before commencement are prepaid "
        "(in the asset, not the liability).",
        "Maturity analysis: undiscounted payments in each of the five years after the "
        "reporting date and after them, less the interest they include, equal the liability.",
        "Not advice: the term, the rate and whether the contract holds a lease are judgements "
        "for the tenant and its auditors.",
    )
