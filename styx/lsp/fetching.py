"""Schemas declared by URL, fetched without ever blocking the server.

Design points, each with the failure it prevents:

- A URL declaration is resolved on a worker thread, with `resolve`'s own
  timeout; until it answers, the document is analysed against a "pending"
  resolution (an information diagnostic on the ``@schema`` line), so typing,
  hover and completion never wait for the network.
- The finished resolution is kept by the binding key (declaration text,
  offset, folder), the same key that decides when a document re-resolves,
  so it is used exactly by the documents it was fetched for, and handed
  out once: a later change of the declaration fetches again (the network
  may be back). The server is told (`on_done`, from the worker thread) to
  analyse the waiting documents again and republish their diagnostics.
- One fetch per key at a time, however many keystrokes ask meanwhile.
- Everything else (paths, registry ids, inline schemas) is resolved at
  once, on the calling thread, as before: none of it touches the network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from styx.diagnostic import Diagnostic, Severity
from styx.lsp.analysis import SCHEMA_PENDING, BindingKey
from styx.schema.resolve import Located, Resolution, read_declaration, resolve
from styx.syntax.tree import Document, Entry

#: Seconds a fetch may take, as `styx check` allows.
FETCH_TIMEOUT = 10.0


class Fetcher:
    """Resolves documents' schemas; URLs in the background."""

    def __init__(self, on_done: Callable[[], None], *, timeout: float = FETCH_TIMEOUT) -> None:
        self._on_done = on_done
        self._timeout = timeout
        self._lock = threading.Lock()
        self._done: dict[BindingKey, Resolution] = {}
        self._running: set[BindingKey] = set()

    def resolve(self, document: Document, base_dir: str) -> Resolution:
        """The resolution now, or a pending one while the URL is fetched."""
        entry = document.declaration
        if entry is None or not _is_url(entry):
            return resolve(document, base_dir=base_dir)
        key = _key(document, entry, base_dir)
        with self._lock:
            found = self._done.pop(key, None)
            if found is not None:
                return found
            if key not in self._running:
                self._running.add(key)
                worker = threading.Thread(
                    target=self._fetch, args=(key, document, base_dir), daemon=True
                )
                worker.start()
        return Resolution(None, [_pending(entry)], entry)

    def pending(self) -> bool:
        with self._lock:
            return bool(self._running)

    def _fetch(self, key: BindingKey, document: Document, base_dir: str) -> None:
        try:
            resolution = resolve(document, base_dir=base_dir, fetch_timeout=self._timeout)
        except Exception:  # a bug must not leave the document pending forever
            entry = document.declaration
            resolution = Resolution(None, [], entry)
        with self._lock:
            self._done[key] = resolution
            self._running.discard(key)
        self._on_done()


def _is_url(entry: Entry) -> bool:
    declared, _ = read_declaration(entry)
    return isinstance(declared, Located) and declared.target.startswith(("http://", "https://"))


def _key(document: Document, entry: Entry, base_dir: str) -> BindingKey:
    text = document.source.encode("utf-8")[entry.span.start : entry.span.end].decode("utf-8")
    return (text, entry.span.start, base_dir)


def _pending(entry: Entry) -> Diagnostic:
    return Diagnostic(
        SCHEMA_PENDING,
        "fetching the schema; the document is checked when it arrives",
        entry.span,
        Severity.NOTE,
    )
