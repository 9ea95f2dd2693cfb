"""The human view of every report, built once: what each line says, in what order.

Each report kind becomes a :class:`Document`: a title and subtitle, sections
(labelled :class:`Figures`, a :class:`Grid` of cells, a :class:`Preformatted`
chart, an :class:`Emphasis` line), notes and conventions. The table and
markdown formats only lay documents out, so both say the same words in the
same order. Nothing here computes a figure: it formats what the core
returned. Text from a deal file passes through
:func:`~computelease.render.safe.safe`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from computelease import dates, money
from computelease.errors import Severity
from computelease.fields import Kind
from computelease.render.safe import safe

if TYPE_CHECKING:
    from computelease.core.accounting import LeaseBooks
    from computelease.core.analysis import Analysis, BreakevenResult, ScheduleResult
    from computelease.core.book import Book, DealComparison
    from computelease.core.breakeven import Breakeven, Lessee, Lessor, Market
    from computelease.core.capacity import InService
    from computelease.core.credit import CreditView
    from computelease.core.diff import DealDiff
    from computelease.core.financing import Loan
    from computelease.core.metrics import Metric, MetricKind
    from computelease.core.reconcile import Reconciliation
    from computelease.core.reported import CheckResult
    from computelease.core.reports import CalcReport, DealReport
    from computelease.core.risk import BookRisk, DealRisk, RiskReport, TornadoBar
    from computelease.core.sensitivity import Axis, SensitivityGrid
    from computelease.core.units import Figure
    from computelease.core.valuation import Irr
    from computelease.core.whatif import MetricRow, ScenarioComparison
    from computelease.models import Deal
    from computelease.render.options import RenderOptions

#: (label, value, basis) lines of a figures section; basis may be empty.
Line = tuple[str, str, str]


@dataclass(frozen=True)
class Figures:
    """Labelled figures, one a line, with where each came from unless ``basis`` is False."""

    title: str
    lines: tuple[Line, ...]
    basis: bool = True


@dataclass(frozen=True)
class Grid:
    """Cells under column names; ``right`` columns are right-aligned.

    Only the ``wrap`` columns may wrap in a table; a ``keep_width`` grid of
    figures is never squeezed below its natural width (the output widens
    instead of cropping an amount).
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()
    wrap: frozenset[int] = frozenset()
    keep_width: bool = False
    #: Whether a grid too wide for the page may be split into blocks of columns (a
    #: long schedule may not: its rows would be read twice).
    split: bool = True


@dataclass(frozen=True)
class Preformatted:
    """Text laid out by character, such as a chart: shown exactly as is."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Emphasis:
    """One line that stands out: the total under a schedule."""

    text: str


Section = Figures | Grid | Preformatted | Emphasis


@dataclass(frozen=True)
class Document:
    """One report for people: a header, its sections, then notes and conventions."""

    title: str | None
    subtitle: tuple[str, ...] = ()
    banner: str | None = None
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = field(default=())
    conventions: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Fmt:
    """Formats one deal's figures as the options ask: compact or exact, with or without marks."""

    ccy: money.Currency
    options: RenderOptions

    def money(self, value: Decimal | None, *, exact: bool | None = None) -> str:
        if value is None:
            return "n/a"
        compact = not (self.options.exact if exact is None else exact)
        return money.format_money(value, self.ccy, compact=compact, symbol=self.options.symbol)

    def price(self, value: Decimal | None) -> str:
        """A unit price (per GPU-hour, per kW-month): always to the cent."""
        return self.money(value, exact=True)

    def count(self, value: Decimal | int | None) -> str:
        return "n/a" if value is None else f"{Decimal(value):,.0f}"

    def big_count(self, value: Decimal | None) -> str:
        if value is None:
            return "n/a"
        if self.options.exact or value < 1_000_000:
            return f"{value:,.0f}"
        return f"{money.round_to(value.scaleb(-6), 1):,}M"

    def tick(self, passed: bool) -> str:
        if self.options.unicode:
            return "✓ pass" if passed else "✗ FAIL"
        return "ok" if passed else "FAIL"

    def note(self, text: str) -> str:
        """A note of the core's, its amounts (if any) worded as this report words money."""
        if isinstance(text, money.Words):
            return text.text(exact=self.options.exact, symbol=self.options.symbol)
        return text

    def ratio(self, value: Decimal | None) -> str:
        """A coverage ratio: ``1.71x``."""
        return "n/a" if value is None else f"{money.round_to(value, 2)}x"

    def signed(self, value: Decimal, positive: str, negative: str) -> str:
        """An amount whose sign is a word: ``$2.53B above`` or ``$348.2M below``."""
        return (negative if value < 0 else positive).format(self.money(abs(value)))


def _header(deal: Deal, source: str) -> tuple[str, tuple[str, ...]]:
    return safe(deal.name), (
        f"Lessor {safe(deal.lessor)}; lessee {safe(deal.lessee)}",
        f"Term {deal.start} to {deal.term_end}; {deal.currency}; id {deal.id}; file {safe(source)}",
    )


# --- lease calc -------------------------------------------------------------------------------


def payments_text(a: Analysis) -> str:
    """How many payments move money, and what the count leaves out or takes in."""
    t = a.base.totals
    text = f"{t.payments}"
    parts = []
    if t.prepayments:
        scheduled = t.payments - t.prepayments
        parts.append(
            f"{scheduled} scheduled and {t.prepayments} "
            f"prepayment{'s' if t.prepayments > 1 else ''}"
        )
    if t.covered:
        parts.append(f"{t.covered} more covered in full by prepayments")
    if t.capped:
        parts.append(f"{t.capped} more cut to nothing by the cap")
    return text + (f" ({'; '.join(parts)})" if parts else "")


def committed_text(a: Analysis, fmt: Fmt) -> str:
    c = a.commitment
    value = fmt.money(c.committed_value)
    if c.remaining:
        of = f"of the {fmt.money(c.headline)} still scheduled from {c.as_of}"
    else:
        of = "of the headline"
    if c.early and c.share is not None:
        return (
            f"{value}, {money.format_percent(c.share)} {of}; service to {c.last_day} "
            f"(notice {c.notice_date} + {c.notice_days} days)"
        )
    if c.has_right:
        return f"{value}: notice cannot end the term early"
    return f"{value}: no termination right"


def totals_lines(a: Analysis, fmt: Fmt) -> tuple[Line, ...]:
    t = a.base.totals
    lines: list[Line] = [("Total", fmt.money(t.total), "")]
    if a.with_options is not None:
        lines.append(("Total with options (up to)", fmt.money(a.with_options.totals.total), ""))
    lines.append(("Payments", payments_text(a), ""))
    lines.append(("Term", f"{money.decimal_text(t.months)} months ({t.days:,} days)", ""))
    lines.append(("Average per month", fmt.money(t.average_monthly), ""))
    if t.cap is not None:
        if t.cap_date is not None:
            cap = (
                f"{fmt.money(t.cap)}: binds on {t.cap_date}, cutting {fmt.money(t.cap_cut)} "
                f"from {fmt.money(t.scheduled_total)}"
            )
        else:
            cap = f"{fmt.money(t.cap)}: not reached"
        lines.append(("Cap", cap, ""))
    v = a.base.valuation
    if v is not None and a.rate is not None:
        pv = f"{fmt.money(v.present_value)} at {money.format_percent(a.rate)}, as of {a.as_of}"
        if v.excluded:
            pv += f" ({v.excluded} earlier payments, {fmt.money(v.excluded_amount)}, excluded)"
        lines.append(
            ("Present value", pv, "override" if a.rate_source == "override" else "assumed rate")
        )
    else:
        lines.append(("Present value", "n/a: no discount rate", ""))
    label = "Committed value (remaining)" if a.commitment.remaining else "Committed value"
    lines.append((label, committed_text(a, fmt), ""))
    return tuple(lines)


#: The longest bar of a text bar chart beside a table's figures: fits 80 columns beside them.
BAR_WIDTH = 24


def bar(value: Decimal, most: Decimal, fmt: Fmt, width: int = BAR_WIDTH) -> str:
    """A value as a bar of the widest's ``width``: a chart in the table, legible at 80 columns."""
    if most <= 0 or value <= 0:
        return ""
    cells = max(1, round(width * value / most))
    return ("█" if fmt.options.unicode else "#") * cells


def by_year(a: Analysis, fmt: Fmt) -> Grid:
    base = dict(a.base.totals.by_year)
    columns = ["Year", "Amount"]
    up_to: dict[int, Decimal] = {}
    if a.with_options is not None:
        up_to = dict(a.with_options.totals.by_year)
        columns.append("With options")
    columns.append("")
    most = max([*base.values(), *up_to.values()], default=money.ZERO)
    rows = []
    for year in sorted(set(base) | set(up_to)):
        row = [str(year), fmt.money(base.get(year, money.ZERO))]
        if a.with_options is not None:
            row.append(fmt.money(up_to.get(year, money.ZERO)))
        row.append(bar(base.get(year, money.ZERO), most, fmt))
        rows.append(tuple(row))
    return Grid(
        "By year of payment",
        tuple(columns),
        tuple(rows),
        right=frozenset(range(1, len(columns) - 1)),
    )


