"""JUnit XML findings, for GitLab, Jenkins and the other CI systems that read it.

One test suite, ``lease check``; one test case per deal file, named by its
path; a ``<failure>`` per error in it (type the code, the message with its
line and column). Warnings and notes do not fail a case: they are listed in
its ``<system-out>``. Problems that belong to no file (a missing folder)
form a case of their own, ``(request)``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from computelease.core.reports import CheckRun
from computelease.errors import Problem, Severity
from computelease.render import text
from computelease.render.safe import safe

REQUEST = "(request)"


def _where(p: Problem) -> str:
    return f"{safe(p.location)}: " if p.location else ""


def _case(name: str, found: Sequence[Problem]) -> ET.Element:
    case = ET.Element("testcase", {"classname": "lease check", "name": safe(name)})
    for p in found:
        if p.severity is Severity.ERROR:
            # safe(): control characters, which XML cannot hold, shown as escapes.
            message = f"{p.code.id}: {safe(p.message)}"
            failure = ET.SubElement(case, "failure", {"message": message, "type": p.code.id})
            failure.text = _where(p) + message
    others = [p for p in found if p.severity is not Severity.ERROR]
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = "".join(text.problem_line(p) + "\n" for p in others)
    return case


def check(run: CheckRun) -> str:
    """``lease check --format junit``: the whole run as one JUnit XML document."""
    names = list(run.files)
    if any(p.file is None for p in run.problems):
        names.insert(0, REQUEST)
    names += sorted({p.file for p in run.problems if p.file and p.file not in names})
    by_name: dict[str, list[Problem]] = {name: [] for name in names}
    for p in run.problems:
        by_name[p.file or REQUEST].append(p)
    failures = sum(
        1 for found in by_name.values() if any(p.severity is Severity.ERROR for p in found)
    )
    suites = ET.Element("testsuites", {"name": "lease check"})
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "name": "lease check",
            "tests": str(len(names)),
            "failures": str(failures),
            "errors": "0",
            "skipped": "0",
        },
    )
    for name in names:
        suite.append(_case(name, by_name[name]))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
