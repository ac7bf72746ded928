"""`styx --version`, `styx get`/`styx set`, and what `styx check` adds for tools and people."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import styx_executable

SCHEMA = """meta {id t, version 2026-01-01}
schema {
    @ @object{
        listener @object{
            host @string
            port @int
        }
        ports @seq(@int)
    }
}
"""

DOCUMENT = """\
@schema schema.styx

// Where we listen.
listener {
    host localhost
    port 80  // the port
}
ports (1 2 3)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schema.styx").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "app.styx").write_text(DOCUMENT, encoding="utf-8")
    return tmp_path


def test_version(run_styx) -> None:
    for flag in ("--version", "-V"):
        done = run_styx(flag)
        assert (done.returncode, done.stdout) == (0, f"styx {version('styx-dibs')}\n")


def test_dibs_version() -> None:
    dibs = Path(sys.executable).with_name("dibs")
    done = subprocess.run([str(dibs), "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, f"dibs {version('styx-dibs')}\n")


@pytest.mark.parametrize(
    ("path", "printed"),
    [
        ("listener.port", "80\n"),
        ("ports[2]", "3\n"),
        ("listener", "{\n    host localhost\n    port 80  // the port\n}\n"),
        ("ports", "(1 2 3)\n"),
    ],
)
def test_get_prints_the_value(run_styx, project: Path, path: str, printed: str) -> None:
    done = run_styx("get", "app.styx", path, cwd=project)
    assert (done.returncode, done.stdout, done.stderr) == (0, printed, "")


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("listener.nope", 1, "no value at `listener.nope`"),
        ("ports[7]", 1, "no value at `ports[7]`"),
        ("a..b", 2, "unexpected '.'"),
    ],
)
def test_get_answers_no_or_cannot_tell(
    run_styx, project: Path, path: str, code: int, message: str
) -> None:
    done = run_styx("get", "app.styx", path, cwd=project)
    assert (done.returncode, done.stdout) == (code, "")
    assert message in done.stderr and "Traceback" not in done.stderr


def test_get_on_a_broken_file_cannot_tell(run_styx, tmp_path: Path) -> None:
    (tmp_path / "bad.styx").write_text("a {\n", encoding="utf-8")
    done = run_styx("get", "bad.styx", "a", cwd=tmp_path)
    assert done.returncode == 2 and "bad.styx:1:3" in done.stderr


def test_set_changes_only_that_value(run_styx, project: Path) -> None:
    done = run_styx("set", "app.styx", "listener.port", "9090", cwd=project)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (project / "app.styx").read_text() == DOCUMENT.replace("port 80 ", "port 9090 ")


def test_set_creates_entries_and_takes_styx_or_literal_values(run_styx, project: Path) -> None:
    assert run_styx("set", "app.styx", "ports", "(8 9)", cwd=project).returncode == 0
    done = run_styx("set", "app.styx", "listener.host", "--string", "my host", cwd=project)
    assert done.returncode == 0
    text = (project / "app.styx").read_text()
    assert "ports (8 9)\n" in text and '    host "my host"\n' in text
    done = run_styx("set", "app.styx", "listener.host", "my host", cwd=project)
    assert done.returncode == 2 and "--string" in done.stderr


def test_set_refuses_a_result_that_does_not_fit_the_schema(run_styx, project: Path) -> None:
    done = run_styx("set", "app.styx", "listener.port", "eighty", cwd=project)
    assert done.returncode == 2
    assert "expected @int" in done.stderr
    assert (project / "app.styx").read_text() == DOCUMENT


def test_check_json_and_sarif_carry_the_key_path(run_styx, project: Path) -> None:
    (project / "app.styx").write_text(
        DOCUMENT.replace("port 80", "port eighty").replace("(1 2 3)", "(1 2 x)"), encoding="utf-8"
    )
    done = run_styx("check", "--format", "json", "app.styx", cwd=project)
    assert done.returncode == 2
    items = json.loads(done.stdout)
    assert [item["path"] for item in items] == ["listener.port", "ports[2]"]
    schema_labels = [
        label for item in items for label in item["labels"] if label["file"].endswith("schema.styx")
    ]
    assert schema_labels and all(label["line"] is not None for label in schema_labels)
    assert [label["line"] for label in schema_labels] == [6, 8]
    done = run_styx("check", "--format", "sarif", "app.styx", cwd=project)
    results = json.loads(done.stdout)["runs"][0]["results"]
    names = [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results]
    assert names == ["listener.port", "ports[2]"]


def test_syntax_errors_have_no_path(run_styx, tmp_path: Path) -> None:
    (tmp_path / "bad.styx").write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", "--format", "json", "bad.styx", cwd=tmp_path)
    assert json.loads(done.stdout)[0]["path"] is None


def test_a_folder_without_documents_says_so_and_succeeds(run_styx, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = run_styx("check", str(tmp_path / "empty"))
    assert done.returncode == 0
    assert "no .styx files under" in done.stderr
    assert "have problems" not in done.stderr


def test_success_is_silent_when_piped(run_styx, project: Path) -> None:
    done = run_styx("check", "app.styx", cwd=project)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_success_prints_one_summary_line_on_a_terminal(project: Path) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*styx_executable(), "check", "app.styx", "schema.styx"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=60,
        )
        os.close(follower)
        follower = -1
        written = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert done.returncode == 0 and done.stdout == b""
    assert written.decode().strip().splitlines() == ["ok: 2 documents checked"]


def test_the_path_of_a_diagnostic_is_one_get_and_set_understand(run_styx, tmp_path: Path) -> None:
    (tmp_path / "schema.styx").write_text(
        SCHEMA.replace("ports @seq(@int)", "db @enum{pg @object{port @int}}"), encoding="utf-8"
    )
    (tmp_path / "app.styx").write_text(
        "@schema schema.styx\nlistener {host h, port 1}\ndb @pg{port x}\n", encoding="utf-8"
    )
    done = run_styx("check", "--format", "json", "app.styx", cwd=tmp_path)
    path = json.loads(done.stdout)[0]["path"]
    assert path == "db.port"
    assert run_styx("get", "app.styx", path, cwd=tmp_path).stdout == "x\n"
    assert run_styx("set", "app.styx", path, "5432", cwd=tmp_path).returncode == 0
    assert run_styx("check", "app.styx", cwd=tmp_path).returncode == 0
    assert "db @pg{port 5432}\n" in (tmp_path / "app.styx").read_text()


def test_set_can_repair_a_broken_file_one_value_at_a_time(run_styx, project: Path) -> None:
    broken = DOCUMENT.replace("port 80", "port eighty").replace("(1 2 3)", "(1 2 x)")
    (project / "app.styx").write_text(broken, encoding="utf-8")
    assert run_styx("set", "app.styx", "listener.port", "80", cwd=project).returncode == 0
    assert run_styx("check", "app.styx", cwd=project).returncode == 2  # ports[2] still wrong
    assert run_styx("set", "app.styx", "ports[2]", "3", cwd=project).returncode == 0
    assert (project / "app.styx").read_text() == DOCUMENT
    assert run_styx("set", "app.styx", "ports[0]", "one", cwd=project).returncode == 2
