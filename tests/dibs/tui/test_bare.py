"""Bare ``dibs``: the UI when it can run, else the help and one line saying
why; and no other command pays for Textual at start-up."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dibs import tui
from dibs.cli.bare import database_option

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "my-app"


def python(code: str, cwd: Path = EXAMPLE) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, its pipes captured (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None)),
        (["-d", "embedded"], (True, "embedded")),
        (["--database-url", "postgresql://h/db"], (True, "postgresql://h/db")),
        (["--database-url=postgresql://h/db"], (True, "postgresql://h/db")),
        (["status"], (False, None)),
        (["-d", "x", "status"], (False, None)),
        (["--help"], (False, None)),
        (["-d"], (False, None)),
        (["status", "-d", "x"], (False, None)),
    ],
)
def test_which_arguments_open_the_ui(args: list[str], expected: tuple[bool, str | None]) -> None:
    assert database_option(args) == expected


@pytest.mark.parametrize("args", [[], ["-d", "postgresql://u:pw@h/db"]])
def test_without_textual_prints_the_help_and_how_to_get_the_ui(args: list[str]) -> None:
    done = python(
        "import sys; sys.modules['textual'] = None\n"
        "from dibs.cli import main\n"
        f"sys.exit(main({args!r}))"
    )
    assert done.returncode == 2
    assert done.stdout.startswith("Usage: dibs")
    assert "generate-from-diff" in done.stdout
    assert done.stderr == tui.INSTALL_HINT + "\n"
    assert "pip install 'styx-dibs[tui]'" in done.stderr
    assert "pw" not in done.stdout + done.stderr


def test_without_a_terminal_prints_the_help_and_says_so() -> None:
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    done = subprocess.run(
        [script], cwd=EXAMPLE, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout.startswith("Usage: dibs")
    assert "opens the terminal UI" in done.stdout
    assert done.stderr == "the terminal UI (`dibs` with no command) needs a terminal\n"


@pytest.mark.parametrize(
    "args",
    [["config-schema"], ["status", "--help"], ["--help"], [], ["-d", "embedded"]],
)
def test_commands_do_not_import_textual(args: list[str]) -> None:
    """The CLI's start-up path stays free of Textual (``[]``: bare ``dibs``
    without a terminal decides without importing it)."""
    done = python(
        "import io, json, sys\n"
        "from contextlib import redirect_stderr, redirect_stdout\n"
        "from dibs.cli import main\n"
        "with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_textual_is_found_without_being_imported() -> None:
    done = python(
        "import sys\nfrom dibs import tui\nprint(tui.available(), 'textual' in sys.modules)"
    )
    assert done.stdout.split() == ["True", "False"]


def test_the_cli_writes_where_the_program_reads(project: Path, migrations_dir: Path) -> None:
    """`dibs generate` (and generate-from-diff, through the same
    `migrations_folder`) writes into the project's package, which is the
    one the db program imports, not into an installed copy."""
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    done = subprocess.run(
        [script, "generate", "probe"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.strip())
    assert written.parent == migrations_dir and written.name.endswith("_probe.sql")


@pytest.mark.parametrize(
    ("given", "environ", "dotenv", "chosen"),
    [
        (
            "postgresql://h/given",
            "postgresql://h/env",
            "postgresql://h/file",
            "postgresql://h/given",
        ),
        (None, "postgresql://h/env", "postgresql://h/file", "postgresql://h/env"),
        (None, None, "postgresql://h/file", "postgresql://h/file"),
    ],
)
def test_the_ui_gets_the_database_the_verbs_would_use(
    given: str | None,
    environ: str | None,
    dotenv: str,
    chosen: str,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dibs.cli import app as cli_app

    opened: list[tuple[Path, str]] = []
    monkeypatch.setattr(tui, "run", lambda located, url: opened.append((located.path, url)) or 0)
    monkeypatch.chdir(project)
    (project / ".env").write_text(f"DATABASE_URL={dotenv}\n")
    if environ is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", environ)
    assert cli_app.open_ui(given) == 0
    assert opened == [(project / ".config" / "dibs.styx", chosen)]


def test_no_database_is_the_clis_error(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dibs.cli import app as cli_app

    monkeypatch.setattr(tui, "run", lambda located, url: pytest.fail("the UI opened"))
    monkeypatch.chdir(project)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert cli_app.open_ui(None) == 2
    assert capsys.readouterr().err.startswith("error: no database URL")
