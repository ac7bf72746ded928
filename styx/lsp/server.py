"""`styx lsp`: the language server, on pygls, over standard input and output.

Each open document keeps its latest `Analysis`, recomputed from the full
text on every change and published as diagnostics straight away; requests
(hover, completion, ...) read it. Every handler runs inside
`StyxServer.guarded`: an exception is logged to the client
(window/logMessage) with its traceback and the request gets an empty
answer, so a bug met on one document never takes the server down. A failed
analysis still publishes a diagnostic, so the editor shows that the file
could not be checked.

A schema declared by URL is fetched in the background (`styx.lsp.fetching`),
and the documents waiting for it are analysed again when it arrives. The
files a schema was read from, its imports included, are watched: a change
reported by the client (``workspace/didChangeWatchedFiles``, registered
dynamically when the client allows it) or a save makes every open document
using them load its schema afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException, PyglsError
from pygls.lsp.server import LanguageServer

from styx.lsp import decorations, editing, navigation, protocol, tokens
from styx.lsp.analysis import SCHEMA_PENDING, Analysis, analyze
from styx.lsp.fetching import Fetcher
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
        self.fetcher = Fetcher(self._fetched)
        self._loop: asyncio.AbstractEventLoop | None = None

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

    def _fetched(self) -> None:
        """A background fetch finished (on its thread): re-analyse, on the
        server's loop, the documents that were waiting for a schema."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.guarded(self._refresh_waiting))

    def _refresh_waiting(self) -> None:
        for uri, document in list(self.documents.items()):
            analysis = document.analysis
            if analysis is not None and any(
                d.code == SCHEMA_PENDING for d in analysis.outcome.diagnostics
            ):
                self.refresh(uri)

    def refresh(self, uri: str, *, reload: bool = False) -> None:
        """Analyse the document's current text and publish its diagnostics;
        with ``reload``, resolve and load its schema afresh."""
        if self._loop is None:
            with contextlib.suppress(RuntimeError):  # not called from the loop
                self._loop = asyncio.get_running_loop()
        document = self.documents[uri]
        previous = document.analysis.binding if document.analysis is not None else None
        if reload:
            previous = None
        try:
            document.analysis = analyze(
                document.name, document.text, previous, self.fetcher.resolve
            )
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
        """Open documents whose schema was read from the file at ``uri``,
        itself or through an import."""
        path = protocol.uri_to_path(uri)
        if path is None:
            return []
        path = os.path.abspath(path)
        return [
            other.uri
            for other in self.documents.values()
            if other.uri != uri
            and other.analysis is not None
            and other.analysis.binding is not None
            and path in other.analysis.binding.files
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

    @server.feature(types.INITIALIZED)
    @guarded
    def initialized(params: types.InitializedParams) -> None:
        """Ask the client to watch Styx files, when it can be asked."""
        capabilities = server.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern="**/*.styx")]
        )
        registration = types.Registration(
            id="styx-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        server.client_register_capability(
            types.RegistrationParams(registrations=[registration]), lambda *_: None
        )

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        """A saved schema file is read again by the documents using it."""
        for uri in server.dependents(params.text_document.uri):
            server.refresh(uri, reload=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        """A schema file, or a file it imports, changed on disk: the
        documents using it load their schema again."""
        waiting: list[str] = []
        for change in params.changes:
            waiting += [uri for uri in server.dependents(change.uri) if uri not in waiting]
        for uri in waiting:
            server.refresh(uri, reload=True)

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
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]
        ),
    )
    @guarded
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        analysis = server.analysis(uri)
        if analysis is None:
            return []
        return editing.code_actions(analysis, uri, params.range, params.context)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded
    def references(params: types.ReferenceParams) -> list[types.Location] | None:
        uri = params.text_document.uri
        analysis = server.analysis(uri)
        if analysis is None:
            return None
        offset = protocol.offset_of(analysis.index, params.position)
        found = navigation.references(analysis, uri, offset, params.context.include_declaration)
        # In a schema file, a field's key: its uses in the open documents it checks.
        key = navigation.definition_key(analysis, offset)
        path = protocol.uri_to_path(uri)
        if key is not None and path is not None:
            for other in server.dependents(uri):
                other_analysis = server.analysis(other)
                if other_analysis is not None:
                    found += navigation.uses_of_definition(
                        other_analysis, other, os.path.abspath(path), key
                    )
        return found

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded
    def inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint] | None:
        analysis = server.analysis(params.text_document.uri)
        if analysis is None:
            return None
        start = protocol.offset_of(analysis.index, params.range.start)
        end = protocol.offset_of(analysis.index, params.range.end)
        return decorations.inlay_hints(analysis, start, end)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    @guarded
    def document_link(params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        analysis = server.analysis(params.text_document.uri)
        return decorations.document_links(analysis) if analysis is not None else None

    @server.feature(
        types.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
        types.DocumentOnTypeFormattingOptions(first_trigger_character="\n"),
    )
    @guarded
    def on_type_formatting(
        params: types.DocumentOnTypeFormattingParams,
    ) -> list[types.TextEdit] | None:
        analysis = server.analysis(params.text_document.uri)
        if analysis is None or params.ch != "\n":
            return None
        return editing.on_type_formatting(analysis, params.position.line, params.options)

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
