"""Schemas registered under the `styx.schemas` entry-point group, one per
form the resolver accepts."""

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

#: Schema text itself.
TEXT = "meta {id crate:demo@1}\nschema {@ @object{name @string}}\n"

#: A path to a schema file shipped in the package.
SCHEMA_FILE = Path(__file__).with_name("schema.styx")

#: Not a schema: the resolver must report it, not crash.
NUMBER = 42


def schema_path() -> Path:
    """A callable returning a path."""
    return SCHEMA_FILE


def resource() -> Traversable:
    """A callable returning an importlib.resources traversable."""
    return files(__name__) / "schema.styx"
