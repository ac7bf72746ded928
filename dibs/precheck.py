"""`migrate` with nothing pending, and `status`, answered from one lock-free
read of ``_dibs_migrations`` made by the CLI itself.

Design points, each for a cost or a failure it prevents:

* Almost every pod start runs ``dibs migrate`` with nothing to do. Done
  wholly in the db program, that is two interpreter start-ups one after the
  other — the CLI's, then the program's with psycopg's import (the largest
  part of either). Here the CLI reads the tracking table (psycopg imported in
  a thread, one connection, one query) while the program, in its own process,
  lists its migrations and their checksums: the two starts overlap.
* Only "nothing to run, nothing refused" is answered from that read. Each
  migration commits with its row, so a read that finds every migration
  applied is true when it is made. Anything else — work, a refusal, a
  tracking table to create or upgrade — goes to the program's ``migrate``,
  which takes the lock and reads again.
* A failure of the read means "cannot tell", never an error of its own:
  the program's own request then runs and reports the problem (an
  unreachable database, a missing table), so failures keep one shape and
  one wording. So does a program that does not know the listing request.
  A listing the program refuses is the command's failure: the program
  finds its migrations the same way for every request.
* The answer is built by the functions `runner.apply` uses (`results.up_to_date_result`,
  `plan.compute_status`) and made JSON and scrubbed as a program's response
  is (`service.as_response`): the same result, field for field.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dibs.migrations import Migration
    from dibs.plan import AppliedRow
    from dibs.results import RunOptions
    from dibs.spawn import DbProgram

#: Waits for a background read: the rows, or None when they cannot be told.
Rows = Callable[[], "list[AppliedRow] | None"]


def read_applied(database_url: str, *, for_migrate: bool) -> list[AppliedRow] | None:
    """The tracking table's rows, read without the lock; None when they
    cannot be told. ``for_migrate``: a missing table or one written by an
    older dibs is None too, since ``migrate`` then has a table to create or
    upgrade; for ``status`` they read as the runner reads them."""
    try:
        from psycopg import errors

        from dibs import runner

        with runner.connect(database_url, watch_client=False) as conn:
            try:
                return runner.read_current(conn)
            except (errors.UndefinedTable, errors.UndefinedColumn):
                return None if for_migrate else runner.read_applied(conn)
    except Exception:
        return None  # the program's request reports it, in its own words


def read_in_background(database_url: str, *, for_migrate: bool) -> Rows:
    """The rows of `read_applied`, read beside the caller: by the `Prefetch`
    started for this very read if there is one, else in a thread (its import
    of psycopg is most of it). The returned function waits for the answer."""
    global _prefetched
    taken, _prefetched = _prefetched, None
    if taken is not None:
        if taken.database_url == database_url and taken.for_migrate == for_migrate:
            return taken.rows
        taken.discard()
    answer: list[list[AppliedRow] | None] = [None]

    def read() -> None:
        answer[0] = read_applied(database_url, for_migrate=for_migrate)

    thread = threading.Thread(target=read, name="dibs-precheck", daemon=True)
    thread.start()

    def wait() -> list[AppliedRow] | None:
        thread.join()
        return answer[0]

    return wait


# --- the read in a forked process ------------------------------------------------------

_prefetched: Prefetch | None = None


def prefetch(database_url: str, *, for_migrate: bool, urls: Iterable[str] = ()) -> None:
    """Start the read of `read_in_background` now, in a `Prefetch` (where
    the platform forks), for the command that will ask for it; ``urls`` are
    the other URLs the command will mask (their readings come along)."""
    global _prefetched
    discard()
    _prefetched = Prefetch.start(database_url, for_migrate=for_migrate, urls=urls)


def discard() -> None:
    """End a prefetch no command took (a usage error, another verb)."""
    global _prefetched
    if _prefetched is not None:
        _prefetched.discard()
        _prefetched = None


class Prefetch:
    """`read_applied` in a forked copy of this process, started before the
    CLI has even loaded its configuration.

    Why a process: the read is mostly psycopg's import, and an import holds
    the interpreter's lock: in a thread it ran beside nothing, and the CLI
    loaded its configuration and launched the db program only after it.
    Forked at start, the read runs on a core of its own while the CLI does
    all that. The child also parses the URLs the CLI will mask
    (`redaction.readings`) and sends those readings first, then the rows,
    one JSON line each, through a pipe; the CLI `remember`s the readings
    and so never imports psycopg on the no-op path. The child writes
    nothing else anywhere (its standard streams are closed to /dev/null)
    and always ends with ``os._exit``: no cleanup of the parent's runs
    twice. Anything going wrong in it — or a platform without ``fork``, or
    a process already running threads, where forking is unsafe — means
    "cannot tell" (None), and the command carries on as without it.
    """

    def __init__(self, pid: int, stream: IO[bytes], database_url: str, for_migrate: bool) -> None:
        self.pid = pid
        self.database_url = database_url
        self.for_migrate = for_migrate
        self._stream = stream
        self._readings_taken = False

    @classmethod
    def start(
        cls, database_url: str, *, for_migrate: bool, urls: Iterable[str] = ()
    ) -> Prefetch | None:
        """Fork the reader; None where forking is not possible or not safe."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        wanted = list(dict.fromkeys([database_url, *urls]))
        readable, writable = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(readable)
            os.close(writable)
            return None
        if pid == 0:  # the child
            try:
                os.close(readable)
                _read_for_parent(writable, database_url, for_migrate, wanted)
            finally:
                os._exit(0)
        os.close(writable)
        prefetched = cls(pid, os.fdopen(readable, "rb"), database_url, for_migrate)
        from dibs import redaction

        redaction.expect(wanted, prefetched.take_readings)
        return prefetched

    def take_readings(self) -> None:
        """Wait for the URL readings and `remember` them (once)."""
        if self._readings_taken:
            return
        self._readings_taken = True
        from dibs import redaction

        redaction.remember_json(self._line())

    def rows(self) -> list[AppliedRow] | None:
        """Wait for the rows (None: cannot tell) and reap the child."""
        self.take_readings()
        found = self._line()
        self._finish()
        if not isinstance(found, list):
            return None
        from dibs.plan import AppliedRow

        try:
            return [AppliedRow(**row) for row in found]
        except TypeError:
            return None

    def discard(self) -> None:
        """Stop the child (it only reads) and reap it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self._finish()

    def _line(self) -> Any:
        try:
            line = self._stream.readline()
            return json.loads(line) if line else None
        except (OSError, ValueError):
            return None

    def _finish(self) -> None:
        with contextlib.suppress(OSError):
            self._stream.close()
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)


def _read_for_parent(fd: int, database_url: str, for_migrate: bool, urls: list[str]) -> None:
    """The child's work (see `Prefetch`)."""
    quiet = os.open(os.devnull, os.O_RDWR)
    for standard in (0, 1, 2):
        os.dup2(quiet, standard)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        try:
            from dibs import redaction

            readings: dict[str, Any] | None = redaction.readings(urls)
        except Exception:
            readings = None
        out.write(json.dumps(readings) + "\n")
        out.flush()
        rows = None
        if readings is not None and readings[database_url]["params"] is not None:
            rows = read_applied(database_url, for_migrate=for_migrate)
        out.write(json.dumps(None if rows is None else [asdict(row) for row in rows]) + "\n")


