"""YAML text to plain values, with the line and column of every value and key.

The builder never lets a file decide what Python does. It walks PyYAML's
*event* stream (from the C parser when available) with its own iterative
builder, so that:

- no tag can construct an object (only the standard ``!!str``/``!!map``/``!!seq``
  tags are accepted, and every scalar stays the text the user wrote);
- every scalar is a string, read later by the field that owns it: ``010`` is
  ten, ``no`` is the text "no", ``2.490`` keeps its digits;
- duplicate keys at any depth are errors, reported at the second occurrence;
- nesting depth and alias expansion are bounded, so a "billion laughs" file
  is refused after a few thousand steps;
- every value and every key keeps its line and column (:class:`Locations`),
  so a problem at ``payments[0].amount`` points at ``deals/x.yaml:12:11``.

Structural problems are collected; one after which nothing can be read raises
:class:`~computelease.errors.DealInvalid` with all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import yaml

from computelease.errors import Code, Codes, DealInvalid, FieldPath, Problem
from computelease.locations import LineIndex, Locations, Mark, located
from computelease.paths import dotted

try:  # the C parser is several times faster; fall back to the pure-Python one.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

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
