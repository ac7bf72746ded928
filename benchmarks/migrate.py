"""Apply 200 small migrations to a fresh database with dibs, yoyo-migrations
and alembic; rerun each with nothing pending (what an init container does at
almost every pod start); and time ``dibs status`` against 1,000 applied
migrations.

Why: issue 5 asks that dibs not be slower than the faster of the two common
Python tools, and issue 14 sets the targets printed here, as ratios measured
in the same run: 200 migrations <= 0.8x the faster peer; the no-op rerun of
``dibs migrate`` <= 0.8x yoyo's and <= 0.6x alembic's; ``dibs status`` with
1,000 applied <= 0.5 s. Every tool applies the same SQL, one migration per
transaction, each to its own fresh database on the same server, so the
figures compare the tools' own overhead (start-up, bookkeeping, round trips,
locking). The no-op reruns alternate between the tools round by round and
show medians, so a busy machine slows every tool alike.

Run:  .venv/bin/pip install -e '.[bench]'
      .venv/bin/python benchmarks/migrate.py [--database-url URL] [--count 200]

``--database-url`` names any database on a server where we may CREATE
DATABASE (default $DIBS_BENCH_DATABASE_URL, else the server at 127.0.0.1:5432).
yoyo and alembic are optional: a tool that is not installed is reported as
skipped rather than failing the whole run. dibs and styx are byte-compiled
first (``compileall``), as an installed wheel is and as pip leaves the peers:
a source checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile
dibs on every start and time the compiler.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def sql_of(i: int) -> str:
    """A small but real migration: a table and one row."""
    return (
        f"CREATE TABLE bench_{i} (id int PRIMARY KEY, v text);\n"
        f"INSERT INTO bench_{i} VALUES (1, 'x');\n"
    )


def stem_of(i: int) -> str:
    # distinct, increasing versions: one second apart from 2026-01-01 00:00:00
    hours, rest = divmod(i, 3600)
    minutes, seconds = divmod(rest, 60)
    day = 1 + hours // 24
    return f"m2026_01_{day:02d}_{hours % 24:02d}{minutes:02d}{seconds:02d}_bench_{i}"


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    name = f"dibs_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def check_applied(url: str, count: int) -> None:
    """Every tool must really have run every migration."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench\\_%'"
        ).fetchone()
    assert row is not None and row[0] == count, f"expected {count} tables, found {row}"


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# --- dibs --------------------------------------------------------------------------


def dibs_migrations(count: int) -> list[object]:
    from dibs.migrations import sql_migration

    return [sql_migration(stem_of(i), sql_of(i), f"{stem_of(i)}.sql") for i in range(count)]


def bench_dibs_api(url: str, count: int) -> float:
    from dibs.runner import RunOptions, apply

    migrations = dibs_migrations(count)

    def run() -> None:
        result = apply(url, migrations, RunOptions())  # type: ignore[arg-type]
        assert result.ok and len(result.applied) == count, result.error

    return timed(run)


def write_project(root: Path, count: int) -> Path:
    """A project with `.config/dibs.styx` and a `bench_db` crate; the project
    folder (written once, reused by repeated runs)."""
    project = root / "project"
    if project.is_dir():
        return project
    package = root / "site" / "bench_db"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("import dibs\ndibs.run_service()\n")
    for i in range(count):
        (package / "migrations" / f"{stem_of(i)}.sql").write_text(sql_of(i))
    (project / ".config").mkdir(parents=True)
    (project / ".config" / "dibs.styx").write_text("db {\n    crate bench-db\n}\n")
    return project


