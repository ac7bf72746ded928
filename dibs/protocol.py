"""The wire protocol between the ``dibs`` CLI and the db program.

The CLI listens on a loopback port and the db program connects to it, so the
protocol is deliberately tiny and readable: one JSON object per line (UTF-8,
``\\n``-terminated), which can be debugged with ``nc`` and needs nothing but the
standard library on either side.

The conversation::

    program -> CLI   {"hello": {"protocol": "dibs", "version": 1, "secret": "…", "pid": 123}}
    CLI -> program   {"welcome": {"version": 1}}                (or an error, then close)
    CLI -> program   {"id": 1, "method": "migrate", "params": {…}}
    program -> CLI   {"log": {"level": "info", "message": "…", "migration": "…"}}   (0..n)
    program -> CLI   {"id": 1, "result": …}   or   {"id": 1, "error": {"code", "message", "data"}}

Requests are answered strictly in order, one at a time; log events belong to
the request being answered. The CLI closing the connection tells the program
to exit.

The secret exists because anything on the machine can connect to a loopback
port: only the process the CLI started knows it. The version is checked so
that a db program built against another dibs says so plainly instead of
failing on some later field.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from dataclasses import dataclass
from typing import Any

PROTOCOL_NAME = "dibs"
#: Bump when a message changes incompatibly; both sides refuse other versions.
PROTOCOL_VERSION = 1
#: No single line may exceed this: a status of thousands of migrations is far
#: smaller, and a bound keeps a confused peer from exhausting memory.
MAX_LINE_BYTES = 16 * 1024 * 1024

#: Environment variables through which the CLI tells the program where to connect.
ENV_ADDR = "DIBS_CLI_ADDR"
ENV_SECRET = "DIBS_CLI_SECRET"
#: "0" when the CLI's first requests need no database (it reads the database
#: itself first, `dibs.precheck`): the program then imports its runner, and
#: psycopg with it, only on first use instead of in the background at start.
ENV_PRELOAD = "DIBS_CLI_PRELOAD"
#: The method of the CLI's first request, when it knows it: the program may
#: prepare that answer while the CLI is still getting ready to ask (the
#: listing of ``dibs migrate`` and ``dibs status``, `dibs.precheck`).
ENV_FIRST_REQUEST = "DIBS_CLI_FIRST_REQUEST"
#: A request parameter the CLI may add to any request: what libpq's parser
#: made of the database URLs the program will meet (`redaction.readings`),
#: so the program masks their passwords without importing psycopg to parse
#: them again. Handlers never see it.
READINGS = "url_readings"

# Error codes carried in ``{"error": {"code": …}}``: strings, so logs are readable.
PARSE_ERROR = "parse_error"
INVALID_REQUEST = "invalid_request"
METHOD_NOT_FOUND = "method_not_found"
INVALID_PARAMS = "invalid_params"
HANDLER_ERROR = "handler_error"
UNAVAILABLE = "unavailable"
TOO_LARGE = "too_large"
UNAUTHORIZED = "unauthorized"
UNSUPPORTED_VERSION = "unsupported_version"
#: The database could not be reached or used (`dibs check` exits 2 on it).
DATABASE_UNAVAILABLE = "database_unavailable"
#: The program's table definitions are wrong (they do not load or create).
INVALID_DEFINITIONS = "invalid_definitions"

LOG_LEVELS = ("debug", "info", "warning", "error")


class ProtocolError(Exception):
    """The peer sent something that is not this protocol."""


class MessageTooLarge(ProtocolError):
    """A line exceeded `MAX_LINE_BYTES` (when sending or receiving)."""


class ConnectionClosed(ProtocolError):
    """The peer closed the connection (end of stream)."""


class ReadTimeout(ProtocolError):
    """No complete line arrived before the deadline."""


class RemoteError(Exception):
    """The db program answered a request with an error.

    Unlike `ProtocolError` the conversation is still healthy: this is the
    request failing (a migration error, an unknown method), not the link.
    """

    def __init__(self, code: str, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


@dataclass(frozen=True)
class LogEvent:
    """A log line streamed by the program while it works on a request."""

    level: str
    message: str
    migration: str | None = None


def _snippet(raw: bytes | str, limit: int = 120) -> str:
    """A short printable excerpt of a bad line, for error messages."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.rstrip("\r\n")
    return repr(text if len(text) <= limit else text[:limit] + "…")


def encode(message: dict[str, Any]) -> bytes:
    """One message as a line; raises `MessageTooLarge` rather than send a
    line the peer would refuse, and `TypeError` for values JSON cannot hold."""
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    line = data.encode("utf-8") + b"\n"
    if len(line) > MAX_LINE_BYTES:
        raise MessageTooLarge(
            f"message of {len(line)} bytes exceeds the limit of {MAX_LINE_BYTES} bytes"
        )
    return line


