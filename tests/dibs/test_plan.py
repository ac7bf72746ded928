"""Planning decisions, from data alone: pending, changed, missing, out of
order, ``--to`` and refusals."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from dibs.migrations import Migration, sql_migration
from dibs.plan import AppliedRow, baseline_rows, compute_plan, compute_status


def mig(version: str, name: str = "x", sql: str = "SELECT 1") -> Migration:
    return sql_migration(f"m{version}_{name}", sql, f"{name}.sql")


A = mig("2026_01_01_000000", "a")
B = mig("2026_01_02_000000", "b")
C = mig("2026_01_03_000000", "c")


def row(m: Migration, checksum: str | None = None) -> AppliedRow:
    return AppliedRow(m.version, m.name, checksum or m.checksum, "2026-01-01T00:00:00+00:00", 3)


def test_fresh_database_everything_pending_in_order() -> None:
    plan = compute_plan([C, A, B], [])
    assert [m.version for m in plan.to_run] == [A.version, B.version, C.version]
    assert plan.status.pending == [A.version, B.version, C.version]
    assert plan.status.current is None and not plan.refused
    assert not plan.status.up_to_date


def test_applied_and_pending() -> None:
    plan = compute_plan([A, B, C], [row(A)])
    assert plan.status.applied == [A.version]
    assert [m.name for m in plan.to_run] == ["b", "c"]
    status = compute_status([A, B, C], [row(A), row(B), row(C)])
    assert status.up_to_date and status.pending == []


def test_changed_checksum_refused_unless_allowed() -> None:
    plan = compute_plan([A, B], [row(A, checksum="0" * 64)])
    assert plan.status.changed == [A.version]
    assert plan.refused and plan.to_run == []
    [refusal] = plan.refusals
    assert refusal.reason == "changed" and refusal.versions == [A.version]
    assert "2026_01_01_000000 a" in refusal.message
    allowed = compute_plan([A, B], [row(A, checksum="0" * 64)], allow_changed=True)
    assert not allowed.refused and [m.name for m in allowed.to_run] == ["b"]
    assert any("changed" in w for w in allowed.warnings)
    assert not compute_status([A], [row(A, checksum="0" * 64)]).up_to_date


def test_row_without_checksum_is_not_changed() -> None:
    status = compute_status([A], [AppliedRow(A.version)])
    assert status.changed == [] and status.applied == [A.version]


def test_missing_migration_is_reported_not_refused() -> None:
    gone = mig("2025_12_31_000000", "gone")
    plan = compute_plan([A], [row(gone), row(A)])
    assert plan.status.missing == [gone.version]
    assert not plan.refused and plan.to_run == []
    assert any("no longer defined" in w for w in plan.warnings)


def test_out_of_order_refused_unless_allowed() -> None:
    plan = compute_plan([A, B, C], [row(A), row(C)])
    assert plan.status.out_of_order == [B.version]
    assert plan.refused and plan.refusals[0].reason == "out_of_order"
    assert plan.refusals[0].versions == [B.version]
    allowed = compute_plan([A, B, C], [row(A), row(C)], allow_out_of_order=True)
    assert [m.name for m in allowed.to_run] == ["b"]


def test_to_version_limits_the_plan() -> None:
    plan = compute_plan([A, B, C], [], to=B.version)
    assert [m.name for m in plan.to_run] == ["a", "b"]
    assert [m.name for m in compute_plan([A, B, C], [], to="m2026_01_01_000000_a").to_run] == ["a"]
    assert compute_plan([A, B, C], [row(A), row(B)], to=A.version).to_run == []
    unknown = compute_plan([A, B, C], [], to="2030_01_01_000000")
    assert unknown.refused and unknown.refusals[0].reason == "unknown_target"


def test_status_is_json_serialisable() -> None:
    status = compute_status([A, B], [row(A), row(mig("2025_01_01_000000", "old"))])
    data = json.loads(json.dumps(asdict(status)))
    assert data["pending"] == [B.version]
    assert {m["state"] for m in data["migrations"]} == {"applied", "pending", "missing"}


def test_baseline_rows() -> None:
    assert [m.name for m in baseline_rows([A, B, C], [], B.version)] == ["a", "b"]
    assert [m.name for m in baseline_rows([A, B, C], [row(A)], B.version)] == ["b"]
    with pytest.raises(ValueError, match="no migration"):
        baseline_rows([A], [], "2030_01_01_000000")
