"""The dibs verbs as library functions: find the database, start the db
program, ask it to migrate or report. The typer commands only parse argv and
print what these return. Each verb that needs the db program starts one
from the configuration, or takes ``program``: one the CLI launched early
(not yet entered)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dibs import precheck, protocol
from dibs.config import Located
from dibs.protocol import LogEvent, RemoteError
from dibs.spawn import DbProgram

if TYPE_CHECKING:
    from dibs.results import RunOptions
    from dibs.schema.changes import SchemaDiff

#: A file of ``NAME=value`` lines beside ``.config/`` (not in the image).
DOTENV = ".env"


class MissingDatabaseUrl(LookupError):
    """No database named: dibs never guesses one."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            "no database URL: pass -d/--database-url, set DATABASE_URL, "
            f"or put DATABASE_URL=... in {root / DOTENV}"
        )


def database_url(
    given: str | None, located: Located, environ: Mapping[str, str] | None = None
) -> str:
    """The database to migrate: ``-d``, else ``DATABASE_URL``, else the
    ``.env`` file beside ``.config/``; raises `MissingDatabaseUrl`."""
    if given:
        return given
    environ = os.environ if environ is None else environ
    if environ.get("DATABASE_URL"):
        return environ["DATABASE_URL"]
    found = _dotenv(located.project_root / DOTENV).get("DATABASE_URL")
    if found:
        return found
    raise MissingDatabaseUrl(located.project_root)


def _dotenv(path: Path) -> dict[str, str]:
    """``NAME=value`` lines, comments and blank lines skipped, quotes removed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        values[name.strip()] = value.strip().strip("'\"")
    return values


def _started(
    program: DbProgram | None, located: Located, url: str | None, listing_first: bool = False
) -> DbProgram:
    """The program to use (``program``, or one from the configuration),
    told to mask the secrets of ``url`` in everything it relays.
    ``listing_first``: its first request will be the listing of migrations,
    which needs no database: it lists at once rather than importing its
    runner (`DbProgram.preload`, `DbProgram.first_request`)."""
    chosen = program or DbProgram.from_config(located, **listing_options(listing_first))
    if url is not None:
        chosen.protect(url)
    return chosen


def listing_options(listing_first: bool) -> dict[str, Any]:
    """`DbProgram` options for a program whose first request is (or is not)
    the listing of migrations (`dibs.precheck`)."""
    if listing_first:
        return {"preload": False, "first_request": "migrations"}
    return {}


def migrate(
    located: Located,
    url: str,
    options: RunOptions,
    on_log: Callable[[LogEvent], None] | None = None,
    program: DbProgram | None = None,
) -> dict[str, Any]:
    """Apply pending migrations through the db program; the runner's result.
    With nothing pending the answer comes from a lock-free read made here,
    beside the program listing its migrations (`dibs.precheck`)."""
    program = _started(program, located, url, listing_first=True)
    rows = precheck.read_in_background(url, for_migrate=True)
    with program:
        answer = precheck.migrate_answer(program, url, options, rows)
        if answer is not None:
            return answer
        result: dict[str, Any] = program.call(
            "migrate", {"database_url": url, "options": asdict(options)}, on_log=on_log
        )
    return result


def status(located: Located, url: str, program: DbProgram | None = None) -> dict[str, Any]:
    """Which migrations are applied, pending, changed, missing: the program
    lists its migrations while the database is read here (`dibs.precheck`);
    the program's own ``status`` when that cannot tell."""
    program = _started(program, located, url, listing_first=True)
    rows = precheck.read_in_background(url, for_migrate=False)
    with program:
        answer = precheck.status_answer(program, url, rows)
        if answer is not None:
            return answer
        result: dict[str, Any] = program.call("status", {"database_url": url})
    return result


class BaselineUnsupported(RuntimeError):
    """The db program's dibs predates the ``baseline`` request."""

    def __init__(self, program: str) -> None:
        super().__init__(
            f"db program {program} does not answer 'baseline': the dibs it runs with is"
            " older than this one; upgrade dibs in the db program"
        )


