"""Changing a document from the editor: completion, formatting, code
actions, indentation after a line break.

Completion reads the line up to the cursor to tell a key position (the
line, or the part after ``{`` or ``,``, holds at most one word) from a
value position (a key, then a space, then at most one word), and the tree
to know which object the cursor is in. Two shapes are read apart from
those: attributes (``key a>1 b>``: after ``>`` the value of that attribute,
after a space a further attribute's key) and sequences (inside ``( )``,
the values the items may take).
"""

from __future__ import annotations

import re

from lsprotocol import types

from styx.format import format_document
from styx.lsp import protocol
from styx.lsp.analysis import Analysis
from styx.lsp.cursor import Segment, container_at, path_of, trail_at
from styx.lsp.fields import Choice, FieldInfo, choices, fields_of, places_at
from styx.lsp.fixes import QUICKFIX, Fix, fixes_at
from styx.lsp.hints import SCHEMA_HINT, Hint, registry
from styx.lsp.protocol import lsp_range
from styx.source import Span
from styx.syntax.tree import Document, Object, ObjectForm, Scalar, Sequence

_SEPARATORS = re.compile(r"[{,]")
_SCHEMA_KEY = "@schema"


def completion(analysis: Analysis, offset: int) -> types.CompletionList:
    """Fields not yet written at a key position (and, at the root of a file
    without ``@schema``, the known declarations); the values the schema
    lists at a value position."""
    tree = analysis.tree
    items: list[types.CompletionItem] = []
    if tree is None:
        return types.CompletionList(is_incomplete=False, items=items)
    in_sequence = _sequence_at(analysis, tree, offset)
    if in_sequence is not None:
        items += _item_values(analysis, offset, *in_sequence)
        return types.CompletionList(is_incomplete=False, items=items)
    segment = _SEPARATORS.split(analysis.index.prefix(offset))[-1]
    words = segment.split()
    spaced = not segment or segment[-1].isspace()
    typed = "" if spaced else words[-1]
    at_key = len(words) == (0 if spaced else 1)
    at_value = len(words) == (1 if spaced else 2)
    attributes = words[1:] if spaced else words[1:-1]
    if len(words) >= 2 and all(">" in word for word in attributes):
        trail, _ = container_at(tree, offset)
        items += _attribute_items(analysis, path_of(trail), words[0], attributes, typed, offset)
        return types.CompletionList(is_incomplete=False, items=items)
    if not (at_key or at_value):
        return types.CompletionList(is_incomplete=False, items=items)
    trail, container = container_at(tree, offset)
    path = path_of(trail)
    if at_value:
        items += _value_items(analysis, path, words[0], _typed_range(analysis, offset, typed))
        return types.CompletionList(is_incomplete=False, items=items)
    # A dotted key (`db.cr`) completes its last segment, inside the others.
    *parents, last = typed.split(".")
    where = _typed_range(analysis, offset, last)
    present = {
        entry.key.text
        for entry in container.entries
        if isinstance(entry.key, Scalar) and not entry.key.start <= offset <= entry.key.end
    }
    items += _key_items(analysis, [*path, *parents], set() if parents else present, where)
    if not trail and not parents and tree.declaration is None:
        items += _declaration_items(analysis.hint, where, prefix="")
    return types.CompletionList(is_incomplete=False, items=items)


def _attribute_items(
    analysis: Analysis,
    path: list[Segment],
    key: str,
    written: list[str],
    typed: str,
    offset: int,
) -> list[types.CompletionItem]:
    """In ``key a>1 b``: after ``>``, that attribute's values; otherwise the
    fields of ``key``'s object not written yet, each followed by ``>``."""
    if analysis.schema is None:
        return []
    owner = [*path, *key.split(".")]
    if ">" in typed:
        name, _, value = typed.partition(">")
        where = _typed_range(analysis, offset, value)
        places = places_at(analysis.schema, [*owner, name])
        return [_choice_item(choice, where) for choice in choices(places)]
    present = {word.partition(">")[0] for word in written}
    where = _typed_range(analysis, offset, typed)
    items = []
    for info in fields_of(places_at(analysis.schema, owner)):
        if info.name not in present:
            item = _field_item(info, where)
            item.text_edit = types.TextEdit(range=where, new_text=f"{info.name}>")
            items.append(item)
    return items


