"""Speed of the things users wait for, measured against floors, never asserted.

Run from the repository root with ``python -m tests.benchmarks.bench``; the
README records the last figures. Timing assertions do not belong in the test
suite: machines differ and a loaded CI box would make them flaky.

Each figure is reported beside a floor measured in the same run, on the same
inputs, so the ratio means something on a busy or a different machine:

- checking a folder is set against parsing the same files with PyYAML's C
  safe loader and nothing else (the least any checker must do);
- a whole ``lease`` process is set against a process that only imports the
  libraries it is built on (typer, rich's tables, yaml, pydantic).

The folder is varied, not copies of one file: every shipped deal (tranches,
cost stacks, scenarios, prepayments, options) and every hostile but valid
corpus file, each in several variants with its rates, market prices and
power price redrawn from a seeded generator, so no cache or branch sees the
same deal twice.
"""

from __future__ import annotations

import contextlib
import functools
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from computelease import api, loader
from computelease.core.analysis import analyse
from computelease.core.reports import CalcReport, DealReport
from computelease.core.schedule import build_schedule
from computelease.render import json as render_json
from computelease.render.options import RenderOptions

ROOT = Path(__file__).resolve().parents[2]
REFLECTION = ROOT / "deals" / "reflection.yaml"
SEEDS = sorted((ROOT / "deals").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "corpus" / "valid").glob("*.yaml")
)
FOLDER_SIZE = 1000

#: Values redrawn in each variant: a key written as ``key: value`` and how to draw a new value.
_REDRAW: dict[str, Callable[[random.Random], str]] = {
    "discount_rate": lambda r: f"{r.randint(50, 150) / 10}%",
    "market_gpu_hour": lambda r: f"{r.randint(200, 700) / 100:.2f}",
    "market_decline": lambda r: f"{r.randint(5, 40)}%",
    "price_mwh": lambda r: f"{r.randint(40, 120)}",
}
_LINE = re.compile(r"^(\s*)(" + "|".join(_REDRAW) + r"):[ \t]*[^\s#]+", re.MULTILINE)


def variant(text: str, rng: random.Random) -> str:
    """``text`` with every redrawable value replaced by a fresh draw."""
    return _LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}: {_REDRAW[m.group(2)](rng)}", text)


def varied_folder(folder: Path, size: int = FOLDER_SIZE) -> list[Path]:
    """``size`` deal files cycling through the seeds, each a fresh variant."""
    rng = random.Random(20261203)
    texts = [seed.read_bytes().decode("utf-8", errors="surrogateescape") for seed in SEEDS]
    paths = []
    for i in range(size):
        text = texts[i % len(texts)]
        path = folder / f"deal-{i:04d}.yaml"
        path.write_bytes(variant(text, rng).encode("utf-8", errors="surrogateescape"))
        paths.append(path)
    return paths


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def parse_floor(paths: list[Path]) -> None:
    """What any checker must at least do: read and parse every file with the C loader."""
    for path in paths:
        with contextlib.suppress(yaml.YAMLError):
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def big_deal(folder: Path) -> Path:
    streams = "".join(f"  - amount: {1000 + i}\n    escalation: 3%\n" for i in range(41))
    path = folder / "big.yaml"
    path.write_text(
        "name: Big\nlessor: A\nlessee: B\nstart: 2026-01-01\nmonths: 1200\n"
        "assumptions:\n  discount_rate: 8%\n  lessor:\n    capex: 100M\n    opex_monthly: 1000\n"
        f"payments:\n{streams}",
        encoding="utf-8",
    )
    return path


def process(*args: str) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(args, check=False, capture_output=True, cwd=ROOT)

    return run


def main() -> None:
    rows: list[tuple[str, str, str]] = []

    def row(name: str, seconds: float, floor: float | None = None, unit: str = "ms") -> None:
        shown = f"{seconds * 1000:.0f} ms" if unit == "ms" else f"{seconds:.2f} s"
        ratio = f"{seconds / floor:.2f}x" if floor else ""
        rows.append((name, shown, ratio))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = folder / "deals"
        files.mkdir()
        paths = varied_folder(files)
        kinds = len(SEEDS)

        floor = best(lambda: parse_floor(paths), repeat=3)
        row(f"floor: parse the {FOLDER_SIZE:,} varied files (yaml C loader)", floor, unit="s")
        seconds = best(lambda: api.check(files), repeat=3)
        row(f"check {FOLDER_SIZE:,} varied files ({kinds} kinds), in process", seconds, floor, "s")

        deals = [loader.load(path).deal for path in SEEDS[:8]]
        shipped = [deal for deal in deals if deal is not None]
        for deal in shipped:
            seconds = best(functools.partial(analyse, deal), repeat=10)
            row(f"analyse {deal.id}, in process", seconds)

        reflection = loader.load(REFLECTION).deal
        assert reflection is not None

        def calc_json() -> None:
            report = DealReport("deals/reflection.yaml", analyse(reflection), ())
            render_json.calc(CalcReport((report,)), RenderOptions())

        row("calc reflection.yaml as JSON, in process", best(calc_json, 20))

        big = loader.load(big_deal(folder)).deal
        assert big is not None
        row(
            "schedule of 49,200 rows (41 escalating streams x 100 years)",
            best(lambda: build_schedule(big), repeat=3),
            unit="s",
        )
        row("analyse the 49,200-row deal", best(lambda: analyse(big), repeat=3), unit="s")

        lease = (sys.executable, "-m", "computelease")
        imports = "import typer, rich.table, yaml; from pydantic import BaseModel"
        start = best(process(sys.executable, "-c", imports), 7)
        row("floor: a process importing typer, rich.table, yaml, pydantic", start)
        row("lease --version, whole process", best(process(*lease, "--version"), 7), start)
        row(
            "lease calc deals/reflection.yaml, whole process",
            best(process(*lease, "calc", "deals/reflection.yaml"), 7),
            start,
        )
        row(
            "lease calc deals/reflection.yaml -f json, whole process",
            best(process(*lease, "calc", "deals/reflection.yaml", "-f", "json"), 7),
            start,
        )
        row(
            "lease schedule of the 49,200-row deal as a table, whole process",
            best(process(*lease, "schedule", str(folder / "big.yaml")), 3),
            start,
            "s",
        )
    width = max(len(name) for name, _, _ in rows)
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>9}  {ratio}")


if __name__ == "__main__":
    main()
