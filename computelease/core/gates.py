"""Policy gates: limits a team sets on its deals, each a finding when a deal crosses it.

A gate reads one figure of an analysed deal (the total with options, the
highest monthly fee, the committed share, the price per GPU-hour, the
lessor's IRR) and compares it with a limit at one of two levels: ``warn``
(a warning, which fails only ``lease check --strict``) and ``fail`` (an
error). Each gate has its own code per level (W601/E601 for the total...)
and names the deal field the finding belongs on, so a pull request shows it
on that line. A figure the deal cannot give (no GPU count, no capex) is a
W600 naming the gate and why, never a silent pass.

Where the limits come from (flags, environment, files) is the caller's
business: this module reads only the written value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from computelease import money
from computelease.errors import Code, Codes, FieldError, FieldPath, RequestError

if TYPE_CHECKING:
    # The command line builds its gate options from GATES on every start: the analysis
    # (and the models under it) load only when a gate is evaluated.
    from computelease.core.analysis import Analysis
    from computelease.models import Deal

Level = Literal["warn", "fail"]
LEVELS: Final[tuple[Level, ...]] = ("fail", "warn")


@dataclass(frozen=True)
class Gate:
    """One limit a policy may set: what it reads, which way it bounds, where it points."""

    key: str
    label: str
    bound: Literal["max", "min"]
    kind: Literal["money", "rate"]
    read: Callable[[Analysis], tuple[Decimal | None, str | None]]
    field: Callable[[Deal], FieldPath]
    fail: Code
    warn: Code
    help: str


def _metric(name: str) -> Callable[[Analysis], tuple[Decimal | None, str | None]]:
    """A metric's reading, the metrics imported when it is first read."""

    def read(a: Analysis) -> tuple[Decimal | None, str | None]:
        from computelease.core.metrics import METRICS

        return METRICS[name].read(a)

    return read


def _monthly(a: Analysis) -> tuple[Decimal | None, str | None]:
    totals = (a.with_options or a.base).totals
    return (totals.run_rate if totals.run_rate is not None else totals.average_monthly), None


def _committed(a: Analysis) -> tuple[Decimal | None, str | None]:
    total = a.base.totals.total
    if not total:
        return None, "the deal's total is zero"
    return a.commitment.committed_value / total, None


def _first(*paths: Callable[[Deal], FieldPath | None]) -> Callable[[Deal], FieldPath]:
    """The first of ``paths`` the deal has, else its payments: where a finding is shown."""

    def where(deal: Deal) -> FieldPath:
        for path in paths:
            found = path(deal)
            if found is not None:
                return found
        return ("payments",)

    return where


def _cap(deal: Deal) -> FieldPath | None:
    return ("cap",) if deal.cap is not None else None


def _termination(deal: Deal) -> FieldPath | None:
    return ("termination", "notice_days") if deal.termination is not None else None


def _gpus(deal: Deal) -> FieldPath | None:
    if deal.capacity is not None and deal.capacity.gpus:
        return ("capacity", "gpus")
    return ("reported", "gpus") if deal.reported is not None and deal.reported.gpus else None


def _capex(deal: Deal) -> FieldPath | None:
    lessor = deal.assumptions.lessor
    if lessor is None:
        return None
    name = "capex" if lessor.capex is not None else "capex_per_gpu"
    return ("assumptions", "lessor", name) if getattr(lessor, name) is not None else None


GATES: Final = {
    g.key: g
    for g in (
        Gate(
            "max-total",
            "total with options",
            "max",
            "money",
            _metric("total_with_options"),
            _first(_cap),
            Codes.GATE_TOTAL,
            Codes.GATE_TOTAL_WARN,
            "The most a deal may come to: its total with options (its 'up to'). Money: 10B.",
        ),
        Gate(
            "max-monthly",
            "highest monthly fee",
            "max",
            "money",
            _monthly,
            _first(),
            Codes.GATE_MONTHLY,
            Codes.GATE_MONTHLY_WARN,
            "The highest monthly fee (with options; a quarter's fee over its months). Money: 500M.",
        ),
        Gate(
            "min-committed",
            "committed share of the total",
            "min",
            "rate",
            _committed,
            _first(_termination),
            Codes.GATE_COMMITTED,
            Codes.GATE_COMMITTED_WARN,
            "The least share of the total that is committed (owed even after the earliest "
            "termination). Rate: 20%.",
        ),
        Gate(
            "max-gpu-hour",
            "price per GPU-hour",
            "max",
            "money",
            _metric("price_per_gpu_hour"),
            _first(_gpus),
            Codes.GATE_GPU_HOUR,
            Codes.GATE_GPU_HOUR_WARN,
            "The highest price per GPU-hour. Money: 4.00.",
        ),
        Gate(
            "min-irr",
            "lessor IRR",
            "min",
            "rate",
            _metric("irr_lessor"),
            _first(_capex),
            Codes.GATE_IRR,
            Codes.GATE_IRR_WARN,
            "The least unlevered IRR for the lessor. Rate: 12%.",
        ),
    )
}


