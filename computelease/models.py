"""The deal file format, version 1, as strict, closed, frozen pydantic models.

A :class:`Deal` that exists is a deal the core can compute: every field is
parsed from the text the user wrote by the types in :mod:`computelease.fields`,
unknown keys are refused, and the rules that tie fields together (an ``end``
after ``start``, streams inside the term, bounded work) are checked in one
pass that reports every broken rule at the field that breaks it: cross-field
rules raise one ``consistency`` error listing each ``(path, code, message)``,
which :mod:`computelease.validation` turns into located issues. The format is
documented in ``deals/README.md``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.functional_validators import ModelWrapValidatorHandler

from computelease import dates, money
from computelease.errors import Codes, FieldError, FieldPath
from computelease.fields import (
    AmortisationField,
    ClassificationField,
    CreditField,
    CurrencyCode,
    Day,
    DebtAmount,
    Decline,
    DefaultProbability,
    Delay,
    DelayField,
    DelayMonths,
    DeliveredShare,
    DiscountRate,
    Dscr,
    Escalation,
    Flag,
    FrequencyField,
    GapMonths,
    Gpus,
    HoursBasisField,
    InterestRate,
    Issue,
    LeaseTermField,
    Money,
    MoneyOrPercent,
    Name,
    Notes,
    NoticeDays,
    OutageHours,
    OutageRate,
    PartyField,
    PowerMW,
    Pue,
    ReportedMonths,
    ScenarioName,
    SecuredOnField,
    ServiceFrequencyField,
    Share,
    ShortfallField,
    Slug,
    StandardField,
    TenorMonths,
    TerminateField,
    TermMonths,
    TimingField,
    Tolerance,
    TrancheName,
    Url,
    Utilisation,
    Version,
    Volatility,
    Years,
    currency_code,
    currency_scope,
    parser,
    raise_issues,
    set_paths,
)

__all__ = ["Deal", "Delay", "Scenario", "as_data", "period_count", "schedule_rows"]

#: Bound on the schedule a deal may ask for, across all streams.
MAX_ROWS: Final = 50_000
#: Schedule rows one run builds at most for one deal file: ``lease check`` builds the
#: deal's schedules and each scenario's, so a 49,200-row deal checks one scenario and a
#: 5,000-row deal twenty; a sensitivity grid builds one schedule a cell. About 1.5 s of
#: work on a 2-core machine (measured in tests/benchmarks).
MAX_WORK: Final = 120_000
#: Bounds on the work one deal file may ask for beyond its schedule rows.
MAX_PREPAYMENTS: Final = 12
MAX_ADJUSTMENTS: Final = 50
MAX_SCENARIOS: Final = 20
#: Tranches of capacity: real deals deliver in a handful (a shortfall scenario doubles them).
MAX_TRANCHES: Final = 24
#: Rounds of funding a tenant's file lists.
MAX_FUNDING: Final = 50

#: Months per period for each recurring frequency.
STEP_MONTHS: Final[dict[str, int]] = {"month": 1, "quarter": 3, "year": 12}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """``assumptions:`` or ``every:`` with nothing after it means the default, as if absent."""
        if isinstance(data, Mapping):
            defaulted = _optional_keys(cls)
            return {k: v for k, v in data.items() if not (v is None and k in defaulted)}
        return data


@functools.cache
def _optional_keys(model: type[BaseModel]) -> frozenset[str]:
    """The keys a model may leave out, as written in a file: once a class, not once a value."""
    return frozenset(
        f.alias or name for name, f in model.model_fields.items() if not f.is_required()
    )


class PaymentStream(_Model):
    """A run of equal (or escalating) payments: the unit of a deal's schedule."""

    name: Name | None = None
    amount: Money | None = None
    per_gpu_hour: Money | None = None
    every: FrequencyField = "month"
    timing: TimingField = "advance"
    from_: Day | None = Field(default=None, alias="from")
    until: Day | None = None
    escalation: Escalation | None = None
    option: Flag = False
    #: Usage-based: left out of the lease payments lease accounting measures (ASC 842, IFRS 16).
    variable: Flag = False
    #: The capacity tranche the stream pays for: billed per its GPUs in service, and moved
    #: with it when its delivery slips.
    tranche: TrancheName | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> PaymentStream:
        issues: list[Issue] = []
        if self.amount is None and self.per_gpu_hour is None:
            issues.append(((), Codes.AMOUNT_SPEC, "a payment stream needs amount or per_gpu_hour"))
        elif self.amount is not None and self.per_gpu_hour is not None:
            issues.append(
                (("per_gpu_hour",), Codes.AMOUNT_SPEC, "give amount or per_gpu_hour, not both")
            )
        elif self.per_gpu_hour is not None and self.every == "once":
            issues.append(
                (
                    ("per_gpu_hour",),
                    Codes.AMOUNT_SPEC,
                    "per_gpu_hour needs a recurring stream (every: month, quarter or year)",
                )
            )
        raise_issues(issues)
        return self


class Prepayment(_Model):
    """Money paid ahead, credited against later payments; it moves money, not the total."""

    amount: MoneyOrPercent
    on: Day | None = None
    credit: CreditField = "pro-rata"
    #: How much of it is credited against later payments (default: all); the lessor keeps
    #: the rest. A scenario that ends a term early sets it to what the shorter term absorbs.
    credited: Money | None = None


