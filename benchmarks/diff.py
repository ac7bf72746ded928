"""Time `dibs diff` and `dibs check` on a database with 200 tables.

Why: issue 6 asks that ``dibs diff`` answer in <= 2 s on a 200-table
database — it is meant for pre-push hooks and CI, where a slow check gets
switched off. The figures are whole commands, as a user runs them: the CLI,
its db program, the definitions built in a rolled-back scratch schema, the
catalog read back, the diff.

Run:  .venv/bin/python benchmarks/diff.py [--database-url URL] [--tables 200]

``--database-url`` names a database on a server where we may CREATE
DATABASE (default $DIBS_BENCH_DATABASE_URL, else 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from migrate import DEFAULT_URL, fresh_database, run_cli, timed

TABLE = '''

@table("t{i:03d}", indexes=[index("owner", "created_at DESC")], unique=[("code", "owner")])
@dataclass
class T{i:03d}:
    """Table number {i}."""

    id: int = column(primary_key=True, identity="always")
    code: str = column(doc="A short code.")
    owner: int = column()
    amount: Decimal = column(default=0, check="amount >= 0")
    active: bool = column(default=False)
    tags: list[str] = column(default=sql("'{{}}'"))
    created_at: datetime = column(default=sql("now()"))
    parent_id: int | None = column({reference})
'''


def write_project(root: Path, tables: int) -> Path:
    """A project whose db package defines ``tables`` tables, each with an
    identity key, a unique pair, a check, an index and a foreign key to the
    table before it."""
    package = root / "site" / "bench_diff_db"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("import dibs\ndibs.run_service()\n")
    source = [
        "from dataclasses import dataclass",
        "from datetime import datetime",
        "from decimal import Decimal",
        "",
        "from dibs.tables import column, index, sql, table",
    ]
    for i in range(tables):
        reference = f'references="t{i - 1:03d}.id", on_delete="set null"' if i else ""
        source.append(TABLE.format(i=i, reference=reference).rstrip())
    (package / "tables.py").write_text("\n".join(source) + "\n")
    project = root / "project"
    (project / ".config").mkdir(parents=True)
    (project / ".config" / "dibs.styx").write_text("db {\n    crate bench-diff-db\n}\n")
    return project


def dibs(project: Path, *args: str) -> float:
    """Seconds for one whole ``dibs`` command (`run_cli` fails on a non-zero exit)."""
    return timed(lambda: run_cli(project, *args))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url", default=os.environ.get("DIBS_BENCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dibs-bench-diff-") as tmp:
        project = write_project(Path(tmp), args.tables)
        with fresh_database(args.database_url) as url:
            empty = min(dibs(project, "diff", "-d", url) for _ in range(args.repeat))
            generate = dibs(project, "generate-from-diff", "create", "-d", url, "--dir",
                            str(Path(tmp) / "site" / "bench_diff_db" / "migrations"))  # fmt: skip
            migrate = dibs(project, "migrate", "-d", url)
            in_sync = min(dibs(project, "diff", "-d", url) for _ in range(args.repeat))
            check = min(dibs(project, "check", "-d", url) for _ in range(args.repeat))
    print(f"{args.tables} tables, whole commands, best of {args.repeat}:")
    print(f"  dibs diff, empty database        {empty:6.3f} s")
    print(f"  dibs generate-from-diff          {generate:6.3f} s")
    print(f"  dibs migrate (that migration)    {migrate:6.3f} s")
    print(f"  dibs diff, in sync               {in_sync:6.3f} s   (target <= 2 s)")
    print(f"  dibs check, in sync              {check:6.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
