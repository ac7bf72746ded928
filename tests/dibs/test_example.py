"""``examples/my-app`` end to end: the real package, the real CLI, PostgreSQL.

The example's ``my-app-db`` distribution is built and installed (``pip
install --target``, as a user would install it, so the ``.sql`` files must
really ship as package data), then ``dibs migrate`` runs as a subprocess:

* with the example's own ``.config/dibs.styx`` (``db.crate``), copied to a
  folder of its own: in the example folder ``python -m my_app_db`` would
  import the source tree beside it rather than the installed package;
* in the container layout of ``Dockerfile`` and ``deploy/k8s``: a temporary
  folder standing for ``/`` holding the ConfigMap's ``dibs.styx`` — its
  ``db.binary`` pointed at a launcher standing for ``/app/my-app-db`` — and
  used as the working directory.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.dibs.test_deploy import configmap_dibs_styx, load_binary_from_configmap

psycopg = pytest.importorskip("psycopg")

EXAMPLE = ROOT / "examples" / "my-app"
MIGRATIONS = EXAMPLE / "my_app_db" / "migrations"
#: The example's migrations, in the order they apply.
VERSIONS = [
    ("2026_11_28_112954", "create_users_posts_comments"),
    ("2026_11_28_112957", "add_display_name"),
    ("2026_11_28_112958", "backfill_display_names"),
    ("2026_11_28_113000", "require_display_name"),
    ("2026_11_28_113002", "index_posts_by_author"),
]
LAST_TABLE_MIGRATION = VERSIONS[0][0]
#: More users than one backfill batch (500), so batching is exercised.
USERS = 1234


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package, built with hatchling and installed into a folder
    of its own (``--no-deps``: styx-dibs is this environment's)."""
    target = tmp_path_factory.mktemp("my-app-site")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    first = f"m{VERSIONS[0][0]}_{VERSIONS[0][1]}.sql"
    assert (target / "my_app_db" / "migrations" / first).is_file()
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding only the example's ``.config/dibs.styx``."""
    root = tmp_path / "project"
    shutil.copytree(EXAMPLE / ".config", root / ".config")
    return root


