"""The db program's side of the conversation with the ``dibs`` CLI.

A db program's ``main`` is one line, ``dibs.service.run_service(package=…)``:
it connects to the CLI named by ``DIBS_CLI_ADDR``, presents the secret from
``DIBS_CLI_SECRET`` and answers requests until the CLI hangs up. The work
(discovering migrations, running them) happens here, in the program, because
only the program can import its own migrations; the CLI only asks.

Handlers live in a registry (method name -> function) so that the built-in
methods can be extended or replaced, and so that the runner is reached
through one seam: ``status``/``migrate`` import `dibs.runner` only when
called, and answer ``unavailable`` if it cannot be imported.

Every request gets a response: an exception inside a handler becomes an error
response carrying its type, attributes and traceback, never a dead program.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
import gc
import importlib
import inspect
import os
import select
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from dibs import protocol
from dibs.redaction import Scrubber

if TYPE_CHECKING:
    from dibs.schema.model import Schema

#: How long to wait when connecting to the CLI's (already listening) port,
#: and for its welcome: as long as the CLI waits for us by default (a CLI
#: slowed by a busy machine is still there; one that died closes the socket).
CONNECT_TIMEOUT = 30.0


class RequestError(Exception):
    """Raise from a handler to answer with a specific code and data."""

    def __init__(self, code: str, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class Context:
    """What a handler gets besides its params: a way to stream logs to the
    CLI while it works, and the package whose migrations it serves."""

    def __init__(
        self,
        send: Callable[[dict[str, Any]], None],
        package: str | None,
        conversation: dict[str, Any] | None = None,
    ) -> None:
        self._send = send
        self.package = package
        #: What earlier requests of the same conversation found, by name.
        self.conversation: dict[str, Any] = {} if conversation is None else conversation
        #: Secrets never to be sent to the CLI, in any spelling; see `redact`.
        self.secrets = Scrubber()
        self.secrets.add_environment(os.environ)

    def redact(self, secret: str | None) -> None:
        """Keep ``secret`` out of everything this request sends: logs, the
        result and error messages (PostgreSQL and drivers may echo a
        connection string, and the CLI's output ends up in CI logs)."""
        self.secrets.add(secret)

    def scrub(self, value: Any) -> Any:
        """``value`` (JSON-shaped) with every secret masked."""
        return self.secrets.data(value)

    def log(self, level: str, message: str, migration: str | None = None) -> None:
        """Stream one log line to the CLI now (before the response).

        If the CLI has gone away this raises (``BrokenPipeError``), which
        aborts the handler: a migration nobody is watching rolls back rather
        than carrying on unobserved."""
        level = {"warn": "warning", "err": "error"}.get(level, level)
        if level not in protocol.LOG_LEVELS:
            level = "info"
        self._send(protocol.log(level, self.scrub(message), migration))


Handler = Callable[[dict[str, Any], Context], Any]


def to_jsonable(value: Any) -> Any:
    """Runner results and exception attributes made JSON-safe: dataclasses
    field by field (callables, like a migration's function, dropped), paths
    and dates as text, durations in seconds, anything else unknown as text —
    a response must never fail to serialise."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not callable(getattr(value, f.name))
        }
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def error_data(exc: BaseException) -> dict[str, Any]:
    """What the CLI needs to explain a failure: the exception's type, its
    public attributes (a runner error's SQLSTATE, position, file:line…) and
    the traceback for ``--verbose``-style display."""
    attributes = {
        key: to_jsonable(value)
        for key, value in vars(exc).items()
        if not key.startswith("_") and not callable(value)
    }
    return {
        "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "attributes": attributes,
        "traceback": "".join(traceback.format_exception(exc)),
    }


# --- built-in handlers -------------------------------------------------------


def _discover(context: Context) -> list[Any]:
    if not context.package:
        raise RequestError(
            protocol.INVALID_REQUEST,
            "the db program did not say which package holds its migrations"
            " (run_service(package=...))",
        )
    # Found once per conversation: the CLI lists the migrations, then asks
    # to migrate exactly those (reading and hashing every file again cost
    # the work path of `dibs migrate` tens of milliseconds).
    found: list[Any] | None = context.conversation.get("migrations")
    if found is None:
        from dibs.migrations import discover

        found = context.conversation["migrations"] = list(discover(context.package))
    return found


def _migration_summary(migration: Any) -> dict[str, Any]:
    """A migration as listed to the CLI: everything but its SQL text and function."""
    summary = to_jsonable(migration)
    if isinstance(summary, dict):
        summary.pop("sql", None)
        summary.pop("function", None)
        return summary
    return {"name": str(migration)}


def handle_ping(params: dict[str, Any], context: Context) -> Any:
    """Liveness, and who is answering (useful in error reports)."""
    return {
        "pong": True,
        "pid": os.getpid(),
        "package": context.package,
        "protocol": protocol.PROTOCOL_VERSION,
        "python": sys.version.split()[0],
    }


def handle_migrations(params: dict[str, Any], context: Context) -> Any:
    """The program's migrations, in version order, without touching a database."""
    return [_migration_summary(m) for m in _discover(context)]


def handle_baseline(params: dict[str, Any], context: Context) -> Any:
    """Mark every migration up to ``params.version`` as applied without running
    it (``dibs.runner.baseline``): adopting dibs on an existing database."""
    version = params.get("version")
    if not isinstance(version, str) or not version:
        raise RequestError(protocol.INVALID_PARAMS, "params.version must be a non-empty string")
    runner = _runner()
    url = _database_url(params, context)
    migrations = _discover(context)

    def log(level: str, message: str) -> None:
        context.log(level, message)

    return to_jsonable(runner.baseline(url, version, migrations, log))


def handle_schema(params: dict[str, Any], context: Context) -> Any:
    """The schema the program defines (its ``tables`` module), for `dibs schema`."""
    return _definitions(context).to_dict()


def handle_diff(params: dict[str, Any], context: Context) -> Any:
    """The changes that bring the database to the program's definitions
    (``dibs.schema.live.compare``), for `dibs diff`, `dibs check` and
    `dibs generate-from-diff`. Read-only: the definitions are built in a
    scratch schema that is rolled back."""
    url = _database_url(params, context)
    renames = params.get("renames") or {}
    if not isinstance(renames, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in renames.items()
    ):
        raise RequestError(protocol.INVALID_PARAMS, "params.renames must map strings to strings")
    definitions = _definitions(context)
    try:
        live = importlib.import_module("dibs.schema.live")
    except ImportError as exc:
        raise RequestError(protocol.UNAVAILABLE, f"schema diff is not available: {exc}") from exc
    from dibs.schema.diff import DiffError
    from dibs.schema.introspect import ShadowError

    try:
        changes = live.compare(
            url, definitions, renames=renames, concurrently=bool(params.get("concurrently"))
        )
    except live.DatabaseUnavailable as exc:
        raise RequestError(protocol.DATABASE_UNAVAILABLE, str(exc)) from None
    except ShadowError as exc:
        raise RequestError(
            protocol.INVALID_DEFINITIONS, f"the table definitions do not create: {exc}"
        ) from None
    except DiffError as exc:
        raise RequestError(protocol.INVALID_PARAMS, str(exc)) from None
    return changes.to_dict()


def _definitions(context: Context) -> Schema:
    """The registered tables, after importing the package's ``tables``
    module (a package without one defines no tables)."""
    from dibs import tables

    try:
        if context.package:
            try:
                importlib.import_module(f"{context.package}.tables")
            except ModuleNotFoundError as exc:
                if exc.name != f"{context.package}.tables":
                    raise
        return tables.registered()
    except tables.TableDefinitionError as exc:
        raise RequestError(protocol.INVALID_DEFINITIONS, str(exc)) from None


def _runner() -> Any:
    try:
        return importlib.import_module("dibs.runner")
    except ImportError as exc:
        raise RequestError(
            protocol.UNAVAILABLE, f"the migration runner is not available: {exc}"
        ) from exc


def _database_url(params: dict[str, Any], context: Context) -> str:
    """The request's database URL, its password registered for scrubbing."""
    url = params.get("database_url")
    if not isinstance(url, str) or not url:
        raise RequestError(
            protocol.INVALID_PARAMS, "params.database_url must be a non-empty string"
        )
    from dibs.redaction import NotPostgresUrl, parse

    context.secrets.add_url(url)
    try:
        parse(url)
    except NotPostgresUrl as exc:
        raise RequestError(protocol.INVALID_PARAMS, str(exc), {"hint": exc.hint}) from None
    return url


def as_response(value: Any, database_url: str) -> Any:
    """``value`` as the result of a request about ``database_url`` reaches
    the CLI: JSON-shaped and scrubbed of the URL's secrets. For answers the
    CLI builds itself (`dibs.precheck`), so they match the program's."""
    context = Context(_no_send, None)
    context.secrets.add_url(database_url)
    return context.scrub(to_jsonable(value))


def _no_send(message: dict[str, Any]) -> None:
    raise RuntimeError("as_response has no CLI to send to")


def handle_status(params: dict[str, Any], context: Context) -> Any:
    """Applied / pending / changed migrations of the database (``dibs.runner.status``)."""
    runner = _runner()
    url = _database_url(params, context)
    try:
        return to_jsonable(runner.status(url, _discover(context)))
    except runner.DatabaseUnavailable as exc:
        raise RequestError(protocol.DATABASE_UNAVAILABLE, str(exc)) from None


def handle_migrate(params: dict[str, Any], context: Context) -> Any:
    """Apply pending migrations (``dibs.runner.apply``), streaming its log."""
    runner = _runner()
    url = _database_url(params, context)
    raw_options = params.get("options") or {}
    if not isinstance(raw_options, dict):
        raise RequestError(protocol.INVALID_PARAMS, "params.options must be an object")
    options_type = runner.RunOptions
    known = {f.name for f in dataclasses.fields(options_type)}
    unknown = sorted(set(raw_options) - known)
    if unknown:
        raise RequestError(
            protocol.INVALID_PARAMS,
            f"unknown migrate option(s): {', '.join(unknown)}",
            {"known": sorted(known)},
        )
    options = options_type(**raw_options)
    migrations = _discover(context)

    def log(level: str, message: str) -> None:
        context.log(level, message)

    return to_jsonable(runner.apply(url, migrations, options, log))


def default_handlers() -> dict[str, Handler]:
    """The methods every db program answers; `run_service` merges its
    ``handlers`` argument over these."""
    return {
        "ping": handle_ping,
        "migrations": handle_migrations,
        "status": handle_status,
        "migrate": handle_migrate,
        "schema": handle_schema,
        "diff": handle_diff,
        "baseline": handle_baseline,
    }


# --- serving -----------------------------------------------------------------


class ServiceError(Exception):
    """The program could not connect to, or was refused by, the CLI."""


class Service:
    """One connection to the CLI and the loop answering its requests."""

    def __init__(
        self,
        channel: protocol.LineChannel,
        handlers: Mapping[str, Handler],
        package: str | None,
    ) -> None:
        self.channel = channel
        self.handlers = dict(handlers)
        self.package = package
        #: Shared by the requests of this connection (`Context.conversation`).
        self.conversation: dict[str, Any] = {}
        self._send_lock = threading.Lock()
        #: Stop this process if the CLI hangs up during a request (`run_service`
        #: turns it on; it signals the whole process, so not for in-process use).
        self.watch_hangup = False
        #: Seconds between SIGINT and the hard exit when a handler ignores it.
        self.hangup_grace = 30.0

    def send(self, message: dict[str, Any]) -> None:
        with self._send_lock:
            self.channel.send(message)

    def handshake(self, secret: str, timeout: float = CONNECT_TIMEOUT) -> None:
        """Say hello and wait for the CLI's welcome (or its reason to refuse)."""
        try:
            self.send(protocol.hello(secret, pid=os.getpid()))
            reply = self.channel.receive(time.monotonic() + timeout)
            if "welcome" in reply:
                return
            if "error" in reply:
                failure = protocol.parse_error(reply["error"])
                raise ServiceError(f"dibs refused this program: {failure.message} [{failure.code}]")
        except (protocol.ProtocolError, OSError) as exc:
            raise ServiceError(f"dibs did not accept the connection: {exc}") from None
        raise ServiceError(f"unexpected reply to hello: {reply!r}")

    def serve(self) -> None:
        """Answer requests until the CLI closes the connection."""
        while True:
            try:
                line = self.channel.read_line()
            except protocol.ConnectionClosed:
                return
            except protocol.MessageTooLarge as exc:
                # the rest of the stream cannot be trusted to be framed
                self.send(protocol.error(None, protocol.TOO_LARGE, str(exc)))
                return
            self.answer(line)

    def answer(self, line: bytes) -> None:
        """Handle one request line; always sends exactly one response."""
        try:
            message = protocol.decode(line)
        except protocol.ProtocolError as exc:
            self.send(protocol.error(None, protocol.PARSE_ERROR, str(exc)))
            return
        request_id = message.get("id")
        method = message.get("method")
        params = message.get("params", {})
        if isinstance(params, dict) and protocol.READINGS in params:
            from dibs import redaction

            redaction.remember_json(params.pop(protocol.READINGS))
        if not isinstance(request_id, int) or isinstance(request_id, bool):
            self.send(
                protocol.error(None, protocol.INVALID_REQUEST, "request needs an integer 'id'")
            )
            return
        if not isinstance(method, str) or not isinstance(params, dict):
            self.send(
                protocol.error(
                    request_id,
                    protocol.INVALID_REQUEST,
                    "request needs a string 'method' and an object 'params'",
                )
            )
            return
        handler = self.handlers.get(method)
        if handler is None:
            self.send(
                protocol.error(
                    request_id,
                    protocol.METHOD_NOT_FOUND,
                    f"unknown method {method!r}",
                    {"methods": sorted(self.handlers)},
                )
            )
            return
        context = Context(self.send, self.package, self.conversation)
        done = threading.Event()
        if self.watch_hangup:
            threading.Thread(
                target=self._watch, args=(method, done), name="dibs-hangup", daemon=True
            ).start()
        try:
            response = protocol.result(request_id, to_jsonable(handler(params, context)))
        except RequestError as exc:
            response = protocol.error(request_id, exc.code, exc.message, to_jsonable(exc.data))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            response = protocol.error(
                request_id, protocol.HANDLER_ERROR, f"{type(exc).__name__}: {exc}", error_data(exc)
            )
        finally:
            done.set()
        try:
            self.send(context.scrub(response))
        except protocol.MessageTooLarge as exc:
            self.send(protocol.error(request_id, protocol.TOO_LARGE, f"response too large: {exc}"))

    def _watch(self, method: str, done: threading.Event) -> None:
        """While a request runs, notice the CLI hanging up (killed, Ctrl-C'd)
        and stop: SIGINT first, which interrupts a blocking query (psycopg
        cancels it, the transaction rolls back), then a hard exit if the
        handler ignores that. A db program must not outlive its CLI — an
        orphan holding the migration lock would block every later run."""
        sock = self.channel.sock
        while not done.is_set():
            try:
                readable, _, _ = select.select([sock], [], [], 0.2)
                if not readable:
                    continue
                if sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                    return  # data, not a hang-up: not ours to read
            except BlockingIOError:
                continue
            except OSError:
                pass  # reset: the CLI is gone as well
            if done.is_set():
                return
            # Where the CLI died with us attached, stderr is a broken pipe:
            # saying so must not stop us from stopping.
            with contextlib.suppress(OSError):
                print(
                    f"dibs service: the dibs CLI went away during {method!r}; stopping",
                    file=sys.stderr,
                    flush=True,
                )
            # to the main thread itself: a signal sent to the process may be
            # taken by another thread (this one, the preloader), and then a
            # blocking call in the main thread (a query, a sleep) is not
            # interrupted until it ends by itself
            main = threading.main_thread().ident
            assert main is not None  # the main thread is running: it started us
            signal.pthread_kill(main, signal.SIGINT)
            if not done.wait(self.hangup_grace):
                os._exit(70)
            return


def _prepared(package: str | None, first_request: str | None) -> dict[str, Any]:
    """What the CLI's first request will need, found before connecting to
    it (`protocol.ENV_FIRST_REQUEST`): for ``migrations``, the migrations.
    The CLI accepts the connection only once it is ready to ask (it reads
    the database meanwhile), so the listing is ready when the request
    comes. A failure is left to the request, which finds the migrations
    again and reports it as always."""
    conversation: dict[str, Any] = {}
    if first_request == "migrations" and package:
        with contextlib.suppress(Exception):
            _discover(Context(_no_send, package, conversation))
    return conversation


def _preload_runner() -> None:
    """Import the runner (psycopg: the bulk of this program's start-up) in
    the background while the connection to the CLI is set up, so the first
    request does not wait for it — unless the CLI said its first requests
    need no database (`protocol.ENV_PRELOAD`): a no-op `migrate` then never
    pays for it. A failed import is reported by the request that needs it.
    (The package's table definitions are not preloaded: run in a thread
    beside the first request they made ``dibs diff`` slower, not faster.)"""

    def load() -> None:
        with contextlib.suppress(ImportError):
            importlib.import_module("dibs.runner")

    threading.Thread(target=load, name="dibs-preload", daemon=True).start()


def _caller_package(depth: int = 2) -> str | None:
    """The package of the module calling `run_service`, so that a program's
    ``main`` need not repeat its own name."""
    frame = inspect.currentframe()
    try:
        for _ in range(depth):
            if frame is None:
                return None
            frame = frame.f_back
        if frame is None:
            return None
        package = frame.f_globals.get("__package__")
        if isinstance(package, str) and package:
            return package.split(".")[0]
        name = frame.f_globals.get("__name__")
        if isinstance(name, str) and name != "__main__":
            return name.split(".")[0]
        return None
    finally:
        del frame


def connect(
    address: str | None = None,
    secret: str | None = None,
    *,
    handlers: Mapping[str, Handler] | None = None,
    package: str | None = None,
    timeout: float = CONNECT_TIMEOUT,
) -> Service:
    """Connect to the CLI and complete the handshake (address and secret
    default to the environment the CLI set)."""
    address = address if address is not None else os.environ.get(protocol.ENV_ADDR)
    secret = secret if secret is not None else os.environ.get(protocol.ENV_SECRET)
    if not address:
        raise ServiceError(
            f"{protocol.ENV_ADDR} is not set: this program is started by the dibs CLI"
            " (run `dibs migrate` or `dibs status`), not directly"
        )
    if secret is None:
        raise ServiceError(f"{protocol.ENV_SECRET} is not set (the dibs CLI sets it)")
    try:
        host, port = protocol.parse_address(address)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise ServiceError(f"cannot connect to dibs at {address}: {exc}") from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    registry = default_handlers()
    registry.update(handlers or {})
    service = Service(protocol.LineChannel(sock), registry, package)
    try:
        service.handshake(secret, timeout)
    except BaseException:
        service.channel.close()
        raise
    return service


def run_service(
    handlers: Mapping[str, Handler] | None = None, *, package: str | None = None
) -> None:
    """The db program's ``main``: connect to the CLI that started this
    program, answer its requests, return when it hangs up.

    ``package`` holds the migrations (default: the caller's package);
    ``handlers`` add or replace methods. Setup failures print one line to
    stderr and exit with status 2, so the CLI shows them as the program's
    last output.
    """
    if package is None:
        package = _caller_package()
    if os.environ.get(protocol.ENV_PRELOAD) != "0":
        _preload_runner()
    found = _prepared(package, os.environ.get(protocol.ENV_FIRST_REQUEST))
    try:
        service = connect(handlers=handlers, package=package)
    except ServiceError as exc:
        print(f"dibs service: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    service.watch_hangup = True
    service.conversation.update(found)
    try:
        service.serve()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the CLI went away mid-response; nothing is left to tell it
    except KeyboardInterrupt:
        raise SystemExit(130) from None  # interrupted, as `_watch` explains on stderr
    finally:
        service.channel.close()
        # The program ends now, and the CLI waits for that. The collection
        # Python runs at exit would visit everything built on the way (a few
        # hundred table definitions are a fifth of a second of it) only to
        # free memory the process gives back anyway.
        gc.freeze()
