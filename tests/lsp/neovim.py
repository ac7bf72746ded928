"""Neovim as the test's editor: `tests/lsp/nvim/driver.lua` runs a plan of
steps in headless Neovim with its built-in LSP client attached to `styx lsp`,
and this returns what each step saw (JSON, decoded)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import styx_executable

DRIVER = Path(__file__).parent / "nvim" / "driver.lua"
#: Generous: each step waits at most 20 s inside Neovim.
TIMEOUT = 180


def nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        pytest.skip("Neovim is not installed (.ci/run installs Debian's `neovim`)")
    return found


def run(
    file: Path, steps: list[dict[str, Any]], *, root: Path | None = None
) -> list[dict[str, Any]]:
    """Open ``file`` in Neovim with `styx lsp` attached, run ``steps``, and
    return their outcomes; fails the test with Neovim's message on error."""
    executable = nvim()
    work = file.parent / f".nvim-{file.name}"
    work.mkdir(exist_ok=True)
    out = work / "out.json"
    plan = work / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "cmd": [*styx_executable(), "lsp"],
                "root": str(root or file.parent),
                "file": str(file),
                "out": str(out),
                "steps": steps,
            }
        ),
        encoding="utf-8",
    )
    # Neovim's log and state, and the server's schema cache, stay in the test's folder.
    environment = {
        **os.environ,
        "STYX_NVIM_PLAN": str(plan),
        "XDG_STATE_HOME": str(work / "state"),
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    done = subprocess.run(
        [executable, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {DRIVER}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=file.parent,
        stdin=subprocess.DEVNULL,
    )
    results: list[dict[str, Any]] = json.loads(out.read_text("utf-8")) if out.exists() else []
    errors = [r["error"] for r in results if "error" in r]
    assert done.returncode == 0 and not errors, (
        f"Neovim failed ({done.returncode}): {errors}\n{done.stdout}\n{done.stderr}"
    )
    return results
