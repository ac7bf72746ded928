"""What `dibs` writes: one failure shape, progress only on a terminal, one
summary naming the database, colour by one rule, no traceback ever."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dibs.cli import commands
from dibs.cli import main as dibs_main
from tests.dibs.test_cli import dibs, project, with_password

__all__ = ["project"]  # the fixture, shared with test_cli.py

ANSI = "\x1b["


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["migrate", "--lock-timeout-ms", "-1"], "--lock-timeout-ms"),
        (["migrate", "--statement-timeout-ms", "-5"], "--statement-timeout-ms"),
        (["status", "--color", "blue"], "--color"),
        (["status", "--no-such-option"], "--no-such-option"),
        (["baseline"], "version"),
        (["no-such-verb"], "no-such-verb"),
    ],
)
def test_usage_errors_are_one_error_line_exit_2_before_anything_runs(
    project: Path, argv: list[str], needle: str
) -> None:
    done = dibs(project, *argv, env={"DATABASE_URL": "postgresql://u@127.0.0.1:1/db"})
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert needle.lower() in done.stderr.splitlines()[0].lower()  # (typers spell it apart)
    assert "hint: `dibs" in done.stderr
    # the early program was let go without a word, nothing else ran
    assert "[my-app-db]" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_url_put_where_no_option_takes_it_is_masked(project: Path) -> None:
    url = "postgresql://postgres:misplaced-pw@127.0.0.1:1/db"
    done = dibs(project, "migrate", url)
    assert done.returncode == 2
    assert "unexpected extra argument" in done.stderr
    assert "misplaced-pw" not in done.stdout + done.stderr
    assert "postgresql://postgres:***@127.0.0.1:1/db" in done.stderr


def test_missing_url_the_early_program_says_nothing(project: Path) -> None:
    done = dibs(project, "migrate")
    assert done.returncode == 2
    assert done.stderr.startswith("error: no database URL")
    assert "[my-app-db]" not in done.stderr


def test_a_password_in_d_is_warned_about_not_in_the_environment(
    project: Path, database_url: str
) -> None:
    url = with_password(database_url, "visible-in-ps")
    given = dibs(project, "status", "-d", url)
    assert given.returncode == 0, given.stderr
    assert "warning: the password given with -d is visible" in given.stderr
    assert "visible-in-ps" not in given.stdout + given.stderr
    quiet = dibs(project, "status", env={"DATABASE_URL": url})
    assert quiet.returncode == 0 and "warning" not in quiet.stderr


def test_the_summary_names_the_database_never_its_password(
    project: Path, database_url: str
) -> None:
    if not urlsplit(database_url).hostname:
        pytest.skip("needs a TCP server URL (set DIBS_TEST_DATABASE_URL)")
    url = with_password(database_url, "pa#ss-word")
    name = url.rsplit("/", 1)[1]
    first = dibs(project, "migrate", env={"DATABASE_URL": url})
    assert first.returncode == 0, first.stderr
    assert f"database {name} on 127.0.0.1:" in first.stdout.splitlines()[-1]
    assert "2 migrations applied" in first.stdout
    again = dibs(project, "migrate", "--json", env={"DATABASE_URL": url})
    assert '"database": "user=postgres password=*** dbname=' in again.stdout
    assert "pa#ss" not in first.stdout + first.stderr + again.stdout + again.stderr


def test_status_exit_codes_tell_pending_from_cannot_tell(project: Path, database_url: str) -> None:
    assert dibs(project, "status", "--exit-code", "-d", database_url).returncode == 1
    unreachable = "postgresql://postgres@127.0.0.1:1/postgres"  # nothing listens on port 1
    down = dibs(project, "status", "--exit-code", "-d", unreachable)
    assert down.returncode == 2
    assert down.stderr.startswith("error: cannot connect to database")


def run_on_a_terminal(project: Path, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run dibs with stderr on a pseudo-terminal (stdout a pipe)."""
    primary, secondary = pty.openpty()
    script = Path(sys.executable).parent / "dibs"
    environment = {**os.environ, **env, "PYTHONPATH": str(project.parent / "site")}
    environment.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [str(script), *args],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=secondary,
        text=True,
    )
    os.close(secondary)
    err = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal's other side closed
            break
        if not chunk:
            break
        err += chunk
    out = process.stdout.read() if process.stdout else ""
    os.close(primary)
    return process.wait(60), out, err.decode().replace("\r\n", "\n")


