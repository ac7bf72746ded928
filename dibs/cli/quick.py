"""`dibs migrate` and `dibs status` without typer: what an init container
runs at every pod start, and CI between steps.

Importing typer (and the click, rich and pydantic it brings) costs more than
everything else a no-op `dibs migrate` does in the CLI. Plain invocations of
the two verbs are therefore read here, by a table of their options, and run
by the very functions the typer commands call (`dibs.cli.commands`).

Design points, each for a failure it prevents:

* Anything this reader is not sure of — help, an unknown or repeated option,
  a value typer would convert or refuse differently, ``--`` — is not handled
  here at all: `dispatch` returns None before anything has run and typer
  takes the whole command line, so usage errors keep typer's wording.
* Only option *reading* lives here; what the verbs do and print is shared,
  so the two routes cannot give different answers (tests run both).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable
from typing import Any

from styx.report.color import MODES

#: Options that take a value: option -> keyword of the verb's function.
_VALUED = {
    "migrate": {
        "--database-url": "database",
        "-d": "database",
        "--to": "to",
        "--lock-timeout-ms": "lock_timeout_ms",
        "--statement-timeout-ms": "statement_timeout_ms",
        "--color": "color",
    },
    "status": {"--database-url": "database", "-d": "database", "--color": "color"},
}
#: Flags: option -> keyword of the verb's function.
_FLAGS = {
    "migrate": {
        "--dry-run": "dry_run",
        "--allow-changed": "allow_changed",
        "--allow-out-of-order": "allow_out_of_order",
        "--json": "as_json",
    },
    "status": {"--exit-code": "exit_code", "--json": "as_json"},
}
#: Keywords whose value is a non-negative integer.
_COUNTS = frozenset({"lock_timeout_ms", "statement_timeout_ms"})
#: The values ``--color`` takes (typer checks them against the same tuple).
_COLORS = frozenset(MODES)


def parse(args: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The verb and its keyword arguments, or None when typer should read
    ``args`` (anything unusual, including every kind of mistake)."""
    if not args or args[0] not in _VALUED:
        return None
    verb, valued, flags = args[0], _VALUED[args[0]], _FLAGS[args[0]]
    given: dict[str, Any] = {}
    rest = iter(args[1:])
    for arg in rest:
        name, value = _split(arg, valued)
        keyword = flags.get(name) if value is None else None
        if keyword is not None:
            converted: Any = True
        elif name in valued:
            keyword = valued[name]
            if value is None:
                value = next(rest, None)
                if value is None or value.startswith("-"):
                    return None  # a missing value (or one typer reads its own way)
            if not _acceptable(keyword, value):
                return None
            converted = int(value) if keyword in _COUNTS else value
        else:
            return None
        if keyword in given:
            return None
        given[keyword] = converted
    return verb, given


def _split(arg: str, valued: dict[str, str]) -> tuple[str, str | None]:
    """``--name=value`` and ``-dVALUE`` into name and value."""
    if arg.startswith("--") and "=" in arg:
        name, _, value = arg.partition("=")
        return name, value
    if arg.startswith("-d") and len(arg) > 2 and "-d" in valued:
        return "-d", arg[2:]
    return arg, None


def _acceptable(keyword: str, value: str) -> bool:
    if keyword in _COUNTS:
        return value.isascii() and value.isdigit()
    if keyword == "color":
        return value in _COLORS
    return True


def dispatch(args: list[str]) -> int | None:
    """Run ``args`` when they are a plain `migrate` or `status`; the exit
    code, or None (nothing done) for typer to handle them."""
    parsed = parse(args)
    if parsed is None:
        return None
    verb, keywords = parsed
    from dibs.cli import commands, output

    run: Callable[..., int] = commands.migrate if verb == "migrate" else commands.status
    # the endings the typer route gives the same command (`typer.core._main`
    # with `dibs.cli.app.run` around it)
    try:
        return run(**keywords)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        return 130
    except EOFError:
        sys.stderr.write("\n")
        output.error("interrupted")
        return 130
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        _silence_closed_pipes()
        return 1


def _silence_closed_pipes() -> None:
    """After a reader went away (``dibs status | head``), nothing more can be
    said: later writes and the flush at exit go nowhere instead of failing."""
    sink = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(sink, stream.fileno())
    os.close(sink)
