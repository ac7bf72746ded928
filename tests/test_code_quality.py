"""The packages stay ruff- and mypy --strict-clean; CI enforces it here."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

PACKAGES = [p for p in ("styx", "dibs") if (ROOT / p).is_dir()]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff() -> None:
    done = run("ruff", "check", *PACKAGES)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = run("mypy", "--strict", *PACKAGES)
    assert done.returncode == 0, done.stdout + done.stderr
