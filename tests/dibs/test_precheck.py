"""The no-op `migrate` and `status` answered from one lock-free read: no lock,
no DDL, the same answer as the db program's, and the program's own request
whenever the read cannot tell (issue 14)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest

from dibs import operations, precheck, runner
from dibs.cli import main as dibs_main
from dibs.config import load_config
from dibs.migrations import Migration, sql_migration
from dibs.runner import LOCK_KEY, RunOptions, apply, read_applied
from dibs.spawn import DbProgram
from tests.dibs.test_cli import MIGRATIONS, dibs, project  # noqa: F401  (a fixture)

V1, V2 = "2026_01_24_120000", "2026_01_25_090000"
#: A URL for tests that never connect.
URL = "postgresql://dibs@127.0.0.1:5432/never"


def defined() -> list[Migration]:
    """The migrations of the `project` fixture, as its program defines them."""
    return [
        sql_migration(name.removesuffix(".sql"), text, f"migrations/{name}")
        for name, text in MIGRATIONS.items()
    ]


@pytest.fixture
def lock_held(database_url: str) -> Iterator[None]:
    """Another dibs holding the migration lock for the whole test."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        yield


# --- the runner: the same rule, in-process -----------------------------------------


def test_nothing_pending_takes_no_lock(database_url: str) -> None:
    assert apply(database_url, defined(), RunOptions()).ok
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        result = apply(database_url, defined(), RunOptions(lock_wait_ms=0))
    assert result.ok and result.up_to_date and result.error is None, result


def test_work_still_waits_for_the_lock(database_url: str) -> None:
    first, second = defined()
    assert apply(database_url, [first], RunOptions()).ok
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        result = apply(database_url, [first, second], RunOptions(lock_wait_ms=0, lock_poll_ms=10))
    assert not result.ok and result.error is not None
    assert "gave up waiting for the migration lock" in result.error.message


