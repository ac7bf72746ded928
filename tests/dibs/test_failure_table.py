"""Every verb, every way of giving a password, every way of failing: no
password anywhere, no traceback, the documented exit code, ``error:`` first.

The table is generated: scenarios by verbs, each case with a password shape
(``# ? / @ : %`` and spaces, raw and percent-encoded) and a source (``-d``,
``DATABASE_URL``, ``.env``, ``PGPASSWORD``) taken in turn, so the whole
table covers the shapes and sources with every verb and failure. A second
table runs every shape through one failure where libpq itself speaks (an
unknown database). Projects are a config file each; the db packages,
programs and the one database are shared by the module. The CLI runs in
this process (its db program is a real child): the table stays fast, and
`test_cli.py` covers the console script itself.
"""

from __future__ import annotations

import itertools
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from dibs.cli import main as dibs_main
from tests.dibs.conftest import fresh_database

PROGRAMS = Path(__file__).parent / "programs"
VERSION = "2026_01_01_000000"
VERBS = {
    "migrate": ["migrate"],
    "status": ["status"],
    "check": ["check"],
    "diff": ["diff"],
    "baseline": ["baseline", VERSION],
    "schema": ["schema"],
}
URL_VERBS = [verb for verb in VERBS if verb != "schema"]

#: Passwords holding each character URLs reserve, and all of them at once.
PASSWORDS = [f"pa{c}ss-W0rd" for c in "#?/@:% "] + ["p#?/@:% s-W0rd"]
#: (label, password, as written in a URL)
SHAPES = [
    (f"{label}-{i}", password, written)
    for i, password in enumerate(PASSWORDS)
    for label, written in (("raw", password), ("encoded", quote(password, safe="")))
]
SOURCES = ["-d", "env", "dotenv", "pgpassword"]

GOOD_CONFIG = "@schema {id crate:dibs@1, cli dibs}\n\ndb {\n    crate t11-db\n}\n"


def _binary(name: str, timeout: str = "30s") -> str:
    return f'db {{\n    binary "{name}"\n    connect_timeout {timeout}\n}}\n'


#: Config variants by name: the text of .config/dibs.styx (None: no file;
#: bytes: written as they are).
CONFIGS: dict[str, str | bytes | None] = {
    "good": GOOD_CONFIG,
    "leaky-migration": GOOD_CONFIG.replace("t11-db", "t11-leaky-db"),
    "config-missing": None,
    "config-not-utf8": b"db {\n    crate t11\xff\xfe-db\n}\n",
    "config-syntax-error": "db {\n    crate t11-db\n",
    "config-unknown-key": "db {\n    crate t11-db\n    binray x\n}\n",
    "program-missing": _binary("bin/nothing-here"),
    "program-exiting": _binary("bin/exiting"),
    "program-hanging": _binary("bin/hanging", "1s"),
    "program-echoing-password": _binary("bin/echoing"),
    "program-garbage": _binary("bin/garbage"),
}
#: Launchers of the test programs, by file name under bin/.
LAUNCHERS = {
    "exiting": ("leaky.py", "exit"),
    "echoing": ("leaky.py", "echo"),
    "hanging": ("misbehave.py", "hang"),
    "garbage": ("misbehave.py", "garbage"),
}

MIGRATIONS = {
    "t11_db": {f"m{VERSION}_first.sql": "SELECT 1;\n"},
    "t11_leaky_db": {
        f"m{VERSION}_first.sql": "SELECT 1;\n",
        "__init__.py": textwrap.dedent(
            """
            import logging, os, sys

            from dibs import migration


            @migration
            def m2026_01_02_000000_leak(ctx):
                password = ctx.connection.info.password
                print(f"print: {password}")
                print(f"env: {os.environ.get('PGPASSWORD')} {os.environ.get('DATABASE_URL')}",
                      file=sys.stderr)
                logging.getLogger("leak").warning("logging: %s", password)
                ctx.log(f"ctx.log: {password}")
                ctx.execute("SELECT 1")
            """
        ),
    },
}


