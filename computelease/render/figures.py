"""The words and formatted figures shared by the table and markdown renderers.

Both human formats show the same lines in the same order; this module
decides what each line says, and each format decides how to lay it out.
Nothing here computes a figure: it formats what the core returned. Text
from the deal file passes through :func:`~computelease.render.safe.safe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computelease import money
from computelease.checks import CheckResult
from computelease.core.analysis import Analysis, ScheduleResult
from computelease.core.book import Book
from computelease.core.book import Comparison as DealComparison
from computelease.core.breakeven import Breakeven, Lessee, Lessor, Market
from computelease.core.sensitivity import Grid as SensitivityGrid
from computelease.core.units import Figure
from computelease.core.whatif import Comparison as WhatIf
from computelease.models import Deal
from computelease.render.model import DealReport, RenderOptions
from computelease.render.safe import safe

#: (label, value, basis) rows of a figures table; basis may be empty.
Line = tuple[str, str, str]


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


def title(deal: Deal) -> str:
    return safe(deal.name)


def subtitle(deal: Deal, path: str) -> list[str]:
    return [
        f"Lessor {safe(deal.lessor)}; lessee {safe(deal.lessee)}",
        f"Term {deal.start} to {deal.term_end}; {deal.currency}; id {deal.id}; file {safe(path)}",
    ]


def scenario_line(report: DealReport) -> str | None:
    """For ``calc --scenario``: which scenario is shown and what it changed."""
    if report.scenario is None:
        return None
    changes = "; ".join(safe(n) for n in report.notes) or "no change"
    return f"Scenario {safe(report.scenario)}: {changes}"


def totals_lines(a: Analysis, fmt: Fmt) -> list[Line]:
    t = a.base.totals
    lines: list[Line] = [("Total", fmt.money(t.total), "")]
    if a.with_options is not None:
        lines.append(("Total with options (up to)", fmt.money(a.with_options.totals.total), ""))
    lines.append(("Payments", f"{t.payments}", ""))
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
    c = a.commitment
    if c.early and c.share is not None:
        committed = (
            f"{fmt.money(c.committed_value)}, {money.format_percent(c.share)} of the headline; "
            f"service to {c.last_day} (notice {c.notice_date} + {c.notice_days} days)"
        )
    elif c.has_right:
        committed = f"{fmt.money(c.committed_value)}: notice cannot end the term early"
    else:
        committed = f"{fmt.money(c.committed_value)}: no termination right"
    lines.append(("Committed value", committed, ""))
    return lines


def by_year(a: Analysis, fmt: Fmt) -> tuple[list[str], list[list[str]]]:
    base = dict(a.base.totals.by_year)
    columns = ["Year", "Amount"]
    up_to: dict[int, Decimal] = {}
    if a.with_options is not None:
        up_to = dict(a.with_options.totals.by_year)
        columns.append("With options")
    rows = []
    for year in sorted(set(base) | set(up_to)):
        row = [str(year), fmt.money(base.get(year, money.ZERO))]
        if a.with_options is not None:
            row.append(fmt.money(up_to.get(year, money.ZERO)))
        rows.append(row)
    return columns, rows


def _figure(fig: Figure, text: str) -> tuple[str, str]:
    if fig.value is None:
        return "n/a", fig.note or ""
    return text, fig.basis


def unit_lines(a: Analysis, fmt: Fmt) -> list[Line]:
    u = a.units
    hours = "730 h/month" if u.hours_basis == "730" else "actual hours"
    rows = [
        ("GPUs", u.gpus, fmt.count(u.gpus.value)),
        (f"GPU-hours ({hours})", u.gpu_hours, fmt.big_count(u.gpu_hours.value)),
        ("Price per GPU-hour", u.price_per_gpu_hour, fmt.price(u.price_per_gpu_hour.value)),
        ("Market price per GPU-hour", u.market_gpu_hour, fmt.price(u.market_gpu_hour.value)),
        ("GPUs at the market price", u.implied_gpus, fmt.count(u.implied_gpus.value)),
        (
            "Premium to market",
            u.premium_to_market,
            money.format_percent(u.premium_to_market.value)
            if u.premium_to_market.value is not None
            else "",
        ),
        (
            "Power",
            u.power_mw,
            f"{u.power_mw.value:,f} MW" if u.power_mw.value is not None else "",
        ),
        ("Price per kW-month", u.price_per_kw_month, fmt.price(u.price_per_kw_month.value)),
    ]
    out: list[Line] = []
    for label, fig, text in rows:
        value, basis = _figure(fig, text)
        out.append((label, value, basis))
    return out


CHECK_NAMES = {
    "total": "Total",
    "monthly": "Average per month",
    "months": "Term in months",
    "start": "Start",
    "end": "End",
    "gpus": "GPUs",
    "power_mw": "Power (MW)",
}


def check_rows(checks: tuple[CheckResult, ...], fmt: Fmt) -> list[list[str]]:
    def show(c: CheckResult, value: Decimal | date | int) -> str:
        if c.is_money and isinstance(value, Decimal):
            return fmt.money(value, exact=True)
        return money.decimal_text(value) if isinstance(value, Decimal) else str(value)

    return [
        [
            CHECK_NAMES.get(c.name, c.name),
            show(c, c.reported),
            show(c, c.computed),
            fmt.tick(c.passed),
        ]
        for c in checks
    ]


def lessor_lines(x: Lessor, fmt: Fmt) -> list[Line]:
    lines: list[Line] = [
        (f"Capex (on {x.capex_date})", fmt.money(x.capex), "assumed"),
        ("Opex per month", fmt.money(x.opex_monthly), "assumed"),
        ("Residual (day after the term)", fmt.money(x.residual), "assumed"),
    ]
    if x.payback_date is not None:
        lines.append(
            (
                "Payback",
                f"{x.payback_date} ({money.decimal_text(x.payback_months or money.ZERO)} months)",
                "computed",
            )
        )
    else:
        lines.append(
            ("Payback", f"not within the term: {fmt.money(x.shortfall)} short", "computed")
        )
    if x.npv is not None and x.rate is not None:
        lines.append((f"NPV at {money.format_percent(x.rate)}", fmt.money(x.npv), "computed"))
    lines.append(("IRR (XIRR, approximate)", irr_text(x), "computed"))
    if x.breakeven_monthly is not None:
        lines.append(("Breakeven monthly payment", fmt.money(x.breakeven_monthly), "computed"))
    return lines


def irr_text(x: Lessor) -> str:
    irr = x.irr
    if irr.rate is not None:
        text = money.format_percent(irr.rate)
    elif irr.roots:
        text = "several: " + ", ".join(money.format_percent(r) for r in irr.roots)
    else:
        text = "n/a"
    if irr.note and irr.rate is None:
        text += f" ({irr.note})"
    return text


def lessee_lines(y: Lessee, fmt: Fmt) -> list[Line]:
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
        verdict = {"lease": "leasing", "buy": "buying", "neither": "neither"}[
            y.cheaper or "neither"
        ]
        lines.append(("Cheaper", f"{verdict}, by {fmt.money(y.saving)} in PV", "computed"))
    crossover = f"{y.crossover_date}" if y.crossover_date else "never within the term"
    lines.append(("Lease costs more than owning from", crossover, "computed"))
    return lines


def market_lines(z: Market, fmt: Fmt) -> list[Line]:
    below = f"{z.below_market_from}" if z.below_market_from else "never within the term"
    return [
        ("Market price per GPU-hour at start", fmt.price(z.market_gpu_hour), "assumed"),
        ("Market decline per year", money.format_percent(z.market_decline), "assumed"),
        ("Market price at the end", fmt.price(z.market_at_end), "computed"),
        ("GPUs", fmt.count(z.gpus), z.gpus_basis),
        ("Lease price per GPU-hour", fmt.price(z.lease_gpu_hour), "computed"),
        ("Market below the lease price from", below, "computed"),
        ("Market value of the same GPU-hours", fmt.money(z.market_value), "computed"),
        ("Paid above market over the term", fmt.money(z.paid_above_market), "computed"),
    ]


def breakeven_summary(b: Breakeven, fmt: Fmt) -> list[Line]:
    """The few lines of breakeven that ``lease calc`` shows; ``lease breakeven`` has the rest."""
    lines: list[Line] = []
    if b.lessor is not None:
        x = b.lessor
        payback = (
            f"{x.payback_date}"
            if x.payback_date
            else f"not within the term ({fmt.money(x.shortfall)} short)"
        )
        lines.append(("Lessor payback", payback, "computed"))
        if x.npv is not None:
            lines.append(("Lessor NPV", fmt.money(x.npv), "computed"))
        lines.append(("Lessor IRR (approximate)", irr_text(x), "computed"))
    if b.lessee is not None and b.lessee.cheaper is not None:
        y = b.lessee
        verdict = {"lease": "leasing", "buy": "buying", "neither": "neither"}[
            y.cheaper or "neither"
        ]
        lines.append(("Tenant: cheaper in PV", f"{verdict}, by {fmt.money(y.saving)}", "computed"))
    if b.market is not None:
        z = b.market
        lines.append(("Paid above a falling market", fmt.money(z.paid_above_market), "computed"))
    return lines


def chart(x: Lessor, fmt: Fmt, *, width: int = 56, height: int = 10) -> list[str]:
    """Cumulative receipts (#) against cumulative costs (o) over the term, as text.

    Each column is a span of days; it shows the cumulative sums as they stand
    at the end of that span. The column where receipts first reach costs is
    marked on the axis with ``^`` (the payback date).
    """
    points = x.timeline
    if not points:
        return []
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
    return ["Cumulative receipts against cumulative costs", *lines]


#: A grid: column names, rows of cells, and the indices of right-aligned columns.
Grid = tuple[list[str], list[list[str]], tuple[int, ...]]


def schedule_grid(result: ScheduleResult, fmt: Fmt) -> Grid:
    """The schedule's rows (or its periods, with ``--by``) as cells."""
    v = result.view
    pv = v.valuation
    if result.buckets is not None:
        rows = [
            [
                b.label,
                str(b.payments),
                fmt.money(b.amount),
                fmt.money(b.cumulative),
                fmt.money(b.present_value) if b.present_value is not None else "",
            ]
            for b in result.buckets
        ]
        return ["Period", "Payments", "Amount", "Cumulative", "PV"], rows, (1, 2, 3, 4)
    rows = []
    for i, r in enumerate(v.schedule.rows):
        period = period_text(r.period_start, r.period_end)
        if r.fraction is not None:
            period += f" ({money.format_percent(r.fraction, 1)})"
        amount = fmt.money(r.amount)
        if r.credit:
            amount += f" (credit {fmt.money(r.credit)})"
        if r.cap_cut:
            amount += f" (cap cut {fmt.money(r.cap_cut)})"
        factor = pv.factors[i] if pv else None
        value = pv.values[i] if pv else None
        rows.append(
            [
                str(r.n),
                safe(r.stream),
                period,
                str(r.date),
                amount,
                fmt.money(r.cumulative),
                f"{money.round_to(factor, 6):f}" if factor is not None else "",
                fmt.money(value) if value is not None else "",
            ]
        )
    columns = ["#", "Stream", "Period", "Date", "Amount", "Cumulative", "DF", "PV"]
    return columns, rows, (0, 4, 5, 6, 7)


def period_text(start: date | None, end: date | None) -> str:
    """A period, short: ``2026-07-01..31``, ``2026-01-30..02-27``, ``2026-12-15..2027-01-14``."""
    if start is None or end is None:
        return ""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start}..{end.day:02d}"
    if start.year == end.year:
        return f"{start}..{end.month:02d}-{end.day:02d}"
    return f"{start}..{end}"


