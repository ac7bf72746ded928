"""The Styx lexer: Lark's custom-lexer hook, driven by the grammar's terminals.

Lark hands this class the terminals of grammar/styx.lark; it joins them into
one master regex in Lark's priority order and scans with ``finditer``, which
keeps the per-token cost low enough for large documents. On top of plain
scanning it supplies the context the grammar cannot see (see the head of
styx.lark): separators, sequences, tag and attribute adjacency, doc comments.
Line comments become trivia on the document, lexical mistakes become
diagnostics, and every token carries UTF-8 byte offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark.lexer import Lexer, LexerState

from styx.diagnostic import DiagnosticSink
from styx.source import Span
from styx.syntax import codes
from styx.syntax.tree import Comment, DocComment


class Token:
    """A lexer token. Offsets are UTF-8 byte offsets; `value` is the source
    text (a `DocComment` for DOC_COMMENT)."""

    __slots__ = ("end_pos", "start_pos", "type", "value")

    # Lark reads these when it reports an error; styx reports its own.
    line = column = end_line = end_column = None

    def __init__(self, type: str, value: Any, start: int, end: int) -> None:
        self.type = type
        self.value = value
        self.start_pos = start
        self.end_pos = end

    def __repr__(self) -> str:
        return f"Token({self.type}, {self.value!r}, {self.start_pos}..{self.end_pos})"


class LexInput:
    """One document's text, and what lexing it reported besides tokens."""

    __slots__ = ("comments", "sink", "text")

    def __init__(self, text: str, sink: DiagnosticSink) -> None:
        self.text = text
        self.sink = sink
        self.comments: list[Comment] = []


_CLOSER = {"LBRACE": ("RBRACE", "}", "object"), "LPAREN": ("RPAREN", ")", "sequence")}
_OPENERS = frozenset(_CLOSER)
_CLOSERS = frozenset(("RBRACE", "RPAREN"))
#: Characters after a tag that end it without a payload.
_TAG_ENDS = frozenset(" \t\r\n,)}>")
#: Characters that put a payload right against a tag.
_PAYLOAD_STARTS = frozenset('{("@')
_TAG_NAME_START = re.compile(r"[A-Za-z_]")
_RAW_START = re.compile(r'r#*"')
_HEREDOC_START = "<<"
#: Ignored terminals that are not plain whitespace: the scan sees them.
_TRIVIA = frozenset(("NL", "COMMENT"))
#: Tokens that, touching a tag, make its name invalid (``@org/package``).
_GLUE_TAIL = frozenset(("BARE", "ATTR_KEY"))


class StyxLexer(Lexer):
    __future_interface__ = 2

    def __init__(self, conf: Any) -> None:
        terminals = sorted(
            (t for t in conf.terminals if t.name not in conf.ignore or t.name in _TRIVIA),
            key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
        )
        # Plain whitespace never reaches the loop below: it is matched as a
        # prefix of the next token (an optional run of the %ignore patterns).
        blank = "|".join(
            t.pattern.to_regexp()
            for t in conf.terminals
            if t.name in conf.ignore and t.name not in _TRIVIA
        )
        self._pattern = re.compile(
            f"(?:{blank})*(?:"
            + "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
            + ")"
        )

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:  # type: ignore[override]
        source = lexer_state.text
        assert isinstance(source, LexInput)
        return _Scan(source, self._pattern).tokens()


