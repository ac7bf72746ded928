"""Key identity and the dotted-path rules of one object.

parser[entry.key-equality]: keys are equal when their parsed values are:
scalars by text (after escapes), unit to unit, tags by name and payload.
parser[entry.path.sibling] / parser[entry.path.reopen]: sibling dotted paths
may continue each other while they are contiguous; once a different key
appears at some level, the earlier path is closed for good. A path cannot go
through a key whose value is not an object (nest-into-terminal).

The tracker keeps only the currently open path plus, per level, the keys
already closed there, so its memory is the object's keys, not all paths.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from styx.diagnostic import Diagnostic, Label
from styx.source import Span
from styx.syntax import codes
from styx.syntax.tree import Entry, Object, Scalar, ScalarKind, Tagged, Unit, Value


class _UnitKey:
    __slots__ = ()

    def __repr__(self) -> str:
        return "@"


UNIT_KEY = _UnitKey()


def key_identity(key: Value) -> Hashable | None:
    """What two keys must share to be the same key; None for values that
    cannot be keys at all."""
    if isinstance(key, Scalar):
        return key.text
    if isinstance(key, Unit):
        return UNIT_KEY
    if isinstance(key, Tagged):
        inner = key.payload
        return ("@", key.name, None if inner is None else key_identity(inner))
    return None


def key_label(key: Value) -> str:
    """A key as a person would write it in a message."""
    if isinstance(key, Scalar):
        return key.text if key.kind is ScalarKind.BARE else f'"{key.text}"'
    if isinstance(key, Unit):
        return "@"
    if isinstance(key, Tagged):
        return f"@{key.name}"
    return "?"


#: A span as a plain pair; the tracker makes a `Span` only for a message.
_Where = tuple[int, int]


class _Level:
    __slots__ = ("block", "children", "closed", "key", "span", "terminal")

    def __init__(
        self, key: Hashable, span: tuple[int, int], terminal: bool, block: Object | None = None
    ) -> None:
        self.key = key
        self.span = span
        self.terminal = terminal
        #: The object written as this key's value (``a {x 1}``): a later
        #: dotted path may add keys to it or go into its objects, but not
        #: define its keys again.
        self.block = block
        self.children: dict[Hashable, Entry] | None = None
        #: Keys closed right below this level: key -> (where defined, what closed it).
        self.closed: dict[Hashable, tuple[_Where, _Where]] | None = None

    def written_child(self, key: Hashable) -> Entry | None:
        """The entry of the written object with this key, if any."""
        if self.block is None:
            return None
        if self.children is None:
            self.children = {}
            for entry in self.block.entries:
                identity = key_identity(entry.key)
                if identity is not None:
                    self.children.setdefault(identity, entry)
        return self.children.get(key)


class PathTracker:
    """The keys seen so far in one object, dotted paths included."""

    __slots__ = ("_open", "_root_closed")

    def __init__(self) -> None:
        self._open: list[_Level] = []
        self._root_closed: dict[Hashable, tuple[_Where, _Where]] = {}

    def enter(
        self,
        keys: list[Hashable],
        labels: list[str] | None,
        span: tuple[int, int],
        value: Value,
    ) -> Diagnostic | None:
        """Record an entry whose key is the path ``keys``; the problem, if any.

        ``labels`` spell the keys for messages (None when the keys are their
        own text), ``span`` is the whole key as written, ``value`` the value
        at the end of the path: later paths may continue into an object.
        """
        block = value if type(value) is Object else None
        opened = self._open
        if len(keys) == 1:  # a plain key: only the top level matters
            key = keys[0]
            if opened:
                top = opened[0]
                if top.key == key:
                    return _duplicate(labels or keys, span, top.span)
                self._root_closed[top.key] = (top.span, span)
                opened.clear()
            seen = self._root_closed.get(key)
            if seen is not None:
                return _duplicate(labels or keys, span, seen[0])
            opened.append(_Level(key, span, block is None, block))
            return None
        names = labels or keys
        common = 0
        limit = min(len(opened), len(keys))
        while common < limit and opened[common].key == keys[common]:
            common += 1
        if common == len(keys):
            return _duplicate(names, span, opened[common - 1].span)
        if len(opened) > common:
            # Only the shallowest closed level needs remembering: everything
            # below it can only be reached through it.
            level = opened[common]
            self._closed_below(common)[level.key] = (level.span, span)
            del opened[common:]
        last = len(keys) - 1
        for depth in range(common, len(keys)):
            key = keys[depth]
            closed = self._root_closed
            if depth:
                parent = opened[depth - 1]
                if parent.terminal:
                    return _nest_into_terminal(names[:depth], span, parent.span)
                written = parent.written_child(key)
                if written is not None:
                    where = (written.key.start, written.key.end)
                    if depth == last:
                        return _duplicate(names, span, where)
                    if type(written.value) is not Object:
                        return _nest_into_terminal(names[: depth + 1], span, where)
                    opened.append(_Level(key, where, False, written.value))
                    continue
                closed = parent.closed or {}
            seen = closed.get(key)
            if seen is not None:
                if depth == last:
                    return _duplicate(names, span, seen[0])
                return _reopened(names[: depth + 1], span, seen[1])
            at_end = depth == last
            opened.append(_Level(key, span, at_end and block is None, block if at_end else None))
        return None

    def _closed_below(self, depth: int) -> dict[Hashable, tuple[_Where, _Where]]:
        if depth == 0:
            return self._root_closed
        parent = self._open[depth - 1]
        if parent.closed is None:
            parent.closed = {}
        return parent.closed


def _name(labels: list[Any]) -> str:
    return ".".join(str(label) for label in labels)


def _duplicate(labels: list[Any], span: _Where, original: _Where) -> Diagnostic:
    name = _name(labels)
    return Diagnostic(
        codes.DUPLICATE_KEY,
        f"duplicate key `{name}`",
        Span(*span),
        label="duplicate key",
        labels=(Label(Span(*original), "first defined here"),),
        help="remove one of them, or merge their values",
    )


def _reopened(labels: list[Any], span: _Where, closer: _Where) -> Diagnostic:
    name = _name(labels)
    return Diagnostic(
        codes.REOPENED_PATH,
        f"cannot reopen path `{name}` after sibling appeared",
        Span(*span),
        label="cannot reopen path",
        labels=(Label(Span(*closer), "path was closed when this sibling appeared"),),
        help=f"keep every entry under `{name}` together, before its siblings",
    )


def _nest_into_terminal(labels: list[Any], span: _Where, terminal: _Where) -> Diagnostic:
    name = _name(labels)
    return Diagnostic(
        codes.NEST_INTO_TERMINAL,
        f"cannot nest into `{name}` which has a terminal value",
        Span(*span),
        label=f"cannot nest into `{name}`",
        labels=(Label(Span(*terminal), "path has a terminal value"),),
        help=f"give `{name}` an object value to put keys under it",
    )
