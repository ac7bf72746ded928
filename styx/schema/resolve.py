"""Finding the schema a document declares with ``@schema``.

A document names its schema in a root entry whose key is the tag ``@schema``
(spec rule ``schema[schema.declaration]``). That entry is a directive to
tooling, not configuration, so `document_fields` leaves it out. The forms:

``@schema ./server.styx``
    a path, relative to the document's directory (to the working directory
    when the document has none, as for standard input), or absolute;
``@schema https://example.com/server.styx``
    fetched over HTTP(S) and copied into the cache, so that a later run
    without network still finds it;
``@schema {schema {...}}``
    an inline schema in the spec's simplified form (``meta`` and ``imports``
    optional);
``@schema {id crate:myapp-config@1, cli myapp}``
    the registry form written by ``myapp init``. ``source`` is accepted in
    place of ``id``, and either key may come alone; a bare
    ``@schema crate:myapp-config@1`` means ``{id crate:myapp-config@1}``;
``@schema @`` (or ``@schema`` with nothing after it, as in the reference)
    no schema, on purpose: nothing is looked up and nothing is reported.

A schema that cannot be found, or a declaration that cannot be understood, is
a warning (codes `SCHEMA_NOT_FOUND`, `SCHEMA_DECLARATION`) and never an
exception: the document is still readable, only not validated, and an
editor must keep working while a tool is not installed yet.

Registry lookup tries, in order:

1. **Python distributions.** A package registers schemas as entry points in
   the group ``styx.schemas``::

       [project.entry-points."styx.schemas"]
       dibs = "dibs.schema:SCHEMA"                  # matched by `cli dibs`
       "crate:dibs-config@1" = "dibs.schema:SCHEMA" # matched by that `id`

   The entry point's *name* is compared with the declaration's ``id`` (first)
   and with its ``cli`` name. The object it loads is one of: a ``str``,
   which is the schema *text* (never a path); a path-like object
   (``os.PathLike``, such as ``pathlib.Path``), or an
   ``importlib.resources`` traversable, naming a UTF-8 schema file; or a
   callable taking no arguments that returns either of those. A path gives
   the schema a base directory for its relative imports. An entry point that
   fails to load is reported in the warning and skipped, so one broken
   package cannot stop validation.
2. **An executable on PATH** named by ``cli``, scanned for an embedded
   ``STYX_SCHEMA_V2`` blob (`styx.schema.embed`); it is read, never run.
   With an ``id``, the embedded schema whose ``meta.id`` equals it is taken,
   as in the reference tools; without one, the first. The schema found is
   copied into the cache.
3. **The cache** (`cache_dir`), laid out as the reference documents it::

       embedded/<cli>/<sha256 prefix>.styx   extracted from binaries
       crates/<crate>/<version>/schema.styx  crate schemas
       resolve.json                          {crate: {major: {resolved: version}}}
       urls/<sha256 of the URL>.styx         (ours) schemas fetched over HTTP

   Crate schemas are only read from the cache; fetching crates from
   crates.io is left to a later version, as in the reference.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import importlib.metadata
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path

from styx.diagnostic import Diagnostic, Severity
from styx.schema.embed import scan_file
from styx.source import Span
from styx.syntax.parser import parse_lenient
from styx.syntax.tree import (
    Document,
    Entry,
    Object,
    Scalar,
    Sequence,
    Tagged,
    Unit,
    Value,
    is_schema_declaration,
)

SCHEMA_NOT_FOUND = "styx::schema-not-found"
SCHEMA_DECLARATION = "styx::schema-declaration"

ENTRY_POINT_GROUP = "styx.schemas"

#: A schema is a few kilobytes; this only stops a misbehaving server.
MAX_DOWNLOAD_BYTES = 16 * 1024 * 1024

_CRATE_ID = re.compile(r"crate:(?P<name>[A-Za-z0-9_-]+)@(?P<requirement>\d+(?:\.\d+)*)")
_INLINE_KEYS = frozenset({"schema", "meta", "imports"})
_REGISTRY_KEYS = frozenset({"id", "source", "cli"})


class SourceKind(StrEnum):
    """Where a schema's text came from."""

    FILE = "file"
    URL = "url"
    INLINE = "inline"
    ENTRY_POINT = "entry-point"
    BINARY = "binary"
    #: A copy in the cache, used because the original was unavailable.
    CACHE = "cache"


