"""`lease new`: a starter deal that passes `lease check`, names its schema, overwrites nothing."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from computelease import api, starter
from computelease.errors import Codes
from computelease.schema import MODELINE

TODAY = date(2026, 12, 3)


def _errors(path: Path) -> list[str]:
    return [str(p) for p in api.check([str(path)]).problems]


def test_the_starter_deal_as_written(
    lease: Any, golden: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = lease("new", "deals/example.yaml", "--start", "2027-01-01", "--gpus", "4000")
    assert run.exit_code == 0
    assert run.stdout == ""
    assert run.stderr == (
        "lease: wrote deals/deal.schema.json, the schema your editor reads\n"
        "lease: wrote deals/example.yaml; next: lease check deals/example.yaml\n"
    )
    text = (tmp_path / "deals" / "example.yaml").read_text(encoding="utf-8")
    golden("new.yaml", text)
    assert text.splitlines()[0] == f"{MODELINE}deal.schema.json"
    schema = (tmp_path / "deals" / "deal.schema.json").read_text(encoding="utf-8")
    assert schema == lease("schema").stdout
    assert _errors(tmp_path / "deals") == []
    deal = api.load(str(tmp_path / "deals" / "example.yaml")).deals[0].deal
    assert (deal.start, deal.months, deal.payments[0].amount) == (
        date(2027, 1, 1),
        36,
        Decimal(10_000_000),
    )
    assert deal.capacity is not None and deal.capacity.gpus == 4000


def test_every_commented_block_passes_lease_check_once_uncommented(tmp_path: Path) -> None:
    made = api.new_deal(tmp_path / "x.yaml", {"gpus": "4000"}, today=TODAY).value
    assert made is not None
    blocks = ("termination", "assumptions", "reported", "sources")
    lines, inside = [], False
    for line in made.text.splitlines():
        header = any(line == f"# {b}:" for b in blocks)
        inside = header or (inside and line.startswith("#  "))
        lines.append(line[2:] if inside else line)
    opened = tmp_path / "opened.yaml"
    opened.write_text("\n".join(lines) + "\n", encoding="utf-8")
    deal = api.load(str(opened)).deals[0].deal
    assert deal.termination is not None and deal.termination.notice_days == 90
    assert deal.reported is not None and deal.reported.total == Decimal(360_000_000)
    assert deal.assumptions.discount_rate == Decimal("0.08")
    assert _errors(opened) == []  # the reported total is the deal's own


_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1
).filter(lambda t: t.strip() and len(t) <= 500)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=_texts,
    lessor=_texts,
    start=st.dates(date(1990, 1, 1), date(2090, 12, 31)),
    months=st.integers(1, 240),
    amount=st.sampled_from(["$150M", "0", "150_000_000", "$1,250,000.50", "6.3bn", "12.5K"]),
    every=st.sampled_from(["month", "quarter", "year"]),
    gpus=st.sampled_from(["", "1", "30,000"]),
)
def test_any_accepted_terms_make_a_deal_that_checks_and_reads_back(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    lessor: str,
    start: date,
    months: int,
    amount: str,
    every: str,
    gpus: str,
) -> None:
    path = tmp_path_factory.mktemp("new") / "deal.yaml"
    answers = {
        "name": name,
        "lessor": lessor,
        "start": start.isoformat(),
        "months": str(months),
        "amount": amount,
        "every": every,
        "gpus": gpus,
    }
    result = api.new_deal(path, answers, today=TODAY)
    assert result.problems == ()
    assert _errors(path) == []
    deal = api.load(str(path)).deals[0].deal
    assert (deal.name, deal.lessor, deal.start, deal.months) == (name, lessor, start, months)
    assert deal.payments[0].every == every


def test_it_never_writes_over_a_file(lease: Any, tmp_path: Path) -> None:
    target = tmp_path / "deal.yaml"
    target.write_text("mine\n", encoding="utf-8")
    run = lease("new", target)
    assert run.exit_code == 2
    assert run.stderr == (
        f"{target}: error[E005]: {target} already exists; lease new never writes over a file\n"
    )
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "deal.schema.json").exists()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--start", "2026-02-30", "start: 2026-02-30: February 2026 has 28 days"),
        ("--months", "0", "months: 0 months is out of range: expected 1 to 1,200"),
        ("--amount", "EUR 5M", "amount: amount 'EUR 5M' is in EUR but the deal's currency is USD"),
        ("--every", "weekly", "every: expected month, quarter or year, got 'weekly'"),
        ("--gpus", "1.5", "gpus: expected a whole number of GPUs, got 1.5"),
    ],
)
def test_a_bad_term_is_refused_by_name_and_nothing_is_written(
    lease: Any, tmp_path: Path, flag: str, value: str, message: str
) -> None:
    run = lease("new", tmp_path / "deal.yaml", flag, value)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"error[E507]: {message}")
    assert list(tmp_path.iterdir()) == []


def test_it_names_the_nearest_schema_above_it_and_writes_none(tmp_path: Path) -> None:
    (tmp_path / "deal.schema.json").write_text("{}", encoding="utf-8")
    made = api.new_deal(tmp_path / "deals" / "team" / "x.yaml", today=TODAY).value
    assert made is not None and made.schema_written is None
    assert made.text.splitlines()[0] == f"{MODELINE}../../deal.schema.json"
    assert sorted(p.name for p in (tmp_path / "deals" / "team").iterdir()) == ["x.yaml"]


def test_a_repository_does_not_reach_for_a_schema_outside_it(tmp_path: Path) -> None:
    (tmp_path / "deal.schema.json").write_text("{}", encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    made = api.new_deal(tmp_path / "repo" / "deals" / "x.yaml", today=TODAY).value
    assert made is not None
    assert made.text.splitlines()[0] == f"{MODELINE}deal.schema.json"
    assert (tmp_path / "repo" / "deals" / "deal.schema.json").is_file()


def test_without_a_terminal_it_never_asks(lease: Any, tmp_path: Path) -> None:
    run = lease("new", tmp_path / "x.yaml", "--name", "Piped")
    assert run.exit_code == 0
    assert "?" not in run.stderr and ":" not in run.stdout
    deal = api.load(str(tmp_path / "x.yaml")).deals[0].deal
    assert (deal.name, deal.lessor, deal.months) == ("Piped", "GPU Cloud Inc", 36)
    assert deal.start == starter.read(starter.defaults(date.today()))["start"]


def test_defaults_start_on_the_first_of_next_month() -> None:
    assert starter.defaults(date(2026, 12, 3))["start"] == "2027-01-01"
    assert starter.defaults(date(2027, 1, 31))["start"] == "2027-02-01"


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_on_a_terminal_it_asks_for_each_term_and_asks_again_after_a_bad_answer(
    tmp_path: Path,
) -> None:
    """A real pseudo-terminal: prompts on it, answers typed, a bad date refused and re-asked."""
    primary, secondary = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "computelease", "new", "x.yaml", "--lessee", "Lab"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"},
    )
    os.close(secondary)
    seen = b""

    def until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text not in seen:
            assert time.monotonic() < deadline, f"no {text!r} in {seen!r}"
            if select.select([primary], [], [], 0.5)[0]:
                seen += os.read(primary, 4096)

    for prompt, answer in (
        (b"Deal name [Example lease]: ", b"Typed deal"),
        (b"Lessor (who provides the capacity) [GPU Cloud Inc]: ", b""),
        (b"First day of service (YYYY-MM-DD) [", b"2027-02-30"),
        (b"February 2027 has 28 days", b"2027-03-01"),
        (b"Term in months [36]: ", b"24"),
        (b"Payment each period (such as $150M) [$10M]: ", b"$2.5M"),
        (b"Paid every month, quarter or year [month]: ", b"quarter"),
        (b"GPUs leased (blank if unknown) []: ", b"512"),
    ):
        until(prompt)
        os.write(primary, answer + b"\r")
    assert process.wait(timeout=30) == 0
    assert b"Lessee" not in seen  # given by its flag, so never asked
    os.close(primary)
    deal = api.load(str(tmp_path / "x.yaml")).deals[0].deal
    assert (deal.name, deal.lessor, deal.lessee) == ("Typed deal", "GPU Cloud Inc", "Lab")
    assert (deal.start, deal.months, deal.payments[0].every) == (date(2027, 3, 1), 24, "quarter")
    assert deal.payments[0].amount == Decimal(2_500_000)
    assert deal.capacity is not None and deal.capacity.gpus == 512
    assert re.search(rb"Error: .*February 2027 has 28 days", seen)
    assert _errors(tmp_path / "x.yaml") == []


def test_e005_is_a_usage_code() -> None:
    assert Codes.FILE_EXISTS.usage and Codes.FILE_EXISTS.id == "E005"


def test_a_name_yaml_would_read_as_nothing_is_kept(tmp_path: Path) -> None:
    """Found by the property test above: a lessor called Null must stay Null."""
    made = api.new_deal(tmp_path / "x.yaml", {"lessor": "Null", "name": "~"}, today=TODAY)
    assert made.problems == ()
    deal = api.load(str(tmp_path / "x.yaml")).deals[0].deal
    assert (deal.lessor, deal.name) == ("Null", "~")
