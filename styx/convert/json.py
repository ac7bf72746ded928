"""Styx to JSON and back, in the reference CLI's lossless convention.

Styx scalars are untyped text until a schema says otherwise, so by default
every scalar becomes a JSON string and nothing is guessed: ``port 8080``
gives ``{"port": "8080"}``. Unit is ``null``; a tagged value is
``{"$tag": name, "$payload": payload}``, without ``$payload`` when the tag
carries unit (``@ok`` and ``@ok@`` alike); sequences are arrays and objects
are JSON objects in key order, after contiguous dotted paths have been merged
(`styx.syntax.merge`). A schema-aware caller passes ``scalar=`` to give
scalars typed JSON values instead.

Keys: a scalar key is its text, the unit key is ``"@"``, a tag key ``@name``
(or ``@name@``) is ``"@name"``. A tag key with a scalar payload is written as
Styx spells it with a quoted payload, ``@env"PATH"``. The reference CLI has no
convention for tag keys (it prints its internal debug form), so this is ours;
it keeps distinct keys distinct except where the text collides with a scalar
key of the same object (``@`` beside ``"@"``), which `JsonOutputError` reports
rather than dropping an entry. The reference builds a serde_json map, which
sorts keys unless serde_json's ``preserve_order`` feature is on; we always
keep the document's order. Chained tags nest (``@a/@b x`` is a tag ``a``
whose payload is the tag ``b``), as parser[tag.chain] says; the reference
tree keeps only the outer tag there.

`from_json` writes Styx from JSON so that converting the result back gives
the same JSON, numbers and booleans aside (they come back as strings):
strings and numbers are bare where a bare scalar holds them exactly, else
quoted; ``null`` is ``@``; an object shaped like a tag (``$tag`` naming a valid
tag, plus an optional non-null ``$payload``) is written as that tag, a
number or boolean payload quoted (``@port"8080"``) since bare scalars cannot
be tagged; the key ``"@"`` is the unit key and a key ``"@name"`` is the tag
key ``@name``.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

from styx.source import Span
from styx.syntax import write
from styx.syntax.merge import merged_entries
from styx.syntax.tree import MAX_NESTING, Document, Object, Scalar, Sequence, Tagged, Unit, Value

#: Where a value sits in the JSON output: object keys and array indices.
JsonPath: TypeAlias = tuple[str | int, ...]
#: Decides the JSON value of one scalar (the schema's seam); the default
#: convention is the scalar's text.
ScalarConverter: TypeAlias = Callable[[Scalar, JsonPath], Any]

TAG = "$tag"
PAYLOAD = "$payload"
UNIT_KEY = "@"


class JsonInputError(ValueError):
    """JSON that `from_json` cannot turn into Styx, with the 1-based line
    and column (in characters) of the problem."""

    def __init__(self, message: str, line: int, column: int, filename: str | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.filename = filename
        super().__init__(f"{filename or '<json>'}:{line}:{column}: {message}")


class JsonOutputError(ValueError):
    """A document that has no JSON form in this convention: two keys of one
    object that become the same JSON key, or a key that cannot be one (only
    in trees that did not parse cleanly). ``span`` is the offending key."""

    def __init__(self, message: str, span: Span) -> None:
        self.message = message
        self.span = span
        super().__init__(message)


# ------------------------------------------------------------ Styx -> JSON


def to_json_data(node: Document | Value, *, scalar: ScalarConverter | None = None) -> Any:
    """The JSON value of a document (its fields: the ``@schema`` directive
    is not one) or of one value, as plain ``dict``/``list``/``str``/``None`` data.

    ``scalar`` receives each scalar value (keys excluded: JSON keys are
    always strings) with its `JsonPath`, a tag's payload being under
    ``"$payload"``, and returns its JSON value.
    """
    value = node.data if isinstance(node, Document) else node
    with _collection_paused():
        return _JsonBuilder(scalar).value(value)


def to_json(
    node: Document | Value, *, compact: bool = False, scalar: ScalarConverter | None = None
) -> str:
    """`to_json_data` as JSON text: indented by two spaces, or on one line
    when ``compact``; non-ASCII characters are written as themselves; the text
    ends with a newline."""
    data = to_json_data(node, scalar=scalar)
    if compact:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    return text + "\n"


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Both conversions make many small dicts and lists and no cycles.
    Letting the garbage collector run meanwhile makes it walk every live
    object (a parsed tree is millions) again and again, which on a large
    document is most of the time spent; `styx.parse` pauses it likewise."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


#: A container being filled: its data, and its children still to convert as
#: (JSON key or index, value, key node for a collision report).
_Open = tuple[Any, Iterator[tuple[str | int, Value, Value | None]]]


class _JsonBuilder:
    """One conversion, with an explicit stack rather than recursion, so that
    no nesting depth and no caller's stack depth can exhaust Python's; the
    ``path`` is kept only for the ``scalar`` hook."""

    __slots__ = ("path", "scalar")

    def __init__(self, scalar: ScalarConverter | None) -> None:
        self.scalar = scalar
        self.path: list[str | int] = []

    def value(self, root: Value) -> Any:
        data, children = self.start(root)
        if children is None:
            return data
        path = self.path
        stack: list[_Open] = [(data, children)]
        while stack:
            target, todo = stack[-1]
            item = next(todo, None)
            if item is None:
                stack.pop()
                if stack:
                    path.pop()
                continue
            key, child, key_node = item
            path.append(key)
            value, grandchildren = self.start(child)
            if type(target) is list:
                target.append(value)
            else:
                if key in target and key_node is not None:
                    raise JsonOutputError(
                        f"two keys of one object both become the JSON key {key!r}",
                        key_node.span,
                    )
                target[key] = value
            if grandchildren is None:
                path.pop()
            else:
                stack.append((value, grandchildren))
        return data

    def start(self, value: Value) -> tuple[Any, Iterator[Any] | None]:
        """A value's JSON: a leaf, or an empty container and what goes in it."""
        kind = type(value)
        if kind is Scalar or isinstance(value, Scalar):
            assert isinstance(value, Scalar)
            if self.scalar is None:
                return value.text, None
            return self.scalar(value, tuple(self.path)), None
        if kind is Object:
            assert isinstance(value, Object)
            entries = merged_entries(value)
            return {}, iter([(json_key(e.key), e.value, e.key) for e in entries])
        if kind is Sequence:
            assert isinstance(value, Sequence)
            return [], iter([(index, item, None) for index, item in enumerate(value.items)])
        if kind is Tagged:
            assert isinstance(value, Tagged)
            payload = value.payload
            data = {TAG: value.name}
            return data, None if payload is None else iter([(PAYLOAD, payload, None)])
        assert isinstance(value, Unit)
        return None, None


