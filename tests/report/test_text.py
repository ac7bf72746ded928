"""The human layout, checked against reviewed snapshots, and colour at the edge.

Every syntax code the parser can produce has a snapshot made from a real
diagnostic (`styx.parse_lenient`); the layout cases cover what real
documents rarely combine: tabs, wide characters, several labels on a line,
spans over lines, end of input, other files, unreadable sources.

``STYX_UPDATE_SNAPSHOTS=1`` rewrites the snapshots from the current output
instead of comparing; review the diff (carets under the right characters!)
before committing it.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import styx
from styx import Diagnostic, Label, Severity, Span
from styx.report.color import should_color, write_diagnostics
from styx.report.machine import Report, to_json
from styx.report.text import plain, render, render_plain
from styx.syntax import codes

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("STYX_UPDATE_SNAPSHOTS") == "1"
FILENAME = "config.styx"


def check_snapshot(name: str, output: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        path.write_bytes(output.encode("utf-8"))
        return
    assert path.exists(), f"no snapshot {path.name}: run with STYX_UPDATE_SNAPSHOTS=1, review it"
    assert output == path.read_bytes().decode("utf-8")


def render_all(text: str) -> tuple[list[str], str]:
    """The codes of a document's diagnostics and all of them rendered."""
    diagnostics = styx.parse_lenient(text).diagnostics
    shown = "\n".join(render_plain(d, text, FILENAME) for d in diagnostics)
    return [d.code for d in diagnostics], shown


# Per code: a small document that produces it (with whatever follows from it).
PARSER_CASES: dict[str, str] = {
    codes.UNEXPECTED_TOKEN: "a 1\n}\n",
    codes.UNEXPECTED_CHARACTER: "port = 8080\n",
    codes.UNCLOSED_DELIMITER: "server {\n  host localhost\n\ndatabase {\n  name x\n}\n",
    codes.UNTERMINATED_STRING: 'name "hello\nport 8080\n',
    codes.UNTERMINATED_RAW: 'pattern r#"abc\nnext 1\n',
    codes.UNTERMINATED_HEREDOC: "script <<BASH\necho hi\necho there\n",
    codes.HEREDOC_DELIMITER: "text <<eof\nx\neof\n",
    codes.HEREDOC_DELIMITER_LENGTH: (
        "script <<THIS_DELIMITER_IS_WAY_TOO_LONG\nx\nTHIS_DELIMITER_IS_WAY_TOO_LONG\n"
    ),
    codes.HEREDOC_INDENT: "script <<BASH\n  echo ok\necho bad\n  BASH\n",
    codes.HEREDOC_LANG: "query <<SQL,Bad Lang\nselect 1\nSQL\n",
    codes.INVALID_ESCAPE: 'name "foo\\qbar"\n',
    codes.INVALID_TAG_NAME: "kind @1abc\n",
    codes.INVALID_KEY: "a..b 1\n",
    codes.DUPLICATE_KEY: "server {\n  port 8080\n  host localhost\n  port 9090\n}\n",
    codes.REOPENED_PATH: "foo.bar 1\nfoo.baz 1\nfoo.bar.x 2\n",
    codes.NEST_INTO_TERMINAL: "foo 1\nfoo.bar 2\n",
    codes.TOO_MANY_ATOMS: "key @tag { }\n",
    codes.MISSING_WHITESPACE: "config{}\n",
    codes.DANGLING_DOC_COMMENT: "a 1\n/// the port\n/// to listen on\n\nb 2\n",
    codes.TRAILING_CONTENT: "{\n  key value\n}\nextra\n",
    codes.COMMA_IN_SEQUENCE: "items (a, b, c)\n",
    codes.ATTRIBUTE_IN_SEQUENCE: "list (a>1 b>2)\n",
    codes.EXPECTED_VALUE: "server host> port>8080\n",
    codes.ADJACENT_TAGS: "x @a@b\n",
    codes.TAG_NAME_BEFORE_QUOTE: 'paint @color"red"\n',
    codes.QUOTED_PATH_SEGMENT: '"example.com".port 443\n',
    codes.HEREDOC_CRLF: "script <<SH\r\n  echo hi\r\n  SH\r\n",
    codes.BYTE_ORDER_MARK: "\ufeffname x\n",
    codes.NESTING_TOO_DEEP: "a " + "(" * 65 + ")" * 65 + "\n",
}

