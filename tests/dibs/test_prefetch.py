"""The no-op path's database read in a forked process (`precheck.Prefetch`),
the URL readings it hands back (`redaction.Reading`), and what the CLI and
the db program then no longer import (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dibs import precheck, redaction
from dibs.runner import RunOptions, apply
from tests.dibs.test_cli import dibs, project, with_password  # noqa: F401  (a fixture)
from tests.dibs.test_precheck import _states, defined

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


@pytest.fixture(autouse=True)
def fresh_readings() -> Iterator[None]:
    """Each test starts with no remembered readings and no prefetch."""
    redaction._readings.clear()
    redaction._pending = None
    yield
    precheck.discard()
    redaction._readings.clear()
    redaction._pending = None


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_forked_read_is_the_threads_read(database_url: str) -> None:
    for state in _states(database_url):
        for for_migrate in (True, False):
            expected = precheck.read_applied(database_url, for_migrate=for_migrate)
            precheck.prefetch(database_url, for_migrate=for_migrate)
            prefetched = precheck._prefetched
            assert prefetched is not None, "forked"
            rows = precheck.read_in_background(database_url, for_migrate=for_migrate)()
            assert rows == expected, (state, for_migrate)
            assert precheck._prefetched is None and _reaped(prefetched.pid)


def test_a_prefetch_for_another_read_is_not_used(database_url: str) -> None:
    apply(database_url, defined(), RunOptions())
    precheck.prefetch("postgresql://postgres@127.0.0.1:1/elsewhere", for_migrate=True)
    other = precheck._prefetched
    assert other is not None
    rows = precheck.read_in_background(database_url, for_migrate=False)()
    assert rows is not None and [row.version for row in rows] == [m.version for m in defined()]
    assert _reaped(other.pid)


def test_an_unused_prefetch_is_stopped_and_reaped() -> None:
    precheck.prefetch("postgresql://postgres@127.0.0.1:1/nothing", for_migrate=True)
    prefetched = precheck._prefetched
    assert prefetched is not None
    precheck.discard()
    assert precheck._prefetched is None and _reaped(prefetched.pid)


@pytest.mark.parametrize("why", ["threads", "no fork", "fork fails"])
def test_no_fork_where_it_is_unsafe_or_impossible(
    monkeypatch: pytest.MonkeyPatch, database_url: str, why: str
) -> None:
    """Then the read is the thread's, as before."""
    if why == "threads":
        monkeypatch.setattr(precheck.threading, "active_count", lambda: 2)
    elif why == "no fork":
        monkeypatch.delattr(os, "fork")
    else:

        def fail() -> int:
            raise OSError("no more processes")

        monkeypatch.setattr(os, "fork", fail)
    assert precheck.Prefetch.start(database_url, for_migrate=True) is None
    precheck.prefetch(database_url, for_migrate=True)
    assert precheck._prefetched is None
    rows = precheck.read_in_background(database_url, for_migrate=False)()
    assert rows == []  # no table yet: status reads it as empty


SECRET = "s3cr#t/p@ss w%rd"
URL_SHAPES = [
    "postgresql://dibs:plain@127.0.0.1:1/db",
    "postgresql://dibs:" + "s3cr%23t%2Fp%40ss%20w%25rd" + "@127.0.0.1:1/db",
    "postgresql://dibs@127.0.0.1:1/db?password=" + "s3cr%23t",
    f"host=127.0.0.1 port=1 dbname=db user=dibs password='{SECRET}'",
    "postgresql://dibs:p@ss@127.0.0.1:1/db",  # an unencoded @: refused
    "mysql://dibs:secret@127.0.0.1/db",
    "not a url at all",
    "postgresql://[::1:5432/db",
]


@pytest.mark.parametrize("url", URL_SHAPES)
def test_the_childs_readings_are_libpqs(url: str, capfd: pytest.CaptureFixture[str]) -> None:
    """What the CLI remembers from the child is what psycopg's parser says
    here; and the child writes nothing, wherever it fails."""
    also = ["postgresql://other:pw0rd@127.0.0.1:1/x"]
    prefetched = precheck.Prefetch.start(url, for_migrate=True, urls=also)
    assert prefetched is not None
    assert prefetched.rows() is None  # port 1: nothing answers
    got = dict(redaction._readings)
    assert set(got) == {url, *also}
    for each in (url, *also):
        assert got[each] == redaction._read(each), each
    assert capfd.readouterr() == ("", "")


