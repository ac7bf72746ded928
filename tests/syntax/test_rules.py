"""One group of tests per rule of the Styx parser spec.

The rules are those of docs/content/reference/spec/parser.md in the Styx
repository (``parser[...]``), with the diagnostics of diagnostics.md where a
rule's violation has a dedicated message. Every invalid document is checked
for its exact diagnostic code and its exact primary span: UTF-8 byte offsets,
half-open ``[start, end)``. Where the spec gives no span, the compliance suite
(compliance/golden.sexp) decides: an unterminated string spans to the end of
its line, an unterminated heredoc spans its unclosed content, and so on.

Where the sources disagree, docs/spec-decisions.md says what styx-dibs does.
"""

from __future__ import annotations

from typing import Any

import pytest

from styx import Diagnostic, Document, StyxSyntaxError, parse, parse_lenient
from styx.syntax import codes
from styx.syntax.tree import (
    Heredoc,
    Object,
    ObjectForm,
    Scalar,
    ScalarKind,
    Sequence,
    Tagged,
    Unit,
    shape,
)

ByteSpan = tuple[int, int]  # UTF-8 offsets, [start, end)

# --------------------------------------------------------------------- helpers


def cases(*rows: Any) -> list[Any]:
    """Parametrize rows written as ``(id, *arguments)``, so each case carries its name."""
    return [pytest.param(*row[1:], id=row[0]) for row in rows]


def errors(text: str) -> list[tuple[str, ByteSpan]]:
    """Every diagnostic of a lenient parse as (code, (start, end)), in report order."""
    return [(d.code, tuple(d.span)) for d in parse_lenient(text).diagnostics]


def first_error(text: str) -> tuple[str, ByteSpan]:
    found = errors(text)
    assert found, f"expected an error in {text!r}"
    return found[0]


def diagnostic(text: str, code: str) -> Diagnostic:
    """The one diagnostic with ``code``."""
    found = [d for d in parse_lenient(text).diagnostics if d.code == code]
    assert len(found) == 1, found
    return found[0]


def label_spans(found: Diagnostic) -> list[ByteSpan]:
    return [tuple(label.span) for label in found.labels]


def ok(text: str) -> Document:
    """Parse a document that must be valid, without a single diagnostic."""
    result = parse_lenient(text)
    assert result.diagnostics == [], [(d.code, tuple(d.span)) for d in result.diagnostics]
    assert result.document is not None
    return result.document


def tree(text: str) -> object:
    return shape(ok(text))


def warned(text: str, code: str) -> Document:
    """Parse a valid document whose only diagnostics are warnings ``code``:
    text that the reference parser reads differently (styx/syntax/divergence.py)."""
    result = parse_lenient(text)
    assert result.diagnostics, f"expected a {code} warning in {text!r}"
    assert all(d.code == code and not d.is_error for d in result.diagnostics), result.diagnostics
    assert result.document is not None
    return result.document


def value(text: str) -> Any:
    """The value of a valid document's only entry."""
    entries = ok(text).entries
    assert len(entries) == 1, entries
    return entries[0].value


def text_of(source: str) -> str:
    """The text of the scalar value of a valid document's only entry."""
    node = value(source)
    assert isinstance(node, Scalar), node
    return node.text


# Shapes (see styx.syntax.tree.shape), spelled short.
def S(text: str) -> tuple[Any, ...]:
    return ("scalar", text)


def T(name: str, payload: Any = None) -> tuple[Any, ...]:
    return ("tag", name, payload)


def O(*entries: tuple[Any, Any]) -> tuple[Any, ...]:  # noqa: E743
    return ("object", entries)


def Q(*items: Any) -> tuple[Any, ...]:
    return ("sequence", items)


UNIT = ("unit",)

# ---------------------------------------------------------------- comment.line


@pytest.mark.parametrize(
    ("text", "canonical"),
    cases(
        ("start-of-file", "// comment at start-of-file\nhost localhost", "host localhost"),
        ("trailing", "host localhost  // comment", "host localhost"),
        ("after-tab", "host localhost\t// after a tab", "host localhost"),
        ("in-object", "x {\n  // inside\n  a 1 // trailing\n}", "x {a 1}"),
        ("in-sequence", "x (1 // inside a sequence\n 2)", "x (1 2)"),
        ("only-comment", "// only a comment", ""),
    ),
)
def test_comment_line_is_ignored(text: str, canonical: str) -> None:
    assert tree(text) == tree(canonical)


def test_comment_line_spans_are_recorded() -> None:
    assert [tuple(c.span) for c in ok("// first\nx 1 // second").comments] == [(0, 8), (13, 22)]


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(
        (
            "url-scheme",
            "url https://example.com  // the :// is not a comment",
            "https://example.com",
        ),
        ("url-double-slash", "url https://example.com//path", "https://example.com//path"),
        ("glued-to-value", "x 1//c", "1//c"),
    ),
)
def test_comment_line_needs_preceding_whitespace(text: str, expected: str) -> None:
    assert text_of(text) == expected


def test_comment_line_double_slash_inside_bare_key() -> None:
    entry = ok("a//b c").entries[0]
    assert (entry.key.text, entry.value.text) == ("a//b", "c")


def test_comment_line_glued_to_bare_value_is_a_third_atom() -> None:
    # diag[diagnostic.parser.comment-whitespace]: point out the likely comment
    found = diagnostic("x a// c", codes.TOO_MANY_ATOMS)
    assert found.span == (6, 7)
    assert any("`a//`" in note for note in found.notes)
    assert "space" in (found.help or "")


@pytest.mark.parametrize(
    "text", ["x https://a.example b", "x a b", 'x "a//" b'], ids=["url", "plain", "quoted"]
)
def test_too_many_atoms_without_glued_comment_has_no_comment_note(text: str) -> None:
    found = diagnostic(text, codes.TOO_MANY_ATOMS)
    assert not any("//" in note for note in found.notes)


# ----------------------------------------------------------------- comment.doc


def test_comment_doc_consecutive_lines_are_joined() -> None:
    doc = ok("/// a\n/// b\nx 1").entries[0].doc
    assert doc is not None
    assert (doc.text, doc.span) == ("a\nb", (0, 11))


def test_comment_doc_spec_example_attaches_to_following_entries() -> None:
    server = ok(
        "/// The server configuration.\n"
        "/// Supports TLS and HTTP/2.\n"
        "server {\n"
        "  /// Hostname to bind to.\n"
        "  host @string\n"
        "}\n"
    ).entries[0]
    assert server.doc.text == "The server configuration.\nSupports TLS and HTTP/2."
    assert server.value.entries[0].doc.text == "Hostname to bind to."


def test_comment_doc_plain_comment_is_not_a_doc() -> None:
    assert ok("// plain\nx 1").entries[0].doc is None


def test_comment_doc_line_comment_between_doc_and_entry_is_allowed() -> None:
    # docs/spec-decisions.md #2
    assert ok("/// a\n// plain\nx 1").entries[0].doc.text == "a"


