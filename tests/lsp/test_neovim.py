"""`styx lsp` in a real editor: Neovim's built-in LSP client, headless.

Each test runs `tests/lsp/nvim/driver.lua` in Neovim on a file and asserts
on what the editor saw: the diagnostics it stored, the answers to its
requests, and the buffer after it applied code actions (chosen from its own
menu by title) and formatting edits itself."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from styx.format import format_source
from tests.conftest import styx_executable
from tests.lsp import neovim
from tests.lsp.conftest import DIBS_DECLARATION, position_of

SCHEMA = """\
meta {
    id https://example.com/app
    version 2026-02-01
    description "An app's settings."
}

schema {
    @ @object{
        /// Name of the app.
        name @string
        port @int{min 1}
        level @default(info @one-of(@string (debug info warn)))
        mode @optional(@enum{fast, slow})
        old_port @deprecated("use `port` instead" @int)
        legacy @deprecated("no longer read" @string)
        server @optional(@object{
            host @string
            timeout @default(30s @duration)
        })
    }
}
"""

HEAD = "@schema ./app.schema.styx\n\n"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "app.schema.styx").write_text(SCHEMA, encoding="utf-8")
    return tmp_path / "app.styx"


def at(text: str, needle: str, after: int = 0) -> dict[str, int]:
    line, character = position_of(text, needle, after=after)
    return {"line": line, "character": character}


def action(text: str, needle: str, title: str, after: int = 0) -> list[dict[str, Any]]:
    """Steps: put ``text`` in the buffer, then pick ``title`` at ``needle``."""
    return [
        {"op": "set_text", "text": text},
        {"op": "code_action", "title": title, **at(text, needle, after)},
    ]


def offered(outcome: dict[str, Any]) -> dict[str, bool]:
    return {item["title"]: item["isPreferred"] for item in outcome["offered"]}


def codes(outcome: dict[str, Any]) -> list[str]:
    return [d["code"] for d in outcome["diagnostics"]]


def test_misspelt_key_in_dibs_config(tmp_path: Path) -> None:
    """The issue's example, end to end: the diagnostic, the hover, the
    completion, and "Rename to `binary`" applied by Neovim."""
    config = tmp_path / ".config" / "dibs.styx"
    config.parent.mkdir()
    text = f'{DIBS_DECLARATION}\n\ndb {{\n    binray "/app/my-app-db"\n}}\n'
    config.write_text(text, encoding="utf-8")
    bare = "db {\n    crate my-app-db\n}\n"
    opened, hover, definition, completion, renamed, undeclared, declared = neovim.run(
        config,
        [
            {"op": "diagnostics"},
            {"op": "hover", "line": 2, "character": 0},
            {"op": "definition", "line": 2, "character": 0},
            {"op": "completion", **at(text, "    binray")},
            {"op": "code_action", "title": "Rename to `binary`", **at(text, "binray", 2)},
            {"op": "set_text", "text": bare},
            {"op": "code_action", "title": f"Add `{DIBS_DECLARATION}`", "line": 0, "character": 0},
        ],
        root=tmp_path,
    )
    [problem] = opened["diagnostics"]
    assert problem["code"] == "styx::unknown-field"
    assert problem["message"].endswith("help: did you mean `binary`?")
    assert hover["result"]["contents"]["value"].startswith("`db`: `@optional(@DbConfig)`")
    # dibs's schema is text from its package: Neovim gets the cached copy.
    copy = Path(definition["result"]["uri"].removeprefix("file://"))
    assert "/styx/schemas/lsp/" in str(copy)
    start, end = definition["result"]["range"]["start"], definition["result"]["range"]["end"]
    line = copy.read_text(encoding="utf-8").splitlines()[start["line"]]
    assert line[start["character"] : end["character"]] == "db"
    assert {"binary", "connect_timeout", "crate"} <= {
        i["label"] for i in completion["result"]["items"]
    }

    assert offered(renamed)["Rename to `binary`"] is True
    assert renamed["text"] == f'{DIBS_DECLARATION}\n\ndb {{\n    binary "/app/my-app-db"\n}}\n'
    assert renamed["diagnostics"] == []

    assert codes(undeclared) == ["styx::schema-hint"]
    assert offered(declared) == {
        f"Add `{DIBS_DECLARATION}`": True,
        "Declare that this file has no schema": False,
    }
    assert declared["text"] == f"{DIBS_DECLARATION}\n\n{bare}"
    assert declared["diagnostics"] == []


def test_add_missing_fields_gives_a_valid_document(app: Path) -> None:
    text = HEAD + "level warn\nserver {\n    timeout 5s\n}\n"
    app.write_text(text, encoding="utf-8")
    middle = HEAD + 'name ""\nport 1\nlevel warn\nserver {\n    timeout 5s\n}\n'
    opened, root, nested = neovim.run(
        app,
        [
            {"op": "diagnostics"},
            {"op": "code_action", "title": "Add missing fields", "line": 2, "character": 0},
            {"op": "code_action", "title": "Add missing fields", **at(middle, "timeout")},
        ],
    )
    assert codes(opened) == ["styx::missing-field"] * 3
    assert offered(root)["Add missing fields: `name`, `port`"] is True
    # In schema order: before `level`, which the schema lists after them.
    assert root["text"] == middle
    assert codes(root) == ["styx::missing-field"]
    expected = HEAD + 'name ""\nport 1\nlevel warn\nserver {\n    host ""\n    timeout 5s\n}\n'
    assert nested["text"] == expected
    assert nested["diagnostics"] == []
    # The command line agrees that the result validates.
    app.write_text(nested["text"], encoding="utf-8")
    checked = subprocess.run(
        [*styx_executable(), "check", str(app)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr


def test_every_quick_fix_through_the_editor(app: Path) -> None:
    base = HEAD + "name a\nport 1\n"
    app.write_text(base, encoding="utf-8")
    steps = [
        *action(base, "name", "Fill in all fields"),
        *action(HEAD + "port 1\n// the name\nname a  // short\n", "port", "Reorder fields"),
        *action(base + "level warm\n", "warm", "Replace with `warn`"),
        *action(base + "mode @fsat\n", "@fsat", "Replace with `@fast`"),
        *action(base + "port 2\n", "port 2", "Remove the duplicate `port`"),
        *action(HEAD + "name a\nold_port 80\n", "old_port", "Rename to `port`"),
        *action(base + "legacy x\n", "legacy", "Remove `legacy`"),
    ]
    results = neovim.run(app, steps)
    picked = [outcome for outcome in results if outcome["op"] == "code_action"]
    fill, reorder, level, mode, duplicate, renamed, removed = picked

    assert offered(fill)["Fill in all fields: `level`, `mode`, `server`"] is False
    assert fill["text"] == base + 'level info\nmode @fast\nserver {host ""}\n'
    assert reorder["text"] == HEAD + "// the name\nname a  // short\nport 1\n"
    assert offered(level) == {
        "Replace with `info` (the default)": False,
        "Replace with `debug`": False,
        "Replace with `warn`": True,
        "Fill in all fields: `mode`, `server`": False,
    }
    assert level["text"] == base + "level warn\n"
    assert offered(mode)["Replace with `@fast`"] is True
    assert mode["text"] == base + "mode @fast\n"
    assert offered(duplicate)["Remove the duplicate `port`"] is True
    assert duplicate["text"] == base
    assert offered(renamed) == {
        "Rename to `port`": True,
        "Remove `old_port`": False,
        "Add missing fields: `port`": True,
        "Fill in all fields: `port`, `level`, `mode`, …": False,
    }
    assert renamed["text"] == HEAD + "name a\nport 80\n"
    assert removed["text"] == base
    for outcome in picked:
        assert outcome["diagnostics"] == [], outcome


def test_hints_links_navigation_and_formatting(app: Path, tmp_path: Path) -> None:
    text = HEAD + "name a\nport 1\nlevel\nserver {port 2}\n"
    app.write_text(text, encoding="utf-8")
    messy = HEAD + "name   a\nport 1\nserver   {host h,timeout 5s}\n"
    open_block = HEAD + "name a\nport 1\nserver {\n    host h}\n"
    attributes = HEAD + "name a\nport 1\nserver host>h \n"
    results = neovim.run(
        app,
        [
            {"op": "diagnostics"},
            {"op": "inlay_hints"},
            {"op": "links"},
            {"op": "definition", **at(text, "name a")},
            {"op": "references", **at(text, "port 1")},
            {"op": "set_text", "text": messy},
            {"op": "format"},
            {"op": "set_text", "text": open_block},
            {"op": "newline", **at(open_block, "host h")},
            {"op": "set_text", "text": attributes},
            {"op": "completion", **at(attributes, "host>h ", len("host>h "))},
        ],
    )
    _, hints, links, definition, references, _, formatted, _, newline, _, completion = results
    labels = [(h["position"]["line"], h["label"]) for h in hints["result"]]
    assert labels == [(0, "— An app's settings. (2026-02-01)"), (4, "default: info")]
    schema_uri = (tmp_path / "app.schema.styx").as_uri()
    assert [link["target"] for link in links["result"]] == [schema_uri]
    assert definition["result"]["uri"] == schema_uri
    assert definition["result"]["range"]["start"]["line"] == position_of(SCHEMA, "name @")[0]
    # `port` at the root only: the server's `port` is another field.
    assert [r["range"]["start"]["line"] for r in references["result"]] == [
        position_of(SCHEMA, "port @int")[0],
        3,
    ]
    assert formatted["text"] == format_source(messy)
    assert newline["text"] == HEAD + "name a\nport 1\nserver {\n    \n    host h}\n"
    [timeout] = completion["result"]["items"]
    assert (timeout["label"], timeout["textEdit"]["newText"]) == ("timeout", "timeout>")
