"""The runner against a real PostgreSQL (see conftest.py for which one)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import asdict
from typing import Any

import psycopg
import pytest

from dibs.migrations import Migration, python_migration, sql_migration
from dibs.runner import (
    LOCK_KEY,
    MigrationContext,
    RunOptions,
    RunResult,
    apply,
    baseline,
    status,
)

V1, V2, V3, V4 = (f"2026_01_0{i}_120000" for i in range(1, 5))


def sql(version: str, name: str, text: str) -> Migration:
    return sql_migration(f"m{version}_{name}", text, f"migrations/m{version}_{name}.sql")


class Logs:
    """Collects ``log(level, message)`` calls."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, level: str, message: str) -> None:
        with self._lock:
            self.lines.append((level, message))

    def text(self) -> str:
        return "\n".join(f"{level}: {message}" for level, message in self.lines)


def query(url: str, text: str, params: Any = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(text.encode(), params)
        return cursor.fetchall() if cursor.description is not None else []


def m2026_01_03_120000_backfill_names(ctx: MigrationContext) -> None:
    from psycopg import sql as pgsql

    ctx.execute(
        pgsql.SQL("ALTER TABLE {} ADD COLUMN display_name text").format(pgsql.Identifier("users"))
    )
    ctx.backfill(
        "SELECT id FROM users WHERE display_name IS NULL",
        "UPDATE users SET display_name = split_part(email, '@', 1) WHERE id = ANY(%s)",
        batch_size=7,
    )


def basic() -> list[Migration]:
    return [
        sql(V1, "create_users", "CREATE TABLE users (id bigserial PRIMARY KEY, email text);"),
        sql(
            V2,
            "seed",
            "INSERT INTO users (email) SELECT 'user' || g || '@example.com' "
            "FROM generate_series(1, 50) g;",
        ),
        python_migration(m2026_01_03_120000_backfill_names),
    ]


def test_apply_then_reapply_is_a_no_op(database_url: str) -> None:
    logs = Logs()
    result = apply(database_url, basic(), RunOptions(), logs)
    assert result.ok, result.error
    assert [m.version for m in result.applied] == [V1, V2, V3]
    assert not result.up_to_date
    assert query(database_url, "SELECT count(*) FROM users WHERE display_name IS NULL") == [(0,)]
    assert query(database_url, "SELECT display_name FROM users WHERE id = 3") == [("user3",)]
    rows = query(
        database_url,
        "SELECT version, name, checksum, applied_at IS NOT NULL, execution_time_ms >= 0 "
        "FROM _dibs_migrations ORDER BY version",
    )
    assert rows == [(m.version, m.name, m.checksum, True, True) for m in basic()]
    assert "[1/3] applying 2026_01_01_120000 create_users" in logs.text()
    assert "backfill done: 50 rows updated in 8 batches" in logs.text()

    before = len(logs.lines)
    again = apply(database_url, basic(), RunOptions(), logs)
    assert again.ok and again.up_to_date and again.applied == []
    assert logs.lines[before:] == []  # nothing ran: no progress; the result says it
    json.dumps(asdict(again))


def test_status(database_url: str) -> None:
    fresh = status(database_url, basic())
    assert fresh.pending == [V1, V2, V3] and fresh.current is None
    assert query(database_url, "SELECT to_regclass('_dibs_migrations') IS NULL") == [(True,)]
    apply(database_url, basic()[:2], RunOptions())
    later = status(database_url, basic())
    assert later.applied == [V1, V2] and later.pending == [V3] and later.current == V2
    assert not later.up_to_date
    states = {m.version: m for m in later.migrations}
    assert states[V1].applied_at is not None and states[V1].location.endswith(".sql:1")
    json.dumps(asdict(later))


FAILING = "INSERT INTO t VALUES (1);\nINSERT INTO t\n  VALUES (2),\n  (3 +);\n"


def test_failure_rolls_back_and_stops(database_url: str) -> None:
    migrations = [
        sql(V1, "create_t", "CREATE TABLE t (n int);"),
        sql(V2, "broken", FAILING),
        sql(V3, "later", "CREATE TABLE later (n int);"),
    ]
    logs = Logs()
    result = apply(database_url, migrations, RunOptions(), logs)
    assert not result.ok
    assert [m.version for m in result.applied] == [V1]
    error = result.error
    assert error is not None
    assert (error.version, error.name, error.sql and error.sql.sqlstate) == (V2, "broken", "42601")
    assert "syntax error" in error.message
    # Only the failing statement is shown, the position counts within it, and
    # file:line is the line of the file the error is on.
    assert error.sql.statement == "INSERT INTO t\n  VALUES (2),\n  (3 +)"
    assert error.sql.position == error.sql.statement.index(")", error.sql.statement.index("+")) + 1
    assert error.location == f"migrations/m{V2}_broken.sql:4:7"  # line and column
    assert "4 |   (3 +)\n  |       ^" in error.rendered  # numbered in the file's lines
    assert "rolled back" in error.rendered
    assert "failed" not in logs.text()  # the error is in the result, shown once
    assert query(database_url, "SELECT count(*) FROM t") == [(0,)]
    assert query(database_url, "SELECT to_regclass('later') IS NULL") == [(True,)]
    assert query(database_url, "SELECT version FROM _dibs_migrations") == [(V1,)]
    json.dumps(asdict(result))


def m2026_01_02_120000_python_fails(ctx: MigrationContext) -> None:
    ctx.execute("CREATE TABLE made (n int)")
    ctx.execute("SELECT no_such_function(%s)", (1,))


def m2026_01_03_120000_unique(ctx: MigrationContext) -> None:
    ctx.execute("CREATE TABLE u (id int PRIMARY KEY)")
    ctx.execute("INSERT INTO u VALUES (1), (1)")


def test_python_failure_fields(database_url: str) -> None:
    result = apply(database_url, [python_migration(m2026_01_02_120000_python_fails)], RunOptions())
    error = result.error
    assert error is not None and error.sql is not None and error.sql.sqlstate == "42883"
    assert error.sql.hint and "No function matches" in error.sql.hint
    assert error.sql.statement == "SELECT no_such_function(%s)"
    assert error.sql.position == 8
    line = m2026_01_02_120000_python_fails.__code__.co_firstlineno + 2
    assert error.location == f"{__file__}:{line}"
    assert query(database_url, "SELECT to_regclass('made') IS NULL") == [(True,)]

    second = apply(database_url, [python_migration(m2026_01_03_120000_unique)], RunOptions())
    assert second.error is not None and second.error.sql is not None
    assert second.error.sql.sqlstate == "23505"
    assert second.error.sql.detail == "Key (id)=(1) already exists."
    assert "DETAIL: Key (id)=(1) already exists." in second.error.rendered


def test_changed_checksum_refused_unless_allowed(database_url: str) -> None:
    original = [sql(V1, "a", "CREATE TABLE a (n int);"), sql(V2, "b", "CREATE TABLE b (n int);")]
    assert apply(database_url, original[:1], RunOptions()).ok
    edited = [sql(V1, "a", "CREATE TABLE a (n bigint);"), original[1]]
    assert status(database_url, edited).changed == [V1]
    refused = apply(database_url, edited, RunOptions())
    assert not refused.ok and [r.reason for r in refused.refusals] == ["changed"]
    assert refused.applied == [] and refused.error is None
    assert query(database_url, "SELECT to_regclass('b') IS NULL") == [(True,)]
    allowed = apply(database_url, edited, RunOptions(allow_changed=True))
    assert allowed.ok and [m.version for m in allowed.applied] == [V2]
    assert allowed.warnings


CONCURRENT_INDEX = (
    "-- dibs: no-transaction\n"
    "CREATE INDEX CONCURRENTLY items_n ON items (n);\n"
    "CREATE INDEX CONCURRENTLY items_n2 ON items ((n * 2));\n"
)


def test_non_transactional_migration(database_url: str) -> None:
    items = sql(V1, "items", "CREATE TABLE items (n int); INSERT INTO items VALUES (1), (2);")
    index = sql(V2, "index", CONCURRENT_INDEX)
    assert not index.transactional
    result = apply(database_url, [items, index], RunOptions())
    assert result.ok, result.error and result.error.rendered
    assert [m.transactional for m in result.applied] == [True, False]
    assert query(
        database_url,
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relname LIKE 'items_n%' ORDER BY 1",
    ) == [("items_n", True), ("items_n2", True)]
    assert query(database_url, "SELECT version FROM _dibs_migrations ORDER BY 1") == [(V1,), (V2,)]


def test_concurrent_index_without_marker_fails_clearly(database_url: str) -> None:
    items = sql(V1, "items", "CREATE TABLE items (n int);")
    index = sql(V2, "index", CONCURRENT_INDEX.split("\n", 1)[1])
    result = apply(database_url, [items, index], RunOptions())
    assert result.error is not None and result.error.sql.sqlstate == "25001"
    assert status(database_url, [items, index]).pending == [V2]


def test_dry_run_changes_nothing(database_url: str) -> None:
    logs = Logs()
    result = apply(database_url, basic(), RunOptions(dry_run=True), logs)
    assert result.ok and result.dry_run
    assert [m.version for m in result.applied] == [V1, V2, V3]
    assert result.applied[1].location and logs.lines == []  # nothing ran: no progress
    assert query(database_url, "SELECT to_regclass('users'), to_regclass('_dibs_migrations')") == [
        (None, None)
    ]


def test_to_version(database_url: str) -> None:
    first = apply(database_url, basic(), RunOptions(to=V2))
    assert first.ok and [m.version for m in first.applied] == [V1, V2]
    assert status(database_url, basic()).pending == [V3]
    unknown = apply(database_url, basic(), RunOptions(to="2030_01_01_000000"))
    assert not unknown.ok and unknown.refusals[0].reason == "unknown_target"
    rest = apply(database_url, basic(), RunOptions())
    assert [m.version for m in rest.applied] == [V3]


def test_baseline(database_url: str) -> None:
    query(database_url, "CREATE TABLE users (id bigserial PRIMARY KEY, email text)")
    marked = baseline(database_url, V1, basic())
    assert marked.ok and [m.version for m in marked.applied] == [V1]
    assert query(database_url, "SELECT version, execution_time_ms FROM _dibs_migrations") == [
        (V1, 0)
    ]
    result = apply(database_url, basic(), RunOptions())
    assert result.ok and [m.version for m in result.applied] == [V2, V3]
    bad = baseline(database_url, "2030_01_01_000000", basic())
    assert not bad.ok and bad.refusals[0].reason == "unknown_target"


def test_out_of_order_refused_unless_allowed(database_url: str) -> None:
    a, b, c = (sql(v, f"t{v[-8:-6]}", f"CREATE TABLE t{v[8:10]} (n int);") for v in (V1, V2, V3))
    assert apply(database_url, [a, c], RunOptions()).ok
    refused = apply(database_url, [a, b, c], RunOptions())
    assert not refused.ok and refused.refusals[0].reason == "out_of_order"
    assert refused.refusals[0].versions == [V2]
    allowed = apply(database_url, [a, b, c], RunOptions(allow_out_of_order=True))
    assert allowed.ok and [m.version for m in allowed.applied] == [V2]


def test_lock_timeout_applies_to_migrations(database_url: str) -> None:
    query(database_url, "CREATE TABLE busy (n int)")
    with psycopg.connect(database_url) as holder:
        holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result = apply(
            database_url,
            [sql(V1, "alter", "ALTER TABLE busy ADD COLUMN m int;")],
            RunOptions(lock_timeout_ms=200, statement_timeout_ms=5000),
        )
        assert time.monotonic() - started < 4
    assert result.error is not None and result.error.sql.sqlstate == "55P03"


def test_password_never_shown(database_url: str) -> None:
    url = "postgresql://dibs:s3cretpw@127.0.0.1:1/nowhere?connect_timeout=2"
    logs = Logs()
    result = apply(url, basic(), RunOptions(), logs)
    assert not result.ok and result.error is not None
    dumped = json.dumps(asdict(result)) + logs.text()
    assert "s3cretpw" not in dumped
    assert result.database == (
        "user=dibs password=*** connect_timeout=2 dbname=nowhere host=127.0.0.1 port=1"
    )
    assert "cannot connect to database nowhere on 127.0.0.1:1" in result.error.message


def m2026_01_02_120000_slow_counted(ctx: MigrationContext) -> None:
    ctx.execute("SELECT pg_sleep(0.3)")
    ctx.execute("INSERT INTO hits VALUES ('python')")


def test_eight_concurrent_runners_apply_each_migration_once(database_url: str) -> None:
    migrations = [
        sql(V1, "hits", "CREATE TABLE hits (who text); INSERT INTO hits VALUES ('v1');"),
        python_migration(m2026_01_02_120000_slow_counted),
        sql(V3, "more", "SELECT pg_sleep(0.2); INSERT INTO hits VALUES ('v3');"),
    ]
    results: list[RunResult] = []
    logs = Logs()
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        results.append(apply(database_url, migrations, RunOptions(lock_poll_ms=50), logs))

    threads = [threading.Thread(target=run, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 8, "a runner hung"
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert sorted(m.version for r in results for m in r.applied) == [V1, V2, V3]
    assert sum(r.up_to_date for r in results) >= 7
    assert sorted(query(database_url, "SELECT who FROM hits")) == [("python",), ("v1",), ("v3",)]
    assert "waiting for it" in logs.text()


def m2026_01_02_120000_concurrent_index(ctx: MigrationContext) -> None:
    # Long enough for the second runner to be waiting while the index builds.
    ctx.execute("SELECT pg_sleep(1)")
    ctx.execute("CREATE INDEX CONCURRENTLY items_n ON items (n)")


def test_create_index_concurrently_does_not_deadlock_with_a_waiting_runner(
    database_url: str,
) -> None:
    migrations = [
        sql(
            V1,
            "items",
            "CREATE TABLE items (n int); INSERT INTO items SELECT generate_series(1, 1000);",
        ),
        python_migration(m2026_01_02_120000_concurrent_index, transaction=False),
    ]
    # A deadlock would make the index build wait forever: statement_timeout
    # turns that into a failure, and the joins below bound the test.
    options = RunOptions(statement_timeout_ms=15000, lock_poll_ms=50)
    logs = Logs()
    results: dict[str, RunResult] = {}

    def run(label: str) -> None:
        results[label] = apply(database_url, migrations, options, logs)

    first = threading.Thread(target=run, args=("first",), daemon=True)
    second = threading.Thread(target=run, args=("second",), daemon=True)
    first.start()
    time.sleep(0.4)
    second.start()
    first.join(timeout=25)
    second.join(timeout=25)
    assert not first.is_alive() and not second.is_alive(), "deadlock: a runner never finished"
    assert results["first"].ok, results["first"].error
    assert results["second"].ok, results["second"].error
    assert [m.version for m in results["first"].applied] == [V1, V2]
    assert results["second"].up_to_date and results["second"].lock_wait_ms > 500
    assert "waiting for it" in logs.text()
    assert query(
        database_url,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('items_n')",
    ) == [(True,)]


def test_blocking_lock_waiter_would_deadlock_concurrent_index(database_url: str) -> None:
    """Control for the test above: a waiter *blocked* in pg_advisory_lock (the
    design dibs avoids) holds a transaction open, and CREATE INDEX
    CONCURRENTLY waits for it forever."""
    query(database_url, "CREATE TABLE items (n int)")
    with (
        psycopg.connect(database_url, autocommit=True) as holder,
        psycopg.connect(database_url, autocommit=True) as waiter,
        psycopg.connect(database_url, autocommit=True) as builder,
    ):
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        blocked = threading.Thread(
            target=lambda: waiter.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,)),
            daemon=True,
        )
        blocked.start()
        time.sleep(0.3)
        builder.execute("SET statement_timeout = '1500ms'")
        with pytest.raises(psycopg.errors.QueryCanceled):
            builder.execute("CREATE INDEX CONCURRENTLY items_n ON items (n)")
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        blocked.join(timeout=5)


def test_non_transactional_failure_is_not_recorded_and_says_partial(database_url: str) -> None:
    items = sql(V1, "items", "CREATE TABLE items (n int);")
    broken = sql(
        V2,
        "index",
        "-- dibs: no-transaction\n"
        "CREATE INDEX CONCURRENTLY items_n ON items (n);\n"
        "CREATE INDEX CONCURRENTLY items_m ON items (missing_column);\n",
    )
    result = apply(database_url, [items, broken], RunOptions())
    error = result.error
    assert error is not None and error.sql.sqlstate == "42703" and error.partially_applied
    assert error.location == f"migrations/m{V2}_index.sql:3"
    assert error.sql.statement == "CREATE INDEX CONCURRENTLY items_m ON items (missing_column)"
    assert "stay applied" in error.rendered
    assert status(database_url, [items, broken]).pending == [V2]


def m2026_01_01_120000_python_bug(ctx: MigrationContext) -> None:
    ctx.execute("CREATE TABLE half (n int)")
    raise RuntimeError("bug in the migration")


def test_python_exception_rolls_back(database_url: str) -> None:
    result = apply(database_url, [python_migration(m2026_01_01_120000_python_bug)], RunOptions())
    error = result.error
    assert error is not None and error.message == "RuntimeError: bug in the migration"
    line = m2026_01_01_120000_python_bug.__code__.co_firstlineno + 2
    assert error.location == f"{__file__}:{line}"
    # where it happened as file:line lines, not a Python traceback
    assert f"  {__file__}:{line} in m2026_01_01_120000_python_bug" in error.rendered
    assert "Traceback" not in error.rendered
    assert query(database_url, "SELECT to_regclass('half') IS NULL") == [(True,)]


def test_lock_wait_gives_up_when_asked(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        result = apply(database_url, basic(), RunOptions(lock_wait_ms=300, lock_poll_ms=50))
    assert not result.ok and result.error is not None
    assert "gave up waiting for the migration lock" in result.error.message
    assert query(database_url, "SELECT to_regclass('users') IS NULL") == [(True,)]


CHILD = """
import json, sys
from dataclasses import asdict
from dibs.migrations import sql_migration
from dibs.runner import RunOptions, apply
specs = json.loads(sys.argv[2])
migrations = [sql_migration(stem, text, stem + ".sql") for stem, text in specs]
result = apply(sys.argv[1], migrations, RunOptions(lock_poll_ms=50))
print(json.dumps(asdict(result)))
sys.exit(0 if result.ok else 1)
"""


def test_eight_processes_apply_each_migration_once(database_url: str) -> None:
    import subprocess
    import sys

    specs = [
        (f"m{V1}_hits", "CREATE TABLE hits (who text); SELECT pg_sleep(0.2);"),
        (f"m{V2}_one", "INSERT INTO hits VALUES ('v2'); SELECT pg_sleep(0.2);"),
        (f"m{V3}_two", "INSERT INTO hits VALUES ('v3');"),
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, database_url, json.dumps(specs)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in processes]
    assert [p.returncode for p in processes] == [0] * 8, outputs
    results = [json.loads(out) for out in outputs]
    assert sorted(m["version"] for r in results for m in r["applied"]) == [V1, V2, V3]
    assert sorted(query(database_url, "SELECT who FROM hits")) == [("v2",), ("v3",)]


def test_error_rendering_is_pure() -> None:
    from dibs.pgerror import caret_excerpt

    assert caret_excerpt("SELECT 1,\n  2 +", 15) == "1 | SELECT 1,\n2 |   2 +\n  |     ^"
    assert caret_excerpt("SELECT x", None) == "1 | SELECT x"
    # numbered in the lines of the file the statement comes from
    assert caret_excerpt("SELECT 1,\n  2 +", 15, first_line=9) == (
        " 9 | SELECT 1,\n10 |   2 +\n   |     ^"
    )
    assert caret_excerpt("INSERT INTO t\n  VALUES (1)", None, first_line=4) == (
        "4 | INSERT INTO t\n5 |   VALUES (1)"
    )


def test_run_options_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="lock_timeout_ms"):
        RunOptions(lock_timeout_ms=-1)
    with pytest.raises(ValueError, match="lock_poll_ms"):
        RunOptions(lock_poll_ms=0)
    json.dumps(asdict(RunOptions(to=V1, lock_wait_ms=1000)))


def test_error_inside_a_function_body_points_into_it(database_url: str) -> None:
    body = "SELECT 1;\nDO $$ BEGIN\n  PERFORM nosuchcol FROM pg_class;\nEND $$;\n"
    result = apply(database_url, [sql(V1, "do_block", body)], RunOptions())
    error = result.error
    assert error is not None and error.sql.sqlstate == "42703"
    assert error.sql.statement == "SELECT nosuchcol FROM pg_class" and error.sql.position == 8
    assert error.sql.context and "PL/pgSQL" in error.sql.context
    assert error.location == f"migrations/m{V1}_do_block.sql:2"  # the DO statement
    assert "1 | SELECT nosuchcol FROM pg_class\n  |        ^" in error.rendered


#: Run-time errors: PostgreSQL gives none of them a position.
RUN_TIME_ERRORS = {
    "duplicate-key": ("INSERT INTO t VALUES (1)", "23505"),
    "division-by-zero": ("SELECT 1 / (SELECT count(*) - 1 FROM t)", "22012"),
    "missing-table": ("INSERT INTO nowhere SELECT * FROM t", "42P01"),
    "bad-default": ("ALTER TABLE t ADD COLUMN d int NOT NULL DEFAULT 1 / 0", "22012"),
}


@pytest.mark.parametrize("failing", list(RUN_TIME_ERRORS), ids=list(RUN_TIME_ERRORS))
def test_a_run_time_error_is_reported_at_its_line(database_url: str, failing: str) -> None:
    """The statement on line 4 fails without a position: reported at
    ``:4``, the excerpt numbered in file lines, nothing of it applied,
    later migrations not run."""
    statement, sqlstate = RUN_TIME_ERRORS[failing]
    text = (
        "CREATE TABLE t (id int PRIMARY KEY);\n"
        "-- a comment line\n"
        "INSERT INTO t VALUES (1);\n"
        f"{statement};\n"
        "CREATE TABLE after_it (id int);\n"
    )
    later = sql(V2, "later", "CREATE TABLE later (id int);")
    result = apply(database_url, [sql(V1, "fails", text), later], RunOptions())
    error = result.error
    assert error is not None and error.sql is not None and error.sql.sqlstate == sqlstate
    # (a missing table is found while planning: PostgreSQL gives a column too)
    assert re.fullmatch(rf"migrations/m{V1}_fails\.sql:4(:\d+)?", error.location or "")
    assert error.sql.statement == statement and error.sql.first_line == 4
    assert f"4 | {statement}" in error.rendered
    assert "CREATE TABLE t" not in error.rendered  # the statement, not the script
    assert result.applied == []
    assert query(
        database_url,
        "SELECT to_regclass('t'), to_regclass('after_it'), to_regclass('later'),"
        " to_regclass('_dibs_migrations') IS NOT NULL",
    ) == [(None, None, None, True)]
    assert status(database_url, [sql(V1, "fails", text), later]).pending == [V1, V2]


def test_a_position_gives_line_and_column_in_the_file(database_url: str) -> None:
    text = "CREATE TABLE t (id int);\n\nSELECT 1;\nSELECT id,\n  nope FROM t;\n"
    result = apply(database_url, [sql(V1, "col", text)], RunOptions())
    error = result.error
    assert error is not None and error.location == f"migrations/m{V1}_col.sql:5:3"
    assert "4 | SELECT id,\n5 |   nope FROM t\n  |   ^" in error.rendered


def test_begin_atomic_bodies_still_run(database_url: str) -> None:
    """A ``BEGIN ATOMIC`` body holds semicolons: such a script runs whole."""
    text = (
        "CREATE FUNCTION one() RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC SELECT 1; END;\n"
        "CREATE TABLE uses_it (n int DEFAULT one());\n"
    )
    result = apply(database_url, [sql(V1, "atomic", text)], RunOptions())
    assert result.ok, result.error
    assert query(database_url, "SELECT one()") == [(1,)]


def test_statements_of_a_transactional_migration_go_in_one_round_trip(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pipelined (benchmarks/migrate.py holds the runner to the speed of a
    whole script): the failing one is still known, and nothing stays."""
    pipelines: list[int] = []
    original = psycopg.Connection.pipeline

    def counted(self: psycopg.Connection[Any]) -> Any:
        pipelines.append(1)
        return original(self)

    monkeypatch.setattr(psycopg.Connection, "pipeline", counted)
    text = (
        "CREATE TABLE p (id int PRIMARY KEY);\nINSERT INTO p VALUES (1);\n"
        "INSERT INTO p VALUES (1);\n"
    )
    result = apply(database_url, [sql(V1, "piped", text)], RunOptions())
    assert pipelines == [1]
    assert result.error is not None and result.error.location == f"migrations/m{V1}_piped.sql:3"
    assert query(database_url, "SELECT to_regclass('p')") == [(None,)]
