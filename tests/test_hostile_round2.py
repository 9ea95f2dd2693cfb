"""The second hostile round: option values, wide reports, closed streams, special outputs, Ctrl-C.

Each case once made ``lease`` exit 3, clobber a file that was not its to
replace, or drop figures without a word; each now has its exit code and its
message pinned here (deal-file cases are in the corpus, ``round2-*``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelease import loader, money
from computelease.core.analysis import analyse
from computelease.render import json as render_json
from tests.conftest import MINIMAL, ROOT, Run

REFLECTION = str(ROOT / "deals" / "reflection.yaml")
LEASE = [sys.executable, "-m", "computelease"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["calc", REFLECTION, "--as-of", "2800-01-01"],
            "the valuation date 2800-01-01 is more than 10 years after the term ends "
            "(2029-12-31); value the deal on 2039-12-31 or earlier",
        ),
        (
            ["breakeven", REFLECTION, "--rate", "100%", "--as-of", "2200-01-01"],
            "the valuation date 2200-01-01 is more than 10 years after the term ends",
        ),
        (
            ["calc", REFLECTION, "--as-of", "0001-01-01"],
            "the valuation date 0001-01-01 is more than 10 years before the start 2026-07-01",
        ),
    ],
)
def test_a_valuation_date_far_from_the_term_is_a_usage_error(
    lease: Callable[..., Run], args: list[str], message: str
) -> None:
    run = lease(*args)
    assert (run.exit_code, run.stdout) == (2, "")
    assert f"error[E502]: {message}" in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--vary", "discount_rate=0%..9e9999%:1%"],
            "--vary 'discount_rate=0%..9e9999%:1%': discount_rate '9e9999%' is out of range",
        ),
        (
            ["--vary", "discount_rate=0%..1e9999%:1e9998%"],
            "--vary 'discount_rate=0%..1e9999%:1e9998%': discount_rate '1e9999%' is out of range",
        ),
        (["--vary", "discount_rate=0%..1%:1e-9998%"], "'1e-9998' has 9998 decimal places"),
        (["--vary", "discount_rate=0%..100%:1%"], "more than 50 values; at most 50 per axis"),
        (
            ["--vary", "capacity.gpus=1..9e999:1e999"],
            "--vary 'capacity.gpus=1..9e999:1e999': values up to 10^15",
        ),
    ],
)
def test_hostile_axes_are_usage_errors(
    lease: Callable[..., Run], args: list[str], message: str
) -> None:
    run = lease("sensitivity", REFLECTION, *args)
    assert run.exit_code == 2, run.stderr
    assert message in run.stderr
    assert len(run.stderr) < 400


def test_a_huge_exchange_rate_is_a_usage_error(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    euro = write(MINIMAL + "currency: EUR\n", "euro.yaml")
    for fmt in ("table", "json"):
        run = lease("compare", REFLECTION, euro, "--fx", "EUR=1e40", "-f", fmt)
        assert run.exit_code == 2
        assert "--fx 'EUR=1e40': expected CODE=RATE with a rate above 0 and at most" in run.stderr
    assert lease("compare", "--by", "year", REFLECTION, euro, "--fx", "EUR=1e40").exit_code == 2


def test_a_big_grid_of_a_long_deal_is_refused_before_it_runs(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    long = write(MINIMAL.replace("months: 12", "months: 1200") + "  - amount: 5\n" * 40)
    run = lease("sensitivity", long, "--vary", "discount_rate=1%..10%:1%")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.endswith(
        "error[E502]: a grid of 10 cells of this deal is more work than one run does (about "
        "two seconds: each cell is a whole analysis); give fewer values\n"
    )


def test_a_grid_that_lengthens_the_term_is_stopped_when_it_outgrows_the_budget(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    """A field path (months) can lengthen every cell past the deal as written: counted as run."""
    short = write(MINIMAL + "  - amount: 5\n" * 40)
    run = lease("sensitivity", short, "--vary", "months=1151..1200:1", "--metric", "total")
    assert (run.exit_code, run.stdout) == (2, "")
    assert "a grid of 50 cells of this deal is more work than one run does" in run.stderr
    assert "it stopped after 1; give fewer values" in run.stderr


def test_a_grid_of_a_metric_that_runs_its_own_scenario_counts_it() -> None:
    from computelease.core.metrics import METRICS
    from computelease.core.sensitivity import cell_work

    deal = loader.load(REFLECTION).deal
    plain, walkaway = METRICS["npv_lessor"], METRICS["npv_lessor_walkaway"]
    # 42 rows x 2 + 200 fixed, 43 months x 20 of the lessor's costs, and its loan: 43 x 5
    # and 200 (the equity IRR): 1,559; twice with a walkaway metric, which analyses the deal
    # a second time in each cell.
    assert (cell_work(deal, plain), cell_work(deal, walkaway)) == (1559, 3118)


def copies(folder: Path, count: int) -> Path:
    text = (ROOT / "deals" / "reflection.yaml").read_text(encoding="utf-8")
    for i in range(count):
        (folder / f"d{i:03d}.yaml").write_text(
            text.replace("id: reflection", f"id: r{i:03d}"), encoding="utf-8"
        )
    return folder


@pytest.mark.parametrize(("count", "to_file"), [(20, True), (400, False), (120, True)])
def test_a_wide_comparison_keeps_every_figure(
    lease: Callable[..., Run], tmp_path: Path, count: int, to_file: bool
) -> None:
    (tmp_path / "deals").mkdir()
    folder = copies(tmp_path / "deals", count)
    target = tmp_path / "out.txt"
    run = lease("compare", folder, *(["-o", target] if to_file else []))
    assert run.exit_code == 0, run.stderr
    out = target.read_text(encoding="utf-8") if to_file else run.stdout
    # Every deal's headline, committed value and IRR, none cropped.
    lessor = analyse(loader.load(REFLECTION).deal).breakeven.lessor
    assert lessor is not None and lessor.irr.rate is not None
    assert out.count("$6.30B") == 2 * count  # total and total with options
    assert out.count("$890.3M") == count
    assert out.count(money.format_percent(lessor.irr.rate)) == count
    book = lease("compare", "--by", "year", folder, *(["-o", target] if to_file else []))
    assert book.exit_code == 0


def _close_stdout_and_stderr() -> None:
    os.close(1)
    os.close(2)


def test_a_closed_or_full_stdout_is_said_not_a_bug() -> None:
    closed = subprocess.run(
        [*LEASE, "calc", REFLECTION],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),  # the point: no stdout at all
        check=False,
    )
    assert closed.returncode == 2
    assert closed.stderr == b"lease: error: cannot write to standard output: it is closed\n"
    with open("/dev/full", "wb") as full:
        run = subprocess.run(
            [*LEASE, "check", REFLECTION], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert run.returncode == 2
    assert run.stderr == b"lease: error: cannot write to standard output: no space left on device\n"
    both = subprocess.run(
        [*LEASE, "calc", REFLECTION],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_close_stdout_and_stderr,
        check=False,
    )
    assert both.returncode == 2


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["calc", "--help"]])
def test_help_and_version_to_a_full_stdout_are_said_not_a_bug(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        run = subprocess.run([*LEASE, *args], stdout=full, stderr=subprocess.PIPE, check=False)
    assert run.returncode == 2
    assert run.stderr == b"lease: error: cannot write to standard output: no space left on device\n"


def test_version_to_a_closed_pipe_keeps_its_exit_code() -> None:
    with subprocess.Popen(
        [*LEASE, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as reader:
        assert reader.stdout is not None and reader.stderr is not None
        reader.stdout.close()  # the reader goes before lease writes: | head -0
        assert (reader.wait(), reader.stderr.read()) == (0, b"")


def test_ctrl_c_while_the_command_line_loads_exits_130_quietly() -> None:
    """An interrupt inside the imports of the command line itself, deterministically."""
    code = (
        "import sys\n"
        "class Interrupted:\n"
        "    def __getattr__(self, name):\n"
        "        raise KeyboardInterrupt\n"
        "sys.modules['computelease.cli'] = Interrupted()\n"
        "from computelease.__main__ import main\n"
        "main()\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert (run.returncode, run.stderr, run.stdout) == (130, b"lease: interrupted\n", b"")


def test_ctrl_c_before_main_runs_exits_130_quietly() -> None:
    """Between the console script's import of lease and its call of main (its own lines)."""
    code = (
        "import os, signal, time\n"
        "import computelease.__main__\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "time.sleep(5)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert (run.returncode, run.stderr, run.stdout) == (130, b"lease: interrupted\n", b"")


def test_ctrl_c_at_any_moment_after_start_up_prints_no_traceback(tmp_path: Path) -> None:
    """SIGINT at delays across loading and working: never a traceback.

    The interpreter's own start-up, before any of lease runs, is beyond any
    program's reach, and its length varies (a fresh clone compiles its
    bytecode first), so each delay is counted from the moment the child says
    it is about to enter lease's entry point, not from its launch.
    """
    code = (
        "import sys\n"
        "from computelease.__main__ import main\n"
        f"sys.argv = ['lease', 'calc', {str(REFLECTION)!r}, '-f', 'json']\n"
        "sys.stderr.write('ready\\n'); sys.stderr.flush()\n"
        "main()\n"
    )
    for delay in (0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.5):
        proc = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert b"Traceback" not in stderr, (delay, stderr)
        # 130, or killed by the signal itself (-2: a shell's $? says 130 for it too) when it
        # lands while the interpreter is shutting down; 0 when the work was done first.
        assert proc.returncode in (0, 130, -signal.SIGINT), (delay, proc.returncode, stderr)
        assert stderr in (b"lease: interrupted\n", b""), (delay, stderr)


def test_output_writes_through_a_fifo_and_never_replaces_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    run = subprocess.run(
        [*LEASE, "calc", REFLECTION, "-f", "json", "-o", str(fifo)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    received, _ = reader.communicate(timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(received)["totals"]["total"] == "6300000000.00"
    assert fifo.is_fifo()


def test_output_through_a_link_to_stdout_is_not_a_file(tmp_path: Path) -> None:
    link = tmp_path / "me"
    link.symlink_to("/proc/self/fd/1")
    run = subprocess.run(
        [*LEASE, "calc", REFLECTION, "-f", "csv", "-o", str(link)],
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(b"deal,section,metric,value\n")
    assert link.is_symlink()


def test_output_follows_a_link_to_a_regular_file(lease: Callable[..., Run], tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert lease("calc", REFLECTION, "-f", "json", "-o", link).exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text())["deal"]["id"] == "reflection"
    folder = lease("calc", REFLECTION, "-o", tmp_path)
    assert folder.exit_code == 2 and "is a folder; give a file name" in folder.stderr


def test_output_takes_the_longest_file_name(lease: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / ("x" * 250 + ".csv")
    run = lease("calc", REFLECTION, "-f", "csv", "-o", target)
    assert run.exit_code == 0, run.stderr
    assert target.read_text(encoding="utf-8").startswith("deal,section,metric,value")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_an_unreadable_file_on_the_command_line_is_e001_beside_the_others(
    lease: Callable[..., Run], write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = write(MINIMAL, "locked.yaml")
    fine = write(MINIMAL, "fine.yaml")
    real_open, real_access = os.open, os.access

    def denied(file: Any, *args: Any, **kwargs: Any) -> int:
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    def no_access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return False if str(path) == str(locked) else real_access(path, mode, *args, **kwargs)

    # As root every file is readable: deny it the way a non-root user meets it.
    monkeypatch.setattr(os, "open", denied)
    monkeypatch.setattr(os, "access", no_access)
    run = lease("check", locked, fine)
    assert run.exit_code == 2
    assert run.stdout == (
        f"{locked}: error[E001]: permission denied\n2 files checked, 1 error, 0 warnings\n"
    )
    calc = lease("calc", locked, fine, "-f", "json")
    assert calc.exit_code == 2 and json.loads(calc.stdout)["deal"]["id"] == "fine"


def test_a_folder_with_a_deal_at_every_bound_still_reports_the_rest(
    lease: Callable[..., Run], tmp_path: Path
) -> None:
    edge = (ROOT / "tests" / "corpus" / "valid" / "valid-term-ends-9599-12-31.yaml").read_text()
    (tmp_path / "a-edge.yaml").write_text(edge, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINIMAL + "reported:\n  total: 5000\n", encoding="utf-8")
    run = lease("check", tmp_path)
    assert run.exit_code == 1
    assert "b.yaml:9:10: error[E401]" in run.stdout
    assert run.stdout.endswith("2 files checked, 1 error, 1 warning\n")
    for command in ("calc", "breakeven", "schedule"):
        assert lease(command, tmp_path / "a-edge.yaml").exit_code == 0, command


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values, st.lists(st.dictionaries(st.text(max_size=3), json_values, max_size=3)))
def test_rows_written_one_at_a_time_are_the_json_of_the_whole(value: Any, rows: list[Any]) -> None:
    lazy = render_json.Rows(len(rows), rows.__getitem__)
    document = {"a": value, "rows": lazy, "nested": {"more": [value, lazy]}}
    plain = {"a": value, "rows": rows, "nested": {"more": [value, rows]}}
    assert render_json.dumps(document) == json.dumps(plain, indent=2, ensure_ascii=True) + "\n"
