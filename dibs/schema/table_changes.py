"""Tables dropped and created, in an order their foreign keys allow:
dependents dropped first, referenced tables created first, and the keys
that close a cycle (or point at a key that changes) handled apart.
"""

from __future__ import annotations

from dibs.schema import ddl
from dibs.schema.comparison import Comparison, Phase
from dibs.schema.key_changes import add_keyed, drop_keyed


def drop_gone_tables(comparison: Comparison) -> None:
    """Tables that go, dependents first. Their foreign keys go with them,
    except those that close a cycle among them or reference a key
    dropped before the tables are: those are dropped first."""
    gone = [t for t in comparison.actual.tables if comparison.desired.table(t.name) is None]
    names = {table.name for table in gone}
    order = ddl.creation_order(gone)
    created: set[str] = set()
    for table in order:
        _, deferred = ddl.partition_foreign_keys(table, created)
        for fk in table.foreign_keys:
            if fk in deferred and fk.ref_table in names:
                drop_keyed(comparison, table.name, fk, "it closes a reference cycle")
            elif frozenset(fk.ref_columns) in comparison.dropped_keys[fk.ref_table]:
                drop_keyed(comparison, table.name, fk, "the key it references changes")
        created.add(table.name)
    for table in reversed(order):
        comparison.emit(
            Phase.DROP_TABLES,
            "drop_table",
            table.name,
            None,
            f"drop table {table.name}",
            ddl.drop_table(table.name),
            destructive=True,
            note="deletes the table and all its rows",
        )


def create_new_tables(comparison: Comparison) -> None:
    """New tables, referenced first. A foreign key to a table that
    already exists is added with the others, after that table's columns
    and keys have changed (it may reference a key this script adds)."""
    new = [t for t in comparison.desired.tables if comparison.actual.table(t.name) is None]
    created: set[str] = set()
    for table in ddl.creation_order(new):
        inline, deferred = ddl.partition_foreign_keys(table, created)
        comparison.emit(
            Phase.CREATE_TABLES,
            "add_table",
            table.name,
            None,
            f"add table {table.name}",
            ddl.create_table(table, inline),
        )
        for index in table.indexes:
            add_keyed(comparison, table.name, index, None, existing=False)
        for fk in deferred:
            add_keyed(comparison, table.name, fk, None, existing=False)
        created.add(table.name)
