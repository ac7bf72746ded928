"""The UI's text helpers and the db program's output relay, without Textual
or a database."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dibs.schema.changes import Change, SchemaDiff
from dibs.tui import present
from dibs.tui.session import MAX_LINE, Relay


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/a/b.py:12", ("/a/b.py", 12)),
        ("C:/x/y.sql:1", ("C:/x/y.sql", 1)),
        ("a:b:3", ("a:b", 3)),
        ("/a/b.py", None),
        ("/a/b.py:", None),
        (":4", None),
        ("/a/b.py:x", None),
        (None, None),
        ("", None),
    ],
)
def test_split_location(location: str | None, expected: tuple[str, int] | None) -> None:
    assert present.split_location(location) == expected


def test_shown_location_is_relative_inside_the_project(tmp_path: Path) -> None:
    inside = tmp_path / "pkg" / "tables.py"
    assert present.shown_location(f"{inside}:7", tmp_path) == "pkg/tables.py:7"
    assert present.shown_location("/elsewhere/t.py:7", tmp_path) == "/elsewhere/t.py:7"
    assert present.shown_location("no line", tmp_path) == "no line"


@pytest.mark.parametrize(
    ("ms", "text"),
    [(None, ""), (0, "0 ms"), (999, "999 ms"), (1000, "1.0 s"), (59_949, "59.9 s"),
     (60_000, "1 min 0 s"), (3_725_000, "62 min 5 s")],
)  # fmt: skip
def test_duration(ms: int | None, text: str) -> None:
    assert present.duration(ms) == text


@pytest.mark.parametrize(
    ("iso", "text"),
    [
        ("2026-11-28T11:29:54.123+00:00", "2026-11-28 11:29"),
        ("2026-11-28T12:29:54+01:00", "2026-11-28 11:29"),
        ("2026-11-28T11:29:54", "2026-11-28 11:29"),
        (None, ""),
        ("not a time", "not a time"),
    ],
)
def test_applied_time_in_utc(iso: str | None, text: str) -> None:
    assert present.applied_time(iso) == text


def test_progress_reads_the_runners_applied_lines() -> None:
    assert present.progress("[2/5] applied 2026_11_28_112957 add_display_name in 3 ms") == (2, 5)
    assert present.progress("[2/5] applying 2026_11_28_112957 add_display_name") is None
    assert present.progress("2026_11_28_112958: backfill done") is None


def change(kind: str, table: str | None, subject: str | None) -> Change:
    return Change(kind, table, subject, f"{kind} {table}.{subject}", ())


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ([], "update_schema"),
        ([change("add_table", "tags", None), change("comment_table", "tags", None)], "create_tags"),
        ([change("create_enum", None, "mood"), change("add_table", "pets", None)], "create_pets"),
        ([change("add_column", "posts", "tags")], "add_posts_tags"),
        ([change("drop_column", "users", "bio")], "drop_users_bio"),
        ([change("alter_column_type", "users", "age")], "alter_users_age"),
        ([change("add_column", "a", "x"), change("drop_column", "b", "y")], "update_a_b"),
        ([change("add_enum_value", None, "mood")], "update_mood"),
        ([change("add_column", "t" * 80, "c")], "add_" + "t" * 44),
        ([change("add_column", "Odd Name", "Ünï")], "add_odd_name_n"),
    ],
)
def test_suggest_name(changes: list[Change], name: str) -> None:
    suggested = present.suggest_name(SchemaDiff(tuple(changes)))
    assert suggested == name
    assert len(suggested) <= present.MAX_NAME


@pytest.mark.parametrize(
    ("environ", "argv"),
    [
        ({}, ["vi", "+3", "/p/t.py"]),
        ({"EDITOR": "nvim"}, ["nvim", "+3", "/p/t.py"]),
        ({"EDITOR": "nano", "VISUAL": "emacs -nw"}, ["emacs", "-nw", "+3", "/p/t.py"]),
        ({"EDITOR": "/usr/bin/code --wait"}, ["/usr/bin/code", "--wait", "-g", "/p/t.py:3"]),
        ({"EDITOR": "subl -w"}, ["subl", "-w", "/p/t.py:3"]),
        ({"EDITOR": "hx"}, ["hx", "/p/t.py:3"]),
        ({"EDITOR": "'my editor' -x"}, ["my editor", "-x", "+3", "/p/t.py"]),
        ({"EDITOR": "unbalanced 'quote"}, ["unbalanced 'quote", "+3", "/p/t.py"]),
        ({"EDITOR": "   "}, ["vi", "+3", "/p/t.py"]),
    ],
)
def test_editor_command(environ: dict[str, str], argv: list[str]) -> None:
    assert present.editor_command("/p/t.py", 3, environ) == argv


def test_migration_source_sql_python_missing_and_huge(tmp_path: Path) -> None:
    sql = tmp_path / "m.sql"
    sql.write_text("SELECT 1;\n")
    shown = present.migration_source(f"{sql}:1")
    assert (shown.language, shown.text, shown.line, shown.note) == ("sql", "SELECT 1;\n", 1, "")

    py = tmp_path / "m.py"
    py.write_text('"""doc"""\n\n@migration\ndef m(ctx):\n    pass\n')
    shown = present.migration_source(f"{py}:3")
    assert (shown.language, shown.line) == ("python", 3)
    assert shown.text.splitlines()[shown.line - 1] == "@migration"

    gone = present.migration_source(f"{tmp_path / 'gone.sql'}:1")
    assert gone.text == "" and gone.note.startswith("cannot read ")

    assert present.migration_source(None).note.startswith("no source")

    huge = tmp_path / "huge.sql"
    huge.write_text("-- x\n" * (present.MAX_SOURCE // 2))
    shown = present.migration_source(f"{huge}:1")
    assert len(shown.text) == present.MAX_SOURCE and "only the first" in shown.note


@pytest.mark.parametrize(
    ("colorfgbg", "theme"),
    [(None, "textual-dark"), ("15;0", "textual-dark"), ("0;15", "textual-light"),
     ("0;default;7", "textual-light"), ("garbage", "textual-dark")],
)  # fmt: skip
def test_initial_theme_follows_colorfgbg(colorfgbg: str | None, theme: str) -> None:
    pytest.importorskip("textual")
    from dibs.tui.app import initial_theme

    environ = {} if colorfgbg is None else {"COLORFGBG": colorfgbg}
    assert initial_theme(environ) == theme


URL = "postgresql://app:s3cr%40t@db.example:5432/app"


def test_relay_hands_on_whole_lines_scrubbed_and_cut() -> None:
    lines: list[str] = []
    relay = Relay(lines.append, URL)
    relay.write("[prog] conn")
    assert lines == []
    relay.write("ecting with s3cr@t and s3cr%40t\n[prog] second\n[prog] ")
    relay.write("x" * (MAX_LINE * 3) + "\n")
    assert lines[0] == "[prog] connecting with *** and ***"
    assert lines[1] == "[prog] second"
    assert len(lines[2]) == MAX_LINE + 2 and lines[2].endswith(" …")
    assert all("s3cr" not in line for line in lines)


def test_relay_is_safe_from_several_threads() -> None:
    lines: list[str] = []
    relay = Relay(lines.append, URL)

    def pump(name: str) -> None:
        for number in range(500):
            relay.write(f"{name} {number}\n")

    threads = [threading.Thread(target=pump, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(lines) == sorted(f"t{i} {n}" for i in range(4) for n in range(500))


@pytest.mark.parametrize(
    ("row", "label"),
    [
        ({"state": "applied"}, "applied"),
        ({"state": "pending", "out_of_order": True}, "pending, out of order"),
        ({"state": "changed"}, "changed"),
        ({"state": "missing"}, "missing"),
    ],
)
def test_state_label(row: dict[str, object], label: str) -> None:
    assert present.state_label(row) == label


def test_status_summary_names_every_kind_of_trouble() -> None:
    pytest.importorskip("textual")
    from dibs.tui.migrations_pane import summary

    assert summary({"up_to_date": True}).plain == "up to date"
    status = {"pending": ["a", "b"], "changed": ["c"], "missing": [], "out_of_order": ["a"]}
    assert summary(status).plain == "2 pending, 1 changed, 1 out of order"


def test_an_unexpected_failure_is_one_error_line_without_the_password(tmp_path: Path) -> None:
    """Textual's own report of a crash is a traceback listing local
    variables (the URL among them); the app's is the project's shape."""
    pytest.importorskip("textual")
    from dibs.config import load_config
    from dibs.tui.app import DibsApp
    from dibs.tui.session import Session

    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "dibs.styx").write_text("db {\n    crate nothing-here\n}\n")
    url = "postgresql://app:pa55word@db.example/app"
    app = DibsApp(Session(load_config(tmp_path), url))
    try:
        raise RuntimeError(f"boom while talking to {url}")
    except RuntimeError:
        app._fatal_error()
    shown = "".join(str(item) for item in app._exit_renderables)
    assert shown.startswith("error: internal error in the terminal UI: RuntimeError: boom")
    assert "pa55word" not in shown and "Traceback" not in shown
    assert "hint: please report it" in shown
    assert app.return_code == 2
