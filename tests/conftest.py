"""Shared fixtures: deal files on disk, a CLI runner that keeps stderr apart, golden files."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computelease.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = Path(__file__).resolve().parent / "goldens"
DEALS = ROOT / "deals"
DATA = Path(__file__).resolve().parent / "data"

#: The smallest valid deal; tests add or change lines to make the case they need.
MINIMAL = """\
name: Test deal
lessor: Lessor Inc
lessee: Lessee Labs
start: 2026-01-01
months: 12
payments:
  - amount: 1000
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/goldens/ from the current output instead of comparing with it.",
    )
    parser.addoption(
        "--run-slow", action="store_true", help="Also run the long fuzz and benchmark tests."
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: opt in with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a deal file (dedented) under tmp_path and return its path."""

    def _write(text: str, name: str = "deal.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


def _runner() -> CliRunner:
    # Click 8.1 mixes stderr into stdout unless asked; 8.2 and typer's own copy keep them apart.
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg,unused-ignore]
    return CliRunner()


@pytest.fixture
def lease() -> Callable[..., Run]:
    """Run ``lease ARGS`` in-process, as a user would, and capture its streams."""
    runner = _runner()

    def _run(*args: str | Path, env: dict[str, str | None] | None = None) -> Run:
        argv: Sequence[str] = [str(a) for a in args]
        # A fixed, colourless 80-column terminal unless a test says otherwise.
        fixed: dict[str, str | None] = {"COLUMNS": "80", "FORCE_COLOR": None, "NO_COLOR": None}
        result = runner.invoke(app, argv, env={**fixed, **(env or {})}, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return _run


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare ``text`` with ``tests/goldens/NAME``; ``pytest --update-goldens`` rewrites it."""
    update = bool(request.config.getoption("--update-goldens"))

    def _check(name: str, text: str) -> None:
        path = GOLDENS / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.exists(), f"no golden file {path}; create it with pytest --update-goldens"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file (pytest --update-goldens)"

    return _check
