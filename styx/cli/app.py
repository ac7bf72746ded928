"""The typer application: help, completion and the full option surface.

Each command is a thin wrapper over `styx.cli.run`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from styx.cli import run as verbs
from styx.commands.tree import TreeFormat

app = typer.Typer(
    name="styx",
    help="Parse, check, format and convert Styx documents.\n\n"
    "A first argument containing '.' or '/', or '-', is a file: `styx FILE` formats it "
    "to stdout (see `styx file --help` for the file-mode options).",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
)


class Color(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SHORT = "short"
    GITHUB = "github"
    SARIF = "sarif"


ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        help="Colour diagnostics: auto (on a terminal, unless NO_COLOR is set), always, never.",
    ),
]
Paths = Annotated[list[str], typer.Argument(help="Files or directories (searched for *.styx).")]
Path = Annotated[str, typer.Argument(help="A file, or - for standard input.")]
Output = Annotated[str, typer.Option("--output", "-o", help="Write here instead of stdout (-).")]
MaxErrors = Annotated[
    int,
    typer.Option(
        "--max-errors",
        min=0,
        help="Show at most N diagnostics per file (0: all); machine formats always show all.",
    ),
]
SchemaOption = Annotated[
    str | None,
    typer.Option(
        "--schema", help="Validate against this schema (path or URL) instead of the declared one."
    ),
]


def _show_version(value: bool) -> None:
    if value:
        from styx.cli import version

        typer.echo(f"styx {version()}")
        raise typer.Exit(0)


@app.callback()
def styx(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print the version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Parse, check, format and convert Styx documents."""


@app.command()
def check(
    paths: Paths,
    report: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help="How to report: text (default; github inside GitHub Actions), json, short "
            "(file:line:col), github (workflow annotations), sarif (SARIF 2.1.0).",
        ),
    ] = None,
    schema: SchemaOption = None,
    color: ColorOption = Color.AUTO,
    max_errors: MaxErrors = 50,
) -> None:
    """Lint documents against their declared schema: exit 0 when all are valid,
    1 on syntax errors, 2 on schema errors, 3 on I/O errors."""
    raise typer.Exit(
        verbs.check(paths, color.value, report.value if report else None, schema, max_errors)
    )


@app.command()
def fmt(
    paths: Paths,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a file would change.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print what would change, as a unified diff.")
    ] = False,
    color: ColorOption = Color.AUTO,
    max_errors: MaxErrors = 50,
) -> None:
    """Rewrite documents in the canonical layout (a file with errors is never touched)."""
    raise typer.Exit(
        verbs.format_files(paths, check=check, diff=diff, color=color.value, max_errors=max_errors)
    )


@app.command("to-json")
def to_json(
    path: Path,
    compact: Annotated[bool, typer.Option("--compact", help="One line.")] = False,
    out: Output = "-",
    schema: SchemaOption = None,
    color: ColorOption = Color.AUTO,
    max_errors: MaxErrors = 50,
) -> None:
    """Convert a document to JSON (tags become {"$tag": ...}); scalars stay
    strings unless a schema types them as numbers or booleans."""
    raise typer.Exit(
        verbs.to_json(
            path,
            compact=compact,
            out=out,
            schema=schema,
            color=color.value,
            max_errors=max_errors,
        )
    )


@app.command("from-json")
def from_json(
    path: Path, out: Output = "-", color: ColorOption = Color.AUTO, max_errors: MaxErrors = 50
) -> None:
    """Convert JSON to a Styx document."""
    raise typer.Exit(verbs.from_json(path, out=out, color=color.value, max_errors=max_errors))


@app.command()
def tree(
    path: Path,
    tree_format: Annotated[
        TreeFormat,
        typer.Option("--format", "-f", help="debug: readable outline; sexp: compliance format."),
    ] = TreeFormat.DEBUG,
    color: ColorOption = Color.AUTO,
    max_errors: MaxErrors = 50,
) -> None:
    """Print the parsed tree of a document."""
    raise typer.Exit(verbs.tree(path, tree_format.value, color.value, max_errors))


KeyPath = Annotated[
    str, typer.Argument(help='A key path: server.port, ports[2], "key.with.dots".name')
]


@app.command()
def get(path: Path, key_path: KeyPath, color: ColorOption = Color.AUTO) -> None:
    """Print the value at a key path: a scalar's text as is (heredoc content,
    quoted text unquoted), anything else as written. Exit 0 printed, 1 no
    value there, 2 could not tell (unreadable file, syntax error, bad path)."""
    raise typer.Exit(verbs.get(path, key_path, color.value))


@app.command("set")
def set_(
    path: Annotated[str, typer.Argument(help="The file to change in place.")],
    key_path: KeyPath,
    value: Annotated[
        str, typer.Argument(help='A Styx value: 9090, "two words", {cert a.pem}, (a b), @.')
    ],
    string: Annotated[
        bool, typer.Option("--string", help="Take VALUE as literal text, not as Styx.")
    ] = False,
    color: ColorOption = Color.AUTO,
) -> None:
    """Set the value at a key path, changing nothing else in the file (missing
    objects on the way are created). A change that brings an error against the
    declared schema is refused. Exit 0 written, 2 not written."""
    raise typer.Exit(verbs.set_(path, key_path, value, literal=string, color=color.value))


@app.command()
def lsp(
    stdio: Annotated[
        bool,
        typer.Option(
            "--stdio",
            help="Talk over standard input and output. This is the only transport, so the "
            "flag changes nothing; it is accepted because editors' LSP clients pass it.",
        ),
    ] = False,
) -> None:
    """Run the Styx language server for editors: diagnostics as you type,
    checked against the declared schema, with hover, completion, go to
    definition, formatting and an outline (set-up: docs/editors.md)."""
    raise typer.Exit(verbs.lsp())


@app.command("file")
def file_mode(
    path: Path,
    out: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the formatted document here.")
    ] = None,
    json_out: Annotated[
        str | None, typer.Option("--json-out", help="Write the document as JSON here (- = stdout).")
    ] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite the file itself.")] = False,
    compact: Annotated[bool, typer.Option("--compact", help="Single-line output.")] = False,
    validate: Annotated[
        bool, typer.Option("--validate", help="Only check; no output unless -o or --json-out.")
    ] = False,
    schema: SchemaOption = None,
    color: ColorOption = Color.AUTO,
    max_errors: MaxErrors = 50,
) -> None:
    """File mode, also reached as `styx FILE ...`: format to stdout, convert, or validate."""
    raise typer.Exit(
        verbs.file_mode(
            path,
            out=out,
            json_out=json_out,
            in_place=in_place,
            compact=compact,
            validate=validate,
            schema=schema,
            color=color.value,
            max_errors=max_errors,
        )
    )


def run(args: list[str]) -> int:
    """Run the application on an argument list; the exit code."""
    try:
        app(args=args, prog_name="styx")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0
