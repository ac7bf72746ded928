"""`styx lsp`: the language server, on pygls, over standard input and output.

Each open document keeps its latest `Analysis`, recomputed from the full
text on every change and published as diagnostics straight away; requests
(hover, completion, ...) read it. Every handler runs inside
`StyxServer.guarded`: an exception is logged to the client
(window/logMessage) with its traceback and the request gets an empty
answer, so a bug met on one document never takes the server down. A failed
analysis still publishes a diagnostic, so the editor shows that the file
could not be checked.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException, PyglsError
from pygls.lsp.server import LanguageServer

from styx.lsp import editing, navigation, protocol, tokens
from styx.lsp.analysis import Analysis, analyze
from styx.source import LineIndex

NAME = "styx"
VERSION = "0.1.0"

#: The server could not analyse a document: a bug, reported to the user.
INTERNAL_ERROR = "styx::internal-error"

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class OpenDocument:
    uri: str
    #: The file name diagnostics use: the path for ``file:`` URIs, else the URI.
    name: str
    text: str
    version: int | None
    analysis: Analysis | None = None


class StyxServer(LanguageServer):
    """The pygls server with the open documents and the error policy."""

    def __init__(self) -> None:
        super().__init__(NAME, VERSION, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.documents: dict[str, OpenDocument] = {}

    def log(self, level: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=level, message=message))

    def report_server_error(
        self, error: Exception, source: type[PyglsError] | type[JsonRpcException]
    ) -> None:
        """Errors pygls itself meets (a malformed message) go to the log,
        not to a pop-up on every keystroke."""
        self.log(types.MessageType.Error, f"styx lsp: {source.__name__}: {error}")

    def guarded(self, handler: Callable[P, R | None]) -> Callable[P, R | None]:
        """The handler, answering None (an empty result to LSP) when it
        raises, after logging why."""

        @functools.wraps(handler)
        def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return handler(*args, **kwargs)
            except Exception:
                self.log(
                    types.MessageType.Error,
                    f"styx lsp: {handler.__name__} failed\n{traceback.format_exc()}",
                )
                return None

        return run

    def open(self, uri: str, text: str, version: int | None) -> None:
        name = protocol.uri_to_path(uri) or uri
        self.documents[uri] = OpenDocument(uri, name, _clean(text), version)
        self.refresh(uri)

    def refresh(self, uri: str) -> None:
        """Analyse the document's current text and publish its diagnostics."""
        document = self.documents[uri]
        previous = document.analysis.binding if document.analysis is not None else None
        try:
            document.analysis = analyze(document.name, document.text, previous)
            found = protocol.diagnostics(document.analysis, uri)
        except Exception:
            self.log(
                types.MessageType.Error,
                f"styx lsp: cannot analyse {uri}\n{traceback.format_exc()}",
            )
            document.analysis = None
            found = [_internal_error()]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=document.version)
        )

    def analysis(self, uri: str) -> Analysis | None:
        document = self.documents.get(uri)
        return document.analysis if document is not None else None

    def dependents(self, uri: str) -> list[str]:
        """Open documents whose schema is the file at ``uri``."""
        path = protocol.uri_to_path(uri)
        return [
            other.uri
            for other in self.documents.values()
            if path is not None
            and other.analysis is not None
            and other.analysis.binding is not None
            and other.analysis.binding.schema_path == path
        ]


def build() -> StyxServer:
    """The server with every feature registered."""
    server = StyxServer()
    guarded = server.guarded

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        server.open(item.uri, item.text, item.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = server.documents.get(uri)
        if document is None:
            return
        for change in params.content_changes:
            document.text = _apply(document.text, change)
        document.version = params.text_document.version
        server.refresh(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        """A saved schema file is read again by the documents using it."""
        for uri in server.dependents(params.text_document.uri):
            server.refresh(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if server.documents.pop(uri, None) is not None:
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(params: types.HoverParams) -> types.Hover | None:
        analysis = server.analysis(params.text_document.uri)
        if analysis is None:
            return None
        return navigation.hover(analysis, protocol.offset_of(analysis.index, params.position))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded
    def definition(params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        analysis = server.analysis(uri)
        if analysis is None:
            return None
        offset = protocol.offset_of(analysis.index, params.position)
        return navigation.definition(analysis, uri, offset)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["@"])
    )
    @guarded
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        analysis = server.analysis(params.text_document.uri)
        if analysis is None:
            return None
        return editing.completion(analysis, protocol.offset_of(analysis.index, params.position))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded
    def document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        analysis = server.analysis(params.text_document.uri)
        return navigation.symbols(analysis) if analysis is not None else []

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        analysis = server.analysis(params.text_document.uri)
        return editing.formatting(analysis) if analysis is not None else None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        analysis = server.analysis(uri)
        return editing.code_actions(analysis, uri, params.context) if analysis else []

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, tokens.LEGEND)
    @guarded
    def semantic_tokens(params: types.SemanticTokensParams) -> types.SemanticTokens | None:
        analysis = server.analysis(params.text_document.uri)
        return tokens.semantic_tokens(analysis) if analysis is not None else None

    return server


def serve() -> None:
    """Speak LSP on standard input and output until the client says exit."""
    build().start_io()


def _apply(
    text: str,
    change: types.TextDocumentContentChangePartial | types.TextDocumentContentChangeWholeDocument,
) -> str:
    """The text after one change: the whole document (the sync kind this
    server asks for), or a range, which some clients send regardless."""
    if isinstance(change, types.TextDocumentContentChangeWholeDocument):
        return _clean(change.text)
    index = LineIndex(text)
    start = protocol.offset_of(index, change.range.start)
    end = max(start, protocol.offset_of(index, change.range.end))
    data = text.encode("utf-8")
    return (data[:start] + _clean(change.text).encode("utf-8") + data[end:]).decode("utf-8")


def _clean(text: str) -> str:
    """Text as JSON can carry it but UTF-8 cannot: an unpaired surrogate
    (``"\\ud800"``) becomes U+FFFD, one UTF-16 unit for one, so that the
    client's positions still match."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _internal_error() -> types.Diagnostic:
    start = types.Position(line=0, character=0)
    return types.Diagnostic(
        range=types.Range(start=start, end=start),
        message="styx lsp could not check this file; its log has the details",
        severity=types.DiagnosticSeverity.Error,
        code=INTERNAL_ERROR,
        source="styx",
    )
