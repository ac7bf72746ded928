"""The difference between the schema the definitions describe and the one
the database holds, as changes in an order PostgreSQL accepts.

Both schemas come from PostgreSQL's catalog, so every text compares with
``==``. What the order has to respect, phase by phase: new enum types and
values exist before anything uses them; renames come before everything else
(which then speaks of the new names); foreign keys go before the keys,
columns and tables they depend on, and come back last; keys, checks and
indexes that go or change are dropped before columns change under them and
added after; tables are dropped dependents first and created referenced
first; old enum types go once no column uses them; comments come last.

Renames are never guessed: a dropped table or column and an added one look
exactly like a rename that lost data, so the caller names them (``renames``)
and `SchemaDiff.rename_suggestions` only hints at likely ones. Constraints
and indexes keep their names when their table or column is renamed, so they
are paired by definition after the renames: one with the same definition
under another name is renamed (``RENAME CONSTRAINT``, ``ALTER INDEX ...
RENAME``), which keeps the index instead of rebuilding it.

This module is the entry point and the sequence of steps; each step lives
in a module of its own (`renames`, `enum_changes`, `key_changes`,
`table_changes`, `column_changes`, `comment_changes`), sharing a
`dibs.schema.comparison.Comparison`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dibs.schema.changes import Change, SchemaDiff
from dibs.schema.column_changes import compare_columns
from dibs.schema.comment_changes import compare_comments
from dibs.schema.comparison import Comparison
from dibs.schema.enum_changes import compare_enums
from dibs.schema.key_changes import compare_foreign_keys, compare_keys
from dibs.schema.model import Schema
from dibs.schema.renames import DiffError, emit_renames, read_renames, rename_suggestions, renamed
from dibs.schema.table_changes import create_new_tables, drop_gone_tables
from dibs.schema.widening import is_widening

__all__ = ["Change", "DiffError", "SchemaDiff", "diff", "is_widening"]

_NO_RENAMES: Mapping[str, str] = MappingProxyType({})


def diff(
    desired: Schema,
    actual: Schema,
    *,
    renames: Mapping[str, str] = _NO_RENAMES,
    concurrently: bool = False,
) -> SchemaDiff:
    """What it takes to turn ``actual`` into ``desired``.

    ``renames`` maps ``old_table`` to ``new_table`` and ``table.old_column``
    to ``new_column`` (the table by its new name); a rename whose source or
    target does not exist is a `DiffError`. With ``concurrently``, indexes of
    tables that already exist are created and dropped ``CONCURRENTLY`` (so
    those changes are not transactional)."""
    table_renames, column_renames = read_renames(renames, desired, actual)
    comparison = Comparison(desired, renamed(actual, table_renames, column_renames), concurrently)
    emit_renames(comparison, table_renames, column_renames)
    # Enum types first: the ones recreated decide which keys are rebuilt.
    compare_enums(comparison)
    for name in comparison.kept:
        wanted, have = comparison.kept_table(name)
        for column in wanted.columns:
            old = have.column(column.name)
            if old is not None and old.type != column.type:
                comparison.retyped[name].add(column.name)
    for name in comparison.kept:
        compare_keys(comparison, name)
    for name in comparison.kept:
        compare_foreign_keys(comparison, name)
    drop_gone_tables(comparison)
    create_new_tables(comparison)
    for name in comparison.kept:
        compare_columns(comparison, name)
    compare_comments(comparison)
    return SchemaDiff(comparison.ordered(), rename_suggestions(comparison))
