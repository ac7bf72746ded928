"""Styx as plain Python data: what `styx.loads` returns without a type.

Objects are ``dict`` (in document order, contiguous dotted paths merged),
sequences ``list``, scalars ``str`` (text until a schema says otherwise),
unit ``None``, and a tag is a `Tagged` (its name and its payload's data,
``None`` for ``@ok`` and ``@ok@`` alike). Keys are ``str`` for scalar keys,
``None`` for the unit key ``@`` and `Tagged` for a tag key (``@env"PATH"``
is ``Tagged("env", "PATH")``). The root ``@schema`` entry is a directive,
not data, and is left out, as in JSON output.

Design points, each with the failure it prevents:

* `Tagged` is a frozen dataclass, hashable when its payload is: a tag key
  must be usable as a ``dict`` key, and two equal tags must compare equal
  for ``loads(dumps(x)) == x``.
* The walk is an explicit stack, not a recursion, so a document nested
  thousands of levels deep (which the parser accepts) converts instead of
  overflowing the interpreter's stack.
* The scalar hook is the one `styx.schema.typed_json.scalar_converter`
  offers, so ``loads(text, schema=...)`` types ints, floats and bools exactly
  as ``styx to-json --schema`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from styx.syntax.merge import merged_entries
from styx.syntax.tree import Document, Object, Scalar, Sequence, Unit, Value
from styx.syntax.tree import Tagged as TaggedNode

#: Decides the Python value of one scalar (the schema's seam); the path
#: argument is unused here and given as None.
ScalarHook: TypeAlias = Callable[[Scalar, Any], Any]


@dataclass(frozen=True, slots=True)
class Tagged:
    """A tagged value as data: ``@tag`` is ``Tagged("tag")``, ``@rgb(1 2 3)``
    is ``Tagged("rgb", ["1", "2", "3"])``."""

    tag: str
    value: Any = None

    def __repr__(self) -> str:
        if self.value is None:
            return f"Tagged({self.tag!r})"
        return f"Tagged({self.tag!r}, {self.value!r})"


class DataError(ValueError):
    """A document with no plain-data form: a key that is neither a scalar,
    unit nor tag (only in trees that did not parse cleanly)."""


def key_data(key: Value) -> Any:
    """The Python value of an object key."""
    if isinstance(key, Scalar):
        return key.text
    if isinstance(key, Unit):
        return None
    if isinstance(key, TaggedNode):
        payload = key.payload
        return Tagged(key.name, None if payload is None else to_data(payload))
    raise DataError("this value cannot be an object key")


def to_data(node: Document | Value, *, scalar: ScalarHook | None = None) -> Any:
    """The plain data of a document (without its ``@schema`` directive) or of a value."""
    root = node.data if isinstance(node, Document) else node
    # A work list of (node, container-setter) pairs: each result is stored
    # into its parent by the setter, so the conversion needs no recursion.
    result: list[Any] = [None]
    stack: list[tuple[Value, Callable[[Any], None]]] = [(root, lambda v: result.__setitem__(0, v))]
    while stack:
        value, store = stack.pop()
        if isinstance(value, Scalar):
            store(value.text if scalar is None else scalar(value, None))
        elif isinstance(value, Unit):
            store(None)
        elif isinstance(value, Object):
            data: dict[Any, Any] = {}
            store(data)
            pending = []
            for entry in merged_entries(value):
                key = key_data(entry.key)
                data[key] = None  # keeps document order whatever order children finish in
                pending.append((entry.value, _setter(data, key)))
            stack.extend(reversed(pending))
        elif isinstance(value, Sequence):
            items: list[Any] = [None] * len(value.items)
            store(items)
            stack.extend(
                (item, _setter(items, index)) for index, item in reversed(list(enumerate(value)))
            )
        elif isinstance(value, TaggedNode):
            payload = value.payload
            if payload is None:
                store(Tagged(value.name))
            else:
                stack.append((payload, _tag_setter(value.name, store)))
        else:  # pragma: no cover - the five node classes are all handled above
            raise DataError(f"not a styx value: {value!r}")
    return result[0]


def _setter(container: Any, key: Any) -> Callable[[Any], None]:
    def store(value: Any) -> None:
        container[key] = value

    return store


def _tag_setter(name: str, store: Callable[[Any], None]) -> Callable[[Any], None]:
    # A Tagged is frozen, so it is made once its payload is known; a payload
    # that is a dict or list is filled in place afterwards, which the frozen
    # wrapper does not mind (it holds the same object).
    def set_payload(value: Any) -> None:
        store(Tagged(name, value))

    return set_payload
