"""Tables defined in Python: the schema a db program declares.

A db package describes its tables as dataclasses in its ``tables`` module:

    class Role(enum.Enum):
        '''What a user may do.'''
        ADMIN = "admin"
        MEMBER = "member"

    @table("users", indexes=[index("team_id", "created_at DESC")])
    @dataclass
    class User:
        '''People who can sign in.'''
        id: int = column(primary_key=True, identity="always")
        email: str = column(unique=True, doc="Where we write to them.")
        role: Role = column(default=Role.MEMBER)
        created_at: datetime = column(default=sql("now()"))
        team_id: int | None = column(references="teams.id", on_delete="set null")

Each class becomes a `dibs.schema.model.Table`, the same vocabulary the
introspection of a live database produces, so the two compare directly.
That is why types are written the way PostgreSQL's ``format_type()`` prints
them and why every constraint and index gets an explicit, deterministic name
(the one PostgreSQL would choose where it has a rule): a name PostgreSQL
picked on its own could differ between databases, and the diff would see a
change that is not there.

Mistakes are caught here, at import, as `TableDefinitionError` naming the
``file:line`` of the class or column: the alternative is an error from
PostgreSQL much later that points at generated SQL nobody wrote.
"""

from __future__ import annotations

import ast
import contextvars
import copy
import dataclasses
import datetime
import decimal
import enum
import functools
import hashlib
import inspect
import json
import linecache
import math
import re
import sys
import types
import typing
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, TypeVar, overload

from dibs.schema.model import (
    ACTIONS,
    Check,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)

__all__ = [
    "JSON",
    "JSONB",
    "MAX_NAME_BYTES",
    "NO_DEFAULT",
    "PG_TYPES",
    "CheckDefinition",
    "IndexDefinition",
    "Json",
    "Sql",
    "TableDefinitionError",
    "check",
    "column",
    "define",
    "index",
    "normalize_type",
    "registered",
    "registry",
    "sql",
    "table",
]

#: PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1).
MAX_NAME_BYTES: Final = 63

#: Python types and the PostgreSQL types they become, as ``format_type()``
#: prints them (`dict` and `list` are handled with their parameters).
PG_TYPES: Final[dict[object, str]] = {
    int: "bigint",
    str: "text",
    bool: "boolean",
    float: "double precision",
    decimal.Decimal: "numeric",
    datetime.datetime: "timestamp with time zone",
    datetime.date: "date",
    datetime.time: "time without time zone",
    datetime.timedelta: "interval",
    uuid.UUID: "uuid",
    bytes: "bytea",
}

_IDENTITY = ("always", "by default")
_INTEGER_TYPES = ("smallint", "integer", "bigint")
_OPTIONS_KEY: Final = "dibs"


