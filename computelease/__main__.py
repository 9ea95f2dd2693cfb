"""``python -m computelease`` and the ``lease`` command, Ctrl-C safe from the first moment.

The console script imports this module, not :mod:`computelease.cli`, so that
an interrupt while the command line is still loading (typer and click take
tens of milliseconds) exits 130 quietly instead of printing a traceback.
Importing it also answers Ctrl-C at once, for the moments between this import
and :func:`main` (the console script's own lines); only the interpreter's
start-up and the package's few lines of ``__init__`` come before it.
"""

import contextlib
import os
import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C before :func:`main` runs: say so and leave, with no traceback to print."""
    with contextlib.suppress(OSError):  # no stderr to say it on
        os.write(2, b"lease: interrupted\n")
    os._exit(130)


# Only the command line imports this module (a notebook imports the package), so
# taking over Ctrl-C here never changes a library user's interpreter.
signal.signal(signal.SIGINT, _interrupted)


def main() -> None:
    """Run ``lease``; an interrupt at any moment exits 130 with one line on stderr."""
    try:
        # From here an interrupt is a KeyboardInterrupt, caught below or by the commands.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from computelease.cli import main as run

        run()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("lease: interrupted\n")
            sys.stderr.flush()
        except (AttributeError, OSError, ValueError):
            pass  # no stderr to say it on
        sys.exit(130)


if __name__ == "__main__":
    main()
