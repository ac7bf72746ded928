"""The definitions against a live database: the one place where the pure
diff meets PostgreSQL.

Both sides of the comparison are read from the catalog: the live schema as
it is, and the definitions after PostgreSQL has created them in a scratch
schema that is rolled back (`introspect.shadow`). PostgreSQL prints types,
defaults and expressions its own way (``'draft'::post_status``,
``(price > (0)::numeric)``); letting it print both sides is what makes a
schema created from the definitions diff to nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import psycopg

from dibs import runner
from dibs.runner import connect, connection_failure_text
from dibs.schema import ddl, introspect
from dibs.schema.diff import SchemaDiff, diff
from dibs.schema.model import Index, Schema, Table

#: The database could not be reached or refused us (password masked):
#: `dibs check` tells this apart from drift (exit 2, not 1).
DatabaseUnavailable = runner.DatabaseUnavailable


def normalized(conn: psycopg.Connection[Any], definitions: Schema) -> Schema:
    """The definitions as PostgreSQL would hold them, sources kept.

    Only what PostgreSQL rewrites goes through it: types, defaults, NOT NULL,
    checks, and indexes with an expression or a predicate. Keys, foreign
    keys, plain indexes, identity and comments are names and flags it stores
    as given, so they are taken from the definitions as they are — and the
    tables built in the scratch schema need no key indexes, sequences or
    constraints, which is most of what building them costs."""
    light = Schema(tuple(_light(table) for table in definitions.tables),
                   tuple(replace(enum, doc=None) for enum in definitions.enums))  # fmt: skip
    shadowed = introspect.shadow(conn, ddl.create_sql(light))
    return _restored(shadowed, definitions).with_sources(definitions)


def _plain_index(index: Index) -> bool:
    return index.where is None and all(
        key.expression == key.expression.lower() and key.expression.isidentifier()
        for key in index.keys
    )


def _light(table: Table) -> Table:
    keyed = set(table.primary_key.columns) if table.primary_key else set()
    columns = tuple(
        # a primary key makes its columns NOT NULL whatever they say
        replace(c, identity=None, doc=None, nullable=c.nullable and c.name not in keyed)
        for c in table.columns
    )
    return replace(
        table,
        columns=columns,
        primary_key=None,
        uniques=(),
        foreign_keys=(),
        indexes=tuple(i for i in table.indexes if not _plain_index(i)),
        doc=None,
    )


def _restored(shadowed: Schema, definitions: Schema) -> Schema:
    """``shadowed`` with what `_light` left out put back from the definitions."""
    defined = definitions.tables_by_name
    tables = []
    for table in shadowed.tables:
        origin = defined[table.name]
        columns = tuple(
            replace(c, identity=given.identity, doc=given.doc)
            if (given := origin.column(c.name)) is not None
            else c
            for c in table.columns
        )
        tables.append(
            replace(
                table,
                columns=columns,
                primary_key=origin.primary_key,
                uniques=origin.uniques,
                foreign_keys=origin.foreign_keys,
                indexes=(*table.indexes, *(i for i in origin.indexes if _plain_index(i))),
                doc=origin.doc,
            )
        )
    enums = definitions.enums_by_name
    return Schema(
        tuple(tables),
        tuple(replace(e, doc=enums[e.name].doc) if e.name in enums else e for e in shadowed.enums),
    )


def compare(
    database_url: str,
    definitions: Schema,
    *,
    renames: Mapping[str, str] | None = None,
    concurrently: bool = False,
    schema: str = "public",
) -> SchemaDiff:
    """What it takes to bring the database's ``schema`` to the definitions.
    Raises `DatabaseUnavailable` when the database cannot be used, and
    `introspect.ShadowError` when the definitions themselves do not create."""
    try:
        with connect(database_url) as conn:
            desired = normalized(conn, definitions)
            actual = introspect.introspect(conn, schema)
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(connection_failure_text(error, database_url)) from None
    return diff(desired, actual, renames=renames or {}, concurrently=concurrently)
