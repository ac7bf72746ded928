"""Changing a document from the editor: completion, formatting, code actions.

Completion reads the line up to the cursor to tell a key position (the
line, or the part after ``{`` or ``,``, holds at most one word) from a
value position (a key, then a space, then at most one word), and the tree
to know which object the cursor is in.
"""

from __future__ import annotations

import re

from lsprotocol import types

from styx.format import format_document
from styx.lsp.analysis import Analysis
from styx.lsp.cursor import Segment, container_at, path_of
from styx.lsp.fields import Choice, FieldInfo, choices, fields_of, places_at
from styx.lsp.hints import SCHEMA_HINT, Hint, registry
from styx.lsp.protocol import lsp_range
from styx.source import Span
from styx.syntax.tree import Scalar

_SEPARATORS = re.compile(r"[{,]")
_SCHEMA_KEY = "@schema"


def completion(analysis: Analysis, offset: int) -> types.CompletionList:
    """Fields not yet written at a key position (and, at the root of a file
    without ``@schema``, the known declarations); the values the schema
    lists at a value position."""
    tree = analysis.tree
    segment = _SEPARATORS.split(analysis.index.prefix(offset))[-1]
    words = segment.split()
    spaced = not segment or segment[-1].isspace()
    typed = "" if spaced else words[-1]
    at_key = len(words) == (0 if spaced else 1)
    at_value = len(words) == (1 if spaced else 2)
    items: list[types.CompletionItem] = []
    if tree is None or not (at_key or at_value):
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
    analysis: Analysis, uri: str, context: types.CodeActionContext
) -> list[types.CodeAction]:
    """For a known configuration file without ``@schema``: write the
    declaration at the top, or opt out with ``@schema @``."""
    hint = analysis.hint
    if hint is None:
        return []
    hinted = [d for d in context.diagnostics if d.code == SCHEMA_HINT] or None
    return [
        _insert_at_top(uri, f"Add `{hint.declaration}`", hint.declaration, hinted, True),
        _insert_at_top(uri, "Declare that this file has no schema", "@schema @", hinted, False),
    ]


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
