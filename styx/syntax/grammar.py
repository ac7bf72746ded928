"""Loading grammar/styx.lark into a Lark LALR parser, once per process.

Building the LALR tables takes tens of milliseconds, more than the rest of a
`styx check` on a small file, so the analysed grammar is cached with Lark's
own cache, keyed by the grammar's digest and the Lark version. The cache lives
in ``$STYX_CACHE_DIR`` or the user's cache directory; where nothing is writable
(a read-only container) Lark simply rebuilds the tables in memory.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache
from typing import Any

import lark

#: Installed wheels carry the grammar beside this module; a source checkout
#: keeps it in the repository's top-level grammar/ folder.
_HERE = os.path.dirname(os.path.abspath(__file__))
_CANDIDATES = (
    os.path.join(_HERE, "styx.lark"),
    os.path.join(os.path.dirname(os.path.dirname(_HERE)), "grammar", "styx.lark"),
)


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


def _cache_file(text: str) -> str | None:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    directory = cache_dir()
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return None
    if not os.access(directory, os.W_OK):
        return None
    version = f"py{sys.version_info[0]}{sys.version_info[1]}-lark{lark.__version__}"
    return os.path.join(directory, f"grammar-{digest}-{version}.lark-cache")


def build_parser(lexer: type[Any], transformer: Any) -> lark.Lark:
    """A Lark LALR parser for Styx with our lexer and tree builder plugged in."""
    text = grammar_text()
    parser = lark.Lark(
        text,
        parser="lalr",
        lexer=lexer,
        transformer=transformer,
        maybe_placeholders=False,
        keep_all_tokens=True,
        cache=_cache_file(text) or False,
    )
    return parser
