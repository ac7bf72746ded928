"""`parse` and friends: text in, `Document` (or diagnostics) out."""

from __future__ import annotations

import gc
import os
import re
import threading

import lark
from lark.exceptions import UnexpectedInput, UnexpectedToken

from styx.diagnostic import Diagnostic, DiagnosticSink, Severity
from styx.source import LineIndex, Span
from styx.syntax import codes
from styx.syntax.build import TreeBuilder
from styx.syntax.grammar import build_parser
from styx.syntax.lexer import LexInput, StyxLexer
from styx.syntax.tree import Document


class StyxSyntaxError(ValueError):
    """A document that is not valid Styx. Carries every diagnostic found,
    in source order; the first one's span is exact."""

    def __init__(self, diagnostics: list[Diagnostic], source: str, filename: str | None = None):
        self.diagnostics = diagnostics
        self.source = source
        self.filename = filename
        first = diagnostics[0]
        line, column = LineIndex(source).position(first.span.start)
        where = f"{filename or '<string>'}:{line}:{column}"
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{where}: {first.message}{more}")


class ParseResult:
    """A parse that may have failed: the tree when the grammar could be
    followed to the end (possibly with errors in it), and every diagnostic."""

    __slots__ = ("diagnostics", "document", "filename", "source")

    def __init__(
        self,
        document: Document | None,
        diagnostics: list[Diagnostic],
        source: str,
        filename: str | None = None,
    ) -> None:
        self.document = document
        self.diagnostics = diagnostics
        self.source = source
        self.filename = filename

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


_LOCK = threading.Lock()
_BUILDER = TreeBuilder()
_PARSER: lark.Lark | None = None


def _parser() -> lark.Lark:
    global _PARSER
    if _PARSER is None:
        _PARSER = build_parser(StyxLexer, _BUILDER)
    return _PARSER


def parse_lenient(text: str, *, filename: str | None = None) -> ParseResult:
    """Parse without raising: what editors and linters want.

    A Python string may hold lone surrogates (``"\\ud800"``), which are not
    characters and have no UTF-8 form: each is reported, the rest of the text
    is parsed with U+FFFD in its place (same length in UTF-8, so every span
    stays right), the result carries that text, and there is no tree.
    """
    if not text.isascii() and _SURROGATE.search(text) is not None:
        return _with_surrogates(text, filename)
    sink = DiagnosticSink()
    source = LexInput(text, sink)
    document: Document | None = None
    with _LOCK:
        parser = _parser()
        _BUILDER.begin(source)
        collecting = gc.isenabled()
        gc.disable()  # a parse allocates many small objects and makes no cycles
        try:
            document = parser.parse(source)  # type: ignore[assignment]
        except UnexpectedInput as error:
            sink.add(_unexpected(error, text))
        finally:
            # Sorted before collection resumes: 200,000 diagnostics are as
            # many small objects again, beside a tree of millions.
            diagnostics = sink.sorted()
            if collecting:
                gc.enable()
    if source.too_deep:
        document = None  # reported; deeper than every walk is promised (MAX_NESTING)
    if document is not None:
        document.filename = filename
    return ParseResult(document, diagnostics, text, filename)


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Lone surrogates reported one by one; a text full of them is one problem.
_SURROGATES_SHOWN = 10


def _with_surrogates(text: str, filename: str | None) -> ParseResult:
    cleaned = _SURROGATE.sub("\ufffd", text)
    result = parse_lenient(cleaned, filename=filename)
    found = []
    for number, match in enumerate(_SURROGATE.finditer(text)):
        if number == _SURROGATES_SHOWN:
            break
        found.append(match.start())
    start = 0
    offset = 0
    problems = []
    for index in found:  # UTF-8 offsets in the cleaned text, measured incrementally
        offset += len(cleaned[start:index].encode("utf-8"))
        start = index
        problems.append(
            Diagnostic(
                codes.INVALID_ENCODING,
                f"lone surrogate U+{ord(text[index]):04X} is not a character",
                Span(offset, offset + 3),
                label="not valid Unicode",
                help="the text came from a string that is not valid Unicode "
                "(a surrogate without its pair); fix the text that produced it",
            )
        )
    diagnostics = sorted([*problems, *result.diagnostics], key=lambda d: (d.span.start, d.span.end))
    return ParseResult(None, diagnostics, cleaned, filename)


def parse(text: str, *, filename: str | None = None) -> Document:
    """Parse a Styx document; raise `StyxSyntaxError` unless it is valid."""
    result = parse_lenient(text, filename=filename)
    if not result.ok or result.document is None:
        errors = [d for d in result.diagnostics if d.is_error]
        raise StyxSyntaxError(errors, result.source, filename)
    return result.document


def parse_file(path: str | os.PathLike[str]) -> Document:
    """Parse a UTF-8 file; its name goes into every diagnostic."""
    path = os.fspath(path)
    with open(path, "rb") as file:
        data = file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StyxSyntaxError(
            [invalid_utf8(error)], data.decode("utf-8", "replace"), path
        ) from None
    return parse(text, filename=path)


def invalid_utf8(error: UnicodeDecodeError) -> Diagnostic:
    return Diagnostic(
        codes.INVALID_ENCODING,
        "file is not valid UTF-8",
        Span(error.start, error.end),
        label="invalid byte",
        help="Styx documents are UTF-8; re-save the file in that encoding",
    )


_CLOSERS = {"RBRACE": "}", "RPAREN": ")"}


def _unexpected(error: UnexpectedInput, text: str) -> Diagnostic:
    token = getattr(error, "token", None)
    if not isinstance(error, UnexpectedToken) or token is None or token.type == "$END":
        end = len(text.encode("utf-8"))
        return Diagnostic(
            codes.UNEXPECTED_TOKEN,
            "unexpected end of input",
            Span(end, end),
            label="the document ends here",
        )
    span = Span(token.start_pos, token.end_pos)
    if token.type in _CLOSERS:
        char = _CLOSERS[token.type]
        opener = "{" if char == "}" else "("
        return Diagnostic(
            codes.UNEXPECTED_TOKEN,
            f"unexpected `{char}`",
            span,
            label=f"no `{opener}` is open here",
            help=f"remove it, or check the brackets before it: "
            f"`{opener}` opens what `{char}` closes",
        )
    shown = token.value if isinstance(token.value, str) else token.type
    return Diagnostic(
        codes.UNEXPECTED_TOKEN, f"unexpected `{shown}`", span, label="unexpected token"
    )
