"""Typed JSON: the schema decides which scalars are numbers and booleans.

`styx to-json --schema S` (and a document's declared schema) turns ``port
8080`` into ``"port": 8080`` where the schema says ``@int``. The document has
been validated first, so this walk only has to find each scalar's type; the
JSON conversion asks for it through its ``scalar`` hook, by node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from styx.schema import model as m
from styx.schema import scalars
from styx.schema.validate import validate_value
from styx.syntax.merge import merged_entries
from styx.syntax.tree import Document, Object, Scalar, Sequence, Tagged, Unit, Value

#: What a typed scalar becomes in JSON.
_CONVERT: dict[type[m.Type], Callable[[str], Any]] = {
    m.Int: scalars.parse_int,
    m.Float: scalars.parse_json_number,
    m.Bool: scalars.parse_bool,
}


def scalar_converter(document: Document, schema: m.Schema) -> Callable[[Scalar, Any], Any]:
    """The hook for `styx.convert.json.to_json`: a scalar's JSON value per its type."""
    types: dict[int, type[m.Type]] = {}
    if schema.root is not None:
        _Walk(schema, types).value(document.root, schema, schema.root)

    def convert(scalar: Scalar, path: Any) -> Any:
        kind = types.get(id(scalar))
        if kind is None:
            return scalar.text
        try:
            return _CONVERT[kind](scalar.text)
        except scalars.ScalarError:
            return scalar.text

    return convert


class _Walk:
    def __init__(self, root: m.Schema, types: dict[int, type[m.Type]]) -> None:
        self.root = root
        self.types = types

    def value(self, value: Value, schema: m.Schema, type_: m.Type) -> None:
        found = schema.resolve(type_) if isinstance(type_, m.Ref) else (schema, type_)
        if found is None:
            return
        schema, type_ = found
        if isinstance(type_, m.Optional | m.Default | m.Deprecated):
            self.value(value, schema, type_.inner)
        elif isinstance(type_, m.OneOf):
            self.value(value, schema, type_.base)
        elif isinstance(type_, m.Int | m.Float | m.Bool) and isinstance(value, Scalar):
            self.types[id(value)] = type(type_)
        elif isinstance(type_, m.Union):
            for member in type_.types:
                if not any(d.is_error for d in validate_value(value, schema, member)):
                    self.value(value, schema, member)
                    return
        elif isinstance(type_, m.Seq) and isinstance(value, Sequence):
            for item in value.items:
                self.value(item, schema, type_.item)
        elif isinstance(type_, m.Tuple) and isinstance(value, Sequence):
            for item, member in zip(value.items, type_.types, strict=False):
                self.value(item, schema, member)
        elif isinstance(type_, m.Map) and isinstance(value, Object):
            for entry in merged_entries(value):
                self.value(entry.value, schema, type_.value)
        elif isinstance(type_, m.Object) and isinstance(value, Object):
            self.object(value, schema, type_)
        elif isinstance(type_, m.Enum) and isinstance(value, Tagged):
            payload_type = type_.variants.get(value.name)
            if payload_type is not None and value.payload is not None:
                self.value(value.payload, schema, payload_type)

    def object(self, value: Object, schema: m.Schema, type_: m.Object) -> None:
        fields, extra = m.object_fields(type_, schema)
        by_name = {field.name: field for field in fields}
        for entry in merged_entries(value):
            if not isinstance(entry.key, Scalar):
                if isinstance(entry.key, Unit) and extra is not None:
                    self.value(entry.value, *extra)
                continue
            field = by_name.get(entry.key.text)
            if field is not None:
                self.value(entry.value, field.schema, field.type)
            elif extra is not None:
                self.value(entry.value, *extra)
