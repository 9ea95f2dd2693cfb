"""Speed of the things users wait for, measured, not asserted.

Run from the repository root with ``python -m tests.benchmarks.bench``; the
README records the last figures. Timing assertions do not belong in the test
suite: machines differ and a loaded CI box would make them flaky.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from computelease import api, loader
from computelease.core.analysis import analyse
from computelease.core.reports import CalcReport, DealReport
from computelease.core.schedule import build_schedule
from computelease.render import json as render_json
from computelease.render.options import RenderOptions

ROOT = Path(__file__).resolve().parents[2]
REFLECTION = ROOT / "deals" / "reflection.yaml"


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


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


def main() -> None:
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = folder / "deals"
        files.mkdir()
        for i in range(1000):
            shutil.copy(REFLECTION, files / f"deal-{i:04d}.yaml")

        seconds = best(lambda: api.check(files), repeat=3)
        results.append(
            (
                "check 1,000 copies of reflection.yaml (load + validate + check)",
                f"{seconds:.2f} s, {seconds:.2f} ms a file",  # 1,000 files: s total = ms each
            )
        )

        deal = loader.load(REFLECTION).deal
        seconds = best(lambda: analyse(deal), repeat=20)
        results.append(("analyse reflection.yaml (all figures)", f"{seconds * 1000:.1f} ms"))

        def calc_json() -> None:
            a = analyse(deal)
            report = DealReport("deals/reflection.yaml", a, ())
            render_json.calc(CalcReport((report,)), RenderOptions())

        results.append(
            ("calc reflection.yaml as JSON, in process", f"{best(calc_json, 20) * 1000:.1f} ms")
        )

        big = loader.load(big_deal(folder)).deal
        seconds = best(lambda: build_schedule(big), repeat=3)
        results.append(
            ("schedule of 49,200 rows (41 escalating streams x 100 years)", f"{seconds:.2f} s")
        )
        seconds = best(lambda: analyse(big), repeat=3)
        results.append(("analyse the 49,200-row deal", f"{seconds:.2f} s"))

        def run(*args: str) -> None:
            subprocess.run(
                [sys.executable, "-m", "computelease", *args],
                check=False,
                capture_output=True,
                cwd=ROOT,
            )

        results.append(
            (
                "lease --version (process start-up)",
                f"{best(lambda: run('--version')) * 1000:.0f} ms",
            )
        )
        results.append(
            (
                "lease calc deals/reflection.yaml (whole process)",
                f"{best(lambda: run('calc', 'deals/reflection.yaml')) * 1000:.0f} ms",
            )
        )
        results.append(
            (
                "lease schedule on the 49,200-row deal (whole process, table)",
                f"{best(lambda: run('schedule', str(folder / 'big.yaml')), 3):.2f} s",
            )
        )
    width = max(len(name) for name, _ in results)
    for name, value in results:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
