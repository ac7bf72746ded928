"""Reading a document in the editor: hover, go to definition, the outline.

These work on the tree even when the text has errors elsewhere, and with
the last schema that loaded, because the cursor is usually in the middle
of an edit.
"""

from __future__ import annotations

from lsprotocol import types

from styx.lsp.analysis import Analysis
from styx.lsp.cursor import entry_at, path_of
from styx.lsp.fields import FieldInfo, field_at
from styx.lsp.protocol import file_uri, lsp_range
from styx.report.text import line_index
from styx.source import LineIndex
from styx.syntax.tree import Entry, Object, Scalar, Sequence, Tagged, Unit, Value

#: Outline levels beyond this are left out: no one reads them, and a
#: pathological document must not exhaust the stack.
_MAX_OUTLINE_DEPTH = 64
_DETAIL_WIDTH = 40


def hover(analysis: Analysis, offset: int) -> types.Hover | None:
    """The schema's type and documentation for the key (or value) at ``offset``."""
    found = entry_at(analysis.tree, offset) if analysis.tree is not None else None
    if found is None:
        return None
    trail, entry = found
    if entry is analysis.declaration:
        text = _declaration_text(analysis)
    else:
        schema = analysis.schema
        info = field_at(schema, path_of(trail)) if schema is not None else None
        text = _field_text(info) if info is not None else None
    if text is None:
        return None
    touched = entry.key if entry.key.start <= offset <= entry.key.end else entry.value
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=lsp_range(analysis.index, touched.span),
    )


def definition(analysis: Analysis, uri: str, offset: int) -> types.Location | None:
    """Where the schema defines the key at ``offset``; from the ``@schema``
    line, the schema file itself."""
    found = entry_at(analysis.tree, offset) if analysis.tree is not None else None
    if found is None:
        return None
    trail, entry = found
    if entry is analysis.declaration:
        path = analysis.binding.schema_path if analysis.binding is not None else None
        target = file_uri(path) if path is not None else None
        top = types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
        return types.Location(uri=target, range=top) if target is not None else None
    schema = analysis.schema
    info = field_at(schema, path_of(trail)) if schema is not None else None
    origin = info.origin if info is not None else None
    if info is None or info.span is None or origin is None or origin.filename is None:
        return None
    if origin.filename == analysis.name:  # an inline schema, in this document
        return types.Location(uri=uri, range=lsp_range(analysis.index, info.span))
    target = file_uri(origin.filename)
    if target is None:
        return None
    return types.Location(uri=target, range=lsp_range(line_index(origin.text), info.span))


def symbols(analysis: Analysis) -> list[types.DocumentSymbol]:
    """The entry tree, for outline views and breadcrumbs."""
    if analysis.tree is None:
        return []
    return [_entry_symbol(entry, analysis.index, 0) for entry in analysis.tree.entries]


def _field_text(info: FieldInfo) -> str:
    text = f"`{info.name}`: `{info.written}`"
    return f"{text}\n\n{info.doc}" if info.doc else text


def _declaration_text(analysis: Analysis) -> str | None:
    binding = analysis.binding
    source = binding.resolution.source if binding is not None else None
    if source is None:
        return None
    text = f"`@schema`: from `{source.origin}`"
    meta = analysis.schema.meta if analysis.schema is not None else None
    if meta is not None:
        text = f"`@schema`: `{meta.id}`, from `{source.origin}`"
        if meta.description:
            text += f"\n\n{meta.description}"
    return text


def _entry_symbol(entry: Entry, index: LineIndex, depth: int) -> types.DocumentSymbol:
    key = entry.key
    if isinstance(key, Scalar):
        name = key.text or '""'
    else:
        name = f"@{key.name}" if isinstance(key, Tagged) else "@"
    children = _children(entry.value, index, depth + 1)
    return types.DocumentSymbol(
        name=name,
        kind=_kind(entry.value),
        range=lsp_range(index, entry.span),
        selection_range=lsp_range(index, key.span),
        detail=_detail(entry.value),
        children=children or None,
    )


def _children(value: Value, index: LineIndex, depth: int) -> list[types.DocumentSymbol]:
    if depth > _MAX_OUTLINE_DEPTH:
        return []
    if isinstance(value, Tagged) and value.payload is not None:
        value = value.payload
    if isinstance(value, Object):
        return [_entry_symbol(entry, index, depth) for entry in value.entries]
    if isinstance(value, Sequence):
        return [
            _item_symbol(position, item, index, depth)
            for position, item in enumerate(value.items)
            if isinstance(item, Object | Sequence | Tagged)
        ]
    return []


def _item_symbol(position: int, item: Value, index: LineIndex, depth: int) -> types.DocumentSymbol:
    span = lsp_range(index, item.span)
    return types.DocumentSymbol(
        name=f"[{position}]",
        kind=_kind(item),
        range=span,
        selection_range=span,
        detail=_detail(item),
        children=_children(item, index, depth + 1) or None,
    )


def _kind(value: Value) -> types.SymbolKind:
    if isinstance(value, Object):
        return types.SymbolKind.Object
    if isinstance(value, Sequence):
        return types.SymbolKind.Array
    if isinstance(value, Tagged):
        return types.SymbolKind.EnumMember
    if isinstance(value, Unit):
        return types.SymbolKind.Null
    return types.SymbolKind.String


def _detail(value: Value) -> str | None:
    if isinstance(value, Scalar):
        text = " ".join(value.text.split())
        return text if len(text) <= _DETAIL_WIDTH else text[: _DETAIL_WIDTH - 1] + "…"
    if isinstance(value, Tagged):
        return f"@{value.name}"
    if isinstance(value, Unit):
        return "@"
    if isinstance(value, Sequence):
        return f"{len(value.items)} item{'s' if len(value.items) != 1 else ''}"
    return None
