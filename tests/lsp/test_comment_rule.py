"""The comment rule and the reference layout as an editor sees them: a
comment right after a bracket, comma or quoted scalar is a comment (no
diagnostic, kept by formatting), one glued to a bare scalar is reported, and
formatting gives the reference formatter's layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import Editor

pytestmark = pytest.mark.asyncio

OPTIONS = types.FormattingOptions(tab_size=4, insert_spaces=True)


async def formatted(client: LanguageClient, editor: Editor) -> str | None:
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=editor.identifier, options=OPTIONS)
    )
    if not edits:
        return None
    [edit] = edits
    return edit.new_text


async def test_comments_after_delimiters_and_quotes(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    text = (
        "config {// the app's settings\n"
        '  name "x"// quoted\n'
        "  ports (80 443)// two\n"
        "}\n"
        "other {/// documented\n"
        "  a 1,// after a comma\n"
        "  b 2}\n"
    )
    published = await editor.open(text)
    assert list(published.diagnostics) == []
    assert await formatted(client, editor) == (
        "config {  // the app's settings\n"
        '    name "x"  // quoted\n'
        "    ports (80 443)  // two\n"
        "}\n"
        "\n"
        "other {\n"
        "    /// documented\n"
        "    a 1  // after a comma\n"
        "    b 2\n"
        "}\n"
    )


async def test_comment_glued_to_a_bare_value(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open("url https://example.com//path\nk v// c\n")
    [problem] = published.diagnostics
    assert problem.code == "styx::too-many-atoms"
    assert (problem.range.start.line, problem.range.start.character) == (1, 6)
    assert "`//` without whitespace before it is part of the scalar `v//`" in problem.message
    assert await formatted(client, editor) is None  # a broken document is not formatted


async def test_reference_layout_and_divergence_warning(
    client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(client, tmp_path / "app.styx")
    published = await editor.open('@schema @\na 1\nb {\n  x @color"red"\n}\nc @seq(@a\n)\n')
    [warning] = published.diagnostics
    assert warning.code == "styx::tag-name-before-quote"
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert await formatted(client, editor) == (
        '@schema @\n\na 1\n\nb {\n    x @color"red"\n}\n\nc @seq(@a)\n'
    )
