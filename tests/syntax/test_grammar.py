"""The grammar file: shipped in the wheel, analysed into tables cached between
processes (so that parsing never imports Lark), conflict-free."""

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
    files = list(cache.glob("grammar-*.tables"))
    assert len(files) == 1
    written = files[0].stat().st_mtime_ns
    assert run_python(PARSE_SNIPPET, ROOT, env).returncode == 0
    assert files[0].stat().st_mtime_ns == written, "the second process rebuilt the tables"


NO_LARK_SNIPPET = (
    "import sys, styx; d = styx.parse('a {b 1}'); "
    "print(sorted(m for m in sys.modules if m == 'lark' or m.startswith('lark.')))"
)


def test_a_process_with_cached_tables_never_imports_lark(tmp_path: Path) -> None:
    env = {"STYX_CACHE_DIR": str(tmp_path / "cache")}
    first = run_python(NO_LARK_SNIPPET, ROOT, env)
    assert first.returncode == 0, first.stderr
    assert "'lark'" in first.stdout  # no cache yet: Lark analysed the grammar
    second = run_python(NO_LARK_SNIPPET, ROOT, env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"\x00" * 64, "truncated"],
    ids=["empty", "garbage", "zeros", "truncated"],
)
def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, damage: bytes | str) -> None:
    cache = tmp_path / "cache"
    env = {"STYX_CACHE_DIR": str(cache)}
    assert run_python(PARSE_SNIPPET, ROOT, env).returncode == 0
    (path,) = cache.glob("grammar-*.tables")
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if damage == "truncated" else damage)  # type: ignore[arg-type]
    assert grammar._read(str(path)) is None
    done = run_python(NO_LARK_SNIPPET, ROOT, env)
    assert done.returncode == 0, done.stderr
    assert grammar._read(str(path)) is not None, "the damaged file was not replaced"


def test_cached_tables_are_the_analysed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STYX_CACHE_DIR", str(tmp_path))
    grammar.tables.cache_clear()
    try:
        built = grammar.tables()  # analysed by Lark, and the cache written
        grammar.tables.cache_clear()
        cached = grammar.tables()  # read back
    finally:
        grammar.tables.cache_clear()
    assert cached.actions == built.actions
    assert cached.rules == built.rules
    assert (cached.start, cached.end) == (built.start, built.end)
    assert cached.lexer.ignore == built.lexer.ignore
    assert [
        (t.name, t.priority, t.pattern.to_regexp(), t.pattern.max_width, t.pattern.value)
        for t in cached.lexer.terminals
    ] == [
        (t.name, t.priority, t.pattern.to_regexp(), t.pattern.max_width, t.pattern.value)
        for t in built.lexer.terminals
    ]


def test_unwritable_cache_location_still_parses(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = run_python(PARSE_SNIPPET, ROOT, {"STYX_CACHE_DIR": str(blocker / "sub")})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_grammar_has_no_conflicts() -> None:
    # Strict mode refuses any shift/reduce conflict instead of resolving it.
    parser = lark.Lark(
        grammar.grammar_text(),
        parser="lalr",
        lexer=grammar.lark_lexer(),
        strict=True,
        maybe_placeholders=False,
        keep_all_tokens=True,
    )
    assert parser.rules