class Termination(_Model):
    """An early-termination right: what separates committed value from headline value."""

    notice_days: NoticeDays
    not_before: Day | None = None
    by: PartyField = "either"
    fee: Money | None = None


class Reported(_Model):
    """Figures as publicly reported, which ``lease check`` verifies against the computation."""

    total: Money | None = None
    monthly: Money | None = None
    months: ReportedMonths | None = None
    start: Day | None = None
    end: Day | None = None
    gpus: Gpus | None = None
    power_mw: PowerMW | None = None
    tolerance: Tolerance = Decimal("0.005")


class Tranche(_Model):
    """A block of capacity delivered on its own date, with (optionally) its own capex."""

    name: TrancheName | None = None
    accelerator: Name | None = None
    gpus: Gpus | None = None
    #: IT power of the tranche, in MW (GPUs, networking and storage; not cooling).
    power_mw: PowerMW | None = None
    #: The first day in service; default the start.
    delivered: Day | None = None
    #: The last day in service; default the end. A shortfall scenario retires the part of a
    #: tranche that was never delivered.
    until: Day | None = None
    #: IT capex of this tranche (systems, networking, storage, spares), spent on capex_date.
    capex: Money | None = None
    #: When that capex is spent; default the delivery. A delay scenario keeps it in place.
    capex_date: Day | None = None
    #: Bought but not taken: the tenant dropped it (a scenario sets this when a tranche
    #: arrives too late, or the lease ends before it does). Its capex still falls on its
    #: date; none of it is in service or billed, and the lessor re-lets it at the market
    #: from its delivery, after the re-letting gap.
    dropped: Flag = False
    #: The tranche this one is a share of: a shortfall scenario splits off the share never
    #: delivered as a tranche of its own, and the streams tied to the whole still bill it
    #: for as long as it is in service.
    part_of: TrancheName | None = None
    #: What this tranche's GPUs fetch at the committed-term market on the deal's start, when
    #: a mixed fleet's GPUs differ (Hoppers beside GB200s): their re-let at the end follows
    #: the deal's market from this price. Default: the deal's market price.
    market_gpu_hour: Money | None = None


class Capacity(_Model):
    """What the lessee gets: one block (``gpus``, ``power_mw``), or tranches delivered over time."""

    accelerator: Name | None = None
    gpus: Gpus | None = None
    power_mw: PowerMW | None = None
    tranches: tuple[Tranche, ...] = ()

    @model_validator(mode="after")
    def _one_way(self) -> Capacity:
        issues: list[Issue] = []
        if self.tranches:
            issues.extend(
                ((field,), Codes.ONE_OF, f"give {field} per tranche or for the whole capacity")
                for field in ("gpus", "power_mw")
                if getattr(self, field) is not None
            )
            names = [t.name or f"tranche-{i + 1}" for i, t in enumerate(self.tranches)]
            for i, name in enumerate(names):
                if name in names[:i]:
                    issues.append(
                        (("tranches", i, "name"), Codes.DUPLICATE_KEY, f"tranche {name!r} twice")
                    )
        raise_issues(issues)
        return self


class Facility(_Model):
    """Where the capacity runs: a facility the lessor built, or one it rents."""

    #: Built: the building, power and cooling plant, per MW of IT power.
    capex_per_mw: Money | None = None
    life_years: Years = 20
    #: Rented: colocation per kW of IT power a month, escalating yearly from the start.
    rent_per_kw_month: Money | None = None
    rent_escalation: Escalation | None = None

    @model_validator(mode="after")
    def _built_or_rented(self) -> Facility:
        if (self.capex_per_mw is None) == (self.rent_per_kw_month is None):
            raise_issues(
                [
                    (
                        (),
                        Codes.ONE_OF,
                        "give capex_per_mw (a facility built) or rent_per_kw_month (rented), "
                        "not both or neither",
                    )
                ]
            )
        return self


class Power(_Model):
    """Electricity: IT MW x utilisation x PUE x hours x price, escalating yearly."""

    price_mwh: Money
    pue: Pue = Decimal("1.2")
    #: The share of the IT nameplate drawn on average.
    utilisation: Utilisation = Decimal(1)
    escalation: Escalation | None = None


class Financing(_Model):
    """The lessor's debt: drawn with the capex, serviced from the lease's cash each period.

    ``debt`` is a share of the capex it is secured on (drawn as each part is
    spent) or an amount (drawn in proportion to it); a sculpted loan may
    leave it out and be sized by ``target_dscr`` alone.
    """

    debt: DebtAmount | None = None
    #: A fixed rate; or a floating one, base_rate plus spread (the base held flat).
    rate: InterestRate | None = None
    base_rate: InterestRate | None = None
    spread: InterestRate | None = None
    tenor_months: TenorMonths
    #: How often debt service is paid; by default as the deal's first base stream bills.
    every: ServiceFrequencyField | None = None
    amortisation: AmortisationField = "level"
    #: The coverage a sculpted loan's debt service is set to.
    target_dscr: Dscr | None = None
    #: The covenant: each period's DSCR below it is a breach.
    min_dscr: Dscr | None = None
    #: Upfront fee, a share of each draw, paid when drawn.
    fee: Share | None = None
    #: The share of cash left after debt service that prepays the loan.
    sweep: Share | None = None
    #: What the loan finances and is secured on: the IT (the GPUs and their systems), or
    #: all the capex (the building too).
    secured_on: SecuredOnField = "it"


