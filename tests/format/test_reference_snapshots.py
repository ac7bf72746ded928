"""The reference formatter's snapshot suite (see reference_snapshots/README.md).

Every input that is valid Styx must come out byte-identical to the reference's
snapshot, keep the formatter's guarantees, and the reference's output must be
a fixed point of ours (so that the two tools never rewrite each other's
files). Every invalid input must get the diagnostic listed for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import styx
from styx.format import format_source
from tests.format.test_format import check_guarantees

DATA = Path(__file__).parent / "reference_snapshots"
VALID = sorted(p.name.removesuffix(".input.styx") for p in (DATA / "valid").glob("*.input.styx"))
INVALID = sorted(
    p.name.removesuffix(".input.styx") for p in (DATA / "invalid").glob("*.input.styx")
)


def read(folder: str, name: str, kind: str) -> str:
    return (DATA / folder / f"{name}.{kind}.styx").read_bytes().decode("utf-8")


def listed_diagnostics() -> dict[str, tuple[str, tuple[int, int], str]]:
    rows = {}
    for line in (DATA / "invalid" / "diagnostics.tsv").read_text("utf-8").splitlines():
        name, code, span, message = line.split("\t")
        start, end = span.split("-")
        rows[name] = (code, (int(start), int(end)), message)
    return rows


def test_the_whole_suite_is_here() -> None:
    # 100 systematic cases (86 valid, 14 invalid) and 21 named ones.
    numbered = [name for name in VALID + INVALID if name.startswith("fmt_")]
    assert len(numbered) == 100
    assert len([name for name in INVALID if name.startswith("fmt_")]) == 14
    assert len(VALID) + len(INVALID) == 121
    assert set(listed_diagnostics()) == set(INVALID)


@pytest.mark.parametrize("name", VALID)
def test_valid_input_comes_out_byte_identical(name: str) -> None:
    expected = read("valid", name, "expected")
    assert format_source(read("valid", name, "input")) == expected
    assert format_source(expected) == expected  # the reference's output is a fixed point
    check_guarantees(read("valid", name, "input"))


@pytest.mark.parametrize("name", INVALID)
def test_invalid_input_gets_its_diagnostic(name: str) -> None:
    text = read("invalid", name, "input")
    errors = [d for d in styx.parse_lenient(text).diagnostics if d.is_error]
    assert errors, f"{name} is valid Styx now: move it to valid/ (extract.py does)"
    code, span, message = listed_diagnostics()[name]
    assert (errors[0].code, tuple(errors[0].span), errors[0].message) == (code, span, message)
    with pytest.raises(styx.StyxSyntaxError):
        format_source(text)


# The reference's assertion tests (mod consecutive_doc_comment_tests of
# cst_format.rs): consecutive doc lines stay together, also after a block
# entry and after a line comment; these inputs are already formatted.
@pytest.mark.parametrize(
    "text",
    [
        "/// First line of doc\n/// Second line of doc\nentry value\n",
        "/// Create something\nCreateThing @insert{\n    params {name @string}\n    into things\n"
        "    values {name $name}\n}\n\n/// First line of doc for next entry\n"
        "/// Second line of doc for next entry\nNextEntry @query{\n    from things\n"
        "    select {id}\n}\n",
        "// Section header\n\n/// First line of doc\n/// Second line of doc\nentry value\n",
    ],
    ids=["no-blank-line", "after-block-entry", "after-line-comment"],
)
def test_consecutive_doc_comments_stay_together(text: str) -> None:
    assert format_source(text) == text
    check_guarantees(text)