# Real diagnostics whose layout is worth pinning down, by snapshot name.
PARSER_LAYOUTS: dict[str, str] = {
    "tabs": "server {\n\tport 1\n\tport 2\n}\n",
    "tab-inside-line": '\tname\t"a\\qb"\n',
    "wide-cjk-key": "名前 1\n名前 2\n",
    "wide-cjk-before-span": 'a "日本語\\q" b\n',
    "wide-emoji": '😀 "\\q"\n',
    "combining-mark": 'e\u0301 "\\q"\n',
    "crlf": "a 1\r\na 2\r\n",
    "gap": "a 1\nb 2\nc 3\nd 4\na 5\n",
    "no-break-space": "key\u00a0value\n",
    "control-character": "a\u000bb\n",
    "bidi-override": 'a "x\u202ey\\q"\n',
    "arm-after-labels": "key value {\n  a 1\n}\n",
    # Long lines: windows around the marked places, `…` for what is left out.
    "long-line-two-places": "{" + ", ".join(f"k{i} {i}" for i in range(60)) + ", k5 x}\n",
    "long-line-span": 'k "' + "a" * 500 + "\nnext 1\n",
    "long-line-wide": "k " + "名前" * 100 + " = x\n",
    "long-line-start": "= " + "x" * 400 + "\n",
    "long-line-spanning-lines": "k {\n" + "  " + "y" * 300 + " {\n",
}

# Only parse_file sees bytes, so this code has a test of its own below.
NOT_FROM_PARSE_LENIENT = {codes.INVALID_ENCODING}


def slug(code: str) -> str:
    return code.rpartition("::")[2]


def test_every_code_has_a_case() -> None:
    assert set(PARSER_CASES) | set(NOT_FROM_PARSE_LENIENT) == set(codes.ALL)


@pytest.mark.parametrize("code", list(PARSER_CASES), ids=slug)
def test_parser_code_snapshot(code: str) -> None:
    produced, shown = render_all(PARSER_CASES[code])
    assert code in produced
    check_snapshot(slug(code), shown)


@pytest.mark.parametrize("name", list(PARSER_LAYOUTS))
def test_parser_layout_snapshot(name: str) -> None:
    produced, shown = render_all(PARSER_LAYOUTS[name])
    assert produced
    check_snapshot(f"layout-{name}", shown)


