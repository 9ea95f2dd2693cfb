"""`lease diff`: the terms two versions of a deal differ in, and what the change does."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from computelease import api
from tests.conftest import DEALS

REFLECTION = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
# The renegotiation: $10M a month off the fee, for twice the notice.
RENEGOTIATED = REFLECTION.replace("amount: $150M  ", "amount: $140M  ").replace(
    "notice_days: 90 ", "notice_days: 180"
)


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old" / "reflection.yaml", tmp_path / "new" / "reflection.yaml"
    for path, text in ((old, REFLECTION), (new, RENEGOTIATED)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    return old, new


def test_the_terms_that_differ_and_the_figures_before_and_after(
    versions: tuple[Path, Path],
) -> None:
    assert RENEGOTIATED != REFLECTION
    result = api.diff(*versions)
    assert result.problems == ()
    d = result.value
    assert d is not None and not d.equal
    assert [(t.path, t.old, t.new) for t in d.terms] == [
        ("payments[0].amount", "$150,000,000.00", "$140,000,000.00"),
        ("termination.notice_days", "90", "180"),
    ]
    figures = {r.metric.name: (r.base[0], r.scenario[0], r.difference) for r in d.rows}
    assert figures["total"] == (
        Decimal("6300000000.00"),
        Decimal("5880000000.00"),
        Decimal("-420000000.00"),
    )
    # 180 days' notice from 2026-10-01 keeps the fee to 2027-03-29: more is committed.
    assert figures["committed_value"] == (
        Decimal("890322580.65"),
        Decimal("1250967741.94"),
        Decimal("360645161.29"),
    )
    assert figures["payback_months"] == (Decimal("34.00"), Decimal("37.00"), Decimal("3.00"))


def test_markdown_is_a_pull_request_comment(
    lease: Any, golden: Any, versions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(versions[0].parent.parent)
    run = lease("diff", "old/reflection.yaml", "new/reflection.yaml", "--format", "markdown")
    assert run.exit_code == 1  # as diff: they differ
    assert run.stderr == ""
    golden("reflection.diff.md", run.stdout)
    assert "| payments\\[0\\].amount | $150,000,000.00 | $140,000,000.00 |" in run.stdout
    assert "| Committed value | $890.3M | $1.25B | +$360.6M | +40.5% |" in run.stdout
    assert "| Lessor IRR | 23.01% | 18.55% | -4.47 pts |  |" in run.stdout


def test_json_and_csv_carry_exact_values(lease: Any, versions: tuple[Path, Path]) -> None:
    doc = json.loads(lease("diff", *versions, "-f", "json").stdout)
    assert doc["equal"] is False
    assert doc["terms"][0] == {
        "path": "payments[0].amount",
        "old": "150000000.00",
        "new": "140000000.00",
    }
    total = next(m for m in doc["metrics"] if m["name"] == "total")
    assert (total["old"], total["new"], total["difference"], total["change_percent"]) == (
        "6300000000.00",
        "5880000000.00",
        "-420000000.00",
        "-6.67",
    )
    rows = lease("diff", *versions, "-f", "csv").stdout.splitlines()
    assert rows[:3] == [
        "kind,name,old,new,difference,change_percent",
        "term,payments[0].amount,150000000.00,140000000.00,,",
        "term,termination.notice_days,90,180,,",
    ]


def test_the_same_deal_written_differently_is_no_change(lease: Any, tmp_path: Path) -> None:
    old = tmp_path / "a.yaml"
    new = tmp_path / "b.yaml"
    old.write_text(REFLECTION, encoding="utf-8")
    rewritten = REFLECTION.replace("amount: $150M ", "amount: 150_000_000 ").replace(
        "# SpaceX leases", "# Reworded: SpaceX leases"
    )
    assert rewritten != REFLECTION
    new.write_text(rewritten, encoding="utf-8")
    run = lease("diff", old, new)
    assert run.exit_code == 0
    assert "No term differs" in run.stdout


def test_a_term_added_or_removed_reads_none(tmp_path: Path) -> None:
    old, new = tmp_path / "a.yaml", tmp_path / "b.yaml"
    base = "name: x\nlessor: a\nlessee: b\nstart: 2026-07-01\nmonths: 12\n"
    old.write_text(base + "payments:\n  - amount: 1M\n", encoding="utf-8")
    new.write_text(base + "cap: 10M\npayments:\n  - amount: 1M\n", encoding="utf-8")
    d = api.diff(old, new).value
    assert d is not None
    assert [(t.path, t.old, t.new) for t in d.terms] == [("cap", None, "$10,000,000.00")]
    d = api.diff(new, old).value
    assert d is not None
    assert [(t.path, t.old, t.new) for t in d.terms] == [("cap", "$10,000,000.00", None)]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_against_a_git_ref_compares_the_file_with_its_committed_version(
    lease: Any, tmp_path: Path
) -> None:
    deal = tmp_path / "deals" / "reflection.yaml"
    deal.parent.mkdir()
    deal.write_text(REFLECTION, encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "signed")
    assert lease("diff", deal, "--against", "main").exit_code == 0
    deal.write_text(RENEGOTIATED, encoding="utf-8")
    run = lease("diff", deal, "--against", "main", "-f", "json")
    assert run.exit_code == 1
    doc = json.loads(run.stdout)
    assert doc["old"]["file"] == f"main:{deal}"
    assert [t["path"] for t in doc["terms"]] == ["payments[0].amount", "termination.notice_days"]
    run = lease("diff", deal, "--against", "v9")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == f"{deal}: error[E508]: no commit 'v9' in the repository of {deal}\n"
    fresh = tmp_path / "deals" / "new.yaml"
    fresh.write_text(REFLECTION, encoding="utf-8")
    run = lease("diff", fresh, "--against", "main")
    assert run.exit_code == 2
    assert "main does not hold" in run.stderr


def test_against_outside_a_repository_says_so(lease: Any, tmp_path: Path) -> None:
    deal = tmp_path / "x.yaml"
    deal.write_text(REFLECTION, encoding="utf-8")
    run = lease("diff", deal, "--against", "main")
    assert run.exit_code == 2
    assert run.stderr == (
        f"{deal}: error[E508]: {deal} is not in a git repository, so it has no version at main\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("a.yaml",),  # one file, no --against
        ("a.yaml", "b.yaml", "--against", "main"),  # both
    ],
)
def test_one_file_without_against_or_two_with_it_is_usage(lease: Any, args: tuple[str]) -> None:
    run = lease("diff", *args)
    assert run.exit_code == 2
    assert "give two deal files, or one and a git ref to compare it with" in run.stderr


def test_a_ref_that_looks_like_an_option_is_refused_before_git_sees_it(
    lease: Any, tmp_path: Path
) -> None:
    deal = tmp_path / "x.yaml"
    deal.write_text(REFLECTION, encoding="utf-8")
    run = lease("diff", deal, "--against=--output=/tmp/x")
    assert run.exit_code == 2
    assert "is not a git ref" in run.stderr