def _figure(fig: Figure, text: str) -> tuple[str, str]:
    if fig.value is None:
        return "n/a", fig.note or ""
    return text, fig.basis


def premium_text(value: Decimal | None) -> str:
    """A price against the market: ``5.17% above market`` or ``12.3% below market``."""
    if value is None:
        return ""
    if value == 0:
        return "at market"
    return f"{money.format_percent(abs(value))} {'above' if value > 0 else 'below'} market"


def unit_lines(a: Analysis, fmt: Fmt) -> tuple[Line, ...]:
    u = a.units
    hours = "730 h/month" if u.hours_basis == "730" else "actual hours"
    rows = [
        ("GPUs", u.gpus, fmt.count(u.gpus.value)),
        (f"GPU-hours ({hours})", u.gpu_hours, fmt.big_count(u.gpu_hours.value)),
        ("Price per GPU-hour", u.price_per_gpu_hour, fmt.price(u.price_per_gpu_hour.value)),
        ("Market price per GPU-hour", u.market_gpu_hour, fmt.price(u.market_gpu_hour.value)),
        ("GPUs the total rents at market", u.implied_gpus, fmt.count(u.implied_gpus.value)),
        (
            "Price against market at start",
            u.premium_to_market,
            premium_text(u.premium_to_market.value),
        ),
        (
            "Power",
            u.power_mw,
            f"{money.format_quantity(u.power_mw.value)} MW" if u.power_mw.value is not None else "",
        ),
        ("Price per kW-month", u.price_per_kw_month, fmt.price(u.price_per_kw_month.value)),
    ]
    out = [(label, *_figure(fig, text)) for label, fig, text in rows]
    if len(u.tranches) > 1:
        out.insert(1, ("Tranches", tranches_text(u.tranches, fmt), "assumed"))
    return tuple(out)


def tranches_text(tranches: Sequence[InService], fmt: Fmt) -> str:
    """``phase-1: 27,500 GPUs, 75 MW, in service 2025-11-01 to 2030-10-31; phase-2: ...``."""
    parts = []
    for t in tranches:
        size = ", ".join(
            [
                *([f"{fmt.count(t.gpus)} GPUs"] if t.gpus is not None else []),
                *([f"{money.format_quantity(t.power_mw)} MW"] if t.power_mw is not None else []),
            ]
        )
        served = f"dropped, arrives {t.first}" if t.dropped else f"in service {t.first} to {t.last}"
        parts.append(f"{safe(t.name)}: {size}, {served}")
    return "; ".join(parts)


CHECK_NAMES = {
    "total": "Total",
    "monthly": "Average per month",
    "monthly_at_full_capacity": "Monthly fee at full capacity",
    "months": "Term in months",
    "start": "Start",
    "end": "End",
    "gpus": "GPUs",
    "power_mw": "Power (MW)",
}


def checks_grid(checks: Sequence[CheckResult], fmt: Fmt) -> Grid:
    def show(c: CheckResult, value: Decimal | date | int) -> str:
        if c.is_money and isinstance(value, Decimal):
            return fmt.money(value, exact=True)
        return money.decimal_text(value) if isinstance(value, Decimal) else str(value)

    rows = tuple(
        (
            CHECK_NAMES.get(c.name, c.name),
            show(c, c.reported),
            show(c, c.computed),
            fmt.tick(c.passed),
        )
        for c in checks
    )
    return Grid(
        "Reported figures", ("Check", "Reported", "Computed", "Result"), rows, frozenset({1, 2})
    )


def irr_text(irr: Irr) -> str:
    """An IRR as people read it: the rate, the several roots, or n/a, with why when not one."""
    if irr.rate is not None:
        text = money.format_percent(irr.rate)
    elif irr.roots:
        text = "several: " + ", ".join(money.format_percent(r) for r in irr.roots)
    else:
        text = "n/a"
    if irr.note and irr.rate is None:
        text += f" ({irr.note})"
    return text


def _verdict(y: Lessee, fmt: Fmt) -> str:
    if y.cheaper == "neither" or y.saving is None:
        return "neither: the same in PV"
    side = "leasing" if y.cheaper == "lease" else "buying"
    return f"{side}, by {fmt.money(y.saving)} in PV"


def cost_lines(x: Lessor, fmt: Fmt) -> list[Line]:
    """The lessor's costs the returns rest on: capex by kind, running costs by part, end value."""
    capex = f"{fmt.money(x.capex)} from {x.capex_date}"
    if x.facility_capex:
        capex += f" (IT {fmt.money(x.it_capex)}, facility {fmt.money(x.facility_capex)})"
    lines: list[Line] = [("Lessor capex", capex, "assumed")]
    running = sum((amount for _, amount in x.opex_parts), money.ZERO)
    if x.opex_parts:
        parts = ", ".join(f"{part} {fmt.money(amount)}" for part, amount in x.opex_parts)
        lines.append(
            ("Lessor running costs", f"{fmt.money(running)} over the term: {parts}", "assumed")
        )
    else:
        lines.append(("Lessor running costs", "none given", "assumed"))
    lines.append(("Lessor's capacity at the end", residual_text(x, fmt), x.end_value.basis))
    return lines


def residual_text(x: Lessor, fmt: Fmt) -> str:
    r = x.end_value
    if r.basis == "fixed":
        return f"{fmt.money(r.value)}, fixed, on {r.on}"
    if r.basis == "market":
        text = (
            f"{fmt.money(r.value)} on {r.on}: the IT re-let at the market from {r.relet_from}"
            f"{' (a dropped tranche from its arrival)' if r.dropped else ''}, "
            f"{fmt.money(r.it_value)}"
        )
        return text + (
            f", and the facility, {fmt.money(r.facility_value)} (its book value when "
            "the re-let ends, discounted)"
            if r.facility_value
            else ""
        )
    return f"{fmt.money(r.value)}" + (" (the facility's book value)" if r.facility_value else "")


def breakeven_summary(b: Breakeven, fmt: Fmt) -> tuple[Line, ...]:
    """The lines of breakeven that ``lease calc`` shows, with the costs they rest on."""
    lines: list[Line] = []
    if b.lessor is not None:
        # The verdict first, then what it rests on: the first screen holds the headline.
        x = b.lessor
        if x.npv is not None:
            lines.append(("Lessor NPV", fmt.money(x.npv), "computed"))
        lines.append(("Lessor IRR", irr_text(x.irr), "computed"))
        lines.append(("Lessor payback (cash)", _payback_text(x, fmt), "computed"))
        lines += cost_lines(x, fmt)
    if b.lessee is not None and b.lessee.cheaper is not None:
        lines.append(("Tenant: cheaper", _verdict(b.lessee, fmt), "computed"))
    if b.market is not None:
        lines.append(_market_line(b.market, fmt, "Paid {} a falling market"))
    return tuple(lines)


def _rate_text(loan: Loan) -> str:
    f = loan.terms
    if f.rate is not None:
        return f"{money.format_percent(loan.rate)} fixed"
    assert f.base_rate is not None and f.spread is not None
    return (
        f"{money.format_percent(loan.rate)}: base {money.format_percent(f.base_rate)} "
        f"(held flat) + spread {money.format_percent(f.spread)}"
    )


def _debt_text(loan: Loan, fmt: Fmt) -> str:
    f = loan.terms
    share = money.format_percent(loan.debt / loan.capex, 0) if loan.capex else "n/a"
    how = f"{share} of {'the IT' if f.secured_on == 'it' else 'all'} capex"
    if f.amortisation == "sculpted":
        how += f", sized to a {fmt.ratio(f.target_dscr)} DSCR" + (
            "" if f.debt is None else " within the debt given"
        )
    first = loan.draws[0][0] if loan.draws else None
    drawn = (
        f"drawn {first}"
        if len(loan.draws) == 1
        else f"drawn in {len(loan.draws)} parts from {first}"
        if loan.draws
        else "nothing drawn"
    )
    return f"{fmt.money(loan.debt)} ({how}), {drawn}"


def _covenant_text(loan: Loan, fmt: Fmt) -> str:
    covenant = loan.terms.min_dscr
    if covenant is None:
        return "none given (min_dscr)"
    if not loan.breaches:
        return f"{fmt.ratio(covenant)}: met in every period"
    first, low = loan.breaches[0]
    count = len(loan.breaches)
    return (
        f"{fmt.ratio(covenant)}: BREACHED in {count} period{'s' if count > 1 else ''}, "
        f"first on {first} ({fmt.ratio(low)})"
    )