def test_comment_doc_before_explicit_root_documents_the_document() -> None:
    doc = ok("/// the root\n{a 1}")
    assert doc.explicit_root and doc.doc is not None and doc.doc.text == "the root"


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("blank-line", "/// a\n\nx 1", (0, 5)),
        ("blank-line-two-lines", "/// a\n/// b\n\nx 1", (0, 11)),
        ("eof", "x 1\n/// a", (4, 9)),
        ("eof-after-newline", "x 1\n/// a\n", (4, 9)),
        ("closing-brace", "x {\n  /// a\n}", (6, 11)),
        ("in-sequence", "x (a /// b\nc)", (5, 10)),
        ("comma", "/// a\n, x 1", (0, 5)),
    ),
)
def test_comment_doc_dangling_is_an_error(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.DANGLING_DOC_COMMENT, span)]


def test_comment_doc_dangling_does_not_attach_across_blank_line() -> None:
    document = parse_lenient("/// a\n\nx 1").document
    assert document is not None and document.entries[0].doc is None


# ------------------------------------------------ scalar.bare.chars/termination


@pytest.mark.parametrize(
    "bare",
    [
        "localhost",
        "user@host",
        "crate:pkg@2",
        "a=b&c=d",
        "https://example.com/path?q=1",
        "/usr/bin/env",
        "-1.5e3",
        "é",
    ],
)
def test_scalar_bare_chars_valid(bare: str) -> None:
    node = value(f"x {bare}")
    assert (node.text, node.kind, node.span) == (bare, ScalarKind.BARE, (2, 2 + len(bare.encode())))


@pytest.mark.parametrize(
    ("text", "span"),
    cases(("as-key", "=x 1", (0, 1)), ("as-value", "x =1", (2, 3))),
)
def test_scalar_bare_chars_equals_cannot_start(text: str, span: ByteSpan) -> None:
    assert first_error(text) == (codes.UNEXPECTED_CHARACTER, span)


def test_scalar_bare_chars_gt_cannot_start() -> None:
    assert first_error("x >1") == (codes.UNEXPECTED_TOKEN, (2, 3))


def test_scalar_bare_chars_gt_forbidden_after_first_char() -> None:
    # `>` ends the bare scalar: what follows is attribute syntax, not text
    node = value("x a>b")
    assert isinstance(node, Object) and node.form is ObjectForm.ATTRIBUTES


@pytest.mark.parametrize(
    ("text", "spans"),
    cases(
        ("space", "x (a b)", [(3, 4), (5, 6)]),
        ("closing-paren", "x (a)", [(3, 4)]),
        ("tab-and-newline", "x (a\tb\nc)", [(3, 4), (5, 6), (7, 8)]),
    ),
)
def test_scalar_bare_termination(text: str, spans: list[ByteSpan]) -> None:
    assert [tuple(item.span) for item in value(text).items] == spans


@pytest.mark.parametrize(
    ("text", "found"),
    cases(
        ("quote", 'x a"b"', (codes.TOO_MANY_ATOMS, (3, 6))),
        ("comma-in-sequence", "x (a,b)", (codes.COMMA_IN_SEQUENCE, (4, 5))),
    ),
)
def test_scalar_bare_termination_by_forbidden_char(text: str, found: tuple[str, ByteSpan]) -> None:
    assert errors(text) == [found]


def test_scalar_bare_termination_at_closing_brace() -> None:
    assert value("x {a b}").entries[0].value.span == (5, 6)


# ------------------------------------------------------- scalar.quoted.escapes


@pytest.mark.parametrize(
    ("literal", "expected"),
    cases(
        ("backslash", r'"a\\b"', "a\\b"),
        ("quote", r'"say \"hi\""', 'say "hi"'),
        ("n", r'"a\nb"', "a\nb"),
        ("r", r'"a\rb"', "a\rb"),
        ("t", r'"a\tb"', "a\tb"),
        ("u4", r'"\u0041"', "A"),
        ("u-braced-emoji", r'"\u{1F600}"', "\U0001f600"),
        ("u-braced-short", r'"\u{41}"', "A"),
        ("u-braced-max", r'"\u{10FFFF}"', "\U0010ffff"),
        ("empty", '""', ""),
        ("comment-like", '"// not a comment"', "// not a comment"),
        ("special-chars", '"a.b {c} (d) @e f>g"', "a.b {c} (d) @e f>g"),
    ),
)
def test_scalar_quoted_escapes_valid(literal: str, expected: str) -> None:
    node = value(f"x {literal}")
    assert (node.text, node.kind) == (expected, ScalarKind.QUOTED)
    assert node.span == (2, 2 + len(literal.encode()))


@pytest.mark.parametrize(
    ("literal", "span"),
    cases(
        ("q", r'"a\qb"', (4, 6)),
        ("x", r'"\x41"', (3, 5)),
        ("u-too-short", r'"\u12"', (3, 7)),
        ("u-not-hex", r'"\uZZZZ"', (3, 5)),
        ("u-alone", r'"\u"', (3, 5)),
        ("u-surrogate", r'"\uD800"', (3, 9)),
        ("u-braced-too-big", r'"\u{110000}"', (3, 13)),
        ("u-braced-empty", r'"\u{}"', (3, 7)),
        ("after-non-ascii", r'"é\q"', (5, 7)),
        ("u-braced-seven-digits", r'"\u{1234567}"', (3, 14)),
    ),
)
def test_scalar_quoted_escapes_invalid(literal: str, span: ByteSpan) -> None:
    assert errors(f"x {literal}") == [(codes.INVALID_ESCAPE, span)]


def test_scalar_quoted_escapes_every_bad_escape_is_reported() -> None:
    assert errors(r'x "\q\w"') == [(codes.INVALID_ESCAPE, (3, 5)), (codes.INVALID_ESCAPE, (5, 7))]


def test_scalar_quoted_escapes_message_names_the_escape() -> None:
    assert "\\q" in diagnostic(r'name "foo\qbar"', codes.INVALID_ESCAPE).message


def test_scalar_quoted_newline_is_always_lf() -> None:
    assert text_of(r'x "line1\nline2"') == "line1\nline2"
    assert text_of(r'x "line1\r\nline2"') == "line1\r\nline2"


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("eof", 'x "abc', (2, 6)),
        ("end-of-line", 'name "hello\n', (5, 12)),
        ("escaped-quote", 'x "a\\"', (2, 6)),
        ("next-line-is-an-entry", 'x "abc\ny 1', (2, 7)),
    ),
)
def test_scalar_quoted_unterminated(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.UNTERMINATED_STRING, span)]


# ----------------------------------------------------------- scalar.raw.syntax


@pytest.mark.parametrize(
    ("literal", "expected"),
    cases(
        ("no-hashes", 'r"abc"', "abc"),
        ("empty", 'r""', ""),
        ("empty-hashed", 'r#""#', ""),
        (
            "spec-example",
            r'r#"no need to escape "quotes" or \n"#',
            r'no need to escape "quotes" or \n',
        ),
        ("inner-quote-hash", 'r##"a"#b"##', 'a"#b'),
        ("three-hashes", 'r###"has "## in it"###', 'has "## in it'),
        ("multiline", 'r#"line1\nline2"#', "line1\nline2"),
    ),
)
def test_scalar_raw_syntax_valid(literal: str, expected: str) -> None:
    node = value(f"x {literal}")
    assert (node.text, node.kind) == (expected, ScalarKind.RAW)
    assert node.span == (2, 2 + len(literal.encode()))


