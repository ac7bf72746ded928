"""Starting the db program and talking to it (the CLI's side).

The CLI listens first and the program connects back, so there is no race
between the program starting and the CLI looking for it, and the program
needs no free port of its own. Everything that can go wrong — a missing
binary, a crash during import, a program that never connects or speaks
something else — ends as a `DbProgramError` whose message includes the
program's last lines of output, because that output is almost always where
the real cause is.

The child always ends with the `DbProgram` context: closed politely (the
CLI closing the connection asks the program to exit), then SIGTERM, then
SIGKILL. It runs in its own process group so the whole group is signalled
and a terminal's Ctrl-C reaches only the CLI, which then decides.
"""

from __future__ import annotations

import collections
import contextlib
import hmac
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from dibs import protocol
from dibs.config import DbConfig, Located
from dibs.redaction import Scrubber

#: How many lines of the program's output are kept for error messages.
DEFAULT_TAIL_LINES = 40
#: How long a program gets to exit after each polite request (close, SIGTERM).
DEFAULT_GRACE = 3.0


class DbProgramError(Exception):
    """The db program could not be started or talked to.

    ``output`` holds the program's last lines (stdout and stderr interleaved as
    they arrived); the message ends with them.
    """

    def __init__(
        self,
        message: str,
        *,
        program: str = "",
        output: Sequence[str] = (),
        returncode: int | None = None,
        pid: int | None = None,
    ) -> None:
        self.summary = message
        self.program = program
        self.pid = pid
        self.output = list(output)
        self.returncode = returncode
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.output:
            return self.summary
        label = self.program or "db program"
        tail = "\n".join(f"  {line}" for line in self.output)
        return f"{self.summary}\nlast output of {label}:\n{tail}"


class NoProgramConfigured(DbProgramError):
    """Neither ``db.binary`` nor ``db.crate`` is set."""


class ProgramNotFound(DbProgramError):
    """``db.binary`` does not exist (or the interpreter of its shebang does not)."""


class ProgramNotExecutable(DbProgramError):
    """``db.binary`` exists but cannot be executed."""


class ProgramExited(DbProgramError):
    """The program exited before connecting back."""


class ConnectTimeout(DbProgramError):
    """The program neither connected nor said hello within the timeout."""


class ProtocolViolation(DbProgramError):
    """The program sent something that is not the dibs protocol."""


class AuthenticationFailed(DbProgramError):
    """Whatever connected did not present the one-time secret."""


class VersionMismatch(ProtocolViolation):
    """The program speaks another version of the protocol."""


class ProgramDied(DbProgramError):
    """The connection ended (the program died) while a request was open."""


class RequestTimeout(DbProgramError):
    """No response within the timeout given to `DbProgram.call`."""


@dataclass(frozen=True)
class ProgramCommand:
    """How to start the db program, and the name its output is labelled with."""

    argv: list[str]
    name: str
    cwd: Path


def program_command(db: DbConfig, project_root: Path) -> ProgramCommand:
    """The command for ``db.binary`` (relative to the project root), else for
    ``db.crate`` run as ``python -m`` with the current interpreter — the same
    environment that has dibs installed has the db package installed too.

    The binary is checked here so that a typo in the config gets a message
    naming the resolved path rather than an errno from ``exec``.
    """
    if db.binary:
        path = Path(db.binary)
        if not path.is_absolute():
            path = project_root / path
        name = path.name
        if not path.exists():
            raise ProgramNotFound(f"db program {path} does not exist (db.binary)", program=name)
        if not path.is_file() or not os.access(path, os.X_OK):
            kind = "is not a file" if not path.is_file() else "is not executable (chmod +x?)"
            raise ProgramNotExecutable(f"db program {path} {kind} (db.binary)", program=name)
        return ProgramCommand([str(path)], name, project_root)
    if db.crate:
        module = db.crate.replace("-", "_")
        return ProgramCommand([sys.executable, "-m", module], db.crate, project_root)
    raise NoProgramConfigured("neither db.binary nor db.crate is set in the dibs config")


