"""The compact form: a whole document on one line, like Styx's minified appendix."""

from __future__ import annotations

from styx.format.inline import InlineText
from styx.syntax.tree import Document, Scalar
from styx.syntax.write import quote


class CompactText(InlineText):
    """One-line text in which scalars that span lines (heredocs, raw strings
    holding a newline) become quoted scalars with the same text."""

    __slots__ = ()

    def scalar(self, scalar: Scalar) -> str:
        if self.source.find(b"\n", scalar.start, scalar.end) >= 0:
            return quote(scalar.text)
        return super().scalar(scalar)


def compact(document: Document) -> str:
    """``{entry, entry}`` and a newline, whether or not the root was explicit."""
    text = CompactText(document.source.encode("utf-8"), document.source)
    return text.value(document.root) + "\n"
