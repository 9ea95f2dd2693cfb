"""The deal format's JSON Schema: current, valid draft-07, documented, never stricter than lease.

An editor that flags a value ``lease check`` accepts would teach users to
ignore it, so the schema is held to the loader from both sides: every deal
the loader accepts (the shipped ones, the valid corpus) passes it, the
patterns admit every text the parsers read (property tests), and common
mistakes (a typo in a key, a wrong choice, a date as 07/01/2026) fail it at
the right path.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelease import api, money
from computelease.errors import FieldError
from computelease.fields import parse_delay
from computelease.schema import MODELINE, field_paths
from tests import schemadocs

ROOT = Path(__file__).resolve().parent.parent
SCHEMA: dict[str, Any] = json.loads(schemadocs.SCHEMA.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def test_the_committed_schema_is_generated_from_the_models_and_the_reference(
    request: pytest.FixtureRequest,
) -> None:
    text = schemadocs.schema_text()
    if request.config.getoption("--update-goldens"):
        schemadocs.SCHEMA.write_text(text, encoding="utf-8")
    assert schemadocs.SCHEMA.read_text(encoding="utf-8") == text, (
        "computelease/deal.schema.json is stale: run pytest --update-goldens"
    )


def test_it_is_valid_draft_07_and_closed() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["additionalProperties"] is False
    assert all(d["additionalProperties"] is False for d in SCHEMA["definitions"].values())
    assert "$defs" not in json.dumps(SCHEMA)  # draft-07 knows only definitions


def _property(path: str) -> dict[str, Any]:
    """The schema of the field at a dotted path, through the definitions."""
    node: dict[str, Any] = SCHEMA
    for name in path.split("."):
        prop: dict[str, Any] = node["properties"][name]
        node = prop
        while True:
            options = node.get("anyOf", [node])
            ref = next((o["$ref"] for o in options if "$ref" in o), None)
            ref = ref or node.get("items", {}).get("$ref")
            ref = ref or node.get("patternProperties", {}).get("^[a-z0-9-]+$", {}).get("$ref")
            if ref is None or "properties" in node:
                break
            node = SCHEMA["definitions"][ref.rsplit("/", 1)[1]]
    return prop


@pytest.mark.parametrize("path", field_paths())
def test_every_field_has_a_description_and_a_valid_example(path: str) -> None:
    prop = _property(path)
    assert len(prop.get("description", "")) > 10, f"{path} is undocumented in deals/README.md"
    (example,) = prop["examples"]
    resolver = {"definitions": SCHEMA["definitions"], **prop}
    errors = list(jsonschema.Draft7Validator(resolver).iter_errors(example))
    assert not errors, f"{path}'s example {example!r} fails its own schema: {errors[0].message}"


def test_descriptions_are_the_references_words() -> None:
    assert _property("payments.amount") == {
        **_property("payments.amount"),
        "description": "Amount per period. Give `amount` or `per_gpu_hour`. Type: money.",
        "examples": ["$150M"],
    }
    assert _property("termination.notice_days")["description"] == (
        "Notice period. Type: whole number of days. Required."
    )
    assert _property("payments.every")["enum"] == ["month", "quarter", "year", "once", None]


DEALS = sorted((ROOT / "deals").glob("*.yaml"))
VALID = sorted((ROOT / "tests" / "corpus" / "valid").glob("*.yaml"))


@pytest.mark.parametrize("path", DEALS + VALID, ids=lambda p: p.name)
def test_every_deal_lease_accepts_passes_the_schema(path: Path) -> None:
    # A tab separates in YAML 1.2 (and in editors), outside indentation; PyYAML wants a space.
    text = re.sub(r"(?m)(?<=\S)\t", " ", path.read_text(encoding="utf-8"))
    data = schemadocs.yaml12(text)
    assert not [p for p in api.check([str(path)]).problems if p.severity == "error"]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []


def _errors(text: str) -> list[tuple[list[object], str]]:
    """Each error as an editor shows it: in a block that may be empty, the block's own error.

    An optional block is "the block's fields, or nothing"; an editor reports the
    alternative that matches best, the block, so the deepest error stands.
    """
    found = []
    for error in VALIDATOR.iter_errors(schemadocs.yaml12(text)):
        best = max(error.context or [error], key=lambda e: len(e.absolute_path))
        found.append((list(best.absolute_path), str(best.validator)))
    return sorted(found, key=str)


BASE = """\
name: x
lessor: a
lessee: b
start: 2026-07-01
months: 12
payments:
  - amount: $150M
