"""A commented starter deal for ``lease new``: the terms a user gives, checked, as YAML text.

Each term is read by the same parser the deal's field uses, so a value that
would fail ``lease check`` is refused here, naming the term, before any file
is written. The text names the schema on its first line (for the editor) and
carries the main optional blocks commented out, each with a line on what it
does, so that the file teaches the format as it is filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from computelease import dates, money
from computelease.errors import Codes, FieldError, RequestError
from computelease.fields import MAX_NAME, count, text
from computelease.schema import MODELINE


@dataclass(frozen=True)
class Question:
    """One term of a starter deal: its key, what a prompt asks, and how its answer is read."""

    key: str
    prompt: str
    read: Callable[[str], object]


#: A starter deal is in US dollars; `currency` is one line to change.
USD: Final = money.CURRENCIES["USD"]


def _amount(value: str) -> str:
    money.parse_money(value, USD.code)
    return value.strip()


def _gpus(value: str) -> int | None:
    return count(1, 100_000_000, "GPUs")(value) if value.strip() else None


def _every(value: str) -> str:
    if value not in {"month", "quarter", "year"}:
        raise FieldError(Codes.BAD_CHOICE, f"expected month, quarter or year, got {value!r}")
    return value


QUESTIONS: Final = (
    Question("name", "Deal name", text(MAX_NAME)),
    Question("lessor", "Lessor (who provides the capacity)", text(MAX_NAME)),
    Question("lessee", "Lessee (who pays for it)", text(MAX_NAME)),
    Question("start", "First day of service (YYYY-MM-DD)", dates.parse_date),
    Question("months", "Term in months", count(1, dates.MAX_TERM_MONTHS, "months")),
    Question("amount", "Payment each period (such as $150M)", _amount),
    Question("every", "Paid every month, quarter or year", _every),
    Question("gpus", "GPUs leased (blank if unknown)", _gpus),
)


def defaults(today: date) -> dict[str, str]:
    """What each term is when the user gives none: a start on the first of next month."""
    start = dates.add_months(today.replace(day=1), 1)
    return {
        "name": "Example lease",
        "lessor": "GPU Cloud Inc",
        "lessee": "Model Lab",
        "start": start.isoformat(),
        "months": "36",
        "amount": "$10M",
        "every": "month",
        "gpus": "",
    }


def read(answers: Mapping[str, str]) -> dict[str, object]:
    """Each answer read by its term's parser; RequestError names the first one refused."""
    terms: dict[str, object] = {}
    for question in QUESTIONS:
        try:
            terms[question.key] = question.read(answers[question.key])
        except FieldError as exc:
            raise RequestError(Codes.BAD_SETTING, f"{question.key}: {exc.message}") from None
    return terms


def _yaml_text(value: object) -> str:
    """A text term as a YAML scalar that reads back as the same text."""
    written = str(value)
    plain = written.strip() == written and not any(c in written for c in ":#'\"{}[]&*!|>%@`\n")
    # YAML reads these plain words as nothing: quoted, they stay the name they are.
    if plain and written[:1] not in "-?," and written not in {"~", "null", "Null", "NULL"}:
        return written
    return '"' + written.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line(field: str, comment: str) -> str:
    """A field and its comment, the comments of a block lined up where they fit."""
    return f"{field:<29} # {comment}" if comment else field


def deal_text(terms: Mapping[str, object], schema: str, filename: str) -> str:
    """The starter deal's YAML, with ``schema`` (a path or URL) on its first line."""
    start, gpus, every = terms["start"], terms["gpus"], terms["every"]
    assert isinstance(start, date)
    if not filename.isprintable():  # a name with a line break would end the comment
        filename = "FILE"
    step = {"month": 1, "quarter": 3, "year": 12}[str(every)]
    months = int(str(terms["months"]))
    total = (
        money.format_money(money.parse_money(str(terms["amount"])) * (months // step), USD)
        if months % step == 0
        else None
    )
    capacity = (
        [f"capacity:\n  gpus: {gpus}", "  # accelerator: Nvidia GB300 NVL72", "  # power_mw: 56"]
        if gpus is not None
        else [
            _line("# capacity:", "what is leased: GPU-hour prices need the GPUs"),
            "#   gpus: 4000",
            "#   accelerator: Nvidia GB300 NVL72",
        ]
    )
    lines = [
        f"{MODELINE}{schema}",
        "# A compute lease deal. Every field is documented in computelease's",
        "# deals/README.md, and your editor shows the same from the schema above.",
        f"#   lease check {filename}   validate it (exit 1 on an error)",
        f"#   lease calc {filename}    totals, present value, committed value, breakeven",
        "version: 1",
        f"name: {_yaml_text(terms['name'])}",
        _line(f"lessor: {_yaml_text(terms['lessor'])}", "who provides the capacity"),
        _line(f"lessee: {_yaml_text(terms['lessee'])}", "who pays for it"),
        "currency: USD",
        _line(f"start: {start.isoformat()}", "the first day of service"),
        _line(f"months: {months}", "or end: YYYY-MM-DD, the last day covered"),
        "payments:",
        f"  - name: {every}ly fee",
        _line(f"    amount: {_yaml_text(terms['amount'])}", "each period; or per_gpu_hour: $2.50"),
        _line(f"    every: {every}", "month, quarter, year, or once (one payment)"),
        _line("    timing: advance", "paid on each period's first day (arrears: after it)"),
        "",
        "# An early-termination right is what separates the committed value from the",
        "# headline: the tenant may leave on notice_days' notice from not_before.",
        "# termination:",
        "#   notice_days: 90",
        f"#   not_before: {dates.add_months(start, 3).isoformat()}",
        "",
        *capacity,
        "",
        "# What was not reported, each with its reason in a comment: the discount rate",
        "# values the payments, the market price prices a walkaway, the lessor's capex",
        "# gives its payback and IRR.",
        "# assumptions:",
        "#   discount_rate: 8%",
        "#   market_gpu_hour: $2.50",
        "#   lessor:",
        "#     capex: $400M",
        "",
        "# Figures as reported, which lease check holds the computation to, and where",
        "# they come from.",
        "# reported:",
        *([f"#   total: {total}"] if total is not None else []),
        "#   months: " + str(months),
        "# sources:",
        "#   - title: The article or filing",
        "#     url: https://example.com/",
    ]
    return "\n".join(lines) + "\n"