def _exposure_text(loan: Loan, fmt: Fmt, *, walked: bool) -> str:
    """What is owed when the lease ends, against what the capacity is worth then."""
    when = f"service ends {loan.last_day} with " if walked else ""
    if not loan.outstanding_at_end:
        repaid = loan.periods[-1].paid if loan.periods else loan.maturity
        return f"{when}the loan repaid" if walked else f"nothing: repaid by {repaid}"
    text = (
        f"{when}{fmt.money(loan.outstanding_at_end)}"
        + (" owed, against " if walked else f" on {loan.lease_end}, against ")
        + f"{fmt.money(loan.collateral)} the capacity is worth then "
        f"(cover {fmt.ratio(loan.collateral_cover)})"
    )
    if loan.lender_loss:
        return text + f": the lender loses {fmt.money(loan.lender_loss)}"
    return text + (": no loss to the lender" if walked else "")


def loan_lines(
    loan: Loan, fmt: Fmt, *, full: bool = True, walkaway: Loan | None = None
) -> tuple[Line, ...]:
    """The lessor's loan and levered returns; ``full`` adds the terms' detail and the fee test.

    ``walkaway`` is the same loan if the tenant leaves at the first chance.
    """
    f = loan.terms
    lines: list[Line] = [("Debt", _debt_text(loan, fmt), "assumed")]
    if full:
        lines.append(("Interest rate", _rate_text(loan), "assumed"))
        lines.append(
            (
                "Tenor and repayment",
                f"{f.tenor_months} months, {f.amortisation}, matures {loan.maturity}"
                + (f", sweep {money.format_percent(f.sweep)}" if f.sweep else ""),
                "assumed",
            )
        )
        if loan.fees:
            lines.append(("Upfront fees", fmt.money(loan.fees), "assumed"))
        lines.append(("Interest over the loan", fmt.money(loan.interest), "computed"))
        lines.append(("Equity in", fmt.money(loan.equity), "computed"))
    low = (
        f"{fmt.ratio(loan.min_dscr)} on {loan.min_dscr_date}"
        if loan.min_dscr is not None
        else "n/a (no debt service)"
    )
    lines.append(("Lowest DSCR", low, "computed"))
    lines.append(("DSCR covenant", _covenant_text(loan, fmt), "assumed"))
    if full and f.min_dscr is not None:
        fee = "n/a"
        if loan.covenant_monthly is not None and loan.covenant_share is not None:
            fee = (
                f"{fmt.money(loan.covenant_monthly)} a month on average, "
                f"{money.format_percent(loan.covenant_share, 1)} of the contract's payments"
            )
        lines.append(("Fee at the covenant", fee, "computed"))
    irr = irr_text(loan.equity_irr)
    if loan.lender_loss:
        irr += f"; equity does not bear the lender's {fmt.money(loan.lender_loss)} loss"
    lines.append(("Equity IRR (levered)", irr, "computed"))
    if loan.equity_npv is not None and loan.discount_rate is not None:
        lines.append(
            (
                f"Equity NPV at {money.format_percent(loan.discount_rate)}",
                f"{fmt.money(loan.equity_npv)} (at the deal's rate, not a cost of equity)",
                "computed",
            )
        )
    payback = (
        f"{loan.equity_payback_date} ({money.decimal_text(loan.equity_payback_months)} months)"
        if loan.equity_payback_date is not None and loan.equity_payback_months is not None
        else "not within the term"
    )
    lines.append(("Equity payback (cash)", payback, "computed"))
    lines.append(
        ("Debt owed when the lease ends", _exposure_text(loan, fmt, walked=False), "computed")
    )
    if walkaway is not None:
        lines.append(
            ("If the tenant walks away", _exposure_text(walkaway, fmt, walked=True), "computed")
        )
    return tuple(lines)


def loan_grid(loan: Loan, fmt: Fmt) -> Grid:
    """The loan period by period: what ``lease schedule --debt`` shows (Sweep with a sweep)."""
    swept = loan.terms.sweep is not None
    columns = (
        "Period",
        "Paid",
        "Drawn",
        "Interest",
        "Principal",
        *(("Sweep",) if swept else ()),
        "Balance",
        "CFADS",
        "DSCR",
    )
    rows = tuple(
        (
            period_text(p.start, p.end),
            str(p.paid),
            *map(fmt.money, (p.drawn, p.interest, p.principal)),
            *((fmt.money(p.swept),) if swept else ()),
            *map(fmt.money, (p.closing, p.cfads)),
            fmt.ratio(p.dscr) if p.dscr is not None else "",
        )
        for p in loan.periods
    )
    return Grid("Debt schedule", columns, rows, frozenset(range(2, len(columns))), keep_width=True)


def credit_lines(c: CreditView, fmt: Fmt) -> tuple[Line, ...]:
    """The contract valued for the tenant's credit, and how far the tenant's funding goes."""
    lines: list[Line] = []
    if c.spread is not None:
        label = "Credit-adjusted PV" + (
            f" at {money.format_percent(c.rate)} + {money.format_percent(c.spread)}"
            if c.rate is not None
            else ""
        )
        lines.append((label, fmt.money(c.adjusted_present_value), "computed"))
    if c.default_probability is not None:
        recovery = money.format_percent(c.recovery) if c.recovery is not None else "none"
        lines.append(
            (
                "Default probability",
                f"{money.format_percent(c.default_probability)} a year, recovery {recovery}",
                "assumed",
            )
        )
        lines.append(("Expected receipts", fmt.money(c.expected_total), "computed"))
        if c.expected_present_value is not None:
            lines.append(("Expected PV", fmt.money(c.expected_present_value), "computed"))
        loss = fmt.money(c.expected_loss)
        if c.expected_loss_present_value is not None:
            loss += f" ({fmt.money(c.expected_loss_present_value)} in PV)"
        lines.append(("Expected loss", loss, "computed"))
        lines.append(
            ("Expected committed value", fmt.money(c.expected_committed_value), "computed")
        )
        if c.survival_to_end is not None:
            lines.append(
                (
                    "Tenant still paying at the end",
                    money.format_percent(c.survival_to_end, 1),
                    "computed",
                )
            )
    cover = c.coverage
    if cover is not None:
        rounds = len(cover.rounds)
        latest = cover.rounds[-1].date if cover.rounds else None
        lines.append(
            (
                "Tenant funding",
                f"{fmt.money(cover.funding)}, raised on {latest}"
                if rounds == 1
                else f"{fmt.money(cover.funding)} in {rounds} rounds, the latest on {latest}",
                "reported",
            )
        )
        if cover.runs_out is None:
            covers = f"the whole term ({money.decimal_text(cover.months_covered)} months)"
        else:
            covers = (
                f"{money.decimal_text(cover.months_covered)} months of fees: runs out at the "
                f"payment of {cover.runs_out}, {fmt.money(cover.short_by)} short"
            )
            if cover.later:
                covers += (
                    f"; {fmt.money(cover.later)} raised after that would, had it come in "
                    f"time, have met {cover.payments_covered_by_all} payments in all"
                )
        lines.append(("Funding covers", covers, "computed"))
        if cover.total_share is not None:
            shares = f"{money.format_percent(cover.total_share, 0)} (total)"
            if cover.committed_share is not None:
                shares += f", {money.format_percent(cover.committed_share, 0)} (committed)"
            lines.append(("Contract against funding", shares, "computed"))
    return tuple(lines)


def _payback_text(x: Lessor, fmt: Fmt) -> str:
    if x.payback_date is not None:
        months = money.decimal_text(x.payback_months or money.ZERO)
        return f"{x.payback_date} ({months} months)"
    return (
        f"not within the term: {fmt.money(x.shortfall)} of cash short, against "
        f"{fmt.money(x.residual)} that the capacity is worth at the end"
    )


def _market_line(z: Market, fmt: Fmt, label: str) -> Line:
    side = "below" if z.paid_above_market < 0 else "above"
    return (label.format(side), fmt.money(abs(z.paid_above_market)), "computed")


def deal_document(report: DealReport, options: RenderOptions) -> Document:
    a = report.analysis
    deal = a.deal
    fmt = Fmt(deal.ccy, options)
    title, subtitle = _header(deal, report.source)
    banner = None
    if report.scenario is not None:
        changes = "; ".join(safe(fmt.note(n)) for n in report.notes) or "no change"
        banner = f"Scenario {safe(report.scenario)}: {changes}"
    # The headline figures come first, within a screen of 50 lines: the totals, the price,
    # the checks and the lessor's verdict; the by-year split and the detail follow.
    sections: list[Section] = [
        Figures("Totals", totals_lines(a, fmt), basis=False),
        Figures("Unit economics", unit_lines(a, fmt)),
    ]
    if report.checks:
        sections.append(checks_grid(report.checks, fmt))
    summary = breakeven_summary(a.breakeven, fmt)
    if summary:
        sections.append(Figures("Breakeven", summary))
    sections.append(by_year(a, fmt))
    if a.breakeven.loan is not None:
        sections.append(
            Figures(
                "Financing (lessor)",
                loan_lines(a.breakeven.loan, fmt, full=False, walkaway=a.breakeven.walkaway),
            )
        )
    if a.credit is not None:
        sections.append(Figures("Credit (tenant)", credit_lines(a.credit, fmt)))
    notes = analysis_notes(a, fmt)
    return Document(title, subtitle, banner, tuple(sections), notes, a.conventions)


