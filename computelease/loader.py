"""Read deal files safely: bytes to YAML events to plain values to a validated Deal.

The loader never lets a file decide what Python does. It reads at most
:data:`MAX_BYTES`, decodes strict UTF-8, and walks PyYAML's *event* stream
(from the C parser when available) with its own iterative builder, so that:

- no tag can construct an object (only the standard ``!!str``/``!!map``/``!!seq``
  tags are accepted, and every scalar stays the text the user wrote);
- every scalar is a string, read later by the field that owns it: ``010`` is
  ten, ``no`` is the text "no", ``2.490`` keeps its digits;
- duplicate keys at any depth are errors, reported at the second occurrence;
- nesting depth and alias expansion are bounded, so a "billion laughs" file
  is refused after a few thousand steps;
- every value and every key keeps its line and column, so a pydantic error at
  ``payments[0].amount`` becomes ``deals/x.yaml:12:11: error[E204]: ...``.

Problems are collected, not raised one at a time: :func:`load` raises one
:class:`~computelease.errors.DealInvalid` carrying all of them.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError

from computelease.errors import Code, Codes, DealInvalid, FieldPath, Problem, dotted
from computelease.models import Deal, validation_issues

try:  # the C parser is several times faster; fall back to the pure-Python one.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

#: Largest deal file read, in bytes.
MAX_BYTES: Final = 1024 * 1024
#: Deepest nesting of mappings and lists.
MAX_DEPTH: Final = 50
#: Most values a document may hold once its aliases are expanded (a large real
#: deal holds a few hundred).
MAX_NODES: Final = 20_000

_ALLOWED_TAGS: Final = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_NULLS: Final = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HIDDEN_BOM = re.compile(r"(?m)^[ \t]*\ufeff")


class LineIndex:
    """Line and column of a character offset, counting line breaks as editors do.

    libyaml also breaks lines at NEL, U+2028 and U+2029, which editors, grep
    and git do not; positions are therefore recomputed from each mark's
    character offset, with only CR, LF and CRLF as line breaks.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        self.length = len(text)

    def at(self, index: int) -> Mark:
        line = bisect.bisect_right(self.starts, index)
        return Mark(line, index - self.starts[line - 1] + 1)


def _byte_position(data: bytes, offset: int) -> Mark:
    breaks = [m.end() for m in re.finditer(rb"\r\n|\r|\n", data[:offset])]
    start = breaks[-1] if breaks else 0
    return Mark(len(breaks) + 1, offset - start + 1)


def located(
    file: str, mark: Mark | None, code: Code, message: str, field: str | None = None
) -> Problem:
    """A problem at ``mark`` in ``file``, or about the whole file when there is no mark."""
    return Problem(
        file, mark.line if mark else None, mark.column if mark else None, code, message, field
    )


@dataclass(frozen=True)
class Locations:
    """Where each value (and each mapping key) of a document was written."""

    values: Mapping[FieldPath, Mark] = field(default_factory=dict)
    keys: Mapping[FieldPath, Mark] = field(default_factory=dict)

    def find(self, path: Sequence[str | int], *, key: bool = False) -> Mark | None:
        """The mark of ``path``, or of its nearest written ancestor for a defaulted field."""
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get(())


@dataclass(frozen=True)
class LoadedDeal:
    """A validated deal with the file it came from and where each field was written."""

    path: str
    deal: Deal
    locations: Locations

    def problem(self, path: FieldPath, code: Code, message: str, *, key: bool = False) -> Problem:
        """A problem located at ``path`` in this deal's file."""
        mark = self.locations.find(path, key=key)
        return located(
            self.path,
            mark,
            code,
            message,
            dotted(path) or None,
        )


