"""The typer application: help, completion and the full option surface."""

from __future__ import annotations

from typing import Annotated

import typer

from styx.cli import run as verbs
from styx.commands.tree import TreeFormat

app = typer.Typer(
    name="styx",
    help="Parse, check, format and convert Styx documents.",
    no_args_is_help=True,
    add_completion=True,
)


@app.callback()
def styx() -> None:
    """Parse, check, format and convert Styx documents."""


@app.command()
def tree(
    path: Annotated[str, typer.Argument(help="A .styx file, or - for standard input.")],
    fmt: Annotated[
        TreeFormat,
        typer.Option("--format", "-f", help="debug: readable outline; sexp: compliance format."),
    ] = TreeFormat.DEBUG,
) -> None:
    """Print the parsed tree of a document."""
    raise typer.Exit(verbs.tree(path, fmt.value))


def run(args: list[str]) -> int:
    """Run the application on an argument list; the exit code."""
    try:
        app(args=args, prog_name="styx")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0
