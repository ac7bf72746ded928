"""`styx.load`: a document in, a typed Python object out, or every problem.

The schema a type is checked against is the one `schema_for` writes for it,
so a config that loads is a config that ``styx check`` accepts against the
published schema, and the diagnostics are the same.
"""

from __future__ import annotations

import os
import typing
from functools import cache
from typing import TypeVar

from styx.diagnostic import Diagnostic
from styx.schema import model as m
from styx.schema.bind import BindError, bind
from styx.schema.load import load_schema
from styx.schema.typed import schema_for
from styx.schema.validate import validate
from styx.source import LineIndex
from styx.syntax.parser import parse
from styx.syntax.tree import Document

T = TypeVar("T")

BIND_FAILED = "styx::bind-failed"


class StyxValidationError(ValueError):
    """A document that parsed but does not fit its schema or type. Carries
    every diagnostic, in source order."""

    def __init__(
        self, diagnostics: list[Diagnostic], source: str, filename: str | None = None
    ) -> None:
        self.diagnostics = diagnostics
        self.source = source
        self.filename = filename
        first = diagnostics[0]
        line, column = LineIndex(source).position(first.span.start)
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{filename or '<string>'}:{line}:{column}: {first.message}{more}")


@cache
def schema_of(into: type) -> m.Schema:
    """The loaded schema of a dataclass, written and analysed once per type."""
    return load_schema(schema_for(into), filename=f"<schema of {into.__qualname__}>")


def load(
    source: str | os.PathLike[str] | Document, into: type[T], *, filename: str | None = None
) -> T:
    """Validate a document against the schema of ``into`` and build it.

    ``source`` is Styx text, a path to a file, or an already parsed document.
    Raises `styx.StyxSyntaxError` or `StyxValidationError`, both carrying
    diagnostics; warnings (deprecated fields) do not stop loading.
    """
    if isinstance(source, Document):
        document = source
    elif isinstance(source, str):
        document = parse(source, filename=filename)
    else:
        path = os.fspath(source)
        with open(path, encoding="utf-8") as file:
            document = parse(file.read(), filename=filename or path)
    schema = schema_of(typing.cast(type, into))
    problems = validate(document, schema, declaration=document.declaration)
    errors = [d for d in problems if d.is_error]
    if errors:
        raise StyxValidationError(errors, document.source, document.filename)
    try:
        return bind(document.root, into)  # type: ignore[no-any-return]
    except BindError as error:
        problem = Diagnostic(
            BIND_FAILED,
            str(error),
            error.span,
            label="does not fit the Python type",
        )
        raise StyxValidationError([problem], document.source, document.filename) from None
