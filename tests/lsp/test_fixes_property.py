"""In process, over generated documents against one schema: every code
action, inlay hint, reference search, on-type formatting and completion at
every kind of place answers without raising, every fix's edits are well
formed (inside the text, not overlapping) and change the text, and a
preferred quick fix leaves fewer diagnostics of the kind it fixes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from styx.lsp import decorations, editing, navigation
from styx.lsp.analysis import analyze
from styx.lsp.fixes import fixes_at

SCHEMA = """\
meta {id https://example.com/p, version 2026-01-01, description "P."}
schema {
    @ @object{
        name @string
        port @int{min 1}
        level @default(info @one-of(@string (debug info warn)))
        mode @optional(@enum{fast, slow, other @object{x @int}})
        flag @optional(@bool)
        old @deprecated("use `port` instead" @int)
        tags @optional(@seq(@one-of(@string (a b c))))
        server @optional(@object{host @string, timeout @default(30s @duration)})
    }
}
"""

_pieces = st.sampled_from(
    [
        "name x\n",
        "nmae x\n",
        "port 1\n",
        "port one\n",
        "level\n",
        "level warm\n",
        "mode @fsat\n",
        "mode @other{x 1}\n",
        "mode @other{y 1}\n",
        "flag yes\n",
        "old 3\n",
        "tags (a d)\n",
        "server {}\n",
        "server {host h, host g}\n",
        "server {\n  timeout 5s\n}\n",
        "server host>h timeout>\n",
        "// comment\n",
        "/// doc\n",
        "{",
        "}",
        "(",
        ")",
        ">",
        "\n",
        "  ",
        "é",
        "😀",
    ]
)

_lines = st.sampled_from(
    [
        "name x\n",
        "nmae x\n",
        "port 1\n",
        "port one\n",
        "level\n",
        "level warm\n",
        "mode @fsat\n",
        "mode @other{x 1}\n",
        "flag yes\n",
        "old 3\n",
        "tags (a d)\n",
        "server {}\n",
        "server {\n  timeout 5s\n}\n",
        "// comment\n",
    ]
)

# Mostly valid documents (each line once), which get validated and so get
# schema fixes; and anything at all.
_documents = st.one_of(
    st.lists(_lines, max_size=10, unique=True),
    st.lists(_pieces, max_size=14),
).map(lambda parts: "@schema ./p.schema.styx\n\n" + "".join(parts))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fixes")
    (path / "p.schema.styx").write_text(SCHEMA, encoding="utf-8")
    return path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_documents, where=st.floats(0, 1))
def test_every_handler_answers_and_fixes_are_well_formed(
    folder: Path, text: str, where: float
) -> None:
    analysis = analyze(str(folder / "p.styx"), text)
    size = analysis.index.byte_length
    data = text.encode("utf-8")
    offsets = {0, size, int(size * where)}
    offsets |= {d.span.start for d in analysis.outcome.diagnostics if d.span.end <= size}
    for offset in sorted(offsets):
        # Offsets inside a character are not positions an editor sends.
        while offset < size and (data[offset] & 0xC0) == 0x80:
            offset += 1
        for fix in fixes_at(analysis, offset, offset):
            spans = sorted(span for span, _ in fix.edits)
            assert all(0 <= s.start <= s.end <= size for s in spans), fix
            assert all(a.end <= b.start for a, b in itertools.pairwise(spans)), fix
            changed = bytearray(data)
            for span, new in sorted(fix.edits, key=lambda e: e[0].start, reverse=True):
                changed[span.start : span.end] = new.encode("utf-8")
            assert bytes(changed) != data, fix
            after = changed.decode("utf-8")
            if fix.preferred and fix.fixes:
                code = fix.fixes[0].code
                again = analyze(str(folder / "p.styx"), after)
                before = [d for d in analysis.outcome.diagnostics if d.code == code]
                remaining = [d for d in again.outcome.diagnostics if d.code == code]
                assert len(remaining) < len(before), (fix, after)
        line, column = analysis.index.utf16_position(offset)
        position = types.Position(line=line, character=column)
        context = types.CodeActionContext(diagnostics=[])
        editing.code_actions(analysis, "file:///p.styx", types.Range(position, position), context)
        editing.completion(analysis, offset)
        editing.on_type_formatting(
            analysis, line, types.FormattingOptions(tab_size=4, insert_spaces=True)
        )
        navigation.references(analysis, "file:///p.styx", offset, True)
    decorations.inlay_hints(analysis, 0, size)
    decorations.document_links(analysis)
