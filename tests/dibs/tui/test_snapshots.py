"""Snapshots of each screen at 80x24 (pytest-textual-snapshot): the real db
program and PostgreSQL, with what differs from run to run pinned
(`PinnedSession`: the database's name, applied times, durations).

After a deliberate change to the UI, look at the report and accept the new
pictures with ``pytest tests/dibs/tui/test_snapshots.py --snapshot-update``.
``docs/tui.svg`` (README, docs/cli.md) is the drift snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")
pytest.importorskip("pytest_textual_snapshot")

from textual.pilot import Pilot
from textual.widgets import Input

from dibs.tui.app import DARK, LIGHT, DibsApp
from dibs.tui.session import Session
from tests.dibs.tui.conftest import PinnedSession, settle


def app_for(session: Session, theme: str = DARK) -> DibsApp:
    return DibsApp(PinnedSession(session), theme=theme)


async def loaded(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def drifted(pilot: Pilot[Any], project: Path) -> None:
    """Migrated, then ``tables.py`` edited: a new column on posts and a
    renamed one on comments (a drop and an add, with a rename suggestion)."""
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    await pilot.press("escape")
    tables = project / "my_app_db" / "tables.py"
    text = tables.read_text()
    anchor = "    published_at: datetime | None = column()\n"
    text = text.replace(anchor, anchor + '    tags: str = column(default="")\n')
    text = text.replace("    body: str = column()\n", "    text: str = column()\n")
    tables.write_text(text)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("3")


def test_schema(snap_compare: Any, session: Session) -> None:
    assert snap_compare(app_for(session), press=["down"], run_before=loaded)


def test_schema_light_foreign_key_row(snap_compare: Any, session: Session) -> None:
    assert snap_compare(app_for(session, LIGHT), press=["down", "enter", "down"], run_before=loaded)


def test_migrations(snap_compare: Any, session: Session) -> None:
    assert snap_compare(app_for(session), press=["2"], run_before=loaded)


def test_migration_source(snap_compare: Any, session: Session) -> None:
    assert snap_compare(app_for(session), press=["2", "enter"], run_before=loaded)


def test_help(snap_compare: Any, session: Session) -> None:
    assert snap_compare(app_for(session), press=["question_mark"], run_before=loaded)


def test_run(snap_compare: Any, session: Session) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(app_for(session), run_before=run)


def test_drift(snap_compare: Any, session: Session, project: Path) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await drifted(pilot, project)

    assert snap_compare(app_for(session), run_before=before)


def test_name(snap_compare: Any, session: Session, project: Path) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await drifted(pilot, project)
        await pilot.press("g")
        pilot.app.screen.query_one(Input).cursor_blink = False

    assert snap_compare(app_for(session), run_before=before)


def test_docs_screenshot_is_the_drift_snapshot() -> None:
    """README and docs/cli.md show docs/tui.svg: the accepted drift snapshot,
    so the picture in the docs is the UI as tested."""
    root = Path(__file__).resolve().parents[3]
    snapshot = Path(__file__).parent / "__snapshots__" / "test_snapshots" / "test_drift.svg"
    assert (root / "docs" / "tui.svg").read_bytes() == snapshot.read_bytes()