class LessorAssumptions(_Model):
    """The lessor's whole cost stack; every part optional, and an absent part named in notes."""

    #: IT capex of all the capacity, spent on capex_date; or give it per GPU, or per tranche.
    capex: Money | None = None
    capex_per_gpu: Money | None = None
    #: When the capex is spent; default the start. A delay scenario keeps it in place.
    capex_date: Day | None = None
    facility: Facility | None = None
    power: Power | None = None
    #: A year, as a share of IT capex (hardware support, spares replaced).
    maintenance: Share | None = None
    #: A year, as a share of all capex (IT and facility).
    insurance: Share | None = None
    #: Staff and other opex a month.
    opex_monthly: Money | None = None
    #: The IT's useful life: its depreciation, and how long it can be re-let after the term.
    useful_life_years: Years = 5
    #: Months the capacity stands idle before it is re-let, when a lease ends.
    relet_gap_months: GapMonths = 2
    #: A fixed value at the end, instead of the capacity re-let at the market.
    residual: Money | None = None
    financing: Financing | None = None


class LesseeAssumptions(_Model):
    buy_capex: Money | None = None
    buy_opex_monthly: Money | None = None
    buy_residual: Money | None = None


class TenantCredit(_Model):
    """The tenant's credit: a spread for its risk, or a default probability and a recovery."""

    #: Added to the discount rate for the credit-adjusted present value.
    spread: InterestRate | None = None
    #: A year, held constant over the term.
    default_probability: DefaultProbability | None = None
    #: The share of a payment missed after a default that is recovered.
    recovery: Share | None = None


class Funding(_Model):
    """Cash the tenant has raised or has committed to it: one round."""

    amount: Money
    date: Day
    source: Name


class MarketPoint(_Model):
    """A committed-term market price per GPU-hour on a date."""

    date: Day
    gpu_hour: Money


class Assumptions(_Model):
    """Inputs that were not reported: each deal file says why it chose them."""

    discount_rate: DiscountRate | None = None
    #: The market price per GPU-hour of capacity committed for a term like this deal's
    #: (not on-demand), on market_date.
    market_gpu_hour: Money | None = None
    market_decline: Decline | None = None
    #: The date market_gpu_hour applies on; default the start.
    market_date: Day | None = None
    #: Dated committed-term prices, interpolated between, declining beyond at market_decline.
    market_curve: tuple[MarketPoint, ...] = ()
    #: The on-demand price, shown for reference; never compared with a committed price.
    on_demand_gpu_hour: Money | None = None
    hours_basis: HoursBasisField = "actual"
    lessor: LessorAssumptions | None = None
    lessee: LesseeAssumptions | None = None
    credit: TenantCredit | None = None
    #: What the tenant has to pay the lease with: each round raised or committed.
    lessee_funding: tuple[Funding, ...] = ()


class Delivery(_Model):
    """When the capacity must be delivered, and what a shortfall after the grace period does."""

    deadline: Day
    grace_days: NoticeDays = 0
    shortfall: ShortfallField = "pro-rata"


class Sla(_Model):
    """Service level: below the uptime target, a share of each period's fee is credited back."""

    uptime: Share
    credit: Share
    credit_cap: Share = Decimal(1)


class DeliveryRisk(_Model):
    """How late the capacity may come: a chance of a slip, and its length if it slips."""

    #: The chance the delivery slips at all.
    probability: Share | None = None
    #: A slip's length in months: triangular from low through mode to high.
    low_months: DelayMonths | None = None
    mode_months: DelayMonths | None = None
    high_months: DelayMonths | None = None


class CounterpartyRisk(_Model):
    """Whether the tenant keeps paying: a default hazard, and when it would walk away."""

    default_probability: DefaultProbability | None = None
    recovery: Share | None = None
    #: A walkaway for reasons of its own (its roadmap or financing shifts), a year.
    walk_probability: DefaultProbability | None = None
    #: The rational walkaway: notice at the first chance once the market is cheaper
    #: than the lease by this share.
    walk_margin: Share | None = None
    rational_walk: Flag | None = None


class PricingRisk(_Model):
    """How far the market price wanders from its curve: lognormal, the curve its median."""

    volatility: Volatility | None = None


class OperationsRisk(_Model):
    """Outages of the capacity: how often, how long, and what each costs the lessor."""

    outages_per_year: OutageRate | None = None
    mean_hours: OutageHours | None = None
    cost_per_outage: Money | None = None


class Risk(_Model):
    """The deal's four risks as distributions, for ``lease risk`` (defaults in core.risk)."""

    delivery: DeliveryRisk = DeliveryRisk()
    counterparty: CounterpartyRisk = CounterpartyRisk()
    pricing: PricingRisk = PricingRisk()
    operations: OperationsRisk = OperationsRisk()


