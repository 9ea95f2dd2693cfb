"""Money, rate and number parsing: every accepted form and every rejection, exactly."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelease import money
from computelease.errors import Codes, FieldError

USD = money.CURRENCIES["USD"]
JPY = money.CURRENCIES["JPY"]
EUR = money.CURRENCIES["EUR"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150000000", "150000000"),
        ("150_000_000", "150000000"),
        ("1.5", "1.5"),
        ("150M", "150000000"),
        ("$150M", "150000000"),
        ("$6.3B", "6300000000"),
        ("6.3bn", "6300000000"),
        ("6.3BN", "6300000000"),
        ("$150,000,000.00", "150000000.00"),
        ("2.5k", "2500"),
        ("1.2MM", "1200000"),
        ("1T", "1000000000000"),
        ("010", "10"),
        ("1e3", "1000"),
        ("2.490", "2.490"),
        ("0", "0"),
        ("-0", "0"),
        ("USD 40M", "40000000"),
        ("usd40m", "40000000"),
        (" $ 150 M ", "150000000"),
        (".5", "0.5"),
    ],
)
def test_parse_money_accepts(text: str, expected: str) -> None:
    assert money.parse_money(text, "USD") == Decimal(expected)


def test_parse_money_keeps_digits_as_written() -> None:
    assert str(money.parse_money("2.490")) == "2.490"
    assert money.parse_money("0.1") + money.parse_money("0.2") == Decimal("0.3")


def test_parse_money_accepts_matching_marks() -> None:
    assert money.parse_money("€40M", "EUR") == Decimal(40_000_000)
    assert money.parse_money("EUR 40M", "EUR") == Decimal(40_000_000)
    assert money.parse_money("£1,000", "GBP") == Decimal(1000)
    assert money.parse_money("¥1000", "JPY") == Decimal(1000)


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("-5", Codes.OUT_OF_RANGE, "negative"),
        ("-$5M", Codes.OUT_OF_RANGE, "negative"),
        ("NaN", Codes.BAD_MONEY, "not-a-number"),
        (".inf", Codes.BAD_MONEY, "infinity"),
        ("0x10", Codes.BAD_MONEY, "hexadecimal"),
        ("1:30", Codes.BAD_MONEY, "colon"),
        ("1e400", Codes.OUT_OF_RANGE, "10^15"),
        ("1000000000000001", Codes.OUT_OF_RANGE, "10^15"),
        ("1,00", Codes.BAD_MONEY, "groups of three"),
        ("1,000_000", Codes.BAD_MONEY, "groups of three"),
        ("1__000", Codes.BAD_MONEY, "between digits"),
        ("150X", Codes.BAD_MONEY, "unknown suffix"),
        ("₿100", Codes.BAD_MONEY, "such as 150M"),
        ("XYZ 100", Codes.UNKNOWN_CURRENCY, "unknown currency"),
        ("", Codes.BAD_MONEY, "empty"),
        ("1." + "0" * 59 + "1", Codes.BAD_MONEY, "decimal places"),
        ("1" * 70, Codes.BAD_MONEY, "too long"),
        ("1.000,50", Codes.BAD_MONEY, "'.' for the decimal point"),
    ],
)
def test_parse_money_rejects(text: str, code: object, fragment: str) -> None:
    with pytest.raises(FieldError) as info:
        money.parse_money(text, "USD")
    assert info.value.code == code
    assert fragment in info.value.message


def test_parse_money_rejects_a_mark_of_another_currency() -> None:
    with pytest.raises(FieldError) as info:
        money.parse_money("$150M", "EUR")
    assert info.value.code == Codes.CURRENCY_MISMATCH
    assert "in USD but the deal's currency is EUR" in info.value.message


def test_parse_money_rejects_binary_floats_and_bools() -> None:
    with pytest.raises(FieldError, match="binary floats"):
        money.parse_money(1.5)
    with pytest.raises(FieldError):
        money.parse_money(True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8%", "0.08"),
        ("0.08", "0.08"),
        ("8 %", "0.08"),
        ("0", "0"),
        ("100%", "1"),
        ("12.5%", "0.125"),
    ],
)
def test_parse_rate_accepts(text: str, expected: str) -> None:
    rate = money.parse_rate(text, low=Decimal(0), high=Decimal(1))
    assert rate == Decimal(expected)


def test_a_bare_rate_above_one_suggests_the_percent_form() -> None:
    with pytest.raises(FieldError) as info:
        money.parse_rate("8", low=Decimal(0), high=Decimal(1), what="discount rate")
    assert info.value.code == Codes.BAD_RATE
    assert "did you mean 8%?" in info.value.message


@pytest.mark.parametrize("text", ["-5%", "1000%", "101%"])
def test_rates_out_of_range(text: str) -> None:
    with pytest.raises(FieldError) as info:
        money.parse_rate(text, low=Decimal(0), high=Decimal(1))
    assert info.value.code == Codes.OUT_OF_RANGE
    assert "out of range" in info.value.message


def test_escalation_may_step_down_but_not_to_minus_100() -> None:
    low, high = Decimal(-1), Decimal(1)
    assert money.parse_rate("-5%", low=low, high=high, low_inclusive=False) == Decimal("-0.05")
    with pytest.raises(FieldError):
        money.parse_rate("-100%", low=low, high=high, low_inclusive=False)


def test_percent_is_kept_apart_from_money() -> None:
    assert money.parse_money_or_percent("20%") == money.Percent(Decimal("0.2"))
    assert money.parse_money_or_percent("$1.94B") == Decimal("1940000000")


@pytest.mark.parametrize(
    ("amount", "ccy", "expected"),
    [
        ("1.005", USD, "1.01"),  # half-up, not banker's rounding
        ("1.015", USD, "1.02"),
        ("2.5", JPY, "3"),
        ("3.5", JPY, "4"),
        ("-1.005", USD, "-1.01"),
    ],
)
def test_round_money_is_half_up_to_the_minor_unit(
    amount: str, ccy: money.Currency, expected: str
) -> None:
    assert money.round_money(Decimal(amount), ccy) == Decimal(expected)


def test_rounding_ignores_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert money.round_money(Decimal("6300000000.005"), USD) == Decimal("6300000000.01")


@pytest.mark.parametrize(
    ("amount", "compact", "expected"),
    [
        ("6300000000", False, "$6,300,000,000.00"),
        ("6300000000", True, "$6.30B"),
        ("150000000", True, "$150.0M"),
        ("900000000", True, "$900.0M"),
        ("1800000000", True, "$1.80B"),
        ("999960000", True, "$1.00B"),
        ("6.84", True, "$6.84"),
        ("12500", True, "$12.5K"),
        ("-5000000", True, "-$5.00M"),
        # One rule: the places follow the figure as shown, so 9.996B is never $10.00B.
        ("9996000000", True, "$10.0B"),
        ("9995000000", True, "$10.0B"),
        ("9994999999", True, "$9.99B"),
        ("10000000000", True, "$10.0B"),
        ("9999999", True, "$10.0M"),
    ],
)
def test_format_money(amount: str, compact: bool, expected: str) -> None:
    assert money.format_money(Decimal(amount), USD, compact=compact) == expected


def test_format_money_without_a_symbol_and_for_yen() -> None:
    assert money.format_money(Decimal("1000"), EUR, symbol=False) == "1,000.00"
    assert money.format_money(Decimal("1000.4"), JPY) == "¥1,000"
    assert money.format_money(Decimal("5"), money.CURRENCIES["CHF"]) == "CHF 5.00"


def test_plain_and_decimal_text_for_machines() -> None:
    assert money.plain(Decimal("6.3e9"), USD) == "6300000000.00"
    assert money.plain(Decimal("-0"), USD) == "0.00"
    assert money.decimal_text(Decimal("0.080")) == "0.08"
    assert money.decimal_text(Decimal("1E+2")) == "100"
    assert money.format_percent(Decimal("0.14133")) == "14.13%"
    assert money.format_percent(Decimal("0.08")) == "8%"


def test_unknown_currency_code() -> None:
    with pytest.raises(FieldError) as info:
        money.currency("USDT")
    assert info.value.code == Codes.UNKNOWN_CURRENCY


amounts = st.decimals(
    min_value=Decimal(0),
    max_value=money.MAX_AMOUNT,
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts)
def test_format_then_parse_returns_the_same_amount(amount: Decimal) -> None:
    written = money.format_money(amount, USD)
    assert money.parse_money(written, "USD") == amount
    assert money.parse_money(money.plain(amount, USD), "USD") == amount


@given(amounts, st.sampled_from(["", "_", ","]))
def test_any_separator_style_reads_the_same(amount: Decimal, sep: str) -> None:
    whole, _, cents = f"{amount:f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sep.join(groups) + (f".{cents}" if cents else "")
    assert money.parse_money(text) == amount


@given(st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=6))
def test_rate_percent_and_fraction_forms_agree(rate: Decimal) -> None:
    as_percent = f"{rate * 100:f}%"
    low, high = Decimal(0), Decimal(1)
    assert money.parse_rate(as_percent, low=low, high=high) == money.parse_rate(
        f"{rate:f}", low=low, high=high
    )


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1000, max_value=10**15))
def test_compact_money_shows_two_places_below_ten_units_and_one_from_ten(units: int) -> None:
    text = money.format_money(Decimal(units), USD, compact=True)
    number = text.lstrip("$")[:-1].replace(",", "")
    whole, _, places = number.partition(".")
    assert len(places) == (2 if int(whole) < 10 else 1), text


def test_figures_are_written_to_the_cent_whatever_the_callers_context() -> None:
    """A renderer runs under Python's default 28-digit context: the money module does not."""
    big = Decimal("33319942496878964172460544412640728000000000000000.004")
    usd = money.CURRENCIES["USD"]
    assert money.plain(big, usd) == "33319942496878964172460544412640728000000000000000.00"
    assert money.plain(Decimal("-0.001"), usd) == "0.00"
    assert money.format_money(big, usd) == (
        "$33,319,942,496,878,964,172,460,544,412,640,728,000,000,000,000,000.00"
    )
