"""The canonical layout, with every comment kept in its place.

The rules: 4-space indentation; ``key value`` with one space; one entry per
line in block objects and at the root, one element per line in block
sequences; at most one blank line between items, and only where the author
left one; none at the top or bottom of a block. An object or sequence
written on one line stays inline (``{a 1, b 2}``, ``(a b)``) while its line
fits in `WIDTH` columns, else it becomes a block; one written across lines
stays a block. Attribute objects stay ``k>v k>v`` and dotted paths
``a.b.c v`` (on one line however long). Heredocs move to their new
indentation (see `Layout._heredoc`).

The tree says what a document means; the source bytes say how it was laid
out. This module reads both in one pass, in source order: entries and
sequence elements are written from the tree, and the document's comments are
merged in by offset as the pass goes by them, so that each lands where the
author put it (before the next item, at the end of an item's line, after an
opening delimiter, or before a closing one). Layout decisions that depend on
how the author wrote something (one line or several, blank lines between
items) are answered from the source bytes of the node's span, never from a
line table, which keeps the pass linear.
"""

from __future__ import annotations

import sys
from collections import abc

from styx.format.inline import InlineText, implicit
from styx.syntax.tree import (
    DocComment,
    Document,
    Entry,
    Heredoc,
    Object,
    ObjectForm,
    Sequence,
    Tagged,
    Value,
)

INDENT = "    "
#: Values written on one line stay there while their line fits in this width.
WIDTH = 80
#: Offset past any comment: the end marker of the comment list.
_NEVER = sys.maxsize

#: What `_lines` writes one per line: entries of an object (or of the
#: implicit root), elements of a sequence, or an explicit root object.
Item = Entry | Value | Document


def _innermost(entry: Entry) -> Entry:
    """The entry that holds the value of a dotted path (``c value`` in ``a.b.c value``)."""
    value = entry.value
    while type(value) is Object and value.form is ObjectForm.PATH:
        entry = value.entries[0]
        value = entry.value
    return entry


def _head(item: Item) -> int:
    """Where the item's first line starts, doc comment included."""
    if isinstance(item, Entry):
        return item.key.start if item.doc is None else item.doc.start
    if isinstance(item, Document):
        return item.root.start if item.doc is None else item.doc.start
    return item.start


def _tail(item: Item) -> int:
    """Where the item's last token ends (a path's synthesized objects end
    with the key, so look at the value it leads to)."""
    if isinstance(item, Entry):
        return _innermost(item).span.end
    if isinstance(item, Document):
        return item.root.end
    return item.end


def _column_after(column: int, text: str) -> int:
    newline = text.rfind("\n")
    return column + len(text) if newline < 0 else len(text) - newline - 1


