"""pydantic's validation errors as coded, located issues in plain English.

The deal's models raise three kinds of error: a field parser's coded error
(its type is the diagnostic code, such as ``E204``), a ``consistency`` error
listing each broken cross-field rule, and pydantic's own (a missing field, an
unknown key, a list where a mapping belongs). :func:`validation_issues` turns
each into a :class:`Located` issue: a path into the deal, a code, a message,
and where in the file to point. It is the one translation of pydantic's
errors: the loader locates the issues in a file, scenarios at their overrides.
No pydantic wording (``input_value=...``, ``type=...``) reaches a user.
"""

from __future__ import annotations

import difflib
import typing
from typing import Final, Literal

from pydantic import ValidationError

from computelease import paths
from computelease.errors import Code, Codes, FieldPath, all_codes, shown
from computelease.fields import CONSISTENCY, kind_of
from computelease.models import Deal

_CODES_BY_ID: Final = {c.id: c for c in all_codes()}


class Located(typing.NamedTuple):
    """One validation problem, at a path in the deal; ``anchor`` says where to point.

    ``value``: at the offending value; ``key``: at the key itself (an unknown
    key); ``parent``: at the mapping that lacks a required field.
    """

    path: FieldPath
    code: Code
    message: str
    anchor: Literal["value", "key", "parent"] = "value"


def validation_issues(exc: ValidationError) -> list[Located]:
    """pydantic's errors as coded problems with paths and plain-English messages."""
    out: list[Located] = []
    for error in exc.errors(include_url=False):
        loc: FieldPath = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        given = error.get("input")
        if kind == CONSISTENCY:
            out.extend(Located((*loc, *rel), code, message) for rel, code, message in ctx["issues"])
        elif kind in _CODES_BY_ID:
            at = (*loc, *ctx.get("at", ()))
            out.append(Located(at, _CODES_BY_ID[kind], str(ctx.get("message", error["msg"]))))
        elif kind == "missing":
            out.append(Located(loc, Codes.MISSING, f"missing required field {loc[-1]!r}", "parent"))
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = paths.keys_at(Deal, loc[:-1])
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else f"; expected one of {', '.join(allowed)}"
                if allowed
                else ""
            )
            out.append(Located(loc, Codes.UNKNOWN_KEY, f"unknown key {shown(key)}{hint}", "key"))
        elif kind == "too_short":
            if not given:  # otherwise the entries' own errors say why none validated
                message = f"{paths.dotted(loc)} needs at least one entry"
                out.append(Located(loc, Codes.WRONG_TYPE, message))
        elif kind in {"model_type", "model_attributes_type", "dict_type"}:
            out.append(
                Located(
                    loc, Codes.WRONG_TYPE, f"expected a mapping of fields, got {kind_of(given)}"
                )
            )
        elif kind in {"tuple_type", "list_type"}:
            out.append(Located(loc, Codes.WRONG_TYPE, f"expected a list, got {kind_of(given)}"))
        else:
            # pydantic's own message, without the input echoed back: it may hold anything.
            out.append(Located(loc, Codes.WRONG_TYPE, str(error["msg"])))
    return out
