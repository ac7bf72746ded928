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
    while isinstance(value, Tagged) and value.value is not None:
        value = value.value
    return value.span


#: Work for the printers, which keep a stack instead of recursing: a node
#: to print at an indentation depth, or text to add to the last line.
_Task = tuple[Value | Entry, int] | str


def _sexp_entry(entry: Entry, depth: int, out: list[str]) -> None:
    todo: list[_Task] = [(entry, depth)]
    while todo:
        task = todo.pop()
        if isinstance(task, str):
            out[-1] += task
            continue
        node, depth = task
        pad = "  " * depth
        if isinstance(node, Entry):
            out.append(f"{pad}(entry")
            todo += [")", (node.value, depth + 1), (node.key, depth + 1)]
            continue
        span = _span(_printed_span(node))
        if isinstance(node, Scalar):
            text = json.dumps(node.text, ensure_ascii=False)
            out.append(f"{pad}(scalar {span} {node.kind.value} {text})")
        elif isinstance(node, Unit):
            out.append(f"{pad}(unit {span})")
        elif isinstance(node, Tagged):
            out.append(f"{pad}(tag {span} {json.dumps(node.name, ensure_ascii=False)}")
            todo.append(")")
            if node.value is not None and not isinstance(node.value, Unit):
                todo.append((node.value, depth + 1))
        elif isinstance(node, Sequence):
            out.append(f"{pad}(sequence {span}")
            todo.append(")")
            todo += [(item, depth + 1) for item in reversed(node.items)]
        elif isinstance(node, Object):
            out.append(f"{pad}(object {span}")
            todo.append(f"\n{pad})")
            todo += [(child, depth + 1) for child in reversed(node.entries)]


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
    # A stack of (node, depth, line prefix) instead of recursion; a Value
    # task prints the children of that value.
    todo: list[tuple[Entry | Value, int]] = [(entry, depth)]
    while todo:
        node, depth = todo.pop()
        pad = "  " * depth
        if isinstance(node, Entry):
            if node.doc is not None:
                for line in node.doc.lines:
                    out.append(f"{pad}/// {line}".rstrip())
            out.append(f"{pad}entry {_span(node.span)}")
            out.append(f"{pad}  key: {_describe(node.key)} {_span(node.key.span)}")
            # The value's lines come after the key's children: pushed first.
            todo.append((_ValueLine(node.value), depth))
            todo.append((node.key, depth + 2))
        elif isinstance(node, _ValueLine):
            value = node.value
            out.append(f"{pad}  value: {_describe(value)} {_span(value.span)}")
            todo.append((value, depth + 2))
        elif isinstance(node, Tagged):
            if node.value is not None:
                out.append(f"{pad}payload: {_describe(node.value)} {_span(node.value.span)}")
                todo.append((node.value, depth + 1))
        elif isinstance(node, Sequence):
            for item in reversed(node.items):
                todo.append((_Item(item), depth))
        elif isinstance(node, _Item):
            item = node.value
            out.append(f"{pad}- {_describe(item)} {_span(item.span)}")
            todo.append((item, depth + 1))
        elif isinstance(node, Object):
            todo += [(child, depth) for child in reversed(node.entries)]


class _ValueLine(Value):
    """Outline task: the ``value:`` line of an entry, then the value's children."""

    __slots__ = ("value",)

    def __init__(self, value: Value) -> None:
        self.value = value


class _Item(Value):
    """Outline task: the ``-`` line of a sequence item, then its children."""

    __slots__ = ("value",)

    def __init__(self, value: Value) -> None:
        self.value = value