def run_cli(
    project: Path, *args: str, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`dibs ARGS` in ``project``; ``database_url`` goes in DATABASE_URL, as
    a pod's Secret puts it (otherwise the environment has none)."""
    env = {**os.environ, "PYTHONPATH": str(project.parent / "site"), "NO_COLOR": "1"}
    env.pop("DATABASE_URL", None)
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dibs"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def bench_dibs_cli(url: str, count: int, scratch: Path) -> float:
    project = write_project(scratch / "dibs-cli", count)
    return timed(lambda: run_cli(project, "migrate", "-d", url))


# --- yoyo ---------------------------------------------------------------------------


def yoyo_scripts(count: int, scratch: Path) -> Path:
    folder = scratch / "yoyo"
    folder.mkdir(exist_ok=True)
    for i in range(count):
        (folder / f"{stem_of(i)}.sql").write_text(sql_of(i))
    return folder


def bench_yoyo(url: str, count: int, scratch: Path) -> float:
    from yoyo import get_backend, read_migrations

    folder = yoyo_scripts(count, scratch)
    backend_url = url.replace("postgresql://", "postgresql+psycopg://", 1)

    def run() -> None:
        backend = get_backend(backend_url)
        migrations = read_migrations(str(folder))
        with backend.lock():
            backend.apply_migrations(backend.to_apply(migrations))

    return timed(run)


def bench_yoyo_cli(url: str, count: int, scratch: Path) -> float:
    """``yoyo apply`` as a process."""
    import yoyo  # noqa: F401  (skip, like the in-process run, when not installed)

    folder = yoyo_scripts(count, scratch)
    backend_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    command = [
        sys.executable, "-m", "yoyo.scripts.main", "apply", "--batch", "--no-config-file",
        "--database", backend_url, str(folder),
    ]  # fmt: skip
    return timed(lambda: subprocess.run(command, check=True, capture_output=True))


# --- alembic ------------------------------------------------------------------------

ALEMBIC_ENV = """\
from alembic import context
from sqlalchemy import create_engine

config = context.config
engine = create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
"""

ALEMBIC_REVISION = """\
from alembic import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    op.execute({sql!r})


def downgrade():
    pass
"""


def alembic_scripts(count: int, scratch: Path) -> Path:
    """An alembic script folder with ``count`` linear revisions (written once)."""
    folder = scratch / "alembic"
    if folder.is_dir():
        return folder
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text(ALEMBIC_ENV)
    (folder / "script.py.mako").write_text("")
    for i in range(count):
        (folder / "versions" / f"r{i:05d}.py").write_text(
            ALEMBIC_REVISION.format(
                revision=f"r{i:05d}", down=f"r{i - 1:05d}" if i else None, sql=sql_of(i)
            )
        )
    return folder


def bench_alembic(url: str, count: int, scratch: Path) -> float:
    from alembic import command
    from alembic.config import Config

    folder = alembic_scripts(count, scratch)
    config = Config()
    config.set_main_option("script_location", str(folder))
    config.set_main_option(
        "sqlalchemy.url", url.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    return timed(lambda: command.upgrade(config, "head"))


def bench_alembic_cli(url: str, count: int, scratch: Path) -> float:
    """``alembic upgrade head`` as a process: the fair match for the dibs CLI,
    which also pays for starting Python and importing its dependencies."""
    import alembic  # noqa: F401  (skip, like the in-process run, when not installed)

    folder = alembic_scripts(count, scratch)
    ini = scratch / "alembic.ini"
    driver_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    ini.write_text(f"[alembic]\nscript_location = {folder}\nsqlalchemy.url = {driver_url}\n")
    command = [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"]
    return timed(lambda: subprocess.run(command, check=True, capture_output=True))


# --- no-op rerun: everything applied, nothing pending -------------------------------


def _applied_once(
    stack: contextlib.ExitStack, server_url: str, apply_all: Callable[[str], object]
) -> str:
    """A fresh database (dropped when ``stack`` closes) where ``apply_all``
    has run every migration."""
    url = stack.enter_context(fresh_database(server_url))
    apply_all(url)
    return url


def noop_reruns(
    stack: contextlib.ExitStack, server_url: str, count: int, scratch: Path
) -> dict[str, Callable[[], float]]:
    """Each tool's no-op rerun, timed, against a database it migrated itself."""
    runs: dict[str, Callable[[], float]] = {}

    project = write_project(scratch / "dibs-cli", count)
    dibs_url = _applied_once(stack, server_url, lambda u: run_cli(project, "migrate", "-d", u))
    runs["dibs (runner API)"] = partial(timed, partial(_dibs_api_noop, dibs_url, project))
    runs["dibs (CLI, db program)"] = partial(timed, partial(_dibs_cli_noop, dibs_url, project))
    runs["dibs (CLI, DATABASE_URL)"] = partial(timed, partial(_dibs_pod_noop, dibs_url, project))
    try:
        import yoyo  # noqa: F401

        yoyo_url = _applied_once(stack, server_url, lambda u: bench_yoyo(u, count, scratch))
        runs["yoyo-migrations"] = partial(bench_yoyo, yoyo_url, count, scratch)
        runs["yoyo-migrations (CLI)"] = partial(bench_yoyo_cli, yoyo_url, count, scratch)
    except ImportError as error:
        print(f"{'yoyo-migrations':<24} skipped: {error} (pip install -e '.[bench]')")
    try:
        import alembic  # noqa: F401

        alembic_url = _applied_once(stack, server_url, lambda u: bench_alembic(u, count, scratch))
        runs["alembic"] = partial(bench_alembic, alembic_url, count, scratch)
        runs["alembic (CLI)"] = partial(bench_alembic_cli, alembic_url, count, scratch)
    except ImportError as error:
        print(f"{'alembic':<24} skipped: {error} (pip install -e '.[bench]')")
    return runs


def _dibs_cli_noop(url: str, project: Path) -> None:
    _up_to_date(run_cli(project, "migrate", "-d", url))


def _dibs_pod_noop(url: str, project: Path) -> None:
    """As an init container runs it: the URL from the environment."""
    _up_to_date(run_cli(project, "migrate", database_url=url))


def _dibs_api_noop(url: str, project: Path) -> None:
    """What the db program does for a no-op `migrate`: find its migrations
    (files read and hashed again each time), read the record, answer."""
    from dibs.migrations import discover
    from dibs.runner import RunOptions, apply

    site = str(project.parent / "site")
    if site not in sys.path:
        sys.path.insert(0, site)
    result = apply(url, discover("bench_db"), RunOptions())
    assert result.ok and result.up_to_date and not result.applied, result


def median_of_rounds(runs: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Median seconds per run, the tools alternating within each round (and
    the order rotating between rounds)."""
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(runs[name]())
    return {name: statistics.median(values) for name, values in times.items()}


# --- status with many applied migrations ---------------------------------------------


def bench_status(server_url: str, count: int, scratch: Path) -> tuple[float, float]:
    """(runner API, CLI) seconds for `status` with ``count`` applied migrations."""
    from dibs.runner import RunOptions, apply, status

    project = write_project(scratch / "dibs-status", count)
    migrations = dibs_migrations(count)
    with fresh_database(server_url) as url:
        result = apply(url, migrations, RunOptions())  # type: ignore[arg-type]
        assert result.ok, result.error
        api = min(timed(lambda: status(url, migrations)) for _ in range(3))  # type: ignore[arg-type]
        cli = min(
            timed(lambda: _up_to_date(run_cli(project, "status", "-d", url, "--exit-code")))
            for _ in range(3)
        )
    return api, cli


def _up_to_date(done: subprocess.CompletedProcess[str]) -> None:
    assert "up to date" in done.stdout, done.stdout[-500:]


def _verdict(ratio: float, target: float) -> str:
    return f"target <= {target}x: {'ok' if ratio <= target else 'MISSED'}"


def compile_sources() -> None:
    """Byte-compile dibs and styx where they are imported from (see the
    module docstring)."""
    import dibs
    import styx

    for package in (dibs, styx):
        assert package.__file__ is not None
        compileall.compile_dir(Path(package.__file__).parent, quiet=1)


# --- main ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DIBS_BENCH_DATABASE_URL", DEFAULT_URL),
        help="a database on a server where we may CREATE DATABASE",
    )
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--status-count", type=int, default=1000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per tool; the best is shown (noise)"
    )
    parser.add_argument(
        "--noop-rounds",
        type=int,
        default=15,
        help="alternating rounds of no-op reruns; the median is shown",
    )
    args = parser.parse_args(argv)
    server = args.database_url
    count = args.count
    compile_sources()

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="dibs-bench-") as tmp:
        scratch = Path(tmp)
        tools: list[tuple[str, Callable[[str], float]]] = [
            ("dibs (runner API)", lambda url: bench_dibs_api(url, count)),
            ("dibs (CLI, db program)", lambda url: bench_dibs_cli(url, count, scratch)),
            ("yoyo-migrations", lambda url: bench_yoyo(url, count, scratch)),
            ("yoyo-migrations (CLI)", lambda url: bench_yoyo_cli(url, count, scratch)),
            ("alembic", lambda url: bench_alembic(url, count, scratch)),
            ("alembic (CLI)", lambda url: bench_alembic_cli(url, count, scratch)),
        ]
        for name, bench in tools:
            runs = []
            try:
                for _ in range(args.repeat):
                    with fresh_database(server) as url:
                        runs.append(bench(url))
                        check_applied(url, count)
            except ImportError as error:
                print(f"{name:<24} skipped: {error} (pip install -e '.[bench]')")
                continue
            figures[name] = min(runs)
        with contextlib.ExitStack() as stack:
            noop = median_of_rounds(noop_reruns(stack, server, count, scratch), args.noop_rounds)
        api, cli = bench_status(server, args.status_count, scratch)

    print(
        f"\n{count} migrations, one transaction each, fresh database per run, "
        f"best of {args.repeat}:"
    )
    for name, seconds in figures.items():
        print(f"  {name:<24} {seconds:7.3f} s   {seconds / count * 1000:6.2f} ms/migration")
    # Like against like: an API call against API calls, a fresh process
    # against fresh processes (each pays for its interpreter and imports).
    kinds = (
        ("in-process API", "dibs (runner API)", lambda name: "CLI" not in name),
        ("command, a fresh process", "dibs (CLI, db program)", lambda name: "CLI" in name),
    )
    for kind, mine, is_kind in kinds:
        others = {k: v for k, v in figures.items() if is_kind(k) and not k.startswith("dibs")}
        if mine not in figures or not others:
            continue
        fastest_name = min(others, key=lambda k: others[k])
        ratio = figures[mine] / others[fastest_name]
        print(f"\n{kind}: {mine} / {fastest_name} = {ratio:4.2f}x ({_verdict(ratio, 0.8)})")

    print(
        f"\nno-op rerun ({count} applied, nothing pending), "
        f"median of {args.noop_rounds} alternating rounds:"
    )
    for name, seconds in noop.items():
        print(f"  {name:<24} {seconds:7.3f} s")
    # the CLI targets of issue 14; the in-process ratios are shown for reference
    for kind, mine, _ in kinds:
        for peer, target in (("yoyo-migrations", 0.8), ("alembic", 0.6)):
            theirs = peer + (" (CLI)" if kind.startswith("command") else "")
            if mine not in noop or theirs not in noop:
                continue
            ratio = noop[mine] / noop[theirs]
            verdict = _verdict(ratio, target) if kind.startswith("command") else "for reference"
            print(f"  {kind}: {mine} / {theirs} = {ratio:4.2f}x ({verdict})")

    print(f"\ndibs status with {args.status_count} applied migrations (best of 3):")
    print(f"  runner API               {api:7.3f} s")
    verdict = "ok" if cli <= 0.5 else "over the 0.5 s target"
    print(f"  CLI (`dibs status`)      {cli:7.3f} s   ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
