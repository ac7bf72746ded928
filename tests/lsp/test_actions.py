"""Code actions over the protocol: each fix's title, whether it is the
preferred one, and the exact text after applying its edit; a fixed document
then checks clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import Editor, code_actions, edited, position_of

pytestmark = pytest.mark.asyncio

SCHEMA = """\
meta {
    id https://example.com/app
    version 2026-02-01
    description "An app's settings.\\nSecond line."
}

schema {
    @ @object{
        /// Name of the app.
        name @string
        port @int{min 1}
        level @default(info @one-of(@string (debug info warn)))
        mode @optional(@Mode)
        debug @optional(@bool)
        old_port @deprecated("use `port` instead" @int)
        legacy @deprecated("no longer read" @string)
        server @optional(@object{
            host @string
            timeout @default(30s @duration)
        })
    }
    Mode @enum{fast, slow}
}
"""

HEAD = "@schema ./app.schema.styx\n\n"


@pytest.fixture
def editor(client: LanguageClient, tmp_path: Path) -> Editor:
    (tmp_path / "app.schema.styx").write_text(SCHEMA, encoding="utf-8")
    return Editor(client, tmp_path / "app.styx")


async def actions_at(
    client: LanguageClient, editor: Editor, text: str, needle: str, after: int = 0
) -> tuple[list[types.CodeAction], list[types.Diagnostic]]:
    published = await editor.open(text)
    line, column = position_of(text, needle, after=after)
    found = await code_actions(client, editor, line, column, list(published.diagnostics))
    return found, list(published.diagnostics)


def titled(actions: list[types.CodeAction], title: str) -> types.CodeAction:
    matching = [action for action in actions if action.title == title]
    assert matching, f"no action {title!r} among {[a.title for a in actions]}"
    return matching[0]


async def assert_clean(editor: Editor, text: str) -> None:
    published = await editor.change(text)
    assert [(d.code, d.message) for d in published.diagnostics] == []


async def test_rename_unknown_key_to_suggestion(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "name app\nprot 8080\n"
    actions, diagnostics = await actions_at(client, editor, text, "prot")
    rename = titled(actions, "Rename to `port`")
    assert rename.is_preferred
    assert rename.kind == types.CodeActionKind.QuickFix
    assert [d.code for d in rename.diagnostics or []] == ["styx::unknown-field"]
    assert list(rename.diagnostics or []) == [
        d for d in diagnostics if d.code == "styx::unknown-field"
    ]
    fixed = edited(text, editor.uri, rename)
    assert fixed == HEAD + "name app\nport 8080\n"
    await assert_clean(editor, fixed)


async def test_no_rename_onto_a_key_already_written(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "name app\nport 1\nprot 8080\n"
    actions, _ = await actions_at(client, editor, text, "prot")
    assert not [a for a in actions if a.title.startswith("Rename")]


async def test_add_missing_fields_at_root(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "level warn\n"
    actions, _ = await actions_at(client, editor, text, "level")
    add = titled(actions, "Add missing fields: `name`, `port`")
    assert add.is_preferred
    fixed = edited(text, editor.uri, add)
    # Before `level`, which the schema lists after them.
    assert fixed == HEAD + 'name ""\nport 1\nlevel warn\n'
    await assert_clean(editor, fixed)


async def test_add_missing_fields_after_declaration_only(
    client: LanguageClient, editor: Editor
) -> None:
    text = HEAD.rstrip("\n") + "\n"
    actions, diagnostics = await actions_at(client, editor, text, "@schema")
    add = titled(actions, "Add missing fields: `name`, `port`")
    assert [d.code for d in add.diagnostics or []] == ["styx::missing-field"] * 2
    assert len(diagnostics) == 2
    fixed = edited(text, editor.uri, add)
    assert fixed == HEAD + 'name ""\nport 1\n'
    await assert_clean(editor, fixed)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The object's own indentation (two spaces here), in schema order:
        # before `timeout` and the comment above it.
        (
            "server {\n  // soon\n  timeout 5s  // quick\n}\n",
            'server {\n  host ""\n  // soon\n  timeout 5s  // quick\n}\n',
        ),
        # One line stays one line.
        ("server {timeout 5s}\n", 'server {host "", timeout 5s}\n'),
        # An empty block opens up, one step deeper than its line.
        ("server {}\n", 'server {\n    host ""\n}\n'),
        # Attributes get another attribute.
        ("server timeout>5s\n", 'server timeout>5s host>""\n'),
    ],
)
async def test_add_missing_fields_in_nested_object(
    client: LanguageClient, editor: Editor, body: str, expected: str
) -> None:
    text = HEAD + "name a\nport 1\n" + body
    actions, _ = await actions_at(client, editor, text, "server", after=2)
    fixed = edited(text, editor.uri, titled(actions, "Add missing fields: `host`"))
    assert fixed == HEAD + "name a\nport 1\n" + expected
    await assert_clean(editor, fixed)


async def test_fill_in_all_fields_skips_deprecated(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "name a\nport 1\n"
    actions, _ = await actions_at(client, editor, text, "name")
    fill = titled(actions, "Fill in all fields: `level`, `mode`, `debug`, …")
    assert not fill.is_preferred
    assert fill.kind == types.CodeActionKind.RefactorRewrite
    fixed = edited(text, editor.uri, fill)
    assert fixed == HEAD + 'name a\nport 1\nlevel info\nmode @fast\ndebug false\nserver {host ""}\n'
    await assert_clean(editor, fixed)
    # Nothing left to add: no action.
    actions = await code_actions(client, editor, 2, 0)
    assert not [a for a in actions if a.title.startswith(("Fill", "Add missing"))]


async def test_reorder_carries_comments(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "level warn\n\n// the port\nport 1  // trailing\n/// doc of name\nname a\n"
    actions, _ = await actions_at(client, editor, text, "port 1")
    reorder = titled(actions, "Reorder fields as the schema lists them")
    assert reorder.kind == types.CodeActionKind.RefactorRewrite
    fixed = edited(text, editor.uri, reorder)
    assert fixed == (
        HEAD + "/// doc of name\nname a\n\n// the port\nport 1  // trailing\nlevel warn\n"
    )
    await assert_clean(editor, fixed)
    # Already in order: no action.
    actions = await code_actions(client, editor, 3, 0)
    assert not [a for a in actions if a.title.startswith("Reorder")]


async def test_reorder_one_line_object(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "name a\nport 1\nserver {timeout 5s, host h}\n"
    actions, _ = await actions_at(client, editor, text, "timeout")
    fixed = edited(text, editor.uri, titled(actions, "Reorder fields as the schema lists them"))
    assert fixed == HEAD + "name a\nport 1\nserver {host h, timeout 5s}\n"


@pytest.mark.parametrize(
    ("line", "titles", "preferred", "chosen", "result"),
    [
        (
            "level warm",
            ["Replace with `info` (the default)", "Replace with `debug`", "Replace with `warn`"],
            "Replace with `warn`",
            "Replace with `warn`",
            "level warn",
        ),
        (
            "mode @fsat",
            ["Replace with `@fast`", "Replace with `@slow`"],
            "Replace with `@fast`",
            "Replace with `@fast`",
            "mode @fast",
        ),
        (
            "debug yes",
            ["Replace with `true`", "Replace with `false`"],
            None,
            "Replace with `false`",
            "debug false",
        ),
        (
            "level",
            ["Replace with `info` (the default)", "Replace with `debug`", "Replace with `warn`"],
            None,
            "Replace with `info` (the default)",
            "level info",
        ),
    ],
)
async def test_replace_invalid_value(
    client: LanguageClient,
    editor: Editor,
    line: str,
    titles: list[str],
    preferred: str | None,
    chosen: str,
    result: str,
) -> None:
    text = HEAD + f"name a\nport 1\n{line}\n"
    actions, _ = await actions_at(client, editor, text, line.split()[-1])
    replacing = [a for a in actions if a.title.startswith("Replace")]
    assert [a.title for a in replacing] == titles
    assert [a.title for a in replacing if a.is_preferred] == ([preferred] if preferred else [])
    fixed = edited(text, editor.uri, titled(actions, chosen))
    assert fixed == HEAD + f"name a\nport 1\n{result}\n"
    await assert_clean(editor, fixed)


@pytest.mark.parametrize(
    ("body", "needle", "expected"),
    [
        ("port 1\nport 2\n", "port 2", "port 1\n"),
        ("port 1\nserver {host a, host b}\n", "host b", "port 1\nserver {host a}\n"),
    ],
)
async def test_remove_duplicate_key(
    client: LanguageClient, editor: Editor, body: str, needle: str, expected: str
) -> None:
    text = HEAD + "name a\n" + body
    actions, diagnostics = await actions_at(client, editor, text, needle)
    assert [d.code for d in diagnostics] == ["styx::duplicate-key"]
    remove = titled(actions, f"Remove the duplicate `{needle.split()[0]}`")
    assert remove.is_preferred
    fixed = edited(text, editor.uri, remove)
    assert fixed == HEAD + "name a\n" + expected
    await assert_clean(editor, fixed)


async def test_deprecated_field_renamed_or_removed(client: LanguageClient, editor: Editor) -> None:
    text = HEAD + "name a\nold_port 8080\n"
    actions, diagnostics = await actions_at(client, editor, text, "old_port")
    assert "styx::deprecated" in [d.code for d in diagnostics]
    rename = titled(actions, "Rename to `port`")
    assert rename.is_preferred
    renamed = edited(text, editor.uri, rename)
    assert renamed == HEAD + "name a\nport 8080\n"
    await assert_clean(editor, renamed)

    await editor.change(text)
    actions = await code_actions(client, editor, 3, 2)
    remove = titled(actions, "Remove `old_port`")
    assert not remove.is_preferred
    assert edited(text, editor.uri, remove) == HEAD + "name a\n"


async def test_deprecated_without_successor_is_only_removed(
    client: LanguageClient, editor: Editor
) -> None:
    text = HEAD + "name a\nport 1\nlegacy x\n"
    actions, _ = await actions_at(client, editor, text, "legacy")
    assert [a.title for a in actions if "legacy" in a.title or "Rename" in a.title] == [
        "Remove `legacy`"
    ]
    fixed = edited(text, editor.uri, titled(actions, "Remove `legacy`"))
    assert fixed == HEAD + "name a\nport 1\n"
    await assert_clean(editor, fixed)


async def test_no_actions_without_schema(client: LanguageClient, tmp_path: Path) -> None:
    editor = Editor(client, tmp_path / "plain.styx")
    await editor.open("a 1\nb {c 2}\n")
    assert await code_actions(client, editor, 1, 3) == []