class _NoDefault:
    """`None` is a real default (NULL), so absence needs its own marker."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final[Any] = _NoDefault()


class TableDefinitionError(TypeError):
    """A table that cannot be created as written; the message starts with
    the ``file:line`` to fix."""


@dataclass(frozen=True)
class Sql:
    """A default written as an SQL expression (``now()``), not a value."""

    expression: str


def sql(expression: str) -> Sql:
    """Mark a default as SQL to evaluate on insert rather than a value."""
    return Sql(expression)


@dataclass(frozen=True)
class Json:
    """Marks a hint as JSON (``Annotated[list[int], JSON]``) where the
    Python type alone would map elsewhere (a list to an array) or to
    ``jsonb`` when ``json`` is wanted (it keeps key order and duplicates)."""

    type: str


JSON: Final = Json("json")
JSONB: Final = Json("jsonb")


@dataclass(frozen=True)
class _ColumnOptions:
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
    options = _ColumnOptions(
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
    metadata = {_OPTIONS_KEY: options}
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
class _TableOptions:
    primary_key: tuple[str, ...] | None
    #: As given: a bare string in it is refused where the class is known.
    unique: tuple[Sequence[str], ...]
    indexes: tuple[IndexDefinition, ...]
    checks: tuple[CheckDefinition, ...]


# --- the registry --------------------------------------------------------------


@dataclass
class _Registered:
    table: Table
    enums: tuple[EnumType, ...]
    #: ``module.qualname``: the same class registered again (a module reload)
    #: replaces its table instead of clashing with it.
    owner: str


@dataclass
class _Registry:
    tables: dict[str, _Registered] = dataclasses.field(default_factory=dict)
    #: relation name (table, key, index) -> the table it belongs to, kept as
    #: tables register so that checking a new one does not rescan them all
    relations: dict[str, str] = dataclasses.field(default_factory=dict)


#: Where `table` registers: the module's own registry, unless `registry`
#: scoped a fresh one to the current thread or task.
_DEFAULT_REGISTRY: Final = _Registry()
_SCOPED_REGISTRY: contextvars.ContextVar[_Registry | None] = contextvars.ContextVar(
    "dibs_tables_registry", default=None
)


def _current() -> _Registry:
    scoped = _SCOPED_REGISTRY.get()
    return _DEFAULT_REGISTRY if scoped is None else scoped


_C = TypeVar("_C", bound=type)


@overload
def table(
    name: _C,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> _C: ...


@overload
def table(
    name: str | None = None,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> Callable[[_C], _C]: ...


def table(
    name: str | type | None = None,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> Any:
    """Register a dataclass as a table (named after the class in snake_case
    unless ``name`` is given); ``@table`` works without parentheses too.

    ``primary_key`` names the key's columns when there are several (one
    column can say ``column(primary_key=True)`` instead); ``unique`` is a list
    of column tuples, one constraint each.
    """
    options = _table_options(primary_key, unique, indexes, checks)

    def register(cls: _C) -> _C:
        defined, enums = _define(cls, None if isinstance(name, type) else name, options)
        _register(cls, defined, enums)
        return cls

    if isinstance(name, type):
        return register(name)
    return register


def define(
    cls: type,
    name: str | None = None,
    *,
    primary_key: str | Sequence[str] | None = None,
    unique: Iterable[Sequence[str]] = (),
    indexes: Iterable[IndexDefinition] = (),
    checks: Iterable[CheckDefinition] = (),
) -> Table:
    """The `Table` a dataclass describes, without registering it: for tools
    and tests that want one table, not the schema the program serves."""
    options = _table_options(primary_key, unique, indexes, checks)
    return _define(cls, name, options)[0]


def registered() -> Schema:
    """Every registered table, in definition order, with the enum types they
    use (each once).

    Foreign keys are checked here, when every table is known: one pointing at
    a registered table must name its columns and match its primary key or a
    unique constraint, as PostgreSQL will require.
    """
    entries = list(_current().tables.values())
    tables = tuple(entry.table for entry in entries)
    by_name = {t.name: t for t in tables}
    for item in tables:
        for key in item.foreign_keys:
            target = by_name.get(key.ref_table)
            if target is not None:
                _check_reference(item, key, target)
    enums: dict[str, EnumType] = {}
    for entry in entries:
        for found in entry.enums:
            enums.setdefault(found.name, found)
    return Schema(tables, tuple(enums.values()))


@contextmanager
def registry() -> Iterator[None]:
    """A fresh, empty registry for the ``with`` block (in this thread or
    task), the previous one restored after: tests define tables without
    seeing or leaving behind anyone else's."""
    token = _SCOPED_REGISTRY.set(_Registry())
    try:
        yield
    finally:
        _SCOPED_REGISTRY.reset(token)


def _register(cls: type, defined: Table, enums: tuple[EnumType, ...]) -> None:
    """Add a table, refusing what PostgreSQL would refuse only once both
    tables are created: a second table of the same name, a relation name
    (tables, keys and indexes share one namespace) used twice, two enum
    types of one name."""
    registry = _current()
    tables = registry.tables
    owner = f"{cls.__module__}.{cls.__qualname__}"
    where = defined.source or owner
    previous = tables.get(defined.name)
    if previous is not None and previous.owner != owner:
        raise _error(
            where,
            f"table {defined.name} is already defined at {previous.table.source or previous.owner};"
            " give one of them another name with @table(name=...)",
        )
    others = [entry for key, entry in tables.items() if key != defined.name]
    for relation in _relation_names(defined):
        holder = registry.relations.get(relation)
        if holder is not None and holder != defined.name:
            other = tables[holder].table
            raise _error(
                where,
                f"{relation} is already the name of a table, key or index of table"
                f" {other.name} ({other.source or 'unknown source'}); PostgreSQL keeps them"
                " in one namespace, so choose another name",
            )
    known = {e.name: e for entry in others for e in entry.enums}
    for found in enums:
        same = known.get(found.name)
        if same is not None and same != found:
            raise _error(
                found.source or where,
                f"enum type {found.name} is already defined differently at"
                f" {same.source or 'an unknown source'}; rename one with __pg_name__",
            )
    # A table is also a type (its row type), so it cannot share a name with an enum.
    table_names = {entry.table.name for entry in others} | {defined.name}
    clash = next((e.name for e in enums if e.name in table_names), None)
    if clash is None and defined.name in known:
        clash = defined.name
    if clash is not None:
        raise _error(
            where,
            f"{clash} names both a table and an enum type, and PostgreSQL gives each table"
            " a type of its name; rename the table, or the enum with __pg_name__",
        )
    if previous is not None:  # the same class again: its old names go
        for relation in _relation_names(previous.table):
            registry.relations.pop(relation, None)
    tables[defined.name] = _Registered(defined, enums, owner)
    registry.relations.update(dict.fromkeys(_relation_names(defined), defined.name))


