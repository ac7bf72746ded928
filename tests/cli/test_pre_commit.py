"""The hooks of .pre-commit-hooks.yaml, run by pre-commit itself on a scratch repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "dev@example.com")
    git(tmp_path, "config", "user.name", "dev")
    return tmp_path


def try_repo(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
    )


def test_styx_check_hook(repo: Path, home: Path) -> None:
    (repo / "good.styx").write_text("server host>localhost\n", encoding="utf-8")
    (repo / "bad.styx").write_text("a 1\na 2\n", encoding="utf-8")
    (repo / "notes.txt").write_text("a 1\na 2\n", encoding="utf-8")
    git(repo, "add", ".")
    failed = try_repo(repo, home, "styx-check")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.styx:2:1" in failed.stdout
    assert "notes.txt" not in failed.stdout
    (repo / "bad.styx").unlink()
    git(repo, "add", "-A")
    passed = try_repo(repo, home, "styx-check")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_styx_fmt_hook(repo: Path, home: Path) -> None:
    messy = repo / "messy.styx"
    messy.write_text("a    1\n", encoding="utf-8")
    git(repo, "add", ".")
    changed = try_repo(repo, home, "styx-fmt")
    assert changed.returncode == 1
    assert "files were modified by this hook" in changed.stdout
    assert messy.read_text(encoding="utf-8") == "a 1\n"
    git(repo, "add", ".")
    assert try_repo(repo, home, "styx-fmt").returncode == 0
