"""Diagnostics in the rustc-like layout of the spec's diagnostics.md.

    error[styx::duplicate-key]: duplicate key `port`
     --> config.styx:4:3
      |
    2 |   port 8080
      |   ---- first defined here
    3 |   host localhost
    4 |   port 9090
      |   ^^^^ duplicate key
      |
      = help: remove one of them, or merge their values

`render` yields lines of (text, role) segments and `plain` joins them; colour
is applied by role at the edge (`styx.report.color`), so this module never
knows whether it writes to a terminal. The roles are the severities
(``error``, ``warning``, ``note``) for the header and primary underlines,
``help``, ``message``, ``gutter``, ``location``, ``source``, ``secondary``
(secondary underlines and their labels) and ``plain``.

Layout rules, chosen to stay readable in the awkward cases:

- The lines shown are those where an annotation starts or ends. A hidden run
  of a single line is shown anyway (a ``...`` would take as much room);
  longer runs become one ``...`` row.
- Primary spans are underlined ``^^^``, secondary labels ``---``. Several
  annotations on one line share one underline row, as rustc draws them: the
  rightmost label follows its underline and the others hang below it on
  ``|`` connectors. Annotations that overlap cannot share a row without
  hiding one another, so each of them gets a row of its own.
- A span over several lines is drawn with a bracket left of the source, as
  rustc does: ``/`` beside its first line when it starts at the line's
  indentation (else `` ____^`` under its first character, below the line's
  other underlines), ``|`` beside the lines it covers and ``|____^ label``
  under its last character. A span that ends just past a line break ends at
  the end of that line instead. A run of hidden lines inside it is ``...``.
- A zero-width span is one caret under the character after it; on an empty
  line, or at the end of a line, that is the cell after the last character.
  At the end of a text that ends with a line break it moves to after the
  last character, where people look for "the end of the file".
- Labels in another file get a snippet of their own, headed
  ``::: file:line:column``, when ``sources`` has that file's text; otherwise
  they become notes. A diagnostic whose own source is unavailable is shown
  by its header, its file name and its notes.
- Notes, then help, follow as ``= note:`` and ``= help:`` lines; a text of
  several lines continues under its first line's text.
- Columns are terminal cells: a tab is shown as four spaces, wide (CJK,
  emoji) characters take two cells, combining marks none, so carets stay
  under their characters. Control and bidirectional-override characters are
  shown as visible stand-ins, because printed raw they would move the cursor
  or reorder the line.
- A long line (a minified document, a 10 MB scalar) is shown as windows
  around the places marked on it, joined and ended by ``…``; carets are
  drawn on the windows only, and each window's cell widths are measured
  once. Rendering a diagnostic therefore costs the same on a 10 MB line as
  on a short one. Messages, labels, notes and help quoting long source text
  are shortened in the middle the same way.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import pairwise

from styx.diagnostic import Diagnostic, Label
from styx.source import LineIndex, Span

Segment = tuple[str, str]  # (text, role)
Line = list[Segment]

TAB = "    "

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _cell(char: str) -> tuple[str, int]:
    """How a source character is shown, and how many terminal cells that takes."""
    if " " <= char <= "~":
        return char, 1
    if char == "\t":
        return TAB, len(TAB)
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code), 1  # the Control Pictures block: ␀ … ␟
    if code == 0x7F:
        return "\u2421", 1  # ␡
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS:
        return "\ufffd", 1
    if category in ("Mn", "Me", "Cf"):
        return char, 0
    return char, 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


#: Lines up to this many bytes are shown whole.
WHOLE_LINE = 160
#: Bytes shown on each side of a marked place on a longer line.
CONTEXT = 40
#: Longest message, label, note or help line shown whole (in characters).
LONGEST_TEXT = 300
ELLIPSIS = "\u2026"


def clip(text: str, limit: int = LONGEST_TEXT) -> str:
    """A text that quotes the source (a 10 MB key in "duplicate key `...`"),
    shortened in the middle when it is longer than ``limit`` characters."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return text[:half] + ELLIPSIS + text[len(text) - half :]


