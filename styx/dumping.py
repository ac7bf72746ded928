"""`styx.dumps` / `styx.dump`: Python objects written as Styx text.

The shapes `json.dumps` and `tomli_w.dumps` take, plus what configuration
holds: ``dict`` (keys ``str``, ``None`` for the unit key, `Tagged` for a tag
key), ``list``/``tuple``, ``str``, ``None`` (unit, ``@``), `Tagged`, ``bool``,
``int``, ``float``, dataclasses (fields in order; ``field(metadata={"doc":
...})`` and class docstrings become ``///`` doc comments), enums (``@value``,
as typed loading reads them), and ``datetime``/``date``/``time``/
``timedelta``/``Decimal``/``UUID``/``Path``/``bytes`` as the text the typed
loader parses back. The top level is a ``dict`` or a dataclass: a Styx
document is an object.

Design points, each with the failure it prevents:

* The layout is not decided here: the text is written plainly and run
  through `styx.format.format_source`, so the output is whatever the
  formatter's canonical layout is (a fixed point of ``styx fmt``), now and
  after the formatter's rules change.
* Every string is written in the first form that reads back to exactly the
  same text: bare, then a heredoc for multi-line text that ends with a
  newline, then a raw string for text with quotes or backslashes, then a
  quoted string with escapes, which holds anything. Choosing by the text
  alone, never by what it looks like, keeps ``"8080"`` a string.
* A dataclass field is written by its declared type where the value alone
  is ambiguous: a member of a union of dataclasses becomes ``@variant{...}``,
  the form `styx.load(..., into=...)` expects. ``None`` in an optional field
  whose default is ``None`` is left out (loading gives it back).
* The walk is an explicit stack of generators, not a recursion, and a
  container met again inside itself is a `ValueError`, as in `json.dumps`:
  deep data must not overflow the interpreter's stack, cyclic data must not
  loop.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import os
import re
import typing
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePath
from typing import IO, Any

from styx.convert.data import Tagged
from styx.schema.typed import union_members, variant_tag
from styx.syntax import write

__all__ = ["dump", "dumps", "scalar_text"]

_TAG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: A tag name stops in front of ``r#"`` (grammar/styx.lark's TAG): such a
#: name would swallow part of a raw payload.
_RAW_IN_NAME = re.compile(r'r#+"')


def valid_tag_name(name: str) -> bool:
    return bool(_TAG_NAME.fullmatch(name)) and not _RAW_IN_NAME.search(name + '"')


def _heredoc(text: str) -> str | None:
    """``text`` as a heredoc, or None when one cannot hold it exactly."""
    if not text.endswith("\n") or not _printable_lines(text[:-1]):
        return None
    delimiter = "EOF"
    number = 0
    while delimiter in text:
        number += 1
        delimiter = f"EOF{number}"
    return f"<<{delimiter}\n{text}{delimiter}"


def _printable_lines(text: str) -> bool:
    return all(line.replace("\t", " ").isprintable() for line in text.split("\n"))


def _raw(text: str) -> str | None:
    """``text`` as ``r#"..."#`` with as few hashes as it needs, for one-line
    printable text."""
    if "\n" in text or "\r" in text or not text.replace("\t", " ").isprintable():
        return None
    hashes = 1
    while '"' + "#" * hashes in text:
        hashes += 1
    fence = "#" * hashes
    return f'r{fence}"{text}"{fence}'


def scalar_text(text: str, *, delimited: bool = False, one_line: bool = False) -> str:
    """``text`` as a Styx scalar token that reads back as exactly ``text``.

    ``delimited`` asks for a form with delimiters, which a tag payload needs
    (a bare scalar cannot be tagged); ``one_line`` rules out a heredoc, which
    a key cannot be.
    """
    if not delimited:
        bare = write.scalar(text)
        if not bare.startswith('"'):
            return bare
    if "\n" in text and not one_line:
        heredoc = _heredoc(text)
        if heredoc is not None:
            return heredoc
    elif '"' in text or "\\" in text:
        raw = _raw(text)
        if raw is not None:
            return raw
    return write.quote(text)


def _duration(value: datetime.timedelta) -> str:
    if value < datetime.timedelta(0):
        raise ValueError(f"a Styx duration cannot be negative: {value!r}")
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if micros == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000)):
        if micros >= size:
            parts.append(f"{micros // size}{unit}")
            micros %= size
    seconds, rest = divmod(micros, 1_000_000)
    if seconds:
        parts.append(f"{seconds}s")
    if rest:
        parts.append(f"{rest // 1000}ms" if rest % 1000 == 0 else f"{rest}us")
    return "".join(parts)


def _atom_text(value: Any) -> str | None:
    """The text of a value written as one scalar, or None for other values."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, decimal.Decimal | uuid.UUID | PurePath):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex() if value else "base64:"
    return None


