"""Quick fixes and rewrites: what each code action changes, as byte spans.

Design points, each with the failure it prevents:

- A quick fix starts from a diagnostic the analysis already holds (its code
  and span), never from re-reading the message text, so rewording a
  message cannot break a fix; the "did you mean" of the message and the
  fix's target both come from `styx.schema.validate.closest`, so the title
  never offers a different name than the diagnostic suggested.
- Rewrites of an object (add the missing fields, fill in every field,
  reorder into schema order) look at the object under the cursor and its
  schema, with or without a diagnostic, because "fill in everything" and
  "reorder" answer no error.
- Edits are minimal and keep the writer's layout: new fields go in the
  object's own indentation (a one-line object stays on one line); a removed
  entry takes its line with it only when it was alone on it; a reordered
  entry carries the comments written directly above it and after it on its
  line, so no comment ends up describing the wrong field.
- Nothing here knows the protocol: `styx.lsp.editing` turns a `Fix` into a
  code action.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from styx.diagnostic import Diagnostic
from styx.lsp.analysis import Analysis
from styx.lsp.cursor import Segment, Trail, entry_at, path_of, trail_at
from styx.lsp.fields import FieldInfo, choices, field_at, fields_of, places_at
from styx.schema import codes
from styx.schema import model as m
from styx.schema.validate import closest, example
from styx.source import LineIndex, Span
from styx.syntax import codes as syntax_codes
from styx.syntax import write
from styx.syntax.tree import Document, Entry, Object, ObjectForm, Scalar, Tagged, Unit, Value

QUICKFIX = "quickfix"
REWRITE = "refactor.rewrite"

#: Diagnostics about a value that one of the schema's listed values would fix.
_VALUE_CODES = frozenset(
    {
        codes.INVALID_VARIANT,
        codes.NOT_ONE_OF,
        codes.TYPE_MISMATCH,
        codes.LITERAL_MISMATCH,
        codes.UNION_MISMATCH,
    }
)
#: More replacements than this are not a menu anyone reads.
_MAX_CHOICES = 24
#: Diagnostics looked at per request: a range over a document with
#: thousands of errors still answers at once (the first ones get fixes).
_MAX_DIAGNOSTICS = 200
#: Field names shown in a title before "…".
_TITLE_NAMES = 3
_BACKTICKED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Fix:
    """One code action: a title, its edits (byte spans of the analysed
    text and their replacements), and the diagnostics it resolves."""

    title: str
    edits: tuple[tuple[Span, str], ...]
    kind: str = QUICKFIX
    preferred: bool = False
    fixes: tuple[Diagnostic, ...] = ()


def fixes_at(analysis: Analysis, start: int, end: int) -> list[Fix]:
    """Every fix for the diagnostics touching ``start..end``, then the
    rewrites of the object at ``start``."""
    tree = analysis.tree
    if tree is None:
        return []
    found: list[Fix] = []
    touching = [
        d
        for d in analysis.outcome.diagnostics
        if d.file in (None, analysis.name) and d.span.start <= end and start <= d.span.end
    ]
    for diagnostic in touching[:_MAX_DIAGNOSTICS]:
        found += _for_diagnostic(analysis, tree, diagnostic)
    if analysis.schema is not None and analysis.document is not None:
        found += _object_rewrites(analysis, tree, analysis.schema, start)
    return _unique(found)


# ---------------------------------------------------------------- diagnostics


def _for_diagnostic(analysis: Analysis, tree: Document, diagnostic: Diagnostic) -> list[Fix]:
    code = diagnostic.code
    if code == syntax_codes.DUPLICATE_KEY:
        return _remove_duplicate(analysis, tree, diagnostic)
    schema = analysis.schema
    if schema is None:
        return []
    if code == codes.UNKNOWN_FIELD:
        return _rename_unknown(analysis, tree, schema, diagnostic)
    if code == codes.DEPRECATED:
        return _deprecated(analysis, tree, schema, diagnostic)
    if code == codes.MISSING_FIELD:
        found = _object_of_missing(tree, diagnostic.span)
        if found is None:
            return []
        path, obj = found
        fix = _add_fields(analysis, schema, path, obj, everything=False)
        return [fix] if fix is not None else []
    if code in _VALUE_CODES:
        return _replace_value(analysis, tree, schema, diagnostic)
    return []


def _keyed_entry(tree: Document, key: Span) -> tuple[Trail, Entry, Object] | None:
    """The entry whose key is exactly ``key``, its trail, and the object holding it."""
    found = entry_at(tree, key.start)
    if found is None:
        return None
    trail, entry = found
    if entry.key.span != key:
        return None
    holder = trail[-2].value if len(trail) > 1 else tree.root
    if not isinstance(holder, Object):
        return None
    return trail, entry, holder


def _rename_unknown(
    analysis: Analysis, tree: Document, schema: m.Schema, diagnostic: Diagnostic
) -> list[Fix]:
    found = _keyed_entry(tree, diagnostic.span)
    if found is None:
        return []
    trail, entry, holder = found
    if not isinstance(entry.key, Scalar):
        return []
    names = [info.name for info in fields_of(places_at(schema, path_of(trail[:-1])))]
    target = closest(entry.key.text, names)
    if target is None or target in _present(holder):
        return []
    edit = (entry.key.span, write.key(target))
    return [Fix(f"Rename to `{target}`", (edit,), preferred=True, fixes=(diagnostic,))]


def _remove_duplicate(analysis: Analysis, tree: Document, diagnostic: Diagnostic) -> list[Fix]:
    found = _keyed_entry(tree, diagnostic.span)
    if found is None:
        return []
    _, entry, holder = found
    edit = (_removal(analysis.index, entry, holder), "")
    name = _key_name(entry.key)
    return [Fix(f"Remove the duplicate `{name}`", (edit,), preferred=True, fixes=(diagnostic,))]


def _deprecated(
    analysis: Analysis, tree: Document, schema: m.Schema, diagnostic: Diagnostic
) -> list[Fix]:
    found = _keyed_entry(tree, diagnostic.span)
    if found is None:
        return []
    trail, entry, holder = found
    name = _key_name(entry.key)
    fixes: list[Fix] = []
    target = _successor(schema, trail, holder)
    if target is not None:
        edit = (entry.key.span, write.key(target))
        fixes.append(Fix(f"Rename to `{target}`", (edit,), preferred=True, fixes=(diagnostic,)))
    removal = (_removal(analysis.index, entry, holder), "")
    fixes.append(Fix(f"Remove `{name}`", (removal,), fixes=(diagnostic,)))
    return fixes


def _successor(schema: m.Schema, trail: Trail, holder: Object) -> str | None:
    """The field a deprecated one was replaced by, when its reason names
    one in backticks ("use `port` instead") that the object has and the
    document does not use yet."""
    info = field_at(schema, path_of(trail))
    if info is None:
        return None
    resolved = info.schema.resolve(info.type)
    if resolved is None or not isinstance(resolved[1], m.Deprecated):
        return None
    names = {field.name for field in fields_of(places_at(schema, path_of(trail[:-1])))}
    present = _present(holder)
    for named in _BACKTICKED.findall(resolved[1].reason):
        if named in names and named not in present and named != info.name:
            return str(named)
    return None


def _replace_value(
    analysis: Analysis, tree: Document, schema: m.Schema, diagnostic: Diagnostic
) -> list[Fix]:
    """Each value the schema lists, in place of the one it rejected."""
    trail = trail_at(tree, diagnostic.span.start)
    depth = next(
        (
            index
            for index in range(len(trail) - 1, -1, -1)
            if trail[index].value.start == diagnostic.span.start
        ),
        None,
    )
    if depth is None:
        return []
    step = trail[depth]
    value = step.value
    offered = choices(places_at(schema, path_of(trail[: depth + 1])))[:_MAX_CHOICES]
    if not offered:
        return []
    texts = [choice.text for choice in offered]
    written_now = value.text if isinstance(value, Scalar) else _tag_text(value)
    best = closest(written_now, texts) if written_now else None
    if best is None and len(texts) == 1:
        best = texts[0]
    fixes = []
    for choice in offered:
        edit = _value_edit(step.entry, value, choice.text)
        if edit is None:
            continue
        note = " (the default)" if choice.detail == "the default" else ""
        fixes.append(
            Fix(
                f"Replace with `{choice.text}`{note}",
                (edit,),
                preferred=choice.text == best,
                fixes=(diagnostic,),
            )
        )
    return fixes


def _value_edit(entry: Entry | None, value: Value, text: str) -> tuple[Span, str] | None:
    if isinstance(value, Unit) and value.implicit:
        if entry is None:
            return None
        return Span(entry.key.end, entry.key.end), f" {text}"
    if isinstance(value, Tagged) and text.startswith("@") and value.payload is not None:
        # Another variant's name; the payload is kept.
        return Span(value.start, value.name_end), text
    return value.span, text


def _tag_text(value: Value) -> str | None:
    return f"@{value.name}" if isinstance(value, Tagged) else None


def _object_of_missing(tree: Document, span: Span) -> tuple[list[Segment], Object] | None:
    """The object a missing-field diagnostic is about: the value of the key
    it points at, or the root when it points at the document's start."""
    if span == Span(0, 0):
        return [], tree.root
    found = entry_at(tree, span.start)
    if found is not None:
        trail, entry = found
        if entry.key.span == span and isinstance(entry.value, Object):
            return path_of(trail), entry.value
    trail = trail_at(tree, span.start)
    for depth in range(len(trail) - 1, -1, -1):
        value = trail[depth].value
        if isinstance(value, Object) and value.start == span.start:
            return path_of(trail[: depth + 1]), value
    return None


