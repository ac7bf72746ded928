"""`styx tree` end to end, through the installed console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from styx.cli.app import run as run_typer
from styx.cli.quick import dispatch


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "doc.styx"
    path.write_text('server host>localhost port>8080\n/// the name\nname "x"\n', encoding="utf-8")
    return path


def test_sexp_format(run_styx, doc: Path) -> None:
    done = run_styx("tree", "--format", "sexp", str(doc))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("(document [-1, -1]")
    assert '(scalar [0, 6] bare "server")' in done.stdout
    assert done.stderr == ""


def test_default_is_readable_outline(run_styx, doc: Path) -> None:
    done = run_styx("tree", str(doc))
    assert done.returncode == 0
    assert 'key: bare scalar "server" [0, 6]' in done.stdout
    assert "/// the name" in done.stdout


def test_syntax_error_exits_1_with_diagnostic_on_stderr(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("tree", "--format", "sexp", str(bad))
    assert done.returncode == 1
    assert done.stdout.startswith("(error [4, 5] ")
    assert "error[styx::duplicate-key]: duplicate key `a`" in done.stderr
    assert f"--> {bad}:2:1" in done.stderr
    assert "Traceback" not in done.stderr


def test_reads_stdin(run_styx) -> None:
    done = run_styx("tree", "-f", "sexp", "-", input="k v\n")
    assert done.returncode == 0
    assert '(scalar [2, 3] bare "v")' in done.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.styx", "no such file"),
        (lambda p: p, "is a directory"),
    ],
    ids=["missing-file", "directory"],
)
def test_io_errors_exit_3(run_styx, tmp_path: Path, make, message: str) -> None:
    done = run_styx("tree", str(make(tmp_path)))
    assert done.returncode == 3
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_utf8_is_a_located_error(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.styx"
    bad.write_bytes(b"name caf\xe9\n")
    done = run_styx("tree", str(bad))
    assert done.returncode == 1
    assert "not valid UTF-8" in done.stderr
    assert f"{bad}:1:9" in done.stderr


def test_fast_path_and_typer_agree(doc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert dispatch(["tree", "--format=sexp", str(doc)]) == 0
    fast = capsys.readouterr().out
    assert run_typer(["tree", "--format", "sexp", str(doc)]) == 0
    assert capsys.readouterr().out == fast


def test_unknown_option_goes_to_typer_usage_error(run_styx, doc: Path) -> None:
    done = run_styx("tree", "--bogus", str(doc))
    assert done.returncode == 2
    assert "No such option" in done.stderr


#: Imported only by `styx lsp`: the linting verbs must start without them.
LANGUAGE_SERVER = ("pygls", "lsprotocol", "cattrs", "styx.lsp")


def imported_by(args: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a run of ``styx ARGS`` leaves in sys.modules."""
    import json
    import subprocess
    import sys

    code = (
        "import contextlib, io, json, sys\n"
        "from styx.cli import main\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        f"    main({args!r})\n"
        f"print(json.dumps([m for m in {modules!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found: list[str] = json.loads(done.stdout)
    return found


def test_tree_does_not_load_schema_machinery(doc: Path) -> None:
    """Start-up guard: the hot path must not import what only check needs."""
    heavy = ("typer", "rich", "regress", "urllib.request", "styx.schema.validate")
    assert imported_by(["tree", "--format", "sexp", str(doc)], heavy + LANGUAGE_SERVER) == []


def test_check_does_not_load_the_language_server(tmp_path: Path) -> None:
    """`styx check` validates against a schema (so the schema machinery is
    loaded: the guard can fail) without pygls and lsprotocol."""
    (tmp_path / "x.schema.styx").write_text(
        "meta {id x, version 2026-01-01}\nschema {@ @object{port @int}}\n", encoding="utf-8"
    )
    doc = tmp_path / "doc.styx"
    doc.write_text("@schema ./x.schema.styx\nport nope\n", encoding="utf-8")
    found = imported_by(["check", str(doc)], ("typer", "styx.schema.validate", *LANGUAGE_SERVER))
    assert found == ["styx.schema.validate"]
