"""The payment schedule: every payment a deal makes, exact to the minor unit.

This is the one schedule computation in the code base; ``lease check``,
every report and every valuation start from :func:`build_schedule`.

Conventions, each stated in every report:

- Periods roll from the stream's ``from`` day by calendar month (quarter = 3,
  year = 12) under the end-of-month rule of :mod:`computelease.dates`.
- A last period cut short by ``until`` or the term's end is prorated by
  actual days: days covered / days in the full period.
- ``advance`` pays on a period's first day; ``arrears`` on the first day after
  the period (after the cut end, for a prorated period). ``once`` pays on ``from``.
- Escalation compounds at each anniversary of the stream's ``from``;
  unrounded amounts compound and each payment is rounded once, half-up, to
  the currency's minor unit.
- A cap is applied in date order: the payment that would cross it is cut to
  meet it exactly and later payments are zero.
- A prepayment is its own row on its date and is credited against the
  payments due on or after that date (pro-rata in equal shares with the odd
  minor units on the last; front; or back), never below zero, so the total
  over the term is unchanged.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from computelease import dates, money
from computelease.core import capacity
from computelease.errors import Codes, FieldError
from computelease.models import STEP_MONTHS, Deal, PaymentStream

RowKind = Literal["payment", "prepayment"]


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a grid: its days, its share of a full period and its payment date."""

    index: int
    start: date
    end: date
    #: Days covered / days in the full period, or None for a full period.
    fraction: Decimal | None
    full_days: int
    pay_date: date

    @property
    def days(self) -> int:
        return dates.days_inclusive(self.start, self.end)