def _relation_names(item: Table) -> list[str]:
    names = [item.name, *(u.name for u in item.uniques), *(i.name for i in item.indexes)]
    if item.primary_key is not None:
        names.append(item.primary_key.name)
    return names


def _check_reference(item: Table, key: ForeignKey, target: Table) -> None:
    where = _column_source(item, key.columns[0])
    missing = [name for name in key.ref_columns if target.column(name) is None]
    if missing:
        raise _error(
            where,
            f"{key.name} references {target.name}.{missing[0]}, but table {target.name}"
            " has no such column",
        )
    wanted = set(key.ref_columns)
    keys = [u.columns for u in target.uniques]
    keys += [
        tuple(k.expression for k in i.keys) for i in target.indexes if i.unique and not i.where
    ]
    if target.primary_key is not None:
        keys.append(target.primary_key.columns)
    if not any(set(columns) == wanted for columns in keys):
        raise _error(
            where,
            f"{key.name} references {target.name}({', '.join(key.ref_columns)}), which is"
            " neither its primary key nor unique; PostgreSQL requires one of the two",
        )


def _column_source(item: Table, name: str) -> str:
    found = item.column(name)
    return (found.source if found else None) or item.source or item.name


# --- from a dataclass to a Table ----------------------------------------------


def _table_options(
    primary_key: str | Sequence[str] | None,
    unique: Iterable[Sequence[str]],
    indexes: Iterable[IndexDefinition],
    checks: Iterable[CheckDefinition],
) -> _TableOptions:
    if isinstance(primary_key, str):
        primary_key = (primary_key,)
    return _TableOptions(
        None if primary_key is None else tuple(primary_key),
        tuple(unique),
        tuple(indexes),
        tuple(checks),
    )


@dataclass
class _Parts:
    """What the fields of one class add up to, before naming and checks."""

    columns: list[Column] = dataclasses.field(default_factory=list)
    primary_key: list[str] = dataclasses.field(default_factory=list)
    uniques: list[tuple[str, ...]] = dataclasses.field(default_factory=list)
    foreign_keys: list[ForeignKey] = dataclasses.field(default_factory=list)
    checks: list[Check] = dataclasses.field(default_factory=list)
    enums: dict[str, EnumType] = dataclasses.field(default_factory=dict)


def _define(
    cls: type, name: str | None, options: _TableOptions
) -> tuple[Table, tuple[EnumType, ...]]:
    located = _locate(cls)
    where = located.where
    # Its own fields: a subclass of a dataclass inherits the marker but not
    # the processing of its own annotations.
    if "__dataclass_fields__" not in cls.__dict__:
        raise _error(where, f"{cls.__qualname__} is not a dataclass: put @dataclass under @table")
    table_name = name or _snake(cls.__name__)
    _check_name_length(where, "table", table_name)
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except NameError as exc:
        raise _error(
            where,
            f"cannot resolve a type hint of {cls.__qualname__} ({exc}); define the types"
            " a table uses at module level",
        ) from exc
    parts = _Parts()
    for item in dataclasses.fields(cls):
        options_here = item.metadata.get(_OPTIONS_KEY)
        if options_here is None:
            plain = item.default if item.default is not dataclasses.MISSING else NO_DEFAULT
            options_here = _ColumnOptions(default=plain)
        source = located.fields.get(item.name)
        _add_column(parts, table_name, item.name, hints[item.name], options_here, source, where)
    built = _assemble(table_name, parts, options, where)
    defined = dataclasses.replace(built, doc=_doc(cls, located), source=located.source)
    return defined, tuple(parts.enums.values())


