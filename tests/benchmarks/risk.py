"""Speed and memory of ``lease risk``, measured against a floor, never asserted.

Run from the repository root with ``python -m tests.benchmarks.risk`` (add
``--big`` for the 100-deal book at 100,000 paths, a few minutes). The README
records the figures.

The floor is the least any simulation of these deals must do: draw one
normal number per path and month of the market and value one row of flows
per path (a matrix product over the deal's dates). Each timing is the best
of a few runs and is shown with its ratio to the floor for the same paths,
and as nanoseconds per path x period, which must stay flat as the paths,
the periods and the deals grow (linear work).

The deals are the shipped ones, each in variants with their discount rate,
market price, market decline and power price redrawn (as in ``bench``), so
a book of ten is ten different deals, not copies of the cheapest.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from computelease import api
from computelease.core import montecarlo
from computelease.core.analysis import Analysis, analyse
from computelease.core.risk import risk_inputs

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "deals").glob("*.yaml"))

#: The inputs a risk variant redraws: the market and the rates a simulation turns on.
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


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def book(folder: Path, size: int) -> list[tuple[str, Analysis]]:
    """``size`` varied deals, cycling through the shipped ones."""
    rng = random.Random(20261203)
    texts = [p.read_text(encoding="utf-8") for p in SHIPPED]
    out = []
    for i in range(size):
        path = folder / f"deal-{i:03d}.yaml"
        path.write_text(variant(texts[i % len(texts)], rng), encoding="utf-8")
        loaded = api.load(path)
        assert not loaded.problems, loaded.problems
        out.append((str(path), analyse(loaded.deals[0].deal, lender=False)))
    return out


def periods(models: list[montecarlo.DealModel]) -> int:
    """Dates a path is valued on, over all the deals: the work per path."""
    return sum(len(m.col_day) for m in models)


def floor(models: list[montecarlo.DealModel], paths: int) -> float:
    """Draw the market's shocks and value one row of flows per path, for every deal."""
    rng = np.random.default_rng(0)
    for m in models:
        flows = rng.standard_normal((paths, len(m.col_day)))
        _ = flows @ m.df
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also the 100-deal book")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, seconds: float, floor_s: float, work: int) -> None:
        rows.append(
            (
                name,
                f"{seconds:.2f} s",
                f"{seconds / floor_s:.1f}x" if floor_s else "",
                f"{seconds / work * 1e9:.0f} ns" if work else "",
            )
        )

    serial = montecarlo.serial

    def pool(workers: int) -> montecarlo.Mapper:
        return api._pool(workers)  # the API's own pool, as `lease risk` uses it

    with tempfile.TemporaryDirectory() as tmp:
        deals = book(Path(tmp), 100 if args.big else 10)
        started = time.perf_counter()
        models = [montecarlo.build_model(p, a, risk_inputs(a.deal)) for p, a in deals]
        build = (time.perf_counter() - started) / len(models)
        rows.append(("exact states of a deal (Decimal core), average", f"{build:.3f} s", "", ""))
        reflection = [m for m in models if m.deal.id == "reflection"][:1]

        def simulate(ms: list[montecarlo.DealModel], paths: int, mapper: montecarlo.Mapper) -> None:
            montecarlo.run(ms, paths=paths, seed=1, mapper=mapper)

        for paths in (10_000, 20_000, 40_000, 100_000):
            f = best(functools.partial(floor, reflection, paths))
            s = best(functools.partial(simulate, reflection, paths, serial))
            row(f"Reflection, {paths:,} paths, one process", s, f, paths * periods(reflection))
        f = best(lambda: floor(reflection, 100_000))
        s = best(lambda: simulate(reflection, 100_000, pool(2)))
        row("Reflection, 100,000 paths, two workers", s, f, 100_000 * periods(reflection))
        s = best(
            lambda: api.risk(ROOT / "deals" / "reflection.yaml", paths=100_000, seed=1, workers=2)
        )
        row("lease risk reflection, 100,000 paths with the tornado (5 runs)", s, f * 5, 0)
        # The same deal over a longer term: periods grow, the time a path x period should not.
        for size in (1, 5, 10):
            ms = models[:size]
            f = best(functools.partial(floor, ms, 10_000))
            s = best(functools.partial(simulate, ms, 10_000, serial))
            row(f"book of {size} deals, 10,000 paths, one process", s, f, 10_000 * periods(ms))
        if args.big:
            f = best(lambda: floor(models, 100_000), repeat=1)
            s = best(lambda: simulate(models, 100_000, pool(2)), repeat=1)
            row(
                "book of 100 deals, 100,000 paths, two workers",
                s,
                f,
                100_000 * periods(models),
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("peak memory: this process / largest worker", f"{peak:.0f} MiB", "", ""))
    rows.append(("", f"{children:.0f} MiB", "", ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'':<{width}}  {'time':>9}  {'/floor':>7}  {'per path x period':>17}")
    for name, value, ratio, per in rows:
        print(f"{name:<{width}}  {value:>9}  {ratio:>7}  {per:>17}")


if __name__ == "__main__":
    main()
