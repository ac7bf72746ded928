"""Python default values as SQL literals of the column's type.

A dataclass default stays a Python value (rows built in Python agree with
rows inserted without the column), while the column default is SQL; the
literal syntax (quoting, arrays, JSON, NaN and infinities) is a subject of
its own, apart from tables.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import math
import uuid
from typing import Any

from dibs.tables.markers import Sql


def default_sql(value: object, pg_type: str) -> str:
    """A Python default as an SQL literal of the column's type.

    Raises `ValueError` for values with no literal form (objects, sets)."""
    if isinstance(value, Sql):
        return value.expression
    if value is None:
        return "NULL"
    if pg_type in ("json", "jsonb"):
        return f"{_quote(_json(value))}::{pg_type}"
    if isinstance(value, dict):
        return f"{_quote(_json(value))}::jsonb"
    if isinstance(value, list | tuple):
        return _quote(_array(value))
    return _text(value) if _unquoted(value) else _quote(_text(value))


def _array(items: list[Any] | tuple[Any, ...]) -> str:
    """An array literal (``{1,"a b",NULL}``); elements that are not plain
    numbers are double-quoted, which is always safe."""
    elements = []
    for item in items:
        if item is None:
            elements.append("NULL")
        elif isinstance(item, list | tuple):
            elements.append(_array(item))
        elif _unquoted(item):
            elements.append(_text(item))
        else:
            escaped = _text(item).replace("\\", "\\\\").replace('"', '\\"')
            elements.append(f'"{escaped}"')
    return "{" + ",".join(elements) + "}"


def _unquoted(value: object) -> bool:
    """Booleans and finite numbers read as themselves; everything else is
    text to quote (including NaN and enum members, even integer ones)."""
    if isinstance(value, enum.Enum):
        return False
    if isinstance(value, float | decimal.Decimal):
        return not math.isnan(value) and not math.isinf(value)
    return isinstance(value, bool | int)


def _text(value: object) -> str:
    """PostgreSQL's text input form of a scalar."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | decimal.Decimal) and not _unquoted(value):
        if math.isnan(value):
            return "NaN"
        return "-Infinity" if value < 0 else "Infinity"
    if isinstance(value, str | int | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.days} days {value.seconds}.{value.microseconds:06d} seconds"
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, dict):
        return _json(value)
    raise ValueError(
        f"no SQL literal for the default {value!r}; write it as SQL with default=sql('...')"
    )


def _json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the default {value!r} is not JSON ({exc})") from exc


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
