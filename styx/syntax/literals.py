"""Decoding scalar literals: escapes, raw strings and heredocs.

Each function takes the token text as the grammar matched it, returns the
scalar's interpreted text, and reports what is wrong with it to the sink
(keeping the raw text where a piece cannot be decoded, so a document with an
error still yields a tree).
"""

from __future__ import annotations

import re

from styx.diagnostic import DiagnosticSink, Label
from styx.source import Span
from styx.syntax import codes

_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
_ESCAPE_HELP = 'valid escapes are \\\\, \\", \\n, \\r, \\t, \\uXXXX and \\u{X...}'
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_BRACED = re.compile(r"\{([0-9A-Fa-f]{1,6})\}")
_DELIMITER = re.compile(r"<<([A-Z][A-Z0-9_]*)")
_LANG = re.compile(r"[a-z][a-z0-9_.-]*")
MAX_DELIMITER = 16


def _offset(text: str, index: int) -> int:
    """UTF-8 length of ``text[:index]``."""
    prefix = text[:index]
    return index if prefix.isascii() else len(prefix.encode("utf-8"))


class _Offsets:
    """UTF-8 offsets of growing character positions in one string, measured
    incrementally so that many errors in one literal stay linear."""

    __slots__ = ("_byte", "_char", "_text")

    def __init__(self, text: str, base: int) -> None:
        self._text = text
        self._char = 0
        self._byte = base

    def at(self, index: int) -> int:
        self._byte += len(self._text[self._char : index].encode("utf-8"))
        self._char = index
        return self._byte


#: The escapes that stand for one fixed character, decoded by `str.replace`.
_SIMPLE = (("\\n", "\n"), ("\\t", "\t"), ("\\r", "\r"), ('\\"', '"'))


def unescape(body: str, start: int, sink: DiagnosticSink) -> str:
    """Decode the inside of a quoted scalar that begins at byte ``start``.

    Text whose escapes are all of the fixed ones is decoded by a few passes
    of `str.replace` over pieces split at ``\\\\`` (each backslash left in
    a piece then starts an escape); text with ``\\u`` escapes by one
    regular-expression substitution that decodes each distinct escape once;
    only text with an invalid escape takes the loop that reports each. All
    keep memory to a few times the text, however dense the escapes.
    """
    if "\\" not in body:
        return body
    pieces = body.split("\\\\")
    for index, piece in enumerate(pieces):
        if "\\" in piece:
            for escape, char in _SIMPLE:
                piece = piece.replace(escape, char)
            if "\\" in piece:
                return _substitute(body, start, sink)
            pieces[index] = piece
    return "\\".join(pieces)


#: One escape, valid or not: ``\\u`` with its digits when they are well
#: formed, else the backslash and the one character after it.
_ANY_ESCAPE = re.compile(r"\\(?:u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|[^\r\n]?)")