@dataclass(frozen=True)
class Case:
    scenario: str
    verb: str
    config: str
    #: database, user, port of the URL; None: the scenario gives a URL of its own
    url_kind: str
    shape: tuple[str, str, str]
    source: str
    #: the documented exit code; None: 0 if libpq reads the URL as meant, else 2
    expected: int | None

    @property
    def id(self) -> str:
        return f"{self.scenario}-{self.verb}-{self.shape[0]}-{self.source}"


#: (scenario, config, url kind, verbs, exit code)
SCENARIOS = [
    ("success", "good", "good", list(VERBS), None),
    ("unreachable-server", "good", "unreachable", URL_VERBS, 2),
    ("unknown-database", "good", "unknown-database", URL_VERBS, 2),
    ("unknown-role", "good", "unknown-role", URL_VERBS, 2),
    ("not-postgresql", "good", "mysql", URL_VERBS, 2),
    ("not-a-url", "good", "not-a-url", URL_VERBS, 2),
    *[(name, name, "good", list(VERBS), 2) for name in CONFIGS if name.startswith("config-")],
    *[(name, name, "good", list(VERBS), 2) for name in CONFIGS if name.startswith("program-")],
    ("migration-prints-password", "leaky-migration", "fresh", ["migrate"], None),
]


def _cases() -> list[Case]:
    cases = []
    turn = itertools.count()
    for scenario, config, url_kind, verbs, expected in SCENARIOS:
        for verb in verbs:
            i = next(turn)
            shape = SHAPES[i % len(SHAPES)]
            source = SOURCES[(i // len(SHAPES) + i) % len(SOURCES)]
            if verb == "schema" and source in ("-d", "pgpassword"):
                source = "env"  # schema takes no database; the secret is still around
            cases.append(Case(scenario, verb, config, url_kind, shape, source, expected))
    return cases


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The db packages (on PYTHONPATH) and the test programs (in bin/)."""
    root = tmp_path_factory.mktemp("t11")
    for package, files in MIGRATIONS.items():
        folder = root / "site" / package
        (folder / "migrations").mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        (folder / "__main__.py").write_text("import dibs.service\ndibs.service.run_service()\n")
        for name, text in files.items():
            (folder / "migrations" / name).write_text(text)
    (root / "bin").mkdir()
    for name, (script, mode) in LAUNCHERS.items():
        launcher = root / "bin" / name
        launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{PROGRAMS / script}" {mode}\n')
        launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    return root


@pytest.fixture(scope="module")
def shared_database(pg_server_url: str) -> Iterator[str]:
    """One database for every case that succeeds (migrate applies the one
    migration once; everything after finds it up to date)."""
    with fresh_database(pg_server_url) as url:
        yield url


def _url(server: str, database: str, user: str, written: str | None, port: int | None) -> str:
    parts = urlsplit(server)
    if not parts.hostname:
        pytest.skip("the table needs a TCP server URL (set DIBS_TEST_DATABASE_URL)")
    auth = f"{user}:{written}" if written is not None else user
    return f"postgresql://{auth}@{parts.hostname}:{port or parts.port or 5432}/{database}"


def _target(case: Case, server: str, shared: str) -> tuple[str, str, int | None]:
    """database, user and port of a case's URL."""
    shared_name = urlsplit(shared).path.lstrip("/")
    user = urlsplit(server).username or "postgres"
    return {
        "good": (shared_name, user, None),
        "unreachable": (shared_name, user, 1),
        "unknown-database": ("t11_no_such_database", user, None),
        "unknown-role": (shared_name, "t11_no_such_role", None),
    }.get(case.url_kind, (shared_name, user, None))


def _expected_by_libpq(url: str, meant: str) -> int:
    """0 when libpq reads ``url`` as the database, user, host and port
    ``meant`` says (a raw ``@`` in a password makes the rest of it a host),
    else 2."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    keys = ("dbname", "user", "host", "port")
    try:
        read = conninfo_to_dict(url)
    except ProgrammingError:
        return 2
    wanted = conninfo_to_dict(meant)
    return 0 if all(read.get(k) == wanted.get(k) for k in keys) else 2


def run_case(
    case: Case,
    site: Path,
    project: Path,
    server: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One run of the CLI (in this process, for speed: its db program is
    the real one, started as a child) and the four assertions."""
    _label, password, written = case.shape
    database, user, port = _target(case, server, database_url)
    if case.url_kind == "fresh":
        database = urlsplit(database_url).path.lstrip("/")
    in_url = None if case.source == "pgpassword" else written
    url = _url(server, database, user, in_url, port)
    if case.url_kind == "mysql":
        url = f"mysql://{user}:{written}@127.0.0.1/{database}"
    elif case.url_kind == "not-a-url":
        url = f"{user}:{written}@127.0.0.1/{database}"
    expected = case.expected
    if expected is None:
        expected = _expected_by_libpq(url, _url(server, database, user, None, port))

    config = CONFIGS[case.config]
    project.mkdir(parents=True)
    if config is not None:
        (project / ".config").mkdir(parents=True)
        target = project / ".config" / "dibs.styx"
        if isinstance(config, bytes):
            target.write_bytes(config)
        else:
            target.write_text(config)
    (project / "bin").symlink_to(site / "bin")
    for name in ("DATABASE_URL", "PGPASSWORD", "DIBS_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONPATH", str(site / "site"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(project)
    args = list(VERBS[case.verb])
    if case.source in ("-d", "pgpassword") and case.verb != "schema":
        args += ["-d", url]
    if case.source == "pgpassword":
        monkeypatch.setenv("PGPASSWORD", password)
    elif case.source == "env":
        monkeypatch.setenv("DATABASE_URL", url)
    elif case.source == "dotenv":
        (project / ".env").write_text(f"DATABASE_URL={url}\n")
    capsys.readouterr()
    code = dibs_main(args)
    out, err = capsys.readouterr()
    done = subprocess.CompletedProcess(args, code, out, err)
    seen = done.stdout + done.stderr
    shown = f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    for secret in {password, quote(password, safe=""), written}:
        assert secret not in seen, shown
    assert "Traceback" not in seen, shown
    assert done.returncode == expected, shown
    if expected != 0:
        own = [
            line
            for line in done.stderr.splitlines()
            if line and not line.startswith(("[", "warning:"))
        ]
        assert own and own[0].startswith("error: "), shown
        for line in own:
            assert "[handler_error]" not in line and "OperationalError" not in line, shown


Run = Callable[[Case, str], None]


@pytest.fixture
def run(
    site: Path,
    tmp_path: Path,
    pg_server_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """``run(case, database_url)``: one case, in a project of its own."""
    return lambda case, database: run_case(
        case, site, tmp_path / "project", pg_server_url, database, monkeypatch, capsys
    )


@pytest.mark.parametrize(
    "case", [c for c in _cases() if c.url_kind != "fresh"], ids=lambda case: case.id
)
def test_verb_by_failure(case: Case, run: Run, shared_database: str) -> None:
    run(case, shared_database)


@pytest.mark.parametrize("source", SOURCES)
def test_a_migration_printing_the_password(source: str, run: Run, database_url: str) -> None:
    """Its print(), logging and ctx.log all name the password; each source
    of it, and the shape turned with the source."""
    shape = SHAPES[SOURCES.index(source) * 5 % len(SHAPES)]
    run(Case("leak", "migrate", "leaky-migration", "fresh", shape, source, None), database_url)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape[0])
def test_every_shape_where_libpq_speaks(
    shape: tuple[str, str, str], run: Run, shared_database: str
) -> None:
    """An unknown database: libpq's own message, for every shape (the
    sources taken in turn)."""
    source = SOURCES[SHAPES.index(shape) % len(SOURCES)]
    run(
        Case("unknown-database", "status", "good", "unknown-database", shape, source, 2),
        shared_database,
    )