def schedule_total(result: ScheduleResult, fmt: Fmt) -> str:
    v = result.view
    line = f"Total {fmt.money(v.totals.total)} in {v.totals.payments} payments"
    if v.valuation is not None and result.rate is not None:
        line += (
            f"; present value {fmt.money(v.valuation.present_value)} at "
            f"{money.format_percent(result.rate)}"
        )
    return line


def breakeven_notes(b: Breakeven) -> list[str]:
    """What could not be computed, and the inputs taken as zero, for the notes section."""
    notes = list(b.missing)
    for block in (b.lessor, b.lessee, b.market):
        if block is not None:
            notes.extend(block.notes)
    return notes


def metric_text(kind: str, value: Decimal | None, fmt: Fmt, *, signed: bool = False) -> str:
    """A metric's value as people read it: money compact or exact, rates as percents."""
    if value is None:
        return "n/a"
    if kind == "money":
        text = fmt.money(value)
    elif kind == "price":
        text = fmt.price(value)
    elif kind == "rate":
        text = money.format_percent(value)
    elif kind == "count":
        text = fmt.count(value)
    else:
        text = money.decimal_text(money.round_to(value, 2))
    if signed and value > 0:
        text = "+" + text
    return text


def scenario_grid(c: WhatIf, fmt: Fmt) -> Grid:
    """Each metric for the base deal and the scenario, and the change."""
    rows = []
    for row in c.rows:
        kind = row.metric.kind
        change = row.difference
        if kind == "rate" and change is not None:
            points = money.decimal_text(money.round_to(change * 100, 2))
            diff = f"{'+' if change > 0 else ''}{points} pts"
        else:
            diff = metric_text(kind, change, fmt, signed=True) if change is not None else ""
        rows.append(
            [
                row.metric.label,
                metric_text(kind, row.base[0], fmt),
                metric_text(kind, row.scenario[0], fmt),
                diff,
            ]
        )
    return ["Figure", "Base", "Scenario", "Change"], rows, (1, 2, 3)


