"""`styx fmt`, `to-json`, `from-json` and file mode, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MESSY = "server   {\n  host   localhost\n\n\n  port 8080   // http\n}\n"


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "messy.styx"
    path.write_text(MESSY, encoding="utf-8")
    return path


def formatted(run_styx, path: Path) -> str:
    done = run_styx(str(path))
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_file_mode_formats_to_stdout(run_styx, messy: Path) -> None:
    out = formatted(run_styx, messy)
    assert "host localhost" in out and "// http" in out
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_rewrites_in_place_and_is_idempotent(run_styx, messy: Path) -> None:
    done = run_styx("fmt", str(messy))
    assert done.returncode == 0
    assert f"reformatted {messy}" in done.stderr
    first = messy.read_text(encoding="utf-8")
    assert first == formatted(run_styx, messy)
    again = run_styx("fmt", str(messy))
    assert "reformatted" not in again.stderr
    assert messy.read_text(encoding="utf-8") == first


def test_fmt_keeps_permissions(run_styx, messy: Path) -> None:
    messy.chmod(0o640)
    assert run_styx("fmt", str(messy)).returncode == 0
    assert messy.stat().st_mode & 0o777 == 0o640


def test_fmt_check_and_diff_change_nothing(run_styx, messy: Path) -> None:
    check = run_styx("fmt", "--check", str(messy))
    assert check.returncode == 1
    assert f"would reformat {messy}" in check.stderr
    diff = run_styx("fmt", "--diff", str(messy))
    assert diff.returncode == 1
    assert diff.stdout.startswith(f"--- {messy}")
    assert "+    host localhost" in diff.stdout
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_check_passes_on_formatted_file(run_styx, messy: Path) -> None:
    run_styx("fmt", str(messy))
    assert run_styx("fmt", "--check", str(messy)).returncode == 0


def test_fmt_never_rewrites_a_file_with_errors(run_styx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.styx"
    bad.write_text("a   1\na 2\n", encoding="utf-8")
    before = bad.stat().st_mtime_ns
    done = run_styx("fmt", str(bad))
    assert done.returncode == 1
    assert "duplicate key" in done.stderr
    assert bad.read_text(encoding="utf-8") == "a   1\na 2\n"
    assert bad.stat().st_mtime_ns == before


def test_fmt_stdin_to_stdout(run_styx) -> None:
    done = run_styx("fmt", "-", input="a    1\n")
    assert (done.returncode, done.stdout) == (0, "a 1\n")


def test_in_place_and_output_file(run_styx, messy: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.styx"
    assert run_styx(str(messy), "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8") == formatted(run_styx, messy)
    assert run_styx(str(messy), "--in-place").returncode == 0
    assert messy.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")


def test_in_place_refuses_stdin(run_styx) -> None:
    done = run_styx("-", "--in-place", input="a 1\n")
    assert done.returncode == 3
    assert "--in-place needs a file" in done.stderr


def test_compact(run_styx, tmp_path: Path) -> None:
    path = tmp_path / "c.styx"
    path.write_text("server {\n    host localhost\n    port 8080\n}\n", encoding="utf-8")
    done = run_styx(str(path), "--compact")
    assert done.returncode == 0
    assert done.stdout.count("\n") == 1


def test_validate_is_quiet(run_styx, messy: Path, tmp_path: Path) -> None:
    done = run_styx(str(messy), "--validate")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    bad = tmp_path / "bad.styx"
    bad.write_text("a {\n", encoding="utf-8")
    failed = run_styx(str(bad), "--validate")
    assert failed.returncode == 1 and failed.stdout == ""
    assert "unclosed" in failed.stderr


def test_json_out(run_styx, tmp_path: Path) -> None:
    path = tmp_path / "j.styx"
    path.write_text("a.b 1\na.c @t{x y}\nn @\n", encoding="utf-8")
    done = run_styx(str(path), "--json-out", "-")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "a": {"b": "1", "c": {"$tag": "t", "$payload": {"x": "y"}}},
        "n": None,
    }


def test_to_json_and_back(run_styx, tmp_path: Path) -> None:
    path = tmp_path / "t.styx"
    path.write_text('name "two words"\nlist (1 2 3)\n', encoding="utf-8")
    to = run_styx("to-json", str(path))
    assert to.returncode == 0
    data = json.loads(to.stdout)
    assert data == {"name": "two words", "list": ["1", "2", "3"]}
    back = run_styx("from-json", "-", input=to.stdout)
    assert back.returncode == 0, back.stderr
    again = run_styx("to-json", "-", input=back.stdout)
    assert json.loads(again.stdout) == data


def test_to_json_compact_to_file(run_styx, tmp_path: Path) -> None:
    path = tmp_path / "t.styx"
    path.write_text("a {b 1}\n", encoding="utf-8")
    out = tmp_path / "t.json"
    assert run_styx("to-json", "--compact", "-o", str(out), str(path)).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("\n") == 1
    assert json.loads(text) == {"a": {"b": "1"}}


def test_from_json_invalid_json_is_located(run_styx) -> None:
    done = run_styx("from-json", "-", input='{"a": 1,\n "b": }\n')
    assert done.returncode == 1
    assert "<stdin>:2:" in done.stderr
    assert "Traceback" not in done.stderr


def test_write_failure_is_an_io_error(run_styx, messy: Path, tmp_path: Path) -> None:
    done = run_styx(str(messy), "-o", str(tmp_path / "no" / "such" / "dir" / "out.styx"))
    assert done.returncode == 3
    assert "cannot write" in done.stderr


def test_empty_input_formats_to_empty(run_styx) -> None:
    done = run_styx("-", input="")
    assert (done.returncode, done.stdout) == (0, "")
