"""A live PostgreSQL schema read back into `dibs.schema.model`, and the
definitions normalised by PostgreSQL itself (`shadow`).

Why it is built this way:

* One catalog query per kind of object (tables, columns, constraints,
  indexes, enums), never one per table: ``dibs diff`` on hundreds of tables
  must answer in well under a second or two, and a round trip per table
  would dominate that.
* Defaults, check expressions, index predicates and types are kept as the
  text PostgreSQL prints. The diff then compares two texts printed by the
  same server — one for the live schema, one for the definitions built in
  the session's temporary schema (`shadow`) — so no Python code has to know how PostgreSQL
  normalises ``price > 0`` into ``(price > (0)::numeric)``.
* PostgreSQL qualifies a name in printed SQL only when it is not visible on
  ``search_path``. The catalog queries therefore run with ``search_path`` set
  to the introspected schema (then ``public``), so the temporary schema and
  ``public`` print identically; the setting is local to a transaction or
  savepoint that is rolled back, so the caller's session never changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import TupleRow, tuple_row

from dibs import pgerror
from dibs.migrations import Statement, split_statements
from dibs.schema.model import (
    Check,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)

#: Prefix of the scratch schemas `shadow` creates (and always rolls back).

#: The runner's tracking table (`dibs.runner.TRACKING_TABLE`); spelled out
#: rather than imported so that the runner may import this module.
_TRACKING_TABLE = "_dibs_migrations"

#: pg_constraint.confdeltype / confupdtype codes, as the model writes them.
_ACTIONS = {
    "a": "no action",
    "r": "restrict",
    "c": "cascade",
    "n": "set null",
    "d": "set default",
}

_IDENTITY = {"a": "always", "d": "by default"}

# Every catalog query starts from the same set of tables. Partitions are left
# out: they are storage of their parent (whose columns, keys and indexes they
# copy), not tables the definitions declare, and the model cannot say
# PARTITION OF — a diff that saw them would offer to drop them.
_TABLES_CTE = """
WITH t AS (
    SELECT c.oid, c.relname::text AS relname
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s
      AND c.relkind IN ('r', 'p')
      AND NOT c.relispartition
      AND c.relname <> ALL (%(exclude)s::text[])
)
"""

_TABLES = (
    _TABLES_CTE
    + """
SELECT t.relname, d.description
FROM t
LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
ORDER BY t.relname
"""
)

# Generated columns: pg_attrdef holds the generation expression, which is
# not a default (SET DEFAULT on such a column fails); the model has no
# generated columns, so they read as having no default.
_COLUMNS = (
    _TABLES_CTE
    + """
SELECT t.relname,
       a.attname::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       NOT a.attnotnull,
       CASE WHEN a.attidentity = '' AND a.attgenerated = ''
            THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
       a.attidentity::text,
       d.description
FROM t
JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass
   AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY t.relname, a.attnum
"""
)

# conparentid <> 0: the per-partition copies PostgreSQL adds for a foreign key
# that references a partitioned table; the parent constraint stands for them.
# A referenced table outside the search path prints schema-qualified.
_CONSTRAINTS = (
    _TABLES_CTE
    + """
SELECT t.relname,
       con.conname::text,
       con.contype::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       CASE WHEN con.contype = 'f' THEN
           CASE WHEN pg_catalog.pg_table_is_visible(con.confrelid) THEN r.relname::text
                ELSE rn.nspname || '.' || r.relname END
       END,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       con.confdeltype::text,
       con.confupdtype::text,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END
FROM t
JOIN pg_catalog.pg_constraint con ON con.conrelid = t.oid
LEFT JOIN pg_catalog.pg_class r ON r.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c')
  AND con.conparentid = 0
ORDER BY t.relname, con.conname
"""
)

# Indexes that back a constraint (primary key, unique, exclusion) are the
# constraint's business: created and dropped with it. Only key columns are
# read (INCLUDE columns come after indnkeyatts). indoption bit 0 is DESC.
#
# The model writes an expression key in parentheses. pg_get_indexdef prints a
# key that looks like a function call bare (``lower(email)``) and any other
# expression already parenthesised (``(price * 2::numeric)``); a function
# call never starts with ``(``, so a leading parenthesis means "wrapped".
_INDEXES = (
    _TABLES_CTE
    + """