class _Abort(Exception):
    """Stops the builder at a problem after which nothing else can be read."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


@dataclass(slots=True)
class _Anchor:
    value: Any
    size: int
    #: The anchored value's marks are ``marks[first:end]`` of the builder, their paths
    #: starting with ``depth`` elements of the anchor's own path. A range, not a copy:
    #: nested anchors would otherwise copy the same marks once per level.
    first: int
    end: int
    depth: int


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    path: FieldPath
    anchor: str | None
    first_node: int
    first_mark: int
    #: The container is the value of a duplicate or merge key: built, then dropped.
    dropped: bool
    #: For a mapping, the key whose value comes next; None when a key comes next.
    key: str | None = None
    skip: bool = False


class _Builder:
    """Turns a YAML event stream into plain dicts, lists, strings and ``None``, with marks.

    Iterative on purpose: a recursive walk would let a deeply nested file
    exhaust the interpreter's stack.
    """

    def __init__(self, name: str, lines: LineIndex) -> None:
        self.name = name
        self.lines = lines
        self.problems: list[Problem] = []
        self.values: dict[FieldPath, Mark] = {}
        self.keys: dict[FieldPath, Mark] = {}
        self.marks: list[tuple[FieldPath, bool, Mark]] = []
        self.anchors: dict[str, _Anchor] = {}
        self.nodes = 0

    def problem(self, code: Code, message: str, mark: Any, path: FieldPath = ()) -> Problem:
        at = self.position(mark) if mark is not None else None
        return located(
            self.name,
            at,
            code,
            message,
            dotted(path) or None,
        )

    def position(self, mark: Any) -> Mark:
        return self.lines.at(mark.index)

    def build(self, events: Iterable[yaml.Event]) -> Any:
        root: Any = None
        documents = 0
        stack: list[_Frame] = []
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Abort(
                        self.problem(
                            Codes.MULTIPLE_DOCUMENTS,
                            "the file holds more than one YAML document; put one deal in each file",
                            event.start_mark,
                        )
                    )
                continue
            if isinstance(
                event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent
            ):
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frame = stack.pop()
                if frame.anchor:
                    self._remember(frame)
                if not stack:
                    root = frame.container
                continue
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent.container, dict) and parent.key is None:
                self._key(parent, event)
                continue
            if parent is None:
                path: FieldPath = ()
            elif isinstance(parent.container, list):
                path = (*parent.path, len(parent.container))
            else:
                assert parent.key is not None
                path = (*parent.path, parent.key)
            dropped = parent is not None and (parent.dropped or parent.skip)
            if isinstance(event, yaml.AliasEvent):
                value = self._alias(event, path, dropped)
            else:
                self._count(event, path)
                self._check_tag(event, path)
                first_mark = len(self.marks)
                if not dropped:
                    self._mark(path, False, event.start_mark)
                if isinstance(event, yaml.ScalarEvent):
                    value = self._scalar(event)
                    if event.anchor:
                        self.anchors[event.anchor] = _Anchor(
                            value, 1, first_mark, len(self.marks), len(path)
                        )
                elif isinstance(event, yaml.CollectionStartEvent):
                    if len(stack) >= MAX_DEPTH:
                        raise _Abort(
                            self.problem(
                                Codes.TOO_DEEP,
                                f"values are nested more than {MAX_DEPTH} levels deep",
                                event.start_mark,
                                path,
                            )
                        )
                    value = {} if isinstance(event, yaml.MappingStartEvent) else []
                    stack.append(_Frame(value, path, event.anchor, self.nodes, first_mark, dropped))
                else:  # pragma: no cover - the parser emits no other node events
                    continue
            if parent is None:
                root = value
            elif isinstance(parent.container, list):
                parent.container.append(value)
            else:
                assert parent.key is not None
                if not parent.skip:
                    parent.container[parent.key] = value
                parent.key, parent.skip = None, False
        if documents == 0:
            raise _Abort(self.problem(Codes.EMPTY, "the file holds no YAML document", None))
        return root

    def _mark(self, path: FieldPath, is_key: bool, mark: Any) -> None:
        self._record(path, is_key, self.position(mark))

    def _record(self, path: FieldPath, is_key: bool, at: Mark) -> None:
        (self.keys if is_key else self.values)[path] = at
        self.marks.append((path, is_key, at))

    def _count(self, event: yaml.Event, path: FieldPath) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Abort(
                self.problem(
                    Codes.ALIAS_BOMB,
                    f"the document holds more than {MAX_NODES:,} values",
                    event.start_mark,
                    path,
                )
            )

    def _key(self, frame: _Frame, event: yaml.Event) -> None:
        mark = event.start_mark
        if not isinstance(event, yaml.ScalarEvent):
            raise _Abort(
                self.problem(
                    Codes.BAD_KEY,
                    "a key must be written out as text, not a mapping, a list or an alias",
                    mark,
                    frame.path,
                )
            )
        self._count(event, frame.path)
        self._check_tag(event, frame.path)
        assert isinstance(frame.container, dict)
        key = event.value
        path = (*frame.path, key)
        if key == "<<" and event.style in (None, ""):
            self.problems.append(
                self.problem(
                    Codes.MERGE_KEY,
                    "merge keys ('<<') are not supported; write the fields out",
                    mark,
                    path,
                )
            )
            frame.key, frame.skip = key, True
            return
        if key in frame.container:
            first = self.keys.get(path)
            where = f" (first at line {first.line})" if first else ""
            self.problems.append(
                self.problem(Codes.DUPLICATE_KEY, f"duplicate key {key[:60]!r}{where}", mark, path)
            )
            frame.key, frame.skip = key, True
            return
        if not frame.dropped:
            self._mark(path, True, mark)
        frame.key, frame.skip = key, False

    def _remember(self, frame: _Frame) -> None:
        assert frame.anchor is not None
        self.anchors[frame.anchor] = _Anchor(
            frame.container,
            self.nodes - frame.first_node + 1,
            frame.first_mark,
            len(self.marks),
            len(frame.path),
        )

    def _alias(self, event: yaml.AliasEvent, path: FieldPath, dropped: bool) -> Any:
        anchor = self.anchors.get(event.anchor or "")
        if anchor is None:  # the parser reports an undefined alias itself; be safe anyway
            raise _Abort(
                self.problem(
                    Codes.YAML_SYNTAX, f"unknown alias {event.anchor!r}", event.start_mark, path
                )
            )
        self.nodes += anchor.size
        if self.nodes > MAX_NODES:
            raise _Abort(
                self.problem(
                    Codes.ALIAS_BOMB,
                    f"aliases expand the document past {MAX_NODES:,} values",
                    event.start_mark,
                    path,
                )
            )
        if not dropped:
            # The copied value is reported where the alias stands, so errors point at it.
            at = self.position(event.start_mark)
            for i in range(anchor.first, anchor.end):
                inner, is_key, _ = self.marks[i]
                self._record((*path, *inner[anchor.depth :]), is_key, at)
        return anchor.value

    def _check_tag(self, event: yaml.Event, path: FieldPath) -> None:
        tag = getattr(event, "tag", None)
        if tag is None or tag == "!" or tag in _ALLOWED_TAGS:
            return
        raise _Abort(
            self.problem(
                Codes.TAG,
                f"YAML tag {tag[:60]!r} is not allowed: deal files hold plain values only",
                event.start_mark,
                path,
            )
        )

    @staticmethod
    def _scalar(event: yaml.ScalarEvent) -> str | None:
        if event.style in (None, "") and event.value in _NULLS and not event.tag:
            return None
        return event.value


def parse_yaml(text: str, name: str) -> tuple[Any, Locations, list[Problem]]:
    """YAML text to plain values and their marks; structural problems are collected."""
    lines = LineIndex(text)
    builder = _Builder(name, lines)
    try:
        root = builder.build(yaml.parse(text, Loader=_YamlLoader))
    except _Abort as abort:
        raise DealInvalid([*builder.problems, abort.problem]) from None
    except yaml.MarkedYAMLError as exc:
        raise DealInvalid([*builder.problems, _syntax_problem(exc, text, builder)]) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        at = lines.at(position) if isinstance(position, int) else None
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise DealInvalid(
            [
                *builder.problems,
                located(
                    name,
                    at,
                    Codes.YAML_SYNTAX,
                    f"{reason}",
                ),
            ]
        ) from None
    return root, Locations(builder.values, builder.keys), builder.problems


#: Parser contexts whose start, not the parser's stopping point, is where the mistake is.
_STARTED_HERE: Final = {"while scanning a quoted scalar", "while scanning a simple key"}


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, builder: _Builder) -> Problem:
    """A YAML syntax error, pointed at where the mistake is rather than where the parser gave up.

    An unclosed quote or a key without its colon is reported where the
    construct began (the parser's context); an error found at the end of the
    file, at the last line with content.
    """
    message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "invalid YAML"
    code = Codes.TOO_DEEP if "nesting depth" in message else Codes.YAML_SYNTAX
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and exc.context in _STARTED_HERE:
        mark = exc.context_mark
    elif mark is not None and mark.index >= len(text.rstrip()):
        last = len(text.rstrip()) - 1
        if last >= 0:
            at = builder.lines.at(last)
            return Problem(
                builder.name, at.line, at.column, code, message + " (at the end of the file)"
            )
    return builder.problem(code, message, mark)


def decode(data: bytes, name: str) -> str:
    """Strict UTF-8 (a byte-order mark is allowed), with the place of the first bad byte."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    wide = _wide_encoding(data)
    if wide:
        raise DealInvalid(
            [Problem(name, 1, 1, Codes.NOT_UTF8, f"the file looks like {wide}: save it as UTF-8")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = _byte_position(data, exc.start)
        raise DealInvalid(
            [
                Problem(
                    name,
                    at.line,
                    at.column,
                    Codes.NOT_UTF8,
                    f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8; "
                    "save the file as UTF-8",
                )
            ]
        ) from None
    # libyaml skips byte-order marks at the very start; one at the start of a later
    # line is invisible yet turns "- amount" into a mapping key. Inside a value it is text.
    hidden = _HIDDEN_BOM.search(text, len(text) - len(text.lstrip("\ufeff")))
    if hidden:
        at = LineIndex(text).at(hidden.end() - 1)
        raise DealInvalid(
            [
                Problem(
                    name,
                    at.line,
                    at.column,
                    Codes.YAML_SYNTAX,
                    "an invisible byte-order mark (U+FEFF) at the start of a line; delete it",
                )
            ]
        )
    return text


def _wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes plainly are, with or without a byte-order mark."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = data[:400]
    # ASCII text in UTF-16 has a NUL in every other byte.
    if len(sample) >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4:
        return "UTF-16 or UTF-32"
    return None


def read_file(path: Path, name: str) -> bytes:
    """The file's bytes, refusing anything that is not a readable regular file under the limit."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DealInvalid([Problem(name, None, None, Codes.UNREADABLE, "no such file")]) from None
    except OSError as exc:
        raise DealInvalid([Problem(name, None, None, Codes.UNREADABLE, _os_reason(exc))]) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise DealInvalid(
            [Problem(name, None, None, Codes.UNREADABLE, f"{kind}; only regular files are read")]
        )
    if info.st_size > MAX_BYTES:
        raise DealInvalid([_too_large(name, info.st_size)])
    try:
        # O_NONBLOCK: should the path have been swapped for a FIFO since stat, do not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DealInvalid([Problem(name, None, None, Codes.UNREADABLE, _os_reason(exc))]) from None
    if len(data) > MAX_BYTES:
        raise DealInvalid([_too_large(name, len(data))])
    return data


def _too_large(name: str, size: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        Codes.FILE_TOO_LARGE,
        f"file is {size:,} bytes; deal files may be at most {MAX_BYTES:,} bytes (1 MiB)",
    )


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def load(path: Path | str, *, name: str | None = None) -> LoadedDeal:
    """Load and validate one deal file; raises DealInvalid with every problem found."""
    path = Path(path)
    shown = name if name is not None else str(path)
    data = read_file(path, shown)
    return load_text(decode(data, shown), shown, default_id=path.stem)


def load_text(text: str, name: str = "<deal>", *, default_id: str | None = None) -> LoadedDeal:
    """Validate a deal from YAML text; ``name`` is used in messages."""
    root, locations, problems = parse_yaml(text, name)
    if root is None or (root == {} and not locations.keys):
        raise DealInvalid(
            [
                *problems,
                Problem(
                    name,
                    1 if text.strip() else None,
                    1 if text.strip() else None,
                    Codes.EMPTY,
                    "the file holds no deal: expected a mapping of deal fields",
                ),
            ]
        )
    if not isinstance(root, dict):
        mark = locations.values.get(())
        raise DealInvalid(
            [
                *problems,
                located(
                    name,
                    mark,
                    Codes.NOT_A_MAPPING,
                    f"the top level is {'a list' if isinstance(root, list) else 'text'}; "
                    "expected a mapping of deal fields (name:, lessor:, ...)",
                ),
            ]
        )
    try:
        deal = Deal.model_validate(root)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, name, locations))
        deal = None
    if problems:
        raise DealInvalid(_ordered(problems))
    assert deal is not None
    if deal.id is None:
        deal = deal.model_copy(update={"id": slugify(default_id or "deal")})
    return LoadedDeal(name, deal, locations)


def slugify(stem: str) -> str:
    """A file stem as a deal id: lower case, runs of other characters as '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:100] or "deal"


def _ordered(problems: Iterable[Problem]) -> list[Problem]:
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0, p.code.id))


def _problems_from(exc: ValidationError, name: str, locations: Locations) -> Iterator[Problem]:
    for issue in validation_issues(exc):
        yield _at(
            name,
            locations,
            issue.path,
            issue.code,
            issue.message,
            key=issue.anchor == "key",
            parent=issue.anchor == "parent",
        )


def _at(
    name: str,
    locations: Locations,
    path: FieldPath,
    code: Code,
    message: str,
    *,
    key: bool = False,
    parent: bool = False,
) -> Problem:
    mark = locations.find(path[:-1] if parent else path, key=key)
    return located(
        name,
        mark,
        code,
        message,
        dotted(path) or None,
    )


DEAL_SUFFIXES: Final = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Found:
    """The deal files a set of paths names, and what was skipped or missing on the way."""

    files: tuple[tuple[Path, str], ...]
    problems: tuple[Problem, ...]


def discover(paths: Sequence[Path]) -> Found:
    """Files named directly, and ``*.yaml`` / ``*.yml`` files under folders, in a stable order.

    Only regular files are read. Folders are walked without following
    symbolic links to folders (so a link loop cannot trap the walk); an entry
    named like a deal file that is not a regular file is skipped with a
    warning, and a path that does not exist or cannot be read is an error.
    """
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        shown = str(path)
        if shown not in seen:
            seen.add(shown)
            files.append((path, shown))

    for given in paths:
        shown = str(given)
        try:
            info = given.stat()
        except OSError as exc:
            reason = (
                "no such file or folder" if isinstance(exc, FileNotFoundError) else _os_reason(exc)
            )
            problems.append(Problem(shown, None, None, Codes.UNREADABLE, reason))
            continue
        if not stat.S_ISDIR(info.st_mode):
            add(given)  # named on purpose: read_file says why if it is not a regular file
            continue
        walk_errors: list[OSError] = []
        for folder, subfolders, names in os.walk(given, onerror=walk_errors.append):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            base = Path(folder)
            for entry in sorted(subfolders):
                candidate = base / entry
                if entry.endswith(DEAL_SUFFIXES):
                    problems.append(
                        Problem(
                            str(candidate),
                            None,
                            None,
                            Codes.SKIPPED,
                            "a folder, not a deal file; skipped",
                        )
                    )
            for entry in sorted(names):
                if not entry.endswith(DEAL_SUFFIXES) or entry.startswith("."):
                    continue
                candidate = base / entry
                try:
                    mode = candidate.stat().st_mode
                except OSError as exc:
                    problems.append(
                        Problem(str(candidate), None, None, Codes.UNREADABLE, _os_reason(exc))
                    )
                    continue
                if stat.S_ISREG(mode):
                    add(candidate)
                else:
                    what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
                    problems.append(
                        Problem(str(candidate), None, None, Codes.SKIPPED, f"{what}; skipped")
                    )
        problems.extend(
            Problem(str(exc.filename or shown), None, None, Codes.UNREADABLE, _os_reason(exc))
            for exc in walk_errors
        )
    return Found(tuple(files), tuple(problems))
