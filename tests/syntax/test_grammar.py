"""The grammar file: shipped in the wheel, cached between processes, conflict-free."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import lark
import pytest

from styx.syntax import grammar
from tests.conftest import ROOT

PARSE_SNIPPET = "import styx, sys; styx.parse('a {b 1}'); print(styx.__file__)"


def run_python(code: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    return next(out.glob("styx_dibs-*.whl"))


def test_grammar_is_inside_the_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "styx/syntax/styx.lark" in names
        shipped = archive.read("styx/syntax/styx.lark").decode("utf-8")
    assert shipped == (ROOT / "grammar" / "styx.lark").read_text(encoding="utf-8")


def test_installed_wheel_parses_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run_python(
        PARSE_SNIPPET, elsewhere, {"PYTHONPATH": str(target), "STYX_CACHE_DIR": str(tmp_path / "c")}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(target))


def test_tables_are_cached_and_reused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"STYX_CACHE_DIR": str(cache)}
    assert run_python(PARSE_SNIPPET, ROOT, env).returncode == 0
    files = list(cache.glob("grammar-*.lark-cache"))
    assert len(files) == 1
    written = files[0].stat().st_mtime_ns
    assert run_python(PARSE_SNIPPET, ROOT, env).returncode == 0
    assert files[0].stat().st_mtime_ns == written, "the second process rebuilt the tables"


def test_unwritable_cache_location_still_parses(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = run_python(PARSE_SNIPPET, ROOT, {"STYX_CACHE_DIR": str(blocker / "sub")})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_grammar_has_no_conflicts() -> None:
    # Strict mode refuses any shift/reduce conflict instead of resolving it.
    from styx.syntax.lexer import StyxLexer

    parser = lark.Lark(
        grammar.grammar_text(),
        parser="lalr",
        lexer=StyxLexer,
        strict=True,
        maybe_placeholders=False,
        keep_all_tokens=True,
    )
    assert parser.rules