@dataclass(frozen=True)
class SchemaSource:
    """A schema as found, before it is parsed.

    Exactly one of `text` and `inline` is set. `inline` is the whole
    ``@schema {...}`` object (with its ``schema`` and optional ``meta`` and
    ``imports``), because it is already a tree with spans in the document.
    """

    origin: str
    """What to show in messages: a path, a URL, an entry point, a binary."""
    kind: SourceKind
    text: str | None = None
    inline: Object | None = None
    base_dir: str | None = None
    """Where the schema's relative imports are resolved: a directory, or
    for a schema fetched over HTTP the URL of its directory (ending in
    ``/``), which `load_reference` accepts as ``base_dir`` alike."""
    path: str | None = None
    """A local file holding `text`, if there is one (a cached copy for
    embedded and fetched schemas), for editors' go-to-definition."""


@dataclass
class Resolution:
    """The outcome of `resolve`: a schema or not, and warnings either way."""

    source: SchemaSource | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    declaration: Entry | None = None
    #: True for ``@schema @``: the document asks not to be validated.
    disabled: bool = False


@dataclass(frozen=True)
class Located:
    """``@schema PATH-OR-URL``."""

    target: str


@dataclass(frozen=True)
class Registered:
    """``@schema {id ..., cli ...}``: found by name rather than by location."""

    id: str | None
    cli: str | None

    def describe(self) -> str:
        parts = [f"`{self.id}`"] if self.id else []
        if self.cli:
            parts.append(f"(cli `{self.cli}`)" if self.id else f"of cli `{self.cli}`")
        return " ".join(parts)


@dataclass(frozen=True)
class Inline:
    """``@schema {schema {...}}``."""

    declaration: Object


@dataclass(frozen=True)
class OptOut:
    """``@schema @``."""


Declared = Located | Registered | Inline | OptOut


@dataclass
class Lookup:
    """A search: the schema if found, and each place tried with why it failed,
    which becomes the help of a not-found warning."""

    source: SchemaSource | None = None
    looked: list[str] = field(default_factory=list)


# --- the declaration -------------------------------------------------------


def find_declaration(document: Document | Object) -> Entry | None:
    """The root entry whose key is the tag ``@schema``, if any."""
    root = document.root if isinstance(document, Document) else document
    return next((entry for entry in root.entries if is_schema_declaration(entry)), None)


def document_fields(document: Document | Object) -> list[Entry]:
    """The root entries that are configuration: all but ``@schema``."""
    root = document.root if isinstance(document, Document) else document
    return [entry for entry in root.entries if not is_schema_declaration(entry)]


def read_declaration(entry: Entry) -> tuple[Declared | None, list[Diagnostic]]:
    """What a ``@schema`` entry asks for, or None with a warning saying why
    it cannot be understood (warnings may also accompany a usable result)."""
    value = entry.value
    if isinstance(value, Unit):
        return OptOut(), []
    if isinstance(value, Scalar) and value.text:
        if value.text.startswith("crate:"):
            return Registered(value.text, None), []
        return Located(value.text), []
    if isinstance(value, Object):
        return _object_declaration(entry, value)
    return None, [
        _malformed(
            entry.span,
            "`@schema` must be a path, a URL, or an object",
            f"this is {_describe_value(value)}",
        )
    ]


def _describe_value(value: Value) -> str:
    if isinstance(value, Scalar):
        return "an empty string"
    if isinstance(value, Sequence):
        return "a sequence"
    if isinstance(value, Tagged):
        return f"the tag `@{value.name}`"
    return "not a path, a URL or an object"


def _object_declaration(entry: Entry, value: Object) -> tuple[Declared | None, list[Diagnostic]]:
    keys = {e.key.text: e for e in value.entries if isinstance(e.key, Scalar)}
    if "schema" in keys:
        return _inline_declaration(value, keys["schema"])
    return _registry_declaration(entry, value)