@pytest.mark.parametrize(
    "text",
    cases(("one-vs-zero", 'x r#"abc"'), ("two-vs-one", 'x r##"abc"#'), ("eof", 'x r#"abc')),
)
def test_scalar_raw_syntax_hash_count_must_match(text: str) -> None:
    with pytest.raises(StyxSyntaxError):
        parse(text)


RAW_UNREPORTED = (
    "an unclosed raw string lexes as bare `r#` plus a quoted string, so the error is "
    "unterminated-string or too-many-atoms; styx::unterminated-raw-string is never reported"
)


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("eof", 'x r#"abc', (2, 8)),
        ("hash-mismatch", 'x r#"abc"', (2, 9)),
    ),
)
def test_scalar_raw_syntax_unterminated_is_reported_as_raw(text: str, span: ByteSpan) -> None:
    assert first_error(text) == (codes.UNTERMINATED_RAW, span)


# ------------------------------------------------------- scalar.heredoc.syntax


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(
        ("simple", "x <<EOF\nhello\nworld\nEOF", "hello\nworld\n"),
        ("spec-example", 'script <<BASH\n  echo "hello"\n  BASH', 'echo "hello"\n'),
        ("dedent-keeps-relative", "x <<EOF\n  a\n    b\n  EOF", "a\n  b\n"),
        ("blank-line", "x <<EOF\n  a\n\n  b\n  EOF", "a\n\nb\n"),
        ("short-whitespace-line", "x <<EOF\n  a\n \n  b\n  EOF", "a\n\nb\n"),
        ("tab-indent", "x <<EOF\n\ta\n\tEOF", "a\n"),
        ("empty", "x <<EOF\nEOF", ""),
        ("delimiter-lookalikes", "x <<EOF\nEOFX\n EOF x\nEOF", "EOFX\n EOF x\n"),
        ("no-escapes", 'x <<EOF\n"q" \\n {o}\nEOF', '"q" \\n {o}\n'),
        ("digits-underscore", "x <<A_1\na\nA_1", "a\n"),
        ("sixteen-chars", "x <<ABCDEFGHIJKLMNOP\na\nABCDEFGHIJKLMNOP", "a\n"),
    ),
)
def test_scalar_heredoc_syntax_valid(text: str, expected: str) -> None:
    node = value(text)
    assert isinstance(node, Heredoc)
    assert (node.text, node.kind) == (expected, ScalarKind.HEREDOC)


def test_scalar_heredoc_syntax_span_ends_at_closing_delimiter() -> None:
    assert value("x <<EOF\na\nEOF\n").span == (2, 13)


def test_scalar_heredoc_syntax_entries_continue_after_it() -> None:
    text = "x {\n  s <<EOF\n    a\n    EOF\n  t 1\n}\ny 2"
    assert tree(text) == tree('x {s "a\\n", t 1}\ny 2')


def test_scalar_heredoc_syntax_delimiter_too_long() -> None:
    text = "x <<ABCDEFGHIJKLMNOPQ\na\nABCDEFGHIJKLMNOPQ"
    assert errors(text) == [(codes.HEREDOC_DELIMITER_LENGTH, (2, 21))]
    assert "16" in (diagnostic(text, codes.HEREDOC_DELIMITER_LENGTH).help or "")


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("no-indent", "x <<EOF\na\n  b\n  EOF", (8, 9)),
        ("partial-indent", "x <<EOF\n a\n  EOF", (8, 9)),
    ),
)
def test_scalar_heredoc_syntax_line_less_indented_than_delimiter(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.HEREDOC_INDENT, span)]
    # diag[diagnostic.parser.heredoc-indent]: show the closing delimiter too
    (label,) = diagnostic(text, codes.HEREDOC_INDENT).labels
    assert label.span.end == len(text)


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("eof", "x <<EOF\nabc", (8, 11)),
        ("golden", "text <<EOF\nhello world\n", (11, 23)),
        ("lowercase-closer", "x <<EOF\na\neof", (8, 13)),
    ),
)
def test_scalar_heredoc_syntax_unterminated(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.UNTERMINATED_HEREDOC, span)]
    found = diagnostic(text, codes.UNTERMINATED_HEREDOC)
    assert "EOF" in found.message
    # diag[diagnostic.parser.unterminated-heredoc]: show where the heredoc started
    opener = text.index("<<")
    assert label_spans(found) == [(opener, opener + 5)]


def test_scalar_heredoc_syntax_text_after_delimiter() -> None:
    assert errors("x <<EOF junk\na\nEOF") == [(codes.HEREDOC_DELIMITER, (7, 12))]


# ------------------------------------------------------ scalar.heredoc.invalid


@pytest.mark.parametrize(
    "text",
    cases(
        ("lowercase", "value <<eof"),
        ("digit", "value <<123"),
        ("eof", "value <<"),
        ("space", "value << EOF"),
        ("newline", "value <<\nEOF"),
    ),
)
def test_scalar_heredoc_invalid_start(text: str) -> None:
    assert first_error(text) == (codes.HEREDOC_DELIMITER, (6, 8))


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(
        ("single-lt", "x <a", "<a"),
        ("lone-lt", "x <", "<"),
        ("lt-lt-inside", "x foo<<bar", "foo<<bar"),
        ("quoted", 'x "<< DELIM"', "<< DELIM"),
    ),
)
def test_scalar_heredoc_invalid_does_not_apply(text: str, expected: str) -> None:
    assert text_of(text) == expected


# -------------------------------------------------------- scalar.heredoc.lang


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    cases(
        ("rust", "code <<EOF,rust\n  fn main() {}\n  EOF", "rust", "fn main() {}\n"),
        ("sql", "query <<SQL,sql\n  SELECT * FROM users\n  SQL", "sql", "SELECT * FROM users\n"),
        ("all-allowed-chars", "x <<EOF,objective-c.v2_x\na\nEOF", "objective-c.v2_x", "a\n"),
        ("none", "x <<EOF\na\nEOF", None, "a\n"),
    ),
)
def test_scalar_heredoc_lang_is_metadata(text: str, lang: str | None, expected: str) -> None:
    node = value(text)
    assert (node.lang, node.text) == (lang, expected)


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("uppercase", "x <<EOF,Rust\na\nEOF", (8, 12)),
        ("plus", "x <<EOF,c++\na\nEOF", (8, 11)),
        ("digit-first", "x <<EOF,1x\na\nEOF", (8, 10)),
    ),
)
def test_scalar_heredoc_lang_invalid(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.HEREDOC_LANG, span)]


# ------------------------------------------------------------------ value.unit


def test_value_unit_explicit() -> None:
    node = value("enabled @")
    assert isinstance(node, Unit) and not node.implicit and node.span == (8, 9)


def test_value_unit_implicit_has_key_span() -> None:
    node = value("enabled")
    assert isinstance(node, Unit) and node.implicit and node.span == (0, 7)


def test_value_unit_explicit_and_implicit_mean_the_same() -> None:
    assert tree("enabled @") == tree("enabled")


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(("in-sequence", "x (@ @)", Q(UNIT, UNIT)), ("in-object", "x {a @}", O((S("a"), UNIT)))),
)
def test_value_unit_nested(text: str, expected: object) -> None:
    assert shape(value(text)) == expected


