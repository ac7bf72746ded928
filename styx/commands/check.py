"""`styx check`: lint documents (syntax now; the declared schema once it is known)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from styx.commands.common import ExitCode, Outcome, Source, io_problem, parse_source, read_source
from styx.commands.validation import SchemaCache, with_schema

#: Folders never searched for documents: tooling state, not configuration.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__"})


def expand(paths: Iterable[str]) -> Iterator[str]:
    """Files named on the command line, with directories searched for ``*.styx``."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found = []
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
                found += [os.path.join(folder, f) for f in files if f.endswith(".styx")]
            yield from sorted(found)
        else:
            yield path


def check(paths: Iterable[str], *, schema: str | None = None) -> list[Outcome]:
    """Every file's outcome: syntax, then the declared schema (or ``schema``,
    which overrides every declaration). A directory without documents is an
    I/O problem."""
    cache = SchemaCache()
    outcomes = []
    for path in paths:
        files = list(expand([path]))
        if not files:
            problem = io_problem(path, f"no .styx files under `{path}`")
            outcomes.append(Outcome(Source(path, None, problem), "", [problem], ExitCode.IO))
        for name in files:
            outcome, _ = with_schema(parse_source(read_source(name)), cache, override=schema)
            outcomes.append(outcome)
    return outcomes