def _sequence_at(
    analysis: Analysis, tree: Document, offset: int
) -> tuple[list[Segment], Sequence] | None:
    """The sequence the cursor is directly inside (not in an object within
    it), and the path to it."""
    trail = trail_at(tree, offset)
    for depth in range(len(trail) - 1, -1, -1):
        value = trail[depth].value
        if isinstance(value, Object) and value.form is ObjectForm.BLOCK:
            if value.start < offset < value.end:
                return None
        elif (
            isinstance(value, Sequence)
            and value.start < offset
            and (offset < value.end or not _closed(analysis, value))
        ):
            return path_of(trail[: depth + 1]), value
    return None


def _item_values(
    analysis: Analysis, offset: int, path: list[Segment], sequence: Sequence
) -> list[types.CompletionItem]:
    if analysis.schema is None:
        return []
    typed = re.split(r"[\s(]", analysis.index.prefix(offset))[-1]
    position = sum(1 for item in sequence.items if item.end < offset - len(typed.encode("utf-8")))
    where = _typed_range(analysis, offset, typed)
    places = places_at(analysis.schema, [*path, position])
    return [_choice_item(choice, where) for choice in choices(places)]


def _typed_range(analysis: Analysis, offset: int, typed: str) -> types.Range:
    """The range of the word being typed, which a completion replaces."""
    return lsp_range(analysis.index, Span(offset - len(typed.encode("utf-8")), offset))


def _key_items(
    analysis: Analysis, path: list[Segment], present: set[str], where: types.Range
) -> list[types.CompletionItem]:
    if analysis.schema is None:
        return []
    fields = fields_of(places_at(analysis.schema, path))
    return [_field_item(info, where) for info in fields if info.name not in present]


def _field_item(info: FieldInfo, where: types.Range) -> types.CompletionItem:
    return types.CompletionItem(
        label=info.name,
        kind=types.CompletionItemKind.Field,
        detail=info.written,
        documentation=_markdown(info.doc),
        sort_text=("0" if info.required else "1") + info.name,
        text_edit=types.TextEdit(range=where, new_text=f"{info.name} "),
    )


def _value_items(
    analysis: Analysis, path: list[Segment], key: str, where: types.Range
) -> list[types.CompletionItem]:
    if not path and key == _SCHEMA_KEY:
        return _declaration_items(analysis.hint, where, prefix=f"{_SCHEMA_KEY} ")
    if analysis.schema is None:
        return []
    places = places_at(analysis.schema, [*path, *key.split(".")])
    return [_choice_item(choice, where) for choice in choices(places)]


def _choice_item(choice: Choice, where: types.Range) -> types.CompletionItem:
    return types.CompletionItem(
        label=choice.text,
        kind=types.CompletionItemKind.EnumMember,
        detail=choice.detail,
        documentation=_markdown(choice.doc),
        text_edit=types.TextEdit(range=where, new_text=choice.text),
    )


def _declaration_items(
    matched: Hint | None, where: types.Range, prefix: str
) -> list[types.CompletionItem]:
    """The registry's declarations; the one for this file's path first."""
    items = []
    for hint in registry().values():
        text = hint.declaration.removeprefix(prefix)
        items.append(
            types.CompletionItem(
                label=text,
                kind=types.CompletionItemKind.Module,
                detail=hint.title,
                preselect=hint is matched or None,
                sort_text=("0" if hint is matched else "1") + text,
                text_edit=types.TextEdit(range=where, new_text=text),
            )
        )
    return items


def formatting(analysis: Analysis) -> list[types.TextEdit] | None:
    """The canonical layout as one edit; nothing for a document with errors,
    whose meaning the formatter cannot be sure to keep."""
    document = analysis.document
    if document is None:
        return None
    formatted = format_document(document)
    if formatted == analysis.text:
        return []
    everything = lsp_range(analysis.index, Span(0, analysis.index.byte_length))
    return [types.TextEdit(range=everything, new_text=formatted)]


