"""Resolving ``@schema``: paths, URLs, inline schemas, the registry, the cache.

Every mechanism is exercised for real: a distribution installed with pip
registers entry points, executables with embedded blobs sit on PATH, a
loopback HTTP server serves schemas, and the cache lives in a temporary
``XDG_CACHE_HOME``. Network access never leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import styx
from styx.diagnostic import Diagnostic, Severity
from styx.schema.embed import encode_blob
from styx.schema.resolve import (
    SCHEMA_DECLARATION,
    SCHEMA_NOT_FOUND,
    Resolution,
    SourceKind,
    cache_dir,
    document_fields,
    embedded_cache_path,
    find_declaration,
    load_reference,
    resolve,
    url_cache_path,
)
from styx.source import Span
from styx.syntax.tree import Object, Scalar

DATA = Path(__file__).parent / "data" / "resolve"
SERVER_SCHEMA = (DATA / "schemas" / "server.styx").read_text(encoding="utf-8")
DEMO = "meta {id crate:demo@1}\nschema {@ @object{name @string}}\n"
OTHER = "meta {id crate:other@2}\nschema {@ @string}\n"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache, an empty PATH, and no proxy between us and 127.0.0.1."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    return bin_dir


def resolved(text: str, base_dir: str | None = None, **options: object) -> Resolution:
    return resolve(styx.parse(text), base_dir=base_dir, **options)  # type: ignore[arg-type]


def entry_span(text: str) -> Span:
    entry = find_declaration(styx.parse(text))
    assert entry is not None
    return entry.span


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    assert [d.code for d in diagnostics] == [code], diagnostics
    assert diagnostics[0].severity is Severity.WARNING
    return diagnostics[0]


def install_tool(bin_dir: Path, name: str, *schemas: str, blob: bytes = b"") -> Path:
    """An executable that embeds schemas among random bytes; if it were ever
    run, it would leave a marker file next to itself."""
    tool = bin_dir / name
    body = b"".join(encode_blob(text) + os.urandom(64) for text in schemas) + blob
    tool.write_bytes(f"#!/bin/sh\ntouch {tool}.ran\n".encode() + os.urandom(512) + body)
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return tool


# --- the declaration -------------------------------------------------------


def test_declaration_and_document_fields() -> None:
    document = styx.parse("host a\n@schema ./s.styx\nport 1\n")
    entry = find_declaration(document)
    assert entry is not None and isinstance(entry.value, Scalar)
    assert entry.value.text == "./s.styx"
    assert [e.key.text for e in document_fields(document)] == ["host", "port"]  # type: ignore[attr-defined]
    assert find_declaration(document.root) is entry


def test_nested_or_untagged_schema_keys_are_fields() -> None:
    document = styx.parse("schema x\nserver {@schema y}\n")
    assert find_declaration(document) is None
    assert len(document_fields(document)) == 2


def test_no_declaration_resolves_to_nothing_quietly() -> None:
    result = resolved("host localhost\n")
    assert (result.source, result.diagnostics, result.declaration) == (None, [], None)


def test_unit_opts_out() -> None:
    result = resolved("@schema @\nhost a\n")
    assert result.disabled and result.source is None and result.diagnostics == []


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("@schema (a.styx b.styx)\n", "this is a sequence"),
        ("@schema @file\n", "this is the tag `@file`"),
        ('@schema ""\n', "this is an empty string"),
    ],
)
def test_malformed_declaration_warns_at_its_span(text: str, label: str) -> None:
    result = resolved(text)
    warning = only(result.diagnostics, SCHEMA_DECLARATION)
    assert warning.span == entry_span(text)
    assert warning.label == label
    assert result.source is None


def test_object_without_schema_id_or_cli() -> None:
    text = "x 1\n@schema {version 1}\n"
    diagnostics = resolved(text).diagnostics
    assert [d.code for d in diagnostics] == [SCHEMA_DECLARATION, SCHEMA_DECLARATION]
    unknown, empty = diagnostics
    assert unknown.span == Span(text.index("version"), text.index("version") + 7)
    assert empty.span == entry_span(text)


def test_cli_must_be_a_bare_command_name() -> None:
    text = "@schema {cli ../../bin/tool}\n"
    [bad, empty] = resolved(text).diagnostics
    assert bad.code == SCHEMA_DECLARATION
    assert bad.span == Span(text.index("../"), text.index("}"))
    assert empty.code == SCHEMA_DECLARATION


def test_id_wins_over_a_disagreeing_source() -> None:
    result = resolved("@schema {id crate:a@1, source crate:b@1}\n")
    disagree, missing = result.diagnostics
    assert disagree.code == SCHEMA_DECLARATION and "`id` is used" in disagree.message
    assert missing.code == SCHEMA_NOT_FOUND and "crate:a@1" in missing.message


# --- paths -----------------------------------------------------------------


def test_relative_path_from_the_document_directory() -> None:
    document = styx.parse_file(DATA / "relative.styx")
    result = resolve(document, base_dir=str(DATA))
    assert result.diagnostics == []
    source = result.source
    assert source is not None and source.kind is SourceKind.FILE
    assert source.text == SERVER_SCHEMA
    assert source.origin == source.path == str(DATA / "schemas" / "server.styx")
    assert source.base_dir == str(DATA / "schemas")


def test_relative_path_without_a_directory_is_from_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA)
    source = resolved("@schema schemas/server.styx\n").source
    assert source is not None and source.text == SERVER_SCHEMA


def test_absolute_path_and_file_url(tmp_path: Path) -> None:
    schema = tmp_path / "my schema.styx"
    schema.write_text(SERVER_SCHEMA, encoding="utf-8")
    for declared in (f'"{schema}"', f'"{schema.as_uri()}"'):
        result = resolved(f"@schema {declared}\n", base_dir="/somewhere/else")
        assert result.diagnostics == []
        assert result.source is not None and result.source.path == str(schema)


def test_missing_file_warns_at_the_entry_with_where_it_looked() -> None:
    text = (DATA / "missing.styx").read_text(encoding="utf-8")
    result = resolve(styx.parse(text), base_dir=str(DATA))
    warning = only(result.diagnostics, SCHEMA_NOT_FOUND)
    start = text.index("@schema")
    assert warning.span == Span(start, text.index("\n", start))
    assert warning.message == "schema `schemas/nowhere.styx` not found"
    assert warning.label == "declared here"
    assert f"{DATA / 'schemas' / 'nowhere.styx'}: no such file" in (warning.help or "")
    assert result.source is None and result.declaration is not None


def test_unreadable_schema_files_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "binary.styx").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "folder.styx").mkdir()
    for name, reason in (("binary.styx", "not UTF-8 text"), ("folder.styx", "directory")):
        warning = only(resolved(f"@schema {name}\n", str(tmp_path)).diagnostics, SCHEMA_NOT_FOUND)
        assert reason in (warning.help or "")


# --- inline ----------------------------------------------------------------


def test_inline_schema_is_the_declaration_object() -> None:
    text = "@schema {\n  meta {id inline}\n  schema {@ @object{host @string}}\n}\nhost a\n"
    result = resolved(text, base_dir="/docs")
    assert result.diagnostics == []
    source = result.source
    assert source is not None and source.kind is SourceKind.INLINE and source.text is None
    assert isinstance(source.inline, Object)
    assert isinstance(source.inline.get("schema"), Object)
    assert source.base_dir == "/docs"


def test_inline_schema_problems() -> None:
    text = "@schema {schema {@ @string}, extra 1}\n"
    result = resolved(text)
    warning = only(result.diagnostics, SCHEMA_DECLARATION)
    assert warning.span == Span(text.index("extra"), text.index("extra") + 5)
    assert result.source is not None  # the unknown key is ignored
    text = "@schema {schema string}\n"
    result = resolved(text)
    warning = only(result.diagnostics, SCHEMA_DECLARATION)
    assert warning.span == Span(text.index("string"), text.index("string") + 6)
    assert result.source is None


# --- URLs ------------------------------------------------------------------


@dataclass
class Server:
    """A loopback HTTP server whose routes the test sets."""

    routes: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    delay: float = 0.0
    url: str = ""
    httpd: ThreadingHTTPServer | None = None

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(state.delay)
            status, body = state.routes.get(self.path, (404, b"not here"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.httpd = httpd
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield state
    state.stop()


def test_url_is_fetched_cached_and_used_offline(server: Server) -> None:
    url = f"{server.url}/schemas/server.styx"
    server.routes["/schemas/server.styx"] = (200, SERVER_SCHEMA.encode())
    text = f"@schema {url}\nhost a\n"
    online = resolved(text)
    assert online.diagnostics == []
    assert online.source is not None and online.source.kind is SourceKind.URL
    assert (online.source.origin, online.source.text) == (url, SERVER_SCHEMA)
    assert online.source.base_dir == f"{server.url}/schemas/"
    assert online.source.path == str(url_cache_path(url))
    assert url_cache_path(url).read_text(encoding="utf-8") == SERVER_SCHEMA
    assert url_cache_path(url).parent == cache_dir() / "urls"

    server.stop()
    offline = resolved(text)
    assert offline.diagnostics == []
    assert offline.source is not None and offline.source.kind is SourceKind.CACHE
    assert (offline.source.origin, offline.source.text) == (url, SERVER_SCHEMA)
    assert offline.source.path == str(url_cache_path(url))


def test_a_new_fetch_refreshes_the_cache(server: Server) -> None:
    url = f"{server.url}/s.styx"
    server.routes["/s.styx"] = (200, b"first")
    resolved(f"@schema {url}\n")
    server.routes["/s.styx"] = (200, b"second")
    resolved(f"@schema {url}\n")
    assert url_cache_path(url).read_text(encoding="utf-8") == "second"
    del server.routes["/s.styx"]  # now a 404: the cached copy still serves
    source = resolved(f"@schema {url}\n").source
    assert source is not None and (source.kind, source.text) == (SourceKind.CACHE, "second")


def test_url_failures_without_a_cache_are_warnings(server: Server) -> None:
    server.routes["/latin1.styx"] = (200, "caf\u00e9".encode("latin-1"))
    for path, reason in (("/gone.styx", "HTTP 404"), ("/latin1.styx", "not UTF-8")):
        text = f"x 1\n@schema {server.url}{path}\n"
        warning = only(resolved(text).diagnostics, SCHEMA_NOT_FOUND)
        assert warning.span == entry_span(text)
        assert reason in (warning.help or "")
        assert "no cached copy" in (warning.help or "")


def test_fetch_timeout_is_honoured(server: Server) -> None:
    server.delay = 2.0
    server.routes["/slow.styx"] = (200, b"late")
    started = time.monotonic()
    result = resolved(f"@schema {server.url}/slow.styx\n", fetch_timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert "timed out" in (only(result.diagnostics, SCHEMA_NOT_FOUND).help or "")


def test_relative_reference_from_a_url_base(server: Server) -> None:
    """What a fetched schema's relative imports need."""
    server.routes["/schemas/common.styx"] = (200, b"common")
    lookup = load_reference("common.styx", base_dir=f"{server.url}/schemas/")
    assert lookup.source is not None
    assert lookup.source.origin == f"{server.url}/schemas/common.styx"


