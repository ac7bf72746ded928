"""Building the typed tree from the parser's reductions.

The parser calls one method per grammar rule, bottom-up, while it parses. The
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
from styx.syntax import codes, divergence, literals
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


#: One segment of a dotted key: text, start, end, and how it was written.
_Segment = tuple[str, int, int, ScalarKind]


def _path_pieces(atoms: list[Value]) -> list[Scalar]:
    """The leading atoms that touch each other to form one dotted key with
    quoted segments (``"a.b".c``, ``a."b"``); empty when there are none."""
    pieces: list[Scalar] = []
    for atom in atoms:
        if type(atom) is not Scalar or atom.kind is ScalarKind.HEREDOC:
            break
        if pieces:
            before = pieces[-1]
            joined = before.end == atom.start and (
                (before.kind is _BARE and before.text.endswith("."))
                or (atom.kind is _BARE and atom.text.startswith("."))
            )
            if not joined:
                break
        pieces.append(atom)
    if len(pieces) < 2:
        return []
    return pieces


def _is_block(value: Value) -> bool:
    """Written with its own brackets: what a bare key may not touch."""
    return type(value) is Sequence or (type(value) is Object and value.form is ObjectForm.BLOCK)


class _Attr:
    """``key>value`` before it joins its neighbours in one object."""

    __slots__ = ("key", "value")

    def __init__(self, key: Token, value: Value) -> None:
        self.key = key
        self.value = value


class _Entries:
    """The entries of one object (or of the document) while they arrive."""

    __slots__ = ("entries", "object_keys", "root", "tracker", "trailing")

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.tracker = PathTracker()
        #: The first entry's key was a block object: an explicit root, if
        #: these turn out to be the document's entries.
        self.root: Entry | None = None
        #: Atoms after that entry's key, for the explicit-root check.
        self.trailing: list[Value] = []
        #: Later block-object keys: invalid keys, or trailing content after
        #: an explicit root (reported once it is known which).
        self.object_keys: list[Value] = []


class TreeBuilder:
    """The reductions of styx.lark, in Lark's transformer interface. Each
    parse sets `source` first; the parser module serialises parses, so one
    builder serves the process."""

    source: LexInput
    sink: DiagnosticSink

    def begin(self, source: LexInput) -> None:
        self.source = source
        self.sink = source.sink
        self._bytes: bytes | None = None
        #: Objects closed only by the end of the file: already reported as
        #: unclosed, so not again as invalid keys (``a {{{{``).
        self._unclosed: set[int] = set()
        #: Sequences of bare scalars of an ASCII document are kept as offsets.
        self._ascii = source.text if source.text.isascii() else None

    def _encoded(self) -> bytes:
        """The source as UTF-8, encoded once per parse and only when an error needs it."""
        if self._bytes is None:
            self._bytes = self.source.text.encode("utf-8")
        return self._bytes

    # ------------------------------------------------------------- atoms

    def atom(self, children: list[Any]) -> Value | _Attr | None:
        item = children[0]
        if type(item) is not Token:
            return item  # type: ignore[no-any-return]
        kind = item.type
        if kind == "BARE":
            return self.bare(item)
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
            divergence.heredoc_crlf(self.sink, item.value, item.start_pos)
            text, lang = literals.heredoc(item.value, item.start_pos, self.sink)
            return Heredoc(text, item.start_pos, item.end_pos, lang)
        return self._malformed(item)

    def bare(self, token: Token) -> Scalar:
        """``atom: BARE``, the most common reduction, called by the parser
        with the token itself."""
        return Scalar(token.value, _BARE, token.start_pos, token.end_pos)

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
        tag, payload = children
        divergence.tag_before_quote(self.sink, tag.value, tag.start_pos, tag.end_pos, payload)
        return _tag_chain(tag, payload)

    def attr(self, children: list[Any]) -> _Attr:
        key, value = children
        if value is None:  # a stray ">" already reported: `a>>`
            value = Unit(key.end_pos, key.end_pos)
        elif type(value) is _Attr:
            self.sink.error(
                codes.UNEXPECTED_TOKEN,
                "an attribute value cannot be another attribute",
                Span(value.key.start_pos, value.value.end),
                label="`>` again inside an attribute value",
                help=f'quote the value if the `>` belongs to it: {key.value}"..."',
            )
            value = self._attribute_object([value], in_sequence=False)
        return _Attr(key, value)

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
        return Sequence.of(values, open_.start_pos, close.end_pos, self._ascii)

    def object(self, children: list[Any]) -> Object:
        entries: list[Entry] = []
        for item in children:
            if type(item) is _Entries:
                self._report_object_keys(item)
                entries = item.entries
        built = Object(entries, children[0].start_pos, children[-1].end_pos)
        if not children[-1].value:  # the lexer's closer at the end of the file
            self._unclosed.add(id(built))
        return built

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
            text = key.intern_text()
            if "." not in text:
                end = key.end
                if _is_block(value) and end == value.start:
                    self._missing_whitespace(value)
                group.entries.append(Entry(key, value, doc))
                problem = group.tracker.enter([text], None, (key.start, end), value)
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
        pieces = _path_pieces(atoms)
        key = atoms[0]
        rest = atoms[len(pieces) :] if pieces else atoms[1:]
        value: Value = rest[0] if rest else Unit(key.start, atoms[0].end, implicit=True)
        if (
            len(rest) > 0
            and type(key) is Scalar
            and key.kind is _BARE
            and key.end == value.start
            and _is_block(value)
        ):
            self._missing_whitespace(value)
        entry = Entry(key, value, doc)
        group.entries.append(entry)
        if type(key) is Object and key.form is ObjectForm.BLOCK:
            if len(group.entries) == 1:
                group.root = entry
                group.trailing = rest
            else:
                group.object_keys.append(key)
            return
        if len(rest) > 1:
            self._too_many([key, *rest])
        if self.source.too_deep:
            return  # reported, and the tree is dropped: do not expand a huge path
        keys: list[Hashable]
        labels: list[str] | None = None
        if pieces:
            span = (pieces[0].start, pieces[-1].end)
            segments = self._segments(pieces)
            if segments is None:
                return
            keys = self._expand_path(entry, segments, span[1])
            labels = [text for text, *_ in segments]
        elif type(key) is Scalar and key.kind is _BARE:
            span = (key.start, key.end)
            text = key.intern_text()
            if "." in text:
                segments = self._segments([key])
                if segments is None:
                    return
                keys = self._expand_path(entry, segments, key.end)
            else:
                keys = [text]
        elif self._valid_key(key):
            span = (key.start, key.end)
            keys = [key_identity(key)]
            labels = [key_label(key)]
        else:
            return
        problem = group.tracker.enter(keys, labels, span, value)
        if problem is not None:
            self.sink.add(problem)

    def _report_object_keys(self, group: _Entries) -> None:
        for key in ([group.root.key] if group.root is not None else []) + group.object_keys:
            self._invalid_key(key)

    def start(self, children: list[Any]) -> Document:
        source = self.source
        text = source.text
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
        divergence.byte_order_mark(self.sink, text)
        group = next((item for item in children if type(item) is _Entries), None)
        if group is None:
            return Document(text, Object([], 0, size), source.comments)
        if group.root is None:
            self._report_object_keys(group)
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

    def _segments(self, pieces: list[Scalar]) -> list[_Segment] | None:
        """The segments of a dotted key written as one bare scalar or as
        touching pieces (``"a.b".c``); None, reported, when one is empty."""
        divergence.quoted_path_segment(self.sink, pieces)
        segments: list[_Segment] = []
        last = len(pieces) - 1
        for index, piece in enumerate(pieces):
            if piece.kind is not _BARE:
                segments.append((piece.text, piece.start, piece.end, piece.kind))
                continue
            text, offset = piece.text, piece.start
            if index > 0:  # the dot joining it to the quoted piece before
                text, offset = text[1:], offset + 1
            if index < last and pieces[index + 1].kind is not _BARE:
                text = text[:-1]
            if not text and 0 < index < last:
                continue  # just the dot between two quoted pieces
            for part in text.split("."):
                size = len(part) if part.isascii() else len(part.encode("utf-8"))
                segments.append((sys.intern(part), offset, offset + size, _BARE))
                offset += size + 1
        if any(not text and kind is _BARE for text, _, _, kind in segments):
            written = "".join(
                piece.text if piece.kind is _BARE else f'"{piece.text}"' for piece in pieces
            )
            self.sink.error(
                codes.INVALID_KEY,
                f"invalid key `{written}`",
                Span(pieces[0].start, pieces[-1].end),
                label="a dotted key needs a name between every two dots",
                help=f'quote the key if the dots belong to it: "{written}"',
            )
            return None
        return segments

    def _expand_path(self, entry: Entry, segments: list[_Segment], end: int) -> list[Hashable]:
        """Turn ``a.b.c value`` into ``a {b {c value}}`` (parser[entry.path]);
        the path's keys."""
        inner = entry.value
        if isinstance(inner, Unit) and inner.implicit:
            inner = Unit(segments[0][1], end, implicit=True)
        for index in range(len(segments) - 1, 0, -1):
            text, start, stop, kind = segments[index]
            child = Scalar(text, kind, start, stop)
            inner = Object([Entry(child, inner)], segments[index - 1][1], end, ObjectForm.PATH)
        text, start, stop, kind = segments[0]
        entry.key = Scalar(text, kind, start, stop)
        entry.value = inner
        return [text for text, *_ in segments]

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
        if id(key) in self._unclosed:
            return
        span = key.span
        what = {Sequence: "a sequence", Object: "an object", Tagged: "a tagged value"}.get(
            type(key), "a heredoc"
        )
        if isinstance(key, Scalar):
            # Point at the heredoc's opening line, not at all of its text.
            newline = self._encoded().find(b"\n", key.start)
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
        if (
            isinstance(value, Tagged)
            and value.value is None
            and value.end < extra.start
            and _opening(extra)
        ):
            help = (
                f"did you mean `@{value.name}{_opening(extra)}`? whitespace is not allowed "
                "between a tag and its payload"
            )
        glued = _glued_comment(atoms[1:])
        if glued is not None:
            notes = (f"`//` without whitespace before it is part of the scalar `{glued.text}`",)
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
        inner = Tagged(name, tag_start, inner, end)
    assert isinstance(inner, Tagged)
    return inner


def _glued_comment(atoms: list[Value]) -> Scalar | None:
    """The first bare scalar that holds a `//` meant as a comment: one not
    after a URL scheme's `:` (diag[diagnostic.parser.comment-whitespace])."""
    for atom in atoms:
        if isinstance(atom, Scalar) and atom.kind is ScalarKind.BARE:
            at = atom.text.find("//")
            if at == 0 or (at > 0 and atom.text[at - 1] != ":"):
                return atom
    return None


def _opening(value: Value) -> str:
    """How a payload would be written against its tag ("" if it cannot be one)."""
    if isinstance(value, Object) and value.form is ObjectForm.BLOCK:
        return "{...}"
    if isinstance(value, Sequence):
        return "(...)"
    if isinstance(value, Scalar) and value.kind is not ScalarKind.BARE:
        return '"..."'
    return ""


def _attr_text(attr: _Attr) -> str:
    value = attr.value
    shown = value.text if isinstance(value, Scalar) and value.kind is ScalarKind.BARE else "..."
    return f"{attr.key.value[:-1]} {shown}"
