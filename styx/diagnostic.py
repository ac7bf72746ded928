"""Diagnostics as data.

Every problem styx finds, in a document or in a schema, is a `Diagnostic`: a
stable code, a severity, a message, a primary span, secondary labelled spans,
notes and help. Library code only creates them; the CLI, the language server
and the JSON output decide how they look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from styx.source import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Label:
    """A secondary location, such as "first defined here"."""

    span: Span
    message: str
    #: The file the span points into, when it is not the diagnostic's own file.
    file: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    #: What the primary span is, shown under its carets.
    label: str = ""
    labels: tuple[Label, ...] = ()
    notes: tuple[str, ...] = ()
    help: str | None = None
    #: The file the primary span points into; None for the document at hand.
    file: str | None = None

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


@dataclass(slots=True)
class DiagnosticSink:
    """Collects diagnostics while a document is being read, in source order on request."""

    items: list[Diagnostic] = field(default_factory=list)

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
        self.items.append(Diagnostic(code, message, span, Severity.ERROR, label, labels, notes, help))

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.span.start, d.span.end))