def json_key(key: Value) -> str:
    """The JSON object key for a Styx key (see the module docstring)."""
    if isinstance(key, Scalar):
        return key.text
    if isinstance(key, Unit):
        return UNIT_KEY
    if isinstance(key, Tagged):
        payload = key.payload
        if payload is None:
            return "@" + key.name
        if isinstance(payload, Scalar):
            return "@" + key.name + write.quote(payload.text)
    raise JsonOutputError("this value cannot be an object key", key.span)


# ------------------------------------------------------------ JSON -> Styx


def from_json(text: str, *, filename: str | None = None) -> str:
    """Styx source for a JSON document whose top level is an object.

    The object's members become the document's root entries, one per line,
    indented by four spaces per level; short arrays of scalars stay on one
    line. A top level that is not an object is a `JsonInputError`: a Styx
    document is always an object, and wrapping the value in an invented key
    would not convert back to the same JSON. So are invalid JSON, a key
    repeated in one object, a lone surrogate escape (``"\\ud800"``),
    which no Styx text can hold, and nesting deeper than a Styx document
    may (`MAX_NESTING`). ``NaN`` and ``Infinity``, which Python's
    JSON reader accepts, become bare scalars.
    """
    with _collection_paused():
        data = _load(text, filename)
        if not isinstance(data, dict):
            raise JsonInputError(
                "the top level must be a JSON object: a Styx document is an object",
                *_line_column(text, len(text) - len(text.lstrip(" \t\n\r"))),
                filename,
            )
        if _deeper_than_limit(data):
            raise _too_deep(text, filename)
        styx = _StyxWriter().root(data)
    try:
        styx.encode("utf-8")
    except UnicodeEncodeError:
        surrogate = _LONE_SURROGATE.search(text)
        assert surrogate is not None
        raise JsonInputError(
            "a lone surrogate is not a character, and Styx text cannot hold it",
            *_line_column(text, surrogate.start(1) if surrogate.group(1) else surrogate.start()),
            filename,
        ) from None
    return styx


class _Number(str):
    """A JSON number as written: Styx keeps ``1.0`` and ``1e3`` exactly."""

    __slots__ = ()


