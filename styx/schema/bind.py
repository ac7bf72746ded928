"""Building Python values from a validated document, guided by type hints.

`styx.schema.typed.load` validates first, against the schema `schema_for`
writes for the same type, so every shape mismatch has already been reported
as a diagnostic; binding only converts text into values (through
`styx.schema.scalars`, the same interpretation the validator uses). Should
the two ever disagree, binding raises `BindError` with the span rather than
building a wrong object.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import typing
from collections.abc import Callable
from typing import Any

from styx.schema import scalars
from styx.schema.typed import union_members, variant_tag
from styx.source import Span
from styx.syntax.merge import merged_entries
from styx.syntax.tree import Object, Scalar, Sequence, Tagged, Unit, Value

_SCALARS: dict[object, Callable[[Scalar], Any]] = {
    str: lambda s: s.text,
    int: lambda s: scalars.parse_int(s.text),
    float: lambda s: scalars.parse_float(s.text, special=True),
    bool: lambda s: scalars.parse_bool(s.text),
    datetime.datetime: lambda s: scalars.parse_datetime(s.text, allow_space=s.kind != "bare"),
    datetime.date: lambda s: scalars.parse_date(s.text),
    datetime.timedelta: lambda s: scalars.parse_duration(s.text),
    bytes: lambda s: scalars.parse_bytes(s.text),
}


class BindError(ValueError):
    """A value the validator accepted but that does not fit the Python type."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.span = span


def bind(value: Value | None, tp: object) -> Any:
    """The Python value of a (validated) Styx value for the type ``tp``;
    ``None`` stands for an absent value."""
    if tp is Any or tp is object:
        return value
    members = union_members(tp)
    if members is not None:
        return _bind_union(value, tp, members)
    if value is None or isinstance(value, Unit):
        if tp is type(None) or value is None:
            return None
        raise BindError(f"expected {_name(tp)}, found @", value.span)
    if tp in _SCALARS:
        return _bind_scalar(value, tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        text = _scalar(value).text
        for option in args:
            if str(option) == text:
                return option
        raise BindError(f"{text!r} is not one of {args}", value.span)
    if origin in (list, set, frozenset) or (origin is tuple and args[1:] == (Ellipsis,)):
        items = [bind(item, args[0] if args else Any) for item in _sequence(value).items]
        return items if origin is list else (origin or list)(items)
    if origin is tuple:
        items = _sequence(value).items
        return tuple(bind(item, arg) for item, arg in zip(items, args, strict=True))
    if origin is dict:
        key_type, value_type = args or (str, Any)
        return {
            bind(entry.key, key_type): bind(entry.value, value_type)
            for entry in merged_entries(_object(value))
        }
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(_tagged(value).name)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _bind_dataclass(_object(value), tp)
    raise BindError(f"no Styx binding for the Python type {tp!r}", value.span)


def _bind_scalar(value: Value, tp: object) -> Any:
    scalar = _scalar(value)
    try:
        return _SCALARS[tp](scalar)
    except scalars.ScalarError as error:
        raise BindError(f"{error.reason}", scalar.span) from None


def _bind_union(value: Value | None, tp: object, members: tuple[object, ...]) -> Any:
    present = [m for m in members if m is not type(None)]
    if (value is None or isinstance(value, Unit)) and len(present) < len(members):
        return None
    if len(present) == 1:
        return bind(value, present[0])
    if value is None:
        raise BindError(f"a value of {_name(tp)} is required", Span(0, 0))
    if all(isinstance(m, type) and dataclasses.is_dataclass(m) for m in present):
        tagged = _tagged(value)
        for member in present:
            assert isinstance(member, type)
            if variant_tag(member) == tagged.name:
                payload = tagged.payload
                if payload is None:
                    return member()
                return _bind_dataclass(_object(payload), member)
        raise BindError(f"@{tagged.name} is not a variant of {_name(tp)}", tagged.span)
    for member in present:  # a plain union: the first member the value fits
        try:
            return bind(value, member)
        except (BindError, scalars.ScalarError):
            continue
    raise BindError(f"the value fits none of {_name(tp)}", value.span)


def _bind_dataclass(obj: Object, cls: type) -> Any:
    hints = typing.get_type_hints(cls)
    given = {
        entry.key.text: entry.value
        for entry in merged_entries(obj)
        if isinstance(entry.key, Scalar)
    }
    arguments = {}
    for field in dataclasses.fields(cls):
        if field.init and field.name in given:
            arguments[field.name] = bind(given[field.name], hints[field.name])
        elif field.init and _required(field):
            arguments[field.name] = bind(None, hints[field.name])
    return cls(**arguments)


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _name(tp: object) -> str:
    return getattr(tp, "__name__", None) or str(tp)


_V = typing.TypeVar("_V", bound=Value)


def _expect(value: Value, kind: type[_V], what: str) -> _V:
    if isinstance(value, kind):
        return value
    raise BindError(f"expected {what}", value.span)


def _scalar(value: Value) -> Scalar:
    return _expect(value, Scalar, "a scalar")


def _sequence(value: Value) -> Sequence:
    return _expect(value, Sequence, "a sequence")


def _object(value: Value) -> Object:
    return _expect(value, Object, "an object")


def _tagged(value: Value) -> Tagged:
    return _expect(value, Tagged, "a tag such as @name")
