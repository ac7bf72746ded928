"""Converting Styx documents to and from other formats.

The conversions read a document as data, so dotted paths are merged first
(`styx.syntax.merge`); they sit above the syntax layer and below the CLI.
"""

from styx.convert.json import (
    JsonInputError,
    JsonOutputError,
    JsonPath,
    ScalarConverter,
    from_json,
    json_key,
    to_json,
    to_json_data,
)

__all__ = [
    "JsonInputError",
    "JsonOutputError",
    "JsonPath",
    "ScalarConverter",
    "from_json",
    "json_key",
    "to_json",
    "to_json_data",
]
