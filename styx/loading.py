"""`styx.loads` / `styx.load`: Styx text in, Python data out, as `json` and `tomllib` do.

    styx.loads(text)                      # plain data: dict, list, str, None, Tagged
    styx.loads(text, into=Server)         # a typed, validated dataclass instance
    styx.loads(text, schema=schema)       # validated; ints, floats, bools as Python values
    with open("app.styx", "rb") as fp:
        styx.load(fp, into=Server)        # a file object (binary or text) or a path

Design points, each with the failure it prevents:

* ``load`` takes what ``tomllib.load`` takes (a binary file object) and
  what ``json.load`` takes (a text one), plus a path, and names the file in
  every diagnostic: a program that loads three files must be told which one
  is wrong.
* ``load(text, into=X)``, the form the first release documented, keeps
  working: a ``str`` given to ``load`` is still read as Styx text, never as
  a path (guessing would turn a typo'd path into a confusing one-key
  document). ``loads(text)`` for text and ``load(fp or Path)`` for files are
  the preferred spellings.
* Plain ``loads`` applies no schema, declared or not: like ``json.loads`` it
  never reads another file or the network behind the caller's back.
  ``schema=`` is the explicit way to validate and type.
"""

from __future__ import annotations

import os
import typing
from typing import IO, Any, TypeVar, overload

from styx.convert.data import to_data
from styx.schema import model as m
from styx.syntax.parser import StyxSyntaxError, invalid_utf8, parse
from styx.syntax.tree import Document

T = TypeVar("T")

#: What ``schema=`` accepts: a loaded schema, or the path of a schema file.
SchemaArg = m.Schema | str | os.PathLike[str]


@overload
def loads(text: str, into: type[T], *, filename: str | None = None) -> T: ...
@overload
def loads(
    text: str, into: None = None, *, schema: SchemaArg | None = None, filename: str | None = None
) -> Any: ...
def loads(
    text: str,
    into: type[T] | None = None,
    *,
    schema: SchemaArg | None = None,
    filename: str | None = None,
) -> Any:
    """Styx text as plain data, or as ``into`` (a dataclass), or validated by ``schema``.

    Raises `styx.StyxSyntaxError` or `styx.StyxValidationError`; both carry
    the diagnostics ``styx check`` would print.
    """
    if not isinstance(text, str):
        raise TypeError(f"loads takes str, not {type(text).__name__}; use load for files")
    return _convert(parse(text, filename=filename), into, schema)


@overload
def load(
    source: IO[bytes] | IO[str] | os.PathLike[str] | str | Document,
    into: type[T],
    *,
    filename: str | None = None,
) -> T: ...
@overload
def load(
    source: IO[bytes] | IO[str] | os.PathLike[str] | str | Document,
    into: None = None,
    *,
    schema: SchemaArg | None = None,
    filename: str | None = None,
) -> Any: ...
def load(
    source: IO[bytes] | IO[str] | os.PathLike[str] | str | Document,
    into: type[T] | None = None,
    *,
    schema: SchemaArg | None = None,
    filename: str | None = None,
) -> Any:
    """A document from a file object (binary, read as UTF-8, or text), a
    path (`pathlib.Path`), an already parsed `Document`, or — kept for
    compatibility, `loads` is preferred — Styx text. Otherwise as `loads`."""
    if isinstance(source, Document):
        document = source
    elif isinstance(source, str):
        document = parse(source, filename=filename)
    elif isinstance(source, os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as file:
            document = _parse_bytes(file.read(), filename or path)
    elif hasattr(source, "read"):
        data = source.read()
        name = filename or _file_name(source)
        if isinstance(data, bytes | bytearray):
            document = _parse_bytes(bytes(data), name)
        elif isinstance(data, str):
            document = parse(data, filename=name)
        else:
            raise TypeError("the file object's read() returned neither str nor bytes")
    else:
        raise TypeError(
            f"load takes a file object, a path or a Document, not {type(source).__name__}"
        )
    return _convert(document, into, schema)


def _file_name(source: object) -> str | None:
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def _parse_bytes(data: bytes, filename: str | None) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        replaced = data.decode("utf-8", "replace")
        raise StyxSyntaxError([invalid_utf8(error)], replaced, filename) from None
    return parse(text, filename=filename)


def _schema(schema: SchemaArg) -> m.Schema:
    if isinstance(schema, m.Schema):
        return schema
    if isinstance(schema, str | os.PathLike):
        from styx.schema.load import load_schema_file

        return load_schema_file(schema)
    raise TypeError(f"schema= takes a loaded schema or a path, not {type(schema).__name__}")


def _convert(document: Document, into: type[Any] | None, schema: SchemaArg | None) -> Any:
    if into is not None and schema is not None:
        raise TypeError("pass into= or schema=, not both: a type is its own schema")
    if into is not None:
        from styx.schema.loader import load as load_typed

        return load_typed(document, typing.cast(type, into))
    if schema is None:
        return to_data(document)
    loaded = _schema(schema)
    _validate(document, loaded)
    from styx.schema.typed_json import scalar_converter

    return to_data(document, scalar=scalar_converter(document, loaded))


def _validate(document: Document, schema: m.Schema) -> None:
    from styx.schema.loader import StyxValidationError
    from styx.schema.validate import validate

    problems = validate(document, schema, declaration=document.declaration)
    errors = [d for d in problems if d.is_error]
    if errors:
        raise StyxValidationError(errors, document.source, document.filename)


def check_against(text: str, schema: SchemaArg, *, filename: str | None = None) -> None:
    """Raise `StyxValidationError` unless ``text`` fits ``schema``."""
    _validate(parse(text, filename=filename), _schema(schema))
