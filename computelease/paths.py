"""Field paths: ``payments[0].amount`` read, written and checked against the deal's models.

A field path names one value in a deal: keys joined by ``.``, list positions
in brackets. Problems report them (``field``), scenarios write through them
(``set: {payments[0].amount: 120M}``) and sensitivity grids vary them; this
module is the one place that reads and writes the text form, and walks the
models to say whether a path names a field (with the closest name when not).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Annotated, Any, Final, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from computelease.errors import Codes, FieldError, FieldPath, shown

__all__ = ["PATTERN", "FieldPath", "dotted", "field_at", "keys_at", "parse", "problem"]

#: A field path as text: keys of lower-case letters and ``_``, each with an optional index.
PATTERN: Final = r"[a-z_]+(\[[0-9]{1,5}\])?(\.[a-z_]+(\[[0-9]{1,5}\])?)*"
_STEP: Final = re.compile(r"([a-z_]+)(?:\[([0-9]{1,5})\])?")


def dotted(path: Sequence[str | int]) -> str:
    """``("payments", 0, "amount")`` -> ``payments[0].amount``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def parse(text: str) -> FieldPath:
    """``payments[0].amount`` -> ``("payments", 0, "amount")``; FieldError if it is not a path."""
    if not re.fullmatch(PATTERN, text):
        raise FieldError(
            Codes.BAD_TEXT, f"{shown(text)} is not a field path such as payments[0].amount"
        )
    out: list[str | int] = []
    for step in text.split("."):
        m = _STEP.fullmatch(step)
        assert m is not None  # PATTERN admits only such steps
        out.append(m[1])
        if m[2] is not None:
            out.append(int(m[2]))
    return tuple(out)


def field_at(root: type[BaseModel], path: Sequence[str | int]) -> FieldInfo | None:
    """The field that ``path`` names under the model ``root``, or None when it names none."""
    return _walk(root, path)[1]


def keys_at(root: type[BaseModel], path: Sequence[str | int]) -> tuple[str, ...]:
    """The keys the mapping at ``path`` may hold, for 'did you mean' hints.

    Empty for a path that names no mapping of fields, and for a mapping of
    free names (``scenarios``, whose keys are the scenarios' own names).
    """
    model, _, free = _walk(root, path)
    if model is None or free:
        return ()
    return tuple(f.alias or n for n, f in model.model_fields.items())


def _walk(
    root: type[BaseModel], path: Sequence[str | int]
) -> tuple[type[BaseModel] | None, FieldInfo | None, bool]:
    """The model at ``path``, the field that led there, and whether a free key comes next.

    A list position (``[0]``) and the key of a mapping of models (a scenario's
    name under ``scenarios``) step into the items without naming a field.
    """
    model: type[BaseModel] | None = root
    found: FieldInfo | None = None
    free = False
    for part in path:
        if isinstance(part, int):
            continue
        if free:
            free = False
            continue
        if model is None:
            return None, None, False
        found = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if found is None:
            return None, None, False
        model = _model_in(found.annotation)
        free = get_origin(found.annotation) is dict
    return model, found, free


def problem(text: str, root: type[BaseModel]) -> str | None:
    """Why ``text`` names no field under ``root`` (with the closest name), or None if it does."""
    try:
        path = parse(text)
    except FieldError as exc:
        return exc.message
    walked: list[str | int] = []
    for part in path:
        if isinstance(part, str):
            allowed = keys_at(root, walked)
            if allowed and part not in allowed:
                close = difflib.get_close_matches(part, allowed, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                where = f" in {dotted(walked)}" if walked else ""
                return f"{shown(text)}: no field {shown(part)}{where}{hint}"
        walked.append(part)
    return None


def metadata_of(annotation: Any, kind: type[object]) -> object | None:
    """The first ``Annotated`` metadata of type ``kind`` in ``annotation``, through unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        for item in annotation.__metadata__:
            if isinstance(item, kind):
                return item
        return metadata_of(get_args(annotation)[0], kind)
    if origin in (typing.Union, types.UnionType):
        for arg in get_args(annotation):
            found = metadata_of(arg, kind)
            if found is not None:
                return found
    return None


def field_metadata(field: FieldInfo, kind: type[object]) -> object | None:
    """The first metadata of type ``kind`` on a model's field.

    Pydantic moves a required field's ``Annotated`` metadata onto the field
    itself and keeps an optional one's inside the union, so both are looked at.
    """
    for item in field.metadata:
        if isinstance(item, kind):
            return item
    return metadata_of(field.annotation, kind)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, dict, Annotated):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
