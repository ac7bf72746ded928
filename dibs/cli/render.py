"""Schemas and schema differences for people: plain text lines of
``(text, role)`` segments, coloured (or not) by `styx.report.color`, so dibs
looks like styx and a pipe or CI log gets no escape codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from dibs.schema.diff import Change, SchemaDiff
from dibs.schema.model import Column, Schema, Table
from styx.report.color import should_color, write_diagnostics
from styx.report.text import Line

#: Roles of `styx.report.color.STYLES`, by what they mean here.
ADDED, DROPPED, CHANGED, HEADING, DIM = "help", "error", "warning", "message", "gutter"


def write(stream: TextIO, lines: list[Line], color: str) -> None:
    write_diagnostics(stream, lines, should_color(stream, color))


def describe(schema: Schema) -> list[Line]:
    """Each enum type and table with its doc, source and columns."""
    lines: list[Line] = []
    for enum in schema.enums:
        lines.append([(f"enum {enum.name}", HEADING), *_source(enum.source)])
        lines += _doc(enum.doc, "  ")
        lines.append([("    " + ", ".join(enum.values), "plain")])
        lines.append([])
    for table in schema.tables:
        lines.append([(table.name, HEADING), *_source(table.source)])
        lines += _doc(table.doc, "  ")
        for column in table.columns:
            lines.append(_column_line(table, column))
        lines += [[(f"    {text}", DIM)] for text in _constraints(table)]
        lines.append([])
    return lines


def _column_line(table: Table, column: Column) -> Line:
    flags = []
    if table.primary_key and column.name in table.primary_key.columns:
        flags.append("primary key")
    if column.nullable:
        flags.append("null")
    if column.identity:
        flags.append(f"identity {column.identity}")
    if column.default is not None:
        flags.append(f"default {column.default}")
    for fk in table.foreign_keys:
        if fk.columns == (column.name,):
            flags.append(f"-> {fk.ref_table}.{', '.join(fk.ref_columns)}")
    line: Line = [(f"    {column.name} ", "plain"), (column.type, CHANGED)]
    if flags:
        line.append((" " + ", ".join(flags), "plain"))
    if column.doc:
        line.append((f"  // {column.doc}", DIM))
    return line


def _constraints(table: Table) -> Iterator[str]:
    for unique in table.uniques:
        yield f"unique ({', '.join(unique.columns)})  {unique.name}"
    for fk in table.foreign_keys:
        if len(fk.columns) > 1:
            yield (
                f"({', '.join(fk.columns)}) -> {fk.ref_table} ({', '.join(fk.ref_columns)})"
                f"  {fk.name}"
            )
    for check in table.checks:
        yield f"check ({check.expression})  {check.name}"
    for index in table.indexes:
        keys = ", ".join(k.expression + (" DESC" if k.descending else "") for k in index.keys)
        kind = "unique index" if index.unique else "index"
        where = f" where {index.where}" if index.where else ""
        yield f"{kind} ({keys}){where}  {index.name}"


def _doc(doc: str | None, indent: str) -> list[Line]:
    return [[(f"{indent}/// {line}", DIM)] for line in (doc or "").splitlines()]


def _source(source: str | None) -> list[tuple[str, str]]:
    return [(f"  ({source})", DIM)] if source else []


def changes(difference: SchemaDiff, *, show_sql: bool = False) -> list[Line]:
    """The changes grouped by table, each marked added (+), dropped (-) or
    changed (~), destructive ones with their risk; then a summary line and
    the rename suggestions."""
    if difference.empty:
        return [[("in sync: the database matches the definitions", ADDED)]]
    lines: list[Line] = []
    new = set() if show_sql else _created(difference)
    shown = 0
    for table, grouped in difference.by_table().items():
        items = [c for c in grouped if not (c.kind.startswith("comment") and _subject(c) in new)]
        shown += len(items)
        lines.append([(table if table is not None else "types", HEADING)])
        for change in items:
            lines.append(_change_line(change))
            if show_sql:
                lines += [
                    [(f"      {text}", DIM)] for s in change.statements for text in s.split("\n")
                ]
        lines.append([])
    destructive = sum(1 for c in difference.changes if c.destructive)
    count = shown
    summary = f"{count} change{'s' if count != 1 else ''}"
    if destructive:
        summary += f", {destructive} destructive"
    lines.append([(summary, HEADING)])
    for suggestion in difference.rename_suggestions:
        lines.append(
            [("hint", ADDED), (f": if this is a rename, pass --rename {suggestion}", "plain")]
        )
    return lines


def _created(difference: SchemaDiff) -> set[str]:
    """Tables and types the diff creates: their comments are part of
    creating them, not news worth a line of their own (``--sql`` and
    ``--json`` still show them)."""
    return {_subject(c) for c in difference.changes if c.kind in ("add_table", "create_enum")}


def _subject(change: Change) -> str:
    """The table or type a change is about."""
    return (change.table if change.table is not None else change.subject) or ""


def _change_line(change: Change) -> Line:
    if change.kind.startswith(("add", "create")):
        mark, role = "+", ADDED
    elif change.kind.startswith("drop"):
        mark, role = "-", DROPPED
    else:
        mark, role = "~", CHANGED
    line: Line = [(f"  {mark} ", role), (change.description, "plain")]
    if change.destructive:
        line.append(
            (f"  ! destructive: {change.note}" if change.note else "  ! destructive", DROPPED)
        )
    elif change.note:
        line.append((f"  ({change.note})", CHANGED))
    return line
