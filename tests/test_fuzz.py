"""Fuzzing: valid deal files mutated byte- and structure-wise, through the real command line.

For every input ``lease check`` must exit 0 or 1, never print a traceback,
and give every error a file and line (only whole-file problems, such as a
file over the size limit, have no line). An input that passes ``check`` is
also run through ``calc`` in table and JSON form, so a valid-but-strange
deal cannot crash the core or a renderer. Hostile option values (dates
past the calendar, rates of 1e9999%, axes of 1e-9998 steps, exchange rates
of 1e40) run every command against the shipped deals and one deal at every
bound: exit 0, 1 or 2, never 3.

The normal suite runs a short budget. ``pytest tests/test_fuzz.py --run-slow``
runs the long one (``FUZZ_EXAMPLES``, default 20,000; ``FUZZ_PROGRESS=FILE``
logs a line per input passed) and also holds
every command on every input to the resource bounds: under 2 s of wall time
and 200 MiB of Python allocations (measured apart). Those bounds are checked
only in the opt-in run, on an otherwise idle machine, where a busy machine is
not mistaken for a bug in the everyday suite.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEALS, MINIMAL, Run

#: The shipped deals, the smallest deal, and the third round's edge cases (tranches all
#: dropped, one-GPU tranches half delivered, a terminate after a delay), so that mutants
#: reach the newer fields: tranches, a market curve, each tranche's own market price.
SEEDS = [
    *(p.read_bytes() for p in sorted(DEALS.glob("*.yaml"))),
    MINIMAL.encode(),
    *(
        p.read_bytes()
        for p in sorted((Path(__file__).resolve().parent / "corpus" / "valid").glob("*round3*"))
    ),
]
LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (error|warning|note)\[[EWN]\d{3}\]: "
)
WHOLE_FILE = re.compile(r"^(?P<file>.+?): (error|warning|note)\[(?P<code>[EWN]\d{3})\]: ")
#: Codes that concern a whole file and so carry no line.
NO_LINE_CODES = {"E001", "E002", "E102"}
SUMMARY = re.compile(r"^\d+ files? checked, \d+ errors?, \d+ warnings?(, \d+ notes?)?$")

LONG = os.environ.get("FUZZ_EXAMPLES")
SHORT_BUDGET = settings(
    max_examples=60,
    deadline=None,
    # The lease fixture holds no state between examples.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=True,
)
LONG_BUDGET = settings(
    max_examples=int(LONG or 20_000),
    deadline=None,
    # The lease fixture holds no state between examples.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

INTERESTING = [
    b"\x00",
    b"\t",
    b"\r",
    b"\r\n",
    b"\xff",
    b"\xef\xbb\xbf",
    b"'",
    b'"',
    b":",
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"!!python/object ",
    b"<<: ",
    b"%YAML 1.1\n",
    b"---\n",
    b"...\n",
    b"#",
    b"|\n",
    b">\n",
    b"?",
    b"\\",
    b"\x1b[31m",
    b"\xe2\x80\xae",
    b"1e400",
    b"-",
    b"NaN",
    b".inf",
    b"0x10",
    b"9999-12-31",
    b"1000%",
    b"10" * 40,
]
SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    10**20,
    "1e400",
    "-0",
    "NaN",
    ".inf",
    "0x10",
    "1:30",
    "010",
    "$1B",
    "EUR 5M",
    "₿5",
    "8",
    "8%",
    "-5%",
    "1000%",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "1" * 200,
    "x" * 5000,
    "[bold red]x[/]",
    "\x1b[2J",
    '=HYPERLINK("x")',
    "yes",
    "no",
    "on",
    "month",
    "once",
    "arrears",
    "pro-rata",
    "either",
    "730",
    [],
    {},
    [1, 2],
    {"a": 1},
]


@st.composite
def byte_mutants(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            data.extend(draw(st.sampled_from(INTERESTING)))
            continue
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "flip", "duplicate", "truncate"]))
        if kind == "insert":
            data[at:at] = draw(
                st.one_of(st.sampled_from(INTERESTING), st.binary(min_size=1, max_size=8))
            )
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 5))
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += _paths(inner, (*prefix, i))
    return out


@st.composite
def structure_mutants(draw: st.DrawFn) -> bytes:
    # BaseLoader keeps every scalar as the text written, as lease itself reads them.
    doc = yaml.load(draw(st.sampled_from(SEEDS)).decode("utf-8-sig"), Loader=yaml.BaseLoader)
    for _ in range(draw(st.integers(1, 5))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        kind = draw(st.sampled_from(["replace", "delete", "duplicate", "nest", "rename"]))
        if kind == "replace":
            # A copy: a list or mapping from SCALARS must not be mutated in place by a later
            # step, or the next example would draw from a changed pool.
            parent[key] = copy.deepcopy(draw(st.sampled_from(SCALARS)))
        elif kind == "delete":
            del parent[key]
        elif kind == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif kind == "nest":
            parent[key] = {"x": parent[key]} if draw(st.booleans()) else [parent[key]]
        elif kind == "rename" and isinstance(parent, dict):
            parent[
                draw(st.sampled_from(["amount", "ammount", "from", "until", "every", "zzz"]))
            ] = parent.pop(key)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def assert_well_behaved(lease: Callable[..., Run], data: bytes, *, bounded: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.yaml"
        path.write_bytes(data)
        run = _run(lease, ["check"], path, bounded)
        lines = run.stdout.splitlines()
        assert lines and SUMMARY.match(lines[-1]), run.stdout
        for line in lines[:-1]:
            located = LINE.match(line)
            whole = WHOLE_FILE.match(line)
            assert located or (whole and whole["code"] in NO_LINE_CODES), line
            assert (located or whole)["file"] == str(path)  # type: ignore[index]
        if run.exit_code == 0:
            for args in (["calc"], ["calc", "--format", "json"], ["breakeven"]):
                _run(lease, args, path, bounded)


def _run(
    lease: Callable[..., Run],
    args: list[str],
    path: Path,
    bounded: bool,
    codes: tuple[int, ...] = (0, 1),
) -> Run:
    """One command on the input: exit 0 or 1, no traceback; in the long run, within bounds.

    Time and memory are measured apart, each command on its own: tracemalloc
    slows Python several times over and would be charged to the clock.
    """
    started = time.perf_counter()
    run = lease(*args, path)
    elapsed = time.perf_counter() - started
    assert run.exit_code in codes, (args, run.exit_code, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    if bounded:
        assert elapsed < 2.0, f"lease {' '.join(args)}: {elapsed:.2f} s"
        tracemalloc.start()
        try:
            lease(*args, path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 200 * 1024 * 1024, f"lease {' '.join(args)}: {peak / 2**20:.0f} MiB"
    return run


#: Deals the option fuzz runs against: every shipped deal, the smallest, and one at every bound.
OPTION_SEEDS = [
    *sorted(DEALS.glob("*.yaml")),
    Path(__file__).resolve().parent / "corpus" / "valid" / "valid-term-ends-9599-12-31.yaml",
]
HOSTILE_NUMBERS = [
    "0",
    "1",
    "-1",
    "0.5",
    "1e9999",
    "-1e9999",
    "1e-9998",
    "9e9999%",
    "1e40",
    "100%",
    "100.01%",
    "-5%",
    "0%",
    "8",
    "8%",
    "$1T",
    "1000T",
    "$0.01",
    "3m",
    "90d",
    "1y",
    "0m",
    "1200m",
    "99999m",
    "36525d",
    "x",
    "",
    "NaN",
    ".inf",
    "1_000",
    "1,000",
    "\x1b[31m",
]
HOSTILE_DATES = [
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2026-07-01",
    "2029-12-31",
    "2039-12-31",
    "2800-01-01",
    "9599-12-31",
    "9999-12-31",
    "2026-02-30",
    "earliest",
    "soon",
    "",
]
INPUTS = [
    "discount_rate",
    "market_gpu_hour",
    "market_decline",
    "uptime",
    "delivered",
    "delay",
    "payments[0].amount",
    "payments[0].escalation",
    "payments[9].amount",
    "capacity.gpus",
    "termination.notice_days",
    "name",
    "start",
    "x",
    "assumptions.lessor.capex",
]


@st.composite
def option_runs(draw: st.DrawFn) -> list[str]:
    """One command with hostile option values: what found every exit 3 of the second round."""
    number = st.sampled_from(HOSTILE_NUMBERS)
    day = st.sampled_from(HOSTILE_DATES)
    common = []
    if draw(st.booleans()):
        common += ["--as-of", draw(day)]
    if draw(st.booleans()):
        common += ["--rate", draw(number)]
    command = draw(
        st.sampled_from(["calc", "breakeven", "schedule", "scenario", "sensitivity", "compare"])
    )
    args = [command, *common]
    if command == "schedule" and draw(st.booleans()):
        args += ["--by", draw(st.sampled_from(["month", "quarter", "year", "week"]))]
    if command == "scenario":
        flag = draw(
            st.sampled_from(
                [
                    "--delay",
                    "--terminate",
                    "--delivered",
                    "--uptime",
                    "--market-gpu-hour",
                    "--market-decline",
                    "--set",
                ]
            )
        )
        value = draw(day) if flag == "--terminate" else draw(number)
        if flag == "--set":
            value = f"{draw(st.sampled_from(INPUTS))}={draw(number)}"
        args += [flag, value]
        if draw(st.booleans()):
            args += ["--extend"]
    if command == "sensitivity":
        # One axis: a grid of up to 50 cells stays within the time bound on every seed.
        low, high, step = draw(number), draw(number), draw(number)
        args += ["--vary", f"{draw(st.sampled_from(INPUTS))}={low}..{high}:{step}"]
        args += [
            "--metric",
            draw(
                st.sampled_from(
                    ["npv_lessor_walkaway", "total", "irr_lessor", "price_per_gpu_hour", "nope"]
                )
            ),
        ]
    if command == "compare":
        if draw(st.booleans()):
            args += [
                "--fx",
                f"{draw(st.sampled_from(['EUR', 'JPY', 'XXX', 'usd']))}={draw(number)}",
            ]
        if draw(st.booleans()):
            args += ["--currency", draw(st.sampled_from(["USD", "EUR", "JPY", "XXX", ""]))]
        if draw(st.booleans()):
            args += ["--by", draw(st.sampled_from(["year", "quarter"]))]
    args += ["-f", draw(st.sampled_from(["table", "json", "csv", "markdown"]))]
    return args


def assert_options_well_behaved(
    lease: Callable[..., Run], args: list[str], seed: Path, *, bounded: bool
) -> None:
    """Exit 0, 1 or 2, never 3 and never a traceback; a usage error names its option."""
    run = _run(lease, args, seed, bounded, codes=(0, 1, 2))
    if run.exit_code == 2:
        assert run.stderr.strip(), args
    assert len(run.stderr) < 20_000


@SHORT_BUDGET
@given(option_runs(), st.sampled_from(OPTION_SEEDS))
def test_hostile_option_values(lease: Callable[..., Run], args: list[str], seed: Path) -> None:
    assert_options_well_behaved(lease, args, seed, bounded=False)


@SHORT_BUDGET
@given(byte_mutants())
def test_byte_mutations(lease: Callable[..., Run], data: bytes) -> None:
    assert_well_behaved(lease, data, bounded=False)


@SHORT_BUDGET
@given(structure_mutants())
def test_structure_mutations(lease: Callable[..., Run], data: bytes) -> None:
    assert_well_behaved(lease, data, bounded=False)


@pytest.mark.slow
@LONG_BUDGET
@given(
    st.one_of(
        byte_mutants(),
        structure_mutants(),
        st.tuples(option_runs(), st.sampled_from(OPTION_SEEDS)),
    )
)
def test_long_fuzz(lease: Callable[..., Run], data: bytes | tuple[list[str], Path]) -> None:
    if isinstance(data, tuple):
        assert_options_well_behaved(lease, data[0], data[1], bounded=True)
        data = " ".join(data[0]).encode()
    else:
        assert_well_behaved(lease, data, bounded=True)
    progress = os.environ.get("FUZZ_PROGRESS")
    if progress:
        # One line per input passed, so a long run's progress can be followed and counted.
        with open(progress, "a", encoding="utf-8") as log:
            log.write(f"{time.time():.0f} {len(data)}\n")
