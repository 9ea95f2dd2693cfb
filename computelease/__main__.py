"""``python -m computelease`` and the ``lease`` command, Ctrl-C safe from the first moment.

The console script imports this module, not :mod:`computelease.cli`, so that
an interrupt while the command line is still loading (typer and click take
tens of milliseconds) exits 130 quietly instead of printing a traceback.
"""

import sys


def main() -> None:
    """Run ``lease``; an interrupt at any moment exits 130 with one line on stderr."""
    try:
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
