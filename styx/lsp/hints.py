"""Known configuration files: the schema a document's path implies.

A tool's configuration usually lives at a fixed place (``.config/dibs.styx``)
and is checked against one schema, yet a file written by hand often lacks
the ``@schema`` line that says so. `schema-hints.styx`, shipped beside this
module, maps path patterns to declarations, so the server can point out the
missing line and offer to write it. Editing that file is how a tool joins.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import PurePath

from styx.diagnostic import Diagnostic, Severity
from styx.source import Span

HINTS_FILE = "schema-hints.styx"

#: A document at a known place declares no schema (information, never an error:
#: the file is valid without one).
SCHEMA_HINT = "styx::schema-hint"


@dataclass
class SchemaRef:
    """What the declaration names: the registry form of ``@schema``."""

    id: str = field(metadata={"doc": "The schema id, such as `crate:dibs@1`."})
    cli: str | None = field(
        default=None, metadata={"doc": "The program that embeds or registers the schema."}
    )


@dataclass
class Hint:
    """One tool's configuration files."""

    title: str = field(metadata={"doc": "Shown in the hint, such as `dibs configuration`."})
    patterns: list[str] = field(metadata={"doc": "Where the files live: `**/.config/x.styx`."})
    schema: SchemaRef

    @property
    def declaration(self) -> str:
        """The ``@schema`` line to write."""
        parts = [f"id {self.schema.id}"] + ([f"cli {self.schema.cli}"] if self.schema.cli else [])
        return "@schema {" + ", ".join(parts) + "}"


@dataclass
class Registry:
    hints: dict[str, Hint]


@functools.cache
def registry() -> dict[str, Hint]:
    """Every hint, by tool name, read once from the shipped file."""
    from styx.schema.loader import load

    path = resources.files(__package__ or "styx.lsp") / HINTS_FILE
    return load(path.read_text("utf-8"), into=Registry, filename=HINTS_FILE).hints


def hint_for(path: str) -> Hint | None:
    """The first hint with a pattern matching the whole of ``path``."""
    posix = PurePath(path).as_posix()
    for hint in registry().values():
        if any(_compile(pattern).fullmatch(posix) for pattern in hint.patterns):
            return hint
    return None


def missing_declaration(hint: Hint) -> Diagnostic:
    """The hint shown on the first line of a matching document."""
    return Diagnostic(
        SCHEMA_HINT,
        f"this looks like a {hint.title} file, but it declares no schema",
        Span(0, 0),
        Severity.NOTE,
        help=f"add `{hint.declaration}` at the top to have it checked",
    )


@functools.cache
def _compile(pattern: str) -> re.Pattern[str]:
    """A path glob as a regular expression (see the registry's header)."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern)
    wildcards = {"**/": "(?:[^/]*/)*", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part) or re.escape(part) for part in parts))
