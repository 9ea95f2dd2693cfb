"""Deal files on disk: finding them under folders, and reading their bytes as text, safely.

Only regular files are read, at most :data:`MAX_BYTES` of them, opened
non-blocking (a path swapped for a FIFO cannot hang a run), and decoded as
strict UTF-8 with the place of the first bad byte. Every refusal is a
:class:`~computelease.errors.Problem`: a missing path, a folder named like a
deal file, a socket, a file over the size limit, UTF-16 text.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from computelease.errors import Codes, DealInvalid, Problem
from computelease.locations import LineIndex, Mark

#: Largest deal file read, in bytes.
MAX_BYTES: Final = 1024 * 1024
_HIDDEN_BOM = re.compile(r"(?m)^[ \t]*\ufeff")


def _byte_position(data: bytes, offset: int) -> Mark:
    breaks = [m.end() for m in re.finditer(rb"\r\n|\r|\n", data[:offset])]
    start = breaks[-1] if breaks else 0
    return Mark(len(breaks) + 1, offset - start + 1)


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
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"  # as on the command line, in this tool's words
    return (exc.strerror or type(exc).__name__).lower()


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
        except (OSError, ValueError) as exc:
            # ValueError: a NUL byte, which no file name can hold.
            reason = (
                "no such file or folder"
                if isinstance(exc, FileNotFoundError)
                else "a path cannot hold a NUL byte"
                if isinstance(exc, ValueError)
                else _os_reason(exc)
            )
            problems.append(Problem(shown, None, None, Codes.UNREADABLE, reason))
            continue
        if not stat.S_ISDIR(info.st_mode):
            add(given)  # named on purpose: read_file says why if it is not a regular file
            continue
        walk_errors: list[OSError] = []
        deal_files = 0
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
                    deal_files += 1
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
        if not deal_files and not walk_errors:
            problems.append(
                Problem(shown, None, None, Codes.NO_DEALS, "no deal files (*.yaml, *.yml) here")
            )
    return Found(tuple(files), tuple(problems))
