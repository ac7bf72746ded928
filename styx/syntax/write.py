"""Writing scalars back as Styx source: the one place that decides between a
bare and a quoted scalar, shared by the formatter, JSON conversion and the
schema writer."""

from __future__ import annotations

import re

#: Quoted-scalar escapes for text that must stay on one line; other control
#: characters become ``\u{X}`` (parser[scalar.quoted.escapes]).
_ESCAPES = {
    **{code: f"\\u{{{code:X}}}" for code in (*range(0x20), *range(0x7F, 0xA0))},
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("\\"): "\\\\",
    ord('"'): '\\"',
}

#: What a bare scalar can be (parser[scalar.bare.chars]), less the texts that
#: would read as something else: ``<<`` opens a heredoc and ``//`` where a
#: token starts a comment.
_BARE = re.compile(r'(?!<<|//)[^\s{}(),"=@>][^\s{}(),">]*')


def quote(text: str) -> str:
    """``text`` as a one-line quoted scalar that decodes back to ``text``."""
    return '"' + text.translate(_ESCAPES) + '"'


def scalar(text: str) -> str:
    """``text`` bare when a bare scalar holds exactly it, else quoted.
    Characters Python finds unprintable (controls, format characters,
    separators) are only ever written quoted, where they are plainly data."""
    if _BARE.fullmatch(text) and text.isprintable():
        return text
    return quote(text)


def key(text: str) -> str:
    """A scalar key: like a scalar, except that a dot would make a bare key a path."""
    return scalar(text) if "." not in text else quote(text)


def tag_payload(name: str, text: str) -> str:
    """A scalar payload touching the tag ``@name``: quoted, except after a name
    ending in ``r``, where the reference parser would read ``r"`` as a raw
    string (docs/spec-decisions.md, decision 8); there a raw string, which
    both read alike, when one can hold the text."""
    if not name.endswith("r") or not text.isprintable():
        return quote(text)
    hashes = 1
    while '"' + "#" * hashes in text:
        hashes += 1
    fence = "#" * hashes
    return f'r{fence}"{text}"{fence}'