def _add_column(
    parts: _Parts,
    table_name: str,
    name: str,
    hint: object,
    options: _ColumnOptions,
    source: str | None,
    class_where: str,
) -> None:
    where = source or class_where
    _check_name_length(where, "column", name)
    bare, nullable, markers = _unwrap(hint)
    if options.type is not None:
        try:
            pg_type = normalize_type(options.type)
        except ValueError as exc:
            raise _error(where, f"column {name}: {exc}") from exc
    else:
        pg_type = _mapped_type(parts, name, hint, bare, markers, where)
    if options.primary_key and nullable:
        raise _error(where, _nullable_key(name))
    identity = _identity(name, options.identity, pg_type, nullable, where)
    default: str | None = None
    if options.default is not NO_DEFAULT:
        if identity is not None:
            raise _error(
                where,
                f"column {name}: an identity column takes its values from its sequence;"
                " drop the default",
            )
        try:
            default = _default_sql(options.default, pg_type)
        except ValueError as exc:
            raise _error(where, f"column {name}: {exc}") from exc
    parts.columns.append(
        Column(name, pg_type, nullable, default, identity, options.doc, source=source)
    )
    if options.primary_key:
        parts.primary_key.append(name)
    if options.unique:
        parts.uniques.append((name,))
    if options.check is not None:
        parts.checks.append(Check(_pg_name(table_name, name, "check"), options.check))
    reference = _foreign_key(table_name, name, options, nullable, where)
    if reference is not None:
        parts.foreign_keys.append(reference)


def _mapped_type(
    parts: _Parts, name: str, hint: object, bare: object, markers: tuple[object, ...], where: str
) -> str:
    mapped = _map_type(bare, markers)
    if mapped is None:
        if _union_members(bare) is not None:
            raise _error(
                where,
                f"column {name}: {_hint_text(hint)} allows more than one type, and a column"
                " has one; pick one, or say which with column(type='...')",
            )
        raise _error(
            where,
            f"column {name}: no PostgreSQL type for {_hint_text(bare)};"
            " give one with column(type='...')",
        )
    pg_type, enum_class = mapped
    if enum_class is not None:
        found = _enum_type(enum_class)
        same = parts.enums.setdefault(found.name, found)
        if same != found:
            raise _error(
                where,
                f"column {name}: enum type {found.name} is also defined, differently, at"
                f" {same.source or 'an unknown source'}; rename one with __pg_name__",
            )
    return pg_type


def _nullable_key(name: str) -> str:
    return (
        f"column {name} is in the primary key, so it cannot be NULL: drop the"
        " `| None` / Optional from its type"
    )


def _identity(name: str, given: str | None, pg_type: str, nullable: bool, where: str) -> str | None:
    if given is None:
        return None
    identity = " ".join(given.lower().split())
    if identity not in _IDENTITY:
        raise _error(
            where, f"column {name}: identity={given!r} is neither 'always' nor 'by default'"
        )
    if pg_type not in _INTEGER_TYPES:
        raise _error(
            where,
            f"column {name}: an identity column is smallint, integer or bigint, not {pg_type}",
        )
    if nullable:
        raise _error(where, f"column {name}: an identity column is never NULL; drop the `| None`")
    return identity


def _foreign_key(
    table_name: str, name: str, options: _ColumnOptions, nullable: bool, where: str
) -> ForeignKey | None:
    actions: dict[str, str] = {}
    for label, given in (("on_delete", options.on_delete), ("on_update", options.on_update)):
        if given is None:
            continue
        if options.references is None:
            raise _error(
                where,
                f"column {name}: {label} without references; say which table it points at"
                " with references='table.column'",
            )
        action = " ".join(given.lower().split())
        if action not in ACTIONS:
            raise _error(
                where,
                f"column {name}: unknown {label} action {given!r}; use one of: "
                + ", ".join(ACTIONS),
            )
        if action == "set null" and not nullable:
            raise _error(
                where,
                f"column {name}: {label}='set null' on a column that cannot be NULL;"
                " make its type Optional (`| None`) or choose another action",
            )
        actions[label] = action
    if options.references is None:
        return None
    target = _REFERENCE.fullmatch(options.references.strip())
    if target is None:
        raise _error(
            where,
            f"column {name}: references={options.references!r} is not a table name;"
            " write references='table.column', or references='table' for its id",
        )
    return ForeignKey(
        _pg_name(table_name, name, "fkey"),
        (name,),
        target.group(1),
        (target.group(2) or "id",),
        actions.get("on_delete", "no action"),
        actions.get("on_update", "no action"),
    )


