"""The nesting limit (`MAX_NESTING`, docs/spec-decisions.md) and the
other hostile-input rules of the parser: a document deeper than the limit
gets one diagnostic at the opening that goes too deep and no tree; every
document the parser accepts is at most that deep, and every walk over it
(formatting, JSON both ways, tree dumps, the merged view, validation,
typed loading) finishes even when called from an already deep stack.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import styx
from styx.convert.json import JsonInputError, from_json, to_json
from styx.diagnostic import DiagnosticSink
from styx.dumping import dumps
from styx.format import format_source
from styx.loading import loads
from styx.schema.load import load_schema
from styx.schema.loader import StyxValidationError, load
from styx.schema.validate import validate
from styx.syntax import codes
from styx.syntax.dump import outline, sexp
from styx.syntax.keypath import path_at
from styx.syntax.literals import _unescape, unescape
from styx.syntax.merge import merged_entries
from styx.syntax.tree import (
    MAX_NESTING,
    Document,
    Entry,
    Object,
    Sequence,
    Tagged,
    Value,
)
from tests.hostile import NESTINGS, deepest, too_deep


def depth(document: Document) -> int:
    """How many objects, sequences and tags hold the deepest node, counted
    without recursion (the root object does not count; an explicit root
    object does)."""
    deepest_seen = 0
    start = 1 if document.explicit_root else 0
    todo: list[tuple[Value | Entry, int]] = [(entry, start) for entry in document.root.entries]
    while todo:
        node, level = todo.pop()
        if isinstance(node, Entry):
            todo += [(node.key, level), (node.value, level)]
            continue
        deepest_seen = max(deepest_seen, level)
        if isinstance(node, Object):
            todo += [(entry, level + 1) for entry in node.entries]
            deepest_seen = max(deepest_seen, level + 1)
        elif isinstance(node, Sequence):
            todo += [(item, level + 1) for item in node.items]
            deepest_seen = max(deepest_seen, level + 1)
        elif isinstance(node, Tagged):
            deepest_seen = max(deepest_seen, level + 1)
            if node.value is not None:
                todo.append((node.value, level + 1))
    return deepest_seen


@pytest.mark.parametrize("kind", list(NESTINGS))
def test_the_deepest_accepted_document_is_exactly_the_limit(kind: str) -> None:
    result = styx.parse_lenient(deepest(kind))
    assert result.ok, [d.message for d in result.diagnostics]
    assert result.document is not None
    assert depth(result.document) == MAX_NESTING


@pytest.mark.parametrize("kind", list(NESTINGS))
def test_one_level_more_is_one_diagnostic_and_no_tree(kind: str) -> None:
    text = too_deep(kind)
    result = styx.parse_lenient(text)
    assert [d.code for d in result.diagnostics] == [codes.NESTING_TOO_DEEP]
    assert result.document is None
    diagnostic = result.diagnostics[0]
    assert diagnostic.message == f"nesting too deep (more than {MAX_NESTING} levels)"
    # At an opening: a bracket, a tag, an attribute key, or a key segment.
    opened = text.encode()[diagnostic.span.start : diagnostic.span.end].decode()
    assert opened[0] in "{(@xk", opened
    with pytest.raises(styx.StyxSyntaxError, match="nesting too deep"):
        styx.parse(text)


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 1_000, 100_000])
def test_far_too_deep_is_reported_once_at_the_first_bracket_past_the_limit(levels: int) -> None:
    text = "a " + "{b " * levels + "1" + "}" * levels
    result = styx.parse_lenient(text)
    assert [d.code for d in result.diagnostics] == [codes.NESTING_TOO_DEEP]
    assert result.diagnostics[0].span.start == 2 + 3 * MAX_NESTING


def test_errors_after_a_too_deep_part_are_still_found() -> None:
    text = "a " + "(" * 100 + ")" * 100 + "\nb 1\nb 2\n"
    found = [d.code for d in styx.parse_lenient(text).diagnostics]
    assert found == [codes.NESTING_TOO_DEEP, codes.DUPLICATE_KEY]


# --------------------------------------------------------------- property

#: Wrappers around a value: text before and after, and the levels they add.
WRAPPERS: list[tuple[str, str, int]] = [
    ("{b ", "}", 1),
    ("(", ")", 1),
    ("(y ", " z)", 1),
    ("{p 1, b ", ", q r}", 1),
    ("@t(", ")", 2),
    ("@t{b ", "}", 2),
    ("@a/@b(", ")", 3),
    ("{b x>", "}", 2),
    ("{c x>{b ", "}}", 3),
    ("{k.k ", "}", 2),
    ('{"k".k.k ', "}", 3),
    ("{b @t{c ", "}}", 3),
]


@st.composite
def nested(draw: st.DrawFn) -> tuple[str, int]:
    """A document around one deep path, and how deep that path is."""
    chosen = draw(st.lists(st.sampled_from(WRAPPERS), min_size=20, max_size=45))
    leaf, leaf_levels = draw(
        st.sampled_from([("1", 0), ("@t", 1), ("()", 1), ("{}", 1), ('@t"x"', 1)])
    )
    text = leaf
    levels = leaf_levels
    for before, after, added in reversed(chosen):
        text = before + text + after
        levels += added
    return "a " + text + "\nz 1\n", levels


@settings(max_examples=150, deadline=None)
@given(nested())
def test_a_document_is_accepted_exactly_when_it_is_within_the_limit(
    case: tuple[str, int],
) -> None:
    text, levels = case
    result = styx.parse_lenient(text)
    if levels <= MAX_NESTING:
        assert result.ok, [d.message for d in result.diagnostics]
        assert result.document is not None
        assert depth(result.document) == levels
    else:
        assert [d.code for d in result.diagnostics] == [codes.NESTING_TOO_DEEP]
        assert result.document is None


# -------------------------------------------------------------- every walk

SCHEMA = load_schema(
    "meta {id https://example.com/t, version 2026-01-16}\n"
    "schema {\n"
    "  @ @map(@string @Node)\n"
    "  Node @union(@string @unit @seq(@Node) @map(@string @Node) @object{b @optional(@Node)})\n"
    "}\n"
)


@dataclass
class Chain:
    b: Chain | int | None = None


@dataclass
class Root:
    a: Chain


def _json_round_trip(text: str) -> object:
    return from_json(to_json(styx.parse(text)))


WALKS: dict[str, Callable[[str], object]] = {
    "format": format_source,
    "format compact": lambda text: format_source(text, compact=True),
    "to_json": lambda text: to_json(styx.parse(text)),
    "to_json and back": _json_round_trip,
    "sexp": lambda text: sexp(styx.parse(text)),
    "outline": lambda text: outline(styx.parse(text)),
    "merged view": lambda text: merged_entries(styx.parse(text).root),
    "validate": lambda text: validate(styx.parse(text), SCHEMA),
    "load": lambda text: _load(text),
    "loads and dumps": lambda text: dumps(loads(text)),
    "key paths": lambda text: _every_path(styx.parse(text), text),
}


def _every_path(document: Document, text: str) -> list[str | None]:
    size = len(text.encode("utf-8"))
    return [path_at(document, offset) for offset in range(0, size, max(1, size // 50))]


def _load(text: str) -> object:
    try:
        return load(text, Root)
    except StyxValidationError as error:  # not every shape is a Chain
        return error.diagnostics


def from_deep_stack(frames: int, action: Callable[[], Any]) -> Any:
    """Run ``action`` with ``frames`` Python frames already on the stack, in
    a thread of its own (as a server's worker would), under the default
    recursion limit."""
    outcome: list[Any] = []

    def nest(left: int) -> Any:
        return action() if left == 0 else nest(left - 1)

    def run() -> None:
        try:
            outcome.append(nest(frames))
        except BaseException as error:  # reported by the assertion below
            outcome.append(error)

    assert sys.getrecursionlimit() == 1000
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return outcome[0]


@pytest.mark.parametrize("walk", list(WALKS))
@pytest.mark.parametrize("kind", list(NESTINGS))
def test_every_walk_finishes_on_the_deepest_document_from_a_deep_stack(
    kind: str, walk: str
) -> None:
    text = deepest(kind)
    outcome = from_deep_stack(300, lambda: WALKS[walk](text))
    assert not isinstance(outcome, BaseException), repr(outcome)


def test_loading_the_deepest_chain_builds_it() -> None:
    text = "a " + "{b " * (MAX_NESTING - 1) + "1" + "}" * (MAX_NESTING - 1) + "\n"
    loaded = from_deep_stack(300, lambda: load(text, Root))
    assert isinstance(loaded, Root)
    node: Any = loaded.a
    for _ in range(MAX_NESTING - 2):
        node = node.b
    assert node.b == 1


def test_nested_unions_validate_in_linear_time() -> None:
    """Each union level used to try its members on the whole subtree below:
    2^depth steps. A failure at the bottom of the deepest document reaches
    every level's union; this finishes at once or never."""
    text = "a " + "{b " * (MAX_NESTING - 2) + "{@t 1}" + "}" * (MAX_NESTING - 2) + "\n"
    found = from_deep_stack(300, lambda: validate(styx.parse(text), SCHEMA))
    assert found and all(d.is_error for d in found)


# ------------------------------------------------------------- from JSON


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 5_000, 200_000])
def test_json_deeper_than_the_limit_is_refused_at_the_first_bracket_past_it(levels: int) -> None:
    text = '{"a": ' * levels + "{}" + "}" * levels
    refused = from_deep_stack(300, lambda: from_json(text))
    assert isinstance(refused, JsonInputError), repr(refused)
    assert "nested deeper" in refused.message
    assert refused.column == 6 * (MAX_NESTING + 1) + 1  # the top-level object is level 0


