"""Where ``//`` starts a comment, through the parser, JSON and the formatter.

As the reference lexer reads it: at any token boundary (the start of the
file, after whitespace, and right after ``{ } ( ) , >``, a tag, ``@`` or a
quoted or raw scalar), but never inside a bare scalar, which takes every
``/`` it touches (``a//b``, URLs, ``v//`` in ``k v// c``). Each case is
checked for its meaning (against the same text without the comment), its
JSON, the comment's text, and the formatted output (exact, and keeping the
formatter's guarantees).
"""

from __future__ import annotations

import json

import pytest

from styx import parse, parse_lenient
from styx.convert.json import to_json_data
from styx.format import format_source
from styx.syntax import codes
from styx.syntax.tree import Document, shape
from tests.format.test_format import check_guarantees, comment_lines

# id, text, the same without the comment, JSON, formatted
COMMENTED = [
    (
        "after {",
        "config {// the app's settings\n  a 1\n}\n",
        "config {\n  a 1\n}\n",
        {"config": {"a": "1"}},
        "config {  // the app's settings\n    a 1\n}\n",
    ),
    (
        "after }",
        "x {a 1}// about x\ny 2\n",
        "x {a 1}\ny 2\n",
        {"x": {"a": "1"}, "y": "2"},
        "x {a 1}  // about x\ny 2\n",
    ),
    (
        "after (",
        "s (// items\n  a b)\n",
        "s (\n  a b)\n",
        {"s": ["a", "b"]},
        "s (  // items\n    a\n    b\n)\n",
    ),
    (
        "after )",
        "s (a b)// two\nt 1\n",
        "s (a b)\nt 1\n",
        {"s": ["a", "b"], "t": "1"},
        "s (a b)  // two\nt 1\n",
    ),
    (
        "after , at the root",
        "a 1,// one\nb 2\n",
        "a 1,\nb 2\n",
        {"a": "1", "b": "2"},
        "a 1  // one\nb 2\n",
    ),
    (
        "after , in an object",
        "x {a 1,// one\n  b 2}\n",
        "x {a 1,\n  b 2}\n",
        {"x": {"a": "1", "b": "2"}},
        "x {\n    a 1  // one\n    b 2\n}\n",
    ),
    (
        "after a quoted scalar",
        'k "v"// note\n',
        'k "v"\n',
        {"k": "v"},
        'k "v"  // note\n',
    ),
    (
        "after a raw scalar",
        'k r#"v"#// note\n',
        'k r#"v"#\n',
        {"k": "v"},
        'k r#"v"#  // note\n',
    ),
    (
        "on the line after a heredoc (its delimiter ends its line)",
        "k <<EOF\nv\nEOF\n// note\n",
        "k <<EOF\nv\nEOF\n",
        {"k": "v\n"},
        "k <<EOF\nv\nEOF\n// note\n",
    ),
    (
        "after a tag",
        "k @tag// note\n",
        "k @tag\n",
        {"k": {"$tag": "tag"}},
        "k @tag  // note\n",
    ),
    (
        "after @",
        "k @// note\n",
        "k @\n",
        {"k": None},
        "k @  // note\n",
    ),
    (
        "after an attribute value",
        'k a>"x"// note\n',
        'k a>"x"\n',
        {"k": {"a": "x"}},
        'k a>"x"  // note\n',
    ),
    (
        "after a tag that looks like a chain",
        "k @a//@b\n",
        "k @a\n",
        {"k": {"$tag": "a"}},
        "k @a  //@b\n",
    ),
]

# id, text, the doc comment's entry, its text, formatted
DOCUMENTED = [
    (
        "after {",
        "config {/// the first\n  a 1\n}\n",
        ("config", "a"),
        "the first",
        "config {\n    /// the first\n    a 1\n}\n",
    ),
    (
        "after , in an object",
        "x {a 1,/// the second\nb 2}\n",
        ("x", "b"),
        "the second",
        "x {\n    a 1\n    /// the second\n    b 2\n}\n",
    ),
    (
        "inline object with doc comments (the reference's fmt_059)",
        "type @enum{/// first\na @object{/// inner\nx @int}, b @unit}",
        ("type", "a"),
        "first",
        "type @enum{\n    /// first\n    a @object{\n        /// inner\n        x @int\n    }\n"
        "    b @unit\n}\n",
    ),
]

# id, text, JSON: `//` glued to a bare scalar is part of it
GLUED = [
    ("inside a key", "a//b c\n", {"a//b": "c"}),
    ("in a URL", "u https://example.com//path\n", {"u": "https://example.com//path"}),
    ("at the end of a value", "k v//\n", {"k": "v//"}),
    ("in a sequence", "s (a// b)\n", {"s": ["a//", "b"]}),
    ("an attribute value", "k a>b//c\n", {"k": {"a": "b//c"}}),
]


def as_json(document: Document) -> object:
    return json.loads(json.dumps(to_json_data(document)))


@pytest.mark.parametrize(
    ("text", "without", "data", "formatted"),
    [pytest.param(*row[1:], id=row[0]) for row in COMMENTED],
)
def test_comment_at_a_token_boundary(text: str, without: str, data: object, formatted: str) -> None:
    document = parse(text)
    assert parse_lenient(text).diagnostics == []
    assert shape(document) == shape(parse(without))
    assert as_json(document) == data
    [comment] = document.comments
    assert text.encode()[comment.start : comment.end].startswith(b"//")
    assert text.encode()[comment.end : comment.end + 1] in (b"\n", b"")
    assert check_guarantees(text) == formatted
    assert comment_lines(parse(formatted)) == comment_lines(document)


@pytest.mark.parametrize(
    ("text", "path", "doc", "formatted"),
    [pytest.param(*row[1:], id=row[0]) for row in DOCUMENTED],
)
def test_doc_comment_at_a_token_boundary(
    text: str, path: tuple[str, str], doc: str, formatted: str
) -> None:
    document = parse(text)
    outer = document.root.entries[0] if path[0] == document.entries[0].key.text else None
    assert outer is not None
    value = outer.value
    inner = getattr(value, "value", value)  # through a tag
    entry = next(e for e in inner.entries if e.key.text == path[1])
    assert entry.doc is not None and entry.doc.text == doc
    assert "///" not in json.dumps(to_json_data(document))
    assert check_guarantees(text) == formatted


@pytest.mark.parametrize(("text", "data"), [pytest.param(*row[1:], id=row[0]) for row in GLUED])
def test_double_slash_glued_to_a_bare_scalar_is_part_of_it(text: str, data: object) -> None:
    document = parse(text)
    assert document.comments == []
    assert as_json(document) == data
    assert format_source(text) == text


def test_glued_comment_after_a_value_is_a_third_atom_with_the_note() -> None:
    [found] = parse_lenient("k v// c\n").diagnostics
    assert (found.code, tuple(found.span)) == (codes.TOO_MANY_ATOMS, (6, 7))
    assert found.notes == ("`//` without whitespace before it is part of the scalar `v//`",)
    assert found.help == "add a space before `//` to start a comment"


@pytest.mark.parametrize(
    ("text", "code", "span"),
    [
        pytest.param("k>// c\n", codes.EXPECTED_VALUE, (1, 2), id="attribute without value"),
        pytest.param("k <<EOF// c\nv\nEOF\n", codes.HEREDOC_DELIMITER, (7, 11), id="heredoc line"),
    ],
)
def test_comment_where_a_value_must_be_is_an_error(
    text: str, code: str, span: tuple[int, int]
) -> None:
    found = [(d.code, tuple(d.span)) for d in parse_lenient(text).diagnostics]
    assert (code, span) in found
