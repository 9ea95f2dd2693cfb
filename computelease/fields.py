"""Field types of the deal format: each parses the text a user wrote into one exact value.

Every field of a deal is read here from its YAML text (through
:mod:`computelease.money` and :mod:`computelease.dates`, never through a
binary float). A parser that refuses a value raises ``PydanticCustomError``
whose type *is* the diagnostic code (``E204``), so the message and the code
reach the user unchanged. Each type also carries a :class:`Kind`, which says
what sort of value it is (an amount, a rate, a count) to whatever varies a
field by its path, as sensitivity grids do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import BaseModel, WithJsonSchema
from pydantic.functional_validators import PlainValidator
from pydantic_core import PydanticCustomError

from computelease import dates, money, paths
from computelease.errors import Code, Codes, FieldError, FieldPath, shown

T = TypeVar("T")

#: Consistency errors raised from ``model_validator(mode="after")`` use this type;
#: their context holds the individual issues.
CONSISTENCY: Final = "consistency"
#: Longest text in a name and in free-form notes, in characters.
MAX_NAME: Final = 500
MAX_NOTES: Final = 20_000
MAX_NOTICE_DAYS: Final = 36_525

# The deal's currency while its fields are validated, so that an amount written
# "EUR 40M" can be checked against it. Set only through currency_scope().
_DEAL_CURRENCY: ContextVar[str | None] = ContextVar("computelease_deal_currency", default=None)

#: One broken cross-field rule: where (relative to the model checked), its code, the message.
Issue = tuple[FieldPath, Code, str]


class Kind(StrEnum):
    """What sort of value a field holds, for code that varies fields by path."""

    MONEY = "money"
    RATE = "rate"
    COUNT = "count"
    NUMBER = "number"
    DATE = "date"
    DELAY = "delay"
    OTHER = "other"


def fail(code: Code, message: str, at: FieldPath = ()) -> PydanticCustomError:
    """A validation error whose type is ``code``; the loader reports it at the field.

    ``at`` points inside the field's value (one key of a mapping the field holds).
    """
    # The message travels in the context so that braces in user text are never formatted.
    return PydanticCustomError(code.id, "{message}", {"message": message, "at": at})


def raise_issues(issues: Sequence[Issue]) -> None:
    """Raise every broken cross-field rule of a model at once, if there is any."""
    if issues:
        summary = "; ".join(message for _, _, message in issues)
        raise PydanticCustomError(
            CONSISTENCY, "{message}", {"message": summary, "issues": list(issues)}
        )


def kind_of(value: object) -> str:
    """What a value is, in words: 'a mapping', 'a list', 'text'..."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


@contextmanager
def currency_scope(code: str | None) -> Iterator[None]:
    """Amounts validated inside the block must carry ``code``'s mark, if they carry one."""
    token = _DEAL_CURRENCY.set(code)
    try:
        yield
    finally:
        _DEAL_CURRENCY.reset(token)


def parser(fn: Callable[[Any], T], *, scalar: bool = True) -> PlainValidator:
    """A pydantic validator that runs ``fn`` and turns its FieldError into our coded error.

    With ``scalar`` (the default) a mapping or a list is refused before ``fn`` sees it.
    """

    def validate(value: Any) -> T:
        if value is None:
            raise fail(Codes.MISSING, "this field is empty: give it a value")
        # str first: almost every value is one, and Mapping's ABC check is slow.
        if scalar and not isinstance(value, str) and isinstance(value, Mapping | list | tuple):
            raise fail(Codes.WRONG_TYPE, f"expected a single value, got {kind_of(value)}")
        try:
            return fn(value)
        except FieldError as exc:
            raise fail(exc.code, exc.message, exc.path) from None

    return PlainValidator(validate)


def text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(Codes.WRONG_TYPE, f"expected text, got {kind_of(value)}")
        if not value.strip():
            raise FieldError(Codes.BAD_TEXT, "expected text, got an empty string")
        if len(value) > limit:
            raise FieldError(
                Codes.BAD_TEXT, f"text is {len(value):,} characters long; at most {limit:,}"
            )
        return value

    return parse


