"""The formatter: its layout rules, its compact form and its three guarantees.

Every document formatted here is also checked for the guarantees of
styx.format: the output parses to the same tree, formatting it again changes
nothing, and every comment and doc line survives in order.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import styx
from styx.format import format_document, format_source
from styx.syntax.tree import DocComment, Document, Object, Sequence, Tagged, Value, shape
from tests.conftest import ROOT, compliance_dir

# ------------------------------------------------------------------ helpers


def comment_lines(document: Document) -> list[str]:
    """Every ``//`` comment and ``///`` doc line, in source order, as written
    (less trailing spaces and tabs, which the formatter drops)."""
    source = document.source.encode()
    found = [(c.start, source[c.start : c.end].decode().rstrip(" \t")) for c in document.comments]

    def doc(comment: DocComment | None) -> None:
        if comment is None:
            return
        lines = iter(comment.lines)
        offset = comment.start
        for row in source[comment.start : comment.end].split(b"\n"):
            if row.lstrip().startswith(b"///"):  # rows between may be `//` comments
                found.append((offset, f"/// {next(lines)}".rstrip(" \t")))
            offset += len(row) + 1

    def value(node: Value) -> None:
        if isinstance(node, Object):
            for entry in node.entries:
                doc(entry.doc)
                value(entry.key)
                value(entry.value)
        elif isinstance(node, Sequence):
            for item in node.items:
                value(item)
        elif isinstance(node, Tagged) and node.value is not None:
            value(node.value)

    doc(document.doc)
    value(document.root)
    return [text for _, text in sorted(found)]


def check_guarantees(text: str) -> str:
    """Format ``text`` and check the three guarantees (and meaning for compact
    output); returns the formatted text."""
    before = styx.parse(text)
    formatted = format_document(before)
    after = styx.parse(formatted)
    assert shape(after) == shape(before), "formatting changed the meaning"
    assert format_source(formatted) == formatted, "formatting is not idempotent"
    assert comment_lines(after) == comment_lines(before), "a comment moved or was lost"
    compact = format_document(before, compact=True)
    assert "\n" not in compact[:-1] and compact.endswith("\n")
    assert shape(styx.parse(compact)) == shape(before), "compact form changed the meaning"
    assert format_source(compact, compact=True) == compact
    return formatted


# ------------------------------------------------------------ layout rules


class Case(NamedTuple):
    name: str
    source: str
    expected: str


LONG = "sequence (" + " ".join(f"item{i:02d}" for i in range(20)) + ")"

LAYOUT = [
    Case("one space between key and value", "key    value\n", "key value\n"),
    Case("final newline added", "key value", "key value\n"),
    Case("empty document", "", ""),
    Case("blank lines around the document dropped", "\n\n  a 1\n\n\n", "a 1\n"),
    Case("root entries one per line", "a 1, b 2,c 3\n", "a 1\nb 2\nc 3\n"),
    Case(
        "indent four spaces",
        "server {\n  host localhost\n\tport 8080\n       tls {on true\n}\n}\n",
        """\
