"""The db program, launched before the CLI parses its arguments.

A verb that talks to the db program pays for two interpreter start-ups: the
CLI's (typer, rich) and the program's (psycopg). Launching the program as
soon as the configuration is known lets the two overlap. Anything unusual —
a help flag, a configuration problem, a program that cannot be launched —
means no early launch: the command then takes the ordinary path, which
reports the problem properly.
"""

from __future__ import annotations

from dibs.config import Located, load_config
from dibs.spawn import DbProgram, DbProgramError

#: The verbs that start the db program.
PROGRAM_VERBS = frozenset(
    {"migrate", "status", "baseline", "schema", "diff", "check", "generate-from-diff"}
)
#: The verbs whose first request needs no database: they read the database
#: in the CLI first (`dibs.precheck`), so the program need not import psycopg.
NO_PRELOAD_VERBS = frozenset({"migrate", "status"})

_launched: tuple[Located, DbProgram] | None = None


def launch(argv: list[str]) -> None:
    """Load the configuration and launch its db program when ``argv`` names
    a verb that will need it."""
    global _launched
    if not argv or argv[0] not in PROGRAM_VERBS or {"--help", "-h"} & set(argv):
        return
    try:
        located = load_config()
    except Exception:
        return  # the command loads it again and reports the problem properly
    try:
        # its output is held back until a command uses it: one that fails
        # first (a usage error, no URL) leaves it silent
        program = DbProgram.from_config(
            located, hold_output=True, preload=argv[0] not in NO_PRELOAD_VERBS
        )
    except DbProgramError:
        return
    _launched = (located, program)  # before launching: `discard` must see it
    try:
        program.launch()
    except DbProgramError:
        discard()  # the command launches it again and reports the problem


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
    if _launched is not None:
        _launched[1].discard()
        _launched = None
