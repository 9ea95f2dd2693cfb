"""SARIF 2.1.0 findings, for GitHub code scanning and other static-analysis viewers.

One run of the tool ``lease``: its rules are every diagnostic code with its
title (the help text ``lease check`` documents), each result a problem with
its rule, level (error, warning or note), message and location (the file as
a relative URI, the line and column as a region).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from computelease.core.reports import CheckRun
from computelease.errors import Problem, Severity, all_codes

VERSION = "2.1.0"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
#: Where each code is explained, for a viewer to show beside it.
HELP = "Diagnostic codes: deals/README.md of computelease, and `lease check --help`."


def _result(p: Problem, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": p.code.id,
        "ruleIndex": index[p.code.id],
        "level": _LEVEL[p.severity],
        "message": {"text": p.message},
    }
    if p.file is not None:
        location: dict[str, Any] = {"artifactLocation": {"uri": PurePath(p.file).as_posix()}}
        if p.line is not None:
            region = {"startLine": p.line}
            if p.column is not None:
                region["startColumn"] = p.column
            location["region"] = region
        result["locations"] = [{"physicalLocation": location}]
    return result


def check(run: CheckRun) -> str:
    """``lease check --format sarif``: one SARIF log with every finding of the run."""
    codes = all_codes()
    index = {c.id: i for i, c in enumerate(codes)}
    rules = [
        {
            "id": c.id,
            "name": c.id,
            "shortDescription": {"text": c.title},
            "help": {"text": HELP},
            "defaultConfiguration": {"level": _LEVEL[c.severity]},
        }
        for c in codes
    ]
    log = {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {"driver": {"name": "lease", "rules": rules}},
                "results": [_result(p, index) for p in run.problems],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=True) + "\n"