def _inline_declaration(value: Object, schema: Entry) -> tuple[Declared | None, list[Diagnostic]]:
    if not isinstance(schema.value, Object):
        return None, [
            _malformed(
                schema.value.span,
                "an inline schema's `schema` must be an object",
                "expected `{...}` here",
            )
        ]
    return Inline(value), _unknown_keys(value, _INLINE_KEYS, "an inline schema")


def _registry_declaration(entry: Entry, value: Object) -> tuple[Declared | None, list[Diagnostic]]:
    diagnostics = _unknown_keys(value, _REGISTRY_KEYS, "a registry declaration")
    fields: dict[str, str] = {}
    for item in value.entries:
        if not isinstance(item.key, Scalar) or item.key.text not in _REGISTRY_KEYS:
            continue
        problem = _field_problem(item.key.text, item.value)
        if problem is None and isinstance(item.value, Scalar):
            fields.setdefault(item.key.text, item.value.text)
        elif problem is not None:
            diagnostics.append(_malformed(item.value.span, problem, "expected a name"))
    identifier = fields.get("id") or fields.get("source")
    if "id" in fields and "source" in fields and fields["id"] != fields["source"]:
        diagnostics.append(
            _malformed(value.span, "`id` and `source` disagree; `id` is used", "both given here")
        )
    if identifier is None and "cli" not in fields:
        diagnostics.append(
            _malformed(
                entry.span,
                "`@schema {...}` needs a `schema` block, or an `id` or a `cli`",
                "neither found here",
            )
        )
        return None, diagnostics
    return Registered(identifier, fields.get("cli")), diagnostics


def _field_problem(key: str, value: Value) -> str | None:
    """Why a registry field's value is unusable; ``cli`` must be a bare
    command name, because it is looked up on PATH and names a cache folder."""
    if not isinstance(value, Scalar) or not value.text:
        return f"`{key}` must be a name"
    if key == "cli" and not _is_command_name(value.text):
        return "`cli` must be a command name, without directories"
    return None


def _is_command_name(name: str) -> bool:
    separators = {"/", os.sep, os.altsep or "/"}
    return name not in {".", ".."} and not any(sep in name for sep in separators)


def _unknown_keys(value: Object, known: frozenset[str], what: str) -> list[Diagnostic]:
    return [
        _malformed(
            item.key.span,
            f"unknown key in {what}; it is ignored",
            f"expected one of {', '.join(sorted(known))}",
        )
        for item in value.entries
        if not (isinstance(item.key, Scalar) and item.key.text in known)
    ]


def _malformed(span: Span, message: str, label: str) -> Diagnostic:
    return Diagnostic(
        SCHEMA_DECLARATION,
        message,
        span,
        Severity.WARNING,
        label=label,
        help="write `@schema PATH`, `@schema URL`, `@schema {schema {...}}` "
        "or `@schema {id crate:NAME@MAJOR, cli NAME}`",
    )


def _not_found(span: Span, subject: str, looked: list[str]) -> Diagnostic:
    return Diagnostic(
        SCHEMA_NOT_FOUND,
        f"schema {subject} not found",
        span,
        Severity.WARNING,
        label="declared here" if span.end > span.start else "",
        notes=("without its schema the document is only checked for syntax",),
        help="looked in:\n" + "\n".join(f"- {place}" for place in looked),
    )


# --- resolution ------------------------------------------------------------


def resolve(
    document: Document | Object,
    *,
    base_dir: str | None,
    override: str | None = None,
    fetch_timeout: float = 10.0,
) -> Resolution:
    """The schema a document declares, or the ``override`` (a path relative
    to the working directory, or a URL) that replaces the declaration, as the
    command line's ``--schema`` does. ``base_dir`` is the document's
    directory, None for standard input."""
    entry = find_declaration(document)
    if override is not None:
        return _resolve_override(override, entry, fetch_timeout)
    if entry is None:
        return Resolution(None)
    declared, diagnostics = read_declaration(entry)
    resolution = Resolution(None, diagnostics, entry, disabled=isinstance(declared, OptOut))
    if isinstance(declared, Inline):
        resolution.source = SchemaSource(
            "inline @schema", SourceKind.INLINE, inline=declared.declaration, base_dir=base_dir
        )
    elif isinstance(declared, Located | Registered):
        lookup = _lookup(declared, base_dir, fetch_timeout)
        resolution.source = lookup.source
        if lookup.source is None:
            subject = (
                f"`{declared.target}`" if isinstance(declared, Located) else declared.describe()
            )
            diagnostics.append(_not_found(entry.span, subject, lookup.looked))
    return resolution


