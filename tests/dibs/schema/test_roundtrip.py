"""The round trip on a real PostgreSQL, for random schemas: diff the
definitions against an empty database, apply the SQL, read the database
back — the diff is now empty; then change the definitions at random and check
the same holds for the change.

This is the property `dibs check` and `generate-from-diff` rest on: what
dibs writes is exactly what it then finds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibs.schema import introspect
from dibs.schema.diff import SchemaDiff, diff
from dibs.schema.live import normalized
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

#: Types by family, with default expressions valid for each; a column's type
#: changes only within its family (across families there is no cast).
FAMILIES: dict[str, dict[str, list[str]]] = {
    "number": {
        "smallint": ["0", "7"],
        "integer": ["0", "42"],
        "bigint": ["0", "-1"],
        "numeric": ["0", "1.5"],
        "numeric(10,2)": ["0", "9.99"],
        "real": ["0", "2.5"],
        "double precision": ["0", "3.25"],
    },
    "text": {
        "text": ["''", "'x'", "'it''s'"],
        "character varying(40)": ["''", "'abc'"],
        "character varying(200)": ["'long'"],
    },
    "time": {
        "timestamp with time zone": ["now()", "'2026-01-01 00:00:00+00'"],
        "timestamp without time zone": ["'2026-01-01 00:00:00'"],
    },
    "date": {"date": ["CURRENT_DATE", "'2026-01-24'"]},
    "clock": {"time without time zone": ["'12:00'"]},
    "interval": {"interval": ["'1 day'"]},
    "bool": {"boolean": ["true", "false"]},
    "uuid": {"uuid": ["gen_random_uuid()"]},
    "bytes": {"bytea": ["'\\x00'"]},
    "json": {"jsonb": ["'{}'", "'[]'"], "json": ["'{}'"]},
    "array": {"text[]": ["'{}'"], "bigint[]": ["'{}'", "'{1,2}'"]},
    "enum": {"mood": ["'ok'"]},
}
TYPES = {name: family for family, types in FAMILIES.items() for name in types}
MOOD = EnumType("mood", ("sad", "ok", "happy"), doc="How it went.")
COLUMN_NAMES = ["a", "b", "c", "d", "e", "f", "note", "size", "user"]  # "user" is reserved
TABLE_NAMES = ["alpha", "beta", "gamma", "delta"]
DOCS = st.one_of(st.none(), st.sampled_from(["A doc.", "It's quoted.", "Two\nlines."]))


@st.composite
def columns(draw: st.DrawFn, name: str) -> Column:
    type_ = draw(st.sampled_from(sorted(TYPES)))
    default = draw(st.one_of(st.none(), st.sampled_from(FAMILIES[TYPES[type_]][type_])))
    return Column(name, type_, nullable=draw(st.booleans()), default=default, doc=draw(DOCS))


def _checkable(column: Column) -> str | None:
    family = TYPES[column.type]
    if family == "number":
        return f"{quote(column.name)} >= 0"
    if family == "text":
        return f"length({quote(column.name)}) < 1000"
    return None


def quote(name: str) -> str:
    return f'"{name}"' if name == "user" else name


@st.composite
def tables(draw: st.DrawFn, name: str, earlier: list[Table]) -> Table:
    names = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=5, unique=True))
    key = Column("id", draw(st.sampled_from(["bigint", "integer", "uuid", "text"])))
    cols = [key, *(draw(columns(n)) for n in names)]
    pk_columns: tuple[str, ...] = ("id",)
    if draw(st.booleans()) and not cols[1].nullable and cols[1].type != "json":
        pk_columns = ("id", cols[1].name)
    uniques = []
    if len(cols) > 2 and cols[2].type != "json" and draw(st.booleans()):
        uniques.append(Unique(f"{name}_{cols[2].name}_key", (cols[2].name,)))
    fks = []
    for target in earlier:
        if draw(st.booleans()) and target.primary_key and target.primary_key.columns == ("id",):
            ref_type = target.columns[0].type
            column_name = f"{target.name}_id"
            cols.append(Column(column_name, ref_type, nullable=True))
            action = draw(st.sampled_from(["no action", "cascade", "set null", "restrict"]))
            fks.append(
                ForeignKey(
                    f"{name}_{column_name}_fkey", (column_name,), target.name, ("id",), action
                )
            )
    checks = [
        Check(f"{name}_{c.name}_check", expression)
        for c in cols[1:]
        if (expression := _checkable(c)) is not None and draw(st.booleans())
    ]
    indexes = []
    for n in range(draw(st.integers(0, 2))):
        chosen = draw(
            st.lists(st.sampled_from(cols), min_size=1, max_size=2, unique_by=lambda c: c.name)
        )
        if any(TYPES.get(c.type) in ("json",) for c in chosen):
            continue  # json has no btree operator class
        keys = tuple(IndexKey(quote(c.name), draw(st.booleans())) for c in chosen)
        where = f"{quote(chosen[0].name)} IS NOT NULL" if draw(st.booleans()) else None
        indexes.append(Index(f"{name}_i{n}_idx", keys, unique=draw(st.booleans()), where=where))
    return Table(
        name,
        tuple(cols),
        PrimaryKey(f"{name}_pkey", pk_columns),
        tuple(uniques),
        tuple(fks),
        tuple(checks),
        tuple(indexes),
        doc=draw(DOCS),
    )


@st.composite
def schemas(draw: st.DrawFn) -> Schema:
    names = draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=1, max_size=3, unique=True))
    made: list[Table] = []
    for name in names:
        made.append(draw(tables(name, list(made))))
    uses_mood = any(c.type == "mood" for t in made for c in t.columns)
    return Schema(tuple(made), (MOOD,) if uses_mood else ())


@st.composite
def mutations(draw: st.DrawFn, schema: Schema) -> Schema:
    """One to four random edits of the definitions."""
    original = schema
    for _ in range(draw(st.integers(1, 4))):
        schema = draw(st.sampled_from(EDITS))(draw, schema, original)
    referenced_enum = any(c.type == "mood" for t in schema.tables for c in t.columns)
    enums = schema.enums if referenced_enum or draw(st.booleans()) else ()
    return dataclasses.replace(schema, enums=enums or ((MOOD,) if referenced_enum else ()))


def _pick_table(draw: st.DrawFn, schema: Schema) -> tuple[int, Table]:
    index = draw(st.integers(0, len(schema.tables) - 1))
    return index, schema.tables[index]


def _with_table(schema: Schema, index: int, table: Table) -> Schema:
    items = list(schema.tables)
    items[index] = table
    return dataclasses.replace(schema, tables=tuple(items))


def _add_column(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    index, table = _pick_table(draw, schema)
    # never a name the database may still hold with another type: a dropped
    # column added back is, to any diff, one whose type changed
    before = original.table(table.name)
    free = [
        n
        for n in COLUMN_NAMES
        if table.column(n) is None and (before is None or before.column(n) is None)
    ]
    if not free:
        return schema
    column = draw(columns(draw(st.sampled_from(free))))
    enums = schema.enums or ((MOOD,) if column.type == "mood" else ())
    schema = dataclasses.replace(schema, enums=enums)
    return _with_table(schema, index, dataclasses.replace(table, columns=(*table.columns, column)))


def _used(table: Table) -> set[str]:
    used = set(table.primary_key.columns if table.primary_key else ())
    for unique in table.uniques:
        used |= set(unique.columns)
    for fk in table.foreign_keys:
        used |= set(fk.columns)
    return used


def _drop_column(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    index, table = _pick_table(draw, schema)
    droppable = [c for c in table.columns if c.name not in _used(table)]
    if not droppable:
        return schema
    gone = draw(st.sampled_from(droppable)).name
    return _with_table(
        schema,
        index,
        dataclasses.replace(
            table,
            columns=tuple(c for c in table.columns if c.name != gone),
            checks=tuple(c for c in table.checks if gone not in c.expression),
            indexes=tuple(
                i
                for i in table.indexes
                if all(quote(gone) != k.expression for k in i.keys)
                and not (i.where and i.where.startswith(quote(gone) + " "))
            ),
        ),
    )


def _alter_column(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    """Change one or more aspects of a column, each for real (a drawn
    "change" that equals the old value would test nothing)."""
    index, table = _pick_table(draw, schema)
    candidates = [c for c in table.columns if c.name not in _used(table)]
    if not candidates:
        return schema
    column = draw(st.sampled_from(candidates))
    family = FAMILIES[TYPES[column.type]]
    aspects = draw(
        st.lists(st.sampled_from(["type", "nullable", "default", "doc"]), min_size=1, unique=True)
    )
    changed = column
    if "type" in aspects:
        new_type = draw(st.sampled_from(sorted(family)))
        default = draw(st.one_of(st.none(), st.sampled_from(family[new_type])))
        changed = dataclasses.replace(changed, type=new_type, default=default)
    if "nullable" in aspects:
        changed = dataclasses.replace(changed, nullable=not column.nullable)
    if "default" in aspects:
        options = [None, *family[changed.type]]
        changed = dataclasses.replace(
            changed, default=draw(st.sampled_from([d for d in options if d != column.default]))
        )
    if "doc" in aspects:
        changed = dataclasses.replace(changed, doc=draw(DOCS.filter(lambda d: d != column.doc)))
    checks = table.checks
    if changed.type != column.type:  # a check written for the old type may not hold
        checks = tuple(c for c in checks if column.name not in c.expression)
    table = dataclasses.replace(
        table,
        columns=tuple(changed if c.name == column.name else c for c in table.columns),
        checks=checks,
    )
    return _with_table(schema, index, table)


def _toggle_index(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    index, table = _pick_table(draw, schema)
    if table.indexes and draw(st.booleans()):
        return _with_table(schema, index, dataclasses.replace(table, indexes=table.indexes[1:]))
    column = draw(st.sampled_from(table.columns))
    if TYPES.get(column.type) == "json":
        return schema
    new = Index(f"{table.name}_m_{column.name}_idx", (IndexKey(quote(column.name), True),))
    if any(i.name == new.name for i in table.indexes):
        return schema
    return _with_table(schema, index, dataclasses.replace(table, indexes=(*table.indexes, new)))


def _toggle_check(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    index, table = _pick_table(draw, schema)
    if table.checks and draw(st.booleans()):
        return _with_table(schema, index, dataclasses.replace(table, checks=table.checks[1:]))
    for column in table.columns[1:]:
        expression = _checkable(column)
        name = f"{table.name}_{column.name}_check"
        if expression and all(c.name != name for c in table.checks):
            new = Check(name, expression)
            return _with_table(
                schema, index, dataclasses.replace(table, checks=(*table.checks, new))
            )
    return schema


def _drop_table(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    if len(schema.tables) < 2:
        return schema
    _, table = _pick_table(draw, schema)
    rest = []
    for other in schema.tables:
        if other.name == table.name:
            continue
        keep = tuple(fk for fk in other.foreign_keys if fk.ref_table != table.name)
        rest.append(dataclasses.replace(other, foreign_keys=keep))
    return dataclasses.replace(schema, tables=tuple(rest))


def _add_table(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    free = [n for n in TABLE_NAMES if schema.table(n) is None and original.table(n) is None]
    if not free:
        return schema
    table = draw(tables(draw(st.sampled_from(free)), list(schema.tables)))
    uses_mood = any(c.type == "mood" for c in table.columns)
    enums = schema.enums or ((MOOD,) if uses_mood else ())
    return dataclasses.replace(schema, tables=(*schema.tables, table), enums=enums)


def _retable_doc(draw: st.DrawFn, schema: Schema, original: Schema) -> Schema:
    index, table = _pick_table(draw, schema)
    return _with_table(schema, index, dataclasses.replace(table, doc=draw(DOCS)))


EDITS: list[Any] = [
    _add_column,
    _drop_column,
    _alter_column,
    _toggle_index,
    _toggle_check,
    _drop_table,
    _add_table,
    _retable_doc,
]


@pytest.fixture(scope="module")
def conn(pg_server_url: str) -> Iterator[Any]:
    """One database for the module; each example starts from an empty
    ``public`` schema (much cheaper than a database per example)."""
    import uuid

    from tests.dibs.conftest import with_dbname

    name = f"dibs_roundtrip_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        with psycopg.connect(with_dbname(pg_server_url, name), autocommit=True) as connection:
            yield connection
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def reset(connection: Any) -> None:
    connection.execute("DROP SCHEMA public CASCADE")
    connection.execute("CREATE SCHEMA public")


def apply(connection: Any, difference: SchemaDiff) -> None:
    assert difference.transactional  # nothing here asks for CONCURRENTLY
    with connection.transaction():
        connection.execute(difference.sql().encode())


def converge(connection: Any, definitions: Schema) -> SchemaDiff:
    """Diff, apply, and the diff that remains afterwards. The database must
    then hold exactly the definitions — checked on the schemas themselves,
    so a change the diff fails to see cannot hide behind an empty diff."""
    desired = normalized(connection, definitions)
    apply(connection, diff(desired, introspect.introspect(connection)))
    actual = introspect.introspect(connection)
    assert sorted(t.name for t in actual.tables) == sorted(t.name for t in desired.tables)
    for table in desired.tables:
        found = actual.table(table.name)
        assert found is not None and found.same_as(table), (table, found)
    assert sorted(actual.enums, key=str) == sorted(desired.enums, key=str)
    return diff(desired, actual)


SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.data())
def test_from_empty_then_after_random_changes_the_diff_is_empty(conn: Any, data: Any) -> None:
    reset(conn)
    definitions = data.draw(schemas(), label="definitions")
    remaining = converge(conn, definitions)
    assert remaining.empty, remaining.sql()
    changed = data.draw(mutations(definitions), label="changed definitions")
    remaining = converge(conn, changed)
    assert remaining.empty, remaining.sql()
