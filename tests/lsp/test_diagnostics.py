"""Diagnostics as an editor receives them: on open, after every change,
empty once fixed, and the same as `styx check` reports."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import styx_executable
from tests.lsp.conftest import DIBS_DECLARATION, TIMEOUT, Editor

pytestmark = pytest.mark.asyncio

SCHEMA = """\
meta {
    id https://example.com/server
    version 2026-01-01
}

schema {
    @ @object{
        /// Port to listen on.
        port @int{min 1}
        /// Name or address to bind.
        host @optional(@string)
    }
}
"""


def span(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    start, end = diagnostic.range.start, diagnostic.range.end
    return start.line, start.character, end.line, end.character


def cli_report(path: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [*styx_executable(), "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


async def test_typo_in_dibs_config_then_fixed(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    published = await editor.open(f"{DIBS_DECLARATION}\n\ndb {{\n    crat my-app-db\n}}\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::unknown-field"
    assert problem.severity == types.DiagnosticSeverity.Error
    assert problem.source == "styx"
    assert problem.message.splitlines() == [
        "unknown field `crat` in `db`",
        "note: expected fields: crate, binary, connect_timeout",
        "help: did you mean `crate`?",
    ]
    assert span(problem) == (3, 4, 3, 8)
    [applied] = problem.related_information or []
    assert applied.message == "schema applied here"
    assert applied.location.uri == editor.uri
    assert applied.location.range.start.line == 0

    fixed = await editor.change(f"{DIBS_DECLARATION}\n\ndb {{\n    crate my-app-db\n}}\n")
    assert list(fixed.diagnostics) == []


async def test_syntax_error_first_with_labels(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / ".config" / "dibs.styx")
    published = await editor.open(f"{DIBS_DECLARATION}\n\ndb {{ crate 1 2 }}\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::too-many-atoms"
    assert problem.message.startswith("unexpected atom after value")
    assert span(problem) == (2, 13, 2, 14)
    labels = {
        (info.message, info.location.range.start.character)
        for info in problem.related_information or []
    }
    assert labels == {("key", 5), ("value", 11)}

    assert (
        list((await editor.change(f"{DIBS_DECLARATION}\n\ndb {{ crate 1 }}\n")).diagnostics) == []
    )


async def test_same_as_styx_check(client: LanguageClient, tmp_path: Path) -> None:
    """Message, code and span (in characters here: the text is ASCII) of
    every diagnostic are the CLI's."""
    (tmp_path / "server.schema.styx").write_text(SCHEMA, encoding="utf-8")
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("@schema ./server.schema.styx\n\nport 0\nhots x\n")
    expected = cli_report(editor.path)
    assert len(expected) == 2
    got = sorted(published.diagnostics, key=span)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.code == theirs["code"]
        assert mine.message.splitlines()[0] == theirs["message"]
        assert span(mine) == (
            theirs["line"] - 1,  # type: ignore[operator]
            theirs["column"] - 1,  # type: ignore[operator]
            theirs["end_line"] - 1,  # type: ignore[operator]
            theirs["end_column"] - 1,  # type: ignore[operator]
        )


async def test_schema_file_label_points_into_schema(client: LanguageClient, tmp_path: Path) -> None:
    schema = tmp_path / "server.schema.styx"
    schema.write_text(SCHEMA, encoding="utf-8")
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("@schema ./server.schema.styx\nport 0\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::out-of-range"
    assert span(problem) == (1, 5, 1, 6)
    related = {info.message: info.location for info in problem.related_information or []}
    assert related["expected by this"].uri == schema.as_uri()
    assert related["expected by this"].range.start == types.Position(line=8, character=13)
    assert related["schema applied here"].uri == editor.uri


async def test_positions_count_utf16(client: LanguageClient, tmp_path: Path) -> None:
    """An astral character before the error is two UTF-16 units (four UTF-8 bytes)."""
    (tmp_path / "server.schema.styx").write_text(SCHEMA, encoding="utf-8")
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("@schema ./server.schema.styx\nport 1\nhost {a 😀, b 😀}\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::type-mismatch"
    assert span(problem) == (2, 5, 2, 17)


async def test_unresolvable_schema_is_one_warning_on_its_line(
    client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("@schema ./missing.schema.styx\nport 0\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::schema-not-found"
    assert problem.severity == types.DiagnosticSeverity.Warning
    assert span(problem) == (0, 0, 0, 29)
    assert problem.message.startswith("schema `./missing.schema.styx` not found")

    # Written meanwhile: the next edit finds it.
    (tmp_path / "missing.schema.styx").write_text(SCHEMA, encoding="utf-8")
    published = await editor.change("@schema ./missing.schema.styx\nport 0\n\n")
    assert [d.code for d in published.diagnostics] == ["styx::out-of-range"]


async def test_unknown_registry_schema(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("@schema {id crate:no-such-tool@1, cli no-such-tool}\na 1\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::schema-not-found"
    assert span(problem) == (0, 0, 0, 51)


async def test_broken_schema_is_shown_on_the_declaration(
    client: LanguageClient, tmp_path: Path
) -> None:
    schema = tmp_path / "broken.schema.styx"
    schema.write_text(SCHEMA.replace("@int{min 1}", "@int{minimum 1}"), encoding="utf-8")
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("@schema ./broken.schema.styx\nport 1\n")
    assert published.diagnostics
    for problem in published.diagnostics:
        assert span(problem) == (0, 0, 0, 28)
        assert problem.message.startswith(f"{schema}:")
    first = published.diagnostics[0]
    assert any(info.location.uri == schema.as_uri() for info in first.related_information or [])


async def test_schema_edited_on_disk_is_read_again(client: LanguageClient, tmp_path: Path) -> None:
    schema = tmp_path / "server.schema.styx"
    schema.write_text(SCHEMA, encoding="utf-8")
    editor = Editor(client, tmp_path / "app.styx")
    assert list((await editor.open("@schema ./server.schema.styx\nport 1\n")).diagnostics) == []
    schema.write_text(SCHEMA.replace("min 1", "min 2"), encoding="utf-8")
    published = await editor.change("@schema ./server.schema.styx\nport 1\n\n")
    assert [d.code for d in published.diagnostics] == ["styx::out-of-range"]


async def test_saving_a_schema_rechecks_its_documents(
    client: LanguageClient, tmp_path: Path
) -> None:
    schema = tmp_path / "server.schema.styx"
    schema.write_text(SCHEMA, encoding="utf-8")
    editor = Editor(client, tmp_path / "app.styx")
    assert list((await editor.open("@schema ./server.schema.styx\nport 1\n")).diagnostics) == []
    schema.write_text(SCHEMA.replace("min 1", "min 5"), encoding="utf-8")
    waiting = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(schema.as_uri()))
    )
    published = await asyncio.wait_for(asyncio.wrap_future(waiting), TIMEOUT)
    assert published.uri == editor.uri
    assert [d.code for d in published.diagnostics] == ["styx::out-of-range"]


async def test_inline_schema(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    text = "@schema {schema {@ @object{port @int}}}\nport x\n"
    published = await editor.open(text)
    [problem] = published.diagnostics
    assert problem.code == "styx::type-mismatch"
    assert span(problem) == (1, 5, 1, 6)
    related = {info.message: info.location for info in problem.related_information or []}
    assert related["expected by this"].uri == editor.uri
    assert related["expected by this"].range.start.line == 0
