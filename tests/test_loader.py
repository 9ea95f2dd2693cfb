"""The safe loader: bytes and YAML structure in, a Deal or every problem with its place out."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from computelease import loader, source
from computelease.errors import Codes, DealInvalid, Problem
from tests.conftest import MINIMAL


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(DealInvalid) as info:
        loader.load(path)
    return list(info.value.problems)


def only(path: Path) -> Problem:
    found = problems_of(path)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_minimal_deal_loads_with_the_file_stem_as_id(write: Callable[..., Path]) -> None:
    loaded = loader.load(write(MINIMAL, "Reflection Deal.yaml"))
    assert loaded.deal.id == "reflection-deal"
    assert loaded.deal.name == "Test deal"


def test_numbers_are_read_as_written_and_text_stays_text(write: Callable[..., Path]) -> None:
    path = write(
        MINIMAL.replace("name: Test deal", "name: no").replace("amount: 1000", "amount: 010.50")
        + "notes: on\n"
    )
    deal = loader.load(path).deal
    assert deal.name == "no"
    assert deal.notes == "on"
    assert str(deal.payments[0].amount) == "10.50"


def test_duplicate_key_is_reported_at_its_second_occurrence(write: Callable[..., Path]) -> None:
    path = write(MINIMAL + "name: Second name\n")
    problem = only(path)
    assert problem.code == Codes.DUPLICATE_KEY
    assert (problem.line, problem.column) == (8, 1)
    assert "duplicate key 'name' (first at line 1)" in problem.message


def test_duplicate_key_at_depth(write: Callable[..., Path]) -> None:
    path = write(MINIMAL + "    every: month\n    every: quarter\n")
    problem = only(path)
    assert problem.code == Codes.DUPLICATE_KEY
    assert (problem.line, problem.column) == (9, 5)
    assert problem.field == "payments[0].every"


def test_unknown_key_names_the_closest_valid_key(write: Callable[..., Path]) -> None:
    path = write(MINIMAL + "    ammount: 5\n")
    problem = only(path)
    assert problem.code == Codes.UNKNOWN_KEY
    assert (problem.line, problem.column) == (8, 5)
    assert problem.message == "unknown key 'ammount'; did you mean 'amount'?"
    assert str(problem) == (
        f"{path}:8:5: error[E202]: unknown key 'ammount'; did you mean 'amount'?"
    )


def test_bad_amount_points_at_the_value(write: Callable[..., Path]) -> None:
    path = write(MINIMAL.replace("amount: 1000", "amount: 12 dollars"))
    problem = only(path)
    assert problem.code == Codes.BAD_MONEY
    assert (problem.line, problem.column) == (7, 13)
    assert problem.field == "payments[0].amount"


def test_every_problem_is_reported_in_one_run(write: Callable[..., Path]) -> None:
    path = write(
        """\
        name: Test
        lessor: A
        start: 2026-02-30
        months: 12
        payments:
          - amount: -5
            every: monthly
        cap: lots
        """
    )
    found = problems_of(path)
    assert [(p.code, p.line) for p in found] == [
        (Codes.MISSING, 1),
        (Codes.BAD_DATE, 3),
        (Codes.OUT_OF_RANGE, 6),
        (Codes.BAD_CHOICE, 7),
        (Codes.BAD_MONEY, 8),
    ]
    assert "missing required field 'lessee'" in found[0].message


@pytest.mark.parametrize(
    "tagged",
    [
        "name: !!python/object/apply:os.system ['echo pwned']",
        "name: !!python/name:os.system",
        "name: !custom thing",
        "payments: !!set {a: null}",
    ],
)
def test_tags_never_construct_objects(write: Callable[..., Path], tagged: str) -> None:
    path = write(MINIMAL.replace("name: Test deal", tagged))
    problem = only(path)
    assert problem.code == Codes.TAG
    assert problem.line in (1, 6)


def test_standard_str_tag_is_harmless_text(write: Callable[..., Path]) -> None:
    deal = loader.load(write(MINIMAL.replace("name: Test deal", "name: !!str 2026"))).deal
    assert deal.name == "2026"


def test_file_over_the_size_limit(write: Callable[..., Path]) -> None:
    path = write(MINIMAL + "notes: |\n" + ("  x\n" * 300_000))
    problem = only(path)
    assert problem.code == Codes.FILE_TOO_LARGE
    assert problem.line is None
    assert "1,048,576 bytes" in problem.message


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.encode() + b"notes: caf\xe9\n")
    problem = only(path)
    assert problem.code == Codes.NOT_UTF8
    assert (problem.line, problem.column) == (8, 11)


def test_utf16_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(MINIMAL.encode("utf-16"))
    assert "UTF-16" in only(path).message


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    assert loader.load(path).deal.lessee == "Lessee Labs"


def test_crlf_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes((MINIMAL + "cap: lots\n").replace("\n", "\r\n").encode())
    assert only(path).line == 8


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", Codes.EMPTY, None),
        ("# only a comment\n", Codes.EMPTY, None),
        ("---\n", Codes.EMPTY, 1),
        ("- a\n- b\n", Codes.NOT_A_MAPPING, 1),
        ("just text\n", Codes.NOT_A_MAPPING, 1),
        (MINIMAL + "---\nname: second\n", Codes.MULTIPLE_DOCUMENTS, 8),
        ("name: a\n\tlessor: b\n", Codes.YAML_SYNTAX, 2),
        ("name: [unclosed\n", Codes.YAML_SYNTAX, 1),  # the last line with content
        ('name: "unclosed\nlessor: b\n\n', Codes.YAML_SYNTAX, 1),  # where the quote opened
        ("name: a\nstart 2026-01-01\nmonths: 3\n", Codes.YAML_SYNTAX, 2),  # the key without ':'
        ('name: "a\u2028b\u0085c"\nlessor: [\n', Codes.YAML_SYNTAX, 2),  # U+2028 breaks no line
        ("name: a\rlessor: b\rcap: [\r", Codes.YAML_SYNTAX, 3),  # CR-only line ends
        ("name: a\x00b\n", Codes.YAML_SYNTAX, 1),
        ("<<: {name: a}\n", Codes.MERGE_KEY, 1),
        ("? [a, b]\n: c\n", Codes.BAD_KEY, 1),
    ],
)
def test_structural_problems(
    write: Callable[..., Path], text: str, code: object, line: int | None
) -> None:
    problem = problems_of(write(text))[0]
    assert problem.code == code
    assert problem.line == line


def test_billion_laughs_is_refused_quickly(write: Callable[..., Path]) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        ref = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([ref] * 9)}]")
    path = write(MINIMAL + "\n".join(lines) + "\n")
    started = time.perf_counter()
    found = problems_of(path)
    assert (
        time.perf_counter() - started < 5
    )  # generous: the point is it does not expand 9^10 values
    assert found[-1].code == Codes.ALIAS_BOMB


def test_deep_nesting_is_refused(write: Callable[..., Path]) -> None:
    deep = "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + f"{'  ' * 60}v\n"
    problem = only(write(deep))
    assert problem.code == Codes.TOO_DEEP


def test_flow_nesting_thousands_deep(write: Callable[..., Path]) -> None:
    problem = only(write("name: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert problem.code in (Codes.TOO_DEEP, Codes.YAML_SYNTAX)


def test_aliases_are_expanded_and_located_at_the_alias(write: Callable[..., Path]) -> None:
    text = MINIMAL + "  - &fee\n    amount: 5M\n    option: maybe\n  - *fee\n"
    found = problems_of(write(text))
    assert [(p.code, p.line) for p in found] == [(Codes.BAD_BOOL, 10), (Codes.BAD_BOOL, 11)]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    problem = only(tmp_path / "nope.yaml")
    assert problem.code == Codes.UNREADABLE
    problem = only(tmp_path)
    assert problem.code == Codes.UNREADABLE
    assert "a directory" in problem.message


def test_discover_searches_folders_and_reports_skips(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(MINIMAL)
    (tmp_path / "readme.md").write_text("not a deal")
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.yaml").write_text(MINIMAL)
    found = source.discover([tmp_path, tmp_path / "a.yaml", tmp_path / "missing"])
    assert [shown for _, shown in found.files] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "sub" / "b.yml"),
    ]
    assert [(p.code, p.file) for p in found.problems] == [
        (Codes.SKIPPED, str(tmp_path / "dir.yaml")),
        (Codes.UNREADABLE, str(tmp_path / "missing")),
    ]
