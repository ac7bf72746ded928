"""The typer application of `dibs`; each command is a thin wrapper."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dibs import config as config_module
from dibs.cli import report
from styx.schema.loader import StyxValidationError
from styx.syntax.parser import StyxSyntaxError

app = typer.Typer(
    name="dibs",
    help="PostgreSQL migrations driven by your db program, configured in .config/dibs.styx.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ColorOption = Annotated[
    str, typer.Option("--color", help="Colour diagnostics: auto, always or never.")
]


@app.callback()
def dibs() -> None:
    """PostgreSQL migrations driven by your db program."""


@app.command("config-schema")
def config_schema() -> None:
    """Print the Styx schema of .config/dibs.styx."""
    sys.stdout.write(config_module.schema_text())


@app.command("config")
def show_config(color: ColorOption = "auto") -> None:
    """Find and check .config/dibs.styx, and show what it resolves to."""
    try:
        located = config_module.load_config()
    except (
        config_module.ConfigNotFound,
        StyxSyntaxError,
        StyxValidationError,
        OSError,
    ) as error:
        raise typer.Exit(report.config_problem(error, color)) from None
    db = located.config.db
    sys.stdout.write(
        f"config: {located.path}\n"
        f"project root: {located.project_root}\n"
        f"db.crate: {db.crate or '-'}\n"
        f"db.binary: {db.binary or '-'}\n"
        f"db.connect_timeout: {db.connect_timeout.total_seconds():g}s\n"
    )


def run(args: list[str]) -> int:
    """Run the application on an argument list; the exit code."""
    try:
        app(args=args, prog_name="dibs")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0