def test_json_at_the_limit_converts_and_parses_back() -> None:
    text = '{"a": ' * MAX_NESTING + "[]" + "}" * MAX_NESTING
    styx_text = from_json(text)
    assert styx.parse(styx_text) is not None
    # An object at the limit may have scalar keys, but not a tag key: that
    # is one level deeper, as the parser counts it.
    keyed = '{"a": ' * MAX_NESTING + '{"k": 1}' + "}" * MAX_NESTING
    assert styx.parse(from_json(keyed)) is not None
    tagged = '{"a": ' * MAX_NESTING + '{"@t": 1}' + "}" * MAX_NESTING
    with pytest.raises(JsonInputError, match="nested deeper"):
        from_json(tagged)


# ------------------------------------------------------------ odd inputs


def test_a_byte_order_mark_alone_is_an_empty_document() -> None:
    document = styx.parse("\ufeff")
    assert document.entries == []
    assert to_json(document) == "{}\n"
    assert format_source("\ufeff") == format_source(format_source("\ufeff"))
    assert styx.parse("\ufeffa 1\n").get("a") is not None


@pytest.mark.parametrize(
    "text", ["a \ud800", "\udfff", 'k "x\ud83d"', "a 1\n// \udc00\n", "\ud800" * 50]
)
def test_lone_surrogates_are_diagnostics_not_exceptions(text: str) -> None:
    result = styx.parse_lenient(text)
    assert result.document is None
    assert codes.INVALID_ENCODING in [d.code for d in result.diagnostics]
    assert len(result.diagnostics) <= 11 + text.count("\n")
    result.source.encode("utf-8")  # what diagnostics are rendered against is text
    with pytest.raises(styx.StyxSyntaxError, match="lone surrogate"):
        styx.parse(text)
    with pytest.raises(styx.StyxSyntaxError):
        format_source(text)
    with pytest.raises(styx.StyxSyntaxError):
        load(text, Root)


