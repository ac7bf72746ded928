"""`styx.edit`: change a hand-written document and keep everything else byte for byte.

    doc = styx.edit(path.read_text())
    doc["server"]["port"] = 9090              # only the text `8080` changes
    doc["server"]["tls"] = {"cert": "a.pem"}  # a new entry, indented like its siblings
    del doc["debug"]                          # its lines (and doc comment) go
    doc.setdefault("name", "app")
    path.write_text(str(doc))

An object reads as a mutable mapping (`ObjectView`), a sequence as a mutable
sequence (`SequenceView`), anything else as plain data (`styx.loads`' types).
Keys are ``str``, ``None`` (the unit key) or `styx.Tagged`.

Design points, each with the failure it prevents:

* Every edit is a splice of the UTF-8 source at spans the parser reported,
  followed by a fresh parse: comments, blank lines, alignment and quoting
  elsewhere are never touched because they are never rewritten, and a
  splice that would not parse is refused (the document stays as it was)
  instead of producing a broken file.
* New text is written by `styx.dumps`' writer and the formatter, then placed
  in the form of its surroundings: inline inside ``{a 1, b 2}``, ``k>v`` in
  an attribute object, ``a.b.new v`` beside a dotted path, a new line with
  the indentation of the sibling entries in a block.
* Setting a value back to what a place held when the document was opened
  restores the exact text it had (``"a\\u{41}"`` stays that way): the
  original token is remembered by path, so an edit and its undo change
  nothing at all.
* A value is found by its path again for every operation (views hold paths,
  not nodes), so a view stays valid across edits made through other views.
  Each edit re-parses the document: an edit costs time linear in the size
  of the document.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, MutableSequence
from dataclasses import dataclass
from typing import Any, overload

from styx.convert.data import Tagged, key_data, to_data
from styx.syntax import keypath
from styx.syntax.merge import merged_entries
from styx.syntax.parser import StyxSyntaxError, parse
from styx.syntax.tree import Document, Entry, Object, ObjectForm, Sequence, Unit, Value
from styx.syntax.tree import Tagged as TaggedNode

__all__ = [
    "EditError",
    "EditedDocument",
    "ObjectView",
    "SequenceView",
    "edit",
    "path_segments",
]

Key = str | None | Tagged
Segment = str | None | Tagged | int
Path = tuple[Segment, ...]


class EditError(ValueError):
    """An edit that cannot be written in the form the document uses (a key
    that cannot be an attribute key, say)."""


@dataclass
class _Node:
    """One object node of a logical object; ``anchor`` is the outermost
    entry of the dotted path a PATH-form object belongs to."""

    obj: Object
    anchor: Entry | None


@dataclass
class _Splice:
    start: int
    end: int
    text: bytes


def edit(text: str, *, filename: str | None = None) -> EditedDocument:
    """Open Styx text for editing; raises `styx.StyxSyntaxError` if it does not parse."""
    return EditedDocument(text, filename=filename)


def _tail(value: Value) -> int:
    while type(value) is Object and value.form is ObjectForm.PATH and value.entries:
        value = value.entries[0].value
    return value.end


def _head(entry: Entry) -> int:
    return entry.doc.start if entry.doc is not None else entry.key.start


def _render(value: Any, indent: bytes, inline: bool) -> bytes:
    """A value as it stands after ``key `` at a line indented by ``indent``."""
    from styx.dumping import _Writer
    from styx.format import format_source

    raw = _Writer().run({"k": value})
    if inline:
        text = format_source(raw, compact=True)
        return text[3:-2].encode("utf-8")
    text = format_source(raw)[2:-1]
    lines = text.encode("utf-8").split(b"\n")
    return b"\n".join([lines[0], *(indent + line if line else line for line in lines[1:])])


def path_segments(path: str) -> list[Segment]:
    """A path such as ``server.ports[0]`` as keys and indices (tag keys as `Tagged`)."""
    out: list[Segment] = []
    for segment in keypath.parse_path(path):
        if isinstance(segment, tuple):
            out.append(Tagged(segment[1], segment[2] if len(segment) > 2 else None))
        else:
            out.append(segment)
    return out


def _into_tag(value: Value) -> tuple[str, Any]:
    """The payload of a tag (of a chain, the innermost) when it is an object
    or a sequence; else the value unchanged."""
    payload: Value | None = value
    while isinstance(payload, TaggedNode):
        payload = payload.payload
    if type(payload) is Object:
        return "object", [_Node(payload, None)]
    if isinstance(payload, Sequence):
        return "sequence", payload
    return "value", value


def _matches(nodes: list[_Node], key: Any) -> list[tuple[_Node, Entry]]:
    if isinstance(key, int) and not isinstance(key, bool):
        raise TypeError(f"an object is indexed by key, not {key!r}")
    return [(node, entry) for node in nodes for entry in node.obj.entries if _is_key(entry, key)]


def _is_key(entry: Entry, key: Any) -> bool:
    try:
        return bool(key_data(entry.key) == key)
    except ValueError:
        return False


def _child(node: _Node, entry: Entry) -> _Node:
    value = entry.value
    assert type(value) is Object
    if value.form is not ObjectForm.PATH:
        return _Node(value, None)
    anchor = node.anchor if node.obj.form is ObjectForm.PATH else entry
    return _Node(value, anchor)


class ObjectView(MutableMapping[Any, Any]):
    """An object of an edited document, found again by its path at each use."""

    def __init__(self, document: EditedDocument, path: Path) -> None:
        self._doc = document
        self._path = path

    @property
    def path(self) -> str:
        return keypath.join([("@", s.tag) if isinstance(s, Tagged) else s for s in self._path])

    def _nodes(self) -> list[_Node]:
        kind, found = self._doc._walk(self._path, through_tags=True)
        if kind != "object":
            raise KeyError(f"{self.path} is no longer an object")
        nodes: list[_Node] = found
        return nodes

    def __getitem__(self, key: Key) -> Any:
        return self._doc._view((*self._path, key))

    def __iter__(self) -> Iterator[Key]:
        seen: dict[Any, None] = {}  # keys are hashable: scalars, None, tags of scalars
        for node in self._nodes():
            for entry in merged_entries(node.obj):
                seen[key_data(entry.key)] = None
        return iter(seen)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def unwrap(self) -> dict[Any, Any]:
        """This object as plain data."""
        return {key: _unwrap(self[key]) for key in self}

    def __repr__(self) -> str:
        return f"ObjectView({self.path or '<root>'})"

    # ---- set
    def __setitem__(self, key: Key, value: Any) -> None:
        doc = self._doc
        nodes = self._nodes()
        matches = _matches(nodes, key)
        path = (*self._path, key)
        if matches:
            (node, entry), rest = matches[0], matches[1:]
            splices = [self._replace(node, entry, value, path)]
            splices += [self._removal(n, e, nodes) for n, e in rest]
        else:
            splices = [self._insertion(nodes[-1], key, value)]
        doc._apply(splices)

    def _replace(self, node: _Node, entry: Entry, value: Any, path: Path) -> _Splice:
        doc = self._doc
        old = entry.value
        form = node.obj.form
        inline = form is ObjectForm.ATTRIBUTES or (
            form is ObjectForm.BLOCK
            and node.obj is not doc._document.root
            and doc._one_line(node.obj)
        )
        indent = doc._indent(entry.key.start)
        if isinstance(old, Unit) and old.implicit:
            text = _render(value, indent, inline)
            return _Splice(entry.key.end, entry.key.end, b" " + text)
        if type(old) is Object and old.form is ObjectForm.PATH:
            text = _render(value, indent, inline)
            doc._forget(path)
            return _Splice(entry.key.end, _tail(old), b" " + text)
        return _Splice(old.start, old.end, doc._value_text(path, old, value, indent, inline))

    def _key_text(self, key: Key, attribute: bool = False) -> bytes:
        from styx.dumping import _key

        text = _key(key)
        if attribute and (text.startswith(('"', "@", "r#")) or ">" in text):
            raise EditError(f"{key!r} cannot be written as an attribute key (key>value)")
        return text.encode("utf-8")

    def _insertion(self, node: _Node, key: Key, value: Any) -> _Splice:
        doc = self._doc
        obj = node.obj
        source = doc._source
        if obj.form is ObjectForm.ATTRIBUTES:
            last = obj.entries[-1]
            text = self._key_text(key, attribute=True) + b">" + _render(value, b"", True)
            return _Splice(_tail(last.value), _tail(last.value), b" " + text)
        if obj.form is ObjectForm.PATH:
            anchor = node.anchor
            assert anchor is not None
            prefix = source[anchor.key.start : obj.entries[0].key.start]
            indent = doc._indent(anchor.key.start)
            at = doc._line_end(_tail(anchor.value))
            text = prefix + self._key_text(key) + b" " + _render(value, indent, False)
            return _Splice(at, at, b"\n" + indent + text)
        is_root = obj is doc._document.root and not doc._document.explicit_root
        if not is_root and doc._one_line(obj):
            body = self._key_text(key) + b" " + _render(value, b"", True)
            if not obj.entries:
                return _Splice(obj.start + 1, obj.end - 1, body)
            end = _tail(obj.entries[-1].value)
            end = max(end, obj.entries[-1].key.end)
            return _Splice(end, end, b", " + body)
        if obj.entries:
            last = obj.entries[-1]
            indent = doc._indent(last.key.start)
            at = doc._line_end(max(_tail(last.value), last.key.end))
            text = self._key_text(key) + b" " + _render(value, indent, False)
            return _Splice(at, at, b"\n" + indent + text)
        if is_root:
            text = self._key_text(key) + b" " + _render(value, b"", False) + b"\n"
            at = len(source)
            lead = b"" if not source or source.endswith(b"\n") else b"\n"
            return _Splice(at, at, lead + text)
        indent = doc._indent(obj.start) + doc._step(doc._indent(obj.start))
        text = self._key_text(key) + b" " + _render(value, indent, False)
        return _Splice(obj.start + 1, obj.start + 1, b"\n" + indent + text)

    # ---- delete
    def __delitem__(self, key: Key) -> None:
        nodes = self._nodes()
        matches = _matches(nodes, key)
        if not matches:
            raise KeyError(key)
        self._doc._apply([self._removal(node, entry, nodes) for node, entry in matches])
        self._doc._forget((*self._path, key))

    def _removal(self, node: _Node, entry: Entry, nodes: list[_Node]) -> _Splice:
        obj = node.obj
        entries = obj.entries
        index = next(i for i, e in enumerate(entries) if e is entry)
        end = max(_tail(entry.value), entry.key.end)
        if obj.form is ObjectForm.PATH:
            anchor = node.anchor
            assert anchor is not None
            if len(nodes) == 1:  # the path's last key: its parent stays, empty
                return _Splice(entry.key.start - 1, end, b" {}")
            return self._lines_or_separators(anchor, None, None)
        if obj.form is ObjectForm.ATTRIBUTES and len(entries) == 1:
            return _Splice(obj.start, obj.end, b"{}")
        before = entries[index - 1] if index else None
        after = entries[index + 1] if index + 1 < len(entries) else None
        return self._lines_or_separators(entry, before, after)

    def _lines_or_separators(
        self, entry: Entry, before: Entry | None, after: Entry | None
    ) -> _Splice:
        doc = self._doc
        head = _head(entry)
        end = max(_tail(entry.value), entry.key.end)
        if doc._alone(head, end):
            start = doc._line_start(head)
            stop = doc._line_end(end)
            return _Splice(start, min(stop + 1, len(doc._source)), b"")
        if after is not None:
            return _Splice(head, after.key.start if after.doc is None else after.doc.start, b"")
        if before is not None:
            return _Splice(max(_tail(before.value), before.key.end), end, b"")
        return _Splice(head, end, b"")


class EditedDocument(ObjectView):
    """A document being edited: its root object, and ``str(doc)`` its current text."""

    def __init__(self, text: str, *, filename: str | None = None) -> None:
        super().__init__(self, ())
        self.filename = filename
        self._source = text.encode("utf-8")
        self._document = parse(text, filename=filename)
        #: path -> (canonical text of the value first there, its original bytes)
        self._original: dict[Path, tuple[bytes, bytes]] = {}

    def unwrap(self) -> dict[Any, Any]:
        """The whole document as plain data (as `styx.loads` gives it)."""
        result: dict[Any, Any] = to_data(self._document)
        return result

    def __str__(self) -> str:
        return self._source.decode("utf-8")

    def __repr__(self) -> str:
        return f"EditedDocument({str(self)!r})"

    @property
    def document(self) -> Document:
        """The parsed tree of the current text."""
        return self._document

    # ---- paths
    def at(self, path: str) -> Any:
        """The value at a path such as ``server.ports[0]`` (see
        `styx.syntax.keypath`); a tag's payload is under the tag's own key
        (``db.url`` in ``db @postgres{url x}``), as diagnostics name it.
        ``doc["db"]`` itself reads as `styx.Tagged` data; paths go through."""
        return self._view(tuple(path_segments(path)))

    def set_at(self, path: str, value: Any) -> None:
        """Set the value at a path; missing objects on the way are created."""
        segments = tuple(path_segments(path))
        for depth in range(1, len(segments)):
            parent, segment = segments[: depth - 1], segments[depth - 1]
            view = self._container(parent)
            if isinstance(segment, int) or not isinstance(view, ObjectView):
                continue
            if segment not in view:
                view[segment] = {}
        self._container(segments[:-1])[segments[-1]] = value

    def delete_at(self, path: str) -> None:
        segments = tuple(path_segments(path))
        del self._container(segments[:-1])[segments[-1]]

    def _container(self, path: Path) -> Any:
        """The object or sequence view at ``path`` (through tags)."""
        kind, _ = self._walk(path, through_tags=True)
        if kind == "object":
            return ObjectView(self, path)
        if kind == "sequence":
            return SequenceView(self, path)
        raise TypeError("a scalar holds no keys")

    def text_at(self, path: str) -> str:
        """The text of the value at ``path`` as the document writes it (an
        object spread over several dotted paths is written whole)."""
        segments = tuple(path_segments(path))
        kind, found = self._walk(segments)
        if kind == "object":
            if len(found) > 1 or found[0].anchor is not None:
                from styx.dumping import dumps

                return dumps({"k": ObjectView(self, segments).unwrap()})[2:-1]
            found = found[0].obj
        return self._source[found.start : found.end].decode("utf-8")

    # ---- locating
    def _walk(self, path: Path, *, through_tags: bool = False) -> tuple[str, Any]:
        """Follow ``path``: ("object", [nodes]), ("sequence", Sequence) or
        ("value", Value). A tag whose payload is an object or a sequence is
        gone through when more of the path follows (or ``through_tags``).
        Raises KeyError, IndexError or TypeError."""
        kind = "object"
        found: Any = [_Node(self._document.root, None)]
        for segment in path:
            if kind == "value":
                kind, found = _into_tag(found)
            if kind == "object":
                matches = _matches(found, segment)
                if not matches:
                    raise KeyError(segment)
                values = [entry.value for _, entry in matches]
                if all(type(v) is Object for v in values):
                    found = [_child(node, entry) for node, entry in matches]
                elif isinstance(values[-1], Sequence):
                    kind, found = "sequence", values[-1]
                else:
                    kind, found = "value", values[-1]
            elif kind == "sequence":
                if not isinstance(segment, int):
                    raise TypeError(f"a sequence is indexed by int, not {segment!r}")
                item = found.items[segment]
                if type(item) is Object:
                    kind, found = "object", [_Node(item, None)]
                elif isinstance(item, Sequence):
                    found = item
                else:
                    kind, found = "value", item
            else:
                raise KeyError(segment)
        if through_tags and kind == "value":
            kind, found = _into_tag(found)
        return kind, found

    def _view(self, path: Path) -> Any:
        kind, found = self._walk(path)
        if kind == "object":
            return ObjectView(self, path)
        if kind == "sequence":
            return SequenceView(self, path)
        return to_data(found)

    # ---- writing
    def _apply(self, splices: list[_Splice]) -> None:
        source = self._source
        for splice in sorted(splices, key=lambda s: s.start, reverse=True):
            source = source[: splice.start] + splice.text + source[splice.end :]
        text = source.decode("utf-8")
        try:
            document = parse(text, filename=self.filename)
        except StyxSyntaxError as error:  # the edit is refused; the document is unchanged
            raise EditError(f"this edit would not give a valid document: {error}") from None
        self._source, self._document = source, document

    def _forget(self, path: Path, *, below_only: bool = False) -> None:
        size = len(path)
        for known in list(self._original):
            if known[:size] == path and (len(known) > size or not below_only):
                del self._original[known]

    def _value_text(self, path: Path, old: Value, value: Any, indent: bytes, inline: bool) -> bytes:
        """The text for ``value`` replacing ``old`` at ``path``: the text the
        place had when the document was opened, or has now, when ``value``
        is that same value; else the value newly written."""
        canonical = _render(value, b"", True)
        current = self._source[old.start : old.end]
        current_canonical = _render(to_data(old), b"", True)
        first = self._original.setdefault(path, (current_canonical, current))
        if canonical == first[0]:
            return first[1]
        if canonical == current_canonical:
            return current
        self._forget(path, below_only=True)
        return _render(value, indent, inline)

    def _line_start(self, offset: int) -> int:
        return self._source.rfind(b"\n", 0, offset) + 1

    def _line_end(self, offset: int) -> int:
        end = self._source.find(b"\n", offset)
        return len(self._source) if end < 0 else end

    def _indent(self, offset: int) -> bytes:
        start = self._line_start(offset)
        line = self._source[start:offset]
        return line[: len(line) - len(line.lstrip(b" \t"))]

    def _one_line(self, value: Value) -> bool:
        return b"\n" not in self._source[value.start : value.end]

    def _alone(self, start: int, end: int) -> bool:
        """Whether [start, end) stands on lines of its own (trailing
        whitespace and a comment after it allowed)."""
        before = self._source[self._line_start(start) : start]
        after = self._source[end : self._line_end(end)].strip()
        return not before.strip() and (not after or after.startswith(b"//"))

    def _step(self, indent: bytes) -> bytes:
        return b"\t" if b"\t" in indent else b"    "


class SequenceView(MutableSequence[Any]):
    """A sequence of an edited document, found again by its path at each use."""

    def __init__(self, document: EditedDocument, path: Path) -> None:
        self._doc = document
        self._path = path

    def _sequence(self) -> Sequence:
        kind, found = self._doc._walk(self._path, through_tags=True)
        if kind != "sequence":
            raise KeyError("no longer a sequence")
        sequence: Sequence = found
        return sequence

    def __len__(self) -> int:
        return len(self._sequence().items)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._doc._view((*self._path, self._index(index)))

    def _index(self, index: int) -> int:
        size = len(self)
        if not -size <= index < size:
            raise IndexError(index)
        return index % size

    def unwrap(self) -> list[Any]:
        return [_unwrap(item) for item in self]

    @overload
    def __setitem__(self, index: int, value: Any) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Any) -> None: ...
    def __setitem__(self, index: int | slice, value: Any) -> None:
        if isinstance(index, slice):
            raise TypeError("slice assignment is not supported; set items one by one")
        doc = self._doc
        sequence = self._sequence()
        position = self._index(index)
        item = sequence.items[position]
        inline = doc._one_line(sequence)
        path = (*self._path, position)
        text = doc._value_text(path, item, value, doc._indent(item.start), inline)
        doc._apply([_Splice(item.start, item.end, text)])

    @overload
    def __delitem__(self, index: int) -> None: ...
    @overload
    def __delitem__(self, index: slice) -> None: ...
    def __delitem__(self, index: int | slice) -> None:
        if isinstance(index, slice):
            for position in sorted(range(*index.indices(len(self))), reverse=True):
                del self[position]
            return
        doc = self._doc
        sequence = self._sequence()
        position = self._index(index)
        items = sequence.items
        item = items[position]
        if doc._alone(item.start, item.end) and not doc._one_line(sequence):
            start = doc._line_start(item.start)
            splice = _Splice(start, min(doc._line_end(item.end) + 1, len(doc._source)), b"")
        elif position + 1 < len(items):
            splice = _Splice(item.start, items[position + 1].start, b"")
        elif position:
            splice = _Splice(items[position - 1].end, item.end, b"")
        else:
            splice = _Splice(item.start, item.end, b"")
        doc._apply([splice])
        doc._forget(self._path, below_only=True)

    def insert(self, index: int, value: Any) -> None:
        doc = self._doc
        sequence = self._sequence()
        items = sequence.items
        position = max(0, min(len(items), index if index >= 0 else len(items) + index))
        inline = doc._one_line(sequence)
        if inline:
            text = _render(value, b"", True)
            if not items:
                splice = _Splice(sequence.start + 1, sequence.end - 1, text)
            elif position < len(items):
                at = items[position].start
                splice = _Splice(at, at, text + b" ")
            else:
                splice = _Splice(items[-1].end, items[-1].end, b" " + text)
        elif items:
            anchor = items[min(position, len(items) - 1)]
            indent = doc._indent(anchor.start)
            text = _render(value, indent, False)
            if position < len(items):
                at = doc._line_start(anchor.start)
                splice = _Splice(at, at, indent + text + b"\n")
            else:
                at = doc._line_end(anchor.end)
                splice = _Splice(at, at, b"\n" + indent + text)
        else:
            indent = doc._indent(sequence.start) + doc._step(doc._indent(sequence.start))
            splice = _Splice(
                sequence.start + 1,
                sequence.start + 1,
                b"\n" + indent + _render(value, indent, False),
            )
        doc._apply([splice])
        doc._forget(self._path, below_only=True)

    def __repr__(self) -> str:
        return f"SequenceView({self._path!r})"


def _unwrap(value: Any) -> Any:
    if isinstance(value, ObjectView | SequenceView):
        return value.unwrap()
    return value
