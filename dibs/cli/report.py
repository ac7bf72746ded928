"""Printing problems the way `styx` prints them: rustc-like, on stderr."""

from __future__ import annotations

import sys

from styx.diagnostic import Diagnostic
from styx.report.color import should_color, write_diagnostics
from styx.report.text import render
from styx.schema.loader import StyxValidationError
from styx.syntax.parser import StyxSyntaxError


def diagnostics(items: list[Diagnostic], source: str, filename: str, color: str = "auto") -> None:
    use_color = should_color(sys.stderr, color)
    for diagnostic in items:
        write_diagnostics(sys.stderr, render(diagnostic, source, filename), use_color)
        sys.stderr.write("\n")


def config_problem(error: Exception, color: str = "auto") -> int:
    """Report a configuration that could not be loaded; the exit code."""
    if isinstance(error, StyxSyntaxError):
        diagnostics(error.diagnostics, error.source, error.filename or "<config>", color)
        return 1
    if isinstance(error, StyxValidationError):
        diagnostics(error.diagnostics, error.source, error.filename or "<config>", color)
        return 2
    sys.stderr.write(f"error: {error}\n")
    return 3 if isinstance(error, OSError) else 2
