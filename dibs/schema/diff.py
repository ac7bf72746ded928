"""The difference between the schema the definitions describe and the one
the database holds, as changes in an order PostgreSQL accepts.

Both schemas come from PostgreSQL's catalog, so every text compares with
``==``. What the order has to respect, phase by phase: new enum types and
values exist before anything uses them; renames come before everything else
(which then speaks of the new names); foreign keys go before the keys,
columns and tables they depend on, and come back last; keys, checks and
indexes that go or change are dropped before columns change under them and
added after; tables are dropped dependents first and created referenced
first; old enum types go once no column uses them; comments come last.

Renames are never guessed: a dropped table or column and an added one look
exactly like a rename that lost data, so the caller names them (``renames``)
and `SchemaDiff.rename_suggestions` only hints at likely ones. Constraints
and indexes keep their names when their table or column is renamed, so they
are paired by definition after the renames: one with the same definition
under another name is renamed (``RENAME CONSTRAINT``, ``ALTER INDEX ...
RENAME``), which keeps the index instead of rebuilding it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum, auto
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from dibs.schema import ddl
from dibs.schema.model import (
    Check,
    Column,
    EnumType,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)


class DiffError(ValueError):
    """A rename that cannot be applied; the message names it."""


@dataclass(frozen=True)
class Change:
    #: What is done, e.g. ``add_table``, ``drop_column``, ``alter_column_type``.
    kind: str
    #: The table changed (its new name), or None for an enum type.
    table: str | None
    #: The column, constraint, index or type changed; None for a whole table.
    subject: str | None
    #: One line for people.
    description: str
    statements: tuple[str, ...]
    #: Existing data is lost or may be (`note` says how).
    destructive: bool = False
    #: The risk: what is lost, or what makes the statements fail.
    note: str | None = None
    #: False when a statement cannot run inside a transaction block.
    transactional: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "statements": list(self.statements)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(**{**data, "statements": tuple(data["statements"])})


@dataclass(frozen=True)
class SchemaDiff:
    changes: tuple[Change, ...] = ()
    #: ``old=new`` or ``table.old=new`` pairs that look like renames (same
    #: columns, same type): the caller may offer them as ``--rename`` values.
    rename_suggestions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def destructive(self) -> bool:
        return any(change.destructive for change in self.changes)

    @property
    def transactional(self) -> bool:
        return all(change.transactional for change in self.changes)

    def sql(self) -> str:
        """The whole script, each change under a comment saying what it does.
        Statements that cannot run in a transaction stay in their place: the
        order is what makes the script work, so the runner (told by
        `transactional`) runs all of it outside one instead."""
        blocks = [
            "\n".join([f"-- {' '.join(change.description.split())}", *change.statements])
            for change in self.changes
        ]
        return "\n\n".join(blocks) + "\n" if blocks else ""

    def by_table(self) -> dict[str | None, tuple[Change, ...]]:
        """The changes grouped for display: enum types (under None) first,
        then tables by name, each group in script order."""
        groups: defaultdict[str | None, list[Change]] = defaultdict(list)
        for change in self.changes:
            groups[change.table].append(change)
        order = sorted(groups, key=lambda table: (table is not None, table or ""))
        return {table: tuple(groups[table]) for table in order}

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [change.to_dict() for change in self.changes],
            "rename_suggestions": list(self.rename_suggestions),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SchemaDiff:
        return cls(
            tuple(Change.from_dict(change) for change in data.get("changes", ())),
            tuple(data.get("rename_suggestions", ())),
        )


_NO_RENAMES: Mapping[str, str] = MappingProxyType({})
#: Suffix of an enum type's old name while it is being recreated, cut to
#: PostgreSQL's longest name (63 bytes) so that it never truncates to the
#: type's own name.
_RETIRED = "__old"
_MAX_NAME = 63


def diff(
    desired: Schema,
    actual: Schema,
    *,
    renames: Mapping[str, str] = _NO_RENAMES,
    concurrently: bool = False,
) -> SchemaDiff:
    """What it takes to turn ``actual`` into ``desired``.

    ``renames`` maps ``old_table`` to ``new_table`` and ``table.old_column``
    to ``new_column`` (the table by its new name); a rename whose source or
    target does not exist is a `DiffError`. With ``concurrently``, indexes of
    tables that already exist are created and dropped ``CONCURRENTLY`` (so
    those changes are not transactional)."""
    return _Differ(desired, actual, renames, concurrently).run()


class _Phase(IntEnum):
    ENUMS = auto()
    RENAMES = auto()
    DROP_FOREIGN_KEYS = auto()
    DROP_INDEXES = auto()
    DROP_CHECKS = auto()
    DROP_UNIQUES = auto()
    DROP_PRIMARY_KEYS = auto()
    # After the drops, so that a new name is free even if a dropped object had it.
    RENAME_KEYS = auto()
    DROP_TABLES = auto()
    RECREATE_ENUMS = auto()
    CREATE_TABLES = auto()
    COLUMNS = auto()
    ADD_PRIMARY_KEYS = auto()
    ADD_UNIQUES = auto()
    ADD_CHECKS = auto()
    ADD_INDEXES = auto()
    ADD_FOREIGN_KEYS = auto()
    DROP_ENUMS = auto()
    COMMENTS = auto()


_Keyed = TypeVar("_Keyed", bound=PrimaryKey | Unique | Check | ForeignKey | Index)


@dataclass(frozen=True)
class _Kind:
    """How one kind of constraint or index is named, and when it goes and comes."""

    key: str
    noun: str
    drop: _Phase
    add: _Phase
    #: What adding it to a table with rows can run into.
    risk: str | None


_KINDS: dict[type, _Kind] = {
    PrimaryKey: _Kind(
        "primary_key",
        "primary key",
        _Phase.DROP_PRIMARY_KEYS,
        _Phase.ADD_PRIMARY_KEYS,
        "fails if existing rows hold duplicates or NULLs",
    ),
    Unique: _Kind(
        "unique",
        "unique constraint",
        _Phase.DROP_UNIQUES,
        _Phase.ADD_UNIQUES,
        "fails if existing rows hold duplicates",
    ),
    Check: _Kind(
        "check",
        "check",
        _Phase.DROP_CHECKS,
        _Phase.ADD_CHECKS,
        "fails if existing rows violate it",
    ),
    ForeignKey: _Kind(
        "foreign_key",
        "foreign key",
        _Phase.DROP_FOREIGN_KEYS,
        _Phase.ADD_FOREIGN_KEYS,
        "fails if existing rows violate it",
    ),
    Index: _Kind("index", "index", _Phase.DROP_INDEXES, _Phase.ADD_INDEXES, None),
}


@dataclass
class _Pairing(Generic[_Keyed]):
    """Constraints or indexes of one kind on one table, actual against
    desired; each dropped or added one with the reason (None: it simply
    goes or comes)."""

    dropped: list[tuple[_Keyed, str | None]]
    added: list[tuple[_Keyed, str | None]]
    renamed: list[tuple[_Keyed, _Keyed]]


def _pair(
    desired: Iterable[_Keyed],
    actual: Iterable[_Keyed],
    forced: Callable[[_Keyed], str | None],
) -> _Pairing[_Keyed]:
    """Compare by name, then pair the leftovers by definition (renames).
    ``forced`` gives the reason an actual one must be dropped and re-added
    even though it did not change (something under it changes)."""
    wanted = {item.name: item for item in desired}
    have = {item.name: item for item in actual}
    pairing: _Pairing[_Keyed] = _Pairing([], [], [])
    spare = [wanted[name] for name in sorted(wanted.keys() - have.keys())]
    for name in sorted(have):
        old, new, reason = have[name], wanted.get(name), forced(have[name])
        if new is not None:
            if new != old or reason is not None:
                pairing.dropped.append((old, reason or "changed"))
                pairing.added.append((new, reason or "changed"))
            continue
        twin = None
        if reason is None:
            twin = next((s for s in spare if dataclasses.replace(old, name=s.name) == s), None)
        if twin is None:
            pairing.dropped.append((old, reason))
        else:
            pairing.renamed.append((old, twin))
            spare.remove(twin)
    pairing.added += [(item, None) for item in spare]
    pairing.added.sort(key=lambda added: added[0].name)
    return pairing


#: Type changes that keep every value, when the new type has no modifier
#: (``numeric``, not ``numeric(5,2)``); the old type's modifier, if any, does
#: not matter.
_WIDENINGS: frozenset[tuple[str, str]] = frozenset(
    {
        ("smallint", "integer"),
        ("smallint", "bigint"),
        ("integer", "bigint"),
        ("smallint", "numeric"),
        ("integer", "numeric"),
        ("bigint", "numeric"),
        ("smallint", "real"),
        ("smallint", "double precision"),
        ("integer", "double precision"),
        ("real", "double precision"),
        ("character varying", "text"),
        ("text", "character varying"),
    }
)
#: Types whose modifier bounds the values: a larger one (or none) keeps them all.
_GROWABLE = frozenset({"character varying", "numeric"})
_MODIFIED = re.compile(r"(?P<base>[a-z ]+)\((?P<args>\d+(?:,\d+)?)\)")


def is_widening(old: str, new: str) -> bool:
    """Whether every value of type ``old`` converts to ``new`` unchanged (the
    types as ``format_type()`` prints them). False when unsure: a type change
    that is not known to be safe is reported as destructive."""
    if old.endswith("[]") and new.endswith("[]"):
        return is_widening(old[:-2], new[:-2])
    old_base, old_args = _modifiers(old)
    new_base, new_args = _modifiers(new)
    if old_base == new_base and old_base in _GROWABLE:
        return _has_room(old_base, old_args, new_args)
    return (old_base, new_base) in _WIDENINGS and not new_args


def _modifiers(type_: str) -> tuple[str, tuple[int, ...]]:
    found = _MODIFIED.fullmatch(type_)
    if found is None:
        return type_, ()
    return found["base"], tuple(int(arg) for arg in found["args"].split(","))


def _has_room(base: str, old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    if not new:
        return True
    if not old:
        return False
    if base == "numeric":
        old_precision, old_scale = old[0], old[1] if len(old) > 1 else 0
        new_precision, new_scale = new[0], new[1] if len(new) > 1 else 0
        return new_scale >= old_scale and new_precision - new_scale >= old_precision - old_scale
    return new[0] >= old[0]


class _Differ:
    """One comparison: the changes of each phase, gathered in any order and
    put in phase order at the end."""

    def __init__(
        self,
        desired: Schema,
        actual: Schema,
        renames: Mapping[str, str],
        concurrently: bool,
    ) -> None:
        self.desired = desired
        self.concurrently = concurrently
        self.phases: defaultdict[_Phase, list[Change]] = defaultdict(list)
        table_renames, column_renames = _read_renames(renames, desired, actual)
        self._renames(table_renames, column_renames)
        self.actual = _renamed(actual, table_renames, column_renames)
        self.kept = sorted(desired.tables_by_name.keys() & self.actual.tables_by_name.keys())
        #: Columns, per table, whose type changes, so that foreign keys on them
        #: are dropped first and re-added after.
        self.retyped: defaultdict[str, set[str]] = defaultdict(set)
        #: Columns converted to a recreated enum type (with their defaults).
        self.converted: defaultdict[str, set[str]] = defaultdict(set)
        #: Enum types recreated: checks and indexes that mention them are rebuilt.
        self.recreated: set[str] = set()
        #: Column sets of the keys (primary, unique, unique index) dropped per
        #: table: foreign keys that reference them must go first.
        self.dropped_keys: defaultdict[str, set[frozenset[str]]] = defaultdict(set)
        #: ``'value'::type`` of each enum value added, by its change.
        self.new_values: dict[Change, str] = {}

    def emit(
        self,
        phase: _Phase,
        kind: str,
        table: str | None,
        subject: str | None,
        description: str,
        *statements: str,
        destructive: bool = False,
        note: str | None = None,
        transactional: bool = True,
    ) -> Change:
        change = Change(
            kind, table, subject, description, statements, destructive, note, transactional
        )
        self.phases[phase].append(change)
        return change

    def run(self) -> SchemaDiff:
        self._enums()
        for name in self.kept:
            for column in self._table(name, self.desired).columns:
                old = self._table(name, self.actual).column(column.name)
                if old is not None and old.type != column.type:
                    self.retyped[name].add(column.name)
        for name in self.kept:
            self._keys(name)
        for name in self.kept:
            self._foreign_keys(name)
        self._dropped_tables()
        self._created_tables()
        for name in self.kept:
            self._columns(name)
        self._comments()
        return SchemaDiff(self._ordered(), self._suggestions())

    def _table(self, name: str, schema: Schema) -> Table:
        table = schema.table(name)
        assert table is not None, name
        return table

    def _ordered(self) -> tuple[Change, ...]:
        """The changes in phase order. An enum value added in a transaction
        cannot be used before it commits, so one that later statements use
        makes its change non-transactional."""
        changes = [change for phase in sorted(_Phase) for change in self.phases[phase]]
        for position, change in enumerate(changes):
            marker = self.new_values.get(change)
            if marker and any(
                marker in statement
                for later in changes[position + 1 :]
                for statement in later.statements
            ):
                changes[position] = dataclasses.replace(
                    change,
                    transactional=False,
                    note="later statements use the new value, which PostgreSQL allows "
                    "only once it is committed",
                )
        return tuple(changes)

    # --- renames ---------------------------------------------------------

    def _renames(self, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]) -> None:
        for old, new in sorted(tables.items()):
            self.emit(
                _Phase.RENAMES,
                "rename_table",
                new,
                None,
                f"rename table {old} to {new}",
                ddl.rename_table(old, new),
            )
        for table, renamed in sorted(columns.items()):
            for old, new in sorted(renamed.items()):
                self.emit(
                    _Phase.RENAMES,
                    "rename_column",
                    table,
                    new,
                    f"rename column {table}.{old} to {new}",
                    ddl.rename_column(table, old, new),
                )

    # --- enum types ------------------------------------------------------

    def _enums(self) -> None:
        wanted = self.desired.enums_by_name
        have = self.actual.enums_by_name
        for name in sorted(wanted.keys() - have.keys()):
            self.emit(
                _Phase.ENUMS,
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
                self._add_enum_values(new, old)
            else:
                self._recreate_enum(new, old)
        for name in sorted(have.keys() - wanted.keys()):
            self.emit(
                _Phase.DROP_ENUMS,
                "drop_enum",
                None,
                name,
                f"drop enum type {name}",
                ddl.drop_enum(name),
            )

    def _add_enum_values(self, new: EnumType, old: EnumType) -> None:
        """Each new value in its place: after the value before it, or (first
        of all) before the first old one."""
        for position, value in enumerate(new.values):
            if value in old.values:
                continue
            if position:
                statement = ddl.add_enum_value(new.name, value, after=new.values[position - 1])
            else:
                statement = ddl.add_enum_value(new.name, value, before=old.values[0])
            change = self.emit(
                _Phase.ENUMS,
                "add_enum_value",
                None,
                new.name,
                f"add value {ddl.quote_literal(value)} to enum type {new.name}",
                statement,
            )
            self.new_values[change] = f"{ddl.quote_literal(value)}::{ddl.quote_ident(new.name)}"

    def _recreate_enum(self, new: EnumType, old: EnumType) -> None:
        """Recreated after the tables that go are gone and before any column
        is added: every column keeping the type is converted, and the old type
        dropped here unless columns that are about to be dropped or retyped
        still use it."""
        converted: list[tuple[str, Column, Column]] = []
        still_used = False
        for name in self.kept:
            wanted = self._table(name, self.desired)
            for column in self._table(name, self.actual).columns:
                if not _is_enum_type(column.type, new.name):
                    continue
                target = wanted.column(column.name)
                if target is not None and target.type == column.type:
                    converted.append((name, column, target))
                    self.converted[name].add(column.name)
                    self.retyped[name].add(column.name)
                else:
                    still_used = True
        self.recreated.add(new.name)
        retired = new.name[: _MAX_NAME - len(_RETIRED)] + _RETIRED
        statements = ddl.recreate_enum(new, retired, converted)
        if still_used:
            self.emit(
                _Phase.DROP_ENUMS,
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
        self.emit(
            _Phase.RECREATE_ENUMS,
            "recreate_enum",
            None,
            new.name,
            f"recreate enum type {new.name} ({', '.join(new.values)}): {why}",
            *statements,
            destructive=True,
            note=f"rewrites {len(converted)} column(s) of type {new.name}; "
            "fails if a row holds a value the new type lacks",
        )

    # --- constraints and indexes ------------------------------------------

    def _keys(self, name: str) -> None:
        wanted, have = self._table(name, self.desired), self._table(name, self.actual)
        primary = _pair(_optional(wanted.primary_key), _optional(have.primary_key), _unforced)
        uniques = _pair(wanted.uniques, have.uniques, _unforced)
        checks = _pair(wanted.checks, have.checks, lambda c: self._mentions_recreated(c.expression))
        indexes = _pair(
            wanted.indexes, have.indexes, lambda i: self._mentions_recreated(_index_text(i))
        )
        self.dropped_keys[name] |= {frozenset(key.columns) for key, _ in primary.dropped}
        self.dropped_keys[name] |= {frozenset(key.columns) for key, _ in uniques.dropped}
        self.dropped_keys[name] |= {
            frozenset(key.expression for key in index.keys)
            for index, _ in indexes.dropped
            if index.unique and index.where is None
        }
        self._apply(name, primary)
        self._apply(name, uniques)
        self._apply(name, checks)
        self._apply(name, indexes)

    def _foreign_keys(self, name: str) -> None:
        wanted, have = self._table(name, self.desired), self._table(name, self.actual)
        self._apply(
            name, _pair(wanted.foreign_keys, have.foreign_keys, lambda fk: self._moved(name, fk))
        )

    def _moved(self, table: str, fk: ForeignKey) -> str | None:
        """Why a foreign key that stays must still be dropped and re-added:
        PostgreSQL will not change a column's type under one, nor drop the
        key it references."""
        if self.retyped[table] & set(fk.columns):
            return "its column changes type"
        if self.retyped[fk.ref_table] & set(fk.ref_columns):
            return "the referenced column changes type"
        if frozenset(fk.ref_columns) in self.dropped_keys[fk.ref_table]:
            return "the key it references changes"
        return None

    def _mentions_recreated(self, text: str) -> str | None:
        """Why a check or index must be rebuilt around an enum's recreation:
        its expression holds ``'value'::type`` of the old type, which the new
        one cannot compare with."""
        for name in sorted(self.recreated):
            if _mentions_type(text, name):
                return f"it uses the recreated type {name}"
        return None

    def _apply(self, table: str, pairing: _Pairing[_Keyed]) -> None:
        for item, reason in pairing.dropped:
            self._drop(table, item, reason)
        for old, new in pairing.renamed:
            is_index = isinstance(old, Index)
            statement = (
                ddl.rename_index(old.name, new.name)
                if is_index
                else ddl.rename_constraint(table, old.name, new.name)
            )
            self.emit(
                _Phase.RENAME_KEYS,
                "rename_index" if is_index else "rename_constraint",
                table,
                new.name,
                f"rename {_KINDS[type(old)].noun} {old.name} on {table} to {new.name}",
                statement,
            )
        for item, reason in pairing.added:
            self._add(table, item, reason, existing=True)

    def _drop(self, table: str, item: _Keyed, reason: str | None) -> None:
        kind = _KINDS[type(item)]
        concurrent = isinstance(item, Index) and self.concurrently
        statement = (
            ddl.drop_index(item.name, concurrently=concurrent)
            if isinstance(item, Index)
            else ddl.drop_constraint(table, item.name)
        )
        self.emit(
            kind.drop,
            f"drop_{kind.key}",
            table,
            item.name,
            f"drop {kind.noun} {item.name} on {table}" + (f" ({reason})" if reason else ""),
            statement,
            transactional=not concurrent,
        )

    def _add(self, table: str, item: _Keyed, reason: str | None, *, existing: bool) -> None:
        """Add a constraint or index; ``existing`` when the table already held
        rows before this script (then indexes may be built concurrently, and
        the new rule may find rows that break it)."""
        kind = _KINDS[type(item)]
        concurrent = isinstance(item, Index) and self.concurrently and existing
        statements: tuple[str, ...]
        if isinstance(item, Index):
            statements = (ddl.create_index(table, item, concurrently=concurrent),)
            if concurrent:
                # A failed CREATE INDEX CONCURRENTLY leaves an INVALID index
                # of that name behind; dropping it first makes a rerun work.
                statements = (ddl.drop_index(item.name, concurrently=True, if_exists=True),
                              *statements)  # fmt: skip
            risk = _KINDS[Unique].risk if item.unique else None
        else:
            statements = (ddl.add_constraint(table, item),)
            risk = kind.risk
        self.emit(
            kind.add,
            f"add_{kind.key}",
            table,
            item.name,
            f"add {kind.noun} {item.name} on {table}" + (f" ({reason})" if reason else ""),
            *statements,
            note=risk if existing else None,
            transactional=not concurrent,
        )

    # --- tables ----------------------------------------------------------

    def _dropped_tables(self) -> None:
        """Tables that go, dependents first. Their foreign keys go with them,
        except those that close a cycle among them or reference a key
        dropped before the tables are: those are dropped first."""
        gone = [t for t in self.actual.tables if self.desired.table(t.name) is None]
        names = {table.name for table in gone}
        order = ddl.creation_order(gone)
        created: set[str] = set()
        for table in order:
            _, deferred = ddl.partition_foreign_keys(table, created)
            for fk in table.foreign_keys:
                if fk in deferred and fk.ref_table in names:
                    self._drop(table.name, fk, "it closes a reference cycle")
                elif frozenset(fk.ref_columns) in self.dropped_keys[fk.ref_table]:
                    self._drop(table.name, fk, "the key it references changes")
            created.add(table.name)
        for table in reversed(order):
            self.emit(
                _Phase.DROP_TABLES,
                "drop_table",
                table.name,
                None,
                f"drop table {table.name}",
                ddl.drop_table(table.name),
                destructive=True,
                note="deletes the table and all its rows",
            )

    def _created_tables(self) -> None:
        """New tables, referenced first. A foreign key to a table that
        already exists is added with the others, after that table's columns
        and keys have changed (it may reference a key this script adds)."""
        new = [t for t in self.desired.tables if self.actual.table(t.name) is None]
        created: set[str] = set()
        for table in ddl.creation_order(new):
            inline, deferred = ddl.partition_foreign_keys(table, created)
            self.emit(
                _Phase.CREATE_TABLES,
                "add_table",
                table.name,
                None,
                f"add table {table.name}",
                ddl.create_table(table, inline),
            )
            for index in table.indexes:
                self._add(table.name, index, None, existing=False)
            for fk in deferred:
                self._add(table.name, fk, None, existing=False)
            created.add(table.name)

    # --- columns ---------------------------------------------------------

    def _columns(self, name: str) -> None:
        wanted, have = self._table(name, self.desired), self._table(name, self.actual)
        for column in wanted.columns:
            if have.column(column.name) is None:
                self._add_column(name, column)
        for column in wanted.columns:
            old = have.column(column.name)
            if old is not None:
                self._alter_column(name, old, column)
        for column in have.columns:
            if wanted.column(column.name) is None:
                self.emit(
                    _Phase.COLUMNS,
                    "drop_column",
                    name,
                    column.name,
                    f"drop column {name}.{column.name}",
                    ddl.drop_column(name, column.name),
                    destructive=True,
                    note="deletes the column and its values",
                )

    def _add_column(self, table: str, column: Column) -> None:
        blocked = not column.nullable and column.default is None and column.identity is None
        self.emit(
            _Phase.COLUMNS,
            "add_column",
            table,
            column.name,
            f"add column {table}.{column.name} {column.type}",
            ddl.add_column(table, column),
            note="fails if the table has rows: NOT NULL without a default" if blocked else None,
        )

    def _alter_column(self, table: str, old: Column, new: Column) -> None:
        """Each aspect as its own change, in the order PostgreSQL needs: an
        identity cannot coexist with a default and needs NOT NULL first; a
        default typed for the old type is dropped before the type changes
        (and the wanted one set after); an identity column cannot lose NOT
        NULL. A column converted to a recreated enum already has its default."""
        name, where = new.name, f"{table}.{new.name}"
        retype = old.type != new.type
        own_default = name not in self.converted[table]
        drop_default = own_default and old.default is not None and (new.default is None or retype)
        if old.identity is not None and new.identity is None:
            self.emit(
                _Phase.COLUMNS,
                "alter_column_identity",
                table,
                name,
                f"drop identity of {where}",
                ddl.drop_identity(table, name),
            )
        if drop_default:
            self.emit(
                _Phase.COLUMNS,
                "alter_column_default",
                table,
                name,
                f"drop default of {where}",
                ddl.drop_default(table, name),
            )
        if retype:
            widening = is_widening(old.type, new.type)
            self.emit(
                _Phase.COLUMNS,
                "alter_column_type",
                table,
                name,
                f"change type of {where} from {old.type} to {new.type}",
                ddl.alter_column_type(table, name, new.type, using=self._cast(old, new)),
                destructive=not widening,
                note=None
                if widening
                else f"converting {old.type} to {new.type} may fail or change values",
            )
        if old.nullable and not new.nullable:
            self.emit(
                _Phase.COLUMNS,
                "alter_column_nullable",
                table,
                name,
                f"make {where} NOT NULL",
                ddl.set_not_null(table, name),
                note="fails if any row holds NULL",
            )
        if new.identity is not None and new.identity != old.identity:
            if old.identity is None:
                self.emit(
                    _Phase.COLUMNS,
                    "alter_column_identity",
                    table,
                    name,
                    f"make {where} an identity column (generated {new.identity})",
                    ddl.add_identity(table, name, new.identity),
                    note="its sequence starts at 1, which existing rows may already hold",
                )
            else:
                self.emit(
                    _Phase.COLUMNS,
                    "alter_column_identity",
                    table,
                    name,
                    f"make {where} generated {new.identity}",
                    ddl.set_identity(table, name, new.identity),
                )
        if own_default and new.default is not None and (new.default != old.default or drop_default):
            self.emit(
                _Phase.COLUMNS,
                "alter_column_default",
                table,
                name,
                f"set default of {where} to {new.default}",
                ddl.set_default(table, name, new.default),
            )
        if new.nullable and not old.nullable:
            self.emit(
                _Phase.COLUMNS,
                "alter_column_nullable",
                table,
                name,
                f"allow NULL in {where}",
                ddl.drop_not_null(table, name),
            )

    def _cast(self, old: Column, new: Column) -> str | None:
        """Through text from an enum type: no cast leads from one to another
        type but text's input function."""
        if any(_is_enum_type(old.type, e) for e in self.actual.enums_by_name):
            dimensions = "[]" * old.type.count("[]")
            return f"{ddl.quote_ident(new.name)}::text{dimensions}::{new.type}"
        return None

    # --- comments and suggestions -------------------------------------------

    def _comments(self) -> None:
        """Docs that differ; a missing table, column or type has none."""
        have_enums = self.actual.enums_by_name
        for enum in sorted(self.desired.enums, key=lambda e: e.name):
            old_enum = have_enums.get(enum.name)
            if enum.doc != (old_enum.doc if old_enum else None):
                self.emit(
                    _Phase.COMMENTS,
                    "comment_enum",
                    None,
                    enum.name,
                    f"comment on enum type {enum.name}",
                    ddl.comment_on_type(enum.name, enum.doc),
                )
        for table in sorted(self.desired.tables, key=lambda t: t.name):
            old = self.actual.table(table.name)
            if table.doc != (old.doc if old else None):
                self.emit(
                    _Phase.COMMENTS,
                    "comment_table",
                    table.name,
                    None,
                    f"comment on table {table.name}",
                    ddl.comment_on_table(table.name, table.doc),
                )
            for column in table.columns:
                old_column = old.column(column.name) if old else None
                if column.doc != (old_column.doc if old_column else None):
                    self.emit(
                        _Phase.COMMENTS,
                        "comment_column",
                        table.name,
                        column.name,
                        f"comment on column {table.name}.{column.name}",
                        ddl.comment_on_column(table.name, column.name, column.doc),
                    )

    def _suggestions(self) -> tuple[str, ...]:
        """A table dropped and one added with the same columns, or a column
        dropped and one of the same type added to the same table."""
        gone = [t for t in self.actual.tables if self.desired.table(t.name) is None]
        new = [t for t in self.desired.tables if self.actual.table(t.name) is None]
        found = [
            f"{old.name}={table.name}"
            for old in gone
            for table in new
            if _shape(old.columns) == _shape(table.columns)
        ]
        for name in self.kept:
            wanted, have = self._table(name, self.desired), self._table(name, self.actual)
            added = [c for c in wanted.columns if have.column(c.name) is None]
            dropped = [c for c in have.columns if wanted.column(c.name) is None]
            found += [
                f"{name}.{old.name}={column.name}"
                for old in dropped
                for column in added
                if old.type == column.type
            ]
        return tuple(sorted(found))


