"""``lease`` as a real process: closed pipes, Ctrl-C, the entry points and start-up cost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT

LEASE = [sys.executable, "-m", "computelease"]


def long_deal(tmp_path: Path, months: int = 1200, streams: int = 40) -> Path:
    body = "".join(f"  - amount: {1000 + i}\n    escalation: 3%\n" for i in range(streams))
    head = MINIMAL.replace("months: 12", f"months: {months}").split("payments:")[0]
    path = tmp_path / "long.yaml"
    path.write_text(
        head + "assumptions:\n  discount_rate: 8%\npayments:\n" + body, encoding="utf-8"
    )
    return path


def test_python_m_and_console_script_agree() -> None:
    module = subprocess.run([*LEASE, "--version"], capture_output=True, text=True, check=False)
    assert module.returncode == 0
    assert module.stdout.startswith("lease (computelease) ")
    script = Path(sys.executable).with_name("lease")
    if script.exists():
        same = subprocess.run(
            [str(script), "--version"], capture_output=True, text=True, check=False
        )
        assert same.stdout == module.stdout


def test_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    # Far more output than a pipe buffers, and a reader that stops after one line.
    with subprocess.Popen(
        [*LEASE, "schedule", str(long_deal(tmp_path)), "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()
        stderr = proc.stderr.read()
        code = proc.wait(timeout=60)
    assert first.startswith(b"n,stream,kind")
    assert stderr == b""
    assert code == 0


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    deal = long_deal(tmp_path, streams=41)
    proc = subprocess.Popen(
        [*LEASE, "schedule", str(deal)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    time.sleep(1.0)  # well into the work: this schedule takes seconds to render
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the command finished before the signal arrived")
    assert proc.returncode == 130
    assert b"Traceback" not in stderr
    assert b"interrupted" in stderr


def test_start_up_does_not_import_the_heavy_modules() -> None:
    # Measured against what typer itself imports (older typer releases import rich).
    code = (
        "import sys, typer; before = set(sys.modules); import computelease.cli; "
        "heavy = ('pydantic', 'yaml', 'rich.table', 'computelease.core', 'computelease.models'); "
        "print(','.join(m for m in heavy if m in sys.modules and m not in before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_hash_seed_and_timezone_do_not_change_output() -> None:
    outputs = set()
    for seed, tz in (("0", "UTC"), ("123", "Asia/Tokyo"), ("random", "America/Los_Angeles")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "COLUMNS": "80"}
        run = subprocess.run(
            [*LEASE, "calc", "deals/reflection.yaml", "-f", "json"],
            capture_output=True,
            cwd=ROOT,
            env=env,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