# ---------------------------------------------------------------- objects


def _object_rewrites(
    analysis: Analysis, tree: Document, schema: m.Schema, offset: int
) -> list[Fix]:
    path, obj = _object_at(tree, offset)
    found = [
        _add_fields(analysis, schema, path, obj, everything=False),
        _add_fields(analysis, schema, path, obj, everything=True),
        _reorder(analysis, schema, path, obj),
    ]
    return [fix for fix in found if fix is not None]


def _object_at(tree: Document, offset: int) -> tuple[list[Segment], Object]:
    """The innermost object written as a block or attributes that holds
    ``offset``, or whose key is at it; the root otherwise."""
    trail = trail_at(tree, offset)
    for depth in range(len(trail) - 1, -1, -1):
        step = trail[depth]
        value = step.value
        if not isinstance(value, Object) or value.form is ObjectForm.PATH:
            continue
        if step.entry is tree.declaration and depth == 0:
            continue
        on_key = step.entry is not None and step.entry.key.start <= offset <= step.entry.key.end
        if on_key or value.start < offset < value.end:
            return path_of(trail[: depth + 1]), value
    return [], tree.root


def _add_fields(
    analysis: Analysis, schema: m.Schema, path: list[Segment], obj: Object, *, everything: bool
) -> Fix | None:
    """The missing required fields (or every missing field), each with its
    default or a value of its type, each written before the first entry
    the schema lists after it (after the last entry when none is), so that
    an object in schema order stays in it."""
    if obj.form is ObjectForm.PATH:  # `a.b 1` has no braces to write into
        return None
    fields = fields_of(places_at(schema, path))
    present = _present(obj)
    missing = [info for info in fields if info.name not in present and not _deprecated_field(info)]
    required = [info for info in missing if info.required]
    chosen = missing if everything else required
    if not chosen or (everything and len(missing) == len(required)):
        return None
    braced = analysis.tree is not None and analysis.tree.explicit_root
    ranks = {info.name: rank for rank, info in enumerate(fields)}
    edits = _placed(analysis, obj, chosen, ranks, is_root=not path and not braced)
    names = ", ".join(f"`{info.name}`" for info in chosen[:_TITLE_NAMES])
    more = ", …" if len(chosen) > _TITLE_NAMES else ""
    if everything:
        return Fix(f"Fill in all fields: {names}{more}", edits, kind=REWRITE)
    missing_names = {info.name for info in chosen}
    resolved = tuple(
        d
        for d in analysis.outcome.diagnostics
        if d.code == codes.MISSING_FIELD
        and _missing_name(d) in missing_names
        and _object_of_missing_is(analysis, d, obj)
    )[: len(chosen)]
    return Fix(f"Add missing fields: {names}{more}", edits, preferred=True, fixes=resolved)


