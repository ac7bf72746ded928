"""Comments (the docs of enum types, tables and columns) that differ, set
last, once everything they describe exists.
"""

from __future__ import annotations

from dibs.schema import ddl
from dibs.schema.comparison import Comparison, Phase


def compare_comments(comparison: Comparison) -> None:
    """Docs that differ; a missing table, column or type has none."""
    have_enums = comparison.actual.enums_by_name
    for enum in sorted(comparison.desired.enums, key=lambda e: e.name):
        old_enum = have_enums.get(enum.name)
        if enum.doc != (old_enum.doc if old_enum else None):
            comparison.emit(
                Phase.COMMENTS,
                "comment_enum",
                None,
                enum.name,
                f"comment on enum type {enum.name}",
                ddl.comment_on_type(enum.name, enum.doc),
            )
    for table in sorted(comparison.desired.tables, key=lambda t: t.name):
        old = comparison.actual.table(table.name)
        if table.doc != (old.doc if old else None):
            comparison.emit(
                Phase.COMMENTS,
                "comment_table",
                table.name,
                None,
                f"comment on table {table.name}",
                ddl.comment_on_table(table.name, table.doc),
            )
        for column in table.columns:
            old_column = old.column(column.name) if old else None
            if column.doc != (old_column.doc if old_column else None):
                comparison.emit(
                    Phase.COMMENTS,
                    "comment_column",
                    table.name,
                    column.name,
                    f"comment on column {table.name}.{column.name}",
                    ddl.comment_on_column(table.name, column.name, column.doc),
                )
