"""``lease risk``: the Monte Carlo checked against the exact figures and the closed forms.

- With every risk off, each path is the deal as ``lease calc`` computes it
  (to 1e-9 relative) for every shipped deal.
- A fixed slip is ``lease scenario --delay``.
- A default hazard alone gives, on average, the credit view's expected
  receipts and expected present value (within three standard errors).
- The same seed gives byte-identical output however many workers run it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelease import api
from computelease.core import montecarlo
from computelease.core.analysis import Analysis, analyse
from computelease.core.risk import Switches, risk_inputs
from tests.conftest import DEALS, MINIMAL, ROOT, Run

SHIPPED = sorted(DEALS.glob("*.yaml"))
REFLECTION = "deals/reflection.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _reflection_with(block: str) -> str:
    """The Reflection file with its own risk block replaced by ``block``."""
    text = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
    start = text.index("\nrisk:\n")
    end = text.index("\nscenarios:\n")
    return text[:start] + "\n" + text[end:] + block


def _analysis(path: str | Path) -> Analysis:
    loaded = api.load(path)
    assert not loaded.problems, loaded.problems
    return analyse(loaded.deals[0].deal, lender=False)


def _paths(
    a: Analysis, switches: Switches, paths: int = 400, seed: int = 7
) -> montecarlo.PathResults:
    model = montecarlo.build_model("deal", a, risk_inputs(a.deal))
    return montecarlo.run([model], paths=paths, seed=seed, switches=switches)[0]


def _close(values: np.ndarray, exact: Decimal | None, rel: float = 1e-9) -> None:
    assert exact is not None
    target = float(exact)
    assert np.all(np.abs(values - target) <= rel * max(abs(target), 1.0)), (values[:3], exact)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_with_every_risk_off_each_path_is_the_deal_as_written(path: Path) -> None:
    a = _analysis(path)
    res = _paths(a, Switches.none(), paths=50)
    _close(res.revenue, a.total)
    _close(res.tenant_cost, a.total)
    _close(res.pv, a.present_value)
    lessor = a.breakeven.lessor
    assert lessor is not None
    _close(res.npv, lessor.npv)
    _close(res.irr, lessor.irr.rate)
    if lessor.payback_months is None:
        assert np.all(np.isnan(res.payback))
    else:
        _close(res.payback, lessor.payback_months)
    loan = a.breakeven.loan
    if loan is not None:
        _close(res.irr_equity, loan.equity_irr.rate)
        _close(res.lender_loss + float(loan.lender_loss), loan.lender_loss * 2)
        if loan.min_dscr is not None:
            # The core shows DSCR to four places; the paths keep every digit.
            _close(res.min_dscr, loan.min_dscr, rel=1e-4)
        assert not res.breach.any() or loan.breaches
    assert not res.walked.any() and not res.defaulted.any()


def test_a_fixed_slip_is_the_delay_scenario(write: Callable[..., Path]) -> None:
    text = _reflection_with(
        "risk:\n  delivery:\n    probability: 100%\n    low_months: 3\n"
        "    mode_months: 3\n    high_months: 3\n"
    )
    a = _analysis(write(text))
    res = _paths(a, Switches.only("delivery"), paths=100)
    compared = api.scenario(REFLECTION, {"delay": "3m"})
    assert compared.value is not None and not compared.problems
    rows = {row.metric.name: row.scenario[0] for row in compared.value.rows}
    _close(res.npv, rows["npv_lessor"])
    _close(res.irr, rows["irr_lessor"])
    _close(res.revenue, rows["total"])
    _close(res.pv, rows["present_value"])
    _close(res.irr_equity, rows["irr_equity"])
    assert rows["total"] == Decimal("5850000000.00")


TENANT_ONLY = (
    MINIMAL.replace("months: 12", "months: 48")
    + "assumptions:\n  discount_rate: 8%\n"
    + "  credit:\n    default_probability: 10%\n    recovery: 40%\n"
)


def test_a_default_hazard_alone_averages_to_the_credit_view(write: Callable[..., Path]) -> None:
    """With nothing to re-let, the paths' mean is the credit view's closed form."""
    a = _analysis(write(TENANT_ONLY))
    credit = a.credit
    assert credit is not None and credit.expected_present_value is not None
    res = _paths(a, Switches.only("counterparty"), paths=20_000, seed=3)
    assert 0.25 < res.defaulted.mean() < 0.40  # 10% a year over four years: 34%
    for values, exact in (
        (res.pv, credit.expected_present_value),
        (res.revenue, credit.expected_total),
    ):
        assert exact is not None
        stderr = values.std(ddof=1) / math.sqrt(len(values))
        assert abs(values.mean() - float(exact)) <= 3 * stderr, (values.mean(), exact, stderr)


def test_a_defaulted_tenant_owes_what_the_re_let_does_not_earn(write: Callable[..., Path]) -> None:
    """The claim is cut by the re-let's earnings (the duty to mitigate), never below zero."""
    text = _reflection_with("risk:\n  counterparty:\n    rational_walk: false\n")
    a = _analysis(write(text))
    credit = a.credit
    assert credit is not None and credit.expected_total is not None
    res = _paths(a, Switches.only("counterparty"), paths=5_000, seed=3)
    defaulted = res.defaulted.astype(bool)
    assert defaulted.any()
    # Recovered less than the closed form's 25% of every missed payment...
    assert res.revenue.mean() < float(credit.expected_total)
    # ...but never less than the payments made before the default.
    assert np.all(res.revenue[defaulted] > 0)


