"""The UI driven headlessly by Textual's Pilot: a real PostgreSQL, the real
db program of a copy of examples/my-app, keys as a user presses them.

The loop of the issue — edit ``tables.py``, ``r``, ``g``, a name, ``m`` —
runs end to end here, and what it writes and applies is checked in the
files and in the database, not only on screen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("textual")
psycopg = pytest.importorskip("psycopg")

from rich.syntax import Syntax  # noqa: E402
from rich.text import Text  # noqa: E402
from textual.widgets import DataTable, Input, OptionList, RichLog, Static, TabbedContent  # noqa: E402

from dibs.schema.changes import SchemaDiff  # noqa: E402
from dibs.tui.app import DARK, DibsApp  # noqa: E402
from dibs.tui.drift_pane import DriftPane  # noqa: E402
from dibs.tui.schema_pane import SchemaPane  # noqa: E402
from dibs.tui.screens import ErrorScreen, HelpScreen, NameScreen, RunScreen, SourceScreen  # noqa: E402
from dibs.tui.session import Session  # noqa: E402
from tests.dibs.tui.conftest import settle  # noqa: E402

pytestmark = pytest.mark.asyncio

TAGS_COLUMN = '    tags: str = column(default="", doc="Comma-separated.")\n'


def add_tags_column(project: Path) -> None:
    """The edit a developer makes: a new column on ``posts``."""
    tables = project / "my_app_db" / "tables.py"
    text = tables.read_text()
    anchor = "    published_at: datetime | None = column()\n"
    assert anchor in text
    tables.write_text(text.replace(anchor, anchor + TAGS_COLUMN))


def columns_of(url: str, table: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            (table,),
        ).fetchall()
    return [r[0] for r in rows]


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real ``dibs`` CLI, run in the project."""
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [script, *args], cwd=project, capture_output=True, text=True, env=env, timeout=120
    )


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    content = widget.content
    if isinstance(content, Syntax):
        return content.code
    return content.plain if isinstance(content, Text) else str(content)


def log_text(log: RichLog) -> str:
    return "\n".join(line.text for line in log.lines)


async def test_open_jump_generate_apply(
    session: Session, project: Path, migrations_dir: Path, database_url: str
) -> None:
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        overview = app.overview
        assert overview is not None and overview.status is not None
        assert overview.pending == 5
        assert "5 pending" in text_of(app.query_one("#header", Static))
        assert database_url.rsplit("/", 1)[1] in text_of(app.query_one("#header", Static))

        # Schema: posts, then along posts.author_id to users, and back.
        schema = app.query_one(SchemaPane)
        assert schema.current == "users"
        await pilot.press("down", "enter")
        assert schema.current == "posts"
        columns = app.query_one("#columns", DataTable)
        assert columns.has_focus
        await pilot.press("down")  # id -> author_id
        assert columns.coordinate_to_cell_key(columns.cursor_coordinate).row_key == "col:author_id"
        await pilot.press("enter")
        assert schema.current == "users"
        assert "The people who write posts" in text_of(app.query_one("#table-head", Static))
        await pilot.press("backspace")
        assert schema.current == "posts"
        # With the mouse: a click on the foreign key in the constraints
        # list highlights it, a second click follows it.
        await pilot.click("#constraints", offset=(3, 2))  # header, pk, fk row
        constraints = app.query_one("#constraints", DataTable)
        assert constraints.get_row_at(constraints.cursor_row)[0] == "foreign key"
        assert schema.current == "posts"
        await pilot.click("#constraints", offset=(3, 2))
        assert schema.current == "users"

        # m: the five migrations, with their progress and log.
        await pilot.press("m")
        assert isinstance(app.screen, RunScreen)
        run = app.screen
        await settle(pilot)
        assert run.done
        log = log_text(run.query_one("#run-log", RichLog))
        assert "[5/5] applied 2026_11_28_113002 index_posts_by_author" in log
        assert "up to date" in text_of(run.query_one("#run-outcome", Static))
        assert run.query_one("#run-progress").percentage == 1
        await pilot.press("escape")
        assert app.overview is not None and app.overview.status is not None
        assert app.overview.status["up_to_date"]
        assert app.overview.diff is not None and app.overview.diff.empty

        # Edit tables.py, r: the drift shows the new column.
        add_tags_column(project)
        await pilot.press("r")
        await settle(pilot)
        diff = app.overview.diff
        assert diff is not None
        assert [(c.kind, c.table, c.subject) for c in diff.changes] == [
            ("add_column", "posts", "tags"),
            ("comment_column", "posts", "tags"),
        ]
        await pilot.press("3")
        changes = app.query_one("#changes", OptionList)
        assert changes.has_focus
        prompts = [str(changes.get_option_at_index(i).prompt) for i in range(changes.option_count)]
        assert prompts[0] == "posts"
        assert "+ add column posts.tags" in prompts[1]
        assert "ADD COLUMN tags" in text_of(app.query_one("#change-sql", Static))

        # g, a name, Enter: the file generate-from-diff writes.
        shown = cli(project, "diff", "--json", "-d", database_url).stdout
        expected = SchemaDiff.from_dict(json.loads(shown))
        await pilot.press("g")
        assert isinstance(app.screen, NameScreen)
        name = app.screen.query_one("#name", Input)
        assert name.value == "add_posts_tags"
        name.value = ""
        await pilot.press(*"add tags")
        assert name.value == "add tags" and app.theme == DARK  # typed, not keys of the app
        await pilot.press("enter")
        await settle(pilot)
        written = sorted(migrations_dir.glob("m*_add_tags.sql"))
        assert len(written) == 1
        sql = written[0].read_text()
        assert "-- Generated by `dibs generate-from-diff`" in sql
        assert "ALTER TABLE posts ADD COLUMN tags text NOT NULL DEFAULT ''::text;" in sql
        assert sql.endswith(expected.sql())
        assert app.overview.pending == 1
        assert app.query_one("#panes", TabbedContent).active == "migrations-tab"
        table = app.query_one("#migrations", DataTable)
        last = table.get_row_at(table.row_count - 1)
        assert str(last[0]) == "pending" and last[2] == "add_tags"

        # m: applied; the status is up to date and the drift gone.
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        assert app.overview.status is not None and app.overview.status["up_to_date"]
        assert app.overview.diff is not None and app.overview.diff.empty
        assert "up to date" in text_of(app.query_one("#header", Static))
        assert "in sync" in text_of(app.query_one("#drift-summary", Static))
    assert "tags" in columns_of(database_url, "posts")


