"""Where a cursor is in a document tree.

Hover, completion and go-to-definition all start from a byte offset and ask
the schema about the place it is in. A place is a `Trail`: the steps from
the root to it, each with the segment the schema is indexed by (a key, a
sequence index, a tag's variant) and the entry passed, which is how
`styx.lsp.fields` finds the type that applies there.

Offsets at either edge of a node count as inside it: a cursor just after a
key being typed is on that key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, TypeGuard

from styx.syntax.tree import Document, Entry, Object, ObjectForm, Scalar, Sequence, Tagged, Value


class Variant(NamedTuple):
    """The segment of a tagged value's payload: which enum variant it is."""

    name: str


#: A key's text, a sequence index, a variant; None for a key that is not a
#: scalar (a unit key, or the ``@schema`` directive).
Segment = str | int | Variant | None


class Step(NamedTuple):
    segment: Segment
    #: The entry whose value this step enters; None inside sequences and tags.
    entry: Entry | None
    value: Value


Trail = list[Step]


def path_of(trail: Trail) -> list[Segment]:
    return [step.segment for step in trail]


def key_segment(key: Value) -> Segment:
    return key.text if isinstance(key, Scalar) else None


def trail_at(document: Document, offset: int) -> Trail:
    """Every step from the root down to the innermost value at ``offset``."""
    steps: Trail = []
    node: Value = document.root
    while (step := _child_at(node, offset)) is not None:
        steps.append(step)
        node = step.value
    return steps


def entry_at(document: Document, offset: int) -> tuple[Trail, Entry] | None:
    """The entry whose key, or whose single-line value (not an object or
    sequence, which hold entries of their own), is at ``offset``, and the
    trail to it (its last step enters that entry)."""
    steps = trail_at(document, offset)
    for depth in range(len(steps) - 1, -1, -1):
        entry = steps[depth].entry
        if entry is None:
            continue
        if _touches(entry.key, offset) or (
            not isinstance(entry.value, Object | Sequence) and _touches(entry.value, offset)
        ):
            return steps[: depth + 1], entry
    return None


def container_at(document: Document, offset: int) -> tuple[Trail, Object]:
    """The innermost object written with braces (or the root) that holds
    ``offset`` strictly inside, where a new key could be typed, and the
    trail to it."""
    steps = trail_at(document, offset)
    for depth in range(len(steps) - 1, -1, -1):
        value = steps[depth].value
        if _inside_braces(value, offset):
            return steps[: depth + 1], value
    return [], document.root


def _child_at(node: Value, offset: int) -> Step | None:
    if isinstance(node, Object):
        for entry in node.entries:
            if entry.key.start <= offset <= entry.span.end:
                return Step(key_segment(entry.key), entry, entry.value)
    elif isinstance(node, Sequence):
        for position, item in enumerate(node.items):
            if _touches(item, offset):
                return Step(position, None, item)
    elif isinstance(node, Tagged):
        payload = node.payload
        if payload is not None and _touches(payload, offset):
            return Step(Variant(node.name), None, payload)
    return None


def _inside_braces(node: Value, offset: int) -> TypeGuard[Object]:
    return (
        isinstance(node, Object)
        and node.form is ObjectForm.BLOCK
        and node.start < offset < node.end
    )


def _touches(node: Value, offset: int) -> bool:
    return node.start <= offset <= node.end


def walk(document: Document) -> Iterator[tuple[tuple[Segment, ...], Entry]]:
    """Every entry of the document with the segments leading to it (its own
    key's last), without recursion, so a deep document cannot exhaust the stack."""
    pending: list[tuple[tuple[Segment, ...], Value]] = [((), document.root)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, Object):
            for entry in node.entries:
                here = (*path, key_segment(entry.key))
                yield here, entry
                pending.append((here, entry.value))
        elif isinstance(node, Sequence):
            pending.extend(((*path, index), item) for index, item in enumerate(node.items))
        elif isinstance(node, Tagged) and node.payload is not None:
            pending.append(((*path, Variant(node.name)), node.payload))