# --- override --------------------------------------------------------------


def test_override_replaces_the_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    for text in ("@schema nowhere.styx\n", "@schema (malformed)\n", "host a\n"):
        result = resolved(text, base_dir="/elsewhere", override="schemas/server.styx")
        assert result.diagnostics == []
        assert result.source is not None and result.source.text == SERVER_SCHEMA


def test_override_url(server: Server) -> None:
    server.routes["/o.styx"] = (200, b"override")
    source = resolved("host a\n", override=f"{server.url}/o.styx").source
    assert source is not None and source.text == "override"


def test_missing_override_warns_at_the_document_start(tmp_path: Path) -> None:
    result = resolved("host a\n@schema x.styx\n", override=str(tmp_path / "none.styx"))
    warning = only(result.diagnostics, SCHEMA_NOT_FOUND)
    assert warning.span == Span(0, 0)
    assert "override" in warning.message
    assert str(tmp_path / "none.styx") in (warning.help or "")


# --- binaries on PATH and the cache ---------------------------------------


def test_schema_embedded_in_an_executable_on_path(isolated: Path) -> None:
    tool = install_tool(isolated, "mytool", DEMO)
    result = resolved("@schema {cli mytool}\n")
    assert result.diagnostics == []
    source = result.source
    assert source is not None and source.kind is SourceKind.BINARY
    assert (source.origin, source.text) == (str(tool), DEMO)
    cached = embedded_cache_path("mytool", DEMO)
    assert source.path == str(cached)
    assert cached.parent == cache_dir() / "embedded" / "mytool"
    assert len(cached.stem) == 16 and cached.read_text(encoding="utf-8") == DEMO
    assert not Path(f"{tool}.ran").exists()


