"""`dibs init`: a new project that `styx check` and `dibs migrate` accept at once.

What `alembic init` is to alembic: one command writes

    .config/dibs.styx             @schema {id crate:dibs@1, cli dibs} and db { crate NAME }
    pyproject.toml                the NAME distribution, with the NAME console script
    <module>/__init__.py
    <module>/__main__.py          the db program: main() calls dibs.run_service()
    <module>/tables.py            where the tables will be defined
    <module>/migrations/__init__.py

Design points, each with the failure it prevents:

* The configuration is written by `styx.dumps` from data and checked against
  dibs' own configuration schema before anything touches the disk: a
  template could drift from the schema and hand the user a file that
  ``styx check`` rejects on day one.
* Nothing is overwritten: every target is checked first and, if any exists,
  nothing at all is written (a half-initialised project is worse than none),
  and each file is then created with ``open(..., "x")``, so a file that
  appears meanwhile is still not replaced.
* The package sits beside ``.config/``: dibs runs ``python -m <module>`` from
  that folder, so ``dibs migrate --dry-run`` works before anything is
  installed; the console script is for deployments (``db.binary``).
* Names are checked up front (a distribution name, and a module name that is
  an identifier and not a keyword): a bad name would otherwise surface as an
  import error inside the db program.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

import styx
from dibs.config import CONFIG_PATH, SCHEMA_ID, schema_text

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class ScaffoldError(Exception):
    """`dibs init` cannot go ahead; ``hint`` says what to do instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Scaffold:
    """What `init_project` wrote."""

    root: Path
    name: str
    module: str
    files: list[Path] = field(default_factory=list)


def default_name(root: Path) -> str:
    """``<folder>-db``, spelled as a distribution name."""
    base = re.sub(r"[^a-z0-9]+", "-", root.resolve().name.lower()).strip("-")
    if not base or not base[0].isalpha():
        base = "app" + (f"-{base}" if base else "")
    return f"{base}-db"


def module_name(name: str) -> str:
    """The module dibs runs for ``db.crate NAME`` (dashes read as underscores)."""
    return name.replace("-", "_")


def check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ScaffoldError(
            f"`{name}` is not a usable package name",
            "use lowercase letters, digits and single dashes, starting with a letter "
            "(such as shop-db)",
        )
    if keyword.iskeyword(module_name(name)):
        raise ScaffoldError(f"`{name}` would be the Python keyword `{module_name(name)}`")


def config_text(name: str) -> str:
    """``.config/dibs.styx`` for a db package, checked against dibs' schema."""
    data = {styx.Tagged("schema"): {"id": SCHEMA_ID, "cli": "dibs"}, "db": {"crate": name}}
    return styx.dumps(data, schema=styx.load_schema(schema_text()))


def _pyproject(name: str, module: str) -> str:
    return f"""[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "0.1.0"
description = "The database: its tables and migrations, served to the dibs CLI"
requires-python = ">=3.11"
dependencies = ["styx-dibs"]

[project.scripts]
# The db program: dibs runs `python -m {module}` (db.crate), or this script (db.binary).
{name} = "{module}.__main__:main"

[tool.hatch.build.targets.wheel]
# migrations/*.sql files are package data and ship in the wheel.
packages = ["{module}"]
"""


_INIT = '''"""The database of this project: tables and migrations, served to the ``dibs`` CLI.

Migrations live in ``migrations/`` as ``.sql`` files or ``@migration``
functions named ``mYYYY_MM_DD_HHMMSS_what``; dibs applies them in that order.
"""
'''

_MAIN = '''"""The db program: ``python -m {module}`` (or the ``{name}`` console script).

``dibs migrate`` / ``dibs status`` start it; it answers their requests until
they hang up. It is not meant to be run by hand.
"""

import dibs


def main() -> None:
    """Serve this package's migrations and tables to the dibs CLI that started us."""
    dibs.run_service()


if __name__ == "__main__":
    main()
'''

_TABLES = '''"""The tables, defined once in Python; ``dibs generate-from-diff NAME`` writes
the migration that brings a database to them.

    from dataclasses import dataclass
    from datetime import datetime

    from dibs.tables import column, sql, table


    @table("users")
    @dataclass
    class User:
        id: int = column(primary_key=True, identity="always")
        email: str = column(unique=True)
        created_at: datetime = column(default=sql("now()"))

Then ``dibs diff`` shows what a database lacks, ``dibs generate-from-diff
create_users`` writes ``migrations/m<now>_create_users.sql`` and ``dibs
migrate`` applies it.
"""
'''

_MIGRATIONS = '''"""Migrations: ``.sql`` files and ``@migration`` modules, in version order
(``dibs generate NAME`` or ``dibs generate-from-diff NAME`` writes new ones)."""
'''


def plan(root: Path, name: str) -> dict[Path, str]:
    """Every file `init_project` writes, with its text."""
    module = module_name(name)
    package = root / module
    return {
        root / CONFIG_PATH: config_text(name),
        root / "pyproject.toml": _pyproject(name, module),
        package / "__init__.py": _INIT,
        package / "__main__.py": _MAIN.format(module=module, name=name),
        package / "tables.py": _TABLES,
        package / "migrations" / "__init__.py": _MIGRATIONS,
    }


def init_project(root: Path, name: str | None = None) -> Scaffold:
    """Write a new dibs project into ``root`` (created if missing); raises
    `ScaffoldError` and writes nothing when any of its files exists."""
    name = name if name is not None else default_name(root)
    check_name(name)
    files = plan(root, name)
    existing = [path for path in files if path.exists() or path.is_symlink()]
    if existing:
        shown = ", ".join(str(path.relative_to(root)) for path in existing)
        raise ScaffoldError(
            f"not overwriting what is already there: {shown}",
            "run dibs init in a new folder, or pass --name for another package name",
        )
    written: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="\n") as file:
                file.write(text)
            written.append(path)
    except FileExistsError as error:
        raise ScaffoldError(f"{error.filename} appeared while writing; stopped") from None
    except OSError as error:
        raise ScaffoldError(f"cannot write {error.filename}: {error.strerror}") from None
    return Scaffold(root, name, module_name(name), written)
