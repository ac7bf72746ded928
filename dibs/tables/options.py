"""What `column`, `index`, `check` and `table` are told, kept as given.

Nothing is checked here: options are checked when the whole class is built
(`dibs.tables.build`), where an error can name the line of the class or
column they belong to.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from dibs.tables.markers import NO_DEFAULT, Sql

#: The key under which `column` leaves its options in a field's metadata.
OPTIONS_KEY: Final = "dibs"


@dataclass(frozen=True)
class ColumnOptions:
    primary_key: bool = False
    unique: bool = False
    default: object = NO_DEFAULT
    references: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    type: str | None = None
    doc: str | None = None
    check: str | None = None
    identity: str | None = None


def column(
    *,
    primary_key: bool = False,
    unique: bool = False,
    default: object = NO_DEFAULT,
    references: str | None = None,
    on_delete: str | None = None,
    on_update: str | None = None,
    type: str | None = None,
    doc: str | None = None,
    check: str | None = None,
    identity: str | None = None,
) -> Any:
    """A dataclass field carrying column options.

    ``references`` is ``"table.column"`` or ``"table"`` (its ``id``);
    ``type`` overrides the type the hint maps to; ``check`` is a boolean SQL
    expression; ``identity`` is ``"always"`` or ``"by default"``. Options are
    only checked when the class is defined, where an error can name the line.

    The Python default is the column default when that is a value, so rows
    built in Python agree with rows inserted without the column; otherwise
    it is None (the database fills the column in).
    """
    options = ColumnOptions(
        primary_key,
        unique,
        default,
        references,
        on_delete,
        on_update,
        type,
        doc,
        check,
        identity,
    )
    metadata = {OPTIONS_KEY: options}
    if default is NO_DEFAULT or isinstance(default, Sql):
        return dataclasses.field(default=None, metadata=metadata)
    if default.__class__.__hash__ is None:  # mutable: dataclasses refuse it as a default
        factory = functools.partial(copy.deepcopy, default)
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class IndexDefinition:
    keys: tuple[str, ...]
    name: str | None = None
    unique: bool = False
    where: str | None = None
    method: str = "btree"


def index(
    *keys: str,
    name: str | None = None,
    unique: bool = False,
    where: str | None = None,
    method: str = "btree",
) -> IndexDefinition:
    """An index for `table` (``indexes=[...]``).

    A key is a column name, optionally followed by ``ASC`` or ``DESC``, or an
    expression in parentheses such as ``"(lower(email))"``; ``where`` makes it
    a partial index. Without ``name`` it is ``{table}_{keys}_idx``.
    """
    return IndexDefinition(tuple(keys), name, unique, where, method)


@dataclass(frozen=True)
class CheckDefinition:
    expression: str
    name: str | None = None


def check(expression: str, name: str | None = None) -> CheckDefinition:
    """A table-level check for `table` (``checks=[...]``), for conditions
    spanning columns; without ``name`` it is ``{table}_check_{hash}``, so the
    name changes exactly when the expression does."""
    return CheckDefinition(expression, name)


@dataclass(frozen=True)
class TableOptions:
    primary_key: tuple[str, ...] | None
    #: As given: a bare string in it is refused where the class is known.
    unique: tuple[Sequence[str], ...]
    indexes: tuple[IndexDefinition, ...]
    checks: tuple[CheckDefinition, ...]


def table_options(
    primary_key: str | Sequence[str] | None,
    unique: Iterable[Sequence[str]],
    indexes: Iterable[IndexDefinition],
    checks: Iterable[CheckDefinition],
) -> TableOptions:
    """The options of `table` and `define`, a single key column as a tuple
    like several."""
    if isinstance(primary_key, str):
        primary_key = (primary_key,)
    return TableOptions(
        None if primary_key is None else tuple(primary_key),
        tuple(unique),
        tuple(indexes),
        tuple(checks),
    )
