"""The wire protocol and the db program's request handling, in process
(socket pairs instead of subprocesses, so each rule is checked directly)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dibs import protocol, service


@pytest.fixture
def pair() -> Iterator[tuple[protocol.LineChannel, protocol.LineChannel]]:
    a, b = socket.socketpair()
    left, right = protocol.LineChannel(a), protocol.LineChannel(b)
    yield left, right
    left.close()
    right.close()


def test_encode_decode_round_trip() -> None:
    message = protocol.request(3, "migrate", {"database_url": "postgres://x", "ü": [1, None]})
    line = protocol.encode(message)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert protocol.decode(line[:-1]) == message


def test_encode_refuses_nan_and_oversize(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        protocol.encode({"x": float("nan")})
    monkeypatch.setattr(protocol, "MAX_LINE_BYTES", 100)
    with pytest.raises(protocol.MessageTooLarge, match="exceeds the limit of 100"):
        protocol.encode({"x": "y" * 200})


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"GET / HTTP/1.1", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"", "not JSON"),
    ],
)
def test_decode_malformed(line: bytes, reason: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=reason):
        protocol.decode(line)


def test_parse_hello() -> None:
    assert protocol.parse_hello(protocol.hello("s3cret", pid=12)) == (1, "s3cret", 12)
    with pytest.raises(protocol.ProtocolError, match="expected a dibs hello"):
        protocol.parse_hello({"hello": {"protocol": "other", "version": 1, "secret": ""}})
    with pytest.raises(protocol.ProtocolError, match="integer 'version'"):
        protocol.parse_hello({"hello": {"protocol": "dibs", "version": "1", "secret": ""}})
    with pytest.raises(protocol.ProtocolError, match="string 'secret'"):
        protocol.parse_hello({"hello": {"protocol": "dibs", "version": 1}})


def test_parse_log_and_error() -> None:
    assert protocol.parse_log({"level": "info", "message": "m", "migration": "v"}) == (
        protocol.LogEvent("info", "m", "v")
    )
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_log({"level": 1, "message": "m"})
    err = protocol.parse_error({"code": "x", "message": "boom", "data": {"a": 1}})
    assert (err.code, err.message, err.data) == ("x", "boom", {"a": 1})
    assert str(err) == "boom [x]"


def test_channel_frames_split_and_joined_lines(
    pair: tuple[protocol.LineChannel, protocol.LineChannel],
) -> None:
    left, right = pair
    left.sock.sendall(b'{"a": 1}\n{"b"')
    left.sock.sendall(b": 2}\n")
    assert right.receive() == {"a": 1}
    assert right.receive() == {"b": 2}


def test_channel_limits_line_size() -> None:
    a, b = socket.socketpair()
    reader = protocol.LineChannel(b, max_line=64)
    a.sendall(b"x" * 200)
    with pytest.raises(protocol.MessageTooLarge):
        reader.read_line(time.monotonic() + 2)
    a.close()
    reader.close()


def test_channel_timeout_and_close_mid_line(
    pair: tuple[protocol.LineChannel, protocol.LineChannel],
) -> None:
    left, right = pair
    with pytest.raises(protocol.ReadTimeout):
        right.read_line(time.monotonic() + 0.05)
    left.sock.sendall(b'{"half')
    left.close()
    with pytest.raises(protocol.ConnectionClosed, match="middle of a line"):
        right.read_line(time.monotonic() + 2)


def test_parse_address() -> None:
    assert protocol.parse_address("127.0.0.1:5000") == ("127.0.0.1", 5000)
    assert protocol.parse_address("[::1]:80") == ("::1", 80)
    with pytest.raises(ValueError, match="host:port"):
        protocol.parse_address("localhost")


# --- the service's request loop ---------------------------------------------


@dataclasses.dataclass
class Report:
    when: datetime.datetime
    path: Path
    took: datetime.timedelta
    hook: Any = print


def test_to_jsonable() -> None:
    report = Report(
        datetime.datetime(2026, 1, 2, 3, 4, 5), Path("/x"), datetime.timedelta(seconds=1.5)
    )
    assert service.to_jsonable(report) == {
        "when": "2026-01-02T03:04:05",
        "path": "/x",
        "took": 1.5,
    }
    assert service.to_jsonable({1: (b"\x01", {2}), "f": float("inf")}) == {
        "1": ["01", [2]],
        "f": None,
    }


def serve_in_thread(
    handlers: dict[str, service.Handler], package: str | None = None
) -> tuple[protocol.LineChannel, threading.Thread]:
    a, b = socket.socketpair()
    svc = service.Service(
        protocol.LineChannel(b), {**service.default_handlers(), **handlers}, package
    )
    thread = threading.Thread(target=svc.serve, daemon=True)
    thread.start()
    return protocol.LineChannel(a), thread


def exchange(cli: protocol.LineChannel, line: bytes) -> list[dict[str, Any]]:
    """Send a raw line; collect messages up to and including the response."""
    cli.sock.sendall(line + b"\n")
    got = []
    while True:
        message = cli.receive(time.monotonic() + 5)
        got.append(message)
        if "log" not in message:
            return got


class Failure(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("duplicate key")
        self.sqlstate = sqlstate


def test_service_answers_every_request_even_bad_ones() -> None:
    def noisy(params: dict[str, Any], ctx: service.Context) -> Any:
        ctx.log("info", "one", migration="m1")
        ctx.log("shouting", "two")  # unknown levels are shown as info
        return {"n": params["n"] + 1}

    def broken(params: dict[str, Any], ctx: service.Context) -> Any:
        raise Failure("23505")

    cli, thread = serve_in_thread({"noisy": noisy, "broken": broken}, package="pkg")
    got = exchange(cli, protocol.encode(protocol.request(1, "noisy", {"n": 1}))[:-1])
    assert got == [
        {"log": {"level": "info", "message": "one", "migration": "m1"}},
        {"log": {"level": "info", "message": "two"}},
        {"id": 1, "result": {"n": 2}},
    ]
    [answer] = exchange(cli, json.dumps(protocol.request(2, "broken")).encode())
    assert answer["id"] == 2
    assert answer["error"]["code"] == protocol.HANDLER_ERROR
    assert answer["error"]["message"] == "Failure: duplicate key"
    data = answer["error"]["data"]
    assert data["type"].endswith("Failure")
    assert data["attributes"] == {"sqlstate": "23505"}
    assert "raise Failure" in data["traceback"]
    [answer] = exchange(cli, b"this is not json")
    assert answer["id"] is None and answer["error"]["code"] == protocol.PARSE_ERROR
    [answer] = exchange(cli, b'{"method": "ping"}')
    assert answer["error"]["code"] == protocol.INVALID_REQUEST
    [answer] = exchange(cli, json.dumps(protocol.request(3, "nope")).encode())
    assert answer["error"]["code"] == protocol.METHOD_NOT_FOUND
    assert "ping" in answer["error"]["data"]["methods"]
    [answer] = exchange(cli, b'{"id": 4, "method": "ping", "params": []}')
    assert answer["error"]["code"] == protocol.INVALID_REQUEST
    [answer] = exchange(cli, json.dumps(protocol.request(5, "ping")).encode())
    assert answer["result"]["pong"] is True and answer["result"]["package"] == "pkg"
    [answer] = exchange(
        cli, json.dumps(protocol.request(6, "migrate", {"database_url": ""})).encode()
    )
    assert answer["error"]["code"] in (protocol.INVALID_PARAMS, protocol.UNAVAILABLE)
    cli.close()  # the CLI hanging up ends the loop
    thread.join(5)
    assert not thread.is_alive()


def test_migrations_without_a_package_is_an_error_response() -> None:
    cli, thread = serve_in_thread({}, package=None)
    [answer] = exchange(cli, json.dumps(protocol.request(1, "migrations")).encode())
    assert answer["error"]["code"] == protocol.INVALID_REQUEST
    assert "run_service(package=...)" in answer["error"]["message"]
    cli.close()
    thread.join(5)


def test_handshake_refused_is_reported() -> None:
    a, b = socket.socketpair()
    cli = protocol.LineChannel(a)
    svc = service.Service(protocol.LineChannel(b), {}, None)

    def refuse() -> None:
        cli.receive(time.monotonic() + 5)
        cli.send(protocol.error(None, protocol.UNAUTHORIZED, "wrong secret"))

    thread = threading.Thread(target=refuse)
    thread.start()
    with pytest.raises(service.ServiceError, match="wrong secret"):
        svc.handshake("x", timeout=5)
    thread.join()
    cli.close()
    svc.channel.close()


def test_connect_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(protocol.ENV_ADDR, raising=False)
    with pytest.raises(service.ServiceError, match="started by the dibs CLI"):
        service.connect()


def test_database_password_is_scrubbed_from_logs_results_and_errors() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://app:hunter2secret@db.example/app"

    def leaky(params: dict[str, Any], ctx: service.Context) -> Any:
        given = service._database_url(params, ctx)
        ctx.log("info", f"connecting to {given}")
        if params.get("fail"):
            raise RuntimeError(f"could not connect to {given} (password hunter2secret)")
        return {"url": given}

    cli, thread = serve_in_thread({"leaky": leaky})
    log, answer = exchange(
        cli, json.dumps(protocol.request(1, "leaky", {"database_url": url})).encode()
    )
    assert log["log"]["message"] == "connecting to postgresql://app:***@db.example/app"
    assert answer["result"] == {"url": "postgresql://app:***@db.example/app"}
    _, answer = exchange(
        cli,
        json.dumps(protocol.request(2, "leaky", {"database_url": url, "fail": True})).encode(),
    )
    assert "hunter2secret" not in json.dumps(answer)
    assert "(password ***)" in answer["error"]["message"]
    cli.close()
    thread.join(5)