def test_a_reading_travels_as_json_and_never_shows_its_password() -> None:
    url = f"host=h dbname=db user=u password='{SECRET}'"
    reading = redaction.read(url)
    assert redaction.Reading.from_json(json.loads(json.dumps(reading.as_json()))) == reading
    assert SECRET not in repr(reading) and SECRET not in reading.redacted
    assert redaction.parse(url)["password"] == SECRET


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"u": None},
        {"u": {"params": {"password": 1}, "message": "", "hint": "", "redacted": ""}},
        {"u": {"params": None, "message": None, "hint": "", "redacted": ""}},
        {"u": {"params": "x", "message": "", "hint": "", "redacted": ""}},
        {1: {"params": None, "message": "", "hint": "", "redacted": ""}},
    ],
)
def test_malformed_readings_are_ignored(value: Any) -> None:
    redaction.remember_json(value)
    assert redaction._readings == {}


def test_an_awaited_reading_is_awaited_once_and_a_missing_one_parsed_here() -> None:
    waited: list[int] = []
    url, other = "postgresql://u:pw0rd@h/db", "postgresql://v:pw1rd@h/db"

    def wait() -> None:
        waited.append(1)
        redaction.remember(url, redaction.Reading({"password": "given"}, redacted="shown"))

    redaction.expect([url, other], wait)
    assert redaction.redact(url) == "shown" and redaction.parse(url) == {"password": "given"}
    assert redaction.parse(other)["password"] == "pw1rd"  # not delivered: parsed here
    assert waited == [1]


# --- what the processes import ------------------------------------------------------

_REPORT_IMPORTS = """
import sys
from dibs.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(m for m in ("psycopg", "typer", "rich") if m in sys.modules)),
      file=sys.stderr)
sys.exit(code)
""".replace("import sys", "import json, sys", 1)


@pytest.mark.parametrize("verb", ["migrate", "status"])
@pytest.mark.parametrize("source", ["-d", "DATABASE_URL"])
def test_a_no_op_cli_never_imports_psycopg(
    project: Path,  # noqa: F811
    database_url: str,
    verb: str,
    source: str,
) -> None:
    """Its database read and URL parsing happen in the forked child; the
    db program gets the readings with its request (checked in the next
    test); what the CLI itself loads is reported on its last line."""
    assert dibs(project, "migrate", "-d", database_url).returncode == 0
    url = with_password(database_url, "pw-secret")
    args, env = ([verb, "-d", url], {}) if source == "-d" else ([verb], {"DATABASE_URL": url})
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PYTHONPATH": os.pathsep.join([str(project.parent / "site"), *sys.path]),
        "NO_COLOR": "1",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", _REPORT_IMPORTS, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    # trust auth: the password is ignored by the server, but never shown
    assert done.returncode == 0, done.stderr
    assert "pw-" not in done.stdout + done.stderr
    assert json.loads(done.stderr.splitlines()[-1]) == []


def test_the_db_program_lists_without_psycopg_when_given_the_readings(
    project: Path,  # noqa: F811
    database_url: str,
) -> None:
    """With DATABASE_URL in its environment, the program masks that URL's
    password in its listing using the readings the CLI sent along."""
    main = project.parent / "site" / "my_app_db" / "__main__.py"
    main.write_text(
        "import atexit, sys\n"
        "atexit.register(lambda: print('psycopg imported:', 'psycopg' in sys.modules,"
        " file=sys.stderr))\n" + main.read_text()
    )
    assert dibs(project, "migrate", "-d", database_url).returncode == 0
    url = with_password(database_url, "pw-secret")
    done = dibs(project, "migrate", env={"DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(": up to date\n")
    assert "[my-app-db] psycopg imported: False" in done.stderr
    assert "pw-secret" not in done.stdout + done.stderr


def test_the_script_flushes_everything_before_its_quick_exit(
    project: Path,  # noqa: F811
    database_url: str,
) -> None:
    """`dibs.cli.entry` ends a quick command with ``os._exit``: what it said
    reaches a pipe whole, and the exit code is the command's."""
    for name in (f"m2026_02_{i:02d}_000000_t{i}.sql" for i in range(1, 29)):
        path = project.parent / "site" / "my_app_db" / "migrations" / name
        path.write_text("SELECT 1;\n")
    pending = dibs(project, "status", "-d", database_url, "--exit-code")
    assert pending.returncode == 1
    assert pending.stdout.count("pending") >= 30 and pending.stdout.endswith("\n")
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    done = dibs(project, "migrate", "-d", database_url, "--json")
    assert done.returncode == 0 and len(json.loads(done.stdout)["applied"]) == 30
    again = dibs(project, "status", "-d", database_url, "--exit-code", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["pending"] == []
