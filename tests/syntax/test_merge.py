"""The merged data view of dotted paths (styx.syntax.merge).

Besides examples, a property test builds a random nested object, writes it
as Styx with each sub-object randomly given as a block, as dotted paths, or
as a block continued by paths, and checks that the merged view gives back
the object, in order, without touching the tree.
"""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from styx.syntax import parse, parse_lenient
from styx.syntax.merge import merged_entries
from styx.syntax.tree import Document, Entry, Object, ObjectForm, Scalar, ScalarKind, Value, shape


def view(obj: Object) -> list[tuple[object, object]]:
    """The merged view all the way down, as ordered (key, value) pairs."""
    out: list[tuple[object, object]] = []
    for entry in merged_entries(obj):
        value = entry.value
        out.append((shape(entry.key), view(value) if isinstance(value, Object) else shape(value)))
    return out


def snapshot(node: Value | Entry | Document) -> object:
    """Everything about a tree that merging must leave alone, identities included."""
    if isinstance(node, Document):
        return (id(node.root), snapshot(node.root))
    if isinstance(node, Entry):
        return (id(node), id(node.key), id(node.value), id(node.doc), snapshot(node.value))
    if isinstance(node, Object):
        return (
            node.start,
            node.end,
            node.form,
            id(node.entries),
            tuple(snapshot(e) for e in node.entries),
        )
    return (id(node), node.start, node.end)


def scalar(text: str) -> tuple[str, str]:
    return ("scalar", text)


# ------------------------------------------------------------------ examples


def test_sibling_paths_merge_recursively_in_first_appearance_order() -> None:
    doc = parse("foo.bar.x 1\nfoo.bar.y 2\nfoo.baz 3\nother done\n")
    assert view(doc.root) == [
        (
            scalar("foo"),
            [
                (scalar("bar"), [(scalar("x"), scalar("1")), (scalar("y"), scalar("2"))]),
                (scalar("baz"), scalar("3")),
            ],
        ),
        (scalar("other"), scalar("done")),
    ]


def test_merged_nodes_keep_the_leaves_and_first_key() -> None:
    doc = parse("foo.bar.x 1\nfoo.bar.y 2\nfoo.baz 3\nother done\n")
    first, second, third, fourth = doc.entries
    merged = merged_entries(doc.root)
    assert len(merged) == 2
    foo = merged[0]
    assert foo.key is first.key
    assert isinstance(foo.value, Object)
    assert foo.value.form is ObjectForm.PATH
    # From the first part to the end of the last one.
    assert foo.value.span == (first.value.start, third.value.end)
    bar, baz = foo.value.entries
    assert isinstance(bar.value, Object)
    x, y = bar.value.entries
    for leaf, part in ((x, first), (y, second)):
        original = part.value.entries[0].value
        assert leaf is original.entries[0]
    assert baz is third.value.entries[0]
    assert merged[1] is fourth


def test_nothing_to_merge_returns_the_entries_themselves() -> None:
    doc = parse("a 1\nb {c.d 1}\ne.f 2\n")
    assert merged_entries(doc.root) is doc.root.entries


def test_block_continued_by_paths() -> None:
    doc = parse("a {x 1}\na.y 2\na.z.w 3\nb 4\n")
    merged = merged_entries(doc.root)
    assert merged[0].value.form is ObjectForm.BLOCK
    assert view(doc.root) == [
        (
            scalar("a"),
            [
                (scalar("x"), scalar("1")),
                (scalar("y"), scalar("2")),
                (scalar("z"), [(scalar("w"), scalar("3"))]),
            ],
        ),
        (scalar("b"), scalar("4")),
    ]


def test_attributes_continued_by_a_path() -> None:
    doc = parse("a x>1\na.y 2\n")
    merged = merged_entries(doc.root)
    assert merged[0].value.form is ObjectForm.ATTRIBUTES
    assert view(doc.root) == [
        (scalar("a"), [(scalar("x"), scalar("1")), (scalar("y"), scalar("2"))])
    ]


def test_path_continues_into_an_object_of_a_block() -> None:
    doc = parse("a {x {p 1}}\na.x.q 2\n")
    assert view(doc.root) == [
        (scalar("a"), [(scalar("x"), [(scalar("p"), scalar("1")), (scalar("q"), scalar("2"))])])
    ]


def test_a_quoted_key_is_the_same_key_as_a_path_segment() -> None:
    doc = parse('"a" {x 1}\na.y 2\n')
    assert view(doc.root) == [
        (("scalar", "a"), [(scalar("x"), scalar("1")), (scalar("y"), scalar("2"))])
    ]


def test_a_block_after_a_path_is_not_merged() -> None:
    # A duplicate key (the parser reports it); merging must not hide it.
    result = parse_lenient("a.y 2\na {x 1}\n")
    assert not result.ok
    assert result.document is not None
    assert merged_entries(result.document.root) is result.document.root.entries


def test_paths_separated_by_another_key_are_not_merged() -> None:
    result = parse_lenient("a.x 1\nb 2\na.y 3\n")  # reopened path: an error
    assert result.document is not None
    assert len(merged_entries(result.document.root)) == 3


