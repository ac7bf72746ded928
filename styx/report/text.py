"""Diagnostics in the rustc-like layout of the spec's diagnostics.md.

    error[styx::duplicate-key]: duplicate key `port`
      --> config.styx:4:3
       |
     2 |   port 8080
       |   ---- first defined here
     4 |   port 9090
       |   ^^^^ duplicate key
       |
       = help: remove one of them, or merge their values

The renderer yields lines of (text, role) segments; `plain` joins them and
the CLI colours them by role. Columns are display columns: tabs expand to
four spaces and wide characters take two cells, so carets line up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from styx.diagnostic import Diagnostic, Label
from styx.source import LineIndex, Span

Segment = tuple[str, str]  # (text, role)
Line = list[Segment]

TAB = "    "


class _Mark:
    __slots__ = ("label", "primary", "span")

    def __init__(self, span: Span, label: str, primary: bool) -> None:
        self.span = span
        self.label = label
        self.primary = primary


def _width(char: str) -> int:
    import unicodedata

    if char == "\t":
        return len(TAB)
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _display(text: str) -> str:
    return text.replace("\t", TAB)


def _columns(index: LineIndex, line: int, span: Span) -> tuple[int, int]:
    """Display columns [start, end) of a span on a line (clamped to the line)."""
    start = max(span.start, index.line_start(line))
    line_end = index.line_end(line)
    end = min(span.end, line_end) if span.end > start else start
    before = index.slice(Span(index.line_start(line), min(start, line_end)))
    inside = index.slice(Span(min(start, line_end), max(end, min(start, line_end))))
    first = sum(_width(c) for c in before)
    width = max(1, sum(_width(c) for c in inside))
    return first, first + width


def render(
    diagnostic: Diagnostic,
    source: str | None,
    filename: str,
    *,
    sources: Mapping[str, str] | None = None,
) -> list[Line]:
    """The diagnostic as lines of segments; ``source`` is the text of ``filename``."""
    head: Line = [
        (diagnostic.severity.value, diagnostic.severity.value),
        (f"[{diagnostic.code}]", diagnostic.severity.value),
        (": ", "plain"),
        (diagnostic.message, "message"),
    ]
    lines: list[Line] = [head]
    file = diagnostic.file or filename
    text = source if diagnostic.file in (None, filename) else (sources or {}).get(file)
    if text is None:
        lines.append([("  --> ", "gutter"), (f"{file}", "location")])
        return lines + _footer(diagnostic, [], 2)
    index = LineIndex(text)
    marks = [_Mark(diagnostic.span, diagnostic.label, True)]
    elsewhere: list[Label] = []
    for label in diagnostic.labels:
        if label.file in (None, file):
            marks.append(_Mark(label.span, label.message, False))
        else:
            elsewhere.append(label)
    shown = sorted({index.line_of(mark.span.start) for mark in marks})
    gutter = len(str(shown[-1] + 1))
    pad = " " * gutter
    line, column = index.position(diagnostic.span.start)
    lines.append([(f"{pad}--> ", "gutter"), (f"{file}:{line}:{column}", "location")])
    lines.append([(f"{pad} |", "gutter")])
    previous = None
    for number in shown:
        if previous is not None and number > previous + 1:
            lines.append([("...", "gutter")])
        previous = number
        lines.append(
            [
                (f"{number + 1:>{gutter}} | ", "gutter"),
                (_display(index.line_text(number)), "source"),
            ]
        )
        here = [mark for mark in marks if index.line_of(mark.span.start) == number]
        for mark in sorted(here, key=lambda m: (_columns(index, number, m.span), not m.primary)):
            first, last = _columns(index, number, mark.span)
            char = "^" if mark.primary else "-"
            role = diagnostic.severity.value if mark.primary else "secondary"
            underline = char * (last - first)
            segments: Line = [(f"{pad} | ", "gutter"), (" " * first, "plain"), (underline, role)]
            if mark.label:
                segments.append((f" {mark.label}", role))
            lines.append(segments)
    return lines + _footer(diagnostic, elsewhere, gutter, sources)


def _footer(
    diagnostic: Diagnostic,
    elsewhere: Iterable[Label],
    gutter: int,
    sources: Mapping[str, str] | None = None,
) -> list[Line]:
    pad = " " * gutter
    notes: list[tuple[str, str]] = [("note", note) for note in diagnostic.notes]
    for label in elsewhere:
        where = label.file or "?"
        text = (sources or {}).get(where)
        if text is not None:
            line, column = LineIndex(text).position(label.span.start)
            where = f"{where}:{line}:{column}"
        notes.append(("note", f"{label.message} ({where})"))
    if diagnostic.help:
        notes.append(("help", diagnostic.help))
    if not notes:
        return []
    out: list[Line] = [[(f"{pad} |", "gutter")]]
    for kind, body in notes:
        first, *rest = body.split("\n")
        out.append([(f"{pad} = ", "gutter"), (f"{kind}:", kind), (f" {first}", "plain")])
        indent = " " * (len(kind) + 2)
        out.extend([[(f"{pad}   {indent}", "gutter"), (more, "plain")] for more in rest])
    return out


def plain(lines: Iterable[Line]) -> str:
    return "\n".join("".join(text for text, _ in line).rstrip() for line in lines) + "\n"


def render_plain(
    diagnostic: Diagnostic,
    source: str | None,
    filename: str,
    *,
    sources: Mapping[str, str] | None = None,
) -> str:
    return plain(render(diagnostic, source, filename, sources=sources))
