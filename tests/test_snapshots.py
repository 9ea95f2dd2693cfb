"""`--svg` and `--html`: the table as the terminal shows it, saved as a picture or a page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")


@pytest.mark.parametrize(
    "args",
    [
        ("calc", REFLECTION),
        ("schedule", REFLECTION),
        ("breakeven", REFLECTION),
        ("scenario", REFLECTION, "--delay", "3m"),
        ("compare", str(DEALS)),
        ("diff", REFLECTION, REFLECTION),
    ],
    ids=lambda a: a[0],
)
def test_every_table_command_saves_its_table(lease: Any, tmp_path: Path, args: tuple[str]) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    run = lease(
        *args, "--format", "json" if args[0] != "diff" else "csv", "--svg", svg, "--html", html
    )
    assert run.exit_code == 0
    assert not run.stdout.startswith("SpaceX")  # stdout keeps the format asked for
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # Self-contained: nothing fetched from anywhere.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    again = tmp_path / "again.svg"
    lease(*args, "--svg", again)
    assert again.read_bytes() == svg.read_bytes()  # the same input, the same picture


def test_the_page_holds_the_figures_and_the_picture_draws_them(lease: Any, tmp_path: Path) -> None:
    svg, html = tmp_path / "calc.svg", tmp_path / "calc.html"
    lease("calc", REFLECTION, "--svg", svg, "--html", html)
    page = html.read_text(encoding="utf-8")
    assert "Lessor NPV" in page and "$1.06B" in page and "23.01%" in page
    assert "Lessor&#160;NPV" in svg.read_text(encoding="utf-8")  # rich keeps each space


def test_a_snapshot_never_writes_over_the_deal(lease: Any, tmp_path: Path) -> None:
    deal = tmp_path / "deal.yaml"
    deal.write_text((DEALS / "reflection.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    run = lease("calc", deal, "--html", deal)
    assert run.exit_code == 2
    assert f"--html: refusing to overwrite the deal file {deal}" in run.stderr
    assert deal.read_text(encoding="utf-8").startswith("# yaml-language-server")
