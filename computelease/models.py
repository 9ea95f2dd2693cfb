"""The deal file format, version 1, as strict, closed, frozen pydantic models.

A :class:`Deal` that exists is a deal the core can compute: every field is
parsed here from the text the user wrote (through :mod:`computelease.money`
and :mod:`computelease.dates`, never through a binary float), unknown keys are
refused, and the rules that tie fields together (an ``end`` after ``start``,
streams inside the term, bounded work) are checked in one pass that reports
every broken rule at the field that breaks it.

Errors carry stable codes from :mod:`computelease.errors`: a validator raises
``PydanticCustomError`` whose type *is* the code (``E204``), and cross-field
rules raise one ``consistency`` error listing each ``(path, code, message)``;
the loader turns both into :class:`~computelease.errors.Problem` records.
The format is documented in ``deals/README.md``.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.functional_validators import ModelWrapValidatorHandler, PlainValidator
from pydantic_core import PydanticCustomError

from computelease import dates, money
from computelease.errors import Code, Codes, FieldError, FieldPath, all_codes, dotted, shown

T = TypeVar("T")

#: Consistency errors raised from ``model_validator(mode="after")`` use this type;
#: their context holds the individual issues.
CONSISTENCY: Final = "consistency"
#: Bound on the schedule a deal may ask for, across all streams.
MAX_ROWS: Final = 50_000
#: Longest text in a name and in free-form notes, in characters.
MAX_NAME: Final = 500
MAX_NOTES: Final = 20_000
MAX_NOTICE_DAYS: Final = 36_525
#: Bounds on the work one deal file may ask for beyond its schedule rows.
MAX_PREPAYMENTS: Final = 12
MAX_ADJUSTMENTS: Final = 50
MAX_SCENARIOS: Final = 20

# The deal's currency while its fields are validated, so that an amount written
# "EUR 40M" can be checked against it. Set by Deal's wrap validator only.
_DEAL_CURRENCY: ContextVar[str | None] = ContextVar("computelease_deal_currency", default=None)

Issue = tuple[FieldPath, Code, str]


def _fail(code: Code, message: str) -> PydanticCustomError:
    # The message travels in the context so that braces in user text are never formatted.
    return PydanticCustomError(code.id, "{message}", {"message": message})


def _raise_issues(issues: Sequence[Issue]) -> None:
    if issues:
        summary = "; ".join(message for _, _, message in issues)
        raise PydanticCustomError(
            CONSISTENCY, "{message}", {"message": summary, "issues": list(issues)}
        )


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _parser(fn: Callable[[Any], T], *, scalar: bool = True) -> PlainValidator:
    """A pydantic validator that runs ``fn`` and turns its FieldError into our coded error.

    With ``scalar`` (the default) a mapping or a list is refused before ``fn`` sees it.
    """

    def validate(value: Any) -> T:
        if value is None:
            raise _fail(Codes.MISSING, "this field is empty: give it a value")
        if scalar and isinstance(value, Mapping | list | tuple):
            raise _fail(Codes.WRONG_TYPE, f"expected a single value, got {_kind(value)}")
        try:
            return fn(value)
        except FieldError as exc:
            raise _fail(exc.code, exc.message) from None

    return PlainValidator(validate)


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(Codes.WRONG_TYPE, f"expected text, got {_kind(value)}")
        if not value.strip():
            raise FieldError(Codes.BAD_TEXT, "expected text, got an empty string")
        if len(value) > limit:
            raise FieldError(
                Codes.BAD_TEXT, f"text is {len(value):,} characters long; at most {limit:,}"
            )
        return value

    return parse


def _slug(what: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(100)(value)
        if not re.fullmatch(r"[a-z0-9-]+", text):
            raise FieldError(
                Codes.BAD_TEXT,
                f"{what} {shown(text)} may use only lower-case letters, digits and '-'",
            )
        return text

    return parse


def _url(value: Any) -> str:
    text = _text(2000)(value)
    # No spaces, no control characters, and nothing after the address (not even a newline).
    if not re.fullmatch(r"(?i:https?)://[^\s\x00-\x1f\x7f]+", text):
        raise FieldError(
            Codes.BAD_TEXT,
            "url must start with http:// or https:// and hold no spaces or control characters",
        )
    return text


def _choice(*options: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> str:
        if isinstance(value, str) and value in options:
            return value
        given = shown(value) if isinstance(value, str) else _kind(value)
        hint = ""
        if isinstance(value, str):
            close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
        raise FieldError(
            Codes.BAD_CHOICE, f"expected one of {', '.join(options)}; got {given}{hint}"
        )

    return parse


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in {"true", "True", "TRUE"}:
        return True
    if isinstance(value, str) and value in {"false", "False", "FALSE"}:
        return False
    raise FieldError(
        Codes.BAD_BOOL,
        f"expected true or false, got {shown(value)}"
        + ("; YAML 1.1's yes/no/on/off are not accepted" if isinstance(value, str) else ""),
    )


def _count(low: int, high: int, what: str) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise FieldError(
                Codes.BAD_NUMBER, f"expected a whole number of {what}, got {shown(value)}"
            )
        number = money.parse_number(value) if isinstance(value, str) else Decimal(value)
        if number != number.to_integral_value():
            raise FieldError(Codes.BAD_NUMBER, f"expected a whole number of {what}, got {value}")
        if not low <= number <= high:
            raise FieldError(
                Codes.OUT_OF_RANGE, f"{value} {what} is out of range: expected {low} to {high:,}"
            )
        return int(number)

    return parse


def _positive(what: str, high: Decimal) -> Callable[[Any], Decimal]:
    def parse(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise FieldError(Codes.BAD_NUMBER, f"expected a number of {what}, got {value!r}")
        number = money.parse_number(value) if isinstance(value, str) else Decimal(value)
        if not number.is_finite() or not 0 < number <= high:
            raise FieldError(
                Codes.OUT_OF_RANGE,
                f"{value} {what} is out of range: expected above 0, at most {high}",
            )
        return number

    return parse


def _money(value: Any) -> Decimal:
    return money.parse_money(value, _DEAL_CURRENCY.get())


def _money_or_percent(value: Any) -> Decimal | money.Percent:
    return money.parse_money_or_percent(value, _DEAL_CURRENCY.get())


def _rate(
    low: str, high: str, *, low_open: bool = False, high_open: bool = False, what: str
) -> Callable[[Any], Decimal]:
    def parse(value: Any) -> Decimal:
        return money.parse_rate(
            value,
            low=Decimal(low),
            high=Decimal(high),
            low_inclusive=not low_open,
            high_inclusive=not high_open,
            what=what,
        )

    return parse


def _currency_code(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(
            Codes.WRONG_TYPE, f"expected a currency code such as USD, got {_kind(value)}"
        )
    code = value.strip().upper()
    if code not in money.CURRENCIES:
        raise FieldError(
            Codes.UNKNOWN_CURRENCY,
            f"unknown currency {shown(value)}; expected an ISO 4217 code such as USD, EUR, GBP",
        )
    return code


@dataclass(frozen=True, slots=True)
class Delay:
    """A slip written ``3m`` (calendar months), ``90d`` (days) or ``1y`` (12 months)."""

    count: int
    unit: Literal["months", "days"]

    def __str__(self) -> str:
        return f"{self.count}{'m' if self.unit == 'months' else 'd'}"


def _delay(value: Any) -> Delay:
    if isinstance(value, Delay):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else ""
    m = re.fullmatch(r"([0-9]{1,5})\s*(m|mo|months?|d|days?|y|years?)", text)
    if m is None:
        raise FieldError(
            Codes.BAD_NUMBER,
            f"expected a delay such as 3m (months), 90d (days) or 1y, got {value!r}",
        )
    count, unit = int(m[1]), m[2][0]
    if unit == "y":
        count, unit = count * 12, "m"
    if (unit == "m" and count > dates.MAX_TERM_MONTHS) or (unit == "d" and count > 36_525):
        raise FieldError(Codes.OUT_OF_RANGE, f"a delay of {value} is longer than 100 years")
    return Delay(count, "months" if unit == "m" else "days")


def _terminate(value: Any) -> date | Literal["earliest"]:
    if value == "earliest":
        return "earliest"
    try:
        return dates.parse_date(value)
    except FieldError:
        raise FieldError(
            Codes.BAD_DATE, f"expected 'earliest' or the date notice is given, got {value!r}"
        ) from None


def path_problem(path: str) -> str | None:
    """Why ``path`` names no field of a deal (with the closest name), or None if it does."""
    if not re.fullmatch(PATH_PATTERN, path):
        return f"{shown(path)} is not a field path such as payments[0].amount"
    walked: list[str | int] = []
    for step in path.split("."):
        key = step.split("[")[0]
        allowed = keys_at(walked)
        if allowed and key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            where = f" in {dotted(walked)}" if walked else ""
            return f"{shown(path)}: no field {shown(key)}{where}{hint}"
        walked.append(key)
        if "[" in step:
            walked.append(0)
    return None


def _set_paths(value: Any) -> tuple[tuple[str, str], ...]:
    """``set`` overrides: a mapping of field path to value, values kept as written."""
    if isinstance(value, list | tuple) and all(
        isinstance(v, list | tuple) and len(v) == 2 for v in value
    ):
        return tuple((str(path), str(item)) for path, item in value)
    if not isinstance(value, Mapping):
        raise FieldError(
            Codes.WRONG_TYPE,
            "expected a mapping of field paths to values, such as payments[0].amount: 120M",
        )
    out = []
    for path, item in value.items():
        problem = path_problem(path) if isinstance(path, str) else f"{path!r} is not a field path"
        if problem:
            raise FieldError(Codes.BAD_TEXT, problem)
        if isinstance(item, Mapping | list | tuple) or item is None:
            raise FieldError(Codes.WRONG_TYPE, f"{path}: expected a single value")
        out.append((path, item if isinstance(item, str) else str(item)))
    return tuple(out)


#: A dotted field path with list indices: ``payments[0].amount``.
PATH_PATTERN: Final = r"[a-z_]+(\[[0-9]{1,5}\])?(\.[a-z_]+(\[[0-9]{1,5}\])?)*"


def _version(value: Any) -> Literal[1]:
    try:
        number = money.parse_number(value) if isinstance(value, str) else Decimal(value)
    except (FieldError, ArithmeticError, TypeError, ValueError):
        number = None
    if number == 1:  # read like any number: 01 and 1.0 are one
        return 1
    raise FieldError(
        Codes.BAD_VERSION,
        f"format version {shown(value)} is not supported; this lease reads version 1",
    )


Name = Annotated[str, _parser(_text(MAX_NAME))]
Notes = Annotated[str, _parser(_text(MAX_NOTES))]
Slug = Annotated[str, _parser(_slug("id"))]
Url = Annotated[str, _parser(_url)]
Day = Annotated[date, _parser(dates.parse_date)]
Money = Annotated[Decimal, _parser(_money)]
MoneyOrPercent = Annotated[Decimal | money.Percent, _parser(_money_or_percent)]
Flag = Annotated[bool, _parser(_flag)]
CurrencyCode = Annotated[str, _parser(_currency_code)]
Version = Annotated[Literal[1], _parser(_version)]
Gpus = Annotated[int, _parser(_count(1, 100_000_000, "GPUs"))]
NoticeDays = Annotated[int, _parser(_count(0, MAX_NOTICE_DAYS, "days"))]
PowerMW = Annotated[Decimal, _parser(_positive("MW", Decimal(1_000_000)))]
ReportedMonths = Annotated[Decimal, _parser(_positive("months", Decimal(dates.MAX_TERM_MONTHS)))]
DiscountRate = Annotated[Decimal, _parser(_rate("0", "1", what="discount rate"))]
Decline = Annotated[Decimal, _parser(_rate("0", "1", high_open=True, what="market decline"))]
Escalation = Annotated[Decimal, _parser(_rate("-1", "1", low_open=True, what="escalation"))]
Tolerance = Annotated[Decimal, _parser(_rate("0", "1", what="tolerance"))]
Share = Annotated[Decimal, _parser(_rate("0", "1", what="share"))]
DelayField = Annotated[Delay, _parser(_delay)]
TerminateField = Annotated[date | Literal["earliest"], _parser(_terminate)]

Frequency = Literal["month", "quarter", "year", "once"]
Timing = Literal["advance", "arrears"]
Credit = Literal["pro-rata", "front", "back"]
Party = Literal["lessor", "lessee", "either"]
Shortfall = Literal["pro-rata", "terminate"]
HoursBasis = Literal["actual", "730"]

FrequencyField = Annotated[Frequency, _parser(_choice("month", "quarter", "year", "once"))]
TimingField = Annotated[Timing, _parser(_choice("advance", "arrears"))]
CreditField = Annotated[Credit, _parser(_choice("pro-rata", "front", "back"))]
PartyField = Annotated[Party, _parser(_choice("lessor", "lessee", "either"))]
HoursBasisField = Annotated[HoursBasis, _parser(_choice("actual", "730"))]
ShortfallField = Annotated[Shortfall, _parser(_choice("pro-rata", "terminate"))]

#: Months per period for each recurring frequency.
STEP_MONTHS: Final[dict[str, int]] = {"month": 1, "quarter": 3, "year": 12}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """``assumptions:`` or ``every:`` with nothing after it means the default, as if absent."""
        if isinstance(data, Mapping):
            defaulted = {
                f.alias or name for name, f in cls.model_fields.items() if not f.is_required()
            }
            return {k: v for k, v in data.items() if not (v is None and k in defaulted)}
        return data


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
        _raise_issues(issues)
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


class Capacity(_Model):
    accelerator: Name | None = None
    gpus: Gpus | None = None
    power_mw: PowerMW | None = None


class LessorAssumptions(_Model):
    capex: Money | None = None
    #: When the capex is spent; default the start. A delay scenario keeps it in place.
    capex_date: Day | None = None
    opex_monthly: Money | None = None
    residual: Money | None = None


class LesseeAssumptions(_Model):
    buy_capex: Money | None = None
    buy_opex_monthly: Money | None = None
    buy_residual: Money | None = None


class Assumptions(_Model):
    """Inputs that were not reported: each deal file says why it chose them."""

    discount_rate: DiscountRate | None = None
    market_gpu_hour: Money | None = None
    market_decline: Decline | None = None
    #: The date market_gpu_hour applies on; default the start.
    market_date: Day | None = None
    hours_basis: HoursBasisField = "actual"
    lessor: LessorAssumptions | None = None
    lessee: LesseeAssumptions | None = None


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


class Adjustment(_Model):
    """Payments for periods starting in a date range are multiplied by ``factor``.

    Written by scenarios (a delivered share, SLA credits), and usable directly
    for a discounted ramp month.
    """

    name: Name | None = None
    factor: Share
    from_: Day | None = Field(default=None, alias="from")
    until: Day | None = None


class Scenario(_Model):
    """A named case: overrides applied to the deal before it is computed (see core.scenario)."""

    delay: DelayField | None = None
    extend: Flag = False
    terminate: TerminateField | None = None
    delivered: Share | None = None
    uptime: Share | None = None
    market_gpu_hour: Money | None = None
    market_decline: Decline | None = None
    discount_rate: DiscountRate | None = None
    set: Annotated[tuple[tuple[str, str], ...], _parser(_set_paths, scalar=False)] = ()


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
    months: Annotated[int, _parser(_count(1, dates.MAX_TERM_MONTHS, "months"))] | None = None
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
    scenarios: dict[Annotated[str, _parser(_slug("scenario name"))], Scenario] = Field(
        default_factory=dict
    )
    sources: tuple[Source, ...] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _currency_scope(cls, data: Any, handler: ModelWrapValidatorHandler[Deal]) -> Deal:
        code: str | None = None
        if isinstance(data, Mapping):
            try:
                code = _currency_code(data.get("currency", "USD"))
            except FieldError:
                code = None  # reported at 'currency'; marks are then not compared
        token = _DEAL_CURRENCY.set(code)
        try:
            return handler(data)
        finally:
            _DEAL_CURRENCY.reset(token)

    @model_validator(mode="after")
    def _consistent(self) -> Deal:
        _raise_issues(list(_consistency(self)))
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
        """GPUs billed: ``capacity.gpus``, or else the reported count."""
        if self.capacity is not None and self.capacity.gpus is not None:
            return self.capacity.gpus
        return self.reported.gpus if self.reported is not None else None

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

    rows = 0
    for i, stream in enumerate(deal.payments):
        base: FieldPath = ("payments", i)
        outside = [
            *inside((*base, "from"), stream.from_, "from"),
            *inside((*base, "until"), stream.until, "until"),
        ]
        if outside:
            yield from outside
            continue
        first = stream.from_ or deal.start
        last = stream.until or end
        if last < first:
            yield (
                (*base, "until"),
                Codes.END_BEFORE_START,
                f"until {last} is before the stream's first day {first}",
            )
            continue
        if stream.per_gpu_hour is not None and deal.gpus is None:
            yield (
                (*base, "per_gpu_hour"),
                Codes.NEEDS_INPUT,
                "per_gpu_hour needs capacity.gpus (or reported.gpus), the number of GPUs billed",
            )
        rows += period_count(stream.every, first, last)
    for field, items, most in (
        ("prepayments", deal.prepayments, MAX_PREPAYMENTS),
        ("adjustments", deal.adjustments, MAX_ADJUSTMENTS),
        ("scenarios", deal.scenarios, MAX_SCENARIOS),
    ):
        if len(items) > most:
            yield (
                (field,),
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
    for i, pre in enumerate(deal.prepayments):
        # Paid at signing, before service starts, is common; after the term is not.
        if pre.on is not None and pre.on > end:
            yield (
                ("prepayments", i, "on"),
                Codes.OUTSIDE_TERM,
                f"prepayment date {pre.on} is after the term ends ({end})",
            )
    lessor = deal.assumptions.lessor
    for where, day in (
        (("assumptions", "lessor", "capex_date"), lessor.capex_date if lessor else None),
        (("assumptions", "market_date"), deal.assumptions.market_date),
    ):
        if day is not None and day > end:
            yield (where, Codes.OUTSIDE_TERM, f"{day} is after the term ends ({end})")
    for i, adj in enumerate(deal.adjustments):
        yield from inside(("adjustments", i, "from"), adj.from_, "from")
        yield from inside(("adjustments", i, "until"), adj.until, "until")
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


def period_count(every: str, first: date, last: date) -> int:
    """How many periods a stream from ``first`` to ``last`` has: the schedule's row bound."""
    if every == "once":
        return 1
    span = dates.month_span(first, last)
    step = STEP_MONTHS[every]
    return span.whole // step + (1 if span.whole % step or span.stub_days else 0)