# ------------------------------------------------------------------ tag.syntax


@pytest.mark.parametrize("name", ["a", "_x", "A9", "a-b_c1", "string", "must_not_emit"])
def test_tag_syntax_valid_names(name: str) -> None:
    node = value(f"x @{name}")
    assert isinstance(node, Tagged)
    assert (node.name, node.value, node.payload) == (name, None, None)
    assert node.span == node.tag.span == (2, 3 + len(name))


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("digit-first", "x @123", (2, 6)),
        ("dot-first", "x @.foo", (2, 7)),
        ("hyphen-first", "x @-x", (2, 5)),
        ("slash", "x @org/package", (2, 14)),
        ("dot-inside", "x @a.b", (2, 6)),
        ("colon-inside", "x @a:b", (2, 6)),
        ("non-ascii", "x @é", (2, 5)),
        ("dangling-chain", "x @a/", (2, 5)),
        ("as-key", "@123 x", (0, 4)),
    ),
)
def test_tag_syntax_invalid_name(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.INVALID_TAG_NAME, span)]


# ----------------------------------------------------------------- tag.payload

NAME_ENDING_IN_R = (
    'a tag name stops in front of `r"` (to allow raw payloads), so a name ending in `r` '
    'followed by a quoted payload is cut short: `@color"red"` parses as tag `colo` with raw '
    'payload `r"red"`, and the spec\'s own example `@outer/@inner"payload"` gets tag `inne`'
)


@pytest.mark.parametrize(
    ("text", "payload"),
    cases(
        ("object", 'x @err{message "x"}', O((S("message"), S("x")))),
        ("sequence", "x @rgb(255 128 0)", Q(S("255"), S("128"), S("0"))),
        ("quoted", 'x @nickname"Bob"', S("Bob")),
        ("raw", 'x @tagr#"x"#', S("x")),
        ("heredoc", "x @t<<EOF\nbody\nEOF", S("body\n")),
        ("explicit-unit", "x @ok@", None),
        ("implicit-unit", "x @ok", None),
        ("empty-object", "x @t{}", O()),
        ("empty-sequence", "x @t()", Q()),
    ),
)
def test_tag_payload(text: str, payload: object) -> None:
    node = value(text)
    assert isinstance(node, Tagged)
    assert (None if node.payload is None else shape(node.payload)) == payload


@pytest.mark.parametrize(
    "text",
    cases(
        ("color", 'x @color"red"'),
        ("user", 'x @user"bob"'),
    ),
)
def test_tag_payload_quoted_after_name_ending_in_r(text: str) -> None:
    node = warned(text, codes.TAG_NAME_BEFORE_QUOTE).entries[0].value
    assert isinstance(node, Tagged)
    assert node.name == text[3 : text.index('"')]
    assert node.payload.kind is ScalarKind.QUOTED


def test_tag_payload_raw_keeps_tag_name() -> None:
    node = value('x @tagr#"x"#')
    assert (node.name, node.payload.kind) == ("tag", ScalarKind.RAW)


def test_tag_payload_explicit_unit_is_kept_in_tree() -> None:
    explicit, implicit = value("x @ok@"), value("x @ok")
    assert isinstance(explicit.value, Unit) and explicit.value.span == (5, 6)
    assert implicit.value is None
    assert shape(explicit) == shape(implicit)


def test_tag_payload_spans() -> None:
    node = value("x @err{a 1}")
    assert (node.span, node.tag.span, node.payload.span) == ((2, 11), (2, 6), (6, 11))


def test_tag_payload_bare_scalar_after_tag_is_a_separate_atom() -> None:
    entry = ok("@tag value").entries[0]
    assert isinstance(entry.key, Tagged) and entry.key.payload is None
    assert entry.value.text == "value"


# ------------------------------------------------------------------- tag.chain


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(
        (
            "spec-object",
            "x @must_emit/@discover_start{executor default}",
            T("must_emit", T("discover_start", O((S("executor"), S("default"))))),
        ),
        ("spec-unit", "x @must_not_emit/@exec_start", T("must_not_emit", T("exec_start"))),
        ("three-levels", "x @a/@b/@c", T("a", T("b", T("c")))),
        ("object", "x @a/@b{x 1}", T("a", T("b", O((S("x"), S("1")))))),
    ),
)
def test_tag_chain_nests(text: str, expected: object) -> None:
    assert shape(value(text)) == expected


def test_tag_chain_spec_quoted_example_nests_with_a_warning() -> None:
    document = warned('x @outer/@inner"payload"', codes.TAG_NAME_BEFORE_QUOTE)
    assert shape(document.entries[0].value) == T("outer", T("inner", S("payload")))


def test_tag_chain_differs_from_sequence_payload() -> None:
    assert shape(value("x @a/@b(1 2)")) == T("a", T("b", Q(S("1"), S("2"))))
    assert shape(value("x @a(@b(1 2))")) == T("a", Q(T("b", Q(S("1"), S("2")))))


def test_tag_chain_spans() -> None:
    outer = value("x @a/@b{x 1}")
    inner = outer.payload
    assert (outer.span, outer.tag.span) == ((2, 12), (2, 4))
    assert (inner.span, inner.tag.span) == ((5, 12), (5, 7))


def test_tag_chain_adjacent_tags_without_slash() -> None:
    assert errors("x @a@b") == [(codes.ADJACENT_TAGS, (4, 6))]


# ------------------------------------------------- sequence.syntax / elements


@pytest.mark.parametrize(
    ("text", "expected"),
    cases(
        ("empty", "x ()", Q()),
        ("flat", "numbers (1 2 3)", Q(S("1"), S("2"), S("3"))),
        ("nested", "nested ((a b) (c d))", Q(Q(S("a"), S("b")), Q(S("c"), S("d")))),
        ("newlines", "x (1\n2\n)", Q(S("1"), S("2"))),
        ("tabs", "x (\t1\t2 )", Q(S("1"), S("2"))),
        ("only-newlines", "x (\n\n)", Q()),
    ),
)
def test_sequence_syntax_valid(text: str, expected: object) -> None:
    assert shape(value(text)) == expected


@pytest.mark.parametrize(
    ("text", "span"),
    cases(("nbsp", "x\u00a01", (1, 3)), ("ideographic-space", "x (a\u3000b)", (4, 7))),
)
def test_sequence_syntax_other_unicode_spaces_are_errors(text: str, span: ByteSpan) -> None:
    # docs/spec-decisions.md #14
    assert first_error(text) == (codes.UNEXPECTED_CHARACTER, span)


def test_sequence_syntax_spec_matrix() -> None:
    assert tree("matrix (\n  (1 2 3)\n  (4 5 6)\n)") == tree("matrix ((1 2 3) (4 5 6))")


def test_sequence_syntax_span() -> None:
    assert value("x (a b)").span == (2, 7)


