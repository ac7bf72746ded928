"""The `styx` command.

`main` answers the verbs that linters and editors call in a loop (`styx tree
FILE`, ...) without importing typer, whose import alone costs several times
a bare interpreter start; everything else, help and completion included, goes
through the typer application in `styx.cli.app`. Both routes call the same
functions in `styx.cli.run`.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    from styx.cli import quick

    code = quick.dispatch(args)
    if code is not None:
        return code
    from styx.cli.app import run

    return run(args)