def test_invalid_encoding_snapshot(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    path.write_bytes(b"name caf\xe9\n")
    with pytest.raises(styx.StyxSyntaxError) as raised:
        styx.parse_file(path)
    error = raised.value
    assert [d.code for d in error.diagnostics] == [codes.INVALID_ENCODING]
    check_snapshot("invalid-encoding", render_plain(error.diagnostics[0], error.source, FILENAME))


# ------------------------------------------------------- hand-made layouts


def span_of(text: str, needle: str, nth: int = 0) -> Span:
    """The byte span of the nth occurrence of ``needle`` in ``text``."""
    data, wanted = text.encode("utf-8"), needle.encode("utf-8")
    start = -1
    for _ in range(nth + 1):
        start = data.index(wanted, start + 1)
    return Span(start, start + len(wanted))


def at(text: str, needle: str) -> Span:
    """A zero-width span just before ``needle``."""
    start = span_of(text, needle).start
    return Span(start, start)


NESTED = "server {\n  a {\n    b 1\n  }\n}\n"
LONG = "".join(f"line{number} {number}\n" for number in range(1, 15))
SAME_LINE = "key @tag {x 1} // comment\n"


def layout_cases() -> dict[str, tuple[Diagnostic, str | None, dict[str, str]]]:
    eof_text = "server {\n  port 8080\n"
    return {
        "eof-after-newline": (
            Diagnostic("styx::test", "unexpected end of input", Span(21, 21), label="ends here"),
            eof_text,
            {},
        ),
        "eof-without-newline": (
            Diagnostic("styx::test", "unexpected end of input", Span(20, 20), label="ends here"),
            eof_text.rstrip("\n"),
            {},
        ),
        "empty-document": (
            Diagnostic("styx::test", "empty document", Span(0, 0), label="nothing here"),
            "",
            {},
        ),
        "empty-line": (
            Diagnostic("styx::test", "blank line", at("a 1\n\nb 2\n", "\nb"), label="here"),
            "a 1\n\nb 2\n",
            {},
        ),
        "zero-width-mid-line": (
            Diagnostic("styx::test", "missing value", at("key  next", " next"), label="a value"),
            "key  next",
            {},
        ),
        "span-with-newline": (
            Diagnostic("styx::test", "whole line", Span(0, 4), label="line and break"),
            "a 1\nb 2\n",
            {},
        ),
        "overlapping-labels": (
            Diagnostic(
                "styx::test",
                "overlap",
                span_of(NESTED, "server"),
                label="the key",
                labels=(Label(span_of(NESTED, "serv"), "a prefix"),),
            ),
            NESTED,
            {},
        ),
        "three-labels-one-line": (
            Diagnostic(
                "styx::test",
                "several things",
                span_of(SAME_LINE, "{x 1}"),
                label="primary in the middle",
                labels=(
                    Label(span_of(SAME_LINE, "key"), "first"),
                    Label(span_of(SAME_LINE, "// comment"), "last"),
                    Label(span_of(SAME_LINE, "@tag"), ""),
                ),
            ),
            SAME_LINE,
            {},
        ),
        "nested-multi-line": (
            Diagnostic(
                "styx::test",
                "nested spans",
                Span(span_of(NESTED, "{").start, span_of(NESTED, "}", 1).end),
                label="outer",
                labels=(
                    Label(Span(span_of(NESTED, "{", 1).start, span_of(NESTED, "}").end), "inner"),
                ),
            ),
            NESTED,
            {},
        ),
        "long-multi-line": (
            Diagnostic(
                "styx::test",
                "long span",
                Span(span_of(LONG, "line3").start, span_of(LONG, "line12 12").end),
                severity=Severity.WARNING,
                label="all of this",
                labels=(Label(span_of(LONG, "line13"), "after it"),),
            ),
            LONG,
            {},
        ),
        "other-file": (
            Diagnostic(
                "styx::test",
                "defined elsewhere",
                span_of(NESTED, "server"),
                label="used here",
                labels=(
                    Label(span_of("x 1\nserver 2\n", "server"), "first defined here", "base.styx"),
                    Label(Span(0, 3), "also here", "missing.styx"),
                ),
            ),
            NESTED,
            {"base.styx": "x 1\nserver 2\n"},
        ),
        "diagnostic-in-other-file": (
            Diagnostic(
                "styx::test",
                "reported against the schema",
                span_of("a 1\n", "a"),
                label="here",
                file="schema.styx",
            ),
            NESTED,
            {"schema.styx": "a 1\n"},
        ),
        "no-source": (
            Diagnostic(
                "styx::io-error",
                "cannot read file",
                Span(0, 0),
                label="unused",
                labels=(Label(Span(4, 5), "a label"),),
                help="check the path",
            ),
            None,
            {},
        ),
        "notes-and-multi-line-help": (
            Diagnostic(
                "styx::test",
                "mixed separators in object",
                span_of("{a 1,\n b 2}\n", ","),
                severity=Severity.NOTE,
                label="comma here",
                notes=("first note", "second note"),
                help="use either commas or newlines, not both:\n{a 1, b 2}\n{\n  a 1\n}",
            ),
            "{a 1,\n b 2}\n",
            {},
        ),
    }


@pytest.mark.parametrize("name", list(layout_cases()))
def test_layout_snapshot(name: str) -> None:
    diagnostic, source, sources = layout_cases()[name]
    check_snapshot(f"layout-{name}", render_plain(diagnostic, source, FILENAME, sources=sources))


def test_snapshots_have_no_strays() -> None:
    """Every snapshot file belongs to a test, so a renamed case leaves none behind."""
    names = {slug(code) for code in PARSER_CASES} | {"invalid-encoding"}
    names |= {f"layout-{name}" for name in [*PARSER_LAYOUTS, *layout_cases()]}
    assert {path.stem for path in SNAPSHOTS.glob("*.txt")} == names


def test_out_of_range_span_does_not_crash() -> None:
    shown = render_plain(Diagnostic("styx::test", "past the end", Span(50, 90)), "a 1\n", FILENAME)
    assert " --> config.styx:1:4" in shown


def test_roles() -> None:
    text = "a 1\na 2\n"
    lines = render(styx.parse_lenient(text).diagnostics[0], text, FILENAME)
    roles = {role for line in lines for _, role in line}
    assert roles == {
        "error",
        "message",
        "gutter",
        "location",
        "source",
        "secondary",
        "help",
        "plain",
    }
    assert lines[0] == [("error[styx::duplicate-key]", "error"), (": duplicate key `a`", "message")]


# ------------------------------------------------------------------ colour


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "mode", "env", "expected"),
    [
        (True, "auto", {}, True),
        (False, "auto", {}, False),
        (True, "auto", {"NO_COLOR": "1"}, False),
        (True, "auto", {"NO_COLOR": ""}, False),
        (True, "never", {}, False),
        (False, "always", {}, True),
        (False, "always", {"NO_COLOR": "1"}, True),
        (False, "auto", {"FORCE_COLOR": "1"}, True),
        (False, "auto", {"FORCE_COLOR": "0"}, False),
        (False, "auto", {"CLICOLOR_FORCE": "1"}, True),
        (False, "auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (True, "auto", {"TERM": "dumb"}, False),
    ],
)
def test_should_color(tty: bool, mode: str, env: dict[str, str], expected: bool) -> None:
    assert should_color(Stream(tty), mode, env) is expected


