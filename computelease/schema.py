"""The JSON Schema of the deal format, built from the models, for editors and other tools.

yaml-language-server (VS Code's YAML extension, Neovim, Helix) reads draft-07
and older, so the schema is draft-07: ``definitions`` rather than ``$defs``,
one per model. Each field's shape comes from its type in
:mod:`computelease.fields` (the ``WithJsonSchema`` beside its parser); its
description and example come from the caller, who reads them from the format's
documentation (``deals/README.md``) and the shipped deals, so that the words
an editor shows on hover are the words of the reference.

The schema checks what one field can check: kinds, ranges, choices, unknown
keys. Rules between fields (``end`` or ``months``, dates inside the term) are
``lease check``'s. It never refuses what the loader accepts: every scalar of a
deal file is read from its text, so numbers may be written as text too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, get_args, get_origin

from pydantic import BaseModel

from computelease.models import Deal

DRAFT_07: Final = "http://json-schema.org/draft-07/schema#"
#: The first line of a deal file that tells yaml-language-server where its schema is.
MODELINE: Final = "# yaml-language-server: $schema="


@dataclass(frozen=True)
class FieldDoc:
    """What an editor shows for one field: its meaning, and one value as a deal writes it."""

    description: str
    example: object = None


def sections() -> dict[type[BaseModel], str]:
    """Each model of the format and the dotted path it sits at (``capacity.tranches``).

    An entry of a list or of a mapping sits at the path of the list or mapping.
    """
    found: dict[type[BaseModel], str] = {Deal: ""}

    def visit(model: type[BaseModel], path: str) -> None:
        for name, field in model.model_fields.items():
            for inner in _models(field.annotation):
                if inner not in found:
                    found[inner] = f"{path}.{field.alias or name}".lstrip(".")
                    visit(inner, found[inner])

    visit(Deal, "")
    return found


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in get_args(annotation) if get_origin(annotation) is not None else ():
        yield from _models(arg)


def field_paths() -> tuple[str, ...]:
    """The dotted path of every field of the format, in the models' order."""
    return tuple(
        f"{path}.{field.alias or name}".lstrip(".")
        for model, path in sections().items()
        for name, field in model.model_fields.items()
    )


def deal_schema(docs: Mapping[str, FieldDoc]) -> dict[str, Any]:
    """The draft-07 JSON Schema of a deal file, with ``docs`` (by field path) on its fields."""
    raw = Deal.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions: dict[str, Any] = raw.pop("$defs")
    paths = {model.__name__: path for model, path in sections().items()}
    for name, definition in definitions.items():
        _document(definition, paths[name], docs)
    _document(raw, "", docs)
    return {
        "$schema": DRAFT_07,
        "title": "computelease deal file, format version 1",
        "description": (
            "A compute lease deal, as `lease` reads it. Cross-field rules (end or months, "
            "dates inside the term, reported figures) are checked by `lease check`."
        ),
        **{k: v for k, v in raw.items() if k not in {"title", "description"}},
        "definitions": dict(sorted(definitions.items())),
    }


def _document(model: dict[str, Any], path: str, docs: Mapping[str, FieldDoc]) -> None:
    model.pop("title", None)
    required = set(model.get("required", ()))
    for name, prop in model["properties"].items():
        doc = docs.get(f"{path}.{name}".lstrip("."))
        model["properties"][name] = _field(prop, doc, optional=name not in required)


def _field(prop: dict[str, Any], doc: FieldDoc | None, *, optional: bool) -> dict[str, Any]:
    prop = dict(prop)
    prop.pop("title", None)
    if prop.get("default") is None or isinstance(prop.get("default"), dict):
        prop.pop("default", None)  # none, or a block's: its fields' own defaults stand
    options = [o for o in prop.pop("anyOf", [prop.copy()]) if o != {"type": "null"}]
    if len(options) == 1 and "$ref" not in options[0] and "anyOf" not in options[0]:
        prop = {**prop, **options[0]}
    else:
        prop = {k: v for k, v in prop.items() if k not in options[0]}
        prop["anyOf"] = options
    if optional:
        # The loader reads `key:` with nothing after it as the default, as if it were absent.
        kinds = prop.get("type")
        if "anyOf" in prop:
            prop["anyOf"] = [*prop["anyOf"], {"type": "null"}]
        elif kinds is not None:
            prop["type"] = [*(kinds if isinstance(kinds, list) else [kinds]), "null"]
        elif "enum" in prop:
            prop["enum"] = [*prop["enum"], None]
    if "patternProperties" in prop:
        prop["additionalProperties"] = False
    if doc is not None:
        prop["description"] = doc.description
        if doc.example is not None:
            prop["examples"] = [doc.example]
    return dict(sorted(prop.items(), key=lambda kv: _ORDER.get(kv[0], len(_ORDER))))


# Keys in the order a reader of the schema file wants them.
_ORDER: Final = {
    k: i for i, k in enumerate(("description", "type", "enum", "$ref", "anyOf", "default"))
}
