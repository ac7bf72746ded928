"""``dibs`` with no verb: the interactive terminal UI, on Textual.

Design points, each with the failure it prevents:

- Textual is an optional extra (``styx-dibs[tui]``): servers, CI jobs and
  init containers never install it, and nothing on the CLI's start-up path
  imports it — `available` asks the import system without importing, so a
  missing extra costs ``dibs status`` nothing and bare ``dibs`` can say how
  to get the UI instead of failing with an ImportError.
- The UI owns no dibs logic: every answer comes from `dibs.operations`, the
  functions behind the CLI verbs (`session`), so the UI and the CLI cannot
  disagree about what is pending, what drifted or what a generated
  migration holds.
- Everything that talks to the db program runs in a worker thread, so the
  screen keeps answering keys while a migration runs; the program's output
  is relayed into the UI's log, never onto the terminal Textual draws on.
- The module split keeps Textual out of what can be tested without it:
  `session` (the operations, the db program's output) and `present` (text
  for people: locations, names, editor commands) import no Textual; `app`
  and its panes do.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dibs.config import Located

#: The one line bare ``dibs`` adds to its help when Textual is missing.
INSTALL_HINT = (
    "the terminal UI (`dibs` with no command) needs Textual: pip install 'styx-dibs[tui]'"
)


def available() -> bool:
    """Whether Textual can be imported (found, not imported: no start-up cost)."""
    try:
        return importlib.util.find_spec("textual") is not None
    except (ImportError, ValueError):
        return False


def run(located: Located, url: str) -> int:
    """Run the UI on ``url`` (already chosen as the CLI chooses it) until the
    user quits; the exit code."""
    from dibs.tui.app import DibsApp
    from dibs.tui.session import Session

    app = DibsApp(Session(located, url))
    app.run()
    return app.return_code or 0