def _deprecated_field(info: FieldInfo) -> bool:
    """A field people are asked to stop writing is never filled in."""
    resolved = info.schema.resolve(info.type)
    return resolved is not None and isinstance(resolved[1], m.Deprecated)


def _missing_name(diagnostic: Diagnostic) -> str | None:
    """The field a missing-field diagnostic names (its first backticked word)."""
    found = _BACKTICKED.search(diagnostic.message)
    return found.group(1) if found else None


def _object_of_missing_is(analysis: Analysis, diagnostic: Diagnostic, obj: Object) -> bool:
    tree = analysis.tree
    if tree is None:
        return False
    found = _object_of_missing(tree, diagnostic.span)
    return found is not None and found[1] is obj


def _attached(info: FieldInfo, form: ObjectForm) -> str:
    value = example(info.type, info.schema)
    return f">{value}" if form is ObjectForm.ATTRIBUTES else f" {value}"


def _placed(
    analysis: Analysis,
    obj: Object,
    chosen: list[FieldInfo],
    ranks: dict[str, int],
    *,
    is_root: bool,
) -> tuple[tuple[Span, str], ...]:
    """The edits writing ``chosen`` into ``obj``: each group of fields
    before the earliest written entry that the schema lists after them
    (in that entry's indentation, above its comments), the rest after the
    last entry. Attributes, and entries sharing lines, only get the latter."""
    index = analysis.index
    declaration = _declaration(analysis) if is_root else None
    entries = [e for e in obj.entries if e is not declaration]
    lines = {info.name: f"{write.key(info.name)}{_attached(info, obj.form)}" for info in chosen}
    one_line = not is_root and index.line_of(obj.start) == index.line_of(obj.end)
    floor = _floor(analysis, obj, declaration)
    chunks, shared = _chunks(analysis, entries, floor) if entries else ([], False)
    if one_line:
        chunks = [_own_span(e) for e in entries]
    if obj.form is ObjectForm.ATTRIBUTES or (shared and not one_line):
        return (_insertion(analysis, obj, list(lines.values()), is_root=is_root),)
    written = [
        (ranks[_key_name(e.key)], position)
        for position, e in enumerate(entries)
        if _key_name(e.key) in ranks
    ]
    groups: dict[int | None, list[str]] = {}
    for info in chosen:
        later = [position for rank, position in written if rank > ranks[info.name]]
        groups.setdefault(min(later) if later else None, []).append(lines[info.name])
    edits = []
    for anchor, group in groups.items():
        if anchor is None:
            edits.append(_insertion(analysis, obj, group, is_root=is_root))
            continue
        start = chunks[anchor].start
        if one_line:
            edits.append((Span(start, start), "".join(f"{line}, " for line in group)))
            continue
        line_start = index.line_start(index.line_of(start))
        indent = index.slice(Span(line_start, start))
        edits.append((Span(line_start, line_start), "".join(f"{indent}{line}\n" for line in group)))
    return tuple(sorted(edits, key=lambda edit: edit[0].start))