server {
    host localhost
    port 8080
    tls {
        on true
    }
}
""",
    ),
    Case("blank lines collapse to one", "a 1\n\n\n\nb 2\nc 3\n", "a 1\n\nb 2\nc 3\n"),
    Case(
        "no blank line after { or before }",
        "s {\n\n\n  a 1\n\n  b 2\n\n\n}\n",
        "s {\n    a 1\n\n    b 2\n}\n",
    ),
    Case(
        "a blank line around every block entry at the root",
        "a {\n  x 1\n}\nb {\n  y 2\n}\n\n\nc {z 3}\nd 4\n",
        "a {\n    x 1\n}\n\nb {\n    y 2\n}\n\nc {z 3}\nd 4\n",
    ),
    Case(
        "the block may be nested anywhere in the value",
        "a 1\nb @t(x {\n  y 2\n})\nc 3\n",
        "a 1\n\nb @t(x {\n    y 2\n})\n\nc 3\n",
    ),
    Case(
        "a block object inside a broken sequence makes a block entry",
        "a 1\ns (\n@U{\nx 1\n}\n)\nt (\n  {\n    x 1\n  }\n  y\n)\nb 2\n",
        "a 1\n\ns (@U{\n    x 1\n})\n\nt (\n    {\n        x 1\n    }\n    y\n)\n\nb 2\n",
    ),
    Case(
        "no blank line added between block entries inside an object",
        "o {\n  a {\n    x 1\n  }\n  b {\n    y 2\n  }\n}\n",
        "o {\n    a {\n        x 1\n    }\n    b {\n        y 2\n    }\n}\n",
    ),
    Case(
        "a blank line after a first @schema entry",
        "@schema s.styx\nname x\nport 1\n",
        "@schema s.styx\n\nname x\nport 1\n",
    ),
    Case(
        "a blank line after a documented root entry and before the next doc comment",
        "/// a\na 1\nb 2\n/// c\nc 3\n",
        "/// a\na 1\n\nb 2\n/// c\nc 3\n",
    ),
    Case(
        "comments among doc lines after a block entry stay with them (decision F8)",
        "a {\n  x 1\n}\n/// one\n// aside\n/// two\n// c\nb 1\n",
        "a {\n    x 1\n}\n\n/// one\n// aside\n/// two\n// c\nb 1\n",
    ),
    Case(
        "a documented block entry gets no blank line before its doc comment",
        "a 1\n/// b\nb {\n  x 1\n}\n",
        "a 1\n/// b\nb {\n    x 1\n}\n",
    ),
    Case("inline object stays inline", "s {a 1,b 2 , c 3}\n", "s {a 1, b 2, c 3}\n"),
    Case("inline sequence stays inline", "s (a   b\tc)\n", "s (a b c)\n"),
    Case("nested inline values", "n {a (1 2), b {c @}}\n", "n {a (1 2), b {c @}}\n"),
    Case(
        "object written across lines stays a block",
        "s {a 1\n b 2}\n",
        "s {\n    a 1\n    b 2\n}\n",
    ),
    Case(
        "sequence written across lines stays a block",
        "s (a\n  b (c d))\n",
        "s (\n    a\n    b\n    (c d)\n)\n",
    ),
    Case(
        "empty containers (an empty block object still counts as a block)",
        "a {}\nb ( )\nc {\n\n}\nd (\n)\n",
        "a {}\nb ()\n\nc {}\n\nd ()\n",
    ),
    Case("no line width: a long inline value stays inline", LONG + "\n", LONG + "\n"),
    Case(
        "inline object holding a block object becomes a block",
        "o {a 1, b {\n  c 2\n}}\n",
        "o {\n    a 1\n    b {\n        c 2\n    }\n}\n",
    ),
    Case(
        "inline object holding a block sequence stays inline",
        "o {a (x\n  y), b 2}\n",
        "o {a (\n    x\n    y\n), b 2}\n",
    ),
    Case(
        "a one-element sequence broken only before ) collapses",
        "a @optional(@string\n)\nb (x\n)\n",
        "a @optional(@string)\nb (x)\n",
    ),
    Case(
        "a one-element sequence around a tagged block hugs it",
        "a @optional(\n  @object{\n    x 1\n  }\n)\n",
        "a @optional(@object{\n    x 1\n})\n",
    ),
    Case(
        "a sequence without a break of its own stays inline around block objects",
        "s ({\n  a 1\n})\nt (a {\n  x 1\n})\nu (@a/@b{\n  x 1\n})\n",
        "s ({\n    a 1\n})\n\nt (a {\n    x 1\n})\n\nu (@a/@b{\n    x 1\n})\n",
    ),
    Case(
        "a comma and a line break in one object make it a block",
        "o {a 1, b 2\n}\np {a 1, b (c\n)}\n",
        "o {\n    a 1\n    b 2\n}\n\np {a 1, b (c)}\n",
    ),
    Case(
        "a sequence whose element ends with a heredoc keeps ) on its own line",
        "a (<<EOF\n  x\n  EOF\n)\nb (@t<<EOF\nx\nEOF\n)\n",
        "a (\n    <<EOF\n  x\n  EOF\n)\nb (\n    @t<<EOF\nx\nEOF\n)\n",
    ),
    Case("attributes", "limits  cpu>500m   mem>1Gi\n", "limits cpu>500m mem>1Gi\n"),
    Case(
        "attribute values keep their layout",
        'k a>(1 2) b>{x 1, y 2} c>"q"\nm x>{\n  y 1\n} z>2\n',
        'k a>(1 2) b>{x 1, y 2} c>"q"\n\nm x>{\n    y 1\n} z>2\n',
    ),
    Case(
        "dotted paths",
        "a.b.c value\na.b.d {x 1}\nserver.host\nother {\n  deep.path.here {\n    k v\n  }\n}\n",
        """\
