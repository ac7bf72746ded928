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

from styx.diagnostic import Diagnostic, Label
from styx.source import Span
from styx.syntax import codes
from styx.syntax.tree import Scalar, ScalarKind, Tagged, Unit, Value


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


class _Level:
    __slots__ = ("closed", "key", "label", "span", "terminal")

    def __init__(self, key: Hashable, label: str, span: Span, terminal: bool) -> None:
        self.key = key
        self.label = label
        self.span = span
        self.terminal = terminal
        #: Keys closed below this level: key -> (where defined, what closed it).
        self.closed: dict[Hashable, tuple[Span, Span]] = {}


class PathTracker:
    """The keys seen so far in one object, dotted paths included."""

    __slots__ = ("_open", "_root_closed")

    def __init__(self) -> None:
        self._open: list[_Level] = []
        self._root_closed: dict[Hashable, tuple[Span, Span]] = {}

    def enter(
        self, keys: list[Hashable], labels: list[str], span: Span, is_object: bool
    ) -> Diagnostic | None:
        """Record an entry whose key is the path ``keys``; the problem, if any.

        ``span`` is the whole key as written, ``is_object`` whether its value
        is an object that later paths may continue into.
        """
        opened = self._open
        common = 0
        limit = min(len(opened), len(keys))
        while common < limit and opened[common].key == keys[common]:
            common += 1
        if common == len(keys):
            return _duplicate(labels, span, opened[common - 1].span)
        while len(opened) > common:
            level = opened.pop()
            closed = opened[-1].closed if opened else self._root_closed
            closed[level.key] = (level.span, span)
        last = len(keys) - 1
        for depth in range(common, len(keys)):
            parent = opened[depth - 1] if depth else None
            if parent is not None and parent.terminal:
                return _nest_into_terminal(labels[:depth], span, parent.span)
            closed = parent.closed if parent is not None else self._root_closed
            seen = closed.get(keys[depth])
            if seen is not None:
                if depth == last:
                    return _duplicate(labels, span, seen[0])
                return _reopened(labels[: depth + 1], span, seen[1])
            opened.append(
                _Level(keys[depth], labels[depth], span, depth == last and not is_object)
            )
        return None


def _duplicate(labels: list[str], span: Span, original: Span) -> Diagnostic:
    name = ".".join(labels)
    return Diagnostic(
        codes.DUPLICATE_KEY,
        f"duplicate key `{name}`",
        span,
        label="duplicate key",
        labels=(Label(original, "first defined here"),),
        help="remove one of them, or merge their values",
    )


def _reopened(labels: list[str], span: Span, closer: Span) -> Diagnostic:
    name = ".".join(labels)
    return Diagnostic(
        codes.REOPENED_PATH,
        f"cannot reopen path `{name}` after sibling appeared",
        span,
        label="cannot reopen path",
        labels=(Label(closer, "path was closed when this sibling appeared"),),
        help=f"keep every entry under `{name}` together, before its siblings",
    )


def _nest_into_terminal(labels: list[str], span: Span, terminal: Span) -> Diagnostic:
    name = ".".join(labels)
    return Diagnostic(
        codes.NEST_INTO_TERMINAL,
        f"cannot nest into `{name}` which has a terminal value",
        span,
        label=f"cannot nest into `{name}`",
        labels=(Label(terminal, "path has a terminal value"),),
        help=f"give `{name}` an object value to put keys under it",
    )