def test_the_rational_walkaway_follows_the_market() -> None:
    """Under the curve alone (no volatility) the tenant walks when the curve says it would."""
    a = _analysis(REFLECTION)
    res = _paths(a, Switches.only("counterparty"), paths=2_000)
    # The curve falls 20% a year from $4.25: 15% below the $4.56 lease price by 2027.
    walked = res.walked.astype(bool)
    assert walked.mean() > 0.9
    # Every path that walks ends in the same year, and gets less than the headline.
    assert set(res.end_year[walked]) == {2027.0}
    assert np.all(res.revenue[walked] < 6.3e9)


def test_a_loss_probability_is_what_the_npv_paths_say() -> None:
    result = api.risk(REFLECTION, paths=2_000, seed=1, tornado=False)
    assert result.value is not None and not result.problems
    deal = result.value.deals[0]
    probabilities = {key: p for key, _, p, _ in deal.probabilities}
    npv = next(s for s in deal.statistics if s.key == "npv")
    assert npv.paths == 2_000
    qs = dict(npv.percentiles)
    assert qs[5] <= qs[25] <= qs[50] <= qs[75] <= qs[95]
    assert npv.shortfall_5 is not None and npv.shortfall_5 <= qs[5]
    # The median is below zero exactly when more than half the paths lose.
    assert (qs[50] < 0) == (probabilities["loss"] > 0.5)
    assert sum(count for _, _, count in deal.histogram) == 2_000


def test_the_same_seed_gives_the_same_bytes_whatever_the_workers(
    lease: Callable[..., Run],
) -> None:
    args = ("risk", REFLECTION, "--paths", "25000", "--seed", "11", "-f", "json")
    one = lease(*args, "--workers", "1")
    two = lease(*args, "--workers", "2")
    assert (one.exit_code, one.stderr) == (0, "")
    assert one.stdout == two.stdout
    other = lease("risk", REFLECTION, "--paths", "25000", "--seed", "12", "-f", "json")
    assert other.stdout != one.stdout


