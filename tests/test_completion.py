"""Shell completion: deal files, metrics, formats and ``--by`` complete to their choices.

Completion is driven as a shell drives it: the program runs with
``_LEASE_COMPLETE=complete_bash`` and the words typed so far, and prints one
candidate a line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def complete(words: str, cwd: Path = ROOT) -> list[str]:
    env = {
        **os.environ,
        "_LEASE_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    code = "import sys; from computelease.__main__ import main; sys.argv[0] = 'lease'; main()"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )
    return out.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "lease sensitivity deals/reflection.yaml --metric npv_l",
            ["npv_lessor", "npv_lessor_walkaway"],
        ),
        ("lease risk deals/ --format m", ["markdown"]),
        ("lease risk deals/ --by l", ["lessor"]),
        ("lease compare deals/ --by ", ["year"]),
        ("lease schedule deals/reflection.yaml --by q", ["quarter"]),
        ("lease check --format s", ["sarif"]),
        ("lease calc deals/refl", ["deals/reflection.yaml"]),
        ("lease c", ["check", "calc", "compare", "chart"]),
    ],
)
def test_completion_offers_the_choices(words: str, expected: list[str]) -> None:
    assert complete(words) == expected


def test_paths_complete_to_deal_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    (tmp_path / "deals" / "a.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "deals" / "b.yml").write_text("x", encoding="utf-8")
    (tmp_path / "deals" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "deals" / "old").mkdir()
    assert complete("lease calc deals/", tmp_path) == ["deals/a.yaml", "deals/b.yml", "deals/old/"]
    assert complete("lease calc d", tmp_path) == ["deals/"]
    assert complete("lease calc missing/", tmp_path) == []


def test_show_completion_prints_a_script_for_the_shell() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "computelease", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0
    assert "_LEASE_COMPLETE=complete_bash" in out.stdout
    assert "complete -o default -F _lease_completion lease" in out.stdout
