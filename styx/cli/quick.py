"""The typer-free route for plain invocations of the hot verbs.

An argument list is taken only when it consists of the verb, options this
route knows with valid values, and paths; anything else (``--help``, an
unknown flag, a typo, a bad value) returns None and goes to typer, which owns
help texts and usage errors.
"""

from __future__ import annotations

from collections.abc import Callable

from styx.cli import run
from styx.cli.output import MAX_ERRORS

_COLORS = ("auto", "always", "never")
_REPORTS = ("text", "json", "short", "github", "sarif")
#: ``--max-errors N``: any value; `_Args` checks that it is a count.
_COUNT: tuple[str, ...] = ()


class _Args:
    """Paths and ``--name value`` options; `ok` is False on anything unknown."""

    def __init__(self, args: list[str], values: dict[str, tuple[str, ...]], flags: tuple[str, ...]):
        self.paths: list[str] = []
        self.options: dict[str, str] = {}
        self.flags: set[str] = set()
        self.ok = True
        rest = iter(args)
        for arg in rest:
            name, has_value, value = arg.partition("=")
            if name in values:
                value = value if has_value else next(rest, "")
                self.ok &= bool(value) and (value in values[name] or not values[name])
                self.options[name] = value
            elif arg in flags:
                self.flags.add(arg)
            elif arg == "-" or not arg.startswith("-"):
                self.paths.append(arg)
            else:
                self.ok = False
        self.ok &= self.options.get("--max-errors", "0").isdigit()

    @property
    def max_errors(self) -> int:
        return int(self.options.get("--max-errors", MAX_ERRORS))


def _tree(args: list[str]) -> int | None:
    parsed = _Args(
        args,
        {
            "--format": ("debug", "sexp"),
            "-f": ("debug", "sexp"),
            "--color": _COLORS,
            "--max-errors": _COUNT,
        },
        (),
    )
    if not parsed.ok or len(parsed.paths) != 1:
        return None
    fmt = parsed.options.get("--format") or parsed.options.get("-f") or "debug"
    return run.tree(parsed.paths[0], fmt, parsed.options.get("--color", "auto"), parsed.max_errors)


def _check(args: list[str]) -> int | None:
    parsed = _Args(args, {"--format": _REPORTS, "--color": _COLORS, "--max-errors": _COUNT}, ())
    if not parsed.ok or not parsed.paths:
        return None
    return run.check(
        parsed.paths,
        parsed.options.get("--color", "auto"),
        parsed.options.get("--format"),
        max_errors=parsed.max_errors,
    )


def _file(args: list[str]) -> int | None:
    parsed = _Args(
        args,
        {
            "-o": (),
            "--output": (),
            "--json-out": (),
            "--color": _COLORS,
            "--schema": (),
            "--max-errors": _COUNT,
        },
        ("--in-place", "--compact", "--validate"),
    )
    if not parsed.ok or len(parsed.paths) != 1:
        return None
    return run.file_mode(
        parsed.paths[0],
        out=parsed.options.get("-o", parsed.options.get("--output")),
        json_out=parsed.options.get("--json-out"),
        in_place="--in-place" in parsed.flags,
        compact="--compact" in parsed.flags,
        validate="--validate" in parsed.flags,
        schema=parsed.options.get("--schema"),
        color=parsed.options.get("--color", "auto"),
        max_errors=parsed.max_errors,
    )


_VERBS: dict[str, Callable[[list[str]], int | None]] = {
    "tree": _tree,
    "check": _check,
    "file": _file,
}


def dispatch(args: list[str]) -> int | None:
    if not args or args[0] not in _VERBS:
        return None
    return _VERBS[args[0]](args[1:])
