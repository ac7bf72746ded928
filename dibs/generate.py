"""``dibs generate NAME``: a new, empty SQL migration with the current UTC
time as its version.

The version is the timestamp because that is how dibs orders migrations
(``m2026_01_24_120000_create_users``); generating it avoids hand-typed
versions that collide or sort before already applied ones. The folder is the
db crate's ``migrations/`` — found with ``importlib.util.find_spec`` in the
CLI's own interpreter, which is the one that runs ``python -m <crate>`` — so
the file lands exactly where discovery will look for it.
"""

from __future__ import annotations

import datetime
import importlib.util
import re
from pathlib import Path

from dibs.migrations import NAME_PATTERN

#: Characters a migration name may not contain become one underscore.
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")

TEMPLATE = """\
-- {stem}
-- Created by `dibs generate` at {created} UTC.
-- Runs in one transaction with its record in _dibs_migrations; for statements
-- that cannot (CREATE INDEX CONCURRENTLY) put `-- dibs: no-transaction` on a
-- line of its own.

"""


class GenerateError(Exception):
    """The migration could not be written (bad name, no folder)."""


def migration_name(text: str) -> str:
    """``text`` as the name part of a migration (``Add users`` -> ``add_users``);
    raises `GenerateError` when nothing usable is left."""
    name = _NOT_NAME.sub("_", text.strip()).strip("_").lower()
    if not name:
        raise GenerateError(f"{text!r} is not a usable migration name (use letters, digits, _)")
    return name


def crate_migrations_dir(crate: str) -> Path:
    """The ``migrations/`` folder of the db crate's package (dashes read as
    underscores, as when the crate is run). It is created if the package
    exists but has no such folder yet: the first migration makes it."""
    module = crate.replace("-", "_")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as error:
        raise GenerateError(f"cannot find package {module} (db.crate {crate}): {error}") from None
    if spec is None or not spec.submodule_search_locations:
        raise GenerateError(
            f"cannot find package {module} (db.crate {crate}) from this Python; "
            "install it, or pass --dir"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "migrations"


def generate(name: str, folder: Path, now: datetime.datetime | None = None) -> Path:
    """Write ``m<UTC timestamp>_<name>.sql`` into ``folder``; its path.

    If a migration in the folder already has this second's version, the
    next free second is used, so two quick calls never share a version."""
    stem_name = migration_name(name)
    moment = (now or datetime.datetime.now(datetime.UTC)).replace(microsecond=0)
    folder.mkdir(parents=True, exist_ok=True)
    taken = set()
    for entry in folder.iterdir():
        parsed = NAME_PATTERN.match(entry.name.split(".")[0])
        if parsed:
            taken.add(parsed.group("version"))
    while moment.strftime("%Y_%m_%d_%H%M%S") in taken:
        moment += datetime.timedelta(seconds=1)
    stem = f"m{moment.strftime('%Y_%m_%d_%H%M%S')}_{stem_name}"
    path = folder / f"{stem}.sql"
    with path.open("x", encoding="utf-8") as out:
        out.write(TEMPLATE.format(stem=stem, created=moment.strftime("%Y-%m-%d %H:%M:%S")))
    return path
