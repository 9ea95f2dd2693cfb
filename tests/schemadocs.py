"""What the committed JSON Schema is built from besides the models: the reference's words.

Each field table of ``deals/README.md`` is preceded by ``<!-- schema: PATH -->``
naming the block it documents (``deal`` for the top level). A row's first cell
names one field or several (`` `start`, `end` ``); its meaning, type and default
become the field's description, and its example cell (``amount: $150M``) its
example. A field whose row has no example takes the first value the shipped
deals give it. Values are read as yaml-language-server reads them (YAML 1.2's
core schema: ``2026-07-01`` is text, ``yes`` is text, ``42`` a number), so
an example is what an editor would see.

``pytest --update-goldens`` rewrites ``computelease/deal.schema.json`` from these.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from computelease.schema import FieldDoc, deal_schema

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "deals" / "README.md"
SCHEMA = ROOT / "computelease" / "deal.schema.json"
_MARKER = re.compile(r"<!-- schema: (\S+) -->")


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema scalars, as editors read them."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[-1] in {"null"}]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    Yaml12Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


def yaml12(text: str) -> Any:
    """A YAML document as an editor's YAML 1.2 reading gives it."""
    return yaml.load(text, Loader=Yaml12Loader)


def readme_docs(text: str) -> dict[str, FieldDoc]:
    """Each documented field's description and example, by dotted path."""
    docs: dict[str, FieldDoc] = {}
    section: str | None = None
    header: list[str] = []
    for line in text.splitlines():
        marker = _MARKER.fullmatch(line.strip())
        if marker:
            section, header = marker[1], []
            continue
        if section is None:
            continue
        if not line.startswith("|"):
            if header:
                section = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = cells
            continue
        if set(line) <= set("|- "):
            continue
        row = dict(zip(header, cells, strict=True))
        names = re.findall(r"`([a-z_]+)`", row.get("field", row.get("override", "")))
        for name in names:
            path = name if section == "deal" else f"{section}.{name}"
            docs[path] = FieldDoc(_description(row), _example(row.get("example", ""), name))
    return docs


def _description(row: dict[str, str]) -> str:
    meaning = row.get("meaning", row.get("effect", ""))
    kind = row.get("type", row.get("value", ""))
    default = row.get("default")
    facts = [f"Type: {kind}."] if kind else []
    if default and default.startswith("required"):
        facts.append(f"{default[0].upper()}{default[1:]}.")
    elif default and default not in {"none", "—"}:
        facts.append(f"Default: {default}.")
    return " ".join([meaning, *facts]).strip()


def _example(cell: str, name: str) -> object:
    snippet = re.match(r"`([a-z_]+): ([^`]+)`", cell)
    if snippet is None or snippet[1] != name:
        return None
    return yaml12(f"{name}: {snippet[2]}")[name]


def deal_examples() -> dict[str, object]:
    """The first value each field path takes in the shipped deals (a list: its first entry)."""
    found: dict[str, object] = {}

    def visit(value: object, path: str, named: bool = False) -> None:
        if path and path not in found:
            found[path] = [value[0]] if isinstance(value, list) and value else value
        if isinstance(value, dict) and path == "scenarios" and not named:
            for item in value.values():  # keyed by the scenarios' names
                visit(item, path, named=True)
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{path}.{key}".lstrip("."))
        elif isinstance(value, list):
            for item in value:
                visit(item, path)

    for deal in sorted((ROOT / "deals").glob("*.yaml")):
        visit(yaml12(deal.read_text(encoding="utf-8")), "")
    return found


def docs() -> dict[str, FieldDoc]:
    """The README's words for each field, with an example from the shipped deals if it has none."""
    words = readme_docs(README.read_text(encoding="utf-8"))
    examples = deal_examples()
    for path, doc in words.items():
        if doc.example is None and path not in examples:
            # A block no shipped deal has: its fields' own examples, together.
            examples[path] = {
                inner[len(path) + 1 :]: words[inner].example
                for inner in words
                if inner.startswith(f"{path}.") and "." not in inner[len(path) + 1 :]
            } or None
    return {
        path: doc if doc.example is not None else FieldDoc(doc.description, examples.get(path))
        for path, doc in words.items()
    }


def schema_text() -> str:
    """The schema file as committed: the models' schema with the reference's words."""
    return json.dumps(deal_schema(docs()), indent=2, ensure_ascii=False) + "\n"
