"""Migrations: what one is, how they are named, and how a db program's are found.

A migration is either a ``.sql`` file in the package's ``migrations/`` folder
or a Python function decorated with `migration` in its ``migrations``
subpackage. Both are named ``m2026_01_24_120000_create_users``: the timestamp
is the version (applied in order, recorded in ``_dibs_migrations``), the rest
is a human name. Nothing here touches a database, so discovery mistakes
(bad names, two migrations with one version) surface before connecting,
each with the file and line to fix.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import pkgutil
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING, Literal, overload

if TYPE_CHECKING:
    from dibs.runner import MigrationContext

#: ``m2026_01_24_120000_create_users`` (the leading ``m`` makes it a valid
#: Python identifier; ``.sql`` stems may omit it).
NAME_PATTERN = re.compile(r"^m?(?P<version>\d{4}_\d{2}_\d{2}_\d{6})_(?P<name>[A-Za-z0-9_]+)$")
#: First line of a ``.sql`` file that must run outside a transaction
#: (``CREATE INDEX CONCURRENTLY``, ``ALTER TYPE ... ADD VALUE`` on old servers):
#: written as `NO_TRANSACTION_LINE`, read leniently (spacing, case).
NO_TRANSACTION_LINE = "-- dibs: no-transaction"
NO_TRANSACTION_MARKER = re.compile(r"^\s*--\s*dibs:\s*no-transaction\s*$", re.IGNORECASE)

MigrationFunction = Callable[["MigrationContext"], object]


class MigrationDefinitionError(ValueError):
    """A migration is misnamed, duplicated or unreadable; the message starts
    with ``file:line`` so editors and terminals can jump there."""

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        super().__init__(f"{location}: {message}")


@dataclass(frozen=True)
class Migration:
    """One migration, as defined in the db program's code.

    ``checksum`` is the sha256 of the SQL text or of the function's source, so
    an edit to an already-applied migration is noticed instead of silently
    diverging between databases.
    """

    version: str
    name: str
    kind: Literal["sql", "python"]
    source_file: str
    source_line: int
    checksum: str
    transactional: bool = True
    sql: str | None = None
    function: MigrationFunction | None = field(default=None, compare=False)

    @property
    def location(self) -> str:
        """``file:line``, for messages."""
        return f"{self.source_file}:{self.source_line}"

    @property
    def label(self) -> str:
        """``version name``, how progress messages name a migration."""
        return f"{self.version} {self.name}"


def parse_name(identifier: str) -> tuple[str, str] | None:
    """``(version, name)`` from ``m2026_01_24_120000_create_users``, or None."""
    found = NAME_PATTERN.match(identifier)
    if found is None:
        return None
    return found["version"], found["name"]


def normalize_version(text: str) -> str:
    """Accept a version (``2026_01_24_120000``) or a full migration name for
    ``--to`` and ``baseline``; dashes are read as underscores."""
    text = text.strip().replace("-", "_")
    parsed = parse_name(text)
    if parsed is not None:
        return parsed[0]
    return text[1:] if text.startswith("m") else text


def checksum_of(text: str) -> str:
    """sha256 hex digest; line endings are normalised so a checkout with
    CRLF conversion does not look like an edit."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def sql_migration(stem: str, sql: str, source_file: str, source_line: int = 1) -> Migration:
    """A migration from SQL text named ``stem`` (a ``.sql`` file's stem)."""
    parsed = parse_name(stem)
    if parsed is None:
        raise MigrationDefinitionError(
            f"{source_file}:{source_line}",
            f"migration name {stem!r} is not like m2026_01_24_120000_create_users",
        )
    first_line = sql.lstrip("\ufeff").split("\n", 1)[0]
    return Migration(
        version=parsed[0],
        name=parsed[1],
        kind="sql",
        source_file=source_file,
        source_line=source_line,
        checksum=checksum_of(sql),
        transactional=NO_TRANSACTION_MARKER.match(first_line) is None,
        sql=sql,
    )


