"""Migration naming, checksums and discovery: pure Python, no database."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from dibs.migrations import (
    MigrationDefinitionError,
    checksum_of,
    discover,
    normalize_version,
    parse_name,
    python_migration,
    split_statements,
    sql_migration,
)


def test_names_give_version_and_name() -> None:
    assert parse_name("m2026_01_24_120000_create_users") == ("2026_01_24_120000", "create_users")
    assert parse_name("2026_01_24_120000_create_users") == ("2026_01_24_120000", "create_users")
    assert parse_name("create_users") is None
    assert parse_name("m2026_01_24_create_users") is None
    assert normalize_version("m2026_01_24_120000_create_users") == "2026_01_24_120000"
    assert normalize_version("2026-01-24-120000") == "2026_01_24_120000"


def test_sql_migration_checksum_and_no_transaction_marker() -> None:
    plain = sql_migration("m2026_01_01_000000_a", "CREATE TABLE a (id int);\n", "a.sql")
    assert plain.transactional and plain.kind == "sql" and plain.location == "a.sql:1"
    assert plain.checksum == checksum_of("CREATE TABLE a (id int);\n")
    assert plain.checksum == checksum_of("CREATE TABLE a (id int);\r\n")
    marked = sql_migration(
        "m2026_01_01_000001_b",
        "-- dibs: no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);",
        "b",
    )
    assert not marked.transactional
    later = sql_migration("m2026_01_01_000001_b", "SELECT 1;\n-- dibs: no-transaction\n", "b")
    assert later.transactional, "the marker only counts on the first line"


def test_bad_sql_name_is_an_error_with_location() -> None:
    with pytest.raises(MigrationDefinitionError, match=r"^x/create\.sql:1: .*create"):
        sql_migration("create", "SELECT 1", "x/create.sql")


def test_python_migration_from_function() -> None:
    def m2026_02_03_040506_backfill(ctx: object) -> None:
        pass

    found = python_migration(m2026_02_03_040506_backfill, transaction=False)
    assert (found.version, found.name, found.kind) == ("2026_02_03_040506", "backfill", "python")
    assert not found.transactional
    assert found.source_file == __file__
    assert found.source_line > 1
    assert len(found.checksum) == 64

    def badly_named(ctx: object) -> None:
        pass

    with pytest.raises(MigrationDefinitionError, match=r"test_migrations\.py:\d+: .*badly_named"):
        python_migration(badly_named)


def test_split_statements_respects_quotes_comments_and_dollar_quotes() -> None:
    script = (
        "-- a comment; not a statement\n"
        "CREATE TABLE t (s text DEFAULT 'a;b');\n"
        "/* block; /* nested; */ */\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
        'SELECT "we;ird" FROM t;\n'
        "  \n"
    )
    parts = split_statements(script)
    assert len(parts) == 3
    assert parts[0].text == "CREATE TABLE t (s text DEFAULT 'a;b')"
    assert parts[0].line == 2
    assert parts[1].text.endswith("LANGUAGE sql")
    assert parts[2].text == 'SELECT "we;ird" FROM t'
    assert parts[2].line == 5
    assert script[parts[2].offset :].startswith('SELECT "we;ird"')


def write_package(root: Path, files: dict[str, str]) -> str:
    """A throwaway importable package under ``root``; returns its name."""
    name = f"dibs_fixture_{uuid.uuid4().hex[:10]}"
    for relative, text in {"__init__.py": "", **files}.items():
        path = root / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return name


PY_MIGRATIONS = """
import dibs.migrations as dm

@dm.migration
def m2026_01_02_000000_seed(ctx):
    ctx.execute("INSERT INTO users (email) VALUES ('a@b')")

@dm.migration(transaction=False)
def m2026_01_03_000000_index(ctx):
    ctx.execute("CREATE INDEX CONCURRENTLY users_email ON users (email)")
