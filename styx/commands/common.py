"""What every verb shares: exit codes and reading a document."""

from __future__ import annotations

import os
import sys
from enum import IntEnum

from styx.diagnostic import Diagnostic
from styx.source import Span
from styx.syntax.parser import invalid_utf8

IO_ERROR = "styx::io-error"


class ExitCode(IntEnum):
    """The reference CLI's exit codes; with several files the worst wins."""

    OK = 0
    SYNTAX = 1
    VALIDATION = 2
    IO = 3


class Source:
    """A document as read: its text, or why it could not be read."""

    __slots__ = ("name", "problem", "text")

    def __init__(self, name: str, text: str | None, problem: Diagnostic | None = None) -> None:
        self.name = name
        self.text = text
        self.problem = problem


class Outcome:
    """What a verb produced for one document."""

    __slots__ = ("code", "diagnostics", "output", "source")

    def __init__(
        self,
        source: Source,
        output: str = "",
        diagnostics: list[Diagnostic] | None = None,
        code: ExitCode = ExitCode.OK,
    ) -> None:
        self.source = source
        self.output = output
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.code = code


def io_problem(name: str, message: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(IO_ERROR, message, Span(0, 0), label="", help=help, file=name)


def read_source(name: str) -> Source:
    """Read a document from a path, or from standard input for ``-``."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            if os.path.isdir(name):
                return Source(
                    name,
                    None,
                    io_problem(
                        name,
                        f"`{name}` is a directory, not a file",
                        "pass a .styx file, or use `styx check DIR`",
                    ),
                )
            with open(name, "rb") as file:
                data = file.read()
    except FileNotFoundError:
        return Source(name, None, io_problem(name, f"no such file: `{name}`"))
    except PermissionError:
        return Source(name, None, io_problem(name, f"permission denied reading `{name}`"))
    except OSError as error:
        return Source(name, None, io_problem(name, f"cannot read `{name}`: {error.strerror}"))
    try:
        return Source(name, data.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Source(name, data.decode("utf-8", "replace"), invalid_utf8(error))