def python_migration(function: MigrationFunction, *, transaction: bool = True) -> Migration:
    """A migration from a function named like ``m2026_01_24_120000_create_users``
    (or a function in a module so named, as generated files are)."""
    code = getattr(function, "__code__", None)
    source_file = code.co_filename if code is not None else "<unknown>"
    source_line = code.co_firstlineno if code is not None else 0
    module = getattr(function, "__module__", "") or ""
    parsed = parse_name(function.__name__) or parse_name(module.rpartition(".")[2])
    if parsed is None:
        raise MigrationDefinitionError(
            f"{source_file}:{source_line}",
            f"migration function {function.__name__!r} (module {module!r}) is not named "
            "like m2026_01_24_120000_create_users",
        )
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        # No source (e.g. defined in a REPL): the bytecode still identifies it.
        source = repr(code.co_code if code is not None else function)
    return Migration(
        version=parsed[0],
        name=parsed[1],
        kind="python",
        source_file=source_file,
        source_line=source_line,
        checksum=checksum_of(source),
        transactional=transaction,
        function=function,
    )


#: Every ``@migration`` function, by (module, qualified name): re-importing a
#: module replaces its entries rather than duplicating them.
_REGISTRY: dict[tuple[str, str], Migration] = {}


@overload
def migration(function: MigrationFunction, /) -> MigrationFunction: ...
@overload
def migration(*, transaction: bool = True) -> Callable[[MigrationFunction], MigrationFunction]: ...
def migration(
    function: MigrationFunction | None = None, /, *, transaction: bool = True
) -> MigrationFunction | Callable[[MigrationFunction], MigrationFunction]:
    """Register a Python migration: ``@migration`` or
    ``@migration(transaction=False)`` for statements PostgreSQL refuses to run
    in a transaction. The function receives a `MigrationContext`; it is
    returned unchanged so it stays callable and testable."""

    def register(fn: MigrationFunction) -> MigrationFunction:
        found = python_migration(fn, transaction=transaction)
        _REGISTRY[(getattr(fn, "__module__", ""), getattr(fn, "__qualname__", fn.__name__))] = found
        return fn

    if function is not None:
        return register(function)
    return register


def registered(module_prefix: str) -> list[Migration]:
    """Registered functions whose module is ``module_prefix`` or below it."""
    return [
        m
        for (module, _), m in _REGISTRY.items()
        if module == module_prefix or module.startswith(module_prefix + ".")
    ]


def _import_tree(name: str) -> ModuleType | None:
    """Import ``name`` and, if it is a package, every module below it (that is
    what runs the ``@migration`` decorators). None when it does not exist."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
    paths = getattr(module, "__path__", None)
    if paths is not None:
        for info in pkgutil.walk_packages(paths, prefix=name + "."):
            importlib.import_module(info.name)
    return module


def _sql_files(package: str) -> list[Migration]:
    """The ``.sql`` files of ``package``'s ``migrations/`` folder."""
    folder = _migrations_folder(package)
    if folder is not None:
        # one directory read, no stat per file: a pod start lists hundreds
        with os.scandir(folder) as entries:
            files = [(e.name, e.path) for e in entries if e.name.endswith(".sql") and e.is_file()]
        return [_sql_file(name, path, partial(_read_file, path)) for name, path in files]
    import importlib.resources  # a package that is not plain files (a zip)

    try:
        root = importlib.resources.files(package) / "migrations"
    except ModuleNotFoundError:
        return []
    if not root.is_dir():
        return []
    return [
        _sql_file(entry.name, str(entry), partial(entry.read_text, encoding="utf-8"))
        for entry in root.iterdir()
        if entry.name.endswith(".sql") and entry.is_file()
    ]


