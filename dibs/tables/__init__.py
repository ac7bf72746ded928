"""Tables defined in Python: the schema a db program declares.

A db package describes its tables as dataclasses in its ``tables`` module:

    class Role(enum.Enum):
        '''What a user may do.'''
        ADMIN = "admin"
        MEMBER = "member"

    @table("users", indexes=[index("team_id", "created_at DESC")])
    @dataclass
    class User:
        '''People who can sign in.'''
        id: int = column(primary_key=True, identity="always")
        email: str = column(unique=True, doc="Where we write to them.")
        role: Role = column(default=Role.MEMBER)
        created_at: datetime = column(default=sql("now()"))
        team_id: int | None = column(references="teams.id", on_delete="set null")

Each class becomes a `dibs.schema.model.Table`, the same vocabulary the
introspection of a live database produces, so the two compare directly.
That is why types are written the way PostgreSQL's ``format_type()`` prints
them and why every constraint and index gets an explicit, deterministic name
(the one PostgreSQL would choose where it has a rule): a name PostgreSQL
picked on its own could differ between databases, and the diff would see a
change that is not there.

Mistakes are caught here, at import, as `TableDefinitionError` naming the
``file:line`` of the class or column: the alternative is an error from
PostgreSQL much later that points at generated SQL nobody wrote.

This module is what a db package imports; the work is done below it.
`options` and `markers` hold what a definition says; `build` turns one class
into a `Table` with `columns`, `column_types`, `defaults`, `names` and
`located`; `registration` collects the tables the program serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, overload

from dibs.schema.model import Table
from dibs.tables.build import build_table
from dibs.tables.column_types import PG_TYPES, normalize_type
from dibs.tables.errors import TableDefinitionError
from dibs.tables.markers import JSON, JSONB, NO_DEFAULT, Json, Sql, sql
from dibs.tables.names import MAX_NAME_BYTES
from dibs.tables.options import (
    CheckDefinition,
    IndexDefinition,
    check,
    column,
    index,
    table_options,
)
from dibs.tables.registration import register_table, registered, registry

__all__ = [
    "JSON",
    "JSONB",
    "MAX_NAME_BYTES",
    "NO_DEFAULT",
    "PG_TYPES",
    "CheckDefinition",
    "IndexDefinition",
    "Json",
    "Sql",
    "TableDefinitionError",
    "check",
    "column",
    "define",
    "index",
    "normalize_type",
    "registered",
    "registry",
    "sql",
    "table",
]


_C = TypeVar("_C", bound=type)


@overload
def table(
    name: _C,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> _C: ...


@overload
def table(
    name: str | None = None,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> Callable[[_C], _C]: ...


def table(
    name: str | type | None = None,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> Any:
    """Register a dataclass as a table (named after the class in snake_case
    unless ``name`` is given); ``@table`` works without parentheses too.

    ``primary_key`` names the key's columns when there are several (one
    column can say ``column(primary_key=True)`` instead); ``unique`` is a list
    of column tuples, one constraint each.
    """
    options = table_options(primary_key, unique, indexes, checks)

    def register(cls: _C) -> _C:
        defined, enums = build_table(cls, None if isinstance(name, type) else name, options)
        register_table(cls, defined, enums)
        return cls

    if isinstance(name, type):
        return register(name)
    return register


def define(
    cls: type,
    name: str | None = None,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> Table:
    """The `Table` a dataclass describes, without registering it: for tools
    and tests that want one table, not the schema the program serves."""
    options = table_options(primary_key, unique, indexes, checks)
    return build_table(cls, name, options)[0]