def test_progress_on_a_terminal_and_the_migrations_listed_once(
    project: Path, database_url: str
) -> None:
    code, out, err = run_on_a_terminal(
        project, "migrate", "-d", database_url, env={"NO_COLOR": "1"}
    )
    assert code == 0, err
    assert "[1/2] applying 2026_01_24_120000 create_users" in err
    # shown as progress, so the summary does not list them again
    assert "create_users" not in out
    assert out.strip().endswith("2 migrations applied, up to date")


def test_no_progress_in_a_log_and_the_summary_lists_each(project: Path, database_url: str) -> None:
    done = dibs(project, "migrate", "-d", database_url)
    assert done.returncode == 0
    assert "[1/2]" not in done.stderr
    assert "applied 2026_01_24_120000 create_users" in done.stdout
    assert (done.stdout + done.stderr).count("create_users") == 1


@pytest.mark.parametrize("verb", ["status", "migrate", "check", "diff", "baseline"])
def test_colour_is_one_rule_for_every_verb(project: Path, database_url: str, verb: str) -> None:
    args = [verb, "-d", database_url]
    if verb == "baseline":
        args.insert(1, "2026_01_24_120000")
    plain = dibs(project, *args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ANSI not in plain.stdout + plain.stderr  # NO_COLOR wins
    coloured = dibs(project, *args, "--color", "always")
    assert ANSI in coloured.stdout + coloured.stderr, coloured


def test_an_error_is_coloured_on_request(project: Path) -> None:
    done = dibs(project, "migrate", "--color", "always")
    assert done.returncode == 2 and done.stderr.startswith(ANSI)
    assert "error" in done.stderr


def test_an_unexpected_exception_is_an_internal_error(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://u:internal-pw@127.0.0.1:1/db"
    monkeypatch.chdir(project)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DIBS_DEBUG", raising=False)

    def broken(*args: object, **kwargs: object) -> int:
        raise KeyError(f"no such thing in {url}")

    # the body of `dibs status`, which both routes to it run (`dibs.cli.quick`)
    monkeypatch.setattr(commands, "status", broken)
    assert dibs_main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: internal error: KeyError: ")
    assert "hint: this is a bug in dibs" in err and "DIBS_DEBUG=1" in err
    assert "Traceback" not in err and "internal-pw" not in err

    monkeypatch.setenv("DIBS_DEBUG", "1")
    assert dibs_main(["status"]) == 2
    debug = capsys.readouterr().err
    assert "Traceback" in debug and "internal-pw" not in debug
    assert "postgresql://u:***@127.0.0.1:1/db" in debug


def test_the_programs_output_is_shown_once(project: Path) -> None:
    """Relayed as it came; the error does not repeat it as "last output"."""
    program = project / "bin" / "db"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho 'cannot import my_app_db.tables: boom-line' >&2\nexit 3\n")
    program.chmod(0o755)
    (project / ".config" / "dibs.styx").write_text('db {\n    binary "bin/db"\n}\n')
    done = dibs(project, "status", "-d", "postgresql://u@127.0.0.1:1/db")
    assert done.returncode == 2
    assert done.stderr.count("boom-line") == 1, done.stderr
    assert "error: db program db exited with status 3 before connecting to dibs" in done.stderr
    assert "hint: the db program's output is above" in done.stderr


@pytest.mark.parametrize("argv", [["migrate"], ["baseline"], ["status", "--color", "blue"]])
def test_an_early_program_nobody_used_is_never_heard(project: Path, argv: list[str]) -> None:
    """It was launched before the arguments were read; it failed at once
    (no such package), but the command failed first: only that is said."""
    (project / ".config" / "dibs.styx").write_text("db {\n    crate no-such-db-package\n}\n")
    done = dibs(project, *argv)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "no_such_db_package" not in done.stderr and "[" not in done.stderr, done.stderr


def test_the_program_used_is_heard_from_the_start(project: Path) -> None:
    (project / ".config" / "dibs.styx").write_text("db {\n    crate no-such-db-package\n}\n")
    done = dibs(project, "status", "-d", "postgresql://u@127.0.0.1:1/db")
    assert done.returncode == 2
    assert "[no-such-db-package]" in done.stderr and "No module named" in done.stderr
