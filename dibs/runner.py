"""Applying migrations to PostgreSQL (psycopg 3). One file past 600 lines: the
lock, the per-migration transactions and the failure reports share one
connection's life, and are read together.

Design points, each for a failure seen in the wild:

* One transaction per migration, with its ``_dibs_migrations`` row written
  in that same transaction: a crash (even ``kill -9``) leaves a migration
  either fully applied and recorded, or not at all.
* A session-level advisory lock, taken by *polling* ``pg_try_advisory_lock``
  on a connection of its own. Replicas starting together (Kubernetes init
  containers) then apply each migration exactly once; the others wait, reread
  the record and find nothing pending. Polling matters: a waiter blocked in
  ``pg_advisory_lock`` sits in an open transaction, and ``CREATE INDEX
  CONCURRENTLY`` waits for every open transaction — a deadlock that
  PostgreSQL cannot detect. A poller holds no transaction between attempts.
* Nothing pending is decided from one lock-free read on the run's own
  connection (one query, no DDL, no lock connection): a pod that restarts
  must not wait behind another runner's lock, nor write to the database,
  to learn that it has nothing to do. Rows commit with their migrations,
  so such a read is true when made. Work, a refusal, or a tracking table to
  create or upgrade is decided again under the lock.
* Migrations marked non-transactional run in autocommit, statement by
  statement, and are recorded after they succeed. Transactional ``.sql``
  migrations run statement by statement too, inside their one transaction:
  most run-time errors (a duplicate key, a missing table) carry no
  position, and a whole script sent at once was reported at ``file.sql:1``.
* Failures come back as data (`RunResult.error`) carrying the statement, a
  caret at PostgreSQL's error position, SQLSTATE, detail, hint and file:line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg import sql as pgsql

from dibs import pgerror, redaction
from dibs.migrations import Migration, Statement, split_statements
from dibs.plan import (
    AppliedRow,
    Plan,
    Refusal,
    Status,
    baseline_rows,
    compute_plan,
    compute_status,
)
from dibs.results import (
    AppliedMigration,
    MigrationFailure,
    RunOptions,
    RunResult,
    new_result,
    settle,
)
from dibs.results import up_to_date_result as up_to_date_result  # the runner's own answer

#: The table recording applied migrations.
TRACKING_TABLE = "_dibs_migrations"
#: Advisory lock key: fixed, so every dibs on a database agrees on it.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"dibs:_dibs_migrations").digest()[:8], "big", signed=True)

Log = Callable[[str, str], None]

CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (
    version text PRIMARY KEY,
    name text,
    applied_at timestamptz NOT NULL DEFAULT now(),
    checksum text,
    execution_time_ms bigint
)"""
#: Databases migrated by an older dibs have only (version, applied_at).
UPGRADE_TABLE = [
    f"ALTER TABLE {TRACKING_TABLE} ADD COLUMN IF NOT EXISTS {column}"
    for column in ("name text", "checksum text", "execution_time_ms bigint")
]
INSERT_ROW = (
    f"INSERT INTO {TRACKING_TABLE} (version, name, applied_at, checksum, execution_time_ms) "
    "VALUES (%s, %s, now(), %s, %s)"
)