def _enum_tag(value: enum.Enum) -> str | None:
    tag = value.value
    return tag if isinstance(tag, str) and valid_tag_name(tag) else None


def _key(key: Any) -> str:
    if key is None:
        return "@"
    if isinstance(key, Tagged):
        if not valid_tag_name(key.tag):
            raise ValueError(f"not a valid tag name: {key.tag!r}")
        if key.value is None:
            return "@" + key.tag
        text = _atom_text(key.value)
        if text is None:
            raise TypeError(f"a tag key's payload must be a scalar, not {type(key.value).__name__}")
        return "@" + key.tag + scalar_text(text, delimited=True, one_line=True)
    if isinstance(key, enum.Enum):
        key = key.value
    text = _atom_text(key)
    if text is None:
        raise TypeError(f"keys must be str, None or Tagged, not {type(key).__name__}")
    if "\n" in text or "\r" in text:
        return write.quote(text)
    return write.key(text)


def _doc_lines(doc: object) -> list[str]:
    if not isinstance(doc, str) or not doc.strip():
        return []
    return [f"/// {line.strip()}".rstrip() for line in doc.strip().splitlines()]


def _class_doc(cls: type) -> str | None:
    doc = cls.__doc__
    if not doc or doc.startswith(f"{cls.__name__}("):  # dataclasses invent a signature
        return None
    return doc


def _is_variant_union(tp: object) -> tuple[type, ...] | None:
    members = union_members(tp)
    if members is None:
        return None
    present = [m for m in members if m is not type(None)]
    if len(present) < 2:
        return None
    if all(isinstance(m, type) and dataclasses.is_dataclass(m) for m in present):
        return tuple(typing.cast(type, m) for m in present)
    return None


def _strip_optional(tp: object) -> object:
    members = union_members(tp)
    if members is None:
        return tp
    present = [m for m in members if m is not type(None)]
    return present[0] if len(present) == 1 else tp


