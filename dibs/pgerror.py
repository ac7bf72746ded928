"""PostgreSQL errors made readable: the failing statement with a caret under
PostgreSQL's error position, and database URLs without their password.

A migration error is read by someone at a terminal or in CI logs, usually in
a hurry; "syntax error at or near" is only useful next to the line it means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

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


def caret_excerpt(statement: str, position: int | None, context_lines: int = 2) -> str:
    """The statement's lines around ``position`` (1-based, in characters) with
    a ``^`` under the offending character; the whole statement when there is
    no position. Lines are numbered relative to the statement."""
    lines = statement.split("\n")
    if position is None or position < 1 or position > len(statement) + 1:
        return "\n".join(f"  {line}" for line in lines)
    index = position - 1
    line_no = statement.count("\n", 0, index)
    column = index - (statement.rfind("\n", 0, index) + 1)
    first = max(0, line_no - context_lines)
    width = len(str(line_no + 1))
    out: list[str] = []
    for k in range(first, line_no + 1):
        out.append(f"{k + 1:>{width}} | {lines[k].expandtabs(1)}")
    out.append(f"{'':>{width}} | {' ' * column}^")
    return "\n".join(out)


def line_of(statement: str, position: int | None) -> int:
    """0-based line of ``position`` within ``statement`` (0 without a position)."""
    if position is None or position < 1:
        return 0
    return statement.count("\n", 0, position - 1)


def render(info: SqlErrorInfo) -> str:
    """A multi-line, human report of ``info``."""
    head = f"ERROR: {info.message}"
    if info.sqlstate:
        head += f" (SQLSTATE {info.sqlstate})"
    parts = [head]
    if info.statement:
        parts.append(caret_excerpt(info.statement, info.position))
    if info.detail:
        parts.append(f"DETAIL: {info.detail}")
    if info.hint:
        parts.append(f"HINT: {info.hint}")
    if info.context:
        parts.append(f"CONTEXT: {info.context}")
    return "\n".join(parts)


_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` — URL or key=value form —
    so connection strings can be shown in logs and errors."""
    if "://" in url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return "<unparsable database URL>"
        if parts.password is not None:
            userinfo = parts.username or ""
            host = parts.netloc.rpartition("@")[2]
            parts = parts._replace(netloc=f"{userinfo}:***@{host}")
        query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
        return urlunsplit(parts._replace(query=query))
    return _KEYWORD_PASSWORD.sub(r"\1***", url)


def password_of(url: str) -> str | None:
    """The password in ``url``, if any, so messages echoing it can be scrubbed."""
    if "://" in url:
        try:
            return urlsplit(url).password or None
        except ValueError:
            return None
    found = _KEYWORD_PASSWORD.search(url)
    return found.group(2).strip("'") if found else None


def scrub(text: str, url: str) -> str:
    """``text`` with the password of ``url`` (if any) replaced by ``***``."""
    secret = password_of(url)
    if secret:
        # Both spellings: as written in the URL and percent-decoded.
        for form in sorted({secret, unquote(secret)}, key=len, reverse=True):
            text = text.replace(form, "***")
    return text