"""


def test_discover_sql_files_and_python_functions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_package(
        tmp_path,
        {
            "migrations/__init__.py": "",
            "migrations/m2026_01_01_000000_create_users.sql": "CREATE TABLE users (email text);",
            "migrations/funcs.py": PY_MIGRATIONS,
            "migrations/README.md": "not a migration",
        },
    )
    found = discover(package)
    assert [(m.version, m.name, m.kind, m.transactional) for m in found] == [
        ("2026_01_01_000000", "create_users", "sql", True),
        ("2026_01_02_000000", "seed", "python", True),
        ("2026_01_03_000000", "index", "python", False),
    ]
    assert found[0].source_file.endswith("m2026_01_01_000000_create_users.sql")
    assert (
        found[1].source_file.endswith("funcs.py") and found[1].source_line == 4
    )  # the decorator line
    assert discover(package) == found, "discovering twice registers nothing twice"


def test_discover_generated_module_per_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_package(
        tmp_path,
        {
            "migrations/__init__.py": "",
            "migrations/m2026_05_06_070809_add_bio.py": (
                "import dibs.migrations as dm\n\n@dm.migration\ndef migrate(ctx):\n    pass\n"
            ),
        },
    )
    [only] = discover(package)
    assert (only.version, only.name) == ("2026_05_06_070809", "add_bio")


def test_discover_sql_only_folder_without_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_package(tmp_path, {"migrations/2026_01_01_000000_a.sql": "SELECT 1"})
    assert [m.name for m in discover(package)] == ["a"]
    assert discover(write_package(tmp_path, {})) == []


FILES = {
    "migrations/m2026_01_01_000000_crlf.sql": b"CREATE TABLE a (id int);\r\nSELECT 1;\r\n",
    "migrations/m2026_01_02_000000_cr.sql": b"-- dibs: no-transaction\rSELECT 2;\r",
    "migrations/m2026_01_03_000000_plain.sql": "SELECT '\u00e9';\n".encode(),
    "migrations/m2026_01_04_000000_folder.sql/keep": b"a folder, not a migration",
    "migrations/notes.txt": b"not a migration",
}


def test_discover_reads_a_zipped_package_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain files are listed with one directory read; a package that is
    not plain files (in a zip) through importlib.resources: both read the
    same migrations, newlines as a text file is read."""
    import zipfile

    name = f"pkg_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "plain"
    for path, data in {"__init__.py": b"", **FILES}.items():
        (folder / name / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / name / path).write_bytes(data)
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path, data in {"__init__.py": b"", **FILES}.items():
            zipped.writestr(f"{name}/{path}", data)
    found = []
    for where in (folder, archive):
        monkeypatch.syspath_prepend(str(where))
        found.append(discover(name))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]
        monkeypatch.undo()
    plain, zipped_found = found
    assert [(m.name, m.sql, m.transactional, m.checksum) for m in plain] == [
        (m.name, m.sql, m.transactional, m.checksum) for m in zipped_found
    ]
    assert [m.name for m in plain] == ["crlf", "cr", "plain"]
    assert plain[0].sql == "CREATE TABLE a (id int);\nSELECT 1;\n"
    assert plain[1].sql == "-- dibs: no-transaction\nSELECT 2;\n" and not plain[1].transactional
    assert plain[2].sql == "SELECT '\u00e9';\n"
    assert ".zip" in zipped_found[0].source_file and ".zip" not in plain[0].source_file


def test_duplicate_versions_name_both_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_package(
        tmp_path,
        {
            "migrations/m2026_01_01_000000_a.sql": "SELECT 1",
            "migrations/m2026_01_01_000000_b.sql": "SELECT 2",
        },
    )
    with pytest.raises(MigrationDefinitionError) as caught:
        discover(package)
    message = str(caught.value)
    assert "m2026_01_01_000000_a.sql:1" in message and "m2026_01_01_000000_b.sql:1" in message
    assert "2026_01_01_000000" in message


def test_bad_file_name_in_migrations_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_package(tmp_path, {"migrations/create_users.sql": "SELECT 1"})
    with pytest.raises(MigrationDefinitionError, match=r"create_users\.sql:1: "):
        discover(package)
