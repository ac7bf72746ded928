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
from dibs.tui.present import applied_time, duration, state_label

#: Colour of each state (the word is always shown as well).
STATE_STYLES = {
    "applied": "green",
    "pending": "bold yellow",
    "changed": "bold red",
    "missing": "magenta",
}


def summary(status: dict[str, Any]) -> Text:
    """``5 pending, 1 changed`` or ``up to date``."""
    if status.get("up_to_date"):
        return Text("up to date", style="green")
    parts = []
    for key in ("pending", "changed", "missing", "out_of_order"):
        count = len(status.get(key, []))
        if count:
            parts.append(f"{count} {key.replace('_', ' ')}")
    return Text(", ".join(parts) or "nothing defined", style="yellow")


class MigrationsPane(Vertical):
    """A summary line and the table of migrations."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="migrations-summary")
        yield DataTable(id="migrations", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#migrations", DataTable).add_columns(
            "state", "version", "name", "applied (UTC)", "took"
        )

    def show_status(self, status: dict[str, Any] | None, error: str | None) -> None:
        table = self.query_one("#migrations", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._rows.clear()
        head = self.query_one("#migrations-summary", Static)
        if status is None:
            head.update(Text(f"error: {error or 'no status'}", style="red"))
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