_IDENT = r"(?!\d)[\w$]+"
_REFERENCE = re.compile(rf"({_IDENT})(?:\.({_IDENT}))?")


def _assemble(table_name: str, parts: _Parts, options: _TableOptions, where: str) -> Table:
    """The table-level constraints and indexes, named and checked against
    the columns."""
    columns = {c.name: c for c in parts.columns}

    def known(label: str, names: Sequence[str]) -> tuple[str, ...]:
        if isinstance(names, str):
            raise _error(
                where,
                f"{label} takes column tuples, not {names!r}: write {label}=[({names!r},)]",
            )
        if not names:
            raise _error(where, f"{label} names no columns")
        for name in names:
            if name not in columns:
                raise _error(
                    where,
                    f"{label} names {name!r}, which is not a column of {table_name}"
                    f" (its columns: {', '.join(columns)})",
                )
        if len(set(names)) != len(names):
            raise _error(where, f"{label} names a column twice: {', '.join(names)}")
        return tuple(names)

    if options.primary_key is not None:
        if parts.primary_key:
            raise _error(
                where,
                "the primary key is given twice, with @table(primary_key=...) and with"
                f" column(primary_key=True) on {', '.join(parts.primary_key)}; keep one",
            )
        key_columns = known("primary_key", options.primary_key)
        for name in key_columns:
            if columns[name].nullable:
                raise _error(columns[name].source or where, _nullable_key(name))
    else:
        key_columns = tuple(parts.primary_key)
    if not key_columns:
        raise _error(
            where,
            f"table {table_name} has no primary key: mark its column with"
            " column(primary_key=True), or name several with @table(primary_key=(...))",
        )
    uniques = [*parts.uniques, *(known("unique", names) for names in options.unique)]
    checks = list(parts.checks)
    for definition in options.checks:
        if not isinstance(definition, CheckDefinition):
            raise _error(where, f"checks takes check(...) values, not {definition!r}")
        name = _explicit_name(where, "check", definition.name) or _pg_name(
            table_name, "check", _hash8(definition.expression)
        )
        checks.append(Check(name, definition.expression))
    table_indexes = [_index(table_name, item, columns, where) for item in options.indexes]
    built = Table(
        table_name,
        tuple(parts.columns),
        PrimaryKey(_pg_name(table_name, "pkey"), key_columns),
        tuple(Unique(_pg_name(table_name, *names, "key"), names) for names in uniques),
        tuple(parts.foreign_keys),
        tuple(checks),
        tuple(table_indexes),
    )
    _check_unique_names(built, where)
    return built


_SORT_ORDER = re.compile(r"(.*?)\s+(asc|desc)", re.IGNORECASE | re.DOTALL)


def _index(table_name: str, definition: object, columns: Collection[str], where: str) -> Index:
    if not isinstance(definition, IndexDefinition):
        raise _error(where, f"indexes takes index(...) values, not {definition!r}")
    if not definition.keys:
        raise _error(where, "index() needs at least one key: a column, or an (expression)")
    keys = []
    for text in definition.keys:
        expression, descending = text.strip(), False
        order = _SORT_ORDER.fullmatch(expression)
        if order is not None:
            expression, descending = order.group(1).strip(), order.group(2).lower() == "desc"
        is_expression = expression.startswith("(") and expression.endswith(")")
        if not is_expression and expression not in columns:
            raise _error(
                where,
                f"index key {text!r} is not a column of {table_name} (its columns:"
                f" {', '.join(columns)}); an expression goes in parentheses, as in"
                " '(lower(email))', and ASC or DESC after the key",
            )
        keys.append(IndexKey(expression, descending))
    name = _explicit_name(where, "index", definition.name) or _pg_name(
        table_name,
        *(k.expression if k.expression in columns else _name_part(k.expression) for k in keys),
        "idx",
    )
    return Index(
        name,
        tuple(keys),
        definition.unique,
        definition.where,
        definition.method.strip().lower(),
    )


def _name_part(expression: str) -> str:
    """What an expression contributes to an index name: its words
    (``(lower(email))`` gives ``lower_email``)."""
    return re.sub(r"\W+", "_", expression).strip("_").lower() or "expr"


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
            raise _error(
                where,
                f"two constraints or indexes of table {built.name} are named {name};"
                " give one another name with name=...",
            )
        seen.add(name)


