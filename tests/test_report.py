"""`lease report`: one self-contained HTML page, opened in a real (headless) browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEALS

REFLECTION = str(DEALS / "reflection.yaml")


def _page(lease: Any, tmp_path: Path, deal: str = REFLECTION) -> tuple[str, Path]:
    target = tmp_path / "report.html"
    run = lease("report", deal, "--output", target)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")
    return target.read_text(encoding="utf-8"), target


def test_the_page_holds_the_figures_and_the_charts_inline(lease: Any, tmp_path: Path) -> None:
    page, _ = _page(lease, tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>SpaceX -&gt; Reflection AI, Colossus 2 GB300 lease</h1>" in page
    for figure in ("$6.30B", "$890.3M, 14.13% of the headline", "Lessor IRR", "23.01%"):
        assert figure in page
    assert page.count("<svg") == 3  # cash, payments by year, market: drawn into the page
    assert 'class="assumed">assumed' in page
    # Self-contained: nothing fetched, no script.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page


def test_text_from_the_deal_is_escaped(lease: Any, tmp_path: Path, write: Any) -> None:
    text = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
    hostile = write(re.sub(r"(?m)^name: .*$", 'name: "<script>alert(1)</script>"', text, count=1))
    page, _ = _page(lease, tmp_path, str(hostile))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_deal_without_capex_says_which_charts_it_cannot_draw(
    lease: Any, tmp_path: Path, write: Any
) -> None:
    bare = write(
        "name: x\nlessor: a\nlessee: b\nstart: 2026-01-01\nmonths: 12\npayments:\n  - amount: 1M\n"
    )
    page, _ = _page(lease, tmp_path, str(bare))
    assert page.count("<svg") == 1  # the payments by year
    assert "Charts not drawn" in page
    assert "cumulative: no lessor capex, so no breakeven to draw" in page


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium here (.ci/run installs Debian's chromium where it can)")


def test_it_renders_in_a_browser(lease: Any, tmp_path: Path) -> None:
    """Headless Chromium opens the file, offline, and draws the tables and the charts."""
    from matplotlib import image

    browser = _chromium()
    _, target = _page(lease, tmp_path)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            # Any fetch would fail: the page must need none.
            "--proxy-server=127.0.0.1:9",
            "--window-size=1100,6000",
            f"--screenshot={shot}",
            target.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = image.imread(shot)
    assert pixels.shape[:2] == (6000, 1100)
    ink = (pixels[:, :, :3].mean(axis=2) < 0.5).mean()  # the share of dark pixels
    assert ink > 0.01, "the page rendered blank"
    # The charts sit below the tables: their dark lines and bars show in the lower part.
    lower = pixels[3000:, :, :3].mean(axis=2)
    assert (lower < 0.5).mean() > 0.002, "the charts did not render"
