"""Printing a tree: the compliance suite's S-expressions and a readable outline."""

from __future__ import annotations

import json

from styx.diagnostic import Diagnostic
from styx.source import Span
from styx.syntax.tree import Document, Entry, Object, Scalar, Sequence, Tagged, Unit, Value


def sexp(document: Document) -> str:
    """The tree in the compliance format (see shared/styx-compliance/README.md)."""
    out = ["(document [-1, -1]"]
    for entry in document.entries:
        _sexp_entry(entry, 1, out)
    out.append(")")
    return "\n".join(out) + "\n"


def sexp_error(diagnostic: Diagnostic) -> str:
    start, end = diagnostic.span
    message = json.dumps(f"parse error at {start}-{end}: {diagnostic.message}", ensure_ascii=False)
    return f"(error [{start}, {end}] {message})\n"


def _span(span: Span) -> str:
    return f"[{span.start}, {span.end}]"


def _printed_span(value: Value) -> Span:
    # The reference tree gives a tagged value its payload's span.
    if isinstance(value, Tagged) and value.value is not None:
        return _printed_span(value.value)
    return value.span


def _sexp_entry(entry: Entry, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    out.append(f"{pad}(entry")
    _sexp_value(entry.key, depth + 1, out)
    _sexp_value(entry.value, depth + 1, out)
    out[-1] += ")"


def _sexp_value(value: Value, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    span = _span(_printed_span(value))
    if isinstance(value, Scalar):
        text = json.dumps(value.text, ensure_ascii=False)
        out.append(f"{pad}(scalar {span} {value.kind.value} {text})")
    elif isinstance(value, Unit):
        out.append(f"{pad}(unit {span})")
    elif isinstance(value, Tagged):
        out.append(f"{pad}(tag {span} {json.dumps(value.name, ensure_ascii=False)}")
        if value.value is not None and not isinstance(value.value, Unit):
            _sexp_value(value.value, depth + 1, out)
        out[-1] += ")"
    elif isinstance(value, Sequence):
        out.append(f"{pad}(sequence {span}")
        for item in value.items:
            _sexp_value(item, depth + 1, out)
        out[-1] += ")"
    elif isinstance(value, Object):
        out.append(f"{pad}(object {span}")
        for entry in value.entries:
            _sexp_entry(entry, depth + 1, out)
        out.append(f"{pad})")


def outline(document: Document) -> str:
    """An indented, human-readable view of the tree with spans."""
    out: list[str] = []
    if document.explicit_root:
        out.append(f"explicit root object {_span(document.root.span)}")
    for entry in document.entries:
        _outline_entry(entry, 0, out)
    return "\n".join(out) + ("\n" if out else "")


def _describe(value: Value) -> str:
    if isinstance(value, Scalar):
        lang = f" ({value.lang})" if value.lang else ""
        return f"{value.kind.value} scalar {json.dumps(value.text, ensure_ascii=False)}{lang}"
    if isinstance(value, Unit):
        return "unit (implicit)" if value.implicit else "unit"
    if isinstance(value, Tagged):
        return f"tag @{value.name}"
    if isinstance(value, Sequence):
        return f"sequence of {len(value.items)}"
    if isinstance(value, Object):
        return f"{value.form.value} object of {len(value.entries)}"
    raise TypeError(value)


def _outline_entry(entry: Entry, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    if entry.doc is not None:
        for line in entry.doc.lines:
            out.append(f"{pad}/// {line}".rstrip())
    out.append(f"{pad}entry {_span(entry.span)}")
    out.append(f"{pad}  key: {_describe(entry.key)} {_span(entry.key.span)}")
    _outline_children(entry.key, depth + 2, out)
    out.append(f"{pad}  value: {_describe(entry.value)} {_span(entry.value.span)}")
    _outline_children(entry.value, depth + 2, out)


def _outline_children(value: Value, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    if isinstance(value, Tagged) and value.value is not None:
        out.append(f"{pad}payload: {_describe(value.value)} {_span(value.value.span)}")
        _outline_children(value.value, depth + 1, out)
    elif isinstance(value, Sequence):
        for item in value.items:
            out.append(f"{pad}- {_describe(item)} {_span(item.span)}")
            _outline_children(item, depth + 1, out)
    elif isinstance(value, Object):
        for entry in value.entries:
            _outline_entry(entry, depth, out)
