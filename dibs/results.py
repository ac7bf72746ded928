"""What a run is asked (`RunOptions`) and what it reports (`RunResult`),
and the answer for a plan that runs nothing — without psycopg.

Design points, each for a cost or a failure it prevents:

* **No driver here.** A no-op ``dibs migrate`` (almost every pod start) is
  answered by the CLI from a lock-free read made beside it (`dibs.precheck`);
  the CLI builds that answer from these types. Kept in `dibs.runner`, they
  made the CLI import psycopg (the largest part of its start-up) only to
  construct an options object.
* **One answer, one builder.** `up_to_date_result` is what `runner.apply`
  itself returns when nothing is pending (it calls the same `settle`), so
  an answer given without the lock is field for field the locked one.
* Results name the database as `redaction.redact` shows it: never its
  password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dibs import redaction
from dibs.plan import Plan, Refusal

if TYPE_CHECKING:
    from dibs import pgerror


@dataclass
class RunOptions:
    """How ``apply`` runs (JSON-friendly: the CLI sends it over the wire)."""

    dry_run: bool = False
    #: Apply pending migrations up to this version, inclusive.
    to: str | None = None
    allow_changed: bool = False
    allow_out_of_order: bool = False
    #: PostgreSQL ``lock_timeout`` for migration statements, in ms (None: server default).
    lock_timeout_ms: int | None = None
    #: PostgreSQL ``statement_timeout`` for migration statements, in ms.
    statement_timeout_ms: int | None = None
    #: How long to wait for another runner's migration lock (None: as long as it takes).
    lock_wait_ms: int | None = None
    #: How often to retry the migration lock while another runner holds it.
    lock_poll_ms: int = 200

    def __post_init__(self) -> None:
        """Options arrive as JSON from the CLI: reject nonsense early and by name."""
        for name in ("lock_timeout_ms", "statement_timeout_ms", "lock_wait_ms"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise ValueError(f"{name} must be a non-negative integer or null, not {value!r}")
        if isinstance(self.lock_poll_ms, bool) or not isinstance(self.lock_poll_ms, int):
            raise ValueError(f"lock_poll_ms must be an integer, not {self.lock_poll_ms!r}")
        if self.lock_poll_ms < 10:
            raise ValueError("lock_poll_ms must be at least 10")
        if self.to is not None and not isinstance(self.to, str):
            raise ValueError(f"to must be a version string, not {self.to!r}")


@dataclass
class AppliedMigration:
    """A migration this run applied (or, in a dry run, would apply)."""

    version: str
    name: str
    location: str
    transactional: bool
    execution_time_ms: int = 0


@dataclass
class MigrationFailure:
    """Why a run stopped. ``version`` is None when no migration was running
    (connection refused, lock wait timed out, ...)."""

    message: str
    version: str | None = None
    name: str | None = None
    #: ``file:line`` of the migration, or of the failing call in a Python migration.
    location: str | None = None
    #: What PostgreSQL said, when it was PostgreSQL that refused.
    sql: pgerror.SqlErrorInfo | None = None
    #: Non-transactional migrations may have run some statements before failing.
    partially_applied: bool = False
    #: Everything above as a human-readable block, caret included.
    rendered: str = ""


@dataclass
class RunResult:
    """Outcome of ``apply`` or ``baseline`` (JSON via ``dataclasses.asdict``)."""

    ok: bool
    database: str
    dry_run: bool = False
    applied: list[AppliedMigration] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: MigrationFailure | None = None
    #: Time spent waiting for another runner's lock.
    lock_wait_ms: int = 0
    #: True when nothing needed applying.
    up_to_date: bool = False


def new_result(database_url: str, options: RunOptions) -> RunResult:
    """A run's result before anything happened (it names the database
    without its password)."""
    return RunResult(ok=False, database=redaction.redact(database_url), dry_run=options.dry_run)


def settle(result: RunResult, plan: Plan) -> bool:
    """Record in ``result`` what ``plan`` decides without running anything:
    its warnings, its refusals, or that nothing is pending. True when the
    run ends there."""
    result.warnings = list(plan.warnings)
    if plan.refused:
        result.refusals = plan.refusals
        return True
    if not plan.to_run:
        result.up_to_date = True
        return True
    return False


def up_to_date_result(database_url: str, plan: Plan, options: RunOptions) -> RunResult | None:
    """What `apply` returns for ``plan`` when the plan runs nothing and
    refuses nothing — built by the same code, so an answer given without the
    lock (`dibs.precheck`) is the very answer `apply` would give — else None."""
    if plan.refused or plan.to_run:
        return None
    result = new_result(database_url, options)
    settle(result, plan)
    result.ok = True
    return result
