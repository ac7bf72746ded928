"""The server never dies on bad input: random edits, truncations,
unbalanced brackets, unpaired surrogates, huge lines and deep nesting,
each followed by diagnostics and by answers to requests."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import LanguageClient

from styx.lsp.server import StyxServer
from tests.lsp.conftest import DIBS_DECLARATION, TIMEOUT, Editor

BASE = (
    f"{DIBS_DECLARATION}\n\n"
    "/// The db program.\n"
    "db {\n"
    "    crate my-app-db  // comment\n"
    '    binary "/opt/app \\"db\\""\n'
    "    connect_timeout 30s\n"
    "}\n"
    "extra (a b @c{d e})\n"
    "script <<EOF\n    text\n    EOF\n"
)

_pieces = st.sampled_from(
    [
        "{",
        "}",
        "(",
        ")",
        '"',
        "\\",
        "<<EOF\n",
        "@",
        "@schema",
        ">",
        ",",
        "\n",
        "///",
        'r#"',
        "\ud800",
        "\udfff",
        "😀",
        "é",
        "\r\n",
        "\t",
        "\x00",
    ]
)

_texts = st.one_of(
    st.text(max_size=120),
    st.lists(_pieces | st.text(max_size=5), max_size=40).map("".join),
    st.integers(0, len(BASE)).map(lambda n: BASE[:n]),
    st.tuples(st.integers(0, len(BASE)), _pieces).map(lambda t: BASE[: t[0]] + t[1] + BASE[t[0] :]),
    st.tuples(st.integers(0, len(BASE)), st.integers(0, len(BASE))).map(
        lambda t: BASE[: min(t)] + BASE[max(t) :]
    ),
    st.sampled_from(["\ud800", "\udc00x", "a\ud83d", '"\ud800"']).map(
        lambda s: f'{DIBS_DECLARATION}\ndb {{ crate "{s}" }}\n'
    ),
    st.integers(10_000, 300_000).map(lambda n: BASE + "line " + "y" * n + "\n"),
    st.integers(1, 3_000).map(lambda n: "a " + "{b " * n + "}" * n),
    st.integers(1, 3_000).map(lambda n: "a " + "(" * n),
)


@pytest.fixture
def editor(client: LanguageClient, tmp_path: Path) -> Editor:
    return Editor(client, tmp_path / ".config" / "dibs.styx")


@pytest.mark.asyncio
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(_texts, st.integers(0, 12), st.integers(0, 400)), min_size=1, max_size=4
    )
)
async def test_random_edits_never_kill_the_server(
    client: LanguageClient, editor: Editor, edits: list[tuple[str, int, int]]
) -> None:
    if editor.version == 0:
        await editor.open(BASE)
    for text, line, character in edits:
        published = await editor.change(text)  # checks uri and version
        assert all(d.code != "styx::internal-error" for d in published.diagnostics)
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
        await _newer_requests(client, editor, published, line, character)
    # Still a working server: a valid document checks clean.
    valid = f"{DIBS_DECLARATION}\n\ndb {{\n    crate my-app-db\n}}\n"
    assert list((await editor.change(valid)).diagnostics) == []


async def _newer_requests(
    client: LanguageClient,
    editor: Editor,
    published: types.PublishDiagnosticsParams,
    line: int,
    character: int,
) -> None:
    """Code actions (with the diagnostics just published), inlay hints,
    links, references and on-type formatting at the same place: each
    answers with its type, never an error."""
    where = editor.at(line, character)
    position = where["position"]
    everything = types.Range(start=types.Position(0, 0), end=types.Position(line + 500, 0))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=editor.identifier,
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=list(published.diagnostics)),
        )
    )
    assert isinstance(actions, list | tuple)
    for action in actions:
        assert isinstance(action, types.CodeAction) and action.edit is not None
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=editor.identifier, range=everything)
    )
    assert isinstance(hints, list | tuple)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=editor.identifier)
    )
    assert isinstance(links, list | tuple)
    found = await client.text_document_references_async(
        types.ReferenceParams(**where, context=types.ReferenceContext(include_declaration=True))
    )
    assert isinstance(found, list | tuple)
    edits = await client.text_document_on_type_formatting_async(
        types.DocumentOnTypeFormattingParams(
            text_document=editor.identifier,
            position=position,
            ch="\n",
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert isinstance(edits, list | tuple)


@pytest.mark.asyncio
async def test_requests_for_unknown_documents(client: LanguageClient, tmp_path: Path) -> None:
    unknown = types.TextDocumentIdentifier(uri=(tmp_path / "never-opened.styx").as_uri())
    position = types.Position(line=0, character=0)
    assert await client.text_document_hover_async(types.HoverParams(unknown, position)) is None
    assert not await client.text_document_document_symbol_async(types.DocumentSymbolParams(unknown))
    # A change to a document never opened is ignored, and the server goes on.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=unknown.uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="a {")],
        )
    )
    editor = Editor(client, tmp_path / "app.styx")
    assert list((await editor.open("a 1\n")).diagnostics) == []


@pytest.mark.asyncio
async def test_incremental_changes_are_applied(client: LanguageClient, tmp_path: Path) -> None:
    """The server asks for full text, but a client that sends ranges anyway
    is understood, in UTF-16 columns: the brace is column 7, after an
    emoji of two units (column 6 if code points were counted)."""
    editor = Editor(client, tmp_path / "app.styx")
    assert (await editor.open('a "😀" {\n')).diagnostics
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(0, 7), end=types.Position(0, 8)), text=""
    )
    waiting = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=editor.uri, version=2),
            content_changes=[change],
        )
    )
    published = await asyncio.wait_for(asyncio.wrap_future(waiting), TIMEOUT)
    assert published.version == 2
    assert list(published.diagnostics) == []


def test_a_failing_handler_is_logged_not_fatal() -> None:
    """In-process: what the guard does with an exception."""
    server = StyxServer()
    logged: list[types.LogMessageParams] = []
    server.window_log_message = logged.append  # type: ignore[method-assign]

    @server.guarded
    def broken(params: object) -> str:
        raise ZeroDivisionError("boom")

    assert broken(None) is None
    [message] = logged
    assert message.type == types.MessageType.Error
    assert "broken failed" in message.message
    assert "ZeroDivisionError: boom" in message.message
