"""Key paths: ``listener.port``, ``ports[2]``, the address of a value.

A path names a value the way a person reads the document: object keys joined
by ``.``, sequence positions in brackets, a tag's payload under the tag's own
key (``db @postgres{url x}``: the url is ``db.url``). Keys that would not read
back as one segment are quoted (``"a.b"``); the unit key is ``@`` and a tag
key ``@name``. `styx check --format json` gives every diagnostic the path of
the value it is about; `styx get`/`styx set` read the same syntax
(`parse_path`).

Design points, each with the failure it prevents:

* `path_at` descends by bisecting each level's entries (they are in source
  order), so locating 10 000 diagnostics in a document of 200 000 keys costs
  10 000 times the depth times a logarithm, not a scan of the document per
  diagnostic (which would make machine output quadratic).
* It is a loop, not a recursion: a document nested thousands deep must not
  overflow the interpreter's stack while a report is being written.
* One spelling for segments (`segment_text`), used both to print and, in
  reverse, to parse: a path printed for a diagnostic can be pasted into
  ``styx get``.
"""

from __future__ import annotations

import bisect
import re

from styx.syntax import write
from styx.syntax.tree import (
    Document,
    Entry,
    Object,
    ObjectForm,
    Scalar,
    Sequence,
    Tagged,
    Unit,
    Value,
)

#: A parsed path segment: a scalar key, a sequence index, the unit key
#: (None) or a tag key (``("@", name)``, or ``("@", name, payload)`` for
#: ``@env"PATH"``).
Segment = str | int | None | tuple[str, ...]

_BARE_SEGMENT = re.compile(r"[A-Za-z0-9_\-:/+~*$%&!?;'^|`]+")
_TAG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class PathError(ValueError):
    """A path that cannot be read; ``position`` is the character where it fails."""

    def __init__(self, message: str, position: int) -> None:
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")


def key_text(key: Value) -> str:
    """One object key as a path segment."""
    if isinstance(key, Scalar):
        return _quoted_unless_plain(key.text)
    if isinstance(key, Unit):
        return "@"
    if isinstance(key, Tagged):
        payload = key.payload
        if isinstance(payload, Scalar):
            return "@" + key.name + write.quote(payload.text)
        return "@" + key.name
    return "?"


def _quoted_unless_plain(text: str) -> str:
    if text and _BARE_SEGMENT.fullmatch(text):
        return text
    return write.quote(text)


def segment_text(segment: Segment) -> str:
    """A parsed segment written back (without its leading dot)."""
    if segment is None:
        return "@"
    if isinstance(segment, int):
        return f"[{segment}]"
    if isinstance(segment, tuple):
        payload = write.quote(segment[2]) if len(segment) > 2 else ""
        return "@" + segment[1] + payload
    return _quoted_unless_plain(segment)


def join(segments: list[Segment]) -> str:
    """Segments as one path: ``a.b[2].c``."""
    out: list[str] = []
    for segment in segments:
        text = segment_text(segment)
        if out and not isinstance(segment, int):
            out.append(".")
        out.append(text)
    return "".join(out)


def parse_path(text: str) -> list[Segment]:
    """``a.b[2]."c.d".@`` as segments; raises `PathError`."""
    segments: list[Segment] = []
    pos = 0
    size = len(text)
    expect_key = True
    if not text:
        raise PathError("the path is empty", 0)
    while pos < size:
        char = text[pos]
        if char == "[":
            close = text.find("]", pos)
            number = text[pos + 1 : close] if close > 0 else ""
            if not number.isdigit() or not number.isascii():
                raise PathError("expected a sequence index such as [0]", pos)
            segments.append(int(number))
            pos = close + 1
            expect_key = False
            continue
        if not expect_key:
            if char != ".":
                raise PathError("expected `.` or `[` between segments", pos)
            pos += 1
            if pos == size:
                raise PathError("the path ends with `.`", pos - 1)
            expect_key = True
            continue
        if char == '"':
            value, pos = _quoted(text, pos)
            segments.append(value)
        elif char == "@":
            match = _TAG_NAME.match(text, pos + 1)
            if match is None:
                segments.append(None)
                pos += 1
            else:
                pos = match.end()
                if text.startswith('"', pos):
                    payload, pos = _quoted(text, pos)
                    segments.append(("@", match.group(), payload))
                else:
                    segments.append(("@", match.group()))
        else:
            match = _BARE_SEGMENT.match(text, pos)
            if match is None:
                raise PathError(f"unexpected {char!r}; quote keys like this one", pos)
            segments.append(match.group())
            pos = match.end()
        expect_key = False
    return segments


def _quoted(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    pos = start + 1
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}
    while pos < len(text):
        char = text[pos]
        if char == '"':
            return "".join(out), pos + 1
        if char == "\\":
            code = text[pos + 1 : pos + 2]
            if code in escapes:
                out.append(escapes[code])
                pos += 2
                continue
            braced = re.match(r"u\{([0-9A-Fa-f]{1,6})\}", text[pos + 1 :])
            if braced is None:
                raise PathError("unknown escape in a quoted key", pos)
            out.append(chr(int(braced.group(1), 16)))
            pos += 1 + braced.end()
            continue
        out.append(char)
        pos += 1
    raise PathError("unclosed quote", start)


def path_at(document: Document, offset: int) -> str | None:
    """The path of the innermost value (or key) at byte ``offset``; None
    when the offset is outside every root entry (the ``@schema`` line
    included: it is a directive, not a value)."""
    segments: list[str | int] = []
    node: Value = document.root
    found = False
    while True:
        if isinstance(node, Tagged):
            if node.value is None or not (node.value.start <= offset < node.value.end):
                break
            node = node.value
            continue
        if isinstance(node, Object):
            entry = _entry_at(node, offset)
            if entry is None:
                break
            if _is_directive(document, node, entry):
                return None
            segments.append(key_text(entry.key))
            found = True
            if entry.value.start <= offset < _tail(entry.value) and entry.value is not entry.key:
                node = entry.value
                continue
            break
        if isinstance(node, Sequence):
            index = bisect.bisect_right(node.items, offset, key=_start) - 1
            if index < 0 or not (node.items[index].start <= offset < node.items[index].end):
                break
            segments.append(index)
            found = True
            node = node.items[index]
            continue
        break
    if not found:
        return None
    out: list[str] = []
    for segment in segments:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        else:
            if out:
                out.append(".")
            out.append(segment)
    return "".join(out)


def _is_directive(document: Document, obj: Object, entry: Entry) -> bool:
    return obj is document.root and entry is document.declaration


def _entry_at(obj: Object, offset: int) -> Entry | None:
    entries = obj.entries
    if not entries:
        return None
    index = bisect.bisect_right(entries, offset, key=_key_start) - 1
    if index < 0:
        return None
    entry = entries[index]
    start = entry.key.start
    if start <= offset < max(entry.key.end, _tail(entry.value), start + 1):
        return entry
    return None


def _start(value: Value) -> int:
    return value.start


def _key_start(entry: Entry) -> int:
    return entry.key.start


def _tail(value: Value) -> int:
    """Where a value's text ends: a dotted path's objects end with the
    path, so follow them to the value it leads to."""
    while type(value) is Object and value.form is ObjectForm.PATH and value.entries:
        value = value.entries[0].value
    return value.end