def analysis_notes(a: Analysis, fmt: Fmt) -> tuple[str, ...]:
    """What an analysis assumed or could not compute: its own notes and each block's."""
    blocks = (
        a.breakeven.lessor,
        a.breakeven.lessee,
        a.breakeven.market,
        a.breakeven.loan,
        a.credit,
    )
    found = (*a.notes, *a.breakeven.missing, *(n for b in blocks if b is not None for n in b.notes))
    return tuple(fmt.note(n) for n in found)


def calc(report: CalcReport, options: RenderOptions) -> tuple[Document, ...]:
    return tuple(deal_document(r, options) for r in report.deals)


# --- lease schedule ---------------------------------------------------------------------------


def period_text(start: date | None, end: date | None) -> str:
    """A period, short: a calendar month ``2026-07``, quarter ``2026-Q3`` or year ``2026``,
    whole months ``2025-03..05``; otherwise ``2026-07-15..08-14``, ``2026-12-15..2027-01-14``."""
    if start is None or end is None:
        return ""
    whole = start.day == 1 and dates.is_month_end(end)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if whole and months == 1:
        return f"{start.year}-{start.month:02d}"
    if whole and months == 3 and start.month % 3 == 1:
        return f"{start.year}-Q{start.month // 3 + 1}"
    if whole and months == 12 and start.month == 1:
        return str(start.year)
    if whole and start.year == end.year:
        return f"{start.year}-{start.month:02d}..{end.month:02d}"
    if whole:
        return f"{start.year}-{start.month:02d}..{end.year}-{end.month:02d}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start}..{end.day:02d}"
    if start.year == end.year:
        return f"{start}..{end.month:02d}-{end.day:02d}"
    return f"{start}..{end}"


def _letters(i: int) -> str:
    """A, B, ... Z, AA, AB...: a key for the i-th stream."""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(65 + rest) + out
    return out


def _schedule_grid(result: ScheduleResult, fmt: Fmt) -> tuple[Grid, tuple[str, ...]]:
    """The schedule's rows (or its periods, with ``--by``) as cells, and what the page left out.

    A row keeps to one line of the page (``options.width``): one stream is
    named in the title instead of on every row; credits and cap cuts get
    columns of their own when there are any; on a page still too narrow,
    streams become letters with a legend, then the discount factors (in
    ``-f json`` and ``-f csv``) make way.
    """
    v = result.view
    pv = v.valuation
    title = f"Schedule by {result.by}" if result.by else "Schedule"
    if result.buckets is not None:
        rows = tuple(
            (
                b.label,
                str(b.payments),
                fmt.money(b.amount),
                fmt.money(b.cumulative),
                fmt.money(b.present_value) if b.present_value is not None else "",
            )
            for b in result.buckets
        )
        heads: tuple[str, ...] = ("Period", "Payments", "Amount", "Cumulative", "PV")
        return Grid(title, heads, rows, frozenset({1, 2, 3, 4})), ()
    rows_in = v.schedule.rows
    streams = [r.stream for r in rows_in]
    names = list(dict.fromkeys(streams))
    if len(names) == 1:
        title = f"{title}: {safe(names[0])}"
    columns: dict[str, list[str]] = {"#": [str(r.n) for r in rows_in]}
    if len(names) > 1:
        columns["Stream"] = [safe(n) for n in streams]
    columns["Period"] = [
        period_text(r.period_start, r.period_end)
        + (f" ({money.format_percent(r.fraction, 1)})" if r.fraction is not None else "")
        for r in rows_in
    ]
    columns["Date"] = [str(r.date) for r in rows_in]
    columns["Amount"] = [fmt.money(r.amount) for r in rows_in]
    if any(r.credit for r in rows_in):
        columns["Credit"] = [fmt.money(r.credit) if r.credit else "" for r in rows_in]
    if any(r.cap_cut for r in rows_in):
        columns["Cap cut"] = [fmt.money(r.cap_cut) if r.cap_cut else "" for r in rows_in]
    columns["Cumulative"] = [fmt.money(r.cumulative) for r in rows_in]
    if pv is not None:
        # A payment before the valuation date has no factor: it is excluded, not discounted.
        columns["DF"] = [f"{money.round_to(f, 6):f}" if f is not None else "" for f in pv.factors]
        columns["PV"] = [fmt.money(x) if x is not None else "" for x in pv.values]
    left_out: list[str] = []
    if len(names) > 1 and _too_wide(columns, fmt.options.width):
        keys = {n: _letters(i) for i, n in enumerate(names)}
        columns["Stream"] = [keys[n] for n in streams]
        left_out.append("Streams: " + "; ".join(f"{keys[n]}: {safe(n)}" for n in names))
    if "DF" in columns and _too_wide(columns, fmt.options.width):
        del columns["DF"]
        left_out.append("Discount factors: in -f json and -f csv (too wide for this page).")
    heads = tuple(columns)
    numbers = {"#", "Amount", "Credit", "Cap cut", "Cumulative", "DF", "PV"}
    right = frozenset(i for i, h in enumerate(heads) if h in numbers)
    # Stream names and periods may wrap on a page narrower still; dates and figures never.
    wrap = frozenset(i for i, h in enumerate(heads) if h in {"Stream", "Period"})
    cells = tuple(zip(*columns.values(), strict=True))
    return Grid(title, heads, cells, right, wrap, split=False), tuple(left_out)


def _too_wide(columns: dict[str, list[str]], width: int | None) -> bool:
    """Whether the columns, nothing wrapped, are wider than the page (two spaces apart)."""
    if width is None:
        return False
    need = sum(max([len(h), *map(len, cells)]) for h, cells in columns.items())
    return need + 2 * (len(columns) - 1) > width


def schedule(result: ScheduleResult, options: RenderOptions) -> Document:
    fmt = Fmt(result.deal.ccy, options)
    v = result.view
    total = f"Total {fmt.money(v.totals.total)} in {v.totals.payments} payments"
    if v.valuation is not None and result.rate is not None:
        total += (
            f"; present value {fmt.money(v.valuation.present_value)} at "
            f"{money.format_percent(result.rate)}"
        )
    title, subtitle = _header(result.deal, result.source)
    if result.loan is not None:
        return _debt_schedule(result, result.loan, fmt)
    grid, left_out = _schedule_grid(result, fmt)
    return Document(title, subtitle, None, (grid, Emphasis(total)), left_out, result.conventions)


def _debt_schedule(result: ScheduleResult, loan: Loan, fmt: Fmt) -> Document:
    title, subtitle = _header(result.deal, result.source)
    low = (
        f"; lowest DSCR {fmt.ratio(loan.min_dscr)} on {loan.min_dscr_date}"
        if loan.min_dscr is not None
        else ""
    )
    summary = (
        f"Debt {fmt.money(loan.debt)} at {money.format_percent(loan.rate)}; interest "
        f"{fmt.money(loan.interest)}{low}; owed when the lease ends "
        f"{fmt.money(loan.outstanding_at_end)}"
    )
    notes = tuple(fmt.note(n) for n in loan.notes)
    sections = (loan_grid(loan, fmt), Emphasis(summary))
    return Document(title, subtitle, None, sections, notes, result.conventions)


# --- lease breakeven --------------------------------------------------------------------------


def lessor_lines(x: Lessor, fmt: Fmt) -> tuple[Line, ...]:
    lines: list[Line] = [
        (f"Capex (from {x.capex_date})", fmt.money(x.capex), "assumed"),
    ]
    if x.facility_capex:
        lines.append(("  IT (systems, network, storage)", fmt.money(x.it_capex), "assumed"))
        lines.append(("  facility (built)", fmt.money(x.facility_capex), "assumed"))
    lines.extend(
        (f"Running costs: {part}", fmt.money(amount), "assumed") for part, amount in x.opex_parts
    )
    lines.append(("Capacity at the end", residual_text(x, fmt), x.end_value.basis))
    lines.append(("Payback (cash)", _payback_text(x, fmt), "computed"))
    if x.npv is not None and x.rate is not None:
        lines.append((f"NPV at {money.format_percent(x.rate)}", fmt.money(x.npv), "computed"))
    lines.append(("IRR (XIRR)", irr_text(x.irr), "computed"))
    if x.breakeven_monthly is not None:
        lines.append(("Breakeven monthly payment", fmt.money(x.breakeven_monthly), "computed"))
    return tuple(lines)