@dataclass(frozen=True)
class Limit:
    """A gate's limit at one level, as written, and where it was set (a flag, a file...)."""

    key: str
    level: Level
    written: str
    value: Decimal
    #: The currency an amount was written in (``$10B``), or None for a bare number.
    currency: str | None
    source: str

    @property
    def gate(self) -> Gate:
        return GATES[self.key]


def parse_limit(key: str, level: Level, written: str, source: str) -> Limit:
    """A limit read as the gate's kind reads it; RequestError says what is wrong, and where."""
    gate = GATES[key]
    try:
        if gate.kind == "money":
            value = money.parse_money(written)
            currency = money.mark_of(written)
        else:
            value = money.parse_rate(written, low=Decimal(-1), high=Decimal(10), what=gate.label)
            currency = None
    except FieldError as exc:
        raise RequestError(Codes.BAD_SETTING, f"{source}: {exc.message}") from None
    return Limit(key, level, written.strip(), value, currency, source)


@dataclass(frozen=True)
class Setting:
    """One gate at one level: its limit if set, and where that came from (for --show-config)."""

    key: str
    level: Level
    limit: Limit | None

    @property
    def name(self) -> str:
        return self.key if self.level == "fail" else f"warn-{self.key}"


@dataclass(frozen=True)
class Policy:
    """Every gate at both levels, set or not, and the config file read (if any)."""

    settings: tuple[Setting, ...]
    file: str | None = None

    @property
    def limits(self) -> tuple[Limit, ...]:
        return tuple(s.limit for s in self.settings if s.limit is not None)


@dataclass(frozen=True)
class Finding:
    """A gate's verdict on one deal: a breach at a level, or why it could not be checked."""

    code: Code
    field: FieldPath
    message: str


def evaluate(analysis: Analysis, limits: Sequence[Limit]) -> list[Finding]:
    """Each limit the deal crosses (a fail level first, its warn level then not repeated)."""
    findings: list[Finding] = []
    deal = analysis.deal
    for key, gate in GATES.items():
        mine = sorted(
            (lim for lim in limits if lim.key == key), key=lambda x: LEVELS.index(x.level)
        )
        if not mine:
            continue
        where = gate.field(deal)
        figure, why = gate.read(analysis)
        if figure is None:
            message = f"{key} not checked: {why} (the limit is set by {mine[0].source})"
            findings.append(Finding(Codes.GATE_UNCHECKED, where, message))
            continue
        for limit in mine:
            if limit.currency is not None and limit.currency != deal.currency:
                findings.append(
                    Finding(
                        Codes.GATE_UNCHECKED,
                        where,
                        f"{key} not checked: the limit {limit.written} is in {limit.currency}, "
                        f"the deal in {deal.currency}",
                    )
                )
                break
            crossed = figure > limit.value if gate.bound == "max" else figure < limit.value
            if crossed:
                findings.append(
                    Finding(_code(gate, limit.level), where, _message(deal, gate, limit, figure))
                )
                break  # the fail level's breach says it all
    return findings


def _code(gate: Gate, level: Level) -> Code:
    return gate.fail if level == "fail" else gate.warn


def _message(deal: Deal, gate: Gate, limit: Limit, figure: Decimal) -> str:
    ccy = money.CURRENCIES[deal.currency]
    # Shown as briefly as tells the figure from the limit: never "23% is below 23%".
    if gate.kind == "money":
        compact = gate.key != "max-gpu-hour"  # a unit price is read to the cent
        shown = money.format_money(figure, ccy, compact=compact)
        bound = money.format_money(limit.value, ccy, compact=compact)
        if shown == bound:
            shown, bound = money.format_money(figure, ccy), money.format_money(limit.value, ccy)
    else:
        for places in range(1, 11):
            shown = money.format_percent(figure, places)
            bound = money.format_percent(limit.value, places)
            if shown != bound:
                break
    if shown == bound:  # a limit finer than a cent: as the user wrote it
        bound = limit.written
    side = "above the maximum" if gate.bound == "max" else "below the minimum"
    name = limit.key if limit.level == "fail" else f"warn-{limit.key}"
    return f"{gate.label} {shown} is {side} {bound} ({name}, set by {limit.source})"