def slug(what: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        written = text(100)(value)
        if not re.fullmatch(r"[a-z0-9-]+", written):
            raise FieldError(
                Codes.BAD_TEXT,
                f"{what} {shown(written)} may use only lower-case letters, digits and '-'",
            )
        return written

    return parse


def _url(value: Any) -> str:
    written = text(2000)(value)
    # No spaces, no control characters, and nothing after the address (not even a newline).
    if not re.fullmatch(r"(?i:https?)://[^\s\x00-\x1f\x7f]+", written):
        raise FieldError(
            Codes.BAD_TEXT,
            "url must start with http:// or https:// and hold no spaces or control characters",
        )
    return written


def choice(*options: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> str:
        if isinstance(value, str) and value in options:
            return value
        given = shown(value) if isinstance(value, str) else kind_of(value)
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


def count(low: int, high: int, what: str) -> Callable[[Any], int]:
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


def positive(what: str, high: Decimal) -> Callable[[Any], Decimal]:
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


def number(high: Decimal, what: str) -> Callable[[Any], Decimal]:
    """A plain number from 0 to ``high`` inclusive (months of delay, outages a year)."""

    def parse(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise FieldError(Codes.BAD_NUMBER, f"expected a number of {what}, got {value!r}")
        number = money.parse_number(value) if isinstance(value, str) else Decimal(value)
        if not number.is_finite() or not 0 <= number <= high:
            raise FieldError(
                Codes.OUT_OF_RANGE, f"{value} {what} is out of range: expected 0 to {high}"
            )
        return number

    return parse


def _money(value: Any) -> Decimal:
    return money.parse_money(value, _DEAL_CURRENCY.get())


def _money_or_percent(value: Any) -> Decimal | money.Percent:
    return money.parse_money_or_percent(value, _DEAL_CURRENCY.get())


def _debt(value: Any) -> Decimal | money.Percent:
    """Debt as a share of capex (``60%``, above 0 and at most 100%) or an amount of money."""
    if isinstance(value, money.Percent):
        return value
    if isinstance(value, str) and value.strip().endswith("%"):
        return money.Percent(
            money.parse_rate(
                value, low=money.ZERO, high=money.ONE, low_inclusive=False, what="share of capex"
            )
        )
    code = _DEAL_CURRENCY.get()
    amount = money.parse_money(value, code)
    unit = money.CURRENCIES[code].quantum if code in money.CURRENCIES else money.ZERO
    if amount < unit or not amount:
        raise FieldError(
            Codes.OUT_OF_RANGE,
            "a debt of less than one minor unit of the currency is no loan: give a share of "
            "capex or an amount above zero, or leave financing out",
        )
    return amount


def rate(
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


def currency_code(value: Any) -> str:
    """An ISO 4217 code of a currency we know, in upper case."""
    if not isinstance(value, str):
        raise FieldError(
            Codes.WRONG_TYPE, f"expected a currency code such as USD, got {kind_of(value)}"
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
    """A slip written ``3m`` (calendar months), ``90d`` (days) or ``1y`` (12 months).

    ``tranche-2=3m`` slips one tranche of the capacity instead of the whole deal.
    """

    count: int
    unit: Literal["months", "days"]
    tranche: str | None = None

    def __str__(self) -> str:
        size = f"{self.count}{'m' if self.unit == 'months' else 'd'}"
        return f"{self.tranche}={size}" if self.tranche else size


def parse_delay(value: Any) -> Delay:
    """``3m``, ``90d`` or ``1y`` as a :class:`Delay`; FieldError otherwise."""
    if isinstance(value, Delay):
        return value
    written = str(value).strip().lower() if isinstance(value, str | int) else ""
    tranche, sep, rest = written.partition("=")
    if sep:
        if not re.fullmatch(r"[a-z0-9-]{1,100}", tranche.strip()):
            raise FieldError(
                Codes.BAD_TEXT,
                f"expected a tranche name before '=', such as tranche-2=3m, got {shown(value)}",
            )
        if "=" in rest:
            raise FieldError(Codes.BAD_TEXT, f"one '=' at most in a delay, got {shown(value)}")
        slip = parse_delay(rest)
        return Delay(slip.count, slip.unit, tranche.strip())
    m = re.fullmatch(r"([0-9]{1,5})\s*(m|mo|months?|d|days?|y|years?)", written)
    if m is None:
        raise FieldError(
            Codes.BAD_NUMBER,
            f"expected a delay such as 3m (months), 90d (days) or 1y, got {shown(value)}",
        )
    number, unit = int(m[1]), m[2][0]
    if unit == "y":
        number, unit = number * 12, "m"
    if (unit == "m" and number > dates.MAX_TERM_MONTHS) or (unit == "d" and number > 36_525):
        raise FieldError(Codes.OUT_OF_RANGE, f"a delay of {value} is longer than 100 years")
    return Delay(number, "months" if unit == "m" else "days")


def _terminate(value: Any) -> date | Literal["earliest"]:
    if value == "earliest":
        return "earliest"
    try:
        return dates.parse_date(value)
    except FieldError:
        raise FieldError(
            Codes.BAD_DATE, f"expected 'earliest' or the date notice is given, got {shown(value)}"
        ) from None


def set_paths(
    root: Callable[[], type[BaseModel]],
) -> Callable[[Any], tuple[tuple[str, str | None], ...]]:
    """``set`` overrides: a mapping of field paths (under ``root()``) to values kept as written.

    A value of ``null`` clears the field, so a scenario can swap one of two exclusive
    fields for the other (a rented facility for a built one), or removes a list's entry.
    """

    def parse(value: Any) -> tuple[tuple[str, str | None], ...]:
        if isinstance(value, list | tuple) and all(
            isinstance(v, list | tuple) and len(v) == 2 for v in value
        ):
            return tuple((str(path), None if item is None else str(item)) for path, item in value)
        if not isinstance(value, Mapping):
            raise FieldError(
                Codes.WRONG_TYPE,
                "expected a mapping of field paths to values, such as payments[0].amount: 120M",
            )
        out: list[tuple[str, str | None]] = []
        for path, item in value.items():
            problem = (
                paths.problem(path, root()) if isinstance(path, str) else f"{path!r} is not a path"
            )
            if problem:
                raise FieldError(Codes.BAD_TEXT, problem, (path,) if isinstance(path, str) else ())
            if isinstance(item, Mapping | list | tuple):
                raise FieldError(
                    Codes.WRONG_TYPE,
                    f"{path}: expected a single value, or null to clear it",
                    (path,),
                )
            out.append((path, item if isinstance(item, str) or item is None else str(item)))
        return tuple(out)

    return parse


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


# What each field type looks like in the deal format's JSON Schema (``lease schema``), for
# editors. Every scalar the loader reads is text, so a schema may not refuse what a parser
# accepts: a number may also be written as text ("150_000_000", "$150M", "8%"), and the
# patterns admit every form the parsers read (tests/test_schema.py holds them to that).
_NUM: Final = r"[-+]?(?:[0-9][0-9_,]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]{1,4})?"
_MONEY_TEXT: Final = (
    rf"^\s*[-+]?\s*(?:[$€£¥₩]|[A-Za-z]{{3}})?\s*{_NUM}\s*(?:[KkMmBbTt]|[Mm][Mm]|[Bb][Nn])?\s*$"
)
_PERCENT_TEXT: Final = rf"^\s*{_NUM}\s*%\s*$"
_DATE_TEXT: Final = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"


def _bound(value: Decimal | int) -> int | float:
    """A bound as a JSON number: a schema's metadata, never a figure that is computed."""
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else money.to_float(number)


def _json(**fragment: Any) -> WithJsonSchema:
    return WithJsonSchema(fragment)


def _text_json(limit: int) -> WithJsonSchema:
    # YAML 1.2 reads `title: False` or `name: 2027` as no text, where the loader keeps the text.
    return _json(type=["string", "number", "boolean"], minLength=1, maxLength=limit)


def _money_json(*, percent: bool = False) -> WithJsonSchema:
    pattern = f"(?:{_MONEY_TEXT})|(?:{_PERCENT_TEXT})" if percent else _MONEY_TEXT
    return _json(
        type=["number", "string"], minimum=0, maximum=_bound(money.MAX_AMOUNT), pattern=pattern
    )


def _number_json(
    low: Decimal | int, high: Decimal | int, *, low_open: bool = False, percent: bool = False
) -> WithJsonSchema:
    pattern = rf"^\s*{_NUM}\s*%?\s*$" if percent else rf"^\s*{_NUM}\s*$"
    floor = {"exclusiveMinimum" if low_open else "minimum": _bound(low)}
    return _json(type=["number", "string"], **floor, maximum=_bound(high), pattern=pattern)


def _rate_json(low: str, high: str, *, low_open: bool = False) -> WithJsonSchema:
    return _number_json(Decimal(low), Decimal(high), low_open=low_open, percent=True)


def _count_json(low: int, high: int) -> WithJsonSchema:
    return _json(type=["integer", "string"], minimum=low, maximum=high, pattern=rf"^\s*{_NUM}\s*$")


def _choice_json(*options: str) -> WithJsonSchema:
    # YAML reads an unquoted 730 as a number, which the field takes as the text "730".
    return _json(enum=[*options, *(int(o) for o in options if o.isdigit())])


_DATE_JSON: Final = {"type": "string", "format": "date", "pattern": _DATE_TEXT}
_DELAY_JSON: Final = {
    "type": "string",
    "pattern": r"^\s*(?:[A-Za-z0-9-]+\s*=\s*)?[0-9]{1,5}\s*[A-Za-z]{1,6}\s*$",
}

Name = Annotated[str, parser(text(MAX_NAME)), Kind.OTHER, _text_json(MAX_NAME)]
Notes = Annotated[str, parser(text(MAX_NOTES)), Kind.OTHER, _text_json(MAX_NOTES)]
_SLUG_JSON: Final = _json(type=["string", "integer"], pattern="^[a-z0-9-]+$", maxLength=100)
Slug = Annotated[str, parser(slug("id")), Kind.OTHER, _SLUG_JSON]
Url = Annotated[
    str,
    parser(_url),
    Kind.OTHER,
    _json(type="string", maxLength=2000, pattern=r"^[hH][tT][tT][pP][sS]?://[^\s]+$"),
]
Day = Annotated[date, parser(dates.parse_date), Kind.DATE, WithJsonSchema(_DATE_JSON)]
Money = Annotated[Decimal, parser(_money), Kind.MONEY, _money_json()]
MoneyOrPercent = Annotated[
    Decimal | money.Percent, parser(_money_or_percent), Kind.MONEY, _money_json(percent=True)
]
DebtAmount = Annotated[
    Decimal | money.Percent, parser(_debt), Kind.MONEY, _money_json(percent=True)
]
Flag = Annotated[bool, parser(_flag), Kind.OTHER, _json(type="boolean")]
CurrencyCode = Annotated[
    str,
    parser(currency_code),
    Kind.OTHER,
    _json(
        type="string",
        enum=[*money.CURRENCIES, *(c.lower() for c in money.CURRENCIES)],
    ),
]
Version = Annotated[Literal[1], parser(_version), Kind.OTHER, _json(enum=[1, "1"])]
Gpus = Annotated[
    int, parser(count(1, 100_000_000, "GPUs")), Kind.COUNT, _count_json(1, 100_000_000)
]
NoticeDays = Annotated[
    int, parser(count(0, MAX_NOTICE_DAYS, "days")), Kind.COUNT, _count_json(0, MAX_NOTICE_DAYS)
]
TermMonths = Annotated[
    int,
    parser(count(1, dates.MAX_TERM_MONTHS, "months")),
    Kind.COUNT,
    _count_json(1, dates.MAX_TERM_MONTHS),
]
PowerMW = Annotated[
    Decimal,
    parser(positive("MW", Decimal(1_000_000))),
    Kind.NUMBER,
    _number_json(0, 1_000_000, low_open=True),
]
ReportedMonths = Annotated[
    Decimal,
    parser(positive("months", Decimal(dates.MAX_TERM_MONTHS))),
    Kind.NUMBER,
    _number_json(0, dates.MAX_TERM_MONTHS, low_open=True),
]
DiscountRate = Annotated[
    Decimal, parser(rate("0", "1", what="discount rate")), Kind.RATE, _rate_json("0", "1")
]
#: At most 90% a year: a steeper decline is no market, and bounds the price curve's range.
Decline = Annotated[
    Decimal, parser(rate("0", "0.9", what="market decline")), Kind.RATE, _rate_json("0", "0.9")
]
Escalation = Annotated[
    Decimal,
    parser(rate("-1", "1", low_open=True, what="escalation")),
    Kind.RATE,
    _rate_json("-1", "1", low_open=True),
]
Tolerance = Annotated[
    Decimal, parser(rate("0", "1", what="tolerance")), Kind.RATE, _rate_json("0", "1")
]
Share = Annotated[Decimal, parser(rate("0", "1", what="share")), Kind.RATE, _rate_json("0", "1")]
#: Above zero: a running GPU draws power, and a delivery of nothing is a walkaway (terminate).
Utilisation = Annotated[
    Decimal,
    parser(rate("0", "1", low_open=True, what="utilisation")),
    Kind.RATE,
    _rate_json("0", "1", low_open=True),
]
DeliveredShare = Annotated[
    Decimal,
    parser(rate("0", "1", low_open=True, what="delivered share")),
    Kind.RATE,
    _rate_json("0", "1", low_open=True),
]
DelayField = Annotated[Delay, parser(parse_delay), Kind.DELAY, WithJsonSchema(_DELAY_JSON)]
TerminateField = Annotated[
    date | Literal["earliest"],
    parser(_terminate),
    Kind.DATE,
    _json(anyOf=[{"const": "earliest"}, _DATE_JSON]),
]
ScenarioName = Annotated[str, parser(slug("scenario name")), _SLUG_JSON]
TrancheName = Annotated[str, parser(slug("tranche name")), Kind.OTHER, _SLUG_JSON]
Years = Annotated[int, parser(count(1, 100, "years")), Kind.COUNT, _count_json(1, 100)]
GapMonths = Annotated[int, parser(count(0, 120, "months")), Kind.COUNT, _count_json(0, 120)]
#: A loan's life: at most 30 years, which keeps its compounding within the money context.
TenorMonths = Annotated[int, parser(count(1, 360, "months")), Kind.COUNT, _count_json(1, 360)]
InterestRate = Annotated[
    Decimal, parser(rate("0", "1", what="interest rate")), Kind.RATE, _rate_json("0", "1")
]
#: Debt service coverage: cash available for debt service over debt service, above 0 to 100x.
Dscr = Annotated[
    Decimal,
    parser(positive("DSCR", Decimal(100))),
    Kind.NUMBER,
    _number_json(0, 100, low_open=True),
]
#: An annual probability of default: at most 50%, beyond which no contract is priced.
DefaultProbability = Annotated[
    Decimal,
    parser(rate("0", "0.5", what="default probability")),
    Kind.RATE,
    _rate_json("0", "0.5"),
]
#: A delivery delay in months, whole or not: up to ten years.
DelayMonths = Annotated[
    Decimal, parser(number(Decimal(120), "months")), Kind.NUMBER, _number_json(0, 120)
]
#: An annual volatility of the market price's logarithm: up to 200% a year.
Volatility = Annotated[
    Decimal, parser(rate("0", "2", what="volatility")), Kind.RATE, _rate_json("0", "2")
]
#: Outages a year: up to one a day.
OutageRate = Annotated[
    Decimal, parser(number(Decimal(365), "outages a year")), Kind.NUMBER, _number_json(0, 365)
]
#: An outage's mean length in hours: up to a month.
OutageHours = Annotated[
    Decimal,
    parser(positive("hours", Decimal(744))),
    Kind.NUMBER,
    _number_json(0, 744, low_open=True),
]
#: Power usage effectiveness: total facility power over IT power, 1 (none lost) to 3.
Pue = Annotated[
    Decimal, parser(positive("PUE", Decimal(3))), Kind.NUMBER, _number_json(0, 3, low_open=True)
]

Frequency = Literal["month", "quarter", "year", "once"]
Timing = Literal["advance", "arrears"]
Credit = Literal["pro-rata", "front", "back"]
Party = Literal["lessor", "lessee", "either"]
Shortfall = Literal["pro-rata", "terminate", "drop"]
HoursBasis = Literal["actual", "730"]
Amortisation = Literal["level", "straight-line", "sculpted", "bullet"]


FrequencyField = Annotated[
    Frequency,
    parser(choice("month", "quarter", "year", "once")),
    _choice_json("month", "quarter", "year", "once"),
]
TimingField = Annotated[
    Timing, parser(choice("advance", "arrears")), _choice_json("advance", "arrears")
]
CreditField = Annotated[
    Credit,
    parser(choice("pro-rata", "front", "back")),
    _choice_json("pro-rata", "front", "back"),
]
PartyField = Annotated[
    Party,
    parser(choice("lessor", "lessee", "either")),
    _choice_json("lessor", "lessee", "either"),
]
HoursBasisField = Annotated[
    HoursBasis, parser(choice("actual", "730")), _choice_json("actual", "730")
]
ServiceFrequencyField = Annotated[
    Literal["month", "quarter", "year"],
    parser(choice("month", "quarter", "year")),
    _choice_json("month", "quarter", "year"),
]
SecuredOnField = Annotated[
    Literal["it", "all"], parser(choice("it", "all")), _choice_json("it", "all")
]
AmortisationField = Annotated[
    Amortisation,
    parser(choice("level", "straight-line", "sculpted", "bullet")),
    _choice_json("level", "straight-line", "sculpted", "bullet"),
]
StandardField = Annotated[
    Literal["asc842", "ifrs16"],
    parser(choice("asc842", "ifrs16")),
    _choice_json("asc842", "ifrs16"),
]
ClassificationField = Annotated[
    Literal["operating", "finance"],
    parser(choice("operating", "finance")),
    _choice_json("operating", "finance"),
]
LeaseTermField = Annotated[
    Literal["full", "earliest-exit"],
    parser(choice("full", "earliest-exit")),
    _choice_json("full", "earliest-exit"),
]
ShortfallField = Annotated[
    Shortfall,
    parser(choice("pro-rata", "terminate", "drop")),
    _choice_json("pro-rata", "terminate", "drop"),
]
