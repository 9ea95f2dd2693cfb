"""The deal models: field rules, cross-field rules at the field that breaks them, and bounds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from computelease import loader, money
from computelease.errors import Code, Codes, DealInvalid
from computelease.models import Deal
from computelease.paths import keys_at
from tests.conftest import MINIMAL


def problem(write: Callable[..., Path], text: str) -> tuple[Code, int | None, str, str | None]:
    with pytest.raises(DealInvalid) as info:
        loader.load(write(text))
    assert len(info.value.problems) == 1, [str(p) for p in info.value.problems]
    p = info.value.problems[0]
    return p.code, p.line, p.message, p.field


def test_months_gives_the_end_as_the_day_before_start_plus_n_months(
    write: Callable[..., Path],
) -> None:
    deal = loader.load(
        write(
            MINIMAL.replace("start: 2026-01-01", "start: 2026-07-01").replace(
                "months: 12", "months: 42"
            )
        )
    ).deal
    assert deal.term_end == date(2029, 12, 31)


def test_end_before_start_is_reported_at_end(write: Callable[..., Path]) -> None:
    code, line, message, field = problem(write, MINIMAL.replace("months: 12", "end: 2025-12-31"))
    assert (code, line, field) == (Codes.END_BEFORE_START, 5, "end")
    assert message == "end 2025-12-31 is before start 2026-01-01"


def test_end_and_months_together(write: Callable[..., Path]) -> None:
    code, line, _, field = problem(write, MINIMAL + "end: 2026-12-31\n")
    assert (code, line, field) == (Codes.TERM_SPEC, 5, "months")


def test_neither_end_nor_months(write: Callable[..., Path]) -> None:
    code, line, _, field = problem(write, MINIMAL.replace("months: 12\n", ""))
    assert (code, line, field) == (Codes.TERM_SPEC, 4, "start")


def test_stream_outside_the_term(write: Callable[..., Path]) -> None:
    code, line, message, field = problem(write, MINIMAL + "    from: 2027-02-01\n")
    assert (code, line, field) == (Codes.OUTSIDE_TERM, 8, "payments[0].from")
    assert message == "from 2027-02-01 is outside the term 2026-01-01 to 2026-12-31"


def test_until_before_from(write: Callable[..., Path]) -> None:
    code, line, _, field = problem(write, MINIMAL + "    from: 2026-06-01\n    until: 2026-05-01\n")
    assert (code, line, field) == (Codes.END_BEFORE_START, 9, "payments[0].until")


def test_amount_and_per_gpu_hour(write: Callable[..., Path]) -> None:
    code, line, _, field = problem(write, MINIMAL + "    per_gpu_hour: 2.50\n")
    assert (code, line, field) == (Codes.AMOUNT_SPEC, 8, "payments[0].per_gpu_hour")
    code, line, _, field = problem(write, MINIMAL.replace("amount: 1000", "every: month"))
    assert (code, line, field) == (Codes.AMOUNT_SPEC, 7, "payments[0]")


def test_per_gpu_hour_needs_gpus(write: Callable[..., Path]) -> None:
    code, line, message, field = problem(
        write, MINIMAL.replace("amount: 1000", "per_gpu_hour: $2.50")
    )
    assert (code, line, field) == (Codes.NEEDS_INPUT, 7, "payments[0].per_gpu_hour")
    assert "capacity.gpus" in message


def test_term_longer_than_100_years(write: Callable[..., Path]) -> None:
    code, line, message, _ = problem(write, MINIMAL.replace("months: 12", "end: 2126-01-01"))
    assert (code, line) == (Codes.TERM_TOO_LONG, 5)
    assert "longer than 100 years" in message
    code, line, message, _ = problem(write, MINIMAL.replace("months: 12", "months: 1201"))
    assert (code, line) == (Codes.OUT_OF_RANGE, 5)


def test_months_that_run_past_the_last_term_day(write: Callable[..., Path]) -> None:
    text = MINIMAL.replace("start: 2026-01-01", "start: 9599-06-01")
    code, line, message, field = problem(write, text)
    assert (code, line, field) == (Codes.TERM_TOO_LONG, 5, "months")
    assert (
        message == "12 months from 9599-06-01 runs past 9599-12-31, the last day a term may cover"
    )


def test_a_term_before_1900(write: Callable[..., Path]) -> None:
    code, line, message, _ = problem(write, MINIMAL.replace("2026-01-01", "1899-12-31"))
    assert (code, line) == (Codes.TERM_TOO_LONG, 4)
    assert message == "start 1899-12-31 is before 1900-01-01, the first day a term may cover"


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        (
            "assumptions:\n  lessor:\n    capex: 5\n    capex_date: 0001-01-01\n",
            11,
            "capex_date 0001-01-01 is more than 10 years before the start 2026-01-01 "
            "(the earliest is 2016-01-01)",
        ),
        (
            "prepayments:\n  - amount: 5\n    on: 2015-12-31\n",
            10,
            "prepayment date 2015-12-31 is more than 10 years before the start 2026-01-01 "
            "(the earliest is 2016-01-01)",
        ),
        (
            "assumptions:\n  market_date: 2036-01-02\n",
            9,
            "market_date 2036-01-02 is after the term ends (2026-12-31)",
        ),
        (
            "delivery:\n  deadline: 2027-01-01\n",
            9,
            "deadline 2027-01-01 is after the term ends (2026-12-31)",
        ),
    ],
)
def test_dates_far_from_the_term(
    write: Callable[..., Path], extra: str, line: int, message: str
) -> None:
    """Every date a deal may hold lies near its term: the bound that keeps every factor exact."""
    code, found_line, found, _ = problem(write, MINIMAL + extra)
    assert (code, found_line, found) == (Codes.OUTSIDE_TERM, line, message)


def test_a_market_quoted_long_after_the_start(write: Callable[..., Path]) -> None:
    long = MINIMAL.replace("months: 12", "months: 240")
    code, line, message, _ = problem(write, long + "assumptions:\n  market_date: 2036-01-02\n")
    assert (code, line) == (Codes.OUTSIDE_TERM, 9)
    assert message == (
        "market_date 2036-01-02 is more than 10 years after the start 2026-01-01 "
        "(the latest is 2036-01-01)"
    )


def test_too_many_schedule_rows(write: Callable[..., Path]) -> None:
    streams = "".join("  - amount: 1\n" for _ in range(42))
    text = MINIMAL.replace("months: 12", "months: 1200").replace("  - amount: 1000\n", streams)
    code, line, message, field = problem(write, text)
    assert (code, line, field) == (Codes.TOO_MANY_ROWS, 7, "payments")
    assert "50,400 schedule rows; at most 50,000" in message


def test_a_rate_typed_as_a_whole_number_suggests_percent(write: Callable[..., Path]) -> None:
    code, line, message, field = problem(write, MINIMAL + "assumptions:\n  discount_rate: 8\n")
    assert (code, line, field) == (Codes.BAD_RATE, 9, "assumptions.discount_rate")
    assert "did you mean 8%?" in message


def test_currency_mark_must_match(write: Callable[..., Path]) -> None:
    code, line, message, _ = problem(
        write, MINIMAL.replace("amount: 1000", "amount: $1000") + "currency: EUR\n"
    )
    assert (code, line) == (Codes.CURRENCY_MISMATCH, 7)
    assert "in USD but the deal's currency is EUR" in message


def test_unknown_currency(write: Callable[..., Path]) -> None:
    code, line, _, _ = problem(write, MINIMAL + "currency: XBT\n")
    assert (code, line) == (Codes.UNKNOWN_CURRENCY, 8)


def test_unsupported_version(write: Callable[..., Path]) -> None:
    code, line, message, _ = problem(write, "version: 2\n" + MINIMAL)
    assert (code, line) == (Codes.BAD_VERSION, 1)
    assert "reads version 1" in message


def test_prepayment_and_termination_dates_inside_the_term(write: Callable[..., Path]) -> None:
    code, line, _, field = problem(
        write, MINIMAL + "prepayments:\n  - amount: 20%\n    on: 2030-01-01\n"
    )
    assert (code, line, field) == (Codes.OUTSIDE_TERM, 10, "prepayments[0].on")
    code, line, _, field = problem(
        write, MINIMAL + "termination:\n  notice_days: 90\n  not_before: 2027-06-01\n"
    )
    assert (code, line, field) == (Codes.OUTSIDE_TERM, 10, "termination.not_before")


def test_bad_id_and_url(write: Callable[..., Path]) -> None:
    code, line, _, _ = problem(write, MINIMAL + "id: Not A Slug\n")
    assert (code, line) == (Codes.BAD_TEXT, 8)
    code, line, message, _ = problem(
        write, MINIMAL + "sources:\n  - title: x\n    url: javascript:alert(1)\n"
    )
    assert (code, line) == (Codes.BAD_TEXT, 10)
    assert "http" in message


def test_wrong_shapes(write: Callable[..., Path]) -> None:
    code, line, message, _ = problem(
        write, MINIMAL.replace("months: 12", "months: 12") + "capacity: 5\n"
    )
    assert (code, line) == (Codes.WRONG_TYPE, 8)
    assert "mapping" in message
    code, line, message, _ = problem(write, MINIMAL + "sources: a source\n")
    assert (code, line) == (Codes.WRONG_TYPE, 8)
    assert "list" in message
    code, _, message, _ = problem(write, MINIMAL.replace("name: Test deal", "name: [a, b]"))
    assert code == Codes.WRONG_TYPE


def test_the_python_api_accepts_decimals_and_refuses_floats() -> None:
    data = {
        "name": "API deal",
        "lessor": "A",
        "lessee": "B",
        "start": date(2026, 1, 1),
        "months": 12,
        "payments": [{"amount": Decimal("1000.00")}],
    }
    deal = Deal.model_validate(data)
    assert deal.payments[0].amount == Decimal("1000.00")
    with pytest.raises(ValidationError) as info:
        Deal.model_validate({**data, "payments": [{"amount": 1000.0}]})
    assert info.value.errors()[0]["type"] == Codes.BAD_MONEY.id


def test_keys_at_walks_nested_models() -> None:
    assert "amount" in keys_at(Deal, ("payments", 0))
    assert "from" in keys_at(Deal, ("payments", 3))
    assert keys_at(Deal, ("assumptions", "lessor"))[:3] == ("capex", "capex_per_gpu", "capex_date")
    assert "rent_per_kw_month" in keys_at(Deal, ("assumptions", "lessor", "facility"))
    assert "delivered" in keys_at(Deal, ("capacity", "tranches", 0))
    assert keys_at(Deal, ("scenarios",)) == ()  # a mapping of free names
    assert "delay" in keys_at(Deal, ("scenarios", "slip"))
    assert keys_at(Deal, ("nope",)) == ()


def test_percent_prepayment_is_kept_as_a_share(write: Callable[..., Path]) -> None:
    deal = loader.load(write(MINIMAL + "prepayments:\n  - amount: 20%\n")).deal
    assert deal.prepayments[0].amount == money.Percent(Decimal("0.2"))