def _lookup(declared: Located | Registered, base_dir: str | None, timeout: float) -> Lookup:
    if isinstance(declared, Located):
        return load_reference(declared.target, base_dir=base_dir, fetch_timeout=timeout)
    return lookup_registry(declared.id, declared.cli)


def _resolve_override(override: str, entry: Entry | None, timeout: float) -> Resolution:
    lookup = load_reference(override, base_dir=None, fetch_timeout=timeout)
    diagnostics = []
    if lookup.source is None:
        diagnostics.append(_not_found(Span(0, 0), f"override `{override}`", lookup.looked))
    return Resolution(lookup.source, diagnostics, entry)


# --- paths and URLs --------------------------------------------------------


def load_reference(reference: str, *, base_dir: str | None, fetch_timeout: float = 10.0) -> Lookup:
    """Load a schema named by a path or URL, as ``@schema`` and a schema's
    ``imports`` name them. A relative reference is resolved against
    ``base_dir``, which may be a directory or a directory URL (see
    `SchemaSource.base_dir`); without one, against the working directory."""
    if base_dir is not None and _is_url(base_dir) and not _is_url(reference):
        reference = urllib.parse.urljoin(base_dir, reference)
    if _is_url(reference):
        return _load_url(reference, fetch_timeout)
    if reference.startswith("file:"):
        return _load_path(urllib.request.url2pathname(urllib.parse.urlsplit(reference).path))
    return _load_path(os.path.join(base_dir or os.getcwd(), reference))


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _load_path(path: str) -> Lookup:
    path = os.path.abspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lookup(looked=[f"{path}: no such file"])
    except UnicodeDecodeError:
        return Lookup(looked=[f"{path}: not UTF-8 text"])
    except OSError as error:
        return Lookup(looked=[f"{path}: {error.strerror or error}"])
    source = SchemaSource(
        path, SourceKind.FILE, text=text, base_dir=os.path.dirname(path), path=path
    )
    return Lookup(source)


def _load_url(url: str, timeout: float) -> Lookup:
    """Fetch, refreshing the cached copy; fall back to the copy offline."""
    cached = url_cache_path(url)
    try:
        text = _fetch(url, timeout)
    except (OSError, http.client.HTTPException, UnicodeDecodeError, ValueError) as error:
        failure = f"{url}: {_fetch_failure(error)}"
    else:
        path = str(cached) if _write_cache(cached, text) else None
        source = SchemaSource(url, SourceKind.URL, text=text, base_dir=_url_dir(url), path=path)
        return Lookup(source)
    copy = _read_cache(cached)
    if copy is None:
        return Lookup(looked=[failure, f"{cached}: no cached copy"])
    source = SchemaSource(
        url, SourceKind.CACHE, text=copy, base_dir=_url_dir(url), path=str(cached)
    )
    return Lookup(source, [failure])


def _fetch(url: str, timeout: float) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "styx-dibs"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(MAX_DOWNLOAD_BYTES + 1)
    if len(body) > MAX_DOWNLOAD_BYTES:
        raise ValueError(f"larger than {MAX_DOWNLOAD_BYTES} bytes")
    return body.decode("utf-8")


