"""Building the typed tree from the parser's reductions.

Lark calls one method per grammar rule, bottom-up, while it parses. The
grammar accepts a little more than Styx allows (see grammar/styx.lark); here
each extra is named by its rule: invalid keys, too many atoms, missing
whitespace, commas and attributes in sequences, the explicit root's trailing
content. Duplicate keys and dotted paths are checked per object as its
entries arrive.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from typing import Any

from styx.diagnostic import DiagnosticSink, Label
from styx.source import Span
from styx.syntax import codes, literals
from styx.syntax.lexer import LexInput, Token
from styx.syntax.paths import PathTracker, key_identity, key_label
from styx.syntax.tree import (
    DocComment,
    Document,
    Entry,
    Object,
    ObjectForm,
    Scalar,
    ScalarKind,
    Sequence,
    Tagged,
    Unit,
    Value,
)

_SCALAR_KINDS = {
    "BARE": ScalarKind.BARE,
    "QUOTED": ScalarKind.QUOTED,
    "RAW": ScalarKind.RAW,
    "HEREDOC": ScalarKind.HEREDOC,
}


class _Attr:
    """``key>value`` before it joins its neighbours in one object."""

    __slots__ = ("key", "value")

    def __init__(self, key: Token, value: Value) -> None:
        self.key = key
        self.value = value


class _Built:
    """An entry and what the enclosing object needs to check it."""

    __slots__ = ("entry", "is_object", "key_span", "keys", "labels", "root_candidate", "trailing")

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.keys: list[Hashable] | None = None
        self.labels: list[str] = []
        self.key_span = entry.key.span
        self.is_object = False
        #: The entry's key is a block object: an explicit root, if it comes first.
        self.root_candidate = False
        #: Atoms after the second, kept for the explicit-root check.
        self.trailing: list[Value] = []


class _Entries:
    __slots__ = ("built", "entries", "tracker")

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.built: list[_Built] = []
        self.tracker = PathTracker()


class TreeBuilder:
    """Lark's transformer for styx.lark. Each parse sets `source` first; the
    parser module serialises parses, so one builder serves the process."""

    source: LexInput
    sink: DiagnosticSink

    def begin(self, source: LexInput) -> None:
        self.source = source
        self.sink = source.sink

    # ------------------------------------------------------------- atoms

    def atom(self, children: list[Any]) -> Value | _Attr | None:
        item = children[0]
        if not isinstance(item, Token):
            return item  # type: ignore[no-any-return]
        kind = item.type
        if kind == "BARE":
            return Scalar(item.value, ScalarKind.BARE, item.start_pos, item.end_pos)
        if kind == "QUOTED":
            text = literals.unescape(item.value[1:-1], item.start_pos + 1, self.sink)
            return Scalar(text, ScalarKind.QUOTED, item.start_pos, item.end_pos)
        if kind == "AT":
            return Unit(item.start_pos, item.end_pos)
        if kind == "TAG":
            return _tag_chain(item, None)
        if kind == "RAW":
            return Scalar(literals.raw_body(item.value), ScalarKind.RAW, item.start_pos, item.end_pos)
        if kind == "HEREDOC":
            text, lang = literals.heredoc(item.value, item.start_pos, self.sink)
            return Scalar(text, ScalarKind.HEREDOC, item.start_pos, item.end_pos, lang)
        return self._malformed(item)

    def _malformed(self, item: Token) -> Value | None:
        sink = self.sink
        span = Span(item.start_pos, item.end_pos)
        kind = item.type
        if kind == "GT":
            sink.error(
                codes.UNEXPECTED_TOKEN,
                "unexpected `>`",
                span,
                label="`>` must join a key to its value",
                help="write attributes without spaces: key>value",
            )
            return None
        if kind == "QUOTED_UNTERMINATED":
            sink.error(
                codes.UNTERMINATED_STRING,
                "unterminated string",
                span,
                label="string starts here and is never closed",
                help='add the closing `"`, or use a heredoc (<<EOF) for text on several lines',
            )
            return Scalar(item.value[1:].rstrip("\r\n"), ScalarKind.QUOTED, *span)
        if kind == "RAW_UNTERMINATED":
            hashes = item.value[1:].split('"', 1)[0]
            sink.error(
                codes.UNTERMINATED_RAW,
                "unterminated raw string",
                span,
                label="raw string starts here and is never closed",
                help=f'close it with `"{hashes}`',
            )
            return Scalar(item.value, ScalarKind.RAW, *span)
        if kind == "HEREDOC_UNTERMINATED":
            literals.malformed_heredoc(item.value, item.start_pos, item.end_pos, sink)
            return Scalar(item.value, ScalarKind.HEREDOC, *span)
        sink.error(  # HEREDOC_BAD_START
            codes.HEREDOC_DELIMITER,
            "expected a heredoc delimiter after `<<`",
            span,
            label="a heredoc delimiter starts with an uppercase letter",
            help="write <<EOF (uppercase letters, digits, `_`), or quote text that starts with `<<`",
        )
        return Scalar(item.value, ScalarKind.BARE, *span)

    def tagged(self, children: list[Any]) -> Value:
        return _tag_chain(children[0], children[1])

    def attr(self, children: list[Any]) -> _Attr:
        return _Attr(children[0], children[1])

    def atoms(self, children: list[Any]) -> list[Any]:
        if len(children) == 1:
            return children if children[0] is not None else []
        items: list[Any] = children[0]
        if children[1] is not None:
            items.append(children[1])
        return items

    items = atoms

    # -------------------------------------------------------- containers

    def sequence(self, children: list[Any]) -> Sequence:
        open_, close = children[0], children[-1]
        values: list[Value] = []
        if len(children) == 3:
            attrs: list[_Attr] = []
            for item in children[1]:
                if isinstance(item, _Attr):
                    attrs.append(item)
                    continue
                if attrs:
                    values.append(self._attribute_object(attrs, in_sequence=True))
                    attrs = []
                if isinstance(item, Token):
                    self.sink.error(
                        codes.COMMA_IN_SEQUENCE,
                        "unexpected `,` in sequence (sequences are whitespace-separated, "
                        "not comma-separated)",
                        Span(item.start_pos, item.end_pos),
                        label="commas are not allowed in sequences",
                        help="separate the elements with spaces: (a b c)",
                    )
                else:
                    values.append(item)
            if attrs:
                values.append(self._attribute_object(attrs, in_sequence=True))
        return Sequence(values, open_.start_pos, close.end_pos)

    def object(self, children: list[Any]) -> Object:
        entries: list[Entry] = []
        for item in children:
            if isinstance(item, _Entries):
                self._reject_root_candidate(item)
                entries = item.entries
        return Object(entries, children[0].start_pos, children[-1].end_pos)

    def entries(self, children: list[Any]) -> _Entries:
        if len(children) == 1:
            group = _Entries()
            built: _Built = children[0]
        else:
            group = children[0]
            built = children[2]
        if built is None:
            return group
        group.entries.append(built.entry)
        group.built.append(built)
        if built.keys is not None:
            problem = group.tracker.enter(built.keys, built.labels, built.key_span, built.is_object)
            if problem is not None:
                self.sink.add(problem)
        return group

    def entry(self, children: list[Any]) -> _Built | None:
        doc: DocComment | None = None
        if len(children) == 2:
            doc = children[0].value
            atoms = children[1]
        else:
            atoms = children[0]
        if not atoms:
            return None
        if any(isinstance(atom, _Attr) for atom in atoms):
            atoms = self._group_attributes(atoms)
        key = atoms[0]
        if len(atoms) == 1:
            value: Value = Unit(key.start, key.end, implicit=True)
        else:
            value = atoms[1]
            if (
                isinstance(key, Scalar)
                and key.kind is ScalarKind.BARE
                and key.end == value.start
                and (isinstance(value, Sequence) or (isinstance(value, Object)))
            ):
                self._missing_whitespace(value)
        built = _Built(Entry(key, value, doc))
        built.is_object = isinstance(value, Object)
        if len(atoms) > 2:
            built.trailing = atoms[2:]
        if isinstance(key, Object) and key.form is ObjectForm.BLOCK:
            built.root_candidate = True
            return built
        if len(atoms) > 2:
            self._too_many(atoms)
        if isinstance(key, Scalar) and key.kind is ScalarKind.BARE:
            text = sys.intern(key.text)
            key.text = text
            if "." in text:
                self._expand_path(built, key, value)
                return built
            built.keys = [text]
            built.labels = [text]
            return built
        if self._valid_key(key):
            built.keys = [key_identity(key)]
            built.labels = [key_label(key)]
        return built

    def start(self, children: list[Any]) -> Document:
        source = self.source
        text = source.text
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
        group = next((item for item in children if isinstance(item, _Entries)), None)
        if group is None:
            return Document(text, Object([], 0, size), source.comments)
        first = group.built[0]
        if first.root_candidate:
            root = first.entry.key
            assert isinstance(root, Object)
            rest = [*first.trailing]
            if not isinstance(first.entry.value, Unit) or not first.entry.value.implicit:
                rest.insert(0, first.entry.value)
            extra = rest[0].start if rest else None
            if len(group.built) > 1:
                extra = group.built[1].entry.key.start if extra is None else extra
            if extra is not None:
                self._trailing_content(root, extra, size)
            for built in group.built[1:]:
                if built.root_candidate:
                    self._invalid_key(built.entry.key)
            return Document(
                text, root, source.comments, explicit_root=True, doc=first.entry.doc
            )
        self._reject_root_candidate(group)
        return Document(text, Object(group.entries, 0, size), source.comments)

    # ----------------------------------------------------------- helpers

    def _group_attributes(self, atoms: list[Any]) -> list[Value]:
        grouped: list[Value] = []
        run: list[_Attr] = []
        for atom in atoms:
            if isinstance(atom, _Attr):
                run.append(atom)
                continue
            if run:
                grouped.append(self._attribute_object(run, in_sequence=False))
                run = []
            grouped.append(atom)
        if run:
            grouped.append(self._attribute_object(run, in_sequence=False))
        return grouped

    def _attribute_object(self, attrs: list[_Attr], *, in_sequence: bool) -> Object:
        entries: list[Entry] = []
        seen: dict[str, Span] = {}
        for attr in attrs:
            name = sys.intern(attr.key.value[:-1])
            key = Scalar(name, ScalarKind.BARE, attr.key.start_pos, attr.key.end_pos - 1)
            if name in seen:
                self.sink.error(
                    codes.DUPLICATE_KEY,
                    f"duplicate key `{name}`",
                    key.span,
                    label="duplicate key",
                    labels=(Label(seen[name], "first defined here"),),
                    help="remove one of the attributes",
                )
            else:
                seen[name] = key.span
            entries.append(Entry(key, attr.value))
        result = Object(entries, attrs[0].key.start_pos, attrs[-1].value.end, ObjectForm.ATTRIBUTES)
        if in_sequence:
            self.sink.error(
                codes.ATTRIBUTE_IN_SEQUENCE,
                "attribute object not allowed as sequence element",
                result.span,
                label="attribute object",
                notes=("it is ambiguous whether this is one object or one object per attribute",),
                help="use block form: {" + ", ".join(_attr_text(a) for a in attrs) + "}",
            )
        return result

    def _expand_path(self, built: _Built, key: Scalar, value: Value) -> None:
        """Turn ``a.b.c value`` into ``a {b {c value}}`` (parser[entry.path])."""
        segments = key.text.split(".")
        if "" in segments:
            self.sink.error(
                codes.INVALID_KEY,
                f"invalid key `{key.text}`",
                key.span,
                label="a dotted key needs a name between every two dots",
                help=f'quote the key if the dots belong to it: "{key.text}"',
            )
            return
        ends: list[tuple[int, int]] = []
        offset = key.start
        for segment in segments:
            length = len(segment) if segment.isascii() else len(segment.encode("utf-8"))
            ends.append((offset, offset + length))
            offset += length + 1
        path_end = key.end
        inner: Value = value
        if isinstance(value, Unit) and value.implicit:
            inner = Unit(key.start, key.end, implicit=True)
        for index in range(len(segments) - 1, 0, -1):
            start, end = ends[index]
            child = Scalar(sys.intern(segments[index]), ScalarKind.BARE, start, end)
            inner = Object([Entry(child, inner)], ends[index - 1][0], path_end, ObjectForm.PATH)
        first = Scalar(sys.intern(segments[0]), ScalarKind.BARE, *ends[0])
        built.entry.key = first
        built.entry.value = inner
        built.keys = list(segments)
        built.labels = segments

    def _valid_key(self, key: Value) -> bool:
        if isinstance(key, Scalar):
            if key.kind is ScalarKind.HEREDOC:
                self._invalid_key(key)
                return False
            return True
        if isinstance(key, Tagged):
            payload = key.payload
            if payload is None or (
                isinstance(payload, Scalar) and payload.kind is not ScalarKind.HEREDOC
            ):
                return True
            self._invalid_key(key)
            return False
        if isinstance(key, Unit):
            return True
        self._invalid_key(key)
        return False

    def _invalid_key(self, key: Value) -> None:
        span = key.span
        what = {Sequence: "a sequence", Object: "an object", Tagged: "a tagged value"}.get(
            type(key), "a heredoc"
        )
        if isinstance(key, Scalar):
            # Point at the heredoc's opening line, not at all of its text.
            newline = self.source.text.encode("utf-8").find(b"\n", key.start)
            span = Span(key.start, newline + 1 if 0 <= newline < key.end else key.end)
        self.sink.error(
            codes.INVALID_KEY,
            "invalid key",
            span,
            label=f"{what} cannot be a key",
            help='a key is a bare or quoted scalar, `@`, or a tag such as @name or @name"x"',
        )

    def _reject_root_candidate(self, group: _Entries) -> None:
        for built in group.built:
            if built.root_candidate:
                self._invalid_key(built.entry.key)

    def _too_many(self, atoms: list[Value]) -> None:
        extra = atoms[2]
        key, value = atoms[0], atoms[1]
        notes: tuple[str, ...] = ()
        help = "an entry is a key and at most one value; quote text that contains spaces"
        if isinstance(value, Tagged) and value.value is None and value.end < extra.start:
            help = (
                f"did you mean `@{value.name}{_opening(extra)}`? whitespace is not allowed "
                "between a tag and its payload"
            )
        if isinstance(extra, Scalar) and extra.kind is ScalarKind.BARE and extra.text.startswith("//"):
            notes = (f"`//` without a space before it is part of the scalar `{extra.text}`",)
            help = "add a space before `//` to start a comment"
        self.sink.error(
            codes.TOO_MANY_ATOMS,
            "unexpected atom after value",
            Span(extra.start, atoms[-1].end),
            label="an entry has one key and at most one value",
            labels=(Label(key.span, "key"), Label(value.span, "value")),
            notes=notes,
            help=help,
        )

    def _missing_whitespace(self, value: Value) -> None:
        self.sink.error(
            codes.MISSING_WHITESPACE,
            "missing whitespace before block",
            Span(value.start, value.start + 1),
            label="add whitespace before this",
            help="bare keys must be separated from `{` or `(` by whitespace "
            "(to distinguish them from tags like `@tag{}`)",
        )

    def _trailing_content(self, root: Object, start: int, size: int) -> None:
        text = self.source.text
        end = size - (len(text) - len(text.rstrip(" \t")))
        self.sink.error(
            codes.TRAILING_CONTENT,
            "trailing content after explicit root object",
            Span(start, max(end, start)),
            label="unexpected content",
            labels=(
                Label(Span(root.start, root.start + 1), "root object starts here"),
                Label(Span(root.end - 1, root.end), "root object ends here"),
            ),
            help="an explicit root object `{...}` is the whole document; "
            "remove the braces to allow several top-level entries",
        )


def _tag_chain(token: Token, payload: Value | None) -> Tagged:
    """``@a/@b/@c`` with a payload for the innermost tag (parser[tag.chain])."""
    text: str = token.value
    start = token.start_pos
    end = payload.end if payload is not None else token.end_pos
    names = text[1:].split("/@") if "/@" in text else [text[1:]]
    inner: Value | None = payload
    offsets = [start]
    for name in names[:-1]:
        offsets.append(offsets[-1] + len(name.encode("utf-8")) + 2)
    for index in range(len(names) - 1, -1, -1):
        name = names[index]
        tag_start = offsets[index]
        inner = Tagged(name, tag_start, tag_start + 1 + len(name.encode("utf-8")), inner, end)
    assert isinstance(inner, Tagged)
    return inner


def _opening(value: Value) -> str:
    if isinstance(value, Object):
        return "{...}"
    if isinstance(value, Sequence):
        return "(...)"
    return '"..."'


def _attr_text(attr: _Attr) -> str:
    value = attr.value
    shown = value.text if isinstance(value, Scalar) and value.kind is ScalarKind.BARE else "..."
    return f"{attr.key.value[:-1]} {shown}"
