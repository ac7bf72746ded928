"""Values written on one line, scalars as their source tokens.

Both layouts need this: the canonical layout for scalars, tag heads and
keys, the compact form for the whole document. A value written on one line
holds no comment and no heredoc (both end their line), so nothing here has
to care about them; `CompactText` (styx.format.compact) covers the scalars
that do span lines.
"""

from __future__ import annotations

from styx.syntax.tree import (
    Entry,
    Object,
    ObjectForm,
    Scalar,
    Sequence,
    Tagged,
    Unit,
    Value,
)


def implicit(value: Value) -> bool:
    """Whether the value is the implicit unit of a key written alone."""
    return type(value) is Unit and value.implicit


class InlineText:
    """Renders values of one document on one line."""

    __slots__ = ("_text", "source")

    def __init__(self, source: bytes, text: str) -> None:
        self.source = source
        #: Byte offsets are character offsets when the text is ASCII, and
        #: slicing the str then saves a decode per token.
        self._text = text if len(text) == len(source) else None

    def token(self, start: int, end: int) -> str:
        """The source text between two byte offsets."""
        if self._text is not None:
            return self._text[start:end]
        return self.source[start:end].decode("utf-8")

    def scalar(self, scalar: Scalar) -> str:
        return self.token(scalar.start, scalar.end)

    def tag_head(self, tagged: Tagged) -> str:
        """``@name``, with the ``/`` that chains it to an inner tag."""
        end = tagged.name_end
        chained = self.source[end : end + 2] == b"/@"  # not `//`, a comment
        return self.token(tagged.start, end + 1 if chained else end)

    def value(self, value: Value) -> str:
        if isinstance(value, Scalar):
            return self.scalar(value)
        if isinstance(value, Object):
            if value.form is ObjectForm.ATTRIBUTES:
                return " ".join(
                    f"{self.token(e.key.start, e.key.end)}>{self.value(e.value)}"
                    for e in value.entries
                )
            return "{" + ", ".join(self.entry(entry) for entry in value.entries) + "}"
        if isinstance(value, Sequence):
            return "(" + " ".join(self.value(item) for item in value.items) + ")"
        if isinstance(value, Tagged):
            head = self.tag_head(value)
            return head if value.value is None else head + self.value(value.value)
        return "@"

    def entry(self, entry: Entry) -> str:
        key, value = self.path(entry)
        return key if implicit(value) else f"{key} {self.value(value)}"

    def path(self, entry: Entry) -> tuple[str, Value]:
        """The key as written (``a.b.c`` for a dotted path) and the value after it."""
        key = entry.key
        value = entry.value
        text = self.value(key)
        while type(value) is Object and value.form is ObjectForm.PATH:
            inner = value.entries[0]
            text += "." + self.token(inner.key.start, inner.key.end)
            value = inner.value
        return text, value