def _read_renames(
    renames: Mapping[str, str], desired: Schema, actual: Schema
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Table renames (old name to new) and column renames (by the table's new
    name, old column to new), each checked against both schemas."""
    tables: dict[str, str] = {}
    for source, target in sorted(renames.items()):
        if "." in source:
            continue
        problem = None
        if actual.table(source) is None:
            problem = f"the database has no table {source}"
        elif desired.table(target) is None:
            problem = f"the definitions have no table {target}"
        elif actual.table(target) is not None:
            problem = f"the database already has a table {target}"
        elif target in tables.values():
            problem = f"another table is renamed to {target} too"
        if problem:
            raise DiffError(f"cannot rename {source}={target}: {problem}")
        tables[source] = target
    originals = {new: old for old, new in tables.items()}
    columns: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for source, target in sorted(renames.items()):
        table, dot, column = source.partition(".")
        if not dot:
            continue
        wanted = desired.table(table)
        have = actual.table(originals.get(table, table))
        problem = None
        if wanted is None:
            problem = f"the definitions have no table {table}"
        elif have is None:
            problem = f"the database has no table {originals.get(table, table)}"
        elif have.column(column) is None:
            problem = f"the database has no column {have.name}.{column}"
        elif wanted.column(target) is None:
            problem = f"the definitions have no column {table}.{target}"
        elif have.column(target) is not None:
            problem = f"the database already has a column {have.name}.{target}"
        elif target in columns[table].values():
            problem = f"another column of {table} is renamed to {target} too"
        if problem:
            raise DiffError(f"cannot rename {source}={target}: {problem}")
        columns[table][column] = target
    return tables, dict(columns)


def _renamed(
    schema: Schema, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]
) -> Schema:
    """``schema`` as PostgreSQL will hold it after the renames: names in
    columns, keys and references follow, and so do the names inside check
    expressions and index keys and predicates (PostgreSQL prints them by
    name). Constraint and index names stay."""
    if not tables and not columns:
        return schema

    def table_name(name: str) -> str:
        return tables.get(name, name)

    def column_names(table: str, names: tuple[str, ...]) -> tuple[str, ...]:
        renamed = columns.get(table, {})
        return tuple(renamed.get(name, name) for name in names)

    result = []
    for table in schema.tables:
        name = table_name(table.name)
        renamed = columns.get(name, {})
        result.append(
            dataclasses.replace(
                table,
                name=name,
                columns=tuple(
                    dataclasses.replace(c, name=renamed.get(c.name, c.name)) for c in table.columns
                ),
                primary_key=table.primary_key
                and dataclasses.replace(
                    table.primary_key, columns=column_names(name, table.primary_key.columns)
                ),
                uniques=tuple(
                    dataclasses.replace(u, columns=column_names(name, u.columns))
                    for u in table.uniques
                ),
                foreign_keys=tuple(
                    dataclasses.replace(
                        fk,
                        columns=column_names(name, fk.columns),
                        ref_table=table_name(fk.ref_table),
                        ref_columns=column_names(table_name(fk.ref_table), fk.ref_columns),
                    )
                    for fk in table.foreign_keys
                ),
                checks=tuple(
                    dataclasses.replace(c, expression=_rename_identifiers(c.expression, renamed))
                    for c in table.checks
                ),
                indexes=tuple(_renamed_index(index, renamed) for index in table.indexes),
            )
        )
    return dataclasses.replace(schema, tables=tuple(result))


def _renamed_index(index: Index, columns: Mapping[str, str]) -> Index:
    keys = tuple(
        dataclasses.replace(
            key,
            expression=_rename_identifiers(key.expression, columns)
            if key.expression.startswith("(")
            else columns.get(key.expression, key.expression),
        )
        for key in index.keys
    )
    where = None if index.where is None else _rename_identifiers(index.where, columns)
    return dataclasses.replace(index, keys=keys, where=where)


_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*""")