def test_id_picks_among_embedded_schemas_by_meta_id(isolated: Path) -> None:
    install_tool(isolated, "mytool", DEMO, OTHER)
    source = resolved("@schema {id crate:other@2, cli mytool}\n").source
    assert source is not None and source.text == OTHER
    text = "@schema {id crate:nope@1, cli mytool}\n"
    warning = only(resolved(text).diagnostics, SCHEMA_NOT_FOUND)
    assert warning.message == "schema `crate:nope@1` (cli `mytool`) not found"
    assert "(it has `crate:demo@1`, `crate:other@2`)" in (warning.help or "")


def test_corrupt_blob_is_rejected(isolated: Path) -> None:
    blob = bytearray(encode_blob(DEMO))
    blob[30] ^= 0xFF
    install_tool(isolated, "mytool", blob=bytes(blob))
    warning = only(resolved("@schema {cli mytool}\n").diagnostics, SCHEMA_NOT_FOUND)
    assert "no embedded schema (1 corrupt blob(s) skipped)" in (warning.help or "")
    assert not (cache_dir() / "embedded" / "mytool").exists()


def test_non_executable_files_on_path_are_not_considered(isolated: Path) -> None:
    tool = install_tool(isolated, "mytool", DEMO)
    tool.chmod(0o644)
    warning = only(resolved("@schema {cli mytool}\n").diagnostics, SCHEMA_NOT_FOUND)
    assert "PATH: no executable `mytool`" in (warning.help or "")