class _RepeatedKey(Exception):
    """Raised out of the JSON reader at the first object with a repeated key."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _RepeatedKey
    return obj


def _load(text: str, filename: str | None) -> Any:
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_Number,
            parse_float=_Number,
            parse_constant=_Number,
        )
    except RecursionError:  # the JSON reader recurses per level, in C
        raise _too_deep(text, filename) from None
    except json.JSONDecodeError as error:
        raise JsonInputError(error.msg, error.lineno, error.colno, filename) from None
    except _RepeatedKey:
        position, key = _repeated_key(text)
        raise JsonInputError(
            f"duplicate key {json.dumps(key, ensure_ascii=False)}",
            *_line_column(text, position),
            filename,
        ) from None
    return data


#: The tokens of valid JSON; whatever lies between them is whitespace.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')
#: A surrogate written as such, or a \uXXXX escape (after an even run of
#: backslashes) of a high surrogate without a low one after it, or of a low
#: surrogate without a high one before it. Slow (it is tried at every
#: position), so only used to locate one already known to be there.
_LONE_SURROGATE = re.compile(
    r"[\ud800-\udfff]"
    r"|(?<!\\)(?:\\\\)*("
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


def _repeated_key(text: str) -> tuple[int, str]:
    """Where the first repeated key is, in text known to be valid JSON up to it.

    Python's JSON reader tells only that an object had a repeated key, not
    where, so on that error the text is walked again with a tokenizer that
    only tracks which keys each open object has seen.
    """
    seen: list[set[str] | None] = []  # per open bracket; None for arrays
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            seen.append(set())
            expect_key = True
        elif token == "[":
            seen.append(None)
        elif token in ("}", "]"):
            seen.pop()
        elif token == ",":
            expect_key = seen[-1] is not None
        elif expect_key:
            keys = seen[-1]
            assert keys is not None
            key: str = json.loads(token)
            if key in keys:
                return match.start(), key
            keys.add(key)
            expect_key = False
    raise AssertionError("the JSON reader reported a repeated key that is not there")


def _too_deep(text: str, filename: str | None) -> JsonInputError:
    """The error for JSON nested deeper than `MAX_NESTING`, at the first
    bracket past it (a tag's key counts as a level, as in Styx)."""
    depth = -1  # the top-level object is the document, level 0
    position = 0
    before: re.Match[str] | None = None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("{", "["):
            depth += 1
            if depth > MAX_NESTING:
                position = match.start()
                break
        elif token in ("}", "]"):
            depth -= 1
        elif (
            token == ":"
            and depth == MAX_NESTING
            and before is not None
            and _is_tag_key(_key(json.loads(before.group())))
        ):
            position = before.start()  # a tag key, one level deeper
            break
        before = match
    return JsonInputError(
        f"nested deeper than a Styx document may be ({MAX_NESTING} levels)",
        *_line_column(text, position),
        filename,
    )


def _deeper_than_limit(data: dict[str, Any]) -> bool:
    """Whether JSON data nests deeper than a Styx document may (`MAX_NESTING`),
    counted as the parser counts what `_StyxWriter` writes: every object and
    array one level (a tag object too, and its payload one more), and a tag
    key one level deeper than its object. Iterative, so that the check
    itself needs no stack."""
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        value, level = todo.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if level + 1 > MAX_NESTING and _is_tag_key(_key(key)):
                    return True
                if isinstance(item, dict | list):
                    if level + 1 > MAX_NESTING:
                        return True
                    todo.append((item, level + 1))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict | list):
                    if level + 1 > MAX_NESTING:
                        return True
                    todo.append((item, level + 1))
    return False


def _line_column(text: str, position: int) -> tuple[int, int]:
    """As `json.JSONDecodeError` counts them: 1-based, in characters."""
    return text.count("\n", 0, position) + 1, position - text.rfind("\n", 0, position)


_INDENT = "    "
#: The longest sequence of scalars written on one line, brackets included.
_INLINE_WIDTH = 60