@pytest.mark.parametrize(
    ("text", "spans"),
    cases(
        ("one", "x (a, b)", [(4, 5)]),
        ("two", "items (a, b, c)", [(8, 9), (11, 12)]),
        ("trailing", "x (a,)", [(4, 5)]),
        ("nested", "x ((a, b))", [(5, 6)]),
    ),
)
def test_sequence_syntax_comma_is_an_error(text: str, spans: list[ByteSpan]) -> None:
    assert errors(text) == [(codes.COMMA_IN_SEQUENCE, span) for span in spans]


def test_sequence_elements_any_atom() -> None:
    items = value('x (a "q" r#"r"# <<EOF\nh\nEOF\n @ @t @t{a 1} {a 1} (1))').items
    assert [type(item) for item in items] == [
        Scalar, Scalar, Scalar, Heredoc, Unit, Tagged, Tagged, Object, Sequence,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("only-element", "x (a>1 b>2)", (3, 10)),
        ("middle-element", "x ({a 1} b>2 c)", (9, 12)),
    ),
)
def test_sequence_attributes_are_an_error(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.ATTRIBUTE_IN_SEQUENCE, span)]


def test_sequence_attributes_help_suggests_block_form() -> None:
    assert "{a 1, b 2}" in (diagnostic("x (a>1 b>2)", codes.ATTRIBUTE_IN_SEQUENCE).help or "")


def test_sequence_attributes_inside_block_object_are_fine() -> None:
    assert tree("x ({a b>1})") == tree("x ({a {b 1}})")


# --------------------------------------------------- object.syntax/separators

SERVER = "server {\n  host localhost\n  port 8080\n}"


@pytest.mark.parametrize(
    "text",
    cases(
        ("newlines", SERVER),
        ("commas", "server {host localhost, port 8080}"),
        ("commas-no-space", "server {host localhost,port 8080}"),
        ("trailing-comma", "server {host localhost, port 8080,}"),
        ("mixed", "server {host localhost,\n port 8080}"),
        ("comma-and-newline", "server {\n  host localhost,\n  port 8080,\n}"),
        ("blank-lines", "server {\n\n  host localhost\n\n  port 8080\n\n}"),
    ),
)
def test_object_separators(text: str) -> None:
    assert tree(text) == tree(SERVER)


@pytest.mark.parametrize(
    "text", cases(("tight", "x {}"), ("newline", "x {\n}"), ("space", "x { }"))
)
def test_object_syntax_empty(text: str) -> None:
    node = value(text)
    assert isinstance(node, Object) and node.entries == [] and node.form is ObjectForm.BLOCK


def test_object_syntax_span() -> None:
    assert value("x {a 1}").span == (2, 7)


def test_object_separators_root_uses_the_same_rules() -> None:
    assert tree("a 1, b 2\nc 3,") == tree("a 1\nb 2\nc 3")


def test_object_separators_minified_appendix() -> None:
    minified = '{server {host localhost,port 8080},database {url "postgres://..."}}'
    expanded = f'{SERVER}\n\ndatabase {{\n  url "postgres://..."\n}}\n'
    assert tree(minified) == tree(expanded)


def test_object_separators_missing_separator() -> None:
    assert errors("x {a 1 b 2}") == [(codes.TOO_MANY_ATOMS, (7, 10))]


@pytest.mark.parametrize(
    ("text", "spans"),
    cases(
        ("brace", "x {", [(2, 3)]),
        ("paren", "x (", [(2, 3)]),
        ("brace-golden", "obj { foo bar\n", [(4, 5)]),
        ("paren-golden", "seq (a b c\n", [(4, 5)]),
        ("outer-of-nested", "a {b {c 1}", [(2, 3)]),
        ("both", "x (a {", [(2, 3), (5, 6)]),
    ),
)
def test_object_syntax_unclosed_delimiter_points_at_opener(
    text: str, spans: list[ByteSpan]
) -> None:
    assert errors(text) == [(codes.UNCLOSED_DELIMITER, span) for span in spans]


@pytest.mark.parametrize("text", cases(("brace", "x }"), ("paren", "x )")))
def test_object_syntax_stray_closer(text: str) -> None:
    assert errors(text) == [(codes.UNEXPECTED_TOKEN, (2, 3))]


# ------------------------------------------------------------- entry.structure


def test_entry_structure_one_atom_is_implicit_unit() -> None:
    entry = ok("enabled").entries[0]
    assert entry.key.span == (0, 7)
    assert isinstance(entry.value, Unit) and entry.value.implicit
    assert entry.value.span == entry.key.span


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    cases(
        ("scalar", "host localhost", Scalar, (5, 14)),
        ("tag", "type @string", Tagged, (5, 12)),
        ("tagged-object", "config @object{}", Tagged, (7, 16)),
    ),
)
def test_entry_structure_two_atoms(text: str, kind: type, span: ByteSpan) -> None:
    entry = ok(text).entries[0]
    assert isinstance(entry.value, kind) and entry.value.span == span
    assert entry.span == (0, len(text))


def test_entry_structure_dotted_key_alone_is_implicit_unit() -> None:
    inner = value("a.b").entries[0].value
    assert isinstance(inner, Unit) and inner.implicit and inner.span == (0, 3)


# ------------------------------------------------------------ entry.whitespace


@pytest.mark.parametrize(
    "text",
    cases(
        ("space-brace", "config {}"),
        ("space-paren", "items (1 2 3)"),
        ("quoted-brace", '"a"{}'),
        ("quoted-paren", '"a"(1)'),
        ("raw-brace", 'r#"a"#{}'),
        ("tag", "x @tag{}"),
        ("sequence-elements", "x (a(b))"),
    ),
)
def test_entry_whitespace_valid(text: str) -> None:
    ok(text)


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("brace", "config{}", (6, 7)),
        ("paren", "items(1 2 3)", (5, 6)),
        ("non-empty", "config{a 1}", (6, 7)),
        ("dotted", "a.b{}", (3, 4)),
        ("nested", "x {config{}}", (9, 10)),
        ("non-ascii", "é{}", (2, 3)),
    ),
)
def test_entry_whitespace_missing(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.MISSING_WHITESPACE, span)]


# --------------------------------------------------------------- entry.toomany


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("three", "a b c", (4, 5)),
        ("four", "a b c d", (4, 7)),
        ("tag-space-payload", "key @tag {}", (9, 11)),
        ("after-sequence", "x (a) 1", (6, 7)),
        ("after-non-ascii", 'x "é" y', (7, 8)),
    ),
)
def test_entry_toomany(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.TOO_MANY_ATOMS, span)]


def test_entry_toomany_labels_key_and_value() -> None:
    assert label_spans(diagnostic("a b c", codes.TOO_MANY_ATOMS)) == [(0, 1), (2, 3)]


@pytest.mark.parametrize(
    ("text", "suggestion"),
    cases(
        ("object", "key @tag {}", "@tag{"),
        ("sequence", "key @tag ()", "@tag("),
        ("quoted", 'key @tag "x"', '@tag"'),
    ),
)
def test_entry_toomany_suggests_removing_space_after_tag(text: str, suggestion: str) -> None:
    assert suggestion in (diagnostic(text, codes.TOO_MANY_ATOMS).help or "")


def test_entry_toomany_tag_touching_payload_is_one_atom() -> None:
    assert shape(value("key @tag{}")) == T("tag", O())


# ------------------------------------------------------------------ entry.keys


