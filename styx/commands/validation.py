"""Checking a parsed document against the schema it declares (or ``--schema``).

Shared by `styx check`, file mode's ``--validate`` and typed ``to-json``.
Schemas are loaded once per run and per origin: checking 200 files that
declare the same schema analyses it once.
"""

from __future__ import annotations

import os

from styx.commands.common import ExitCode, Outcome
from styx.diagnostic import Diagnostic
from styx.schema import model as m
from styx.schema.load import SchemaError, load_inline, load_schema
from styx.schema.resolve import Resolution, SchemaSource, resolve
from styx.schema.validate import validate


class SchemaCache:
    """Loaded schemas (or the problems that stopped them) by origin, for one run."""

    def __init__(self) -> None:
        self._loaded: dict[str, m.Schema | SchemaError] = {}

    def load(self, source: SchemaSource, document_name: str, document_text: str) -> m.Schema:
        """The schema of a source; raises `SchemaError` for a broken schema."""
        if source.inline is not None:  # spans point into the document itself
            return load_inline(source.inline, filename=document_name, source=document_text)
        key = source.path or source.origin
        if key not in self._loaded:
            try:
                assert source.text is not None
                filename = source.path or source.origin
                self._loaded[key] = load_schema(source.text, filename=filename)
            except SchemaError as error:
                self._loaded[key] = error
        found = self._loaded[key]
        if isinstance(found, SchemaError):
            raise found
        return found


def with_schema(
    parsed: Outcome, cache: SchemaCache, *, override: str | None = None
) -> tuple[Outcome, m.Schema | None]:
    """The outcome with schema diagnostics added, and the schema used (if any).

    A schema that cannot be found is a warning; a broken schema or a document
    that does not fit it makes the outcome a validation failure (exit 2).
    """
    document = parsed.document
    if document is None:
        return parsed, None
    resolution = resolve(document, base_dir=document_dir(parsed.source.name), override=override)
    return apply_schema(parsed, resolution, cache)


def document_dir(name: str) -> str:
    """Where a document's relative ``@schema`` path starts: its folder, or
    the working directory for standard input."""
    return os.path.dirname(os.path.abspath(name)) if name != "-" else os.getcwd()


def apply_schema(
    parsed: Outcome, resolution: Resolution, cache: SchemaCache
) -> tuple[Outcome, m.Schema | None]:
    """`with_schema` after resolution. Split out so that a long-lived caller
    (the language server) can keep a resolution while the declaration is
    unchanged and re-check only the document."""
    document = parsed.document
    if document is None:
        return parsed, None
    name = parsed.source.name
    found: list[Diagnostic] = list(resolution.diagnostics)
    outcome = parsed.then(parsed.output)
    outcome.diagnostics = parsed.diagnostics + found
    source = resolution.source
    if source is None or resolution.disabled:
        return outcome, None
    if source.text is not None:
        outcome.sources[source.path or source.origin] = source.text
    try:
        schema = cache.load(source, name, parsed.source.text or "")
    except SchemaError as error:
        outcome.diagnostics += error.diagnostics
        outcome.code = ExitCode.VALIDATION
        return outcome, None
    problems = validate(document, schema, declaration=resolution.declaration)
    outcome.diagnostics += problems
    if any(d.is_error for d in problems):
        outcome.code = ExitCode.VALIDATION
    return outcome, schema