def _explicit_name(where: str, kind: str, name: str | None) -> str | None:
    if name is not None:
        _check_name_length(where, kind, name)
    return name


def _check_name_length(where: str, kind: str, name: str) -> None:
    size = len(name.encode())
    if size > MAX_NAME_BYTES:
        raise _error(
            where,
            f"{kind} name {name!r} is {size} bytes long; PostgreSQL would cut it to"
            f" {MAX_NAME_BYTES}, so choose a shorter one",
        )


def _pg_name(*parts: str) -> str:
    """``parts`` joined with ``_``, as PostgreSQL names constraints; a name
    over 63 bytes keeps its first 54 and adds a hash of the whole, so it
    stays unique and the same from run to run (PostgreSQL instead truncates
    and numbers clashes, which depends on what already exists)."""
    name = "_".join(parts)
    encoded = name.encode()
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    head = encoded[: MAX_NAME_BYTES - 9].decode(errors="ignore")
    return f"{head}_{_hash8(name)}"


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _error(where: str, message: str) -> TableDefinitionError:
    return TableDefinitionError(f"{where}: {message}")


# --- types ---------------------------------------------------------------------


def _unwrap(hint: object) -> tuple[object, bool, tuple[object, ...]]:
    """``hint`` without ``Optional``, ``Annotated`` and `typing.NewType`
    around it; whether it allowed None; the ``Annotated`` metadata. A union
    of several types comes back as it was, for the caller to refuse."""
    nullable = False
    markers: list[object] = []
    while True:
        if typing.get_origin(hint) is typing.Annotated:
            markers += getattr(hint, "__metadata__", ())
            hint = getattr(hint, "__origin__", hint)
        elif isinstance(hint, typing.NewType):
            hint = hint.__supertype__
        elif (members := _union_members(hint)) is not None:
            present = [m for m in members if m is not type(None)]
            nullable = nullable or len(present) < len(members)
            if len(present) != 1:
                return hint, nullable, tuple(markers)
            hint = present[0]
        else:
            return hint, nullable, tuple(markers)


def _union_members(hint: object) -> tuple[object, ...] | None:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(hint)
    return None


def _map_type(
    hint: object, markers: tuple[object, ...]
) -> tuple[str, type[enum.Enum] | None] | None:
    """The PostgreSQL type for a hint, and the enum class it needs created."""
    for marker in markers:
        if isinstance(marker, Json):
            return marker.type, None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_name(hint), hint
    known = PG_TYPES.get(hint)
    if known is not None:
        return known, None
    origin = typing.get_origin(hint)
    if hint is dict or origin is dict:
        return "jsonb", None
    if origin is list:
        element, _, element_markers = _unwrap(typing.get_args(hint)[0])
        inner = _map_type(element, element_markers)
        if inner is None:
            return None
        name, enum_class = inner
        # PostgreSQL arrays have any number of dimensions under one type.
        return (name if name.endswith("[]") else f"{name}[]"), enum_class
    return None


def _enum_name(cls: type[enum.Enum]) -> str:
    return str(getattr(cls, "__pg_name__", None) or _snake(cls.__name__))


def _enum_type(cls: type[enum.Enum]) -> EnumType:
    located = _locate(cls)
    name = _enum_name(cls)
    _check_name_length(located.where, "enum type", name)
    values = tuple(str(member.value) for member in cls)
    for value in values:
        if len(value.encode()) > MAX_NAME_BYTES:
            raise _error(
                located.where,
                f"enum {cls.__qualname__}: value {value!r} is over {MAX_NAME_BYTES} bytes,"
                " which PostgreSQL refuses as an enum label",
            )
    return EnumType(name, values, _doc(cls, located), located.source)


