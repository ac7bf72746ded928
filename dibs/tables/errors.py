"""The one error a table definition raises, and the shape of its message.

The message starts with the ``file:line`` of the class or column, so that an
editor or terminal leads to the line to fix rather than to generated SQL
that PostgreSQL would have refused much later.
"""

from __future__ import annotations


class TableDefinitionError(TypeError):
    """A table that cannot be created as written; the message starts with
    the ``file:line`` to fix."""


def definition_error(where: str, message: str) -> TableDefinitionError:
    """The error for ``where`` (``file:line``, or a dotted name when the
    source is unknown), in the one shape every message has."""
    return TableDefinitionError(f"{where}: {message}")
