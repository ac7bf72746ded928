"""The canonical layout: the reference formatter's, with every comment kept.

The layout is that of the official Styx formatter (crates/styx-format in
github:bearcove/styx), rule by rule, so that a team whose editor formats
with the reference and whose CI runs ``styx fmt`` never sees the two rewrite
each other's files (tests/format/reference_snapshots holds its snapshot
suite). The rules:

* 4-space indentation; ``key value`` with one space; entries of the root
  one per line.
* An object is a block (one entry per line) when it was written with a line
  break of its own (between its entries or next to a brace, not inside a
  nested value), holds a comment or doc comment, or holds a block object at
  any depth; otherwise it is written inline, ``{a 1, b 2}``, however long.
* A sequence is a block when it was written with a line break or comment
  of its own, except that a sequence of one element collapses inline: always
  when the element holds no block object (``@optional(@string\\n)`` becomes
  ``@optional(@string)``), and as ``(@tag{`` ... ``})`` when the element is a
  tag whose payload holds one. Otherwise it is inline, ``(a b c)``.
* Blank lines: at most one, where the author left one, never at the top or
  bottom of a block. At the root the reference adds one around every entry
  whose value holds a block object, after a first ``@schema`` entry, after an
  entry with a doc comment, and before a doc comment that follows any of
  these (never between a doc comment and its entry).
* Scalars, heredocs included, are written as their source tokens: a heredoc
  keeps its content and delimiter lines exactly as written, which keeps its
  text however the entry moves (the closing delimiter's indentation is what
  is stripped). Doc comment lines are written as written.

Where we keep meaning or comments rather than the reference's output (see
"Formatter" in docs/spec-decisions.md): a comment at the end of a line stays
there (the reference moves it to a line of its own, where it reads as the
next entry's), trailing spaces in comments are dropped, and a one-element
sequence whose element ends with a heredoc keeps its ``)`` on the next line
(``EOF)`` would not close the heredoc).

The tree says what a document means; the source bytes say how it was laid
out. One pass over the tree (`_Shapes`) records which containers were
written with a line break of their own and which hold a block object; the
layout pass then writes entries and elements from the tree, in source order,
and merges the document's comments in by offset as it goes by them, so that
each lands where the author put it. Layout decisions read the source bytes
of a node's own span, never a line table, which keeps both passes linear.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
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


def _ends_with_heredoc(value: Value) -> bool:
    """Whether the value's last token is a heredoc's closing delimiter, which
    must end its line."""
    while isinstance(value, Tagged) and value.value is not None:
        value = value.value
    return isinstance(value, Heredoc)


def _is_schema_declaration(entry: Entry) -> bool:
    """The reference's test for the root's ``@schema`` line: the key is the tag."""
    key = entry.key
    return type(key) is Tagged and key.name == "schema"


_CONTAINERS = (Object, Sequence, Tagged)


class _Shapes:
    """How the containers of one document were written, found in one pass.

    ``broken``: objects and sequences written with a line break between
    their own items or brackets (a comment or doc comment always ends its
    line, so it counts too). ``deep``: nodes that hold a broken brace object
    at any depth, themselves included. ``tangled``: nodes that hold any
    broken container, themselves included; the others are written on one
    line by `InlineText` in one go. All hold ``id()`` of nodes.
    """

    def __init__(self, document: Document, source: bytes) -> None:
        self.source = source
        self.broken: set[int] = set()
        self.deep: set[int] = set()
        self.tangled: set[int] = set()
        # Containers in pre-order with their parent's index; walked backwards,
        # every node comes after its children, without recursion.
        nodes: list[Value] = []
        parents: list[int] = []
        stack: list[tuple[Value, int]] = [(document.root, -1)]
        while stack:
            node, parent = stack.pop()
            index = len(nodes)
            nodes.append(node)
            parents.append(parent)
            if type(node) is Object:
                for entry in node.entries:
                    if isinstance(entry.key, _CONTAINERS):
                        stack.append((entry.key, index))
                    if isinstance(entry.value, _CONTAINERS):
                        stack.append((entry.value, index))
            elif type(node) is Sequence:
                stack.extend((item, index) for item in node.items if isinstance(item, _CONTAINERS))
            elif isinstance(node, Tagged) and isinstance(node.value, _CONTAINERS):
                stack.append((node.value, index))
        deep = [False] * len(nodes)
        tangled = [False] * len(nodes)
        broken = self.broken
        for index in range(len(nodes) - 1, -1, -1):
            node = nodes[index]
            written = (type(node) is Object and node.form is ObjectForm.BLOCK) or (
                type(node) is Sequence
            )
            if written and self._breaks(node):  # type: ignore[arg-type]
                broken.add(id(node))
                if type(node) is Object:  # a broken sequence is no block object
                    deep[index] = True
                tangled[index] = True
            parent = parents[index]
            if deep[index]:
                self.deep.add(id(node))
                if parent >= 0:
                    deep[parent] = True
            if tangled[index]:
                self.tangled.add(id(node))
                if parent >= 0:
                    tangled[parent] = True

    def _breaks(self, node: Object | Sequence) -> bool:
        """Whether a line break lies between the node's brackets and items."""
        find = self.source.find
        start, end = node.start + 1, node.end - 1
        if find(b"\n", start, end) < 0:
            return False
        if type(node) is Sequence:
            for item in node.items:
                if find(b"\n", start, item.start) >= 0:
                    return True
                start = item.end
            return find(b"\n", start, end) >= 0
        assert isinstance(node, Object)
        for entry in node.entries:
            if find(b"\n", start, entry.key.start) >= 0:
                return True
            start = _tail(entry)
        return find(b"\n", start, end) >= 0


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
        self.shapes = _Shapes(document, source)

    def text(self) -> str:
        """The formatted document; an explicit root is one item at the top level."""
        document = self.document
        if document.explicit_root:
            self._lines([document], "", 0, len(self.source))
        else:
            self._lines(document.entries, "", 0, len(self.source), root=True)
        return "".join(self.out)

    def _deep(self, node: Value) -> bool:
        return id(node) in self.shapes.deep

    # ------------------------------------------------------------- blocks

    def _lines(
        self,
        items: abc.Sequence[Item],
        indent: str,
        start: int,
        close: int,
        *,
        root: bool = False,
    ) -> None:
        """Items one per line, with the comments between ``start`` and ``close``."""
        self.prev = start
        self.first = True
        heads = [_head(item) for item in items]
        previous: Item | None = None
        # Each item's trailing comment must come before the next item starts.
        for item, head, limit in zip(items, heads, [*heads[1:], close], strict=False):
            self._own_line_comments(head, indent)
            if root:
                assert isinstance(item, Entry)
                self._root_spacing(item, previous, head, first_entry=items[0])
            else:
                self._blank_line(head)
            self._item(item, indent)
            self.prev = self._trailing_comment(_tail(item), limit)
            self.out.append("\n")
            self.first = False
            previous = item
        self._own_line_comments(close, indent)

    def _root_spacing(
        self, entry: Entry, previous: Item | None, head: int, *, first_entry: Item
    ) -> None:
        """The reference's blank lines between root entries: where the author
        left one, and around block entries, a first ``@schema`` line and
        documented entries."""
        if self.first:
            return
        after = isinstance(previous, Entry) and (
            (previous is first_entry and _is_schema_declaration(previous))
            or previous.doc is not None
            or self._deep(previous.value)
        )
        before = entry.doc is None and self._deep(entry.value)
        if after or before or self.source.count(b"\n", self.prev, head) > 1:
            self.out.append("\n")

    def _item(self, item: Item, indent: str) -> None:
        out = self.out
        if isinstance(item, Entry):
            self._documented(item.doc, item.key.start, indent)
            out.append(indent)
            self._entry(item, indent)
        elif isinstance(item, Document):
            root = item.root
            self._documented(item.doc, root.start, indent)
            self._object(root, indent)
        else:
            out.append(indent)
            self._value(item, indent)

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

    def _comments_between(self, start: int, end: int) -> bool:
        """Whether a line comment starts in ``[start, end)``."""
        return self.starts[bisect_left(self.starts, start, lo=self.next)] < end

    def _documented(self, doc: DocComment | None, start: int, indent: str) -> None:
        """The doc comment above an item, each line as written, with any line
        comment written among or after its lines (before the item at ``start``)."""
        if doc is None:
            return
        offset = doc.start
        for row in self.source[doc.start : doc.end].split(b"\n"):
            line = row.strip(b" \t\r")
            if line.startswith(b"///"):
                self._own_line_comments(offset, indent)
                self.out.append(f"{indent}{line.decode('utf-8')}\n")
                self.prev = offset + len(row)
                self.first = False
            offset += len(row) + 1
        self.prev = doc.end
        self._own_line_comments(start, indent)

    # ------------------------------------------------------------- values

    def _entry(self, entry: Entry, indent: str) -> None:
        key, value = self.inline.path(entry)
        self.out.append(key)
        if not implicit(value):
            self.out.append(" ")
            self._value(value, indent)

    def _value(self, value: Value, indent: str) -> None:
        """Write ``value`` on the current line of a block indented by ``indent``."""
        if isinstance(value, Object):
            # A dotted path's objects never get here: `InlineText.path`
            # writes them as the path.
            if value.form is ObjectForm.ATTRIBUTES:
                self._attributes(value, indent)
            else:
                self._object(value, indent)
        elif isinstance(value, Sequence):
            self._sequence(value, indent)
        elif isinstance(value, Tagged):
            self.out.append(self.inline.tag_head(value))
            if value.value is not None:
                self._value(value.value, indent)
        elif isinstance(value, Heredoc):
            # As written; a CRLF file's line ends become LF like all others.
            self.out.append(self.inline.token(value.start, value.end).replace("\r\n", "\n"))
        else:
            self.out.append(self.inline.value(value))

    def _object(self, node: Object, indent: str) -> None:
        """Inline unless written with a break of its own or holding a block."""
        if id(node) not in self.shapes.tangled:
            self.out.append(self.inline.value(node))
            return
        entries = node.entries
        if (
            id(node) in self.shapes.broken
            or any(self._deep(entry.key) or self._deep(entry.value) for entry in entries)
            or not entries
        ):
            self._block(node, entries, "{}", indent)
            return
        out = self.out
        out.append("{")
        for index, entry in enumerate(entries):
            if index:
                out.append(", ")
            self._entry(entry, indent)
        out.append("}")

    def _sequence(self, node: Sequence, indent: str) -> None:
        items = node.items
        out = self.out
        if id(node) not in self.shapes.tangled:
            out.append(self.inline.value(node))
            return
        if len(items) == 1 and not _ends_with_heredoc(items[0]):
            item = items[0]
            alone = not self._comments_between(node.start, item.start) and not (
                self._comments_between(item.end, node.end)
            )
            if alone and (not self._deep(item) or isinstance(item, Tagged) or self._hollow(item)):
                out.append("(")
                self._value(item, indent)
                out.append(")")
                return
        if id(node) in self.shapes.broken or not items or _ends_with_heredoc(items[-1]):
            self._block(node, items, "()", indent)
            return
        out.append("(")
        for index, item in enumerate(items):
            if index:
                out.append(" ")
            self._value(item, indent)
        out.append(")")

    def _hollow(self, value: Value) -> bool:
        """An empty object with no comment inside: written ``{}`` (`_block`)
        however many lines it spanned, so it cannot keep a one-element
        sequence open — else the second pass would collapse what the first
        left open."""
        return (
            type(value) is Object
            and not value.entries
            and not self._comments_between(value.start, value.end)
        )

    def _block(self, node: Value, items: abc.Sequence[Item], brackets: str, indent: str) -> None:
        """An object or sequence with one item per line."""
        out = self.out
        start, end = node.start, node.end
        if not items and self.starts[self.next] >= end:
            out.append(brackets)
            return
        out.append(brackets[0])
        after_open = self._trailing_comment(start + 1, _head(items[0]) if items else end - 1)
        out.append("\n")
        self._lines(items, indent + INDENT, after_open, end - 1)
        out.append(indent + brackets[1])

    def _attributes(self, attributes: Object, indent: str) -> None:
        """``k>v k>v``, always on the line of its entry."""
        for index, entry in enumerate(attributes.entries):
            key = self.inline.token(entry.key.start, entry.key.end) + ">"
            self.out.append(" " + key if index else key)
            self._value(entry.value, indent)
