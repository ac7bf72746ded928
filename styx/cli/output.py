"""Printing diagnostics on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from styx.commands.common import Source
from styx.diagnostic import Diagnostic
from styx.report.text import render_plain


def print_diagnostics(source: Source, diagnostics: Iterable[Diagnostic]) -> None:
    name = "<stdin>" if source.name == "-" else source.name
    for diagnostic in diagnostics:
        sys.stderr.write(render_plain(diagnostic, source.text, name))
