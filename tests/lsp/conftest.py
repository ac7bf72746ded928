"""The language server under test, driven as an editor drives it: `styx lsp`
in a subprocess, spoken to in JSON-RPC over its stdin and stdout by
pytest-lsp's client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import styx_executable

#: How long a test waits for the server before it counts as hung.
TIMEOUT = 30.0

DIBS_DECLARATION = "@schema {id crate:dibs@1, cli dibs}"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*styx_executable(), "lsp"]))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    registered: list[types.Registration] = []
    lsp_client.registered = registered  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        """Accept the server's dynamic registrations, as an editor does."""
        registered.extend(params.registrations)

    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    )
    yield
    await lsp_client.shutdown_session()


class Editor:
    """One open document: edits it and returns what the server published."""

    def __init__(self, client: LanguageClient, path: Path) -> None:
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.version = 0

    async def open(self, text: str) -> types.PublishDiagnosticsParams:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text, encoding="utf-8")
        self.version = 1
        item = types.TextDocumentItem(uri=self.uri, language_id="styx", version=1, text=text)
        return await self._published(
            lambda: self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        )

    async def change(self, text: str) -> types.PublishDiagnosticsParams:
        self.version += 1
        params = types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
        return await self._published(lambda: self.client.text_document_did_change(params))

    async def _published(self, send: Callable[[], None]) -> types.PublishDiagnosticsParams:
        """Send, then wait for this document's diagnostics of this version
        (the server publishes before it reads the next message)."""
        waiting = self.client.protocol.wait_for_notification(
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
        )
        send()
        params = await asyncio.wait_for(asyncio.wrap_future(waiting), TIMEOUT)
        assert isinstance(params, types.PublishDiagnosticsParams)
        assert (params.uri, params.version) == (self.uri, self.version)
        return params

    def at(self, line: int, character: int) -> dict[str, Any]:
        """The fields of a position request at 0-based ``line``, UTF-16 ``character``."""
        return {
            "text_document": self.identifier,
            "position": types.Position(line=line, character=character),
        }

    @property
    def identifier(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)


def position_of(text: str, needle: str, *, after: int = 0) -> tuple[int, int]:
    """0-based line and UTF-16 column of the start of ``needle`` (plus ``after`` columns)."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset)
    column = len(text[text.rfind("\n", 0, offset) + 1 : offset].encode("utf-16-le")) // 2
    return line, column + after


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied (UTF-16 positions), as an editor does."""
    from styx.source import LineIndex

    index = LineIndex(text)
    data = text.encode("utf-8")
    spans = [
        (
            index.offset_at_utf16(edit.range.start.line, edit.range.start.character),
            index.offset_at_utf16(edit.range.end.line, edit.range.end.character),
            edit.new_text,
        )
        for edit in edits
    ]
    for start, end, new in sorted(spans, key=lambda span: span[0], reverse=True):
        data = data[:start] + new.encode("utf-8") + data[end:]
    return data.decode("utf-8")


async def code_actions(
    client: LanguageClient,
    editor: Editor,
    line: int,
    character: int,
    diagnostics: list[types.Diagnostic] | None = None,
) -> list[types.CodeAction]:
    """The code actions at a position, with the diagnostics of that line as
    editors send them."""
    position = types.Position(line=line, character=character)
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=editor.identifier,
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(
                diagnostics=[
                    d for d in diagnostics or [] if d.range.start.line <= line <= d.range.end.line
                ]
            ),
        )
    )
    actions = [action for action in found or [] if isinstance(action, types.CodeAction)]
    assert len(actions) == len(found or [])
    return actions


def edited(text: str, uri: str, action: types.CodeAction) -> str:
    """The text after applying one action's workspace edit."""
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes) == [uri]
    return apply_edits(text, list(action.edit.changes[uri]))