@pytest.mark.parametrize(
    ("edit", "options"),
    [
        ("", RunOptions()),
        ("", RunOptions(to=V1)),
        ("UPDATE _dibs_migrations SET checksum = 'edited'", RunOptions(allow_changed=True)),
        ("INSERT INTO _dibs_migrations (version) VALUES ('2026_12_01_000000')", RunOptions()),
    ],
    ids=["plain", "to", "allowed-changed", "missing"],
)
def test_the_lock_free_answer_is_the_locked_answer(
    database_url: str, options: RunOptions, edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert apply(database_url, defined(), RunOptions()).ok
    if edit:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(edit.encode())
    fast = apply(database_url, defined(), options)
    assert fast.ok and fast.up_to_date
    monkeypatch.setattr(runner, "_nothing_to_do", lambda *args: False)  # as before issue 14
    locked = apply(database_url, defined(), options)
    # the time spent taking the lock is the one difference: none was taken
    assert fast == dataclasses.replace(locked, lock_wait_ms=0)


def test_an_older_tracking_table_is_still_upgraded(database_url: str) -> None:
    """A table from an older dibs (version, applied_at) gains its columns
    even when nothing is pending: that is DDL, so it runs under the lock."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE _dibs_migrations (version text PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute("INSERT INTO _dibs_migrations (version) VALUES (%s), (%s)", (V1, V2))
    result = apply(database_url, defined(), RunOptions())
    assert result.ok and result.up_to_date, result
    with psycopg.connect(database_url, autocommit=True) as conn:
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = '_dibs_migrations'"
            )
        }
    assert {"name", "checksum", "execution_time_ms"} <= columns


def test_no_migrations_on_a_fresh_database_creates_the_table(database_url: str) -> None:
    result = apply(database_url, [], RunOptions())
    assert result.ok and result.up_to_date
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('_dibs_migrations')").fetchone() != (None,)


# --- the CLI's read ------------------------------------------------------------------


def test_the_read_cannot_tell_rather_than_fail(database_url: str, pg_server_url: str) -> None:
    unreachable = "postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    assert precheck.read_applied(unreachable, for_migrate=True) is None
    assert precheck.read_applied("not a url at all", for_migrate=False) is None
    # no table yet: nothing applied for status, a table to create for migrate
    assert precheck.read_applied(database_url, for_migrate=False) == []
    assert precheck.read_applied(database_url, for_migrate=True) is None
    assert apply(database_url, defined(), RunOptions()).ok
    rows = precheck.read_applied(database_url, for_migrate=True)
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert rows == read_applied(conn)


@pytest.mark.parametrize("item_change", [{"kind": "shell"}, {"source_line": "1"}, {"name": None}])
def test_a_strange_listing_cannot_tell(item_change: dict[str, Any]) -> None:
    listed = [{**_listed(m), **item_change} for m in defined()]

    class Program:
        env: ClassVar[dict[str, str]] = {}

        def call(self, method: str, params: Any = None, **_: Any) -> Any:
            assert method == "migrations"
            return listed

    assert precheck.listed_migrations(Program(), URL) is None  # type: ignore[arg-type]


def _listed(migration: Migration) -> dict[str, Any]:
    from dibs.service import _migration_summary

    summary: dict[str, Any] = _migration_summary(migration)
    return summary


def test_the_listing_reads_back_as_the_defined_migrations() -> None:
    class Program:
        env: ClassVar[dict[str, str]] = {}

        def call(self, method: str, params: Any = None, **_: Any) -> Any:
            return [_listed(m) for m in defined()]

    listed = precheck.listed_migrations(Program(), URL)  # type: ignore[arg-type]
    # everything but the SQL text, which a plan does not need
    assert listed == [dataclasses.replace(m, sql=None) for m in defined()]


# --- end to end: the requests the program gets, and the same answers ----------------


@pytest.fixture
def requests(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:  # noqa: F811
    """Run `dibs` in-process in ``project``; the requests its programs get."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(project.parent / "site"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    asked: list[str] = []
    original = DbProgram.call

    def call(self: DbProgram, method: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(method)
        return original(self, method, *args, **kwargs)

    monkeypatch.setattr(DbProgram, "call", call)
    return asked


@pytest.mark.parametrize("route", ["thread", "fork"])
def test_a_no_op_migrate_asks_the_program_only_for_its_list(
    requests: list[str],
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    route: str,
) -> None:
    """The read is made in a forked process (`precheck.Prefetch`) or, where
    that is not possible, in a thread: the program is asked the same."""
    if route == "thread":
        monkeypatch.setattr(precheck.Prefetch, "start", lambda *_, **__: None)
    forked: list[precheck.Prefetch] = []
    start = precheck.Prefetch.start

    def counted_start(*args: Any, **kwargs: Any) -> precheck.Prefetch | None:
        prefetched = start(*args, **kwargs)
        forked.extend([prefetched] if prefetched else [])
        return prefetched

    monkeypatch.setattr(precheck.Prefetch, "start", counted_start)
    assert dibs_main(["migrate", "-d", database_url]) == 0
    assert requests == ["migrations", "migrate"]  # a fresh database: work
    assert "applied 2026_01_25_090000 create_posts" in capsys.readouterr().out
    requests.clear()
    # the CLI's side: one connection, one query
    sent: list[str] = []
    execute = psycopg.Connection.execute

    def counted(self: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", counted)
    connections: list[str] = []
    connect = runner.connect

    def counted_connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
        connections.append(url)
        return connect(url, **kwargs)

    monkeypatch.setattr(runner, "connect", counted_connect)
    assert dibs_main(["migrate", "-d", database_url]) == 0
    assert requests == ["migrations"]
    assert capsys.readouterr().out.endswith(": up to date\n")
    if route == "thread":
        assert connections == [database_url] and sent == [runner.SELECT_APPLIED]
    else:  # the read was the child's (`test_prefetch` checks what it does)
        assert connections == [] and sent == [] and len(forked) == 2
    requests.clear()
    assert dibs_main(["status", "-d", database_url, "--exit-code"]) == 0
    assert requests == ["migrations"]


def test_a_no_op_migrate_does_not_wait_for_a_busy_lock(
    project: Path,  # noqa: F811
    database_url: str,
) -> None:
    assert dibs(project, "migrate", "-d", database_url).returncode == 0
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        done = dibs(project, "migrate", "-d", database_url)
    assert done.returncode == 0 and done.stdout.endswith(": up to date\n"), done.stderr


def test_a_database_the_cli_cannot_read_is_the_programs_to_report(
    requests: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    assert dibs_main(["status", "-d", url]) != 0
    assert requests == ["migrations", "status"]
    assert dibs_main(["migrate", "-d", url]) != 0
    assert requests[2:] == ["migrations", "migrate"]
    assert "Traceback" not in capsys.readouterr().err


def _states(database_url: str) -> Iterator[str]:
    """The database in one state after another (each named): fresh, half
    migrated, up to date, an applied migration edited, one no longer defined."""

    def run(text: str) -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(text.encode(), (V1,))

    yield "fresh"
    apply(database_url, defined()[:1], RunOptions())
    yield "half"
    apply(database_url, defined(), RunOptions())
    yield "up to date"
    run("INSERT INTO _dibs_migrations (version, name) VALUES ('2026_12_01_000000', %s)")
    yield "one missing"
    run("UPDATE _dibs_migrations SET checksum = 'x' WHERE version = %s")
    yield "one edited"


def test_status_and_migrate_answer_as_the_program_does(
    project: Path,  # noqa: F811
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(project.parent / "site"))
    located = load_config()
    for state in _states(database_url):
        for options in (RunOptions(dry_run=True), RunOptions()):
            with DbProgram.from_config(located) as program:
                status = program.call("status", {"database_url": database_url})
                if status["pending"] and not options.dry_run:
                    continue  # work: the program's own migrate is the only one
                expected = program.call(
                    "migrate", {"database_url": database_url, "options": asdict(options)}
                )
            assert operations.status(located, database_url) == status, state
            answer = operations.migrate(located, database_url, options)
            if expected["refusals"]:  # under the lock both times, however long it took
                answer["lock_wait_ms"] = expected["lock_wait_ms"] = 0
            assert json.dumps(answer) == json.dumps(expected), state


# --- the program does not import psycopg for a list ----------------------------------


@pytest.mark.parametrize("preload", [True, False])
def test_the_cli_tells_the_program_whether_to_preload(preload: bool) -> None:
    import io
    import sys

    shown = io.StringIO()
    program = DbProgram(
        [sys.executable, "-c", "import os; print(os.environ.get('DIBS_CLI_PRELOAD'))"],
        output=shown,
        preload=preload,
    )
    program.launch()
    try:
        assert program.process is not None
        program.process.wait(timeout=30)
    finally:
        program.terminate()
    assert shown.getvalue().split() == ["[python]", "None" if preload else "0"]


@pytest.mark.parametrize(
    ("setting", "database_url", "preloaded"),
    [(None, None, True), ("1", None, True), ("0", None, False), ("0", "postgresql://h/d", False)],
)
def test_the_program_preloads_its_runner_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, database_url: str | None, preloaded: bool
) -> None:
    """Told not to, it does not even with DATABASE_URL set: the CLI sends
    what libpq's parser made of that URL with its listing request, so
    masking it in the answer needs no psycopg (`protocol.READINGS`)."""
    from dibs import service

    started: list[bool] = []
    monkeypatch.setattr(service, "_preload_runner", lambda: started.append(True))
    if database_url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", database_url)
    if setting is None:
        monkeypatch.delenv("DIBS_CLI_PRELOAD", raising=False)
    else:
        monkeypatch.setenv("DIBS_CLI_PRELOAD", setting)
    monkeypatch.delenv("DIBS_CLI_ADDR", raising=False)  # it then stops at once
    with pytest.raises(SystemExit):
        service.run_service(package="my_app_db")
    assert started == ([True] if preloaded else [])


def test_a_conversation_finds_its_migrations_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI lists, then migrates exactly what it listed: the program reads
    and hashes the files once per connection, not once per request."""
    from dibs import migrations, service

    found: list[str] = []

    def discover(package: str) -> list[Migration]:
        found.append(package)
        return defined()

    monkeypatch.setattr(migrations, "discover", discover)
    conversation: dict[str, Any] = {}
    for _ in range(2):
        context = service.Context(lambda message: None, "my_app_db", conversation)
        listed = service.handle_migrations({}, context)
        assert [m["version"] for m in listed] == [V1, V2]
    assert found == ["my_app_db"]
    # a new connection finds them again
    service.handle_migrations({}, service.Context(lambda message: None, "my_app_db"))
    assert found == ["my_app_db", "my_app_db"]


def test_a_refused_listing_is_the_answer_and_an_unknown_one_falls_back(
    requests: list[str],
    database_url: str,
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = project.parent / "site" / "my_app_db" / "migrations" / "m2026_01_24_130000_x.sql"
    bad.write_text("SELECT 1;\n")
    twin = bad.with_name("m2026_01_24_130000_y.sql")
    twin.write_text("SELECT 2;\n")  # two migrations, one version
    for verb in ("migrate", "status"):
        assert dibs_main([verb, "-d", database_url]) != 0
        assert requests == ["migrations"], verb  # not asked again
        assert "is also used by" in capsys.readouterr().err
        requests.clear()
    twin.unlink()

    class Older:
        """A program whose dibs predates the listing request."""

        def __init__(self, program: DbProgram) -> None:
            self.program = program
            self.env = program.env

        def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
            if method == "migrations":
                from dibs.protocol import METHOD_NOT_FOUND, RemoteError

                raise RemoteError(METHOD_NOT_FOUND, "unknown method 'migrations'")
            return self.program.call(method, *args, **kwargs)

    located = load_config()
    with DbProgram.from_config(located) as program:
        older = Older(program)
        assert precheck.listed_migrations(older, database_url) is None  # type: ignore[arg-type]
