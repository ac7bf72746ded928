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
* The garbage collector is paused during the conversion, as `styx.parse`
  and the JSON conversion pause it: otherwise it walks every live object of
  a large tree again and again, which costs more than the conversion.
* The walk is an explicit stack, not a recursion, so a document nested
  thousands of levels deep (which the parser accepts) converts instead of
  overflowing the interpreter's stack.
* The scalar hook is the one `styx.schema.typed_json.scalar_converter`
  offers, so ``loads(text, schema=...)`` types ints, floats and bools exactly
  as ``styx to-json --schema`` does.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def collection_paused() -> Iterator[None]:
    """Many small dicts and lists, no cycles: a garbage collection meanwhile
    would walk the whole (large) tree again and again for nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def to_data(node: Document | Value, *, scalar: ScalarHook | None = None) -> Any:
    """The plain data of a document (without its ``@schema`` directive) or of a value."""
    root = node.data if isinstance(node, Document) else node
    result: list[Any] = [None]
    # Work items (node, container, key): each node's data is stored into its
    # container when it is taken off the stack. Containers (and the payload
    # container of a tag) are made before their contents, so no item waits
    # for another and no recursion is needed.
    stack: list[tuple[Value, Any, Any]] = [(root, result, 0)]
    with collection_paused():
        while stack:
            value, container, key = stack.pop()
            names: list[str] = []
            while isinstance(value, TaggedNode):  # a chain @a/@b/... unwinds here
                names.append(value.name)
                payload = value.payload
                if payload is None:
                    break
                value = payload
            if isinstance(value, TaggedNode):
                data: Any = None
            elif isinstance(value, Scalar):
                data = value.text if scalar is None else scalar(value, None)
            elif isinstance(value, Unit):
                data = None
            elif isinstance(value, Object):
                data = {}
                pending = []
                for entry in merged_entries(value):
                    name = key_data(entry.key)
                    data[name] = None  # keeps document order
                    pending.append((entry.value, data, name))
                stack.extend(reversed(pending))
            elif isinstance(value, Sequence):
                data = [None] * len(value.items)
                stack.extend((item, data, i) for i, item in reversed(list(enumerate(value))))
            else:  # pragma: no cover - the five node classes are all handled above
                raise DataError(f"not a styx value: {value!r}")
            for name in reversed(names):
                data = Tagged(name, data)
            container[key] = data
    return result[0]