def test_should_color_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("CLICOLOR_FORCE", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not should_color(Stream(True), "auto")
    monkeypatch.delenv("NO_COLOR")
    assert should_color(Stream(True), "auto")


def test_should_color_rejects_unknown_modes() -> None:
    with pytest.raises(ValueError, match="auto, always, never"):
        should_color(Stream(True), "sometimes")


def test_closed_stream_is_not_a_terminal() -> None:
    stream = Stream(False)
    stream.close()
    assert not should_color(stream, "auto", {})


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def duplicate_key_lines() -> list[list[tuple[str, str]]]:
    text = "a 1\na 2\n"
    return render(styx.parse_lenient(text).diagnostics[0], text, FILENAME)


def test_colour_output_is_styled_by_role() -> None:
    stream = Stream(False)
    write_diagnostics(stream, duplicate_key_lines(), color=True)
    out = stream.getvalue()
    assert "\x1b[1;31merror[styx::duplicate-key]" in out
    assert "\x1b[1;34m-" in out  # secondary underline in blue
    assert "\x1b[1;32mhelp:" in out
    assert ANSI.sub("", out) == plain(duplicate_key_lines())


def test_plain_output_has_no_escapes() -> None:
    stream = Stream(True)
    write_diagnostics(stream, duplicate_key_lines(), color=False)
    assert "\x1b" not in stream.getvalue()
    assert stream.getvalue() == plain(duplicate_key_lines())


def test_long_lines_are_not_wrapped_in_colour() -> None:
    text = "k " + "x" * 300 + " y\n"
    stream = Stream(False)
    lines = render(styx.parse_lenient(text).diagnostics[0], text, FILENAME)
    write_diagnostics(stream, lines, color=True)
    assert ANSI.sub("", stream.getvalue()) == plain(lines)


def test_plain_output_does_not_import_rich() -> None:
    program = (
        "import io, sys\n"
        "from styx.report.color import write_diagnostics\n"
        "from styx.report import machine\n"
        "write_diagnostics(io.StringIO(), [[('error', 'error')]], color=False)\n"
        "assert 'rich' not in sys.modules, 'rich was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------- any input

TEXTS = st.text(alphabet="ab {}\t\n\r日😀e\u0301\u000b\u202e", max_size=40)


@given(data=st.data(), text=TEXTS)
@settings(max_examples=300, deadline=None)
def test_any_span_renders(data: st.DataObject, text: str) -> None:
    """Spans anywhere, even inside a character or past the end, render, and
    at the position the tool formats give."""
    size = len(text.encode("utf-8"))
    offsets = st.integers(min_value=0, max_value=size + 2)
    start, end = sorted((data.draw(offsets), data.draw(offsets)))
    label_start, label_end = sorted((data.draw(offsets), data.draw(offsets)))
    diagnostic = Diagnostic(
        "styx::test",
        "m",
        Span(start, end),
        label="here",
        labels=(Label(Span(label_start, label_end), "there"),),
    )
    lines = render_plain(diagnostic, text, FILENAME).splitlines()
    (item,) = json.loads(to_json([Report(FILENAME, text, diagnostic)]))
    assert lines[1].endswith(f"--> config.styx:{item['line']}:{item['column']}")
