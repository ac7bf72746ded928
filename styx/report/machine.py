"""Diagnostics for tools: JSON, one line each, GitHub Actions commands, SARIF.

Each format is a function from a list of `Report` items to the whole
output text, so the CLI can pick one by name from `FORMATS`. Positions
are 1-based; columns count characters, except in SARIF, whose default
column unit is the UTF-16 code unit. End positions are exclusive (the
position just after the span), as in SARIF and LSP. Every position is
computed by `LineIndex` from the span as `visible_span` adjusts it, so a
diagnostic has the same line and column here as in the human layout.
A diagnostic whose file text is unavailable keeps its file name but has no
line or column.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, NamedTuple
from urllib.parse import quote

from styx.diagnostic import Diagnostic, Label
from styx.report.text import line_index, texts_by_file, visible_span
from styx.source import LineIndex, Span


@dataclass(frozen=True, slots=True)
class Report:
    """One diagnostic and what is needed to place it.

    ``source`` is the text of ``filename`` (None when it could not be read);
    ``sources`` holds the text of other files that labels point into;
    ``path`` is the key path of the value concerned (``listener.port``).
    """

    filename: str
    source: str | None
    diagnostic: Diagnostic
    sources: Mapping[str, str] = field(default_factory=dict)
    path: str | None = None


class Region(NamedTuple):
    """A span in 1-based lines and columns; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


class Place(NamedTuple):
    """A file, and the region in it when its text is known."""

    file: str
    region: Region | None


def _region(index: LineIndex, span: Span, utf16: bool) -> Region:
    span = visible_span(index, span)
    if utf16:
        (line, column), (end_line, end_column) = map(index.utf16_position, span)
        return Region(line + 1, column + 1, end_line + 1, end_column + 1)
    start, end = map(index.position, span)
    return Region(start.line, start.column, end.line, end.column)


def locate(report: Report, *, utf16: bool = False) -> tuple[Place, list[tuple[Place, Label]]]:
    """Where a report's diagnostic and each of its labels are.

    Columns count characters, or UTF-16 code units when ``utf16`` is true.
    """
    diagnostic = report.diagnostic
    texts = texts_by_file(report.filename, report.source, report.sources)

    def place(file: str, span: Span) -> Place:
        if file not in texts:
            return Place(file, None)
        return Place(file, _region(line_index(texts[file]), span, utf16))

    file = diagnostic.file or report.filename
    labels = [(place(label.file or file, label.span), label) for label in diagnostic.labels]
    return place(file, diagnostic.span), labels


def full_message(diagnostic: Diagnostic) -> str:
    """The message with its notes and help, for formats that have one text field."""
    parts = [diagnostic.message, *(f"note: {note}" for note in diagnostic.notes)]
    if diagnostic.help:
        parts.append(f"help: {diagnostic.help}")
    return "\n".join(parts)


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _dump_items(items: Iterable[object]) -> str:
    """`_dump` of a list made one item at a time, the same text: a list of
    200,000 diagnostics as dicts would be a gigabyte at once."""
    parts = [
        "  " + json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        for item in items
    ]
    return "[\n" + ",\n".join(parts) + "\n]\n" if parts else "[]\n"


# ----------------------------------------------------------------- json


def _position(place: Place) -> dict[str, Any]:
    values = place.region or (None,) * len(Region._fields)
    return {"file": place.file, **dict(zip(Region._fields, values, strict=True))}


def to_json(reports: Sequence[Report]) -> str:
    """A JSON array with one object per diagnostic; positions are null when
    the file's text is unavailable, ``label``, ``help`` and ``path`` (the
    key path of the value concerned) when absent."""
    return _dump_items(_json_item(report) for report in reports)


def _json_item(report: Report) -> dict[str, Any]:
    diagnostic = report.diagnostic
    place, labels = locate(report)
    return {
        **_position(place),
        "path": report.path,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "label": diagnostic.label or None,
        "help": diagnostic.help,
        "labels": [{**_position(where), "message": label.message} for where, label in labels],
        "notes": list(diagnostic.notes),
    }


# ---------------------------------------------------------------- short

#: What a problem matcher reads from the short format; line and column are
#: absent when the file's text is unavailable. Without the group names (for a
#: VS Code or GitHub Actions problem matcher, file 1, line 2, column 3,
#: severity 4, code 5, message 6):
#: ``^(.+?):(?:(\d+):(\d+):)? (error|warning|note)\[([^\]]+)\]: (.*)$``;
#: vim reads it with ``set errorformat=%f:%l:%c:\ %m``.
SHORT_PATTERN = re.compile(
    r"^(?P<file>.+?):(?:(?P<line>\d+):(?P<column>\d+):)? "
    r"(?P<severity>error|warning|note)\[(?P<code>[^\]]+)\]: (?P<message>.*)$"
)