class _Writer:
    """Writes one value; each handler is a generator that yields text or,
    for a child value, a ``(value, type)`` pair the driver writes in place."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.active: set[int] = set()

    def run(self, root: Any) -> str:
        from styx.convert.data import collection_paused

        with collection_paused():
            self._drive(root)
        return "".join(self.out)

    def _drive(self, root: Any) -> None:
        out = self.out
        stack: list[Iterator[Any]] = [self.document(root)]
        depth = 0
        while stack:
            item: Any = next(stack[-1], _DONE)
            if item is _DONE:
                stack.pop()
                continue
            if isinstance(item, tuple):
                value, tp = item
                if type(value) is not str or tp is not None:
                    stack.append(self.value(value, tp))
                    continue
                item = scalar_text(value)  # the common case, without a generator
            if isinstance(item, str):
                if item.startswith("<<") and depth:
                    item = _indented(item, _INDENT * depth)
                out.append(item)
            elif isinstance(item, _Leave):
                self.active.discard(item.ident)
            else:
                depth += item

    def _enter(self, value: Any) -> Iterator[Any]:
        ident = id(value)
        if ident in self.active:
            raise ValueError("circular reference: a container holds itself")
        self.active.add(ident)
        return iter(())

    def document(self, root: Any) -> Iterator[Any]:
        if dataclasses.is_dataclass(root) and not isinstance(root, type):
            doc = _class_doc(type(root))
            if doc:
                for line in doc.strip().splitlines():
                    yield f"// {line.strip()}".rstrip() + "\n"
                yield "\n"
            yield from self.entries(_fields(root))
        elif isinstance(root, Mapping):
            directive = root.get(_SCHEMA_KEY, _DONE) if _SCHEMA_KEY in root else _DONE
            if isinstance(directive, Mapping) and all(map(_one_line_atom, directive.values())):
                # The @schema directive on one line and apart, as documents write it.
                inline = ", ".join(
                    f"{_key(k)} {scalar_text(_atom_text(v) or '') if v is not None else '@'}"
                    for k, v in directive.items()
                )
                yield f"@schema {{{inline}}}\n\n"
            elif directive is not _DONE:
                yield from self.entries([(_SCHEMA_KEY, directive, None, None)])
            rest = ((k, v, None, None) for k, v in root.items() if k != _SCHEMA_KEY)
            yield from self.entries(rest)
        else:
            raise TypeError(
                f"a Styx document is an object: dumps takes a dict or a dataclass, "
                f"not {type(root).__name__}"
            )

    def entries(self, items: Any) -> Iterator[Any]:
        for key, value, tp, doc in items:
            for line in _doc_lines(doc):
                yield line + "\n"
            yield _key(key) + " "
            yield (value, tp)
            yield "\n"

    def value(self, value: Any, tp: object) -> Iterator[Any]:
        variants = _is_variant_union(tp) if tp is not None else None
        if variants is not None and isinstance(value, variants):
            yield "@" + variant_tag(type(value))
            if dataclasses.fields(typing.cast(Any, value)):
                yield from self.block(value, _fields(value))
            return
        if value is None:
            yield "@"
        elif isinstance(value, Tagged):
            yield from self.tagged(value)
        elif isinstance(value, enum.Enum):
            tag = _enum_tag(value)
            if tag is not None:
                yield "@" + tag
            else:
                yield (value.value, None)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from self.block(value, _fields(value))
        elif isinstance(value, Mapping):
            value_type = _dict_value_type(tp)
            yield from self.block(value, ((k, v, value_type, None) for k, v in value.items()))
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
            yield from self.sequence(value, _item_types(tp, len(value)))
        else:
            text = _atom_text(value)
            if text is None:
                raise TypeError(f"Object of type {type(value).__name__} has no Styx form")
            yield scalar_text(text)

    def block(self, value: Any, items: Any) -> Iterator[Any]:
        yield from self._enter(value)
        buffered = list(items)
        if not buffered:
            yield "{}"
        else:
            yield "{\n"
            yield 1
            yield from self.entries(buffered)
            yield -1
            yield "}"
        yield _Leave(id(value))

    def sequence(self, value: Any, types: list[object]) -> Iterator[Any]:
        yield from self._enter(value)
        flat = all(_flat(item) for item in value)
        yield "(" if flat else "(\n"
        yield 1
        for index, item in enumerate(value):
            if index and flat:
                yield " "
            yield (item, types[index])
            if not flat:
                yield "\n"
        yield -1
        yield ")"
        yield _Leave(id(value))

    def tagged(self, value: Tagged) -> Iterator[Any]:
        while True:  # a chain @a/@b/@c is a loop, not a recursion
            if not valid_tag_name(value.tag):
                raise ValueError(f"not a valid tag name: {value.tag!r}")
            yield "@" + value.tag
            payload = value.value
            if not isinstance(payload, Tagged):
                break
            yield "/"
            value = payload
        if payload is None:
            return
        text = None if isinstance(payload, enum.Enum) else _atom_text(payload)
        if text is not None:
            token = scalar_text(text, delimited=True)
            if value.tag.endswith("r") and token.startswith('"'):
                # `@color"red"` is `@colo` with a raw string to the reference
                # parser; `@colorr#"red"#` reads alike (spec decision 8).
                token = _raw(text) or token
            yield token
        elif isinstance(payload, Mapping | Sequence) or dataclasses.is_dataclass(payload):
            yield (payload, None)
        else:
            raise TypeError(f"a tag's payload cannot be {type(payload).__name__}")


def _one_line_atom(value: Any) -> bool:
    if value is None:
        return True
    text = None if isinstance(value, enum.Enum) else _atom_text(value)
    return text is not None and "\n" not in text


_INDENT = "    "


def _indented(heredoc: str, indent: str) -> str:
    """A heredoc whose content and closing line sit at ``indent`` (the
    closing line's indentation is stripped from the content on reading, and
    the formatter keeps a heredoc's lines as written)."""
    head, _, rest = heredoc.partition("\n")
    lines = rest.splitlines(keepends=True)
    return head + "\n" + "".join(line if line == "\n" else indent + line for line in lines)


def _flat(item: Any) -> bool:
    """Whether an item is written on one line (a sequence of such stays inline)."""
    while isinstance(item, Tagged):
        item = item.value
    if item is None or isinstance(item, enum.Enum):
        return True
    text = _atom_text(item)
    return text is not None and "\n" not in text


class _Leave:
    __slots__ = ("ident",)

    def __init__(self, ident: int) -> None:
        self.ident = ident


_DONE: Any = object()
_SCHEMA_KEY = Tagged("schema")


def _dict_value_type(tp: object) -> object:
    tp = _strip_optional(tp)
    if typing.get_origin(tp) is dict:
        args = typing.get_args(tp)
        return args[1] if len(args) == 2 else None
    return None


def _item_types(tp: object, count: int) -> list[object]:
    tp = _strip_optional(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list and args:
        return [args[0]] * count
    if origin is tuple and args:
        if args[1:] == (Ellipsis,):
            return [args[0]] * count
        if len(args) == count:
            return list(args)
    return [None] * count


def _fields(instance: Any) -> Iterator[tuple[str, Any, object, object]]:
    """(name, value, declared type, doc) of each field the loader reads."""
    cls = type(instance)
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(instance):
        if not field.init:
            continue
        value = getattr(instance, field.name)
        tp = hints.get(field.name)
        if value is None and _omittable(field):
            continue
        doc = field.metadata.get("doc") if isinstance(field.metadata, Mapping) else None
        if doc is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            doc = _class_doc(type(value))
        yield field.name, value, tp, doc


def _omittable(field: dataclasses.Field[Any]) -> bool:
    """A ``None`` the loader gives back when the field is absent."""
    if field.default is not dataclasses.MISSING:
        return field.default is None
    return field.default_factory is dataclasses.MISSING


def dumps(obj: Any, *, schema: Any = None) -> str:
    """``obj`` (a dict or a dataclass instance) as a Styx document, in the
    formatter's canonical layout.

    ``schema`` (a loaded schema, or the path of a schema file) checks the
    result: data that does not fit raises `styx.StyxValidationError`, so a
    program cannot write a configuration its readers would refuse. Types that
    have no Styx form raise `TypeError`; invalid tag names, negative
    durations and circular references raise `ValueError`, and so does data
    nested deeper than a document may be (`styx.StyxSyntaxError`, a
    `ValueError`, from the formatter's parse: the text could not be read back).
    """
    from styx.format import format_source

    text = format_source(_Writer().run(obj))
    if schema is not None:
        from styx.loading import check_against

        check_against(text, schema, filename="<dumps>")
    return text


def dump(obj: Any, fp: IO[str] | IO[bytes] | str | os.PathLike[str], *, schema: Any = None) -> None:
    """`dumps` into a file object (text or binary: UTF-8) or a path."""
    text = dumps(obj, schema=schema)
    if isinstance(fp, str | os.PathLike):
        with open(fp, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        return
    try:
        typing.cast(IO[str], fp).write(text)
    except TypeError:
        typing.cast(IO[bytes], fp).write(text.encode("utf-8"))