class Accounting(_Model):
    """How the tenant's books measure the lease: ASC 842 or IFRS 16, at a borrowing rate."""

    standard: StandardField
    #: The incremental borrowing rate, or the rate implicit in the lease, a year.
    rate: DiscountRate
    commencement: Day | None = None
    #: ASC 842 only (IFRS 16 has one lessee model); default operating.
    classification: ClassificationField | None = None
    initial_direct_costs: Money | None = None
    incentives: Money | None = None
    #: The lease term judgement: the whole term (a termination option reasonably certain
    #: not to be exercised), or to the earliest exit (with the termination fee).
    lease_term: LeaseTermField = "full"

    @model_validator(mode="after")
    def _one_model(self) -> Accounting:
        if self.standard == "ifrs16" and self.classification is not None:
            raise_issues(
                [
                    (
                        ("classification",),
                        Codes.DOES_NOT_APPLY,
                        "IFRS 16 has one lessee model: leave classification out "
                        "(it is ASC 842's operating or finance)",
                    )
                ]
            )
        return self


class Adjustment(_Model):
    """Payments for periods starting in a date range are multiplied by ``factor``.

    Written by scenarios (a delivered share, SLA credits), and usable directly
    for a discounted ramp month.
    """

    name: Name | None = None
    factor: Share
    from_: Day | None = Field(default=None, alias="from")
    until: Day | None = None
    #: Whether per-GPU-hour streams are scaled too. A delivered-share scenario sets false:
    #: those streams already bill only the capacity delivered.
    per_gpu_hour: Flag = True


def _deal() -> type[BaseModel]:
    """The deal's model, for the paths a scenario sets: defined below, read when validating."""
    return Deal


class Scenario(_Model):
    """A named case: overrides applied to the deal before it is computed (see core.scenario)."""

    delay: DelayField | None = None
    extend: Flag = False
    terminate: TerminateField | None = None
    delivered: DeliveredShare | None = None
    uptime: Share | None = None
    market_gpu_hour: Money | None = None
    market_decline: Decline | None = None
    discount_rate: DiscountRate | None = None
    set: Annotated[
        tuple[tuple[str, str | None], ...],
        parser(set_paths(_deal), scalar=False),
        WithJsonSchema(
            {
                "type": "object",
                "propertyNames": {"pattern": r"^[A-Za-z_][A-Za-z0-9_.\[\]-]*$"},
                "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
            }
        ),
    ] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Scenario:
        issues: list[Issue] = []
        # Overrides to be merged into a named scenario (``--name late --extend``) are checked
        # for consistency once merged: the delay that extend needs may come from the file.
        if self.extend and self.delay is None and not (info.context or {}).get(PARTIAL):
            issues.append(
                (
                    ("extend",),
                    Codes.NEEDS_INPUT,
                    "extend keeps the term's length after a delay: it needs delay",
                )
            )
        paths = {path for path, _ in self.set}
        issues.extend(
            (
                (name,),
                Codes.ONE_OF,
                f"give {name} or set assumptions.{name}, not both: they are one change",
            )
            for name in SHORTHANDS
            if getattr(self, name) is not None and f"assumptions.{name}" in paths
        )
        raise_issues(issues)
        return self


#: Scenario overrides that are shorthands for setting the assumption of the same name.
SHORTHANDS: Final = ("discount_rate", "market_gpu_hour", "market_decline")
#: Validation context of scenario overrides still to be merged into a named scenario.
PARTIAL: Final = "partial"


class Source(_Model):
    title: Name
    publisher: Name | None = None
    url: Url | None = None
    date: Day | None = None


class Deal(_Model):
    """One compute deal: parties, term, payment streams and what is known about it."""

    version: Version = 1
    id: Slug | None = None
    name: Name
    lessor: Name
    lessee: Name
    currency: CurrencyCode = "USD"
    notes: Notes | None = None
    start: Day
    end: Day | None = None
    months: TermMonths | None = None
    payments: tuple[PaymentStream, ...] = Field(min_length=1)
    prepayments: tuple[Prepayment, ...] = ()
    termination: Termination | None = None
    cap: Money | None = None
    reported: Reported | None = None
    capacity: Capacity | None = None
    assumptions: Assumptions = Assumptions()
    delivery: Delivery | None = None
    sla: Sla | None = None
    adjustments: tuple[Adjustment, ...] = ()
    scenarios: dict[ScenarioName, Scenario] = Field(default_factory=dict)
    risk: Risk | None = None
    accounting: Accounting | None = None
    sources: tuple[Source, ...] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _currency_scope(cls, data: Any, handler: ModelWrapValidatorHandler[Deal]) -> Deal:
        code: str | None = None
        if isinstance(data, Mapping):
            try:
                code = currency_code(data.get("currency", "USD"))
            except FieldError:
                code = None  # reported at 'currency'; marks are then not compared
        with currency_scope(code):
            return handler(data)

    @model_validator(mode="after")
    def _consistent(self) -> Deal:
        raise_issues(list(_consistency(self)))
        return self

    @property
    def term_end(self) -> date:
        """The last day the term covers (inclusive)."""
        if self.end is not None:
            return self.end
        assert self.months is not None  # one of the two is required
        return dates.add_months(self.start, self.months) - dates.ONE_DAY

    @property
    def ccy(self) -> money.Currency:
        return money.CURRENCIES[self.currency]

    @property
    def has_options(self) -> bool:
        return any(s.option for s in self.payments)

    @property
    def gpus(self) -> int | None:
        """GPUs at full delivery: ``capacity.gpus`` (or its tranches'), else the reported count."""
        capacity = self.capacity
        if capacity is not None and capacity.tranches:
            counts = [t.gpus for t in capacity.tranches if t.gpus is not None and not t.dropped]
            return sum(counts) if counts else None
        if capacity is not None and capacity.gpus is not None:
            return capacity.gpus
        return self.reported.gpus if self.reported is not None else None

    @property
    def power_mw(self) -> Decimal | None:
        """IT power at full delivery: ``capacity.power_mw`` (or its tranches'), else reported."""
        capacity = self.capacity
        if capacity is not None and capacity.tranches:
            powers = [
                t.power_mw for t in capacity.tranches if t.power_mw is not None and not t.dropped
            ]
            return sum(powers, Decimal(0)) if powers else None
        if capacity is not None and capacity.power_mw is not None:
            return capacity.power_mw
        return self.reported.power_mw if self.reported is not None else None

    @property
    def last_day_with_options(self) -> date:
        """The last day the schedule with options covers: the end, or an extension's last."""
        end = self.term_end
        return max([end, *((s.until or end) for s in self.payments if s.option)])

    def stream_name(self, index: int) -> str:
        stream = self.payments[index]
        return stream.name or f"payments[{index}]"