def test_extracted_schema_is_served_from_the_cache_once_the_tool_is_gone(
    isolated: Path,
) -> None:
    tool = install_tool(isolated, "mytool", DEMO, OTHER)
    resolved("@schema {cli mytool}\n")
    resolved("@schema {id crate:other@2, cli mytool}\n")
    tool.unlink()
    for declaration, text in (("{id crate:other@2, cli mytool}", OTHER), ("{cli mytool}", OTHER)):
        result = resolved(f"@schema {declaration}\n")
        assert result.diagnostics == []
        source = result.source
        assert source is not None and source.kind is SourceKind.CACHE
        assert source.text == text  # without an id: the most recently used
        assert source.origin == str(embedded_cache_path("mytool", text))


def write_crate(name: str, version: str, text: str) -> None:
    folder = cache_dir() / "crates" / name / version
    folder.mkdir(parents=True)
    (folder / "schema.styx").write_text(text, encoding="utf-8")


def test_crate_schemas_from_the_cache() -> None:
    for version in ("1.2.3", "1.10.0", "1.9.9", "2.0.0"):
        write_crate("demo-config", version, f"version {version}\n")
    for declaration, version in (
        ("crate:demo-config@1", "1.10.0"),
        ("{id crate:demo-config@2}", "2.0.0"),
        ("{source crate:demo-config@1}", "1.10.0"),
    ):
        source = resolved(f"@schema {declaration}\n").source
        assert source is not None and source.kind is SourceKind.CACHE
        assert source.text == f"version {version}\n"
    (cache_dir() / "resolve.json").write_text(
        json.dumps({"demo-config": {"1": {"resolved": "1.2.3", "timestamp": "2025-01-19"}}})
    )
    source = resolved("@schema crate:demo-config@1\n").source
    assert source is not None and source.text == "version 1.2.3\n"


def test_registry_not_found_says_where_it_looked() -> None:
    text = "@schema {id crate:demo-config@3, cli mytool}\n"
    warning = only(resolved(text).diagnostics, SCHEMA_NOT_FOUND)
    assert warning.span == entry_span(text)
    assert warning.message == "schema `crate:demo-config@3` (cli `mytool`) not found"
    help_lines = (warning.help or "").splitlines()
    assert help_lines == [
        "looked in:",
        "- Python entry points `styx.schemas`: none named `crate:demo-config@3` or `mytool`",
        "- PATH: no executable `mytool`",
        f"- {cache_dir() / 'embedded' / 'mytool'}: no cached schema with meta id "
        "`crate:demo-config@3`",
        f"- {cache_dir() / 'crates' / 'demo-config'}: no cached version matching 3",
    ]


# --- entry points of installed distributions --------------------------------

ZIP_MODULE = """\
from importlib.resources import files


def resource():
    return files(__name__) / "schema.styx"
"""

RESOLVE_SCRIPT = """\
import json, sys
import styx
from styx.schema.resolve import resolve

result = resolve(styx.parse(sys.argv[1]), base_dir=None)
source = result.source
print(json.dumps({
    "kind": source and source.kind.value,
    "origin": source and source.origin,
    "text": source and source.text,
    "base_dir": source and source.base_dir,
    "diagnostics": [[d.code, d.message, d.help] for d in result.diagnostics],
}))
"""


