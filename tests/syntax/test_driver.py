"""styx's LALR driver against Lark's own parser, on the same tables and builder.

The driver in styx.syntax.parser replaces Lark's parse loop; these tests run
both over the same inputs (the compliance corpus, generated, Styx-flavoured
and mutated documents) and require the same tree, spans included, and the
same diagnostics. Lark is the reference here and only here.
"""

from __future__ import annotations

from pathlib import Path

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from lark.exceptions import UnexpectedToken

from styx.diagnostic import Diagnostic, DiagnosticSink
from styx.syntax import codes, grammar, parse_lenient
from styx.syntax.build import TreeBuilder
from styx.syntax.dump import sexp
from styx.syntax.lexer import LexInput
from styx.syntax.parser import _unexpected
from styx.syntax.tree import MAX_NESTING
from tests.conftest import compliance_dir
from tests.syntax.test_properties import documents, mutated_documents, render, styxish_texts

_BUILDER = TreeBuilder()
_LARK = lark.Lark(
    grammar.grammar_text(),
    parser="lalr",
    lexer=grammar.lark_lexer(),
    transformer=_BUILDER,
    maybe_placeholders=False,
    keep_all_tokens=True,
)


def by_lark(text: str) -> tuple[str | None, list[Diagnostic]]:
    sink = DiagnosticSink()
    source = LexInput(text, sink)
    _BUILDER.begin(source)
    try:
        document = _LARK.parse(source)
    except UnexpectedToken as error:
        sink.add(_unexpected(error.token, text))
        return None, sink.sorted()
    return sexp(document), sink.sorted()  # type: ignore[arg-type]


def by_styx(text: str) -> tuple[str | None, list[Diagnostic]]:
    result = parse_lenient(text)
    return (None if result.document is None else sexp(result.document)), result.diagnostics


def assert_same(text: str) -> None:
    ours, theirs = by_styx(text), by_lark(text)
    assert ours[0] == theirs[0]
    assert [(d.code, d.message, d.span) for d in ours[1]] == [
        (d.code, d.message, d.span) for d in theirs[1]
    ]


def corpus_files() -> list[Path]:
    folder = compliance_dir() / "corpus"
    return sorted(folder.rglob("*.styx")) if folder.is_dir() else []


@pytest.mark.skipif(not corpus_files(), reason="compliance corpus not found")
def test_compliance_corpus_parses_as_lark_parses_it() -> None:
    for path in corpus_files():
        assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "a",
        "a b",
        "a b c d",
        "{a b}",
        "{a b} c",
        "}",
        "a }",
        "a b }\n",
        ")",
        "(a",
        "{",
        "a (b, c) >",
        "/// doc\na b\n/// dangling",
        'a "unterminated\n}',
        "@tag{} x @t(1 2) y>z w>1",
        "a.b.c 1\na.b.d 2\na.e 3",
    ],
)
def test_edge_documents_parse_as_lark_parses_them(text: str) -> None:
    assert_same(text)


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(styxish_texts())
def test_styxish_text_parses_as_lark_parses_it(text: str) -> None:
    assert_same(text)


@SETTINGS
@given(mutated_documents())
def test_mutated_documents_parse_as_lark_parses_them(text: str) -> None:
    assert_same(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(3))
def test_generated_documents_parse_as_lark_parses_them(doc: object) -> None:
    assert_same(render(doc).text)  # type: ignore[arg-type]


def test_deep_nesting_does_not_recurse() -> None:
    # The driver's stacks are lists: depth is bounded by MAX_NESTING (reported),
    # never by Python's recursion limit.
    deepest = parse_lenient("a " + "(" * (MAX_NESTING - 1) + ")" * (MAX_NESTING - 1))
    assert deepest.ok and deepest.document is not None
    depth = 50_000
    result = parse_lenient("a " + "(" * depth + ")" * depth)
    assert result.document is None
    assert [d.code for d in result.diagnostics] == [codes.NESTING_TOO_DEEP]