class MigrationContext:
    """What a Python migration receives: ``execute`` for SQL, ``backfill``
    for large data updates, ``connection`` for anything else (psycopg 3)."""

    def __init__(self, connection: psycopg.Connection[Any], migration: Migration, log: Log):
        self.connection = connection
        self.migration = migration
        self._log = log
        #: The last statement sent, so a failure can show it.
        self.last_statement: str | None = None

    def execute(
        self,
        sql: str | pgsql.SQL | pgsql.Composed,
        params: Sequence[Any] | dict[str, Any] | None = None,
    ) -> int:
        """Run one statement (several are fine without ``params``); returns the
        affected row count (-1 when PostgreSQL reports none). ``sql`` may be a
        `psycopg.sql` composition, for safely quoted identifiers."""
        if isinstance(sql, str):
            self.last_statement = sql
            cursor = self.connection.execute(sql.encode(), params)
        else:
            self.last_statement = sql.as_string(self.connection)
            cursor = self.connection.execute(sql, params)
        return cursor.rowcount

    def log(self, message: str) -> None:
        """Stream a progress message to the CLI."""
        self._log("info", f"{self.migration.version}: {message}")

    def backfill(self, select_sql: str, update_sql: str, batch_size: int = 1000) -> int:
        """Update many rows in batches; returns the rows updated.

        ``select_sql`` returns the keys of the rows to update (first column,
        unique and sortable — usually the primary key); it is re-run per batch,
        walking the keys in order, so it can filter on what still needs doing.
        ``update_sql`` receives one batch of keys as its single parameter::

            ctx.backfill("SELECT id FROM users WHERE bio IS NULL",
                         "UPDATE users SET bio = '' WHERE id = ANY(%s)")

        In a non-transactional migration each batch commits on its own, so a
        large backfill neither holds locks for long nor bloats one transaction.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        inner = pgsql.SQL(select_sql)
        first = pgsql.SQL("SELECT k FROM ({}) AS _dibs_batch(k) ORDER BY k LIMIT %s").format(inner)
        after = pgsql.SQL(
            "SELECT k FROM ({}) AS _dibs_batch(k) WHERE k > %s ORDER BY k LIMIT %s"
        ).format(inner)
        total, last, batches = 0, None, 0
        while True:
            self.last_statement = select_sql
            if last is None:
                rows = self.connection.execute(first, (batch_size,)).fetchall()
            else:
                rows = self.connection.execute(after, (last, batch_size)).fetchall()
            if not rows:
                break
            keys = [row[0] for row in rows]
            self.last_statement = update_sql
            cursor = self.connection.execute(update_sql.encode(), (keys,))
            total += max(cursor.rowcount, 0)
            last, batches = keys[-1], batches + 1
            if batches % 10 == 0:
                self.log(f"backfill: {total} rows updated")
            if len(rows) < batch_size:
                break
        self.log(f"backfill done: {total} rows updated in {batches} batches")
        return total


class _Failed(Exception):
    """Internal: carries a `MigrationFailure` out of the run loop."""

    def __init__(self, failure: MigrationFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def _quiet(level: str, message: str) -> None:
    """Default logger: discard."""


#: How often a busy backend checks that dibs is still there (PostgreSQL 14+).
CLIENT_CHECK_INTERVAL = "1s"


def connect(database_url: str, *, watch_client: bool = True) -> psycopg.Connection[Any]:
    """An autocommit connection: transactions are opened explicitly, so none
    stays open by accident (which ``CREATE INDEX CONCURRENTLY`` would wait on).
    ``watch_client``: see `_watch_client` (a connection that only reads
    can skip the round trip, and turn it on once there is work)."""
    conn = psycopg.connect(database_url, autocommit=True, application_name="dibs")
    if watch_client:
        _watch_client(conn)
    return conn


def _watch_client(conn: psycopg.Connection[Any]) -> None:
    """PostgreSQL otherwise notices a dead client only when a statement ends:
    a killed db program's hour-long migration would go on, holding its locks
    and the migration lock, for that hour. With the client check it is
    cancelled (and rolled back) within a second."""
    if conn.info.server_version >= 140000:
        conn.execute(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")


class DatabaseUnavailable(Exception):
    """The database could not be reached or refused us (the message names
    it without its password): not knowing, which `dibs check` and
    `dibs status` tell apart from a "no" (exit 2, not 1)."""


def connection_failure_text(error: Exception, database_url: str) -> str:
    """``cannot connect to <database>: <why>``, the password masked in any spelling."""
    scrub = redaction.Scrubber()
    scrub.add_url(database_url)
    reason = scrub(str(error).strip() or "the connection failed")
    return f"cannot connect to {redaction.describe(database_url)}: {reason}"


def _connection_failure(error: Exception, database_url: str) -> MigrationFailure:
    text = connection_failure_text(error, database_url)
    return MigrationFailure(message=text, rendered=text)


def _table_exists(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (TRACKING_TABLE,)).fetchone()
    return bool(row and row[0])


#: The tracking table's columns as `AppliedRow` holds them, in order.
APPLIED_COLUMNS = ("version", "name", "checksum", "applied_at", "execution_time_ms")
#: One query for a table with every column: what `read_current` sends.
SELECT_APPLIED = f"SELECT {', '.join(APPLIED_COLUMNS)} FROM {TRACKING_TABLE} ORDER BY version"


def read_applied(conn: psycopg.Connection[Any]) -> list[AppliedRow]:
    """The tracking table's rows (none when it does not exist yet)."""
    if not _table_exists(conn):
        return []
    columns = {
        r[0]
        for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
            "AND attnum > 0 AND NOT attisdropped",
            (TRACKING_TABLE,),
        ).fetchall()
    }
    select = ", ".join(c if c in columns else f"NULL AS {c}" for c in APPLIED_COLUMNS)
    rows = conn.execute(f"SELECT {select} FROM {TRACKING_TABLE} ORDER BY version").fetchall()
    return [_applied_row(r) for r in rows]


