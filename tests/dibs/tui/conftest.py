"""The terminal UI against a real PostgreSQL and a copy of examples/my-app.

Each test gets the example copied to a folder of its own (the UI's ``g``
writes into its ``migrations/`` and the tests edit its ``tables.py``), a
fresh database (`database_url`), and a `Session` on both. The db program
runs from the copy: it is started in the folder holding ``.config/``, so
``python -m my_app_db`` imports the copy, although this environment has the
example installed (not editable) — and ``g`` must write into the copy too.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dibs.config import load_config
from dibs.protocol import LogEvent
from dibs.tui.session import Overview, Session
from tests.conftest import ROOT

if TYPE_CHECKING:
    from textual.pilot import Pilot

EXAMPLE = ROOT / "examples" / "my-app"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of examples/my-app."""
    root = tmp_path / "my-app"
    shutil.copytree(
        EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".dibs", "*.egg-info")
    )
    return root


@pytest.fixture
def migrations_dir(project: Path) -> Path:
    """The copy's ``migrations/``, where ``g`` must write: where the db
    program finds its migrations, although this process, like a user's
    ``dibs`` with a non-editable install, imports another ``my_app_db``."""
    spec = importlib.util.find_spec("my_app_db")
    if spec is not None and spec.origin is not None:
        assert not Path(spec.origin).is_relative_to(project)
    return project / "my_app_db" / "migrations"


@pytest.fixture
def session(project: Path, database_url: str) -> Session:
    return Session(load_config(project), database_url)


async def settle(pilot: Pilot[Any], timeout: float = 120.0) -> None:
    """Wait until the app's worker is idle (a refresh started by a finished
    run or generation included)."""
    app: Any = pilot.app
    waited = 0.0
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.busy is None and not any(w.is_running for w in app.workers):
            return
        await pilot.pause(0.05)
        waited += 0.05
        assert waited < timeout, f"the app stayed busy: {app.busy}"


#: What changes from run to run in what the screens show.
_MS = re.compile(r"\b\d+ ms\b")


class PinnedSession(Session):
    """A real `Session` whose run-to-run differences are pinned for
    snapshots: the database's name, when migrations were applied, how long
    they took. Everything else is what PostgreSQL and the db program said."""

    def __init__(self, inner: Session) -> None:
        super().__init__(inner.located, inner.url)

    @property
    def shown_url(self) -> str:
        return "postgresql://postgres@127.0.0.1:5432/my_app"

    def load(self) -> Overview:
        found = super().load()
        if found.status is None:
            return found
        status = dict(found.status)
        status["migrations"] = [
            {
                **row,
                "applied_at": "2026-12-01T09:30:00+00:00" if row.get("applied_at") else None,
                "execution_time_ms": 7 if row.get("execution_time_ms") is not None else None,
            }
            for row in status.get("migrations", [])
        ]
        return Overview(found.schema, status, found.diff, found.status_error, found.diff_error)

    def migrate(self, on_log: Callable[[LogEvent], None]) -> dict[str, Any]:
        def pinned(event: LogEvent) -> None:
            on_log(LogEvent(event.level, _MS.sub("7 ms", event.message)))

        result = super().migrate(pinned)
        for applied in result.get("applied", []):
            applied["execution_time_ms"] = 7
        return result
