"""Shared fixtures: where the compliance corpus lives, and running the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def compliance_dir() -> Path:
    return Path(os.environ.get("STYX_COMPLIANCE_DIR", ROOT.parent / "shared" / "styx-compliance"))


def styx_executable() -> list[str]:
    """The installed console script, as a user runs it."""
    script = shutil.which("styx", path=str(Path(sys.executable).parent))
    assert script, "the styx console script is not installed next to this interpreter"
    return [script]


@pytest.fixture
def run_styx() -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(
        *args: str,
        input: str | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*styx_executable(), *args],
            input=input,
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
            timeout=60,
        )

    return run
