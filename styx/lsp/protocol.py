"""Styx results as Language Server Protocol values.

Ranges come from `LineIndex`, which counts columns in UTF-16 code units as
LSP does. Diagnostics are placed by `styx.report.machine.locate`, the
function behind every machine format of `styx check`, and worded by its
`full_message`, so an editor underlines what ``styx check --format json``
reports, with the same text.
"""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from pathlib import Path

from lsprotocol import types

from styx.diagnostic import Diagnostic, Severity
from styx.lsp.analysis import Analysis
from styx.report.machine import Place, Region, Report, full_message, locate
from styx.source import LineIndex, Span

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}

_START = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
)


def lsp_range(index: LineIndex, span: Span) -> types.Range:
    start_line, start_column = index.utf16_position(span.start)
    end_line, end_column = index.utf16_position(span.end)
    return types.Range(
        start=types.Position(line=start_line, character=start_column),
        end=types.Position(line=end_line, character=end_column),
    )


def offset_of(index: LineIndex, position: types.Position) -> int:
    return index.offset_at_utf16(position.line, position.character)


def uri_to_path(uri: str) -> str | None:
    """The file a ``file:`` URI names (percent-escapes decoded); None for
    other schemes, such as an editor's unsaved buffers."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = urllib.request.url2pathname(parts.path)
    return f"//{parts.netloc}{path}" if parts.netloc else path


def file_uri(path: str) -> str | None:
    """The URI of an existing file; None for names that are not files
    (a schema provided by a Python package as text)."""
    if not os.path.isabs(path) or not os.path.isfile(path):
        return None
    return Path(path).as_uri()


def diagnostics(analysis: Analysis, uri: str) -> list[types.Diagnostic]:
    return [_diagnostic(analysis, uri, d) for d in analysis.outcome.diagnostics]


def _diagnostic(analysis: Analysis, uri: str, diagnostic: Diagnostic) -> types.Diagnostic:
    report = Report(analysis.name, analysis.text, diagnostic, analysis.outcome.sources)
    place, labels = locate(report, utf16=True)
    message = full_message(diagnostic)
    related = [_related(analysis, uri, where, label.message) for where, label in labels]
    if place.file == analysis.name and place.region is not None:
        where = _range(place.region)
    else:
        # A problem inside the schema: shown on the line that declares it.
        declaration = analysis.declaration
        where = lsp_range(analysis.index, declaration.span) if declaration else _START
        line = f":{place.region.line}:{place.region.column}" if place.region else ""
        message = f"{place.file}{line}: {message}"
        related.insert(0, _related(analysis, uri, place, diagnostic.label or diagnostic.message))
    found = [info for info in related if info is not None]
    return types.Diagnostic(
        range=where,
        message=message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        source="styx",
        related_information=found or None,
    )


def _related(
    analysis: Analysis, uri: str, place: Place, message: str
) -> types.DiagnosticRelatedInformation | None:
    if place.region is None:
        return None
    target = uri if place.file == analysis.name else file_uri(place.file)
    if target is None:
        return None
    location = types.Location(uri=target, range=_range(place.region))
    return types.DiagnosticRelatedInformation(location=location, message=message)


def _range(region: Region) -> types.Range:
    """A 1-based region of `locate` (UTF-16 columns) as a 0-based LSP range."""
    return types.Range(
        start=types.Position(line=region.line - 1, character=region.column - 1),
        end=types.Position(line=region.end_line - 1, character=region.end_column - 1),
    )
