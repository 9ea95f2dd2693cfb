"""Money and rates: the one place where amounts are parsed, rounded and written out.

Binary floating point never touches an amount or a rate: ``0.1 + 0.2`` is not
``0.3`` in a float, and a lease calculator that is off by a cent on a billion
dollars is not trusted with the next one. Every amount is a :class:`~decimal.Decimal`
built from the text the user wrote, every rounding goes through :func:`round_money`
(half-up to the currency's minor unit, once per payment), and every amount that
leaves the program is written by a function in this module.

Arithmetic runs under :data:`CONTEXT` (see :func:`exact`), so a caller that has
changed the global decimal context cannot change a result.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Final, ParamSpec, TypeVar

from computelease.errors import Code, Codes, FieldError, shown

P = ParamSpec("P")
R = TypeVar("R")

#: Arithmetic precision. The largest figure a valid deal can produce is its flows
#: (at most 50,000 payments of 10^15, plus capex, opex and residual: about 5.2 x 10^19)
#: compounded forward at 100% a year over at most 120 years (a 100-year term, capex up
#: to 10 years before it, a valuation date up to 10 years after): 2 ** 120 x 5.2e19 is
#: about 7e55, 56 digits before the point. 64 digits hold it to the cent with room to spare.
CONTEXT: Final = Context(
    prec=64,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

#: The largest amount a deal may state, and the largest single payment.
MAX_AMOUNT: Final = Decimal(10) ** 15
#: Digits after the point that an input amount or rate may carry.
MAX_PLACES: Final = 12
_MAX_NUMBER_TEXT: Final = 64

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)


def arithmetic() -> AbstractContextManager[Context]:
    """A block of arithmetic under the money context: ``with money.arithmetic(): ...``."""
    return localcontext(CONTEXT)


def exact(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` under the money context, whatever context the caller has set."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with arithmetic():
            return fn(*args, **kwargs)

    return wrapper


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency: its code, the digits of its minor unit and its mark."""

    code: str
    minor_units: int
    symbol: str | None = None

    @property
    def quantum(self) -> Decimal:
        """The minor unit as a Decimal (``0.01``), what every amount is rounded to."""
        return _QUANTA[self.minor_units]


#: Minor units by their digits: rounding runs once per payment, so they are built once.
_QUANTA: Final = {digits: Decimal(1).scaleb(-digits) for digits in range(4)}


# A small table, not all of ISO 4217: the currencies compute deals are written in.
CURRENCIES: Final[dict[str, Currency]] = {
    c.code: c
    for c in (
        Currency("USD", 2, "$"),
        Currency("EUR", 2, "€"),
        Currency("GBP", 2, "£"),
        Currency("JPY", 0, "¥"),
        Currency("KRW", 0, "₩"),
        Currency("CNY", 2),
        Currency("CHF", 2),
        Currency("CAD", 2),
        Currency("AUD", 2),
        Currency("NZD", 2),
        Currency("SGD", 2),
        Currency("HKD", 2),
        Currency("TWD", 2),
        Currency("INR", 2),
        Currency("AED", 2),
        Currency("SAR", 2),
        Currency("SEK", 2),
        Currency("NOK", 2),
        Currency("DKK", 2),
        Currency("PLN", 2),
        Currency("BRL", 2),
        Currency("MXN", 2),
        Currency("ZAR", 2),
        Currency("ILS", 2),
    )
}
_SYMBOLS: Final = {c.symbol: c.code for c in CURRENCIES.values() if c.symbol}

_SUFFIXES: Final = {"k": 3, "m": 6, "mm": 6, "b": 9, "bn": 9, "t": 12}

_NUMBER = re.compile(
    r"""
    (?P<sign>[+-])?
    (?P<int>[0-9][0-9_,]*)?
    (?:\.(?P<frac>[0-9][0-9_]*)?)?
    (?:[eE](?P<exp>[+-]?[0-9]{1,4}))?
    """,
    re.VERBOSE,
)
_NOT_NUMBERS: Final = {"nan", ".nan", "inf", ".inf", "infinity"}
_COMMA_GROUPS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def currency(code: str) -> Currency:
    """The currency for an ISO code; raises :class:`FieldError` for an unknown one."""
    try:
        return CURRENCIES[code]
    except KeyError:
        raise FieldError(
            Codes.UNKNOWN_CURRENCY,
            f"unknown currency {code!r}; expected an ISO 4217 code such as "
            f"{', '.join(list(CURRENCIES)[:5])}",
        ) from None