class _View:
    """How one source line is shown: the whole line, or windows of it
    around given byte offsets, with ``…`` where text is left out. Maps byte
    offsets on the line to display columns."""

    __slots__ = ("bytes", "cols", "text", "width")

    def __init__(self, index: LineIndex, line: int, points: Iterable[int]) -> None:
        data = index.data
        start, end = index.line_start(line), index.line_end(line)
        if end - start <= WHOLE_LINE:
            ranges = [(start, end)]
        else:
            ranges = []
            for point in sorted(points):
                low, high = max(start, point - CONTEXT), min(end, point + CONTEXT)
                if low - start <= 8:
                    low = start
                if end - high <= 8:
                    high = end
                low, high = _boundary(data, low, end), _boundary(data, high, end)
                if ranges and low <= ranges[-1][1] + 8:
                    ranges[-1] = (ranges[-1][0], max(ranges[-1][1], high))
                else:
                    ranges.append((low, high))
            if not ranges:
                ranges = [(start, _boundary(data, min(end, start + 2 * CONTEXT), end))]
        #: Per shown character (and each ``…``): its byte offset and column.
        self.bytes: list[int] = []
        self.cols: list[int] = []
        shown: list[str] = []
        column = 0
        previous = start
        for low, high in ranges:
            if low > previous:
                shown.append(ELLIPSIS)
                self.bytes.append(previous)
                self.cols.append(column)
                column += 1
            offset = low
            for char in data[low:high].decode("utf-8", "replace"):
                face, width = _cell(char)
                shown.append(face)
                self.bytes.append(offset)
                self.cols.append(column)
                column += width
                offset += len(char.encode("utf-8")) if char > "\x7f" else 1
            previous = high
        if previous < end:
            shown.append(ELLIPSIS)
            self.bytes.append(previous)
            self.cols.append(column)
            column += 1
        self.bytes.append(end)
        self.cols.append(column)
        self.text = "".join(shown)
        self.width = column

    def column(self, offset: int) -> int:
        """The display column where the character at a byte offset starts
        (a left-out one: its ``…``)."""
        return self.cols[max(bisect_right(self.bytes, offset) - 1, 0)]

    def end_column(self, offset: int) -> int:
        """The column just after the character that ends before a byte
        offset (for an exclusive end)."""
        place = bisect_left(self.bytes, offset)
        if place < len(self.bytes) and self.bytes[place] == offset:
            return self.cols[place]
        return self.cols[min(place, len(self.cols) - 1)]


def _boundary(data: bytes, offset: int, limit: int) -> int:
    """The first character boundary at or after a byte offset (at most ``limit``)."""
    while offset < limit and data[offset] & 0xC0 == 0x80:
        offset += 1
    return offset


def texts_by_file(
    filename: str, source: str | None, sources: Mapping[str, str] | None
) -> dict[str, str]:
    """The text of every file a diagnostic may point into: ``sources``, and
    ``source`` (when it could be read) as the text of ``filename``."""
    texts = dict(sources or {})
    if source is not None:
        texts[filename] = source
    return texts


@lru_cache(maxsize=8)
def line_index(text: str) -> LineIndex:
    """The line table of a text, shared by the diagnostics of one file.

    A file with many diagnostics is rendered one diagnostic at a time; the
    cache keeps that from re-scanning the whole text for each of them (a
    str caches its hash, so a hit costs no pass over the text).
    """
    return LineIndex(text)


def visible_span(index: LineIndex, span: Span) -> Span:
    """The span as people are shown it, in this layout and in the tool formats.

    It is clamped to the text. A span that ends just past a line break ends
    before the break, so it does not reach onto a line it does not touch. A
    zero-width span on the empty last line of a text that ends with a line
    break (a parser's "end of input") moves to after the last character.
    """
    size = index.byte_length
    start = min(max(span.start, 0), size)
    end = min(max(span.end, start), size)
    last = index.line_of(end)
    if last > 0 and end == index.line_start(last) and (end > start or end == size):
        end = index.line_end(last - 1)
        start = min(start, end)
    return Span(start, end)


