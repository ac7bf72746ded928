"""The screens over the main one: help, a migration's source, the name of
a new migration, a migration run, an error.

Design points, each with the failure it prevents:

- The run screen cannot be closed while the run is going (Escape says
  so): closing it would hide the only place its progress and failure show.
- A failed run shows the runner's ``error.rendered`` — the block the CLI
  prints, ``file:line`` and caret included — not a summary of it.
- The name screen checks the name as `dibs.generate.migration_name` will,
  before anything is written, and says what is wrong in place.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, RichLog, Static

from dibs.generate import GenerateError, migration_name
from dibs.protocol import LogEvent
from dibs.tui.messages import OpenSource
from dibs.tui.palette import BAD, GOOD, WARN
from dibs.tui.present import Source, duration, progress

#: The keys, as the help screen lists them.
KEYS: tuple[tuple[str, str], ...] = (
    ("1 2 3", "schema, migrations, drift"),
    ("Tab", "next list or table; the mouse works too"),
    ("↑ ↓  j k", "move (PgUp PgDn Home End too)"),
    ("Enter", "follow a foreign key, show a migration, confirm a rename"),
    ("Backspace", "back to the table before the jump"),
    ("o", "open the definition (file:line) in $EDITOR"),
    ("r", "refresh: run the db program again (after editing tables)"),
    ("g", "generate a migration from the drift (asks for a name)"),
    ("m", "apply the pending migrations"),
    ("c", "indexes of existing tables CONCURRENTLY (--concurrently)"),
    ("t", "light / dark"),
    ("?", "this help"),
    ("q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("dibs: keys\n\n", style="bold")
        for key, what in KEYS:
            text.append(f"  {key:<11}", style="bold")
            text.append(f"{what}\n")
        text.append("\nEscape closes this screen.", style="dim")
        with Vertical(id="dialog"):
            yield Static(text)


class SourceScreen(ModalScreen[None]):
    """A migration's SQL or Python source, highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,backspace", "dismiss", "Close"),
        Binding("o", "open", "Editor"),
    ]

    def __init__(self, title: str, source: Source, shown_path: str, dark: bool) -> None:
        super().__init__()
        self.title_text = title
        self.source = source
        self.shown_path = shown_path
        self.dark = dark

    def compose(self) -> ComposeResult:
        head = Text(self.title_text, style="bold")
        if self.shown_path:
            head.append(f"  {self.shown_path}", style="dim")
        if self.source.note:
            head.append(f"\n{self.source.note}", style=WARN)
        with Vertical(id="source-dialog"):
            yield Static(head, id="source-head")
            with VerticalScroll(id="source-body"):
                yield Static(
                    Syntax(
                        self.source.text,
                        self.source.language,
                        theme="monokai" if self.dark else "default",
                        line_numbers=True,
                        highlight_lines={self.source.line}
                        if self.source.language == "python"
                        else set(),
                    ),
                    id="source-text",
                )

    def action_open(self) -> None:
        if self.source.path:
            self.app.post_message(OpenSource(f"{self.source.path}:{self.source.line}"))


class NameScreen(ModalScreen[str | None]):
    """Ask the name of the migration ``g`` writes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str, summary: str) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Generate a migration from the drift", style="bold"))
            yield Static(self.summary, id="name-summary")
            yield Input(value=self.suggestion, id="name", placeholder="e.g. add_posts_tags")
            yield Static(
                Text("Enter writes it as `dibs generate-from-diff NAME`; Escape cancels.", "dim"),
                id="name-hint",
            )

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            migration_name(event.value)
        except GenerateError as error:
            self.query_one("#name-hint", Static).update(Text(str(error), style=BAD))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class RunScreen(ModalScreen[None]):
    """``m``: the progress of a migration run, its log and its outcome."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, pending: int) -> None:
        super().__init__()
        self.pending = pending
        self.done = False
        #: The failure shown, as the CLI prints it.
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="run-dialog"):
            yield Static(Text("Applying migrations", style="bold"), id="run-head")
            yield ProgressBar(total=max(self.pending, 1), show_eta=False, id="run-progress")
            yield RichLog(id="run-log", wrap=True, markup=False, max_lines=2000)
            yield Static(Text("running…", style=WARN), id="run-outcome")

    def log_event(self, event: LogEvent) -> None:
        """A line of the runner's log (``[1/5] applying ...``)."""
        self.query_one("#run-log", RichLog).write(Text(event.message))
        step = progress(event.message)
        if step is not None:
            bar = self.query_one("#run-progress", ProgressBar)
            bar.update(total=step[1], progress=step[0])

    def output(self, line: str) -> None:
        """A line the db program printed."""
        self.query_one("#run-log", RichLog).write(Text(line, style="dim"))

    def finish(self, result: dict[str, Any] | None, failure: str | None = None) -> None:
        """The run is over: its result (as ``dibs migrate --json``), or why
        it could not run at all."""
        self.done = True
        log = self.query_one("#run-log", RichLog)
        outcome = self.query_one("#run-outcome", Static)
        bar = self.query_one("#run-progress", ProgressBar)
        if result is None:
            self.error = f"error: {failure}"
            log.write(Text(self.error, style=BAD))
            outcome.update(Text("could not run   (Escape closes)", style=f"bold {BAD}"))
            return
        for refusal in result.get("refusals", []):
            log.write(Text(f"refused: {refusal['message']}", style=BAD))
        for warning in result.get("warnings", []):
            log.write(Text(f"warning: {warning}", style=WARN))
        error = result.get("error")
        if error:
            self.error = error.get("rendered") or error.get("message", "")
            log.write(Text(self.error, style=BAD))
            outcome.update(Text("failed   (Escape closes)", style=f"bold {BAD}"))
        elif result.get("refusals"):
            outcome.update(Text("refused   (Escape closes)", style=f"bold {BAD}"))
        else:
            count = len(result.get("applied", []))
            bar.update(total=max(count, 1), progress=max(count, 1))
            took = duration(sum(a.get("execution_time_ms", 0) for a in result["applied"]))
            word = "up to date" if not count else f"applied {count} in {took}, up to date"
            outcome.update(Text(f"{word}   (Escape closes)", style=f"bold {GOOD}"))

    def action_close(self) -> None:
        if not self.done:
            self.notify("the migrations are still running", severity="warning")
            return
        self.dismiss(None)


class ErrorScreen(ModalScreen[None]):
    """A failure, as the CLI would print it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, what: str, message: str) -> None:
        super().__init__()
        self.what = what
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog"):
            yield Static(Text(self.what, style=f"bold {BAD}"))
            with VerticalScroll():
                yield Static(Text(f"error: {self.message}"), id="error-text")
            yield Static(Text("Escape closes.", style="dim"))