def periods(
    anchor: date, last: date, step_months: int, timing: Literal["advance", "arrears"]
) -> Iterator[Period]:
    """The period grid from ``anchor`` to ``last`` inclusive, each period ``step_months`` long.

    Period k starts at ``anchor`` plus k*step months, computed from the anchor,
    so day-of-month clamping never accumulates.
    """
    roll = dates.month_roller(anchor)
    k = 0
    start = anchor
    while start <= last:
        next_start = roll((k + 1) * step_months)
        full_end = next_start - dates.ONE_DAY
        end = min(full_end, last)
        full_days = dates.days_inclusive(start, full_end)
        fraction = None
        if end < full_end:
            fraction = Decimal(dates.days_inclusive(start, end)) / Decimal(full_days)
        pay = start if timing == "advance" else dates.next_day(end)
        yield Period(k, start, end, fraction, full_days, pay)
        k += 1
        start = next_start


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One line of a schedule.

    ``scheduled`` is the payment as the stream computes it, rounded once;
    ``cap_cut`` is what the cap removed and ``credit`` what a prepayment
    covers, so ``amount = scheduled - cap_cut - credit``. A prepayment row
    has no period and pays its full amount.
    """

    stream: str
    kind: RowKind
    source: int
    option: bool
    period_start: date | None
    period_end: date | None
    date: date
    fraction: Decimal | None
    scheduled: Decimal
    amount: Decimal
    cap_cut: Decimal = money.ZERO
    credit: Decimal = money.ZERO
    #: The product of the adjustments that applied (a delivered share, SLA credits), if any.
    adjustment: Decimal | None = None
    #: Set when the rows are numbered, in date order.
    n: int = 0
    cumulative: Decimal = money.ZERO


@dataclass(frozen=True)
class Schedule:
    """Every payment of a deal in date order, and what the cap did to them."""

    deal: Deal
    with_options: bool
    rows: tuple[ScheduleRow, ...]
    #: Sum of the scheduled payments before the cap (prepayments excluded: they move money).
    scheduled_total: Decimal
    #: Sum of the rows: what is paid over the term.
    total: Decimal
    #: The first payment date at which the cap cut anything, and how much it cut in all.
    cap_date: date | None
    cap_cut: Decimal

    @property
    def ccy(self) -> money.Currency:
        return self.deal.ccy

    @property
    def payments(self) -> int:
        """Rows that move money: a payment the cap reduced to zero is not a payment."""
        return sum(1 for r in self.rows if r.amount != 0)


class _Draft:
    """A schedule row while the cap and prepayments still change it; frozen once numbered."""

    __slots__ = (
        "adjustment",
        "amount",
        "cap_cut",
        "credit",
        "date",
        "fraction",
        "kind",
        "option",
        "period_end",
        "period_start",
        "scheduled",
        "source",
        "stream",
    )

    def __init__(
        self,
        stream: str,
        kind: RowKind,
        source: int,
        option: bool,
        period_start: date | None,
        period_end: date | None,
        day: date,
        fraction: Decimal | None,
        amount: Decimal,
        adjustment: Decimal | None = None,
    ) -> None:
        self.stream = stream
        self.kind: RowKind = kind
        self.source = source
        self.option = option
        self.period_start = period_start
        self.period_end = period_end
        self.date = day
        self.fraction = fraction
        self.scheduled = amount
        self.amount = amount
        self.cap_cut = money.ZERO
        self.credit = money.ZERO
        self.adjustment = adjustment

    def frozen(self, n: int, cumulative: Decimal) -> ScheduleRow:
        return ScheduleRow(
            self.stream,
            self.kind,
            self.source,
            self.option,
            self.period_start,
            self.period_end,
            self.date,
            self.fraction,
            self.scheduled,
            self.amount,
            self.cap_cut,
            self.credit,
            self.adjustment,
            n,
            cumulative,
        )


@money.exact
def build_schedule(deal: Deal, *, with_options: bool = False) -> Schedule:
    """The schedule of ``deal``: base streams only, or with the lessee's options too.

    Raises FieldError (with the path of the field to blame) when a payment
    would exceed the largest supported amount or a prepayment cannot be
    credited in full.
    """
    rows, scheduled_total, cap_date = _capped_rows(deal, with_options)
    if deal.prepayments:
        rows = _prepay(deal, rows)

    numbered: list[ScheduleRow] = []
    cumulative = money.ZERO
    cap_cut = money.ZERO
    for n, row in enumerate(rows, start=1):
        cumulative += row.amount
        cap_cut += row.cap_cut
        numbered.append(row.frozen(n, cumulative))
    return Schedule(
        deal=deal,
        with_options=with_options,
        rows=tuple(numbered),
        scheduled_total=scheduled_total,
        total=cumulative,
        cap_date=cap_date,
        cap_cut=cap_cut,
    )


def _capped_rows(deal: Deal, with_options: bool) -> tuple[list[_Draft], Decimal, date | None]:
    """Every stream's rows merged by date, the total before the cap, and where the cap binds."""
    rows: list[_Draft] = []
    factors = {kind: _Adjustments(deal, per_gpu_hour=kind) for kind in (False, True)}
    for index, stream in enumerate(deal.payments):
        if stream.option and not with_options:
            continue
        lookup = factors[stream.per_gpu_hour is not None]
        rows.extend(_stream_rows(deal, index, stream, lookup))
    # Merge streams by date; sorted() is stable, so within a date the file's order holds.
    rows.sort(key=lambda r: r.date)
    scheduled_total = sum((r.scheduled for r in rows), money.ZERO)
    cap_date: date | None = None
    if deal.cap is not None and scheduled_total > deal.cap:
        cap_date = _apply_cap(rows, deal.cap)
    return rows, scheduled_total, cap_date


@money.exact
def prepayment_amounts(deal: Deal) -> list[Decimal]:
    """Each prepayment's amount; a percent is of the base scheduled total before the cap."""
    base_total = money.ZERO
    # Only a percent needs the base total, and so a pass over the schedule.
    if any(isinstance(p.amount, money.Percent) for p in deal.prepayments):
        rows, _, _ = _capped_rows(deal, with_options=False)
        base_total = sum((r.scheduled for r in rows), money.ZERO)
    return [_prepayment_amount(deal, i, base_total) for i in range(len(deal.prepayments))]


def _prepayment_amount(deal: Deal, index: int, base_total: Decimal) -> Decimal:
    pre = deal.prepayments[index]
    if isinstance(pre.amount, money.Percent):
        return money.round_money(base_total * pre.amount.fraction, deal.ccy)
    return money.round_money(pre.amount, deal.ccy)


