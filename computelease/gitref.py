"""A deal file as it is at a git ref, for ``lease diff FILE --against REF``.

Asks ``git show REF:./NAME`` from the file's own folder, so the path is the
file's wherever the repository's root is. Each way this can fail (no git, not
a repository, a ref that does not exist or does not hold the file) is a
usage error that says which, never git's own words alone.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Final

from computelease.errors import Codes, RequestError

#: Longest a git command may take: a ref is read from the local object store.
TIMEOUT_SECONDS: Final = 60


def show(path: Path, ref: str) -> str:
    """The text of ``path`` at ``ref``; RequestError (E508) says why it cannot be had."""
    if not ref or ref.startswith("-") or any(c in ref for c in " \t\n:"):
        raise RequestError(Codes.GIT_REF, f"{ref!r} is not a git ref such as main or HEAD~1")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise RequestError(Codes.GIT_REF, f"{path}: its folder does not exist")
    inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise RequestError(
            Codes.GIT_REF, f"{path} is not in a git repository, so it has no version at {ref}"
        )
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise RequestError(Codes.GIT_REF, f"no commit {ref!r} in the repository of {path}")
    shown = _git(folder, "show", f"{ref}:./{path.name}")
    if shown.returncode != 0:
        raise RequestError(Codes.GIT_REF, f"{ref} does not hold {path}: nothing to compare with")
    try:
        return shown.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError(Codes.GIT_REF, f"{path} at {ref} is not UTF-8 text") from None


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=folder,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            # Never a pager, never a prompt for credentials, whatever the user's config says.
            env={**os.environ, "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        raise RequestError(
            Codes.GIT_REF, "git is not installed: a version at a ref needs it"
        ) from None
    except subprocess.TimeoutExpired:
        raise RequestError(Codes.GIT_REF, f"git took over {TIMEOUT_SECONDS} s; gave up") from None
