"""The tree's compact forms behave exactly like the plain ones.

Tags compute their name end, and sequences of bare scalars of an ASCII
document keep offsets until their items are asked for (see
styx/syntax/tree.py). Each case here compares the compact form with what the
text says.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from styx.syntax import parse
from styx.syntax.tree import Scalar, Sequence, Tagged, Unit


def packed(sequence: Sequence) -> bool:
    return type(sequence._items) is not list


def test_interned_key_texts_are_shared() -> None:
    document = parse("a {name x}\nb {name y}\n")
    first, second = (entry.value for entry in document.entries)
    assert first.entries[0].key.text is second.entries[0].key.text  # type: ignore[attr-defined]


def test_a_sequence_of_bare_scalars_is_packed_until_read() -> None:
    text = "list (a bb ccc dddd eeeee)\n"
    sequence = parse(text).entries[0].value
    assert isinstance(sequence, Sequence)
    assert packed(sequence)
    assert len(sequence) == 5
    items = sequence.items
    assert sequence.items is items  # unpacked once
    assert all(type(item) is Scalar for item in items)
    assert [item.text for item in items] == ["a", "bb", "ccc", "dddd", "eeeee"]  # type: ignore[attr-defined]
    assert [(item.start, item.end) for item in items] == [
        (6, 7), (8, 10), (11, 14), (15, 19), (20, 25)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "list (a b c)",  # too short to be worth it
        'list (a b "c" d e)',  # a quoted item
        "list (a b @t d e)",  # a tag
        "list (a b (c) d e)",  # a nested sequence
        "list (é b c d e)",  # not an ASCII document
    ],
)
def test_other_sequences_are_plain_lists(text: str) -> None:
    sequence = parse(text).entries[0].value
    assert isinstance(sequence, Sequence)
    assert not packed(sequence)


def test_a_packed_sequence_can_be_replaced() -> None:
    sequence = parse("list (a b c d e)").entries[0].value
    assert isinstance(sequence, Sequence)
    sequence.items = [Unit(0, 0)]
    assert len(sequence) == 1


@pytest.mark.parametrize(
    ("text", "name_end"),
    [("k @tag{}", 6), ("é @tag{}", 7), ("k @a/@bc{}", 4), ("k @t-_9", 7)],
)
def test_tag_name_ends(text: str, name_end: int) -> None:
    value = parse(text).entries[0].value
    assert isinstance(value, Tagged)
    assert value.name_end == name_end
    data = text.encode("utf-8")
    assert data[value.start : value.name_end].decode("utf-8") == f"@{value.name}"


_WORDS = st.text(alphabet="abcxyz0123456789_-.:/", min_size=1, max_size=12).filter(
    lambda w: not w.startswith(("//", "-", ".")) and ".." not in w
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_WORDS, min_size=0, max_size=30), st.sampled_from([" ", "  ", "\n", " \t "]))
def test_packed_sequences_hold_what_was_written(words: list[str], gap: str) -> None:
    text = "k (" + gap.join(words) + ")\n"
    sequence = parse(text).entries[0].value
    assert isinstance(sequence, Sequence)
    assert [item.text for item in sequence] == words  # type: ignore[attr-defined]
    data = text.encode("utf-8")
    for item in sequence:
        assert data[item.start : item.end].decode("utf-8") == item.text  # type: ignore[attr-defined]
