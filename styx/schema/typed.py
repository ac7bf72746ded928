"""Typed loading: one Python definition gives both the loader and the schema.

    @dataclass
    class Server:
        host: str
        port: int = 8080

    server = styx.load("host localhost", into=Server)
    print(styx.schema_for(Server, id="crate:server@1", cli="server"))

`schema_for` writes the Styx schema of a dataclass (field docs from
``field(metadata={"doc": ...})`` become ``///`` comments, class docstrings
document named types); `load` validates a document against that very schema,
so loading and ``styx check`` report the same diagnostics, then builds the
instance. The mapping:

    str, int, float, bool        @string, @int, @float, @bool
    None                         @unit
    Any / object                 @any
    datetime.date / datetime     @date / @datetime (RFC 3339)
    datetime.timedelta           @duration (30s, 1h30m)
    bytes                        @bytes (hex, or base64: prefix)
    X | None                     @optional(@X)
    a field with a default       @default(value @X)
    list[X], tuple[X, ...]       @seq(@X)
    tuple[X, Y]                  @tuple(@X @Y)
    dict[K, V]                   @map(@K @V)
    Literal["a", "b"]            @one-of(@string (a b))
    enum.Enum                    @enum{...} of its values: written @value
    a dataclass                  a named type @Name
    A | B of dataclasses         @enum{a @A, b @B}: written @a{...}; the tag is
                                 the class's ``styx_tag`` or its snake_case name
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from styx.syntax import write

_PRIMITIVES: dict[object, str] = {
    str: "@string",
    int: "@int",
    float: "@float",
    bool: "@bool",
    type(None): "@unit",
    object: "@any",
    typing.Any: "@any",
    datetime.datetime: "@datetime",
    datetime.date: "@date",
    datetime.timedelta: "@duration",
    bytes: "@bytes",
}

_INDENT = "    "


class SchemaWriteError(TypeError):
    """A Python type that has no Styx schema (a set, a callable, ...)."""


def variant_tag(cls: type) -> str:
    """The tag that selects a dataclass among the variants of a union."""
    tag = getattr(cls, "styx_tag", None)
    if isinstance(tag, str):
        return tag
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def is_optional(tp: object) -> bool:
    return type(None) in (union_members(tp) or ())


def union_members(tp: object) -> tuple[object, ...] | None:
    """The members of ``X | Y`` or ``Union[X, Y]``; None for any other type."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    return None


def schema_for(
    cls: type,
    *,
    id: str | None = None,
    cli: str | None = None,
    version: str | None = None,
    description: str | None = None,
) -> str:
    """The Styx schema file of a dataclass, as text.

    ``id`` goes into ``meta``; with ``cli`` too, a leading comment shows the
    ``@schema {id ..., cli ...}`` line documents use to declare the schema.
    ``version`` (datever, default today) and ``description`` go into ``meta``.
    """
    if not dataclasses.is_dataclass(cls):
        raise SchemaWriteError(f"{cls!r} is not a dataclass")
    writer = _Writer()
    root = writer.object_body(cls, 2)
    meta = [f"id {write.scalar(id or cls.__name__)}"]
    meta.append(f"version {version or datetime.date.today().isoformat()}")
    about = description or _doc(cls)
    if about:
        meta.append(f"description {write.quote(about)}")
    lines = []
    if id and cli:
        lines += [f"// Documents declare this schema with: @schema {{id {id}, cli {cli}}}", ""]
    lines += ["meta {", *(_INDENT + line for line in meta), "}", "", "schema {"]
    lines += _doc_lines(_doc(cls), 1)
    lines.append(f"{_INDENT}@ @object{{")
    lines += root
    lines.append(f"{_INDENT}}}")
    for name, (doc, body) in writer.named.items():
        lines.append("")
        lines += _doc_lines(doc, 1)
        lines.append(f"{_INDENT}{name} {body[0]}")
        lines += body[1:]
    lines.append("}")
    return "\n".join(lines) + "\n"


