"""`styx to-json` and `styx from-json`."""

from __future__ import annotations

from styx.commands.common import ExitCode, Outcome, Source
from styx.diagnostic import Diagnostic
from styx.schema.model import Schema
from styx.schema.typed_json import scalar_converter
from styx.source import LineIndex, Position, Span

INVALID_JSON = "styx::invalid-json"
UNREPRESENTABLE = "styx::json-key-collision"


def to_json(parsed: Outcome, *, compact: bool = False, schema: Schema | None = None) -> Outcome:
    """The document as JSON (a failed parse passes through). With a schema,
    scalars it types as numbers and booleans become JSON numbers and booleans."""
    from styx.convert.json import JsonOutputError
    from styx.convert.json import to_json as render

    if parsed.document is None:
        return parsed
    typed = scalar_converter(parsed.document, schema) if schema is not None else None
    try:
        return parsed.then(render(parsed.document, compact=compact, scalar=typed))
    except JsonOutputError as error:
        problem = Diagnostic(
            UNREPRESENTABLE,
            error.message,
            error.span,
            label="this key collides with another in JSON",
            help="JSON keys are strings: rename one of the keys",
        )
        return Outcome(parsed.source, diagnostics=[problem], code=ExitCode.SYNTAX)


def from_json(source: Source) -> Outcome:
    """JSON text as a Styx document."""
    from styx.convert.json import JsonInputError
    from styx.convert.json import from_json as convert

    if source.problem is not None:
        code = ExitCode.IO if source.text is None else ExitCode.SYNTAX
        return Outcome(source, diagnostics=[source.problem], code=code)
    assert source.text is not None
    try:
        return Outcome(source, convert(source.text, filename=source.name))
    except JsonInputError as error:
        offset = LineIndex(source.text).offset_at(Position(error.line, error.column))
        problem = Diagnostic(INVALID_JSON, error.message, Span(offset, offset), label="here")
        return Outcome(source, diagnostics=[problem], code=ExitCode.SYNTAX)