def parse_number(text: str, *, what: str = "number", code: Code = Codes.BAD_NUMBER) -> Decimal:
    """Read a decimal number exactly as written: ``010`` is ten, ``1_000`` a thousand.

    Accepts an optional sign, digits with ``_`` between them or ``,`` between
    groups of three, a fractional part and an exponent. Rejects what YAML 1.1
    or Python would also accept but a contract should not: hex, octal and
    binary prefixes, ``NaN``, infinities and sexagesimal ``1:30``.
    """
    raw = text.strip()
    if not raw:
        raise FieldError(code, f"expected {_a(what)}, got an empty value")
    if len(raw) > _MAX_NUMBER_TEXT:
        raise FieldError(code, f"{what} {shown(raw)} is too long ({len(raw)} characters)")
    m = _NUMBER.fullmatch(raw)
    if m is None or not (m["int"] or m["frac"]):
        raise FieldError(code, f"expected {_a(what)}, got {shown(raw)}{_number_hint(raw)}")
    whole = m["int"] or "0"
    if "," in whole:
        if "_" in whole or not _COMMA_GROUPS.fullmatch(whole):
            raise FieldError(code, f"{shown(raw)}: ',' may only separate groups of three digits")
        whole = whole.replace(",", "")
    for part in (whole, m["frac"] or ""):
        if "__" in part or part.endswith("_"):
            raise FieldError(code, f"{shown(raw)}: '_' may only stand between digits")
    frac = (m["frac"] or "").replace("_", "")
    point = f".{frac}" if frac else ""
    value = Decimal(f"{m['sign'] or ''}{whole.replace('_', '')}{point}e{m['exp'] or 0}")
    places = _places(value)
    if places > MAX_PLACES:
        raise FieldError(
            code, f"{shown(raw)} has {places} decimal places; at most {MAX_PLACES} are allowed"
        )
    return value


def _places(value: Decimal) -> int:
    """Significant decimal places: 1.500 has one. Counted on the digits, never rounded."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # only NaN and infinities have a letter here
    if not any(digits):
        return 0  # zero written with any number of places is still zero
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _number_hint(raw: str) -> str:
    low = raw.lower().lstrip("+-")
    if low in _NOT_NUMBERS:
        return " (not-a-number and infinity are not amounts)"
    if low.startswith(("0x", "0o", "0b")):
        return " (hexadecimal, octal and binary numbers are not accepted)"
    if ":" in raw:
        return " (a colon is not part of a number)"
    if re.fullmatch(r"[0-9]+(?:\.[0-9]{3})+,[0-9]+", raw):
        return " (use '.' for the decimal point and ',' between thousands)"
    return ""


def parse_money(value: object, deal_currency: str | None = None) -> Decimal:
    """Parse an amount of money, not negative, at most 10^15.

    ``value`` is a YAML scalar's text or a number given through the Python
    API. Text may carry a currency mark (``$``, ``€``, ``£``, ``¥``, ``₩`` or
    an ISO code, as in ``EUR 40M``) that must match ``deal_currency`` when
    that is known, thousands separators, and a suffix ``K``, ``M``, ``MM``,
    ``B``, ``bn`` or ``T`` in any case: ``$150M``, ``6.3bn``, ``$150,000,000.00``.
    """
    amount = _money_value(value, deal_currency)
    if amount < 0:
        raise FieldError(Codes.OUT_OF_RANGE, f"amount {_text(value)} is negative")
    if amount > MAX_AMOUNT:
        raise FieldError(
            Codes.OUT_OF_RANGE, f"amount {_text(value)} is above the largest supported, 10^15"
        )
    # -0 is zero; keep no sign that a formatter could print.
    return amount.copy_abs() if amount == 0 else amount


def _text(value: object) -> str:
    return shown(value) if isinstance(value, str) else str(value)


def _money_value(value: object, deal_currency: str | None) -> Decimal:
    if isinstance(value, bool):
        raise FieldError(Codes.BAD_MONEY, f"expected an amount of money, got {value}")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
        if not number.is_finite():
            raise FieldError(Codes.BAD_MONEY, f"amount {value} is not a finite number")
        return number
    if isinstance(value, float):
        raise FieldError(
            Codes.BAD_MONEY,
            "amounts must not be binary floats; write them as text or Decimal",
        )
    if not isinstance(value, str):
        raise FieldError(
            Codes.BAD_MONEY, f"expected an amount of money, got {type(value).__name__}"
        )
    raw = value.strip()
    if raw.lower().lstrip("+-") in _NOT_NUMBERS:
        raise FieldError(
            Codes.BAD_MONEY, f"expected an amount of money, got {shown(raw)}" + _number_hint(raw)
        )
    rest, sign = raw, ""
    if rest[:1] in "+-" and rest:
        sign, rest = rest[0], rest[1:].lstrip()
    mark, rest = _mark(rest, raw)
    if mark is None and rest and not (rest[0].isdigit() or rest[0] in ".+-"):
        raise FieldError(
            Codes.BAD_MONEY,
            f"expected an amount of money such as 150M or $150,000,000.00, got {shown(raw)}"
            + _number_hint(rest),
        )
    if rest[:1] in "+-" and rest and not sign:
        sign, rest = rest[0], rest[1:]
    if mark is not None and deal_currency is not None and mark != deal_currency:
        raise FieldError(
            Codes.CURRENCY_MISMATCH,
            f"amount {shown(raw)} is in {mark} but the deal's currency is {deal_currency}; "
            f"write it without a mark or change 'currency'",
        )
    m = re.fullmatch(r"(?P<num>.*?)\s*(?P<suffix>[A-Za-z]+)?", rest)
    assert m is not None  # the pattern matches any text
    suffix = (m["suffix"] or "").lower()
    if suffix and suffix not in _SUFFIXES:
        raise FieldError(
            Codes.BAD_MONEY,
            f"unknown suffix {m['suffix']!r} in {shown(raw)}; expected K, M, MM, B, bn or T",
        )
    number = parse_number(sign + m["num"], what="amount of money", code=Codes.BAD_MONEY)
    return number.scaleb(_SUFFIXES[suffix]) if suffix else number


def _mark(rest: str, raw: str) -> tuple[str | None, str]:
    """The currency an amount's text starts with (``$``, ``EUR``), and the text after it."""
    if rest[:1] in _SYMBOLS:
        return _SYMBOLS[rest[0]], rest[1:].lstrip()
    if re.match(r"[A-Za-z]{3}(?=\s*[0-9.+-])", rest):
        code = rest[:3].upper()
        if code not in CURRENCIES:
            raise FieldError(
                Codes.UNKNOWN_CURRENCY, f"unknown currency {rest[:3]!r} in amount {shown(raw)}"
            )
        return code, rest[3:].lstrip()
    return None, rest


