"""The benchmark's generated folder: valid, varied and reproducible, or its figures mean little."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from computelease import api
from tests.benchmarks.corpus import TEMPLATES, generate, scale_money, shift_dates


def test_every_generated_deal_passes_lease_check(tmp_path: Path) -> None:
    paths = generate(tmp_path, 48)
    run = api.check(tmp_path)
    assert len(run.files) == 48
    assert [str(p) for p in run.problems if p.severity == "error"] == []
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(set(texts)) == 48
    assert {p.name.rsplit("-", 1)[0] for p in paths} == {t.stem for t in TEMPLATES}
    with_options = sum("expansion option (generated)" in t for t in texts)
    with_scenarios = sum("generated-slip:" in t for t in texts)
    assert 5 < with_options < 30 and 10 < with_scenarios < 40


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    a, b = generate(first, 16), generate(second, 16)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    other = tmp_path / "c"
    other.mkdir()
    assert [p.read_bytes() for p in generate(other, 16, seed=1)] != [p.read_bytes() for p in a]


def test_a_variant_moves_every_date_and_scales_every_amount_alike() -> None:
    text = "start: 2026-01-31\nend: 2028-02-29\namount: $150M\ncapex: $1,000,000.50 # $4.25\n"
    assert shift_dates(text, 1).splitlines()[:2] == ["start: 2026-02-28", "end: 2028-03-31"]
    scaled = scale_money(text, Decimal("1.5"))
    assert re.findall(r"\$[0-9.]+", scaled) == ["$225000000", "$1500000.75", "$6.375"]
