"""The tool formats, parsed back and checked field by field.

The documents put non-ASCII text before the spans: ``é`` is one character
and one UTF-16 unit but two bytes, ``😀`` one character but two UTF-16
units and four bytes, so a column computed in the wrong unit shows.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import styx
from styx import Diagnostic, Label, Severity, Span
from styx.report.machine import (
    FORMATS,
    SARIF_SCHEMA,
    SHORT_PATTERN,
    Report,
    auto_format,
    github,
    sarif,
    short,
    to_json,
)
from styx.report.text import render_plain

ACCENT = 'café "\\q"\n'  # `\q` is character column 7, byte column 8
EMOJI = '😀 "\\q"\n'  # `\q` is character column 4, UTF-16 column 5
DUPLICATE = "é 1\nx 2\né 3\n"


def reports_of(text: str, filename: str = "conf/app.styx") -> list[Report]:
    return [Report(filename, text, d) for d in styx.parse_lenient(text).diagnostics]


@pytest.fixture
def reports() -> list[Report]:
    return reports_of(ACCENT) + reports_of(EMOJI) + reports_of(DUPLICATE)


def test_sample_diagnostics_are_the_expected_ones(reports: list[Report]) -> None:
    found = [(r.diagnostic.code, r.diagnostic.span) for r in reports]
    assert found[0] == ("styx::invalid-escape", Span(7, 9))
    assert found[1][0] == "styx::invalid-escape"
    assert found[-1] == ("styx::duplicate-key", Span(9, 11))


# ------------------------------------------------------------------- json


def test_json_fields(reports: list[Report]) -> None:
    items = json.loads(to_json(reports))
    assert isinstance(items, list) and len(items) == 3
    accent, emoji, duplicate = items
    assert accent == {
        "file": "conf/app.styx",
        "line": 1,
        "column": 7,
        "end_line": 1,
        "end_column": 9,
        "path": None,
        "severity": "error",
        "code": "styx::invalid-escape",
        "message": "invalid escape sequence `\\q`",
        "label": "invalid escape",
        "help": reports[0].diagnostic.help,
        "labels": [],
        "notes": [],
    }
    assert (emoji["line"], emoji["column"], emoji["end_column"]) == (1, 4, 6)
    assert (duplicate["line"], duplicate["column"], duplicate["end_column"]) == (3, 1, 2)
    assert duplicate["message"] == "duplicate key `é`"
    assert duplicate["labels"] == [
        {
            "file": "conf/app.styx",
            "line": 1,
            "column": 1,
            "end_line": 1,
            "end_column": 2,
            "message": "first defined here",
        }
    ]


def test_json_without_source_or_help() -> None:
    diagnostic = Diagnostic(
        "styx::io-error",
        "cannot read",
        Span(0, 0),
        severity=Severity.WARNING,
        labels=(Label(Span(0, 1), "there", "other.styx"),),
        notes=("a note",),
    )
    (item,) = json.loads(to_json([Report("gone.styx", None, diagnostic)]))
    assert item["file"] == "gone.styx"
    assert [item[key] for key in ("line", "column", "end_line", "end_column")] == [None] * 4
    assert (item["severity"], item["help"], item["label"]) == ("warning", None, None)
    assert item["notes"] == ["a note"]
    assert item["labels"][0]["file"] == "other.styx"
    assert item["labels"][0]["line"] is None


def test_json_label_in_another_file_with_its_text() -> None:
    diagnostic = Diagnostic(
        "styx::test", "m", Span(0, 1), labels=(Label(Span(4, 6), "defined here", "base.styx"),)
    )
    report = Report("a.styx", "a 1\n", diagnostic, sources={"base.styx": "x 1\nab 2\n"})
    (item,) = json.loads(to_json([report]))
    assert item["labels"] == [
        {
            "file": "base.styx",
            "line": 2,
            "column": 1,
            "end_line": 2,
            "end_column": 3,
            "message": "defined here",
        }
    ]


def test_json_of_nothing_is_an_empty_array() -> None:
    assert json.loads(to_json([])) == []


def test_multi_line_span_ends_where_its_text_ends() -> None:
    text = "script <<BASH\necho hi\n"
    (item,) = json.loads(to_json(reports_of(text)))
    assert item["code"] == "styx::unterminated-heredoc"
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (2, 1, 2, 8)


def test_end_of_input_is_placed_as_in_the_human_layout() -> None:
    text = "a 1\n"
    diagnostic = Diagnostic("styx::test", "end of input", Span(4, 4))
    (item,) = json.loads(to_json([Report("f.styx", text, diagnostic)]))
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (1, 4, 1, 4)
    assert " --> f.styx:1:4\n" in render_plain(diagnostic, text, "f.styx")


# ------------------------------------------------------------------ short


def test_short_lines_match_the_documented_pattern(reports: list[Report]) -> None:
    lines = short(reports).splitlines()
    assert (
        lines[0] == "conf/app.styx:1:7: error[styx::invalid-escape]: invalid escape sequence `\\q`"
    )
    assert lines[2] == "conf/app.styx:3:1: error[styx::duplicate-key]: duplicate key `é`"
    matches = [SHORT_PATTERN.match(line) for line in lines]
    assert all(matches)
    groups = [m.groupdict() for m in matches if m]
    assert groups[1] == {
        "file": "conf/app.styx",
        "line": "1",
        "column": "4",
        "severity": "error",
        "code": "styx::invalid-escape",
        "message": "invalid escape sequence `\\q`",
    }


def test_short_without_source_and_with_a_windows_path() -> None:
    diagnostic = Diagnostic("styx::io-error", "cannot\nread", Span(0, 0), Severity.NOTE)
    lines = short(
        [Report("gone.styx", None, diagnostic), Report("C:\\x\\a.styx", "k v\n", diagnostic)]
    )
    first, second = lines.splitlines()
    assert first == "gone.styx: note[styx::io-error]: cannot read"
    match = SHORT_PATTERN.match(first)
    assert match and match["file"] == "gone.styx" and match["line"] is None
    match = SHORT_PATTERN.match(second)
    assert match and (match["file"], match["line"], match["column"]) == ("C:\\x\\a.styx", "1", "1")


# ----------------------------------------------------------------- github


def test_github_commands(reports: list[Report]) -> None:
    lines = github(reports).splitlines()
    help_text = reports[0].diagnostic.help
    assert help_text is not None
    assert lines[0] == (
        "::error file=conf/app.styx,line=1,col=7,endLine=1,endColumn=9,"
        "title=styx%3A%3Ainvalid-escape::invalid escape sequence `\\q`%0Ahelp: " + help_text
    )
    assert lines[2].startswith("::error file=conf/app.styx,line=3,col=1,endLine=3,endColumn=2,")
    assert len(lines) == 3


def test_github_escaping_and_severities() -> None:
    diagnostic = Diagnostic(
        "styx::a,b",
        "100% sure\r\nreally",
        Span(0, 1),
        Severity.WARNING,
        notes=("n:1",),
        help="fix, then: retry",
    )
    (line,) = github([Report("dir,x/a:b.styx", "k v\n", diagnostic)]).splitlines()
    assert line == (
        "::warning file=dir%2Cx/a%3Ab.styx,line=1,col=1,endLine=1,endColumn=2,"
        "title=styx%3A%3Aa%2Cb::100%25 sure%0D%0Areally%0Anote: n:1%0Ahelp: fix, then: retry"
    )
    note = Diagnostic("styx::test", "m", Span(0, 1), Severity.NOTE)
    assert github([Report("a.styx", "k\n", note)]).startswith("::notice file=a.styx,")


def test_github_omits_columns_for_multi_line_spans_and_unknown_positions() -> None:
    (line,) = github(reports_of("script <<BASH\necho hi\nmore\n")).splitlines()
    assert line.startswith("::error file=conf/app.styx,line=2,endLine=3,title=")
    unread = Diagnostic("styx::io-error", "cannot read", Span(0, 0))
    assert github([Report("x.styx", None, unread)]) == (
        "::error file=x.styx,title=styx%3A%3Aio-error::cannot read\n"
    )


# ------------------------------------------------------------------ sarif


def test_sarif_log(reports: list[Report]) -> None:
    log = json.loads(sarif(reports))
    assert log["$schema"] == SARIF_SCHEMA == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "styx"
    assert driver["informationUri"].startswith("https://")
    assert driver["rules"] == [
        {"id": "styx::invalid-escape", "shortDescription": {"text": "Invalid escape"}},
        {"id": "styx::duplicate-key", "shortDescription": {"text": "Duplicate key"}},
    ]
    assert run["columnKind"] == "utf16CodeUnits"
    results: list[dict[str, Any]] = run["results"]
    assert [(r["ruleId"], r["ruleIndex"]) for r in results] == [
        ("styx::invalid-escape", 0),
        ("styx::invalid-escape", 0),
        ("styx::duplicate-key", 1),
    ]
    accent, emoji, duplicate = results
    assert accent["level"] == "error"
    assert accent["message"]["text"] == (
        "invalid escape sequence `\\q`\nhelp: " + str(reports[0].diagnostic.help)
    )
    (location,) = accent["locations"]
    assert location["message"] == {"text": "invalid escape"}
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "conf/app.styx"}
    assert physical["region"] == {"startLine": 1, "startColumn": 7, "endLine": 1, "endColumn": 9}
    # The astral-plane emoji counts two UTF-16 code units.
    region = emoji["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (5, 7)
    assert "relatedLocations" not in accent
    assert duplicate["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {
                "artifactLocation": {"uri": "conf/app.styx"},
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2},
            },
            "message": {"text": "first defined here"},
        }
    ]


def test_sarif_uris_and_missing_regions() -> None:
    diagnostic = Diagnostic("styx::io-error", "cannot read", Span(0, 0), Severity.NOTE)
    log = json.loads(
        sarif(
            [Report("my dir/a b.styx", None, diagnostic), Report("/abs/x.styx", None, diagnostic)]
        )
    )
    first, second = log["runs"][0]["results"]
    assert first["level"] == "note"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "my%20dir/a%20b.styx"}
    }
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "file:///abs/x.styx"
    )


def test_sarif_of_nothing_still_has_a_run() -> None:
    log = json.loads(sarif([]))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


# -------------------------------------------------------------- selection


def test_formats_by_name(reports: list[Report]) -> None:
    assert set(FORMATS) == {"json", "short", "github", "sarif"}
    for render in FORMATS.values():
        assert render(reports).endswith("\n")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GITHUB_ACTIONS": "true"}, "github"),
        ({"GITHUB_ACTIONS": "false"}, None),
        ({"CI": "true"}, None),
        ({}, None),
    ],
)
def test_auto_format(env: dict[str, str], expected: str | None) -> None:
    assert auto_format(env) == expected


def test_documented_problem_matcher_regex(reports: list[Report]) -> None:
    """The unnamed form in the SHORT_PATTERN comment, as a matcher file holds it."""
    matcher = re.compile(r"^(.+?):(?:(\d+):(\d+):)? (error|warning|note)\[([^\]]+)\]: (.*)$")
    for line in short(reports).splitlines():
        named, unnamed = SHORT_PATTERN.match(line), matcher.match(line)
        assert named and unnamed and named.groups() == unnamed.groups()
