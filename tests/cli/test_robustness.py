"""No input makes any command crash: every failure is a located diagnostic
and an exit code, never a traceback.

The commands run in-process through `styx.cli.main` (an exception escaping it
is exactly what would print a traceback), plus a few real subprocess runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from styx.cli import main
from styx.syntax.parser import parse_lenient
from tests.conftest import compliance_dir

INVALID = sorted(
    path
    for path in (compliance_dir() / "corpus" / "07-invalid").glob("*.styx")
    if not parse_lenient(path.read_text(encoding="utf-8")).ok
)
#: file:line:col in text, short and github output, or a line number in json and sarif.
LOCATION = re.compile(r':\d+:\d+|line=\d+|"line": \d+|"startLine": \d+')

#: Every command that reads a document, as argument lists around the path.
COMMANDS = [
    ["check", "{}"],
    ["check", "--format", "short", "{}"],
    ["check", "--format", "json", "{}"],
    ["check", "--format", "github", "{}"],
    ["check", "--format", "sarif", "{}"],
    ["tree", "{}"],
    ["tree", "--format", "sexp", "{}"],
    ["fmt", "--check", "{}"],
    ["fmt", "--diff", "{}"],
    ["to-json", "{}"],
    ["{}"],
    ["{}", "--json-out", "-"],
    ["{}", "--compact"],
    ["{}", "--validate"],
]

FRAGMENTS = st.sampled_from(
    [
        "{",
        "}",
        "(",
        ")",
        ",",
        '"',
        "@",
        ">",
        "<<",
        "EOF",
        'r#"',
        '"#',
        "//",
        "///",
        "\n",
        " ",
        "\t",
        "a",
        ".",
        "\\",
        "\\u",
        "@tag",
        "=",
        "é",
        "😀",
        "\r\n",
        "\u00a0",
        "1",
    ]
)


def run_all(path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[list[str], int, str]]:
    results = []
    for command in COMMANDS:
        args = [str(path) if arg == "{}" else arg for arg in command]
        code = main(args)
        captured = capsys.readouterr()
        results.append((command, code, captured.out + captured.err))
    return results


@pytest.mark.skipif(not INVALID, reason=f"compliance corpus not found at {compliance_dir()}")
@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_corpus_through_every_command(path: Path, capsys) -> None:
    for _, code, text in run_all(path, capsys):
        assert code == 1, text
        assert path.name in text
        assert LOCATION.search(text), text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(FRAGMENTS, max_size=40).map("".join) | st.text(max_size=80))
def test_fuzzed_input_through_every_command(tmp_path: Path, capsys, text: str) -> None:
    path = tmp_path / "fuzz.styx"
    path.write_text(text, encoding="utf-8", newline="")
    valid = parse_lenient(text).ok
    for command, code, output in run_all(path, capsys):
        if not valid:
            assert code == 1 and LOCATION.search(output), output
        elif command[0] == "fmt":  # --check / --diff: 1 means "would change"
            assert code in (0, 1), output
        else:
            assert code == 0, output


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_from_json_never_crashes(tmp_path: Path, capsys, text: str) -> None:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    code = main(["from-json", str(path)])
    output = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:
        assert LOCATION.search(output.err), output.err


def test_binary_garbage_is_an_encoding_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "blob.styx"
    path.write_bytes(bytes(range(256)))
    for _, code, text in run_all(path, capsys):
        assert code == 1
        assert "not valid UTF-8" in text or "invalid-encoding" in text
