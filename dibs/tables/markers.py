"""Values that say what a plain Python value cannot: that a column has no
default (None is one: NULL), that a default is SQL, that a hint means JSON.

Their own module because the declarations (`dibs.tables.options`) make them
and the code that reads declarations (types, defaults) tests for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


class _NoDefault:
    """`None` is a real default (NULL), so absence needs its own marker."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final[Any] = _NoDefault()


@dataclass(frozen=True)
class Sql:
    """A default written as an SQL expression (``now()``), not a value."""

    expression: str


def sql(expression: str) -> Sql:
    """Mark a default as SQL to evaluate on insert rather than a value."""
    return Sql(expression)


@dataclass(frozen=True)
class Json:
    """Marks a hint as JSON (``Annotated[list[int], JSON]``) where the
    Python type alone would map elsewhere (a list to an array) or to
    ``jsonb`` when ``json`` is wanted (it keeps key order and duplicates)."""

    type: str


JSON: Final = Json("json")
JSONB: Final = Json("jsonb")
