"""Source positions: spans and the one place where offsets change units.

Every span in styx is a pair of UTF-8 byte offsets into the source, as the
compliance suite and the reference implementation count them. People read
line and column numbers, and LSP clients count UTF-16 code units; `LineIndex`
converts between the three so that no other module does offset arithmetic.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of UTF-8 byte offsets."""

    start: int
    end: int

    def __contains__(self, offset: object) -> bool:
        return isinstance(offset, int) and self.start <= offset < self.end

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        return Span(min(self.start, other.start), max(self.end, other.end))


class Position(NamedTuple):
    """A human position: 1-based line and 1-based column counted in characters."""

    line: int
    column: int


#: Bytes between the checkpoints of `LineIndex` on a non-ASCII text.
_STRIDE = 4096


class LineIndex:
    """Line table of one source text, built lazily by whoever needs positions.

    Columns cost the same on any line: on an ASCII text a column is a byte
    count, and otherwise a character count is read from a checkpoint every
    few kilobytes plus the bytes since it, so placing 10,000 diagnostics on
    one 10 MB line stays linear.
    """

    __slots__ = ("_checkpoints", "_data", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._data = text.encode("utf-8")
        starts = [0]
        find = self._data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self._starts = starts
        #: Per `_STRIDE` bytes: (byte offset on a character boundary,
        #: characters before it, UTF-16 units before it); built on first use.
        self._checkpoints: list[tuple[int, int, int]] | None = None

    @property
    def data(self) -> bytes:
        """The text as UTF-8, which spans index."""
        return self._data

    @property
    def byte_length(self) -> int:
        return len(self._data)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_of(self, offset: int) -> int:
        """0-based line holding the byte offset (offsets past the end clamp)."""
        offset = max(0, min(offset, len(self._data)))
        return bisect_right(self._starts, offset) - 1

    def line_start(self, line: int) -> int:
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Byte offset of the end of the line, before its newline."""
        end = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else len(self._data)
        if end > self._starts[line] and self._data[end - 1 : end] == b"\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        """The line's text without its line ending."""
        return self._data[self._starts[line] : self.line_end(line)].decode("utf-8", "replace")

    def prefix(self, offset: int) -> str:
        """The text between the start of the offset's line and the offset."""
        line = self.line_of(offset)
        return self._data[self._starts[line] : offset].decode("utf-8", "replace")

    def position(self, offset: int) -> Position:
        """1-based line and character column, for messages."""
        line = self.line_of(offset)
        offset = max(0, min(offset, len(self._data)))
        if len(self._data) == len(self.text):  # ASCII: a character is a byte
            return Position(line + 1, offset - self._starts[line] + 1)
        column = self._count(offset)[0] - self._count(self._starts[line])[0]
        return Position(line + 1, column + 1)

    def _count(self, offset: int) -> tuple[int, int]:
        """Characters and UTF-16 units before a byte offset."""
        checkpoints = self._checkpoints
        if checkpoints is None:
            checkpoints = self._checkpoints = self._build_checkpoints()
        base, chars, units = checkpoints[offset // _STRIDE]
        if offset < base:  # inside the character the checkpoint moved past
            offset = base
        piece = self._data[base:offset].decode("utf-8", "replace")
        return chars + len(piece), units + _utf16_len(piece)

    def _build_checkpoints(self) -> list[tuple[int, int, int]]:
        data = self._data
        found = [(0, 0, 0)]
        base = chars = units = 0
        for start in range(_STRIDE, len(data) + 1, _STRIDE):
            boundary = start
            while boundary < len(data) and data[boundary] & 0xC0 == 0x80:
                boundary += 1
            piece = data[base:boundary].decode("utf-8", "replace")
            chars += len(piece)
            units += _utf16_len(piece)
            base = boundary
            found.append((base, chars, units))
        return found

    def offset_at(self, position: Position) -> int:
        """Byte offset of a 1-based line and character column (clamped to the text)."""
        line = min(max(position.line - 1, 0), len(self._starts) - 1)
        text = self.line_text(line)
        column = min(max(position.column - 1, 0), len(text))
        return self._starts[line] + len(text[:column].encode("utf-8"))

    def utf16_position(self, offset: int) -> tuple[int, int]:
        """0-based line and UTF-16 column, as the Language Server Protocol counts."""
        line = self.line_of(offset)
        offset = max(0, min(offset, len(self._data)))
        if len(self._data) == len(self.text):
            return line, offset - self._starts[line]
        return line, self._count(offset)[1] - self._count(self._starts[line])[1]

    def utf16_positions(self, offsets: Iterable[int]) -> list[tuple[int, int]]:
        """`utf16_position` of many offsets. Ascending offsets (tokens in
        source order) are converted in one pass over each line, where
        calling `utf16_position` on each would decode the line up to every
        one of them: quadratic on a long line."""
        found: list[tuple[int, int]] = []
        line, reached, column = -1, 0, 0
        for offset in offsets:
            offset = max(0, min(offset, len(self._data)))
            if line < 0 or offset < reached or offset >= self._next_line_start(line):
                line = self.line_of(offset)
                reached, column = self._starts[line], 0
            column += _utf16_len(self._data[reached:offset].decode("utf-8", "replace"))
            reached = offset
            found.append((line, column))
        return found

    def _next_line_start(self, line: int) -> int:
        """Where the line after ``line`` starts; past the end for the last one."""
        return self._starts[line + 1] if line + 1 < len(self._starts) else len(self._data) + 1

    def offset_at_utf16(self, line: int, column: int) -> int:
        """Byte offset of an LSP position; columns past the line end clamp to it."""
        if line >= len(self._starts):
            return len(self._data)
        line = max(line, 0)
        start = self._starts[line]
        text = self.line_text(line)
        units = 0
        for index, char in enumerate(text):
            if units >= column:
                return start + len(text[:index].encode("utf-8"))
            units += 2 if ord(char) > 0xFFFF else 1
        return start + len(text.encode("utf-8"))

    def slice(self, span: Span) -> str:
        """The source text under a span."""
        return self._data[span.start : span.end].decode("utf-8", "replace")


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