def scenario_notes(c: WhatIf) -> list[str]:
    """What the scenario changed, then why any figure is missing (each reason once)."""
    notes = list(c.notes)
    for row in c.rows:
        for side, (value, why) in (("base", row.base), ("scenario", row.scenario)):
            if value is None and why:
                notes.append(f"{row.metric.label} ({side}): {why}")
    return list(dict.fromkeys(notes))


def scenario_title(c: WhatIf) -> str:
    return f"Scenario {safe(c.name)}" if c.name else "Scenario (from the command line)"


def sensitivity_grid(g: SensitivityGrid, fmt: Fmt) -> Grid:
    kind = g.metric.kind
    corner = f"{g.rows.parameter} \\ {g.columns.parameter}" if g.columns else g.rows.parameter
    columns = [corner, *(g.columns.labels if g.columns else [g.metric.label])]
    rows = [
        [label, *(metric_text(kind, cell.value, fmt) for cell in line)]
        for label, line in zip(g.rows.labels, g.cells, strict=True)
    ]
    return columns, rows, tuple(range(1, len(columns)))


def sensitivity_notes(g: SensitivityGrid) -> list[str]:
    """Why cells are empty, each reason once with the cells it explains."""
    reasons: dict[str, list[str]] = {}
    for label, line in zip(g.rows.labels, g.cells, strict=True):
        for j, cell in enumerate(line):
            if cell.value is None:
                where = f"{label}, {g.columns.labels[j]}" if g.columns else label
                reasons.setdefault(cell.why or "not computed", []).append(where)
    return [f"n/a at {'; '.join(cells)}: {why}" for why, cells in reasons.items()]


