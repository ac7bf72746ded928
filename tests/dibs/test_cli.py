"""`dibs migrate` and `dibs status` end to end: config, db program, PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from dibs.cli import early
from dibs.cli import main as dibs_main
from dibs.config import Located
from dibs.spawn import DbProgram

CONFIG = "@schema {id crate:dibs@1, cli dibs}\n\ndb {\n    crate my-app-db\n}\n"
MIGRATIONS = {
    "m2026_01_24_120000_create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    "m2026_01_25_090000_create_posts.sql": (
        "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n"
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with .config/dibs.styx and a `my_app_db` package on PYTHONPATH."""
    package = tmp_path / "site" / "my_app_db"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("import dibs.service\ndibs.service.run_service()\n")
    for name, sql in MIGRATIONS.items():
        (package / "migrations" / name).write_text(sql)
    root = tmp_path / "project"
    (root / ".config").mkdir(parents=True)
    (root / ".config" / "dibs.styx").write_text(CONFIG)
    return root


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname:  # a socket URL: the password goes in the query
        return url + ("&" if "?" in url else "?") + f"password={password}"
    netloc = f"{parts.username or 'postgres'}:{password}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def dibs(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PYTHONPATH": str(project.parent / "site"),
        "NO_COLOR": "1",
        **(env or {}),
    }
    return subprocess.run(
        [script, *args], cwd=project, capture_output=True, text=True, env=environment, timeout=120
    )


def test_status_migrate_and_up_to_date(project: Path, database_url: str) -> None:
    before = dibs(project, "status", "-d", database_url, "--exit-code")
    assert before.returncode == 1
    assert "2 pending" in before.stdout
    done = dibs(project, "migrate", "-d", database_url)
    assert done.returncode == 0, done.stderr
    assert "applied 2026_01_24_120000 create_users" in done.stdout
    assert "applied 2026_01_25_090000 create_posts" in done.stdout
    again = dibs(project, "migrate", "-d", database_url)
    assert again.returncode == 0
    assert "up to date" in again.stdout
    after = dibs(project, "status", "-d", database_url, "--exit-code")
    assert after.returncode == 0
    assert "up to date" in after.stdout


