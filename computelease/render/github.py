"""GitHub Actions findings: one workflow command per problem, and a step summary table.

Each problem becomes ``::error file=...,line=...,col=...,title=E204::message``
(``::warning`` or ``::notice`` by severity), which the runner turns into an
annotation on that line of the pull request. The runner reads ``%``, CR and
LF escaped in the message, and ``:`` and ``,`` too in the properties, as its
documentation asks. :func:`summary` is the markdown the command line appends
to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

from computelease.core.reports import CheckRun
from computelease.errors import Problem, Severity
from computelease.render import text
from computelease.render.markdown import escape
from computelease.render.safe import safe

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(value: str) -> str:
    """A message as the runner reads it: ``%``, CR and LF escaped."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value (file, title): ``:`` and ``,`` escaped as well."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(p: Problem) -> str:
    """One problem as a workflow command."""
    props = []
    if p.file is not None:
        props.append(f"file={escape_property(safe(p.file))}")
        if p.line is not None:
            props.append(f"line={p.line}")
            if p.column is not None:
                props.append(f"col={p.column}")
    props.append(f"title={escape_property(p.code.id)}")
    return f"::{_COMMAND[p.severity]} {','.join(props)}::{escape_data(safe(p.message))}"


def check(run: CheckRun) -> str:
    """``lease check --format github``: a command per problem, then the usual summary line."""
    lines = "".join(command(p) + "\n" for p in run.problems)
    return lines + text.summary(len(run.files), run.problems)


def summary(run: CheckRun) -> str:
    """A markdown table of every finding, for the job's summary page."""
    head = f"### lease check\n\n{text.summary(len(run.files), run.problems)}"
    if not run.problems:
        return head + "\nNo findings.\n"
    rows = [
        "| file | line | code | message |",
        "| --- | --- | --- | --- |",
        *(
            f"| {escape(safe(p.file or ''))} | {p.line or ''} | {p.code.id} "
            f"| {escape(safe(p.message))} |"
            for p in run.problems
        ),
    ]
    return head + "\n" + "\n".join(rows) + "\n"
