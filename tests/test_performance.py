"""What keeps lease fast, held as behaviour: nothing here times anything.

Speed is measured by ``python -m tests.benchmarks.bench`` and recorded in
README; these tests hold the structure the figures rest on: a folder checked
on several processes gives exactly what one process gives, a figure nobody
reads is never computed, and the command paths scripts run import only what
they need.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from computelease import api, checks, loader
from computelease.core import analysis as core_analysis
from computelease.core import breakeven as core_breakeven
from computelease.core import financing as core_financing
from computelease.core.analysis import Settings, analyse
from computelease.core.metrics import METRICS
from computelease.core.scenario import moves_payments
from computelease.core.schedule import Schedule, build_schedule
from computelease.core.sensitivity import Axis, sensitivity
from computelease.core.valuation import Flow, Irr
from computelease.fields import Kind
from computelease.models import Deal
from tests.conftest import DEALS, ROOT

CORPUS = ROOT / "tests" / "corpus"
LEASE = [sys.executable, "-m", "computelease"]


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shipped deals, valid corpus files and broken ones, more than a pool starts for."""
    folder = tmp_path_factory.mktemp("mixed")
    sources = [
        *sorted(DEALS.glob("*.yaml")),
        *sorted((CORPUS / "valid").glob("*.yaml"))[:12],
        *sorted((CORPUS / "bad").glob("*.yaml"))[:20],
    ]
    for i, path in enumerate(sources):
        shutil.copyfile(path, folder / f"{i:02d}-{path.name}")
    assert len(sources) > api.PARALLEL_FROM
    return folder


def test_a_pool_finds_what_one_process_finds_in_the_same_order(mixed_folder: Path) -> None:
    alone = api.check(mixed_folder, workers=1)
    pooled = api.check(mixed_folder, workers=2)
    assert pooled == alone
    assert {p.code for p in alone.problems if p.severity == "error"}  # the bad files count
    files = [p.file or "" for p in alone.problems]
    assert files == sorted(files)  # grouped by file, in the files' order


def test_a_comparison_and_a_book_on_a_pool_are_the_ones_made_alone(mixed_folder: Path) -> None:
    for call in (api.compare, api.book):
        alone, pooled = call(mixed_folder, workers=1), call(mixed_folder, workers=2)
        assert pooled == alone
        assert alone.value is not None and len(alone.value.sides) >= 8
        assert len({p.file for p in alone.problems}) >= 20  # each broken file is reported


def test_a_comparison_keeps_figures_not_analyses() -> None:
    result = api.book(DEALS)
    assert result.value is not None
    kept = vars(result.value.sides[0].summary)
    assert not [k for k, v in kept.items() if type(v).__module__.startswith("computelease")]


def test_lease_check_workers_change_nothing_but_the_processes(mixed_folder: Path) -> None:
    runs = [
        subprocess.run(
            [*LEASE, "check", str(mixed_folder), "-f", "json", *jobs],
            capture_output=True,
            text=True,
            check=False,
        )
        for jobs in ([], ["--workers", "1"], ["--workers", "2"])
    ]
    assert {r.returncode for r in runs} == {1}
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert runs[0].stdout.count('"code": "E') >= 20  # one or more for each broken file


