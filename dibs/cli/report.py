"""Configuration problems the way `styx` prints them: an ``error:`` line
naming the file, then rustc-like diagnostics, on stderr; always exit 2."""

from __future__ import annotations

import sys

from dibs.cli import output
from dibs.config import CONFIG_PATH, ConfigNotFound
from styx import Diagnostic, StyxSyntaxError
from styx.report.color import should_color, write_diagnostics
from styx.report.text import render
from styx.schema.loader import StyxValidationError


def diagnostics(items: list[Diagnostic], source: str, filename: str, color: str = "auto") -> None:
    use_color = should_color(sys.stderr, color)
    for diagnostic in items:
        write_diagnostics(sys.stderr, render(diagnostic, source, filename), use_color)
        sys.stderr.write("\n")


def config_problem(error: Exception, color: str = "auto") -> int:
    """Report a configuration that could not be loaded; the exit code (2:
    dibs cannot run without it)."""
    if isinstance(error, StyxSyntaxError | StyxValidationError):
        filename = error.filename or str(CONFIG_PATH)
        output.error(f"{filename} is not a valid dibs configuration", color=color)
        diagnostics(error.diagnostics, error.source, filename, color)
        return output.CANNOT
    if isinstance(error, ConfigNotFound):
        output.error(
            str(error),
            [f"create {CONFIG_PATH} in the project root; `dibs config-schema` shows what it holds"],
            color,
        )
        return output.CANNOT
    if isinstance(error, OSError):
        what = error.strerror or str(error)
        output.error(f"cannot read {error.filename or CONFIG_PATH}: {what}", color=color)
        return output.CANNOT
    output.error(str(error), color=color)
    return output.CANNOT
