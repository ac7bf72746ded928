"""Diagnostics as data.

Every problem styx finds, in a document or in a schema, is a `Diagnostic`: a
stable code, a severity, a message, a primary span, secondary labelled spans,
notes and help. Library code only creates them; the CLI, the language server
and the JSON output decide how they look.
"""

from __future__ import annotations

from enum import StrEnum

from styx.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Label:
    """A secondary location, such as "first defined here"."""

    __slots__ = ("file", "message", "span")

    def __init__(self, span: Span, message: str, file: str | None = None) -> None:
        self.span = span
        self.message = message
        #: The file the span points into, when it is not the diagnostic's own file.
        self.file = file

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Label) and (self.span, self.message, self.file) == (
            other.span,
            other.message,
            other.file,
        )

    def __hash__(self) -> int:
        return hash((self.span, self.message, self.file))

    def __repr__(self) -> str:
        return f"Label({self.span!r}, {self.message!r})"


class Diagnostic:
    """One problem: where it is, what is wrong, and how to fix it."""

    __slots__ = ("code", "file", "help", "label", "labels", "message", "notes", "severity", "span")

    def __init__(
        self,
        code: str,
        message: str,
        span: Span,
        severity: Severity = Severity.ERROR,
        label: str = "",
        labels: tuple[Label, ...] = (),
        notes: tuple[str, ...] = (),
        help: str | None = None,
        file: str | None = None,
    ) -> None:
        #: A stable identifier such as ``styx::duplicate-key``.
        self.code = code
        self.message = message
        #: The primary location, in UTF-8 bytes.
        self.span = span
        self.severity = severity
        #: What the primary span is, shown under its carets.
        self.label = label
        self.labels = labels
        self.notes = notes
        self.help = help
        #: The file the primary span points into; None for the document at hand.
        self.file = file

    def _key(self) -> tuple[object, ...]:
        return (
            self.code,
            self.message,
            self.span,
            self.severity,
            self.label,
            self.labels,
            self.notes,
            self.help,
            self.file,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Diagnostic) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Diagnostic({self.code!r}, {self.message!r}, {self.span!r})"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def in_file(self, file: str | None) -> Diagnostic:
        """The same diagnostic, attributed to a file."""
        if self.file == file:
            return self
        return Diagnostic(
            self.code,
            self.message,
            self.span,
            self.severity,
            self.label,
            self.labels,
            self.notes,
            self.help,
            file,
        )


class DiagnosticSink:
    """Collects diagnostics while a document is being read."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self,
        code: str,
        message: str,
        span: Span,
        *,
        label: str = "",
        labels: tuple[Label, ...] = (),
        notes: tuple[str, ...] = (),
        help: str | None = None,
    ) -> None:
        self.items.append(
            Diagnostic(code, message, span, Severity.ERROR, label, labels, notes, help)
        )

    def sorted(self) -> list[Diagnostic]:
        """In source order."""
        return sorted(self.items, key=lambda d: (d.span.start, d.span.end))