def listed_migrations(program: DbProgram, database_url: str) -> list[Migration] | None:
    """The program's migrations (``migrations`` request: versions, names,
    checksums, no SQL); None when a program does not know the request (an
    older dibs) or lists something else: its ``migrate`` or ``status`` then
    answers. A listing the program refuses (a misnamed migration, two with
    one version) raises: its ``migrate`` and ``status`` find the migrations
    the same way and would fail the same, and a program that failed one
    request is not asked another."""
    from dibs import redaction
    from dibs.protocol import METHOD_NOT_FOUND, READINGS, RemoteError

    # the URLs whose secrets the program masks in its answer (the one it
    # will be asked about, the one in its environment), as parsed already
    known = redaction.readings([database_url, program.env.get("DATABASE_URL", "")])
    try:
        listed = program.call("migrations", {READINGS: known})
    except RemoteError as error:
        if error.code == METHOD_NOT_FOUND:
            return None
        raise
    try:
        return [_migration(item) for item in listed]
    except (TypeError, ValueError, KeyError):
        return None


def _migration(item: dict[str, Any]) -> Migration:
    """A listed migration as the runner holds it, without its SQL."""
    from dibs.migrations import Migration

    kind = item["kind"]
    fields = {
        "version": item["version"],
        "name": item["name"],
        "source_file": item["source_file"],
        "checksum": item["checksum"],
    }
    if kind not in ("sql", "python") or not all(isinstance(v, str) for v in fields.values()):
        raise ValueError(f"not a listed migration: {item!r}")
    line, transactional = item["source_line"], item["transactional"]
    if not isinstance(line, int) or not isinstance(transactional, bool):
        raise ValueError(f"not a listed migration: {item!r}")
    return Migration(kind=kind, source_line=line, transactional=transactional, **fields)


def migrate_answer(
    program: DbProgram, database_url: str, options: RunOptions, rows: Rows
) -> dict[str, Any] | None:
    """``migrate``'s result when the database, read without the lock, has
    nothing to run and nothing refused; None when the program must run it."""
    defined = listed_migrations(program, database_url)
    applied = rows()
    if defined is None or applied is None:
        return None
    from dibs.plan import compute_plan
    from dibs.results import up_to_date_result
    from dibs.service import as_response

    plan = compute_plan(
        defined,
        applied,
        to=options.to,
        allow_changed=options.allow_changed,
        allow_out_of_order=options.allow_out_of_order,
    )
    result = up_to_date_result(database_url, plan, options)
    return None if result is None else dict(as_response(result, database_url))


def status_answer(program: DbProgram, database_url: str, rows: Rows) -> dict[str, Any] | None:
    """``status``'s result from the program's list and the lock-free read
    (status never locks); None when the program must answer it."""
    defined = listed_migrations(program, database_url)
    applied = rows()
    if defined is None or applied is None:
        return None
    from dibs.plan import compute_status
    from dibs.service import as_response

    return dict(as_response(compute_status(defined, applied), database_url))
