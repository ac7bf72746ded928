"""The `.config/dibs.styx` file: where it is, what it may say, what it means.

The configuration is a dataclass, so the same definition gives the loader
(`styx.load`) and the schema that editors and ``styx check`` validate
``dibs.styx`` against: dibs registers it under the ``styx.schemas`` entry
point, where ``@schema {id crate:dibs@1, cli dibs}`` finds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from styx.schema.typed import schema_for

#: Where dibs looks, relative to the working directory and each parent.
CONFIG_PATH = Path(".config") / "dibs.styx"
SCHEMA_ID = "crate:dibs@1"
#: The schema's datever version: bump it when the configuration changes.
SCHEMA_VERSION = "2026-11-28"


@dataclass
class DbConfig:
    """The db program: it knows the schema and the migrations."""

    crate: str | None = field(
        default=None,
        metadata={
            "doc": "The Python package (distribution or module name) holding the schema "
            "and migrations; run as `python -m` with dashes read as underscores."
        },
    )
    binary: str | None = field(
        default=None,
        metadata={
            "doc": "A prebuilt db program to run instead; a relative path is relative "
            "to the folder that holds .config/."
        },
    )
    connect_timeout: timedelta = field(
        default=timedelta(seconds=30),
        metadata={"doc": "How long to wait for the db program to connect back."},
    )


@dataclass
class Config:
    """Configuration of dibs, read from .config/dibs.styx."""

    db: DbConfig = field(
        default_factory=DbConfig, metadata={"doc": "Where the schema and migrations come from."}
    )


@dataclass(frozen=True)
class Located:
    """A loaded configuration and where it was found."""

    config: Config
    path: Path

    @property
    def project_root(self) -> Path:
        """The folder holding ``.config/``: relative paths start here."""
        return self.path.parent.parent


class ConfigNotFound(FileNotFoundError):
    """No ``.config/dibs.styx`` in the working directory or any parent."""

    def __init__(self, start: Path) -> None:
        self.start = start
        super().__init__(f"no {CONFIG_PATH} in {start} or any parent folder")


def find_config(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest ``.config/dibs.styx``: in ``start`` (default: the working
    directory), then each parent up to the root — in a container the config
    is mounted at ``/.config/dibs.styx`` and the working directory is ``/``."""
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_PATH
        if candidate.is_file():
            return candidate
    raise ConfigNotFound(here)


def load_config(start: str | os.PathLike[str] | None = None) -> Located:
    """Find and load the configuration; raises `ConfigNotFound`,
    `styx.StyxSyntaxError` (also for a file that is not UTF-8) or
    `styx.StyxValidationError` (with diagnostics), `OSError`."""
    from styx import parse_file
    from styx.schema.loader import load

    path = find_config(start)
    return Located(load(parse_file(path), into=Config), path)


def schema_text() -> str:
    """dibs' configuration schema as a Styx schema file (the ``styx.schemas``
    entry point, and ``dibs config-schema``)."""
    return schema_for(Config, id=SCHEMA_ID, cli="dibs", version=SCHEMA_VERSION)
