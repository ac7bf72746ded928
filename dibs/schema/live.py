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

import psycopg

from dibs import pgerror
from dibs.runner import connect
from dibs.schema import ddl, introspect
from dibs.schema.diff import SchemaDiff, diff
from dibs.schema.model import Schema


class DatabaseUnavailable(Exception):
    """The database could not be reached or refused us (password scrubbed):
    `dibs check` tells this apart from drift (exit 2, not 1)."""


def normalized(conn: psycopg.Connection[object], definitions: Schema) -> Schema:
    """The definitions as PostgreSQL would hold them, sources kept."""
    return introspect.shadow(conn, ddl.create_sql(definitions)).with_sources(definitions)


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
        message = pgerror.scrub(str(error).strip() or type(error).__name__, database_url)
        raise DatabaseUnavailable(
            f"cannot use {pgerror.redact_url(database_url)}: {message}"
        ) from None
    return diff(desired, actual, renames=renames or {}, concurrently=concurrently)