def _snake(name: str) -> str:
    """``HTTPRequestLog`` -> ``http_request_log``: PostgreSQL folds unquoted
    names to lower case, so the names it prints are snake_case."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _hint_text(hint: object) -> str:
    return hint.__qualname__ if isinstance(hint, type) else repr(hint)


#: Type names PostgreSQL accepts and the name ``format_type()`` prints for
#: them, split where a length or precision goes (``timestamp(3) with time
#: zone``).
_TYPE_ALIASES: Final[dict[str, tuple[str, str]]] = {
    "int": ("integer", ""),
    "int4": ("integer", ""),
    "integer": ("integer", ""),
    "int8": ("bigint", ""),
    "bigint": ("bigint", ""),
    "int2": ("smallint", ""),
    "smallint": ("smallint", ""),
    "float8": ("double precision", ""),
    "double precision": ("double precision", ""),
    "float4": ("real", ""),
    "real": ("real", ""),
    "bool": ("boolean", ""),
    "boolean": ("boolean", ""),
    "decimal": ("numeric", ""),
    "numeric": ("numeric", ""),
    "char": ("character", ""),
    "character": ("character", ""),
    "varchar": ("character varying", ""),
    "char varying": ("character varying", ""),
    "character varying": ("character varying", ""),
    "varbit": ("bit varying", ""),
    "bit varying": ("bit varying", ""),
    "timestamptz": ("timestamp", " with time zone"),
    "timestamp with time zone": ("timestamp", " with time zone"),
    "timestamp": ("timestamp", " without time zone"),
    "timestamp without time zone": ("timestamp", " without time zone"),
    "timetz": ("time", " with time zone"),
    "time with time zone": ("time", " with time zone"),
    "time": ("time", " without time zone"),
    "time without time zone": ("time", " without time zone"),
}
#: Types whose length PostgreSQL fills in when none is written.
_DEFAULT_LENGTH: Final = {"character": "1", "bit": "1"}
_SERIALS: Final = {"smallserial", "serial2", "serial", "serial4", "bigserial", "serial8"}
_TYPE_SYNTAX = re.compile(
    r"(?P<name>[a-z_][\w$. ]*?)\s*(?:\((?P<args>[^()]*)\)\s*(?P<tail>[a-z ]*?))?"
    r"\s*(?P<array>(?:\[\s*\d*\s*\]\s*)*)"
)


def normalize_type(text: str) -> str:
    """A type as written in SQL (``VARCHAR(80)``, ``timestamptz``, ``int[]``)
    the way PostgreSQL's ``format_type()`` prints it (``character
    varying(80)``, ``timestamp with time zone``, ``integer[]``), so that a
    definition compares equal to what introspection reads back. Names it
    does not know (extension types, enums) pass through in lower case.

    Raises `ValueError` for ``serial`` and its kin: they are not types but
    a shorthand for an integer with a sequence, which is ``identity=``.
    """
    lowered = " ".join(text.lower().split())
    if not lowered:
        raise ValueError("the type is empty")
    found = _TYPE_SYNTAX.fullmatch(lowered)
    if found is None:
        return lowered
    name, args, tail = found["name"], found["args"], found["tail"] or ""
    array = "[]" if found["array"] else ""
    if args is not None:
        args = "".join(args.split())
    full = f"{name} {tail}".strip()
    if full in _SERIALS:
        raise ValueError(
            f"{full} is not a type but an integer with a sequence;"
            " use an integer type with column(identity='by default') instead"
        )
    if full == "float":
        # float(p) is real up to 24 bits of precision, double precision above.
        bits = int(args) if args and args.isdigit() else 53
        return ("real" if bits <= 24 else "double precision") + array
    if full in _TYPE_ALIASES:
        head, suffix = _TYPE_ALIASES[full]
    else:
        head, suffix = name, f" {tail}" if tail else ""
    if args is None:
        args = _DEFAULT_LENGTH.get(head)
    return f"{head}{f'({args})' if args is not None else ''}{suffix}{array}"


# --- defaults ------------------------------------------------------------------


def _default_sql(value: object, pg_type: str) -> str:
    """A Python default as an SQL literal of the column's type.

    Raises `ValueError` for values with no literal form (objects, sets)."""
    if isinstance(value, Sql):
        return value.expression
    if value is None:
        return "NULL"
    if pg_type in ("json", "jsonb"):
        return f"{_quote(_json(value))}::{pg_type}"
    if isinstance(value, dict):
        return f"{_quote(_json(value))}::jsonb"
    if isinstance(value, list | tuple):
        return _quote(_array(value))
    return _text(value) if _unquoted(value) else _quote(_text(value))


def _array(items: list[Any] | tuple[Any, ...]) -> str:
    """An array literal (``{1,"a b",NULL}``); elements that are not plain
    numbers are double-quoted, which is always safe."""
    elements = []
    for item in items:
        if item is None:
            elements.append("NULL")
        elif isinstance(item, list | tuple):
            elements.append(_array(item))
        elif _unquoted(item):
            elements.append(_text(item))
        else:
            escaped = _text(item).replace("\\", "\\\\").replace('"', '\\"')
            elements.append(f'"{escaped}"')
    return "{" + ",".join(elements) + "}"


def _unquoted(value: object) -> bool:
    """Booleans and finite numbers read as themselves; everything else is
    text to quote (including NaN and enum members, even integer ones)."""
    if isinstance(value, enum.Enum):
        return False
    if isinstance(value, float | decimal.Decimal):
        return not math.isnan(value) and not math.isinf(value)
    return isinstance(value, bool | int)


def _text(value: object) -> str:
    """PostgreSQL's text input form of a scalar."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | decimal.Decimal) and not _unquoted(value):
        if math.isnan(value):
            return "NaN"
        return "-Infinity" if value < 0 else "Infinity"
    if isinstance(value, str | int | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.days} days {value.seconds}.{value.microseconds:06d} seconds"
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, dict):
        return _json(value)
    raise ValueError(
        f"no SQL literal for the default {value!r}; write it as SQL with default=sql('...')"
    )