def dibs(
    cwd: Path, *args: str, pythonpath: Path | None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``dibs`` CLI in ``cwd``. ``pythonpath`` is where the
    db package is importable (None: nowhere, as for the container layout,
    where only the launcher knows)."""
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    environment["NO_COLOR"] = "1"
    if pythonpath is not None:
        environment["PYTHONPATH"] = str(pythonpath)
    environment.update(env or {})
    return subprocess.run(
        [script, *args], cwd=cwd, capture_output=True, text=True, env=environment, timeout=180
    )


def applied_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("applied ")]


def expected_applied(versions: list[tuple[str, str]]) -> list[str]:
    return [f"applied {version} {name}" for version, name in versions]


def strip_timing(lines: list[str]) -> list[str]:
    """``applied V name (3 ms)`` -> ``applied V name``."""
    return [line.rsplit(" (", 1)[0] for line in lines]


def test_example_migrations_are_named_and_ordered(
    project: Path, site: Path, database_url: str
) -> None:
    """What the db program discovers: every file, in version order, the
    concurrent index and the backfill outside a transaction."""
    done = dibs(project, "migrate", "--dry-run", "--json", "-d", database_url, pythonpath=site)
    assert done.returncode == 0, done.stdout + done.stderr
    plan = json.loads(done.stdout)["applied"]
    assert [(m["version"], m["name"]) for m in plan] == VERSIONS
    outside = {m["name"] for m in plan if not m.get("transactional", True)}
    assert outside == {"backfill_display_names", "index_posts_by_author"}
    on_disk = sorted(p.name for p in MIGRATIONS.iterdir() if p.name.startswith("m20"))
    assert [name.split(".")[0] for name in on_disk] == [f"m{v}_{n}" for v, n in VERSIONS]


def test_example_applies_backfills_and_is_then_up_to_date(
    project: Path, site: Path, database_url: str
) -> None:
    # The tables first, then data, so the backfill has rows to fill.
    first = dibs(
        project, "migrate", "--to", LAST_TABLE_MIGRATION, "-d", database_url, pythonpath=site
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert strip_timing(applied_lines(first.stdout)) == expected_applied(VERSIONS[:1])
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (email) SELECT 'user' || i || '@example.com'"
            " FROM generate_series(1, %s) AS i",
            (USERS,),
        )
        conn.execute(
            "INSERT INTO posts (author_id, title, published_at)"
            " SELECT id, 'hello', now() FROM users WHERE id % 10 = 0"
        )
        conn.execute(
            "INSERT INTO comments (post_id, author_id, body) SELECT id, author_id, 'hi' FROM posts"
        )

    rest = dibs(project, "migrate", "-d", database_url, pythonpath=site)
    assert rest.returncode == 0, rest.stdout + rest.stderr
    assert strip_timing(applied_lines(rest.stdout)) == expected_applied(VERSIONS[1:])
    assert f"backfill done: {USERS} rows updated in 3 batches" in rest.stderr

    with psycopg.connect(database_url) as conn:
        missing = conn.execute(
            "SELECT count(*) FROM users"
            " WHERE display_name IS DISTINCT FROM split_part(email, '@', 1)"
        ).fetchone()
        assert missing == (0,)
        nullable = conn.execute(
            "SELECT is_nullable FROM information_schema.columns"
            " WHERE table_name = 'users' AND column_name = 'display_name'"
        ).fetchone()
        assert nullable == ("NO",)
        index = conn.execute(
            "SELECT i.indexdef, x.indisvalid FROM pg_indexes i"
            " JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid"
            " WHERE i.tablename = 'posts' AND i.indexname = 'posts_author_published_idx'"
        ).fetchone()
        assert index is not None, "the concurrent index was not created"
        assert "(author_id, published_at DESC)" in index[0]
        assert index[1] is True, "the concurrent index is INVALID"
        foreign_keys = conn.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
            " WHERE contype = 'f' ORDER BY 1, 2"
        ).fetchall()
        assert foreign_keys == [("comments", "posts"), ("comments", "users"), ("posts", "users")]
        recorded = conn.execute(
            "SELECT version, name FROM _dibs_migrations ORDER BY version"
        ).fetchall()
        assert recorded == VERSIONS

    again = dibs(project, "migrate", "-d", database_url, pythonpath=site)
    assert again.returncode == 0, again.stdout + again.stderr
    assert applied_lines(again.stdout) == []
    assert "up to date" in again.stdout
    status = dibs(project, "status", "--exit-code", "-d", database_url, pythonpath=site)
    assert status.returncode == 0, status.stdout + status.stderr
    # the migrations build exactly what tables.py defines
    check = dibs(project, "check", "-d", database_url, pythonpath=site)
    assert check.returncode == 0, check.stdout + check.stderr


def test_example_schema_migrations_were_generated_from_the_definitions() -> None:
    """Every SQL migration of the example is `dibs generate-from-diff`
    output; only the data backfill is written by hand (a diff knows the
    schema, not the data)."""
    sql = sorted(MIGRATIONS.glob("m*.sql"))
    assert len(sql) == 4
    for path in sql:
        assert "Generated by `dibs generate-from-diff`" in path.read_text(), path.name
    assert [p.suffix for p in sorted(MIGRATIONS.glob("m*_*.*"))].count(".py") == 1


def container_root(tmp_path: Path, site: Path) -> Path:
    """A folder standing for the image's ``/``: ``.config/dibs.styx`` from the
    ConfigMap, with ``db.binary`` moved from ``/app/my-app-db`` to a launcher
    at ``<root>/app/my-app-db``. The launcher plays the console script the
    image holds there: it runs the db package with its own PYTHONPATH."""
    root = tmp_path / "root"
    launcher = root / load_binary_from_configmap().lstrip("/")
    launcher.parent.mkdir(parents=True)
    launcher.write_text(
        "#!/bin/sh\n"
        "# Stands for the image's /app/my-app-db console script.\n"
        f"PYTHONPATH='{site}' exec '{sys.executable}' -m my_app_db \"$@\"\n",
        encoding="utf-8",
    )
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    config = configmap_dibs_styx().replace(load_binary_from_configmap(), str(launcher))
    assert str(launcher) in config
    (root / ".config").mkdir()
    (root / ".config" / "dibs.styx").write_text(config, encoding="utf-8")
    return root


def test_container_layout_end_to_end(tmp_path: Path, site: Path, database_url: str) -> None:
    root = container_root(tmp_path, site)
    # No PYTHONPATH for dibs itself: only the launcher (db.binary) can find
    # my_app_db, so success proves the binary, not db.crate, was used.
    done = dibs(root, "migrate", "-d", database_url, pythonpath=None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert strip_timing(applied_lines(done.stdout)) == expected_applied(VERSIONS)
    # As the Job and the init container do: DATABASE_URL from the environment.
    again = dibs(root, "migrate", pythonpath=None, env={"DATABASE_URL": database_url})
    assert again.returncode == 0, again.stdout + again.stderr
    assert "up to date" in again.stdout


def test_container_layout_missing_binary_is_a_clear_error(
    tmp_path: Path, site: Path, database_url: str
) -> None:
    """An image built without the db program fails with its path named."""
    root = container_root(tmp_path, site)
    launcher = root / load_binary_from_configmap().lstrip("/")
    launcher.unlink()
    done = dibs(root, "migrate", "-d", database_url, pythonpath=None)
    assert done.returncode != 0
    assert f"db program {launcher} does not exist" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
