"""`dibs init` end to end: a fresh folder becomes a project that styx and dibs accept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import styx
from dibs import scaffold
from dibs.config import Config, DbConfig, load_config

BIN = Path(sys.executable).parent


def _run(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [str(BIN / tool), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "NO_COLOR": "1"},
    )


EXPECTED = [
    ".config/dibs.styx",
    "pyproject.toml",
    "shop_db/__init__.py",
    "shop_db/__main__.py",
    "shop_db/tables.py",
    "shop_db/migrations/__init__.py",
]

TABLE = """
from dataclasses import dataclass

from dibs.tables import column, table


@table("users")
@dataclass
class User:
    id: int = column(primary_key=True, identity="always")
    email: str = column(unique=True)
"""


def test_init_gives_a_project_that_checks_and_migrates(tmp_path: Path, database_url: str) -> None:
    root = tmp_path / "shop"
    done = _run("dibs", "init", str(root), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == sorted(EXPECTED)
    assert done.stdout.splitlines() == [f"created {root / name}" for name in EXPECTED]
    config = (root / ".config" / "dibs.styx").read_text()
    assert config == "@schema {id crate:dibs@1, cli dibs}\n\ndb {\n    crate shop-db\n}\n"
    assert 'shop-db = "shop_db.__main__:main"' in (root / "pyproject.toml").read_text()
    assert "dibs.run_service()" in (root / "shop_db" / "__main__.py").read_text()

    check = _run("styx", "check", ".", cwd=root)
    assert (check.returncode, check.stderr) == (0, "")
    dry = _run("dibs", "migrate", "--dry-run", "-d", database_url, cwd=root)
    assert dry.returncode == 0, dry.stderr
    assert "up to date" in dry.stdout

    # The skeleton is a working project: a table, its migration, applied, in sync.
    with open(root / "shop_db" / "tables.py", "a", encoding="utf-8") as tables:
        tables.write(TABLE)
    generated = _run("dibs", "generate-from-diff", "create_users", "-d", database_url, cwd=root)
    assert generated.returncode == 0, generated.stderr
    assert len(list((root / "shop_db" / "migrations").glob("*.sql"))) == 1
    assert _run("dibs", "migrate", "-d", database_url, cwd=root).returncode == 0
    assert _run("dibs", "check", "-d", database_url, cwd=root).returncode == 0


def test_the_config_loads_as_dibs_reads_it(tmp_path: Path) -> None:
    made = scaffold.init_project(tmp_path, "my-app-db")
    assert made.module == "my_app_db"
    assert load_config(tmp_path).config == Config(db=DbConfig(crate="my-app-db"))
    assert styx.loads(scaffold.config_text("x-db")) == {"db": {"crate": "x-db"}}


def test_the_python_files_compile(tmp_path: Path) -> None:
    made = scaffold.init_project(tmp_path, "shop-db")
    for path in made.files:
        if path.suffix == ".py":
            compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mine'\n", encoding="utf-8")
    done = _run("dibs", "init", "--name", "shop-db", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: not overwriting what is already there: pyproject.toml")
    assert "hint:" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]
    assert (tmp_path / "pyproject.toml").read_text() == "[project]\nname = 'mine'\n"


def test_a_second_init_changes_nothing(tmp_path: Path) -> None:
    scaffold.init_project(tmp_path, "shop-db")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(scaffold.ScaffoldError, match="not overwriting"):
        scaffold.init_project(tmp_path, "shop-db")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("name", ["Shop", "1shop", "shop_db", "shop--db", "-x", "import", "a b"])
def test_bad_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(scaffold.ScaffoldError):
        scaffold.init_project(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("folder", "name"),
    [("shop", "shop-db"), ("My Shop!", "my-shop-db"), ("2024", "app-2024-db"), ("___", "app-db")],
)
def test_default_name_from_the_folder(tmp_path: Path, folder: str, name: str) -> None:
    assert scaffold.default_name(tmp_path / folder) == name
