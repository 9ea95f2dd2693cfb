"""``lease check`` end to end through Typer's CliRunner, on real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEALS, MINIMAL, Run

REFLECTION = (DEALS / "reflection.yaml").read_text(encoding="utf-8")


def test_reflection_passes(lease: Callable[..., Run]) -> None:
    run = lease("check", DEALS / "reflection.yaml")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout == "1 file checked, 0 errors, 0 warnings\n"


def test_reported_5_4_billion_fails_with_both_numbers_and_a_hint(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(REFLECTION.replace("  total: $6.3B", "  total: $5.4B"), "reflection-54.yaml")
    line = REFLECTION.splitlines().index("  total: $6.3B") + 1
    run = lease("check", path)
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        f"{path}:{line}:10: error[E401]: reported total $5,400,000,000.00 differs from the "
        "computed total $6,300,000,000.00 by 16.7% (tolerance 0.5%); $5.40B fits 36 months "
        "at $150.0M",
        "1 file checked, 1 error, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("change", "code", "line"),
    [
        (lambda t: t + "name: again\n", "E105", 8),
        (lambda t: t + "    ammount: 5\n", "E202", 8),
        (lambda t: t.replace("amount: 1000", "amount: 1000 bucks"), "E204", 7),
    ],
)
def test_each_kind_of_error_has_its_line_and_exit_1(
    lease: Callable[..., Run],
    write: Callable[..., Path],
    change: Callable[[str], str],
    code: str,
    line: int,
) -> None:
    path = write(change(MINIMAL))
    run = lease("check", path)
    assert run.exit_code == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"{path}:{line}:")
    assert f"error[{code}]" in first


def test_json_findings(lease: Callable[..., Run], write: Callable[..., Path]) -> None:
    path = write(MINIMAL + "    ammount: 5\n")
    run = lease("check", "--format", "json", path)
    assert run.exit_code == 1
    assert json.loads(run.stdout) == [
        {
            "file": str(path),
            "line": 8,
            "column": 5,
            "severity": "error",
            "code": "E202",
            "message": "unknown key 'ammount'; did you mean 'amount'?",
            "field": "payments[0].ammount",
        }
    ]


def test_a_folder_with_good_and_bad_files(lease: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(MINIMAL)
    (tmp_path / "bad.yml").write_text(MINIMAL.replace("months: 12", "months: twelve"))
    (tmp_path / "notes.txt").write_text("ignored")
    run = lease("check", tmp_path)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'bad.yml'}:5:9: error[E208]")
    assert lines[-1] == "2 files checked, 1 error, 0 warnings"


def test_missing_path_is_a_usage_error_even_beside_invalid_files(
    lease: Callable[..., Run], write: Callable[..., Path], tmp_path: Path
) -> None:
    bad = write(MINIMAL + "cap: lots\n")
    run = lease("check", bad, tmp_path / "missing.yaml")
    assert run.exit_code == 2
    assert f"{tmp_path / 'missing.yaml'}: error[E001]: no such file or folder" in run.stdout


def test_warnings_fail_only_under_strict(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(MINIMAL + "reported:\n  total: 12000\n")
    run = lease("check", path)
    assert run.exit_code == 0
    assert "warning[W401]" in run.stdout
    assert run.stdout.splitlines()[-1] == "1 file checked, 0 errors, 1 warning"
    assert lease("check", "--strict", path).exit_code == 1


def test_cap_below_scheduled_total_is_a_note(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    path = write(MINIMAL + "cap: 11500\n")
    run = lease("check", path)
    assert run.exit_code == 0
    assert (
        f"{path}:8:6: note[N401]: the cap $11,500.00 cuts $500.00 from the scheduled $12,000.00, "
        "from 2026-12-01"
    ) in run.stdout


def test_no_paths_uses_deals_folder(
    lease: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    run = lease("check")
    assert run.exit_code == 2
    assert "no deals/ folder" in run.stderr
    (tmp_path / "deals").mkdir()
    (tmp_path / "deals" / "x.yaml").write_text(MINIMAL)
    assert lease("check").exit_code == 0


def test_usage_errors_exit_2(lease: Callable[..., Run]) -> None:
    assert lease("check", "--bogus").exit_code == 2
    assert lease("check", "--format", "xml").exit_code == 2
    assert lease("frobnicate").exit_code == 2


def test_version_comes_from_package_metadata(lease: Callable[..., Run]) -> None:
    from importlib.metadata import version

    run = lease("--version")
    assert run.exit_code == 0
    assert run.stdout == f"lease (computelease) {version('computelease')}\n"


def test_an_internal_error_exits_3_without_a_traceback(
    lease: Callable[..., Run], write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from computelease import checks

    def broken(*_: object) -> None:
        raise RuntimeError("deal value 150000000 must not leak")

    monkeypatch.setattr(checks, "check", broken)
    path = write(MINIMAL)
    run = lease("check", path)
    assert run.exit_code == 3
    assert run.stdout.splitlines()[0] == (
        f"{path}: error[E900]: internal error (RuntimeError) on this file: a bug in lease, "
        "not in the deal; please report it with its traceback"
    )
    assert (
        run.stderr == "lease: run again with --debug to see the traceback of each internal error\n"
    )
    assert "Traceback" not in run.stdout + run.stderr
    assert "150000000" not in run.stdout + run.stderr
    debug = lease("--debug", "check", path)
    assert debug.exit_code == 3
    assert "Traceback" in debug.stderr and "Traceback" not in debug.stdout


def test_one_poisoned_deal_never_costs_the_others_their_findings(
    lease: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from computelease.core import analysis

    for name, text in (("a.yaml", MINIMAL), ("b.yaml", MINIMAL + "cap: lots\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    poisoned = tmp_path / "c.yaml"
    poisoned.write_text(MINIMAL.replace("Test deal", "Poison"), encoding="utf-8")
    real = analysis.analyse

    def sometimes(deal: object, *args: object, **kwargs: object) -> object:
        if getattr(deal, "name", "") == "Poison":
            raise OverflowError("date value out of range")
        return real(deal, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "analyse", sometimes)
    run = lease("calc", tmp_path, "-f", "json")
    assert run.exit_code == 3
    assert json.loads(run.stdout)["deal"]["id"] == "a"  # the good deal is still reported
    lines = run.stderr.splitlines()
    assert any(line.startswith(f"{tmp_path / 'b.yaml'}:8:6: error[E204]") for line in lines)
    assert any(
        line.startswith(f"{poisoned}: error[E900]: internal error (OverflowError)")
        for line in lines
    )


def test_help_lists_exit_codes(lease: Callable[..., Run]) -> None:
    run = lease("--help", env={"COLUMNS": "200"})
    assert run.exit_code == 0
    assert "Exit codes: 0 success; 1 invalid deal or failed check; 2 usage error" in run.stdout


def test_capacity_must_match_reported_capacity(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    text = MINIMAL + "capacity:\n  gpus: 1000\nreported:\n  gpus: 1200\nsources:\n  - title: x\n"
    run = lease("check", write(text))
    assert run.exit_code == 1
    assert ":9:9: error[E405]: capacity.gpus is 1000 but the reported figure is 1200" in run.stdout


def test_prepayment_too_large_is_an_error_at_its_amount(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    run = lease("check", write(MINIMAL + "prepayments:\n  - amount: 20000\n"))
    assert run.exit_code == 1
    assert (
        ":9:13: error[E309]: a prepayment of $20,000.00 exceeds the $12,000.00 left due"
        in run.stdout
    )


@pytest.mark.parametrize(
    "command", ["calc", "schedule", "breakeven", "scenario", "sensitivity", "compare", "check"]
)
def test_every_command_has_help(lease: Callable[..., Run], command: str) -> None:
    run = lease(command, "--help", env={"COLUMNS": "200"})
    assert run.exit_code == 0
    assert "Exit codes:" in run.stdout
    summary = run.stdout.split("Usage:")[1].splitlines()[2:6]
    assert any(line.strip() for line in summary), f"{command} has no help text"
    assert command in lease("--help", env={"COLUMNS": "200"}).stdout


def test_a_folder_without_deals_fails_the_gate(lease: Callable[..., Run], tmp_path: Path) -> None:
    """A CI gate pointed at the wrong folder must not pass with '0 files checked'."""
    empty = tmp_path / "deal"
    empty.mkdir()
    for args in ([empty], ["--strict", empty], ["-f", "json", empty]):
        run = lease("check", *args)
        assert run.exit_code == 2
        assert f"{empty}" in run.stdout and "E004" in run.stdout
    calc = lease("calc", empty)
    assert (calc.exit_code, calc.stdout) == (2, "")
    assert calc.stderr == f"{empty}: error[E004]: no deal files (*.yaml, *.yml) here\n"
