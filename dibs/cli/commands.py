"""The verbs that talk to the database, without typer: `migrate` and `status`
in full, and the steps every verb shares (configuration, database URL,
requests to the db program, the one failure shape, the summaries).

Design points, each for a failure it prevents:

* One body per verb. The typer commands (`dibs.cli.app`) and the fast path
  (`dibs.cli.quick`) both call `migrate` and `status` here, so the two routes
  cannot drift apart in output, error shape or exit code.
* Nothing here imports typer, click or pydantic: the fast path exists to
  avoid their import and their argument conversion, which cost more than
  the rest of a no-op `migrate` in the CLI.
* A failure is reported (`output.error`) and ends the command with
  ``SystemExit(code)``: click lets it pass, and `dibs.cli.app.run` and
  `dibs.cli.quick.dispatch` both turn it into the exit code.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from dibs import config as config_module
from dibs.cli import early, output
from styx.report.text import Line


def config_problems() -> tuple[type[Exception], ...]:
    """What loading the configuration may raise: each is reported as a
    diagnostic or a message (styx's errors are imported only when needed)."""
    from styx import StyxSyntaxError
    from styx.schema.loader import StyxValidationError

    return (config_module.ConfigNotFound, StyxSyntaxError, StyxValidationError, OSError)


def load(color: str) -> config_module.Located:
    """The configuration, or a rendered problem and a non-zero exit."""
    located = early.config()
    if located is not None:
        return located
    try:
        return config_module.load_config()
    except config_problems() as error:
        from dibs.cli import report

        raise SystemExit(report.config_problem(error, color)) from None


def fail(
    message: str, hints: list[str] | None = None, color: str = "auto", code: int = 2
) -> NoReturn:
    """Report a failure in the one shape and exit with ``code``."""
    output.error(message, hints or [], color)
    raise SystemExit(code)


def prepare(database: str | None, color: str) -> tuple[config_module.Located, str]:
    """The configuration and the database URL, or a rendered problem and exit."""
    from dibs.operations import MissingDatabaseUrl, database_url
    from dibs.redaction import NotPostgresUrl, has_password, parse

    located = load(color)
    try:
        url = database_url(database, located)
    except MissingDatabaseUrl as error:
        fail(str(error), color=color)
    if url == "embedded":
        return located, dev_db_url(located.project_root, color)
    output.protect(url)
    try:
        parse(url)
    except NotPostgresUrl as error:
        fail(str(error), [error.hint], color)
    if database and has_password(database):
        output.warning(
            "the password given with -d is visible to other users of this machine (ps);"
            " set DATABASE_URL from a secret instead",
            color,
        )
    return located, url


def dev_db_url(project_root: Path, color: str) -> str:
    """Start (or reuse) the project's embedded dev database: only ever
    reached when the user said ``embedded``."""
    from dibs import devdb

    try:
        url = devdb.start(project_root)
    except devdb.DevDbError as error:
        fail(str(error), color=color)
    output.protect(url)
    return url


_Result = TypeVar("_Result")


def remote(action: Callable[[], _Result], color: str) -> _Result:
    """Run a request to the db program. Whatever keeps it from answering —
    a program that does not start, a database it cannot reach — is
    ``error: ...`` and exit 2: dibs could not run, or cannot tell."""
    from dibs.operations import BaselineUnsupported
    from dibs.protocol import ProtocolError, RemoteError
    from dibs.spawn import DbProgramError

    try:
        return action()
    except DbProgramError as error:
        # its output was shown as it came: not again under the message
        hints = ["the db program's output is above"] if error.output else []
        fail(error.summary, hints, color)
    except RemoteError as error:
        fail(*_remote_failure(error), color=color)
    except (ProtocolError, BaselineUnsupported) as error:
        fail(str(error), color=color)


def _remote_failure(error: Any) -> tuple[str, list[str]]:
    """What to say about a request the db program answered with an error
    (`dibs.operations.remote_failure`); with ``DIBS_DEBUG=1`` the program's
    traceback of a handler error too (masked like everything)."""
    from dibs import protocol
    from dibs.operations import remote_failure

    data = error.data if isinstance(error.data, dict) else {}
    debug = os.environ.get(output.DEBUG_ENV) == "1"
    if error.code == protocol.HANDLER_ERROR and debug and isinstance(data.get("traceback"), str):
        sys.stderr.write(data["traceback"])
    return remote_failure(error)


class Progress:
    """Streamed events of the db program. dibs' own progress ("debug":
    ``[1/5] applying ...``) only on a terminal — elsewhere the summary on
    stdout lists what was done, once; a migration's own messages (``ctx.log``),
    warnings and errors always."""

    def __init__(self, color: str) -> None:
        self.color = color
        #: Whether progress is shown (the summary need not list migrations).
        self.shown = sys.stderr.isatty()

    def __call__(self, event: Any) -> None:
        if event.level in ("warning", "error"):
            line: Line = [(event.level, event.level), (f": {event.message}", "plain")]
        elif event.level != "debug" or self.shown:
            line = [(event.message, "plain")]
        else:
            return
        output.write(sys.stderr, [line], self.color)


def migrate(
    database: str | None = None,
    *,
    dry_run: bool = False,
    to: str | None = None,
    allow_changed: bool = False,
    allow_out_of_order: bool = False,
    lock_timeout_ms: int | None = None,
    statement_timeout_ms: int | None = None,
    as_json: bool = False,
    color: str = "auto",
) -> int:
    """`dibs migrate`: print the run's result; the exit code (docs/cli.md)."""
    from dibs.operations import migrate as run_migrate
    from dibs.results import RunOptions

    located, url = prepare(database, color)
    options = RunOptions(
        dry_run=dry_run,
        to=to,
        allow_changed=allow_changed,
        allow_out_of_order=allow_out_of_order,
        lock_timeout_ms=lock_timeout_ms,
        statement_timeout_ms=statement_timeout_ms,
    )
    progress = Progress(color)
    result = remote(
        lambda: run_migrate(located, url, options, progress, early.program(located)), color
    )
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        listed = not progress.shown
        output.write(sys.stdout, render_migrate(result, name(url), listed), color)
    return run_failure(result, color)


def name(url: str) -> str:
    """The database as summaries name it (never its password)."""
    from dibs.redaction import describe

    return describe(url)


def run_failure(result: dict[str, Any], color: str) -> int:
    """Report the failure of a migrate or baseline run on stderr; its exit
    code: 1 for a migration that failed or a refusal (the answer is no),
    2 when the run could not start (database, lock)."""
    for warning in result.get("warnings", []):
        output.warning(warning, color)
    refusals = result.get("refusals", [])
    for refusal in refusals:
        output.error(
            f"refused: {refusal['message']}", _REFUSAL_HINTS.get(refusal["reason"], []), color
        )
    error = result.get("error")
    if error:
        text = (error.get("rendered") or error["message"]).rstrip()
        output.error(text, color=color)
        return output.NO if error.get("version") else output.CANNOT
    return output.NO if refusals or not result.get("ok") else output.OK


_REFUSAL_HINTS = {
    "changed": ["restore the applied migration, or pass --allow-changed if the edit is harmless"],
    "out_of_order": ["pass --allow-out-of-order to apply it anyway"],
}

_STATE_ROLES = {"applied": "help", "pending": "warning", "changed": "error", "missing": "error"}


def status(
    database: str | None = None,
    *,
    exit_code: bool = False,
    as_json: bool = False,
    color: str = "auto",
) -> int:
    """`dibs status`: print the state of every migration; the exit code."""
    from dibs.operations import status as run_status

    located, url = prepare(database, color)
    result = remote(lambda: run_status(located, url, early.program(located)), color)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        output.write(sys.stdout, render_status(result, name(url)), color)
    dirty = bool(result.get("pending") or result.get("changed"))
    return output.NO if exit_code and dirty else output.OK


def render_baseline(result: dict[str, Any], name: str = "database") -> list[Line]:
    """The data of a baseline run (failures go to stderr: `_run_failure`)."""
    applied = result.get("applied", [])
    lines: list[Line] = [
        [("baselined", "help"), (f" {m['version']} {m['name']} (not run)", "plain")]
        for m in applied
    ]
    if result.get("ok") and not applied:
        lines.append(_summary(name, "already recorded up to that version"))
    elif result.get("ok"):
        lines.append(_summary(name, f"{_count(len(applied))} recorded as applied"))
    return lines


def _count(n: int) -> str:
    return f"{n} migration{'s' if n != 1 else ''}"


def _summary(name: str, what: str, role: str = "help") -> Line:
    """The one summary line: the database, and how it stands."""
    return [(name, "message"), (": ", "plain"), (what, role)]


def render_migrate(
    result: dict[str, Any], name: str = "database", listed: bool = True
) -> list[Line]:
    """The data of a migrate run: each migration applied (unless progress
    on a terminal listed them already) and one summary naming the database.
    Failures go to stderr (`_run_failure`)."""
    lines: list[Line] = []
    dry = bool(result.get("dry_run"))
    applied = result.get("applied", [])
    if listed or dry:
        for m in applied:
            mode = "" if m.get("transactional", True) else "no transaction"
            took = ", ".join(x for x in ("" if dry else f"{m['execution_time_ms']} ms", mode) if x)
            took = f" ({took})" if took else ""
            verb = "would apply" if dry else "applied"
            lines.append(
                [
                    (verb, "warning" if dry else "help"),
                    (f" {m['version']} {m['name']}{took}", "plain"),
                ]
            )
    if result.get("up_to_date") and not applied:
        lines.append(_summary(name, "up to date"))
    elif dry:
        lines.append(
            _summary(name, f"{_count(len(applied))} would be applied (dry run)", "warning")
        )
    elif applied and result.get("ok"):
        lines.append(_summary(name, f"{_count(len(applied))} applied, up to date"))
    elif applied:
        lines.append(_summary(name, f"{_count(len(applied))} applied, then one failed", "error"))
    return lines


def render_status(result: dict[str, Any], name: str = "database") -> list[Line]:
    lines: list[Line] = [
        [
            (f"{state['state']:<12}", _STATE_ROLES.get(state["state"], "plain")),
            (f" {state['version']}  {state['name']}", "plain"),
        ]
        for state in result.get("migrations", [])
    ]
    if result.get("up_to_date"):
        lines.append(_summary(name, "up to date"))
    else:
        pending, changed = len(result.get("pending", [])), len(result.get("changed", []))
        lines.append(_summary(name, f"{pending} pending, {changed} changed", "warning"))
    return lines