"""


def test_the_minimal_deal_passes() -> None:
    assert _errors(BASE) == []


@pytest.mark.parametrize(
    ("change", "path", "validator"),
    [
        ("payments:\n  - amout: $150M\n", ["payments", 0], "additionalProperties"),
        ("payments:\n  - amount: $150M\n    every: monthly\n", ["payments", 0, "every"], "enum"),
        ("payments:\n  - amount: 150 million\n", ["payments", 0, "amount"], "pattern"),
        ("payments:\n  - amount: -5\n", ["payments", 0, "amount"], "minimum"),
        ("start: 07/01/2026\n", ["start"], "pattern"),
        ("capacity:\n  gpus: 0\n", ["capacity", "gpus"], "minimum"),
        ("assumptions:\n  discount_rate: 8 percent\n", ["assumptions", "discount_rate"], "pattern"),
        ("scenarios:\n  Late:\n    delay: 3m\n", ["scenarios"], "additionalProperties"),
        ("scenarios:\n  late:\n    delay: soon\n", ["scenarios", "late", "delay"], "pattern"),
        ("payments: []\n", ["payments"], "minItems"),
        ("colour: blue\n", [], "additionalProperties"),
    ],
)
def test_common_mistakes_fail_at_their_path(
    change: str, path: list[object], validator: str
) -> None:
    key = change.split(":", 1)[0]
    text = re.sub(rf"(?ms)^{key}:.*?(?=^\S|\Z)", "", BASE) + change
    assert _errors(text) == [(path, validator)]


def test_lease_schema_prints_the_committed_schema(lease: Any, tmp_path: Path) -> None:
    run = lease("schema")
    assert run.exit_code == 0
    assert run.stdout == schemadocs.SCHEMA.read_text(encoding="utf-8")
    assert api.schema() == SCHEMA
    run = lease("schema", "--output", tmp_path / "deal.schema.json")
    assert run.exit_code == 0
    assert (tmp_path / "deal.schema.json").read_text(encoding="utf-8") == run_text()


def run_text() -> str:
    return schemadocs.SCHEMA.read_text(encoding="utf-8")


def test_shipped_deals_name_the_schema_on_their_first_line() -> None:
    for deal in DEALS:
        first = deal.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"{MODELINE}../computelease/deal.schema.json", deal.name
        assert (deal.parent / first.removeprefix(MODELINE)).resolve() == schemadocs.SCHEMA


# The patterns, held to the parsers: every text a parser accepts, the schema accepts.
_digits = st.from_regex(r"[0-9]{1,4}(?:[_,][0-9]{3}){0,2}(?:\.[0-9]{0,4})?", fullmatch=True)
_space = st.sampled_from(["", " ", "  "])


@given(
    sign=st.sampled_from(["", "+", "-"]),
    mark=st.sampled_from(["", "$", "€", "£", "¥", "₩", "USD", "EUR ", "usd"]),
    number=_digits,
    exponent=st.sampled_from(["", "e3", "E-2"]),
    suffix=st.sampled_from(["", "K", "m", "MM", "B", "bn", "T", "Bn", "mM"]),
    gaps=st.tuples(_space, _space, _space),
)
def test_every_amount_lease_reads_matches_the_money_pattern(
    sign: str, mark: str, number: str, exponent: str, suffix: str, gaps: tuple[str, str, str]
) -> None:
    text = f"{gaps[0]}{sign}{mark}{gaps[1]}{number}{exponent}{gaps[2]}{suffix}"
    try:
        money.parse_money(text)
    except FieldError:
        return
    assert re.search(_property("payments.amount")["pattern"], text), text


@given(number=_digits, exponent=st.sampled_from(["", "e-2"]), percent=st.sampled_from(["", "%"]))
def test_every_rate_lease_reads_matches_the_rate_pattern(
    number: str, exponent: str, percent: str
) -> None:
    text = f"{number}{exponent}{percent}"
    try:
        money.parse_rate(text, low=Decimal(-1), high=Decimal(1))
    except FieldError:
        return
    assert re.search(_property("assumptions.discount_rate")["pattern"], text), text


@given(
    tranche=st.sampled_from(["", "phase-2=", "T1 = "]),
    count=st.integers(0, 99_999),
    unit=st.sampled_from(["m", "mo", "month", "Months", "d", "day", "DAYS", "y", "years"]),
)
def test_every_delay_lease_reads_matches_the_delay_pattern(
    tranche: str, count: int, unit: str
) -> None:
    text = f"{tranche}{count}{unit}"
    try:
        parse_delay(text)
    except FieldError:
        return
    assert re.search(_property("scenarios.delay")["pattern"], text), text
