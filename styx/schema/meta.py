"""The meta-schema: the schema of schema files, written in Styx.

It lives in ``meta-schema.styx`` next to this module so that editors and
``styx check`` can use it like any other schema. Loading a schema validates
it against this one first; the meta-schema itself is loaded once without
that step (it cannot check itself before it exists), and the tests check
that it does validate against itself.
"""

from __future__ import annotations

import contextvars
import functools
from importlib import resources

from styx.schema import model as m

#: The file name, inside the package, of the meta-schema.
META_SCHEMA_FILE = "meta-schema.styx"

_BOOTSTRAPPING = contextvars.ContextVar("styx_meta_bootstrapping", default=False)


def meta_schema_path() -> str:
    """Where the meta-schema file is, for diagnostics that point into it."""
    return str(resources.files(__package__ or "styx.schema") / META_SCHEMA_FILE)


def meta_schema_text() -> str:
    return (resources.files(__package__ or "styx.schema") / META_SCHEMA_FILE).read_text("utf-8")


def bootstrapping() -> bool:
    """True while the meta-schema itself is being loaded."""
    return _BOOTSTRAPPING.get()


@functools.cache
def meta_schema() -> m.Schema:
    """The meta-schema, loaded once."""
    from styx.schema.load import load_schema  # load.py checks schemas against this one

    token = _BOOTSTRAPPING.set(True)
    try:
        return load_schema(meta_schema_text(), filename=meta_schema_path())
    finally:
        _BOOTSTRAPPING.reset(token)
