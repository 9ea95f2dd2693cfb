"""Writing reports: atomically to a file, or to a terminal or pipe as rich detects it.

A report written with ``--output`` is never half-written: it goes to a
temporary file in the same folder, is flushed to disk, and is renamed over
the target in one step, so a reader (or a second ``lease`` writing the same
file) sees either the old file or the new one, whole. Only regular files are
replaced that way: an existing FIFO or device (``-o /dev/stdout``, a named
pipe) is written through, never replaced, and a symbolic link is followed
to the file it names. ``lease`` refuses to write over a deal file it is
reading.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from computelease.errors import UsageError
from computelease.render.options import MAX_WIDTH

if TYPE_CHECKING:
    from rich.console import RenderableType

#: Width of tables written to a file, where there is no terminal to ask.
FILE_WIDTH = 100
#: Narrowest layout: on a narrower terminal the lines run on (and the terminal
#: wraps them) rather than squeezing figures out of their columns.
MIN_WIDTH = 60


def to_text(renderable: RenderableType, *, terminal: bool) -> str:
    """Render for stdout (colour and width as rich detects them) or for a file (plain).

    Rendering always goes to memory: stdout is written once, by the caller,
    which knows what to do when it is closed or full. A grid of figures that
    cannot fit (a book of many deals) is laid out at the width it needs, for
    the terminal to wrap or scroll, rather than cropping the figures; once
    wider than the page anyway, its labels need not wrap either.
    """
    from rich.console import Console

    if terminal:
        # Asks the terminal its colours, COLUMNS and width. NO_COLOR and FORCE_COLOR count
        # when set and not empty (no-color.org, force-color.org), whatever rich's release.
        no_color, force = _set("NO_COLOR"), _set("FORCE_COLOR")
        probe = Console(
            highlight=False,
            markup=False,
            emoji=False,
            no_color=no_color,
            force_terminal=True if force else None,
        )
        width, tty = max(probe.width, MIN_WIDTH), probe.is_terminal
        colour = None if no_color else probe.color_system
    else:
        width, colour, tty = FILE_WIDTH, None, False
    least, natural = required_width(renderable)
    if least > width:
        width = min(natural, MAX_WIDTH)
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system=colour,  # type: ignore[arg-type]  # the probe's own, one of rich's names
        force_terminal=tty,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(renderable)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def snapshot(
    renderable: RenderableType, *, svg: Path | None, html: Path | None, inputs: Sequence[Path]
) -> None:
    """The table recorded as the terminal shows it, in colour, to an SVG and/or an HTML file.

    Laid out as a file is (FILE_WIDTH, widened for a grid that needs it), in
    rich's own terminal theme, so the same input gives the same bytes.
    """
    from rich.console import Console

    least, natural = required_width(renderable)
    width = FILE_WIDTH if least <= FILE_WIDTH else min(natural, MAX_WIDTH)
    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(renderable)
    if svg is not None:
        write_atomic(svg, console.export_svg(title="lease", clear=False), inputs, option="--svg")
    if html is not None:
        write_atomic(html, console.export_html(clear=False), inputs, option="--html")


def page_width(*, terminal: bool) -> int:
    """The width reports are laid out for: the terminal's (COLUMNS), or a file's."""
    from rich.console import Console

    if not terminal:
        return FILE_WIDTH
    return max(Console(highlight=False, markup=False, emoji=False).width, MIN_WIDTH)


def coloured(diagnostics: str, stream: object) -> str:
    """``file:line: error[E204]: ...`` lines with their severity in colour, on a colour terminal.

    Errors red, warnings yellow, notes cyan; the word stays, so nothing rests on
    colour alone. Piped, or under NO_COLOR, the text is returned as it is.
    """
    isatty = getattr(stream, "isatty", None)
    tty = bool(isatty()) if callable(isatty) else False
    if _set("NO_COLOR") or not (tty or _set("FORCE_COLOR")):
        return diagnostics
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=io.StringIO(), force_terminal=True, width=MAX_WIDTH, soft_wrap=True, highlight=False
    )
    text = Text(diagnostics)
    text.highlight_regex(r"\berror\[[A-Z][0-9]+\]", "bold red")
    text.highlight_regex(r"\bwarning\[[A-Z][0-9]+\]", "yellow")
    text.highlight_regex(r"\bnote\[[A-Z][0-9]+\]", "cyan")
    console.print(text, end="")
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def _set(name: str) -> bool:
    """An environment switch that counts when it holds anything at all, as its convention says."""
    return os.environ.get(name, "") != ""


def required_width(renderable: RenderableType) -> tuple[int, int]:
    """The width no narrower layout keeps the figures whole in, and the width nothing wraps in.

    Renderers set ``min_width`` on a table of figures (its labels wrapped to
    their longest word) and may set ``natural_width`` (nothing wrapped).
    """
    from rich.console import Group
    from rich.table import Table

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


def write_atomic(
    target: Path, text: str | bytes, inputs: Sequence[Path] = (), *, option: str = "--output"
) -> None:
    """Write ``text`` to ``target`` safely; never over an input, never replacing a special file.

    ``option`` names the option that asked for the file, in messages.
    """
    try:
        info = os.stat(target)  # follows a link to what it names
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"{option}: cannot write {target}: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{option}: {target} is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(target, text, option)
        return
    real = Path(os.path.realpath(target))  # a link's file is replaced, the link stays
    folder = real.parent
    if not folder.is_dir():
        raise UsageError(f"{option}: the folder {folder} does not exist")
    if info is not None:
        for source in inputs:
            try:
                same = real.samefile(source)
            except OSError:
                same = False
            if same:
                raise UsageError(f"{option}: refusing to overwrite the deal file {source}")
    try:
        # A short name of its own: the target's name may already be as long as a name can be.
        fd, temporary = tempfile.mkstemp(prefix=".lease-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"{option}: cannot write in {folder}: {_reason(exc)}") from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, real)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"{option}: cannot write {target}: {_reason(exc)}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_through(target: Path, text: str | bytes, option: str) -> None:
    """Write into an existing FIFO or device as it is: there is no file to replace."""
    try:
        with open(target, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"{option}: cannot write {target}: {_reason(exc)}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