def years_grids(x: Lessor, fmt: Fmt) -> tuple[Grid, Grid]:
    """The lessor's deal by calendar year: earnings as earned, then cash as it moves."""
    earnings = ("Year", "Revenue", "Opex", "EBITDA", "Depr. IT", "Depr. facility", "EBIT")
    cash = ("Year", "Received", "Opex", "Capex", "Cash")
    return (
        Grid(
            "Lessor's earnings by year (revenue as the service is given; depreciation "
            "straight-line by asset class)",
            earnings,
            tuple(
                (
                    str(y.year),
                    *map(fmt.money, (y.revenue, y.opex, y.ebitda)),
                    *map(fmt.money, (y.depreciation_it, y.depreciation_facility, y.ebit)),
                )
                for y in x.years
            ),
            frozenset(range(1, len(earnings))),
            keep_width=True,
        ),
        Grid(
            "Lessor's cash by year (as the money falls)",
            cash,
            tuple(
                (str(y.year), *map(fmt.money, (y.received, y.opex, y.capex, y.cash)))
                for y in x.years
            ),
            frozenset(range(1, len(cash))),
            keep_width=True,
        ),
    )


def lessee_lines(y: Lessee, fmt: Fmt) -> tuple[Line, ...]:
    lines: list[Line] = [
        ("Buy: capex", fmt.money(y.buy_capex), "assumed"),
        ("Buy: opex per month", fmt.money(y.buy_opex_monthly), "assumed"),
        ("Buy: residual", fmt.money(y.buy_residual), "assumed"),
        ("Lease payments (nominal)", fmt.money(y.lease_nominal), "computed"),
        ("Owning (nominal, net of residual)", fmt.money(y.own_nominal), "computed"),
    ]
    if y.pv_lease is not None and y.rate is not None:
        rate = money.format_percent(y.rate)
        lines.append((f"PV of leasing at {rate}", fmt.money(y.pv_lease), "computed"))
        lines.append((f"PV of owning at {rate}", fmt.money(y.pv_own), "computed"))
        lines.append(("Cheaper", _verdict(y, fmt), "computed"))
    crossover = f"{y.crossover_date}" if y.crossover_date else "never within the term"
    lines.append(("Lease costs more than owning from", crossover, "computed"))
    return tuple(lines)


def market_lines(z: Market, fmt: Fmt) -> tuple[Line, ...]:
    below = f"{z.below_market_from}" if z.below_market_from else "never within the term"
    decline = "Market decline per year" + (", beyond the curve" if z.curve else "")
    start_basis = "computed" if z.curve else "assumed"
    return (
        ("Market price per GPU-hour at start", fmt.price(z.market_gpu_hour), start_basis),
        (decline, money.format_percent(z.market_decline), "assumed"),
        ("Market price at the end", fmt.price(z.market_at_end), "computed"),
        ("Market price averaged over the term", fmt.price(z.market_average_gpu_hour), "computed"),
        ("GPUs", fmt.count(z.gpus), z.gpus_basis),
        ("Lease price per GPU-hour", fmt.price(z.lease_gpu_hour), "computed"),
        ("Market below the lease price from", below, "computed"),
        ("Market value of the same GPU-hours", fmt.money(z.market_value), "computed"),
        _market_line(z, fmt, "Paid {} market over the term"),
    )


def curve_grid(z: Market, fmt: Fmt) -> Grid:
    """The dated market prices a deal gives, which the market follows between them."""
    return Grid(
        "Market curve (committed-term price per GPU-hour, joined by straight lines; assumed)",
        ("Date", "Price per GPU-hour"),
        tuple((str(day), fmt.price(price)) for day, price in z.curve),
        frozenset({1}),
    )