class _StyxWriter:
    """Appends Styx text to ``out``; ``depth`` is the indentation level of
    the line the value starts on."""

    __slots__ = ("out",)

    def __init__(self) -> None:
        self.out: list[str] = []

    def root(self, obj: dict[str, Any]) -> str:
        """The document, with the canonical layout's blank line around every
        root entry that holds a block object (styx.format.layout), so that
        the output is already formatted."""
        out = self.out
        previous = False
        for key, value in obj.items():
            start = len(out)
            out.append(_key(key))
            out.append(" ")
            self.value(value, 0)
            out.append("\n")
            block = any("{\n" in part for part in out[start + 2 :])
            if start and (block or previous):
                out[start] = "\n" + out[start]
            previous = block
        return "".join(out)

    def entries(self, obj: dict[str, Any], depth: int) -> None:
        out = self.out
        pad = _INDENT * depth
        for key, value in obj.items():
            out.append(pad)
            out.append(_key(key))
            out.append(" ")
            self.value(value, depth)
            out.append("\n")

    def value(self, value: Any, depth: int) -> None:
        if isinstance(value, list):
            self.sequence(value, depth)
        elif isinstance(value, dict):
            name = _tag_name(value)
            if name is None:
                self.object(value, depth)
            else:
                self.tagged(name, value, depth)
        else:
            self.out.append(_atom(value))

    def object(self, obj: dict[str, Any], depth: int) -> None:
        if not obj:
            self.out.append("{}")
            return
        self.out.append("{\n")
        self.entries(obj, depth + 1)
        self.out.append(_INDENT * depth + "}")

    def sequence(self, items: list[Any], depth: int) -> None:
        out = self.out
        if all(not isinstance(item, list | dict) for item in items):
            inline = "(" + " ".join(_atom(item) for item in items) + ")"
            if len(inline) <= _INLINE_WIDTH:
                out.append(inline)
                return
        if len(items) == 1 and (_is_tag(items[0]) or not _holds_block(items[0])):
            # The canonical layout writes one element against its brackets:
            # `(x)`, `(@t{` ... `})` (styx.format.layout).
            out.append("(")
            self.value(items[0], depth)
            out.append(")")
            return
        out.append("(\n")
        pad = _INDENT * (depth + 1)
        for item in items:
            out.append(pad)
            self.value(item, depth + 1)
            out.append("\n")
        out.append(_INDENT * depth + ")")

    def tagged(self, name: str, obj: dict[str, Any], depth: int) -> None:
        self.out.append("@" + name)
        if PAYLOAD not in obj:
            return
        payload = obj[PAYLOAD]
        if isinstance(payload, dict):
            inner = _tag_name(payload)
            if inner is not None:  # parser[tag.chain]: @outer/@inner...
                self.out.append("/")
                self.tagged(inner, payload, depth)
            else:
                self.object(payload, depth)
        elif isinstance(payload, list):
            self.sequence(payload, depth)
        else:  # bare scalars cannot be tagged (parser[tag.payload])
            self.out.append(write.tag_payload(name, _text(payload)))


_TAG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _is_tag(value: Any) -> bool:
    return isinstance(value, dict) and _tag_name(value) is not None


def _holds_block(value: Any) -> bool:
    """Whether `_StyxWriter` writes a block object (a non-empty object) for
    ``value`` or anywhere inside it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if _tag_name(item) is None:
                if item:
                    return True
            elif PAYLOAD in item:
                stack.append(item[PAYLOAD])
    return False


def _tag_name(obj: dict[str, Any]) -> str | None:
    """The tag an object stands for: exactly what `to_json_data` makes of a
    tag, so that every other object, ``{"$tag": "x", "$payload": null}``
    included, stays an object and converts back unchanged."""
    name = obj.get(TAG)
    if type(name) is not str or not _TAG_NAME.fullmatch(name):
        return None
    if len(obj) == 1 or (len(obj) == 2 and obj.get(PAYLOAD) is not None):
        return name
    return None


def _text(value: Any) -> str:
    """A JSON scalar's Styx text: strings as they are, numbers as written."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    assert isinstance(value, str)
    return value


def _atom(value: Any) -> str:
    """A JSON scalar (or null) as one Styx atom."""
    if value is None:
        return "@"
    return write.scalar(_text(value))


def _is_tag_key(written: str) -> bool:
    """Whether a key as `_key` writes it is a tag (``@name``, not the unit ``@``)."""
    return written[:1] == "@" and written != UNIT_KEY


def _key(key: str) -> str:
    """A key: like a scalar, except that a dot would make a bare key a
    path, and that ``@`` and ``@name`` are the unit and tag keys. ``@schema``
    is quoted: as a tag key it would be the schema directive, which is not
    a field and so has no JSON form."""
    if key == UNIT_KEY or (key[:1] == "@" and key != "@schema" and _TAG_NAME.fullmatch(key, 1)):
        return key
    return write.key(key)
