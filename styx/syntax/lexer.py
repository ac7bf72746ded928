"""The Styx lexer, driven by the grammar's terminals.

The grammar module hands this class the terminals of styx.lark; it joins them
into one master regex in Lark's priority order and scans with ``finditer``, which
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

from styx.diagnostic import DiagnosticSink
from styx.source import Span
from styx.syntax import codes
from styx.syntax.tree import MAX_NESTING, Comment, DocComment


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

    __slots__ = ("comments", "sink", "text", "too_deep")

    def __init__(self, text: str, sink: DiagnosticSink) -> None:
        self.text = text
        self.sink = sink
        self.comments: list[Comment] = []
        #: The text nests deeper than `MAX_NESTING`: reported, and the tree
        #: built from it must not be handed out.
        self.too_deep = False


_CLOSER = {"LBRACE": ("RBRACE", "}", "object"), "LPAREN": ("RPAREN", ")", "sequence")}
_OPENERS = frozenset(_CLOSER)
_OPENER_CHAR = {"LBRACE": "{", "LPAREN": "("}
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
#: Scalars that may be pieces of one dotted key (``"a.b".c``).
_KEY_PIECES = frozenset(("QUOTED", "RAW"))
#: Unclosed brackets reported one by one, outermost first; the ones inside
#: them are one more symptom of the same missing closer, and are counted.
_UNCLOSED_SHOWN = 3


class StyxLexer:
    """Scans documents with the grammar's terminals. `conf` is Lark's
    `LexerConf` or the cached equivalent (styx.syntax.grammar.LexerConf)."""

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

    def lex(self, lexer_state: Any, parser_state: Any = None) -> Iterator[Token]:
        """Lark's custom-lexer entry point (``lexer_state.text`` is a `LexInput`)."""
        return self.tokens(lexer_state.text)

    def tokens(self, source: LexInput) -> Iterator[Token]:
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
        held_char_start = held_char_end = held_outer = -1
        # A leading byte order mark is not content; alone it is an empty document.
        expected = 1 if text.startswith("\ufeff") else 0  # where the next match must start

        # Nesting (see MAX_NESTING): `depth` levels hold the current entry or
        # item; a tag, an attribute key or a dotted key opens `pending` more
        # for the atom that follows it. `bases` holds the depth to return to
        # when each open bracket closes. `at_key`: the next atom starts an
        # entry; `key_end`: where the key's last piece ended, for a piece
        # touching it (``"a".b``). Past the limit, the contents of the first
        # bracket that is too deep are skipped up to its closer (`skip_from`
        # is its place in the stack), so no tree deeper than the limit is
        # ever built and the scan stays linear.
        depth = pending = 0
        bases: list[int] = []
        at_key = True
        key_end = -1
        skip_from = 0

        for match in self.pattern.finditer(text, expected):
            kind: str = match.lastgroup  # type: ignore[assignment]
            char_start, char_end = match.span(kind)
            if match.start() != expected:
                self._stray(expected, match.start())
            expected = char_end

            if skip_from:
                if kind in _OPENERS:
                    stack.append(Token(kind, "", *self._span(char_start, char_end)))
                elif kind in _CLOSERS and _CLOSER[stack[-1].type][0] == kind:
                    stack.pop()
                    if len(stack) < skip_from:
                        skip_from = 0
                        depth = bases.pop()
                        pending = 0
                        at_key = False
                        key_end = -1
                        in_sequence = bool(stack) and stack[-1].type == "LPAREN"
                        yield Token(kind, match.group(kind), *self._span(char_start, char_end))
                continue

            if held is not None:
                if char_start == held_char_end and kind in _GLUE_TAIL:
                    self._invalid_tag(held, byte(char_end))
                    held.end_pos = byte(char_end)
                    held.type = "TAG"
                    held.value = text[held_char_start:char_end]
                    if held_outer + held.value.count("/@") + 1 > MAX_NESTING:
                        self._too_deep(held.start_pos, held.end_pos)
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
                value = match.group(kind)
                if at_key or char_start == key_end:
                    # A key, or a piece of one: each dot opens one more object.
                    at_key = False
                    key_end = char_end
                    if "." in value:
                        levels = value.count(".")
                        if depth + pending + levels > MAX_NESTING:
                            self._too_deep_path(value, start, MAX_NESTING - depth - pending)
                        pending += levels
                else:
                    pending = 0
                yield Token("BARE", value, start, end)
                continue
            if kind == "NL":
                if not line_has_content and doc:
                    blank_after_doc = True
                line_has_content = False
                if not in_sequence:
                    at_key = True
                    pending = 0
                    key_end = -1
                    if sep is None:
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
                at_key = True
                pending = 0
                key_end = -1
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
                    depth = bases.pop()
                    in_sequence = bool(stack) and stack[-1].type == "LPAREN"
                pending = 0
                at_key = False
                key_end = -1
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
                bases.append(depth)
                depth += pending + 1
                pending = 0
                at_key = kind == "LBRACE"
                key_end = -1
                if depth > MAX_NESTING:
                    self._too_deep(start, end)
                    skip_from = len(stack)
            elif kind == "QUOTED_UNTERMINATED" and token.value.endswith("\n"):
                # The error token took the line break: the line still ends here.
                yield token
                line_has_content = False
                pending = 0
                key_end = -1
                if not in_sequence:
                    at_key = True
                    sep = Token("SEP", "\n", end - 1, end)
                continue
            elif kind == "TAG" or kind == "AT":
                at_key = False
                key_end = -1
                outer = depth + pending  # levels outside this tag
                pending = 0
                if kind == "TAG":
                    levels = token.value.count("/@") + 1 if "/" in token.value else 1
                    if outer + levels > MAX_NESTING:
                        self._too_deep(start, end)
                    if self._touches_payload(char_end):
                        token.type = "TAG_OPEN"
                        pending = outer - depth + levels  # the payload is inside the tag
                        yield token
                        continue
                follow = text[char_end : char_end + 1]
                if follow and follow not in _TAG_ENDS and follow not in _PAYLOAD_STARTS:
                    held = token
                    held_outer = outer
                    held_char_start, held_char_end = char_start, char_end
                    continue
            elif kind == "ATTR_KEY":
                at_key = False
                key_end = -1
                if depth + pending + 1 > MAX_NESTING:
                    self._too_deep(start, end)
                pending += 1  # the value is inside the attribute object
                follow = text[char_end : char_end + 1]
                if not follow or follow in " \t\r\n,)}>" or text.startswith("//", char_end):
                    pending = 0
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
            elif kind in _KEY_PIECES and (at_key or char_start == key_end):
                at_key = False
                key_end = char_end  # a quoted piece of a dotted key: no level of its own
            else:
                at_key = False
                key_end = -1
                pending = 0
            yield token

        if expected < len(text):
            self._stray(expected, len(text))
        if held is not None:
            yield held
        if doc:
            self._dangling(doc, "the document ends after it")
        eof = byte(len(text))
        self._unclosed(stack)
        if sep is not None and not skip_from:
            yield sep
        for opener in reversed(stack[: skip_from or len(stack)]):
            yield Token(_CLOSER[opener.type][0], "", eof, eof)

    def _span(self, char_start: int, char_end: int) -> tuple[int, int]:
        if self.ascii:
            return char_start, char_end
        return self.byte(char_start), self.byte(char_end)

    def _unclosed(self, stack: list[Token]) -> None:
        """Report the outermost unclosed brackets; the rest are counted in
        the last report, not repeated (10,000 ``{`` are one mistake)."""
        shown = stack[:_UNCLOSED_SHOWN]
        for number, opener in enumerate(shown, 1):
            _closer, char, what = _CLOSER[opener.type]
            inner = len(stack) - len(shown)
            notes: tuple[str, ...] = ()
            if number == len(shown) and inner:
                notes = (
                    f"{inner} more bracket{'s' if inner > 1 else ''} opened inside "
                    f"{'it' if len(shown) == 1 else 'this one'} "
                    f"{'are' if inner > 1 else 'is'} never closed either",
                )
            self.sink.error(
                codes.UNCLOSED_DELIMITER,
                f"unclosed {what} (missing `{char}`)",
                Span(opener.start_pos, opener.end_pos),
                label=f"this `{_OPENER_CHAR[opener.type]}` is never closed",
                notes=notes,
                help=f"add `{char}` where the {what} ends",
            )

    def _too_deep(self, start: int, end: int) -> None:
        """The first opening past `MAX_NESTING`; later ones are the same problem."""
        if self.source.too_deep:
            return
        self.source.too_deep = True
        self.sink.error(
            codes.NESTING_TOO_DEEP,
            f"nesting too deep (more than {MAX_NESTING} levels)",
            Span(start, end),
            label=f"this opens level {MAX_NESTING + 1}",
            notes=(
                "objects, sequences, tags, attribute objects and the segments of a dotted "
                "key each open one level",
            ),
            help=f"Styx documents nest at most {MAX_NESTING} levels deep; "
            "flatten the structure, or split it into several documents",
        )

    def _too_deep_path(self, key: str, start: int, allowed: int) -> None:
        """A dotted key whose segment number ``allowed + 1`` (after the
        first) goes past the limit: point at that segment."""
        offset = 0
        for _ in range(max(allowed, 0) + 1):
            offset = key.index(".", offset) + 1
        segment_end = key.find(".", offset)
        segment = key[offset : segment_end if segment_end >= 0 else len(key)]
        at = start + len(key[:offset].encode("utf-8"))
        self._too_deep(at, at + len(segment.encode("utf-8")))

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