def _insertion(
    analysis: Analysis, obj: Object, lines: list[str], *, is_root: bool
) -> tuple[Span, str]:
    """Where and how new entries go into ``obj``, in its own layout."""
    index = analysis.index
    entries = [e for e in obj.entries if not (is_root and e is _declaration(analysis))]
    if obj.form is ObjectForm.ATTRIBUTES:
        return Span(obj.end, obj.end), "".join(f" {line}" for line in lines)
    one_line = not is_root and index.line_of(obj.start) == index.line_of(obj.end)
    if one_line and entries:
        brace = obj.end - 1
        return Span(brace, brace), "".join(f", {line}" for line in lines)
    unit = _indent_unit(index)
    if entries:
        last = entries[-1]
        line = index.line_of(last.span.end)
        indent = _leading(index, index.line_of(last.key.start))
        if indent is None:
            outer = _leading(index, index.line_of(obj.start)) or ""
            indent = "" if is_root else outer + unit
        at = index.line_end(line)
        if not is_root and index.line_of(obj.end) == line:
            at = last.span.end
        return Span(at, at), "".join(f"\n{indent}{line}" for line in lines)
    if is_root:
        declaration = _declaration(analysis)
        if declaration is None:
            return Span(0, 0), "".join(f"{line}\n" for line in lines)
        at = index.line_end(index.line_of(declaration.span.end))
        return Span(at, at), "\n" + "".join(f"\n{line}" for line in lines)
    outer = _leading(index, index.line_of(obj.start)) or ""
    body = "".join(f"{outer}{unit}{line}\n" for line in lines)
    return Span(obj.start + 1, obj.end - 1), f"\n{body}{outer}"


def _declaration(analysis: Analysis) -> Entry | None:
    return analysis.declaration


def _leading(index: LineIndex, line: int) -> str | None:
    """The whitespace a line starts with; None when the line is empty."""
    text = index.line_text(line)
    stripped = text.lstrip(" \t")
    return text[: len(text) - len(stripped)] if stripped else None


def _indent_unit(index: LineIndex) -> str:
    """The document's indentation step: a tab if its lines start with tabs,
    else the narrowest run of leading spaces, else four spaces."""
    widths = []
    for line in range(min(index.line_count, 2_000)):
        leading = _leading(index, line)
        if leading:
            if leading.startswith("\t"):
                return "\t"
            widths.append(len(leading))
    return " " * min(widths) if widths else "    "