def chart(x: Lessor, fmt: Fmt, *, width: int = 56, height: int = 10) -> tuple[str, ...]:
    """Cumulative receipts (#) against cumulative costs (o) over the term, as text.

    Each column is a span of days; it shows the cumulative sums as they stand
    at the end of that span. The column where receipts first reach costs is
    marked on the axis with ``^`` (the payback date).
    """
    points = x.timeline
    if not points:
        return ()
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    top = max(max(r for _, r, _ in points), max(c for _, _, c in points)) or money.ONE
    columns: list[tuple[Decimal, Decimal]] = []
    i = 0
    for col in range(width):
        limit = first.toordinal() + span * (col + 1) // width
        while i + 1 < len(points) and points[i + 1][0].toordinal() <= limit:
            i += 1
        columns.append((points[i][1], points[i][2]))

    def level(value: Decimal) -> int:
        return int(value / top * (height - 1) + Decimal("0.5"))

    grid = [[" "] * width for _ in range(height)]
    for col, (received, spent) in enumerate(columns):
        r, c = level(received), level(spent)
        grid[c][col] = "o"
        grid[r][col] = "+" if r == c else "#"
    axis_v, axis_h, corner = ("│", "─", "┼") if fmt.options.unicode else ("|", "-", "+")
    top_label = fmt.money(top)
    pad = max(len(top_label), 2)
    lines = []
    for row in range(height - 1, -1, -1):
        label = top_label if row == height - 1 else ("0" if row == 0 else "")
        lines.append(f"{label:>{pad}} {axis_v}{''.join(grid[row])}")
    marks = [axis_h] * width
    if x.payback_date is not None:
        col = min(width - 1, max(0, (x.payback_date - first).days * width // span))
        marks[col] = "^"
    lines.append(f"{'':>{pad}} {corner}{''.join(marks)}")
    left, right = first.isoformat(), last.isoformat()
    gap = max(1, width + 1 - len(left) - len(right))
    lines.append(f"{'':>{pad}}  {left}{' ' * gap}{right}")
    legend = "# receipts  o costs (capex, opex)  + both"
    if x.payback_date is not None:
        legend += f"  ^ payback {x.payback_date}"
    lines.append(legend)
    return ("Cumulative receipts against cumulative costs", *lines)


def breakeven(result: BreakevenResult, options: RenderOptions) -> Document:
    fmt = Fmt(result.deal.ccy, options)
    b = result.breakeven
    sections: list[Section] = []
    if b.lessor is not None:
        sections.append(Figures("Lessor", lessor_lines(b.lessor, fmt)))
        if b.lessor.years:
            sections.extend(years_grids(b.lessor, fmt))
        drawn = chart(b.lessor, fmt)
        if drawn:
            sections.append(Preformatted(drawn))
    if b.lessee is not None:
        sections.append(Figures("Tenant: lease or buy", lessee_lines(b.lessee, fmt)))
    if b.loan is not None:
        sections.append(Figures("Financing (lessor)", loan_lines(b.loan, fmt, walkaway=b.walkaway)))
    if b.market is not None:
        sections.append(Figures("Against the market", market_lines(b.market, fmt)))
        if b.market.curve:
            sections.append(curve_grid(b.market, fmt))
    if result.credit is not None:
        sections.append(Figures("Credit (tenant)", credit_lines(result.credit, fmt)))
    notes = list(b.missing)
    for block in (b.lessor, b.lessee, b.market, b.loan, result.credit):
        if block is not None:
            notes.extend(fmt.note(n) for n in block.notes)
    title, subtitle = _header(result.deal, result.source)
    return Document(title, subtitle, None, tuple(sections), tuple(notes), result.conventions)


# --- metrics: scenarios, sensitivity, comparisons ---------------------------------------------


def metric_text(
    kind: MetricKind,
    value: Decimal | None,
    fmt: Fmt,
    *,
    signed: bool = False,
    words: tuple[str, str] | None = None,
) -> str:
    """A metric's value as people read it: money compact or exact, rates as percents.

    With ``words`` a nonzero amount reads its sign as a word ("$2.53B
    above"); with ``signed`` a positive change carries a ``+``.
    """
    if value is None:
        return "n/a"
    if words is not None and value and kind == "money":
        return fmt.signed(value, *words)
    if kind == "money":
        text = fmt.money(value)
    elif kind == "price":
        text = fmt.price(value)
    elif kind == "rate":
        text = money.format_percent(value)
    elif kind == "count":
        text = fmt.count(value)
    elif kind == "ratio":
        text = fmt.ratio(value)
    else:
        text = money.decimal_text(money.round_to(value, 2))
    if signed and value > 0 and any(ch in "123456789" for ch in text):
        text = "+" + text  # a change that rounds to nothing shown carries no sign
    return text


def _reading(m: Metric, value: Decimal | None, fmt: Fmt) -> str:
    return metric_text(m.kind, value, fmt, words=m.words)


def _change(m: Metric, change: Decimal | None, fmt: Fmt) -> str:
    if change is None:
        return ""
    if m.kind == "rate":
        points = money.decimal_text(money.round_to(change * 100, 2))
        return f"{'+' if change > 0 else ''}{points} pts"
    return metric_text(m.kind, change, fmt, signed=True)


def scenario(result: ScenarioComparison, options: RenderOptions) -> Document:
    """Each metric for the base deal and the scenario, the change, and what the scenario did."""
    deal = result.base.deal
    fmt = Fmt(deal.ccy, options)
    rows = tuple(
        (
            row.metric.label,
            _reading(row.metric, row.base[0], fmt),
            _reading(row.metric, row.scenario[0], fmt),
            _change(row.metric, row.difference, fmt),
        )
        for row in result.rows
    )
    title = f"Scenario {safe(result.name)}" if result.name else "Scenario (from the command line)"
    grid = Grid(
        title,
        ("Figure", "Base", "Scenario", "Change"),
        rows,
        frozenset({1, 2, 3}),
        frozenset({0}),
        keep_width=True,
    )
    # Each reason a figure is missing, once, with the figures (and sides) it explains.
    reasons: dict[str, list[str]] = {}
    for row in result.rows:
        base_why = row.base[1] if row.base[0] is None else None
        scenario_why = row.scenario[1] if row.scenario[0] is None else None
        if base_why and base_why == scenario_why:
            reasons.setdefault(base_why, []).append(row.metric.label)
            continue
        for side, why in (("base", base_why), ("scenario", scenario_why)):
            if why:
                reasons.setdefault(why, []).append(f"{row.metric.label} ({side})")
    # What the scenario assumes that the base does not (a part it cleared, an end value
    # it could not re-let): the base's own notes are lease calc's to show.
    before = set(analysis_notes(result.base, fmt))
    new = [f"scenario: {n}" for n in analysis_notes(result.scenario, fmt) if n not in before]
    notes = [
        *(fmt.note(n) for n in result.notes),
        *new,
        *(f"{', '.join(labels)}: {why}" for why, labels in reasons.items()),
    ]
    name, subtitle = _header(deal, result.source)
    return Document(name, subtitle, None, (grid,), tuple(dict.fromkeys(notes)), result.conventions)


def _percent_change(row: MetricRow) -> str:
    from computelease.core.diff import change_percent  # only a diff reads it

    share = change_percent(row)
    if share is None or row.metric.kind == "rate":
        return ""  # a rate's change is in points already
    text = money.format_percent(share, 1)
    return f"+{text}" if share > 0 and text != "0%" else text


def diff(result: DealDiff, options: RenderOptions) -> Document:
    """What a renegotiation changes: each term that differs, then each figure before and after."""
    old, new = result.old.deal, result.new.deal
    fmt = Fmt(new.ccy, options)
    subtitle = (f"Old: {safe(result.old_source)}", f"New: {safe(result.new_source)}")
    if result.equal:
        same = Emphasis("No term differs: the same deal (comments and layout aside).")
        return Document(f"{safe(new.name)}: no change", subtitle, None, (same,))
    terms = Grid(
        "Terms that changed",
        ("Field", "Old", "New"),
        tuple(
            (safe(t.path), safe(t.old) if t.old is not None else "(none)", safe(t.new or "(none)"))
            for t in result.terms
        ),
        wrap=frozenset({0, 1, 2}),
    )
    effect = Grid(
        "Effect",
        ("Figure", "Old", "New", "Change", "%"),
        tuple(
            (
                row.metric.label,
                _reading(row.metric, row.base[0], Fmt(old.ccy, options)),
                _reading(row.metric, row.scenario[0], fmt),
                _change(row.metric, row.difference, fmt),
                _percent_change(row),
            )
            for row in result.rows
        ),
        frozenset({1, 2, 3, 4}),
        frozenset({0}),
        keep_width=True,
    )
    reasons: dict[str, list[str]] = {}
    for row in result.rows:
        for side, (value, why) in (("old", row.base), ("new", row.scenario)):
            if value is None and why:
                reasons.setdefault(why, []).append(f"{row.metric.label} ({side})")
    notes = tuple(f"{', '.join(labels)}: {why}" for why, labels in reasons.items())
    return Document(
        f"{safe(new.name)}: what changed",
        subtitle,
        None,
        (terms, effect),
        notes,
        result.new.conventions,
    )


def account(books: LeaseBooks, options: RenderOptions) -> Document:
    """The lease in the tenant's books: measurement, month by month, the balance sheet and the
    maturity analysis, the entries, and the questions of whether there is a lease at all."""
    deal = books.deal
    fmt = Fmt(deal.ccy, options)
    model = "IFRS 16" if books.standard == "ifrs16" else f"ASC 842, {books.classification} lease"
    counted = sum(1 for p in books.payments if p.month >= 0)
    measured: list[Line] = [
        ("Standard", model, "accounting"),
        (
            "Borrowing rate",
            f"{money.format_percent(books.annual_rate)} a year, "
            f"{money.format_percent(books.periodic_rate, 4)} a month",
            "accounting.rate",
        ),
        ("Commencement", str(books.commencement), "accounting"),
        ("Lease term", f"{books.term_months} months: {books.judgement}", "judgement"),
        (
            "Lease payments",
            f"{fmt.money(books.undiscounted)} undiscounted, {counted} payments"
            + (f" and {fmt.money(books.prepaid)} before commencement" if books.prepaid else ""),
            "computed",
        ),
    ]
    if books.variable:
        measured.append(
            ("Variable, left out", ", ".join(safe(v) for v in books.variable), "payments")
        )
    measured += [
        ("Lease liability", fmt.money(books.liability, exact=True), "computed"),
        ("Initial direct costs", fmt.money(books.initial_direct_costs, exact=True), "accounting"),
        ("Incentives received", fmt.money(books.incentives, exact=True), "accounting"),
        ("Right-of-use asset", fmt.money(books.rou_asset, exact=True), "computed"),
        ("Interest over the term", fmt.money(books.total_interest, exact=True), "computed"),
    ]
    arrears = books.timing == "arrears"
    flows = ("Interest", "Payment") if arrears else ("Payment", "Interest")
    heads = ("Month", "Opening", *flows, "Closing", "ROU amort.", "ROU asset", "Expense")
    rows = []
    for p in books.periods:
        flow = (p.interest, p.payment) if arrears else (p.payment, p.interest)
        rows.append(
            (
                f"{p.start.year}-{p.start.month:02d}",
                fmt.money(p.opening),
                *(fmt.money(x) for x in flow),
                fmt.money(p.closing),
                fmt.money(p.amortisation),
                fmt.money(p.rou_closing),
                fmt.money(p.expense),
            )
        )
    schedule = Grid(
        "Lease liability and right-of-use asset, month by month",
        heads,
        tuple(rows),
        frozenset(range(1, len(heads))),
        split=False,
    )
    position = Figures(
        f"At {books.as_of}",
        (
            ("Lease liability", fmt.money(books.liability_at, exact=True), "computed"),
            ("Current (due within 12 months)", fmt.money(books.current, exact=True), "computed"),
            ("Non-current", fmt.money(books.non_current, exact=True), "computed"),
        ),
    )
    years = [
        (y.label, f"{y.start} to {y.end}", fmt.money(y.amount, exact=True)) for y in books.maturity
    ]
    owed = sum((y.amount for y in books.maturity), money.ZERO) + books.thereafter
    years += [
        ("Thereafter", "", fmt.money(books.thereafter, exact=True)),
        ("Total undiscounted", "", fmt.money(owed, exact=True)),
        ("Less imputed interest", "", fmt.money(-books.imputed_interest, exact=True)),
        ("Lease liability", "", fmt.money(books.liability_at, exact=True)),
    ]
    maturity = Grid(
        "Maturity analysis", ("Year", "Dates", "Payments"), tuple(years), frozenset({2})
    )
    entries = tuple(
        (
            f"{j.memo} ({j.date})" if i == 0 else "",
            e.account,
            fmt.money(e.debit, exact=True) if e.debit else "",
            fmt.money(e.credit, exact=True) if e.credit else "",
        )
        for j in books.journals[:2]
        for i, e in enumerate(j.lines)
    )
    journal = Grid(
        "Journal entries: commencement and the first month (every month in -f json)",
        ("Entry", "Account", "Debit", "Credit"),
        entries,
        frozenset({2, 3}),
        frozenset({0, 1}),
        split=False,
    )
    checklist = Grid(
        "Does this contract contain a lease? Questions, not a ruling",
        ("Question", "What the deal file says"),
        tuple((q, a) for q, a in books.checklist),
        wrap=frozenset({0, 1}),
    )
    notes: list[str] = []
    if books.short_term:
        notes.append(
            f"The lease term is {books.term_months} months, 12 or less: the tenant may elect "
            "the short-term exemption and keep it off the balance sheet (both standards)."
        )
    title, subtitle = _header(deal, books.source)
    return Document(
        f"{title}: the tenant's books",
        subtitle,
        None,
        (
            Figures("Measurement at commencement", tuple(measured)),
            schedule,
            position,
            maturity,
            journal,
            checklist,
        ),
        tuple(notes),
        books.conventions,
    )


def reconcile(result: Reconciliation, options: RenderOptions) -> Document:
    """Each payment due to the reporting date beside what was paid, and the running variance."""
    deal = result.deal
    fmt = Fmt(deal.ccy, options)
    keys = {n: _letters(i) for i, n in enumerate(dict.fromkeys(x.stream for x in result.lines))}
    several = len(keys) > 1
    rows = tuple(
        (
            str(x.due),
            *((keys[x.stream],) if several else ()),
            fmt.money(x.scheduled),
            fmt.money(x.credit) if x.credit else "",
            fmt.money(x.paid) if x.paid_on is not None else "",
            str(x.paid_on) if x.paid_on is not None else "",
            fmt.money(x.variance) if x.variance else "",
            fmt.money(x.cumulative_variance),
            x.status.upper() if x.status != "paid" else "paid",
        )
        for x in result.lines
    )
    heads = ("Due", *(("Stream",) if several else ()), "Scheduled", "Credit", "Paid", "On")
    heads += ("Variance", "Cumulative", "Status")
    grid = Grid(
        f"Payments due to {result.as_of}",
        heads,
        rows,
        frozenset(i for i, h in enumerate(heads) if h not in {"Due", "Stream", "On", "Status"}),
        split=False,
    )
    errors = sum(1 for f in result.findings if f.code.severity is Severity.ERROR)
    summary = Figures(
        "Totals",
        (
            ("Scheduled to date", fmt.money(result.scheduled, exact=True), ""),
            ("Paid", fmt.money(result.paid, exact=True), ""),
            ("Variance", fmt.money(result.paid - result.scheduled, exact=True), ""),
            (
                "Findings",
                f"{len(result.findings)} ({errors} error{'s' if errors != 1 else ''}): "
                "each on stderr with its code and line",
                "",
            ),
        ),
        basis=False,
    )
    notes = [f"Streams: {'; '.join(f'{k}: {safe(n)}' for n, k in keys.items())}"] if several else []
    if result.grace_days:
        notes.append(f"A payment up to {result.grace_days} days after its due date is on time.")
    title, subtitle = _header(deal, result.source)
    return Document(
        f"{title}: actuals against the contract",
        (*subtitle, f"Actuals: {safe(result.actuals_file)}"),
        None,
        (grid, summary),
        tuple(notes),
        (
            "Matching: each payment due is matched with the actual of its stream dated from 15 "
            "days before it until its stream's next due date, the amount closest to it first; "
            "what is left over is a duplicate (the same amount within a month of a matched "
            "payment) or unexpected.",
            "Due: the schedule's payment less the SLA credit the actuals say was granted; the "
            "credit owed follows from the period's uptime where the actuals give it.",
            "Reporting date: --as-of, or the last actual's date, so nothing not yet due is "
            "missing.",
        ),
    )


def axis_labels(axis: Axis, ccy: money.Currency, *, symbol: bool = True) -> tuple[str, ...]:
    """Each value of an axis written as its option is: ``8%``, ``$175.0M``, ``3m``."""
    if axis.kind is Kind.RATE:
        return tuple(money.format_percent(v) for v in axis.values)
    if axis.kind is Kind.MONEY:
        return tuple(money.format_money(v, ccy, compact=True, symbol=symbol) for v in axis.values)
    if axis.kind is Kind.DELAY:
        unit = "d" if axis.unit == "days" else "m"
        return tuple(f"{money.decimal_text(v)}{unit}" for v in axis.values)
    return tuple(money.decimal_text(v) for v in axis.values)


def sensitivity(grid: SensitivityGrid, options: RenderOptions) -> Document:
    deal = grid.deal
    fmt = Fmt(deal.ccy, options)
    m = grid.metric
    row_labels = axis_labels(grid.rows, deal.ccy, symbol=options.symbol)
    corner = f"{grid.rows.parameter} \\ {grid.columns.parameter}" if grid.columns else ""
    if grid.columns is not None:
        heads = axis_labels(grid.columns, deal.ccy, symbol=options.symbol)
    else:
        heads = (m.label,)
    rows = tuple(
        (label, *(_reading(m, cell.value, fmt) for cell in line))
        for label, line in zip(row_labels, grid.cells, strict=True)
    )
    by = f"{grid.rows.parameter} (rows)"
    if grid.columns:
        by += f" and {grid.columns.parameter} (columns)"
    table = Grid(
        f"{m.label} by {by}",
        (corner or grid.rows.parameter, *heads),
        rows,
        frozenset(range(1, len(heads) + 1)),
        frozenset({0}),
        keep_width=True,
    )
    reasons: dict[str, list[str]] = {}
    for label, line in zip(row_labels, grid.cells, strict=True):
        for j, cell in enumerate(line):
            if cell.value is None:
                where = f"{label}, {heads[j]}" if grid.columns else label
                reasons.setdefault(cell.why or "not computed", []).append(where)
    notes = [f"n/a at {'; '.join(cells)}: {why}" for why, cells in reasons.items()]
    capped = [
        f"{label}, {heads[j]}" if grid.columns else label
        for label, line in zip(row_labels, grid.cells, strict=True)
        for j, cell in enumerate(line)
        if cell.capped
    ]
    if capped and deal.cap is not None:
        notes.append(
            f"the cap ({fmt.money(deal.cap)}) cuts the payments at {'; '.join(capped)}: "
            "figures there cannot rise past it, so cells may be equal"
        )
    name, subtitle = _header(deal, grid.source)
    return Document(name, subtitle, None, (table,), tuple(notes), ())


def compare(c: DealComparison, options: RenderOptions) -> Document:
    fmt = Fmt(c.currency, options)
    columns = ("Figure", *(safe(s.id) for s in c.sides))
    # Valued after a deal's start, its commitment is what remains from then, as in lease calc.
    remaining = [s for s in c.sides if s.summary.remaining]

    def label(m: Metric) -> str:
        return f"{m.label} (remaining)" if m.name == "committed_value" and remaining else m.label

    rows = tuple(
        (label(m), *(_reading(m, value, fmt) for value, _ in readings)) for m, readings in c.rows
    )
    grid = Grid(
        f"Deals compared, in {c.currency.code}",
        columns,
        rows,
        frozenset(range(1, len(columns))),
        frozenset({0}),
        keep_width=True,
    )
    notes = [f"{safe(s.id)}: {safe(s.path)} ({s.summary.currency})" for s in c.sides]
    notes += [
        f"1 {code} = {money.decimal_text(rate)} {c.currency.code}" for code, rate in c.fx.items()
    ]
    if remaining:
        which = (
            ""
            if len(remaining) == len(c.sides)
            else f" ({', '.join(safe(s.id) for s in remaining)})"
        )
        notes.append(
            f"Committed value (remaining): what is still committed from "
            f"{remaining[0].summary.as_of}, for the deals that started before it{which}"
        )
    # One note per reason a figure is missing, naming the figures and deals it holds for.
    missing: dict[str, tuple[list[str], list[str]]] = {}
    for m, readings in c.rows:
        for side, (value, why) in zip(c.sides, readings, strict=True):
            if value is None and why:
                labels, ids = missing.setdefault(why, ([], []))
                if m.label not in labels:
                    labels.append(m.label)
                if safe(side.id) not in ids:
                    ids.append(safe(side.id))
    notes += [
        f"{', '.join(labels)} for {', '.join(ids)}: {why}" for why, (labels, ids) in missing.items()
    ]
    return Document(None, (), None, (grid,), tuple(notes), ())


def _book_grid(b: Book, fmt: Fmt, which: str) -> Grid:
    """Revenue by year, one column per deal and a total: ``which`` is scheduled or committed."""
    table = b.scheduled if which == "scheduled" else b.committed
    totals = b.scheduled_total if which == "scheduled" else b.committed_total
    columns = ("Year", *(safe(s.id) for s in b.sides), "Total")
    rows = [
        (str(year), *(fmt.money(v) for v in table[year]), fmt.money(sum(table[year], money.ZERO)))
        for year in b.years
    ]
    rows.append(("Total", *(fmt.money(v) for v in totals), fmt.money(sum(totals, money.ZERO))))
    title = (
        f"Revenue by year as scheduled, in {b.currency.code}"
        if which == "scheduled"
        else "Revenue by year as committed (each deal ended as early as its terms allow), "
        f"in {b.currency.code}"
    )
    right = frozenset(range(1, len(columns)))
    return Grid(title, columns, tuple(rows), right, frozenset({0}), keep_width=True)


def book(b: Book, options: RenderOptions) -> Document:
    fmt = Fmt(b.currency, options)
    grids = (_book_grid(b, fmt, "scheduled"), _book_grid(b, fmt, "committed"))
    return Document(None, (), None, grids, (), ())


def _sim_money(value: float | None, fmt: Fmt) -> str:
    return "n/a" if value is None else fmt.money(money.from_float(value))


def _sim_value(kind: str, value: float | None, fmt: Fmt) -> str:
    """A simulated figure (a float) shown as its kind is: money, a rate, months or a ratio."""
    if value is None:
        return "n/a"
    if kind == "money":
        return _sim_money(value, fmt)
    if kind == "rate":
        return money.format_percent(money.from_float(value, 6))
    if kind == "ratio":
        return fmt.ratio(money.from_float(value, 4))
    return f"{money.from_float(value, 1)}"


def _exact_value(kind: str, value: Decimal | None, fmt: Fmt) -> str:
    if value is None:
        return "n/a"
    if kind == "money":
        return fmt.money(value)
    if kind == "rate":
        return money.format_percent(value)
    if kind == "ratio":
        return fmt.ratio(value)
    return f"{money.round_to(value, 1)}"


def _risk_inputs(d: DealRisk) -> tuple[Line, ...]:
    x = d.inputs
    defaulted = set(x.defaults)
    borrowed = {b.split(" ")[0] for b in x.borrowed}

    def basis(*keys: str) -> str:
        if any(k in borrowed for k in keys):
            return "assumptions.credit"
        if all(k in defaulted for k in keys):
            return "default"
        return "partly default" if any(k in defaulted for k in keys) else "deal file"

    pct = money.format_percent
    walk = f"at {pct(x.walk_margin)} below the lease" if x.rational_walk else "off"
    return (
        (
            "Delivery slip",
            f"{pct(x.slip_probability)} chance; {x.low_months} / {x.mode_months} / "
            f"{x.high_months} months (low / mode / high)",
            basis(
                "delivery.probability",
                "delivery.low_months",
                "delivery.mode_months",
                "delivery.high_months",
            ),
        ),
        (
            "Default",
            f"{pct(x.default_probability)} a year, {pct(x.recovery)} recovered",
            basis("counterparty.default_probability", "counterparty.recovery"),
        ),
        (
            "Walkaway",
            f"rational {walk}; other reasons {pct(x.walk_probability)} a year",
            basis(
                "counterparty.rational_walk",
                "counterparty.walk_margin",
                "counterparty.walk_probability",
            ),
        ),
        ("Market volatility", f"{pct(x.volatility)} a year", basis("pricing.volatility")),
        (
            "Outages",
            f"{x.outages_per_year} a year, {x.mean_hours} hours on average, "
            f"{money.format_money(x.cost_per_outage, d.deal.ccy, compact=True)} each",
            basis(
                "operations.outages_per_year",
                "operations.mean_hours",
                "operations.cost_per_outage",
            ),
        ),
    )


def _stats_grid(d: DealRisk, fmt: Fmt, paths: int) -> Grid:
    columns: tuple[str, ...] = ("Figure", "Deal as written", "Mean", "± s.e.")
    columns = (*columns, "P5", "P25", "P50", "P75", "P95", "Worst 5%")
    rows = []
    for s in d.statistics:
        qs = dict(s.percentiles)
        label = s.label if s.paths == paths else f"{s.label} ({s.paths:,} paths have one)"
        rows.append(
            (
                label,
                _exact_value(s.kind, s.deterministic, fmt),
                _sim_value(s.kind, s.mean, fmt),
                _sim_value(s.kind, s.stderr, fmt),
                *(_sim_value(s.kind, qs.get(p), fmt) for p in (5, 25, 50, 75, 95)),
                _sim_value(s.kind, s.shortfall_5, fmt),
            )
        )
    return Grid(
        f"Over {paths:,} paths",
        columns,
        tuple(rows),
        frozenset(range(1, len(columns))),
        frozenset({0}),
        keep_width=True,
    )


#: The tornado's bars: at most this wide, at least the narrower, as the page allows.
TORNADO_WIDTH = (12, 30)


def _tornado(d: DealRisk, fmt: Fmt) -> Grid:
    """Each risk alone: a bar from its low to its high on one scale, the deal as written a ``|``.

    The bars take what the page leaves beside the figures, so a row keeps to one line.
    """
    bars = d.tornado
    lowest = min((b.low for b in bars), default=0.0)
    highest = max((b.high for b in bars), default=0.0)
    span = (highest - lowest) or 1.0
    figures = [
        (
            b.risk,
            _sim_money(b.p5, fmt),
            _sim_money(b.p50, fmt),
            _sim_money(b.p95, fmt),
            _sim_money(b.mean, fmt),
            money.format_percent(money.from_float(b.loss_probability, 4)),
        )
        for b in bars
    ]
    heads = ("Risk", "P5", "P50", "P95", "Mean", "P(loss)")
    used = sum(max([len(h), *(len(r[i]) for r in figures)]) for i, h in enumerate(heads))
    room = (fmt.options.width or 80) - used - 2 * len(heads)
    width = max(TORNADO_WIDTH[0], min(TORNADO_WIDTH[1], room))

    def at(value: float) -> int:
        return min(width - 1, round((width - 1) * (value - lowest) / span))

    def bar(b: TornadoBar) -> str:
        cells = [" "] * width
        for i in range(at(b.low), at(b.high) + 1):
            cells[i] = "#"
        cells[at(b.base)] = "|"
        return "".join(cells).rstrip()

    return Grid(
        "Tornado: the lessor's NPV, each risk alone, widest first (| the deal as written)",
        (*heads, "Low to high"),
        tuple((*row, bar(b)) for row, b in zip(figures, bars, strict=True)),
        frozenset(range(1, 6)),
        keep_width=True,
        split=False,
    )


def _histogram(d: DealRisk, fmt: Fmt, width: int = 40) -> tuple[str, ...]:
    bars = d.histogram
    if not bars:
        return ()
    most = max(count for _, _, count in bars) or 1
    labels = [f"{_sim_money(low, fmt)} to {_sim_money(high, fmt)}" for low, high, _ in bars]
    pad = max(len(label) for label in labels)
    return (
        "Lessor NPV, paths per bin (# = " + f"{max(1, round(most / width)):,} paths or part)",
        *(
            f"{label:>{pad}} | {'#' * max(1 if n else 0, round(width * n / most))} {n:,}"
            for label, (_, _, n) in zip(labels, bars, strict=True)
        ),
    )


def _book_risk(b: BookRisk, fmt: Fmt) -> tuple[Section, ...]:
    rows = tuple(
        (
            str(y.year),
            fmt.money(y.scheduled),
            _sim_money(y.mean, fmt),
            _sim_money(y.p5, fmt),
            _sim_money(y.p50, fmt),
            _sim_money(y.p95, fmt),
        )
        for y in b.years
    )
    lines: list[Line] = [
        ("Deals", ", ".join(safe(s) for s in b.deals), ""),
        (
            "A tenant leaves early",
            money.format_percent(money.from_float(b.any_leaves, 4)),
            "walks away or defaults",
        ),
        (
            "Two or more in the same year",
            money.format_percent(money.from_float(b.several_same_year, 4)),
            "concentration",
        ),
    ]
    if b.npv is not None:
        qs = dict(b.npv.percentiles)
        lines.append(
            (
                "Book NPV",
                f"mean {_sim_money(b.npv.mean, fmt)}; P5 {_sim_money(qs.get(5), fmt)}, "
                f"P50 {_sim_money(qs.get(50), fmt)}, P95 {_sim_money(qs.get(95), fmt)}",
                f"as written {_exact_value('money', b.npv.deterministic, fmt)}",
            )
        )
    return (
        Figures(f"{safe(b.lessor)}'s book on one market", tuple(lines)),
        Grid(
            f"{safe(b.lessor)}: revenue by year over the paths",
            ("Year", "Scheduled", "Mean", "P5", "P50", "P95"),
            rows,
            frozenset(range(1, 6)),
            keep_width=True,
        ),
    )


def risk(report: RiskReport, options: RenderOptions) -> tuple[Document, ...]:
    """Each deal's distributions, then each lessor's book, the conventions once at the end."""
    docs = []
    for d in report.deals:
        fmt = Fmt(d.deal.ccy, options)
        title, subtitle = _header(d.deal, d.source)
        probabilities = tuple(
            (
                f"P({label})",
                money.format_percent(money.from_float(p, 4)),
                f"± {money.format_percent(money.from_float(se, 4))}",
            )
            for _, label, p, se in d.probabilities
        )
        sections: list[Section] = [
            Figures("Risks simulated", _risk_inputs(d)),
            Figures(
                "Against the headline",
                (
                    ("Headline total", fmt.money(d.headline), "as written"),
                    ("Committed value", fmt.money(d.committed), "earliest exit"),
                ),
            ),
            _stats_grid(d, fmt, report.paths),
            Figures("Probabilities", probabilities),
        ]
        if d.tornado:
            sections.append(_tornado(d, fmt))
        if d.histogram:
            sections.append(Preformatted(_histogram(d, fmt)))
        notes = list(d.notes)
        if d.inputs.defaults:
            notes.append("defaults used: " + ", ".join(d.inputs.defaults))
        notes.extend(f"{b} (the tenant's credit)" for b in d.inputs.borrowed)
        docs.append(
            Document(
                title,
                (*subtitle, f"Monte Carlo: {report.paths:,} paths, seed {report.seed}"),
                None,
                tuple(sections),
                tuple(notes),
                (),
            )
        )
    for b in report.books:
        first = next(d for d in report.deals if d.source == b.deals[0])
        docs.append(Document(None, (), None, _book_risk(b, Fmt(first.deal.ccy, options))))
    if docs:
        docs[-1] = dataclasses.replace(docs[-1], conventions=report.conventions)
    return tuple(docs)
