"""`styx get FILE PATH` / `styx set FILE PATH VALUE`: `styx.edit` for shell scripts.

Exit codes (the project's convention for a question and an action):
``get`` 0 printed, 1 no value at PATH, 2 could not tell (unreadable file,
syntax error, a PATH that does not read); ``set`` 0 written, 2 not written
(the same reasons, a VALUE that is not Styx, or a result that does not fit
the document's declared schema).

Design points, each with the failure it prevents:

* ``get`` prints a scalar's text as is (a heredoc's content, a quoted
  string without its quotes), so ``$(styx get f name)`` is the value, as
  ``jq -r`` gives it; anything else is printed as written in the file.
* ``set`` reads VALUE as Styx (``9090``, ``{cert a.pem}``, ``(a b)``, ``@``)
  unless ``--string`` says it is literal text, and validates the edited
  document against its declared schema before writing: a script cannot make
  a configuration its program will refuse. Errors the file already had do
  not block a change (else a broken file could not be repaired one value at
  a time); an error the change brings does. The file is replaced atomically.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from styx.commands.common import Outcome, Source, parse_source
from styx.diagnostic import Diagnostic
from styx.source import Span

BAD_PATH = "styx::bad-path"
NO_VALUE = "styx::no-value"
BAD_VALUE = "styx::bad-value"


class EditExit(IntEnum):
    OK = 0
    NO = 1
    CANNOT = 2


def _problem(code: str, name: str, message: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, message, Span(0, 0), label="", help=help, file=name)


def _failed(parsed: Outcome, diagnostic: Diagnostic) -> Outcome:
    """An outcome reporting ``diagnostic`` about the file as a whole (no
    snippet: it is about the question asked, not about a line)."""
    return Outcome(Source(parsed.source.name, None), "", [*parsed.diagnostics, diagnostic])


def get_value(source: Source, path: str) -> tuple[Outcome, EditExit]:
    """The value at ``path`` as output."""
    from styx.editing import EditedDocument
    from styx.syntax.keypath import PathError

    parsed = parse_source(source)
    if parsed.document is None:
        return parsed, EditExit.CANNOT
    assert source.text is not None
    doc = EditedDocument(source.text, filename=source.name)
    try:
        value = doc.at(path)
    except PathError as error:
        return _failed(parsed, _problem(BAD_PATH, source.name, str(error))), EditExit.CANNOT
    except (KeyError, IndexError, TypeError):
        message = f"no value at `{path}`"
        return _failed(parsed, _problem(NO_VALUE, source.name, message)), EditExit.NO
    if isinstance(value, str):
        return parsed.then(value if value.endswith("\n") else value + "\n"), EditExit.OK
    return parsed.then(doc.text_at(path) + "\n"), EditExit.OK


def parse_value(text: str, *, literal: bool) -> Any:
    """VALUE as given on the command line: Styx, or literal text."""
    if literal:
        return text
    from styx.loading import loads

    return loads("k " + text)["k"]


def set_value(
    source: Source, path: str, value: str, *, literal: bool = False
) -> tuple[Outcome, EditExit]:
    """The edited document as output, checked against its declared schema."""
    from styx.commands.common import ExitCode
    from styx.commands.validation import SchemaCache, with_schema
    from styx.editing import EditedDocument, EditError
    from styx.syntax.keypath import PathError
    from styx.syntax.parser import StyxSyntaxError

    parsed = parse_source(source)
    if parsed.document is None:
        return parsed, EditExit.CANNOT
    assert source.text is not None
    try:
        data = parse_value(value, literal=literal)
    except StyxSyntaxError as error:
        message = f"VALUE is not a Styx value: {error.diagnostics[0].message}"
        hint = "quote it as Styx text, or pass --string to take it literally"
        return _failed(parsed, _problem(BAD_VALUE, source.name, message, hint)), EditExit.CANNOT
    doc = EditedDocument(source.text, filename=source.name)
    try:
        doc.set_at(path, data)
    except PathError as error:
        return _failed(parsed, _problem(BAD_PATH, source.name, str(error))), EditExit.CANNOT
    except (KeyError, IndexError, TypeError, EditError) as error:
        message = f"cannot set `{path}`: {_reason(error)}"
        return _failed(parsed, _problem(BAD_PATH, source.name, message)), EditExit.CANNOT
    edited = str(doc)
    cache = SchemaCache()
    checked, _ = with_schema(parse_source(Source(source.name, edited)), cache, override=None)
    if checked.code is not ExitCode.OK:
        before, _ = with_schema(parsed, cache, override=None)
        known = {_gist(d) for d in before.diagnostics if d.is_error}
        if any(_gist(d) not in known for d in checked.diagnostics if d.is_error):
            return checked, EditExit.CANNOT
    result = parsed.then(edited)
    result.diagnostics = [d for d in checked.diagnostics if not d.is_error]
    return result, EditExit.OK


def _gist(diagnostic: Diagnostic) -> tuple[str, str]:
    """What an error says, without where: the same problem moves when text
    before it changes length."""
    return diagnostic.code, diagnostic.message


def _reason(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"there is no {error.args[0]!r} on the way"
    if isinstance(error, IndexError):
        return "the sequence has no such position"
    return str(error)
