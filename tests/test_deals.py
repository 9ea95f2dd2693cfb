"""Acceptance: every deal file shipped under deals/ loads and passes ``lease check``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from computelease import checks, loader
from tests.conftest import DEALS, Run

DEAL_FILES = sorted(DEALS.glob("*.yaml"))


def test_there_are_deals() -> None:
    assert DEALS / "reflection.yaml" in DEAL_FILES


@pytest.mark.parametrize("path", DEAL_FILES, ids=lambda p: p.name)
def test_deal_passes_check(path: Path) -> None:
    loaded = loader.load(path)
    assert loaded.deal.id == path.stem
    assert checks.check(loaded) == []


def test_lease_check_deals_folder(lease: Callable[..., Run]) -> None:
    run = lease("check", "--strict", DEALS)
    assert run.exit_code == 0, run.stdout
    assert run.stdout.endswith(
        f"{len(DEAL_FILES)} files checked, 0 errors, 0 warnings\n".replace("1 files", "1 file")
    )


def test_every_diagnostic_code_is_documented() -> None:
    from computelease.errors import all_codes

    reference = (DEALS / "README.md").read_text(encoding="utf-8")
    missing = [c.id for c in all_codes() if f"| {c.id} |" not in reference]
    assert missing == []
    ids = [c.id for c in all_codes()]
    assert len(ids) == len(set(ids))