def sensitivity_title(g: SensitivityGrid) -> str:
    by = f"{g.rows.parameter} (rows)"
    if g.columns:
        by += f" and {g.columns.parameter} (columns)"
    return f"{g.metric.label} by {by}"


def compare_grid(c: DealComparison, fmt: Fmt) -> Grid:
    columns = ["Figure", *(safe(s.id) for s in c.sides)]
    rows = [
        [m.label, *(metric_text(m.kind, value, fmt) for value, _ in readings)]
        for m, readings in c.rows
    ]
    return columns, rows, tuple(range(1, len(columns)))


def compare_notes(c: DealComparison) -> list[str]:
    notes = [f"{safe(s.id)}: {safe(s.path)} ({s.analysis.deal.currency})" for s in c.sides]
    notes += [
        f"1 {code} = {money.decimal_text(rate)} {c.currency.code}" for code, rate in c.fx.items()
    ]
    for m, readings in c.rows:
        for side, (value, why) in zip(c.sides, readings, strict=True):
            if value is None and why:
                notes.append(f"{m.label} for {safe(side.id)}: {why}")
    return notes


def book_grid(b: Book, fmt: Fmt, which: str) -> Grid:
    """Revenue by year, one column per deal and a total: ``which`` is scheduled or committed."""
    table = b.scheduled if which == "scheduled" else b.committed
    totals = b.scheduled_total if which == "scheduled" else b.committed_total
    columns = ["Year", *(safe(s.id) for s in b.sides), "Total"]
    rows = [
        [str(year), *(fmt.money(v) for v in table[year]), fmt.money(sum(table[year], money.ZERO))]
        for year in b.years
    ]
    rows.append(["Total", *(fmt.money(v) for v in totals), fmt.money(sum(totals, money.ZERO))])
    return columns, rows, tuple(range(1, len(columns)))