def mark_of(text: str) -> str | None:
    """The currency an amount is written in (``$5`` USD, ``EUR 5`` EUR), or None if unmarked."""
    rest = text.strip()
    if rest[:1] in "+-":
        rest = rest[1:].lstrip()
    return _mark(rest, text)[0]


@dataclass(frozen=True, slots=True)
class Percent:
    """A share of some total, written ``20%``: kept apart from an amount of money."""

    fraction: Decimal


def parse_money_or_percent(value: object, deal_currency: str | None = None) -> Decimal | Percent:
    """An amount of money, or a percent of some total when the text ends in ``%``."""
    if isinstance(value, Percent):
        return value
    if isinstance(value, str) and value.strip().endswith("%"):
        share = parse_rate(value, low=ZERO, high=ONE, what="share")
        if share == 0:
            raise FieldError(Codes.OUT_OF_RANGE, "a share of 0% is not a prepayment")
        return Percent(share)
    return parse_money(value, deal_currency)


def parse_rate(
    value: object,
    *,
    low: Decimal,
    high: Decimal,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    what: str = "rate",
) -> Decimal:
    """Parse an annual rate written ``8%`` or ``0.08`` into the fraction ``0.08``.

    A bare number above 1 is refused with the percent form as a hint: a rate
    typed as ``8`` instead of ``0.08`` is the second most common error in
    lease spreadsheets.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise FieldError(Codes.BAD_RATE, f"expected a {what} such as 8% or 0.08, got {value!r}")
    if isinstance(value, str):
        raw = value.strip()
        if raw.endswith("%"):
            rate = parse_number(raw[:-1], what=what, code=Codes.BAD_RATE) / 100
        else:
            rate = parse_number(raw, what=what, code=Codes.BAD_RATE)
            if abs(rate) > 1:
                side = "above 1" if rate > 1 else "below -1"
                raise FieldError(
                    Codes.BAD_RATE,
                    f"{what} {shown(raw)} is {side}; did you mean {raw}%? "
                    f"(write rates as 8% or 0.08)",
                )
    else:
        rate = Decimal(value)
        raw = str(value)
        if not rate.is_finite():
            raise FieldError(Codes.BAD_RATE, f"{what} {value} is not a finite number")
        if abs(rate) > 1:
            raise FieldError(Codes.BAD_RATE, f"{what} {value} is above 1; did you mean {value}%?")
    too_low = rate < low if low_inclusive else rate <= low
    too_high = rate > high if high_inclusive else rate >= high
    if too_low or too_high:
        floor = "at least" if low_inclusive else "above"
        ceiling = "at most" if high_inclusive else "below"
        raise FieldError(
            Codes.OUT_OF_RANGE,
            f"{what} {shown(raw)} is out of range: expected {floor} {format_percent(low)} "
            f"and {ceiling} {format_percent(high)}",
        )
    return rate + 0  # drop a negative zero's sign


def round_money(amount: Decimal, ccy: Currency) -> Decimal:
    """Round once, half-up, to the currency's minor unit (cents for USD, yen for JPY)."""
    return amount.quantize(ccy.quantum, rounding=ROUND_HALF_UP, context=CONTEXT)


