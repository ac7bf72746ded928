"""Inlay hints, document links, references, go to definition into a schema
that is not a file, on-type formatting, completion in attributes and
sequences, URL schemas fetched in the background, and watched imports."""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from dibs.config import SCHEMA_ID
from styx.schema.resolve import lookup_registry
from tests.lsp.conftest import DIBS_DECLARATION, TIMEOUT, Editor, apply_edits, position_of

pytestmark = pytest.mark.asyncio

SCHEMA = """\
meta {
    id https://example.com/app
    version 2026-02-01
    description "An app's settings.\\nSecond line."
}

schema {
    @ @object{
        port @int{min 1}
        level @default(info @one-of(@string (debug info warn)))
        levels @optional(@seq(@one-of(@string (debug info warn))))
        server @optional(@Server)
        servers @optional(@seq(@Server))
    }
    Server @object{
        port @optional(@int)
        mode @default(fast @one-of(@string (fast slow)))
    }
}
"""

HEAD = "@schema ./app.schema.styx\n"


@pytest.fixture
def editor(client: LanguageClient, tmp_path: Path) -> Editor:
    (tmp_path / "app.schema.styx").write_text(SCHEMA, encoding="utf-8")
    return Editor(client, tmp_path / "app.styx")


def whole(text: str) -> types.Range:
    return types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=text.count("\n") + 1, character=0),
    )


# ---------------------------------------------------------------- inlay hints


async def test_inlay_hints(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "port 1\nlevel\nserver {\n    mode\n}\n"
    await editor.open(text)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=editor.identifier, range=whole(text))
    )
    assert hints is not None
    found = [(h.position.line, h.position.character, h.label) for h in hints]
    assert found == [
        (0, len(HEAD) - 1, "— An app's settings. (2026-02-01)"),
        (2, 5, "default: info"),
        (4, 8, "default: fast"),
    ]
    assert hints[0].tooltip == (
        "Schema id: https://example.com/app\n\nAn app's settings.\nSecond line."
    )
    # A range without those lines has none of them.
    only_last = types.Range(start=types.Position(4, 0), end=types.Position(5, 0))
    some = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=editor.identifier, range=only_last)
    )
    assert [h.label for h in some or []] == ["default: fast"]


async def test_no_inlay_hints_without_schema(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "plain.styx")
    text = "level\n"
    await editor.open(text)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=editor.identifier, range=whole(text))
    )
    assert not hints


# ---------------------------------------------------------------- links


async def test_document_links(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    text = HEAD + "port 1\n"
    await editor.open(text)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=editor.identifier)
    )
    assert links is not None
    [link] = links
    assert link.target == (tmp_path / "app.schema.styx").as_uri()
    assert link.range == types.Range(start=types.Position(0, 8), end=types.Position(0, 25))

    url = Editor(client, tmp_path / "remote.styx")
    await url.open("@schema https://example.invalid/s.styx\n")
    [remote] = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=url.identifier)
    ) or [None]
    assert remote is not None and remote.target == "https://example.invalid/s.styx"


async def test_links_to_imports_in_schema_file(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "common.schema.styx").write_text(
        "meta {id c, version 2026-01-01}\nschema {\n  Port @int\n}\n", encoding="utf-8"
    )
    editor = Editor(client, tmp_path / "app.schema.styx")
    text = (
        "meta {id a, version 2026-01-01}\n"
        "imports {\n    common ./lib/common.schema.styx\n    gone ./missing.styx\n}\n"
        "schema {\n  @ @object{port @common.Port}\n}\n"
    )
    await editor.open(text)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=editor.identifier)
    )
    assert [(link.target, link.range.start.line) for link in links or []] == [
        ((tmp_path / "lib" / "common.schema.styx").as_uri(), 2)
    ]


# ---------------------------------------------------------------- references


async def test_references_to_a_field(
    client: LanguageClient, editor: Editor, tmp_path: Path
) -> None:
    text = HEAD + "port 1\nserver {port 2}\nservers ({port 3} {mode slow, port 4})\n"
    await editor.open(text)
    line, column = position_of(text, "{port 2", after=1)

    async def references(include: bool) -> list[tuple[str, int, int]]:
        found = await client.text_document_references_async(
            types.ReferenceParams(
                **editor.at(line, column),
                context=types.ReferenceContext(include_declaration=include),
            )
        )
        return [(f.uri, f.range.start.line, f.range.start.character) for f in found or []]

    # The Server's port, in `server` and in each of `servers`; not the root's port.
    uri = editor.uri
    assert await references(False) == [(uri, 2, 8), (uri, 3, 10), (uri, 3, 30)]
    with_definition = await references(True)
    schema_uri = (tmp_path / "app.schema.styx").as_uri()
    port_line, port_column = position_of(SCHEMA, "port @optional")
    assert with_definition[0] == (schema_uri, port_line, port_column)
    assert with_definition[1:] == [(uri, 2, 8), (uri, 3, 10), (uri, 3, 30)]


