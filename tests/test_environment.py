"""Hostile environments: odd folder entries, unwritable outputs, narrow or ASCII terminals."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from computelease import source
from computelease.errors import Codes
from tests.conftest import MINIMAL, ROOT, Run

LEASE = [sys.executable, "-m", "computelease"]


def test_a_folder_of_odd_entries_reads_only_regular_files(
    lease: Callable[..., Run], tmp_path: Path
) -> None:
    (tmp_path / "good.yaml").write_text(MINIMAL)
    (tmp_path / "loop-a.yaml").symlink_to(tmp_path / "loop-b.yaml")
    (tmp_path / "loop-b.yaml").symlink_to(tmp_path / "loop-a.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "good.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock.yaml"))
    try:
        run = lease("check", tmp_path)
    finally:
        server.close()
    lines = run.stdout.splitlines()
    by_name = {Path(line.split(":")[0]).name: line for line in lines[:-1]}
    assert "skipped" in by_name["fifo.yaml"] and "warning[W001]" in by_name["fifo.yaml"]
    assert "skipped" in by_name["sock.yaml"]
    assert "a folder" in by_name["folder.yaml"]
    assert "error[E001]" in by_name["loop-a.yaml"]
    assert "too many levels of symbolic links" in by_name["loop-a.yaml"]
    assert "error[E001]" in by_name["dangling.yaml"]
    assert lines[-1].startswith("2 files checked")  # good.yaml and link.yaml, once each
    assert run.exit_code == 2  # an entry could not be read


def test_a_fifo_named_on_the_command_line_does_not_hang(
    lease: Callable[..., Run], tmp_path: Path
) -> None:
    fifo = tmp_path / "deal.yaml"
    os.mkfifo(fifo)
    run = lease("check", fifo)
    assert run.exit_code == 2
    assert "not a regular file" in run.stdout


def test_unreadable_file(
    lease: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(MINIMAL)
    real_open = os.open

    def denied(file: object, *args: object, **kwargs: object) -> int:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    # Tests may run as root, which reads anything: simulate the denial instead.
    monkeypatch.setattr(os, "open", denied)
    run = lease("check", path)
    assert run.exit_code == 2
    assert f"{path}: error[E001]: permission denied" in run.stdout


def test_very_long_paths(lease: Callable[..., Run], tmp_path: Path) -> None:
    run = lease("check", tmp_path / ("x" * 300 + ".yaml"))
    assert run.exit_code == 2
    assert "error[E001]: file name too long" in run.stdout
    deep = tmp_path
    for _ in range(30):
        deep = deep / ("d" * 200)
        try:
            deep.mkdir()
        except OSError:
            break
    found = source.discover([tmp_path])
    assert all(p.code in (Codes.UNREADABLE, Codes.SKIPPED, Codes.NO_DEALS) for p in found.problems)


def test_output_to_a_read_only_place(lease: Callable[..., Run]) -> None:
    run = lease("calc", "deals/reflection.yaml", "-o", "/proc/lease-report.txt")
    assert run.exit_code == 2
    assert "--output: cannot write" in run.stderr


def test_two_writers_leave_one_complete_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    procs = [
        subprocess.Popen(
            [*LEASE, "calc", "deals/reflection.yaml", "-f", "json", "-o", str(target), *extra],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for extra in ([], ["--rate", "5%"], [], ["--rate", "5%"])
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    doc = json.loads(target.read_text())
    assert doc["settings"]["discount_rate"] in ("0.1", "0.05")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"LANG": "C", "LC_ALL": "C"},
        {"TERM": "dumb"},
        {"NO_COLOR": "1"},
        {"COLUMNS": "20"},
        {"COLUMNS": "400"},
    ],
    ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()),
)
def test_terminals_degrade_gracefully(tmp_path: Path, env: dict[str, str]) -> None:
    deal = tmp_path / "euro.yaml"
    deal.write_text(
        MINIMAL.replace("name: Test deal", "name: Zürich € lease ✓").replace("1000", "EUR 1000")
        + "currency: EUR\nreported:\n  total: EUR 12000\nsources:\n  - title: x\n",
        encoding="utf-8",
    )
    for command in (["calc"], ["schedule"], ["breakeven"], ["check"]):
        run = subprocess.run(
            [*LEASE, *command, str(deal)],
            capture_output=True,
            env={**os.environ, **env},
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert b"Traceback" not in run.stderr
        assert b"UnicodeEncodeError" not in run.stderr
        assert b"\x1b[" not in run.stdout
        if env.get("PYTHONIOENCODING") == "ascii":
            run.stdout.decode("ascii")  # nothing it cannot encode
            if command == ["calc"]:
                assert b"\\u20ac" in run.stdout or b"EUR" in run.stdout


@pytest.mark.parametrize(
    ("env", "coloured"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # set but empty: not a request
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
        ({"FORCE_COLOR": "1", "NO_COLOR": "0"}, False),  # any value at all
        ({"FORCE_COLOR": ""}, False),  # empty: not forced, and a pipe is no terminal
        ({}, False),
    ],
    ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else str(v),
)
def test_no_color_and_force_color_count_when_set_and_not_empty(
    env: dict[str, str], coloured: bool
) -> None:
    """no-color.org and force-color.org: the same whatever rich's release would do."""
    base = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    run = subprocess.run(
        [*LEASE, "calc", "deals/reflection.yaml"],
        capture_output=True,
        env={**base, **env},
        cwd=ROOT,
        check=True,
    )
    assert (b"\x1b[" in run.stdout) is coloured