def to_float(value: Decimal) -> float:
    """``value`` as a binary float, for the Monte Carlo of ``lease risk`` only.

    A simulation trades exactness for speed across many paths, says so in its
    report, and is checked against the exact figures; nothing contractual is
    ever computed from what this returns.
    """
    return float(value)


def from_float(value: float, places: int = 2) -> Decimal:
    """A simulated figure back as a Decimal, rounded half-up to ``places`` for a report."""
    return round_to(Decimal(repr(value)), places)


def round_to(value: Decimal, places: int) -> Decimal:
    """Round a non-money figure (a fraction of a month, a factor) half-up to ``places``."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CONTEXT)


def plain(amount: Decimal, ccy: Currency) -> str:
    """An amount for machines: exact minor units, no separators (``6300000000.00``)."""
    # + 0 drops a negative zero's sign; under CONTEXT, not the caller's 28 digits.
    return f"{CONTEXT.plus(round_money(amount, ccy)):f}"


def decimal_text(value: Decimal) -> str:
    """A rate or ratio for machines, as written in positional notation (``0.08``)."""
    text = f"{value.normalize(CONTEXT):f}"
    return "0" if text in {"-0", "0"} else text


def format_quantity(value: Decimal) -> str:
    """A quantity for people, as written, with thousands separators: ``1,036.5``, ``529``."""
    text = f"{value.normalize(CONTEXT):,f}"
    return "0" if text in {"-0", "0"} else text


@exact
def format_money(
    amount: Decimal, ccy: Currency, *, compact: bool = False, symbol: bool = True
) -> str:
    """An amount for people: ``$6,300,000,000.00``, or compact ``$6.30B`` / ``$150.0M``.

    Compact figures keep two decimals below 10 units and one above, so a
    glance tells $6.30B from $6.3B-ish; amounts below a thousand always show
    their cents.
    """
    value = round_money(amount, ccy)
    negative = value < 0
    value = abs(value)
    if compact and value >= 1000:
        units = (("K", 3), ("M", 6), ("B", 9), ("T", 12))
        i = max(i for i, (_, scale) in enumerate(units) if value.scaleb(-scale) >= 1)
        while True:
            unit, scale = units[i]
            scaled = value.scaleb(-scale)
            # Places follow the figure as shown: 9.996B is $10.0B, never $10.00B.
            places = 2 if round_to(scaled, 2) < 10 else 1
            rounded = round_to(scaled, places)
            # 999.96M rounds to 1000.0M: say 1.00B instead.
            if rounded >= 1000 and i + 1 < len(units):
                i += 1
                continue
            break
        body = f"{rounded:,.{places}f}{unit}"
    else:
        body = f"{value:,.{ccy.minor_units}f}"
    if ccy.symbol and symbol:
        body = f"{ccy.symbol}{body}"
    elif symbol:
        body = f"{ccy.code} {body}"
    return f"-{body}" if negative else body


@dataclass(frozen=True, slots=True)
class Amount:
    """Money inside words: shown as the report around it shows money.

    Compact unless the report is exact, with or without its mark as the
    report has them; a unit ``price`` (per GPU-hour) always to the cent.
    """

    value: Decimal
    ccy: Currency
    price: bool = False

    def text(self, *, exact: bool = False, symbol: bool = True) -> str:
        return format_money(self.value, self.ccy, compact=not (exact or self.price), symbol=symbol)


class Words(str):
    """A note with amounts of money in it, built by the core and worded by the renderer.

    It is the text with each amount compact (``"fee $150.0M paid ..."``), so it
    reads, compares and serialises as any note does; a renderer that knows the
    report's options words it again with :meth:`text`, so ``--exact`` and
    ``--no-currency-symbol`` reach the notes too.
    """

    parts: tuple[str | Amount, ...]

    def __new__(cls, *parts: str | Amount) -> Words:
        self = super().__new__(cls, "".join(_worded(p) for p in parts))
        self.parts = parts
        return self

    def text(self, *, exact: bool = False, symbol: bool = True) -> str:
        return "".join(_worded(p, exact=exact, symbol=symbol) for p in self.parts)


def _worded(part: str | Amount, *, exact: bool = False, symbol: bool = True) -> str:
    return part if isinstance(part, str) else part.text(exact=exact, symbol=symbol)


@exact
def format_percent(rate: Decimal, places: int = 2) -> str:
    """A rate for people: ``8%``, ``14.13%``; trailing zeros dropped."""
    text = f"{round_to(rate * 100, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'0' if text == '-0' else text}%"