class _Writer:
    """Collects the named types a root dataclass needs while writing it."""

    def __init__(self) -> None:
        self.named: dict[str, tuple[str | None, list[str]]] = {}

    def object_body(self, cls: type, depth: int) -> list[str]:
        hints = typing.get_type_hints(cls)
        lines: list[str] = []
        for field in dataclasses.fields(cls):
            if not field.init:
                continue
            doc = field.metadata.get("doc") if isinstance(field.metadata, Mapping) else None
            lines += _doc_lines(doc, depth)
            expr = self.expr(hints[field.name])
            default = _default_of(field)
            if default is not _MISSING:
                literal = _literal(default)
                if literal is not None:
                    expr = f"@default({literal} {self.expr(_strip_none(hints[field.name]))})"
                elif not is_optional(hints[field.name]):
                    expr = f"@optional({expr})"
            lines.append(f"{_INDENT * depth}{write.key(field.name)} {expr}")
        return lines

    def expr(self, tp: object) -> str:
        if tp in _PRIMITIVES:
            return _PRIMITIVES[tp]
        members = union_members(tp)
        if members is not None:
            present = [m for m in members if m is not type(None)]
            inner = self.expr(present[0]) if len(present) == 1 else self._union(present)
            return f"@optional({inner})" if len(present) < len(members) else inner
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is typing.Literal:
            values = " ".join(write.scalar(str(a)) for a in args)
            return f"@one-of(@string ({values}))"
        if origin in (list, set, frozenset) or (origin is tuple and args[1:] == (Ellipsis,)):
            return f"@seq({self.expr(args[0] if args else Any)})"
        if origin is tuple:
            return "@tuple(" + " ".join(self.expr(a) for a in args) + ")"
        if origin is dict:
            key, value = args or (str, Any)
            return f"@map({self.expr(key)} {self.expr(value)})"
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return "@enum{" + ", ".join(str(m.value) for m in tp) + "}"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._named(tp)
        raise SchemaWriteError(f"no Styx schema for the Python type {tp!r}")

    def _union(self, members: list[object]) -> str:
        if all(isinstance(m, type) and dataclasses.is_dataclass(m) for m in members):
            variants = []
            for member in members:
                assert isinstance(member, type)
                has_fields = bool(dataclasses.fields(member))
                tag = variant_tag(member)
                variants.append(f"{tag} {self._named(member)}" if has_fields else tag)
            return "@enum{" + ", ".join(variants) + "}"
        return "@union(" + " ".join(self.expr(m) for m in members) + ")"

    def _named(self, cls: type) -> str:
        name = cls.__name__
        if name not in self.named:
            self.named[name] = (None, [])  # reserve first: recursive types refer to themselves
            body = self.object_body(cls, 2)
            self.named[name] = (_doc(cls), ["@object{", *body, f"{_INDENT}}}"])
        return f"@{name}"


_MISSING = object()


def _default_of(field: dataclasses.Field[Any]) -> object:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return _MISSING


def _literal(value: object) -> str | None:
    """A default as a Styx scalar, or None when it has no scalar form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return write.scalar(str(value))
    if isinstance(value, enum.Enum):
        return f"@{value.value}"
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    return None


def _duration(value: datetime.timedelta) -> str:
    seconds = value.total_seconds()
    if seconds == int(seconds):
        whole = int(seconds)
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if whole and whole % size == 0:
                return f"{whole // size}{unit}"
        return f"{whole}s"
    return f"{round(seconds * 1000)}ms"


def _strip_none(tp: object) -> object:
    members = union_members(tp)
    if members is None:
        return tp
    present = tuple(m for m in members if m is not type(None))
    return present[0] if len(present) == 1 else typing.Union[present]  # noqa: UP007


def _doc(cls: type) -> str | None:
    doc = cls.__doc__
    if not doc or doc.startswith(f"{cls.__name__}("):  # dataclasses invent a signature
        return None
    return " ".join(doc.split())


def _doc_lines(doc: object, depth: int) -> list[str]:
    if not isinstance(doc, str) or not doc:
        return []
    return [f"{_INDENT * depth}/// {line}".rstrip() for line in doc.splitlines()]
