"""The public Python API: the README's example, problems as data, the same answers as the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import computelease
from computelease import (
    Axis,
    ExitCode,
    Kind,
    Result,
    Scenario,
    Settings,
    analyse,
    book,
    breakeven,
    check,
    compare,
    load,
    scenario,
    schedule,
    sensitivity,
)
from computelease.errors import Codes
from computelease.render import json as render_json
from tests.conftest import MINIMAL, ROOT, Run

REFLECTION = ROOT / "deals" / "reflection.yaml"

#: A deal that validates field by field but that no command can compute: its prepayment is
#: larger than everything it could be credited against (E309, at the amount on line 9).
PREPAID_TOO_MUCH = (
    MINIMAL
    + "prepayments:\n  - amount: 20000\n"
    + "assumptions:\n  discount_rate: 8%\n  lessor:\n    capex: 5000\n"
    + "termination:\n  notice_days: 30\n"
)
E309_LINE = re.compile(r"^.*deal\.yaml:9:13: error\[E309\]: a prepayment of \$20,000\.00 exceeds")


def readme_example() -> tuple[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- api-example:begin -->\n```python\n", 1)[1]
    code = block.split("```", 1)[0]
    printed = readme.split("<!-- api-example:end -->", 1)[1].split("```text\n", 1)[1]
    return code, printed.split("```", 1)[0]


def test_the_readme_example_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    code, expected = readme_example()
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == expected


def test_the_types_catch_an_incomplete_format_and_pass_the_example(tmp_path: Path) -> None:
    """``mypy --strict`` passes the README example and fails a format missing a method."""
    code, _ = readme_example()
    (tmp_path / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")  # not the project's
    (tmp_path / "example.py").write_text(code, encoding="utf-8")
    (tmp_path / "halfformat.py").write_text(
        '"""A format with only one of the seven methods."""\n'
        "from computelease.core.reports import CalcReport\n"
        "from computelease.render.options import RenderOptions\n\n\n"
        "def calc(report: CalcReport, options: RenderOptions) -> str:\n"
        '    return ""\n',
        encoding="utf-8",
    )
    (tmp_path / "registry.py").write_text(
        '"""Registering the half format."""\n'
        "import halfformat\n"
        "from computelease.render import Renderer\n\n"
        "FORMAT: Renderer = halfformat\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            "mypy.ini",
            "example.py",
            "registry.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        # An editable install hides the package from mypy behind an import hook.
        env={**os.environ, "MYPYPATH": str(ROOT)},
    )
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if e.startswith("example.py")], run.stdout
    assert [e for e in errors if e.startswith("registry.py")], run.stdout
    assert any(e.startswith("registry.py:5:") and '"Renderer"' in e for e in errors), run.stdout


def test_import_names_the_public_api() -> None:
    assert "analyse" in dir(computelease)
    with pytest.raises(AttributeError):
        computelease.__getattr__("no_such_thing")


def test_nothing_raises_for_bad_input(write: Callable[..., Path], tmp_path: Path) -> None:
    bad = write(MINIMAL + "cap: lots\n", "bad.yaml")
    loaded = load([REFLECTION, bad, tmp_path / "missing.yaml"])
    assert [d.deal.id for d in loaded.deals] == ["reflection"]
    assert [(p.code, p.line) for p in loaded.problems] == [
        (Codes.UNREADABLE, None),
        (Codes.BAD_MONEY, 8),
    ]
    assert loaded.files == (str(REFLECTION), str(bad))
    result = analyse(loaded)
    assert result.value is not None and len(result.value.deals) == 1
    assert not result.ok
    assert result.exit_code() is ExitCode.USAGE  # a path that cannot be read wins
    nothing = schedule(bad)
    assert nothing.value is None and nothing.exit_code() is ExitCode.INVALID


def test_every_call_reports_a_deal_it_cannot_compute_as_a_located_problem(
    write: Callable[..., Path],
) -> None:
    path = write(PREPAID_TOO_MUCH)
    rows = Axis("discount_rate", Kind.RATE, (Decimal("0.05"), Decimal("0.06")))
    results: list[Result[Any]] = [
        analyse(path),
        schedule(path),
        breakeven(path),
        scenario(path, Scenario(terminate="earliest")),
        sensitivity(path, "npv_lessor", rows),
        compare(path),
        book(path),
    ]
    for result in results:
        assert result.value is None
        assert [(p.code, p.line, p.column, p.field) for p in result.problems] == [
            (Codes.PREPAYMENT_EXCEEDS, 9, 13, "prepayments[0].amount")
        ]
    assert [p.code for p in check(path).problems] == [Codes.PREPAYMENT_EXCEEDS]


@pytest.mark.parametrize(
    "command",
    [
        ["calc"],
        ["schedule"],
        ["breakeven"],
        ["scenario", "--terminate", "earliest"],
        ["scenario", "--delay", "1m"],
        ["sensitivity", "--vary", "discount_rate=5%..6%:1%"],
        ["compare"],
        ["compare", "--by", "year"],
        ["check"],
    ],
)
def test_every_command_reports_it_the_same_way(
    lease: Callable[..., Run], write: Callable[..., Path], command: list[str]
) -> None:
    path = write(PREPAID_TOO_MUCH)
    run = lease(command[0], path, *command[1:])
    assert run.exit_code == 1
    out = run.stdout if command[0] == "check" else run.stderr
    lines = [line for line in out.splitlines() if "E309" in line]
    assert len(lines) == 1 and E309_LINE.match(lines[0]), out
    if command[0] != "check":
        assert run.stdout == ""  # no table of n/a for a deal that does not compute


def test_the_api_and_the_command_line_give_the_same_document(lease: Callable[..., Run]) -> None:
    from computelease.render.options import RenderOptions

    result = analyse(REFLECTION)
    assert result.value is not None
    cli = lease("calc", REFLECTION, "-f", "json").stdout
    assert render_json.calc(result.value, RenderOptions()) == cli


def test_settings_and_a_scenario_by_name() -> None:
    later = analyse(REFLECTION, Settings(as_of=date(2027, 1, 15), rate=Decimal("0.08")))
    assert later.value is not None
    a = later.value.deals[0].analysis
    assert (a.as_of, a.rate, a.rate_source) == (date(2027, 1, 15), Decimal("0.08"), "override")
    google = ROOT / "deals" / "spacex-google.yaml"
    named = scenario(google, name="delivery-shortfall-80")
    assert named.ok and named.value is not None and named.value.name == "delivery-shortfall-80"
    missing = scenario(google, name="nope")
    assert missing.value is None
    assert [p.code for p in missing.problems] == [Codes.UNKNOWN_SCENARIO]
    assert missing.exit_code() is ExitCode.USAGE


def test_request_problems_are_usage_problems(write: Callable[..., Path]) -> None:
    delivered = Axis("delivered", Kind.RATE, (Decimal("0.8"),))
    grid = sensitivity(REFLECTION, "total", delivered)
    assert grid.value is None
    assert [(p.code, p.message) for p in grid.problems] == [
        (Codes.NOT_APPLICABLE, "delivered needs a delivery block, and the deal has none")
    ]
    assert grid.exit_code() is ExitCode.USAGE
    unknown = sensitivity(REFLECTION, "npv", delivered)
    assert [p.code for p in unknown.problems] == [Codes.UNKNOWN_METRIC]
    euro = write(MINIMAL + "currency: EUR\n", "euro.yaml")
    mixed = compare([REFLECTION, euro])
    assert [p.code for p in mixed.problems] == [Codes.NO_FX_RATE]
    priced = compare([REFLECTION, euro], fx={"EUR": Decimal("1.10")})
    assert priced.ok and priced.value is not None
    assert [p.code for p in compare([REFLECTION], lessor="Nobody").problems] == [
        Codes.NOTHING_TO_COMPARE
    ]
    assert [p.code for p in schedule(ROOT / "deals").problems] == [Codes.ONE_DEAL]


def test_check_groups_problems_by_file(write: Callable[..., Path]) -> None:
    bad = write(MINIMAL + "cap: lots\n", "a.yaml")
    reported = write(MINIMAL + "reported:\n  total: 5000\n", "b.yaml")
    run = check([bad.parent])
    assert run.files == (str(bad), str(reported))
    assert [(p.file, p.code.id) for p in run.problems] == [
        (str(bad), "E204"),
        (str(reported), "E401"),
        (str(reported), "W401"),
    ]
    assert json.loads(render_json.check(run))[0]["line"] == 8


EUR_DEAL = ROOT / "tests" / "corpus" / "valid" / "valid-currency-eur.yaml"


@pytest.mark.parametrize("rate", ["-5", "-0.5", "1.01", "NaN", "Infinity", "1e100"])
def test_a_rate_out_of_range_is_one_usage_problem_for_every_call(rate: str) -> None:
    settings = Settings(rate=Decimal(rate))
    rows = Axis("discount_rate", Kind.RATE, (Decimal("0.05"),))
    results: list[Result[Any]] = [
        analyse([REFLECTION, EUR_DEAL], settings),
        schedule(REFLECTION, settings),
        breakeven(REFLECTION, settings),
        scenario(REFLECTION, Scenario(terminate="earliest"), settings),
        sensitivity(REFLECTION, "total", rows, settings=settings),
        compare([REFLECTION, EUR_DEAL], settings, fx={"EUR": Decimal("1.08")}),
        book(REFLECTION, settings),
    ]
    for result in results:
        assert result.value is None
        assert [(p.code, p.file) for p in result.problems] == [(Codes.BAD_SETTING, None)]
        assert "out of range: give 0% to 100% a year" in result.problems[0].message
        assert result.exit_code() is ExitCode.USAGE


@pytest.mark.parametrize("fx", ["0", "-1", "NaN", "1e300", "1000000.01"])
def test_an_exchange_rate_out_of_range_is_a_usage_problem(fx: str) -> None:
    for call in (compare, book):
        result = call([REFLECTION, EUR_DEAL], fx={"EUR": Decimal(fx)})
        assert result.value is None
        assert [p.code for p in result.problems] == [Codes.BAD_SETTING]
    assert compare([REFLECTION, EUR_DEAL], fx={"EUR": Decimal("1000000")}).ok


@pytest.mark.parametrize("value", ["NaN", "-5", "1e100", "Infinity"])
def test_an_axis_value_out_of_range_is_a_usage_problem(value: str) -> None:
    rows = Axis("discount_rate", Kind.RATE, (Decimal("0.05"), Decimal(value)))
    result = sensitivity(REFLECTION, "total", rows)
    assert result.value is None
    assert [p.code for p in result.problems] == [Codes.BAD_SETTING]
    assert result.exit_code() is ExitCode.USAGE


def test_no_path_an_empty_path_or_a_nul_byte_is_a_problem_not_an_exception() -> None:
    assert [(p.code, p.message) for p in load([]).problems] == [
        (Codes.NO_DEALS, "no deal file given")
    ]
    assert check([]).problems[0].code is Codes.NO_DEALS
    assert analyse([]).exit_code() is ExitCode.USAGE
    empty = load(["", REFLECTION])
    assert [d.deal.id for d in empty.deals] == ["reflection"]  # not every deal under "."
    assert [(p.code, p.file) for p in empty.problems] == [(Codes.UNREADABLE, None)]
    nul = load("deals/x\0y.yaml")
    assert [(p.code, p.message) for p in nul.problems] == [
        (Codes.UNREADABLE, "a path cannot hold a NUL byte")
    ]


def test_an_empty_path_on_the_command_line_is_not_the_current_folder(
    lease: Callable[..., Run],
) -> None:
    run = lease("calc", "")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == "error[E001]: an empty path: name a deal file or folder\n"


def test_overrides_as_written_in_a_deal_file_are_read_and_never_raise() -> None:
    written = scenario(REFLECTION, {"delay": "3m", "set": {"cap": "$6B"}})
    assert written.ok and written.value is not None
    assert written.value.overrides.delay is not None
    assert written.value.overrides.set == (("cap", "$6B"),)
    bad = scenario(REFLECTION, {"delay": "soon", "terminate": "never", "nope": 1})
    assert bad.value is None
    assert [(p.code, p.field) for p in bad.problems] == [
        (Codes.NOT_APPLICABLE, "delay"),
        (Codes.NOT_APPLICABLE, "terminate"),
        (Codes.NOT_APPLICABLE, "nope"),
    ]
    assert bad.exit_code() is ExitCode.USAGE
    assert not any("input_value" in p.message or "[type=" in p.message for p in bad.problems)


def test_a_period_the_schedule_cannot_sum_by_is_a_problem() -> None:
    result = schedule(REFLECTION, by="week")  # type: ignore[arg-type]
    assert result.value is None
    assert [(p.code, p.message) for p in result.problems] == [
        (Codes.BAD_SETTING, "by: expected one of month, quarter, year; got 'week'")
    ]
    assert schedule(REFLECTION, by="quarter").ok