def read_current(conn: psycopg.Connection[Any]) -> list[AppliedRow]:
    """The rows of a tracking table that has every column, in one round
    trip. Raises ``psycopg.errors.UndefinedTable`` when there is no table and
    ``UndefinedColumn`` for one written by an older dibs (`read_applied`
    reads both; `_ensure_table` upgrades the latter)."""
    return [_applied_row(r) for r in conn.execute(SELECT_APPLIED).fetchall()]


def _applied_row(r: Sequence[Any]) -> AppliedRow:
    return AppliedRow(
        version=str(r[0]),
        name=r[1],
        checksum=r[2],
        applied_at=r[3].isoformat() if r[3] is not None else None,
        execution_time_ms=int(r[4]) if r[4] is not None else None,
    )


def _ensure_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(CREATE_TABLE)
    for statement in UPGRADE_TABLE:
        conn.execute(statement)


@contextmanager
def migration_lock(
    database_url: str, options: RunOptions, log: Log, waited: list[int]
) -> Iterator[None]:
    """Hold the migration lock for the duration of the block.

    Session-level and on its own idle connection: the lock dies with the
    process, and the connection never holds a transaction open. Waiting is
    done by polling ``pg_try_advisory_lock`` (see the module docstring)."""
    conn = connect(database_url)
    try:
        start = time.monotonic()
        announced = next_notice = 0.0
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
            if row and row[0]:
                break
            elapsed = time.monotonic() - start
            if not announced:
                log("warning", "another dibs is migrating this database; waiting for it")
                announced, next_notice = 1.0, 10.0
            elif elapsed >= next_notice:
                log("warning", f"still waiting for the migration lock ({int(elapsed)} s)")
                next_notice += 10.0
            if options.lock_wait_ms is not None and elapsed * 1000 >= options.lock_wait_ms:
                text = (
                    f"gave up waiting for the migration lock after {int(elapsed * 1000)} ms "
                    "(another dibs is migrating this database)"
                )
                raise _Failed(MigrationFailure(message=text, rendered=text))
            time.sleep(options.lock_poll_ms / 1000)
        waited.append(int((time.monotonic() - start) * 1000))
        try:
            yield
        finally:
            # If this fails the session's end releases the lock anyway.
            with suppress(psycopg.Error):
                conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    finally:
        conn.close()


def _set_timeouts(conn: psycopg.Connection[Any], options: RunOptions) -> None:
    for name, value in (
        ("lock_timeout", options.lock_timeout_ms),
        ("statement_timeout", options.statement_timeout_ms),
    ):
        if value is not None:
            conn.execute("SELECT set_config(%s, %s, false)", (name, f"{int(value)}ms"))


