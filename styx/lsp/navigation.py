"""Reading a document in the editor: hover, go to definition, references,
the outline.

These work on the tree even when the text has errors elsewhere, and with
the last schema that loaded, because the cursor is usually in the middle
of an edit. A schema that is not a file (one a Python package provides as
text, or one embedded in a program) is written to the cache once, named by
its content, so go to definition still has a file to open; the copy is
read-only, since editing it would change nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable

from lsprotocol import types

from styx.lsp.analysis import Analysis
from styx.lsp.cursor import Segment, entry_at, path_of, walk
from styx.lsp.fields import FieldInfo, Place, enter, field_at, places_at
from styx.lsp.protocol import file_uri, lsp_range
from styx.report.text import line_index
from styx.schema import model as m
from styx.schema.resolve import cache_dir
from styx.source import LineIndex, Span
from styx.syntax.tree import Document, Entry, Object, Scalar, Sequence, Tagged, Unit, Value

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
        if path is None and analysis.schema is not None:
            path = materialised(analysis.schema.origin, analysis.schema)
        target = file_uri(path) if path is not None else None
        top = types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
        return types.Location(uri=target, range=top) if target is not None else None
    schema = analysis.schema
    info = field_at(schema, path_of(trail)) if schema is not None else None
    return _field_location(analysis, uri, info)


def _field_location(analysis: Analysis, uri: str, info: FieldInfo | None) -> types.Location | None:
    """Where the schema writes a field's key (or its type, for map entries)."""
    origin = info.origin if info is not None else None
    if info is None or info.span is None or origin is None:
        return None
    if origin.filename == analysis.name:  # an inline schema, in this document
        return types.Location(uri=uri, range=lsp_range(analysis.index, info.span))
    path = materialised(origin, info.schema)
    target = file_uri(path) if path is not None else None
    if target is None:
        return None
    return types.Location(uri=target, range=lsp_range(line_index(origin.text), info.span))


_LABEL = re.compile(r"[^A-Za-z0-9_.-]+")


def materialised(origin: m.Origin, schema: m.Schema | None = None) -> str | None:
    """A file holding the schema text ``origin`` was read from: that file
    when it is one, else a read-only copy in the cache (``lsp/``), written
    once and named by the schema's id and a digest of the text."""
    if origin.filename is not None and os.path.isfile(origin.filename):
        return origin.filename
    if not origin.text:
        return None
    digest = hashlib.sha256(origin.text.encode("utf-8")).hexdigest()[:16]
    ident = schema.meta.id if schema is not None and schema.meta is not None else "schema"
    label = _LABEL.sub("-", ident).strip("-") or "schema"
    path = cache_dir() / "lsp" / f"{label}-{digest}.styx"
    if path.is_file():
        return str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(origin.text)
        os.chmod(temporary, 0o444)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
        return None
    return str(path)


def references(
    analysis: Analysis, uri: str, offset: int, include_declaration: bool
) -> list[types.Location]:
    """From a key: every key of the document that is the same schema field
    (and, when asked, where the schema defines it). In a schema file, from
    a type's name or a reference to it: the definition and every ``@Name``."""
    tree = analysis.tree
    if tree is None:
        return []
    if _is_schema_file(tree):
        found = _type_uses(analysis, uri, tree, offset, include_declaration)
        if found:
            return found
    schema = analysis.schema
    at = entry_at(tree, offset)
    if schema is None or at is None:
        return []
    trail, _ = at
    target = field_at(schema, path_of(trail))
    if target is None:
        return []
    wanted = _identity(target)
    locations = _keys_where(analysis, uri, schema, lambda info: _identity(info) == wanted)
    if include_declaration:
        definition = _field_location(analysis, uri, target)
        if definition is not None:
            locations.insert(0, definition)
    return locations


def uses_of_definition(
    analysis: Analysis, uri: str, schema_file: str, key: Span
) -> list[types.Location]:
    """The keys of this document that are the field the schema file
    ``schema_file`` defines at ``key``: references from a schema file into
    the open documents it checks."""
    schema = analysis.schema
    if analysis.tree is None or schema is None:
        return []
    return _keys_where(
        analysis,
        uri,
        schema,
        lambda info: (
            info.span == key
            and info.origin is not None
            and info.origin.filename is not None
            and os.path.abspath(info.origin.filename) == schema_file
        ),
    )


def _keys_where(
    analysis: Analysis, uri: str, schema: m.Schema, wanted: Callable[[FieldInfo], bool]
) -> list[types.Location]:
    """Every key of the document whose field ``wanted`` accepts, walking the
    tree once and asking the schema once per object."""
    assert analysis.tree is not None
    known: dict[tuple[Segment, ...], list[Place]] = {}
    locations = []
    for path, entry in walk(analysis.tree):
        parent = path[:-1]
        places = known.get(parent)
        if places is None:
            places = known[parent] = places_at(schema, list(parent))
        info = next((i for _, i in enter(places, path[-1]) if i is not None), None)
        if info is not None and wanted(info):
            where = lsp_range(analysis.index, entry.key.span)
            locations.append(types.Location(uri=uri, range=where))
    locations.sort(key=lambda place: (place.range.start.line, place.range.start.character))
    return locations


def definition_key(analysis: Analysis, offset: int) -> Span | None:
    """In a schema file, the key at ``offset`` that defines a field."""
    tree = analysis.tree
    if tree is None or not _is_schema_file(tree):
        return None
    found = entry_at(tree, offset)
    if found is None or not isinstance(found[1].key, Scalar):
        return None
    key = found[1].key
    return key.span if key.start <= offset <= key.end else None


def _identity(info: FieldInfo) -> tuple[str, Span | None, int]:
    return info.name, info.span, id(info.origin)


def _is_schema_file(tree: Document) -> bool:
    return isinstance(tree.root.get("schema"), Object) and tree.root.get("meta") is not None


def _type_uses(
    analysis: Analysis, uri: str, tree: Document, offset: int, include_declaration: bool
) -> list[types.Location]:
    definitions = tree.root.get("schema")
    assert isinstance(definitions, Object)
    names = {
        entry.key.text: entry.key for entry in definitions.entries if isinstance(entry.key, Scalar)
    }
    tags = _tags(tree)
    name = next((k.text for k in names.values() if k.start <= offset <= k.end), None)
    if name is None:
        name = next((t.name for t in tags if t.start <= offset <= t.name_end), None)
    if name is None or name not in names:
        return []
    spans = [Span(t.start, t.name_end) for t in tags if t.name == name]
    if include_declaration:
        spans.insert(0, names[name].span)
    return [types.Location(uri=uri, range=lsp_range(analysis.index, span)) for span in spans]


def _tags(tree: Document) -> list[Tagged]:
    """Every tag written as a value in the document, in source order."""
    found: list[Tagged] = []
    pending: list[Value] = [entry.value for _, entry in walk(tree)]
    while pending:
        node = pending.pop()
        if isinstance(node, Tagged):
            found.append(node)
            if node.value is not None:
                pending.append(node.value)
        elif isinstance(node, Sequence):
            pending.extend(node.items)
    found.sort(key=lambda tag: tag.start)
    return found


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
