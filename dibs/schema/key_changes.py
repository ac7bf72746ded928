"""Changes to constraints and indexes: primary keys, uniques, checks,
foreign keys and indexes, dropped, renamed and added.

They are paired by name, then by definition: constraints and indexes keep
their names when their table or column is renamed, so one with the same
definition under another name is renamed (``RENAME CONSTRAINT``, ``ALTER
INDEX ... RENAME``), which keeps an index instead of rebuilding it. One that
did not change is still dropped and re-added when something under it does
(a column's type, a referenced key, a recreated enum type).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from dibs.schema import ddl
from dibs.schema.comparison import Comparison, Phase
from dibs.schema.enum_changes import mentions_recreated
from dibs.schema.model import Check, ForeignKey, Index, PrimaryKey, Unique

_Keyed = TypeVar("_Keyed", bound=PrimaryKey | Unique | Check | ForeignKey | Index)


@dataclass(frozen=True)
class _Kind:
    """How one kind of constraint or index is named, and when it goes and comes."""

    key: str
    noun: str
    drop: Phase
    add: Phase
    #: What adding it to a table with rows can run into.
    risk: str | None


_KINDS: dict[type, _Kind] = {
    PrimaryKey: _Kind(
        "primary_key",
        "primary key",
        Phase.DROP_PRIMARY_KEYS,
        Phase.ADD_PRIMARY_KEYS,
        "fails if existing rows hold duplicates or NULLs",
    ),
    Unique: _Kind(
        "unique",
        "unique constraint",
        Phase.DROP_UNIQUES,
        Phase.ADD_UNIQUES,
        "fails if existing rows hold duplicates",
    ),
    Check: _Kind(
        "check",
        "check",
        Phase.DROP_CHECKS,
        Phase.ADD_CHECKS,
        "fails if existing rows violate it",
    ),
    ForeignKey: _Kind(
        "foreign_key",
        "foreign key",
        Phase.DROP_FOREIGN_KEYS,
        Phase.ADD_FOREIGN_KEYS,
        "fails if existing rows violate it",
    ),
    Index: _Kind("index", "index", Phase.DROP_INDEXES, Phase.ADD_INDEXES, None),
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


def compare_keys(comparison: Comparison, name: str) -> None:
    """Primary key, uniques, checks and indexes of a table that stays. The
    keys dropped are noted first: foreign keys referencing them must go
    before them (`compare_foreign_keys`, `drop_gone_tables`)."""
    wanted, have = comparison.kept_table(name)
    primary = _pair(_optional(wanted.primary_key), _optional(have.primary_key), _unforced)
    uniques = _pair(wanted.uniques, have.uniques, _unforced)
    checks = _pair(
        wanted.checks, have.checks, lambda c: mentions_recreated(comparison, c.expression)
    )
    indexes = _pair(
        wanted.indexes, have.indexes, lambda i: mentions_recreated(comparison, _index_text(i))
    )
    comparison.dropped_keys[name] |= {frozenset(key.columns) for key, _ in primary.dropped}
    comparison.dropped_keys[name] |= {frozenset(key.columns) for key, _ in uniques.dropped}
    comparison.dropped_keys[name] |= {
        frozenset(key.expression for key in index.keys)
        for index, _ in indexes.dropped
        if index.unique and index.where is None
    }
    _apply(comparison, name, primary)
    _apply(comparison, name, uniques)
    _apply(comparison, name, checks)
    _apply(comparison, name, indexes)


def compare_foreign_keys(comparison: Comparison, name: str) -> None:
    """Foreign keys of a table that stays, once every table's keys are
    compared: whether one must move depends on the keys it references."""
    wanted, have = comparison.kept_table(name)
    _apply(
        comparison,
        name,
        _pair(wanted.foreign_keys, have.foreign_keys, lambda fk: _moved(comparison, name, fk)),
    )


def _moved(comparison: Comparison, table: str, fk: ForeignKey) -> str | None:
    """Why a foreign key that stays must still be dropped and re-added:
    PostgreSQL will not change a column's type under one, nor drop the
    key it references."""
    if comparison.retyped[table] & set(fk.columns):
        return "its column changes type"
    if comparison.retyped[fk.ref_table] & set(fk.ref_columns):
        return "the referenced column changes type"
    if frozenset(fk.ref_columns) in comparison.dropped_keys[fk.ref_table]:
        return "the key it references changes"
    return None


def _apply(comparison: Comparison, table: str, pairing: _Pairing[_Keyed]) -> None:
    for item, reason in pairing.dropped:
        drop_keyed(comparison, table, item, reason)
    for old, new in pairing.renamed:
        is_index = isinstance(old, Index)
        statement = (
            ddl.rename_index(old.name, new.name)
            if is_index
            else ddl.rename_constraint(table, old.name, new.name)
        )
        comparison.emit(
            Phase.RENAME_KEYS,
            "rename_index" if is_index else "rename_constraint",
            table,
            new.name,
            f"rename {_KINDS[type(old)].noun} {old.name} on {table} to {new.name}",
            statement,
        )
    for item, reason in pairing.added:
        add_keyed(comparison, table, item, reason, existing=True)


def drop_keyed(comparison: Comparison, table: str, item: _Keyed, reason: str | None) -> None:
    """Drop a constraint or index; ``reason`` says why one that stays must
    go (None: it simply goes). Indexes go ``CONCURRENTLY`` when asked."""
    kind = _KINDS[type(item)]
    concurrent = isinstance(item, Index) and comparison.concurrently
    statement = (
        ddl.drop_index(item.name, concurrently=concurrent)
        if isinstance(item, Index)
        else ddl.drop_constraint(table, item.name)
    )
    comparison.emit(
        kind.drop,
        f"drop_{kind.key}",
        table,
        item.name,
        f"drop {kind.noun} {item.name} on {table}" + (f" ({reason})" if reason else ""),
        statement,
        transactional=not concurrent,
    )


def add_keyed(
    comparison: Comparison, table: str, item: _Keyed, reason: str | None, *, existing: bool
) -> None:
    """Add a constraint or index; ``existing`` when the table already held
    rows before this script (then indexes may be built concurrently, and
    the new rule may find rows that break it)."""
    kind = _KINDS[type(item)]
    concurrent = isinstance(item, Index) and comparison.concurrently and existing
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
    comparison.emit(
        kind.add,
        f"add_{kind.key}",
        table,
        item.name,
        f"add {kind.noun} {item.name} on {table}" + (f" ({reason})" if reason else ""),
        *statements,
        note=risk if existing else None,
        transactional=not concurrent,
    )


def _optional(key: PrimaryKey | None) -> tuple[PrimaryKey, ...]:
    return (key,) if key is not None else ()


def _unforced(_: object) -> None:
    return None


def _index_text(index: Index) -> str:
    return " ".join([*(key.expression for key in index.keys), index.where or ""])
