"""PostgreSQL errors made readable: the failing statement with a caret under
PostgreSQL's error position, its lines numbered as in the file it came from.
(Database URLs without their password: `dibs.redaction`.)

A migration error is read by someone at a terminal or in CI logs, usually in
a hurry; "syntax error at or near" is only useful next to the line it means.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass
class SqlErrorInfo:
    """What PostgreSQL said about a failed statement (JSON-friendly)."""

    message: str
    sqlstate: str | None = None
    detail: str | None = None
    hint: str | None = None
    context: str | None = None
    statement: str | None = None
    #: 1-based character position in ``statement``, as PostgreSQL reports it.
    position: int | None = None
    #: The line of its file ``statement`` starts on (excerpts are numbered
    #: in file lines); 1 when it is not from a file.
    first_line: int = 1


def from_psycopg(error: psycopg.Error, statement: str | None) -> SqlErrorInfo:
    """Collect the diagnostic fields of ``error`` raised by ``statement``.

    An error inside a function body carries an *internal* query and position;
    those are preferred because they point at the line that actually failed."""
    diag = error.diag
    position: int | None = None
    shown = statement
    if diag.internal_query and diag.internal_position:
        shown, position = diag.internal_query, _int(diag.internal_position)
    elif diag.statement_position:
        position = _int(diag.statement_position)
    text = str(error).strip()
    message = diag.message_primary or (text.splitlines()[0] if text else "")
    return SqlErrorInfo(
        message=message or type(error).__name__,
        sqlstate=diag.sqlstate or error.sqlstate,
        detail=diag.message_detail,
        hint=diag.message_hint,
        context=diag.context,
        statement=shown,
        position=position,
    )


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def caret_excerpt(
    statement: str, position: int | None, context_lines: int = 2, first_line: int = 1
) -> str:
    """The statement's lines around ``position`` (1-based, in characters) with
    a ``^`` under the offending character; the whole statement when there is
    no position. Lines are numbered from ``first_line``, the line of its file
    the statement starts on, so the numbers are the file's."""
    lines = statement.split("\n")
    if position is None or position < 1 or position > len(statement) + 1:
        first, last, column = 0, len(lines) - 1, None
    else:
        index = position - 1
        last = statement.count("\n", 0, index)
        column = index - (statement.rfind("\n", 0, index) + 1)
        first = max(0, last - context_lines)
    width = len(str(first_line + last))
    out = [f"{first_line + k:>{width}} | {lines[k].expandtabs(1)}" for k in range(first, last + 1)]
    if column is not None:
        out.append(f"{'':>{width}} | {' ' * column}^")
    return "\n".join(out)


def line_of(statement: str, position: int | None) -> int:
    """0-based line of ``position`` within ``statement`` (0 without a position)."""
    if position is None or position < 1:
        return 0
    return statement.count("\n", 0, position - 1)


def column_of(statement: str, position: int) -> int:
    """1-based column (in characters) of ``position`` within its line."""
    index = max(position - 1, 0)
    return index - statement.rfind("\n", 0, index)


def render(info: SqlErrorInfo) -> str:
    """A multi-line, human report of ``info``."""
    head = f"ERROR: {info.message}"
    if info.sqlstate:
        head += f" (SQLSTATE {info.sqlstate})"
    parts = [head]
    if info.statement:
        parts.append(caret_excerpt(info.statement, info.position, first_line=info.first_line))
    if info.detail:
        parts.append(f"DETAIL: {info.detail}")
    if info.hint:
        parts.append(f"HINT: {info.hint}")
    if info.context:
        parts.append(f"CONTEXT: {info.context}")
    return "\n".join(parts)