def short(reports: Sequence[Report]) -> str:
    """One line per diagnostic, ``file:line:column: severity[code]: message``,
    the layout compilers use and editors jump from (see `SHORT_PATTERN`)."""
    lines = []
    for report in reports:
        diagnostic = report.diagnostic
        (file, region), _ = locate(report)
        where = f"{file}:{region.line}:{region.column}" if region else file
        message = " ".join(diagnostic.message.split("\n"))
        lines.append(f"{where}: {diagnostic.severity.value}[{diagnostic.code}]: {message}\n")
    return "".join(lines)


# --------------------------------------------------------------- github

_GITHUB_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github(reports: Sequence[Report]) -> str:
    """GitHub Actions workflow commands, which become annotations on the files.

    Columns are given only for a span on one line: GitHub annotations
    support columns only when the start and end lines are the same.
    """
    lines = []
    for report in reports:
        diagnostic = report.diagnostic
        (file, region), _ = locate(report)
        properties = [("file", file)]
        if region:
            single = region.line == region.end_line
            properties.append(("line", str(region.line)))
            if single:
                properties.append(("col", str(region.column)))
            properties.append(("endLine", str(region.end_line)))
            if single:
                properties.append(("endColumn", str(region.end_column)))
        properties.append(("title", diagnostic.code))
        fields = ",".join(f"{name}={_github_property(value)}" for name, value in properties)
        command = _GITHUB_COMMANDS[diagnostic.severity.value]
        lines.append(f"::{command} {fields}::{_github_data(full_message(diagnostic))}\n")
    return "".join(lines)


# ---------------------------------------------------------------- sarif

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://styx.bearcove.eu"


def _uri(file: str) -> str:
    """A file name as a SARIF artifact URI: a relative path stays relative,
    with forward slashes and percent-escapes; an absolute one becomes file://."""
    if os.path.isabs(file):
        return PurePath(file).as_uri()
    return quote(file.replace(os.sep, "/"), safe="/")


def _physical(place: Place) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(place.file)}}
    if place.region:
        line, column, end_line, end_column = place.region
        location["region"] = {
            "startLine": line,
            "startColumn": column,
            "endLine": end_line,
            "endColumn": end_column,
        }
    return location


def _rule_description(code: str) -> str:
    """A rule's short description from its code: ``styx::duplicate-key`` is
    "Duplicate key". Codes are stable, so the description is too."""
    return code.rpartition("::")[2].replace("-", " ").capitalize()


def sarif(reports: Sequence[Report]) -> str:
    """A SARIF 2.1.0 log with one run, for code-scanning services."""
    rules: dict[str, int] = {}
    results = []
    for report in reports:
        diagnostic = report.diagnostic
        place, labels = locate(report, utf16=True)
        primary: dict[str, Any] = {"physicalLocation": _physical(place)}
        if report.path:
            primary["logicalLocations"] = [{"fullyQualifiedName": report.path, "kind": "member"}]
        if diagnostic.label:
            primary["message"] = {"text": diagnostic.label}
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "ruleIndex": rules.setdefault(diagnostic.code, len(rules)),
            "level": diagnostic.severity.value,
            "message": {"text": full_message(diagnostic)},
            "locations": [primary],
        }
        if labels:
            result["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": _physical(where),
                    "message": {"text": label.message},
                }
                for number, (where, label) in enumerate(labels)
            ]
        results.append(result)
    driver = {
        "name": "styx",
        "informationUri": INFORMATION_URI,
        "rules": [
            {"id": code, "shortDescription": {"text": _rule_description(code)}} for code in rules
        ],
    }
    run = {"tool": {"driver": driver}, "columnKind": "utf16CodeUnits", "results": results}
    return _dump({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]})


# ------------------------------------------------------------ selection

FORMATS: Mapping[str, Callable[[Sequence[Report]], str]] = {
    "json": to_json,
    "short": short,
    "github": github,
    "sarif": sarif,
}


def auto_format(env: Mapping[str, str]) -> str | None:
    """The format to use when none was asked for: GitHub annotations inside
    a GitHub Actions job (which sets ``GITHUB_ACTIONS=true``), else None for
    the human layout."""
    return "github" if env.get("GITHUB_ACTIONS") == "true" else None
