"""``lease check --format github|junit|sarif``: findings where CI systems read them.

Each format is checked for its structure (the runner's workflow-command
grammar, JUnit's suite/case/failure shape, SARIF 2.1.0's run/rule/result
shape), for every finding of every file in one run, on the right line, and
for the same exit codes as the text format.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from computelease.errors import all_codes
from computelease.render import github
from tests.conftest import MINIMAL, Run

BAD = MINIMAL.replace("  - amount: 1000\n", "  - amount: 10 dollars\n")
WARNED = MINIMAL + "reported:\n  total: 12000\n"


def _files(write: Callable[..., Path]) -> tuple[Path, Path, Path]:
    return write(MINIMAL, "ok.yaml"), write(BAD, "bad.yaml"), write(WARNED, "warned.yaml")


def test_github_annotates_each_finding_on_its_line(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    ok, bad, warned = _files(write)
    run = lease("check", ok, bad, warned, "-f", "github")
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    assert error.startswith(f"::error file={github.escape_property(str(bad))},line=7,col=13,")
    assert ",title=E204::" in error
    warning = next(line for line in lines if line.startswith("::warning "))
    assert "title=W401::" in warning and "line=8" in warning
    assert lines[-1] == "3 files checked, 1 error, 1 warning"


def test_github_escapes_as_the_runner_requires() -> None:
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_property("C:\\deals,x.yaml") == "C%3A\\deals%2Cx.yaml"


def test_github_writes_a_step_summary_only_where_asked(
    lease: Callable[..., Run], write: Callable[..., Path], tmp_path: Path
) -> None:
    _, bad, _ = _files(write)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    run = lease("check", bad, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### lease check\n")
    assert "| E204 |" in text and "| 7 |" in text
    # Not set, or another format: nothing is written.
    lease("check", bad, "-f", "text", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8") == text


def test_junit_has_a_case_per_file_and_a_failure_per_error(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    ok, bad, warned = _files(write)
    other = write(BAD.replace("start: 2026-01-01", "start: 2026-13-01"), "two.yaml")
    run = lease("check", ok, bad, warned, other, "-f", "junit")
    assert run.exit_code == 1
    root = ET.fromstring(run.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {str(ok), str(bad), str(warned), str(other)}
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    assert cases[str(ok)].find("failure") is None
    (failure,) = cases[str(bad)].findall("failure")
    assert failure.get("type") == "E204"
    assert failure.text is not None and failure.text.startswith(f"{bad}:7:13: E204: ")
    assert len(cases[str(other)].findall("failure")) == 2
    # A warning does not fail its case; it is listed in the case's output.
    assert cases[str(warned)].find("failure") is None
    out = cases[str(warned)].find("system-out")
    assert out is not None and out.text is not None and "W401" in out.text


def test_junit_reports_a_problem_with_the_request(
    lease: Callable[..., Run], tmp_path: Path
) -> None:
    run = lease("check", tmp_path / "missing.yaml", "-f", "junit")
    assert run.exit_code == 2
    root = ET.fromstring(run.stdout.encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert names, run.stdout


def test_sarif_is_a_sarif_2_1_0_log_of_every_finding(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    ok, bad, warned = _files(write)
    run = lease("check", ok, bad, warned, "-f", "sarif")
    assert run.exit_code == 1
    log = json.loads(run.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in all_codes()]
    assert all(r["shortDescription"]["text"] and r["help"]["text"] for r in rules)
    results = sarif_run["results"]
    assert {r["ruleId"] for r in results} == {"E204", "W401"}
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in {"error", "warning", "note"}
        assert r["message"]["text"]
        (location,) = r["locations"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert "\\" not in uri
    error = next(r for r in results if r["ruleId"] == "E204")
    assert error["level"] == "error"
    assert error["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 13,
    }


@pytest.mark.parametrize("fmt", ["github", "junit", "sarif"])
def test_a_clean_run_exits_0_in_every_format(
    lease: Callable[..., Run], write: Callable[..., Path], fmt: str
) -> None:
    run = lease("check", write(MINIMAL), "-f", fmt)
    assert run.exit_code == 0, run.stdout
