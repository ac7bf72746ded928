"""Hover, completion, go to definition, formatting, the outline, semantic
tokens and the code action of known config files, asserted on content."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from styx.format import format_source
from tests.lsp.conftest import DIBS_DECLARATION, Editor, position_of

pytestmark = pytest.mark.asyncio

SCHEMA = """\
meta {
    id https://example.com/server
    version 2026-01-01
    description "A small server."
}

schema {
    @ @object{
        /// Port to listen on.
        port @int{min 1}
        /// Name or address to bind.
        host @optional(@string)
        /// How much to log.
        level @default(info @one-of(@string (debug info warn)))
        tls @optional(@Tls)
        debug @optional(@bool)
    }

    Tls @enum{
        /// Read the certificate from files.
        files @object{
            /// PEM certificate chain.
            cert @string
            key @string
        }
        /// No TLS at all.
        off
    }
}
"""


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "server.schema.styx"
    path.write_text(SCHEMA, encoding="utf-8")
    return path


def labels(result: types.CompletionList | list[types.CompletionItem] | None) -> list[str]:
    assert isinstance(result, types.CompletionList)
    return sorted(item.label for item in result.items)


# ---------------------------------------------------------------- hover


async def test_hover_shows_type_and_doc(client: LanguageClient, schema: Path) -> None:
    editor = Editor(client, schema.parent / "app.styx")
    text = "@schema ./server.schema.styx\nport 8080\n"
    await editor.open(text)
    hover = await client.text_document_hover_async(types.HoverParams(**editor.at(1, 2)))
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == "`port`: `@int{min 1}`\n\nPort to listen on."
    assert hover.range == types.Range(
        start=types.Position(line=1, character=0), end=types.Position(line=1, character=4)
    )


async def test_hover_in_dibs_config(client: LanguageClient, tmp_path: Path) -> None:
    """dibs registers `crate:dibs@1` through its entry point."""
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    text = f"{DIBS_DECLARATION}\n\ndb {{\n    crate my-app-db\n}}\n"
    await editor.open(text)
    hover = await client.text_document_hover_async(
        types.HoverParams(**editor.at(*position_of(text, "    crate", after=6)))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    first, _, doc = hover.contents.value.partition("\n\n")
    assert first == "`crate`: `@optional(@string)`"
    assert doc.startswith("The Python package (distribution or module name)")

    on_db = await client.text_document_hover_async(types.HoverParams(**editor.at(2, 0)))
    assert on_db is not None and isinstance(on_db.contents, types.MarkupContent)
    assert on_db.contents.value.startswith("`db`: `@optional(@DbConfig)`")

    on_declaration = await client.text_document_hover_async(types.HoverParams(**editor.at(0, 3)))
    assert on_declaration is not None and isinstance(on_declaration.contents, types.MarkupContent)
    assert on_declaration.contents.value.startswith("`@schema`: `crate:dibs@1`")


async def test_hover_through_enum_payload(client: LanguageClient, schema: Path) -> None:
    editor = Editor(client, schema.parent / "app.styx")
    text = "@schema ./server.schema.styx\nport 1\ntls @files{cert a.pem, key a.key}\n"
    await editor.open(text)
    hover = await client.text_document_hover_async(
        types.HoverParams(**editor.at(*position_of(text, "cert")))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value == "`cert`: `@string`\n\nPEM certificate chain."


async def test_no_hover_without_schema(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "plain.styx")
    await editor.open("port 8080\n")
    assert await client.text_document_hover_async(types.HoverParams(**editor.at(0, 1))) is None


# ---------------------------------------------------------------- completion


async def test_completes_missing_keys_with_docs(client: LanguageClient, schema: Path) -> None:
    editor = Editor(client, schema.parent / "app.styx")
    text = "@schema ./server.schema.styx\nport 8080\n\n"
    await editor.open(text)
    result = await client.text_document_completion_async(types.CompletionParams(**editor.at(2, 0)))
    assert labels(result) == ["debug", "host", "level", "tls"]
    assert isinstance(result, types.CompletionList)
    host = next(item for item in result.items if item.label == "host")
    assert host.detail == "@optional(@string)"
    assert isinstance(host.documentation, types.MarkupContent)
    assert host.documentation.value == "Name or address to bind."
    assert isinstance(host.text_edit, types.TextEdit)
    assert host.text_edit.new_text == "host "


async def test_completes_partial_key_inside_dibs_db(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    text = f"{DIBS_DECLARATION}\n\ndb {{\n    binary /x\n    co\n}}\n"
    await editor.open(text)
    line, column = position_of(text, "    co", after=6)
    result = await client.text_document_completion_async(
        types.CompletionParams(**editor.at(line, column))
    )
    assert labels(result) == ["connect_timeout", "crate"]
    assert isinstance(result, types.CompletionList)
    item = next(item for item in result.items if item.label == "connect_timeout")
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.range == types.Range(
        start=types.Position(line=line, character=4), end=types.Position(line=line, character=6)
    )


async def test_completes_in_a_block_still_open(client: LanguageClient, tmp_path: Path) -> None:
    """Typing a new block without a closing brace yet: the text has an
    error, the tree and the schema are still there."""
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    published = await editor.open(f"{DIBS_DECLARATION}\n\ndb {{\n    \n")
    assert [d.code for d in published.diagnostics] == ["styx::unclosed-delimiter"]
    result = await client.text_document_completion_async(types.CompletionParams(**editor.at(3, 4)))
    assert labels(result) == ["binary", "connect_timeout", "crate"]


async def test_completes_last_segment_of_dotted_key(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    await editor.open(f"{DIBS_DECLARATION}\n\ndb.bi\n")
    result = await client.text_document_completion_async(types.CompletionParams(**editor.at(2, 5)))
    assert labels(result) == ["binary", "connect_timeout", "crate"]
    assert isinstance(result, types.CompletionList)
    assert isinstance(result.items[0].text_edit, types.TextEdit)
    assert result.items[0].text_edit.range.start == types.Position(line=2, character=3)


async def test_completes_enum_one_of_and_bool_values(client: LanguageClient, schema: Path) -> None:
    editor = Editor(client, schema.parent / "app.styx")
    text = "@schema ./server.schema.styx\nport 1\ntls \nlevel \ndebug \n"
    await editor.open(text)

    async def at_end_of(line: int) -> list[str]:
        column = len(text.splitlines()[line])
        result = await client.text_document_completion_async(
            types.CompletionParams(**editor.at(line, column))
        )
        return labels(result)

    assert await at_end_of(2) == ["@files", "@off"]
    assert await at_end_of(3) == ["debug", "info", "warn"]
    assert await at_end_of(4) == ["false", "true"]


async def test_completes_schema_declaration_in_known_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    await editor.open("@sch\n")
    result = await client.text_document_completion_async(types.CompletionParams(**editor.at(0, 4)))
    assert isinstance(result, types.CompletionList)
    [preferred] = [item for item in result.items if item.preselect]
    assert preferred.label == DIBS_DECLARATION
    assert isinstance(preferred.text_edit, types.TextEdit)
    assert preferred.text_edit.range.start == types.Position(line=0, character=0)


# ---------------------------------------------------------------- definition


async def test_definition_jumps_into_schema_file(client: LanguageClient, schema: Path) -> None:
    editor = Editor(client, schema.parent / "app.styx")
    text = "@schema ./server.schema.styx\nport 1\nhost h\n"
    await editor.open(text)
    found = await client.text_document_definition_async(types.DefinitionParams(**editor.at(2, 1)))
    assert isinstance(found, types.Location)
    assert found.uri == schema.as_uri()
    line, column = position_of(SCHEMA, "host @optional")
    assert found.range == types.Range(
        start=types.Position(line=line, character=column),
        end=types.Position(line=line, character=column + 4),
    )

    to_file = await client.text_document_definition_async(
        types.DefinitionParams(**editor.at(0, 12))
    )
    assert isinstance(to_file, types.Location)
    assert to_file.uri == schema.as_uri()


async def test_no_definition_for_unknown_key(client: LanguageClient, schema: Path) -> None:
    editor = Editor(client, schema.parent / "app.styx")
    await editor.open("@schema ./server.schema.styx\nport 1\nnope 2\n")
    found = await client.text_document_definition_async(types.DefinitionParams(**editor.at(2, 1)))
    assert found is None


# ---------------------------------------------------------------- formatting


async def test_formatting_rewrites_whole_document(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    text = "server   {host localhost,port 8080}\n// kept\nname   x\n"
    await editor.open(text)
    options = types.FormattingOptions(tab_size=4, insert_spaces=True)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=editor.identifier, options=options)
    )
    assert edits is not None
    [edit] = edits
    assert edit.new_text == format_source(text)
    assert edit.range == types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=3, character=0)
    )

    await editor.change(edit.new_text)
    again = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=editor.identifier, options=options)
    )
    assert list(again or []) == []


async def test_no_formatting_of_broken_document(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    await editor.open("server   {host localhost\nname   x\n")
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=editor.identifier,
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits


# ---------------------------------------------------------------- outline


async def test_document_symbols(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    text = "server {\n    host localhost\n    ports (80 443)\n}\nmode @fast\n"
    await editor.open(text)
    found = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=editor.identifier)
    )
    assert found is not None
    server, mode = found
    assert isinstance(server, types.DocumentSymbol) and isinstance(mode, types.DocumentSymbol)
    assert (server.name, server.kind) == ("server", types.SymbolKind.Object)
    assert server.range == types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=3, character=1)
    )
    assert server.selection_range == types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=0, character=6)
    )
    children = server.children or []
    assert [(c.name, c.kind, c.detail) for c in children] == [
        ("host", types.SymbolKind.String, "localhost"),
        ("ports", types.SymbolKind.Array, "2 items"),
    ]
    assert children[0].range.start == types.Position(line=1, character=4)
    assert (mode.name, mode.kind, mode.detail) == ("mode", types.SymbolKind.EnumMember, "@fast")


# ---------------------------------------------------------------- known files


async def test_known_file_without_schema_gets_hint_and_action(
    client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    text = "db {\n    crate my-app-db\n}\n"
    published = await editor.open(text)
    [hint] = published.diagnostics
    assert hint.code == "styx::schema-hint"
    assert hint.severity == types.DiagnosticSeverity.Information
    assert hint.range.start == types.Position(line=0, character=0)
    assert DIBS_DECLARATION in hint.message

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=editor.identifier,
            range=hint.range,
            context=types.CodeActionContext(diagnostics=[hint]),
        )
    )
    assert actions is not None
    add = actions[0]
    assert isinstance(add, types.CodeAction)
    assert add.kind == types.CodeActionKind.QuickFix
    assert add.is_preferred
    assert list(add.diagnostics or []) == [hint]
    assert add.edit is not None and add.edit.changes is not None
    [edit] = add.edit.changes[editor.uri]
    assert edit.new_text == f"{DIBS_DECLARATION}\n\n"
    assert edit.range.start == edit.range.end == types.Position(line=0, character=0)

    opt_out = actions[1]
    assert isinstance(opt_out, types.CodeAction) and not opt_out.is_preferred
    assert opt_out.edit is not None and opt_out.edit.changes is not None
    assert [e.new_text for e in opt_out.edit.changes[editor.uri]] == ["@schema @\n\n"]

    fixed = await editor.change(edit.new_text + text)
    assert list(fixed.diagnostics) == []


async def test_other_files_get_no_hint(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "config" / "dibs.styx")
    published = await editor.open("db {\n    crate my-app-db\n}\n")
    assert list(published.diagnostics) == []
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=editor.identifier,
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions


# ---------------------------------------------------------------- semantic tokens


async def test_semantic_tokens(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    text = '// note\nport 8080\nname "x y"\nmode @fast\n'
    await editor.open(text)
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=editor.identifier)
    )
    assert tokens is not None
    legend = ["property", "string", "number", "enumMember", "comment"]
    decoded = []
    line = column = 0
    data = list(tokens.data)
    for index in range(0, len(data), 5):
        delta_line, delta_column, length, kind, _ = data[index : index + 5]
        line += delta_line
        column = column + delta_column if delta_line == 0 else delta_column
        decoded.append((line, column, length, legend[kind]))
    assert decoded == [
        (0, 0, 7, "comment"),
        (1, 0, 4, "property"),
        (1, 5, 4, "number"),
        (2, 0, 4, "property"),
        (2, 5, 5, "string"),
        (3, 0, 4, "property"),
        (3, 5, 5, "enumMember"),
    ]
