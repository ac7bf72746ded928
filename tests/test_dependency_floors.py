"""Declared dependency floors are versions that have been run.

pyproject.toml's floors and ``.ci/floors.txt`` (the same versions, pinned)
must agree, so ``.ci/floors`` — the suite on those pins — tests what the
project promises. With ``STYX_TEST_FLOORS=1`` (network, minutes) this also
installs the floors into a fresh virtualenv and runs the dibs CLI tests
there; typer 0.12.3, allowed by the old ``typer>=0.12``, crashed every
command.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.version import Version

from tests.conftest import ROOT

FLOORS = ROOT / ".ci" / "floors.txt"
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*(?P<floor>[^,;\s]+)")


def declared() -> dict[str, str]:
    """Each dependency of pyproject.toml and its floor (``>=``)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {}
    for requirement in project["dependencies"]:
        found = REQUIREMENT.match(requirement)
        assert found, f"{requirement!r} declares no floor (>=)"
        floors[found["name"].lower()] = found["floor"]
    return floors


def pinned() -> dict[str, str]:
    pins = {}
    for line in FLOORS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_every_floor_is_pinned_in_the_floors_run() -> None:
    pins = pinned()
    for name, floor in declared().items():
        assert name in pins and Version(pins[name]) == Version(floor), (
            f"{name}: pyproject says >={floor}, .ci/floors.txt pins {pins.get(name)}"
        )
    # psycopg[binary] brings psycopg-binary: pinned alike
    assert pins["psycopg-binary"] == pins["psycopg"]


@pytest.mark.skipif(
    os.environ.get("STYX_TEST_FLOORS") != "1",
    reason="installs the floors from PyPI (set STYX_TEST_FLOORS=1; .ci/floors runs the suite)",
)
def test_the_dibs_cli_works_on_the_floors(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "-c", FLOORS, f"{ROOT}[test]"],
        check=True,
        timeout=1200,
    )
    done = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/dibs/test_cli.py", "tests/dibs/test_cli_output.py", "tests/dibs/test_redaction.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