def _consistency(deal: Deal) -> Iterator[Issue]:
    """Every rule that ties fields together, each reported at the field that breaks it."""
    if deal.end is not None and deal.months is not None:
        yield (("months",), Codes.TERM_SPEC, "give end or months, not both")
        return
    if deal.end is None and deal.months is None:
        yield (("start",), Codes.TERM_SPEC, "the term needs an end date or a number of months")
        return
    try:
        limit = dates.add_months(deal.start, dates.MAX_TERM_MONTHS) - dates.ONE_DAY
    except dates.DateOverflow:
        limit = date.max
    if deal.months is not None:
        try:
            end = dates.add_months(deal.start, deal.months) - dates.ONE_DAY
        except dates.DateOverflow:
            end = date.max
        if end > dates.LAST_TERM_DAY:
            yield (
                ("months",),
                Codes.TERM_TOO_LONG,
                f"{deal.months} months from {deal.start} runs past {dates.LAST_TERM_DAY}, "
                "the last day a term may cover",
            )
            return
    else:
        assert deal.end is not None
        end = deal.end
        if end < deal.start:
            yield (("end",), Codes.END_BEFORE_START, f"end {end} is before start {deal.start}")
            return
        if end > dates.LAST_TERM_DAY:
            yield (
                ("end",),
                Codes.TERM_TOO_LONG,
                f"end {end} is past {dates.LAST_TERM_DAY}, the last day a term may cover",
            )
            return
        if end > limit:
            yield (
                ("end",),
                Codes.TERM_TOO_LONG,
                f"a term from {deal.start} to {end} is longer than 100 years "
                f"({dates.MAX_TERM_MONTHS} months), the longest supported",
            )
            return

    def inside(path: FieldPath, day: date | None, what: str) -> Iterator[Issue]:
        if day is not None and not deal.start <= day <= end:
            yield (
                path,
                Codes.OUTSIDE_TERM,
                f"{what} {day} is outside the term {deal.start} to {end}",
            )

    if deal.start < dates.FIRST_TERM_DAY:
        yield (
            ("start",),
            Codes.TERM_TOO_LONG,
            f"start {deal.start} is before {dates.FIRST_TERM_DAY}, the first day a term may cover",
        )
        return
    yield from _dates_near_the_term(deal, end)

    latest = min(limit, dates.LAST_TERM_DAY)

    def inside_options(path: FieldPath, day: date | None, what: str) -> Iterator[Issue]:
        # An option (an extension, a renewal) may run past the end, within the longest term.
        if day is not None and not deal.start <= day <= latest:
            yield (
                path,
                Codes.OUTSIDE_TERM if day < deal.start else Codes.TERM_TOO_LONG,
                f"{what} {day} of an option is outside {deal.start} to {latest}, "
                "the longest a term with its options may run",
            )

    books = deal.accounting
    if books is not None:
        yield from inside(("accounting", "commencement"), books.commencement, "commencement")
        if books.lease_term == "earliest-exit" and deal.termination is None:
            yield (
                ("accounting", "lease_term"),
                Codes.NEEDS_INPUT,
                "a lease term to the earliest exit needs a termination block",
            )
    tranches = {
        t.name or f"tranche-{i + 1}": t
        for i, t in enumerate(deal.capacity.tranches if deal.capacity else ())
    }
    has_market = deal.assumptions.market_gpu_hour is not None or deal.assumptions.market_curve
    for i, (name, t) in enumerate(tranches.items()):
        if t.market_gpu_hour is not None and not has_market:
            yield (
                ("capacity", "tranches", i, "market_gpu_hour"),
                Codes.NEEDS_INPUT,
                "a tranche's market_gpu_hour follows the deal's market: give "
                "assumptions.market_gpu_hour or assumptions.market_curve",
            )
        if t.part_of is not None and (t.part_of not in tranches or t.part_of == name):
            others = ", ".join(n for n in tranches if n != name) or "none"
            yield (
                ("capacity", "tranches", i, "part_of"),
                Codes.UNKNOWN_TRANCHE,
                f"part_of {t.part_of!r} names no other tranche (the deal has: {others})",
            )
    rows = 0
    for i, stream in enumerate(deal.payments):
        base: FieldPath = ("payments", i)
        check = inside_options if stream.option else inside
        outside = [
            *check((*base, "from"), stream.from_, "from"),
            *check((*base, "until"), stream.until, "until"),
        ]
        if outside:
            yield from outside
            continue
        first = stream.from_ or deal.start
        last = stream.until or end
        if stream.tranche is not None and stream.tranche not in tranches:
            have = ", ".join(tranches) or "none"
            yield (
                (*base, "tranche"),
                Codes.UNKNOWN_TRANCHE,
                f"no tranche named {stream.tranche!r} in capacity.tranches (the deal has: {have})",
            )
            continue
        if last < first:
            yield (
                (*base, "until"),
                Codes.END_BEFORE_START,
                f"an option from {first}, after the end, needs an until: its last day"
                if stream.option and stream.until is None
                else f"until {last} is before the stream's first day {first}",
            )
            continue
        billed = tranches[stream.tranche].gpus if stream.tranche else deal.gpus
        if stream.per_gpu_hour is not None and billed is None:
            yield (
                (*base, "per_gpu_hour"),
                Codes.NEEDS_INPUT,
                f"per_gpu_hour needs the GPUs of tranche {stream.tranche!r}"
                if stream.tranche
                else "per_gpu_hour needs capacity.gpus (or reported.gpus), the GPUs billed",
            )
        rows += period_count(stream.every, first, last)
    split = deal.capacity.tranches if deal.capacity else ()
    for field, items, most in (
        ("prepayments", deal.prepayments, MAX_PREPAYMENTS),
        ("adjustments", deal.adjustments, MAX_ADJUSTMENTS),
        ("scenarios", deal.scenarios, MAX_SCENARIOS),
        ("assumptions.lessee_funding", deal.assumptions.lessee_funding, MAX_FUNDING),
        # A shortfall splits each tranche in two: the shares split off count apart.
        ("capacity.tranches", [t for t in split if t.part_of is None], MAX_TRANCHES),
        ("capacity.tranches", [t for t in split if t.part_of is not None], MAX_TRANCHES),
    ):
        if len(items) > most:
            yield (
                tuple(field.split(".")),
                Codes.OUT_OF_RANGE,
                f"{len(items)} {field}; at most {most} are supported in one deal",
            )
    if rows > MAX_ROWS:
        yield (
            ("payments",),
            Codes.TOO_MANY_ROWS,
            f"the payment streams would make {rows:,} schedule rows; at most {MAX_ROWS:,} are "
            "supported (use a longer period, such as every: quarter)",
        )
    for i, adj in enumerate(deal.adjustments):
        yield from inside(("adjustments", i, "from"), adj.from_, "from")
        yield from inside(("adjustments", i, "until"), adj.until, "until")
    yield from _capacity_and_costs(deal, end)
    yield from _credit(deal, end)
    if deal.risk is not None:
        yield from _risk(deal.risk)
    for name, scenario in deal.scenarios.items():
        path: FieldPath = ("scenarios", name)
        if scenario.delivered is not None and deal.delivery is None:
            yield ((*path, "delivered"), Codes.NEEDS_INPUT, "delivered needs a delivery block")
        if scenario.uptime is not None and deal.sla is None:
            yield ((*path, "uptime"), Codes.NEEDS_INPUT, "uptime needs an sla block")
        if scenario.terminate is not None and deal.termination is None:
            yield (
                (*path, "terminate"),
                Codes.NEEDS_INPUT,
                "terminate needs a termination block: the deal has no termination right",
            )
    if deal.termination is not None:
        yield from inside(
            ("termination", "not_before"), deal.termination.not_before, "termination not_before"
        )


