"""Tables that fit: at 80 columns no line runs over and no word or figure is cut in two.

Each report is laid out twice, at 80 columns and at 400; every word of the
narrow one must be a word of the wide one, so a figure folded across lines
("2026-07-" over "01..31", "$1,449.2" over "8") fails, while text wrapped
between words does not. Grids too wide for 80 columns are split into blocks
of columns (their titles say "(1 of 3)"), so those words are allowed too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import DEALS

SHIPPED = sorted(p.name for p in DEALS.glob("*.yaml"))
REFLECTION = str(DEALS / "reflection.yaml")
# A block's title says "(1 of 3)"; a table's rule is as wide as its page; a stream
# may be a letter, named in the notes; a chart's bars are as long as the page allows.
BLOCK_WORDS = re.compile(r"^\(?\d+\)?$|^of$|^[─-]+$|^[A-Z]$|^[#| ]+$")


def _words(text: str) -> set[str]:
    return set(text.split())


def _table_words(text: str) -> set[str]:
    """The words outside the notes, which a narrow page may add to (a legend of streams)."""
    words: set[str] = set()
    notes = False
    for line in text.splitlines():
        notes = line == "Notes" or (notes and line != "")
        if not notes:
            words.update(line.split())
    return words


def _fits(lease: Any, *args: str) -> None:
    narrow = lease(*args, env={"COLUMNS": "80"})
    wide = lease(*args, env={"COLUMNS": "400"})
    assert narrow.exit_code == wide.exit_code, narrow.stderr
    assert narrow.stdout and narrow.stderr == "", narrow.stderr
    long = [line for line in narrow.stdout.splitlines() if len(line.rstrip()) > 80]
    assert long == [], f"lines over 80 columns in lease {' '.join(args)}"
    narrow_words = _table_words(narrow.stdout)
    cut = {w for w in narrow_words - _words(wide.stdout) if not BLOCK_WORDS.match(w)}
    assert cut == set(), f"words cut in two in lease {' '.join(args)}"


@pytest.mark.parametrize("command", ["calc", "schedule", "breakeven"])
@pytest.mark.parametrize("deal", SHIPPED)
def test_every_shipped_deal_fits_80_columns(lease: Any, command: str, deal: str) -> None:
    _fits(lease, command, str(DEALS / deal))


@pytest.mark.parametrize(
    "args",
    [
        ("calc", str(DEALS)),
        ("compare", str(DEALS)),
        ("compare", "--by", "year", str(DEALS)),
        ("schedule", REFLECTION, "--by", "quarter"),
        ("scenario", REFLECTION, "--delay", "3m"),
        (
            "sensitivity",
            REFLECTION,
            "--vary",
            "discount_rate=6%..12%:1%",
            "--vary",
            "market_gpu_hour=2..6:0.5",
            "--metric",
            "npv_lessor",
        ),
        ("risk", REFLECTION, "--paths", "500", "--workers", "1"),
    ],
    ids=lambda a: " ".join(a[:3]).replace(str(DEALS), "deals"),
)
def test_the_folder_and_every_other_report_fit_80_columns(lease: Any, args: tuple[str]) -> None:
    _fits(lease, *args)


def test_a_renegotiation_fits_80_columns(lease: Any, tmp_path: Any) -> None:
    text = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
    new = tmp_path / "reflection.yaml"
    new.write_text(text.replace("amount: $150M ", "amount: $140M "), encoding="utf-8")
    _fits(lease, "diff", REFLECTION, str(new))


def test_a_wide_grid_is_split_into_blocks_with_the_labels_again(lease: Any) -> None:
    out = lease("compare", str(DEALS), env={"COLUMNS": "80"}).stdout
    titles = [line for line in out.splitlines() if line.startswith("Deals compared")]
    assert titles == [f"Deals compared, in USD ({n} of 3)" for n in (1, 2, 3)]
    assert out.count("Total (headline)") == 3
    assert lease("compare", str(DEALS), env={"COLUMNS": "400"}).stdout.count("(1 of") == 0


def test_a_schedule_row_keeps_to_one_line(lease: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DEALS.parent)
    out = lease("schedule", "deals/reflection.yaml", env={"COLUMNS": "80"}).stdout.splitlines()
    assert out[4] == "Schedule: monthly fee", out[:6]
    assert out[5].split() == ["#", "Period", "Date", "Amount", "Cumulative", "DF", "PV"]
    assert out[7].split() == [
        "1",
        "2026-07",
        "2026-07-01",
        "$150.0M",
        "$150.0M",
        "1.000000",
        "$150.0M",
    ]


def test_colour_has_meaning_and_never_stands_alone(lease: Any, write: Any) -> None:
    bad = write("name: x\n", "bad.yaml")
    run = lease("check", str(bad), env={"FORCE_COLOR": "1"})
    assert "\x1b[1;31merror[E201]\x1b[0m: missing required field 'lessor'" in run.stdout
    plain = lease("check", str(bad), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout and "error[E201]" in plain.stdout
    text = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
    wrong = write(text.replace("total: $6.3B", "total: $6B"))
    out = lease("calc", str(wrong), env={"FORCE_COLOR": "1"}).stdout
    assert re.search(r"\x1b\[1;31m✗ FAIL\x1b\[0m", out)  # a failed check: red, and the word
    assert re.search(r"\x1b\[32m✓ pass\x1b\[0m", out)
    assert re.search(r"\x1b\[33massumed", out)  # an assumption stands out from...
    assert re.search(r"\x1b\[2mcomputed", out)  # ...what was computed from it
    stderr = lease("calc", str(bad), env={"FORCE_COLOR": "1"}).stderr
    assert "\x1b[1;31merror[E201]\x1b[0m" in stderr
