"""A varied folder of deals for the benchmark: every shipped deal as a template, redrawn.

Copies of one file measure one branch of the code and whatever a cache does
with it; a real folder holds deals of every shape. Each file generated here is
one of the shipped deals (tranches, cost stacks, loans, prepayments, credit,
scenarios) with:

- every date moved by the same whole number of months (0 to 36), under the
  end-of-month rule, so its term, its tranches and its reported dates keep
  their shape;
- every amount (each ``$`` figure: payments, capex, running costs, market
  prices, the cap and the reported totals) scaled by one factor (0.5x to 2x),
  so the deal stays consistent with itself and with what it reports;
- in about a third of the files, an option to expand (a monthly stream with
  ``option: true``) where the deal reports no total with options to contradict;
- in about half, two more scenarios (a delivery slip and another discount rate).

The edits are made on the text, so every number is still read as written.
Every generated file passes ``lease check`` (tests/test_bench_corpus.py holds
it to that), and the same seed gives the same bytes.
"""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final

from computelease import dates

ROOT: Final = Path(__file__).resolve().parents[2]
TEMPLATES: Final = tuple(sorted((ROOT / "deals").glob("*.yaml")))
SEED: Final = 20261203

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
#: A dollar figure as deal files write it: $150M, $6.3B, $75000, $4.25, $1,000,000.
_MONEY = re.compile(r"\$([0-9][0-9,]*(?:\.[0-9]+)?)([KMB]?)\b")
#: The powers of ten of a figure's suffix.
_UNITS: Final = {"": 0, "K": 3, "M": 6, "B": 9}
#: The payments list: from its key to the next top-level key (or the end of the file).
_PAYMENTS = re.compile(r"^payments:\n(?:(?:[ #].*)?\n)*", re.MULTILINE)
_SCENARIOS = re.compile(r"^scenarios:\n", re.MULTILINE)


def shift_dates(text: str, months: int) -> str:
    """Every ISO date in ``text`` moved ``months`` calendar months later."""

    def moved(m: re.Match[str]) -> str:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return dates.add_months(day, months).isoformat()

    return _DATE.sub(moved, text)


def scale_money(text: str, factor: Decimal) -> str:
    """Every dollar figure in ``text`` times ``factor``, to the cent where it was whole units."""

    def scaled(m: re.Match[str]) -> str:
        value = Decimal(m.group(1).replace(",", "")).scaleb(_UNITS[m.group(2)]) * factor
        # Six places at most: a price per GPU-hour keeps its cents' fractions, an amount
        # its cents, and no figure carries more digits than a deal file may.
        return f"${value.quantize(Decimal('0.000001')).normalize():f}"

    return _MONEY.sub(scaled, text)


def add_option(text: str, monthly: Decimal) -> str:
    """A monthly expansion option as the last stream, unless the deal reports its options.

    Last, so that a scenario's ``payments[2]`` still names the stream it did.
    """
    if "total_with_options" in text:
        return text  # a reported total with options would no longer hold
    match = _PAYMENTS.search(text)
    if match is None:
        return text
    stream = (
        "  - name: expansion option (generated)\n"
        f"    amount: ${monthly:f}\n"
        "    every: month\n"
        "    option: true\n"
    )
    return text[: match.end()] + stream + text[match.end() :]


def add_scenarios(text: str, rng: random.Random) -> str:
    """Two scenarios more: a delivery slip and another discount rate."""
    lines = (
        f"  generated-slip:\n    delay: {rng.randint(1, 6)}m\n"
        f"  generated-rate:\n    discount_rate: {rng.randint(6, 14)}%\n"
    )
    match = _SCENARIOS.search(text)
    if match is not None:
        return text[: match.end()] + lines + text[match.end() :]
    return text.rstrip("\n") + "\n\nscenarios:\n" + lines


def variant(text: str, rng: random.Random) -> str:
    """One redrawn copy of a template's text."""
    text = shift_dates(text, rng.randint(0, 36))
    text = scale_money(text, Decimal(rng.randint(50, 200)) / 100)
    if rng.random() < 0.35:
        text = add_option(text, Decimal(rng.randint(1, 40)) * 1_000_000)
    if rng.random() < 0.5:
        text = add_scenarios(text, rng)
    return text


def generate(folder: Path, n: int, seed: int = SEED) -> list[Path]:
    """``n`` deal files in ``folder``, cycling through the templates, each a fresh variant."""
    rng = random.Random(seed)
    texts = [path.read_text(encoding="utf-8") for path in TEMPLATES]
    written = []
    for i in range(n):
        template = i % len(texts)
        path = folder / f"{TEMPLATES[template].stem}-{i:05d}.yaml"
        text = variant(texts[template], rng).replace(
            f"id: {TEMPLATES[template].stem}", f"id: {TEMPLATES[template].stem}-{i:05d}", 1
        )
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