a.b.c value
a.b.d {x 1}
server.host

other {
    deep.path.here {
        k v
    }
}
""",
    ),
    Case(
        "tags",
        '@schema ./x.styx\nb @t{x 1}\nc @t(1 2)\nd @t"q"\ne @t@\nf @ar#"raw"#\n'
        'g @a/@b{z 1}\nh @a/@b/@c\n@env"PATH" /bin\n',
        '@schema ./x.styx\n\nb @t{x 1}\nc @t(1 2)\nd @t"q"\ne @t@\nf @ar#"raw"#\n'
        'g @a/@b{z 1}\nh @a/@b/@c\n@env"PATH" /bin\n',
    ),
    Case(
        "tagged block",
        "t @object{\n  a @string\n}\n",
        "t @object{\n    a @string\n}\n",
    ),
    Case("units", "@ root\nenabled @\nflag\n", "@ root\nenabled @\nflag\n"),
    Case(
        "scalars written as their source token",
        'q "tab\\there \\u{1F600}"\nr r##"a "# b"##\n"key with space" 1\nr#"raw key"# 2\n',
        'q "tab\\there \\u{1F600}"\nr r##"a "# b"##\n"key with space" 1\nr#"raw key"# 2\n',
    ),
    Case(
        "multi-line raw scalar kept verbatim",
        'k {a r"one\n  two"}\n',
        'k {a r"one\n  two"}\n',
    ),
    Case(
        "heredocs kept exactly as written, at any depth",
        "text <<EOF\nhello\n  world\nEOF\n"
        "a {\n  b {\n      script <<SH,bash\n        echo hi\n\n          x\n        SH\n  }\n}\n",
        "text <<EOF\nhello\n  world\nEOF\n\n"
        "a {\n    b {\n        script <<SH,bash\n        echo hi\n\n          x\n        SH\n"
        "    }\n}\n",
    ),
    Case(
        "heredoc as tag payload, attribute and path value",
        "t @raw<<EOF\nx\nEOF\nk a>1 b><<EOF\n  x\n  EOF\np.q <<B\nB\n",
        "t @raw<<EOF\nx\nEOF\nk a>1 b><<EOF\n  x\n  EOF\np.q <<B\nB\n",
    ),
    Case(
        "heredoc keeps whitespace-only lines, which are part of its text",
        "h <<EOF\na\n  \nEOF\n",
        "h <<EOF\na\n  \nEOF\n",
    ),
    Case("heredoc with CRLF line ends", "h <<EOF\r\n  a\r\n  EOF\r\n", "h <<EOF\n  a\n  EOF\n"),
    Case(
        "comment on its own line stays before the next entry",
        "a 1\n      // about b\nb {\n// about c\n    c 2\n}\n",
        "a 1\n// about b\n\nb {\n    // about c\n    c 2\n}\n",
    ),
    Case(
        "trailing comments",
        "a 1 // one\nb {x 1}    // two\nc {\n  d 2\n}  // three\n",
        "a 1  // one\nb {x 1}  // two\n\nc {\n    d 2\n}  // three\n",
    ),
    Case(
        "trailing comment of the last of several entries on a line",
        "a 1, b 2 // about b\n",
        "a 1\nb 2  // about b\n",
    ),
    Case(
        "comment before } stays before it",
        "s {\n  a 1\n  // last\n}\n",
        "s {\n    a 1\n    // last\n}\n",
    ),
    Case(
        "comment after { stays on its line",
        "s { // opening\n  a 1\n}\nt ( // opening\n  x\n)\n",
        "s {  // opening\n    a 1\n}\n\nt (  // opening\n    x\n)\n",
    ),
    Case("comments in an empty block", "s {\n  // to do\n}\n", "s {\n    // to do\n}\n"),
    Case(
        "comment in an inline-looking object makes it a block",
        "s {a 1, // why\n b 2}\n",
        "s {\n    a 1  // why\n    b 2\n}\n",
    ),
    Case(
        "comments in sequences",
        "s (a // first\n  // before c\n  b c)\n",
        "s (\n    a  // first\n    // before c\n    b\n    c\n)\n",
    ),
    Case(
        "comments at the start and end of the document",
        "// header\n\n\na 1\n// footer\n\n// last words   \n",
        "// header\n\na 1\n// footer\n\n// last words\n",
    ),
    Case(
        "blank lines around comments are kept",
        "a 1\n\n// section b\n\nb 2\n// c\nc 3\n",
        "a 1\n\n// section b\n\nb 2\n// c\nc 3\n",
    ),
    Case(
        "doc comments",
        "/// The server.\n///\n///   Indented line.   \nserver {\n    /// Port.\n  port 1\n}\n",
        "/// The server.\n///\n///   Indented line.\nserver {\n    /// Port.\n    port 1\n}\n",
    ),
    Case(
        "line comments among and after doc lines keep their order",
        "/// one\n// aside\n/// two\n// after\nkey 1\n",
        "/// one\n// aside\n/// two\n// after\nkey 1\n",
    ),
    Case(
        "doc comment on a line after another entry",
        "a 1, /// b's doc\nb 2\n",
        "a 1\n/// b's doc\nb 2\n",
    ),
    Case("explicit root written inline stays inline", "{a 1,  b {c 2}}", "{a 1, b {c 2}}\n"),
    Case(
        "explicit root written as a block",
        "{\na 1, b {c 2}}",
        "{\n    a 1\n    b {c 2}\n}\n",
    ),
    Case(
        "explicit root with its doc and comments",
        "// top\n/// The document.\n{ // root\n  a 1\n\n\n  // end\n}  // closed\n// bottom\n",
        "// top\n/// The document.\n{  // root\n    a 1\n\n    // end\n}  // closed\n// bottom\n",
    ),
    Case("empty explicit root", "{ }", "{}\n"),
    Case("CRLF line ends", "a {\r\n  b 1 // c\r\n}\r\n", "a {\n    b 1  // c\n}\n"),
    Case("unicode", "café {clé «valeur»}  // été\n", "café {clé «valeur»}  // été\n"),
]


@pytest.mark.parametrize("case", LAYOUT, ids=[case.name for case in LAYOUT])
def test_layout(case: Case) -> None:
    assert check_guarantees(case.source) == case.expected


COMPACT = [
    Case(
        "implicit root",
        "server {\n  host localhost\n  port 8080\n}\nname x\n",
        "{server {host localhost, port 8080}, name x}\n",
    ),
    Case("explicit root", "{\n  a 1\n  b (x\n y)\n}\n", "{a 1, b (x y)}\n"),
    Case("empty document", "", "{}\n"),
    Case(
        "comments are dropped",
        "// c\n/// d\na 1  // t\nb {\n  // inner\n  c 2\n}\n",
        "{a 1, b {c 2}}\n",
    ),
    Case(
        "heredocs become quoted scalars",
        'h <<EOF,sh\n  tab\there "q" back\\slash \x01\n  EOF\n',
        '{h "tab\\there \\"q\\" back\\\\slash \\u{1}\\n"}\n',
    ),
    Case("multi-line raw strings become quoted", 'r r"a\nb"\n', '{r "a\\nb"}\n'),
    Case(
        "attributes, paths and tags stay as written",
        "a.b.c 1\nd x>1 y>(2 3)\ne @t/@u{f @}\ng\n",
        "{a.b.c 1, d x>1 y>(2 3), e @t/@u{f @}, g}\n",
    ),
]


@pytest.mark.parametrize("case", COMPACT, ids=[case.name for case in COMPACT])
def test_compact(case: Case) -> None:
    check_guarantees(case.source)
    assert format_source(case.source, compact=True) == case.expected


def test_format_source_raises_syntax_errors() -> None:
    with pytest.raises(styx.StyxSyntaxError, match=r"^conf\.styx:2:1: duplicate key"):
        format_source("a 1\na 2\n", filename="conf.styx")


def test_format_document_takes_a_parsed_document() -> None:
    # format_document works from an already parsed document, so callers that
    # parse once (the CLI) can format without parsing again.
    document = styx.parse("a {b 1}\n")
    assert format_document(document) == "a {b 1}\n"
    assert format_document(document, compact=True) == "{a {b 1}}\n"


# ------------------------------------------------- the compliance corpus

CORPUS = compliance_dir() / "corpus"
CORPUS_FILES = sorted(CORPUS.rglob("*.styx")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason=f"compliance corpus not found at {CORPUS}")
@pytest.mark.parametrize(
    "path",
    CORPUS_FILES or [Path("missing")],
    ids=[str(p.relative_to(CORPUS)) for p in CORPUS_FILES] or ["missing"],
)
def test_compliance_corpus(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        styx.parse(text)
    except styx.StyxSyntaxError:
        with pytest.raises(styx.StyxSyntaxError):  # an invalid document is reported, not formatted
            format_source(text)
        return
    check_guarantees(text)


# ------------------------------------------------- the benchmark documents

MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
BENCH_DOCUMENTS = ["services", "nested", "wide", "dibs"]


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"make_corpus.py not found at {MAKE_CORPUS}")
    folder = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder), "--kb", "40"], check=True)
    return folder


@pytest.mark.parametrize("name", BENCH_DOCUMENTS)
def test_benchmark_documents(bench_corpus: Path, name: str) -> None:
    check_guarantees((bench_corpus / f"{name}.styx").read_text(encoding="utf-8"))


# --------------------------------------------------- generated documents
#
# Random trees written out with random layout: inline or block, commas or
# newlines, blank lines, indentation, comments between entries and at the end
# of lines, doc comments. Each value is drawn as its text and whether that
# text ends with a heredoc, which must be followed by a line break.

NAME = st.from_regex(r"[a-z][a-z0-9_-]{0,5}", fullmatch=True)
BARE = st.from_regex(r"[a-z0-9][a-z0-9_./:-]{0,7}", fullmatch=True)
QUOTED = st.lists(
    st.sampled_from(["a", " ", "é", "//", ",", "}", "\\n", "\\t", '\\"', "\\\\", "\\u{1F600}"]),
    max_size=5,
).map(lambda parts: '"' + "".join(parts) + '"')
RAW = st.lists(st.sampled_from(["a", "b c", '"', "\\", "\n", "é"]), max_size=5).map(
    lambda parts: 'r#"' + "".join(parts) + '"#'
)
REMARK = st.text(alphabet="abc xyz.,;:!?-_=+*&'\"\\é✓/@", max_size=12)
LINE_COMMENT = REMARK.map(lambda text: f"// {text}")
DOC_LINE = REMARK.map(lambda text: f"/// {text}")
HEREDOC_LINE = st.from_regex(r"[a-z][a-z (){}]{0,10}[a-z]", fullmatch=True)

Drawn = tuple[str, bool]  # text, and whether it ends with a heredoc


@st.composite
def heredocs(draw: st.DrawFn) -> Drawn:
    lang = draw(st.sampled_from(["", ",sql", ",bash"]))
    closing = draw(st.integers(0, 4))
    lines = draw(
        st.lists(
            st.one_of(
                st.just(""),
                st.tuples(st.integers(0, 3), HEREDOC_LINE).map(
                    lambda extra_line: " " * (closing + extra_line[0]) + extra_line[1]
                ),
            ),
            max_size=4,
        )
    )
    body = "".join(line + "\n" for line in lines)
    return f"<<EOF{lang}\n{body}{' ' * closing}EOF", True


#: Last characters of an item that no bare scalar can continue: a comment may
#: touch them (`"v"// c`, `}// c`), as after a comma (`,// c`).
GLUE_AFTER = ('"', "}", ")", "#")


@st.composite
def separators(draw: st.DrawFn, after_heredoc: bool, *, inline: list[str], after: str = "") -> str:
    """What may stand between two items; only line breaks after a heredoc."""
    comment = draw(LINE_COMMENT)
    breaks = ["\n", "\n\n", "\n\n\n", f"\n{comment}\n", f"\n\n  {comment}\n\n"]
    choices = breaks if after_heredoc else [*breaks, *inline, f"  {comment}\n"]
    if not after_heredoc and "," in "".join(inline):
        choices.append(f",{comment}\n")
    if not after_heredoc and after.endswith(GLUE_AFTER):
        choices.append(f"{comment}\n")
    return draw(st.sampled_from(choices)) + " " * draw(st.integers(0, 3))


@st.composite
def tags(draw: st.DrawFn, depth: int) -> Drawn:
    name = "@" + draw(NAME)
    payloads: list[st.SearchStrategy[Drawn]] = [
        st.just(("", False)),
        st.just(("@", False)),
        QUOTED.map(lambda text: (text, False)),
        RAW.map(lambda text: (text, False)),
        heredocs(),
        tags(depth).map(lambda tag: ("/" + tag[0], tag[1])),
    ]
    if depth > 0:
        payloads += [sequences(depth - 1), objects(depth - 1)]
    payload, heredoc = draw(st.one_of(payloads))
    return name + payload, heredoc


def values(depth: int, *, heredoc: bool = True) -> st.SearchStrategy[Drawn]:
    scalars = st.one_of(BARE, QUOTED, RAW, st.just("@")).map(lambda text: (text, False))
    choices = [scalars, scalars, tags(depth)]
    if heredoc:
        choices.append(heredocs())
    if depth > 0:
        choices += [sequences(depth - 1), objects(depth - 1)]
    return st.one_of(choices)


@st.composite
def sequences(draw: st.DrawFn, depth: int) -> Drawn:
    items = draw(st.lists(values(depth), max_size=4))
    comment = draw(LINE_COMMENT)
    opening = draw(st.sampled_from(["", " ", "\n  ", f" {comment}\n", f"{comment}\n"]))
    text = "(" + opening
    for index, (item, _) in enumerate(items):
        if index:
            previous = items[index - 1]
            text += draw(separators(previous[1], inline=[" ", "  "], after=previous[0]))
        text += item
    ends_heredoc = bool(items) and items[-1][1]
    closing = ["\n", "\n\n"] if ends_heredoc else ["", " ", "\n", f" {draw(LINE_COMMENT)}\n"]
    return text + draw(st.sampled_from(closing)) + ")", False


@st.composite
def attributes(draw: st.DrawFn) -> str:
    names = draw(st.lists(NAME, min_size=1, max_size=3, unique=True))
    simple = st.one_of(BARE, QUOTED, st.just("(a b)"), st.just("{x 1}"), st.just("@t"))
    return " ".join(f"{name}>{draw(simple)}" for name in names)


@st.composite
def entries(draw: st.DrawFn, depth: int, name: str, *, unit_key: bool) -> Drawn:
    segment = NAME.map(lambda text: "." + text)
    keys = [name, f'"{name}"', f'r"{name}"', "@" + name, f'@{name}"k"']
    keys.append(name + "".join(draw(st.lists(segment, min_size=1, max_size=2))))
    if unit_key:
        keys.append("@")
    key = draw(st.sampled_from(keys))
    form = draw(st.sampled_from(["implicit", "value", "value", "attributes"]))
    if form == "implicit":
        return key, False
    if form == "attributes":
        return f"{key} {draw(attributes())}", False
    value, heredoc = draw(values(depth))
    return f"{key} {value}", heredoc


@st.composite
def bodies(draw: st.DrawFn, depth: int, *, braced: bool) -> str:
    """The entries of an object (or of the document, unbraced)."""
    names = draw(st.lists(NAME, max_size=4, unique=True))
    opening = ["", "\n", "\n\n"] if not braced else ["", " ", "\n", f" {draw(LINE_COMMENT)}\n"]
    if braced:
        opening.append(f"{draw(LINE_COMMENT)}\n")  # touching the `{`
    opening.append(f"{draw(LINE_COMMENT)}\n" if not braced else f"\n  {draw(LINE_COMMENT)}\n")
    text = draw(st.sampled_from(opening))
    heredoc = False
    for index, name in enumerate(names):
        if index:
            text += draw(separators(heredoc, inline=[", ", ",", " , "], after=text))
        if draw(st.booleans()):
            docs = draw(st.lists(st.one_of(DOC_LINE, DOC_LINE, LINE_COMMENT), min_size=1))
            docs.append(draw(DOC_LINE))  # a doc block ends with a doc line before its entry
            if not text.endswith("\n") and (text or braced):  # a doc starts its own line
                text += "\n"
            text += "".join(line + "\n" for line in docs)
        entry, heredoc = draw(entries(depth, name, unit_key=index == 0))
        text += entry
    closing = ["\n", "\n\n", f"\n{draw(LINE_COMMENT)}\n"]
    if not heredoc:
        closing += ["", " ", f"  {draw(LINE_COMMENT)}\n"]
    return text + draw(st.sampled_from(closing))


@st.composite
def objects(draw: st.DrawFn, depth: int) -> Drawn:
    return "{" + draw(bodies(depth, braced=True)) + "}", False


@st.composite
def documents(draw: st.DrawFn) -> str:
    if not draw(st.integers(0, 4)):
        doc = draw(st.sampled_from(["", "/// The document.\n", "// top\n/// doc\n"]))
        after = draw(st.sampled_from(["", "\n", "  // closed\n", "\n// bottom\n"]))
        return doc + "{" + draw(bodies(2, braced=True)) + "}" + after
    return draw(bodies(2, braced=False))


PROPERTIES = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parses(text: str) -> bool:
    try:
        styx.parse(text)
    except styx.StyxSyntaxError:
        return False
    return True


@PROPERTIES
@given(documents())
def test_generated_documents_keep_meaning_comments_and_layout(text: str) -> None:
    assert parses(text), "the generator wrote invalid Styx"
    formatted = check_guarantees(text)
    if "<<" in text or 'r#"' in text:
        return  # heredoc and raw text may hold blank or space-ended lines of their own
    assert formatted == "" or (formatted.endswith("\n") and not formatted.endswith("\n\n"))
    assert not re.search(r"[ \t]\n", formatted), "trailing whitespace"
    assert "\n\n\n" not in formatted, "more than one blank line"
    assert not re.search(r"[{(]\n\n|\n\n *[})]", formatted), "blank line after { or before }"
    assert not formatted.startswith("\n")


# An empty container written over several lines is `{}` / `()`: the shape pass
# once counted it as broken, so a one-element sequence holding it stayed a
# block on the first pass and collapsed on the second (found by hypothesis).
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{a ({\n}\n)\n}", "{\n    a ({})\n}\n"),
        ("a ((\n)\n)\n", "a (())\n"),
        ("a (@t{\n}\n)\n", "a (@t{})\n"),
        ("a ({\n}\n  b)\n", "a (\n    {}\n    b\n)\n"),
        ("a ({ // c\n}\n)\n", "a (\n    {  // c\n    }\n)\n"),
    ],
)
def test_empty_containers_written_over_lines_format_in_one_pass(source: str, expected: str) -> None:
    assert format_source(source) == expected
    assert format_source(expected) == expected
