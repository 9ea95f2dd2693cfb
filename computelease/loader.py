"""Read deal files: bytes to YAML values to a validated :class:`~computelease.models.Deal`.

:func:`load` reads a file through :mod:`computelease.source`, builds its
values and their marks with :mod:`computelease.yamltree`, and validates them
as a deal; every problem on the way is located at its line and column.
Problems are collected, not raised one at a time: :func:`load` raises one
:class:`~computelease.errors.DealInvalid` carrying all of them, which the
public API (:mod:`computelease.api`) turns back into data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from computelease.errors import Code, Codes, DealInvalid, FieldPath, Problem
from computelease.locations import LoadedDeal, Locations, located
from computelease.models import Deal
from computelease.paths import dotted
from computelease.source import decode, read_file
from computelease.validation import validation_issues
from computelease.yamltree import parse_yaml


def load(path: Path | str, *, name: str | None = None) -> LoadedDeal:
    """Load and validate one deal file; raises DealInvalid with every problem found."""
    path = Path(path)
    shown = name if name is not None else str(path)
    data = read_file(path, shown)
    return load_text(decode(data, shown), shown, default_id=path.stem)


def load_text(text: str, name: str = "<deal>", *, default_id: str | None = None) -> LoadedDeal:
    """Validate a deal from YAML text; ``name`` is used in messages."""
    root, locations, problems = parse_yaml(text, name)
    if root is None or (root == {} and not locations.keys):
        raise DealInvalid(
            [
                *problems,
                Problem(
                    name,
                    1 if text.strip() else None,
                    1 if text.strip() else None,
                    Codes.EMPTY,
                    "the file holds no deal: expected a mapping of deal fields",
                ),
            ]
        )
    if not isinstance(root, dict):
        mark = locations.values.get(())
        raise DealInvalid(
            [
                *problems,
                located(
                    name,
                    mark,
                    Codes.NOT_A_MAPPING,
                    f"the top level is {'a list' if isinstance(root, list) else 'text'}; "
                    "expected a mapping of deal fields (name:, lessor:, ...)",
                ),
            ]
        )
    try:
        deal = Deal.model_validate(root)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, name, locations))
        deal = None
    if problems:
        raise DealInvalid(_ordered(problems))
    assert deal is not None
    if deal.id is None:
        deal = deal.model_copy(update={"id": slugify(default_id or "deal")})
    return LoadedDeal(name, deal, locations)


def slugify(stem: str) -> str:
    """A file stem as a deal id: lower case, runs of other characters as '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:100] or "deal"


def _ordered(problems: Iterable[Problem]) -> list[Problem]:
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0, p.code.id))


def _problems_from(exc: ValidationError, name: str, locations: Locations) -> Iterator[Problem]:
    for issue in validation_issues(exc):
        yield _at(
            name,
            locations,
            issue.path,
            issue.code,
            issue.message,
            key=issue.anchor == "key",
            parent=issue.anchor == "parent",
        )


def _at(
    name: str,
    locations: Locations,
    path: FieldPath,
    code: Code,
    message: str,
    *,
    key: bool = False,
    parent: bool = False,
) -> Problem:
    mark = locations.find(path[:-1] if parent else path, key=key)
    return located(
        name,
        mark,
        code,
        message,
        dotted(path) or None,
    )
