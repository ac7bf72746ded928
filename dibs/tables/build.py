"""A dataclass to a `dibs.schema.model.Table`: its fields in order, then
the table-level key, uniques, checks and indexes, named and checked against
the columns.

Registering the result is not done here (`dibs.tables.registration`), so
that `define` can describe one table without changing the program's schema.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Collection, Sequence

from dibs.schema.model import Check, EnumType, Index, IndexKey, PrimaryKey, Table, Unique
from dibs.tables.columns import Parts, add_column, nullable_key
from dibs.tables.errors import definition_error
from dibs.tables.located import class_doc, locate
from dibs.tables.markers import NO_DEFAULT
from dibs.tables.names import check_name_length, explicit_name, hash8, name_part, pg_name, snake
from dibs.tables.options import (
    OPTIONS_KEY,
    CheckDefinition,
    ColumnOptions,
    IndexDefinition,
    TableOptions,
)


def build_table(
    cls: type, name: str | None, options: TableOptions
) -> tuple[Table, tuple[EnumType, ...]]:
    """The table ``cls`` describes, and the enum types its columns need
    (created with it, each once per schema)."""
    located = locate(cls)
    where = located.where
    # Its own fields: a subclass of a dataclass inherits the marker but not
    # the processing of its own annotations.
    if "__dataclass_fields__" not in cls.__dict__:
        raise definition_error(
            where, f"{cls.__qualname__} is not a dataclass: put @dataclass under @table"
        )
    table_name = name or snake(cls.__name__)
    check_name_length(where, "table", table_name)
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except NameError as exc:
        raise definition_error(
            where,
            f"cannot resolve a type hint of {cls.__qualname__} ({exc}); define the types"
            " a table uses at module level",
        ) from exc
    parts = Parts()
    for item in dataclasses.fields(cls):
        options_here = item.metadata.get(OPTIONS_KEY)
        if options_here is None:
            plain = item.default if item.default is not dataclasses.MISSING else NO_DEFAULT
            options_here = ColumnOptions(default=plain)
        source = located.fields.get(item.name)
        add_column(parts, table_name, item.name, hints[item.name], options_here, source, where)
    built = _assemble(table_name, parts, options, where)
    defined = dataclasses.replace(built, doc=class_doc(cls, located), source=located.source)
    return defined, tuple(parts.enums.values())


def _assemble(table_name: str, parts: Parts, options: TableOptions, where: str) -> Table:
    """The table-level constraints and indexes, named and checked against
    the columns."""
    columns = {c.name: c for c in parts.columns}

    def known(label: str, names: Sequence[str]) -> tuple[str, ...]:
        if isinstance(names, str):
            raise definition_error(
                where,
                f"{label} takes column tuples, not {names!r}: write {label}=[({names!r},)]",
            )
        if not names:
            raise definition_error(where, f"{label} names no columns")
        for name in names:
            if name not in columns:
                raise definition_error(
                    where,
                    f"{label} names {name!r}, which is not a column of {table_name}"
                    f" (its columns: {', '.join(columns)})",
                )
        if len(set(names)) != len(names):
            raise definition_error(where, f"{label} names a column twice: {', '.join(names)}")
        return tuple(names)

    if options.primary_key is not None:
        if parts.primary_key:
            raise definition_error(
                where,
                "the primary key is given twice, with @table(primary_key=...) and with"
                f" column(primary_key=True) on {', '.join(parts.primary_key)}; keep one",
            )
        key_columns = known("primary_key", options.primary_key)
        for name in key_columns:
            if columns[name].nullable:
                raise definition_error(columns[name].source or where, nullable_key(name))
    else:
        key_columns = tuple(parts.primary_key)
    if not key_columns:
        raise definition_error(
            where,
            f"table {table_name} has no primary key: mark its column with"
            " column(primary_key=True), or name several with @table(primary_key=(...))",
        )
    uniques = [*parts.uniques, *(known("unique", names) for names in options.unique)]
    checks = list(parts.checks)
    for definition in options.checks:
        if not isinstance(definition, CheckDefinition):
            raise definition_error(where, f"checks takes check(...) values, not {definition!r}")
        name = explicit_name(where, "check", definition.name) or pg_name(
            table_name, "check", hash8(definition.expression)
        )
        checks.append(Check(name, definition.expression))
    table_indexes = [_index(table_name, item, columns, where) for item in options.indexes]
    built = Table(
        table_name,
        tuple(parts.columns),
        PrimaryKey(pg_name(table_name, "pkey"), key_columns),
        tuple(Unique(pg_name(table_name, *names, "key"), names) for names in uniques),
        tuple(parts.foreign_keys),
        tuple(checks),
        tuple(table_indexes),
    )
    _check_unique_names(built, where)
    return built


_SORT_ORDER = re.compile(r"(.*?)\s+(asc|desc)", re.IGNORECASE | re.DOTALL)


def _index(table_name: str, definition: object, columns: Collection[str], where: str) -> Index:
    if not isinstance(definition, IndexDefinition):
        raise definition_error(where, f"indexes takes index(...) values, not {definition!r}")
    if not definition.keys:
        raise definition_error(
            where, "index() needs at least one key: a column, or an (expression)"
        )
    keys = []
    for text in definition.keys:
        expression, descending = text.strip(), False
        order = _SORT_ORDER.fullmatch(expression)
        if order is not None:
            expression, descending = order.group(1).strip(), order.group(2).lower() == "desc"
        is_expression = expression.startswith("(") and expression.endswith(")")
        if not is_expression and expression not in columns:
            raise definition_error(
                where,
                f"index key {text!r} is not a column of {table_name} (its columns:"
                f" {', '.join(columns)}); an expression goes in parentheses, as in"
                " '(lower(email))', and ASC or DESC after the key",
            )
        keys.append(IndexKey(expression, descending))
    name = explicit_name(where, "index", definition.name) or pg_name(
        table_name,
        *(k.expression if k.expression in columns else name_part(k.expression) for k in keys),
        "idx",
    )
    return Index(
        name,
        tuple(keys),
        definition.unique,
        definition.where,
        definition.method.strip().lower(),
    )


def _check_unique_names(built: Table, where: str) -> None:
    """PostgreSQL refuses a second constraint or index of the same name, so
    two definitions that came out alike (two indexes on one column, one of
    them partial) need a name of their own."""
    names = [built.primary_key.name] if built.primary_key else []
    for group in (built.uniques, built.foreign_keys, built.checks, built.indexes):
        names += [item.name for item in group]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise definition_error(
                where,
                f"two constraints or indexes of table {built.name} are named {name};"
                " give one another name with name=...",
            )
        seen.add(name)