class _Mark:
    """One annotation: its byte span and lines, and its display columns
    once the lines it starts and ends on are laid out (`place`)."""

    __slots__ = (
        "char",
        "depth",
        "end",
        "end_col",
        "end_line",
        "label",
        "role",
        "start",
        "start_col",
        "start_line",
    )

    def __init__(self, index: LineIndex, span: Span, label: str, char: str, role: str) -> None:
        span = visible_span(index, span)
        self.label = clip(label)
        self.char = char
        self.role = role
        self.start, self.end = span
        self.start_line = index.line_of(span.start)
        self.end_line = index.line_of(span.end)
        self.start_col = self.end_col = 0
        #: The bracket column of a multi-line mark.
        self.depth = 0

    @property
    def multiline(self) -> bool:
        return self.start_line != self.end_line

    def place(self, line: int, view: _View) -> None:
        """Set the columns that lie on ``line``, shown as ``view``.

        Single-line marks cover at least one cell (zero-width ones point at
        the cell after them); a multi-line mark's end_col is one past its
        last character, where its closing caret goes.
        """
        if line == self.start_line:
            self.start_col = view.column(self.start)
        if line == self.end_line:
            end_col = view.end_column(self.end)
            if self.multiline:
                self.end_col = max(end_col, 1)
            else:
                self.end_col = max(end_col, self.start_col + 1)

    def points(self, line: int) -> list[int]:
        """The byte offsets of this mark that ``line`` must show."""
        found = []
        if line == self.start_line:
            found.append(self.start)
        if line == self.end_line:
            found.append(self.end)
        return found


class _Row:
    """One output row after the gutter: single cells drawn at display columns,
    then optionally a text (label or source line) from some column on."""

    __slots__ = ("cells", "tail")

    def __init__(self, brackets: Iterable[_Mark] = ()) -> None:
        self.cells: dict[int, Segment] = {mark.depth: ("|", mark.role) for mark in brackets}
        self.tail: tuple[int, str, str] | None = None

    def draw(self, column: int, text: str, role: str, *, over: bool = True) -> None:
        """Put characters from a column on; ``over=False`` keeps what is there."""
        for position, char in enumerate(text, column):
            if over or position not in self.cells:
                self.cells[position] = (char, role)

    def write(self, column: int, text: str, role: str) -> None:
        """End the row with a text starting at a column."""
        self.tail = (column, text, role)

    def line(self, gutter: str) -> Line:
        end = self.tail[0] if self.tail else max(self.cells, default=-1) + 1
        out: Line = [(gutter, "gutter")]
        run: list[str] = []
        run_role = ""
        for column in range(end):
            char, role = self.cells.get(column, (" ", "plain"))
            if role != run_role and run:
                out.append(("".join(run), run_role))
                run = []
            run.append(char)
            run_role = role
        if run:
            out.append(("".join(run), run_role))
        if self.tail:
            out.append(self.tail[1:])
        return out


def _assign_depths(marks: list[_Mark]) -> int:
    """Give each multi-line mark a bracket column, reusing a column once its
    previous mark has ended on an earlier line; return how many are used."""
    ends: list[int] = []
    for mark in sorted(marks, key=lambda m: (m.start_line, m.start)):
        free = (depth for depth, end in enumerate(ends) if end < mark.start_line)
        mark.depth = next(free, len(ends))
        ends[mark.depth : mark.depth + 1] = [mark.end_line]  # replace, or append a new column
    return len(ends)


def _shown_lines(marks: Iterable[_Mark]) -> list[int]:
    shown: list[int] = []
    for line in sorted({n for mark in marks for n in (mark.start_line, mark.end_line)}):
        if shown and line == shown[-1] + 2:
            shown.append(line - 1)
        shown.append(line)
    return shown


