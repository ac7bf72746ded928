"""Starting real db programs (tests/dibs/programs/) and every way that fails.

Each failure must be a specific `DbProgramError` whose message carries the
program's last output, and must leave no process behind.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dibs import protocol, spawn
from dibs.config import CONFIG_PATH, Config, DbConfig, Located

PROGRAMS = Path(__file__).parent / "programs"
ECHO = [sys.executable, str(PROGRAMS / "echo_service.py")]


def misbehave(mode: str) -> list[str]:
    return [sys.executable, str(PROGRAMS / "misbehave.py"), mode]


def gone(pid: int, within: float = 5.0) -> bool:
    """The process no longer exists (reaped: a zombie would still answer)."""
    deadline = time.monotonic() + within
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def enter_and_leave(db_program: spawn.DbProgram) -> None:
    """Start the program and stop it again (for failures of starting)."""
    with db_program:
        pass


def program(argv: list[str], **options: Any) -> spawn.DbProgram:
    options.setdefault("output", io.StringIO())
    options.setdefault("connect_timeout", 10.0)
    options.setdefault("grace", 1.0)
    return spawn.DbProgram(argv, **options)


def test_round_trip_with_logs_and_labelled_output() -> None:
    out = io.StringIO()
    events: list[protocol.LogEvent] = []
    with program(ECHO, name="echo-db", output=out) as p:
        pid = p.pid
        assert p.call("ping")["pid"] == pid
        result = p.call("echo", {"logs": 3, "x": [1, "ü"]}, on_log=events.append)
        assert result == {"logs": 3, "x": [1, "ü"]}
        assert [e.message for e in events] == ["step 0", "step 1", "step 2"]
        assert events[0].migration == "m2026_01_01_000000_test"
        assert p.call("shout") == "shouted"
        p.call("echo", {"logs": 1})  # default printer: labelled on the output
    assert pid is not None and gone(pid)
    text = out.getvalue()
    assert "[echo-db] to stdout: hello\n" in text
    assert "[echo-db] to stderr: hello\n" in text
    assert "[echo-db] info: m2026_01_01_000000_test: step 0\n" in text


def test_launched_early_the_connect_timeout_counts_from_start() -> None:
    # the CLI launches the program, then spends time on its own imports:
    # that time is not the program's
    p = program(ECHO, connect_timeout=0.5)
    p.launch()
    try:
        time.sleep(1.0)
        with p:
            assert p.call("ping")["pid"] == p.pid
    finally:
        p.terminate()


def test_a_launched_program_never_started_is_ended_by_terminate() -> None:
    p = program(ECHO)
    p.launch()
    pid = p.pid
    p.terminate()
    assert pid is not None and gone(pid)


def test_handler_errors_are_remote_errors_and_the_program_lives_on() -> None:
    with program(ECHO) as p:
        with pytest.raises(protocol.RemoteError) as caught:
            p.call("fail", on_log=lambda e: None)
        assert caught.value.code == protocol.HANDLER_ERROR
        assert caught.value.data["attributes"] == {"sqlstate": "42P01"}
        with pytest.raises(protocol.RemoteError) as caught:
            p.call("fail", {"request_error": True}, on_log=lambda e: None)
        assert (caught.value.code, caught.value.data) == ("custom_code", {"why": "test"})
        with pytest.raises(protocol.RemoteError, match="unknown method"):
            p.call("no_such_method")
        assert p.call("ping")["pong"] is True


def test_a_failed_request_leaving_the_block_closes_politely() -> None:
    with pytest.raises(protocol.RemoteError), program(ECHO, grace=5.0) as p:
        pid = p.pid
        p.call("fail", on_log=lambda e: None)
    assert p.process is not None and p.process.returncode == 0  # exited, not signalled
    assert pid is not None and gone(pid)


def test_binary_missing(tmp_path: Path) -> None:
    with pytest.raises(spawn.ProgramNotFound, match=r"bin/my-app-db does not exist"):
        spawn.program_command(DbConfig(binary="bin/my-app-db"), tmp_path)
    with pytest.raises(spawn.ProgramNotFound, match="cannot start"):
        enter_and_leave(program([str(tmp_path / "nope")]))


def test_binary_not_executable(tmp_path: Path) -> None:
    script = tmp_path / "my-app-db"
    script.write_text("#!/bin/sh\necho hi\n")
    with pytest.raises(spawn.ProgramNotExecutable, match="not executable"):
        spawn.program_command(DbConfig(binary="my-app-db"), tmp_path)
    with pytest.raises(spawn.ProgramNotExecutable, match="is not a file"):
        spawn.program_command(DbConfig(binary=str(tmp_path)), tmp_path)
    with pytest.raises(spawn.ProgramNotExecutable, match="Permission denied"):
        enter_and_leave(program([str(script)]))


def test_missing_shebang_interpreter(tmp_path: Path) -> None:
    script = tmp_path / "my-app-db"
    script.write_text("#!/nonexistent/python\n")
    script.chmod(0o755)
    with pytest.raises(spawn.ProgramNotFound, match="interpreter"):
        enter_and_leave(program([str(script)]))


def test_no_program_configured(tmp_path: Path) -> None:
    with pytest.raises(spawn.NoProgramConfigured):
        spawn.program_command(DbConfig(), tmp_path)


def test_exits_early_with_its_output(tmp_path: Path) -> None:
    out = io.StringIO()
    started = time.monotonic()
    with pytest.raises(spawn.ProgramExited) as caught:
        enter_and_leave(
            program(misbehave("exit_early"), name="my-app-db", output=out, connect_timeout=30)
        )
    assert time.monotonic() - started < 10  # noticed at once, not after the timeout
    message = str(caught.value)
    assert "my-app-db exited with status 3 before connecting" in message
    assert "cannot import my_app_db.schema: boom" in message
    assert caught.value.returncode == 3
    assert "[my-app-db] Traceback: cannot import my_app_db.schema: boom" in out.getvalue()


def hang_test(tmp_path: Path, mode: str) -> None:
    pidfile = tmp_path / "pid"
    env = {**os.environ, "DIBS_TEST_PIDFILE": str(pidfile)}
    started = time.monotonic()
    with pytest.raises(spawn.ConnectTimeout) as caught:
        enter_and_leave(program(misbehave(mode), env=env, connect_timeout=2.0, grace=0.5))
    assert time.monotonic() - started < 10
    assert "did not connect to dibs within 2 s" in str(caught.value)
    assert f"starting in mode {mode}" in str(caught.value)
    assert caught.value.pid is not None and caught.value.pid == int(pidfile.read_text())
    assert gone(caught.value.pid)


def test_never_connects_times_out_and_is_killed(tmp_path: Path) -> None:
    hang_test(tmp_path, "hang")


def test_ignoring_sigterm_gets_sigkill(tmp_path: Path) -> None:
    hang_test(tmp_path, "hang_ignore_term")


def test_garbage_instead_of_hello() -> None:
    with pytest.raises(spawn.ProtocolViolation) as caught:
        enter_and_leave(program(misbehave("garbage")))
    assert "does not speak the dibs protocol" in str(caught.value)
    assert "GET / HTTP/1.1" in str(caught.value)


def test_connects_but_never_says_hello(tmp_path: Path) -> None:
    with pytest.raises(spawn.ConnectTimeout, match="sent no hello within"):
        enter_and_leave(program(misbehave("silent"), connect_timeout=1.0))


def test_wrong_secret_is_refused_and_told() -> None:
    with pytest.raises(spawn.AuthenticationFailed) as caught:
        enter_and_leave(program(misbehave("wrong_secret"), grace=3.0))
    message = str(caught.value)
    assert "did not present the secret" in message
    # the program learnt why before it was stopped, and its output says so
    assert "dibs refused this program: wrong secret [unauthorized]" in message


def test_wrong_version() -> None:
    with pytest.raises(spawn.VersionMismatch, match="speaks dibs protocol version 99"):
        enter_and_leave(program(misbehave("wrong_version")))


def test_garbage_instead_of_a_response() -> None:
    with program(misbehave("bad_response")) as p:
        with pytest.raises(spawn.ProtocolViolation, match="sent garbage during 'ping'"):
            p.call("ping")
        with pytest.raises(spawn.ProtocolViolation):  # the link stays marked broken
            p.call("ping")


def test_dies_mid_request() -> None:
    events: list[protocol.LogEvent] = []
    with program(ECHO, name="echo-db") as p:
        with pytest.raises(spawn.ProgramDied) as caught:
            p.call("die", on_log=events.append)
        pid = p.pid
    message = str(caught.value)
    assert "echo-db exited with status 7 during 'die'" in message
    assert "fatal: segfault in extension, dying" in message
    assert caught.value.returncode == 7
    assert [e.message for e in events] == ["applying m2026_01_01_000000_test"]
    assert pid is not None and gone(pid)


def test_killed_by_a_signal_mid_request() -> None:
    with program(ECHO) as p:
        assert p.pid is not None
        pid = p.pid
        p.call("ping")
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(spawn.ProgramDied, match="was killed by SIGKILL"):
            p.call("ping")


def test_exception_in_the_cli_terminates_the_child() -> None:
    pid = None
    with pytest.raises(RuntimeError, match="cli bug"), program(ECHO) as p:
        pid = p.pid
        raise RuntimeError("cli bug")
    assert pid is not None and gone(pid)


def test_keyboard_interrupt_in_the_cli_terminates_the_child() -> None:
    pid = None
    with pytest.raises(KeyboardInterrupt), program(ECHO) as p:
        pid = p.pid
        raise KeyboardInterrupt
    assert pid is not None and gone(pid)


def test_sigint_during_a_request_ends_cli_and_child() -> None:
    cli = subprocess.Popen(
        [sys.executable, str(PROGRAMS / "cli_interrupted.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert cli.stdout is not None
        child = int(cli.stdout.readline())
        assert cli.stdout.readline() == "log\n"  # inside the request now
        cli.send_signal(signal.SIGINT)
        out, err = cli.communicate(timeout=15)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == 130, err
    assert "interrupted" in out
    assert gone(child)


def write_config(root: Path, db: DbConfig) -> Located:
    (root / ".config").mkdir(parents=True, exist_ok=True)
    path = root / CONFIG_PATH
    path.write_text("")
    return Located(Config(db=db), path)


def test_binary_from_config_relative_to_project_root(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "bin").mkdir(parents=True)
    binary = root / "bin" / "my-app-db"
    binary.write_text(f"#!{sys.executable}\n" + (PROGRAMS / "echo_service.py").read_text())
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    located = write_config(root, DbConfig(binary="bin/my-app-db"))
    out = io.StringIO()
    with spawn.DbProgram.from_config(located, output=out, grace=1.0) as p:
        assert p.name == "my-app-db"
        assert p.call("shout") == "shouted"
    assert "[my-app-db] to stdout: hello" in out.getvalue()


def make_package(tmp_path: Path) -> Path:
    """A throwaway ``my_app_db`` package (``python -m my_app_db`` serves it)
    with two SQL migrations; returns the folder to put on PYTHONPATH."""
    packages = tmp_path / "site"
    pkg = packages / "my_app_db"
    (pkg / "migrations").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "__main__.py").write_text(
        textwrap.dedent(
            """
            import dibs.service

            print("my_app_db starting", flush=True)
            dibs.service.run_service()
            """
        )
    )
    (pkg / "migrations" / "m2026_01_24_120000_create_users.sql").write_text(
        "CREATE TABLE users (id bigint PRIMARY KEY);\n"
    )
    (pkg / "migrations" / "m2026_01_25_090000_create_posts.sql").write_text(
        "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n"
    )
    return packages


def test_crate_runs_with_python_dash_m(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages = make_package(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(packages))
    located = write_config(
        tmp_path / "project", DbConfig(crate="my-app-db", connect_timeout=timedelta(seconds=20))
    )
    command = spawn.program_command(located.config.db, located.project_root)
    assert command.argv == [sys.executable, "-m", "my_app_db"]
    out = io.StringIO()
    with spawn.DbProgram.from_config(located, output=out, grace=1.0) as p:
        assert p.connect_timeout == 20
        assert p.call("ping")["package"] == "my_app_db"
        listed = p.call("migrations")
    assert [(m["version"], m["name"]) for m in listed] == [
        ("2026_01_24_120000", "create_users"),
        ("2026_01_25_090000", "create_posts"),
    ]
    assert listed[0]["kind"] == "sql" and listed[0]["transactional"] is True
    assert "sql" not in listed[0] and "function" not in listed[0]
    assert "[my-app-db] my_app_db starting" in out.getvalue()


def test_crate_not_importable_is_an_early_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    located = write_config(tmp_path, DbConfig(crate="no-such-db-package"))
    with pytest.raises(spawn.ProgramExited, match="No module named no_such_db_package"):
        enter_and_leave(spawn.DbProgram.from_config(located, output=io.StringIO()))


def test_program_run_directly_explains_itself() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIBS_CLI_")}
    done = subprocess.run(ECHO, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "DIBS_CLI_ADDR is not set: this program is started by the dibs CLI" in done.stderr
    assert "Traceback" not in done.stderr


def test_migrate_and_status_through_the_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    """The whole path: CLI side -> python -m my_app_db -> dibs.runner -> PostgreSQL."""
    monkeypatch.setenv("PYTHONPATH", str(make_package(tmp_path)))
    located = write_config(tmp_path / "project", DbConfig(crate="my-app-db"))
    events: list[protocol.LogEvent] = []
    with spawn.DbProgram.from_config(located, output=io.StringIO(), grace=1.0) as p:
        before = p.call("status", {"database_url": database_url})
        assert before["pending"] == ["2026_01_24_120000", "2026_01_25_090000"]
        result = p.call(
            "migrate",
            {"database_url": database_url, "options": {"dry_run": False}},
            on_log=events.append,
        )
        assert result["ok"] is True
        assert [m["name"] for m in result["applied"]] == ["create_users", "create_posts"]
        assert any("applied" in e.message for e in events)
        after = p.call("status", {"database_url": database_url})
        assert after["up_to_date"] is True and after["pending"] == []
        with pytest.raises(protocol.RemoteError) as caught:
            p.call("migrate", {"database_url": database_url, "options": {"dryrun": True}})
        assert caught.value.code == protocol.INVALID_PARAMS
        assert "dryrun" in caught.value.message


def test_database_password_never_reaches_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv("PYTHONPATH", str(make_package(tmp_path)))
    located = write_config(tmp_path / "project", DbConfig(crate="my-app-db"))
    url = "postgresql://app:hunter2secret@127.0.0.1:1/app?connect_timeout=2"
    program = spawn.DbProgram.from_config(located, output=io.StringIO(), grace=1.0)
    with program as p, pytest.raises(protocol.RemoteError) as caught:
        p.call("status", {"database_url": url})
    assert caught.value.code == protocol.DATABASE_UNAVAILABLE
    everything = str(caught.value) + repr(caught.value.data)
    assert "hunter2secret" not in everything
    assert "cannot connect to database app on 127.0.0.1:1" in caught.value.message


def test_request_timeout_then_the_program_is_stopped() -> None:
    with program(ECHO, name="echo-db") as p:
        pid = p.pid
        with pytest.raises(spawn.RequestTimeout, match=r"did not answer 'sleep' within 0\.3 s"):
            p.call("sleep", {"seconds": 30}, on_log=lambda e: None, timeout=0.3)
        with pytest.raises(spawn.RequestTimeout):  # the conversation is over
            p.call("ping")
    assert pid is not None and gone(pid)


def test_program_stops_when_the_cli_hangs_up_mid_request() -> None:
    """A CLI killed with -9 cannot signal its program: the program notices
    the connection closing during a request and stops by itself."""
    out = io.StringIO()
    p = program(ECHO, name="echo-db", output=out)
    with p:
        assert p.process is not None and p._channel is not None
        p._channel.send(protocol.request(99, "sleep", {"seconds": 60}))
        p._channel.read_line(time.monotonic() + 10)  # its "sleeping" log: it is inside
        p._channel.sock.close()  # what the kernel does when the CLI dies
        assert p.process.wait(timeout=10) == 130
        p._channel = None
    assert "[echo-db] dibs service: the dibs CLI went away during 'sleep'; stopping" in (
        out.getvalue()
    )


def test_waiting_for_a_hello_ends_when_the_program_exits() -> None:
    """Something silent took the connection and the program gave up: dibs
    says so at once, not after the whole connect timeout."""
    started = time.monotonic()
    impostor = program(misbehave("impostor"), connect_timeout=20.0)
    with (
        pytest.raises(spawn.ProgramExited, match="exited with status 4 before its hello"),
        impostor,
    ):
        pass
    assert time.monotonic() - started < 10.0


def test_a_discarded_program_is_silent() -> None:
    """The early program of a command that failed before needing it: what
    it says about being let go is nobody's business."""
    for discard in (False, True):
        out = io.StringIO()
        p = program(ECHO, name="echo-db", output=out)
        p.launch()
        time.sleep(1.5)  # connected, waiting for the welcome that never comes
        signal_now = p._signal

        def signal_later(signum: int, signal_now: Any = signal_now) -> None:
            time.sleep(1.0)  # time to say why it stops, before it is stopped
            signal_now(signum)

        p._signal = signal_later  # type: ignore[method-assign]
        p.discard() if discard else p.terminate()
        assert p.process is not None and p.process.returncode is not None
        said = out.getvalue()
        # (ended, it says that dibs did not accept it; discarded, nothing)
        assert ("did not accept" in said) is not discard, said


def test_relayed_lines_are_scrubbed() -> None:
    out = io.StringIO()
    p = program(misbehave("exit_early"), output=out)
    p.protect("postgresql://u:boom-pw@h/db")
    p.scrubber.add("cannot import")
    with pytest.raises(spawn.ProgramExited) as caught, p:
        pass
    assert "cannot import" not in out.getvalue() and "***" in out.getvalue()
    assert all("cannot import" not in line for line in caught.value.output)
