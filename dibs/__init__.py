"""dibs: PostgreSQL migrations driven by a db program, configured in Styx.

``dibs.run_service`` (a db program's ``main``) and ``dibs.migration`` (the
decorator for Python migrations) are resolved on first use through the
module's ``__getattr__``: ``import dibs`` runs for every ``dibs`` command and
every db program start, so it must not pull in psycopg, the runner or the
protocol machinery until someone actually asks for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dibs.migrations import migration as migration
    from dibs.service import run_service as run_service

#: Public name -> the module that defines it (imported on first access).
_LAZY = {
    "run_service": "dibs.service",
    "migration": "dibs.migrations",
}

__all__ = ["migration", "run_service"]


def __getattr__(name: str) -> Any:
    """Import the defining module of a lazy name on first access and cache
    the value here, so later lookups are plain attribute reads."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'dibs' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
