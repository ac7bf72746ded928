"""Everything the `dibs` command writes: through a scrubber, in one shape.

Design points, each for a failure seen in the wild:

* **stdout and stderr are wrapped** for the whole run by a stream that
  masks every known secret (`dibs.redaction.Scrubber`) line by line. Every
  path out — a relayed line of the db program, typer's usage message that
  quotes a misplaced URL, a ``--json`` result, a traceback under
  ``DIBS_DEBUG=1`` — goes through it; a path added later cannot forget to.
  Lines are held until their newline, so a password written in two pieces
  is still one line when it is matched.
* **One failure shape**: `error` writes ``error: <what>`` and ``  hint:``
  lines on stderr; the verbs exit with `OK`, `NO` or `CANNOT`, the codes
  ``docs/cli.md`` lists.
* **Colour by one rule** (`styx.report.color.should_color`: a terminal,
  ``NO_COLOR`` honoured, ``--color`` obeyed) for every verb.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TextIO

from dibs.redaction import Scrubber
from styx.report.color import should_color, write_diagnostics
from styx.report.text import Line

#: Exit codes, the same for every verb (docs/cli.md).
OK, NO, CANNOT = 0, 1, 2
#: Set to 1 for the full (redacted) traceback of an internal error.
DEBUG_ENV = "DIBS_DEBUG"

#: The secrets of this run; `protect` adds to it as URLs become known.
_scrubber = Scrubber()


class ScrubbedStream(io.TextIOBase):
    """A text stream writing whole lines to ``target``, secrets masked."""

    def __init__(self, target: TextIO, scrubber: Scrubber) -> None:
        self.target = target
        self.scrubber = scrubber
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        end = self._pending.rfind("\n")
        if end >= 0:
            lines, self._pending = self._pending[: end + 1], self._pending[end + 1 :]
            self.target.write(self.scrubber(lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.target.write(self.scrubber(self._pending))
            self._pending = ""
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8") or "utf-8"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


@contextmanager
def scrubbed(argv: Iterable[str]) -> Iterator[Scrubber]:
    """Wrap ``sys.stdout`` and ``sys.stderr`` for the block, masking the
    secrets of the environment and of ``argv`` (more are added by `protect`)."""
    global _scrubber
    scrubber = Scrubber()
    scrubber.add_environment(os.environ)
    scrubber.add_arguments(argv)
    saved = (_scrubber, sys.stdout, sys.stderr)
    _scrubber = scrubber
    sys.stdout = ScrubbedStream(sys.stdout, scrubber)
    sys.stderr = ScrubbedStream(sys.stderr, scrubber)
    try:
        yield scrubber
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed pipe: nothing more to show
                stream.flush()
        _scrubber, sys.stdout, sys.stderr = saved


def protect(url: str) -> None:
    """Mask the secrets of ``url`` in everything written from now on."""
    _scrubber.add_url(url)


def scrub(text: str) -> str:
    """``text`` with this run's secrets masked (for text not written here)."""
    return _scrubber(text)


def error(message: str, hints: Iterable[str] = (), color: str = "auto") -> None:
    """``error: <message>`` and ``  hint: ...`` lines on stderr."""
    lines: list[Line] = [[("error", "error"), (f": {message}", "message")]]
    lines += [[("  hint", "help"), (f": {hint}", "plain")] for hint in hints]
    write(sys.stderr, lines, color)


def warning(message: str, color: str = "auto") -> None:
    """``warning: <message>`` on stderr."""
    write(sys.stderr, [[("warning", "warning"), (f": {message}", "plain")]], color)


def write(stream: TextIO, lines: list[Line], color: str) -> None:
    """Lines of ``(text, role)`` segments, coloured when ``color`` says so."""
    write_diagnostics(stream, lines, should_color(stream, color))


def internal_error(exc: BaseException) -> int:
    """An exception nobody expected: one ``error:`` line and a hint, the
    traceback only with ``DIBS_DEBUG=1`` (scrubbed like everything else)."""
    text = str(exc).strip().splitlines()
    detail = f": {scrub(text[0])}" if text else ""
    error(
        f"internal error: {type(exc).__name__}{detail}",
        [
            "this is a bug in dibs: please report it, with the output of the same"
            f" command run with {DEBUG_ENV}=1",
        ],
    )
    if os.environ.get(DEBUG_ENV) == "1":
        import traceback

        sys.stderr.write("".join(traceback.format_exception(exc)))
    return CANNOT
