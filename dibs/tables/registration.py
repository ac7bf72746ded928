"""The tables a program has defined, collected as `table` decorates them:
the schema the db program serves.

What needs more than one table is checked here, because only the registry
sees them all: a name used twice in PostgreSQL's one namespace of tables,
keys and indexes, an enum type defined two ways, a foreign key that does
not match its target's key.
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from dibs.schema.model import EnumType, ForeignKey, Schema, Table
from dibs.tables.errors import definition_error


@dataclass
class _Registered:
    table: Table
    enums: tuple[EnumType, ...]
    #: ``module.qualname``: the same class registered again (a module reload)
    #: replaces its table instead of clashing with it.
    owner: str


@dataclass
class _Registry:
    tables: dict[str, _Registered] = dataclasses.field(default_factory=dict)
    #: relation name (table, key, index) -> the table it belongs to, kept as
    #: tables register so that checking a new one does not rescan them all
    relations: dict[str, str] = dataclasses.field(default_factory=dict)


#: Where `table` registers: the module's own registry, unless `registry`
#: scoped a fresh one to the current thread or task.
_DEFAULT_REGISTRY: Final = _Registry()
_SCOPED_REGISTRY: contextvars.ContextVar[_Registry | None] = contextvars.ContextVar(
    "dibs_tables_registry", default=None
)


def _current() -> _Registry:
    scoped = _SCOPED_REGISTRY.get()
    return _DEFAULT_REGISTRY if scoped is None else scoped


def registered() -> Schema:
    """Every registered table, in definition order, with the enum types they
    use (each once).

    Foreign keys are checked here, when every table is known: one pointing at
    a registered table must name its columns and match its primary key or a
    unique constraint, as PostgreSQL will require.
    """
    entries = list(_current().tables.values())
    tables = tuple(entry.table for entry in entries)
    by_name = {t.name: t for t in tables}
    for item in tables:
        for key in item.foreign_keys:
            target = by_name.get(key.ref_table)
            if target is not None:
                _check_reference(item, key, target)
    enums: dict[str, EnumType] = {}
    for entry in entries:
        for found in entry.enums:
            enums.setdefault(found.name, found)
    return Schema(tables, tuple(enums.values()))


@contextmanager
def registry() -> Iterator[None]:
    """A fresh, empty registry for the ``with`` block (in this thread or
    task), the previous one restored after: tests define tables without
    seeing or leaving behind anyone else's."""
    token = _SCOPED_REGISTRY.set(_Registry())
    try:
        yield
    finally:
        _SCOPED_REGISTRY.reset(token)


def register_table(cls: type, defined: Table, enums: tuple[EnumType, ...]) -> None:
    """Add a table, refusing what PostgreSQL would refuse only once both
    tables are created: a second table of the same name, a relation name
    (tables, keys and indexes share one namespace) used twice, two enum
    types of one name."""
    registry = _current()
    tables = registry.tables
    owner = f"{cls.__module__}.{cls.__qualname__}"
    where = defined.source or owner
    previous = tables.get(defined.name)
    if previous is not None and previous.owner != owner:
        raise definition_error(
            where,
            f"table {defined.name} is already defined at {previous.table.source or previous.owner};"
            " give one of them another name with @table(name=...)",
        )
    others = [entry for key, entry in tables.items() if key != defined.name]
    for relation in _relation_names(defined):
        holder = registry.relations.get(relation)
        if holder is not None and holder != defined.name:
            other = tables[holder].table
            raise definition_error(
                where,
                f"{relation} is already the name of a table, key or index of table"
                f" {other.name} ({other.source or 'unknown source'}); PostgreSQL keeps them"
                " in one namespace, so choose another name",
            )
    known = {e.name: e for entry in others for e in entry.enums}
    for found in enums:
        same = known.get(found.name)
        if same is not None and same != found:
            raise definition_error(
                found.source or where,
                f"enum type {found.name} is already defined differently at"
                f" {same.source or 'an unknown source'}; rename one with __pg_name__",
            )
    # A table is also a type (its row type), so it cannot share a name with an enum.
    table_names = {entry.table.name for entry in others} | {defined.name}
    clash = next((e.name for e in enums if e.name in table_names), None)
    if clash is None and defined.name in known:
        clash = defined.name
    if clash is not None:
        raise definition_error(
            where,
            f"{clash} names both a table and an enum type, and PostgreSQL gives each table"
            " a type of its name; rename the table, or the enum with __pg_name__",
        )
    if previous is not None:  # the same class again: its old names go
        for relation in _relation_names(previous.table):
            registry.relations.pop(relation, None)
    tables[defined.name] = _Registered(defined, enums, owner)
    registry.relations.update(dict.fromkeys(_relation_names(defined), defined.name))


def _relation_names(item: Table) -> list[str]:
    names = [item.name, *(u.name for u in item.uniques), *(i.name for i in item.indexes)]
    if item.primary_key is not None:
        names.append(item.primary_key.name)
    return names


def _check_reference(item: Table, key: ForeignKey, target: Table) -> None:
    where = _column_source(item, key.columns[0])
    missing = [name for name in key.ref_columns if target.column(name) is None]
    if missing:
        raise definition_error(
            where,
            f"{key.name} references {target.name}.{missing[0]}, but table {target.name}"
            " has no such column",
        )
    wanted = set(key.ref_columns)
    keys = [u.columns for u in target.uniques]
    keys += [
        tuple(k.expression for k in i.keys) for i in target.indexes if i.unique and not i.where
    ]
    if target.primary_key is not None:
        keys.append(target.primary_key.columns)
    if not any(set(columns) == wanted for columns in keys):
        raise definition_error(
            where,
            f"{key.name} references {target.name}({', '.join(key.ref_columns)}), which is"
            " neither its primary key nor unique; PostgreSQL requires one of the two",
        )


def _column_source(item: Table, name: str) -> str:
    found = item.column(name)
    return (found.source if found else None) or item.source or item.name
