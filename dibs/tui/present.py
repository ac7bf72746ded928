"""Text for the terminal UI: locations, times, names, editor commands and
migration sources. Pure functions, no Textual, so each is tested alone.

Design points, each with the failure it prevents:

- Locations are shown relative to the project root when they are inside
  it: ``my_app_db/tables.py:24`` fits an 80-column screen where an absolute
  path would push everything else off it.
- Sources are read with a size cap (`MAX_SOURCE`): a generated migration of
  many megabytes must not freeze highlighting; the cut is said on screen.
- The editor command knows the two conventions editors use for "open at a
  line" (``+LINE FILE`` and ``-g FILE:LINE``); anything else gets the
  first, which vi, Vim, Neovim, nano, Emacs, micro and kakoune all read.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dibs.schema.changes import SchemaDiff

#: The most of a migration's source shown (characters).
MAX_SOURCE = 200_000
#: The longest migration name `suggest_name` proposes.
MAX_NAME = 48
#: Editors that open ``FILE:LINE`` after ``-g``.
_GOTO_FLAG = frozenset({"code", "code-insiders", "codium", "cursor", "windsurf"})
#: Editors that open ``FILE:LINE`` given as is.
_COLON_LINE = frozenset({"subl", "zed", "hx", "helix"})
#: The runner's progress line when a migration is done: ``[2/5] applied ...``.
_APPLIED = re.compile(r"^\[(\d+)/(\d+)\] applied ")


def split_location(location: str | None) -> tuple[str, int] | None:
    """``file:line`` as its parts, or None when it has no line number."""
    if not location:
        return None
    path, sep, line = location.rpartition(":")
    if not sep or not path or not line.isdigit():
        return None
    return path, int(line)


def shown_location(location: str | None, root: Path) -> str:
    """``location`` relative to ``root`` when it lies inside it."""
    parts = split_location(location)
    if parts is None:
        return location or ""
    path, line = parts
    with contextlib.suppress(ValueError, OSError):
        path = str(Path(path).resolve().relative_to(root.resolve()))
    return f"{path}:{line}"


def duration(ms: int | None) -> str:
    """``12 ms``, ``1.5 s``, ``2 min 5 s``; empty for unknown."""
    if ms is None:
        return ""
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes} min {seconds} s"


def applied_time(iso: str | None) -> str:
    """An ISO 8601 time as ``YYYY-MM-DD HH:MM`` in UTC; empty for unknown."""
    if not iso:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


def state_label(migration: Mapping[str, object]) -> str:
    """A migration's state as the list shows it (``pending, out of order``)."""
    state = str(migration.get("state", ""))
    return f"{state}, out of order" if migration.get("out_of_order") else state


def progress(message: str) -> tuple[int, int] | None:
    """``(done, total)`` when ``message`` is the runner's line for a
    migration it finished applying."""
    found = _APPLIED.match(message)
    return (int(found.group(1)), int(found.group(2))) if found else None


def suggest_name(difference: SchemaDiff) -> str:
    """A migration name for ``difference``, to be edited: ``create_posts``,
    ``add_posts_tags``, ``drop_users_bio``, else ``update_`` and the tables
    changed."""
    changes = [c for c in difference.changes if not c.kind.startswith("comment")]
    changes = changes or list(difference.changes)
    if not changes:
        return "update_schema"
    created = [c.table or c.subject or "" for c in changes if c.kind == "add_table"]
    if created and all(c.kind in ("add_table", "create_enum") for c in changes):
        name = "create_" + "_".join(created)
    elif len(changes) == 1 and changes[0].subject and changes[0].table:
        verb = changes[0].kind.split("_", 1)[0]
        name = f"{verb}_{changes[0].table}_{changes[0].subject}"
    else:
        tables = list(dict.fromkeys(c.table or c.subject or "types" for c in changes))
        name = "update_" + "_".join(tables)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return name[:MAX_NAME].rstrip("_") or "update_schema"


def editor_command(path: str, line: int, environ: Mapping[str, str] | None = None) -> list[str]:
    """The command opening ``path`` at ``line`` in ``$VISUAL``, else
    ``$EDITOR``, else ``vi``."""
    environ = os.environ if environ is None else environ
    editor = environ.get("VISUAL") or environ.get("EDITOR") or "vi"
    try:
        argv = shlex.split(editor)
    except ValueError:
        argv = [editor]
    argv = argv or ["vi"]
    program = Path(argv[0]).name
    if program in _GOTO_FLAG:
        return [*argv, "-g", f"{path}:{line}"]
    if program in _COLON_LINE:
        return [*argv, f"{path}:{line}"]
    return [*argv, f"+{line}", path]


@dataclass(frozen=True)
class Source:
    """A migration's source, ready to highlight."""

    path: str
    text: str
    #: ``sql`` or ``python``.
    language: str
    #: The line to mark: the migration function's, in a Python file.
    line: int
    #: Said above the source: why it is cut, or why there is none.
    note: str = ""


def migration_source(location: str | None) -> Source:
    """The source of the migration at ``location``: its ``.sql`` file, or
    the Python file defining it with the function's first line marked."""
    parts = split_location(location)
    if parts is None:
        return Source("", "", "sql", 1, "no source: the migration is not defined in the code")
    path, line = parts
    language = "python" if path.endswith(".py") else "sql"
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(MAX_SOURCE + 1)
    except OSError as error:
        return Source(path, "", language, line, f"cannot read {path}: {error.strerror or error}")
    note = ""
    if len(text) > MAX_SOURCE:
        text = text[:MAX_SOURCE]
        note = f"only the first {MAX_SOURCE // 1000} kB are shown"
    return Source(path, text, language, line if language == "python" else 1, note)