def test_paths_inside_block_objects_and_explicit_root() -> None:
    doc = parse("{srv {tls.cert a, tls.key b}, srv2 1}\n")
    assert doc.explicit_root
    srv = doc.get("srv")
    assert isinstance(srv, Object)
    assert view(srv) == [
        (scalar("tls"), [(scalar("cert"), scalar("a")), (scalar("key"), scalar("b"))])
    ]


def test_doc_comments_stay_with_the_entry_they_were_written_on() -> None:
    doc = parse("/// the x\nfoo.bar.x 1\n/// the y\nfoo.bar.y 2\n/// the baz\nfoo.baz 3\n")
    (foo,) = merged_entries(doc.root)
    assert foo.doc is doc.entries[0].doc
    assert isinstance(foo.value, Object)
    bar, baz = merged_entries(foo.value)
    assert bar.doc is None
    assert baz.doc is doc.entries[2].doc
    assert isinstance(bar.value, Object)
    x, y = merged_entries(bar.value)
    assert x.doc is None
    assert y.doc is doc.entries[1].doc
    assert y.key is doc.entries[1].value.entries[0].value.entries[0].key


def test_the_tree_is_not_mutated() -> None:
    doc = parse("/// d\na.b.c 1\na.b.d 2\na.e {f.g 1, f.h 2}\nx {y 1}\nx.z 2\n")
    before = snapshot(doc)
    view(doc.root)
    assert snapshot(doc) == before


def path_entry(segments: list[str], leaf: str) -> Entry:
    """``a.b.c leaf`` as the parser builds it (spans do not matter here)."""
    value: Value = Scalar(leaf, ScalarKind.BARE, 0, 0)
    for segment in reversed(segments[1:]):
        value = Object(
            [Entry(Scalar(segment, ScalarKind.BARE, 0, 0), value)], 0, 0, ObjectForm.PATH
        )
    return Entry(Scalar(segments[0], ScalarKind.BARE, 0, 0), value)


def test_merging_is_linear() -> None:
    def walk(obj: Object) -> None:
        for entry in merged_entries(obj):
            if isinstance(entry.value, Object):
                walk(entry.value)

    def seconds(count: int) -> float:
        # Wide (many siblings under one prefix) and deep (long shared paths).
        wide = [path_entry(["a", "b", "c", "d", f"k{i}"], "1") for i in range(count)]
        deep = [path_entry(["z", *"pppppppp", f"k{i}"], "1") for i in range(count)]
        root = Object(wide + deep, 0, 0)
        best = float("inf")
        gc.disable()  # a collection walks the whole heap: not what is measured
        try:
            for _ in range(3):
                start = time.perf_counter()
                walk(root)
                best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
        return best

    small, large = seconds(1000), seconds(8000)
    # Linear: about 8x (a little more as the larger tree leaves the CPU
    # caches). Quadratic would be about 64x.
    assert large / small < 24


# ------------------------------------------------------- property: any shape

NAMES = st.sampled_from(["a", "b", "c", "d", "k", "x"])


def nested(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.from_regex(r"[a-z0-9]{1,3}", fullmatch=True)
    child: st.SearchStrategy[Any] = leaf if depth == 0 else st.one_of(leaf, nested(depth - 1))
    return st.dictionaries(NAMES, child, max_size=4)


LAYOUTS = st.sampled_from(["block", "path", "block+path"])


@st.composite
def written(draw: st.DrawFn, model: dict[str, Any], prefix: str = "") -> list[str]:
    """Lines of Styx for ``model``, every key prefixed with the path ``prefix``."""
    lines: list[str] = []
    for key, value in model.items():
        name = prefix + key
        if not isinstance(value, dict):
            lines.append(f"{name} {value}")
            continue
        layout = draw(LAYOUTS) if value else "block"
        split = draw(st.integers(0, len(value))) if layout == "block+path" else 0
        if layout == "path":
            split = 0
        elif layout == "block":
            split = len(value)
        items = list(value.items())
        if layout != "path":
            inner = draw(written(dict(items[:split])))
            lines.append(f"{name} {{" + ", ".join(inner) + "}")
        lines.extend(draw(written(dict(items[split:]), name + ".")))
    return lines


def as_view(model: dict[str, Any]) -> list[tuple[object, object]]:
    return [(scalar(k), as_view(v) if isinstance(v, dict) else scalar(v)) for k, v in model.items()]


@st.composite
def models_and_texts(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    model = draw(nested(3))
    return model, "\n".join(draw(written(model))) + "\n"


@given(models_and_texts())
def test_merged_view_is_the_written_object(case: tuple[dict[str, Any], str]) -> None:
    model, text = case
    doc = parse(text)
    before = snapshot(doc)
    assert view(doc.root) == as_view(model)
    assert snapshot(doc) == before


@pytest.mark.parametrize("text", ["", "a 1\n", "a.b 1\n", "a {}\n"])
def test_trivial_documents(text: str) -> None:
    doc = parse(text)
    assert merged_entries(doc.root) is doc.root.entries
