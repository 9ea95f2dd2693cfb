"""The pre-commit hook, run as another repository would: ``pre-commit try-repo``.

A scratch git repository holds one good and one bad deal file under deals/;
the hook (``.pre-commit-hooks.yaml``) is installed from this repository into
pre-commit's own environment and must fail on the bad file, naming its line
and code, and pass once it is fixed. PRE_COMMIT_HOME points into the test's
folder so nothing is shared with a developer's cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEALS, MINIMAL, ROOT


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_the_hook_runs_through_pre_commit_try_repo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "deals").mkdir(parents=True)
    shutil.copy(DEALS / "reflection.yaml", repo / "deals" / "reflection.yaml")
    (repo / "deals" / "bad.yaml").write_text("name: x\n", encoding="utf-8")
    (repo / "notes.yaml").write_text("not: a deal\n", encoding="utf-8")  # outside deals/
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "lease-check"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pre_commit, "--all-files"], cwd=repo, env=env, capture_output=True, text=True
        )

    failed = run()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "deals/bad.yaml:1:1: error[E201]: missing required field 'lessor'" in failed.stdout
    assert "notes.yaml" not in failed.stdout
    assert "2 files checked, 4 errors" in failed.stdout
    (repo / "deals" / "bad.yaml").write_text(MINIMAL, encoding="utf-8")
    _git(repo, "add", "-A")
    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
