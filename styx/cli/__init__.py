"""The `styx` command.

`main` answers plain invocations of the verbs that linters and editors call
in a loop without importing typer, whose import alone costs several times a
bare interpreter start; everything else, help and completion included, goes
through the typer application in `styx.cli.app`. Both routes call the same
functions in `styx.cli.run`.

As in the reference CLI, a first argument that contains ``.`` or ``/``, or is
``-``, is a file (`styx config.styx`); otherwise it names a subcommand.
"""

from __future__ import annotations

import sys


def is_file_mode(args: list[str]) -> bool:
    return bool(args) and (
        args[0] == "-" or (not args[0].startswith("-") and ("." in args[0] or "/" in args[0]))
    )


def version() -> str:
    """The installed version of the styx-dibs distribution."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("styx-dibs")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        sys.stdout.write(f"styx {version()}\n")
        return 0
    if is_file_mode(args):
        args = ["file", *args]
    from styx.cli import quick

    code = quick.dispatch(args)
    if code is not None:
        return code
    from styx.cli.app import run

    return run(args)
