"""One comparison of two schemas while it is under way: the changes found
so far, by phase, and what one step learns that a later one needs.

The steps live in modules of their own (enum types, keys, tables, columns,
comments); this state is what they share, and the phases are what puts
their changes in an order PostgreSQL accepts whatever order they are found
in.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from enum import IntEnum, auto

from dibs.schema.changes import Change
from dibs.schema.model import Schema, Table


class Phase(IntEnum):
    """When a change runs: the order every dependency between changes
    respects (see `dibs.schema.diff`)."""

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


class Comparison:
    """The changes of each phase, gathered in any order and put in phase
    order at the end, and the facts the steps pass on to one another."""

    def __init__(self, desired: Schema, actual: Schema, concurrently: bool) -> None:
        """``actual`` is the database's schema as it will be after the renames
        (`dibs.schema.renames.renamed`), so that everything compares by the
        new names."""
        self.desired = desired
        self.actual = actual
        self.concurrently = concurrently
        self.phases: defaultdict[Phase, list[Change]] = defaultdict(list)
        self.kept = sorted(desired.tables_by_name.keys() & actual.tables_by_name.keys())
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
        phase: Phase,
        kind: str,
        table: str | None,
        subject: str | None,
        description: str,
        *statements: str,
        destructive: bool = False,
        note: str | None = None,
        transactional: bool = True,
    ) -> Change:
        """Record a change in its phase; returned for steps that note more
        about it (`new_values`)."""
        change = Change(
            kind, table, subject, description, statements, destructive, note, transactional
        )
        self.phases[phase].append(change)
        return change

    def kept_table(self, name: str) -> tuple[Table, Table]:
        """Table ``name`` of `kept` as the definitions want it and as the
        database has it (renamed)."""
        wanted, have = self.desired.table(name), self.actual.table(name)
        assert wanted is not None and have is not None, name
        return wanted, have

    def ordered(self) -> tuple[Change, ...]:
        """The changes in phase order. An enum value added in a transaction
        cannot be used before it commits, so one that later statements use
        makes its change non-transactional."""
        changes = [change for phase in sorted(Phase) for change in self.phases[phase]]
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
