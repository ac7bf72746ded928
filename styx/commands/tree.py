"""`styx tree`: show the parsed tree."""

from __future__ import annotations

from enum import StrEnum

from styx.commands.common import ExitCode, Outcome, Source
from styx.syntax.dump import outline, sexp, sexp_error
from styx.syntax.parser import parse_lenient


class TreeFormat(StrEnum):
    DEBUG = "debug"  #: an indented outline with spans, for people
    SEXP = "sexp"  #: the compliance suite's S-expressions


def tree(source: Source, fmt: TreeFormat = TreeFormat.DEBUG) -> Outcome:
    if source.problem is not None:
        code = ExitCode.IO if source.text is None else ExitCode.SYNTAX
        output = sexp_error(source.problem) if fmt is TreeFormat.SEXP and source.text else ""
        return Outcome(source, output, [source.problem], code)
    assert source.text is not None
    result = parse_lenient(source.text, filename=source.name)
    errors = [d for d in result.diagnostics if d.is_error]
    if errors or result.document is None:
        output = sexp_error(errors[0]) if fmt is TreeFormat.SEXP else ""
        return Outcome(source, output, result.diagnostics, ExitCode.SYNTAX)
    text = sexp(result.document) if fmt is TreeFormat.SEXP else outline(result.document)
    return Outcome(source, text, result.diagnostics)
