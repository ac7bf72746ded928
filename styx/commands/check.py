"""`styx check`: lint documents (syntax now; the declared schema once it is known)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from styx.commands.common import ExitCode, Outcome, Source, parse_source, read_source
from styx.diagnostic import Diagnostic, Severity
from styx.source import Span

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


NO_DOCUMENTS = "styx::no-documents"


def check(paths: Iterable[str], *, schema: str | None = None) -> list[Outcome]:
    """Every file's outcome: syntax, then the declared schema (or ``schema``,
    which overrides every declaration). A directory without documents is
    said so in a note, and is no failure: there is nothing wrong to report.

    The schema machinery (HTTP, entry points, the schema language) is
    imported only for a document that has a schema to meet: linting plain
    files must not pay several interpreter starts for it."""
    cache = None
    outcomes = []
    for path in paths:
        files = list(expand([path]))
        if not files:
            note = Diagnostic(
                NO_DOCUMENTS,
                f"no .styx files under `{path}`: nothing to check",
                Span(0, 0),
                Severity.NOTE,
                file=path,
            )
            outcomes.append(Outcome(Source(path, None), "", [note], ExitCode.OK))
        for name in files:
            parsed = parse_source(read_source(name))
            document = parsed.document
            if schema is None and (document is None or document.declaration is None):
                outcomes.append(parsed)
                continue
            from styx.commands.validation import SchemaCache, with_schema

            cache = cache or SchemaCache()
            outcome, _ = with_schema(parsed, cache, override=schema)
            outcomes.append(outcome)
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    """One line for a successful check: how many documents, how many warnings."""
    files = sum(1 for o in outcomes if o.source.text is not None)
    warnings = sum(1 for o in outcomes for d in o.diagnostics if d.severity is Severity.WARNING)
    noun = "document" if files == 1 else "documents"
    tail = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    return f"ok: {files} {noun} checked{tail}"
