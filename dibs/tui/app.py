"""The Textual application: a header naming the database, three panes
(schema, migrations, drift) and the keys that act on them.

Design points, each with the failure it prevents:

- One worker group, one request at a time: a refresh, a run and a
  generation never overlap (two db programs racing over one file or one
  database); a key pressed meanwhile says what is still running instead of
  queueing work the user cannot see.
- Workers touch widgets only through `App.call_from_thread`; the db
  program's output arrives as a message (`ProgramOutput`), which Textual
  delivers on its own loop whichever thread posts it.
- The editor gets the real terminal (`App.suspend`); where there is none
  to give (a headless or web driver) the location is shown instead, and
  nothing is spawned that could wait for input forever.
- After the editor returns, the schema is read again: the one reason to
  open a definition is to change it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Static, TabbedContent, TabPane

from dibs.protocol import LogEvent
from dibs.tui.drift_pane import DriftPane
from dibs.tui.messages import OpenSource, ShowMigration, ToggleRename
from dibs.tui.migrations_pane import MigrationsPane, summary
from dibs.tui.palette import BAD, GOOD, WARN
from dibs.tui.present import (
    editor_command,
    migration_source,
    shown_location,
    split_location,
    suggest_name,
)
from dibs.tui.schema_pane import SchemaPane
from dibs.tui.screens import ErrorScreen, HelpScreen, NameScreen, RunScreen, SourceScreen
from dibs.tui.session import FAILURES, Overview, Session

DARK, LIGHT = "textual-dark", "textual-light"


def initial_theme(environ: Mapping[str, str] | None = None) -> str:
    """Light when the terminal says its background is light (``COLORFGBG``
    ending in 7 or 15, as rxvt, Konsole and iTerm2 set it), else dark."""
    environ = os.environ if environ is None else environ
    background = environ.get("COLORFGBG", "").rpartition(";")[2]
    return LIGHT if background in ("7", "15") else DARK


class ProgramOutput(Message):
    """A line the db program printed (posted from its reader thread)."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class DibsApp(App[int]):
    """``dibs`` with no verb."""

    TITLE = "dibs"
    CSS = """
    #header { height: 1; background: $panel; color: $text; padding: 0 1;
              text-wrap: nowrap; text-overflow: ellipsis; }
    TabbedContent { height: 1fr; }
    TabPane { padding: 0; }
    #tables { width: 20; height: 1fr; border: none; border-right: vkey $surface-lighten-2; }
    #details { width: 1fr; padding: 0 0 0 1; }
    #table-head { height: auto; max-height: 4; }
    #columns { height: auto; max-height: 1fr; }
    #constraints { height: auto; max-height: 1fr; margin-top: 1; }
    #migrations-summary, #drift-summary { height: 1; padding: 0 1; }
    #migrations { height: 1fr; }
    #changes { height: 1fr; border: none; }
    #change-sql-box { height: auto; max-height: 7; border-top: hkey $surface-lighten-2; }
    ModalScreen { align: center middle; }
    #dialog { width: 76; height: auto; max-height: 22; border: round $primary; padding: 0 1;
              background: $surface; }
    #source-dialog, #run-dialog, #error-dialog { width: 96%; height: 92%; border: round $primary;
              background: $surface; padding: 0 1; }
    #source-head { height: auto; }
    #source-body { height: 1fr; }
    #run-log { height: 1fr; border: none; }
    #run-outcome, #run-head { height: 1; }
    #error-text { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("r", "refresh", "Refresh"),
        Binding("g", "generate", "Generate"),
        Binding("m", "migrate", "Migrate"),
        Binding("1", "pane('schema')", "Schema", show=False),
        Binding("2", "pane('migrations')", "Migrations", show=False),
        Binding("3", "pane('drift')", "Drift", show=False),
        Binding("t", "toggle_dark", "Light/dark", show=False),
        Binding("c", "concurrently", "Concurrently", show=False),
        Binding("j", "move('down')", "Down", show=False),
        Binding("k", "move('up')", "Up", show=False),
    ]

    def __init__(self, session: Session, theme: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.session.on_output = self._relay
        self.overview: Overview | None = None
        #: What is running in the worker, or None.
        self.busy: str | None = None
        self.run_screen: RunScreen | None = None
        #: The db program's last output lines (refreshes included).
        self.program_output: deque[str] = deque(maxlen=200)
        self.theme = theme or initial_theme()

    def _relay(self, line: str) -> None:
        """Where the db program's output goes (any thread)."""
        self.post_message(ProgramOutput(line))

    # --- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with TabbedContent(id="panes", initial="schema-tab"):
            with TabPane("1 Schema", id="schema-tab"):
                yield SchemaPane(self.session.project_root, id="schema-pane")
            with TabPane("2 Migrations", id="migrations-tab"):
                yield MigrationsPane(id="migrations-pane")
            with TabPane("3 Drift", id="drift-tab"):
                yield DriftPane(id="drift-pane")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#tables").focus()
        self._header()
        self.action_refresh()

    def _header(self) -> None:
        """``dibs  5 pending · drift: 3  <database>``: the state first, so a
        long URL (a socket folder) is what gets cut, never the state."""
        text = Text("dibs  ", style="bold", no_wrap=True, overflow="ellipsis")
        overview = self.overview
        if self.busy:
            text.append(self.busy, style="italic")
        elif overview is not None:
            if overview.status is not None:
                text.append_text(summary(overview.status))
            elif overview.status_error:
                text.append("database unreachable", style=f"bold {BAD}")
            if overview.diff is not None:
                count = len(overview.diff.changes)
                text.append(" · ")
                text.append(
                    "in sync" if not count else f"drift: {count}",
                    style=GOOD if not count else f"bold {WARN}",
                )
        text.append("  ")
        text.append(self.session.shown_url, style="italic")
        self.query_one("#header", Static).update(text)

    # --- refresh -------------------------------------------------------------

    def _start(self, what: str) -> bool:
        """Claim the worker for ``what``; False (and a note) while busy."""
        if self.busy is not None:
            self.notify(f"wait: {self.busy}", severity="warning")
            return False
        self.busy = what
        self._header()
        return True

    def _done(self) -> None:
        self.busy = None
        self._header()

    def action_refresh(self) -> None:
        if self._start("running the db program…"):
            self._load()

    @work(thread=True, group="db")
    def _load(self) -> None:
        try:
            overview = self.session.load()
        except FAILURES as error:
            self.call_from_thread(self._failed, "refresh failed", self.session.describe(error))
            return
        self.call_from_thread(self._show, overview)

    def _show(self, overview: Overview) -> None:
        self.overview = overview
        self.busy = None
        self.query_one(SchemaPane).show_schema(overview.schema)
        self.query_one(MigrationsPane).show_status(overview.status, overview.status_error)
        self.query_one(DriftPane).show_diff(
            overview.diff, overview.diff_error, self.session.renames, self.session.concurrently
        )
        self._header()

    def _failed(self, what: str, message: str) -> None:
        self._done()
        self.push_screen(ErrorScreen(what, message))

    # --- generate --------------------------------------------------------------

    def action_generate(self) -> None:
        overview = self.overview
        if self.busy is not None:
            self.notify(f"wait: {self.busy}", severity="warning")
            return
        if overview is None or overview.diff is None:
            self.notify("no diff to generate from (see the Drift pane)", severity="warning")
            return
        if overview.diff.empty:
            self.notify("nothing to generate: the database matches the definitions")
            return
        count = len(overview.diff.changes)
        destructive = sum(1 for c in overview.diff.changes if c.destructive)
        line = f"{count} change{'s' if count != 1 else ''}"
        if destructive:
            line += f", {destructive} destructive (called out in the file)"
        self.push_screen(NameScreen(suggest_name(overview.diff), line), self._named)

    def _named(self, name: str | None) -> None:
        if name and self._start(f"writing {name}…"):
            self._generate(name)

    @work(thread=True, group="db")
    def _generate(self, name: str) -> None:
        try:
            path = self.session.generate(name)
        except FAILURES as error:
            self.call_from_thread(self._failed, "generate failed", self.session.describe(error))
            return
        self.call_from_thread(self._generated, path)

    def _generated(self, path: Path) -> None:
        self.notify(f"wrote {shown_location(f'{path}:1', self.session.project_root)[:-2]}")
        self.busy = "running the db program…"
        self._header()
        self.action_pane("migrations")
        self._load()

    # --- migrate ---------------------------------------------------------------

    def action_migrate(self) -> None:
        if not self._start("applying migrations…"):
            return
        pending = self.overview.pending if self.overview is not None else 0
        self.run_screen = RunScreen(pending)
        self.push_screen(self.run_screen, lambda _: self._after_run())
        self._migrate()

    @work(thread=True, group="db")
    def _migrate(self) -> None:
        def on_log(event: LogEvent) -> None:
            self.call_from_thread(self._run_event, event)

        try:
            result = self.session.migrate(on_log)
        except FAILURES as error:
            self.call_from_thread(self._ran, None, self.session.describe(error))
            return
        self.call_from_thread(self._ran, result, None)

    def _run_event(self, event: LogEvent) -> None:
        if self.run_screen is not None:
            self.run_screen.log_event(event)

    def _ran(self, result: dict[str, Any] | None, failure: str | None) -> None:
        if self.run_screen is not None:
            self.run_screen.finish(result, failure)
        self.busy = "running the db program…"
        self._header()
        self._load()

    def _after_run(self) -> None:
        self.run_screen = None

    @on(ProgramOutput)
    def _program_output(self, message: ProgramOutput) -> None:
        self.program_output.append(message.line)
        if self.run_screen is not None:
            self.run_screen.output(message.line)

    def _fatal_error(self) -> None:
        """An unexpected exception ends the app in the project's one failure
        shape. Textual's own report is a traceback with local variables,
        which hold the database URL and its password."""
        error = sys.exc_info()[1] or self._exception
        what = f"{type(error).__name__}: {error}" if error is not None else "unknown"
        lines = [
            f"error: internal error in the terminal UI: {what}",
            "  hint: please report it; DIBS_DEBUG=1 shows where it happened",
        ]
        if os.environ.get("DIBS_DEBUG") == "1" and error is not None:
            lines[1:1] = traceback.format_exception(error)
        self._return_code = 2
        self._exit_renderables.append(Text(self.session.describe("\n".join(lines))))
        self._close_messages_no_wait()

    # --- panes, sources, editor -----------------------------------------------

    def action_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = f"{pane}-tab"
        focus = {"schema": "#tables", "migrations": "#migrations", "drift": "#changes"}[pane]
        self.query_one(focus).focus()

    def action_move(self, direction: str) -> None:
        focused = self.focused
        action = "cursor_down" if direction == "down" else "cursor_up"
        if focused is not None and hasattr(focused, f"action_{action}"):
            getattr(focused, f"action_{action}")()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @on(ShowMigration)
    def _show_migration(self, message: ShowMigration) -> None:
        row = message.migration
        location = row.get("location")
        location = location if isinstance(location, str) else None
        source = migration_source(location)
        shown = shown_location(location, self.session.project_root) if location else ""
        title = f"{row.get('version')} {row.get('name')}  [{row.get('state')}]"
        self.push_screen(SourceScreen(title, source, shown, self.current_theme.dark))

    def action_concurrently(self) -> None:
        """Toggle building indexes of existing tables CONCURRENTLY (as
        ``--concurrently``), then read the diff again."""
        if self.busy is not None:
            self.notify(f"wait: {self.busy}", severity="warning")
            return
        self.session.concurrently = not self.session.concurrently
        state = "on" if self.session.concurrently else "off"
        self.notify(f"indexes of existing tables CONCURRENTLY: {state}")
        self.action_refresh()

    @on(ToggleRename)
    def _toggle_rename(self, message: ToggleRename) -> None:
        if self.busy is not None:
            self.notify(f"wait: {self.busy}", severity="warning")
            return
        confirmed = self.session.toggle_rename(message.rename)
        self.notify(f"rename {message.rename} {'confirmed' if confirmed else 'withdrawn'}")
        self.action_refresh()

    @on(OpenSource)
    def _open_source(self, message: OpenSource) -> None:
        self.open_in_editor(message.location)

    def open_in_editor(self, location: str | None) -> None:
        """Hand the terminal to ``$EDITOR`` at ``location``, then refresh."""
        parts = split_location(location)
        if parts is None:
            self.notify("no source location for this", severity="warning")
            return
        shown = shown_location(location, self.session.project_root)
        argv = editor_command(*parts)
        try:
            with self.suspend():
                subprocess.run(argv, check=False)
        except SuspendNotSupported:
            self.notify(f"cannot hand this terminal to an editor; the definition is at {shown}")
            return
        except OSError as error:
            self.notify(f"cannot start {argv[0]}: {error.strerror or error}", severity="error")
            return
        if self.busy is None:
            self.action_refresh()
