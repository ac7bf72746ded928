"""grammar/styx.lark as LALR tables, analysed by Lark once and cached.

Design points (each with the failure it prevents):

- Lark analyses the grammar; it is not needed to parse. Its LALR analysis is
  the only use of Lark at run time, and only when no cached analysis fits:
  ``import lark`` alone costs a bare interpreter start or more, which every
  `styx check` of a small file paid. The tables are plain lists, dicts,
  strings and ints, written with `marshal` (no import, microseconds to read).
- The grammar stays the single source of truth: the cache is keyed by the
  checksum of grammar/styx.lark, so an edited grammar is never parsed with
  stale tables. The key also names this module's table format and the
  Python version (marshal's format may change between versions).
- The cache lives in ``$STYX_CACHE_DIR`` or the user's cache directory; where
  nothing is writable (a read-only container) the tables are built in memory
  each run, correct but slower. A damaged or truncated cache file is rebuilt,
  never trusted: it is read whole and checked for shape.
- The lexer gets the grammar's terminals in Lark's own shape (name, priority,
  pattern), so its master regex is the same whether the terminals came from
  Lark or from the cache.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from functools import cache
from typing import Any, NamedTuple

#: Installed wheels carry the grammar beside this module; a source checkout
#: keeps it in the repository's top-level grammar/ folder.
_HERE = os.path.dirname(os.path.abspath(__file__))
_CANDIDATES = (
    os.path.join(_HERE, "styx.lark"),
    os.path.join(os.path.dirname(os.path.dirname(_HERE)), "grammar", "styx.lark"),
)

#: Bumped whenever the layout of `Tables` changes.
TABLE_FORMAT = 1


@cache
def grammar_path() -> str:
    for path in _CANDIDATES:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("styx.lark is missing from this installation of styx")


def grammar_text() -> str:
    with open(grammar_path(), encoding="utf-8") as file:
        return file.read()


def cache_dir() -> str:
    configured = os.environ.get("STYX_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "styx")


class Pattern:
    """A terminal's pattern, with the part of Lark's interface the lexer reads."""

    __slots__ = ("_regexp", "max_width", "value")

    def __init__(self, regexp: str, max_width: int, value: str) -> None:
        self._regexp = regexp
        self.max_width = max_width
        self.value = value

    def to_regexp(self) -> str:
        return self._regexp


class Terminal(NamedTuple):
    name: str
    pattern: Pattern
    priority: int


class LexerConf(NamedTuple):
    """What the lexer needs of the grammar: Lark's `LexerConf`, reduced."""

    terminals: list[Terminal]
    ignore: frozenset[str]


class Tables(NamedTuple):
    """The grammar, analysed.

    ``actions[state][symbol]`` is, for a terminal, the state to shift to
    (>= 0) or ``~rule`` (< 0) to reduce by that rule; for a rule's name, the
    state to go to after reducing to it. A missing symbol is a syntax error.
    """

    actions: list[dict[str, int]]
    #: (name, number of symbols) of each rule
    rules: list[tuple[str, int]]
    start: int
    end: int
    lexer: LexerConf


def _digest(text: str) -> str:
    """A checksum of the grammar and of what else shapes the cached data.
    (Checksums, not hashlib: an edited grammar is what the key must tell
    apart, and importing hashlib costs more than the rest of this module.)"""
    key = f"{TABLE_FORMAT}\0{sys.version_info[0]}.{sys.version_info[1]}\0{text}".encode()
    return f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}{len(key):x}"


def _cache_file(digest: str) -> str:
    return os.path.join(cache_dir(), f"grammar-{digest}.tables")


@cache
def tables() -> Tables:
    """The tables of the installed grammar: from the cache when it holds
    them, else analysed by Lark (and cached for the next process)."""
    text = grammar_text()
    digest = _digest(text)
    path = _cache_file(digest)
    cached = _read(path)
    if cached is not None:
        return cached
    data = _analyse(text)
    _write(path, data)
    return _from_data(data)


def _read(path: str) -> Tables | None:
    try:
        with open(path, "rb") as file:
            data = marshal.loads(file.read())
        if data["format"] != TABLE_FORMAT:
            return None
        return _from_data(data)
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return None


def _write(path: str, data: dict[str, Any]) -> None:
    """Write atomically, so that a concurrent reader never sees half a file;
    a cache that cannot be written is no error."""
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".grammar-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(marshal.dumps(data))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


def _from_data(data: dict[str, Any]) -> Tables:
    terminals = [
        Terminal(name, Pattern(regexp, max_width, value), priority)
        for name, priority, regexp, max_width, value in data["terminals"]
    ]
    return Tables(
        data["actions"],
        [tuple(rule) for rule in data["rules"]],
        data["start"],
        data["end"],
        LexerConf(terminals, frozenset(data["ignore"])),
    )


def lark_lexer() -> type[Any]:
    """`StyxLexer` as Lark's custom-lexer interface wants it (a subclass of
    Lark's `Lexer`), for analysing the grammar with Lark."""
    from lark.lexer import Lexer

    from styx.syntax.lexer import StyxLexer

    return type("StyxLarkLexer", (StyxLexer, Lexer), {"__future_interface__": 2})


def _analyse(text: str) -> dict[str, Any]:
    """Lark's LALR analysis of the grammar, as marshal-able data."""
    import lark
    from lark.parsers.lalr_analysis import Shift

    parser = lark.Lark(
        text,
        parser="lalr",
        lexer=lark_lexer(),
        maybe_placeholders=False,
        keep_all_tokens=True,
    )
    table = parser.parser.parser.parser.parse_table
    numbers = {state: index for index, state in enumerate(table.states)}
    rules: list[tuple[str, int]] = []
    rule_numbers: dict[Any, int] = {}
    actions: list[dict[str, int]] = []
    for state in table.states:
        row: dict[str, int] = {}
        for symbol, (action, argument) in table.states[state].items():
            if action is Shift:
                row[str(symbol)] = numbers[argument]
                continue
            if argument not in rule_numbers:
                rule_numbers[argument] = len(rules)
                rules.append((str(argument.origin.name), len(argument.expansion)))
            row[str(symbol)] = ~rule_numbers[argument]
        actions.append(row)
    conf = parser.lexer_conf
    terminals = [
        (
            str(t.name),
            int(t.priority),
            str(t.pattern.to_regexp()),
            int(t.pattern.max_width),
            str(t.pattern.value),
        )
        for t in conf.terminals
    ]
    return {
        "format": TABLE_FORMAT,
        "actions": actions,
        "rules": rules,
        "start": numbers[table.start_states["start"]],
        "end": numbers[table.end_states["start"]],
        "terminals": terminals,
        "ignore": sorted(str(name) for name in conf.ignore),
    }