def _rename_identifiers(text: str, names: Mapping[str, str]) -> str:
    """Column names in an expression renamed, leaving alone string literals,
    type names (after ``::``), function names (before ``(``) and qualified
    names. A miss only costs a needless drop and re-add of the constraint."""
    if not names:
        return text

    def rename(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith("'"):
            return token
        new = names.get(token[1:-1].replace('""', '"') if token.startswith('"') else token)
        before = text[: match.start()].rstrip()
        after = text[match.end() :].lstrip()
        if new is None or before.endswith(("::", ".")) or after.startswith(("(", ".")):
            return token
        return ddl.quote_ident(new)

    return _TOKEN.sub(rename, text)


def _optional(key: PrimaryKey | None) -> tuple[PrimaryKey, ...]:
    return (key,) if key is not None else ()


def _unforced(_: object) -> None:
    return None


def _index_text(index: Index) -> str:
    return " ".join([*(key.expression for key in index.keys), index.where or ""])


def _type_names(name: str) -> tuple[str, str]:
    """An enum's name as ``format_type()`` may print it: plain or quoted."""
    return name, '"' + name.replace('"', '""') + '"'


def _is_enum_type(type_: str, name: str) -> bool:
    """Whether a column of type ``type_`` holds enum ``name`` (or arrays of it)."""
    return type_.replace("[]", "") in _type_names(name)


def _mentions_type(text: str, name: str) -> bool:
    names = "|".join(re.escape(n) for n in _type_names(name))
    return re.search(rf"::(?:{names})(?![A-Za-z0-9_$])", text) is not None


def _shape(columns: Iterable[Column]) -> set[tuple[str, str]]:
    return {(column.name, column.type) for column in columns}