class DbProgram:
    """A running db program and its connection; use as a context manager.

    ``with DbProgram.from_config(located) as program: program.call("ping")``.
    Entering starts the program and waits for its hello; leaving (normally,
    on an exception or on KeyboardInterrupt) ends it and reaps it.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str | None = None,
        connect_timeout: float = 30.0,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        output: IO[str] | None = None,
        tail_lines: int = DEFAULT_TAIL_LINES,
        grace: float = DEFAULT_GRACE,
        hold_output: bool = False,
        preload: bool = True,
        first_request: str | None = None,
    ) -> None:
        self.argv = list(argv)
        #: Whether the program imports its runner at start (`protocol.ENV_PRELOAD`).
        self.preload = preload
        #: The method the CLI will ask first, if known (`protocol.ENV_FIRST_REQUEST`).
        self.first_request = first_request
        self.name = name or Path(self.argv[0]).name
        self.connect_timeout = connect_timeout
        self.cwd = cwd
        self.env = dict(os.environ if env is None else env)
        self.output = output if output is not None else sys.stderr
        self.grace = grace
        self.tail: collections.deque[str] = collections.deque(maxlen=tail_lines)
        self.process: subprocess.Popen[bytes] | None = None
        self._channel: protocol.LineChannel | None = None
        self._readers: list[threading.Thread] = []
        self._output_lock = threading.Lock()
        self._next_id = 1
        self._broken: DbProgramError | None = None
        self._listener: socket.socket | None = None
        self._secret = ""
        #: Every relayed line and log event passes through it: a migration or
        #: the program itself may print the password (`protect` adds one).
        self.scrubber = Scrubber()
        self.scrubber.add_environment(self.env)
        #: Set when the program is let go unused: whatever it says then
        #: (that dibs hung up on it) is of no interest to anyone.
        self._silenced = False
        #: Lines kept back until `start` (a program launched early, before
        #: the CLI knows it will be used, stays silent if it is not).
        self._held: list[str] | None = [] if hold_output else None

    @classmethod
    def from_config(cls, located: Located, **options: Any) -> DbProgram:
        """The program of a loaded ``.config/dibs.styx``."""
        command = program_command(located.config.db, located.project_root)
        options.setdefault("connect_timeout", located.config.db.connect_timeout.total_seconds())
        options.setdefault("cwd", command.cwd)
        return cls(command.argv, name=command.name, **options)

    def protect(self, url: str) -> None:
        """Mask the secrets of ``url`` in everything relayed from now on."""
        self.scrubber.add_url(url)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    # --- lifecycle -----------------------------------------------------------

    def __enter__(self) -> DbProgram:
        try:
            self.start()
        except BaseException:
            self.terminate()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # a request that failed (a migration error) leaves a healthy program
        # that can be let go politely; anything else ends it at once
        if exc_type is None or issubclass(exc_type, protocol.RemoteError):
            self.close()
        else:
            self.terminate()

    def launch(self) -> None:
        """Listen and start the program without waiting for it. The CLI
        launches early so that the program's own start-up (an interpreter,
        psycopg) overlaps the CLI's; `start` then waits for the connection."""
        if self.process is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            host, port = listener.getsockname()[:2]
            self._secret = secrets.token_urlsafe(32)
            env = dict(self.env)
            env[protocol.ENV_ADDR] = f"{host}:{port}"
            env[protocol.ENV_SECRET] = self._secret
            env.setdefault("PYTHONUNBUFFERED", "1")
            if not self.preload:
                env[protocol.ENV_PRELOAD] = "0"
            if self.first_request is not None:
                env[protocol.ENV_FIRST_REQUEST] = self.first_request
            self._spawn(env)
        except BaseException:
            listener.close()
            raise
        self._listener = listener

    def start(self) -> None:
        """Launch the program if not yet launched, accept its connection and
        check its hello. The connect timeout counts from here: time the CLI
        spent on its own after an early `launch` is not the program's."""
        self.launch()
        self._release()
        assert self._listener is not None
        deadline = time.monotonic() + self.connect_timeout
        try:
            sock = self._accept(self._listener, deadline)
        finally:
            self._close_listener()
        self._channel = protocol.LineChannel(sock)
        self._handshake(self._secret, deadline)

    def _release(self) -> None:
        """Show the lines held back since an early launch: it is used now."""
        with self._output_lock:
            held, self._held = self._held or [], None
            try:
                for line in held:
                    self.output.write(f"[{self.name}] {line}\n")
                self.output.flush()
            except (OSError, ValueError):
                pass

    def _close_listener(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _spawn(self, env: dict[str, str]) -> None:
        try:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError as error:
            raise ProgramNotFound(
                f"cannot start db program {self.argv[0]}: {error.strerror}"
                " (a missing file, or a missing interpreter named by its #! line)",
                program=self.name,
            ) from None
        except PermissionError as error:
            raise ProgramNotExecutable(
                f"cannot start db program {self.argv[0]}: {error.strerror}", program=self.name
            ) from None
        except OSError as error:
            raise ProgramNotExecutable(
                f"cannot start db program {self.argv[0]}: {error.strerror or error}",
                program=self.name,
            ) from None
        assert self.process.stdout is not None and self.process.stderr is not None
        for pipe in (self.process.stdout, self.process.stderr):
            thread = threading.Thread(
                target=self._pump, args=(pipe,), name=f"dibs-output-{self.name}", daemon=True
            )
            thread.start()
            self._readers.append(thread)

    def _pump(self, pipe: IO[bytes]) -> None:
        """Copy one of the program's pipes to our output, labelled, and keep a tail."""
        with pipe:
            for raw in iter(pipe.readline, b""):
                if self._silenced:
                    continue
                line = self.scrubber(raw.decode("utf-8", "replace").rstrip("\r\n"))
                with self._output_lock:
                    self.tail.append(line)
                    if self._held is not None:
                        self._held.append(line)
                        continue
                    try:
                        self.output.write(f"[{self.name}] {line}\n")
                        self.output.flush()
                    except (OSError, ValueError):
                        pass  # our own stderr went away; keep draining the pipe

    def _last_output(self) -> list[str]:
        """The tail once the output threads have caught up (briefly waited for,
        since a grandchild could keep a pipe open forever)."""
        if self.process is not None and self.process.poll() is not None:
            for thread in self._readers:
                thread.join(timeout=1.0)
        with self._output_lock:
            return list(self.tail)

    def _fail(self, kind: type[DbProgramError], message: str) -> DbProgramError:
        returncode = self.process.poll() if self.process is not None else None
        return kind(
            message,
            program=self.name,
            output=self._last_output(),
            returncode=returncode,
            pid=self.pid,
        )

    def _exit_description(self, returncode: int) -> str:
        if returncode < 0:
            try:
                return f"was killed by {signal.Signals(-returncode).name}"
            except ValueError:
                return f"was killed by signal {-returncode}"
        return f"exited with status {returncode}"

    def _accept(self, listener: socket.socket, deadline: float) -> socket.socket:
        """Wait for the connection, in short steps so an early exit is noticed
        at once instead of after the whole timeout."""
        assert self.process is not None
        while True:
            returncode = self.process.poll()
            if returncode is not None:
                raise self._fail(
                    ProgramExited,
                    f"db program {self.name} {self._exit_description(returncode)}"
                    " before connecting to dibs",
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._fail(
                    ConnectTimeout,
                    f"db program {self.name} did not connect to dibs within"
                    f" {self.connect_timeout:g} s (does its main call dibs.run_service()?)",
                )
            listener.settimeout(min(0.05, remaining))
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock

    def _receive_hello(self, deadline: float) -> dict[str, Any]:
        """The first message of whatever connected, waited for in short
        steps: if the program exits meanwhile (something else took the
        connection, and the program gave up on dibs), waiting on is pointless."""
        assert self._channel is not None and self.process is not None
        while True:
            step = min(deadline, time.monotonic() + 0.1)
            try:
                return self._channel.receive(step)
            except protocol.ReadTimeout:
                if time.monotonic() >= deadline:
                    raise
                returncode = self.process.poll()
                if returncode is not None:
                    raise self._fail(
                        ProgramExited,
                        f"db program {self.name} {self._exit_description(returncode)}"
                        " before its hello reached dibs (did another process connect to"
                        " dibs' port first?)",
                    ) from None

    def _handshake(self, secret: str, deadline: float) -> None:
        assert self._channel is not None and self.process is not None
        try:
            message = self._receive_hello(deadline)
        except protocol.ReadTimeout:
            raise self._fail(
                ConnectTimeout,
                f"db program {self.name} connected but sent no hello within"
                f" {self.connect_timeout:g} s",
            ) from None
        except protocol.ConnectionClosed:
            self._wait_quietly(self.grace)
            returncode = self.process.poll()
            what = (
                self._exit_description(returncode)
                if returncode is not None
                else "closed the connection"
            )
            raise self._fail(
                ProgramExited, f"db program {self.name} {what} before its hello"
            ) from None
        except protocol.ProtocolError as error:
            raise self._fail(
                ProtocolViolation,
                f"db program {self.name} does not speak the dibs protocol: {error}",
            ) from None
        try:
            version, presented, _pid = protocol.parse_hello(message)
        except protocol.ProtocolError as error:
            raise self._fail(
                ProtocolViolation,
                f"db program {self.name} does not speak the dibs protocol: {error}",
            ) from None
        if not hmac.compare_digest(presented.encode(), secret.encode()):
            self._reject(protocol.UNAUTHORIZED, "wrong secret")
            raise self._fail(
                AuthenticationFailed,
                f"the process that connected to dibs did not present the secret given to"
                f" {self.name} (is something else connecting to dibs' port?)",
            )
        if version != protocol.PROTOCOL_VERSION:
            self._reject(
                protocol.UNSUPPORTED_VERSION,
                f"dibs speaks protocol version {protocol.PROTOCOL_VERSION}, not {version}",
            )
            raise self._fail(
                VersionMismatch,
                f"db program {self.name} speaks dibs protocol version {version}, but this dibs"
                f" speaks version {protocol.PROTOCOL_VERSION}: use the same dibs version in"
                " the program and the CLI",
            )
        self._channel.send(protocol.welcome())

    def _reject(self, code: str, message: str) -> None:
        """Tell the peer why it is refused, best effort (it may be gone)."""
        assert self._channel is not None
        with contextlib.suppress(OSError):
            self._channel.send(protocol.error(None, code, message))
        # a moment for the program to print why it stops, so the error shows it
        self._wait_quietly(min(self.grace, 1.0))

    # --- requests ------------------------------------------------------------

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        on_log: Callable[[protocol.LogEvent], None] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Send one request and return its result. Log events arriving before
        the response go to ``on_log`` (default: printed, labelled, on the
        output). Raises `protocol.RemoteError` when the program answers with an
        error, `ProgramDied`/`ProtocolViolation` when the link fails, and
        `RequestTimeout` when ``timeout`` seconds pass without a response (by
        default a request may take as long as its migrations do)."""
        if self._broken is not None:
            raise self._broken
        if self._channel is None or self.process is None:
            raise RuntimeError("DbProgram.call() before start(); use it as a context manager")
        show = on_log or self._show_log
        request_id = self._next_id
        self._next_id += 1
        try:
            self._channel.send(protocol.request(request_id, method, params))
        except OSError as error:
            self._broken = self._died(f"while sending {method!r} ({error.strerror or error})")
            raise self._broken from None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                message = self._channel.receive(deadline)
            except protocol.ReadTimeout:
                self._broken = self._fail(
                    RequestTimeout,
                    f"db program {self.name} did not answer {method!r} within {timeout:g} s",
                )
                raise self._broken from None
            except protocol.ConnectionClosed:
                self._broken = self._died(f"during {method!r}")
                raise self._broken from None
            except protocol.ProtocolError as error:
                self._broken = self._fail(
                    ProtocolViolation,
                    f"db program {self.name} sent garbage during {method!r}: {error}",
                )
                raise self._broken from None
            try:
                if "log" in message:
                    show(protocol.parse_log(message["log"]))
                    continue
                if message.get("id") != request_id:
                    raise protocol.ProtocolError(
                        f"response for id {message.get('id')!r}, expected {request_id}"
                    )
                if "error" in message:
                    raise protocol.parse_error(message["error"])
                if "result" in message:
                    return message["result"]
                raise protocol.ProtocolError("response has neither 'result' nor 'error'")
            except protocol.ProtocolError as error:
                self._broken = self._fail(
                    ProtocolViolation,
                    f"db program {self.name} sent an invalid message during {method!r}: {error}",
                )
                raise self._broken from None

    def _show_log(self, event: protocol.LogEvent) -> None:
        """The default for streamed logs: labelled lines, like the output."""
        where = f" {event.migration}:" if event.migration else ""
        with self._output_lock:
            text = self.scrubber(f"[{self.name}] {event.level}:{where} {event.message}")
            self.output.write(text + "\n")
            self.output.flush()

    def _died(self, during: str) -> DbProgramError:
        self._wait_quietly(self.grace)
        returncode = self.process.poll() if self.process is not None else None
        what = (
            self._exit_description(returncode)
            if returncode is not None
            else "closed the connection"
        )
        return self._fail(ProgramDied, f"db program {self.name} {what} {during}")

    # --- ending --------------------------------------------------------------

    def _wait_quietly(self, timeout: float) -> bool:
        if self.process is None:
            return True
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def _signal(self, signum: int) -> None:
        """Signal the program's process group (it leads its own session), or
        the program alone if the group is gone."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass
        except PermissionError:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)

    def close(self) -> None:
        """The normal end: closing the connection asks the program to exit;
        one that does not within the grace period is terminated, and one whose
        conversation already failed is terminated at once."""
        if self._broken is not None:
            self.terminate()
            return
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        try:
            exited = self._wait_quietly(self.grace)
        except BaseException:
            self.terminate()
            raise
        if not exited:
            self.terminate()
        self._finish()

    def discard(self) -> None:
        """End a program nobody used (launched early for a command that then
        failed before needing it) without relaying what it says about it."""
        self._silenced = True
        self.terminate()

    def terminate(self) -> None:
        """End the program now: SIGTERM, SIGKILL after the grace period, reap.
        Safe to call repeatedly and from any exit path."""
        self._close_listener()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self.process is not None and self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                exited = self._wait_quietly(self.grace)
            except BaseException:
                # a second Ctrl-C while waiting: no more patience, but no orphan
                self._signal(signal.SIGKILL)
                self.process.wait()
                raise
            if not exited:
                self._signal(signal.SIGKILL)
                self.process.wait()
        if self.process is not None and self.process.returncode is not None:
            # the group may hold stragglers the program started; they go too
            self._signal(signal.SIGKILL)
        self._finish()

    def _finish(self) -> None:
        for thread in self._readers:
            thread.join(timeout=1.0)