def _json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the default {value!r} is not JSON ({exc})") from exc


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- where a definition is -----------------------------------------------------


@dataclass(frozen=True)
class _Located:
    #: ``file:line`` of the ``class`` statement, when its source is found.
    source: str | None
    #: ``file:line`` of each field, this class's and inherited ones.
    fields: dict[str, str]
    #: The docstring as written, when the source is found.
    doc: str | None
    #: What errors start with: the source, or the class's dotted name.
    where: str


def _locate(cls: type) -> _Located:
    """Where a class and its fields are written, read from the module's
    syntax tree (``inspect`` knows classes but not the lines of fields)."""
    fallback = f"{cls.__module__}.{cls.__qualname__}"
    node, filename = _class_node(cls)
    if node is None or filename is None:
        return _Located(None, {}, None, fallback)
    fields: dict[str, str] = {}
    for base in reversed(cls.__mro__[1:]):
        if dataclasses.is_dataclass(base):
            fields.update(_locate(base).fields)
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields[statement.target.id] = f"{filename}:{statement.lineno}"
    source = f"{filename}:{node.lineno}"
    return _Located(source, fields, ast.get_docstring(node), source)


def _class_node(cls: type) -> tuple[ast.ClassDef | None, str | None]:
    try:
        filename = inspect.getsourcefile(cls)
    except TypeError:  # defined in a module without a file: the REPL, exec()
        return None, None
    if filename is None:
        return None, None
    module = sys.modules.get(cls.__module__)
    lines = linecache.getlines(filename, module.__dict__ if module else None)
    candidates = _classes_in(filename, lines).get(cls.__qualname__, [])
    # Python 3.13 records the first line, telling apart classes of one name.
    first_line: int | None = getattr(cls, "__firstlineno__", None)
    for node in candidates:
        starts = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        if first_line in (None, starts):
            return node, filename
    return None, filename


#: filename -> (the lines it was parsed from, its class statements by qualified name)
_CLASSES: dict[str, tuple[list[str], dict[str, list[ast.ClassDef]]]] = {}


def _classes_in(filename: str, lines: list[str]) -> dict[str, list[ast.ClassDef]]:
    """Every class statement of a file by qualified name, found in one pass
    per version of the file: a module defines many tables, and searching its
    tree once per class made importing 200 tables quadratic. ``linecache``
    hands out a new list when the file changes, so identity is the version."""
    cached = _CLASSES.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    index: dict[str, list[ast.ClassDef]] = {}
    try:
        tree = ast.parse("".join(lines), filename)
    except (SyntaxError, ValueError):
        pass
    else:
        _index_classes(tree, [], index)
    _CLASSES[filename] = (lines, index)
    return index


def _index_classes(node: ast.AST, path: list[str], index: dict[str, list[ast.ClassDef]]) -> None:
    """Record class statements under the qualified names Python gives them
    (functions add ``<locals>``)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            continue  # no class statement inside an expression
        inner = path
        if isinstance(child, ast.ClassDef):
            inner = [*path, child.name]
            index.setdefault(".".join(inner), []).append(child)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [*path, child.name, "<locals>"]
        _index_classes(child, inner, index)


def _doc(cls: type, located: _Located) -> str | None:
    """The class docstring, not the signature dataclasses write in its place
    when there is none: from the source when it can be read, else by
    comparing with what dataclasses would have written."""
    if located.source is not None:
        return located.doc
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return None
    try:
        invented = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    except (TypeError, ValueError):
        invented = cls.__name__
    return None if doc == invented else inspect.cleandoc(doc)
