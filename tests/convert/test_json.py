"""Styx <-> JSON (styx.convert.json).

Styx -> JSON is checked against JSON written by hand, for documents written
here and for part of the compliance corpus; every valid corpus document must
also survive JSON -> Styx -> JSON unchanged. JSON -> Styx is checked by
property: any JSON object converts to Styx that parses and converts back to
the same JSON, numbers and booleans turned into their text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from styx.convert import (
    JsonInputError,
    JsonOutputError,
    from_json,
    json_key,
    to_json,
    to_json_data,
)
from styx.format import format_source
from styx.syntax import Document, Scalar, parse, parse_lenient
from tests.conftest import compliance_dir


def round_trip(data: Any) -> Any:
    """JSON data -> JSON text -> Styx -> parsed -> JSON text -> data."""
    styx_text = from_json(json.dumps(data, ensure_ascii=False))
    return json.loads(to_json(parse(styx_text)))


def assert_fixpoint(doc: Document) -> None:
    """JSON from Styx converts to Styx that gives that JSON again."""
    first = to_json(doc)
    assert to_json(parse(from_json(first))) == first


# ----------------------------------------------------- Styx -> JSON by hand

HAND_WRITTEN: list[tuple[str, str, Any]] = [
    ("empty", "", {}),
    ("comments only", "// nothing\n", {}),
    (
        "scalars are strings",
        'a 1\nb true\nc "two words"\nd r#"C:\\x"#\ne <<EOF\n  hi\n  there\n  EOF\nf 1.50\n',
        {"a": "1", "b": "true", "c": "two words", "d": "C:\\x", "e": "hi\nthere\n", "f": "1.50"},
    ),
    ("unit", "a @\nb\nc {d}\n", {"a": None, "b": None, "c": {"d": None}}),
    (
        "tags",
        't @ok\nu @ok@\nv @some(1 2)\nw @err{msg x}\ns @warn"careful"\nr @pr#"a\\n"#\n',
        {
            "t": {"$tag": "ok"},
            "u": {"$tag": "ok"},
            "v": {"$tag": "some", "$payload": ["1", "2"]},
            "w": {"$tag": "err", "$payload": {"msg": "x"}},
            "s": {"$tag": "warn", "$payload": "careful"},
            "r": {"$tag": "p", "$payload": "a\\n"},
        },
    ),
    (
        "chained tags nest",
        "c @a/@b/@c{x 1}\nd @a/@b\ne @a/@b@\n",
        {
            "c": {
                "$tag": "a",
                "$payload": {"$tag": "b", "$payload": {"$tag": "c", "$payload": {"x": "1"}}},
            },
            "d": {"$tag": "a", "$payload": {"$tag": "b"}},
            "e": {"$tag": "a", "$payload": {"$tag": "b"}},
        },
    ),
    (
        "a sequence of a tag is not a chain",
        "s @a(@b(1))\n",
        {"s": {"$tag": "a", "$payload": [{"$tag": "b", "$payload": ["1"]}]}},
    ),
    (
        "sibling dotted paths merged",
        "foo.bar.x 1\nfoo.bar.y 2\nfoo.baz 3\n",
        {"foo": {"bar": {"x": "1", "y": "2"}, "baz": "3"}},
    ),
    (
        "a block continued by paths",
        "a {x 1}\na.y 2\na.z.w 3\n",
        {"a": {"x": "1", "y": "2", "z": {"w": "3"}}},
    ),
    (
        "paths inside objects and sequences",
        "s ({a.b 1, a.c 2})\no {p.q 1, p.r 2}\n",
        {"s": [{"a": {"b": "1", "c": "2"}}], "o": {"p": {"q": "1", "r": "2"}}},
    ),
    (
        "attributes",
        'server host>localhost port>8080\nmixed name>"q v" tags>(a b) opts>{x 1}\n',
        {
            "server": {"host": "localhost", "port": "8080"},
            "mixed": {"name": "q v", "tags": ["a", "b"], "opts": {"x": "1"}},
        },
    ),
    ("explicit root", "{a 1, b {c 2}}\n", {"a": "1", "b": {"c": "2"}}),
    (
        "explicit root with doc comment and paths",
        "/// the doc\n{\n  a.b 1\n  a.c 2\n}\n",
        {"a": {"b": "1", "c": "2"}},
    ),
    (
        "keys",
        '@ unit\n@schema s.styx\n@env"PATH" /usr/bin\n@q"a\\"b\\n" 1\n@x@ 2\n'
        '"quoted key" v\n"" empty\nr#"raw key"# rk\n"a.b" dot\n',
        {
            "@": "unit",
            '@env"PATH"': "/usr/bin",
            '@q"a\\"b\\n"': "1",
            "@x": "2",
            "quoted key": "v",
            "": "empty",
            "raw key": "rk",
            "a.b": "dot",
        },
    ),
    (
        "sequences",
        "s (a (b c) {d e} @ @t ())\nempty ()\n",
        {"s": ["a", ["b", "c"], {"d": "e"}, None, {"$tag": "t"}, []], "empty": []},
    ),
    (
        "keys that look like the tag convention stay keys",
        "o {$tag x}\np {$tag x, $payload @}\n",
        {"o": {"$tag": "x"}, "p": {"$tag": "x", "$payload": None}},
    ),
    ("doc comments are not data", "/// port\nport 8080 // comment\n", {"port": "8080"}),
    ("unicode", '日本 "こんにちは"\nemoji "\\u{1F600}"\n', {"日本": "こんにちは", "emoji": "😀"}),
]


@pytest.mark.parametrize(
    ("source", "expected"),
    [pytest.param(source, expected, id=name) for name, source, expected in HAND_WRITTEN],
)
def test_to_json_by_hand(source: str, expected: Any) -> None:
    doc = parse(source)
    data = to_json_data(doc)
    assert data == expected
    assert json.dumps(data) == json.dumps(expected), "key order"
    assert json.loads(to_json(doc)) == expected
    assert_fixpoint(doc)


def test_to_json_text_layout() -> None:
    doc = parse('name "café"\nlist (1 2)\nempty {}\n')
    assert to_json(doc) == (
        '{\n  "name": "café",\n  "list": [\n    "1",\n    "2"\n  ],\n  "empty": {}\n}\n'
    )
    assert to_json(doc, compact=True) == '{"name":"café","list":["1","2"],"empty":{}}\n'
    assert to_json(parse("")) == "{}\n"


def test_to_json_of_one_value() -> None:
    value = parse("a @x(1 {b 2})\n").get("a")
    assert value is not None
    assert to_json_data(value) == {"$tag": "x", "$payload": ["1", {"b": "2"}]}


def test_scalar_hook_decides_scalar_values() -> None:
    doc = parse('port 8080\nflags (true x)\nt @n"5"\nk {"a b" 1}\nu @\n')
    seen: list[tuple[str, tuple[str | int, ...]]] = []

    def typed(scalar: Scalar, path: tuple[str | int, ...]) -> Any:
        seen.append((scalar.text, path))
        if scalar.text.isdigit():
            return int(scalar.text)
        if scalar.text == "true":
            return True
        return scalar.text

    assert to_json_data(doc, scalar=typed) == {
        "port": 8080,
        "flags": [True, "x"],
        "t": {"$tag": "n", "$payload": 5},
        "k": {"a b": 1},
        "u": None,
    }
    assert seen == [
        ("8080", ("port",)),
        ("true", ("flags", 0)),
        ("x", ("flags", 1)),
        ("5", ("t", "$payload")),
        ("1", ("k", "a b")),
    ]
    assert to_json(doc, compact=True, scalar=typed).startswith('{"port":8080,')


@pytest.mark.parametrize(
    ("source", "key"),
    [('"@" 1\n@ 2\n', "@"), ('"@x" 1\n@x 2\n', "@x"), ('@e"v" 1\n"@e\\"v\\"" 2\n', '@e"v"')],
)
def test_keys_that_collide_in_json_are_an_error(source: str, key: str) -> None:
    doc = parse(source)
    with pytest.raises(JsonOutputError) as caught:
        to_json(doc)
    assert repr(key) in str(caught.value)
    assert caught.value.span == doc.entries[1].key.span


@pytest.mark.parametrize("source", ["a {x 1}\na.x 2\n", "a x>1\na.x 2\n"])
def test_a_key_repeated_through_a_path_is_never_dropped(source: str) -> None:
    # A path going into a block object's key repeats that key; whether or
    # not the parser reports it, the JSON must not silently keep one value.
    result = parse_lenient(source)
    if not result.ok:
        return
    assert result.document is not None
    with pytest.raises(JsonOutputError, match="'x'"):
        to_json(result.document)


def test_a_key_that_cannot_be_a_json_key() -> None:
    result = parse_lenient("(a b) value\n")
    assert result.document is not None
    with pytest.raises(JsonOutputError):
        to_json(result.document)
    assert json_key(parse("@t 1\n").entries[0].key) == "@t"


# ---------------------------------------------------------- the corpus

CORPUS = compliance_dir() / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"compliance corpus not found at {CORPUS} (set STYX_COMPLIANCE_DIR)"
)


def valid_corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*.styx") if parse_lenient(p.read_text("utf-8")).ok)


CORPUS_JSON: dict[str, Any] = {
    "00-basic/sibling-paths.styx": {
        "foo": {"bar": {"x": "value1", "y": "value2"}, "baz": "value3"},
        "other": "done",
    },
    "00-basic/attributes.styx": {
        "server": {"host": "localhost"},
        "config": {"host": "localhost", "port": "8080"},
        "mixed": {
            "name": "quoted value",
            "count": "42",
            "tags": ["a", "b", "c"],
            "opts": {"x": "1"},
        },
        "url": "https://example.com?foo=bar&baz=qux",
        "contact": "user@example.com",
        "dependency": "crate:myapp@2",
    },
    "00-basic/unit-key.styx": {"name": "hello"},
    "00-basic/implicit-unit.styx": {"enabled": None, "verbose": None, "dry_run": None},
    "01-scalars/quoted-escapes.styx": {
        "newline": "line1\nline2",
        "tab": "col1\tcol2",
        "carriage": "line1\r\nline2",
        "quote": 'say "hello"',
        "backslash": "path\\to\\file",
    },
    "01-scalars/heredoc-dedent-in-object.styx": {
        "config": {"script": 'echo "hello"\necho "world"\n', "other": "value"}
    },
    "02-objects/unit-key-in-object.styx": {
        "schema": {
            "@": {"$tag": "object", "$payload": {"name": {"$tag": "string"}}},
            "User": {"$tag": "object", "$payload": {"id": {"$tag": "int"}}},
        }
    },
    "03-sequences/with-tags.styx": {
        "colors": [{"$tag": "red"}, {"$tag": "green"}, {"$tag": "blue"}],
        "results": [
            {"$tag": "ok", "$payload": {"value": "1"}},
            {"$tag": "ok", "$payload": {"value": "2"}},
            {"$tag": "err", "$payload": {"msg": "failed"}},
        ],
        "mixed": ["plain", {"$tag": "tagged"}, "quoted"],
    },
    "04-tags/as-keys.styx": {
        "@string": "hello",
        "@int": "42",
        "@root": {"$tag": "object", "$payload": {"name": {"$tag": "string"}}},
    },
    "04-tags/explicit-unit-payload.styx": {
        "status": {"$tag": "ok"},
        "nothing": {"$tag": "none"},
        "flag": {"$tag": "enabled"},
    },
    "04-tags/nested-tags.styx": {
        "result": {"$tag": "ok", "$payload": {"data": {"$tag": "some", "$payload": ["42"]}}},
        "field": {
            "$tag": "optional",
            "$payload": [{"$tag": "default", "$payload": ["0", {"$tag": "int"}]}],
        },
    },
    "04-tags/string-payload.styx": {
        "warning": {"$tag": "warn", "$payload": "deprecated feature"},
        "env": {"$tag": "env", "$payload": "HOME"},
    },
    "06-edge-cases/raw-keys.styx": {"raw key": "value", 'key with "# in it': "another"},
    "06-edge-cases/empty-string.styx": {"empty": "", "raw": ""},
}


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_JSON))
def test_corpus_to_json(name: str) -> None:
    doc = parse((CORPUS / name).read_text("utf-8"))
    assert to_json_data(doc) == CORPUS_JSON[name]


@needs_corpus
@pytest.mark.parametrize(
    "path", valid_corpus() or [CORPUS / "<missing>"], ids=lambda p: str(p.relative_to(CORPUS))
)
def test_corpus_json_fixpoint(path: Path) -> None:
    assert_fixpoint(parse(path.read_text("utf-8"), filename=str(path)))


@needs_corpus
def test_corpus_has_valid_documents() -> None:
    # 94 documents, 21 of them errors (07-invalid/too-many-atoms.styx is valid).
    assert len(valid_corpus()) == 73


# -------------------------------------------------------- JSON -> Styx

TAG_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(
    ["r", "ar", "bar", "_", "a-b"]
)
SPECIAL_TEXT = st.sampled_from(
    [
        "", " ", ".", "a.b", "@", "@foo", "@ar", "@a b", "$tag", "$payload", "//", "//x", "/",
        "<<", "<<EOF", "<x", "r#", 'r"', "r#x", "=", "=x", "a=b", "a>b", ">", "a,b", "(", "}",
        '"', "\\", "\\n", "\n", "\r\n", "\t", "\x00", "\x7f", "\x85", "\u00a0", "\u2028",
        "\ufeff", "\u200b", "é", "日本", "😀", '"#', 'a"##', "true", "-1", "1e5",
    ]
)  # fmt: skip
TEXT = st.text() | SPECIAL_TEXT
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)


def tags(payloads: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects in the tag convention, and near misses that must stay objects."""
    return st.one_of(
        st.builds(lambda name: {"$tag": name}, TAG_NAMES),
        st.builds(lambda name, payload: {"$tag": name, "$payload": payload}, TAG_NAMES, payloads),
        st.builds(lambda payload, name: {"$payload": payload, "$tag": name}, payloads, TAG_NAMES),
        st.builds(lambda name: {"$tag": name, "$payload": None}, TAG_NAMES),
        st.builds(lambda name: {"$tag": name}, TEXT),
        st.builds(lambda name, other: {"$tag": name, "other": other}, TAG_NAMES, payloads),
    )


