"""The `dibs` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from dibs.cli import bare, early

    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        from importlib.metadata import version

        sys.stdout.write(f"dibs {version('styx-dibs')}\n")
        return 0
    wants_ui, database = bare.database_option(args)
    if wants_ui:
        return bare.run(database)
    try:
        early.launch(args)
        from dibs.cli.app import run

        return run(args)
    finally:
        early.discard()
