"""Which column type changes keep every value.

A type change is destructive unless it is known to widen, so this is the
one place that decides whether `dibs.schema.diff` warns about one.
"""

from __future__ import annotations

import re

#: Type changes that keep every value, when the new type has no modifier
#: (``numeric``, not ``numeric(5,2)``); the old type's modifier, if any, does
#: not matter.
_WIDENINGS: frozenset[tuple[str, str]] = frozenset(
    {
        ("smallint", "integer"),
        ("smallint", "bigint"),
        ("integer", "bigint"),
        ("smallint", "numeric"),
        ("integer", "numeric"),
        ("bigint", "numeric"),
        ("smallint", "real"),
        ("smallint", "double precision"),
        ("integer", "double precision"),
        ("real", "double precision"),
        ("character varying", "text"),
        ("text", "character varying"),
    }
)
#: Types whose modifier bounds the values: a larger one (or none) keeps them all.
_GROWABLE = frozenset({"character varying", "numeric"})
_MODIFIED = re.compile(r"(?P<base>[a-z ]+)\((?P<args>\d+(?:,\d+)?)\)")


def is_widening(old: str, new: str) -> bool:
    """Whether every value of type ``old`` converts to ``new`` unchanged (the
    types as ``format_type()`` prints them). False when unsure: a type change
    that is not known to be safe is reported as destructive."""
    if old.endswith("[]") and new.endswith("[]"):
        return is_widening(old[:-2], new[:-2])
    old_base, old_args = _modifiers(old)
    new_base, new_args = _modifiers(new)
    if old_base == new_base and old_base in _GROWABLE:
        return _has_room(old_base, old_args, new_args)
    return (old_base, new_base) in _WIDENINGS and not new_args


def _modifiers(type_: str) -> tuple[str, tuple[int, ...]]:
    found = _MODIFIED.fullmatch(type_)
    if found is None:
        return type_, ()
    return found["base"], tuple(int(arg) for arg in found["args"].split(","))


def _has_room(base: str, old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    if not new:
        return True
    if not old:
        return False
    if base == "numeric":
        old_precision, old_scale = old[0], old[1] if len(old) > 1 else 0
        new_precision, new_scale = new[0], new[1] if len(new) > 1 else 0
        return new_scale >= old_scale and new_precision - new_scale >= old_precision - old_scale
    return new[0] >= old[0]
