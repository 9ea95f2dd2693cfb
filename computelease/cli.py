"""The ``lease`` command line: thin Typer commands and the one error boundary.

Each command loads, calls the core, hands the result to a renderer and
returns an exit code. :func:`main` is the only place that turns exceptions
into messages and exit codes (see :class:`~computelease.errors.ExitCode`):
an invalid deal or a failed check is 1, a usage error 2, a bug 3 (with the
traceback only under ``--debug``), Ctrl-C 130, and a closed pipe is quiet.

Heavy modules (pydantic, yaml, rich) are imported inside the commands, so
``lease --version`` and ``lease --help`` start fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer

from computelease.errors import Codes, ExitCode, LeaseError, Problem, Severity, UsageError

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 invalid deal or failed check; 2 usage error "
    "(including a path that does not exist or cannot be read); 3 internal error; "
    "130 interrupted."
)

app = typer.Typer(
    name="lease",
    help="A calculator for AI compute deals: schedules, present value, committed value, "
    "unit economics and breakeven, exact to the cent.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


F = TypeVar("F", bound=Callable[..., None])


def guarded(command: F) -> F:
    """The one error boundary, around every command.

    A :class:`LeaseError` becomes its message on stderr and its exit code;
    Ctrl-C exits 130; anything else is a bug: a short request to report it,
    the traceback only under ``--debug`` (frames only, never local variables,
    which would hold deal values), and exit 3. Typer's own usage errors exit 2
    before a command runs.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        ctx = kwargs.get("ctx")
        try:
            command(*args, **kwargs)
        except typer.Exit:
            raise
        except LeaseError as exc:
            _err(f"lease: error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("lease: interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception:
            _internal_error(debug=_debug_requested(ctx))
            raise typer.Exit(ExitCode.INTERNAL) from None

    return cast(F, wrapper)


def _debug_requested(ctx: object) -> bool:
    # Typer passes click's context, which is not always an instance of typer.Context.
    find_root = getattr(ctx, "find_root", None)
    obj = find_root().obj if callable(find_root) else None
    return isinstance(obj, dict) and bool(obj.get("debug"))


def _internal_error(*, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()
    _err(
        "lease: internal error: this is a bug in lease, not in your deal. "
        "Please report it with the command you ran"
        + ("." if debug else " and its output with --debug.")
    )


def _version(value: bool) -> None:
    if value:
        from computelease import __version__

        typer.echo(f"lease (computelease) {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an internal error.")
    ] = False,
) -> None:
    """A calculator for AI compute deals."""
    ctx.obj = {"debug": debug}


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Deal files or folders (searched for *.yaml and *.yml). Default: deals/"
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="text: one line per problem; json: an array.")
    ] = CheckFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
) -> None:
    """Validate deal files and check them against their reported figures."""
    from computelease import checks, loader
    from computelease.errors import DealInvalid
    from computelease.render import json as render_json
    from computelease.render import text as render_text

    if not paths:
        default = Path("deals")
        if not default.is_dir():
            raise UsageError("no paths given and there is no deals/ folder here")
        paths = [default]
    found = loader.discover(paths)
    problems = list(found.problems)
    for path, shown in found.files:
        try:
            loaded = loader.load(path, name=shown)
        except DealInvalid as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(checks.check(loaded))
    if output_format is CheckFormat.json:
        _out(render_json.problems(problems))
    else:
        _out(render_text.problems(problems) + render_text.summary(len(found.files), problems))
    raise typer.Exit(_exit_code(problems, strict=strict))


def _exit_code(problems: Sequence[Problem], *, strict: bool) -> int:
    """2 if a path could not be read, else 1 for errors (or warnings under --strict), else 0."""
    if any(p.code == Codes.UNREADABLE for p in problems):
        return ExitCode.USAGE
    if any(p.severity is Severity.ERROR for p in problems):
        return ExitCode.INVALID
    if strict and any(p.severity is Severity.WARNING for p in problems):
        return ExitCode.INVALID
    return ExitCode.OK


def _out(text: str) -> None:
    """Write data to stdout; if the reader has gone (``| head``), drop the rest quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so later writes and the final flush succeed;
        # the command still ends with its own exit code.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


def main() -> None:
    """Entry point of ``lease`` and ``python -m computelease``."""
    # Commands have their own boundary (guarded); this one catches what happens
    # around them, while options are parsed and callbacks run.
    try:
        app(prog_name="lease")
    except KeyboardInterrupt:
        _err("lease: interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception:
        _internal_error(debug="--debug" in sys.argv)
        sys.exit(ExitCode.INTERNAL)
