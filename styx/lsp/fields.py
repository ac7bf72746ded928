"""What the schema says about a place in a document.

A path of `styx.lsp.cursor` segments names a place by keys, indexes and
variants. Following it through the schema (references resolved;
``@optional``, ``@default`` and ``@deprecated`` seen through; every member
of a union tried, since the editor cannot know yet which one the value
will match) gives the types that may apply there. Hover shows a field's type and
documentation, completion lists the fields and values still allowed, and
go-to-definition jumps to where the schema wrote the field's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from styx.lsp.cursor import Segment, Variant
from styx.schema import model as m
from styx.schema.validate import is_optional, written
from styx.source import Span
from styx.syntax import write
from styx.syntax.tree import Scalar, Tagged, Unit, Value


class Place(NamedTuple):
    """A type and the schema that defines it (imports may change schema)."""

    schema: m.Schema
    type: m.Type


class FieldInfo(NamedTuple):
    name: str
    type: m.Type
    schema: m.Schema
    doc: str | None
    required: bool
    #: Where the schema wrote the field: its key, or its type for the
    #: entries of a map and an object's other keys.
    origin: m.Origin | None
    span: Span | None

    @property
    def written(self) -> str:
        return written(self.type)


class Choice(NamedTuple):
    """A value the schema accepts, offered by completion."""

    text: str
    detail: str | None
    doc: str | None


#: Deeper than any schema a person writes; only aliases in a circle get here.
_MAX_DEPTH = 32


def places_at(schema: m.Schema, path: Sequence[Segment]) -> list[Place]:
    """The types that may apply to the value at ``path`` (the segments of a
    `styx.lsp.cursor` trail)."""
    if schema.root is None:
        return []
    places = [Place(schema, schema.root)]
    for segment in path:
        places = [place for place, _ in _enter(places, segment)]
    return places


def field_at(schema: m.Schema, path: Sequence[Segment]) -> FieldInfo | None:
    """The field that the last segment of ``path`` names, when the schema knows it."""
    if not path or schema.root is None:
        return None
    found = _enter(places_at(schema, path[:-1]), path[-1])
    return next((info for _, info in found if info is not None), None)


def fields_of(places: list[Place]) -> list[FieldInfo]:
    """The named fields of every object type among ``places``, once each."""
    found: dict[str, FieldInfo] = {}
    for place in _expand_all(places):
        if isinstance(place.type, m.Object):
            fields, _ = m.object_fields(place.type, place.schema)
            for field in fields:
                found.setdefault(field.name, _field_info(field))
    return list(found.values())


def choices(places: list[Place]) -> list[Choice]:
    """The values a field of one of these types can take, where the schema
    lists them: enum variants, one-of values, booleans, literals, and the
    default."""
    found: dict[str, Choice] = {}
    for place in places:
        resolved = place.schema.resolve(place.type)
        if resolved is not None and isinstance(resolved[1], m.Default) and resolved[1].value:
            text = _display(resolved[1].value)
            found.setdefault(text, Choice(text, "the default", None))
    for place in _expand_all(places):
        for choice in _choices_of(place.type):
            found.setdefault(choice.text, choice)
    return list(found.values())


def _choices_of(type_: m.Type) -> list[Choice]:
    if isinstance(type_, m.Enum):
        return [
            Choice(f"@{name}", None if payload is None else written(payload), type_.docs.get(name))
            for name, payload in type_.variants.items()
        ]
    if isinstance(type_, m.OneOf):
        return [Choice(_display(value), written(type_), None) for value in type_.values]
    if isinstance(type_, m.Bool):
        return [Choice("true", "@bool", None), Choice("false", "@bool", None)]
    if isinstance(type_, m.Literal):
        text = "@" if type_.value is None else write.scalar(type_.value)
        return [Choice(text, written(type_), None)]
    if isinstance(type_, m.Unit):
        return [Choice("@", "@unit", None)]
    return []


def enter(places: list[Place], segment: Segment) -> list[tuple[Place, FieldInfo | None]]:
    """One step in from ``places``: each type found there, with the field
    passed when it is one. Walking a whole document step by step costs one
    of these per entry, where `field_at` would start from the root each time."""
    return _enter(places, segment)


def _enter(places: list[Place], segment: Segment) -> list[tuple[Place, FieldInfo | None]]:
    """Each type one step further in, with the field passed when it is one."""
    found: list[tuple[Place, FieldInfo | None]] = []
    for place in _expand_all(places):
        schema, type_ = place
        if isinstance(type_, m.Object) and isinstance(segment, str):
            fields, extra = m.object_fields(type_, schema)
            field = next((f for f in fields if f.name == segment), None)
            if field is not None:
                found.append((Place(field.schema, field.type), _field_info(field)))
            elif extra is not None:
                other = Place(*extra)
                found.append((other, _entry_info(segment, other)))
        elif isinstance(type_, m.Map) and isinstance(segment, str):
            value = Place(schema, type_.value)
            found.append((value, _entry_info(segment, value)))
        elif isinstance(type_, m.Seq) and isinstance(segment, int):
            found.append((Place(schema, type_.item), None))
        elif isinstance(type_, m.Tuple) and isinstance(segment, int):
            if segment < len(type_.types):
                found.append((Place(schema, type_.types[segment]), None))
        elif isinstance(type_, m.Enum) and isinstance(segment, Variant):
            known = segment.name in type_.variants
            payload = type_.variants[segment.name] if known else type_.open_payload
            if payload is not None:
                found.append((Place(schema, payload), None))
    return found


def _expand_all(places: list[Place]) -> list[Place]:
    found: list[Place] = []
    seen: set[int] = set()
    for place in places:
        for concrete in _expand(place, 0):
            if id(concrete.type) not in seen:
                seen.add(id(concrete.type))
                found.append(concrete)
    return found


def _expand(place: Place, depth: int) -> list[Place]:
    """The concrete types behind a type: references followed, modifiers
    removed, unions split."""
    resolved = place.schema.resolve(place.type)
    if resolved is None or depth > _MAX_DEPTH:
        return []
    schema, type_ = resolved
    if isinstance(type_, m.Optional | m.Default | m.Deprecated):
        return _expand(Place(schema, type_.inner), depth + 1)
    if isinstance(type_, m.Union):
        return [
            found for member in type_.types for found in _expand(Place(schema, member), depth + 1)
        ]
    if isinstance(type_, m.OneOf):
        return [Place(schema, type_), *_expand(Place(schema, type_.base), depth + 1)]
    return [Place(schema, type_)]


def _field_info(field: m.Field) -> FieldInfo:
    owner = field.owner
    return FieldInfo(
        field.name,
        field.type,
        field.schema,
        owner.docs.get(field.name),
        not is_optional(field.type, field.schema),
        owner.origin,
        owner.keys.get(field.name),
    )


def _entry_info(name: str, place: Place) -> FieldInfo:
    """A key the schema does not name but accepts: a map's, or an object's ``@``."""
    return FieldInfo(
        name, place.type, place.schema, None, False, place.type.origin, place.type.span
    )


def _display(value: Value) -> str:
    if isinstance(value, Scalar):
        return write.scalar(value.text)
    if isinstance(value, Tagged):
        return f"@{value.name}"
    if isinstance(value, Unit):
        return "@"
    return "..."