async def test_confirmed_rename_becomes_rename_column(
    session: Session, project: Path, migrations_dir: Path, database_url: str
) -> None:
    """A renamed column is suggested, confirmed with Enter, and generated as
    RENAME COLUMN: the data stays."""
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        tables = project / "my_app_db" / "tables.py"
        text = tables.read_text()
        tables.write_text(text.replace("    body: str = column()\n", "    text: str = column()\n"))
        await pilot.press("r")
        await settle(pilot)
        diff = app.overview.diff if app.overview else None
        assert diff is not None and diff.rename_suggestions == ("comments.body=text",)
        await pilot.press("3")
        changes = app.query_one("#changes", OptionList)
        index = changes.get_option_index("rename:comments.body=text")
        changes.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert session.renames == {"comments.body": "text"}
        diff = app.overview.diff if app.overview else None
        assert diff is not None
        assert [c.kind for c in diff.changes] == ["rename_column"]
        # The confirmed rename stays listed, to withdraw it.
        assert changes.get_option("rename:comments.body=text") is not None
        await pilot.press("g")
        await pilot.press("enter")  # the suggested name
        await settle(pilot)
        written = sorted(migrations_dir.glob("m*.sql"))[-1]
        assert "ALTER TABLE comments RENAME COLUMN body TO text" in written.read_text()
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        assert app.overview is not None and app.overview.diff is not None
        assert app.overview.diff.empty
    assert "text" in columns_of(database_url, "comments")


async def test_failed_migration_shows_the_clis_located_error(
    session: Session, project: Path, database_url: str
) -> None:
    broken = project / "my_app_db" / "migrations" / "m2026_12_01_000000_broken.sql"
    broken.write_text("-- fails at run time\nCREATE TABLE t (n int);\nSELECT 1 / 0;\n")
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        run = app.screen
        assert isinstance(run, RunScreen)
        await settle(pilot)
        shown = log_text(run.query_one("#run-log", RichLog))
        shown_error = run.error
        assert "failed" in text_of(run.query_one("#run-outcome", Static))
        await pilot.press("escape")
        assert app.overview is not None and app.overview.pending == 1
    # The CLI on the same database and project fails the same way, and
    # prints the same located error (`error.rendered`).
    done = cli(project, "migrate", "--json", "-d", database_url)
    rendered = json.loads(done.stdout)["error"]["rendered"]
    assert "m2026_12_01_000000_broken.sql" in rendered
    assert "division by zero" in rendered
    assert shown_error == rendered
    assert "".join(rendered.split()) in "".join(shown.split())


