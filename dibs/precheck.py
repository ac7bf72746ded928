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
* The answer is built by the runner's own functions (`runner.up_to_date_result`,
  `plan.compute_status`) and made JSON and scrubbed as a program's response
  is (`service.as_response`): the same result, field for field.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dibs.migrations import Migration
from dibs.protocol import METHOD_NOT_FOUND, RemoteError

if TYPE_CHECKING:
    from dibs.plan import AppliedRow
    from dibs.runner import RunOptions
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
    """Start `read_applied` in a thread (its import of psycopg is most of
    it); the returned function waits for and returns its answer."""
    answer: list[list[AppliedRow] | None] = [None]

    def read() -> None:
        answer[0] = read_applied(database_url, for_migrate=for_migrate)

    thread = threading.Thread(target=read, name="dibs-precheck", daemon=True)
    thread.start()

    def wait() -> list[AppliedRow] | None:
        thread.join()
        return answer[0]

    return wait


def listed_migrations(program: DbProgram) -> list[Migration] | None:
    """The program's migrations (``migrations`` request: versions, names,
    checksums, no SQL); None when a program does not know the request (an
    older dibs) or lists something else: its ``migrate`` or ``status`` then
    answers. A listing the program refuses (a misnamed migration, two with
    one version) raises: its ``migrate`` and ``status`` find the migrations
    the same way and would fail the same, and a program that failed one
    request is not asked another."""
    try:
        listed = program.call("migrations")
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
    defined = listed_migrations(program)
    applied = rows()
    if defined is None or applied is None:
        return None
    from dibs.plan import compute_plan
    from dibs.runner import up_to_date_result
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
    defined = listed_migrations(program)
    applied = rows()
    if defined is None or applied is None:
        return None
    from dibs.plan import compute_status
    from dibs.service import as_response

    return dict(as_response(compute_status(defined, applied), database_url))