@pytest.mark.parametrize(
    ("text", "key"),
    cases(
        ("bare", "host localhost", S("host")),
        ("quoted", '"key with spaces" 42', S("key with spaces")),
        ("raw", 'r#"raw key"# 1', S("raw key")),
        ("unit", "@ mapped", UNIT),
        ("tag", "@root schema", T("root")),
        ("tagged-scalar", '@env"PATH" "/usr/bin"', T("env", S("PATH"))),
        ("tag-explicit-unit", "@t@ 1", T("t")),
    ),
)
def test_entry_keys_valid(text: str, key: object) -> None:
    assert shape(ok(text).entries[0].key) == key


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("sequence", "(a b) value", (0, 5)),
        ("object-not-first", "a 1\n{b 2} value", (4, 9)),
        ("heredoc", "<<EOF\ntext\nEOF\nvalue", (0, 6)),
        ("object-in-object", "x {{a 1} v}", (3, 8)),
        ("sequence-in-object", "x {(a) 1}", (3, 6)),
        ("heredoc-in-object", "x {<<EOF\nt\nEOF\n}", (3, 9)),
        ("tagged-object", "@t{} 1", (0, 4)),
        ("tagged-sequence", "@t() 1", (0, 4)),
        ("attributes", "a>1 b", (0, 3)),
    ),
)
def test_entry_keys_invalid(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.INVALID_KEY, span)]


# ------------------------------------------------------------------ entry.path


@pytest.mark.parametrize(
    ("text", "canonical"),
    cases(
        ("abc", "a.b.c value", "a {b {c value}}"),
        ("server", "server.host localhost", "server {host localhost}"),
        ("profile", "profile.release.lto true", "profile {release {lto true}}"),
        (
            "spec-compare",
            "selector.matchLabels app>web",
            "selector {\n  matchLabels {\n    app web\n  }\n}",
        ),
        ("inside-object", "x {a.b 1}", "x {a {b 1}}"),
        ("implicit-unit", "a.b", "a {b}"),
        ("tagged-value", "a.b @t{c 1}", "a {b @t{c 1}}"),
    ),
)
def test_entry_path_expands(text: str, canonical: str) -> None:
    assert tree(text) == tree(canonical)


def test_entry_path_spans_and_forms() -> None:
    a = ok("a.b.c 1").entries[0]
    b = a.value.entries[0]
    c = b.value.entries[0]
    assert [tuple(e.key.span) for e in (a, b, c)] == [(0, 1), (2, 3), (4, 5)]
    assert (a.value.form, b.value.form) == (ObjectForm.PATH, ObjectForm.PATH)
    assert (a.value.span, b.value.span, c.value.span) == ((0, 5), (2, 5), (6, 7))


def test_entry_path_non_ascii_segment_spans() -> None:
    a = ok("ü.ö.ä 1").entries[0]
    b = a.value.entries[0]
    c = b.value.entries[0]
    assert [tuple(e.key.span) for e in (a, b, c)] == [(0, 2), (3, 5), (6, 8)]


def test_entry_path_quoted_key_is_not_split() -> None:
    assert tree('"a.b" 1') == ("document", ((S("a.b"), S("1")),))


def test_entry_path_quoted_segment_starts_a_path() -> None:
    found = shape(warned('"a.b".c value', codes.QUOTED_PATH_SEGMENT))
    assert found == tree('"a.b" {c value}')


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("double-dot", "a..b 1", (0, 4)),
        ("leading-dot", ".a 1", (0, 2)),
        ("trailing-dot", "a. 1", (0, 2)),
        ("inside-object", "x {a..b 1}", (3, 7)),
    ),
)
def test_entry_path_empty_segment_is_invalid(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.INVALID_KEY, span)]


# ---------------------------------------------------------- entry.path.sibling


def test_entry_path_sibling_spec_example() -> None:
    doc = ok("foo.bar.x value1\nfoo.bar.y value2\nfoo.baz value3\nother done")
    # as in the compliance suite, each dotted entry stays an entry of its own
    assert [e.key.text for e in doc.entries] == ["foo", "foo", "foo", "other"]


@pytest.mark.parametrize(
    "text",
    cases(
        ("deeper", "a.b.c 1\na.b.d 2\na.e 3"),
        ("objects", "a.b {}\na.c {}"),
        ("inside-block", "x { a.b 1\n a.c 2 }"),
        ("separate-objects", "x {a.b 1}\ny {a.b 1}"),
        ("comma-separated", "a.b.c 1, a.b.d 2, a.e 3"),
    ),
)
def test_entry_path_sibling_valid(text: str) -> None:
    ok(text)


# ----------------------------------------------------------- entry.path.reopen


@pytest.mark.parametrize(
    ("text", "span", "closer"),
    cases(
        ("spec-1", "foo.bar {}\nfoo.baz {}\nfoo.bar.x value", (22, 31), (11, 18)),
        ("spec-2", "a.b.c {}\na.b.d {}\na.x {}\na.b.e {}", (25, 30), (18, 21)),
        ("top-level", "a.b 1\nc 2\na.d 3", (10, 13), (6, 7)),
        ("inside-block", "x { a.b {}\na.c {}\na.b.d 1}", (18, 23), (11, 14)),
        ("non-ascii", "é.b 1\né.c 2\nd 3\né.b.x 4", (18, 24), (14, 15)),
    ),
)
def test_entry_path_reopen(text: str, span: ByteSpan, closer: ByteSpan) -> None:
    assert errors(text) == [(codes.REOPENED_PATH, span)]
    # diag[diagnostic.parser.reopened-path]: show where the sibling closed the path
    assert label_spans(diagnostic(text, codes.REOPENED_PATH)) == [closer]


def test_entry_path_reopen_message_names_the_path() -> None:
    found = diagnostic("foo.bar {}\nfoo.baz {}\nfoo.bar.x value", codes.REOPENED_PATH)
    assert "foo.bar" in found.message


# ------------------------------------------------ nest-into-terminal (entry.path)


@pytest.mark.parametrize(
    ("text", "span", "terminal"),
    cases(
        ("golden", "a.b value\na.b.c deep", (10, 15), (0, 3)),
        ("scalar", "x 1\nx.y 2", (4, 7), (0, 1)),
        ("unit", "a @\na.b 1", (4, 7), (0, 1)),
        ("tag", "a @t\na.b 1", (5, 8), (0, 1)),
        ("sequence", "a (1)\na.b 1", (6, 9), (0, 1)),
        ("quoted", 'a "s"\na.b 1', (6, 9), (0, 1)),
        ("implicit-unit", "a\na.b 1", (2, 5), (0, 1)),
    ),
)
def test_entry_path_nest_into_terminal(text: str, span: ByteSpan, terminal: ByteSpan) -> None:
    assert errors(text) == [(codes.NEST_INTO_TERMINAL, span)]
    assert label_spans(diagnostic(text, codes.NEST_INTO_TERMINAL)) == [terminal]


# --------------------------------------------------------- entry.key-equality