def _migrations_folder(package: str) -> str | None:
    """The ``migrations/`` folder of a package made of plain files; None for
    another kind of package (read through `importlib.resources`)."""
    module = importlib.import_module(package)
    spec = getattr(module, "__spec__", None)
    locations = list(getattr(spec, "submodule_search_locations", None) or [])
    if spec is None or spec.origin is None or len(locations) != 1:
        return None
    if not os.path.isfile(spec.origin):  # not loaded from a file
        return None
    folder = os.path.join(locations[0], "migrations")
    return folder if os.path.isdir(folder) else None


def _read_file(path: str) -> str:
    with open(path, encoding="utf-8") as file:  # newlines as Path.read_text reads them
        return file.read()


def _sql_file(name: str, source_file: str, read: Callable[[], str]) -> Migration:
    try:
        text = read()
    except UnicodeDecodeError as error:
        raise MigrationDefinitionError(f"{source_file}:1", f"not UTF-8: {error}") from None
    return sql_migration(name[: -len(".sql")], text, source_file)


def check_unique(migrations: list[Migration]) -> list[Migration]:
    """Sorted by version; two migrations sharing a version is an error naming both."""
    by_version: dict[str, Migration] = {}
    for m in migrations:
        other = by_version.get(m.version)
        if other is not None:
            first, second = sorted((other, m), key=lambda x: x.location)
            raise MigrationDefinitionError(
                second.location,
                f"version {m.version} is also used by {first.location} ({first.name})",
            )
        by_version[m.version] = m
    return sorted(by_version.values(), key=lambda m: m.version)


def discover(package: str) -> list[Migration]:
    """All migrations of ``package``, in version order: the ``.sql`` files in
    its ``migrations/`` folder and the ``@migration`` functions of its
    ``migrations`` module or subpackage (imported here)."""
    importlib.import_module(package)
    _import_tree(f"{package}.migrations")
    return check_unique([*_sql_files(package), *registered(f"{package}.migrations")])


@dataclass(frozen=True)
class Statement:
    """One statement of a SQL script, and where it starts in the script."""

    text: str
    offset: int
    line: int


def split_statements(sql: str) -> list[Statement]:
    """Split a script at top-level semicolons, respecting quotes, dollar
    quotes and comments. Needed where PostgreSQL must see statements one by
    one (``CREATE INDEX CONCURRENTLY`` refuses a multi-statement string) and to
    show which statement of a script failed. A ``BEGIN ATOMIC`` body is not
    understood: such functions belong in a transactional migration."""
    statements: list[Statement] = []
    start = 0
    i = 0
    n = len(sql)

    def flush(end: int) -> None:
        chunk = sql[start:end]
        lead = _code_start(chunk)
        if lead < len(chunk):
            at = start + lead
            statements.append(Statement(chunk[lead:].rstrip(), at, sql.count("\n", 0, at) + 1))

    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif c == "/" and sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c in "'\"":
            i += 1
            while i < n:
                if sql[i] == c:
                    if i + 1 < n and sql[i + 1] == c:
                        i += 2
                        continue
                    break
                i += 1
            i += 1
        elif c == "$":
            tag = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", sql[i:])
            if tag and not (i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
                end = sql.find(tag.group(0), i + len(tag.group(0)))
                i = n if end < 0 else end + len(tag.group(0))
            else:
                i += 1
        elif c == ";":
            flush(i)
            start = i + 1
            i += 1
        else:
            i += 1
    flush(n)
    return statements


def _code_start(chunk: str) -> int:
    """Index of the first character of ``chunk`` that is neither whitespace
    nor part of a comment: statements are shown from their first keyword."""
    i = 0
    while i < len(chunk):
        if chunk[i].isspace():
            i += 1
        elif chunk.startswith("--", i):
            j = chunk.find("\n", i)
            i = len(chunk) if j < 0 else j + 1
        elif chunk.startswith("/*", i):
            depth, i = 1, i + 2
            while i < len(chunk) and depth:
                if chunk.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif chunk.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        else:
            break
    return i