def test_json_gives_every_statistic(lease: Callable[..., Run]) -> None:
    run = lease("risk", REFLECTION, "--paths", "1000", "--seed", "1", "-f", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["simulation"] == {"paths": 1000, "seed": 1, "arithmetic": "float64"}
    deal = doc["deals"][0]
    assert deal["id"] == "reflection"
    assert set(deal["statistics"]) == {
        "npv",
        "irr",
        "irr_equity",
        "payback",
        "revenue",
        "pv",
        "tenant_cost",
        "min_dscr",
        "lender_loss",
    }
    npv = deal["statistics"]["npv"]
    assert set(npv) >= {"mean", "stderr", "p5", "p25", "p50", "p75", "p95"}
    assert npv["deterministic"] == "1063919734.54"
    assert set(deal["probabilities"]) == {
        "loss",
        "no_payback",
        "dscr_breach",
        "lender_loss",
        "walks",
        "defaults",
    }
    assert deal["tornado"][0]["risk"] in {"pricing", "counterparty"}
    assert "pricing.volatility" not in deal["inputs"]["defaults"]


def test_the_book_shares_one_market(lease: Callable[..., Run]) -> None:
    run = lease("risk", "deals/", "--by", "lessor", "--paths", "1000", "-f", "json")
    assert run.exit_code == 0, run.stderr
    books = {b["lessor"]: b for b in json.loads(run.stdout)["books"]}
    spacex = books["SpaceX (SpaceXAI, formerly xAI)"]
    assert len(spacex["deals"]) == 3
    assert 0 <= spacex["several_leave_in_one_year"] <= spacex["any_tenant_leaves"] <= 1
    years = [y["year"] for y in spacex["by_year"]]
    assert years == sorted(years)
    assert all(y["p5"] <= y["p50"] <= y["p95"] for y in spacex["by_year"])


def test_the_table_says_what_was_simulated(lease: Callable[..., Run]) -> None:
    run = lease("risk", REFLECTION, "--paths", "1000", env={"COLUMNS": "160"})
    assert run.exit_code == 0, run.stderr
    for text in ("Monte Carlo: 1,000 paths, seed 0", "Tornado", "P(a loss", "float64"):
        assert text in run.stdout


def test_a_deal_without_a_risk_block_says_which_inputs_are_defaults(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    deal = write(
        MINIMAL + "assumptions:\n  discount_rate: 8%\n  lessor:\n    capex: 9000\n"
        "termination:\n  notice_days: 30\n"
    )
    run = lease("risk", deal, "--paths", "500", "-f", "json")
    assert run.exit_code == 0, run.stderr
    inputs = json.loads(run.stdout)["deals"][0]["inputs"]
    assert "pricing.volatility" in inputs["defaults"]
    assert inputs["counterparty"]["default_probability"] == "0.01"


@pytest.mark.parametrize(
    ("block", "line", "code"),
    [
        ("risk:\n  delivery:\n    low_months: 4\n    high_months: 2\n", 11, "E211"),
        ("risk:\n  pricing:\n    volatility: 300%\n", 10, "E211"),
        ("risk:\n  operations:\n    outages: 3\n", 10, "E202"),
        ("risk:\n  counterparty:\n    rational_walk: false\n    walk_margin: 10%\n", 11, "E305"),
    ],
)
def test_a_bad_risk_block_is_reported_at_its_line(
    lease: Callable[..., Run], write: Callable[..., Path], block: str, line: int, code: str
) -> None:
    run = lease("check", write(MINIMAL + block))
    assert run.exit_code == 1
    assert f"deal.yaml:{line}:" in run.stdout and code in run.stdout, run.stdout


def test_a_deal_without_a_rate_cannot_be_simulated(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    run = lease("risk", write(MINIMAL))
    assert run.exit_code == 2
    assert "E502" in run.stderr and "discount rate" in run.stderr


@pytest.mark.parametrize(
    ("args", "message"), [(("--paths", "0"), "--paths"), (("--by", "year"), "lessor")]
)
def test_bad_options_are_usage_errors(
    lease: Callable[..., Run], args: tuple[str, ...], message: str
) -> None:
    run = lease("risk", REFLECTION, *args)
    assert run.exit_code == 2
    assert message in run.stderr


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    slip=st.sampled_from(["0%", "50%", "100%"]),
    volatility=st.sampled_from(["0%", "30%", "90%"]),
    default=st.sampled_from(["0%", "10%", "40%"]),
    outages=st.sampled_from(["0", "12", "200"]),
)
def test_no_path_receives_more_than_the_contract(
    tmp_path_factory: pytest.TempPathFactory,
    seed: int,
    slip: str,
    volatility: str,
    default: str,
    outages: str,
) -> None:
    """Whatever happens, what the lessor receives is between nothing and the contract's total."""
    text = _reflection_with(
        f"sla:\n  uptime: 99.5%\n  credit: 5%\n"
        f"risk:\n  delivery:\n    probability: {slip}\n"
        f"  counterparty:\n    default_probability: {default}\n"
        f"  pricing:\n    volatility: {volatility}\n"
        f"  operations:\n    outages_per_year: {outages}\n"
    )
    path = tmp_path_factory.mktemp("risk") / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    a = _analysis(path)
    res = _paths(a, Switches(), paths=300, seed=seed)
    assert np.all(res.revenue >= 0)
    assert np.all(res.revenue <= 6.3e9 + 0.01)
    assert np.all(res.pv <= float(a.present_value or 0) + 0.01)
    assert np.all(np.isfinite(res.npv))
    ok = res.irr[np.isfinite(res.irr)]
    assert np.all((ok > -1) & (ok < 10))


def test_statistics_of_known_values() -> None:
    values = np.arange(1.0, 101.0)
    s = montecarlo.statistic("x", "X", "money", values, Decimal(50))
    assert s.paths == 100
    assert s.mean == pytest.approx(50.5)
    assert dict(s.percentiles)[50] == pytest.approx(50.5)
    assert dict(s.percentiles)[5] == pytest.approx(5.95)
    # The worst 5%: the five lowest, 1 to 5.
    assert s.shortfall_5 == pytest.approx(3.0)
    assert s.stderr == pytest.approx(values.std(ddof=1) / 10)
    high = montecarlo.statistic("x", "X", "money", values, None, worst="high")
    assert high.shortfall_5 == pytest.approx(98.0)


def test_the_vectorised_irr_matches_a_known_rate() -> None:
    years = np.array([0.0, 1.0, 2.0])
    flows = np.array([[-100.0, 60.0, 60.0], [-100.0, 0.0, 121.0], [-100.0, -1.0, 0.0]])
    rates = montecarlo.irr(flows, years)
    assert rates[0] == pytest.approx(0.130662386, rel=1e-8)
    assert rates[1] == pytest.approx(0.1, rel=1e-10)
    assert math.isnan(rates[2])


@pytest.mark.parametrize("marker", ["risk", "risk-probabilities", "tornado"])
def test_readme_risk_excerpts_are_real_output(lease: Callable[..., Run], marker: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"<!-- {marker}-excerpt:begin -->\n```\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    # The statistics read across one line on a page of 150 columns, as README shows them.
    run = lease("risk", REFLECTION, "--seed", "1", env={"COLUMNS": "150"})
    out = [line.rstrip() for line in run.stdout.splitlines()]
    start = out.index(lines[0])
    assert out[start : start + len(lines)] == lines


def test_risk_table_golden(lease: Callable[..., Run], golden: Callable[[str, str], None]) -> None:
    """The whole report at a fixed width and seed (refresh: pytest --update-goldens)."""
    run = lease("risk", REFLECTION, "--seed", "1", "--paths", "2000", env={"COLUMNS": "100"})
    assert (run.exit_code, run.stderr) == (0, "")
    golden("reflection.risk.txt", run.stdout)


def test_only_the_simulation_imports_numpy() -> None:
    """numpy is heavy to start: the API, the renderers and the other commands never load it."""
    import subprocess
    import sys

    code = (
        "import sys; import computelease.api, computelease.cli, computelease.render.table, "
        "computelease.render.json, computelease.core.risk; from computelease import risk; "
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_late_delivery_lets_the_tenant_walk_when_the_contract_says_so(
    write: Callable[..., Path],
) -> None:
    """Past the deadline and its grace, with ``shortfall: terminate``, a dear lease is left."""
    deal = (
        MINIMAL
        + "capacity:\n  gpus: 10\n"
        + "assumptions:\n  discount_rate: 8%\n  market_gpu_hour: $5\n  market_decline: 50%\n"
        + "  lessor:\n    capex: 5000\n"
        + "delivery:\n  deadline: 2026-01-31\n  shortfall: terminate\n"
        + "risk:\n  delivery:\n    probability: 100%\n    low_months: 2\n"
        + "    mode_months: 2\n    high_months: 2\n"
    )
    # $1,000 a month for 10 GPUs is about $0.14 a GPU-hour: far below the market, kept.
    kept = _paths(_analysis(write(deal)), Switches(), paths=200)
    assert not kept.walked.any()
    dear = deal.replace("  - amount: 1000\n", "  - amount: 100000\n")
    # $100,000 a month is about $13.70 a GPU-hour against a $5 market: left at delivery.
    left = _paths(_analysis(write(dear, "dear.yaml")), Switches(), paths=200)
    assert left.walked.all()
    assert np.all(left.revenue == 0)
    # Two months late is inside a one-month grace only when the grace covers it.
    graced = dear.replace("shortfall: terminate", "grace_days: 62\n  shortfall: terminate")
    stays = _paths(_analysis(write(graced, "graced.yaml")), Switches(), paths=200)
    assert not stays.walked.any()


EDGES = {
    "no market": ("  market_gpu_hour: $4.25\n", ""),
    "a fixed residual": ("  lessor:\n", "  lessor:\n    residual: $500M\n"),
    "quarterly in arrears": (
        "    every: month\n    timing: advance",
        "    every: quarter\n    timing: arrears",
    ),
    "a right given late": ("  not_before: 2026-10-01", "  not_before: 2029-09-01"),
}


@pytest.mark.parametrize("edge", list(EDGES))
def test_edge_deals_are_the_deal_as_written_with_every_risk_off(
    write: Callable[..., Path], edge: str
) -> None:
    old, new = EDGES[edge]
    text = _reflection_with("")
    assert old in text
    text = text.replace(old, new, 1)
    if edge == "quarterly in arrears":
        text = text.replace("amount: $150M ", "amount: $450M ").replace("  monthly: $150M\n", "")
    a = _analysis(write(text))
    res = _paths(a, Switches.none(), paths=20)
    lessor = a.breakeven.lessor
    assert lessor is not None
    _close(res.npv, lessor.npv)
    _close(res.revenue, a.total)
    # And every risk on runs, with no path lost.
    full = _paths(a, Switches(), paths=500)
    assert np.all(np.isfinite(full.npv))


def test_without_a_market_no_tenant_walks_for_the_price(write: Callable[..., Path]) -> None:
    text = _reflection_with("").replace("  market_gpu_hour: $4.25\n", "")
    res = _paths(_analysis(write(text)), Switches.only("counterparty"), paths=1_000)
    assert not res.walked.any()


def test_a_slip_that_takes_the_right_away_does_not_crash(
    lease: Callable[..., Run], write: Callable[..., Path]
) -> None:
    text = _reflection_with(
        "risk:\n  delivery:\n    probability: 100%\n    low_months: 6\n"
        "    mode_months: 6\n    high_months: 6\n"
    ).replace("  not_before: 2026-10-01", "  not_before: 2029-08-01")
    run = lease("risk", write(text), "--paths", "200")
    assert run.exit_code == 0, run.stderr


def test_notice_is_never_given_before_the_valuation_date() -> None:
    result = api.risk(REFLECTION, api.Settings(as_of=date(2027, 6, 1)), paths=2_000, tornado=False)
    assert result.value is not None and not result.problems
    deal = result.value.deals[0]
    revenue = next(s for s in deal.statistics if s.key == "revenue")
    # Everything paid up to June 2027 (twelve months) is in every path: notice comes later.
    assert dict(revenue.percentiles)[5] >= 12 * 150_000_000


def test_a_missed_payment_breaches_the_covenant(write: Callable[..., Path]) -> None:
    """A default with nothing recovered leaves a serviced period short: the DSCR falls."""
    text = _reflection_with(
        "risk:\n  counterparty:\n    rational_walk: false\n    default_probability: 50%\n"
        "    recovery: 0%\n"
    ).replace("    timing: advance", "    timing: arrears")
    res = _paths(_analysis(write(text)), Switches.only("counterparty"), paths=2_000)
    assert res.defaulted.mean() > 0.5
    assert res.breach.mean() > 0.3
    assert np.nanmin(res.min_dscr) < 1.0


def test_a_deal_sees_the_same_market_alone_and_in_a_book() -> None:
    alone = api.risk(REFLECTION, paths=3_000, seed=5, tornado=False)
    book = api.risk("deals/", paths=3_000, seed=5, tornado=False)
    assert alone.value is not None and book.value is not None
    one = next(d for d in alone.value.deals if d.source == REFLECTION)
    same = next(d for d in book.value.deals if d.source == REFLECTION)
    # The same draws; only the rounding of the market's running sum differs (from another month).
    assert one.probabilities == same.probabilities
    for a, b in zip(one.statistics, same.statistics, strict=True):
        assert a.key == b.key and a.paths == b.paths
        assert a.mean == pytest.approx(b.mean, rel=1e-9)
        for (p, x), (q, y) in zip(a.percentiles, b.percentiles, strict=True):
            assert p == q and x == pytest.approx(y, rel=1e-9, abs=1e-6)


def test_a_late_delivery_walk_needs_the_rational_rule(write: Callable[..., Path]) -> None:
    deal = (
        MINIMAL.replace("  - amount: 1000\n", "  - amount: 100000\n")
        + "capacity:\n  gpus: 10\n"
        + "assumptions:\n  discount_rate: 8%\n  market_gpu_hour: $5\n"
        + "  lessor:\n    capex: 5000\n"
        + "delivery:\n  deadline: 2026-01-31\n  shortfall: terminate\n"
        + "risk:\n  delivery:\n    probability: 100%\n    low_months: 2\n"
        + "    mode_months: 2\n    high_months: 2\n"
        + "  counterparty:\n    rational_walk: false\n"
    )
    res = _paths(_analysis(write(deal)), Switches(), paths=200)
    assert not res.walked.any()
