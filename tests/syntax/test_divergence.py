"""Warnings for valid text that the reference parser reads as another
document (styx/syntax/divergence.py; docs/spec-decisions.md, "Reading the
same text")."""

from __future__ import annotations

import json

import pytest

from styx import Severity, parse_lenient
from styx.syntax import codes

WARNED = [
    ("tag name ending in r", 'x @color"red"\n', codes.TAG_NAME_BEFORE_QUOTE, (2, 13)),
    ("spec chain example", 'x @outer/@inner"payload"\n', codes.TAG_NAME_BEFORE_QUOTE, (2, 24)),
    ("tag key", '@user"bob" 1\n', codes.TAG_NAME_BEFORE_QUOTE, (0, 10)),
    ("quoted first segment", '"a.b".c 1\n', codes.QUOTED_PATH_SEGMENT, (0, 7)),
    ("quoted last segment", 'a."b" 1\n', codes.QUOTED_PATH_SEGMENT, (0, 5)),
    ("raw segment", 'x {r"a".b 1}\n', codes.QUOTED_PATH_SEGMENT, (3, 9)),
    ("CRLF heredoc", "h <<EOF\r\n  a\r\n  EOF\r\n", codes.HEREDOC_CRLF, (2, 9)),
    ("byte order mark", "\ufeffk 1\n", codes.BYTE_ORDER_MARK, (0, 3)),
]

AGREED = [
    ("raw payload after r", 'x @colorr#"red"#\n'),
    ("quoted payload after another letter", 'x @tag"v"\n'),
    ("tag ending in r without payload", "x @color\n"),
    ("tag ending in r with an object", "x @color{a 1}\n"),
    ("bare path", "a.b.c 1\n"),
    ("quoted key without dots after it", '"a.b" 1\n'),
    ("LF heredoc", "h <<EOF\n  a\n  EOF\n"),
    ("CRLF heredoc without content", "h <<EOF\r\nEOF\r\n"),
    ("CRLF without heredoc", "a 1\r\nb 2\r\n"),
    ("byte order mark inside a value", 'k "\ufeff"\n'),
]


@pytest.mark.parametrize(
    ("text", "code", "span"), [pytest.param(*row[1:], id=row[0]) for row in WARNED]
)
def test_divergent_text_gets_one_warning(text: str, code: str, span: tuple[int, int]) -> None:
    result = parse_lenient(text)
    assert result.ok
    [found] = result.diagnostics
    assert (found.code, found.severity, tuple(found.span)) == (code, Severity.WARNING, span)
    assert found.help
    assert any("decision" in note for note in found.notes)


@pytest.mark.parametrize("text", [pytest.param(row[1], id=row[0]) for row in AGREED])
def test_text_both_read_alike_gets_none(text: str) -> None:
    assert parse_lenient(text).diagnostics == []


def test_the_help_of_a_tag_before_a_quote_reads_alike_in_both() -> None:
    # The spelling the help suggests gets no warning and means the same.
    [found] = parse_lenient('x @color"red"\n').diagnostics
    assert found.help is not None and '@colorr#"red"#' in found.help
    suggested = parse_lenient('x @colorr#"red"#\n')
    assert suggested.diagnostics == []


@pytest.mark.parametrize(
    ("name", "text", "written"),
    [
        ("color", "red", '@colorr#"red"#'),
        ("color", 'say "hi"#', '@colorr##"say "hi"#"##'),
        ("tag", "red", '@tag"red"'),
        ("color", "two\nlines", '@color"two\\nlines"'),  # no raw string holds it: warned
    ],
)
def test_written_tag_payloads_read_alike_where_they_can(name: str, text: str, written: str) -> None:
    from styx.convert.json import from_json
    from styx.syntax.write import tag_payload

    assert "@" + name + tag_payload(name, text) == written
    result = parse_lenient(f"k {written}\n")
    assert result.ok and result.document is not None
    assert result.document.entries[0].value.payload.text == text
    warned = [d.code for d in result.diagnostics] == [codes.TAG_NAME_BEFORE_QUOTE]
    assert warned == ("\n" in text and name.endswith("r"))
    converted = from_json(json.dumps({"k": {"$tag": name, "$payload": text}}))
    assert converted == f"k {written}\n"
