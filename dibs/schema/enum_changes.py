"""Changes to enum types: created, extended in place, recreated, dropped.

PostgreSQL can add an enum value but not remove or reorder one, so those
changes recreate the type, converting every column that keeps it; checks
and indexes that mention the old type are rebuilt around that
(`mentions_recreated`), and a value added in place cannot be used in the
transaction that adds it (see `Comparison.ordered`).
"""

from __future__ import annotations

import re

from dibs.schema import ddl
from dibs.schema.comparison import Comparison, Phase
from dibs.schema.model import Column, EnumType

#: Suffix of an enum type's old name while it is being recreated, cut to
#: PostgreSQL's longest name (63 bytes) so that it never truncates to the
#: type's own name.
_RETIRED = "__old"
_MAX_NAME = 63


def compare_enums(comparison: Comparison) -> None:
    """Enum types created, changed and dropped. Values only added (the old
    ones in their order) are added in place, which rewrites nothing; any
    other change recreates the type."""
    wanted = comparison.desired.enums_by_name
    have = comparison.actual.enums_by_name
    for name in sorted(wanted.keys() - have.keys()):
        comparison.emit(
            Phase.ENUMS,
            "create_enum",
            None,
            name,
            f"create enum type {name} ({', '.join(wanted[name].values)})",
            ddl.create_enum(wanted[name]),
        )
    for name in sorted(wanted.keys() & have.keys()):
        new, old = wanted[name], have[name]
        if new.values == old.values:
            continue
        remaining = iter(new.values)
        if all(value in remaining for value in old.values):
            _add_enum_values(comparison, new, old)
        else:
            _recreate_enum(comparison, new, old)
    for name in sorted(have.keys() - wanted.keys()):
        comparison.emit(
            Phase.DROP_ENUMS,
            "drop_enum",
            None,
            name,
            f"drop enum type {name}",
            ddl.drop_enum(name),
        )


def _add_enum_values(comparison: Comparison, new: EnumType, old: EnumType) -> None:
    """Each new value in its place: after the value before it, or (first
    of all) before the first old one."""
    for position, value in enumerate(new.values):
        if value in old.values:
            continue
        if position:
            statement = ddl.add_enum_value(new.name, value, after=new.values[position - 1])
        else:
            statement = ddl.add_enum_value(new.name, value, before=old.values[0])
        change = comparison.emit(
            Phase.ENUMS,
            "add_enum_value",
            None,
            new.name,
            f"add value {ddl.quote_literal(value)} to enum type {new.name}",
            statement,
        )
        comparison.new_values[change] = f"{ddl.quote_literal(value)}::{ddl.quote_ident(new.name)}"


def _recreate_enum(comparison: Comparison, new: EnumType, old: EnumType) -> None:
    """Recreated after the tables that go are gone and before any column
    is added: every column keeping the type is converted, and the old type
    dropped here unless columns that are about to be dropped or retyped
    still use it."""
    converted: list[tuple[str, Column, Column]] = []
    still_used = False
    for name in comparison.kept:
        wanted, have = comparison.kept_table(name)
        for column in have.columns:
            if not is_enum_type(column.type, new.name):
                continue
            target = wanted.column(column.name)
            if target is not None and target.type == column.type:
                converted.append((name, column, target))
                comparison.converted[name].add(column.name)
                comparison.retyped[name].add(column.name)
            else:
                still_used = True
    comparison.recreated.add(new.name)
    retired = new.name[: _MAX_NAME - len(_RETIRED)] + _RETIRED
    statements = ddl.recreate_enum(new, retired, converted)
    if still_used:
        comparison.emit(
            Phase.DROP_ENUMS,
            "drop_enum",
            None,
            retired,
            f"drop enum type {retired} (replaced by the new {new.name})",
            ddl.drop_enum(retired),
        )
    else:
        statements += (ddl.drop_enum(retired),)
    gone = [value for value in old.values if value not in new.values]
    why = f"drops value(s) {', '.join(gone)}" if gone else "reorders the values"
    comparison.emit(
        Phase.RECREATE_ENUMS,
        "recreate_enum",
        None,
        new.name,
        f"recreate enum type {new.name} ({', '.join(new.values)}): {why}",
        *statements,
        destructive=True,
        note=f"rewrites {len(converted)} column(s) of type {new.name}; "
        "fails if a row holds a value the new type lacks",
    )


def mentions_recreated(comparison: Comparison, text: str) -> str | None:
    """Why a check or index must be rebuilt around an enum's recreation:
    its expression holds ``'value'::type`` of the old type, which the new
    one cannot compare with."""
    for name in sorted(comparison.recreated):
        if _mentions_type(text, name):
            return f"it uses the recreated type {name}"
    return None


def _type_names(name: str) -> tuple[str, str]:
    """An enum's name as ``format_type()`` may print it: plain or quoted."""
    return name, '"' + name.replace('"', '""') + '"'


def is_enum_type(type_: str, name: str) -> bool:
    """Whether a column of type ``type_`` holds enum ``name`` (or arrays of it)."""
    return type_.replace("[]", "") in _type_names(name)


def _mentions_type(text: str, name: str) -> bool:
    names = "|".join(re.escape(n) for n in _type_names(name))
    return re.search(rf"::(?:{names})(?![A-Za-z0-9_$])", text) is not None
