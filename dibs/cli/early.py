"""What a command will wait for, started before the CLI parses its arguments.

A verb that talks to the db program pays for two interpreter start-ups: the
CLI's and the program's. Launching the program as soon as the configuration
is known lets the two overlap. `migrate` and `status` also read the
database (`dibs.precheck`), which is mostly psycopg's import: that read is
forked off first of all, before the configuration is even loaded, when the
command line or the environment names the database — so this module imports
nothing at its top, and the fork happens with only the CLI's first modules
loaded. Anything unusual — a help flag, a command line typer must read, a
configuration problem, a program that cannot be launched — means no early
start: the command then takes the ordinary path, which reports the problem
properly.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dibs.config import Located
    from dibs.spawn import DbProgram

#: The verbs that start the db program.
PROGRAM_VERBS = frozenset(
    {"migrate", "status", "baseline", "schema", "diff", "check", "generate-from-diff"}
)
#: The verbs whose first request is the listing of migrations, which needs no
#: database: the CLI reads the database itself meanwhile (`dibs.precheck`).
LISTING_VERBS = frozenset({"migrate", "status"})

_launched: tuple[Located, DbProgram] | None = None


def launch(argv: list[str]) -> None:
    """Start the database read, then load the configuration and launch its
    db program, when ``argv`` names a verb that will need them."""
    global _launched
    if not argv or argv[0] not in PROGRAM_VERBS or {"--help", "-h"} & set(argv):
        return
    if argv[0] in LISTING_VERBS:
        _read_database(argv)
    from dibs.config import load_config
    from dibs.operations import listing_options
    from dibs.spawn import DbProgram, DbProgramError

    try:
        located = load_config()
    except Exception:
        return  # the command loads it again and reports the problem properly
    try:
        # its output is held back until a command uses it: one that fails
        # first (a usage error, no URL) leaves it silent
        program = DbProgram.from_config(
            located, hold_output=True, **listing_options(argv[0] in LISTING_VERBS)
        )
    except DbProgramError:
        return
    _launched = (located, program)  # before launching: `discard` must see it
    try:
        program.launch()
    except DbProgramError:
        discard()  # the command launches it again and reports the problem


def _read_database(argv: list[str]) -> None:
    """Start the lock-free read of `migrate` and `status` (`dibs.precheck`)
    before anything else, when the command line or the environment names
    the database: the read is mostly psycopg's import, which then overlaps
    loading the configuration and the db program's start."""
    from dibs import precheck
    from dibs.cli import quick

    parsed = quick.parse(argv)
    if parsed is None:
        return  # typer reads this command line: nothing is started for it
    verb, keywords = parsed
    url = keywords.get("database") or os.environ.get("DATABASE_URL")
    if not url or url == "embedded":
        return
    # the readings of every URL the command's output is scrubbed of come along
    masked = [os.environ.get("DATABASE_URL", "")]
    masked += [arg for arg in argv if "://" in arg or "password" in arg.lower()]
    precheck.prefetch(url, for_migrate=verb == "migrate", urls=masked)


def config() -> Located | None:
    """The configuration loaded for the early launch, if there was one."""
    return _launched[0] if _launched is not None else None


def program(located: Located) -> DbProgram | None:
    """The early program when ``located`` is the configuration it was
    launched from (handed over once; the caller enters and ends it)."""
    global _launched
    if _launched is None or _launched[0] is not located:
        return None
    taken = _launched[1]
    _launched = None
    return taken


def discard() -> None:
    """End an early program no command took (``--help``, a usage error)."""
    global _launched
    if "dibs.precheck" in sys.modules:
        sys.modules["dibs.precheck"].discard()
    if _launched is not None:
        _launched[1].discard()
        _launched = None
