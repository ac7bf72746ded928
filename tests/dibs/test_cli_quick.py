"""The typer-free route of `dibs migrate` and `dibs status` (`dibs.cli.quick`):
it reads exactly the options typer defines, hands anything else to typer, and
prints the same bytes with the same exit code as the typer route."""

from __future__ import annotations

import errno
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dibs.cli import commands, quick
from dibs.cli import main as dibs_main
from tests.dibs.test_cli import project  # noqa: F401  (a fixture)

URL = "postgresql://u@h/db"


J, D = "--json", "--database-url"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["migrate"], ("migrate", {})),
        (["migrate", "-d", URL], ("migrate", {"database": URL})),
        (["migrate", f"-d{URL}"], ("migrate", {"database": URL})),
        (["migrate", f"{D}={URL}", J], ("migrate", {"database": URL, "as_json": True})),
        (["migrate", D, ""], ("migrate", {"database": ""})),
        (
            ["migrate", "--dry-run", "--to", "2026_01_01_000000", "--allow-changed"],
            ("migrate", {"dry_run": True, "to": "2026_01_01_000000", "allow_changed": True}),
        ),
        (
            ["migrate", "--allow-out-of-order", "--lock-timeout-ms", "50"],
            ("migrate", {"allow_out_of_order": True, "lock_timeout_ms": 50}),
        ),
        (["migrate", "--statement-timeout-ms=0"], ("migrate", {"statement_timeout_ms": 0})),
        (
            ["status", "--exit-code", "--color", "never"],
            ("status", {"exit_code": True, "color": "never"}),
        ),
        (["status", J, "-d", URL], ("status", {"as_json": True, "database": URL})),
    ],
)
def test_plain_invocations_are_read(argv: list[str], expected: tuple[str, dict[str, Any]]) -> None:
    assert quick.parse(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["diff", "-d", URL],
        ["migrate", "--help"],
        ["migrate", "-h"],
        ["status", "--help", "-d", URL],
        ["status", "--dry-run"],  # not an option of status
        ["migrate", "extra"],
        ["migrate", "-d"],
        ["migrate", "-d", "--json"],
        ["migrate", "--to"],
        ["migrate", "--lock-timeout-ms", "-1"],
        ["migrate", "--lock-timeout-ms=-1"],
        ["migrate", "--lock-timeout-ms", "1.5"],
        ["migrate", "--statement-timeout-ms", "+5"],
        ["migrate", "--statement-timeout-ms", "\uff15"],  # a digit, but not ASCII
        ["migrate", "--json=1"],
        ["migrate", "--json", "--json"],
        ["migrate", "-d", URL, "--database-url", URL],
        ["migrate", "--color", "purple"],
        ["migrate", "--"],
        ["migrate", "--data"],  # typer does not complete abbreviations either
    ],
)
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert quick.parse(argv) is None
    assert quick.dispatch(argv) is None  # and nothing ran


def test_the_options_are_typers_options() -> None:
    """The table of options is checked against the typer commands, so an
    option added there cannot be silently refused (or misread) here."""
    import typer.main

    from dibs.cli.app import app

    group: Any = typer.main.get_command(app)
    for verb in ("migrate", "status"):
        command = group.commands[verb]
        valued = {o for p in command.params if not p.is_flag for o in p.opts}
        flags = {o for p in command.params if p.is_flag for o in p.opts}
        assert valued == set(quick._VALUED[verb])
        assert flags - {"--help"} == set(quick._FLAGS[verb])
        keywords = {p.name for p in command.params}
        assert set(quick._VALUED[verb].values()) | set(quick._FLAGS[verb].values()) == keywords


# --- both routes, same answers --------------------------------------------------


Run = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def both(
    project: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[[list[str]], None]:
    """Run argv in-process through the fast route and the typer route and
    assert the same exit code, stdout and stderr (times in ms masked)."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(project.parent / "site"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    dispatch = quick.dispatch

    def run(argv: list[str], fast: bool) -> tuple[int, str, str]:
        monkeypatch.setattr(quick, "dispatch", dispatch if fast else lambda args: None)
        code = dibs_main(argv)
        out, err = capsys.readouterr()
        return code, _masked(out), _masked(err)

    def check(argv: list[str]) -> None:
        assert quick.parse(argv) is not None, argv  # really a fast-route command line
        fast, slow = run(argv, True), run(argv, False)
        assert fast == slow, argv

    return check


def _masked(text: str) -> str:
    return re.sub(r"\(\d+ ms\)|\"(execution_time_ms|lock_wait_ms)\": \d+", "<time>", text)


def test_both_routes_print_the_same(
    both: Callable[[list[str]], None], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = "postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    for argv in (
        ["status", "-d", database_url],
        ["status", "-d", database_url, "--json"],
        ["status", "-d", database_url, "--exit-code"],
        ["migrate", "-d", database_url, "--dry-run"],
        ["migrate", f"-d{database_url}", "--dry-run", "--json", "--color", "never"],
        ["migrate", "-d", database_url, "--to", "2099_01_01_000000"],  # refused
        ["migrate"],  # no database URL
        ["status"],
        ["migrate", "-d", unreachable],
        ["status", "-d", unreachable, "--json"],
    ):
        both(argv)
    assert dibs_main(["migrate", "-d", database_url]) == 0  # now nothing is pending
    capsys.readouterr()
    for argv in (
        ["migrate", "-d", database_url],
        ["migrate", "--database-url", database_url, "--json"],
        ["migrate", "-d", database_url, "--lock-timeout-ms", "10", "--allow-changed"],
        ["status", "-d", database_url, "--exit-code"],
        ["status", "-d", database_url, "--json"],
    ):
        both(argv)


def test_a_broken_config_reads_the_same(
    both: Callable[[list[str]], None],
    project: Path,  # noqa: F811
    database_url: str,
) -> None:
    (project / ".config" / "dibs.styx").write_text("db {\n    crate my-app-db\n    nope 1\n}\n")
    both(["status", "-d", database_url])
    (project / ".config" / "dibs.styx").write_text("db {\n    crate \n")
    both(["migrate", "-d", database_url])


@pytest.mark.parametrize(
    "raised",
    [KeyboardInterrupt(), EOFError(), BrokenPipeError(errno.EPIPE, "Broken pipe")],
    ids=["interrupt", "eof", "epipe"],
)
def test_interrupted_the_same(
    both: Callable[[list[str]], None],
    monkeypatch: pytest.MonkeyPatch,
    raised: BaseException,
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> int:
        raise raised

    monkeypatch.setattr(commands, "migrate", interrupted)
    # both routes give up on a closed pipe; pytest's streams stay as they were
    monkeypatch.setattr(quick, "_silence_closed_pipes", lambda: None)
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    both(["migrate", "-d", URL])
