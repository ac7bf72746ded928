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
    Heredoc,
    Object,
    ObjectForm,
    Scalar,
    ScalarKind,
    Sequence,
    Tagged,
    Unit,
    Value,
)

_BARE = ScalarKind.BARE
_BLOCKS = (Object, Sequence)


class _Attr:
    """``key>value`` before it joins its neighbours in one object."""

    __slots__ = ("key", "value")

    def __init__(self, key: Token, value: Value) -> None:
        self.key = key
        self.value = value


class _Entries:
    """The entries of one object (or of the document) while they arrive."""

    __slots__ = ("entries", "root", "tracker", "trailing")

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.tracker = PathTracker()
        #: The first entry's key was a block object: an explicit root, if
        #: these turn out to be the document's entries.
        self.root: Entry | None = None
        #: Atoms after that entry's key, for the explicit-root check.
        self.trailing: list[Value] = []


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
        if type(item) is not Token:
            return item  # type: ignore[no-any-return]
        kind = item.type
        if kind == "BARE":
            return Scalar(item.value, _BARE, item.start_pos, item.end_pos)
        if kind == "QUOTED":
            text = literals.unescape(item.value[1:-1], item.start_pos + 1, self.sink)
            return Scalar(text, ScalarKind.QUOTED, item.start_pos, item.end_pos)
        if kind == "AT":
            return Unit(item.start_pos, item.end_pos)
        if kind == "TAG":
            return _tag_chain(item, None)
        if kind == "RAW":
            return Scalar(
                literals.raw_body(item.value), ScalarKind.RAW, item.start_pos, item.end_pos
            )
        if kind == "HEREDOC":
            text, lang = literals.heredoc(item.value, item.start_pos, self.sink)
            return Heredoc(text, item.start_pos, item.end_pos, lang)
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
            help="write <<EOF (uppercase letters, digits, `_`), "
            "or quote text that starts with `<<`",
        )
        return Scalar(item.value, ScalarKind.BARE, *span)

    def tagged(self, children: list[Any]) -> Value:
        return _tag_chain(children[0], children[1])

    def attr(self, children: list[Any]) -> _Attr:
        return _Attr(children[0], children[1])

    def extra(self, children: list[Any]) -> list[Any]:
        if len(children) == 1:
            return children if children[0] is not None else []
        items: list[Any] = children[0]
        if children[1] is not None:
            items.append(children[1])
        return items

    items = extra

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
            if type(item) is _Entries:
                if item.root is not None:
                    self._invalid_key(item.root.key)
                entries = item.entries
        return Object(entries, children[0].start_pos, children[-1].end_pos)

    def entries(self, children: list[Any]) -> _Entries:
        if type(children[0]) is _Entries:
            group = children[0]
            atoms = children[2:]
        else:
            group = _Entries()
            atoms = children
        doc: DocComment | None = None
        if type(atoms[0]) is Token:
            doc = atoms[0].value
            atoms = atoms[1:]
        count = len(atoms)
        if count == 3:
            atoms = [atoms[0], atoms[1], *atoms[2]]
            count = len(atoms)
        key = atoms[0]
        value = atoms[1] if count > 1 else None
        if (
            count == 2
            and type(key) is Scalar
            and key.kind is _BARE
            and value is not None
            and type(value) is not _Attr
        ):
            # The common case: `key value` with a plain bare key.
            text = key.text = sys.intern(key.text)
            if "." not in text:
                if key.end == value.start and type(value) in _BLOCKS:
                    self._missing_whitespace(value)
                group.entries.append(Entry(key, value, doc))
                problem = group.tracker.enter(
                    [text], None, (key.start, key.end), type(value) is Object
                )
                if problem is not None:
                    self.sink.add(problem)
                return group
        self._add_entry(group, atoms, doc)
        return group

    def _add_entry(self, group: _Entries, atoms: list[Any], doc: DocComment | None) -> None:
        if None in atoms:
            atoms = [atom for atom in atoms if atom is not None]
            if not atoms:
                return
        if any(type(atom) is _Attr for atom in atoms):
            atoms = self._group_attributes(atoms)
        key = atoms[0]
        if len(atoms) == 1:
            value: Value = Unit(key.start, key.end, implicit=True)
        else:
            value = atoms[1]
            if (
                type(key) is Scalar
                and key.kind is _BARE
                and key.end == value.start
                and type(value) in _BLOCKS
            ):
                self._missing_whitespace(value)
        entry = Entry(key, value, doc)
        group.entries.append(entry)
        if type(key) is Object and key.form is ObjectForm.BLOCK:
            if len(group.entries) == 1:
                group.root = entry
                group.trailing = atoms[1:]
            else:
                self._invalid_key(key)
            return
        if len(atoms) > 2:
            self._too_many(atoms)
        span = (key.start, key.end)
        is_object = type(value) is Object
        keys: list[Hashable]
        labels: list[str] | None = None
        if type(key) is Scalar and key.kind is _BARE:
            text = key.text = sys.intern(key.text)
            if "." in text:
                expanded = self._expand_path(entry)
                if expanded is None:
                    return
                keys = expanded
            else:
                keys = [text]
        elif self._valid_key(key):
            keys = [key_identity(key)]
            labels = [key_label(key)]
        else:
            return
        problem = group.tracker.enter(keys, labels, span, is_object)
        if problem is not None:
            self.sink.add(problem)

    def start(self, children: list[Any]) -> Document:
        source = self.source
        text = source.text
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
        group = next((item for item in children if type(item) is _Entries), None)
        if group is None:
            return Document(text, Object([], 0, size), source.comments)
        if group.root is None:
            return Document(text, Object(group.entries, 0, size), source.comments)
        # parser[document.root]: a document that starts with `{` is that object.
        root = group.root.key
        assert isinstance(root, Object)
        rest = [atom for atom in group.trailing if atom is not None]
        if len(group.entries) > 1:
            rest.append(group.entries[1].key)
        if rest:
            self._trailing_content(root, rest[0].start, size)
        return Document(text, root, source.comments, explicit_root=True, doc=group.root.doc)

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

    def _expand_path(self, entry: Entry) -> list[Hashable] | None:
        """Turn ``a.b.c value`` into ``a {b {c value}}`` (parser[entry.path]);
        the path's keys, or None when the path is malformed."""
        key = entry.key
        assert isinstance(key, Scalar)
        segments = key.text.split(".")
        if "" in segments:
            self.sink.error(
                codes.INVALID_KEY,
                f"invalid key `{key.text}`",
                key.span,
                label="a dotted key needs a name between every two dots",
                help=f'quote the key if the dots belong to it: "{key.text}"',
            )
            return None
        bounds: list[tuple[int, int]] = []
        offset = key.start
        for segment in segments:
            length = len(segment) if segment.isascii() else len(segment.encode("utf-8"))
            bounds.append((offset, offset + length))
            offset += length + 1
        inner = entry.value
        if isinstance(inner, Unit) and inner.implicit:
            inner = Unit(key.start, key.end, implicit=True)
        for index in range(len(segments) - 1, 0, -1):
            start, end = bounds[index]
            child = Scalar(sys.intern(segments[index]), _BARE, start, end)
            inner = Object([Entry(child, inner)], bounds[index - 1][0], key.end, ObjectForm.PATH)
        entry.key = Scalar(sys.intern(segments[0]), _BARE, *bounds[0])
        entry.value = inner
        return list(segments)

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
        if (
            isinstance(extra, Scalar)
            and extra.kind is ScalarKind.BARE
            and extra.text.startswith("//")
        ):
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
