"""Styx for Python: parse, validate, format and convert Styx documents.

>>> import styx
>>> styx.loads("server host>localhost port>8080")
{'server': {'host': 'localhost', 'port': '8080'}}
>>> print(styx.dumps({"server": {"host": "localhost", "port": 8080}}), end="")
server {
    host localhost
    port 8080
}
>>> doc = styx.parse("server host>localhost port>8080")
>>> doc.get("server").get("port").text
'8080'

`loads`/`load`/`dumps`/`dump` have the shapes of `json` and `tomllib`;
`edit` changes a document in place and keeps everything else byte for byte.
`Tagged` is the plain-data form of a tag (``Tagged("ok")``); the tree node
of a parsed tag is `styx.syntax.Tagged`.
"""

from typing import TYPE_CHECKING

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
    Unit,
    Value,
    parse,
    parse_file,
    parse_lenient,
)

if TYPE_CHECKING:  # the lazy names below, for type checkers
    from styx.convert.data import Tagged as Tagged
    from styx.dumping import dump as dump
    from styx.dumping import dumps as dumps
    from styx.editing import EditedDocument as EditedDocument
    from styx.editing import edit as edit
    from styx.loading import load as load
    from styx.loading import loads as loads
    from styx.schema.load import SchemaError as SchemaError
    from styx.schema.load import load_schema as load_schema
    from styx.schema.loader import StyxValidationError as StyxValidationError
    from styx.schema.typed import schema_for as schema_for
    from styx.schema.validate import validate as validate

#: Loaded on first use: schemas pull in the regex engine and more, which
#: `styx tree` and `styx fmt` never need.
_LAZY = {
    "loads": "styx.loading",
    "load": "styx.loading",
    "dumps": "styx.dumping",
    "dump": "styx.dumping",
    "edit": "styx.editing",
    "EditedDocument": "styx.editing",
    "Tagged": "styx.convert.data",
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
    "EditedDocument",
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
    "dump",
    "dumps",
    "edit",
    "load",
    "load_schema",
    "loads",
    "parse",
    "parse_file",
    "parse_lenient",
    "schema_for",
    "validate",
]