def _underlines(marks: list[_Mark], offset: int, brackets: list[_Mark]) -> list[_Row]:
    """The rows under one line for its single-line marks."""
    marks = sorted(marks, key=lambda m: (m.start_col, m.end_col))
    if any(right.start_col < left.end_col for left, right in pairwise(marks)):
        return [row for mark in marks for row in _shared_row([mark], offset, brackets)]
    return _shared_row(marks, offset, brackets)


def _shared_row(marks: list[_Mark], offset: int, brackets: list[_Mark]) -> list[_Row]:
    """Non-overlapping marks on one underline row; the last one's label follows
    it, the others hang below on connectors, rightmost first."""
    row = _Row(brackets)
    for mark in marks:
        row.draw(offset + mark.start_col, mark.char * (mark.end_col - mark.start_col), mark.role)
    last = marks[-1]
    if last.label:
        row.write(offset + last.end_col + 1, last.label, last.role)
    rows = [row]
    hanging = [mark for mark in marks[:-1] if mark.label]
    if hanging:
        rows.append(_connectors(hanging, offset, brackets))
    for count in range(len(hanging) - 1, -1, -1):
        row = _connectors(hanging[:count], offset, brackets)
        row.write(offset + hanging[count].start_col, hanging[count].label, hanging[count].role)
        rows.append(row)
    return rows


def _connectors(marks: list[_Mark], offset: int, brackets: list[_Mark]) -> _Row:
    row = _Row(brackets)
    for mark in marks:
        row.draw(offset + mark.start_col, "|", mark.role)
    return row


def _snippet(index: LineIndex, marks: list[_Mark], gutter: int) -> list[Line]:
    """The annotated source lines of one file."""
    spanning = [mark for mark in marks if mark.multiline]
    width = _assign_depths(spanning)
    offset = width + 1 if width else 0  # source text starts after the brackets
    margin = f"{'':>{gutter}} | "
    out: list[Line] = []
    active: list[_Mark] = []  # multi-line marks whose bracket runs down this line
    previous = None
    for number in _shown_lines(marks):
        if previous is not None and number > previous + 1:
            out.append(_Row(active).line(f"{'...':<{gutter + 3}}"))
        previous = number
        on_line = [m for m in marks if number in (m.start_line, m.end_line)]
        view = _View(index, number, [point for m in on_line for point in m.points(number)])
        for mark in on_line:
            mark.place(number, view)
        # Where the line's indentation ends: a span starting there gets a `/`.
        line_start = index.line_start(number)
        head = index.data[line_start : line_start + WHOLE_LINE]
        indent = len(head) - len(head.lstrip(b" \t"))
        starting = sorted((m for m in spanning if m.start_line == number), key=_depth)
        arms = [mark for mark in starting if mark.start > line_start + indent]
        source = _Row(active)
        for mark in starting:
            if mark not in arms:
                source.draw(mark.depth, "/", mark.role)
                active.append(mark)
        source.write(offset, view.text, "source")
        out.append(source.line(f"{number + 1:>{gutter}} | "))
        # Under the line: its underlines, then the spans that end on it
        # (deeper brackets first, so no arm crosses an open bracket), then
        # those that start on it, so each arm leads straight into its bracket.
        rows: list[_Row] = []
        single = [m for m in marks if not m.multiline and m.start_line == number]
        if single:
            rows.extend(_underlines(single, offset, active))
        ending = [m for m in spanning if m.end_line == number]
        for mark in sorted(ending, key=_depth, reverse=True):
            row = _arm(active, mark, offset + mark.end_col - 1)
            if mark.label:
                row.write(offset + mark.end_col + 1, mark.label, mark.role)
            rows.append(row)
            active.remove(mark)
        for mark in arms:
            rows.append(_arm(active, mark, offset + mark.start_col))
            active.append(mark)
        out.extend(row.line(margin) for row in rows)
    return out


def _depth(mark: _Mark) -> int:
    return mark.depth


