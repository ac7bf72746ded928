"""styx.edit: format-preserving edits (the tomlkit use case)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import styx
from styx.editing import EditError, ObjectView, SequenceView

CORPUS = Path(os.environ.get("STYX_COMPLIANCE_DIR", "../shared/styx-compliance")) / "corpus"


def _valid_corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*.styx")):
        if "invalid" in path.parent.name:
            continue
        try:
            styx.parse(path.read_text(encoding="utf-8"))
        except styx.StyxSyntaxError:
            continue
        found.append(path)
    return found


def _scalar_places(view: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every place holding a scalar (or a tag with a scalar payload), by path."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(view, path)]
    while stack:
        node, where = stack.pop()
        keys: Any = list(node) if isinstance(node, ObjectView) else range(len(node))
        for key in keys:
            value = node[key]
            if isinstance(value, ObjectView | SequenceView):
                stack.append((value, (*where, key)))
            elif isinstance(value, str) or (
                isinstance(value, styx.Tagged) and isinstance(value.value, str)
            ):
                yield (*where, key), value


def _common_prefix(a: bytes, b: bytes) -> int:
    size = min(len(a), len(b))
    index = 0
    while index < size and a[index] == b[index]:
        index += 1
    return index


def _resolve(doc: Any, path: tuple[Any, ...]) -> Any:
    target = doc
    for key in path[:-1]:
        target = target[key]
    return target


def _changed(value: Any) -> Any:
    if isinstance(value, styx.Tagged):
        return styx.Tagged(value.tag, value.value + " changed\n")
    return "a new value" if value != "a new value" else "another"


CORPUS_FILES = _valid_corpus()


@pytest.mark.skipif(not CORPUS_FILES, reason="compliance corpus not found (STYX_COMPLIANCE_DIR)")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_scalar_of_the_corpus_set_and_back_leaves_the_text_unchanged(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    places = list(_scalar_places(styx.edit(text)))
    for where, original in places:
        doc = styx.edit(text)
        container = _resolve(doc, where)
        kind, node = doc._walk(where)
        assert kind == "value"
        new = _changed(original)
        container[where[-1]] = new
        edited = str(doc)
        assert edited != text
        assert _resolve(doc, where)[where[-1]] == new
        # Only the value's own span changed: the rest is a common prefix and suffix.
        before, after = text.encode(), edited.encode()
        prefix = _common_prefix(before, after)
        suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
        assert node.start <= prefix and len(before) - suffix <= node.end, where
        container[where[-1]] = original
        assert str(doc) == text, where
    assert text == str(styx.edit(text))


def test_the_corpus_test_covers_many_scalars() -> None:
    if not CORPUS_FILES:
        pytest.skip("compliance corpus not found")
    total = sum(len(list(_scalar_places(styx.edit(p.read_text())))) for p in CORPUS_FILES)
    assert total > 150


SOURCE = """\
// The service.
server {
    host localhost    // where to listen
    port 8080

    /// Turn on verbose logs.
    debug true
    tls cert>a.pem key>b.pem
}