def decode(line: bytes) -> dict[str, Any]:
    """Parse one line into a JSON object, with a message showing the line
    when it is not one (a program printing to the socket, a port scanner)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(f"line is not UTF-8: {_snippet(line)}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProtocolError(f"line is not JSON ({error.msg}): {_snippet(text)}") from None
    if not isinstance(value, dict):
        raise ProtocolError(f"line is not a JSON object: {_snippet(text)}")
    return value


# --- message builders --------------------------------------------------------


def hello(
    secret: str, *, version: int = PROTOCOL_VERSION, pid: int | None = None
) -> dict[str, Any]:
    """The program's first line."""
    body: dict[str, Any] = {"protocol": PROTOCOL_NAME, "version": version, "secret": secret}
    if pid is not None:
        body["pid"] = pid
    return {"hello": body}


def welcome() -> dict[str, Any]:
    """The CLI's acceptance of a hello."""
    return {"welcome": {"version": PROTOCOL_VERSION}}


def request(id: int, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": id, "method": method, "params": params if params is not None else {}}


def result(id: int | None, value: Any) -> dict[str, Any]:
    return {"id": id, "result": value}


def error(id: int | None, code: str, message: str, data: Any = None) -> dict[str, Any]:
    return {"id": id, "error": {"code": code, "message": message, "data": data}}


def log(level: str, message: str, migration: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"level": level, "message": message}
    if migration is not None:
        body["migration"] = migration
    return {"log": body}


# --- message checks ----------------------------------------------------------


def parse_hello(message: dict[str, Any]) -> tuple[int, str, int | None]:
    """Version, secret and pid of a hello; `ProtocolError` when it is not one.
    The version and secret are checked by the caller (`check_hello`)."""
    body = message.get("hello")
    if not isinstance(body, dict) or body.get("protocol") != PROTOCOL_NAME:
        raise ProtocolError(f"expected a dibs hello, got {_snippet(json.dumps(message))}")
    version, secret, pid = body.get("version"), body.get("secret"), body.get("pid")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProtocolError("hello has no integer 'version'")
    if not isinstance(secret, str):
        raise ProtocolError("hello has no string 'secret'")
    if pid is not None and not isinstance(pid, int):
        raise ProtocolError("hello has a non-integer 'pid'")
    return version, secret, pid


def parse_log(body: Any) -> LogEvent:
    if not isinstance(body, dict):
        raise ProtocolError(f"log event is not an object: {_snippet(json.dumps(body))}")
    level, text, migration = body.get("level"), body.get("message"), body.get("migration")
    if not isinstance(level, str) or not isinstance(text, str):
        raise ProtocolError("log event needs string 'level' and 'message'")
    if migration is not None and not isinstance(migration, str):
        raise ProtocolError("log event has a non-string 'migration'")
    return LogEvent(level, text, migration)


def parse_error(body: Any) -> RemoteError:
    if not isinstance(body, dict):
        raise ProtocolError("'error' is not an object")
    code, text = body.get("code"), body.get("message")
    if not isinstance(code, str) or not isinstance(text, str):
        raise ProtocolError("'error' needs string 'code' and 'message'")
    return RemoteError(code, text, body.get("data"))


# --- framing over a socket ---------------------------------------------------


class LineChannel:
    """Newline-framed messages over a connected socket.

    Own buffering (rather than ``socket.makefile``) so that a read can time
    out and be retried, and so that an oversized line is refused as soon as
    it passes the limit instead of after it has been buffered whole.
    """

    def __init__(self, sock: socket.socket, *, max_line: int = MAX_LINE_BYTES) -> None:
        self.sock = sock
        self.max_line = max_line
        self._buffer = bytearray()

    def send(self, message: dict[str, Any]) -> None:
        self.sock.settimeout(None)
        self.sock.sendall(encode(message))

    def read_line(self, deadline: float | None = None) -> bytes:
        """The next line without its newline. `deadline` is a
        `time.monotonic()` instant; None blocks (interruptible by signals)."""
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                if end + 1 > self.max_line:
                    raise MessageTooLarge(f"line exceeds the limit of {self.max_line} bytes")
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line
            if len(self._buffer) > self.max_line:
                raise MessageTooLarge(f"line exceeds the limit of {self.max_line} bytes")
            if deadline is None:
                self.sock.settimeout(None)
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ReadTimeout("timed out waiting for a message")
                self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                raise ReadTimeout("timed out waiting for a message") from None
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                if self._buffer:
                    partial = _snippet(bytes(self._buffer))
                    raise ConnectionClosed(f"connection closed in the middle of a line: {partial}")
                raise ConnectionClosed("connection closed")
            self._buffer += chunk

    def receive(self, deadline: float | None = None) -> dict[str, Any]:
        return decode(self.read_line(deadline))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def parse_address(value: str) -> tuple[str, int]:
    """``host:port`` from ``DIBS_CLI_ADDR`` (IPv6 hosts may be bracketed)."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"{ENV_ADDR} must be host:port, got {value!r}")
    return host.strip("[]"), int(port)