def test_json_and_dry_run(project: Path, database_url: str) -> None:
    dry = dibs(project, "migrate", "-d", database_url, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    result = json.loads(dry.stdout)
    assert result["dry_run"] is True
    assert [m["version"] for m in result["applied"]] == ["2026_01_24_120000", "2026_01_25_090000"]
    status = json.loads(dibs(project, "status", "-d", database_url, "--json").stdout)
    assert status["pending"] == ["2026_01_24_120000", "2026_01_25_090000"]


def test_to_version(project: Path, database_url: str) -> None:
    done = dibs(project, "migrate", "-d", database_url, "--to", "2026_01_24_120000")
    assert done.returncode == 0, done.stderr
    assert "create_posts" not in done.stdout
    assert "1 pending" in dibs(project, "status", "-d", database_url).stdout


def test_failure_shows_the_statement_and_rolls_back(project: Path, database_url: str) -> None:
    bad = project.parent / "site" / "my_app_db" / "migrations" / "m2026_01_26_000000_broken.sql"
    bad.write_text("CREATE TABLE ok (id int);\nSELECT * FROM nowhere;\n")
    done = dibs(project, "migrate", "-d", database_url)
    assert done.returncode == 1
    assert "42P01" in done.stderr
    assert "m2026_01_26_000000_broken.sql:2" in done.stderr
    assert "^" in done.stderr
    assert (done.stdout + done.stderr).count("42P01") == 1  # said once, in the error
    status = json.loads(dibs(project, "status", "-d", database_url, "--json").stdout)
    assert status["pending"] == ["2026_01_26_000000"]


def test_database_url_from_environment_and_dotenv(project: Path, database_url: str) -> None:
    assert dibs(project, "status", env={"DATABASE_URL": database_url}).returncode == 0
    (project / ".env").write_text(f"# local\nDATABASE_URL='{database_url}'\n")
    assert dibs(project, "status").returncode == 0


def test_missing_database_url_is_an_error(project: Path) -> None:
    done = dibs(project, "migrate")
    assert done.returncode == 2
    assert "no database URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_password_never_printed(project: Path, pg_server_url: str) -> None:
    secret = "s3cr3t-pass"
    url = with_password(pg_server_url.replace("/postgres", "/no_such_db_xyz"), secret)
    done = dibs(project, "migrate", "-d", url)
    assert done.returncode != 0
    assert secret not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_db_program_missing(project: Path, database_url: str) -> None:
    (project / ".config" / "dibs.styx").write_text("db {\n    binary ./bin/nothing-here\n}\n")
    done = dibs(project, "migrate", "-d", database_url)
    assert done.returncode == 2
    assert "nothing-here" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def launches(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[DbProgram]:
    """Run `dibs` in-process in ``project``; the db programs it launches."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(project.parent / "site"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    launched: list[DbProgram] = []
    original = DbProgram.launch

    def launch(self: DbProgram) -> None:
        if self.process is None:
            launched.append(self)
        original(self)

    monkeypatch.setattr(DbProgram, "launch", launch)
    return launched


def test_the_early_launched_db_program_serves_the_command(
    launches: list[DbProgram],
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed_over: list[DbProgram | None] = []
    take = early.program
    monkeypatch.setattr(early, "program", _recording(take, handed_over))
    assert dibs_main(["status", "-d", database_url]) == 0
    assert "2 pending" in capsys.readouterr().out
    # one program, launched before argument parsing and handed to the command
    assert len(launches) == 1 and handed_over == launches
    assert launches[0].process is not None and launches[0].process.returncode is not None


def _recording(
    take: Callable[[Located], DbProgram | None], into: list[DbProgram | None]
) -> Callable[[Located], DbProgram | None]:
    def recorded(located: Located) -> DbProgram | None:
        into.append(take(located))
        return into[-1]

    return recorded


@pytest.mark.parametrize("argv", [["status", "--no-such-option"], ["migrate"]])
def test_an_early_db_program_no_command_takes_is_ended(
    launches: list[DbProgram], argv: list[str]
) -> None:
    # a usage error, and a missing database URL: the program was launched
    # but never asked anything; it must not outlive the CLI
    assert dibs_main(argv) != 0
    assert len(launches) == 1
    assert launches[0].process is not None and launches[0].process.returncode is not None


def test_help_launches_nothing(launches: list[DbProgram]) -> None:
    assert dibs_main(["migrate", "--help"]) == 0
    assert launches == []


def test_schema_lists_and_writes_the_tables(project: Path) -> None:
    tables = project.parent / "site" / "my_app_db" / "tables.py"
    tables.write_text(
        "from dataclasses import dataclass\n"
        "from dibs.tables import column, table\n\n"
        "@table('teams')\n@dataclass\nclass Team:\n"
        "    '''Groups of people.'''\n"
        "    id: int = column(primary_key=True)\n"
        "    name: str = column(unique=True)\n"
    )
    plain = dibs(project, "schema")
    assert plain.returncode == 0, plain.stderr
    assert "teams" in plain.stdout and "/// Groups of people." in plain.stdout
    assert f"{tables}:" in plain.stdout
    create = dibs(project, "schema", "--sql")
    assert "CREATE TABLE teams" in create.stdout
    assert "CONSTRAINT teams_name_key UNIQUE (name)" in create.stdout


@pytest.mark.parametrize(
    ("verb", "preload"), [("status", False), ("migrate", False), ("diff", True)]
)
def test_the_early_program_preloads_only_where_the_cli_does_not_read_first(
    launches: list[DbProgram], verb: str, preload: bool
) -> None:
    # no database URL: the command stops, but the program was launched
    assert dibs_main([verb]) != 0
    assert [program.preload for program in launches] == [preload]