def test_a_lone_surrogate_is_placed_where_it_is() -> None:
    [problem] = styx.parse_lenient("é \ud800").diagnostics
    assert problem.span == (3, 6)  # after "é " (three bytes), as wide as U+FFFD


def test_unclosed_brackets_inside_unclosed_brackets_are_one_report() -> None:
    result = styx.parse_lenient("a " + "{" * 10_000 + "\n")
    unclosed = [d for d in result.diagnostics if d.code == codes.UNCLOSED_DELIMITER]
    assert [d.span.start for d in unclosed] == [2, 3, 4]
    assert unclosed[-1].notes == (
        "9997 more brackets opened inside this one are never closed either",
    )
    assert len(result.diagnostics) == 4  # and the nesting limit


# ----------------------------------------------------------------- escapes

_PIECES = st.sampled_from(
    ["a", "é", "\\n", "\\t", "\\r", '\\"', "\\\\", "\\u{41}", "\\u00e9", "😀", "\\u{1F600}"]
)
_BAD = st.sampled_from(["\\q", "\\u{D800}", "\\u12", "\\u{110000}", "\\u{", "\\uD800", "\\"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | _BAD, max_size=30).map("".join))
def test_the_fast_unescape_agrees_with_the_loop(body: str) -> None:
    """`unescape` takes shortcuts (str.replace, one substitution); the loop
    is the reference, for the text and for every invalid escape reported."""
    if body.endswith("\\") and not body.endswith("\\\\"):
        body += "n"  # a quoted body cannot end in a lone backslash
    fast_sink, slow_sink = DiagnosticSink(), DiagnosticSink()
    assert unescape(body, 0, fast_sink) == _unescape(body, 0, slow_sink)
    assert fast_sink.items == slow_sink.items