def test_workers_must_be_a_positive_count() -> None:
    run = subprocess.run(
        [*LEASE, "check", str(DEALS), "--workers", "0"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert "--workers" in run.stderr


def _no_irr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any IRR search fail the test: the paths below must never start one."""

    def refuse(flows: Sequence[Flow]) -> Irr:
        raise AssertionError("an IRR was searched for, and nobody reads it")

    monkeypatch.setattr(core_breakeven, "xirr", refuse)
    monkeypatch.setattr(core_financing, "xirr", refuse)


def test_check_never_searches_for_an_irr(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_irr(monkeypatch)
    for path in sorted(DEALS.glob("*.yaml")):
        assert checks.check(loader.load(path)) == [], path  # the financed deals test a covenant


def test_check_builds_no_schedule_for_a_scenario_of_rates_and_markets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = loader.load(DEALS / "openai-aws.yaml")
    moving = [n for n, s in loaded.deal.scenarios.items() if moves_payments(s)]
    assert "build-slip-6m" in moving and "price-crash" not in moving
    built: list[str] = []

    def counted(deal: Deal, *, with_options: bool = False) -> Schedule:
        built.append(str(deal.start))
        return build_schedule(deal, with_options=with_options)

    monkeypatch.setattr("computelease.checks.build_schedule", counted)
    assert checks.check(loaded) == []
    # The deal's schedules, with and without options if it has any, and one a moving scenario.
    assert len(built) == 1 + loaded.deal.has_options + len(moving)


def test_an_npv_grid_never_searches_for_an_irr(monkeypatch: pytest.MonkeyPatch) -> None:
    base = analyse(loader.load(DEALS / "microsoft-iren.yaml").deal)
    _no_irr(monkeypatch)
    rates = Axis("discount_rate", Kind.RATE, (Decimal("0.06"), Decimal("0.09")))
    grid = sensitivity(base, METRICS["npv_lessor"], rates)
    assert all(cell.value is not None for line in grid.cells for cell in line)


def test_a_grid_of_present_values_never_works_out_the_lessor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = analyse(loader.load(DEALS / "reflection.yaml").deal)

    def refuse(*args: object) -> None:
        raise AssertionError("a block nobody reads was worked out")

    monkeypatch.setattr(core_breakeven, "_lessor", refuse)
    monkeypatch.setattr(core_analysis, "commitment", refuse)
    monkeypatch.setattr(core_analysis, "credit", refuse)
    rates = Axis("discount_rate", Kind.RATE, (Decimal("0.06"), Decimal("0.09")))
    grid = sensitivity(base, METRICS["present_value"], rates)
    assert [line[0].value for line in grid.cells] == [
        analyse(base.deal, Settings(rate=rate)).present_value for rate in rates.values
    ]


def test_a_block_is_computed_once_and_only_when_read() -> None:
    deal = loader.load(DEALS / "microsoft-iren.yaml").deal
    figures = analyse(deal).breakeven
    assert "lessor" not in vars(figures) and "loan" not in vars(figures)
    loan = figures.loan
    assert loan is not None
    assert "lessor" in vars(figures)  # the loan is drawn against the lessor's flows
    assert figures.loan is loan
    assert "equity_irr" not in vars(loan)
    assert loan.equity_irr.rate is not None and "equity_irr" in vars(loan)


#: What a script's commands load, module by module. A module new to one of these lists is a
#: start-up cost every run of that command pays: add it here only after measuring it with
#: ``python -m tests.benchmarks.bench`` (README, Performance), or import it where it is used.
LOADED_BY_BOTH = {
    "computelease",
    "computelease.__main__",
    "computelease.api",
    "computelease.checks",
    "computelease.cli",
    "computelease.core",
    "computelease.core.analysis",
    "computelease.core.breakeven",
    "computelease.core.capacity",
    "computelease.core.commitment",
    "computelease.core.costs",
    "computelease.core.credit",
    "computelease.core.financing",
    "computelease.core.gates",
    "computelease.core.market",
    "computelease.core.reported",
    "computelease.core.reports",
    "computelease.core.risk",
    "computelease.core.scenario",
    "computelease.core.schedule",
    "computelease.core.totals",
    "computelease.core.units",
    "computelease.core.valuation",
    "computelease.dates",
    "computelease.errors",
    "computelease.fields",
    "computelease.loader",
    "computelease.locations",
    "computelease.models",
    "computelease.money",
    "computelease.output",
    "computelease.paths",
    "computelease.render",
    "computelease.render.options",
    "computelease.render.safe",
    "computelease.results",
    "computelease.source",
    "computelease.validation",
    "computelease.yamltree",
}
CALC_JSON_MODULES = LOADED_BY_BOTH | {
    "computelease.arguments",
    "computelease.render.document",
    "computelease.render.json",
}
CHECK_MODULES = LOADED_BY_BOTH | {
    "computelease.config",
    "computelease.render.text",
}
#: Libraries none of these paths needs: rich lays out tables (JSON and a clean check on a
#: pipe have none), the rest serve other commands.
HEAVY = ("rich", "numpy", "matplotlib", "xlsxwriter", "jsonschema", "concurrent")

_LOADED = """
import atexit, sys
atexit.register(lambda: print(" ".join(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["lease", *sys.argv[1:]]
from computelease.__main__ import main
main()
"""


def _loaded(*args: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", _LOADED, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert run.returncode == 0, run.stderr
    return set(run.stderr.split("\n")[-2].split())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("calc", "deals/reflection.yaml", "--format", "json"), CALC_JSON_MODULES),
        (("check", "deals"), CHECK_MODULES),
    ],
    ids=["calc-json", "check"],
)
def test_what_a_scripted_command_imports(args: tuple[str, ...], expected: set[str]) -> None:
    loaded = _loaded(*args)
    ours = sorted(m for m in loaded if m.split(".")[0] == "computelease")
    assert ours == sorted(expected)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == []
