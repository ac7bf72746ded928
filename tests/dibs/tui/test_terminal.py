"""The real ``dibs`` in a real terminal: tmux runs it at 80x24, keys go in
with send-keys and the screen comes back with capture-pane. It starts, draws
the database's state, hands the terminal to ``$EDITOR`` at the definition's
line (``o``) and quits with ``q``, exit code 0."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dibs.redaction import redact as redact_url

pytest.importorskip("textual")

TMUX = shutil.which("tmux")


class Terminal:
    """One tmux server of our own (its own socket: nothing else is touched)."""

    def __init__(self) -> None:
        assert TMUX
        self.socket = f"dibs-test-{uuid.uuid4().hex[:10]}"

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "dibs")

    def wait_for(self, text: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            assert time.monotonic() < deadline, f"{text!r} never appeared; the screen:\n{shown}"
            time.sleep(0.2)

    def wait_gone(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text in (shown := self.screen()):
            assert time.monotonic() < deadline, f"{text!r} stayed; the screen:\n{shown}"
            time.sleep(0.2)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "dibs", *keys)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    if TMUX is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    term = Terminal()
    try:
        yield term
    finally:
        subprocess.run([TMUX, "-L", term.socket, "kill-server"], capture_output=True, timeout=30)


def test_dibs_starts_opens_the_editor_and_quits(
    terminal: Terminal, project: Path, database_url: str, tmp_path: Path
) -> None:
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    record = tmp_path / "editor-args"
    editor = tmp_path / "editor"
    editor.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {shlex.quote(str(record))}\n")
    editor.chmod(0o755)
    exit_file = tmp_path / "exit-code"
    command = " ".join(
        [
            "env -u DATABASE_URL -u VISUAL",
            f"EDITOR={shlex.quote(str(editor))}",
            "TERM=xterm-256color",
            shlex.quote(script),
            "-d",
            shlex.quote(database_url),
            f"; echo $? > {shlex.quote(str(exit_file))}; sleep 30",
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    session = ["new-session", "-d", "-s", "dibs", "-x", "80", "-y", "24", "-c", str(project)]
    subprocess.run(
        [TMUX, "-L", terminal.socket, *session, command],
        check=True,
        env=env,
        timeout=30,
    )
    shown = terminal.wait_for("5 pending")
    header = shown.splitlines()[0]  # the state, then the database (cut to fit)
    assert header.startswith(" dibs  5 pending · drift: 12  ")
    shown_url = header.split("drift: 12  ", 1)[1].rstrip().removesuffix("…")
    assert len(shown_url) > 20 and redact_url(database_url).startswith(shown_url)
    assert "Schema" in shown and "Migrations" in shown and "Drift" in shown
    assert "q Quit" in shown

    terminal.keys("?")
    terminal.wait_for("dibs: keys")
    terminal.keys("Escape")  # alone: Escape then a key reads as Alt+key
    terminal.wait_gone("dibs: keys")

    terminal.keys("o")  # users, at its class line
    deadline = time.monotonic() + 30
    while not record.exists():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.2)
    line, path = record.read_text().splitlines()
    assert path == str(project / "my_app_db" / "tables.py")
    source = Path(path).read_text().splitlines()
    assert line.startswith("+") and source[int(line[1:]) - 1] == "class User:"

    terminal.wait_for("5 pending")  # back, and refreshed
    terminal.keys("q")
    deadline = time.monotonic() + 30
    while not exit_file.exists() or not exit_file.read_text().strip():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.2)
    assert exit_file.read_text().strip() == "0"