def _reorder(analysis: Analysis, schema: m.Schema, path: list[Segment], obj: Object) -> Fix | None:
    """The object's entries in schema order; unknown keys after the known
    ones, in their order; each entry with its comments."""
    order = {info.name: rank for rank, info in enumerate(fields_of(places_at(schema, path)))}
    declaration = _declaration(analysis) if not path else None
    entries = [e for e in obj.entries if e is not declaration]
    if len(entries) < 2 or not order:
        return None
    names = [_key_name(e.key) for e in entries]
    if len(set(names)) != len(names):
        return None
    wanted = sorted(
        range(len(entries)),
        key=lambda i: (0, order[names[i]], i) if names[i] in order else (1, 0, i),
    )
    if wanted == list(range(len(entries))):
        return None
    chunks, _ = _chunks(analysis, entries, _floor(analysis, obj, declaration))
    text = analysis.text.encode("utf-8")
    pieces: list[bytes] = []
    for position, source in enumerate(wanted):
        pieces.append(text[chunks[source].start : chunks[source].end])
        if position + 1 < len(chunks):
            pieces.append(text[chunks[position].end : chunks[position + 1].start])
    region = Span(chunks[0].start, chunks[-1].end)
    edit = (region, b"".join(pieces).decode("utf-8"))
    return Fix("Reorder fields as the schema lists them", (edit,), kind=REWRITE)


def _floor(analysis: Analysis, obj: Object, declaration: Entry | None) -> int:
    """The first line an entry's comments may start on: after the opening
    brace, after the ``@schema`` line, or the document's first."""
    index = analysis.index
    if declaration is not None:
        return index.line_of(declaration.span.end) + 1
    if obj.form is ObjectForm.BLOCK and index.slice(Span(obj.start, obj.start + 1)) == "{":
        return index.line_of(obj.start) + 1
    return 0


def _chunks(analysis: Analysis, entries: list[Entry], floor: int) -> tuple[list[Span], bool]:
    """Each entry's extent when moved: its own lines, with the comments
    directly above it (from line ``floor`` on) and the rest of its last
    line; just the entry when two entries share a line (and then True)."""
    index = analysis.index
    lines = [(index.line_of(e.key.start), index.line_of(e.span.end)) for e in entries]
    shared = any(lines[i][1] >= lines[i + 1][0] for i in range(len(lines) - 1))
    if shared:
        return [_own_span(e) for e in entries], True
    comments = analysis.tree.comments if analysis.tree is not None else []
    comment_lines = {index.line_of(c.start): c for c in comments}
    chunks = []
    for position, entry in enumerate(entries):
        first, last = lines[position]
        if entry.doc is not None:
            first = min(first, index.line_of(entry.doc.start))
        lower = lines[position - 1][1] + 1 if position else floor
        while first - 1 >= lower and _comment_only(index, first - 1, comment_lines):
            first -= 1
        start = index.line_start(first) + len(_leading(index, first) or "")
        chunks.append(Span(start, index.line_end(last)))
    return chunks, False


def _comment_only(index: LineIndex, line: int, comment_lines: Mapping[int, object]) -> bool:
    return line in comment_lines and index.line_text(line).lstrip().startswith("//")


def _own_span(entry: Entry) -> Span:
    start = entry.doc.start if entry.doc is not None else entry.key.start
    return Span(start, entry.span.end)


# ---------------------------------------------------------------- helpers


def _present(obj: Object) -> set[str]:
    return {e.key.text for e in obj.entries if isinstance(e.key, Scalar)}


def _key_name(key: Value) -> str:
    if isinstance(key, Scalar):
        return key.text
    if isinstance(key, Tagged):
        return f"@{key.name}"
    return "@"


def _removal(index: LineIndex, entry: Entry, holder: Object) -> Span:
    """What to delete to remove an entry: its whole lines (doc comment and
    a trailing comment included) when nothing else is on them, else the
    entry and one separator."""
    start = entry.doc.start if entry.doc is not None else entry.key.start
    end = entry.span.end
    first, last = index.line_of(start), index.line_of(end)
    before = index.slice(Span(index.line_start(first), start))
    after = index.slice(Span(end, index.line_end(last))).strip()
    if not before.strip() and (not after or after.startswith("//")):
        stop = index.line_start(last + 1) if last + 1 < index.line_count else index.byte_length
        return Span(index.line_start(first), stop)
    siblings = holder.entries
    position = next(i for i, e in enumerate(siblings) if e is entry)
    if position + 1 < len(siblings):
        return Span(start, siblings[position + 1].key.start)
    if position > 0:
        return Span(siblings[position - 1].span.end, end)
    return Span(start, end)


def _unique(fixes: list[Fix]) -> list[Fix]:
    seen: set[tuple[str, tuple[tuple[Span, str], ...]]] = set()
    found = []
    for fix in fixes:
        key = (fix.title, fix.edits)
        if key not in seen:
            seen.add(key)
            found.append(fix)
    return found
