"""Changes to the columns of a table that stays: added, altered aspect by
aspect (identity, default, type, NOT NULL) in the order PostgreSQL needs,
and dropped.
"""

from __future__ import annotations

from dibs.schema import ddl
from dibs.schema.comparison import Comparison, Phase
from dibs.schema.enum_changes import is_enum_type
from dibs.schema.model import Column
from dibs.schema.widening import is_widening


def compare_columns(comparison: Comparison, name: str) -> None:
    """Columns of a table that stays, after its keys went and before they
    come back: added first, then altered, then dropped."""
    wanted, have = comparison.kept_table(name)
    for column in wanted.columns:
        if have.column(column.name) is None:
            _add_column(comparison, name, column)
    for column in wanted.columns:
        old = have.column(column.name)
        if old is not None:
            _alter_column(comparison, name, old, column)
    for column in have.columns:
        if wanted.column(column.name) is None:
            comparison.emit(
                Phase.COLUMNS,
                "drop_column",
                name,
                column.name,
                f"drop column {name}.{column.name}",
                ddl.drop_column(name, column.name),
                destructive=True,
                note="deletes the column and its values",
            )


def _add_column(comparison: Comparison, table: str, column: Column) -> None:
    blocked = not column.nullable and column.default is None and column.identity is None
    comparison.emit(
        Phase.COLUMNS,
        "add_column",
        table,
        column.name,
        f"add column {table}.{column.name} {column.type}",
        ddl.add_column(table, column),
        note="fails if the table has rows: NOT NULL without a default" if blocked else None,
    )


def _alter_column(comparison: Comparison, table: str, old: Column, new: Column) -> None:
    """Each aspect as its own change, in the order PostgreSQL needs: an
    identity cannot coexist with a default and needs NOT NULL first; a
    default typed for the old type is dropped before the type changes
    (and the wanted one set after); an identity column cannot lose NOT
    NULL. A column converted to a recreated enum already has its default."""
    name, where = new.name, f"{table}.{new.name}"
    retype = old.type != new.type
    own_default = name not in comparison.converted[table]
    drop_default = own_default and old.default is not None and (new.default is None or retype)
    if old.identity is not None and new.identity is None:
        comparison.emit(
            Phase.COLUMNS,
            "alter_column_identity",
            table,
            name,
            f"drop identity of {where}",
            ddl.drop_identity(table, name),
        )
    if drop_default:
        comparison.emit(
            Phase.COLUMNS,
            "alter_column_default",
            table,
            name,
            f"drop default of {where}",
            ddl.drop_default(table, name),
        )
    if retype:
        widening = is_widening(old.type, new.type)
        comparison.emit(
            Phase.COLUMNS,
            "alter_column_type",
            table,
            name,
            f"change type of {where} from {old.type} to {new.type}",
            ddl.alter_column_type(table, name, new.type, using=_cast(comparison, old, new)),
            destructive=not widening,
            note=None
            if widening
            else f"converting {old.type} to {new.type} may fail or change values",
        )
    if old.nullable and not new.nullable:
        comparison.emit(
            Phase.COLUMNS,
            "alter_column_nullable",
            table,
            name,
            f"make {where} NOT NULL",
            ddl.set_not_null(table, name),
            note="fails if any row holds NULL",
        )
    if new.identity is not None and new.identity != old.identity:
        if old.identity is None:
            comparison.emit(
                Phase.COLUMNS,
                "alter_column_identity",
                table,
                name,
                f"make {where} an identity column (generated {new.identity})",
                ddl.add_identity(table, name, new.identity),
                note="its sequence starts at 1, which existing rows may already hold",
            )
        else:
            comparison.emit(
                Phase.COLUMNS,
                "alter_column_identity",
                table,
                name,
                f"make {where} generated {new.identity}",
                ddl.set_identity(table, name, new.identity),
            )
    if own_default and new.default is not None and (new.default != old.default or drop_default):
        comparison.emit(
            Phase.COLUMNS,
            "alter_column_default",
            table,
            name,
            f"set default of {where} to {new.default}",
            ddl.set_default(table, name, new.default),
        )
    if new.nullable and not old.nullable:
        comparison.emit(
            Phase.COLUMNS,
            "alter_column_nullable",
            table,
            name,
            f"allow NULL in {where}",
            ddl.drop_not_null(table, name),
        )


def _cast(comparison: Comparison, old: Column, new: Column) -> str | None:
    """Through text from an enum type: no cast leads from one to another
    type but text's input function."""
    if any(is_enum_type(old.type, e) for e in comparison.actual.enums_by_name):
        dimensions = "[]" * old.type.count("[]")
        return f"{ddl.quote_ident(new.name)}::text{dimensions}::{new.type}"
    return None
