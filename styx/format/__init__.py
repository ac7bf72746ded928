"""Formatting Styx documents: one canonical layout that keeps every comment.

>>> from styx.format import format_source
>>> print(format_source("server {host localhost,  port 8080}  // main\\n"), end="")
server {host localhost, port 8080}  // main

The layout is the official Styx formatter's (crates/styx-format), so that
files formatted by either tool stay put under the other: 4-space
indentation, one entry per line, one space between key and value, objects
and sequences inline or as blocks as the author broke them (no line width),
blank lines around block entries at the root. `styx.format.layout` gives the
rules and the few places where meaning or a comment comes first. Formatting
guarantees:

* it never changes meaning: the formatted text parses to the same tree
  (`styx.syntax.tree.shape`);
* it is idempotent: formatting formatted text changes nothing;
* it never loses a comment: every ``//`` comment and ``///`` doc line comes
  out in the same order, attached to the same item (only trailing
  whitespace inside them is dropped).

Scalars, heredocs included, are written as their source tokens, so text
inside heredocs and raw strings is kept exactly as it is.

``compact=True`` writes the whole document on one line instead
(``{server {host localhost, port 8080}, name x}``), with heredocs and
multi-line raw strings as quoted scalars. A line comment runs to the end of
its line, so comments and doc comments cannot survive this form: compact
output drops them, and so are not part of its guarantees.
"""

from __future__ import annotations

from styx.format.compact import compact as _compact
from styx.format.layout import Layout
from styx.syntax.parser import parse
from styx.syntax.tree import Document

__all__ = ["format_document", "format_source"]


def format_document(document: Document, *, compact: bool = False) -> str:
    """The document's text in the canonical layout (or compact, on one line)."""
    if compact:
        return _compact(document)
    return Layout(document).text()


def format_source(text: str, *, filename: str | None = None, compact: bool = False) -> str:
    """Parse and format; a syntax error raises `styx.StyxSyntaxError`."""
    return format_document(parse(text, filename=filename), compact=compact)
