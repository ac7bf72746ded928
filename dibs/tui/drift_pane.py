"""Drift: what ``dibs diff`` would change, grouped by table, destructive
changes marked; the SQL of the highlighted change below; rename
suggestions to confirm.

Design points, each with the failure it prevents:

- Grouping, marks and wording follow ``dibs diff`` (`SchemaDiff.by_table`,
  ``+``/``-``/``~``, ``! destructive``): a user who reads one reads the
  other.
- Renames are never guessed: a suggestion is a line to confirm with Enter,
  and a confirmed one stays listed (Enter again withdraws it), since once
  applied it no longer appears among the suggestions.
"""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dibs.schema.changes import Change, SchemaDiff
from dibs.tui.messages import ToggleRename
from dibs.tui.palette import ASK, BAD, GOOD, WARN


def change_text(change: Change) -> Text:
    """One change as ``dibs diff`` words it."""
    if change.kind.startswith(("add", "create")):
        mark, style = "+", GOOD
    elif change.kind.startswith("drop"):
        mark, style = "-", BAD
    else:
        mark, style = "~", WARN
    text = Text(f"  {mark} ", style=style)
    text.append(" ".join(change.description.split()))
    if change.destructive:
        text.append("  ! destructive" + (f": {change.note}" if change.note else ""), f"bold {BAD}")
    elif change.note:
        text.append(f"  ({change.note})", WARN)
    return text


class DriftPane(Vertical):
    """The changes, then the SQL of the highlighted one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.difference: SchemaDiff | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="drift-summary")
        yield OptionList(id="changes")
        with VerticalScroll(id="change-sql-box"):
            yield Static(id="change-sql")

    def show_diff(
        self,
        difference: SchemaDiff | None,
        error: str | None,
        renames: dict[str, str],
        concurrently: bool = False,
    ) -> None:
        self.difference = difference
        head = self.query_one("#drift-summary", Static)
        changes = self.query_one("#changes", OptionList)
        highlighted = changes.highlighted
        changes.clear_options()
        self.query_one("#change-sql", Static).update("")
        options: list[Option] = []
        if difference is None:
            head.update(Text(f"error: {error or 'no diff'}", style=BAD))
            changes.add_options(self._renames(renames))
            return
        numbers = {id(change): number for number, change in enumerate(difference.changes)}
        for table, grouped in difference.by_table().items():
            options.append(Option(Text(table or "types", style="bold"), disabled=True))
            for change in grouped:
                options.append(Option(change_text(change), id=f"change:{numbers[id(change)]}"))
        for suggestion in difference.rename_suggestions:
            prompt = Text("  rename? ", style=ASK)
            prompt.append(f"{suggestion}   (Enter confirms)")
            options.append(Option(prompt, id=f"rename:{suggestion}"))
        options += self._renames(renames)
        changes.add_options(options)
        head.update(self._summary(difference, concurrently))
        if options:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            if (
                highlighted is not None
                and highlighted < len(options)
                and not options[highlighted].disabled
            ):
                first = highlighted
            changes.highlighted = first

    @staticmethod
    def _renames(renames: dict[str, str]) -> list[Option]:
        """The confirmed renames, each to withdraw with Enter."""
        options = []
        for old, new in renames.items():
            prompt = Text("  renamed ", style=f"bold {ASK}")
            prompt.append(f"{old}={new}   (Enter withdraws)")
            options.append(Option(prompt, id=f"rename:{old}={new}"))
        return options

    @staticmethod
    def _summary(difference: SchemaDiff, concurrently: bool) -> Text:
        if difference.empty:
            return Text("in sync: the database matches the definitions", style=GOOD)
        count = len(difference.changes)
        text = Text(f"{count} change{'s' if count != 1 else ''}", style="bold")
        destructive = sum(1 for c in difference.changes if c.destructive)
        if destructive:
            text.append(f", {destructive} destructive", style=f"bold {BAD}")
        if concurrently:
            text.append(", indexes CONCURRENTLY", style=f"bold {ASK}")
        text.append("   g: write them as a migration", style="dim")
        return text

    @on(OptionList.OptionHighlighted, "#changes")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        sql = self.query_one("#change-sql", Static)
        kind, _, value = (event.option.id or "").partition(":")
        if kind != "change" or self.difference is None:
            sql.update("")
            return
        change = self.difference.changes[int(value)]
        theme = "monokai" if self.app.current_theme.dark else "default"
        sql.update(Syntax("\n".join(change.statements), "sql", theme=theme, word_wrap=True))

    @on(OptionList.OptionSelected, "#changes")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "rename":
            self.post_message(ToggleRename(value))
