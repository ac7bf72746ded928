"""The terminal UI's access to dibs: the CLI's own library functions
(`dibs.operations`) on one configuration and one database. No Textual here.

Design points, each with the failure it prevents:

- Every request starts the db program afresh (one start per refresh, through
  `dibs.operations.overview`): a refresh after editing ``tables.py`` must see
  the new definitions, and a long-lived program would keep the old import.
- The program's output goes to `Relay`, never to the terminal: Textual owns
  the screen, and a stray line on stderr would tear it. Relayed lines and
  every error text are scrubbed of the database password
  (`dibs.redaction.scrub`), as the CLI's are.
- ``g`` computes the diff again (with the confirmed renames) and writes that,
  exactly as ``dibs generate-from-diff`` does, so the file matches the
  database now rather than whatever the screen showed before.
- Methods raise; the app's workers catch `FAILURES` and show `describe`'s
  text. Nothing here prints.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dibs import operations, redaction
from dibs.config import Located
from dibs.generate import GenerateError
from dibs.protocol import LogEvent, ProtocolError, RemoteError
from dibs.schema.changes import SchemaDiff
from dibs.schema.model import Schema
from dibs.spawn import DbProgram, DbProgramError

#: What a request can fail with; anything else is a bug and is not caught.
FAILURES: tuple[type[Exception], ...] = (
    DbProgramError,
    RemoteError,
    ProtocolError,
    GenerateError,
    OSError,
)

#: The longest line kept from the db program's output (a runaway line of
#: megabytes would make every redraw of the log slow).
MAX_LINE = 2000


class NothingToGenerate(GenerateError):
    """``g`` found the database already matching the definitions."""

    def __init__(self) -> None:
        super().__init__("nothing to generate: the database matches the definitions")


@dataclass(frozen=True)
class Overview:
    """One refresh: the definitions, the migrations' states and the drift.
    ``status``/``diff`` are None when the database could not answer; the
    matching ``*_error`` says why."""

    schema: Schema
    status: dict[str, Any] | None = None
    diff: SchemaDiff | None = None
    status_error: str | None = None
    diff_error: str | None = None

    @property
    def migrations(self) -> list[dict[str, Any]]:
        return list((self.status or {}).get("migrations", []))

    @property
    def pending(self) -> int:
        return len((self.status or {}).get("pending", []))

    @property
    def changed(self) -> int:
        return len((self.status or {}).get("changed", []))


class Relay(io.TextIOBase):
    """A text stream handing each complete line to ``sink``, scrubbed of
    ``url``'s password and cut at `MAX_LINE` characters; what `DbProgram`
    writes the program's output to."""

    def __init__(self, sink: Callable[[str], None], url: str) -> None:
        super().__init__()
        self._sink = sink
        self._url = url
        self._partial = ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()[: MAX_LINE * 2]
        for line in lines:
            self._sink(_cut(redaction.scrub(line, self._url)))
        return len(text)

    def flush(self) -> None:
        pass


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[:MAX_LINE] + " …"


@dataclass
class Session:
    """The configuration and database the UI works on, and the renames the
    user confirmed. ``on_output`` receives the db program's output lines
    (from its reader threads)."""

    located: Located
    url: str
    on_output: Callable[[str], None] = lambda line: None
    renames: dict[str, str] = field(default_factory=dict)
    #: Indexes of existing tables built and dropped CONCURRENTLY (as
    #: ``--concurrently``).
    concurrently: bool = False

    @property
    def shown_url(self) -> str:
        """The database as the header shows it: password redacted."""
        return redaction.redact(self.url)

    @property
    def project_root(self) -> Path:
        return self.located.project_root

    def describe(self, error: BaseException | str) -> str:
        """An error (or any text) as the UI shows it: password scrubbed."""
        if isinstance(error, RemoteError):  # said as the CLI says it
            error = operations.remote_failure(error)[0]
        return redaction.scrub(str(error) or type(error).__name__, self.url)

    def _program(self) -> DbProgram:
        return DbProgram.from_config(
            self.located, output=Relay(lambda line: self.on_output(line), self.url)
        )

    def load(self) -> Overview:
        """Start the db program and read schema, status and diff."""
        found = operations.overview(
            self.located, self.url, self.renames, self.concurrently, self._program()
        )
        scrub = self._scrub
        return Overview(
            schema=Schema.from_dict(found["schema"]),
            status=found["status"],
            diff=SchemaDiff.from_dict(found["diff"]) if found["diff"] is not None else None,
            status_error=scrub(found["status_error"]),
            diff_error=scrub(found["diff_error"]),
        )

    def _scrub(self, text: str | None) -> str | None:
        return redaction.scrub(text, self.url) if text is not None else None

    def migrate(self, on_log: Callable[[LogEvent], None]) -> dict[str, Any]:
        """Apply the pending migrations (as ``dibs migrate``); the runner's
        result, whose ``error.rendered`` is the CLI's located error."""
        from dibs.results import RunOptions

        def scrubbed(event: LogEvent) -> None:
            on_log(LogEvent(event.level, _cut(redaction.scrub(event.message, self.url))))

        return operations.migrate(self.located, self.url, RunOptions(), scrubbed, self._program())

    def generate(self, name: str) -> Path:
        """Write the migration ``dibs generate-from-diff NAME`` would write
        (with the confirmed renames); its path. Raises `NothingToGenerate`
        when there is no difference. The renames are then done with: the
        migration holds them."""
        plain = operations.diff(
            self.located, self.url, self.renames, self.concurrently, self._program()
        )
        difference = SchemaDiff.from_dict(plain)
        if difference.empty:
            raise NothingToGenerate()
        path = operations.generate_from_diff(self.located, name, difference)
        self.renames.clear()
        return path

    def toggle_rename(self, suggestion: str) -> bool:
        """Confirm (or withdraw) a suggested ``old=new`` rename; whether it
        is confirmed now."""
        old, _, new = suggestion.partition("=")
        if self.renames.get(old) == new:
            del self.renames[old]
            return False
        self.renames[old] = new
        return True