SELECT t.relname,
       ic.relname::text,
       i.indisunique,
       am.amname::text,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid),
       ARRAY(SELECT CASE WHEN i.indkey[k.n] <> 0 THEN a.attname::text
                         WHEN left(x.def, 1) = '(' THEN x.def
                         ELSE '(' || x.def || ')' END
             FROM generate_series(0, i.indnkeyatts - 1) AS k(n)
             LEFT JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n]
             CROSS JOIN LATERAL (
                 SELECT CASE WHEN i.indkey[k.n] = 0
                        THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n + 1, true) END
             ) AS x(def)
             ORDER BY k.n),
       ARRAY(SELECT (i.indoption[k.n] & 1) = 1
             FROM generate_series(0, i.indnkeyatts - 1) AS k(n)
             ORDER BY k.n)
FROM t
JOIN pg_catalog.pg_index i ON i.indrelid = t.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint con
    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
      AND con.contype IN ('p', 'u', 'x')
)
ORDER BY t.relname, ic.relname
"""
)

_ENUMS = """
SELECT ty.typname::text,
       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = ty.oid ORDER BY e.enumsortorder),
       d.description
FROM pg_catalog.pg_type ty
JOIN pg_catalog.pg_namespace n ON n.oid = ty.typnamespace
LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = ty.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
WHERE n.nspname = %(schema)s AND ty.typtype = 'e'
ORDER BY ty.typname
"""


class IntrospectionError(Exception):
    """PostgreSQL could not give dibs a schema, for a reason dibs can explain."""


class ShadowError(IntrospectionError):
    """The definitions' DDL failed in the temporary schema (or the role may
    not create temporary tables). ``str()`` is the full human report."""

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str | None = None,
        position: int | None = None,
        sql: pgerror.SqlErrorInfo | None = None,
        rendered: str | None = None,
    ) -> None:
        super().__init__(rendered or message)
        self.message = message
        self.sqlstate = sqlstate
        #: 1-based character position in the whole DDL script, as PostgreSQL
        #: reported it (``sql.position`` is relative to ``sql.statement``).
        self.position = position
        #: What PostgreSQL said, with the failing statement of the script.
        self.sql = sql
        self.rendered = rendered or message


def introspect(
    conn: psycopg.Connection[Any],
    schema: str = "public",
    *,
    exclude: Collection[str] = (_TRACKING_TABLE,),
) -> Schema:
    """The tables (ordinary and partitioned, not partitions) and enum types of
    ``schema``, leaving out the tables named in ``exclude``.

    Works in autocommit mode and inside the caller's transaction alike; the
    connection is left as it was found."""
    params = {"schema": schema, "exclude": list(exclude)}
    with _catalog_cursor(conn, schema) as cur:
        tables = cur.execute(_TABLES, params).fetchall()
        columns = cur.execute(_COLUMNS, params).fetchall()
        constraints = cur.execute(_CONSTRAINTS, params).fetchall()
        indexes = cur.execute(_INDEXES, params).fetchall()
        enums = cur.execute(_ENUMS, params).fetchall()
    return Schema(
        tables=_tables(tables, columns, constraints, indexes),
        enums=tuple(EnumType(name, tuple(values), doc) for name, values, doc in enums),
    )


@contextmanager
def _catalog_cursor(conn: psycopg.Connection[Any], schema: str) -> Iterator[psycopg.Cursor[Any]]:
    """A tuple cursor with ``search_path`` set to ``schema, public`` for as
    long as the block runs.

    The setting is transaction-local and the transaction (or, inside the
    caller's transaction, the savepoint) is rolled back: a plain release
    would keep a SET LOCAL alive until the caller's transaction ends. The
    catalog queries only read, so rolling back loses nothing."""
    with conn.transaction(force_rollback=True):
        cur: psycopg.Cursor[TupleRow] = conn.cursor(row_factory=tuple_row)
        with cur:
            cur.execute(
                "SELECT pg_catalog.set_config('search_path', "
                "pg_catalog.quote_ident(%s) || ', public', true)",
                (schema,),
            )
            yield cur


def _tables(
    tables: list[tuple[Any, ...]],
    columns: list[tuple[Any, ...]],
    constraints: list[tuple[Any, ...]],
    indexes: list[tuple[Any, ...]],
) -> tuple[Table, ...]:
    """Assemble the rows of the per-kind queries, each already in the model's
    order (by table, then attnum or name), into tables."""
    cols: defaultdict[str, list[Column]] = defaultdict(list)
    for table, name, type_, nullable, default, identity, doc in columns:
        cols[table].append(Column(name, type_, nullable, default, _IDENTITY.get(identity), doc))

    pks: dict[str, PrimaryKey] = {}
    uniques: defaultdict[str, list[Unique]] = defaultdict(list)
    fks: defaultdict[str, list[ForeignKey]] = defaultdict(list)
    checks: defaultdict[str, list[Check]] = defaultdict(list)
    for table, name, kind, keys, ref, ref_keys, on_delete, on_update, expr in constraints:
        if kind == "p":
            pks[table] = PrimaryKey(name, tuple(keys))
        elif kind == "u":
            uniques[table].append(Unique(name, tuple(keys)))
        elif kind == "f":
            fks[table].append(
                ForeignKey(
                    name,
                    tuple(keys),
                    ref,
                    tuple(ref_keys),
                    _ACTIONS[on_delete],
                    _ACTIONS[on_update],
                )
            )
        else:
            checks[table].append(Check(name, expr))

    idx: defaultdict[str, list[Index]] = defaultdict(list)
    for table, name, unique, method, where, keys, descending in indexes:
        idx[table].append(
            Index(
                name,
                tuple(IndexKey(key, desc) for key, desc in zip(keys, descending, strict=True)),
                unique,
                where,
                method,
            )
        )

    return tuple(
        Table(
            name=name,
            columns=tuple(cols[name]),
            primary_key=pks.get(name),
            uniques=tuple(uniques[name]),
            foreign_keys=tuple(fks[name]),
            checks=tuple(checks[name]),
            indexes=tuple(idx[name]),
            doc=doc,
        )
        for name, doc in tables
    )


def shadow(conn: psycopg.Connection[Any], ddl: str) -> Schema:
    """The schema ``ddl`` creates, as PostgreSQL prints it: the script is run
    in the session's temporary schema inside a transaction that is always
    rolled back, and introspected before the rollback. The temporary schema
    writes no WAL and needs only the TEMPORARY privilege, which every role
    has by default (a real scratch schema would need CREATE on the database,
    and took twice as long for a few hundred tables).

    This is how definitions are normalised: ``shadow(conn, ddl)`` equals
    `introspect` of a database where ``ddl`` ran in ``public``, so a diff
    compares like with like. ``ddl`` uses unqualified names and creates
    types, tables, indexes and comments (functions created in a temporary
    schema are never found by unqualified calls); types and functions of
    ``public`` (extensions') stay reachable.

    The connection is left as it was (autocommit setting, ``search_path``,
    the caller's transaction if one is open). Raises `ShadowError` when the
    DDL fails, with PostgreSQL's message and position and the failing
    statement, or when the role may not create temporary tables."""
    statements = split_statements(ddl)
    _refuse_transaction_control(ddl, statements)
    with conn.transaction(force_rollback=True):
        # The session's temporary schema: no WAL, local buffers, and only
        # the TEMPORARY privilege (granted to everyone by default) — about
        # twice as fast as a real schema for a few hundred tables.
        conn.execute("SET LOCAL search_path TO pg_temp, public")
        if statements:
            try:
                # A savepoint, so that a failure can be replayed (`_ddl_error`).
                with conn.transaction():
                    conn.execute(ddl.encode())
            except psycopg.errors.InsufficientPrivilege as error:
                raise _no_temporary_error(conn, error) from error
            except psycopg.Error as error:
                raise _ddl_error(conn, error, ddl, statements) from error
        row = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()"
        ).fetchone()
        if row is None:  # nothing was created, so no temporary schema exists yet
            return Schema()
        return introspect(conn, str(row[0]))


# A COMMIT (or ROLLBACK) inside the script would end the transaction that is
# meant to be rolled back, leaving the scratch schema behind for good. BEGIN
# and START TRANSACTION only warn inside a transaction and are let through.
_TRANSACTION_CONTROL = re.compile(
    r"(COMMIT|ROLLBACK|ABORT|END|PREPARE\s+TRANSACTION|RELEASE)\b", re.IGNORECASE
)


def _refuse_transaction_control(ddl: str, statements: list[Statement]) -> None:
    for statement in statements:
        found = _TRANSACTION_CONTROL.match(statement.text)
        if not found:
            continue
        message = (
            f"{found.group(1).upper()} is not allowed in definitions: dibs builds them "
            "inside a transaction that it rolls back"
        )
        info = pgerror.SqlErrorInfo(message=message, statement=statement.text, position=1)
        raise ShadowError(
            message,
            position=statement.offset + 1,
            sql=info,
            rendered=f"{message}\n{pgerror.caret_excerpt(statement.text, 1)}",
        )


def _no_temporary_error(conn: psycopg.Connection[Any], error: psycopg.Error) -> ShadowError:
    database = conn.info.dbname
    role = conn.info.user
    message = (
        f"dibs needs the TEMPORARY privilege on database {database!r} for diff and check "
        f"(role {role!r} lacks it): it builds the definitions as temporary tables inside "
        "a transaction that is always rolled back, so PostgreSQL itself normalises them "
        "and nothing is left behind. "
        f'Grant it with: GRANT TEMPORARY ON DATABASE "{database}" TO "{role}"'
    )
    info = pgerror.from_psycopg(error, None)
    return ShadowError(
        message,
        sqlstate=info.sqlstate,
        sql=info,
        rendered=f"{message}\n{pgerror.render(info)}",
    )


def _ddl_error(
    conn: psycopg.Connection[Any], error: psycopg.Error, ddl: str, statements: list[Statement]
) -> ShadowError:
    """The failure shown on the statement of the script it happened in, with
    the caret moved accordingly; ``position`` stays script-relative.

    The whole script goes to PostgreSQL in one round trip (hundreds of
    statements would otherwise cost as many). Errors found while parsing
    carry a position that names the statement; many others (a missing
    referenced table, a duplicate name) carry none, and then the script is
    replayed statement by statement, in the temporary schema, up to the one
    that fails — a cost paid only when something is wrong."""
    info = pgerror.from_psycopg(error, ddl)
    failing: Statement | None = None
    internal = bool(error.diag.internal_query)
    if info.position is not None and not internal:
        failing = next(
            (s for s in statements if s.offset < info.position <= s.offset + len(s.text)), None
        )
        if failing is not None:
            info.statement, info.position = failing.text, info.position - failing.offset
    else:
        replayed = _replay(conn, statements)
        if replayed is not None:
            failing, again = replayed
            info = pgerror.from_psycopg(again, failing.text)
            internal = bool(again.diag.internal_query)
    position = None
    where = ""
    if failing is not None:
        line = failing.line
        if info.position is not None and not internal:
            position = failing.offset + info.position
            line += pgerror.line_of(failing.text, info.position)
        where = f" (line {line} of the DDL)"
    return ShadowError(
        info.message,
        sqlstate=info.sqlstate,
        position=position,
        sql=info,
        rendered=f"the definitions failed in PostgreSQL{where}\n{pgerror.render(info)}",
    )


def _replay(
    conn: psycopg.Connection[Any], statements: list[Statement]
) -> tuple[Statement, psycopg.Error] | None:
    """The first statement that fails when run on its own, and its error
    (None if none does). Runs where the script's savepoint was rolled back:
    in the temporary schema, inside the transaction `shadow` rolls back."""
    for statement in statements:
        try:
            conn.execute(statement.text.encode())
        except psycopg.Error as error:
            return statement, error
    return None