def _capacity_and_costs(deal: Deal, end: date) -> Iterator[Issue]:
    """Tranches inside the term, and the cost stack's parts given what each needs."""
    capacity = deal.capacity
    tranches = capacity.tranches if capacity else ()
    earliest = dates.years_before(deal.start, dates.SLACK_YEARS)
    for i, t in enumerate(tranches):
        at: FieldPath = ("capacity", "tranches", i)
        # A dropped tranche may arrive after the end: the lessor re-lets it when it does.
        latest = dates.years_after(end, dates.SLACK_YEARS) if t.dropped else end
        if t.delivered is not None and not earliest <= t.delivered <= latest:
            yield (
                (*at, "delivered"),
                Codes.OUTSIDE_TERM,
                f"delivered {t.delivered} is outside {earliest} to {latest}: a tranche is "
                "delivered by the end (a dropped one within 10 years of it), and at most "
                "10 years before the start",
            )
        if t.dropped and t.until is not None:
            yield (
                (*at, "until"),
                Codes.ONE_OF,
                "a dropped tranche is never in service: give until or dropped, not both",
            )
        first = max(t.delivered or deal.start, deal.start)
        if t.until is not None and not first <= t.until <= end:
            yield (
                (*at, "until"),
                Codes.OUTSIDE_TERM,
                f"until {t.until} is outside the tranche's service, {first} to {end}",
            )
        if t.capex_date is not None and not earliest <= t.capex_date <= end:
            yield (
                (*at, "capex_date"),
                Codes.OUTSIDE_TERM,
                f"capex_date {t.capex_date} is outside {earliest} to {end}",
            )
    lessor = deal.assumptions.lessor
    if lessor is None:
        return
    where: FieldPath = ("assumptions", "lessor")
    ways = [
        name
        for name, given in (
            ("capex", lessor.capex is not None),
            ("capex_per_gpu", lessor.capex_per_gpu is not None),
            ("capacity.tranches[].capex", any(t.capex is not None for t in tranches)),
        )
        if given
    ]
    if len(ways) > 1:
        yield (
            (*where, "capex_per_gpu" if "capex_per_gpu" in ways else "capex"),
            Codes.ONE_OF,
            f"give IT capex one way: {' or '.join(ways)}, not both",
        )
    # With tranches, each tranche is held to its own figures below (all of them may be
    # dropped, leaving none in service, and still be bought).
    if lessor.capex_per_gpu is not None and not tranches and deal.gpus is None:
        yield (
            (*where, "capex_per_gpu"),
            Codes.NEEDS_INPUT,
            "capex_per_gpu needs capacity.gpus (or the tranches' gpus)",
        )
    if lessor.financing is not None:
        yield from _financing(lessor.financing, given_capex=bool(ways))
    needs_power = [
        (("facility",), lessor.facility is not None),
        (("power",), lessor.power is not None),
    ]
    for rel, given in needs_power:
        if given and not tranches and deal.power_mw is None:
            yield (
                (*where, *rel),
                Codes.NEEDS_INPUT,
                f"{rel[0]} needs capacity.power_mw (or the tranches' power_mw), the IT power",
            )
    # A tranche without the figure its costs are counted by would cost nothing, silently.
    needs = {
        "gpus": [p for p, given in (("capex_per_gpu", lessor.capex_per_gpu),) if given],
        "power_mw": [
            p for p, given in (("facility", lessor.facility), ("power", lessor.power)) if given
        ],
    }
    for i, t in enumerate(tranches):
        for field, parts in needs.items():
            if parts and getattr(t, field) is None:
                yield (
                    ("capacity", "tranches", i, field),
                    Codes.NEEDS_INPUT,
                    f"assumptions.lessor.{' and '.join(parts)} "
                    f"{'is' if len(parts) == 1 else 'are'} counted by {field}: give this "
                    f"tranche's {field}",
                )
    market = deal.assumptions.market_curve
    seen: set[date] = set()
    latest = dates.years_after(end, dates.SLACK_YEARS)
    for i, point in enumerate(market):
        path: FieldPath = ("assumptions", "market_curve", i, "date")
        if point.date in seen:
            yield (path, Codes.DUPLICATE_KEY, f"two market prices for {point.date}")
        seen.add(point.date)
        if not earliest <= point.date <= latest:
            yield (
                path,
                Codes.OUTSIDE_TERM,
                f"a market price on {point.date} is more than 10 years from the term "
                f"({earliest} to {latest})",
            )


