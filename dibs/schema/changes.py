"""What a diff produces: `Change`, one step with its statements and risk,
and `SchemaDiff`, the steps in order.

Their own module because everything that finds changes makes them, and
because they travel: rendered for people (`dibs.cli.render`), sent over the
db program's protocol (``to_dict``/``from_dict``) and run as a script.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


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
