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
    "Sequence",
    "Severity",
    "Span",
    "StyxSyntaxError",
    "Tag",
    "Tagged",
    "Unit",
    "Value",
    "parse",
    "parse_file",
    "parse_lenient",
]
