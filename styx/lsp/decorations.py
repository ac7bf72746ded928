"""What the editor draws into a document: inlay hints and document links.

Design points, each with the failure it prevents:

- The hint after ``@schema`` comes from the loaded schema's ``meta`` (first
  line of the description, and the version), so it says which schema the
  server actually applied, not what the declaration hoped for.
- A key written without a value where the schema has a ``@default`` shows
  that default. The hint only informs: ``key`` alone is the value ``@``,
  which the diagnostic on it explains; the hint tells what leaving the key
  out would mean. Optional fields left out get nothing, or a short config
  file would be buried in hints.
- Hints are computed for the requested range only, from one walk of the
  tree that looks a field up only for valueless keys, so a 2,000-line
  document costs a walk, not a schema lookup per entry.
- Links point at what the server resolved: the schema file it read (a path
  relative to the document, or a URL; for ``{id ..., cli ...}`` the file it
  was found in, or the cache's read-only copy of a schema that is only
  text), and a schema file's ``imports`` relative to that file.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

from lsprotocol import types

from styx.lsp.analysis import Analysis
from styx.lsp.cursor import walk
from styx.lsp.fields import field_at
from styx.lsp.navigation import materialised
from styx.lsp.protocol import file_uri, lsp_range
from styx.schema import model as m
from styx.source import Span
from styx.syntax import write
from styx.syntax.tree import Object, Scalar, Tagged, Unit, Value


def inlay_hints(analysis: Analysis, start: int, end: int) -> list[types.InlayHint]:
    """The schema's description and version after ``@schema``, and the
    default behind each valueless key, between ``start`` and ``end``."""
    tree = analysis.tree
    if tree is None:
        return []
    hints: list[types.InlayHint] = []
    declaration = analysis.declaration
    schema = analysis.schema
    meta = schema.meta if schema is not None else None
    if declaration is not None and meta is not None and start <= declaration.span.end <= end:
        hint = _schema_hint(analysis, declaration.span.end, meta)
        if hint is not None:
            hints.append(hint)
    if schema is None:
        return hints
    for path, entry in walk(tree):
        value = entry.value
        if not (isinstance(value, Unit) and value.implicit and start <= entry.key.end <= end):
            continue
        info = field_at(schema, list(path))
        resolved = info.schema.resolve(info.type) if info is not None else None
        if resolved is None or not isinstance(resolved[1], m.Default):
            continue
        default = resolved[1].value
        if default is None:
            continue
        position = lsp_range(analysis.index, Span(entry.key.end, entry.key.end)).start
        hints.append(
            types.InlayHint(
                position=position,
                label=f"default: {_shown(default)}",
                kind=types.InlayHintKind.Type,
                tooltip=f"The schema's default for `{info.name if info else ''}`, "
                "used when the key is left out.",
                padding_left=True,
            )
        )
    hints.sort(key=lambda hint: (hint.position.line, hint.position.character))
    return hints


def _schema_hint(analysis: Analysis, offset: int, meta: m.Meta) -> types.InlayHint | None:
    description = (meta.description or "").strip().splitlines()
    short = description[0].strip() if description else ""
    version = meta.version.isoformat() if meta.version is not None else ""
    if short and version:
        label = f"— {short} ({version})"
    elif short or version:
        label = f"— {short or version}"
    else:
        return None
    tooltip = f"Schema id: {meta.id}"
    if len(description) > 1:
        tooltip += "\n\n" + "\n".join(description)
    return types.InlayHint(
        position=lsp_range(analysis.index, Span(offset, offset)).start,
        label=label,
        kind=types.InlayHintKind.Type,
        tooltip=tooltip,
        padding_left=True,
    )


def _shown(value: Value) -> str:
    if isinstance(value, Scalar):
        return write.scalar(value.text)
    if isinstance(value, Tagged):
        return f"@{value.name}"
    if isinstance(value, Unit):
        return "@"
    return "{...}" if isinstance(value, Object) else "(...)"


def document_links(analysis: Analysis) -> list[types.DocumentLink]:
    """The ``@schema`` path or URL, and in a schema file its ``imports``."""
    tree = analysis.tree
    if tree is None:
        return []
    links: list[types.DocumentLink] = []
    declaration = analysis.declaration
    if declaration is not None and isinstance(declaration.value, Scalar):
        path = analysis.binding.schema_path if analysis.binding is not None else None
        target = _target(declaration.value.text, os.path.dirname(analysis.name), path)
        if target is not None:
            links.append(_link(analysis, declaration.value, target))
    elif (
        declaration is not None
        and isinstance(declaration.value, Object)
        and declaration.value.get("id") is not None
        and analysis.schema is not None
    ):
        # `{id ..., cli ...}`: the schema found for it, or its cached copy.
        path = analysis.binding.schema_path if analysis.binding is not None else None
        path = path or materialised(analysis.schema.origin, analysis.schema)
        target = file_uri(path) if path is not None else None
        if target is not None:
            links.append(_link(analysis, declaration.value, target))
    imports = tree.root.get("imports")
    if isinstance(imports, Object) and tree.root.get("schema") is not None:
        for entry in imports.entries:
            if isinstance(entry.value, Scalar):
                target = _target(entry.value.text, os.path.dirname(analysis.name), None)
                if target is not None:
                    links.append(_link(analysis, entry.value, target))
    return links


def _target(reference: str, base_dir: str, resolved: str | None) -> str | None:
    """A URL as it is; a path as the file it names, if that file exists."""
    if reference.startswith(("http://", "https://")):
        return reference
    if reference.startswith("file:"):
        reference = urllib.parse.unquote(urllib.parse.urlsplit(reference).path)
    path = resolved or os.path.join(base_dir, reference)
    return file_uri(os.path.abspath(path)) if os.path.isabs(base_dir) or resolved else None


def _link(analysis: Analysis, value: Value, target: str) -> types.DocumentLink:
    return types.DocumentLink(
        range=lsp_range(analysis.index, value.span),
        target=target,
        tooltip=f"Open {Path(urllib.parse.urlsplit(target).path).name or target}",
    )
