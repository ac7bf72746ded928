"""What a migrate run would do, computed from data alone.

Planning is separate from running so that every decision — what is pending,
what changed since it was applied, what is out of order, what ``--to`` means
and why a run is refused — is testable without PostgreSQL, and so ``status``
and ``migrate --dry-run`` give exactly the answer ``migrate`` acts on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dibs.migrations import Migration, normalize_version


@dataclass(frozen=True)
class AppliedRow:
    """One row of ``_dibs_migrations``."""

    version: str
    name: str | None = None
    checksum: str | None = None
    #: ISO 8601 text, so the row stays JSON-friendly.
    applied_at: str | None = None
    execution_time_ms: int | None = None


@dataclass
class MigrationState:
    """One migration as ``status`` reports it.

    ``state`` is ``applied``, ``pending``, ``changed`` (applied, but its
    checksum differs from the code now) or ``missing`` (applied, but no longer
    defined)."""

    version: str
    name: str
    state: str
    location: str | None = None
    transactional: bool | None = None
    checksum: str | None = None
    applied_checksum: str | None = None
    applied_at: str | None = None
    execution_time_ms: int | None = None
    #: Pending but older than the newest applied migration (a merged branch).
    out_of_order: bool = False


@dataclass
class Refusal:
    """Why a run will not start. ``reason`` is ``changed``, ``out_of_order``
    or ``unknown_target``; ``versions`` are the migrations concerned."""

    reason: str
    message: str
    versions: list[str] = field(default_factory=list)


@dataclass
class Status:
    """Defined migrations against the database's record (JSON via ``asdict``)."""

    migrations: list[MigrationState]
    applied: list[str]
    pending: list[str]
    changed: list[str]
    missing: list[str]
    out_of_order: list[str]
    #: The newest applied version, or None on a fresh database.
    current: str | None
    #: Nothing pending and nothing changed: what ``status --exit-code`` checks.
    up_to_date: bool


@dataclass
class Plan:
    """The migrations a run would apply, in order, or why it refuses."""

    status: Status
    to_run: list[Migration]
    refusals: list[Refusal]
    #: Not blocking, but worth telling (e.g. applied migrations now missing).
    warnings: list[str]

    @property
    def refused(self) -> bool:
        return bool(self.refusals)


def compute_status(defined: list[Migration], applied: list[AppliedRow]) -> Status:
    """Compare the code's migrations with the database's applied rows."""
    by_version = {row.version: row for row in applied}
    defined_versions = {m.version for m in defined}
    current = max(by_version) if by_version else None
    states: list[MigrationState] = []
    for m in sorted(defined, key=lambda m: m.version):
        row = by_version.get(m.version)
        if row is None:
            states.append(
                MigrationState(
                    version=m.version,
                    name=m.name,
                    state="pending",
                    location=m.location,
                    transactional=m.transactional,
                    checksum=m.checksum,
                    out_of_order=current is not None and m.version < current,
                )
            )
            continue
        # A row without checksum (baselined by an older tool) cannot be compared.
        edited = row.checksum is not None and row.checksum != m.checksum
        states.append(
            MigrationState(
                version=m.version,
                name=m.name,
                state="changed" if edited else "applied",
                location=m.location,
                transactional=m.transactional,
                checksum=m.checksum,
                applied_checksum=row.checksum,
                applied_at=row.applied_at,
                execution_time_ms=row.execution_time_ms,
            )
        )
    for row in applied:
        if row.version not in defined_versions:
            states.append(
                MigrationState(
                    version=row.version,
                    name=row.name or "",
                    state="missing",
                    applied_checksum=row.checksum,
                    applied_at=row.applied_at,
                    execution_time_ms=row.execution_time_ms,
                )
            )
    states.sort(key=lambda s: s.version)
    pending = [s.version for s in states if s.state == "pending"]
    changed = [s.version for s in states if s.state == "changed"]
    return Status(
        migrations=states,
        applied=[s.version for s in states if s.state in ("applied", "changed")],
        pending=pending,
        changed=changed,
        missing=[s.version for s in states if s.state == "missing"],
        out_of_order=[s.version for s in states if s.out_of_order],
        current=current,
        up_to_date=not pending and not changed,
    )


def compute_plan(
    defined: list[Migration],
    applied: list[AppliedRow],
    *,
    to: str | None = None,
    allow_changed: bool = False,
    allow_out_of_order: bool = False,
) -> Plan:
    """Which migrations to apply, in version order, up to ``to`` (inclusive),
    and the reasons to refuse. A refusal stops the whole run, not just the
    migration concerned: applying around a problem would make the database's
    history differ from every other environment's."""
    status = compute_status(defined, applied)
    by_version = {m.version: m for m in defined}
    pending = [by_version[v] for v in status.pending]
    refusals: list[Refusal] = []
    warnings: list[str] = []

    if to is not None:
        target = normalize_version(to)
        if target not in by_version and target not in status.missing:
            refusals.append(
                Refusal(
                    "unknown_target",
                    f"--to {to}: no migration has version {target}",
                    [target],
                )
            )
            pending = []
        else:
            pending = [m for m in pending if m.version <= target]

    if status.changed and not allow_changed:
        refusals.append(
            Refusal(
                "changed",
                "applied migrations were edited since they ran (checksum differs): "
                + ", ".join(_labels(status, status.changed))
                + "; restore them, or allow changed migrations explicitly",
                list(status.changed),
            )
        )
    elif status.changed:
        warnings.append(
            "allowed: applied migrations changed since they ran: "
            + ", ".join(_labels(status, status.changed))
        )

    late = [m.version for m in pending if m.version in status.out_of_order]
    if late and not allow_out_of_order:
        refusals.append(
            Refusal(
                "out_of_order",
                "pending migrations are older than the newest applied one "
                f"({status.current}): "
                + ", ".join(_labels(status, late))
                + "; apply them anyway by allowing out-of-order migrations",
                late,
            )
        )
    if status.missing:
        warnings.append(
            "applied migrations no longer defined in code: "
            + ", ".join(_labels(status, status.missing))
        )
    return Plan(
        status=status, to_run=[] if refusals else pending, refusals=refusals, warnings=warnings
    )


def _labels(status: Status, versions: list[str]) -> list[str]:
    names = {s.version: s.name for s in status.migrations}
    return [f"{v} {names.get(v, '')}".strip() for v in versions]


def baseline_rows(
    defined: list[Migration], applied: list[AppliedRow], version: str
) -> list[Migration]:
    """The defined migrations up to ``version`` (inclusive) not yet recorded:
    what ``baseline`` marks as applied. Raises ValueError for an unknown version."""
    target = normalize_version(version)
    if target not in {m.version for m in defined}:
        raise ValueError(f"baseline {version}: no migration has version {target}")
    done = {row.version for row in applied}
    return [
        m
        for m in sorted(defined, key=lambda m: m.version)
        if m.version <= target and m.version not in done
    ]
