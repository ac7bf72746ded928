"""Tables defined in Python: the schema a db program declares.

A db package describes its tables as dataclasses in its ``tables`` module:

    @dibs.table("users")
    @dataclass
    class User:
        '''People who can sign in.'''
        id: int = column(primary_key=True)
        email: str = column(unique=True, doc="Where we write to them.")
        created_at: datetime = column(default=sql("now()"))
        team_id: int | None = column(references="teams.id", on_delete="cascade")

Each table keeps its doc comment and the file:line that defined it, for
`dibs schema`; the db program serves these definitions to the CLI, which
prints them or the ``CREATE TABLE`` statements (in an order in which every
referenced table exists first).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import inspect
import types
import typing
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: Python types and the PostgreSQL types they become.
PG_TYPES: dict[object, str] = {
    int: "BIGINT",
    str: "TEXT",
    bool: "BOOLEAN",
    float: "DOUBLE PRECISION",
    decimal.Decimal: "NUMERIC",
    datetime.datetime: "TIMESTAMPTZ",
    datetime.date: "DATE",
    datetime.time: "TIME",
    datetime.timedelta: "INTERVAL",
    uuid.UUID: "UUID",
    bytes: "BYTEA",
    dict: "JSONB",
}

_ACTIONS = ("cascade", "restrict", "set null", "set default", "no action")
#: "No default": `None` is a real default (NULL), so absence needs its own marker.
NO_DEFAULT: Any = type("NoDefault", (), {"__repr__": lambda self: "NO_DEFAULT"})()
_TABLES: dict[str, Table] = {}


class TableDefinitionError(TypeError):
    """A table that cannot be created as written; the message names file:line."""


@dataclass(frozen=True)
class Sql:
    """A default written as an SQL expression (``now()``), not a value."""

    expression: str


def sql(expression: str) -> Sql:
    return Sql(expression)


@dataclass(frozen=True)
class ColumnOptions:
    primary_key: bool = False
    unique: bool = False
    default: object = NO_DEFAULT
    references: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    pg_type: str | None = None
    doc: str | None = None


def column(
    *,
    primary_key: bool = False,
    unique: bool = False,
    default: object = NO_DEFAULT,
    references: str | None = None,
    on_delete: str | None = None,
    on_update: str | None = None,
    type: str | None = None,
    doc: str | None = None,
) -> Any:
    """A dataclass field with column options (``references`` is ``table.column``)."""
    for action in (on_delete, on_update):
        if action is not None and action.lower() not in _ACTIONS:
            raise TableDefinitionError(f"unknown referential action {action!r}")
    options = ColumnOptions(
        primary_key, unique, default, references, on_delete, on_update, type, doc
    )
    return field(default=None, metadata={"dibs": options})


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    nullable: bool
    primary_key: bool = False
    unique: bool = False
    #: The SQL text of the default, if any.
    default: str | None = None
    references: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    doc: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    doc: str | None = None
    #: ``file:line`` of the class that defines the table.
    source: str | None = None

    @property
    def primary_key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.primary_key)

    def dependencies(self) -> set[str]:
        """Tables this one references (itself excluded)."""
        found = {c.references.split(".")[0] for c in self.columns if c.references}
        return found - {self.name}

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        columns = tuple(Column(**c) for c in data["columns"])
        return cls(data["name"], columns, data.get("doc"), data.get("source"))


def table(name: str | None = None) -> Callable[[type], type]:
    """Register a dataclass as a table (named after the class, snake_case, by default)."""

    def register(cls: type) -> type:
        if not dataclasses.is_dataclass(cls):
            raise TableDefinitionError(f"{_where(cls)}: @table needs a dataclass")
        defined = define(cls, name)
        _TABLES[defined.name] = defined
        return cls

    return register


def define(cls: type, name: str | None = None) -> Table:
    """The `Table` a dataclass describes."""
    hints = typing.get_type_hints(cls)
    columns = []
    for item in dataclasses.fields(cls):
        options = item.metadata.get("dibs", ColumnOptions())
        columns.append(_column(item.name, hints[item.name], options, cls))
    table_name = name or _snake(cls.__name__)
    if not any(c.primary_key for c in columns):
        raise TableDefinitionError(f"{_where(cls)}: table {table_name} has no primary key")
    return Table(table_name, tuple(columns), _doc(cls), _where(cls))


def registered() -> list[Table]:
    """Every table registered with `table`, in definition order."""
    return list(_TABLES.values())


def _column(name: str, hint: object, options: ColumnOptions, owner: type) -> Column:
    nullable = False
    members = _union_members(hint)
    if members is not None:
        present = [m for m in members if m is not type(None)]
        nullable = len(present) < len(members)
        if len(present) != 1:
            raise TableDefinitionError(f"{_where(owner)}: {name}: a column has one type")
        hint = present[0]
    pg_type = options.pg_type or _pg_type(hint)
    if pg_type is None:
        raise TableDefinitionError(f"{_where(owner)}: {name}: no PostgreSQL type for {hint!r}")
    if options.primary_key and nullable:
        raise TableDefinitionError(f"{_where(owner)}: {name}: a primary key cannot be optional")
    return Column(
        name,
        pg_type,
        nullable,
        options.primary_key,
        options.unique,
        _default_sql(options.default),
        options.references,
        options.on_delete,
        options.on_update,
        options.doc,
    )


def _pg_type(hint: object) -> str | None:
    if hint in PG_TYPES:
        return PG_TYPES[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and args and (inner := _pg_type(args[0])) is not None:
        return f"{inner}[]"
    if origin is dict:
        return "JSONB"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "TEXT"
    return None


def _default_sql(value: object) -> str | None:
    if value is NO_DEFAULT:
        return None
    if isinstance(value, Sql):
        return value.expression
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        value = value.value
    return "'" + str(value).replace("'", "''") + "'"


def _union_members(hint: object) -> tuple[object, ...] | None:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(hint)
    return None


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _doc(cls: type) -> str | None:
    doc = cls.__doc__
    if not doc or doc.startswith(f"{cls.__name__}("):  # the signature dataclasses invent
        return None
    return inspect.cleandoc(doc)


def _where(cls: type) -> str:
    try:
        return f"{inspect.getsourcefile(cls)}:{inspect.getsourcelines(cls)[1]}"
    except (OSError, TypeError):
        return cls.__qualname__


def creation_order(tables: Iterable[Table]) -> list[Table]:
    """Tables ordered so that each comes after the tables it references;
    a reference cycle is an error naming the tables in it."""
    pending = {t.name: t for t in tables}
    ordered: list[Table] = []
    while pending:
        ready = [t for t in pending.values() if not (t.dependencies() & pending.keys())]
        if not ready:
            raise TableDefinitionError(
                "foreign keys form a cycle between: " + ", ".join(sorted(pending))
            )
        for ready_table in ready:
            ordered.append(ready_table)
            del pending[ready_table.name]
    return ordered


def create_sql(tables: Iterable[Table]) -> str:
    """``CREATE TABLE`` statements (with comments from the docs) for a schema."""
    statements = []
    for item in creation_order(tables):
        lines = [f"    {_column_sql(c)}" for c in item.columns]
        lines.append(f"    PRIMARY KEY ({', '.join(_ident(n) for n in item.primary_key)})")
        body = ",\n".join(lines)
        statements.append(f"CREATE TABLE {_ident(item.name)} (\n{body}\n);")
        if item.doc:
            statements.append(f"COMMENT ON TABLE {_ident(item.name)} IS {_literal(item.doc)};")
        for col in item.columns:
            if col.doc:
                target = f"{_ident(item.name)}.{_ident(col.name)}"
                statements.append(f"COMMENT ON COLUMN {target} IS {_literal(col.doc)};")
    return "\n\n".join(statements) + ("\n" if statements else "")


def _column_sql(col: Column) -> str:
    parts = [_ident(col.name), col.pg_type]
    if not col.nullable:
        parts.append("NOT NULL")
    if col.default is not None:
        parts.append(f"DEFAULT {col.default}")
    if col.unique:
        parts.append("UNIQUE")
    if col.references:
        target_table, _, target_column = col.references.partition(".")
        parts.append(f"REFERENCES {_ident(target_table)} ({_ident(target_column or 'id')})")
        if col.on_delete:
            parts.append(f"ON DELETE {col.on_delete.upper()}")
        if col.on_update:
            parts.append(f"ON UPDATE {col.on_update.upper()}")
    return " ".join(parts)


def _ident(name: str) -> str:
    if name.isidentifier() and name == name.lower() and name.isascii():
        return name
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def describe(tables: Iterable[Table]) -> str:
    """A plain listing for people: each table, its doc and source, its columns."""
    out = []
    for item in tables:
        out.append(f"{item.name}" + (f"  ({item.source})" if item.source else ""))
        if item.doc:
            out += [f"  /// {line}" for line in item.doc.splitlines()]
        for col in item.columns:
            flags = [
                flag
                for flag, on in (
                    ("primary key", col.primary_key),
                    ("unique", col.unique),
                    ("null", col.nullable),
                )
                if on
            ]
            if col.default is not None:
                flags.append(f"default {col.default}")
            if col.references:
                flags.append(f"-> {col.references}")
            note = f"  // {col.doc}" if col.doc else ""
            out.append(
                f"    {col.name} {col.pg_type}{' ' + ', '.join(flags) if flags else ''}{note}"
            )
        out.append("")
    return "\n".join(out)