def _failure_location(migration: Migration, error: BaseException) -> str:
    """``file:line`` of the innermost frame of the migration's source file in
    ``error``'s traceback (the failing ``ctx.execute`` call), else the migration's."""
    line = None
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == migration.source_file:
            line = lineno
    return f"{migration.source_file}:{line}" if line is not None else migration.location


def _sql_failure(
    migration: Migration,
    error: psycopg.Error,
    statement: str | None,
    location: str,
    partially_applied: bool,
) -> MigrationFailure:
    return _failure(migration, pgerror.from_psycopg(error, statement), location, partially_applied)


def _failure(
    migration: Migration, info: pgerror.SqlErrorInfo, location: str, partial: bool = False
) -> MigrationFailure:
    """PostgreSQL refused ``migration`` at ``location``: the failure, rendered."""
    failure = MigrationFailure(
        message=info.message,
        version=migration.version,
        name=migration.name,
        location=location,
        sql=info,
        partially_applied=partial,
    )
    failure.rendered = _render(migration, failure, info)
    return failure


def _render(migration: Migration, failure: MigrationFailure, info: pgerror.SqlErrorInfo) -> str:
    head = f"migration {migration.label} failed at {failure.location}"
    tail = (
        "\nit ran outside a transaction: statements before the failing one stay applied"
        if failure.partially_applied
        else "\nrolled back; later migrations were not run"
    )
    return f"{head}\n{pgerror.render(info)}{tail}"


#: A function body of ``BEGIN ATOMIC ... END`` holds semicolons the
#: statement splitter does not understand: such a script goes in whole.
_BEGIN_ATOMIC = re.compile(r"\bBEGIN\s+ATOMIC\b", re.IGNORECASE)


def _run_sql(conn: psycopg.Connection[Any], migration: Migration) -> None:
    """Run a SQL migration statement by statement — inside its one
    transaction when it has one, pipelined — so a failure is known to the
    statement, even when PostgreSQL gives no position (a duplicate key, a
    division by zero, a missing table: most errors at run time). Outside a
    transaction PostgreSQL requires it anyway."""
    assert migration.sql is not None
    text = migration.sql
    if migration.transactional and _BEGIN_ATOMIC.search(text):
        try:
            conn.execute(text.encode())
        except psycopg.Error as error:
            raise _script_error(migration, error, text) from error
        return
    statements = split_statements(text)
    if migration.transactional and len(statements) > 1 and psycopg.Pipeline.is_supported():
        _run_pipelined(conn, migration, statements)
        return
    for i, statement in enumerate(statements):
        try:
            conn.execute(statement.text.encode())
        except psycopg.Error as error:
            partial = not migration.transactional and i > 0
            raise _statement_error(migration, error, statement, partial) from error


def _run_pipelined(
    conn: psycopg.Connection[Any], migration: Migration, statements: list[Statement]
) -> None:
    """The statements of a transactional migration, each on its own but all
    in one round trip (a pipeline): as fast as sending the script whole,
    which the 200-migration benchmark holds us to. The first statement
    without a result is the one that failed (PostgreSQL skips the rest)."""
    sent: list[psycopg.Cursor[Any]] = []
    try:
        with conn.pipeline():
            for statement in statements:
                sent.append(conn.execute(statement.text.encode()))
    except psycopg.Error as error:
        failed = next((i for i, cursor in enumerate(sent) if cursor.pgresult is None), len(sent))
        statement = statements[min(failed, len(statements) - 1)]
        raise _statement_error(migration, error, statement, False) from error


def _script_error(migration: Migration, error: psycopg.Error, text: str) -> _Failed:
    """A failure of a script run in one piece: at the statement PostgreSQL's
    position falls in; without a position, at the migration itself."""
    position = pgerror.from_psycopg(error, text).position
    if position is not None and not error.diag.internal_query:
        for piece in split_statements(text):
            if piece.offset <= position - 1 < piece.offset + len(piece.text):
                return _statement_error(migration, error, piece, False, position - piece.offset)
    return _Failed(_failure(migration, pgerror.from_psycopg(error, None), migration.location))


