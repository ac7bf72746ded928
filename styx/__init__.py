"""Styx for Python: parse, validate, format and convert Styx documents.

>>> import styx
>>> doc = styx.parse("server host>localhost port>8080")
>>> doc.get("server").get("port").text
'8080'
"""

from styx.diagnostic import Diagnostic, Label, Severity
from styx.source import LineIndex, Span
from styx.syntax import (
    Document,
    Entry,
    Object,
    ParseResult,
    Scalar,
    ScalarKind,
    Sequence,
    StyxSyntaxError,
    Tag,
    Tagged,
    Unit,
    Value,
    parse,
    parse_file,
    parse_lenient,
)

#: Loaded on first use: schemas pull in the regex engine and more, which
#: `styx tree` and `styx fmt` never need.
_LAZY = {
    "load": "styx.schema.loader",
    "StyxValidationError": "styx.schema.loader",
    "schema_for": "styx.schema.typed",
    "load_schema": "styx.schema.load",
    "SchemaError": "styx.schema.load",
    "validate": "styx.schema.validate",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'styx' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "Diagnostic",
    "Document",
    "Entry",
    "Label",
    "LineIndex",
    "Object",
    "ParseResult",
    "Scalar",
    "ScalarKind",
    "SchemaError",
    "Sequence",
    "Severity",
    "Span",
    "StyxSyntaxError",
    "StyxValidationError",
    "Tag",
    "Tagged",
    "Unit",
    "Value",
    "load",
    "load_schema",
    "parse",
    "parse_file",
    "parse_lenient",
    "schema_for",
    "validate",
]