def _decode(escape: str) -> str | None:
    """The character an escape stands for; None when it is invalid."""
    code = escape[1:2]
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code != "u" or len(escape) < 6:
        return None
    value = int(escape[3:-1] if escape[2] == "{" else escape[2:], 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return None
    return chr(value)


def _substitute(body: str, start: int, sink: DiagnosticSink) -> str:
    known: dict[str, str] = {}
    invalid = False

    def replace(match: re.Match[str]) -> str:
        nonlocal invalid
        escape = match.group()
        found = known.get(escape)
        if found is None:
            decoded = _decode(escape)
            if decoded is None:
                invalid = True
                decoded = escape
            found = known[escape] = decoded
        return found

    decoded = _ANY_ESCAPE.sub(replace, body)
    if invalid:
        return _unescape(body, start, sink)  # to report each invalid escape
    return decoded


def _unescape(body: str, start: int, sink: DiagnosticSink) -> str:
    out: list[str] = []
    chars: dict[int, str] = {}  # one string per distinct decoded character
    offsets = _Offsets(body, start)
    i = 0
    size = len(body)
    while i < size:
        slash = body.find("\\", i)
        if slash < 0:
            out.append(body[i:])
            break
        if slash > i:
            out.append(body[i:slash])
        code = body[slash + 1 : slash + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            i = slash + 2
            continue
        if code == "u":
            decoded, length = _unicode_escape(body, slash + 2)
            if decoded is not None:
                out.append(chars.setdefault(decoded, chr(decoded)))
                i = slash + 2 + length
                continue
            bad = body[slash : slash + 2 + length]
        else:
            bad = body[slash : slash + 2]
        where = offsets.at(slash)
        sink.error(
            codes.INVALID_ESCAPE,
            f"invalid escape sequence `{bad}`",
            Span(where, where + len(bad.encode("utf-8"))),
            label="invalid escape",
            help=f'{_ESCAPE_HELP}; for text full of backslashes use a raw string r#"..."#',
        )
        out.append(bad)
        i = slash + len(bad)
    return "".join(out)


def _unicode_escape(body: str, at: int) -> tuple[int | None, int]:
    """Decode the part after ``\\u``: the code point (or None) and its length."""
    braced = _BRACED.match(body, at)
    if braced:
        value = int(braced.group(1), 16)
        length = braced.end() - at
    else:
        if body.startswith("{", at):
            close = body.find("}", at, at + 12)
            return None, (close + 1 - at) if close > 0 else 1
        four = _HEX4.match(body, at)
        if not four:
            run = at
            while run < len(body) and run < at + 4 and body[run] in "0123456789abcdefABCDEF":
                run += 1
            return None, run - at
        value = int(four.group(), 16)
        length = 4
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return None, length
    return value, length


def raw_body(token: str) -> str:
    """The content of ``r#"..."#``."""
    hashes = len(token) - len(token[1:].lstrip("#")) - 1
    return token[hashes + 2 : len(token) - hashes - 1]


def heredoc(token: str, start: int, sink: DiagnosticSink) -> tuple[str, str | None]:
    """Decode a complete heredoc token into (content, language hint).

    The closing delimiter's indentation is removed from every content line;
    a non-blank line indented less than that is an error.
    """
    header_end = token.index("\n")
    header = token[:header_end].rstrip("\r")
    delimiter, _, lang = header[2:].partition(",")
    if len(delimiter) > MAX_DELIMITER:
        sink.error(
            codes.HEREDOC_DELIMITER_LENGTH,
            "heredoc delimiter too long",
            Span(start, start + 2 + len(delimiter)),
            label=f"{len(delimiter)} characters",
            help=f"a delimiter has at most {MAX_DELIMITER} characters",
        )
    lines = token[header_end + 1 :].split("\n")
    closing = lines.pop()
    indent = len(closing) - len(closing.lstrip(" \t"))
    if indent:
        end = start + _offset(token, len(token))
        closing_span = Span(end - len(closing.encode("utf-8")), end)
        offset = start + _offset(token, header_end + 1)
        content = []
        for line in lines:
            stripped = line.rstrip("\r")
            lead = len(stripped) - len(stripped.lstrip(" \t"))
            if lead < indent and stripped.strip(" \t"):
                _report_indent(sink, offset, lead, indent, closing_span, stripped[:1])
            content.append(stripped[min(lead, indent) :])
            offset += len(line.encode("utf-8")) + 1
    else:
        content = [line.rstrip("\r") for line in lines]
    text = "\n".join(content) + "\n" if content else ""
    return text, lang or None


def _report_indent(
    sink: DiagnosticSink, line_start: int, lead: int, indent: int, closing: Span, first: str
) -> None:
    sink.error(
        codes.HEREDOC_INDENT,
        "heredoc line less indented than closing delimiter",
        Span(line_start, line_start + (lead or len(first.encode("utf-8")))),
        label=f"this line is indented {lead} characters"
        if lead
        else "this line has no indentation",
        labels=(Label(closing, f"closing delimiter is indented {indent} characters"),),
        help=f"indent the content by at least {indent} characters, or dedent the closing delimiter",
    )


def malformed_heredoc(token: str, start: int, end: int, sink: DiagnosticSink) -> None:
    """Report what is wrong with a heredoc the grammar could not close."""
    match = _DELIMITER.match(token)
    assert match is not None
    delimiter = match.group(1)
    header_end = token.find("\n")
    header = (token if header_end < 0 else token[:header_end]).rstrip("\r")
    rest = header[match.end() :]
    opener = Span(start, start + len(header.encode("utf-8")))
    if rest.startswith(","):
        lang = _LANG.fullmatch(rest[1:])
        if lang is None:
            sink.error(
                codes.HEREDOC_LANG,
                "invalid heredoc language hint",
                Span(start + match.end() + 1, opener.end),
                label="not a language hint",
                help="a language hint is lowercase: letters, digits, `_`, `.` or `-` (<<EOF,sql)",
            )
            return
    elif rest:
        sink.error(
            codes.HEREDOC_DELIMITER,
            "unexpected text after the heredoc delimiter",
            Span(start + match.end(), opener.end),
            label="the opening line must end after the delimiter",
            help=f"start the content on the next line: <<{delimiter}",
        )
        return
    content_start = end if header_end < 0 else start + _offset(token, header_end + 1)
    sink.error(
        codes.UNTERMINATED_HEREDOC,
        f"unterminated heredoc, expected `{delimiter}`",
        Span(content_start, end),
        label="this text is never closed",
        labels=(Label(opener, "heredoc starts here"),),
        notes=(f"reached the end of the file while looking for `{delimiter}`",),
        help=f"end the heredoc with `{delimiter}` alone on its own line",
    )