ports (80 443 8443)
limits {cpu 1, memory 2G}
a.b.c 1
"""


def test_a_value_changes_and_nothing_else() -> None:
    doc = styx.edit(SOURCE)
    doc["server"]["port"] = 9090
    assert str(doc) == SOURCE.replace("port 8080", "port 9090")
    assert doc["server"]["port"] == "9090"


def test_new_entries_take_their_siblings_indentation() -> None:
    doc = styx.edit(SOURCE)
    doc["server"]["tls_dir"] = {"cert": "c.pem", "list": [1, 2]}
    assert "    tls cert>a.pem key>b.pem\n    tls_dir {\n        cert c.pem\n" in str(doc)
    assert str(doc).startswith(SOURCE[: SOURCE.index("}")])
    assert styx.loads(str(doc))["server"]["tls_dir"] == {"cert": "c.pem", "list": ["1", "2"]}


def test_delete_takes_the_doc_comment_and_keeps_everything_else() -> None:
    doc = styx.edit(SOURCE)
    del doc["server"]["debug"]
    assert str(doc) == SOURCE.replace("    /// Turn on verbose logs.\n    debug true\n", "")
    with pytest.raises(KeyError):
        del doc["server"]["debug"]


def test_setdefault_get_and_membership() -> None:
    doc = styx.edit(SOURCE)
    assert doc.setdefault("name", "app") == "app"
    assert doc.setdefault("name", "other") == "app"
    assert str(doc) == SOURCE + "name app\n"
    assert "server" in doc and "nope" not in doc and doc.get("nope") is None
    assert list(doc) == ["server", "ports", "limits", "a", "name"]


def test_attribute_objects_stay_attributes() -> None:
    doc = styx.edit(SOURCE)
    doc["server"]["tls"]["ca"] = "ca.pem"
    doc["server"]["tls"]["cert"] = "new.pem"
    del doc["server"]["tls"]["key"]
    assert "    tls cert>new.pem ca>ca.pem\n" in str(doc)
    with pytest.raises(EditError):
        doc["server"]["tls"]["two words"] = "x"
    assert "    tls cert>new.pem ca>ca.pem\n" in str(doc)


def test_dotted_paths_stay_dotted() -> None:
    doc = styx.edit(SOURCE)
    doc["a"]["b"]["d"] = 2
    assert str(doc).endswith("a.b.c 1\na.b.d 2\n")
    doc["a"]["b"]["c"] = 3
    assert str(doc).endswith("a.b.c 3\na.b.d 2\n")
    del doc["a"]["b"]["c"]
    assert str(doc).endswith("limits {cpu 1, memory 2G}\na.b.d 2\n")
    del doc["a"]["b"]["d"]
    assert str(doc).endswith("a.b {}\n")
    assert styx.loads(str(doc))["a"] == {"b": {}}


def test_inline_objects_and_sequences_stay_inline() -> None:
    doc = styx.edit(SOURCE)
    doc["limits"]["disk"] = {"size": "1T"}
    del doc["limits"]["cpu"]
    doc["ports"].append(9000)
    doc["ports"].insert(0, 22)
    del doc["ports"][1]
    doc["ports"][1] = "four four three"
    assert "limits {memory 2G, disk {size 1T}}\n" in str(doc)
    assert 'ports (22 "four four three" 8443 9000)\n' in str(doc)
    assert doc["ports"].unwrap() == ["22", "four four three", "8443", "9000"]


def test_views_follow_their_path_across_edits() -> None:
    doc = styx.edit(SOURCE)
    server = doc["server"]
    doc["ports"] = [1]
    server["port"] = 1
    assert doc.unwrap()["server"]["port"] == "1"
    assert doc.unwrap()["ports"] == ["1"]


def test_unit_values_and_keys() -> None:
    doc = styx.edit("flag\n@ x\ntagged @ok\n")
    doc["flag"] = "on"
    doc[None] = "y"
    doc["tagged"] = styx.Tagged("err", "boom")
    # A tag name ending in `r` takes a raw payload, which the reference
    # parser reads alike (docs/spec-decisions.md, decision 8).
    assert str(doc) == 'flag on\n@ y\ntagged @errr#"boom"#\n'


def test_an_empty_document_and_empty_blocks_get_entries() -> None:
    doc = styx.edit("")
    doc["a"] = {}
    doc["a"]["b"] = 1
    assert str(doc) == "a {b 1}\n"
    doc = styx.edit("a {\n}\n")
    doc["a"]["b"] = 1
    assert str(doc) == "a {\n    b 1\n}\n"
    doc = styx.edit("// only a comment")
    doc["k"] = "v"
    assert str(doc) == "// only a comment\nk v\n"


def test_multi_line_values_are_indented_where_they_land() -> None:
    doc = styx.edit("outer {\n  inner {\n    x 1\n  }\n}\n")
    doc["outer"]["inner"]["sql"] = "SELECT 1;\nSELECT 2;\n"
    text = str(doc)
    assert "    x 1\n    sql <<EOF\n    SELECT 1;\n    SELECT 2;\n    EOF\n  }\n}\n" in text
    assert styx.loads(text)["outer"]["inner"]["sql"] == "SELECT 1;\nSELECT 2;\n"


def test_path_helpers() -> None:
    doc = styx.edit(SOURCE)
    assert doc.at("server.port") == "8080"
    assert doc.at("ports[1]") == "443"
    doc.set_at("server.port", 1)
    doc.set_at("new.deep.key", "v")
    doc.delete_at("ports[0]")
    data = doc.unwrap()
    assert data["server"]["port"] == "1" and data["new"] == {"deep": {"key": "v"}}
    assert data["ports"] == ["443", "8443"]


def test_a_value_set_back_restores_its_original_text() -> None:
    doc = styx.edit('k "a\\u{41}"  // note\n')
    doc["k"] = "other"
    doc["k"] = "aA"
    assert str(doc) == 'k "a\\u{41}"  // note\n'


_PLAIN = st.recursive(
    st.one_of(st.text(max_size=10), st.none()),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(min_size=1, max_size=5), children, max_size=3),
    ),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["server", "ports", "limits", "a", "fresh"]), _PLAIN)
def test_any_value_set_anywhere_reads_back(key: str, value: Any) -> None:
    doc = styx.edit(SOURCE)
    doc[key] = value
    data = styx.loads(str(doc))
    assert data[key] == styx.loads(styx.dumps({key: value}))[key]
    others = styx.loads(SOURCE)
    others.pop(key, None)
    assert {k: v for k, v in data.items() if k != key} == others
    assert str(doc).startswith("// The service.\n")


def test_views_are_mappings_and_sequences_dumps_can_write() -> None:
    doc = styx.edit(SOURCE)
    doc["copy"] = doc["server"]
    doc["ports_again"] = doc["ports"]
    data = styx.loads(str(doc))
    assert data["copy"] == data["server"] and data["ports_again"] == data["ports"]
    assert styx.loads(styx.dumps(doc)) == doc.unwrap() == data


def test_an_edit_that_would_break_the_document_is_refused() -> None:
    from styx.editing import _Splice

    doc = styx.edit("a {x 1}\n")
    with pytest.raises(EditError, match="would not give a valid document"):
        doc._apply([_Splice(0, 0, b"{")])
    assert str(doc) == "a {x 1}\n" and doc["a"]["x"] == "1"


def test_an_object_spread_over_dotted_paths_is_replaced_whole() -> None:
    doc = styx.edit("a.b.x 1\na.b.y 2\nc 3\n")
    doc["a"]["b"] = {"z": "1"}
    assert str(doc) == "a.b {\n    z 1\n}\nc 3\n"
    assert styx.loads(str(doc)) == {"a": {"b": {"z": "1"}}, "c": "3"}


def test_paths_go_through_tag_payloads_as_diagnostics_name_them() -> None:
    doc = styx.edit("db @pg{url x, pool 5}\nl @list(1 2)\n")
    assert doc["db"] == styx.Tagged("pg", {"url": "x", "pool": "5"})
    assert (doc.at("db.url"), doc.at("l[1]")) == ("x", "2")
    doc.set_at("db.url", "y")
    doc.set_at("l[0]", 9)
    doc.delete_at("db.pool")
    doc.set_at("db.extra.deep", 1)
    assert str(doc) == "db @pg{url y, extra {deep 1}}\nl @list(9 2)\n"


def test_tag_keys_with_payloads_are_addressed_by_path() -> None:
    doc = styx.edit('@env"PATH" /bin\n@env"HOME" /root\n')
    assert doc.at('@env"HOME"') == "/root"
    doc.set_at('@env"PATH"', "/usr/bin")
    assert str(doc) == '@env"PATH" /usr/bin\n@env"HOME" /root\n'