async def test_references_to_a_type_in_schema_file(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.schema.styx")
    await editor.open(SCHEMA)
    line, column = position_of(SCHEMA, "Server @object")
    found = await client.text_document_references_async(
        types.ReferenceParams(
            **editor.at(line, column), context=types.ReferenceContext(include_declaration=True)
        )
    )
    spots = [(f.range.start.line, f.range.start.character) for f in found or []]
    assert spots == [
        (line, column),
        position_of(SCHEMA, "@Server)"),
        position_of(SCHEMA, "@Server))"),
    ]


async def test_references_from_schema_field_into_open_documents(
    client: LanguageClient, editor: Editor, tmp_path: Path
) -> None:
    text = HEAD + "port 1\nserver {port 2}\nservers ({mode slow, port 4})\n"
    await editor.open(text)
    schema = Editor(client, tmp_path / "app.schema.styx")
    await schema.open(SCHEMA)
    line, column = position_of(SCHEMA, "port @optional")
    found = await client.text_document_references_async(
        types.ReferenceParams(
            **schema.at(line, column + 1),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert [(f.uri, f.range.start.line, f.range.start.character) for f in found or []] == [
        (editor.uri, 2, 8),
        (editor.uri, 3, 21),
    ]


# ---------------------------------------------------------------- definition


async def test_definition_into_registered_schema(client: LanguageClient, tmp_path: Path) -> None:
    """dibs's schema is text from a Python package: it is written to the
    cache, and the location points into that copy."""
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    text = f"{DIBS_DECLARATION}\n\ndb {{\n    crate my-app-db\n}}\n"
    await editor.open(text)
    line, column = position_of(text, "crate my")
    found = await client.text_document_definition_async(
        types.DefinitionParams(**editor.at(line, column))
    )
    assert isinstance(found, types.Location)
    assert found.uri.startswith("file://") and "/styx/schemas/lsp/" in found.uri
    copy = Path(found.uri.removeprefix("file://"))
    source = lookup_registry(SCHEMA_ID, "dibs").source
    assert source is not None and copy.read_text(encoding="utf-8") == source.text
    assert (
        copy.read_text(encoding="utf-8").splitlines()[found.range.start.line][
            found.range.start.character : found.range.end.character
        ]
        == "crate"
    )

    to_schema = await client.text_document_definition_async(
        types.DefinitionParams(**editor.at(0, 3))
    )
    assert isinstance(to_schema, types.Location) and to_schema.uri == found.uri

    # The registry declaration is a link to the same copy.
    [link] = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=editor.identifier)
    ) or [None]
    assert link is not None and link.target == found.uri
    assert link.range == types.Range(
        start=types.Position(0, 8), end=types.Position(0, len(DIBS_DECLARATION))
    )


# ---------------------------------------------------------------- on-type formatting


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("server {\n\n}\n", "server {\n    \n}\n"),
        ("server {\n    port 1\n\n}\n", "server {\n    port 1\n    \n}\n"),
        ("servers (\n    {\n\n    }\n)\n", "servers (\n    {\n        \n    }\n)\n"),
        ("server {\n  \n", "server {\n    \n"),
        ("port 1\n      \n", "port 1\n\n"),
    ],
)
async def test_indent_after_newline(
    client: LanguageClient, editor: Editor, before: str, after: str
) -> None:
    text = HEAD + before
    await editor.open(text)
    blank = next(i for i, line in enumerate(text.split("\n")) if i > 0 and not line.strip())
    edits = await client.text_document_on_type_formatting_async(
        types.DocumentOnTypeFormattingParams(
            text_document=editor.identifier,
            position=types.Position(line=blank, character=0),
            ch="\n",
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert apply_edits(text, list(edits or [])) == HEAD + after


# ---------------------------------------------------------------- completion


@pytest.mark.parametrize(
    ("text", "needle", "labels", "new_text"),
    [
        ("server mode>", "mode>", ["fast", "slow"], "fast"),
        ("server mode>s", "mode>s", ["fast", "slow"], "fast"),
        ("server mode>fast ", "fast ", ["port"], "port>"),
        ("server mode>fast p", "fast p", ["port"], "port>"),
        ("levels (debug ", "(debug ", ["debug", "info", "warn"], "debug"),
        ("levels (debug w)", "(debug w", ["debug", "info", "warn"], "debug"),
        ("levels (", "(", ["debug", "info", "warn"], "debug"),
        ("servers ({mode fast} {m})", "{m", ["mode", "port"], "mode "),
        ("servers ({mode })", "{mode ", ["fast", "slow"], "fast"),
    ],
)
async def test_completion_in_attributes_and_sequences(
    client: LanguageClient,
    editor: Editor,
    text: str,
    needle: str,
    labels: list[str],
    new_text: str,
) -> None:
    document = HEAD + "port 1\n" + text + "\n"
    await editor.open(document)
    line, column = position_of(document, needle, after=len(needle))
    result = await client.text_document_completion_async(
        types.CompletionParams(**editor.at(line, column))
    )
    assert isinstance(result, types.CompletionList)
    assert sorted(item.label for item in result.items) == labels
    edit = sorted(result.items, key=lambda item: item.label)[0].text_edit
    assert isinstance(edit, types.TextEdit) and edit.new_text == new_text


# ---------------------------------------------------------------- URL schemas


class _SlowSchema(http.server.BaseHTTPRequestHandler):
    delay = 3.0

    def do_GET(self) -> None:
        time.sleep(self.delay)
        body = SCHEMA.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowSchema)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/app.schema.styx"
    finally:
        server.shutdown()
        server.server_close()


async def test_url_schema_never_blocks(
    client: LanguageClient, tmp_path: Path, slow_server: str
) -> None:
    editor = Editor(client, tmp_path / "remote.styx")
    text = f"@schema {slow_server}\nport zero\n"
    started = time.monotonic()
    waiting = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    first = await editor.open(text)
    assert [d.code for d in first.diagnostics] == ["styx::schema-pending"]
    assert first.diagnostics[0].severity == types.DiagnosticSeverity.Information
    # The server answers while the schema is on its way.
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=editor.identifier)
    )
    assert [s.name for s in symbols or [] if isinstance(s, types.DocumentSymbol)] == [
        "@schema",
        "port",
    ]
    assert time.monotonic() - started < _SlowSchema.delay
    del waiting
    arrived = await asyncio.wait_for(
        asyncio.wrap_future(
            client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        ),
        TIMEOUT,
    )
    assert arrived.uri == editor.uri
    assert [d.code for d in arrived.diagnostics] == ["styx::type-mismatch"]