def code_actions(
    analysis: Analysis, uri: str, where: types.Range, context: types.CodeActionContext
) -> list[types.CodeAction]:
    """The fixes of `styx.lsp.fixes` for ``where`` and the diagnostics the
    editor sent; for a known configuration file without ``@schema``, writing
    the declaration at the top, or opting out with ``@schema @``."""
    index = analysis.index
    start = protocol.offset_of(index, where.start)
    end = max(start, protocol.offset_of(index, where.end))
    found: list[types.CodeAction] = []
    offsets = {start} | {
        protocol.offset_of(index, d.range.start) for d in context.diagnostics if d.source == "styx"
    }
    fixes: list[Fix] = []
    for offset in sorted(offsets):
        fixes += fixes_at(analysis, offset, end if offset == start else offset)
    seen: set[tuple[str, tuple[tuple[Span, str], ...]]] = set()
    for fix in fixes:
        if (fix.title, fix.edits) not in seen:
            seen.add((fix.title, fix.edits))
            found.append(_action(analysis, uri, fix, context))
    hint = analysis.hint
    if hint is not None:
        hinted = [d for d in context.diagnostics if d.code == SCHEMA_HINT] or None
        found += [
            _insert_at_top(uri, f"Add `{hint.declaration}`", hint.declaration, hinted, True),
            _insert_at_top(uri, "Declare that this file has no schema", "@schema @", hinted, False),
        ]
    return found


def _action(
    analysis: Analysis, uri: str, fix: Fix, context: types.CodeActionContext
) -> types.CodeAction:
    index = analysis.index
    resolved = {(d.code, _key(lsp_range(index, d.span))) for d in fix.fixes}
    matching = [d for d in context.diagnostics if (d.code, _key(d.range)) in resolved]
    edits = [
        types.TextEdit(range=lsp_range(index, span), new_text=text) for span, text in fix.edits
    ]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix if fix.kind == QUICKFIX else fix.kind,
        diagnostics=matching or None,
        edit=types.WorkspaceEdit(changes={uri: edits}),
        is_preferred=fix.preferred or None,
    )


def _key(where: types.Range) -> tuple[int, int, int, int]:
    """A range as a hashable value (lsprotocol's are not)."""
    return (where.start.line, where.start.character, where.end.line, where.end.character)


def _insert_at_top(
    uri: str,
    title: str,
    line: str,
    diagnostics: list[types.Diagnostic] | None,
    preferred: bool,
) -> types.CodeAction:
    top = types.Position(line=0, character=0)
    edit = types.TextEdit(range=types.Range(start=top, end=top), new_text=f"{line}\n\n")
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=diagnostics,
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
        is_preferred=preferred,
    )


def _markdown(text: str | None) -> types.MarkupContent | None:
    if not text:
        return None
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)


def on_type_formatting(
    analysis: Analysis, line: int, options: types.FormattingOptions
) -> list[types.TextEdit]:
    """After a line break: the new line's indentation at its nesting depth
    (the blocks and sequences open around it, one fewer when it starts by
    closing one), replacing whatever indentation the editor guessed."""
    tree = analysis.tree
    index = analysis.index
    if tree is None or line >= index.line_count:
        return []
    start = index.line_start(line)
    text = index.line_text(line)
    stripped = text.lstrip(" \t")
    depth = 0
    for step in trail_at(tree, start):
        value = step.value
        if isinstance(value, Object) and value.form is not ObjectForm.BLOCK:
            continue
        if not isinstance(value, Object | Sequence) or value.start >= start:
            continue
        if start < value.end or not _closed(analysis, value):
            depth += 1
    if stripped[:1] in ("}", ")"):
        depth = max(0, depth - 1)
    unit = " " * options.tab_size if options.insert_spaces else "\t"
    indent = unit * depth
    current = text[: len(text) - len(stripped)]
    if current == indent:
        return []
    width = len(current.encode("utf-16-le")) // 2
    where = types.Range(
        start=types.Position(line=line, character=0),
        end=types.Position(line=line, character=width),
    )
    return [types.TextEdit(range=where, new_text=indent)]


def _closed(analysis: Analysis, value: Object | Sequence) -> bool:
    """Whether the block's closing bracket was written (an unclosed one ends
    where the parser gave up)."""
    last = analysis.index.slice(Span(value.end - 1, value.end))
    return last in ("}", ")")