def _fetch_failure(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect ({error.reason})"
    if isinstance(error, UnicodeDecodeError):
        return "the response is not UTF-8 text"
    return str(error) or type(error).__name__


def _url_dir(url: str) -> str:
    return urllib.parse.urljoin(url, ".")


# --- the registry ----------------------------------------------------------


def lookup_registry(id: str | None, cli: str | None) -> Lookup:
    """A schema known by id and/or cli name: from an installed Python
    distribution, from a binary on PATH, then from the cache."""
    lookup = Lookup()
    lookup.source = (
        _from_entry_points([name for name in (id, cli) if name], lookup)
        or (_from_binary(cli, id, lookup) if cli else None)
        or _from_cache(id, cli, lookup)
    )
    return lookup


def _from_entry_points(names: list[str], lookup: Lookup) -> SchemaSource | None:
    available = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    candidates = [point for name in names for point in available.select(name=name)]
    for entry_point in candidates:
        source = _load_entry_point(entry_point, lookup)
        if source is not None:
            return source
    if not candidates:  # a failed candidate has already said why
        wanted = " or ".join(f"`{name}`" for name in names)
        lookup.looked.append(f"Python entry points `{ENTRY_POINT_GROUP}`: none named {wanted}")
    return None


def _load_entry_point(
    entry_point: importlib.metadata.EntryPoint, lookup: Lookup
) -> SchemaSource | None:
    """The schema an entry point provides; a failure is recorded, not raised,
    because the package is someone else's code."""
    where = f"entry point `{entry_point.name}` = {entry_point.value}"
    try:
        text, path = _schema_of(entry_point.load())
    except Exception as error:  # whatever a plugin's import or call raises
        lookup.looked.append(f"{where}: {type(error).__name__}: {error}")
        return None
    if path is None:
        return SchemaSource(entry_point.value, SourceKind.ENTRY_POINT, text=text)
    return SchemaSource(
        path, SourceKind.ENTRY_POINT, text=text, base_dir=os.path.dirname(path), path=path
    )


def _schema_of(provided: object) -> tuple[str, str | None]:
    """Schema text, and its file if it came from one, from what an entry
    point provides (see the module docstring for the contract)."""
    if callable(provided) and not isinstance(provided, os.PathLike | Traversable):
        provided = provided()
    if isinstance(provided, str):
        return provided, None
    if isinstance(provided, os.PathLike):
        path = os.path.abspath(os.fsdecode(provided))
        return Path(path).read_text(encoding="utf-8"), path
    if isinstance(provided, Traversable):
        return provided.read_text(encoding="utf-8"), None
    raise TypeError(f"provides {type(provided).__name__}, not schema text, a path or a callable")


def _from_binary(cli: str, id: str | None, lookup: Lookup) -> SchemaSource | None:
    """The schema embedded in the executable ``cli`` on PATH, read as data."""
    executable = shutil.which(cli)
    if executable is None:
        lookup.looked.append(f"PATH: no executable `{cli}`")
        return None
    try:
        found = scan_file(executable)
    except OSError as error:
        lookup.looked.append(f"{executable}: {error.strerror or error}")
        return None
    text = _pick_schema(found.schemas, id)
    if text is None:
        lookup.looked.append(_binary_failure(executable, id, found.schemas, len(found.problems)))
        return None
    cached = _cache_embedded(cli, text)
    return SchemaSource(
        executable, SourceKind.BINARY, text=text, path=None if cached is None else str(cached)
    )


def _binary_failure(executable: str, id: str | None, schemas: list[str], rejected: int) -> str:
    if schemas:
        ids = ", ".join(f"`{meta_id(text)}`" for text in schemas)
        return f"{executable}: embeds no schema with meta id `{id}` (it has {ids})"
    detail = f" ({rejected} corrupt blob(s) skipped)" if rejected else ""
    return f"{executable}: no embedded schema{detail}"


def _pick_schema(schemas: list[str], id: str | None) -> str | None:
    if id is None:
        return schemas[0] if schemas else None
    return next((text for text in schemas if meta_id(text) == id), None)


def meta_id(schema_text: str) -> str | None:
    """The ``meta { id ... }`` of a schema's text, which tells apart the
    schemas one binary embeds."""
    document = parse_lenient(schema_text).document
    meta = document.get("meta") if document is not None else None
    ident = meta.get("id") if isinstance(meta, Object) else None
    return ident.text if isinstance(ident, Scalar) else None


# --- the cache -------------------------------------------------------------


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/styx/schemas`` (default ``~/.cache/styx/schemas``),
    or ``%LOCALAPPDATA%\\styx\\cache\\schemas`` on Windows, as the reference
    tools use, so that both share one cache."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "styx" / "cache" / "schemas"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "styx" / "schemas"


def url_cache_path(url: str) -> Path:
    return cache_dir() / "urls" / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()}.styx"


