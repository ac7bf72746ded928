"""The syntax layer: grammar loading, the lexer hooks, the typed tree."""

from styx.syntax.parser import ParseResult, StyxSyntaxError, parse, parse_file, parse_lenient
from styx.syntax.tree import (
    Comment,
    DocComment,
    Document,
    Entry,
    Object,
    ObjectForm,
    Scalar,
    ScalarKind,
    Sequence,
    Tag,
    Tagged,
    Unit,
    Value,
    shape,
)

__all__ = [
    "Comment",
    "DocComment",
    "Document",
    "Entry",
    "Object",
    "ObjectForm",
    "ParseResult",
    "Scalar",
    "ScalarKind",
    "Sequence",
    "StyxSyntaxError",
    "Tag",
    "Tagged",
    "Unit",
    "Value",
    "parse",
    "parse_file",
    "parse_lenient",
    "shape",
]
