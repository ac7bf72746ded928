"""What every verb shares: exit codes and reading a document."""

from __future__ import annotations

import os
import sys
from enum import IntEnum

from styx.diagnostic import Diagnostic
from styx.source import Span
from styx.syntax.parser import ParseResult, invalid_utf8, parse_lenient
from styx.syntax.tree import Document

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

    __slots__ = ("code", "diagnostics", "document", "output", "source", "sources")

    def __init__(
        self,
        source: Source,
        output: str = "",
        diagnostics: list[Diagnostic] | None = None,
        code: ExitCode = ExitCode.OK,
        document: Document | None = None,
    ) -> None:
        self.source = source
        self.output = output
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.code = code
        #: The parsed document, once a verb has one.
        self.document = document
        #: Texts of other files the diagnostics point into (schema files).
        self.sources: dict[str, str] = {}

    def then(self, output: str) -> Outcome:
        """This outcome with the output of the next step."""
        following = Outcome(self.source, output, self.diagnostics, self.code, self.document)
        following.sources = self.sources
        return following


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


def parse_source(source: Source) -> Outcome:
    """Parse what was read; the outcome holds the document when it is valid."""
    if source.problem is not None:
        code = ExitCode.IO if source.text is None else ExitCode.SYNTAX
        return Outcome(source, diagnostics=[source.problem], code=code)
    assert source.text is not None
    return parsed_outcome(source, parse_lenient(source.text, filename=source.name))


def parsed_outcome(source: Source, result: ParseResult) -> Outcome:
    """The outcome of a parse of ``source`` made by the caller, which may
    want the tree even when it has errors (an editor does)."""
    if not result.ok or result.document is None:
        return Outcome(source, diagnostics=result.diagnostics, code=ExitCode.SYNTAX)
    return Outcome(source, diagnostics=result.diagnostics, document=result.document)
