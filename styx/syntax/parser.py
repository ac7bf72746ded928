"""`parse` and friends: text in, `Document` (or diagnostics) out.

Design points (each with the failure it prevents):

- The LALR driver is this module's own loop over the tables Lark computed
  from grammar/styx.lark (styx.syntax.grammar), not Lark's parser: Lark's
  per-token step (a method call, rule objects hashed and compared for every
  reduction) was most of the time spent on large documents, and importing
  Lark most of a small file's `styx check`. The grammar still decides
  everything; the loop only follows the tables.
- Reductions call the tree builder's method named after the rule, with the
  rule's children, exactly as Lark's transformer interface would. A rule of
  one symbol replaces the top of the value stack in place (most reductions:
  atom, extra, items), without slicing the stacks.
- The loop never recurses, so no document is too deep for it; the stacks are
  plain lists.
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from styx.diagnostic import Diagnostic, DiagnosticSink, Severity
from styx.source import LineIndex, Span
from styx.syntax import codes
from styx.syntax.build import TreeBuilder
from styx.syntax.grammar import Tables, tables
from styx.syntax.lexer import LexInput, StyxLexer, Token
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


class _Unexpected(Exception):
    """The grammar has no action for this token here (type ``$END``: the input ended)."""

    def __init__(self, token: Token) -> None:
        super().__init__(token.type)
        self.token = token


#: One reduction: the number of symbols, the builder's method, the rule's name.
_Reduction = tuple[int, Callable[[list[Any]], Any], str]


class _Parser:
    """The tables, the lexer built from their terminals, and the reductions
    bound to one tree builder."""

    def __init__(self, tables: Tables, builder: TreeBuilder) -> None:
        self.lexer = StyxLexer(tables.lexer)
        self.reductions: list[_Reduction] = [
            (size, getattr(builder, name), name) for name, size in tables.rules
        ]
        self.start, self.end = tables.start, tables.end
        self.actions, self.fused = _fuse(tables, self.reductions, builder)

    def parse(self, source: LexInput) -> Any:
        return _drive(self.lexer.tokens(source), self)


def _one_token(reduce: Callable[[list[Any]], Any]) -> Callable[[Token], Any]:
    return lambda token: reduce([token])


def _fuse(
    tables: Tables, reductions: list[_Reduction], builder: TreeBuilder
) -> tuple[list[dict[str, int]], list[tuple[Callable[[Token], Any], int]]]:
    """The action table with shifts into a state that can only reduce one
    symbol by one rule (a token becoming an atom) done in one step: reduce
    the token at once and go where that rule's result goes. Such a state
    reduces whatever follows or reports it, and the report does not change:
    an unexpected token is still found before it is shifted.

    A fused action is ``len(actions) + i`` for ``fused[i]`` = (a function of
    the token, the state to go to); ``atom: BARE`` calls the builder's `bare`
    directly."""
    actions = tables.actions
    count = len(actions)
    fused: list[tuple[Callable[[Token], Any], int]] = []
    table: list[dict[str, int]] = []
    for row in actions:
        new = dict(row)
        for symbol, action in row.items():
            if action < 0 or not symbol.isupper() or symbol == "$END":
                continue
            target = set(actions[action].values())
            if len(target) != 1:
                continue
            (only,) = target
            if only >= 0:
                continue
            size, reduce, name = reductions[~only]
            if size != 1 or name not in row:
                continue
            new[symbol] = count + len(fused)
            direct = builder.bare if (name, symbol) == ("atom", "BARE") else _one_token(reduce)
            fused.append((direct, row[name]))
        table.append(new)
    return table, fused


def _drive(tokens: Iterable[Token], parser: _Parser) -> Any:
    """Run the LALR automaton over the tokens; the value of the start rule."""
    actions = parser.actions
    fused = parser.fused
    reductions = parser.reductions
    count = len(actions)
    state = parser.start
    states = [state]
    values: list[Any] = []
    token: Token | None = None
    for token in tokens:
        kind = token.type
        while True:
            action = actions[state].get(kind)
            if action is None:
                raise _Unexpected(token)
            if action >= count:
                reduce_token, state = fused[action - count]
                values.append(reduce_token(token))
                states.append(state)
                break
            if action >= 0:
                state = action
                states.append(state)
                values.append(token)
                break
            size, reduce, name = reductions[~action]
            if size == 1:
                values[-1] = reduce([values[-1]])
                state = states[-1] = actions[states[-2]][name]
                continue
            if size:
                children = values[-size:]
                del values[-size:]
                del states[-size:]
                values.append(reduce(children))
            else:
                values.append(reduce([]))
            state = actions[states[-1]][name]
            states.append(state)
    end = Token("$END", "", token.end_pos, token.end_pos) if token else Token("$END", "", 0, 0)
    end_state = parser.end
    while True:
        action = actions[states[-1]].get("$END")
        if action is None or action >= 0:
            raise _Unexpected(end)
        size, reduce, name = reductions[~action]
        children = values[-size:] if size else []
        if size:
            del values[-size:]
            del states[-size:]
        values.append(reduce(children))
        states.append(actions[states[-1]][name])
        if states[-1] == end_state:
            return values[-1]


_LOCK = threading.Lock()
_BUILDER = TreeBuilder()
_PARSER: _Parser | None = None


def _parser() -> _Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = _Parser(tables(), _BUILDER)
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
            document = parser.parse(source)
        except _Unexpected as error:
            sink.add(_unexpected(error.token, text))
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


def _unexpected(token: Token, text: str) -> Diagnostic:
    if token.type == "$END":
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
