"""`styx fmt` and file mode's formatting: the canonical layout of a document."""

from __future__ import annotations

import difflib
import os
import tempfile

from styx.commands.common import ExitCode, Outcome


def format_parsed(parsed: Outcome, *, compact: bool = False) -> Outcome:
    """The formatted document as output (a failed parse passes through)."""
    from styx.format import format_document

    if parsed.document is None:
        return parsed
    return parsed.then(format_document(parsed.document, compact=compact))


def changed(outcome: Outcome) -> bool:
    return outcome.code is ExitCode.OK and outcome.output != outcome.source.text


def unified_diff(outcome: Outcome) -> str:
    name = outcome.source.name
    before = (outcome.source.text or "").splitlines(keepends=True)
    after = outcome.output.splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{name}", f"{name} (formatted)"))


def write_atomically(path: str, text: str) -> None:
    """Replace a file's contents without a window where it is half written,
    keeping its permission bits."""
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else None
    handle, temporary = tempfile.mkstemp(prefix=".styx-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
