"""Policy gates in `lease check`: limits at two levels, from flags, environment or a file."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from computelease import api
from computelease.core.gates import GATES

ROOT = Path(__file__).resolve().parent.parent
REFLECTION = str(ROOT / "deals" / "reflection.yaml")
NO_ENV: dict[str, str | None] = {
    f"LEASE_{w}{k.upper().replace('-', '_')}": None for k in GATES for w in ("", "WARN_")
}


@pytest.fixture
def check(lease: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`lease check` in an empty folder (no config file above it), no LEASE_ variables."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, env: dict[str, str | None] | None = None) -> Any:
        return lease("check", *args, env={**NO_ENV, **(env or {})})

    return run


def _lines(run: Any) -> list[str]:
    return [line.replace(REFLECTION, "R") for line in run.stdout.splitlines()]


def test_each_gate_crossed_is_an_error_at_the_field_it_concerns(check: Any) -> None:
    run = check(
        REFLECTION,
        "--max-total=6.29B",
        "--max-monthly=149M",
        "--min-committed=15%",
        "--max-gpu-hour=4.50",
        "--min-irr=23.1%",
    )
    assert run.exit_code == 1
    assert _lines(run) == [
        "R:36:6: error[E601]: total with options $6.30B is above the maximum $6.29B "
        "(max-total, set by --max-total)",
        "R:26:3: error[E602]: highest monthly fee $150.0M is above the maximum $149.0M "
        "(max-monthly, set by --max-monthly)",
        "R:32:16: error[E603]: committed share of the total 14.1% is below the minimum 15% "
        "(min-committed, set by --min-committed)",
        "R:54:9: error[E604]: price per GPU-hour $4.56 is above the maximum $4.50 "
        "(max-gpu-hour, set by --max-gpu-hour)",
        "R:74:20: error[E605]: lessor IRR 23% is below the minimum 23.1% "
        "(min-irr, set by --min-irr)",
        "1 file checked, 5 errors, 0 warnings",
    ]


def test_a_figure_exactly_at_its_limit_passes(check: Any) -> None:
    run = check(REFLECTION, "--max-total=$6.3B", "--max-monthly=150M", "--max-gpu-hour=4.57")
    assert (run.exit_code, _lines(run)) == (0, ["1 file checked, 0 errors, 0 warnings"])


def test_a_warn_level_warns_and_fails_only_strict(check: Any) -> None:
    run = check(REFLECTION, "--warn-max-total=6B", "--max-total=7B")
    assert run.exit_code == 0
    assert _lines(run)[0] == (
        "R:36:6: warning[W601]: total with options $6.30B is above the maximum $6.00B "
        "(warn-max-total, set by --warn-max-total)"
    )
    assert check(REFLECTION, "--warn-max-total=6B", "--strict").exit_code == 1


def test_a_fail_breach_is_not_repeated_at_the_warn_level(check: Any) -> None:
    run = check(REFLECTION, "--warn-max-total=5B", "--max-total=6B")
    assert [line.split(": ")[1] for line in _lines(run)[:-1]] == ["error[E601]"]


def test_the_figures_closest_to_a_limit_are_shown_finely_enough_to_differ(check: Any) -> None:
    run = check(REFLECTION, "--min-irr=23.012%", "--max-total=6299999999.99")
    assert "total with options $6,300,000,000.00 is above the maximum $6,299,999,999.99" in (
        run.stdout
    )
    assert "lessor IRR 23.011% is below the minimum 23.012%" in run.stdout


def test_a_gate_the_deal_cannot_give_a_figure_for_is_a_warning_not_a_pass(
    check: Any, write: Any
) -> None:
    deal = write(
        """\
        name: x
        lessor: a
        lessee: b
        start: 2026-07-01
        months: 12
        payments:
          - amount: $1M
        """
    )
    run = check(str(deal), "--max-gpu-hour=4", "--min-irr=10%", "--max-total=EUR 1B")
    lines = [line.replace(str(deal), "D") for line in run.stdout.splitlines()]
    assert lines == [
        "D:7:3: warning[W600]: max-total not checked: the limit EUR 1B is in EUR, the deal in USD",
        "D:7:3: warning[W600]: max-gpu-hour not checked: no GPU count: set capacity.gpus "
        "(the limit is set by --max-gpu-hour)",
        "D:7:3: warning[W600]: min-irr not checked: no lessor capex (assumptions.lessor.capex) "
        "(the limit is set by --min-irr)",
        "1 file checked, 0 errors, 3 warnings",
    ]
    assert run.exit_code == 0


def test_a_flag_wins_over_the_environment_which_wins_over_the_file(
    check: Any, tmp_path: Path
) -> None:
    (tmp_path / "lease.toml").write_text(
        'max-total = "1B"\nmin-irr = "30%"\nmax-monthly = 1_000_000_000\n', encoding="utf-8"
    )
    env = {"LEASE_MAX_TOTAL": "2B", "LEASE_MIN_IRR": "25%"}
    run = check("--show-config", "--max-total=3B", env=env)
    assert run.exit_code == 0
    config = tmp_path / "lease.toml"
    assert run.stdout.splitlines()[:6] == [
        "setting             limit       set by",
        "max-total           3B          --max-total",
        "warn-max-total      -           not set",
        f"max-monthly         1000000000  {config}:3",
        "warn-max-monthly    -           not set",
        "min-committed       -           not set",
    ]
    assert "min-irr             25%         LEASE_MIN_IRR" in run.stdout
    assert run.stdout.endswith(
        f"config file: {config}\n"
        "precedence: flag, then environment (LEASE_...), then the config file\n"
    )
    run = check(REFLECTION, env=env)
    assert "lessor IRR 23% is below the minimum 25% (min-irr, set by LEASE_MIN_IRR)" in (run.stdout)
    assert "(max-total, set by LEASE_MAX_TOTAL)" in run.stdout


def test_pyproject_tool_table_found_upward_with_its_warn_levels(
    check: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "deals"

            [tool.computelease]
            max-gpu-hour = 5.00

            [tool.computelease.warn]
            max-gpu-hour = 4.50
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "team" / "deals").mkdir(parents=True)
    (tmp_path / "team" / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "team" / "deals")  # a pyproject.toml without the table: upward
    result = api.policy(cwd=tmp_path / "team" / "deals")
    assert result.value is not None
    assert [(x.key, x.level, x.value, x.source) for x in result.value.limits] == [
        ("max-gpu-hour", "fail", Decimal("5.00"), f"{tmp_path / 'pyproject.toml'}:5"),
        ("max-gpu-hour", "warn", Decimal("4.50"), f"{tmp_path / 'pyproject.toml'}:8"),
    ]
    run = check(REFLECTION, "--format=github")
    assert run.stdout.startswith(
        f"::warning file={REFLECTION},line=54,col=9,title=W604::price per GPU-hour $4.56 is "
        "above the maximum $4.50 (warn-max-gpu-hour, set by "
    )


def test_lease_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.computelease]\nmin-irr = "5%"\n', "utf-8")
    (tmp_path / "lease.toml").write_text('min-irr = "6%"\n', encoding="utf-8")
    result = api.policy(env={}, cwd=tmp_path)
    assert result.value is not None
    assert [x.written for x in result.value.limits] == ["6%"]
    assert result.value.file == str(tmp_path / "lease.toml")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'max-total = "10B"\nmax_monthly = "1B"\n',
            "lease.toml:2: unknown key 'max_monthly'; did you mean 'max-monthly'? (lease reads "
            "max-total, max-monthly, min-committed, max-gpu-hour, min-irr)",
        ),
        ('min-irr = "12 percent"\n', "lease.toml:1: expected a lessor IRR, got '12 percent'"),
        ("max-total = true\n", 'lease.toml:1: max-total: expected a number or text such as "10B"'),
        ("max-total = \n", "lease.toml: not valid TOML: Invalid value (at line 1, column 13)"),
    ],
)
def test_a_bad_config_file_is_a_usage_error_naming_its_line(
    check: Any, tmp_path: Path, toml: str, message: str
) -> None:
    (tmp_path / "lease.toml").write_text(toml, encoding="utf-8")
    run = check(REFLECTION)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr.startswith(f"error[E507]: {tmp_path / message}")


def test_a_bad_limit_in_a_flag_or_the_environment_is_a_usage_error(check: Any) -> None:
    run = check(REFLECTION, "--max-total=ten billion")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.startswith("error[E507]: --max-total: expected an amount of money")
    run = check(REFLECTION, env={"LEASE_WARN_MIN_IRR": "12"})
    assert run.exit_code == 2
    assert run.stderr.startswith("error[E507]: LEASE_WARN_MIN_IRR: lessor IRR '12' is above 1")


def test_the_api_takes_the_same_policy(tmp_path: Path) -> None:
    result = api.policy({"min-committed": "20%"}, env={}, cwd=tmp_path)
    assert result.value is not None
    assert [x.source for x in result.value.limits] == ["min-committed"]
    assert api.policy({"min-comitted": "20%"}).problems[0].message == (
        "no policy setting 'min-comitted'"
    )
    assert result.value is not None
    run = api.check(REFLECTION, result.value)
    assert [(p.code.id, p.line, p.field) for p in run.problems] == [
        ("E603", 32, "termination.notice_days")
    ]
    assert api.check(REFLECTION).problems == ()  # no policy, no gates


def test_building_the_gate_options_loads_no_analysis() -> None:
    """Every start of lease builds check's gate options: the analysis loads only for a gate."""
    import subprocess
    import sys

    code = (
        "import sys, computelease.core.gates as g; "
        "print(len(g.GATES), 'computelease.core.analysis' in sys.modules, "
        "'computelease.models' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["5", "False", "False"]
