"""Hostile documents, generated: what a fuzzer, a truncated download or a
generator gone wrong hands to `styx`.

Shared by the tests (tests/cli/test_hostile.py, tests/syntax/test_nesting.py,
tests/lsp/test_hostile_documents.py), the scaling benchmark
(benchmarks/scaling.py) and the fuzz harness (benchmarks/fuzz.py), so that
all three try the same shapes. Each shape is a function of a size ``n``
whose output grows linearly with ``n``; `SHAPES` says what each one is
about. `deepest` gives, per kind of nesting, the deepest document the
parser accepts, and `too_deep` one level more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from styx.syntax.tree import MAX_NESTING


class Shape(NamedTuple):
    make: Callable[[int], str]
    #: The size used by the test table: big enough to show the problem,
    #: small enough for the suite.
    size: int
    #: Whether the document is valid Styx (exit 0) or not (exit 1).
    valid: bool


def _keys(n: int) -> str:
    return "".join(f"key{i} {i}\n" for i in range(n))


SHAPES: dict[str, Shape] = {
    # Nesting far past the limit: one diagnostic, never a RecursionError.
    "deep objects": Shape(lambda n: "a " + "{b " * n + "1" + "}" * n + "\n", 5_000, False),
    "deep sequences": Shape(lambda n: "a " + "(" * n + ")" * n + "\n", 5_000, False),
    "deep tagged sequences": Shape(lambda n: "a " + "@t(" * n + ")" * n + "\n", 3_000, False),
    "deep tag chain": Shape(lambda n: "a " + "/".join(["@t"] * n) + "\n", 5_000, False),
    "deep dotted key": Shape(lambda n: ".".join(["k"] * n) + " 1\n", 5_000, False),
    "deep attributes": Shape(lambda n: "a " + "{b x>" * n + "1" + "}" * n + "\n", 3_000, False),
    # One long line with an error on it: rendering must not depend on its length.
    "long line with an error": Shape(lambda n: "k " + "a" * n + " = x\n", 200_000, False),
    "long scalar": Shape(lambda n: "k " + "a" * n + "\n", 200_000, True),
    "unterminated quoted": Shape(lambda n: 'k "' + "a" * n + "\n", 200_000, False),
    "unterminated quoted, escapes": Shape(lambda n: 'k "' + "\\n" * n, 100_000, False),
    "unterminated raw": Shape(lambda n: 'k r#"' + "a" * n, 200_000, False),
    "unterminated raw, lines": Shape(lambda n: 'k r#"' + "a\n" * n, 100_000, False),
    "unterminated heredoc": Shape(lambda n: "k <<EOF\n" + "a\n" * n, 100_000, False),
    "escape-dense string": Shape(lambda n: 'k "' + "\\n" * n + '"\n', 100_000, True),
    "unicode escapes": Shape(lambda n: 'k "' + "\\u{1F600}" * n + '"\n', 20_000, True),
    # Floods: every diagnostic is reported in machine formats, 50 as text.
    "unclosed brackets": Shape(lambda n: "a " + "{" * n + "\n", 10_000, False),
    "unclosed sequences": Shape(lambda n: "a " + "(" * n + "\n", 10_000, False),
    "duplicate keys": Shape(lambda n: "k 1\n" * n, 2_000, False),
    "reopened paths": Shape(
        lambda n: "".join(f"a.x{i} 1\nb{i} 1\na.y{i} 1\n" for i in range(n)), 700, False
    ),
    "stray equals": Shape(lambda n: "k = 1\n" * n, 1_000, False),
    "minified, duplicate at the end": Shape(
        lambda n: "{" + ", ".join(f"k{i} {i}" for i in range(n)) + ", k5 x}\n", 5_000, False
    ),
    # Many small things: linear time, nothing to report.
    "many keys": Shape(_keys, 5_000, True),
    "blank lines": Shape(lambda n: "\n" * n + "a 1\n", 200_000, True),
    "commas": Shape(lambda n: "a 1" + "," * n + "\n", 200_000, True),
    "wide sequence": Shape(lambda n: "a (" + "x " * n + ")\n", 20_000, True),
    "non-ascii long line": Shape(lambda n: "k " + "名前" * n + " = x\n", 50_000, False),
    # Odd inputs.
    "byte order mark only": Shape(lambda n: "\ufeff", 1, True),
    "byte order mark, then entries": Shape(lambda n: "\ufeff" + _keys(n), 10, True),
}


def _path(levels: int) -> str:
    """A dotted-key entry whose value sits ``levels`` objects deep."""
    return ".".join(["k"] * (levels + 1)) + " 1"


def _nest(open_: str, close: str, levels: int, leaf: str = "1") -> str:
    return "a " + open_ * levels + leaf + close * levels + "\n"


#: For each kind of nesting, a document ``levels`` deep (levels counted as
#: the parser counts them, see `MAX_NESTING`).
NESTINGS: dict[str, Callable[[int], str]] = {
    "objects": lambda d: _nest("{b ", "}", d),
    "sequences": lambda d: _nest("(", ")", d, ""),
    "tags and sequences": lambda d: _nest("@t(", ")", d // 2, "" if d % 2 == 0 else "@t"),
    "tags and objects": lambda d: _nest("@t{b ", "}", d // 2, "1" if d % 2 == 0 else "@t"),
    "tag chain": lambda d: "a " + "/".join(["@t"] * d) + "\n",
    "dotted key": lambda d: ".".join(["k"] * (d + 1)) + " 1\n",
    "attributes": lambda d: _nest("{b x>", "}", d // 2, "1" if d % 2 == 0 else "{}"),
    "attribute objects": lambda d: _nest("x>{b ", "}", d // 2, "1" if d % 2 == 0 else "x>1"),
    "tag keys": lambda d: _nest("{b ", "}", d - 2, "{@t 1}"),
    "dotted key in objects": lambda d: _nest("{b ", "}", d // 2 - 1, "{" + _path(d - d // 2) + "}"),
    "mixed": lambda d: _nest("{b (", ")}", d // 2, "" if d % 2 == 0 else "@t"),
}


def deepest(kind: str) -> str:
    """The deepest document of this kind the parser accepts."""
    return NESTINGS[kind](MAX_NESTING)


def too_deep(kind: str) -> str:
    """One level more than the parser accepts."""
    return NESTINGS[kind](MAX_NESTING + 1)