async def test_unreachable_database_still_shows_the_schema(project: Path) -> None:
    from dibs.config import load_config

    url = "postgresql://postgres:hunter2secret@127.0.0.1:1/nowhere"
    app = DibsApp(Session(load_config(project), url), theme=DARK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.overview is not None
        assert [t.name for t in app.overview.schema.tables] == ["users", "posts", "comments"]
        header = text_of(app.query_one("#header", Static))
        assert "database unreachable" in header
        assert "hunter2secret" not in header and "dbname=nowhere host=127.0.0.1 port=1" in header
        await pilot.press("2")
        summary = text_of(app.query_one("#migrations-summary", Static))
        assert summary.startswith("error: ") and "hunter2secret" not in summary
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)
        assert "hunter2secret" not in log_text(app.screen.query_one("#run-log", RichLog))
        await pilot.press("escape")
        await pilot.press("g")
        assert not isinstance(app.screen, NameScreen)  # no diff to write


async def test_broken_definitions_show_the_error_then_recover(
    session: Session, project: Path, database_url: str
) -> None:
    """A db program that cannot start shows the error the CLI prints; after
    the fix, r brings everything back."""
    tables = project / "my_app_db" / "tables.py"
    good = tables.read_text()
    tables.write_text(good + "\nundefined_name_in_tables + 1\n")
    expected = cli(project, "schema").stderr.splitlines()[0]
    assert expected.startswith("error: ") and "undefined_name_in_tables" in expected
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        message = text_of(app.screen.query_one("#error-text", Static))
        assert message.splitlines()[0] == expected
        await pilot.press("escape")
        tables.write_text(good)
        await pilot.press("r")
        await settle(pilot)
        assert app.overview is not None and app.overview.pending == 5


async def test_migration_source_help_theme_and_quit(session: Session) -> None:
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        schema = app.query_one(SchemaPane)
        await pilot.press("j", "j")
        assert schema.current == "comments"
        await pilot.press("k")
        assert schema.current == "posts"
        await pilot.press("2", "enter")
        assert isinstance(app.screen, SourceScreen)
        source = app.screen.source
        assert source.language == "sql" and "CREATE TABLE users" in source.text
        head = text_of(app.screen.query_one("#source-head", Static))
        assert "my_app_db/migrations/m2026_11_28_112954_create_users_posts_comments.sql" in head
        await pilot.press("o")  # no terminal to hand over here: the location is shown
        assert list(app._notifications)[-1].message.endswith(
            "my_app_db/migrations/m2026_11_28_112954_create_users_posts_comments.sql:1"
        )
        await pilot.press("escape", "down", "down", "enter")  # the Python backfill
        assert isinstance(app.screen, SourceScreen)
        assert app.screen.source.language == "python"
        lines = app.screen.source.text.splitlines()
        assert lines[app.screen.source.line - 1].startswith("@migration")
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.theme == DARK
        await pilot.press("t")
        assert app.theme == "textual-light" and not app.current_theme.dark
        await pilot.press("q")
    assert app.return_code == 0


async def test_keys_wait_while_busy(session: Session) -> None:
    """A second request while one runs is refused with a note, not queued."""
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert app.busy is not None  # the first refresh is running
        await pilot.press("m")
        assert not isinstance(app.screen, RunScreen)
        assert any("wait" in n.message for n in app._notifications)
        await settle(pilot)


async def test_open_without_a_terminal_names_the_location(session: Session, project: Path) -> None:
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "o")
        messages = [n.message for n in app._notifications]
        assert any("my_app_db/tables.py:" in m for m in messages), messages
        line = int(messages[-1].rsplit(":", 1)[1])
        source = (project / "my_app_db" / "tables.py").read_text().splitlines()
        assert source[line - 1].startswith("@table") or "class Post" in source[line - 1]
        assert app.query_one(DriftPane) is not None


async def test_c_builds_indexes_concurrently(
    session: Session, migrations_dir: Path, database_url: str
) -> None:
    """``c`` is ``--concurrently``: the index a migration must rebuild is
    written CREATE INDEX CONCURRENTLY, in a no-transaction migration."""
    app = DibsApp(session, theme=DARK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DROP INDEX posts_author_published_idx")
        await pilot.press("r")
        await settle(pilot)
        diff = app.overview.diff if app.overview else None
        assert diff is not None and [c.kind for c in diff.changes] == ["add_index"]
        assert diff.transactional
        await pilot.press("c")
        await settle(pilot)
        diff = app.overview.diff if app.overview else None
        assert diff is not None and not diff.transactional
        assert "CONCURRENTLY" in diff.changes[0].statements[-1]
        assert "indexes CONCURRENTLY" in text_of(app.query_one("#drift-summary", Static))
        await pilot.press("g", "enter")
        await settle(pilot)
        written = sorted(migrations_dir.glob("m*.sql"))[-1].read_text()
        assert written.startswith("-- dibs: no-transaction\n")
        assert "CREATE INDEX CONCURRENTLY" in written
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        assert app.overview is not None and app.overview.diff is not None
        assert app.overview.diff.empty and app.overview.status is not None
        assert app.overview.status["up_to_date"]
