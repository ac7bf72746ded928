"""Where results go: data to stdout (or a file), diagnostics to stderr.

Machine formats of `styx check` (json, short, github, sarif) are the data of
that command and go to stdout, every diagnostic of them. The human layout
stops after `MAX_ERRORS` diagnostics per file (``--max-errors``) with a line
saying how many more there are: a truncated or generated file can have
200,000 problems, and a terminal or CI log is no place for all of them.
Colour is decided per stream; rich is only imported when colour is actually
used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from styx.commands.common import ExitCode, Outcome, Source
from styx.diagnostic import Diagnostic

TEXT = "text"
#: Diagnostics shown per file in the human layout; 0 shows all.
MAX_ERRORS = 50


def display_name(source: Source) -> str:
    return "<stdin>" if source.name == "-" else source.name


def diagnostics(
    outcomes: Iterable[Outcome],
    color: str = "auto",
    fmt: str = TEXT,
    max_errors: int = MAX_ERRORS,
) -> None:
    """Report the outcomes' diagnostics in the chosen format: all of them in
    a machine format, the first ``max_errors`` of each file (0: all) as text."""
    outcomes = list(outcomes)
    if fmt != TEXT:
        from styx.report.machine import FORMATS, Report

        reports = [
            Report(display_name(o.source), o.source.text, d, o.sources, _key_path(o, d))
            for o in outcomes
            for d in o.diagnostics
        ]
        sys.stdout.write(FORMATS[fmt](reports))
        return
    if not any(o.diagnostics for o in outcomes):
        return  # nothing to render: the renderer is not even imported
    from styx.report.color import should_color, write_diagnostics
    from styx.report.text import render

    use_color = should_color(sys.stderr, color)
    for outcome in outcomes:
        found = outcome.diagnostics
        shown = found[:max_errors] if max_errors > 0 else found
        for diagnostic in shown:
            lines = render(
                diagnostic,
                outcome.source.text,
                display_name(outcome.source),
                sources=outcome.sources,
            )
            write_diagnostics(sys.stderr, lines, use_color)
            sys.stderr.write("\n")  # a blank line between diagnostics, as rustc
        if len(found) > len(shown):
            note(more_errors(found[len(shown) :], display_name(outcome.source)))


def more_errors(hidden: list[Diagnostic], name: str) -> str:
    """The line that ends a file's shortened report."""
    count = len(hidden)
    errors = sum(1 for diagnostic in hidden if diagnostic.is_error)
    if errors == count:
        what = "error" if count == 1 else "errors"
    elif errors == 0:
        what = "warning" if count == 1 else "warnings"
    else:
        what = "diagnostic" if count == 1 else "diagnostics"
    return (
        f"\u2026 and {count} more {what} in {name} "
        "(--max-errors N shows N per file, --max-errors 0 all of them)"
    )


def _key_path(outcome: Outcome, diagnostic: Diagnostic) -> str | None:
    """The key path (``listener.port``) of the value a diagnostic is about,
    when it points into the document itself."""
    document = outcome.document
    if document is None or diagnostic.file not in (None, outcome.source.name):
        return None
    from styx.syntax.keypath import path_at

    return path_at(document, diagnostic.span.start)


def stderr_is_terminal() -> bool:
    """Summaries for people are written only where people look."""
    return sys.stderr.isatty()


def choose_format(requested: str | None) -> str:
    """The requested format, else GitHub annotations inside GitHub Actions, else text."""
    if requested:
        return requested
    if "GITHUB_ACTIONS" not in os.environ:  # spares `styx check` importing every format
        return TEXT
    from styx.report.machine import auto_format

    return auto_format(os.environ) or TEXT


def write_output(target: str, text: str) -> Outcome | None:
    """Write data to a file, or to stdout for ``-``; an outcome only on failure."""
    if target == "-":
        sys.stdout.write(text)
        return None
    from styx.commands.fmt import write_atomically  # tempfile: only when writing a file

    try:
        write_atomically(target, text)
    except OSError as error:
        from styx.commands.common import io_problem

        problem = io_problem(target, f"cannot write `{target}`: {error.strerror}")
        return Outcome(Source(target, None, problem), "", [problem], ExitCode.IO)
    return None


def note(message: str) -> None:
    """Progress and summaries for people, on stderr."""
    sys.stderr.write(message + "\n")


def worst(codes: Iterable[int]) -> int:
    """With several files the worst exit code wins."""
    return max(codes, default=0)