class Layout:
    """One formatting pass over one document.

    `prev` and `first` describe the block being written: the source offset
    where the last written line ended, and whether nothing has been written
    in the block yet. A nested block overwrites them, and `_lines` sets them
    again after each item, which is the only time they are read.
    """

    def __init__(self, document: Document) -> None:
        source = document.source.encode("utf-8")
        self.source = source
        self.inline = InlineText(source, document.source)
        comments = document.comments
        self.starts = [comment.start for comment in comments] + [_NEVER]
        self.ends = [comment.end for comment in comments]
        self.texts = [self.inline.token(c.start, c.end).rstrip(" \t") for c in comments]
        self.next = 0  # the first comment not yet written
        self.out: list[str] = []
        self.prev = 0
        self.first = True
        self.document = document

    def text(self) -> str:
        """The formatted document; an explicit root is one item at the top level."""
        document = self.document
        items: abc.Sequence[Item] = [document] if document.explicit_root else document.entries
        self._lines(items, "", 0, len(self.source))
        return "".join(self.out)

    # ------------------------------------------------------------- blocks

    def _lines(self, items: abc.Sequence[Item], indent: str, start: int, close: int) -> None:
        """Items one per line, with the comments between ``start`` and ``close``."""
        self.prev = start
        self.first = True
        heads = [_head(item) for item in items]
        # Each item's trailing comment must come before the next item starts.
        for item, head, limit in zip(items, heads, [*heads[1:], close], strict=False):
            self._own_line_comments(head, indent)
            self._blank_line(head)
            self._item(item, indent)
            self.prev = self._trailing_comment(_tail(item), limit)
            self.out.append("\n")
            self.first = False
        self._own_line_comments(close, indent)

    def _item(self, item: Item, indent: str) -> None:
        out = self.out
        if isinstance(item, Entry):
            self._documented(item.doc, item.key.start, indent)
            out.append(indent)
            self._entry(item, indent)
        elif isinstance(item, Document):
            root = item.root
            self._documented(item.doc, root.start, indent)
            self._container(root, root.entries, "{}", indent, 0, may_inline=False)
        else:
            out.append(indent)
            self._value(item, indent, len(indent))

    def _blank_line(self, start: int) -> None:
        """Keep one blank line where the author left at least one, except at
        the top of a block."""
        if not self.first and self.source.count(b"\n", self.prev, start) > 1:
            self.out.append("\n")

    # ----------------------------------------------------------- comments

    def _write_comment(self, indent: str) -> None:
        index = self.next
        self.out.append(f"{indent}{self.texts[index]}\n")
        self.prev = self.ends[index]
        self.next = index + 1

    def _own_line_comments(self, limit: int, indent: str) -> None:
        """Every comment before ``limit``, each on its own line."""
        while self.starts[self.next] < limit:
            self._blank_line(self.starts[self.next])
            self._write_comment(indent)
            self.first = False

    def _trailing_comment(self, end: int, limit: int) -> int:
        """A comment after ``end`` on the same source line (and before
        ``limit``) stays at the end of the line; returns where the line ends."""
        index = self.next
        start = self.starts[index]
        if start < limit and self.source.find(b"\n", end, start) < 0:
            self.out.append(f"  {self.texts[index]}")
            self.next = index + 1
            return self.ends[index]
        return end

    def _documented(self, doc: DocComment | None, start: int, indent: str) -> None:
        """The doc comment above an item, with any line comment written
        among or after its lines (before the item at ``start``)."""
        if doc is None:
            return
        lines = doc.lines
        written = among = 0
        while self.starts[self.next] < doc.end:
            # A doc comment has no blank lines: count lines to place the comment.
            before = self.source.count(b"\n", doc.start, self.starts[self.next]) - among
            self._doc_lines(lines[written:before], indent)
            self._write_comment(indent)
            written, among = before, among + 1
        self._doc_lines(lines[written:], indent)
        self.prev = doc.end
        self._own_line_comments(start, indent)

    def _doc_lines(self, lines: list[str], indent: str) -> None:
        self.out.extend(f"{indent}/// {line}".rstrip(" \t") + "\n" for line in lines)

    # ------------------------------------------------------------- values

    def _entry(self, entry: Entry, indent: str) -> None:
        key, value = self.inline.path(entry)
        self.out.append(key)
        if not implicit(value):
            self.out.append(" ")
            self._value(value, indent, _column_after(len(indent), key) + 1)

    def _value(self, value: Value, indent: str, column: int) -> int:
        """Write ``value`` at ``column`` of a line indented by ``indent``;
        returns the column after it."""
        if isinstance(value, Object):
            if value.form is ObjectForm.ATTRIBUTES:
                return self._attributes(value, indent, column)
            # A PATH object only gets here when its path could not be written
            # as one (see InlineText.path); its span is the key's, so braces
            # are always laid out as a block.
            block = value.form is ObjectForm.BLOCK
            return self._container(value, value.entries, "{}", indent, column, may_inline=block)
        if isinstance(value, Sequence):
            return self._container(value, value.items, "()", indent, column, may_inline=True)
        if isinstance(value, Tagged):
            head = self.inline.tag_head(value)
            self.out.append(head)
            column += len(head)
            return column if value.value is None else self._value(value.value, indent, column)
        if isinstance(value, Heredoc):
            return self._heredoc(value, indent)
        text = self.inline.value(value)
        self.out.append(text)
        return _column_after(column, text)

    def _container(
        self,
        node: Value,
        items: abc.Sequence[Item],
        brackets: str,
        indent: str,
        column: int,
        *,
        may_inline: bool,
    ) -> int:
        """An object or sequence: inline when it was written on one line and
        still fits, else a block with one item per line."""
        out = self.out
        start, end = node.start, node.end
        if not items and self.starts[self.next] >= end:
            out.append(brackets)
            return column + 2
        if may_inline and self.source.find(b"\n", start, end) < 0:
            text = self.inline.value(node)
            if column + len(text) <= WIDTH:
                out.append(text)
                return column + len(text)
        out.append(brackets[0])
        after_open = self._trailing_comment(start + 1, _head(items[0]) if items else end - 1)
        out.append("\n")
        self._lines(items, indent + INDENT, after_open, end - 1)
        out.append(indent + brackets[1])
        return len(indent) + 1

    def _attributes(self, attributes: Object, indent: str, column: int) -> int:
        """``k>v k>v``, always on the line of its entry."""
        for index, entry in enumerate(attributes.entries):
            key = self.inline.token(entry.key.start, entry.key.end) + ">"
            if index:
                key = " " + key
            self.out.append(key)
            column = self._value(entry.value, indent, column + len(key))
        return column

    def _heredoc(self, heredoc: Heredoc, indent: str) -> int:
        """Re-indent a heredoc to its line: content and closing delimiter one
        level deeper, so that the decoded text stays the same wherever the
        entry moves. Blank content lines stay empty; lines of only spaces
        keep them, as they are part of the text."""
        token = self.source[heredoc.start : heredoc.end]
        opening = token[: token.index(b"\n")].rstrip(b"\r").decode("utf-8")
        delimiter = opening[2:].partition(",")[0]
        inner = indent + INDENT
        lines = heredoc.text.split("\n")[:-1]  # the text ends with "\n" or is empty
        body = "".join(f"{inner}{line}\n" if line else "\n" for line in lines)
        self.out.append(f"{opening}\n{body}{inner}{delimiter}")
        return len(inner) + len(delimiter)