@pytest.mark.parametrize(
    ("text", "span", "first"),
    cases(
        ("bare-vs-quoted", 'a 1\n"a" 2', (4, 7), (0, 1)),
        ("escape-processed", '"\\u0061" 1\na 2', (11, 12), (0, 8)),
        ("raw-vs-bare", 'r#"a"# 1\na 2', (9, 10), (0, 6)),
        ("escaped-tab", '"a\\tb" 1\n"a\tb" 2', (9, 14), (0, 6)),
        ("unit", "@ 1\n@ 2", (4, 5), (0, 1)),
        ("tag", "@t 1\n@t 2", (5, 7), (0, 2)),
        ("tag-quoted-payload", '@t"x" 1\n@t"x" 2', (8, 13), (0, 5)),
        ("tag-quoted-vs-raw", '@t"x" 1\n@tr#"x"# 2', (8, 16), (0, 5)),
        ("tag-explicit-vs-implicit-unit", "@t@ 1\n@t 2", (6, 8), (0, 3)),
        ("not-adjacent", "a 1\nb 2\na 3", (8, 9), (0, 1)),
        ("in-object", "x {a 1\na 2}", (7, 8), (3, 4)),
        ("attributes", "x a>1 a>2", (6, 7), (2, 3)),
        ("dotted", "a.b 1\na.b 2", (6, 9), (0, 3)),
        ("dotted-then-plain", "x.y 1\nx 2", (6, 7), (0, 3)),
        ("prefix-of-earlier-path", "a.b.c 1\na.b 2", (8, 11), (0, 5)),
        ("closed-path-as-whole-key", "foo.bar {}\nfoo.baz {}\nfoo.bar 1", (22, 29), (0, 7)),
        ("non-ascii", "é 1\né 2", (5, 7), (0, 2)),
    ),
)
def test_entry_key_equality_duplicate(text: str, span: ByteSpan, first: ByteSpan) -> None:
    assert errors(text) == [(codes.DUPLICATE_KEY, span)]
    # diag[diagnostic.parser.duplicate-key]: show the first definition too
    (label,) = diagnostic(text, codes.DUPLICATE_KEY).labels
    assert label.span == first and "first" in label.message


@pytest.mark.parametrize(
    "text",
    cases(
        ("tag-payloads", '@t"x" 1\n@t"y" 2'),
        ("tag-names", "@t 1\n@u 2"),
        ("tag-unit-vs-scalar-payload", '@t 1\n@t"x" 2'),
        ("unit-vs-scalar", '@ 1\n"@" 2'),
        ("case", "a 1\nA 2"),
        ("space", '"a b" 1\na 2'),
        ("different-objects", "x {a 1}\ny {a 1}"),
        ("nested-same-name", "a {a 1}"),
    ),
)
def test_entry_key_equality_distinct(text: str) -> None:
    ok(text)


# --------------------------------------------------- attr.syntax/values/atom


def test_attr_syntax_spec_compare() -> None:
    assert tree("server host>localhost port>8080") == tree(SERVER)


def test_attr_syntax_tree_and_spans() -> None:
    node = value("server host>localhost port>8080")
    assert (node.form, node.span) == (ObjectForm.ATTRIBUTES, (7, 31))
    assert [tuple(e.key.span) for e in node.entries] == [(7, 11), (22, 26)]
    assert [tuple(e.value.span) for e in node.entries] == [(12, 21), (27, 31)]


def test_attr_values_spec_example() -> None:
    assert tree("config name>app tags>(web prod) opts>{verbose true}") == tree(
        "config {name app, tags (web prod), opts {verbose true}}"
    )


@pytest.mark.parametrize(
    ("attr", "canonical"),
    cases(
        ("bare", "a>b", "b"),
        ("quoted", 'a>"q s"', '"q s"'),
        ("raw", 'a>r#"r"#', "r"),
        ("sequence", "a>(1 2)", "(1 2)"),
        ("object", "a>{b 1}", "{b 1}"),
        ("tag", "a>@t", "@t"),
        ("unit", "a>@", "@"),
        ("non-ascii", "a>é", "é"),
        ("heredoc", "a><<EOF\nt\nEOF", "<<EOF\nt\nEOF\n"),
    ),
)
def test_attr_values(attr: str, canonical: str) -> None:
    assert tree(f"x {attr}") == tree(f"x {{a {canonical}}}")


def test_attr_atom_multiple_attributes_form_one_object() -> None:
    assert len(ok("x host>localhost port>8080").entries) == 1
    assert tree("x host>localhost port>8080") == tree("x {host localhost, port 8080}")


def test_attr_atom_non_ascii_spans() -> None:
    node = value("x ñ>ü y>é")
    assert node.span == (2, 12)
    assert [tuple(e.key.span) for e in node.entries] == [(2, 4), (8, 9)]


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("eof", "x a>", (3, 4)),
        ("golden", "key value>\n", (9, 10)),
        ("space", "x a> ", (3, 4)),
        ("comma", "x a>,y 1", (3, 4)),
    ),
)
def test_attr_syntax_missing_value(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.EXPECTED_VALUE, span)]


def test_attr_syntax_space_after_gt() -> None:
    assert first_error("x a> 1") == (codes.EXPECTED_VALUE, (3, 4))


@pytest.mark.parametrize(
    ("text", "span"),
    cases(("spaced", "a > b", (2, 3)), ("trailing", "x >", (2, 3)), ("leading", "> 1", (0, 1))),
)
def test_attr_syntax_stray_gt(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.UNEXPECTED_TOKEN, span)]


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("quoted-key", 'x "a">1', (5, 6)),
        ("tag-key", "x @t>1", (4, 5)),
        ("space-before-gt", "x a >1", (4, 5)),
    ),
)
def test_attr_syntax_key_must_be_bare_and_touch(text: str, span: ByteSpan) -> None:
    assert first_error(text) == (codes.UNEXPECTED_TOKEN, span)


@pytest.mark.parametrize(
    "text", cases(("chained", "x a>b>c"), ("trailing-gt", "x a>1>"), ("stray-gt", "x a>=>"))
)
def test_attr_values_malformed_value_is_a_diagnostic_not_a_crash(text: str) -> None:
    assert not parse_lenient(text).ok


# ----------------------------------------------------- entry.path.attributes


def test_entry_path_attributes_spec_compare() -> None:
    assert tree("spec.selector.matchLabels app>web tier>frontend") == tree(
        "spec {\n  selector {\n    matchLabels {\n      app web\n      tier frontend\n    }\n  }\n}"
    )


def test_entry_path_attributes_value_is_an_object_for_siblings() -> None:
    ok("a.b x>1\na.c y>2")


# --------------------------------------------------------------- document.root


@pytest.mark.parametrize(
    ("explicit", "implicit"),
    cases(
        ("simple", "{a 1}", "a 1"),
        ("spec-compare", "{\n  server {\n    host localhost\n    port 8080\n  }\n}", SERVER),
        ("commas", "{a 1, b 2}", "a 1\nb 2"),
        ("surrounding-space", "  {a 1}\n", "a 1"),
        ("comments", "// c\n{a 1} // d\n", "a 1"),
        ("empty", "{}", ""),
    ),
)
def test_document_root_explicit_equals_implicit(explicit: str, implicit: str) -> None:
    explicit_doc, implicit_doc = ok(explicit), ok(implicit)
    assert shape(explicit_doc) == shape(implicit_doc)
    assert explicit_doc.explicit_root and not implicit_doc.explicit_root


