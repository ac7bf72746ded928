"""The CLI's verbs between argv parsing and the library: read, call, print.

Data goes to stdout; diagnostics go to stderr. The return value is the exit
code.
"""

from __future__ import annotations

import sys

from styx.cli.output import print_diagnostics
from styx.commands.common import read_source
from styx.commands.tree import TreeFormat
from styx.commands.tree import tree as tree_command


def tree(path: str, fmt: str) -> int:
    outcome = tree_command(read_source(path), TreeFormat(fmt))
    sys.stdout.write(outcome.output)
    print_diagnostics(outcome.source, outcome.diagnostics)
    return int(outcome.code)
