"""Names the way PostgreSQL writes and limits them: unquoted names in
snake_case, constraints and indexes ``{table}_{columns}_{suffix}``, and no
name over 63 bytes.

Every generated name is deterministic, so that a definition and a live
database agree on it: a name PostgreSQL picked on its own (truncating and
numbering clashes) would depend on what already exists.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from dibs.tables.errors import definition_error

#: PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1).
MAX_NAME_BYTES: Final = 63


def snake(name: str) -> str:
    """``HTTPRequestLog`` -> ``http_request_log``: PostgreSQL folds unquoted
    names to lower case, so the names it prints are snake_case."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def name_part(expression: str) -> str:
    """What an expression contributes to an index name: its words
    (``(lower(email))`` gives ``lower_email``)."""
    return re.sub(r"\W+", "_", expression).strip("_").lower() or "expr"


def explicit_name(where: str, kind: str, name: str | None) -> str | None:
    """A name the definition gives (checked for length), or None for the
    caller to generate one: a generated name cannot be too long."""
    if name is not None:
        check_name_length(where, kind, name)
    return name


def check_name_length(where: str, kind: str, name: str) -> None:
    """Refuse a name PostgreSQL would truncate: the database would hold
    another name than the definition, and they would never compare equal."""
    size = len(name.encode())
    if size > MAX_NAME_BYTES:
        raise definition_error(
            where,
            f"{kind} name {name!r} is {size} bytes long; PostgreSQL would cut it to"
            f" {MAX_NAME_BYTES}, so choose a shorter one",
        )


def pg_name(*parts: str) -> str:
    """``parts`` joined with ``_``, as PostgreSQL names constraints; a name
    over 63 bytes keeps its first 54 and adds a hash of the whole, so it
    stays unique and the same from run to run (PostgreSQL instead truncates
    and numbers clashes, which depends on what already exists)."""
    name = "_".join(parts)
    encoded = name.encode()
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    head = encoded[: MAX_NAME_BYTES - 9].decode(errors="ignore")
    return f"{head}_{hash8(name)}"


def hash8(text: str) -> str:
    """A short digest of ``text`` that makes a generated name follow it."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]
