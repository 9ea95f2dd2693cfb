"""JSON output: a stable contract for scripts.

Money is a string with exact minor units (``"6300000000.00"``), rates are
strings (``"0.08"``), dates are ISO, counts are integers, keys keep a fixed
order, and the same input always gives byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from computelease.errors import Problem


def dumps(document: Any) -> str:
    # ensure_ascii keeps any terminal or log safe from control characters in deal text.
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def problem(p: Problem) -> dict[str, Any]:
    return {
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "severity": p.severity.value,
        "code": p.code.id,
        "message": p.message,
        "field": p.field,
    }


def problems(items: Sequence[Problem]) -> str:
    return dumps([problem(p) for p in items])