def _stream_rows(
    deal: Deal, index: int, stream: PaymentStream, factors: _Adjustments
) -> Iterator[_Draft]:
    ccy = deal.ccy
    name = deal.stream_name(index)
    anchor = stream.from_ or deal.start
    last = stream.until or factors.term_end
    if stream.every == "once":
        assert stream.amount is not None  # the model refuses per_gpu_hour on a single payment
        # Adjustments scale periodic fees (a delivered share, SLA credits); a single
        # payment (a setup or termination fee) has no period and is left as written.
        amount = money.round_money(stream.amount, ccy)
        yield _Draft(name, "payment", index, stream.option, None, None, anchor, None, amount)
        return
    step = STEP_MONTHS[stream.every]
    growth = money.ONE + (stream.escalation or money.ZERO)
    field = "per_gpu_hour" if stream.per_gpu_hour is not None else "amount"
    # The capacity in service, once for the stream rather than once a period.
    served = capacity.tranches(deal, last_day=max(last, deal.term_end))
    for period in periods(anchor, last, step, stream.timing):
        # Anniversaries of the anchor fall on period starts, so years passed = months // 12.
        years = period.index * step // 12
        unrounded = _period_amount(deal, stream, period, served)
        if years:
            unrounded *= growth**years
        factor = factors.at(period.start)
        if factor is not None:
            unrounded *= factor
        # Checked before rounding: an amount past 10^15 need not fit the arithmetic's precision.
        if unrounded > money.MAX_AMOUNT:
            blame = "escalation" if years and stream.escalation else field
            raise FieldError(
                Codes.PAYMENT_TOO_LARGE,
                f"the payment for the period from {period.start} would exceed 10^15, "
                "the largest supported amount",
                ("payments", index, blame),
            )
        yield _Draft(
            name,
            "payment",
            index,
            stream.option,
            period.start,
            period.end,
            period.pay_date,
            period.fraction,
            money.round_money(unrounded, ccy),
            factor,
        )


class _Adjustments:
    """The product of the adjustment factors covering each day, as a step function.

    Worked out once per schedule (at most 2 x 50 breakpoints), so every row
    looks its factor up by bisection instead of walking every adjustment:
    rows and adjustments cost their sum, not their product.
    """

    def __init__(self, deal: Deal, *, per_gpu_hour: bool = False) -> None:
        self.term_end = deal.term_end
        spans = [
            (a.from_ or deal.start, a.until or self.term_end, a.factor)
            for a in deal.adjustments
            if a.per_gpu_hour or not per_gpu_hour
        ]
        self.bounds = sorted(
            {first for first, _, _ in spans}
            | {last + dates.ONE_DAY for _, last, _ in spans if last < date.max}
        )
        self.values: list[Decimal | None] = []
        for day in self.bounds:
            product: Decimal | None = None
            for first, last, factor in spans:  # in the file's order, as before
                if first <= day <= last:
                    product = factor if product is None else product * factor
            self.values.append(product)

    def at(self, day: date) -> Decimal | None:
        """The product of the factors of every adjustment covering ``day``, or None."""
        i = bisect.bisect_right(self.bounds, day) - 1
        return self.values[i] if i >= 0 else None


def _period_amount(
    deal: Deal, stream: PaymentStream, period: Period, served: Sequence[capacity.InService]
) -> Decimal:
    """The period's amount before escalation, prorated if the period is cut short.

    A per-GPU-hour stream bills the GPU-hours in service in the period (of
    its tranche, if it names one): actual days x 24, or on the 730-hour basis
    730 an hour per calendar month covered, a part month by its days (as unit
    economics count them). A tranche not yet delivered is not billed.
    """
    if stream.amount is not None:
        if period.fraction is None:
            return stream.amount
        return stream.amount * period.fraction
    assert stream.per_gpu_hour is not None  # the model requires one of the two
    billed = capacity.gpu_hours(deal, period.start, period.end, stream.tranche, served=served)
    assert billed is not None  # the model requires GPUs for a per-GPU-hour stream
    return stream.per_gpu_hour * billed


def _apply_cap(rows: list[_Draft], cap: Decimal) -> date | None:
    """Cut the payments in date order so that they meet ``cap`` exactly; when it binds."""
    paid = money.ZERO
    binds: date | None = None
    for row in rows:
        allowed = min(row.amount, max(cap - paid, money.ZERO))
        if allowed < row.amount:
            binds = binds or row.date
            row.cap_cut, row.amount = row.amount - allowed, allowed
        paid += allowed
    return binds


