"""What `styx check` imports: only what the file in hand needs.

A pre-commit hook or an editor runs `styx check` on one small file at a time,
so start-up is most of its cost. A plain file must not load Lark (the tables
are cached), the schema machinery (HTTP, entry points), the machine report
formats or the diagnostic renderer when there is nothing to render.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROBE = """
import json, sys
from styx.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps([code, sorted(sys.modules)]))
"""

HEAVY = ("lark", "styx.schema", "styx.report.machine", "rich", "typer", "http", "tempfile")


def modules_after(args: list[str], cache: Path) -> tuple[int, list[str]]:
    env = {**os.environ, "STYX_CACHE_DIR": str(cache)}
    for _ in range(2):  # the first run may analyse the grammar and fill the cache
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.stdout, done.stderr
    code, modules = json.loads(done.stdout.splitlines()[-1])
    return code, modules


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_checking_a_plain_valid_file_loads_nothing_heavy(tmp_path: Path) -> None:
    path = tmp_path / "plain.styx"
    path.write_text("server {\n    host localhost\n    ports (80 443)\n}\n", encoding="utf-8")
    code, modules = modules_after(["check", str(path)], tmp_path / "cache")
    assert code == 0
    assert heavy(modules) == []
    assert "styx.report.text" not in modules  # nothing to render


def test_a_file_with_a_problem_loads_the_renderer_only(tmp_path: Path) -> None:
    path = tmp_path / "dup.styx"
    path.write_text("a 1\na 2\n", encoding="utf-8")
    code, modules = modules_after(["check", str(path)], tmp_path / "cache")
    assert code != 0
    assert "styx.report.text" in modules
    assert heavy(modules) == []


@pytest.mark.parametrize("declaration", ["@schema ./missing.styx", "@schema {id crate:none@1}"])
def test_a_file_declaring_a_schema_loads_the_schema_machinery(
    tmp_path: Path, declaration: str
) -> None:
    path = tmp_path / "declares.styx"
    path.write_text(f"{declaration}\nname x\n", encoding="utf-8")
    _code, modules = modules_after(["check", str(path)], tmp_path / "cache")
    assert "styx.schema.resolve" in modules