def baseline(
    located: Located,
    url: str,
    version: str,
    on_log: Callable[[LogEvent], None] | None = None,
    program: DbProgram | None = None,
) -> dict[str, Any]:
    """Mark the database as migrated up to ``version`` without running
    anything (``dibs.runner.baseline`` inside the db program, which alone can
    list its migrations). Raises `BaselineUnsupported` when the program does
    not know the request, so the CLI can say what to change instead of
    printing a bare ``method_not_found``."""
    with _started(program, located, url) as program:
        try:
            result: dict[str, Any] = program.call(
                "baseline", {"database_url": url, "version": version}, on_log=on_log
            )
        except RemoteError as error:
            if error.code == protocol.METHOD_NOT_FOUND:
                raise BaselineUnsupported(program.name) from None
            raise
    return result


def remote_failure(error: RemoteError) -> tuple[str, list[str]]:
    """What to say about a request the db program answered with an error,
    and hints: its message, never a code or an exception class name of its
    own (the CLI and the terminal UI say the same)."""
    if error.code == protocol.HANDLER_ERROR:
        return (
            f"the db program failed: internal error: {error.message}",
            ["this is a bug in the db program or in dibs; run with DIBS_DEBUG=1 for more"],
        )
    if error.code == protocol.METHOD_NOT_FOUND:
        return (
            f"the db program does not answer this request ({error.message})",
            ["upgrade dibs in the db program to the version of this CLI"],
        )
    return error.message, []


def schema(located: Located, program: DbProgram | None = None) -> dict[str, Any]:
    """The schema the db program defines, in the protocol's plain form."""
    with program or DbProgram.from_config(located) as program:
        defined: dict[str, Any] = program.call("schema")
    return defined


def diff(
    located: Located,
    url: str,
    renames: Mapping[str, str] | None = None,
    concurrently: bool = False,
    program: DbProgram | None = None,
) -> dict[str, Any]:
    """The changes that bring the database to the definitions (plain form
    of `dibs.schema.diff.SchemaDiff`)."""
    params = {"database_url": url, "renames": dict(renames or {}), "concurrently": concurrently}
    with _started(program, located, url) as program:
        changes: dict[str, Any] = program.call("diff", params)
    return changes


def overview(
    located: Located,
    url: str,
    renames: Mapping[str, str] | None = None,
    concurrently: bool = False,
    program: DbProgram | None = None,
) -> dict[str, Any]:
    """What the terminal UI shows, from one start of the db program: its
    ``schema``, the migration ``status`` and the ``diff``, each as the verb of
    that name returns it. The schema comes from the code alone, so it is
    there even when the database is not: an error answer to ``status`` or
    ``diff`` leaves that part None and its text in ``status_error`` or
    ``diff_error`` (a database that cannot be reached is not asked twice)."""
    params = {"database_url": url, "renames": dict(renames or {}), "concurrently": concurrently}
    result: dict[str, Any] = dict.fromkeys(("status", "diff", "status_error", "diff_error"))
    with program or DbProgram.from_config(located) as program:
        result["schema"] = program.call("schema")
        try:
            result["status"] = program.call("status", {"database_url": url})
        except RemoteError as error:
            result["status_error"] = result["diff_error"] = str(error)
            return result
        try:
            result["diff"] = program.call("diff", params)
        except RemoteError as error:
            result["diff_error"] = str(error)
    return result


def migrations_folder(located: Located) -> Path:
    """Where new migrations are written: the ``migrations/`` folder of the
    db crate's package as the db program imports it — a package in the
    project root first (`dibs.generate.crate_migrations_dir`). Raises
    `dibs.generate.GenerateError` when the config names no crate."""
    from dibs.generate import GenerateError, crate_migrations_dir

    crate = located.config.db.crate
    if not crate:
        raise GenerateError("db.crate is not set in the dibs config: set it, or pass --dir")
    return crate_migrations_dir(crate, located.project_root)


def generate_from_diff(
    located: Located, name: str, difference: SchemaDiff, folder: Path | None = None
) -> Path:
    """Write ``difference`` as a new migration named ``name`` in ``folder``
    (default: `migrations_folder`); its path. Raises `GenerateError`."""
    from dibs.generate import diff_content, generate

    return generate(name, folder or migrations_folder(located), content=diff_content(difference))