def objects(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(TEXT, values, max_size=5) | tags(values)


VALUES = st.recursive(
    LEAVES, lambda children: st.lists(children, max_size=5) | objects(children), max_leaves=25
)
DOCUMENTS = objects(VALUES)


def as_text(value: Any) -> Any:
    """The lossless convention: numbers and booleans become their JSON text."""
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    return value


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
@example({"": 1, ".": 2.5, "a.b": True, "@": None, "$tag": "x", "@foo": [], "k": {}})
@example({"k": {"$tag": "ar", "$payload": 'say "hi"#'}})
@example({"k": {"$tag": "a", "$payload": {"$tag": "br", "$payload": "x"}}})
@example({"$tag": "r", "$payload": {"$tag": False}})
@example({"k": ["\x01", "a\u2028b", "\ufeff", "x\\y", '"q"', "//c", "<<EOF", "=x"]})
def test_json_to_styx_round_trip(data: dict[str, Any]) -> None:
    styx_text = from_json(json.dumps(data, ensure_ascii=False))
    back = to_json(parse(styx_text))
    assert json.loads(back) == as_text(data)
    assert format_source(styx_text) == styx_text  # written in the canonical layout
    # JSON from Styx is a fixpoint of JSON -> Styx -> JSON. (Not the Styx
    # text: after {"$tag": false} became {"$tag": "false"} it reads as a tag.)
    assert to_json(parse(from_json(back))) == back


@given(st.dictionaries(TEXT, TEXT, max_size=8))
def test_json_key_order_is_kept(data: dict[str, str]) -> None:
    back = round_trip(data)
    assert list(back) == list(data)


def test_from_json_layout() -> None:
    data = (
        '{"name": "my app", "port": 8080, "ratio": 1.0, "big": 1E+400, "on": true,'
        ' "none": null, "tags": ["a", "b c", 1], "empty": {}, "nothing": [],'
        ' "server": {"host": "localhost", "tls": {"cert": "/etc/x.pem"}},'
        ' "routes": [{"path": "/"}, ["x"]], "@": "unit key", "@schema": "s.styx",'
        ' "a.b": "dotted", "": "empty key", "@not a tag": 1,'
        ' "ok": {"$tag": "ok"}, "err": {"$tag": "err", "$payload": {"code": 1}},'
        ' "rgb": {"$tag": "rgb", "$payload": [1, 2, 3]},'
        ' "env": {"$tag": "env", "$payload": "HOME"},'
        ' "chain": {"$tag": "a", "$payload": {"$tag": "b", "$payload": "x"}},'
        ' "raw": {"$tag": "bar", "$payload": "q\\"#"}, "n": {"$tag": "n", "$payload": 5},'
        ' "notag": {"$tag": "x", "$payload": null}, "text": "line\\nnext\\t\\u0001",'
        ' "long": ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc",'
        ' "dddddddddd", "eeeeeeeeee", "ffffffffff"]}'
    )
    assert from_json(data) == (
        'name "my app"\n'
        "port 8080\n"
        "ratio 1.0\n"
        "big 1E+400\n"
        "on true\n"
        "none @\n"
        'tags (a "b c" 1)\n'
        "empty {}\n"
        "nothing ()\n"
        "\n"
        "server {\n"
        "    host localhost\n"
        "    tls {\n"
        "        cert /etc/x.pem\n"
        "    }\n"
        "}\n"
        "\n"
        "routes (\n"
        "    {\n"
        "        path /\n"
        "    }\n"
        "    (x)\n"
        ")\n"
        "\n"
        '@ "unit key"\n'
        '"@schema" s.styx\n'
        '"a.b" dotted\n'
        '"" "empty key"\n'
        '"@not a tag" 1\n'
        "ok @ok\n"
        "\n"
        "err @err{\n"
        "    code 1\n"
        "}\n"
        "\n"
        "rgb @rgb(1 2 3)\n"
        'env @env"HOME"\n'
        'chain @a/@b"x"\n'
        'raw @barr##"q"#"##\n'
        'n @n"5"\n'
        "\n"
        "notag {\n"
        "    $tag x\n"
        "    $payload @\n"
        "}\n"
        "\n"
        'text "line\\nnext\\t\\u{1}"\n'
        "long (\n"
        "    aaaaaaaaaa\n"
        "    bbbbbbbbbb\n"
        "    cccccccccc\n"
        "    dddddddddd\n"
        "    eeeeeeeeee\n"
        "    ffffffffff\n"
        ")\n"
    )
    assert json.loads(to_json(parse(from_json(data))))["big"] == "1E+400"
    # Already in the canonical layout (the reference formatter's).
    assert format_source(from_json(data)) == from_json(data)


def test_from_json_of_an_empty_object_is_an_empty_document() -> None:
    assert from_json("{}") == ""
    assert from_json(" {\n}\n") == ""


def test_from_json_keeps_number_text_and_accepts_python_constants() -> None:
    assert from_json('{"a": 1.0, "b": -0, "c": 12345678901234567890, "d": NaN}') == (
        "a 1.0\nb -0\nc 12345678901234567890\nd NaN\n"
    )


def test_from_json_surrogate_pairs_are_characters() -> None:
    assert from_json('{"a": "\\ud83d\\ude00", "b": "\\\\ud800"}') == "a 😀\nb \\ud800\n"


# ------------------------------------------------------- from_json errors


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("", 1, 1),
        ('{"a": }', 1, 7),
        ('{\n  "a": 1,\n}', 3, 1),
        ('{"a": 1} x', 1, 10),
        ('{"a": "\n"}', 1, 8),
    ],
)
def test_invalid_json_has_a_location(text: str, line: int, column: int) -> None:
    with pytest.raises(JsonInputError) as caught:
        from_json(text, filename="in.json")
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.line, error.column) == (line, column)
    assert error.message
    assert str(error).startswith(f"in.json:{line}:{column}: ")