def _statement_error(
    migration: Migration,
    error: psycopg.Error,
    statement: Statement,
    partial: bool,
    position: int | None = None,
) -> _Failed:
    """A failure in a SQL file at ``file:LINE`` (``:COL`` too when PostgreSQL
    gives a position): the line of the statement, or of the position in
    it; the excerpt numbered in the file's lines."""
    info = pgerror.from_psycopg(error, statement.text)
    first_line = migration.source_line + statement.line - 1
    location = f"{migration.source_file}:{first_line}"
    if not error.diag.internal_query:
        # (an internal position points into a function body, not the file)
        if position is None:
            position = info.position
        info = dataclasses.replace(
            info, statement=statement.text, position=position, first_line=first_line
        )
        if position is not None:
            line = first_line + pgerror.line_of(statement.text, position)
            column = pgerror.column_of(statement.text, position)
            location = f"{migration.source_file}:{line}:{column}"
    return _Failed(_failure(migration, info, location, partial))


def _run_python(conn: psycopg.Connection[Any], migration: Migration, log: Log) -> None:
    assert migration.function is not None
    ctx = MigrationContext(conn, migration, log)
    try:
        migration.function(ctx)
    except psycopg.Error as error:
        raise _Failed(
            _sql_failure(
                migration,
                error,
                ctx.last_statement,
                _failure_location(migration, error),
                not migration.transactional,
            )
        ) from error
    except Exception as error:
        location = _failure_location(migration, error)
        failure = MigrationFailure(
            message=f"{type(error).__name__}: {error}",
            version=migration.version,
            name=migration.name,
            location=location,
            partially_applied=not migration.transactional,
        )
        # where it happened, innermost last, as file:line lines an editor
        # can jump to (not a Python traceback: the reader is the migration's
        # author, and a log full of "Traceback" reads as dibs crashing)
        calls = [
            f"  {frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)
        ]
        failure.rendered = "\n".join(
            [f"migration {migration.label} failed at {location}", failure.message, *calls]
        )
        raise _Failed(failure) from error


def _run_one(conn: psycopg.Connection[Any], migration: Migration, log: Log) -> int:
    """Apply and record one migration; returns its execution time in ms."""
    start = time.monotonic()

    def body() -> None:
        if migration.kind == "sql":
            _run_sql(conn, migration)
        else:
            _run_python(conn, migration, log)

    if migration.transactional:
        with conn.transaction():
            body()
            elapsed = int((time.monotonic() - start) * 1000)
            conn.execute(
                INSERT_ROW, (migration.version, migration.name, migration.checksum, elapsed)
            )
        return elapsed
    body()
    elapsed = int((time.monotonic() - start) * 1000)
    conn.execute(INSERT_ROW, (migration.version, migration.name, migration.checksum, elapsed))
    return elapsed


def apply(
    database_url: str,
    migrations: list[Migration],
    options: RunOptions,
    log: Log = _quiet,
) -> RunResult:
    """Apply pending migrations in version order; ``log(level, message)``
    streams progress while migrations run. Outcomes — the error, refusals,
    warnings — are in the result only, so a CLI shows each once. Never raises
    for database problems: they come back in ``RunResult.error``."""
    result = new_result(database_url, options)
    waited: list[int] = []
    try:
        with connect(database_url, watch_client=False) as conn:
            if options.dry_run:
                _plan_and_run(conn, migrations, options, log, result)
            elif not _nothing_to_do(conn, migrations, options, result):
                _watch_client(conn)
                with migration_lock(database_url, options, log, waited):
                    result.lock_wait_ms = waited[0] if waited else 0
                    _ensure_table(conn)
                    # Read again under the lock: another runner may just
                    # have applied everything.
                    _plan_and_run(conn, migrations, options, log, result)
    except _Failed as failed:
        result.error = failed.failure
    except psycopg.OperationalError as error:
        result.error = _connection_failure(error, database_url)
    except psycopg.Error as error:
        scrub = redaction.Scrubber()
        scrub.add_url(database_url)
        info = pgerror.from_psycopg(error, None)
        text = scrub(pgerror.render(info))
        result.error = MigrationFailure(message=scrub(info.message), sql=info, rendered=text)
    result.ok = result.error is None and not result.refusals
    return result


