"""Semantic tokens: keys, strings, numbers, tags and comments, from the tree.

An editor without a Styx grammar gets its colouring from these. They are
taken from the parsed tree (the lenient one, so an error elsewhere does not
blank the file) and from its comments; scalars are text to Styx, so a
number is a scalar that reads as one.
"""

from __future__ import annotations

import re

from lsprotocol import types

from styx.lsp.analysis import Analysis
from styx.source import LineIndex, Span
from styx.syntax.tree import Document, Object, Scalar, Sequence, Tagged, Value

_TYPES = ["property", "string", "number", "enumMember", "comment"]
PROPERTY, STRING, NUMBER, TAG, COMMENT = range(len(_TYPES))

LEGEND = types.SemanticTokensLegend(token_types=_TYPES, token_modifiers=[])

_NUMBER = re.compile(
    r"[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][-+]?[0-9]+)?)"
)


def semantic_tokens(analysis: Analysis) -> types.SemanticTokens:
    if analysis.tree is None:
        return types.SemanticTokens(data=[])
    found = sorted(_collect(analysis.tree))
    return types.SemanticTokens(data=_encode(analysis.index, found))


def _collect(document: Document) -> list[tuple[int, int, int]]:
    """(start, end, token type) of every token, in no particular order."""
    found = [(c.start, c.end, COMMENT) for c in document.comments]
    pending: list[tuple[Value, bool]] = [(document.root, False)]
    while pending:
        node, is_key = pending.pop()
        if isinstance(node, Object):
            for entry in node.entries:
                if entry.doc is not None:
                    found.append((entry.doc.start, entry.doc.end, COMMENT))
                pending += [(entry.key, True), (entry.value, False)]
        elif isinstance(node, Sequence):
            pending += [(item, False) for item in node.items]
        elif isinstance(node, Tagged):
            found.append((node.start, node.name_end, TAG))
            if node.value is not None:
                pending.append((node.value, False))
        elif isinstance(node, Scalar):
            kind = PROPERTY if is_key else NUMBER if _NUMBER.fullmatch(node.text) else STRING
            found.append((node.start, node.end, kind))
    return found


def _encode(index: LineIndex, tokens: list[tuple[int, int, int]]) -> list[int]:
    """The protocol's relative encoding, one token per line a token spans;
    a token overlapping the one before it is dropped."""
    pieces: list[tuple[Span, int]] = []
    reached = 0
    for start, end, kind in tokens:
        if start >= reached:
            reached = end
            pieces += [(span, kind) for span in _per_line(index, Span(start, end))]
    ends = index.utf16_positions(offset for span, _ in pieces for offset in span)
    data: list[int] = []
    previous_line = previous_column = 0
    for (_, kind), (line, column), (_, end_column) in zip(
        pieces, ends[::2], ends[1::2], strict=True
    ):
        delta_column = column - previous_column if line == previous_line else column
        data += [line - previous_line, delta_column, end_column - column, kind, 0]
        previous_line, previous_column = line, column
    return data


def _per_line(index: LineIndex, span: Span) -> list[Span]:
    pieces = []
    for line in range(index.line_of(span.start), index.line_of(span.end) + 1):
        start = max(span.start, index.line_start(line))
        end = min(span.end, index.line_end(line))
        if end > start:
            pieces.append(Span(start, end))
    return pieces
