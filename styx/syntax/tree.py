"""The typed Styx tree.

Every value is one of five node classes under `Value`: `Scalar`, `Unit`,
`Tagged`, `Sequence` and `Object`. Each carries its span as two UTF-8 byte
offsets (`start`, `end`). In the reference model a value is "an optional tag
and an optional payload"; `Value.tag` and `Value.payload` give that view of
any node.

Memory (a large document holds hundreds of thousands of nodes; the tree must
stay within a small multiple of its text):

- Every class has `__slots__`: no per-node dict.
- Scalars hold plain slots (text, kind, start, end). Measured and dropped:
  a scalar keeping its length instead of its end (a shared small int rather
  than an int object) saved 32 bytes a scalar but made `end` a property,
  and the formatter 12% slower; reading a bare scalar's text from the
  document on demand saved its string but needs a property or
  `__getattr__`, and a class with `__getattr__` makes every attribute read
  on its instances slower (Python cannot specialise them). The builder
  shares one string for equal keys (`sys.intern`).
- A tag's name end is computed from its name, not stored.
- A sequence of bare scalars of an ASCII document keeps only their offsets
  until its items are first asked for (`Sequence.of`): a long list of hosts
  or tags costs 8 bytes an item, not a hundred.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from styx.source import Span

#: How deeply values may nest in a document: objects, sequences, tags (each
#: name of a chain), attribute objects and the objects of dotted-key segments
#: all count one level; the root object does not. The lexer enforces it once
#: (`styx::nesting-too-deep` at the first opening that goes deeper) and a
#: document that exceeds it has no tree, so every walk over a tree, recursive
#: or not, has at most this many levels to descend, whoever calls it and from
#: however deep a stack (see docs/spec-decisions.md). serde_json allows 128;
#: no configuration comes near 64, and the deepest walk (the formatter, about
#: five frames a level) then stays far from Python's recursion limit.
MAX_NESTING = 64


class ScalarKind(StrEnum):
    BARE = "bare"
    QUOTED = "quoted"
    RAW = "raw"
    HEREDOC = "heredoc"


class ObjectForm(StrEnum):
    """How an object was written; the formatter writes it back the same way."""

    BLOCK = "block"  #: { ... }
    ATTRIBUTES = "attributes"  #: key>value key>value
    PATH = "path"  #: made from one segment of a dotted key: a.b.c value


class Tag(NamedTuple):
    name: str
    span: Span


class Node:
    """Anything with a span. Each concrete class has its own slots."""

    __slots__ = ()

    start: int
    end: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


class Value(Node):
    """Any Styx value. Concrete values are the subclasses below."""

    __slots__ = ()

    @property
    def tag(self) -> Tag | None:
        """The tag, for a tagged value."""
        return None

    @property
    def payload(self) -> Value | None:
        """What the value holds: itself for scalars, sequences and objects,
        the tagged payload for a tag, None for unit."""
        return self


class Scalar(Value):
    """Opaque text; the schema, not the parser, decides what it means."""

    __slots__ = ("end", "kind", "start", "text")

    #: A heredoc's language hint (``<<EOF,sql``); see `Heredoc`.
    lang: str | None = None

    def __init__(self, text: str, kind: ScalarKind, start: int, end: int) -> None:
        #: The scalar's value, escapes resolved (heredoc: indentation removed).
        self.text = text
        self.kind = kind
        self.start = start
        self.end = end

    def intern_text(self) -> str:
        """The text, made the one shared string of its value (for keys: two
        entries with the same key hold one string between them)."""
        text = self.text = sys.intern(self.text)
        return text

    def __repr__(self) -> str:
        return f"Scalar({self.text!r}, {self.kind.value}, {self.start}..{self.end})"


class Heredoc(Scalar):
    """A heredoc scalar, which alone may carry a language hint."""

    __slots__ = ("lang",)

    def __init__(self, text: str, start: int, end: int, lang: str | None) -> None:
        super().__init__(text, ScalarKind.HEREDOC, start, end)
        self.lang = lang


class Unit(Value):
    """The absence of a value: ``@``, or nothing after a key."""

    __slots__ = ("end", "implicit", "start")

    def __init__(self, start: int, end: int, implicit: bool = False) -> None:
        self.start = start
        self.end = end
        #: True when nothing was written (a key alone on its line).
        self.implicit = implicit

    @property
    def payload(self) -> Value | None:
        return None

    def __repr__(self) -> str:
        return f"Unit({self.start}..{self.end}{', implicit' if self.implicit else ''})"


class Tagged(Value):
    """``@name`` with an optional payload; ``payload is None`` means implicit unit."""

    __slots__ = ("end", "name", "start", "value")

    def __init__(self, name: str, start: int, value: Value | None, end: int) -> None:
        self.name = name
        self.start = start
        #: The payload as written: None for ``@tag``, a Unit for ``@tag@``.
        self.value = value
        self.end = end

    @property
    def name_end(self) -> int:
        """Where ``@name`` ends."""
        name = self.name
        return self.start + 1 + (len(name) if name.isascii() else len(name.encode("utf-8")))

    @property
    def tag(self) -> Tag:
        return Tag(self.name, Span(self.start, self.name_end))

    @property
    def payload(self) -> Value | None:
        return None if self.value is None or isinstance(self.value, Unit) else self.value

    def __repr__(self) -> str:
        return f"Tagged(@{self.name}, {self.value!r}, {self.start}..{self.end})"


class _PackedBare:
    """The items of a sequence of bare scalars, as their text and offsets in
    the document (start, end, start, end, ...): 8 bytes an item instead of
    a hundred."""

    __slots__ = ("offsets", "text")

    def __init__(self, text: str, offsets: array[int]) -> None:
        self.text = text
        self.offsets = offsets

    def unpack(self) -> list[Value]:
        text, offsets, bare = self.text, self.offsets, ScalarKind.BARE
        return [
            Scalar(text[offsets[i] : offsets[i + 1]], bare, offsets[i], offsets[i + 1])
            for i in range(0, len(offsets), 2)
        ]


#: Shorter sequences are not worth packing.
_PACK_MIN = 4


class Sequence(Value):
    __slots__ = ("_items", "end", "start")

    def __init__(self, items: list[Value], start: int, end: int) -> None:
        self._items: list[Value] | _PackedBare = items
        self.start = start
        self.end = end

    @classmethod
    def of(cls, items: list[Value], start: int, end: int, ascii_text: str | None) -> Sequence:
        """A sequence that keeps items which are all bare scalars of an ASCII
        document (``ascii_text``; None for another) as offsets only, until
        they are first asked for."""
        sequence = cls(items, start, end)
        if ascii_text is None or len(items) < _PACK_MIN or end >= 1 << 32:
            return sequence
        offsets = array("I")
        bare = ScalarKind.BARE
        for item in items:
            if type(item) is not Scalar or item.kind is not bare:
                return sequence
            offsets.append(item.start)
            offsets.append(item.end)
        sequence._items = _PackedBare(ascii_text, offsets)
        return sequence

    @property
    def items(self) -> list[Value]:
        items = self._items
        if type(items) is list:
            return items
        assert isinstance(items, _PackedBare)
        unpacked = self._items = items.unpack()
        return unpacked

    @items.setter
    def items(self, items: list[Value]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Value]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Sequence({self.items!r}, {self.start}..{self.end})"


class Object(Value):
    __slots__ = ("end", "entries", "form", "start")

    def __init__(
        self, entries: list[Entry], start: int, end: int, form: ObjectForm = ObjectForm.BLOCK
    ) -> None:
        self.entries = entries
        self.start = start
        self.end = end
        self.form = form

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> Value | None:
        """The value of the first entry whose key is the scalar ``key``."""
        for entry in self.entries:
            if isinstance(entry.key, Scalar) and entry.key.text == key:
                return entry.value
        return None

    def __repr__(self) -> str:
        return f"Object({self.entries!r}, {self.start}..{self.end})"


class DocComment(Node):
    """Consecutive ``///`` lines in front of an entry."""

    __slots__ = ("end", "lines", "start")

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        #: Each line without its ``///`` and one following space.
        self.lines = lines
        self.start = start
        self.end = end

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"DocComment({self.lines!r})"


