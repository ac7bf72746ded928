"""Hostile documents through every command and the Python API: deep
nesting, long lines, unterminated literals, floods of errors (the shapes of
tests/hostile.py, at sizes that keep the suite fast; benchmarks/scaling.py
doubles them to show the time is linear).

Each command runs in-process through `styx.cli.main`, where an escaping
exception is what would be a traceback. The rules: exit 0 for a valid
document and 1 for an invalid one; the human report shows at most
`--max-errors` diagnostics per file and says how many it left out; machine
formats report every diagnostic.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import styx
from styx.cli import main
from styx.cli.output import MAX_ERRORS
from styx.convert.json import to_json
from styx.format import format_source
from styx.schema.loader import StyxValidationError, load
from styx.syntax.tree import MAX_NESTING
from tests.hostile import NESTINGS, SHAPES, deepest, too_deep

COMMANDS: dict[str, list[str]] = {
    "check": ["check", "{}"],
    "check json": ["check", "--format", "json", "{}"],
    "check sarif": ["check", "--format", "sarif", "{}"],
    "json-out": ["{}", "--json-out", "-"],
    "tree": ["tree", "{}"],
    "tree sexp": ["tree", "--format", "sexp", "{}"],
    "fmt --check": ["fmt", "--check", "{}"],
    "to-json": ["to-json", "{}"],
}

#: A human report of 50 diagnostics stays well under this many characters
#: (each shows a few lines of source, at most a window of a long line).
HUMAN_LIMIT = 100_000


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    written = {}
    for index, (name, shape) in enumerate(SHAPES.items()):
        path = folder / f"shape{index}.styx"
        path.write_text(shape.make(shape.size), encoding="utf-8", newline="")
        written[name] = path
    return written


def run(command: list[str], path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(path) if arg == "{}" else arg for arg in command])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(SHAPES))
def test_every_command_on_every_shape(
    name: str, command: str, documents: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = documents[name]
    valid = SHAPES[name].valid
    code, out, err = run(COMMANDS[command], path, capsys)
    if command == "fmt --check":
        assert code in (0, 1) if valid else code == 1, err[:2000]
    else:
        assert code == (0 if valid else 1), err[:2000]
    assert "Traceback" not in err
    assert len(err) < HUMAN_LIMIT, err[:2000]
    shown = err.count("\nerror[") + err.startswith("error[")
    assert shown <= MAX_ERRORS
    if valid:
        return
    found = styx.parse_lenient(path.read_text(encoding="utf-8")).diagnostics
    assert found
    if command == "check json":
        assert len(json.loads(out)) == len(found)  # every one, not only 50
    elif command == "check sarif":
        assert len(json.loads(out)["runs"][0]["results"]) == len(found)
    elif len(found) > MAX_ERRORS:
        assert shown == MAX_ERRORS
        assert f"\u2026 and {len(found) - MAX_ERRORS} more errors in {path}" in err
    else:
        assert shown == len(found)


@dataclass
class Anything:
    a: str = ""


@pytest.mark.parametrize("name", list(SHAPES))
def test_the_api_on_every_shape(name: str) -> None:
    shape = SHAPES[name]
    text = shape.make(shape.size)
    result = styx.parse_lenient(text)
    assert result.ok is shape.valid
    if not shape.valid:
        with pytest.raises(styx.StyxSyntaxError):
            styx.parse(text)
        with pytest.raises(styx.StyxSyntaxError):
            format_source(text)
        return
    document = styx.parse(text)
    json.loads(to_json(document))
    assert styx.parse(format_source(text)) is not None
    try:
        load(text, Anything)
    except StyxValidationError as error:
        assert error.diagnostics


# ------------------------------------------------------------ --max-errors


def test_max_errors_chooses_how_many_are_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dups.styx"
    path.write_text("k 1\n" * 8, encoding="utf-8")  # seven duplicates
    code, _, err = run(["check", "--max-errors", "3", "{}"], path, capsys)
    assert code == 1
    assert err.count("error[styx::duplicate-key]") == 3
    assert f"\u2026 and 4 more errors in {path} (--max-errors N" in err
    for every in (["check", "--max-errors", "0", "{}"], ["check", "--max-errors=0", "{}"]):
        _, _, err = run(every, path, capsys)
        assert err.count("error[styx::duplicate-key]") == 7
        assert "more errors" not in err
    _, _, err = run(["check", "--max-errors", "7", "{}"], path, capsys)
    assert err.count("error[") == 7 and "more errors" not in err
    for other in (["tree", "--max-errors", "2", "{}"], ["{}", "--max-errors", "2"]):
        _, _, err = run(other, path, capsys)
        assert err.count("error[") == 2 and "\u2026 and 5 more errors" in err


def test_max_errors_through_typer_and_its_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dups.styx"
    path.write_text("k 1\n" * 4, encoding="utf-8")
    for command in (
        ["fmt", "--check", "--max-errors", "1", "{}"],
        ["to-json", "--max-errors", "1", "{}"],
    ):
        code, _, err = run(command, path, capsys)
        assert code == 1
        assert err.count("error[") == 1 and "\u2026 and 2 more errors" in err
    code, _, err = run(["check", "--max-errors", "-1", "{}"], path, capsys)
    assert code == 2 and "max-errors" in err
    code, _, err = run(["check", "--max-errors", "many", "{}"], path, capsys)
    assert code == 2 and "max-errors" in err


def test_machine_formats_ignore_max_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dups.styx"
    path.write_text("k 1\n" * 101, encoding="utf-8")
    for fmt in ("json", "short", "github"):
        _, out, err = run(["check", "--format", fmt, "--max-errors", "5", "{}"], path, capsys)
        assert out.count("duplicate-key") == 100, fmt
        assert "more errors" not in out + err


def test_a_long_line_is_shown_as_a_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.styx"
    path.write_text("k " + "a" * 2_000_000 + " = x\n", encoding="utf-8")
    _, _, err = run(["check", "{}"], path, capsys)
    assert len(err) < 3_000
    assert "\u2026" + "a" * 30 in err
    line = next(line for line in err.splitlines() if line.startswith("1 | \u2026"))
    caret = next(line for line in err.splitlines() if "^ Styx does not use `=`" in line)
    assert line[caret.index("^")] == "="


# ------------------------------------------------------------- deep, wide


@pytest.mark.parametrize("kind", list(NESTINGS))
def test_the_deepest_documents_through_every_command(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.styx"
    deep.write_text(deepest(kind), encoding="utf-8")
    deeper = tmp_path / "deeper.styx"
    deeper.write_text(too_deep(kind), encoding="utf-8")
    for command in COMMANDS.values():
        code, out, err = run(command, deep, capsys)
        assert code in ((0, 1) if command[0] == "fmt" else (0,)), err
        code, out, err = run(command, deeper, capsys)
        assert code == 1
        assert "nesting-too-deep" in out + err


@st.composite
def deep_or_wide(draw: st.DrawFn) -> str:
    """Random documents that are deep (up to twice the limit), wide, or both."""
    open_close = draw(
        st.lists(
            st.sampled_from(
                [("{b ", "}"), ("(", ")"), ("@t(", ")"), ("{c x>", "}"), ("{k.k ", "}")]
            ),
            min_size=1,
            max_size=2 * MAX_NESTING,
        )
    )
    width = draw(st.integers(0, 300))
    leaf = draw(
        st.sampled_from(
            [
                "1",
                "(" + "x " * width + ")",
                "{" + ", ".join(f"k{i} 1" for i in range(width)) + "}",
                '"' + "é" * width,
            ]
        )
    )
    text = leaf
    for before, after in reversed(open_close):
        text = before + text + after
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    return "a " + text + "\n" + "".join(f"w{i} {i}\n" for i in range(width))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(deep_or_wide())
def test_deep_and_wide_documents_through_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "generated.styx"
    path.write_text(text, encoding="utf-8")
    valid = styx.parse_lenient(text).ok
    for command in COMMANDS.values():
        code, _, err = run(command, path, capsys)
        if not valid:
            assert code == 1, err
        else:
            assert code in ((0, 1) if command[0] == "fmt" else (0,)), err
        assert len(err) < HUMAN_LIMIT


def test_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.styx"
    path.write_text("k 1\n" * 2_000 + "a " + "{b " * 20_000 + "\n", encoding="utf-8")
    for command in (["check"], ["fmt", "--check"], ["tree"], ["to-json"]):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from styx.cli import main; sys.exit(main())",
                *command,
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "duplicate key" in done.stderr
        assert "more errors" in done.stderr
