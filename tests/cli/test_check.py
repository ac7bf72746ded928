"""`styx check` end to end: files, directories, exit codes, report formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def tree_of_files(tmp_path: Path) -> Path:
    (tmp_path / "good.styx").write_text("a 1\n", encoding="utf-8")
    nested = tmp_path / "conf" / "deep"
    nested.mkdir(parents=True)
    (nested / "bad.styx").write_text("a 1\na 2\n", encoding="utf-8")
    (nested / "notes.txt").write_text("a a a\n", encoding="utf-8")
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "ignored.styx").write_text("{{{\n", encoding="utf-8")
    return tmp_path


def test_valid_file_is_quiet(run_styx, tmp_path: Path) -> None:
    good = tmp_path / "good.styx"
    good.write_text("server host>localhost\n", encoding="utf-8")
    done = run_styx("check", str(good))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_directory_is_searched_and_every_file_reported(run_styx, tree_of_files: Path) -> None:
    done = run_styx("check", str(tree_of_files))
    assert done.returncode == 1
    assert "bad.styx:2:1" in done.stderr
    assert "ignored.styx" not in done.stderr
    assert "1 of 2 file(s) have problems" in done.stderr


def test_every_file_is_reported_not_just_the_first(run_styx, tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.styx").write_text("x {\n", encoding="utf-8")
    done = run_styx("check", str(tmp_path / "one.styx"), str(tmp_path / "two.styx"))
    assert done.returncode == 1
    assert "one.styx:1:3" in done.stderr and "two.styx:1:3" in done.stderr


def test_worst_exit_code_wins(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", str(bad), str(tmp_path / "missing.styx"))
    assert done.returncode == 3
    assert "no such file" in done.stderr


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"", None),
        (b"\xff\xfe bad", "1:1"),
    ],
    ids=["empty-file-is-valid", "invalid-utf8"],
)
def test_edge_inputs(run_styx, tmp_path: Path, content: bytes, where: str | None) -> None:
    path = tmp_path / "edge.styx"
    path.write_bytes(content)
    done = run_styx("check", str(path))
    assert done.returncode == (0 if where is None else 1)
    if where:
        assert f"edge.styx:{where}" in done.stderr


def test_stdin(run_styx) -> None:
    done = run_styx("check", "-", input="a {\n")
    assert done.returncode == 1
    assert "<stdin>:1:3" in done.stderr


def test_unreadable_path(run_styx, tmp_path: Path) -> None:
    parent = tmp_path / "plain-file"
    parent.write_text("", encoding="utf-8")
    done = run_styx("check", str(parent / "inner.styx"))
    assert done.returncode == 3
    assert "cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_report(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", "--format", "json", str(bad))
    assert done.returncode == 1
    [item] = json.loads(done.stdout)
    assert item["code"] == "styx::duplicate-key"
    assert (item["line"], item["column"]) == (2, 1)
    assert item["file"] == str(bad)


def test_short_report(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", "--format=short", str(bad))
    assert done.stdout.startswith(f"{bad}:2:1: error")
    assert "styx::duplicate-key" in done.stdout


def test_github_format_is_automatic_in_actions(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", str(bad), env={"GITHUB_ACTIONS": "true"})
    assert done.stdout.startswith("::error file=")


def test_sarif_report(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", "--format", "sarif", str(bad))
    sarif = json.loads(done.stdout)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["ruleId"] == "styx::duplicate-key"


def test_color_never_and_always(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    plain = run_styx("check", "--color", "never", str(bad))
    assert "\x1b[" not in plain.stderr
    colored = run_styx("check", "--color", "always", str(bad), env={"NO_COLOR": ""})
    assert "\x1b[" in colored.stderr


def test_no_color_when_piped(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a 1\na 2\n", encoding="utf-8")
    done = run_styx("check", str(bad))
    assert "\x1b[" not in done.stderr


def test_bad_option_value_is_a_usage_error(run_styx, tmp_path: Path) -> None:
    done = run_styx("check", "--format", "xml", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
