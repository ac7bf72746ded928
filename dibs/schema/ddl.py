"""SQL text for `dibs.schema.model` objects: a whole schema from nothing
(`create_sql`) and the single statements `dibs.schema.diff` strings together.

Every builder returns one statement ending in ``;``. Names are quoted only
when PostgreSQL needs it, so that generated migrations read like hand-written
ones. Types, defaults, check expressions and index predicates are already SQL
(as ``format_type()`` and ``pg_get_expr()`` print them) and are used verbatim.
An index key is a column name unless it is already SQL: an expression in
parentheses, or a name someone quoted.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

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

Constraint = PrimaryKey | Unique | Check | ForeignKey

#: Keywords that cannot name a table or column unquoted (PostgreSQL's
#: reserved and type/function-name keywords, ``pg_get_keywords()`` categories
#: R and T); the others are fine as names.
_RESERVED_WORDS = """
all analyse analyze and any array as asc asymmetric authorization binary both case
cast check collate collation column concurrently constraint create cross
current_catalog current_date current_role current_schema current_time
current_timestamp current_user default deferrable desc distinct do else end except
false fetch for foreign freeze from full grant group having ilike in initially inner
intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps
placing primary references returning right select session_user similar some
symmetric table tablesample then to trailing true union unique user using variadic
verbose when where window with
"""
RESERVED: frozenset[str] = frozenset(_RESERVED_WORDS.split())

_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")
_INDENT = "    "


def quote_ident(name: str) -> str:
    if _PLAIN_NAME.fullmatch(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_ref(name: str) -> str:
    """A referenced table, which introspection writes ``schema.table`` when it
    lies outside the search path."""
    return ".".join(quote_ident(part) for part in name.split(".", 1))


def _names(names: Iterable[str]) -> str:
    return ", ".join(quote_ident(name) for name in names)


def _index_key(key: IndexKey) -> str:
    sql = key.expression if key.expression.startswith(("(", '"')) else quote_ident(key.expression)
    return sql + (" DESC" if key.descending else "")


# --- whole schema -----------------------------------------------------------


def creation_order(tables: Iterable[Table]) -> list[Table]:
    """Tables ordered so that each comes after the tables it references
    (references outside ``tables`` do not count), ties by name.

    A reference cycle is broken at the first table, by name, of a cycle that
    no other waiting table blocks; its foreign keys to tables not created yet
    are the ones `partition_foreign_keys` defers."""
    pending = {t.name: t for t in sorted(tables, key=lambda t: t.name)}
    refs = {name: table.references() & pending.keys() for name, table in pending.items()}
    done: set[str] = set()
    order: list[Table] = []
    while len(order) < len(pending):
        waiting = [name for name in pending if name not in done]
        ready = [name for name in waiting if refs[name] <= done]
        for name in ready or [_cycle_breaker(waiting, refs, done)]:
            order.append(pending[name])
            done.add(name)
    return order


def _cycle_breaker(waiting: list[str], refs: dict[str, set[str]], done: set[str]) -> str:
    """A table whose every waiting dependency depends on it in turn: its cycle
    waits for nothing else, so breaking it there defers no more than needed."""
    reach = {name: _reachable(name, refs, done) for name in waiting}
    return next(name for name in waiting if all(name in reach[r] for r in reach[name]))


def _reachable(start: str, refs: dict[str, set[str]], done: set[str]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for ref in refs[stack.pop()] - done - seen:
            seen.add(ref)
            stack.append(ref)
    return seen


def partition_foreign_keys(
    table: Table, created: Container[str]
) -> tuple[tuple[ForeignKey, ...], tuple[ForeignKey, ...]]:
    """The foreign keys that can be written inside ``CREATE TABLE`` (to the
    table itself or to one of ``created``, the tables the same script creates
    before it) and those that must be added once the script has created
    everything."""
    inline = tuple(
        fk for fk in table.foreign_keys if fk.ref_table == table.name or fk.ref_table in created
    )
    return inline, tuple(fk for fk in table.foreign_keys if fk not in inline)


def create_sql(schema: Schema) -> str:
    """The whole schema from nothing: enum types, tables (foreign keys that
    close a reference cycle added after all of them), indexes, comments."""
    statements = [create_enum(enum) for enum in sorted(schema.enums, key=lambda e: e.name)]
    ordered = creation_order(schema.tables)
    deferred: list[str] = []
    created: set[str] = set()
    for table in ordered:
        inline, later = partition_foreign_keys(table, created)
        statements.append(create_table(table, inline))
        deferred += [add_constraint(table.name, fk) for fk in later]
        created.add(table.name)
    statements += deferred
    statements += [create_index(table.name, index) for table in ordered for index in table.indexes]
    statements += [
        comment_on_type(enum.name, enum.doc)
        for enum in sorted(schema.enums, key=lambda e: e.name)
        if enum.doc is not None
    ]
    for table in ordered:
        if table.doc is not None:
            statements.append(comment_on_table(table.name, table.doc))
        statements += [
            comment_on_column(table.name, column.name, column.doc)
            for column in table.columns
            if column.doc is not None
        ]
    return "\n\n".join(statements) + "\n" if statements else ""


# --- tables and columns ---------------------------------------------------


def column_definition(column: Column) -> str:
    parts = [quote_ident(column.name), column.type]
    if column.identity is not None:
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    if not column.nullable:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    return " ".join(parts)


def constraint_definition(constraint: Constraint) -> str:
    """``CONSTRAINT name ...`` as it appears in CREATE TABLE and ADD CONSTRAINT."""
    match constraint:
        case PrimaryKey(columns=columns):
            body = f"PRIMARY KEY ({_names(columns)})"
        case Unique(columns=columns):
            body = f"UNIQUE ({_names(columns)})"
        case Check(expression=expression):
            body = f"CHECK ({expression})"
        case ForeignKey():
            body = (
                f"FOREIGN KEY ({_names(constraint.columns)}) REFERENCES "
                f"{_table_ref(constraint.ref_table)} ({_names(constraint.ref_columns)})"
            )
            for clause, action in (
                ("ON DELETE", constraint.on_delete),
                ("ON UPDATE", constraint.on_update),
            ):
                if action != "no action":
                    body += f" {clause} {action.upper()}"
    return f"CONSTRAINT {quote_ident(constraint.name)} {body}"


def create_table(table: Table, foreign_keys: Iterable[ForeignKey] | None = None) -> str:
    """``CREATE TABLE`` with columns and constraints inline; ``foreign_keys``
    (all of the table's by default) are the ones whose tables exist by then."""
    constraints: list[Constraint] = [table.primary_key] if table.primary_key else []
    constraints += [*table.uniques, *table.checks]
    constraints += table.foreign_keys if foreign_keys is None else foreign_keys
    elements = [column_definition(c) for c in table.columns]
    elements += [constraint_definition(c) for c in constraints]
    if not elements:
        return f"CREATE TABLE {quote_ident(table.name)} ();"
    body = ",\n".join(_INDENT + element for element in elements)
    return f"CREATE TABLE {quote_ident(table.name)} (\n{body}\n);"


def drop_table(table: str) -> str:
    return f"DROP TABLE {quote_ident(table)};"


def rename_table(old: str, new: str) -> str:
    return f"ALTER TABLE {quote_ident(old)} RENAME TO {quote_ident(new)};"


def _alter_table(table: str, action: str) -> str:
    return f"ALTER TABLE {quote_ident(table)} {action};"


def add_column(table: str, column: Column) -> str:
    return _alter_table(table, f"ADD COLUMN {column_definition(column)}")


def drop_column(table: str, column: str) -> str:
    return _alter_table(table, f"DROP COLUMN {quote_ident(column)}")


def rename_column(table: str, old: str, new: str) -> str:
    return _alter_table(table, f"RENAME COLUMN {quote_ident(old)} TO {quote_ident(new)}")


def _alter_column(table: str, column: str, action: str) -> str:
    return _alter_table(table, f"ALTER COLUMN {quote_ident(column)} {action}")


def alter_column_type(table: str, column: str, type_: str, *, using: str | None = None) -> str:
    """``USING column::type`` by default: PostgreSQL only converts without one
    when an assignment cast exists, and an explicit cast is what people mean."""
    cast = f"{quote_ident(column)}::{type_}" if using is None else using
    return _alter_column(table, column, f"TYPE {type_} USING {cast}")


def set_default(table: str, column: str, expression: str) -> str:
    return _alter_column(table, column, f"SET DEFAULT {expression}")


def drop_default(table: str, column: str) -> str:
    return _alter_column(table, column, "DROP DEFAULT")


def set_not_null(table: str, column: str) -> str:
    return _alter_column(table, column, "SET NOT NULL")


def drop_not_null(table: str, column: str) -> str:
    return _alter_column(table, column, "DROP NOT NULL")


def add_identity(table: str, column: str, identity: str) -> str:
    return _alter_column(table, column, f"ADD GENERATED {identity.upper()} AS IDENTITY")


def set_identity(table: str, column: str, identity: str) -> str:
    """Switch an identity column between ``always`` and ``by default``."""
    return _alter_column(table, column, f"SET GENERATED {identity.upper()}")


def drop_identity(table: str, column: str) -> str:
    return _alter_column(table, column, "DROP IDENTITY")


# --- constraints and indexes ----------------------------------------------


def add_constraint(table: str, constraint: Constraint) -> str:
    return _alter_table(table, f"ADD {constraint_definition(constraint)}")


def drop_constraint(table: str, name: str) -> str:
    return _alter_table(table, f"DROP CONSTRAINT {quote_ident(name)}")


def rename_constraint(table: str, old: str, new: str) -> str:
    """Renames a primary key's or unique constraint's index along with it."""
    return _alter_table(table, f"RENAME CONSTRAINT {quote_ident(old)} TO {quote_ident(new)}")


def create_index(table: str, index: Index, *, concurrently: bool = False) -> str:
    unique = "UNIQUE " if index.unique else ""
    how = "CONCURRENTLY " if concurrently else ""
    keys = ", ".join(_index_key(key) for key in index.keys)
    where = f" WHERE {index.where}" if index.where is not None else ""
    return (
        f"CREATE {unique}INDEX {how}{quote_ident(index.name)} ON {quote_ident(table)} "
        f"USING {index.method} ({keys}){where};"
    )


def drop_index(name: str, *, concurrently: bool = False, if_exists: bool = False) -> str:
    how = ("CONCURRENTLY " if concurrently else "") + ("IF EXISTS " if if_exists else "")
    return f"DROP INDEX {how}{quote_ident(name)};"


def rename_index(old: str, new: str) -> str:
    return f"ALTER INDEX {quote_ident(old)} RENAME TO {quote_ident(new)};"


# --- comments ---------------------------------------------------------------


def _comment(target: str, doc: str | None) -> str:
    return f"COMMENT ON {target} IS {'NULL' if doc is None else quote_literal(doc)};"


def comment_on_table(table: str, doc: str | None) -> str:
    return _comment(f"TABLE {quote_ident(table)}", doc)


def comment_on_column(table: str, column: str, doc: str | None) -> str:
    return _comment(f"COLUMN {quote_ident(table)}.{quote_ident(column)}", doc)


def comment_on_type(name: str, doc: str | None) -> str:
    return _comment(f"TYPE {quote_ident(name)}", doc)


# --- enum types -------------------------------------------------------------


def create_enum(enum: EnumType) -> str:
    values = ", ".join(quote_literal(value) for value in enum.values)
    return f"CREATE TYPE {quote_ident(enum.name)} AS ENUM ({values});"


def drop_enum(name: str) -> str:
    return f"DROP TYPE {quote_ident(name)};"


def rename_enum(old: str, new: str) -> str:
    return f"ALTER TYPE {quote_ident(old)} RENAME TO {quote_ident(new)};"


def add_enum_value(
    name: str, value: str, *, before: str | None = None, after: str | None = None
) -> str:
    position = ""
    if before is not None:
        position = f" BEFORE {quote_literal(before)}"
    elif after is not None:
        position = f" AFTER {quote_literal(after)}"
    return f"ALTER TYPE {quote_ident(name)} ADD VALUE {quote_literal(value)}{position};"


def recreate_enum(
    enum: EnumType, retired: str, columns: Iterable[tuple[str, Column, Column]]
) -> tuple[str, ...]:
    """An enum type with values removed or reordered, which ``ALTER TYPE``
    cannot do: the old type is renamed to ``retired``, the new one created,
    and each ``(table, before, after)`` column converted through text (there
    is no cast between two enum types). A default is dropped first, since it
    is typed with the old enum, and ``after.default`` set afterwards. The
    caller drops ``retired`` once nothing uses it."""
    statements = [rename_enum(enum.name, retired), create_enum(enum)]
    for table, before, after in columns:
        if before.default is not None:
            statements.append(drop_default(table, before.name))
        dimensions = "[]" * after.type.count("[]")
        using = f"{quote_ident(after.name)}::text{dimensions}::{after.type}"
        statements.append(alter_column_type(table, after.name, after.type, using=using))
        if after.default is not None:
            statements.append(set_default(table, after.name, after.default))
    return tuple(statements)
