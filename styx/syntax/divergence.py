"""Warnings where the reference parser reads the same valid text differently.

Teams mix tools: a Rust program reading a config through the reference
parser (crates/styx-parse in github:bearcove/styx) and ``styx check`` in CI.
Where the spec leaves room and the two read one text as two different
documents, without an error on either side, the document gets a warning
here, so that the difference is never silent (docs/spec-decisions.md names
each case: decisions 8, 12, 20 and 21).
Where the reference rejects what we accept, or the other way round, one side
already reports it and nothing is needed here.

Design points (the failure each prevents):
* Warnings, not errors: the document is valid Styx and means what the spec
  says; the warning says what the other implementation makes of it and how
  to write the text so that both agree.
* Each check runs where the tree builder already holds the node, so a
  document without these shapes pays one comparison per node.
"""

from __future__ import annotations

from styx.diagnostic import Diagnostic, DiagnosticSink, Label, Severity
from styx.source import Span
from styx.syntax import codes
from styx.syntax.tree import Scalar, ScalarKind, Value

_WHY = "the official Rust parser reads this text as a different document"


def _warn(
    sink: DiagnosticSink,
    code: str,
    message: str,
    span: Span,
    label: str,
    note: str,
    help: str,
    labels: tuple[Label, ...] = (),
) -> None:
    sink.add(Diagnostic(code, message, span, Severity.WARNING, label, labels, (note, _WHY), help))


def tag_before_quote(sink: DiagnosticSink, tag: str, start: int, end: int, payload: Value) -> None:
    """``@color"red"``: we read the tag ``color`` with a quoted payload; the
    Rust lexer ends a tag name in front of ``r"`` and reads ``@colo`` with the
    raw string ``r"red"`` (decision 8)."""
    if not (
        tag.endswith("r")
        and isinstance(payload, Scalar)
        and payload.kind is ScalarKind.QUOTED
        and payload.start == end
    ):
        return
    name = tag.rsplit("@", 1)[-1]
    _warn(
        sink,
        codes.TAG_NAME_BEFORE_QUOTE,
        f"the reference parser reads `@{name}` here as `@{name[:-1]}` with a raw string",
        Span(start, payload.end),
        f"tag `@{name}` with the text {payload.text!r}",
        "a tag name ending in `r` touches a quote: the Rust lexer ends the name in front "
        'of `r"` (spec decision 8)',
        f'write the payload as `r#"..."#` (`@{name}r#"{payload.text}"#` if it needs no '
        "escapes), which both read the same, or use a name that does not end in `r`",
    )


def quoted_path_segment(sink: DiagnosticSink, pieces: list[Scalar]) -> None:
    """``"a.b".c``: a path here (parser[entry.path]); the Rust parser splits
    only bare keys and reads ``"a.b"`` as the key and ``.c`` as its value
    (decision 20)."""
    if all(piece.kind is ScalarKind.BARE for piece in pieces):
        return
    _warn(
        sink,
        codes.QUOTED_PATH_SEGMENT,
        "the reference parser does not read a dotted key with quoted segments",
        Span(pieces[0].start, pieces[-1].end),
        "a dotted key with a quoted or raw segment",
        "the Rust parser splits only bare keys on dots: it reads the quoted piece as the "
        "key and the rest as its value, and rejects the entry if a value follows "
        "(spec decision 20)",
        'write the nesting out with braces, as `"a.b" {c value}`',
    )


def heredoc_crlf(sink: DiagnosticSink, token: str, start: int) -> None:
    """A heredoc in a file with CRLF line ends: we read LF line ends (decision
    12); the Rust lexer keeps the carriage returns in the text."""
    opening = token.index("\n")
    if "\r" not in token[opening + 1 : token.rindex("\n")]:
        return  # no content line ends with CRLF: the texts agree
    _warn(
        sink,
        codes.HEREDOC_CRLF,
        "the reference parser keeps carriage returns in this heredoc's text",
        Span(start, start + len(token[: opening + 1].encode("utf-8"))),
        "heredoc with CRLF line ends",
        "styx reads the heredoc's lines with LF ends (spec decision 12); the Rust parser "
        "keeps `\\r\\n` in the text",
        "save the file with LF line ends, or use a quoted scalar with `\\r\\n` escapes",
    )


def byte_order_mark(sink: DiagnosticSink, text: str) -> None:
    """A UTF-8 byte order mark: not content to us; the Rust tokenizer takes it
    as the first character of the first key."""
    if not text.startswith("\ufeff"):
        return
    _warn(
        sink,
        codes.BYTE_ORDER_MARK,
        "the reference parser reads the byte order mark as part of the first key",
        Span(0, 3),
        "byte order mark",
        "styx skips a byte order mark in front of the document (spec decision 21); the Rust "
        "tokenizer does not",
        "save the file as UTF-8 without a byte order mark",
    )