def _plan(migrations: list[Migration], applied: list[AppliedRow], options: RunOptions) -> Plan:
    return compute_plan(
        migrations,
        applied,
        to=options.to,
        allow_changed=options.allow_changed,
        allow_out_of_order=options.allow_out_of_order,
    )


def _nothing_to_do(
    conn: psycopg.Connection[Any],
    migrations: list[Migration],
    options: RunOptions,
    result: RunResult,
) -> bool:
    """Settle ``result`` from one lock-free read when nothing is pending and
    nothing refused (see `up_to_date_result`); False when there is work, a
    refusal to confirm, or a tracking table to create or upgrade — all of
    which happen under the lock."""
    try:
        applied = read_current(conn)
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
        return False
    plan = _plan(migrations, applied, options)
    if plan.refused or plan.to_run:
        return False
    return settle(result, plan)


def _plan_and_run(
    conn: psycopg.Connection[Any],
    migrations: list[Migration],
    options: RunOptions,
    log: Log,
    result: RunResult,
) -> None:
    plan = _plan(migrations, read_applied(conn), options)
    if settle(result, plan):
        return
    total = len(plan.to_run)
    if options.dry_run:
        for m in plan.to_run:
            result.applied.append(AppliedMigration(m.version, m.name, m.location, m.transactional))
        return
    _set_timeouts(conn, options)
    for index, m in enumerate(plan.to_run, 1):
        mode = "" if m.transactional else " (no transaction)"
        # "debug": progress, which a CLI shows on a terminal only (the
        # summary lists the same); a migration's own ctx.log is "info"
        log("debug", f"[{index}/{total}] applying {m.label}{mode}")
        elapsed = _run_one(conn, m, log)
        log("debug", f"[{index}/{total}] applied {m.label} in {elapsed} ms")
        result.applied.append(
            AppliedMigration(m.version, m.name, m.location, m.transactional, elapsed)
        )


def status(database_url: str, migrations: list[Migration]) -> Status:
    """Defined migrations against the database's record. Read-only: it takes
    no lock and creates nothing. Raises `DatabaseUnavailable` when the
    database cannot be reached."""
    try:
        with connect(database_url) as conn:
            return compute_status(migrations, read_applied(conn))
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(connection_failure_text(error, database_url)) from None


def baseline(
    database_url: str,
    version: str,
    migrations: list[Migration],
    log: Log = _quiet,
) -> RunResult:
    """Mark every defined migration up to ``version`` as applied without
    running it: for a database whose schema already exists (created by hand
    or by another tool). Takes the migration lock like ``apply``."""
    shown = redaction.redact(database_url)
    result = RunResult(ok=False, database=shown)
    waited: list[int] = []
    try:
        with (
            migration_lock(database_url, RunOptions(), log, waited),
            connect(database_url) as conn,
        ):
            _ensure_table(conn)
            try:
                rows = baseline_rows(migrations, read_applied(conn), version)
            except ValueError as error:
                result.refusals.append(Refusal("unknown_target", str(error), [version]))
                return result
            with conn.transaction():
                for m in rows:
                    conn.execute(INSERT_ROW, (m.version, m.name, m.checksum, 0))
            for m in rows:
                log("info", f"baselined {m.label} (not run)")
                result.applied.append(
                    AppliedMigration(m.version, m.name, m.location, m.transactional)
                )
            result.up_to_date = not rows
    except _Failed as failed:
        result.error = failed.failure
    except psycopg.OperationalError as error:
        result.error = _connection_failure(error, database_url)
    result.ok = result.error is None and not result.refusals
    return result