def _arm(brackets: list[_Mark], mark: _Mark, column: int) -> _Row:
    """A row joining a multi-line mark's bracket to its first or last character."""
    row = _Row(brackets)
    row.draw(mark.depth + 1, "_" * (column - mark.depth - 1), mark.role, over=False)
    row.draw(column, mark.char, mark.role)
    return row


def _header(diagnostic: Diagnostic) -> Line:
    severity = diagnostic.severity.value
    message = clip(diagnostic.message)
    return [(f"{severity}[{diagnostic.code}]", severity), (f": {message}", "message")]


def render(
    diagnostic: Diagnostic,
    source: str | None,
    filename: str,
    *,
    sources: Mapping[str, str] | None = None,
) -> list[Line]:
    """The diagnostic as lines of segments.

    ``source`` is the text of ``filename``, None when it could not be read;
    ``sources`` holds the text of other files that labels point into.
    """
    texts = texts_by_file(filename, source, sources)
    file = diagnostic.file or filename
    # The annotations of each file that can be shown, its own file first.
    groups: dict[str, list[tuple[Span, str, str, str]]] = {}
    unplaced: list[Label] = []
    if file in texts:
        groups[file] = [(diagnostic.span, diagnostic.label, "^", diagnostic.severity.value)]
    for label in diagnostic.labels:
        where = label.file or file
        if where in texts:
            groups.setdefault(where, []).append((label.span, label.message, "-", "secondary"))
        else:
            unplaced.append(Label(label.span, label.message, where))
    snippets: list[tuple[str, LineIndex, list[_Mark]]] = []
    for name, wanted in groups.items():
        index = line_index(texts[name])
        snippets.append((name, index, [_Mark(index, *mark) for mark in wanted]))
    last = max((m.end_line for _, _, marks in snippets for m in marks), default=0)
    gutter = len(str(last + 1))
    pad = " " * gutter
    lines = [_header(diagnostic)]
    if not snippets:
        lines.append([(f"{pad}--> ", "gutter"), (file, "location")])
    for name, index, marks in snippets:
        first_span = groups[name][0][0]
        line, column = index.position(visible_span(index, first_span).start)
        if name == file:
            lines.append([(f"{pad}--> ", "gutter"), (f"{name}:{line}:{column}", "location")])
        else:
            lines.append([(f"{pad} |", "gutter")])
            lines.append([(f"{pad}::: ", "gutter"), (f"{name}:{line}:{column}", "location")])
        lines.append([(f"{pad} |", "gutter")])
        lines.extend(_snippet(index, marks, gutter))
    return lines + _footer(diagnostic, unplaced, pad)


def _footer(diagnostic: Diagnostic, unplaced: Iterable[Label], pad: str) -> list[Line]:
    """The ``= note:`` and ``= help:`` lines; labels that have no snippet to
    be drawn in become notes, so that nothing the diagnostic says is lost."""
    notes: list[tuple[str, str]] = [("note", note) for note in diagnostic.notes]
    notes.extend(("note", f"{label.message} ({label.file})") for label in unplaced)
    if diagnostic.help:
        notes.append(("help", diagnostic.help))
    if not notes:
        return []
    out: list[Line] = [[(f"{pad} |", "gutter")]]
    for kind, body in notes:
        first, *rest = (clip(line) for line in body.split("\n"))
        out.append([(f"{pad} = ", "gutter"), (f"{kind}:", kind), (f" {first}", "plain")])
        indent = f"{pad}   {'':{len(kind) + 2}}"
        out.extend([[(indent, "gutter"), (more, "plain")] for more in rest])
    return out


def plain(lines: Iterable[Line]) -> str:
    """The lines as text, without colour."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def render_plain(
    diagnostic: Diagnostic,
    source: str | None,
    filename: str,
    *,
    sources: Mapping[str, str] | None = None,
) -> str:
    """`render`, as text without colour."""
    return plain(render(diagnostic, source, filename, sources=sources))