@pytest.mark.parametrize(
    "text",
    cases(("empty", ""), ("blank", "   \n\n"), ("comment", "// only\n"), ("separators", "\n,\n")),
)
def test_document_root_without_entries(text: str) -> None:
    doc = ok(text)
    assert doc.entries == [] and not doc.explicit_root


def test_document_root_implicit_spans_whole_text() -> None:
    assert ok("a 1\nb 2\n").root.span == (0, 8)


@pytest.mark.parametrize(
    ("text", "span"),
    cases(
        ("same-line", "{a 1} value", (6, 11)),
        (
            "golden",
            "// Trailing content after explicit root object is an error\n{a 1} value\n",
            (65, 71),
        ),
        ("next-line", "{a 1}\nb 2", (6, 9)),
        ("second-object", "{a 1} {b 2}", (6, 11)),
        ("non-ascii", "{é 1} ü", (7, 9)),
        ("second-object-next-line", "{a 1}\n{b 2}", (6, 11)),
    ),
)
def test_document_root_trailing_content(text: str, span: ByteSpan) -> None:
    assert errors(text) == [(codes.TRAILING_CONTENT, span)]


def test_document_root_trailing_content_labels_the_root() -> None:
    assert label_spans(diagnostic("{a 1} value", codes.TRAILING_CONTENT)) == [(0, 1), (4, 5)]


# ------------------------------------------------- byte spans of non-ASCII text


def test_spans_non_ascii_keys_and_values() -> None:
    first, second = ok("é 1\nb 2").entries
    assert (first.key.span, first.value.span) == ((0, 2), (3, 4))
    assert (second.key.span, second.value.span) == ((5, 6), (7, 8))


@pytest.mark.parametrize(
    ("text", "found"),
    cases(
        ("too-many", "é @tag{ü 1} ö", (codes.TOO_MANY_ATOMS, (14, 16))),
        ("heredoc", "é <<EOF\n  ü\n", (codes.UNTERMINATED_HEREDOC, (9, 14))),
        ("unclosed", "ø {", (codes.UNCLOSED_DELIMITER, (3, 4))),
        ("tag", "é @ß", (codes.INVALID_TAG_NAME, (3, 6))),
        ("emoji-escape", 'x "😀\\q"', (codes.INVALID_ESCAPE, (7, 9))),
    ),
)
def test_spans_non_ascii_diagnostics(text: str, found: tuple[str, ByteSpan]) -> None:
    assert errors(text) == [found]


@pytest.mark.parametrize(
    "text",
    cases(
        ("duplicate", "é 1\né 2"),
        ("unterminated-heredoc", "é <<EOF\n  ü\n"),
        ("reopen", "ü.ö 1\nü.ä 2\nz 3\nü.ö.x 4"),
        ("unclosed-with-duplicate", "é {\n  ß 1\n  ß 2\n"),
        ("heredoc-indent", "é <<EOF\nü\n  EOF"),
        ("missing-whitespace", "<<é>b"),
    ),
)
def test_spans_fall_on_character_boundaries(text: str) -> None:
    data = text.encode()
    result = parse_lenient(text)
    assert result.diagnostics
    for found in result.diagnostics:
        for span in (found.span, *(label.span for label in found.labels)):
            assert 0 <= span.start <= span.end <= len(data)
            data[span.start : span.end].decode("utf-8")  # raises when a character is split


# ------------------------------------------------------------ CRLF line endings


@pytest.mark.parametrize(
    "text",
    cases(
        ("entries", "a 1\nb 2\n"),
        ("comments", "/// a\n/// b\nx 1 // c\ny {\n  z 2\n}\n"),
        ("heredoc", "x <<EOF,sql\n  a\n    b\n  EOF\ny (1\n2)\n"),
        ("mixed-separators", "x {a 1,\nb 2}\n"),
        ("paths", "a.b 1\na.c 2\n"),
        ("dangling-doc", "/// a\n\nx 1\n"),
        ("heredoc-indent", "x <<EOF\na\n  b\n  EOF\n"),
        ("explicit-root", "{\n  a 1\n}\n"),
    ),
)
def test_crlf_parses_like_lf(text: str) -> None:
    lf, crlf = parse_lenient(text), parse_lenient(text.replace("\n", "\r\n"))
    # Besides the warning that the reference keeps the CRs in heredoc text.
    crlf_codes = [d.code for d in crlf.diagnostics if d.code != codes.HEREDOC_CRLF]
    assert crlf_codes == [d.code for d in lf.diagnostics]
    assert any(d.code == codes.HEREDOC_CRLF for d in crlf.diagnostics) == ("<<" in text)
    assert crlf.document is not None and lf.document is not None
    assert shape(crlf.document) == shape(lf.document)


def test_crlf_doc_comment_and_heredoc_text_have_no_cr() -> None:
    text = "/// a\r\n/// b\r\nx <<EOF\r\n  t\r\n  EOF\r\n"
    entry = warned(text, codes.HEREDOC_CRLF).entries[0]
    assert (entry.doc.text, entry.value.text) == ("a\nb", "t\n")


def test_crlf_spans_count_the_cr_byte() -> None:
    assert ok("a 1\r\nb 2").entries[1].key.span == (5, 6)
    assert errors("a 1\r\na 2") == [(codes.DUPLICATE_KEY, (5, 6))]


# ------------------------------------------------------ several errors at once


def test_errors_in_different_objects_are_all_reported_in_order() -> None:
    assert errors("x {a 1\na 2}\ny {b 1\nb 2}") == [
        (codes.DUPLICATE_KEY, (7, 8)),
        (codes.DUPLICATE_KEY, (19, 20)),
    ]


def test_errors_of_different_kinds_are_sorted_by_position() -> None:
    assert errors('x "\\q"\ny {a 1\na 2}\nconfig{}') == [
        (codes.INVALID_ESCAPE, (3, 5)),
        (codes.DUPLICATE_KEY, (14, 15)),
        (codes.MISSING_WHITESPACE, (25, 26)),
    ]


def test_errors_found_late_still_come_in_source_order() -> None:
    # the unclosed `{` is only known at the end of the input
    assert errors("x {\na 1\na 2") == [
        (codes.UNCLOSED_DELIMITER, (2, 3)),
        (codes.DUPLICATE_KEY, (8, 9)),
    ]


def test_parse_raises_with_every_error_and_exact_first_span() -> None:
    text = "a 1\na 2\nb {c 1\nc 2}"
    with pytest.raises(StyxSyntaxError) as caught:
        parse(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert [(d.code, tuple(d.span)) for d in error.diagnostics] == errors(text)
    assert error.diagnostics[0].span == (4, 5)
    assert str(error).startswith("<string>:2:1: duplicate key")
    assert "(and 1 more)" in str(error)


def test_parse_lenient_keeps_the_tree_of_a_document_with_errors() -> None:
    result = parse_lenient("a 1\na 2")
    assert not result.ok
    assert result.document is not None and len(result.document.entries) == 2


def test_parse_returns_document_for_valid_text() -> None:
    assert isinstance(parse("a 1"), Document) and parse_lenient("a 1").ok
