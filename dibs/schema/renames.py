"""Renames of tables and columns, which are never guessed.

A dropped table or column and an added one look exactly like a rename that
lost data, so the caller names renames, and they are checked against both
schemas, applied to the database's schema before anything else compares
it (constraints, checks and indexes follow the new names), and emitted
first. `rename_suggestions` only hints at likely ones.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from dibs.schema import ddl
from dibs.schema.comparison import Comparison, Phase
from dibs.schema.model import Column, Index, Schema


class DiffError(ValueError):
    """A rename that cannot be applied; the message names it."""


def emit_renames(
    comparison: Comparison, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]
) -> None:
    """The renames as changes of their own phase, before everything else,
    which speaks of the new names."""
    for old, new in sorted(tables.items()):
        comparison.emit(
            Phase.RENAMES,
            "rename_table",
            new,
            None,
            f"rename table {old} to {new}",
            ddl.rename_table(old, new),
        )
    for table, renamed in sorted(columns.items()):
        for old, new in sorted(renamed.items()):
            comparison.emit(
                Phase.RENAMES,
                "rename_column",
                table,
                new,
                f"rename column {table}.{old} to {new}",
                ddl.rename_column(table, old, new),
            )


def rename_suggestions(comparison: Comparison) -> tuple[str, ...]:
    """A table dropped and one added with the same columns, or a column
    dropped and one of the same type added to the same table."""
    gone = [t for t in comparison.actual.tables if comparison.desired.table(t.name) is None]
    new = [t for t in comparison.desired.tables if comparison.actual.table(t.name) is None]
    found = [
        f"{old.name}={table.name}"
        for old in gone
        for table in new
        if _shape(old.columns) == _shape(table.columns)
    ]
    for name in comparison.kept:
        wanted, have = comparison.kept_table(name)
        added = [c for c in wanted.columns if have.column(c.name) is None]
        dropped = [c for c in have.columns if wanted.column(c.name) is None]
        found += [
            f"{name}.{old.name}={column.name}"
            for old in dropped
            for column in added
            if old.type == column.type
        ]
    return tuple(sorted(found))


def read_renames(
    renames: Mapping[str, str], desired: Schema, actual: Schema
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Table renames (old name to new) and column renames (by the table's new
    name, old column to new), each checked against both schemas."""
    tables: dict[str, str] = {}
    for source, target in sorted(renames.items()):
        if "." in source:
            continue
        problem = None
        if actual.table(source) is None:
            problem = f"the database has no table {source}"
        elif desired.table(target) is None:
            problem = f"the definitions have no table {target}"
        elif actual.table(target) is not None:
            problem = f"the database already has a table {target}"
        elif target in tables.values():
            problem = f"another table is renamed to {target} too"
        if problem:
            raise DiffError(f"cannot rename {source}={target}: {problem}")
        tables[source] = target
    originals = {new: old for old, new in tables.items()}
    columns: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for source, target in sorted(renames.items()):
        table, dot, column = source.partition(".")
        if not dot:
            continue
        wanted = desired.table(table)
        have = actual.table(originals.get(table, table))
        problem = None
        if wanted is None:
            problem = f"the definitions have no table {table}"
        elif have is None:
            problem = f"the database has no table {originals.get(table, table)}"
        elif have.column(column) is None:
            problem = f"the database has no column {have.name}.{column}"
        elif wanted.column(target) is None:
            problem = f"the definitions have no column {table}.{target}"
        elif have.column(target) is not None:
            problem = f"the database already has a column {have.name}.{target}"
        elif target in columns[table].values():
            problem = f"another column of {table} is renamed to {target} too"
        if problem:
            raise DiffError(f"cannot rename {source}={target}: {problem}")
        columns[table][column] = target
    return tables, dict(columns)


def renamed(
    schema: Schema, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]
) -> Schema:
    """``schema`` as PostgreSQL will hold it after the renames: names in
    columns, keys and references follow, and so do the names inside check
    expressions and index keys and predicates (PostgreSQL prints them by
    name). Constraint and index names stay."""
    if not tables and not columns:
        return schema

    def table_name(name: str) -> str:
        return tables.get(name, name)

    def column_names(table: str, names: tuple[str, ...]) -> tuple[str, ...]:
        renamed = columns.get(table, {})
        return tuple(renamed.get(name, name) for name in names)

    result = []
    for table in schema.tables:
        name = table_name(table.name)
        renamed = columns.get(name, {})
        result.append(
            dataclasses.replace(
                table,
                name=name,
                columns=tuple(
                    dataclasses.replace(c, name=renamed.get(c.name, c.name)) for c in table.columns
                ),
                primary_key=table.primary_key
                and dataclasses.replace(
                    table.primary_key, columns=column_names(name, table.primary_key.columns)
                ),
                uniques=tuple(
                    dataclasses.replace(u, columns=column_names(name, u.columns))
                    for u in table.uniques
                ),
                foreign_keys=tuple(
                    dataclasses.replace(
                        fk,
                        columns=column_names(name, fk.columns),
                        ref_table=table_name(fk.ref_table),
                        ref_columns=column_names(table_name(fk.ref_table), fk.ref_columns),
                    )
                    for fk in table.foreign_keys
                ),
                checks=tuple(
                    dataclasses.replace(c, expression=_rename_identifiers(c.expression, renamed))
                    for c in table.checks
                ),
                indexes=tuple(_renamed_index(index, renamed) for index in table.indexes),
            )
        )
    return dataclasses.replace(schema, tables=tuple(result))


def _renamed_index(index: Index, columns: Mapping[str, str]) -> Index:
    keys = tuple(
        dataclasses.replace(
            key,
            expression=_rename_identifiers(key.expression, columns)
            if key.expression.startswith("(")
            else columns.get(key.expression, key.expression),
        )
        for key in index.keys
    )
    where = None if index.where is None else _rename_identifiers(index.where, columns)
    return dataclasses.replace(index, keys=keys, where=where)


_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*""")


def _rename_identifiers(text: str, names: Mapping[str, str]) -> str:
    """Column names in an expression renamed, leaving alone string literals,
    type names (after ``::``), function names (before ``(``) and qualified
    names. A miss only costs a needless drop and re-add of the constraint."""
    if not names:
        return text

    def rename(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith("'"):
            return token
        new = names.get(token[1:-1].replace('""', '"') if token.startswith('"') else token)
        before = text[: match.start()].rstrip()
        after = text[match.end() :].lstrip()
        if new is None or before.endswith(("::", ".")) or after.startswith(("(", ".")):
            return token
        return ddl.quote_ident(new)

    return _TOKEN.sub(rename, text)


def _shape(columns: Iterable[Column]) -> set[tuple[str, str]]:
    return {(column.name, column.type) for column in columns}
