"""One dataclass field to one column, with the constraints the field
declares on its own: primary key, unique, check, foreign key.

What spans columns (the table's key, uniques and indexes over several) is
`dibs.tables.build`'s; this module gathers what each field adds.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from dibs.schema.model import ACTIONS, Check, Column, EnumType, ForeignKey
from dibs.tables.column_types import (
    enum_type,
    hint_text,
    map_type,
    normalize_type,
    union_members,
    unwrap,
)
from dibs.tables.defaults import default_sql
from dibs.tables.errors import definition_error
from dibs.tables.markers import NO_DEFAULT
from dibs.tables.names import check_name_length, pg_name
from dibs.tables.options import ColumnOptions

_IDENTITY = ("always", "by default")
_INTEGER_TYPES = ("smallint", "integer", "bigint")


@dataclass
class Parts:
    """What the fields of one class add up to, before naming and checks."""

    columns: list[Column] = dataclasses.field(default_factory=list)
    primary_key: list[str] = dataclasses.field(default_factory=list)
    uniques: list[tuple[str, ...]] = dataclasses.field(default_factory=list)
    foreign_keys: list[ForeignKey] = dataclasses.field(default_factory=list)
    checks: list[Check] = dataclasses.field(default_factory=list)
    enums: dict[str, EnumType] = dataclasses.field(default_factory=dict)


def add_column(
    parts: Parts,
    table_name: str,
    name: str,
    hint: object,
    options: ColumnOptions,
    source: str | None,
    class_where: str,
) -> None:
    """Add one field to ``parts``: its column, and the constraints it
    declares, each checked where the error can still name the field's line."""
    where = source or class_where
    check_name_length(where, "column", name)
    bare, nullable, markers = unwrap(hint)
    if options.type is not None:
        try:
            pg_type = normalize_type(options.type)
        except ValueError as exc:
            raise definition_error(where, f"column {name}: {exc}") from exc
    else:
        pg_type = _mapped_type(parts, name, hint, bare, markers, where)
    if options.primary_key and nullable:
        raise definition_error(where, nullable_key(name))
    identity = _identity(name, options.identity, pg_type, nullable, where)
    default: str | None = None
    if options.default is not NO_DEFAULT:
        if identity is not None:
            raise definition_error(
                where,
                f"column {name}: an identity column takes its values from its sequence;"
                " drop the default",
            )
        try:
            default = default_sql(options.default, pg_type)
        except ValueError as exc:
            raise definition_error(where, f"column {name}: {exc}") from exc
    parts.columns.append(
        Column(name, pg_type, nullable, default, identity, options.doc, source=source)
    )
    if options.primary_key:
        parts.primary_key.append(name)
    if options.unique:
        parts.uniques.append((name,))
    if options.check is not None:
        parts.checks.append(Check(pg_name(table_name, name, "check"), options.check))
    reference = _foreign_key(table_name, name, options, nullable, where)
    if reference is not None:
        parts.foreign_keys.append(reference)


def _mapped_type(
    parts: Parts, name: str, hint: object, bare: object, markers: tuple[object, ...], where: str
) -> str:
    mapped = map_type(bare, markers)
    if mapped is None:
        if union_members(bare) is not None:
            raise definition_error(
                where,
                f"column {name}: {hint_text(hint)} allows more than one type, and a column"
                " has one; pick one, or say which with column(type='...')",
            )
        raise definition_error(
            where,
            f"column {name}: no PostgreSQL type for {hint_text(bare)};"
            " give one with column(type='...')",
        )
    pg_type, enum_class = mapped
    if enum_class is not None:
        found = enum_type(enum_class)
        same = parts.enums.setdefault(found.name, found)
        if same != found:
            raise definition_error(
                where,
                f"column {name}: enum type {found.name} is also defined, differently, at"
                f" {same.source or 'an unknown source'}; rename one with __pg_name__",
            )
    return pg_type


def nullable_key(name: str) -> str:
    """The one message for a nullable primary-key column, whichever way the
    key was declared."""
    return (
        f"column {name} is in the primary key, so it cannot be NULL: drop the"
        " `| None` / Optional from its type"
    )


def _identity(name: str, given: str | None, pg_type: str, nullable: bool, where: str) -> str | None:
    if given is None:
        return None
    identity = " ".join(given.lower().split())
    if identity not in _IDENTITY:
        raise definition_error(
            where, f"column {name}: identity={given!r} is neither 'always' nor 'by default'"
        )
    if pg_type not in _INTEGER_TYPES:
        raise definition_error(
            where,
            f"column {name}: an identity column is smallint, integer or bigint, not {pg_type}",
        )
    if nullable:
        raise definition_error(
            where, f"column {name}: an identity column is never NULL; drop the `| None`"
        )
    return identity


def _foreign_key(
    table_name: str, name: str, options: ColumnOptions, nullable: bool, where: str
) -> ForeignKey | None:
    actions: dict[str, str] = {}
    for label, given in (("on_delete", options.on_delete), ("on_update", options.on_update)):
        if given is None:
            continue
        if options.references is None:
            raise definition_error(
                where,
                f"column {name}: {label} without references; say which table it points at"
                " with references='table.column'",
            )
        action = " ".join(given.lower().split())
        if action not in ACTIONS:
            raise definition_error(
                where,
                f"column {name}: unknown {label} action {given!r}; use one of: "
                + ", ".join(ACTIONS),
            )
        if action == "set null" and not nullable:
            raise definition_error(
                where,
                f"column {name}: {label}='set null' on a column that cannot be NULL;"
                " make its type Optional (`| None`) or choose another action",
            )
        actions[label] = action
    if options.references is None:
        return None
    target = _REFERENCE.fullmatch(options.references.strip())
    if target is None:
        raise definition_error(
            where,
            f"column {name}: references={options.references!r} is not a table name;"
            " write references='table.column', or references='table' for its id",
        )
    return ForeignKey(
        pg_name(table_name, name, "fkey"),
        (name,),
        target.group(1),
        (target.group(2) or "id",),
        actions.get("on_delete", "no action"),
        actions.get("on_update", "no action"),
    )


_IDENT = r"(?!\d)[\w$]+"
_REFERENCE = re.compile(rf"({_IDENT})(?:\.({_IDENT}))?")
