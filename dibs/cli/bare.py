"""``dibs`` with no verb: the terminal UI (`dibs.tui`) when Textual is
installed and there is a terminal to draw on; otherwise the help, and one
line saying how to get the UI.

Only ``-d``/``--database-url`` may come with it (the UI's database, chosen
as the verbs choose theirs). Nothing here imports Textual: `dibs.tui.available`
only looks for it, so every other command starts as fast as before.
"""

from __future__ import annotations

import sys

_DATABASE_FLAGS = ("-d", "--database-url")


def database_option(args: list[str]) -> tuple[bool, str | None]:
    """Whether ``args`` asks for the UI (nothing, or only a database
    option), and the database it names."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] in _DATABASE_FLAGS:
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--database-url="):
        return True, args[0].partition("=")[2]
    return False, None


def run(database: str | None) -> int:
    """Open the UI on ``database`` (None: as the verbs find it), or print
    the help and why there is no UI; the exit code."""
    from dibs import tui
    from dibs.cli.app import open_ui
    from dibs.cli.app import run as run_cli

    if not tui.available():
        reason = tui.INSTALL_HINT
    elif not (sys.stdin.isatty() and sys.stdout.isatty()):
        reason = "the terminal UI (`dibs` with no command) needs a terminal"
    else:
        return open_ui(database)
    run_cli(["--help"])
    sys.stderr.write(f"{reason}\n")
    return 2