@pytest.mark.parametrize(
    ("text", "key", "line", "column"),
    [
        ('{"a": 1, "a": 2}', "a", 1, 10),
        ('{"a": 1, "\\u0061": 2}', "a", 1, 10),
        ('{\n  "a": 1,\n  "b": {"x": 1, "x": 2},\n  "a": 3\n}', "x", 3, 17),
        ('[{"k": [1, {"y": {}, "z": 0, "y": []}]}]', "y", 1, 30),
        ('{"s": "{\\"q\\": 1, \\"q\\": 2}", "s": 0}', "s", 1, 31),
    ],
)
def test_duplicate_keys_are_located(text: str, key: str, line: int, column: int) -> None:
    with pytest.raises(JsonInputError) as caught:
        from_json(text)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert json.dumps(key) in error.message
    assert str(error).startswith(f"<json>:{line}:{column}: duplicate key")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("[1, 2]", 1, 1), ('\n  "x"', 2, 3), ("null", 1, 1), ("3", 1, 1)],
)
def test_top_level_must_be_an_object(text: str, line: int, column: int) -> None:
    with pytest.raises(JsonInputError, match="must be a JSON object") as caught:
        from_json(text)
    assert (caught.value.line, caught.value.column) == (line, column)


@pytest.mark.parametrize(
    ("text", "column"),
    [('{"a": "\\ud800"}', 8), ('{"a": "x\\udc00"}', 9), ('{"\\uD83Dx": 1}', 3)],
)
def test_lone_surrogates_are_rejected(text: str, column: int) -> None:
    with pytest.raises(JsonInputError, match="surrogate") as caught:
        from_json(text)
    assert (caught.value.line, caught.value.column) == (1, column)
