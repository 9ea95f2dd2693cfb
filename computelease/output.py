"""Writing reports: atomically to a file, or to a terminal or pipe as rich detects it.

A report written with ``--output`` is never half-written: it goes to a
temporary file in the same folder, is flushed to disk, and is renamed over
the target in one step, so a reader (or a second ``lease`` writing the same
file) sees either the old file or the new one, whole. ``lease`` refuses to
write over a deal file it is reading.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.table import Table

from computelease.errors import UsageError

#: Width of tables written to a file, where there is no terminal to ask.
FILE_WIDTH = 100
#: Narrowest layout: on a narrower terminal the lines run on (and the terminal
#: wraps them) rather than squeezing figures out of their columns.
MIN_WIDTH = 60
MAX_WIDTH = 400


def to_text(renderable: RenderableType, *, terminal: bool) -> str:
    """Render for stdout (colour and width as rich detects them) or for a file (plain)."""
    if terminal:
        console = Console(highlight=False, markup=False, emoji=False)
        console.width = max(console.width, MIN_WIDTH)
        # A grid of figures that cannot fit (a book of many deals) is laid out at the width
        # it needs, for the terminal to wrap or scroll, rather than cropping the figures;
        # once wider than the terminal anyway, its labels need not wrap either.
        least, natural = required_width(renderable)
        if least > console.width:
            console.width = min(natural, MAX_WIDTH)
    else:
        console = Console(
            file=io.StringIO(),
            width=FILE_WIDTH,
            color_system=None,
            force_terminal=False,
            highlight=False,
            markup=False,
            emoji=False,
        )
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def required_width(renderable: RenderableType) -> tuple[int, int]:
    """The width no narrower layout keeps the figures whole in, and the width nothing wraps in.

    Renderers set ``min_width`` on a table of figures (its labels wrapped to
    their longest word) and may set ``natural_width`` (nothing wrapped).
    """
    if isinstance(renderable, Group):
        pairs = [required_width(r) for r in renderable.renderables]
        return max((p[0] for p in pairs), default=0), max((p[1] for p in pairs), default=0)
    if isinstance(renderable, Table):
        least = renderable.min_width or 0
        return least, max(least, getattr(renderable, "natural_width", 0))
    return 0, 0


def stdout_is_unicode() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith("utf")


def write_atomic(target: Path, text: str, inputs: Sequence[Path] = ()) -> None:
    """Write ``text`` to ``target`` through a temporary file and a rename; never over an input."""
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"--output: the folder {folder} does not exist")
    if target.exists():
        for source in inputs:
            try:
                same = target.samefile(source)
            except OSError:
                same = False
            if same:
                raise UsageError(f"--output: refusing to overwrite the deal file {source}")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"--output: cannot write in {folder}: {_reason(exc)}") from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"--output: cannot write {target}: {_reason(exc)}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
