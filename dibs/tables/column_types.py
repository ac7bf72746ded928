"""Column types: Python hints mapped to PostgreSQL types, and types written
in SQL normalised, both spelled the way ``format_type()`` prints them.

That spelling is what introspection reads back from a live database, so a
definition and the database compare with ``==``.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import re
import types
import typing
import uuid
from typing import Final

from dibs.schema.model import EnumType
from dibs.tables.errors import definition_error
from dibs.tables.located import class_doc, locate
from dibs.tables.markers import Json
from dibs.tables.names import MAX_NAME_BYTES, check_name_length, snake

#: Python types and the PostgreSQL types they become, as ``format_type()``
#: prints them (`dict` and `list` are handled with their parameters).
PG_TYPES: Final[dict[object, str]] = {
    int: "bigint",
    str: "text",
    bool: "boolean",
    float: "double precision",
    decimal.Decimal: "numeric",
    datetime.datetime: "timestamp with time zone",
    datetime.date: "date",
    datetime.time: "time without time zone",
    datetime.timedelta: "interval",
    uuid.UUID: "uuid",
    bytes: "bytea",
}


def unwrap(hint: object) -> tuple[object, bool, tuple[object, ...]]:
    """``hint`` without ``Optional``, ``Annotated`` and `typing.NewType`
    around it; whether it allowed None; the ``Annotated`` metadata. A union
    of several types comes back as it was, for the caller to refuse."""
    nullable = False
    markers: list[object] = []
    while True:
        if typing.get_origin(hint) is typing.Annotated:
            markers += getattr(hint, "__metadata__", ())
            hint = getattr(hint, "__origin__", hint)
        elif isinstance(hint, typing.NewType):
            hint = hint.__supertype__
        elif (members := union_members(hint)) is not None:
            present = [m for m in members if m is not type(None)]
            nullable = nullable or len(present) < len(members)
            if len(present) != 1:
                return hint, nullable, tuple(markers)
            hint = present[0]
        else:
            return hint, nullable, tuple(markers)


def union_members(hint: object) -> tuple[object, ...] | None:
    """The members of ``X | Y`` or ``Union[X, Y]`` (both spellings), or None
    for a hint that is not a union."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(hint)
    return None


def map_type(
    hint: object, markers: tuple[object, ...]
) -> tuple[str, type[enum.Enum] | None] | None:
    """The PostgreSQL type for a hint, and the enum class it needs created."""
    for marker in markers:
        if isinstance(marker, Json):
            return marker.type, None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_name(hint), hint
    known = PG_TYPES.get(hint)
    if known is not None:
        return known, None
    origin = typing.get_origin(hint)
    if hint is dict or origin is dict:
        return "jsonb", None
    if origin is list:
        element, _, element_markers = unwrap(typing.get_args(hint)[0])
        inner = map_type(element, element_markers)
        if inner is None:
            return None
        name, enum_class = inner
        # PostgreSQL arrays have any number of dimensions under one type.
        return (name if name.endswith("[]") else f"{name}[]"), enum_class
    return None


def _enum_name(cls: type[enum.Enum]) -> str:
    return str(getattr(cls, "__pg_name__", None) or snake(cls.__name__))


def enum_type(cls: type[enum.Enum]) -> EnumType:
    """The PostgreSQL enum type an `enum.Enum` becomes, its values as labels;
    refused here when PostgreSQL would refuse a name or label."""
    located = locate(cls)
    name = _enum_name(cls)
    check_name_length(located.where, "enum type", name)
    values = tuple(str(member.value) for member in cls)
    for value in values:
        if len(value.encode()) > MAX_NAME_BYTES:
            raise definition_error(
                located.where,
                f"enum {cls.__qualname__}: value {value!r} is over {MAX_NAME_BYTES} bytes,"
                " which PostgreSQL refuses as an enum label",
            )
    return EnumType(name, values, class_doc(cls, located), located.source)


