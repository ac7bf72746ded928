"""The schema browser: the tables (and enum types) the db program defines,
one at a time with its columns, keys, indexes, checks and docs.

Design points, each with the failure it prevents:

- Foreign keys are rows you can select: Enter on a column or constraint
  that references another table shows that table, and Backspace walks
  back the way you came (a stack of names, not of widgets, so a refresh
  that drops a table leaves nothing dangling: missing names are skipped).
- What is shown comes from `dibs.schema.model.Schema` exactly as ``dibs
  schema`` gets it; the pane only lays it out.
- ``o`` opens the selected column's ``file:line`` (else the table's) in the
  editor through the app, which owns the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from dibs.schema.model import EnumType, ForeignKey, Schema, Table
from dibs.tui.messages import OpenSource
from dibs.tui.present import shown_location


def _fk_text(fk: ForeignKey) -> str:
    text = f"({', '.join(fk.columns)}) → {fk.ref_table} ({', '.join(fk.ref_columns)})"
    if fk.on_delete != "no action":
        text += f" on delete {fk.on_delete}"
    if fk.on_update != "no action":
        text += f" on update {fk.on_update}"
    return text


class SchemaPane(Horizontal):
    """Table list on the left, the selected table on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_source", "Editor"),
        Binding("backspace", "back", "Back"),
    ]

    def __init__(self, root: Path, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.root = root
        self.schema = Schema()
        #: The table (or enum) shown, and the ones shown before a jump.
        self.current: str | None = None
        self.history: list[str] = []
        #: Row key -> the table that row's foreign key references.
        self._links: dict[str, str] = {}
        #: Row key -> the ``file:line`` of that column.
        self._sources: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield OptionList(id="tables")
        with Vertical(id="details"):
            yield Static(id="table-head")
            yield DataTable(id="columns", cursor_type="row")
            yield DataTable(id="constraints", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#columns", DataTable).add_columns(
            "column", "type", "key", "null", "default", "doc"
        )
        self.query_one("#constraints", DataTable).add_columns("kind", "definition", "name")

    # --- filling -----------------------------------------------------------

    def show_schema(self, schema: Schema) -> None:
        """Replace the listing, keeping the selected table when it still exists."""
        self.schema = schema
        tables = self.query_one("#tables", OptionList)
        tables.clear_options()
        tables.add_options(
            [Option(table.name, id=f"table:{table.name}") for table in schema.tables]
            + [
                Option(Text(f"enum {e.name}", style="italic"), id=f"enum:{e.name}")
                for e in schema.enums
            ]
        )
        names = [t.name for t in schema.tables] + [e.name for e in schema.enums]
        if not names:
            self.current = None
            self._render_none()
            return
        self.select(self.current if self.current in names else names[0], remember=False)

    def select(self, name: str, remember: bool = True) -> None:
        """Show ``name``; with ``remember``, Backspace comes back here."""
        if remember and self.current is not None and self.current != name:
            self.history.append(self.current)
        self.current = name
        tables = self.query_one("#tables", OptionList)
        for prefix in ("table:", "enum:"):
            try:
                index = tables.get_option_index(prefix + name)
            except OptionDoesNotExist:
                continue
            if tables.highlighted != index:
                tables.highlighted = index
        self._show_current()

    def _render_none(self) -> None:
        self.query_one("#table-head", Static).update("The db program defines no tables.")
        self.query_one("#columns", DataTable).clear()
        self.query_one("#constraints", DataTable).clear()

    def _show_current(self) -> None:
        table = self.schema.table(self.current or "")
        enum = self.schema.enums_by_name.get(self.current or "")
        columns = self.query_one("#columns", DataTable)
        constraints = self.query_one("#constraints", DataTable)
        columns.clear()
        constraints.clear()
        self._links.clear()
        self._sources.clear()
        if table is not None:
            self._render_table(table, columns, constraints)
        elif enum is not None:
            self._render_enum(enum, columns)

    def _head(self, title: str, source: str | None, doc: str | None) -> None:
        head = Text(title, style="bold")
        if source:
            head.append(f"  {shown_location(source, self.root)}", style="dim")
        if doc:
            head.append("\n" + doc, style="italic")
        self.query_one("#table-head", Static).update(head)

    def _render_table(
        self, table: Table, columns: DataTable[object], constraints: DataTable[object]
    ) -> None:
        self._head(table.name, table.source, table.doc)
        primary = set(table.primary_key.columns) if table.primary_key else set()
        uniques = {u.columns[0] for u in table.uniques if len(u.columns) == 1}
        single_fks = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
        for column in table.columns:
            key = "col:" + column.name
            marks = []
            if column.name in primary:
                marks.append("PK")
            if column.name in uniques:
                marks.append("unique")
            fk = single_fks.get(column.name)
            if fk is not None:
                marks.append(f"→ {fk.ref_table}.{', '.join(fk.ref_columns)}")
                self._links[key] = fk.ref_table
            if column.source:
                self._sources[key] = column.source
            default = column.default or (f"identity {column.identity}" if column.identity else "")
            columns.add_row(
                column.name,
                column.type,
                Text(" ".join(marks), style="bold" if fk is not None else ""),
                "null" if column.nullable else "",
                default,
                column.doc or "",
                key=key,
            )
        rows: list[tuple[str, str, str, str | None]] = []
        if table.primary_key:
            pk = table.primary_key
            rows.append(("primary key", f"({', '.join(pk.columns)})", pk.name, None))
        rows += [("unique", f"({', '.join(u.columns)})", u.name, None) for u in table.uniques]
        rows += [("foreign key", _fk_text(fk), fk.name, fk.ref_table) for fk in table.foreign_keys]
        rows += [("check", c.expression, c.name, None) for c in table.checks]
        for index in table.indexes:
            keys = ", ".join(k.expression + (" DESC" if k.descending else "") for k in index.keys)
            kind = "unique index" if index.unique else "index"
            using = "" if index.method == "btree" else f" using {index.method}"
            where = f" where {index.where}" if index.where else ""
            rows.append((kind, f"({keys}){using}{where}", index.name, None))
        for number, (kind, definition, name, target) in enumerate(rows):
            key = f"constraint:{number}"
            if target is not None:
                self._links[key] = target
            constraints.add_row(kind, definition, name, key=key)

    def _render_enum(self, enum: EnumType, columns: DataTable[object]) -> None:
        self._head(f"enum {enum.name}", enum.source, enum.doc)
        for value in enum.values:
            columns.add_row(value, "", "", "", "", "", key=f"value:{value}")

    # --- events --------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#tables")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = (event.option.id or "").partition(":")[2]
        if name and name != self.current:
            self.current = name
            self._show_current()

    @on(OptionList.OptionSelected, "#tables")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#columns", DataTable).focus()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        target = self._links.get(str(event.row_key.value))
        if target is None:
            return
        if self.schema.table(target) is None:
            self.notify(f"{target} is not among the defined tables", severity="warning")
            return
        self.select(target)
        columns = self.query_one("#columns", DataTable)
        columns.move_cursor(row=0)
        columns.focus()

    def action_back(self) -> None:
        known = {t.name for t in self.schema.tables} | {e.name for e in self.schema.enums}
        while self.history:
            name = self.history.pop()
            if name in known:
                self.select(name, remember=False)
                return

    def selected_source(self) -> str | None:
        """The ``file:line`` ``o`` opens: the column under the cursor when
        the columns have focus, else the table's."""
        columns = self.query_one("#columns", DataTable)
        if columns.has_focus and columns.row_count:
            key = columns.coordinate_to_cell_key(columns.cursor_coordinate).row_key
            if str(key.value) in self._sources:
                return self._sources[str(key.value)]
        table = self.schema.table(self.current or "")
        if table is not None:
            return table.source
        enum = self.schema.enums_by_name.get(self.current or "")
        return enum.source if enum is not None else None

    def action_open_source(self) -> None:
        self.post_message(OpenSource(self.selected_source()))
