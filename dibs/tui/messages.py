"""Messages the panes send the app: they ask, the app acts (it owns the
terminal, the workers and the session), so no pane imports the app."""

from __future__ import annotations

from textual.message import Message


class OpenSource(Message):
    """Open ``location`` (``file:line``) in the user's editor."""

    def __init__(self, location: str | None) -> None:
        super().__init__()
        self.location = location


class ToggleRename(Message):
    """Confirm or withdraw a rename (``old=new``), then refresh the diff."""

    def __init__(self, rename: str) -> None:
        super().__init__()
        self.rename = rename


class ShowMigration(Message):
    """Show a migration's source (a row of ``status``)."""

    def __init__(self, migration: dict[str, object]) -> None:
        super().__init__()
        self.migration = migration
