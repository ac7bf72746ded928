"""Key paths: the path of the value at an offset, and reading paths back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import styx
from styx.syntax.keypath import PathError, join, parse_path, path_at
from styx.syntax.tree import MAX_NESTING

TEXT = """\
@schema schema.styx
listener {host a, port 80}
ports (1 2 (x y))
a.b.c 1
db @pg{url x}
"q.k" 1
@ unit
@env"P" v
srv host>h port>9
"""


@pytest.mark.parametrize(
    ("needle", "path"),
    [
        ("80", "listener.port"),
        ("host a", "listener.host"),
        ("2 (", "ports[1]"),
        ("y)", "ports[2][1]"),
        ("1\ndb", "a.b.c"),
        ("x}", "db.url"),
        ('"q.k"', '"q.k"'),
        ("unit", "@"),
        ("v\n", '@env"P"'),
        ("9", "srv.port"),
        ("schema.styx", None),
    ],
)
def test_path_at(needle: str, path: str | None) -> None:
    offset = len(TEXT[: TEXT.index(needle)].encode())
    assert path_at(styx.parse(TEXT), offset) == path


def test_a_deep_document_needs_no_recursion() -> None:
    depth = MAX_NESTING  # the deepest document the parser accepts
    text = "k " + "{a " * depth + "x" + "}" * depth + "\n"
    document = styx.parse(text)
    assert path_at(document, text.index("x")) == "k" + ".a" * depth


SEGMENTS = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6),
        st.integers(0, 99),
        st.none(),
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,5}", fullmatch=True).map(lambda n: ("@", n)),
        st.tuples(
            st.just("@"),
            st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,5}", fullmatch=True),
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
        ),
    ),
    min_size=1,
    max_size=5,
).filter(lambda segments: not isinstance(segments[0], int))


@given(SEGMENTS)
def test_a_joined_path_parses_back(segments: list) -> None:
    assert parse_path(join(segments)) == segments


@pytest.mark.parametrize("text", ["", "a.", "a..b", "a[x]", "a]", '"open', "a b"])
def test_bad_paths(text: str) -> None:
    with pytest.raises(PathError):
        parse_path(text)