class Entry:
    __slots__ = ("doc", "key", "value")

    def __init__(self, key: Value, value: Value, doc: DocComment | None = None) -> None:
        self.key = key
        self.value = value
        self.doc = doc

    @property
    def span(self) -> Span:
        return Span(self.key.start, max(self.key.end, self.value.end))

    def __repr__(self) -> str:
        return f"Entry({self.key!r}, {self.value!r})"


class Comment(Node):
    """A ``//`` line comment, kept so that formatting never loses it."""

    __slots__ = ("end", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Comment({self.start}..{self.end})"


class Document:
    """A parsed document: its root object plus what formatting needs to keep."""

    __slots__ = ("comments", "doc", "explicit_root", "filename", "root", "source")

    def __init__(
        self,
        source: str,
        root: Object,
        comments: list[Comment] | None = None,
        *,
        explicit_root: bool = False,
        doc: DocComment | None = None,
        filename: str | None = None,
    ) -> None:
        self.source = source
        self.root = root
        #: Every line comment, in source order (doc comments live on their entries).
        self.comments = comments if comments is not None else []
        #: True when the document is one ``{ ... }`` object rather than bare entries.
        self.explicit_root = explicit_root
        #: A doc comment in front of an explicit root object.
        self.doc = doc
        self.filename = filename

    @property
    def entries(self) -> list[Entry]:
        return self.root.entries

    @property
    def declaration(self) -> Entry | None:
        """The root ``@schema`` entry (schema[schema.declaration]), if any."""
        return next((e for e in self.root.entries if is_schema_declaration(e)), None)

    @property
    def data(self) -> Object:
        """The root object without the ``@schema`` directive: the document's
        fields, as a schema and JSON see them."""
        root = self.root
        if self.declaration is None:
            return root
        kept = [entry for entry in root.entries if not is_schema_declaration(entry)]
        return Object(kept, root.start, root.end, root.form)

    def get(self, key: str) -> Value | None:
        return self.root.get(key)

    def __repr__(self) -> str:
        return f"Document({self.root.entries!r})"


def is_schema_declaration(entry: Entry) -> bool:
    """A root entry keyed ``@schema``: a directive naming the document's schema."""
    key = entry.key
    return type(key) is Tagged and key.name == "schema" and key.payload is None


def shape(node: Value | Entry | Document) -> object:
    """The tree as plain tuples, without spans or layout: two documents that
    mean the same thing have equal shapes."""
    if isinstance(node, Document):
        return ("document", tuple(shape(e) for e in node.entries))
    if isinstance(node, Entry):
        return (shape(node.key), shape(node.value))
    if isinstance(node, Scalar):
        return ("scalar", node.text)
    if isinstance(node, Unit):
        return ("unit",)
    if isinstance(node, Tagged):
        return ("tag", node.name, None if node.payload is None else shape(node.payload))
    if isinstance(node, Sequence):
        return ("sequence", tuple(shape(item) for item in node.items))
    if isinstance(node, Object):
        return ("object", tuple(shape(e) for e in node.entries))
    raise TypeError(f"not a styx node: {node!r}")
