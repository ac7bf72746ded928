"""Typed loading: schema_for writes the schema of a dataclass, load builds it."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest

import styx
from styx.schema.bind import BindError, bind
from styx.schema.typed import SchemaWriteError, schema_for, variant_tag


class Mode(enum.Enum):
    FAST = "fast"
    SAFE = "safe"


@dataclass
class Tls:
    """Transport security."""

    cert: str
    key: str


@dataclass
class Ok:
    pass


@dataclass
class Failed:
    styx_tag = "err"
    message: str


@dataclass
class Server:
    """One server."""

    host: str = field(metadata={"doc": "Name or address to bind."})
    port: int = 8080
    tls: Tls | None = None
    timeout: datetime.timedelta = datetime.timedelta(seconds=30)
    mode: Mode = Mode.FAST
    level: Literal["debug", "info"] = "info"
    tags: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    point: tuple[int, int] = (0, 0)
    status: Ok | Failed = field(default_factory=Ok)
    started: datetime.datetime | None = None
    blob: bytes = b""
    extra: Any = None


def test_schema_for_writes_a_parseable_schema_with_docs() -> None:
    text = schema_for(Server, id="crate:server@1", cli="server", version="2026-01-02")
    assert text.startswith("// Documents declare this schema with: @schema {id crate:server@1")
    doc = styx.parse(text)
    meta = doc.get("meta")
    assert isinstance(meta, styx.Object)
    assert meta.get("version").text == "2026-01-02"  # type: ignore[union-attr]
    assert "/// Name or address to bind." in text
    assert "port @default(8080 @int)" in text
    assert "tls @optional(@Tls)" in text
    assert "timeout @default(30s @duration)" in text
    assert "mode @default(@fast @enum{fast, safe})" in text
    assert "level @default(info @one-of(@string (debug info)))" in text
    assert "tags @optional(@seq(@string))" in text
    assert "labels @optional(@map(@string @string))" in text
    assert "point @default" not in text and "@tuple(@int @int)" in text
    assert "status @optional(@enum{ok, err @Failed})" in text
    assert "/// Transport security." in text
    assert "Tls @object{" in text and "Failed @object{" in text


def test_variant_tags() -> None:
    assert variant_tag(Ok) == "ok"
    assert variant_tag(Failed) == "err"
    assert variant_tag(Tls) == "tls"


def test_schema_for_refuses_what_has_no_schema() -> None:
    @dataclass
    class Odd:
        handler: Any = None
        action: type = int

    with pytest.raises(SchemaWriteError):
        schema_for(Odd)
    with pytest.raises(SchemaWriteError):
        schema_for(int)


@dataclass
class Node:
    value: str
    children: list[Node] = field(default_factory=list)


def test_recursive_dataclass() -> None:
    text = schema_for(Node)
    assert "children @optional(@seq(@Node))" in text
    node = bind(styx.parse("value a\nchildren ({value b})").root, Node)
    assert node == Node("a", [Node("b")])


def test_bind_builds_every_kind_of_field() -> None:
    doc = styx.parse(
        """
host example.com
port 0x1F90
tls {cert c.pem, key k.pem}
timeout 1h30m
mode @safe
level debug
tags (a b)
labels {x 1, y 2}
point (3 4)
status @err{message boom}
started 2026-01-02T03:04:05Z
blob deadbeef
extra (anything goes)
"""
    )
    server = bind(doc.root, Server)
    assert server.host == "example.com"
    assert server.port == 8080
    assert server.tls == Tls("c.pem", "k.pem")
    assert server.timeout == datetime.timedelta(hours=1, minutes=30)
    assert server.mode is Mode.SAFE
    assert server.level == "debug"
    assert server.tags == ["a", "b"]
    assert server.labels == {"x": "1", "y": "2"}
    assert server.point == (3, 4)
    assert server.status == Failed("boom")
    assert server.started == datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert server.blob == bytes.fromhex("deadbeef")
    assert isinstance(server.extra, styx.Sequence)


def test_bind_uses_defaults_for_absent_fields() -> None:
    server = bind(styx.parse("host h").root, Server)
    assert server == Server(host="h")


def test_bind_merges_dotted_paths() -> None:
    server = bind(styx.parse("host h\ntls.cert c\ntls.key k").root, Server)
    assert server.tls == Tls("c", "k")


def test_bind_reports_values_that_do_not_fit() -> None:
    with pytest.raises(BindError) as caught:
        bind(styx.parse("host h\nport eighty").root, Server)
    assert caught.value.span == (12, 18)


def test_schema_for_output_passes_the_meta_schema() -> None:
    schema = styx.load_schema(schema_for(Server, id="crate:server@1", cli="server"))
    assert schema.root is not None
    assert {"Tls", "Failed"} <= set(schema.types)


def test_load_validates_then_builds(tmp_path) -> None:
    server = styx.load("host h\nport 9000\ntls {cert c, key k}\nstatus @ok", into=Server)
    assert (server.port, server.tls, server.status) == (9000, Tls("c", "k"), Ok())
    path = tmp_path / "server.styx"
    path.write_text("host from-file\n", encoding="utf-8")
    assert styx.load(path, into=Server).host == "from-file"
    assert styx.load(styx.parse("host parsed"), into=Server).host == "parsed"


def test_load_reports_every_problem_with_its_span() -> None:
    with pytest.raises(styx.StyxValidationError) as caught:
        styx.load("host h\nport x\nprot 2\nmode @fats\n", into=Server, filename="s.styx")
    found = [(d.code, tuple(d.span)) for d in caught.value.diagnostics]
    assert found == [
        ("styx::type-mismatch", (12, 13)),
        ("styx::unknown-field", (14, 18)),
        ("styx::invalid-variant", (26, 31)),
    ]
    assert str(caught.value).startswith("s.styx:2:6: ")
    assert caught.value.diagnostics[2].help == "did you mean `@fast`?"


def test_load_reports_a_missing_required_field() -> None:
    with pytest.raises(styx.StyxValidationError) as caught:
        styx.load("port 1\n", into=Server)
    assert [d.code for d in caught.value.diagnostics] == ["styx::missing-field"]


def test_load_raises_syntax_errors_as_such() -> None:
    with pytest.raises(styx.StyxSyntaxError):
        styx.load("host {", into=Server)