def _financing(f: Financing, *, given_capex: bool) -> Iterator[Issue]:
    """A loan the core can compute: capex to draw it with, one rate, what its profile needs."""
    at: FieldPath = ("assumptions", "lessor", "financing")
    if not given_capex:
        yield (
            at,
            Codes.NEEDS_INPUT,
            "financing is drawn with the capex: give assumptions.lessor.capex, capex_per_gpu, "
            "or a capex per tranche",
        )
    if f.rate is not None and (f.base_rate is not None or f.spread is not None):
        yield (
            (*at, "rate"),
            Codes.ONE_OF,
            "give a fixed rate, or base_rate and spread, not both",
        )
    elif f.rate is None and (f.base_rate is None or f.spread is None):
        missing = "spread" if f.base_rate is not None else "base_rate"
        yield (
            (*at, "base_rate" if f.base_rate is None and f.spread is None else missing),
            Codes.NEEDS_INPUT,
            "the loan needs an interest rate: give rate (fixed), or base_rate and spread"
            if f.base_rate is None and f.spread is None
            else f"a floating rate needs {missing} too (or give a fixed rate)",
        )
    sculpted = f.amortisation == "sculpted"
    if sculpted and f.target_dscr is None:
        yield (
            (*at, "amortisation"),
            Codes.NEEDS_INPUT,
            "a sculpted loan needs target_dscr: the coverage its debt service is set to",
        )
    if not sculpted and f.target_dscr is not None:
        yield (
            (*at, "target_dscr"),
            Codes.NEEDS_INPUT,
            f"target_dscr sets a sculpted loan's debt service; this loan is {f.amortisation} "
            "(set amortisation: sculpted, or remove target_dscr)",
        )
    if not sculpted and f.debt is None:
        yield (
            (*at, "debt"),
            Codes.NEEDS_INPUT,
            f"a {f.amortisation} loan needs debt: a share of capex (60%) or an amount",
        )