class _Scan:
    """The state of one pass over one document."""

    def __init__(self, source: LexInput, pattern: re.Pattern[str]) -> None:
        self.source = source
        self.text = source.text
        self.sink = source.sink
        self.pattern = pattern
        self.ascii = self.text.isascii()
        self._last_char = 0
        self._last_byte = 0

    def byte(self, char: int) -> int:
        """UTF-8 offset of a character offset; offsets only grow during a scan."""
        if self.ascii:
            return char
        if char < self._last_char:
            self._last_char = self._last_byte = 0
        self._last_byte += len(self.text[self._last_char : char].encode("utf-8"))
        self._last_char = char
        return self._last_byte

    def tokens(self) -> Iterator[Token]:
        text = self.text
        sink = self.sink
        comments = self.source.comments
        byte = self.byte
        ascii_text = self.ascii

        stack: list[Token] = []  # open brackets
        in_sequence = False
        sep: Token | None = None  # a separator waiting for the next token
        doc: list[tuple[int, int, str]] = []  # pending /// lines
        blank_after_doc = False
        line_has_content = True
        held: Token | None = None  # a tag or @ that may run on into bad characters
        held_char_start = held_char_end = -1
        expected = 0  # char offset where the next match must start

        for match in self.pattern.finditer(text):
            kind: str = match.lastgroup  # type: ignore[assignment]
            char_start, char_end = match.span(kind)
            if match.start() != expected:
                self._stray(expected, match.start())
            expected = char_end

            if held is not None:
                if char_start == held_char_end and kind in _GLUE_TAIL:
                    self._invalid_tag(held, byte(char_end))
                    held.end_pos = byte(char_end)
                    held.type = "TAG"
                    held.value = text[held_char_start:char_end]
                    token = held
                    held = None
                    yield token
                    continue
                yield held
                held = None

            if ascii_text:
                start, end = char_start, char_end
            else:
                start, end = byte(char_start), byte(char_end)

            if kind == "BARE":  # the common case, first
                if sep is not None:
                    yield sep
                    sep = None
                line_has_content = True
                if doc:
                    yield from self._attach(doc, blank_after_doc)
                    doc = []
                    blank_after_doc = False
                yield Token("BARE", match.group(kind), start, end)
                continue
            if kind == "NL":
                if not line_has_content and doc:
                    blank_after_doc = True
                line_has_content = False
                if not in_sequence and sep is None:
                    sep = Token("SEP", "\n", start, end)
                continue
            line_has_content = True
            if kind == "COMMENT":
                comments.append(Comment(start, end))
                continue
            if kind == "DOC_COMMENT":
                if in_sequence:
                    self._dangling([(start, end, "")], "a sequence element is not an entry")
                    continue
                if doc and blank_after_doc:
                    self._dangling(doc, "a blank line separates it from the next entry")
                    doc = []
                blank_after_doc = False
                body = match.group(kind)[3:]
                doc.append((start, end, body[1:] if body.startswith(" ") else body))
                continue
            if kind == "COMMA" and not in_sequence:
                if doc:
                    self._dangling(doc, "a comma follows it, not an entry")
                    doc = []
                if sep is None:
                    sep = Token("SEP", ",", start, end)
                continue

            token = Token(kind, match.group(kind), start, end)

            if kind in _CLOSERS:
                if doc:
                    self._dangling(doc, "the enclosing block ends after it")
                    doc = []
                if stack and _CLOSER[stack[-1].type][0] == kind:
                    stack.pop()
                    in_sequence = bool(stack) and stack[-1].type == "LPAREN"
                if sep is not None:
                    yield sep
                    sep = None
                yield token
                continue

            if sep is not None:
                yield sep
                sep = None
            if doc:
                yield from self._attach(doc, blank_after_doc)
                doc = []
                blank_after_doc = False

            if kind in _OPENERS:
                stack.append(token)
                in_sequence = kind == "LPAREN"
            elif kind == "QUOTED_UNTERMINATED" and token.value.endswith("\n"):
                # The error token took the line break: the line still ends here.
                yield token
                line_has_content = False
                if not in_sequence:
                    sep = Token("SEP", "\n", end - 1, end)
                continue
            elif kind == "TAG" or kind == "AT":
                follow = text[char_end : char_end + 1]
                if kind == "TAG" and self._touches_payload(char_end):
                    token.type = "TAG_OPEN"
                elif follow and follow not in _TAG_ENDS and follow not in _PAYLOAD_STARTS:
                    held = token
                    held_char_start, held_char_end = char_start, char_end
                    continue
            elif kind == "ATTR_KEY":
                follow = text[char_end : char_end + 1]
                if not follow or follow in " \t\r\n,)}>" or text.startswith("//", char_end):
                    sink.error(
                        codes.EXPECTED_VALUE,
                        "expected a value after `>`",
                        Span(end - 1, end),
                        label="attribute has no value",
                        help="write the value right after `>`, without spaces: key>value",
                    )
                    yield token
                    yield Token("AT", "", end, end)
                    continue
            yield token

        if expected != len(text):
            self._stray(expected, len(text))
        if held is not None:
            yield held
        if doc:
            self._dangling(doc, "the document ends after it")
        eof = byte(len(text))
        for opener in reversed(stack):
            _closer, char, what = _CLOSER[opener.type]
            sink.error(
                codes.UNCLOSED_DELIMITER,
                f"unclosed {what} (missing `{char}`)",
                Span(opener.start_pos, opener.end_pos),
                label=f"this `{opener.value}` is never closed",
                help=f"add `{char}` where the {what} ends",
            )
        if sep is not None:
            yield sep
        for opener in reversed(stack):
            yield Token(_CLOSER[opener.type][0], "", eof, eof)

    def _attach(self, doc: list[tuple[int, int, str]], blank_after: bool) -> Iterator[Token]:
        """The doc comment token for the entry that follows, unless a blank line
        parted them."""
        if blank_after:
            self._dangling(doc, "a blank line separates it from the next entry")
            return
        start, end = doc[0][0], doc[-1][1]
        yield Token("DOC_COMMENT", DocComment([line for _, _, line in doc], start, end), start, end)

    def _touches_payload(self, at: int) -> bool:
        """Whether the text at a character offset starts a tag payload."""
        text = self.text
        follow = text[at : at + 1]
        if not follow:
            return False
        if follow in _PAYLOAD_STARTS:
            if follow == "@" and _TAG_NAME_START.match(text, at + 1):
                name_end = at + 1
                while name_end < len(text) and (text[name_end].isalnum() or text[name_end] in "_-"):
                    name_end += 1
                start = self.byte(at)
                # Measured without moving the offset cache past tokens not yet scanned.
                end = start + len(text[at:name_end].encode("utf-8"))
                self.sink.error(
                    codes.ADJACENT_TAGS,
                    "a tag cannot touch another tag",
                    Span(start, end),
                    label="this tag touches the one before it",
                    help=f"chain tags with `/@` (`.../{text[at:name_end]}`), "
                    "or separate them with a space",
                )
            return True
        if follow == "r":
            return _RAW_START.match(text, at) is not None
        return text.startswith(_HEREDOC_START, at)

    def _invalid_tag(self, tag: Token, end: int) -> None:
        self.sink.error(
            codes.INVALID_TAG_NAME,
            "invalid tag name",
            Span(tag.start_pos, end),
            label="not a valid tag",
            help="a tag is `@` then a letter or `_`, then letters, digits, `_` or `-`; "
            "quote text that starts with `@`",
        )

    def _dangling(self, doc: list[tuple[int, int, str]], why: str) -> None:
        self.sink.error(
            codes.DANGLING_DOC_COMMENT,
            "doc comment is not followed by an entry",
            Span(doc[0][0], doc[-1][1]),
            label="this doc comment documents nothing",
            notes=(f"a `///` comment documents the entry on the next line; here {why}",),
            help="put the entry right below it, or use `//` for a plain comment",
        )

    def _stray(self, char_start: int, char_end: int) -> None:
        """Report the first character between two tokens that no terminal matched."""
        text = self.text
        while char_start < char_end and text[char_start] in " \t":
            char_start += 1
        if char_start == char_end:
            return
        char = text[char_start]
        start = self.byte(char_start)
        span = Span(start, start + len(char.encode("utf-8")))
        if char == "=":
            self.sink.error(
                codes.UNEXPECTED_CHARACTER,
                "unexpected `=`",
                span,
                label="Styx does not use `=`",
                help="separate a key from its value with whitespace: `key value`",
            )
        elif char.isspace():
            self.sink.error(
                codes.UNEXPECTED_CHARACTER,
                f"unexpected whitespace character U+{ord(char):04X}",
                span,
                label="not a space, tab or newline",
                help="only spaces, tabs and newlines separate atoms; replace this character",
            )
        else:
            self.sink.error(
                codes.UNEXPECTED_CHARACTER,
                f"unexpected character {char!r}",
                span,
                label="cannot start a value here",
                help="quote the text if this character belongs in a value",
            )
