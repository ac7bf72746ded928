"""The typer-free route for plain invocations of the hot verbs.

Only argument lists made of the verb, its known options and paths are taken;
anything else (``--help``, an unknown flag, a typo) returns None and goes to
typer, which owns help texts and error messages.
"""

from __future__ import annotations

from collections.abc import Callable

from styx.cli import run


def _tree(args: list[str]) -> int | None:
    fmt = "debug"
    paths: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg in ("--format", "-f"):
            fmt = next(rest, "")
        elif arg.startswith("--format="):
            fmt = arg.partition("=")[2]
        elif arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        else:
            return None
    if fmt not in ("debug", "sexp") or len(paths) != 1:
        return None
    return run.tree(paths[0], fmt)


_VERBS: dict[str, Callable[[list[str]], int | None]] = {"tree": _tree}


def dispatch(args: list[str]) -> int | None:
    if not args or args[0] not in _VERBS:
        return None
    return _VERBS[args[0]](args[1:])
