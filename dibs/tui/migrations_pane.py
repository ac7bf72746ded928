"""The migrations: every one ``dibs status`` knows, with its state, when it
was applied and how long it took; Enter shows its source.

Design points, each with the failure it prevents:

- The rows are ``dibs status``'s answer as is (`dibs.plan.MigrationState`
  in its plain form), so the list cannot disagree with the CLI.
- A state is never shown by colour alone: the word is there too, so a
  light theme, a monochrome terminal or a colour-blind reader loses
  nothing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from dibs.tui.messages import ShowMigration
from dibs.tui.palette import BAD, GONE, GOOD, WARN
from dibs.tui.present import applied_time, duration, state_label

#: Colour of each state (the word is always shown as well).
STATE_STYLES = {
    "applied": GOOD,
    "pending": f"bold {WARN}",
    "changed": f"bold {BAD}",
    "missing": GONE,
}


#: Widths of the columns that have one.
WIDTHS = {"version": 17, "applied": 16, "took": 8}
#: The narrowest the name column gets.
MIN_NAME = 12


def summary(status: dict[str, Any]) -> Text:
    """``5 pending, 1 changed`` or ``up to date``."""
    if status.get("up_to_date"):
        return Text("up to date", style=GOOD)
    parts = []
    for key in ("pending", "changed", "missing", "out_of_order"):
        count = len(status.get(key, []))
        if count:
            parts.append(f"{count} {key.replace('_', ' ')}")
    return Text(", ".join(parts) or "nothing defined", style=WARN)


class MigrationsPane(Vertical):
    """A summary line and the table of migrations."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, dict[str, Any]] = {}
        self._shown: tuple[dict[str, Any] | None, str | None] = (None, None)

    def compose(self) -> ComposeResult:
        yield Static(id="migrations-summary")
        yield DataTable(id="migrations", cursor_type="row")

    def on_resize(self) -> None:
        self.show_status(*self._shown)

    def _columns(self, table: DataTable[Any], rows: list[dict[str, Any]]) -> None:
        """The columns, the name's cut so that the times fit the width (at
        80 columns, when a migration ran matters more than a long name)."""
        table.clear(columns=True)
        state = max((len(state_label(m)) for m in rows), default=5)
        longest = max((len(str(m.get("name", ""))) for m in rows), default=4)
        # each cell has one space of padding either side; 2 for the scrollbar
        room = self.size.width - state - sum(WIDTHS.values()) - 2 * 5 - 2
        table.add_column("state", width=state, key="state")
        table.add_column("version", width=WIDTHS["version"], key="version")
        table.add_column("name", width=max(MIN_NAME, min(longest, room)), key="name")
        table.add_column("applied (UTC)", width=WIDTHS["applied"], key="applied")
        table.add_column("took", width=WIDTHS["took"], key="took")

    def show_status(self, status: dict[str, Any] | None, error: str | None) -> None:
        self._shown = (status, error)
        table = self.query_one("#migrations", DataTable)
        cursor = table.cursor_row
        self._columns(table, list((status or {}).get("migrations", [])))
        self._rows.clear()
        head = self.query_one("#migrations-summary", Static)
        if status is None:
            head.update(Text(f"error: {error or 'no status'}", style=BAD))
            return
        head.update(summary(status))
        for migration in status.get("migrations", []):
            key = str(migration.get("version"))
            self._rows[key] = migration
            state = str(migration.get("state", ""))
            table.add_row(
                Text(state_label(migration), style=STATE_STYLES.get(state, "")),
                key,
                str(migration.get("name", "")),
                applied_time(migration.get("applied_at")),
                duration(migration.get("execution_time_ms")),
                key=key,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    @on(DataTable.RowSelected, "#migrations")
    def _selected(self, event: DataTable.RowSelected) -> None:
        row = self._rows.get(str(event.row_key.value))
        if row is not None:
            self.post_message(ShowMigration(row))