def hint_text(hint: object) -> str:
    """A hint as an error message names it: a class by its name."""
    return hint.__qualname__ if isinstance(hint, type) else repr(hint)


#: Type names PostgreSQL accepts and the name ``format_type()`` prints for
#: them, split where a length or precision goes (``timestamp(3) with time
#: zone``).
_TYPE_ALIASES: Final[dict[str, tuple[str, str]]] = {
    "int": ("integer", ""),
    "int4": ("integer", ""),
    "integer": ("integer", ""),
    "int8": ("bigint", ""),
    "bigint": ("bigint", ""),
    "int2": ("smallint", ""),
    "smallint": ("smallint", ""),
    "float8": ("double precision", ""),
    "double precision": ("double precision", ""),
    "float4": ("real", ""),
    "real": ("real", ""),
    "bool": ("boolean", ""),
    "boolean": ("boolean", ""),
    "decimal": ("numeric", ""),
    "numeric": ("numeric", ""),
    "char": ("character", ""),
    "character": ("character", ""),
    "varchar": ("character varying", ""),
    "char varying": ("character varying", ""),
    "character varying": ("character varying", ""),
    "varbit": ("bit varying", ""),
    "bit varying": ("bit varying", ""),
    "timestamptz": ("timestamp", " with time zone"),
    "timestamp with time zone": ("timestamp", " with time zone"),
    "timestamp": ("timestamp", " without time zone"),
    "timestamp without time zone": ("timestamp", " without time zone"),
    "timetz": ("time", " with time zone"),
    "time with time zone": ("time", " with time zone"),
    "time": ("time", " without time zone"),
    "time without time zone": ("time", " without time zone"),
}
#: Types whose length PostgreSQL fills in when none is written.
_DEFAULT_LENGTH: Final = {"character": "1", "bit": "1"}
_SERIALS: Final = {"smallserial", "serial2", "serial", "serial4", "bigserial", "serial8"}
_TYPE_SYNTAX = re.compile(
    r"(?P<name>[a-z_][\w$. ]*?)\s*(?:\((?P<args>[^()]*)\)\s*(?P<tail>[a-z ]*?))?"
    r"\s*(?P<array>(?:\[\s*\d*\s*\]\s*)*)"
)


def normalize_type(text: str) -> str:
    """A type as written in SQL (``VARCHAR(80)``, ``timestamptz``, ``int[]``)
    the way PostgreSQL's ``format_type()`` prints it (``character
    varying(80)``, ``timestamp with time zone``, ``integer[]``), so that a
    definition compares equal to what introspection reads back. Names it
    does not know (extension types, enums) pass through in lower case.

    Raises `ValueError` for ``serial`` and its kin: they are not types but
    a shorthand for an integer with a sequence, which is ``identity=``.
    """
    lowered = " ".join(text.lower().split())
    if not lowered:
        raise ValueError("the type is empty")
    found = _TYPE_SYNTAX.fullmatch(lowered)
    if found is None:
        return lowered
    name, args, tail = found["name"], found["args"], found["tail"] or ""
    array = "[]" if found["array"] else ""
    if args is not None:
        args = "".join(args.split())
    full = f"{name} {tail}".strip()
    if full in _SERIALS:
        raise ValueError(
            f"{full} is not a type but an integer with a sequence;"
            " use an integer type with column(identity='by default') instead"
        )
    if full == "float":
        # float(p) is real up to 24 bits of precision, double precision above.
        bits = int(args) if args and args.isdigit() else 53
        return ("real" if bits <= 24 else "double precision") + array
    if full in _TYPE_ALIASES:
        head, suffix = _TYPE_ALIASES[full]
    else:
        head, suffix = name, f" {tail}" if tail else ""
    if args is None:
        args = _DEFAULT_LENGTH.get(head)
    return f"{head}{f'({args})' if args is not None else ''}{suffix}{array}"