@dataclass(frozen=True)
class Installed:
    site: Path
    zipped: Path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The demo distribution installed with pip into a target directory, and
    a zipped distribution whose schema is a traversable inside the zip."""
    work = tmp_path_factory.mktemp("distributions")
    project = work / "demo-dist"
    shutil.copytree(DATA / "demo-dist", project)
    site = work / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    command += ["--no-build-isolation", "--no-index", "--target", str(site), str(project)]
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    zipped = work / "zipdemo.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("styx_zip_demo/__init__.py", ZIP_MODULE)
        archive.writestr("styx_zip_demo/schema.styx", OTHER)
        info = "styx_zip_demo-1.0.dist-info"
        archive.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: styx-zip-demo\n")
        archive.writestr(
            f"{info}/entry_points.txt", "[styx.schemas]\nzipdemo = styx_zip_demo:resource\n"
        )
    return Installed(site, zipped)


def run_resolve(text: str, installed: Installed | None, bin_dir: Path) -> dict[str, object]:
    """Resolve in a fresh interpreter that sees the installed distributions."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if installed is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(installed.site), str(installed.zipped)])
    env["PATH"] = str(bin_dir)
    done = subprocess.run(
        [sys.executable, "-c", RESOLVE_SCRIPT, text],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def only_not_found(result: dict[str, object]) -> str:
    """The help of the one diagnostic of a subprocess result, a not-found warning."""
    diagnostics = result["diagnostics"]
    assert isinstance(diagnostics, list) and len(diagnostics) == 1
    code, _, help_text = diagnostics[0]
    assert code == SCHEMA_NOT_FOUND
    assert isinstance(help_text, str)
    return help_text


def test_entry_point_by_cli_name_gives_text(installed: Installed, isolated: Path) -> None:
    result = run_resolve("@schema {cli demo}\n", installed, isolated)
    assert result["diagnostics"] == []
    assert (result["kind"], result["text"]) == ("entry-point", DEMO)
    assert (result["origin"], result["base_dir"]) == ("styx_demo_schemas:TEXT", None)


@pytest.mark.parametrize(
    "declaration",
    [
        "{id crate:demo-config@1, cli demo}",  # the id is tried before the cli name
        "{source crate:demo-config@1}",
        "crate:demo-config@1",
        "{cli demo-file}",  # a Path object rather than a callable returning one
    ],
)
def test_entry_point_giving_a_schema_file(
    installed: Installed, isolated: Path, declaration: str
) -> None:
    result = run_resolve(f"@schema {declaration}\n", installed, isolated)
    shipped = installed.site / "styx_demo_schemas" / "schema.styx"
    assert result["diagnostics"] == []
    assert result["kind"] == "entry-point"
    assert result["text"] == shipped.read_text(encoding="utf-8")
    assert result["origin"] == str(shipped)
    assert result["base_dir"] == str(shipped.parent)


def test_entry_point_giving_a_traversable_in_a_zip(installed: Installed, isolated: Path) -> None:
    result = run_resolve("@schema {cli zipdemo}\n", installed, isolated)
    assert result["diagnostics"] == []
    assert (result["kind"], result["text"], result["base_dir"]) == ("entry-point", OTHER, None)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("broken", "entry point `broken` = styx_demo_schemas.missing:SCHEMA: ModuleNotFoundError"),
        ("wrong-type", "provides int, not schema text, a path or a callable"),
    ],
)
def test_broken_entry_points_are_warnings(
    installed: Installed, isolated: Path, name: str, reason: str
) -> None:
    result = run_resolve(f"@schema {{cli {name}}}\n", installed, isolated)
    help_text = only_not_found(result)
    assert reason in help_text
    assert "none named" not in help_text
    assert result["kind"] is None


def test_entry_points_come_before_binaries(installed: Installed, isolated: Path) -> None:
    install_tool(isolated, "demo", OTHER)
    install_tool(isolated, "broken", OTHER)
    assert run_resolve("@schema {cli demo}\n", installed, isolated)["text"] == DEMO
    fallback = run_resolve("@schema {cli broken}\n", installed, isolated)
    assert (fallback["kind"], fallback["text"]) == ("binary", OTHER)


def test_without_the_distribution_nothing_is_registered(isolated: Path) -> None:
    result = run_resolve("@schema {cli demo}\n", None, isolated)
    assert "none named `demo`" in only_not_found(result)