def _prepay(deal: Deal, rows: list[_Draft]) -> list[_Draft]:
    """Add each prepayment as a row and credit it against the payments due on or after it.

    Prepayments are credited in date order, each against what the earlier
    ones left, in whole minor units; the rows are rebuilt once at the end.
    A credit larger than the payments it can be credited against is an error.
    """
    ccy = deal.ccy
    # The base total the percent prepayments refer to: scheduled, before the cap, no options.
    base_total = sum((r.scheduled for r in rows if not r.option), money.ZERO)
    payments = [i for i, r in enumerate(rows) if r.kind == "payment"]
    due_dates = [rows[i].date for i in payments]
    left = [_units(rows[i].amount, ccy) for i in payments]
    credited = [0] * len(payments)
    extra: list[_Draft] = []
    order = sorted(range(len(deal.prepayments)), key=lambda i: deal.prepayments[i].on or deal.start)
    for index in order:
        pre = deal.prepayments[index]
        on = pre.on or deal.start
        amount = _prepayment_amount(deal, index, base_total)
        first = bisect.bisect_left(due_dates, on)
        room = left[first:]
        to_credit = amount if pre.credited is None else pre.credited
        if to_credit > amount:
            raise FieldError(
                Codes.PREPAYMENT_EXCEEDS,
                f"credited {money.format_money(to_credit, ccy)} is more than the prepayment "
                f"of {money.format_money(amount, ccy)}",
                ("prepayments", index, "credited"),
            )
        wanted = _units(to_credit, ccy)
        if wanted > sum(room):
            due = Decimal(sum(room)).scaleb(-ccy.minor_units)
            raise FieldError(
                Codes.PREPAYMENT_EXCEEDS,
                f"a prepayment of {money.format_money(to_credit, ccy)} exceeds the "
                f"{money.format_money(due, ccy)} left due on or after {on}, against which it "
                "is credited",
                ("prepayments", index, "amount"),
            )
        for k, units in enumerate(allocate(wanted, room, pre.credit), start=first):
            left[k] -= units
            credited[k] += units
        extra.append(
            _Draft(f"prepayment[{index}]", "prepayment", index, False, None, None, on, None, amount)
        )
    for k, i in enumerate(payments):
        if credited[k]:
            credit = Decimal(credited[k]).scaleb(-ccy.minor_units)
            rows[i].credit, rows[i].amount = credit, rows[i].amount - credit
    # A prepayment is paid before the payments due on the same day; sorted() is stable.
    return sorted([*extra, *rows], key=lambda r: (r.date, r.kind != "prepayment"))


def _units(amount: Decimal, ccy: money.Currency) -> int:
    return int(amount.scaleb(ccy.minor_units))


def allocate(total: int, room: list[int], mode: str) -> list[int]:
    """Split ``total`` minor units over payments with ``room`` each, never above the room.

    ``front`` fills the earliest payments first, ``back`` the latest;
    ``pro-rata`` gives equal shares, capped at each payment's room (what a
    small payment cannot take is shared by the others), with the odd units
    on the last payments that can take them.
    """
    credits = [0] * len(room)
    if mode in ("front", "back"):
        order = range(len(room)) if mode == "front" else range(len(room) - 1, -1, -1)
        left = total
        for i in order:
            credits[i] = min(room[i], left)
            left -= credits[i]
        return credits
    # Water-filling: take the payments from the smallest room up; a payment whose
    # room is below the current equal share takes all of its room, the rest take the share.
    left, remaining = total, len(room)
    by_room = sorted(range(len(room)), key=room.__getitem__)
    for position, i in enumerate(by_room):
        share = left // remaining
        if room[i] <= share:
            credits[i] = room[i]
            left -= room[i]
            remaining -= 1
            continue
        for j in by_room[position:]:
            credits[j] = share
        left -= share * remaining
        break
    for i in range(len(room) - 1, -1, -1):
        if not left:
            break
        extra = min(room[i] - credits[i], left)
        credits[i] += extra
        left -= extra
    return credits
