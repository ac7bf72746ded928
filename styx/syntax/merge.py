"""The data view of an object: contiguous dotted paths merged into one entry.

The tree keeps entries as written (spec decision 5): ``foo.bar.x 1`` and
``foo.bar.y 2`` are two root entries keyed ``foo`` whose values are objects of
form `ObjectForm.PATH`. Whoever reads the document as data (JSON conversion,
schema validation, typed loading) wants one ``foo`` holding ``bar {x 1, y 2}``
instead; `merged_entries` gives that view without touching the tree.

parser[entry.path.sibling] only lets paths with a common prefix continue each
other while they are contiguous, and a path may continue an object given
first as a block or as attributes (``a {x 1}`` then ``a.y 2``), never the
reverse. So a mergeable group is a run of neighbouring entries with equal
keys (parser[entry.key-equality]) where the first value is any object and
every later one is a PATH object. Nothing else is merged: in a document that
parsed without errors any other repeated key would be a duplicate.
"""

from __future__ import annotations

from styx.syntax.paths import key_identity
from styx.syntax.tree import Entry, Object, ObjectForm


def merged_entries(obj: Object) -> list[Entry]:
    """The entries of ``obj`` with each group of contiguous paths merged.

    A merged group becomes one new `Entry` whose key is the group's first
    key node and whose value is a new `Object` of the first part's form,
    spanning from the first part to the last and holding the parts' entries,
    themselves merged the same way one level down. Everything else (keys,
    leaves, untouched subtrees) is the original node, so spans still point at
    the source. Objects below the merged levels are not visited: call this
    again on each object you descend into.

    A doc comment stays with the entry it was written on: the group's first
    doc comment documents the merged entry, and a later part's doc comment
    moves down to the first key that part adds (for ``/// d`` before
    ``foo.y 2`` after ``foo.x 1``, the entry ``y``).

    Runs in time linear in the number of entries merged. When nothing merges
    the result is ``obj.entries`` itself, so treat it as read-only.
    """
    return _merge(obj.entries)


def _merge(entries: list[Entry]) -> list[Entry]:
    merged: list[Entry] | None = None
    count = len(entries)
    index = 0
    while index < count:
        entry = entries[index]
        end = index + 1
        if type(entry.value) is Object:
            identity = key_identity(entry.key)
            while (
                end < count
                and _is_path(entries[end])
                and key_identity(entries[end].key) == identity
            ):
                end += 1
        if end - index > 1:
            if merged is None:
                merged = entries[:index]
            merged.append(_merge_group(entries[index:end]))
        elif merged is not None:
            merged.append(entry)
        index = end
    return entries if merged is None else merged


def _is_path(entry: Entry) -> bool:
    value = entry.value
    return type(value) is Object and value.form is ObjectForm.PATH


def _merge_group(group: list[Entry]) -> Entry:
    """One entry for a run of parts with the same key (see `merged_entries`)."""
    first = group[0]
    first_value = first.value
    last_value = group[-1].value
    assert isinstance(first_value, Object)
    children = list(first_value.entries)
    for part in group[1:]:
        value = part.value
        assert isinstance(value, Object)
        if part.doc is not None:
            head = value.entries[0]  # a PATH object holds its one segment's entry
            children.append(Entry(head.key, head.value, part.doc))
            children.extend(value.entries[1:])
        else:
            children.extend(value.entries)
    body = Object(_merge(children), first_value.start, last_value.end, first_value.form)
    return Entry(first.key, body, first.doc)
