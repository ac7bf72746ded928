"""The `dibs` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from dibs.cli import early

    args = sys.argv[1:] if argv is None else list(argv)
    try:
        early.launch(args)
        from dibs.cli.app import run

        return run(args)
    finally:
        early.discard()