def embedded_cache_path(cli: str, text: str) -> Path:
    """Named by content, so that a rebuilt binary gets a fresh entry."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "embedded" / cli / f"{digest}.styx"


def _from_cache(id: str | None, cli: str | None, lookup: Lookup) -> SchemaSource | None:
    path = _cached_embedded(cli, id, lookup) if cli else None
    crate = _CRATE_ID.fullmatch(id) if id else None
    if path is None and crate is not None:
        path = _cached_crate(crate["name"], crate["requirement"], lookup)
    text = _read_cache(path) if path is not None else None
    if path is None or text is None:
        return None
    return SchemaSource(str(path), SourceKind.CACHE, text=text, path=str(path))


def _cached_embedded(cli: str, id: str | None, lookup: Lookup) -> Path | None:
    """The most recently used copy extracted from ``cli`` (with meta id ``id``)."""
    folder = cache_dir() / "embedded" / cli
    candidates = sorted(folder.glob("*.styx"), key=_mtime, reverse=True)
    for candidate in candidates:
        text = _read_cache(candidate)
        if text is not None and (id is None or meta_id(text) == id):
            return candidate
    wanted = f" with meta id `{id}`" if id else ""
    lookup.looked.append(f"{folder}: no cached schema{wanted}")
    return None


def _cached_crate(name: str, requirement: str, lookup: Lookup) -> Path | None:
    """The version ``resolve.json`` records for this requirement, else the
    highest cached version that satisfies it."""
    folder = cache_dir() / "crates" / name
    recorded = _resolved_version(name, requirement)
    versions = [recorded] if recorded else []
    versions += sorted(_cached_versions(folder, requirement), key=_version_key, reverse=True)
    for version in versions:
        path = folder / version / "schema.styx"
        if path.is_file():
            return path
    lookup.looked.append(f"{folder}: no cached version matching {requirement}")
    return None


def _resolved_version(name: str, requirement: str) -> str | None:
    try:
        table = json.loads((cache_dir() / "resolve.json").read_text(encoding="utf-8"))
        resolved = table[name][requirement]["resolved"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return resolved if isinstance(resolved, str) else None


def _cached_versions(folder: Path, requirement: str) -> list[str]:
    wanted = requirement.split(".")
    try:
        names = [child.name for child in folder.iterdir() if child.is_dir()]
    except OSError:
        return []
    return [name for name in names if name.split("+")[0].split(".")[: len(wanted)] == wanted]


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Numeric parts compare as numbers, so 1.10.0 sorts above 1.9.0."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in version.split("."))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _read_cache(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _cache_embedded(cli: str, text: str) -> Path | None:
    """Keep a copy of an extracted schema; an existing copy is touched, since
    the cache prefers the most recently used one."""
    path = embedded_cache_path(cli, text)
    if path.is_file():
        with contextlib.suppress(OSError):
            os.utime(path)
        return path
    return path if _write_cache(path, text) else None


def _write_cache(path: Path, text: str) -> bool:
    """Write atomically (a reader never sees half a file); a cache that
    cannot be written, such as a read-only home, is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


__all__ = [
    "ENTRY_POINT_GROUP",
    "SCHEMA_DECLARATION",
    "SCHEMA_NOT_FOUND",
    "Declared",
    "Inline",
    "Located",
    "Lookup",
    "OptOut",
    "Registered",
    "Resolution",
    "SchemaSource",
    "SourceKind",
    "cache_dir",
    "document_fields",
    "embedded_cache_path",
    "find_declaration",
    "load_reference",
    "lookup_registry",
    "meta_id",
    "read_declaration",
    "resolve",
    "url_cache_path",
]