# ---------------------------------------------------------------- watched files


async def test_changed_import_revalidates_dependents(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "lib").mkdir()
    common = tmp_path / "lib" / "common.schema.styx"
    common.write_text(
        "meta {id c, version 2026-01-01}\nschema {\n  Port @int{min 1}\n}\n", encoding="utf-8"
    )
    (tmp_path / "app.schema.styx").write_text(
        "meta {id a, version 2026-01-01}\nimports {common ./lib/common.schema.styx}\n"
        "schema {\n  @ @object{port @common.Port}\n}\n",
        encoding="utf-8",
    )
    editor = Editor(client, tmp_path / "app.styx")
    first = await editor.open(HEAD + "port 80\n")
    assert list(first.diagnostics) == []
    # The server asked the editor to watch Styx files (before it read didOpen).
    registered = client.registered  # type: ignore[attr-defined]
    assert [r.method for r in registered] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]

    common.write_text(
        "meta {id c, version 2026-01-01}\nschema {\n  Port @int{min 1024}\n}\n", encoding="utf-8"
    )
    waiting = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=common.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    again = await asyncio.wait_for(asyncio.wrap_future(waiting), TIMEOUT)
    assert again.uri == editor.uri
    assert [d.code for d in again.diagnostics] == ["styx::out-of-range"]

    # An editor without file watching: saving the imported file in it.
    common.write_text(
        "meta {id c, version 2026-01-01}\nschema {\n  Port @int{min 1}\n}\n", encoding="utf-8"
    )
    waiting = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(common.as_uri()))
    )
    saved = await asyncio.wait_for(asyncio.wrap_future(waiting), TIMEOUT)
    assert (saved.uri, list(saved.diagnostics)) == (editor.uri, [])

    # A file no open document depends on changes nothing (no publication).
    other = tmp_path / "unrelated.styx"
    other.write_text("a 1\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=editor.identifier)
    )
    assert symbols
