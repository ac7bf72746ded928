"""What the server knows about one open document, recomputed on each change.

Diagnostics come from the functions behind `styx check` (`parsed_outcome`,
then `apply_schema`), so the editor and the command line agree to the
character. What makes that affordable on every keystroke is the `Binding`:
the resolved and loaded schema is kept while the ``@schema`` declaration is
the same text at the same offset (so its spans, which the schema
diagnostics point at, are still right) and the schema file is unchanged on
disk. An edit then costs a parse and a validation with checkers compiled
the first time.

Resolving is the server's to decide (`Resolver`): it fetches a URL schema
in the background and answers "pending" meanwhile, a resolution this
module keeps retrying on each analysis until the real one arrives.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from styx.commands.common import Outcome, Source, parsed_outcome
from styx.commands.validation import SchemaCache, apply_schema, document_dir
from styx.lsp.hints import Hint, hint_for, missing_declaration
from styx.schema import model as m
from styx.schema.load import SchemaError
from styx.schema.resolve import Located, Resolution, SourceKind, read_declaration, resolve
from styx.source import LineIndex
from styx.syntax.parser import parse_lenient
from styx.syntax.tree import Document, Entry

#: The declaration's text and offset, and the document's folder.
BindingKey = tuple[str | None, int, str]

#: A resolution standing in for one being fetched (information, not an error).
SCHEMA_PENDING = "styx::schema-pending"

#: How the schema of a document is found: `resolve` itself, or the server's
#: background fetcher.
Resolver = Callable[[Document, str], Resolution]


@dataclass
class Binding:
    """A document's schema as resolved and loaded, reused across edits."""

    key: BindingKey
    resolution: Resolution
    cache: SchemaCache
    #: The schema file's size and modification time when it was read.
    stamp: tuple[int, int] | None
    #: Look again on the next edit: the schema was not found, and looking
    #: is cheap (no network), so a schema created meanwhile is picked up.
    retry: bool
    #: The loaded schema, once a valid document has been checked against it.
    schema: m.Schema | None = None

    @property
    def schema_path(self) -> str | None:
        """The local file the schema was read from, if any."""
        source = self.resolution.source
        return source.path if source is not None else None

    def current(self, key: BindingKey) -> bool:
        return self.key == key and not self.retry and _stamp(self.resolution) == self.stamp

    @property
    def files(self) -> set[str]:
        """Every local file the schema was read from: its own, and those of
        the schemas it imports (transitively), which the server watches."""
        found = {self.schema_path} if self.schema_path else set()
        pending = [self.schema] if self.schema is not None else []
        seen: set[int] = set()
        while pending:
            schema = pending.pop()
            if id(schema) in seen:
                continue
            seen.add(id(schema))
            for imported in schema.imports.values():
                if imported.schema is not None:
                    filename = imported.schema.origin.filename
                    if filename is not None and os.path.isfile(filename):
                        found.add(os.path.abspath(filename))
                    pending.append(imported.schema)
        return found


@dataclass
class Analysis:
    """One version of a document: its text, its diagnostics, its tree and
    schema when it has them."""

    name: str
    text: str
    index: LineIndex
    outcome: Outcome
    #: The tree even when it has errors (a duplicate key, a stray atom), for
    #: navigation; `document` is only set when the text is valid.
    tree: Document | None
    binding: Binding | None
    #: The known tool this file belongs to, when it declares no schema.
    hint: Hint | None

    @property
    def document(self) -> Document | None:
        return self.outcome.document

    @property
    def schema(self) -> m.Schema | None:
        """The schema, loaded; while the text is broken, the last one."""
        return self.binding.schema if self.binding is not None else None

    @property
    def declaration(self) -> Entry | None:
        """The ``@schema`` entry of this version of the text."""
        return self.tree.declaration if self.tree is not None else None


def analyze(
    name: str, text: str, previous: Binding | None = None, resolver: Resolver | None = None
) -> Analysis:
    """Check ``text`` as the file ``name``, reusing ``previous`` when it is
    still current. A text with errors is not validated, but its schema is
    still bound and loaded when the tree allows, for hover and completion;
    without a tree, ``previous`` is kept for the next edit, since typing
    passes through broken states all the time."""
    index = LineIndex(text)
    result = parse_lenient(text, filename=name)
    parsed = parsed_outcome(Source(name, text), result)
    tree = result.document
    binding = (
        _bind(tree, name, index, previous, resolver or _resolve) if tree is not None else previous
    )
    document = parsed.document
    if document is None or binding is None:
        if binding is not None and binding.schema is None:
            binding.schema = _load_quietly(binding, name, text)
        return Analysis(name, text, index, parsed, tree, binding, None)
    outcome, binding.schema = apply_schema(parsed, binding.resolution, binding.cache)
    hint = None
    if binding.resolution.declaration is None:
        hint = hint_for(name)
        if hint is not None:
            outcome.diagnostics = [missing_declaration(hint), *outcome.diagnostics]
    return Analysis(name, text, index, outcome, document, binding, hint)


def _resolve(document: Document, base_dir: str) -> Resolution:
    return resolve(document, base_dir=base_dir)


def _bind(
    document: Document,
    name: str,
    index: LineIndex,
    previous: Binding | None,
    resolver: Resolver,
) -> Binding:
    declaration = document.declaration
    base_dir = document_dir(name)
    key: BindingKey = (
        (index.slice(declaration.span), declaration.span.start, base_dir)
        if declaration is not None
        else (None, 0, base_dir)
    )
    if previous is not None and previous.current(key):
        return previous
    resolution = resolver(document, base_dir)
    pending = any(d.code == SCHEMA_PENDING for d in resolution.diagnostics)
    retry = pending or _cheap_retry(resolution)
    return Binding(key, resolution, SchemaCache(), _stamp(resolution), retry)


def _load_quietly(binding: Binding, name: str, text: str) -> m.Schema | None:
    """The schema for navigation only: its problems are reported once the
    document is valid and gets checked."""
    source = binding.resolution.source
    if source is None or binding.resolution.disabled:
        return None
    try:
        return binding.cache.load(source, name, text)
    except SchemaError:
        return None


def _stamp(resolution: Resolution) -> tuple[int, int] | None:
    source = resolution.source
    if source is None or source.kind is not SourceKind.FILE or source.path is None:
        return None
    try:
        status = os.stat(source.path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _cheap_retry(resolution: Resolution) -> bool:
    """A schema not found, unless looking again means the network."""
    if resolution.source is not None or resolution.declaration is None or resolution.disabled:
        return False
    declared, _ = read_declaration(resolution.declaration)
    return not (isinstance(declared, Located) and "://" in declared.target)