def keys_at(path: Sequence[str | int]) -> tuple[str, ...]:
    """The keys the mapping at ``path`` may hold, for 'did you mean' hints."""
    model: type[BaseModel] | None = Deal
    for part in path:
        if model is None:
            return ()
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        model = _model_in(field.annotation) if field is not None else None
    if model is None:
        return ()
    return tuple(f.alias or n for n, f in model.model_fields.items())


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, Annotated):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


_CODES_BY_ID: Final = {c.id: c for c in all_codes()}


class Located(typing.NamedTuple):
    """One validation problem, at a path in the deal; ``anchor`` says where to point.

    ``value``: at the offending value; ``key``: at the key itself (an unknown
    key); ``parent``: at the mapping that lacks a required field.
    """

    path: FieldPath
    code: Code
    message: str
    anchor: Literal["value", "key", "parent"] = "value"


def validation_issues(exc: ValidationError) -> list[Located]:
    """pydantic's errors as coded problems with paths and plain-English messages."""
    out: list[Located] = []
    for error in exc.errors(include_url=False):
        loc: FieldPath = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        given = error.get("input")
        if kind == CONSISTENCY:
            out.extend(Located((*loc, *rel), code, message) for rel, code, message in ctx["issues"])
        elif kind in _CODES_BY_ID:
            out.append(Located(loc, _CODES_BY_ID[kind], str(ctx.get("message", error["msg"]))))
        elif kind == "missing":
            out.append(Located(loc, Codes.MISSING, f"missing required field {loc[-1]!r}", "parent"))
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = keys_at(loc[:-1])
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else f"; expected one of {', '.join(allowed)}"
            )
            out.append(Located(loc, Codes.UNKNOWN_KEY, f"unknown key {shown(key)}{hint}", "key"))
        elif kind == "too_short":
            if not given:  # otherwise the entries' own errors say why none validated
                out.append(
                    Located(loc, Codes.WRONG_TYPE, f"{dotted(loc)} needs at least one entry")
                )
        elif kind in {"model_type", "model_attributes_type", "dict_type"}:
            out.append(
                Located(loc, Codes.WRONG_TYPE, f"expected a mapping of fields, got {_kind(given)}")
            )
        elif kind in {"tuple_type", "list_type"}:
            out.append(Located(loc, Codes.WRONG_TYPE, f"expected a list, got {_kind(given)}"))
        else:
            out.append(Located(loc, Codes.WRONG_TYPE, error["msg"]))
    return out


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
