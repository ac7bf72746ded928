"""A Styx schema as typed Python objects.

`styx.schema.load` turns a schema file into these objects and
`styx.schema.validate` compiles them into checkers; nothing here reads text
or validates anything. Each type is a small frozen dataclass that keeps the
span where the schema wrote it (`Type.span`) and the schema text it came
from (`Type.origin`), because every diagnostic quotes "the expected
constraint as written" (schema[schema.validation.errors]) and points into
the schema file, and an editor's go-to-definition needs the same spans.
Spans and origins do not take part in equality: two types are equal when
they mean the same thing.

The types follow schema.md: the primitives of schema[schema.type.primitives],
literals, the composite constructors, the modifiers `Optional`, `Default` and
`Deprecated`, references to named (possibly recursive or imported) types,
and the scalar types of scalars.md that the spec's own examples use
(``@duration``) or that the typed loader writes (``@date``, ``@datetime``,
``@bytes``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import IntFlag
from typing import NamedTuple

import regress

from styx.source import Span
from styx.syntax.tree import Value


class Origin:
    """The text of one schema, shared by every type read from it.

    Spans are UTF-8 byte offsets, so slicing needs the encoded text; it is
    encoded once, on the first slice (only diagnostics slice).
    """

    __slots__ = ("_data", "filename", "names", "text")

    def __init__(self, text: str, filename: str | None = None) -> None:
        self.text = text
        #: Where the schema lives, as diagnostics name it; None for a string.
        self.filename = filename
        #: The name of each named type, by the span of its definition, so
        #: that a message can say ``@Server`` rather than a whole object.
        self.names: dict[Span, str] = {}
        self._data: bytes | None = None

    def slice(self, span: Span) -> str:
        """The schema text under a span."""
        if self._data is None:
            self._data = self.text.encode("utf-8")
        return self._data[span.start : span.end].decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"Origin({self.filename!r})"


@dataclass(frozen=True, slots=True)
class Type:
    """Any schema type. Concrete types are the subclasses below."""

    span: Span | None = field(default=None, kw_only=True, compare=False, repr=False)
    origin: Origin | None = field(default=None, kw_only=True, compare=False, repr=False)

    @property
    def written(self) -> str | None:
        """The type exactly as the schema wrote it, when it was read from text."""
        if self.span is None or self.origin is None:
            return None
        return self.origin.slice(self.span)


# Primitives: schema[schema.type.primitives], schema[schema.constraints.*].


@dataclass(frozen=True, slots=True)
class Pattern:
    """An ECMAScript regular expression, implicitly anchored
    (schema[schema.constraints.string.pattern]); compiled once, at load."""

    source: str
    regex: regress.Regex = field(compare=False, repr=False)

    def matches(self, text: str) -> bool:
        return self.regex.find(text) is not None


@dataclass(frozen=True, slots=True)
class String(Type):
    """``@string``: any scalar, optionally bounded in length (characters)."""

    min_len: int | None = None
    max_len: int | None = None
    pattern: Pattern | None = None


@dataclass(frozen=True, slots=True)
class Int(Type):
    """``@int``: an integer per interp[interp.int.*], optionally bounded."""

    min: int | None = None
    max: int | None = None


@dataclass(frozen=True, slots=True)
class Float(Type):
    """``@float``: a finite number, optionally bounded."""

    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Bool(Type):
    """``@bool``: ``true`` or ``false``."""


@dataclass(frozen=True, slots=True)
class Unit(Type):
    """``@unit``: the unit value ``@``."""


@dataclass(frozen=True, slots=True)
class Any(Type):
    """``@any``: any value at all."""


@dataclass(frozen=True, slots=True)
class Duration(Type):
    """``@duration``: ``30s``, ``1h30m`` (interp[interp.duration.syntax])."""


@dataclass(frozen=True, slots=True)
class Date(Type):
    """``@date``: ``2024-03-15`` (interp[interp.datetime.iso8601])."""


@dataclass(frozen=True, slots=True)
class DateTime(Type):
    """``@datetime`` (also spelled ``@timestamp``): an RFC 3339 date-time."""


@dataclass(frozen=True, slots=True)
class Bytes(Type):
    """``@bytes``: hex digits, or ``base64:...`` (interp[interp.bytes.*])."""


@dataclass(frozen=True, slots=True)
class Literal(Type):
    """A scalar written as a type matches exactly that text; ``@`` matches
    exactly unit (schema[schema.literal]). `value` is None for unit."""

    value: str | None = None


# Modifiers.


@dataclass(frozen=True, slots=True)
class Optional(Type):
    """``@optional(@T)``: `inner`, or no entry at all (schema[schema.optional])."""

    inner: Type = field(default_factory=Any)


@dataclass(frozen=True, slots=True)
class Default(Type):
    """``@default(value @T)``: optional, and `value` when absent
    (schema[schema.default]). `value` is the tree node the schema wrote."""

    value: Value | None = field(default=None, compare=False)
    inner: Type = field(default_factory=Any)


@dataclass(frozen=True, slots=True)
class Deprecated(Type):
    """``@deprecated("reason" @T)``: allowed, with a warning (schema[schema.deprecated])."""

    reason: str = ""
    inner: Type = field(default_factory=Any)


# Composites.


@dataclass(frozen=True, slots=True)
class Object(Type):
    """``@object{...}``: closed unless `extra` (the ``@`` entry) types the
    other keys (schema[schema.object]). A field whose type is `Flatten`
    contributes the flattened object's fields instead of its own name.

    `keys` and `docs` say where each field was written and what its ``///``
    comment says, for editors; they do not take part in equality.
    """

    fields: dict[str, Type] = field(default_factory=dict)
    extra: Type | None = None
    keys: dict[str, Span] = field(default_factory=dict, compare=False, repr=False)
    docs: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Union(Type):
    """``@union(@A @B ...)``: any one of `types` (schema[schema.union])."""

    types: tuple[Type, ...] = ()


@dataclass(frozen=True, slots=True)
class Seq(Type):
    """``@seq(@T)``: a sequence of `item` (schema[schema.sequence])."""

    item: Type = field(default_factory=Any)


@dataclass(frozen=True, slots=True)
class Tuple(Type):
    """``@tuple(@A @B ...)``: exactly one element per type (schema[schema.tuple])."""

    types: tuple[Type, ...] = ()


@dataclass(frozen=True, slots=True)
class Map(Type):
    """``@map(@K @V)``; ``@map(@V)`` has ``key = String()`` (schema[schema.map])."""

    key: Type = field(default_factory=String)
    value: Type = field(default_factory=Any)


@dataclass(frozen=True, slots=True)
class Ref(Type):
    """``@Name`` or ``@namespace.Name``: a named type, resolved late so that
    types may be recursive (schema[schema.type.recursive]) or imported."""

    name: str = ""
    namespace: str | None = None

    @property
    def qualified(self) -> str:
        return self.name if self.namespace is None else f"{self.namespace}.{self.name}"


@dataclass(frozen=True, slots=True)
class Flatten(Type):
    """``@flatten(@Type)``: the fields of a named object type, inlined into
    the object holding this field (schema[schema.flatten])."""

    inner: Type = field(default_factory=Ref)


@dataclass(frozen=True, slots=True)
class Enum(Type):
    """``@enum{...}``: values are tags naming a variant (schema[schema.enum]).

    A variant maps to its payload type, or to None when it takes no payload.
    An ``@`` key (``open``) accepts any other tag name with payload
    `open_payload`, as an object's ``@`` accepts any other key: the
    meta-schema uses it for type references (schema[schema.meta.wildcard]).
    """

    variants: dict[str, Type | None] = field(default_factory=dict)
    open: bool = False
    open_payload: Type | None = None
    keys: dict[str, Span] = field(default_factory=dict, compare=False, repr=False)
    docs: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class OneOf(Type):
    """``@one-of(@T (a b c))``: a `base` value that is one of `values`
    (schema[schema.one-of]); the values are the tree nodes the schema wrote."""

    base: Type = field(default_factory=String)
    values: tuple[Value, ...] = field(default=(), compare=False)


#: Constructors that look inside a value: recursion through them terminates.
STRUCTURAL = (Object, Seq, Tuple, Map, Enum)


def children(type_: Type) -> tuple[Type, ...]:
    """The types written directly inside a type (references not followed)."""
    if isinstance(type_, Optional | Default | Deprecated | Flatten):
        return (type_.inner,)
    if isinstance(type_, Union | Tuple):
        return type_.types
    if isinstance(type_, Seq):
        return (type_.item,)
    if isinstance(type_, Map):
        return (type_.key, type_.value)
    if isinstance(type_, OneOf):
        return (type_.base,)
    if isinstance(type_, Object):
        extra = () if type_.extra is None else (type_.extra,)
        return (*type_.fields.values(), *extra)
    if isinstance(type_, Enum):
        found = [t for t in type_.variants.values() if t is not None]
        return (*found, *(() if type_.open_payload is None else (type_.open_payload,)))
    return ()


class Field(NamedTuple):
    """One field an object accepts, possibly flattened in from another object."""

    name: str
    type: Type
    #: The schema that defines `type` (a flattened object may be imported).
    schema: Schema
    #: The object type that declares the field, for its key span and docs.
    owner: Object


def flatten_target(flatten: Flatten, schema: Schema) -> tuple[Schema, Object] | None:
    """The object type a `Flatten` inlines, or None if it does not name one."""
    found = schema.resolve(flatten.inner)
    if found is None or not isinstance(found[1], Object):
        return None
    return found[0], found[1]


def object_fields(obj: Object, schema: Schema) -> tuple[list[Field], tuple[Schema, Type] | None]:
    """The fields `obj` accepts, flattened objects expanded in place
    (schema[schema.flatten]), and the type of other keys if any: the
    object's own ``@`` entry, else the first flattened object's.

    When two fields share a name (a schema error reported when loading) the
    first one wins; a flatten that leads back to an object being expanded is
    skipped.
    """
    fields: dict[str, Field] = {}
    extras: list[tuple[Schema, Type]] = []
    _collect(obj, schema, fields, extras, set())
    return list(fields.values()), (extras[0] if extras else None)


def _collect(
    obj: Object,
    schema: Schema,
    fields: dict[str, Field],
    extras: list[tuple[Schema, Type]],
    expanding: set[int],
) -> None:
    if id(obj) in expanding:
        return
    expanding.add(id(obj))
    if obj.extra is not None:
        extras.append((schema, obj.extra))
    for name, type_ in obj.fields.items():
        if not isinstance(type_, Flatten):
            fields.setdefault(name, Field(name, type_, schema, obj))
            continue
        target = flatten_target(type_, schema)
        if target is not None:
            _collect(target[1], target[0], fields, extras, expanding)
    expanding.discard(id(obj))


class Kind(IntFlag):
    """The kinds of tree node a type can accept, which is what lets a union
    blame the one member that could have matched."""

    SCALAR = 1
    UNIT = 2
    TAGGED = 4
    SEQUENCE = 8
    OBJECT = 16
    ALL = 31


_KINDS: dict[type[Type], Kind] = {
    Unit: Kind.UNIT,
    Any: Kind.ALL,
    Object: Kind.OBJECT,
    Map: Kind.OBJECT,
    Seq: Kind.SEQUENCE,
    Tuple: Kind.SEQUENCE,
    Enum: Kind.TAGGED,
}


def kinds(type_: Type, schema: Schema, _depth: int = 0) -> Kind:
    """What kinds of node `type_` can accept. Undefined references, and
    aliases that go round in circles, accept all: their error is the
    schema's, not the document's."""
    found = schema.resolve(type_)
    if found is None or _depth > _MAX_ALIAS_DEPTH:
        return Kind.ALL
    schema, type_ = found
    if isinstance(type_, Literal):
        return Kind.UNIT if type_.value is None else Kind.SCALAR
    if isinstance(type_, Union):
        result = Kind(0)
        for member in type_.types:
            result |= kinds(member, schema, _depth + 1)
        return result
    if isinstance(type_, Optional | Default | Deprecated | Flatten):
        return kinds(type_.inner, schema, _depth + 1)
    if isinstance(type_, OneOf):
        return kinds(type_.base, schema, _depth + 1)
    return _KINDS.get(type(type_), Kind.SCALAR)


#: Deeper than any schema a person writes; only a circle of aliases gets here.
_MAX_ALIAS_DEPTH = 64


# The schema file.


@dataclass(eq=False, slots=True)
class Meta:
    """The ``meta`` block (schema[schema.file], schema[schema.meta.version])."""

    id: str
    version: datetime.date | None
    description: str | None = None
    span: Span | None = None


@dataclass(eq=False, slots=True)
class Import:
    """One ``imports`` entry: a namespace and where its schema lives."""

    namespace: str
    location: str
    span: Span | None = None
    #: The loaded schema; None until (or unless) it could be loaded.
    schema: Schema | None = None


@dataclass(eq=False, slots=True)
class Schema:
    """A loaded schema: the root type (key ``@``), the named types, the
    imported schemas, and the text it was read from."""

    root: Type | None
    types: dict[str, Type] = field(default_factory=dict)
    meta: Meta | None = None
    imports: dict[str, Import] = field(default_factory=dict)
    origin: Origin = field(default_factory=lambda: Origin(""))
    #: Where each named type's key was written (go-to-definition).
    definitions: dict[str, Span] = field(default_factory=dict)
    #: Each named type's ``///`` comment.
    docs: dict[str, str] = field(default_factory=dict)
    #: Compiled checkers, filled by `styx.schema.validate` on first use.
    cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def filename(self) -> str | None:
        return self.origin.filename

    def lookup(self, ref: Ref) -> tuple[Schema, Type] | None:
        """The schema that defines a reference, and its definition; None if undefined.

        ``@ns.Name`` is looked up in the schema imported as ``ns``, and a
        name with more dots goes on through that schema's own imports.
        """
        if ref.namespace is None:
            found = self.types.get(ref.name)
            return None if found is None else (self, found)
        imported = self.imports.get(ref.namespace)
        if imported is None or imported.schema is None:
            return None
        namespace, dot, name = ref.name.partition(".")
        inner = Ref(name=name, namespace=namespace) if dot else Ref(name=ref.name)
        return imported.schema.lookup(inner)

    def resolve(self, type_: Type) -> tuple[Schema, Type] | None:
        """Follow references until a type that is not one; None when a
        reference is undefined or the aliases go round in a circle."""
        schema: Schema = self
        seen: set[tuple[int, str]] = set()
        while isinstance(type_, Ref):
            key = (id(schema), type_.qualified)
            if key in seen:
                return None
            seen.add(key)
            found = schema.lookup(type_)
            if found is None:
                return None
            schema, type_ = found
        return schema, type_