def _credit(deal: Deal, end: date) -> Iterator[Issue]:
    """The tenant's credit says something, and its funding is dated near the term."""
    credit = deal.assumptions.credit
    at: FieldPath = ("assumptions", "credit")
    if credit is not None:
        if credit.spread is None and credit.default_probability is None:
            yield (
                at,
                Codes.NEEDS_INPUT,
                "credit needs spread (over the discount rate) or default_probability",
            )
        if credit.recovery is not None and credit.default_probability is None:
            yield (
                (*at, "recovery"),
                Codes.NEEDS_INPUT,
                "recovery is what is recovered after a default: give default_probability too",
            )
    earliest = dates.years_before(deal.start, dates.SLACK_YEARS)
    for i, round_ in enumerate(deal.assumptions.lessee_funding):
        if not earliest <= round_.date <= end:
            yield (
                ("assumptions", "lessee_funding", i, "date"),
                Codes.OUTSIDE_TERM,
                f"funding on {round_.date} is outside {earliest} to {end}: funding counts "
                f"from at most {dates.SLACK_YEARS} years before the start to the end",
            )


def _risk(risk: Risk) -> Iterator[Issue]:
    """A slip's triangle runs low <= mode <= high, and walk settings that can be read."""
    slip = risk.delivery
    at: FieldPath = ("risk", "delivery")
    given = [
        (name, value)
        for name, value in (
            ("low_months", slip.low_months),
            ("mode_months", slip.mode_months),
            ("high_months", slip.high_months),
        )
        if value is not None
    ]
    for (a, low), (b, high) in itertools.pairwise(given):
        if low > high:
            yield (
                (*at, b),
                Codes.OUT_OF_RANGE,
                f"{b} ({high}) is below {a} ({low}): a slip runs from low_months through "
                "mode_months to high_months",
            )
    c = risk.counterparty
    if c.rational_walk is False and c.walk_margin is not None:
        yield (
            ("risk", "counterparty", "walk_margin"),
            Codes.NEEDS_INPUT,
            "walk_margin is the rational walkaway's threshold, which rational_walk: false "
            "turns off: leave one of them out",
        )


def _dates_near_the_term(deal: Deal, end: date) -> Iterator[Issue]:
    """Dates that may lie before the start (paid at signing, quoted earlier), but not far.

    A prepayment, the capex and a delivery deadline may fall up to
    SLACK_YEARS before the start and no later than the end; a market price
    may be quoted up to SLACK_YEARS either side of the start. The bound is
    what keeps every compounding factor within the precision of the money
    context (see dates.SLACK_YEARS).
    """
    slack = dates.SLACK_YEARS
    earliest = dates.years_before(deal.start, slack)
    lessor = deal.assumptions.lessor
    delivery = deal.delivery
    checked: tuple[tuple[FieldPath, date | None, date, str], ...] = (
        *(
            (("prepayments", i, "on"), pre.on, end, "prepayment date")
            for i, pre in enumerate(deal.prepayments)
        ),
        (
            ("assumptions", "lessor", "capex_date"),
            lessor.capex_date if lessor else None,
            end,
            "capex_date",
        ),
        (("delivery", "deadline"), delivery.deadline if delivery else None, end, "deadline"),
        (
            ("assumptions", "market_date"),
            deal.assumptions.market_date,
            min(end, dates.years_after(deal.start, slack)),
            "market_date",
        ),
    )
    for where, day, latest, what in checked:
        if day is None:
            continue
        if day > latest:
            yield (
                where,
                Codes.OUTSIDE_TERM,
                f"{what} {day} is after the term ends ({end})"
                if latest == end
                else f"{what} {day} is more than {slack} years after the start {deal.start} "
                f"(the latest is {latest})",
            )
        elif day < earliest:
            yield (
                where,
                Codes.OUTSIDE_TERM,
                f"{what} {day} is more than {slack} years before the start {deal.start} "
                f"(the earliest is {earliest})",
            )


def schedule_rows(deal: Deal, *, with_options: bool = True) -> int:
    """How many rows the deal's schedule has (its streams' periods, and its prepayments)."""
    end = deal.term_end
    return len(deal.prepayments) + sum(
        period_count(s.every, s.from_ or deal.start, s.until or end)
        for s in deal.payments
        if with_options or not s.option
    )


def period_count(every: str, first: date, last: date) -> int:
    """How many periods a stream from ``first`` to ``last`` has: the schedule's row bound."""
    if every == "once":
        return 1
    span = dates.month_span(first, last)
    step = STEP_MONTHS[every]
    return span.whole // step + (1 if span.whole % step or span.stub_days else 0)


def as_data(model: BaseModel) -> dict[str, Any]:
    """A model as the plain data it validates from: keys by alias, lists for tuples.

    Parsed values stay as they are (Decimal, date, Percent, Delay): every
    field's parser accepts its own type back, so ``Deal.model_validate(as_data(d))``
    rebuilds ``d``. Unlike ``model_dump`` this never turns a value into a dict.
    """
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        out[field.alias or name] = _as_data_value(value)
    return out


def _as_data_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return as_data(value)
    if isinstance(value, dict):
        return {key: _as_data_value(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple) and not _is_set_pairs(value):
        return [_as_data_value(inner) for inner in value]
    return value


def _is_set_pairs(value: Any) -> bool:
    # Scenario.set is a tuple of (path, value) pairs, kept as its parser returns it.
    return (
        isinstance(value, tuple)
        and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value)
        and bool(value)
    )
