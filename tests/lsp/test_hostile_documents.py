"""The language server on hostile documents (tests/hostile.py): the deepest
document of every kind of nesting, one level deeper, and a 10 MB document.
Each is followed by every request an editor sends; none may fail (a failure
would be logged as an error and turn into ``styx::internal-error``), and the
server must still answer afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.hostile import NESTINGS, deepest, too_deep
from tests.lsp.conftest import Editor


async def every_request(client: LanguageClient, editor: Editor, line: int, character: int) -> None:
    where = editor.at(line, character)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=editor.identifier)
    )
    assert isinstance(symbols, list | tuple)
    await client.text_document_hover_async(types.HoverParams(**where))
    completion = await client.text_document_completion_async(types.CompletionParams(**where))
    assert isinstance(completion, types.CompletionList)
    await client.text_document_definition_async(types.DefinitionParams(**where))
    await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=editor.identifier)
    )
    await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=editor.identifier,
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )


def no_failures(client: LanguageClient, published: types.PublishDiagnosticsParams) -> None:
    assert all(d.code != "styx::internal-error" for d in published.diagnostics)
    errors = [m.message for m in client.log_messages if m.type == types.MessageType.Error]
    assert not errors, errors[0][:2000]


@pytest.mark.asyncio
async def test_the_deepest_documents_and_one_level_more(
    client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(client, tmp_path / "deep.styx")
    await editor.open("a 1\n")
    for kind in NESTINGS:
        text = deepest(kind)
        published = await editor.change(text)
        no_failures(client, published)
        assert list(published.diagnostics) == [], kind
        await every_request(client, editor, 0, len(text) // 2)
        no_failures(client, published)
        published = await editor.change(too_deep(kind))
        no_failures(client, published)
        assert [d.code for d in published.diagnostics] == ["styx::nesting-too-deep"], kind
        await every_request(client, editor, 0, len(text) // 2)
    published = await editor.change("a " + "{b " * 50_000 + "\n")
    no_failures(client, published)
    assert len(published.diagnostics) <= 5


@pytest.mark.asyncio
async def test_a_10_mb_document_keeps_the_server_answering(
    client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(client, tmp_path / "big.styx")
    await editor.open("a 1\n")
    text = "k " + "a" * 10_000_000 + " = x\n" + "".join(f"key{i} {i}\n" for i in range(1_000))
    published = await editor.change(text)
    no_failures(client, published)
    assert [d.code for d in published.diagnostics][:1] == ["styx::unexpected-character"]
    await every_request(client, editor, 0, 5_000_000)
    # Still the same server, answering about a small document at once.
    assert list((await editor.change("a 1\n")).diagnostics) == []
