"""Validating documents against schemas (schema[schema.validation]).

Each schema type is compiled once, on first use, into a checker: a closure
``check(value, path, report) -> bool`` specialised to that type, with the
constraints, field tables and child checkers bound in. Named types compile
once per schema and recursive references go through a late-bound proxy, so
the compiled form is a graph as small as the schema.

The same checker runs in two modes. With ``report=None`` it only answers
whether the value is valid and stops at the first problem; unions try their
members this way. With a `_Report` it collects every problem and warning.
Nothing on the success path allocates beyond the small path tuple of each
field, sequence element and map entry: diagnostics, and even the dotted path
of the value (``server.port``), are only built when something is wrong.

Scalars are interpreted by `styx.schema.scalars`, with no implicit coercion
(interp[interp.coerce.none]): the type asks, the text answers.

A union tries its members one after the other, and a member that fails may
have walked the whole subtree first; with unions nested in a recursive type
that doubles the work at every level, 2^64 steps for a document 64 levels
deep. So within one run (`_run`) whether a member accepts a value, and why
it does not, are remembered per (member, value node): each is worked out
once and validation stays linear in the document.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Iterable
from typing import TypeAlias, cast

from styx.diagnostic import Diagnostic, Label, Severity
from styx.schema import codes
from styx.schema import model as m
from styx.schema.scalars import (
    ScalarError,
    ScalarRangeError,
    parse_bool,
    parse_bytes,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_int,
    parse_json_number,
)
from styx.source import Span
from styx.syntax.merge import merged_entries
from styx.syntax.tree import (
    Document,
    Entry,
    Object,
    Scalar,
    ScalarKind,
    Sequence,
    Tagged,
    Unit,
    Value,
    shape,
)

__all__ = [
    "closest",
    "example",
    "find_declaration",
    "is_optional",
    "path_text",
    "validate",
    "validate_value",
    "written",
]

#: Where a value sits: ``(parent, segment, key node)``; None is the root.
#: A segment is a key's text, a sequence index, or None for a unit key.
Path: TypeAlias = "tuple[Path, str | int | None, Value | None] | None"
Check: TypeAlias = "Callable[[Value, Path, _Report | None], bool]"


# ---------------------------------------------------------------- public API


def validate(
    document: Document, schema: m.Schema, *, declaration: Entry | None = None
) -> list[Diagnostic]:
    """Every error and warning of `document` against `schema`, in source order.

    The root ``@schema`` entry is a directive, not a field, and is skipped.
    With `declaration` (that entry, see `find_declaration`) each diagnostic
    also points at it: "schema applied here".
    """
    if schema.root is None:
        return [_no_root(document, schema, declaration)]
    root = document.data
    return _run(root, schema, schema.root, document.filename, declaration)


def validate_value(
    value: Value,
    schema: m.Schema,
    against: m.Type | str | None = None,
    *,
    filename: str | None = None,
    declaration: Entry | None = None,
) -> list[Diagnostic]:
    """Every error and warning of one value against a type of `schema`.

    `against` is a type of that schema, the name of one of its named types,
    or None for its root type. `filename` is the file the value's spans
    point into.
    """
    if isinstance(against, str):
        type_: m.Type | None = schema.types.get(against)
        if type_ is None:
            raise KeyError(f"the schema defines no type `{against}`")
    else:
        type_ = schema.root if against is None else against
    if type_ is None:
        raise ValueError("the schema has no root type `@`")
    return _run(value, schema, type_, filename, declaration)


def find_declaration(document: Document) -> Entry | None:
    """The root ``@schema`` entry (schema[schema.declaration]), if any."""
    return document.declaration


class _Memo(threading.local):
    """What the current run (per thread) has learnt about union members,
    keyed by (member, id of the value). The value is kept with the answer:
    merged path objects are made afresh by `merged_entries`, and holding
    them keeps their ids from being reused for other nodes during the run."""

    def __init__(self) -> None:
        self.accepts: dict[tuple[int, int], tuple[Value, bool]] | None = None
        self.why_not: dict[tuple[int, int], tuple[Value, str]] | None = None
        self.merged: dict[int, tuple[Object, list[Entry]]] | None = None


_MEMO = _Memo()


def _run(
    value: Value,
    schema: m.Schema,
    type_: m.Type,
    filename: str | None,
    declaration: Entry | None,
) -> list[Diagnostic]:
    compiler = _compiler(schema)
    check = compiler.check(type_, schema)
    outer = (_MEMO.accepts, _MEMO.why_not, _MEMO.merged)
    _MEMO.accepts, _MEMO.why_not, _MEMO.merged = {}, {}, {}
    try:
        if check(value, None, None) and not compiler.may_warn(type_, schema):
            return []
        report = _Report(filename, declaration)
        check(value, None, report)
    finally:
        _MEMO.accepts, _MEMO.why_not, _MEMO.merged = outer
    return sorted(report.items, key=lambda d: (d.span.start, d.span.end))


def _merged(value: Object) -> list[Entry]:
    """`merged_entries`, made once per object in a run, so that the objects
    it makes are the same nodes each time a union tries them again."""
    memo = _MEMO.merged
    if memo is None:
        return merged_entries(value)
    found = memo.get(id(value))
    if found is None:
        found = memo[id(value)] = (value, merged_entries(value))
    return found[1]


def _no_root(document: Document, schema: m.Schema, declaration: Entry | None) -> Diagnostic:
    span = declaration.span if declaration is not None else Span(0, 0)
    return Diagnostic(
        codes.NO_ROOT_TYPE,
        "the schema has no root type, so it cannot validate a document",
        span,
        label="schema applied here" if declaration is not None else "",
        help="define the document's shape under the key `@` in the schema's `schema` block",
        file=document.filename,
        notes=(f"schema: {schema.filename or '<string>'}",),
    )


# ---------------------------------------------------------------- compiling


class _Compiled:
    """A type's checker, and what a union needs to know about it."""

    __slots__ = ("check", "kinds", "type")

    def __init__(self, check: Check, type_: m.Type, kinds: m.Kind) -> None:
        self.check = check
        self.type = type_
        self.kinds = kinds


def _compiler(schema: m.Schema) -> _Compiler:
    found = schema.cache.get("compiler")
    if found is None:
        found = schema.cache["compiler"] = _Compiler()
    return cast(_Compiler, found)


class _Compiler:
    """Turns types into checkers, memoised by type identity."""

    def __init__(self) -> None:
        self._done: dict[int, _Compiled] = {}
        self._warns: dict[int, bool] = {}
        self._table: dict[type[m.Type], Callable[[m.Type, m.Schema], Check]] = {
            m.String: self._string,
            m.Int: self._int,
            m.Float: self._float,
            m.Bool: self._interpreted(lambda s: parse_bool(s.text)),
            m.Duration: self._interpreted(lambda s: parse_duration(s.text)),
            m.Date: self._interpreted(lambda s: parse_date(s.text)),
            m.DateTime: self._interpreted(
                lambda s: parse_datetime(s.text, allow_space=s.kind is not ScalarKind.BARE)
            ),
            m.Bytes: self._interpreted(lambda s: parse_bytes(s.text)),
            m.Unit: self._unit,
            m.Any: self._any,
            m.Literal: self._literal,
            m.Optional: self._optional,
            m.Default: self._optional,
            m.Deprecated: self._deprecated,
            m.Flatten: self._flatten,
            m.Object: self._object,
            m.Union: self._union,
            m.Seq: self._seq,
            m.Tuple: self._tuple,
            m.Map: self._map,
            m.Enum: self._enum,
            m.OneOf: self._one_of,
        }

    def compile(self, type_: m.Type, schema: m.Schema) -> _Compiled:
        """The type's checker. While a type is being compiled its entry
        calls through to the checker still to come, which is how a
        recursive type (schema[schema.type.recursive]) refers to itself."""
        done = self._done.get(id(type_))
        if done is not None:
            return done
        if isinstance(type_, m.Ref):
            found = schema.lookup(type_)
            if found is None:  # reported when the schema was loaded
                return _Compiled(_accept, type_, m.Kind.ALL)
            return self.compile(found[1], found[0])
        later: list[Check] = []

        def late(value: Value, path: Path, report: _Report | None) -> bool:
            return later[0](value, path, report)

        compiled = _Compiled(late, type_, m.kinds(type_, schema))
        self._done[id(type_)] = compiled
        later.append(self._table[type(type_)](type_, schema))
        compiled.check = later[0]
        return compiled

    def check(self, type_: m.Type, schema: m.Schema) -> Check:
        return self.compile(type_, schema).check

    def may_warn(self, type_: m.Type, schema: m.Schema) -> bool:
        """Whether a valid value can still draw a warning (a deprecated
        field somewhere inside), which a silent pass would not report.
        A search of everything reachable, cached for the type asked about
        only: a partial answer inside a cycle is not an answer."""
        key = id(type_)
        known = self._warns.get(key)
        if known is None:
            known = self._warns[key] = _reaches_deprecated(type_, schema)
        return known

    # Scalars ---------------------------------------------------------

    def _string(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.String)
        t = type_
        if t.min_len is None and t.max_len is None and t.pattern is None:

            def any_string(value: Value, path: Path, report: _Report | None) -> bool:
                if isinstance(value, Scalar):
                    return True
                if report is not None:
                    report.mismatch(value, path, t)
                return False

            return any_string
        low = -1 if t.min_len is None else t.min_len
        high = -1 if t.max_len is None else t.max_len
        pattern = t.pattern

        def string(value: Value, path: Path, report: _Report | None) -> bool:
            if not isinstance(value, Scalar):
                if report is not None:
                    report.mismatch(value, path, t)
                return False
            text = value.text
            ok = True
            if len(text) < low or (high >= 0 and len(text) > high):
                if report is None:
                    return False
                report.length(value, path, t)
                ok = False
            if pattern is not None and not pattern.matches(text):
                if report is None:
                    return False
                report.pattern(value, path, t, pattern)
                ok = False
            return ok

        return string

    def _int(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Int)
        low, high = type_.min, type_.max
        return self._interpreted(lambda s: parse_int(s.text, minimum=low, maximum=high))(
            type_, schema
        )

    def _float(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Float)
        low, high = type_.min, type_.max

        def parse(scalar: Scalar) -> object:
            number = parse_json_number(scalar.text)
            if (low is not None and number < low) or (high is not None and number > high):
                raise ScalarRangeError(scalar.text, "float", _range(low, high))
            return number

        return self._interpreted(parse)(type_, schema)

    @staticmethod
    def _interpreted(parse: Callable[[Scalar], object]) -> Callable[[m.Type, m.Schema], Check]:
        """A checker for a scalar type read by `parse`, which raises `ScalarError`."""

        def build(type_: m.Type, schema: m.Schema) -> Check:
            def interpreted(value: Value, path: Path, report: _Report | None) -> bool:
                if not isinstance(value, Scalar):
                    if report is not None:
                        report.mismatch(value, path, type_)
                    return False
                try:
                    parse(value)
                except ScalarError as error:
                    if report is not None:
                        report.scalar(value, path, type_, error)
                    return False
                return True

            return interpreted

        return build

    def _unit(self, type_: m.Type, schema: m.Schema) -> Check:
        def unit(value: Value, path: Path, report: _Report | None) -> bool:
            if type(value) is Unit:
                return True
            if report is not None:
                report.mismatch(value, path, type_)
            return False

        return unit

    def _any(self, type_: m.Type, schema: m.Schema) -> Check:
        return _accept

    def _literal(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Literal)
        expected = type_.value

        def literal(value: Value, path: Path, report: _Report | None) -> bool:
            if expected is None:
                if type(value) is Unit:
                    return True
            elif isinstance(value, Scalar) and value.text == expected:
                return True
            if report is not None:
                report.literal(value, path, type_)
            return False

        return literal

    # Modifiers ---------------------------------------------------------

    def _optional(self, type_: m.Type, schema: m.Schema) -> Check:
        """A present value of an optional field is checked as the inner type;
        absence is the object's business. ``@`` is a value, not absence
        (schema[schema.optional]), so it gets a hint when it fails."""
        assert isinstance(type_, m.Optional | m.Default)
        inner = self.check(type_.inner, schema)

        def optional(value: Value, path: Path, report: _Report | None) -> bool:
            if inner(value, path, report):
                return True
            if report is not None and type(value) is Unit:
                report.unit_is_not_absence(value, path)
            return False

        return optional

    def _deprecated(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Deprecated)
        inner = self.check(type_.inner, schema)
        t = type_

        def deprecated(value: Value, path: Path, report: _Report | None) -> bool:
            if report is not None:
                report.deprecated(value, path, t)
            return inner(value, path, report)

        return deprecated

    def _flatten(self, type_: m.Type, schema: m.Schema) -> Check:
        # Only reached outside an object, which loading reports; check as the type.
        assert isinstance(type_, m.Flatten)
        return self.check(type_.inner, schema)

    # Composites --------------------------------------------------------

    def _object(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Object)
        fields, extra_type = m.object_fields(type_, schema)
        table: dict[str, tuple[Check, int]] = {}
        required: list[m.Field] = []
        for field in fields:
            bit = 0
            if not is_optional(field.type, field.schema):
                bit = 1 << len(required)
                required.append(field)
            table[field.name] = (self.check(field.type, field.schema), bit)
        extra = None if extra_type is None else self.check(extra_type[1], extra_type[0])
        all_required = (1 << len(required)) - 1
        shape_ = _ObjectShape(type_, fields)

        def object_(value: Value, path: Path, report: _Report | None) -> bool:
            if type(value) is not Object:
                if report is not None:
                    report.mismatch(value, path, type_)
                return False
            ok = True
            seen = 0
            for entry in _merged(value):
                key = entry.key
                if type(key) is Scalar:
                    found = table.get(key.text)
                    if found is not None:
                        seen |= found[1]
                        if not found[0](entry.value, (path, key.text, key), report):
                            if report is None:
                                return False
                            ok = False
                        continue
                if extra is not None:
                    if not extra(entry.value, (path, _segment(key), key), report):
                        if report is None:
                            return False
                        ok = False
                    continue
                if report is None:
                    return False
                report.unknown_field(entry, path, shape_)
                ok = False
            if seen != all_required:
                if report is None:
                    return False
                for index, field in enumerate(required):
                    if not seen & (1 << index):
                        report.missing_field(value, path, field)
                ok = False
            return ok

        return object_

    def _union(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Union)
        members = [self.compile(member, schema) for member in type_.types]
        checks = [member.check for member in members]
        warns = [self.may_warn(member, schema) for member in type_.types]
        t = type_

        def union(value: Value, path: Path, report: _Report | None) -> bool:
            memo = _MEMO.accepts
            for index, check in enumerate(checks):
                if memo is None:
                    accepted = check(value, path, None)
                else:
                    key = (id(check), id(value))
                    known = memo.get(key)
                    if known is None:
                        known = memo[key] = (value, check(value, path, None))
                    accepted = known[1]
                if accepted:
                    if report is not None and warns[index]:
                        check(value, path, report)
                    return True
            if report is not None:
                report.union(value, path, t, members)
            return False

        return union

    def _seq(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Seq)
        item = self.check(type_.item, schema)

        def seq(value: Value, path: Path, report: _Report | None) -> bool:
            if type(value) is not Sequence:
                if report is not None:
                    report.mismatch(value, path, type_)
                return False
            ok = True
            for index, element in enumerate(value.items):
                if not item(element, (path, index, None), report):
                    if report is None:
                        return False
                    ok = False
            return ok

        return seq

    def _tuple(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Tuple)
        checks = [self.check(member, schema) for member in type_.types]
        t = type_

        def tuple_(value: Value, path: Path, report: _Report | None) -> bool:
            if type(value) is not Sequence:
                if report is not None:
                    report.mismatch(value, path, t)
                return False
            ok = len(value.items) == len(checks)
            if not ok:
                if report is None:
                    return False
                report.tuple_length(value, path, t)
            for index, (check, element) in enumerate(zip(checks, value.items, strict=False)):
                if not check(element, (path, index, None), report):
                    if report is None:
                        return False
                    ok = False
            return ok

        return tuple_

    def _map(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Map)
        key_check = self.check(type_.key, schema)
        value_check = self.check(type_.value, schema)

        def map_(value: Value, path: Path, report: _Report | None) -> bool:
            if type(value) is not Object:
                if report is not None:
                    report.mismatch(value, path, type_)
                return False
            ok = True
            for entry in _merged(value):
                key = entry.key
                where = (path, _segment(key), key)
                if not key_check(key, where, report):
                    if report is None:
                        return False
                    ok = False
                if not value_check(entry.value, where, report):
                    if report is None:
                        return False
                    ok = False
            return ok

        return map_

    def _enum(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.Enum)
        t = type_
        variants = {name: self._variant(payload, schema) for name, payload in t.variants.items()}
        other = self._variant(t.open_payload, schema) if t.open else None

        def enum(value: Value, path: Path, report: _Report | None) -> bool:
            if type(value) is not Tagged:
                if report is not None:
                    report.mismatch(value, path, t)
                return False
            variant = variants.get(value.name, other)
            if variant is None:
                if report is not None:
                    report.invalid_variant(value, path, t)
                return False
            payload_check, absent_ok = variant
            payload = value.value
            if payload is None or type(payload) is Unit:
                if payload_check is None or absent_ok:
                    return True
                if payload_check(Unit(value.start, value.end), path, None):
                    return True
                if report is not None:
                    report.missing_payload(value, path, t, schema)
                return False
            if payload_check is None:
                if report is not None:
                    report.unexpected_payload(value, path, t)
                return False
            return payload_check(payload, path, report)

        return enum

    def _variant(self, payload: m.Type | None, schema: m.Schema) -> tuple[Check | None, bool]:
        """A variant's payload checker, and whether the payload may be left out.
        A payload that can only be ``@`` is no payload (``@name`` means ``@name@``)."""
        if payload is None or m.kinds(payload, schema) == m.Kind.UNIT:
            return None, True
        return self.check(payload, schema), is_optional(payload, schema)

    def _one_of(self, type_: m.Type, schema: m.Schema) -> Check:
        assert isinstance(type_, m.OneOf)
        base = self.check(type_.base, schema)
        texts = frozenset(v.text for v in type_.values if isinstance(v, Scalar))
        others = [shape(v) for v in type_.values if not isinstance(v, Scalar)]
        t = type_

        def one_of(value: Value, path: Path, report: _Report | None) -> bool:
            if not base(value, path, report):
                return False
            if isinstance(value, Scalar):
                if value.text in texts:
                    return True
            elif others and shape(value) in others:
                return True
            if report is not None:
                report.not_one_of(value, path, t)
            return False

        return one_of


def _accept(value: Value, path: Path, report: _Report | None) -> bool:
    return True


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt ``name`` most likely meant, if one is close:
    the "did you mean" of diagnostics, and the language server's quick fix
    that writes it, agree by both asking here."""
    found = difflib.get_close_matches(name, list(candidates), n=1)
    return found[0] if found else None


def is_optional(type_: m.Type, schema: m.Schema) -> bool:
    """Whether a field of this type may be left out: `@optional`, `@default`,
    and `@deprecated` (a field people are asked to stop writing cannot be
    required), seen through aliases."""
    found = schema.resolve(type_)
    return found is not None and isinstance(found[1], m.Optional | m.Default | m.Deprecated)


def _reaches_deprecated(type_: m.Type, schema: m.Schema) -> bool:
    pending = [(schema, type_)]
    seen: set[int] = set()
    while pending:
        schema, node = pending.pop()
        found = schema.resolve(node)
        if found is None or id(found[1]) in seen:
            continue
        schema, node = found
        if isinstance(node, m.Deprecated):
            return True
        seen.add(id(node))
        pending.extend((schema, child) for child in _children(node, schema))
    return False


def _children(type_: m.Type, schema: m.Schema) -> Iterable[m.Type]:
    if isinstance(type_, m.Object):
        fields, extra = m.object_fields(type_, schema)
        return [field.type for field in fields] + ([] if extra is None else [extra[1]])
    return m.children(type_)


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"must be between {low:g} and {high:g}"
    if low is not None:
        return f"must be at least {low:g}"
    return f"must be at most {high:g}"


def _segment(key: Value) -> str | None:
    if isinstance(key, Scalar):
        return key.text
    if isinstance(key, Tagged):
        return f"@{key.name}"
    return None


class _ObjectShape:
    """What an unknown-field diagnostic says about an object: its fields,
    flattened ones included."""

    __slots__ = ("fields", "type")

    def __init__(self, type_: m.Object, fields: list[m.Field]) -> None:
        self.type = type_
        self.fields = fields


# ---------------------------------------------------------------- reporting


class _Report:
    """Collects the diagnostics of one validation; every method here runs
    only when something is wrong, so this is where the text is made."""

    __slots__ = ("declaration", "file", "items")

    def __init__(self, file: str | None, declaration: Entry | None) -> None:
        self.file = file
        self.declaration = declaration
        self.items: list[Diagnostic] = []

    def add(
        self,
        code: str,
        message: str,
        span: Span,
        *,
        label: str,
        expected: m.Type | None = None,
        because: str = "expected by this",
        notes: tuple[str, ...] = (),
        help: str | None = None,
        severity: Severity = Severity.ERROR,
        schema_span: tuple[Span, m.Origin | None] | None = None,
    ) -> None:
        """One diagnostic; `expected` (or `schema_span`) is where the schema
        says what was wrong, labelled `because`."""
        labels: list[Label] = []
        if schema_span is None and expected is not None and expected.span is not None:
            schema_span = (_head(expected, expected.span), expected.origin)
        if schema_span is not None:
            labels.append(Label(schema_span[0], because, file=_schema_file(schema_span[1])))
        if self.declaration is not None:
            labels.append(Label(self.declaration.span, "schema applied here"))
        self.items.append(
            Diagnostic(
                code,
                message,
                span,
                severity,
                label,
                tuple(labels),
                notes,
                help,
                self.file,
            )
        )

    # Type and value -----------------------------------------------------

    def mismatch(self, value: Value, path: Path, type_: m.Type) -> None:
        self.add(
            codes.TYPE_MISMATCH,
            f"expected {written(type_)}{_at(path)}, found {_found(value)}",
            value.span,
            label=f"expected {_kind_word(type_)}, found {_value_word(value)}",
            expected=type_,
            help=_shape_help(type_, value, path),
        )

    def scalar(self, value: Scalar, path: Path, type_: m.Type, error: ScalarError) -> None:
        ranged = isinstance(error, ScalarRangeError)
        self.add(
            codes.OUT_OF_RANGE if ranged else codes.TYPE_MISMATCH,
            f"{error.title}{_at(path)}: expected {written(type_)}, found {_found(value)}",
            _scalar_part(value, error),
            label=error.reason,
            expected=type_,
            help=None if ranged else error.hint,
        )

    def length(self, value: Scalar, path: Path, type_: m.String) -> None:
        count = len(value.text)
        word = "short" if type_.min_len is not None and count < type_.min_len else "long"
        self.add(
            codes.STRING_LENGTH,
            f"string too {word}{_at(path)}: expected {written(type_)}, found {count} characters",
            value.span,
            label=f"{count} characters",
            expected=type_,
        )

    def pattern(self, value: Scalar, path: Path, type_: m.String, pattern: m.Pattern) -> None:
        self.add(
            codes.PATTERN_MISMATCH,
            f"{_found(value)} does not match the pattern{_at(path)}: expected {written(type_)}",
            value.span,
            label=f"does not match /{pattern.source}/",
            expected=type_,
            notes=("the pattern must match the whole text",),
        )

    def literal(self, value: Value, path: Path, type_: m.Literal) -> None:
        shown = "@" if type_.value is None else _display(type_.value)
        self.add(
            codes.LITERAL_MISMATCH,
            f"expected exactly {shown}{_at(path)}, found {_found(value)}",
            value.span,
            label=f"expected {shown}",
            expected=type_,
            help=f"the only value allowed here is {shown}",
        )

    def unit_is_not_absence(self, value: Unit, path: Path) -> None:
        """Explain, on the error just reported for `@`, how to leave a field out."""
        if self.items and path is not None and isinstance(path[1], str):
            last = self.items[-1]
            if last.span == value.span:
                last.help = (
                    f"`@` is a value, not absence: to leave `{path[1]}` out, remove the entry"
                )

    # Objects ------------------------------------------------------------

    def unknown_field(self, entry: Entry, path: Path, shape_: _ObjectShape) -> None:
        key = entry.key
        name = _key_text(key)
        names = [field.name for field in shape_.fields]
        close = closest(name, names) if isinstance(key, Scalar) else None
        self.add(
            codes.UNKNOWN_FIELD,
            f"unknown field `{name}`{_in(path)}",
            key.span,
            label="unknown field",
            expected=shape_.type,
            because="the object is defined here",
            notes=(f"expected fields: {', '.join(names)}" if names else "no fields are allowed",),
            help=f"did you mean `{close}`?" if close else None,
        )

    def missing_field(self, value: Object, path: Path, field: m.Field) -> None:
        owner_key = path[2] if path is not None else None
        if owner_key is not None:
            span, label = owner_key.span, f"missing `{field.name}`"
        elif path is None:
            span, label = Span(0, 0), f"the document has no `{field.name}`"
        else:
            span, label = Span(value.start, value.start + 1), f"missing `{field.name}`"
        key_span = field.owner.keys.get(field.name)
        self.add(
            codes.MISSING_FIELD,
            f"missing required field `{field.name}`{_in(path)}",
            span,
            label=label,
            expected=field.type,
            schema_span=None if key_span is None else (key_span, field.owner.origin),
            because="required by this",
            help=f"add the required field: {field.name} {example(field.type, field.schema)}",
        )

    # Sequences, unions, enums ------------------------------------------

    def tuple_length(self, value: Sequence, path: Path, type_: m.Tuple) -> None:
        want, got = len(type_.types), len(value.items)
        self.add(
            codes.TUPLE_LENGTH,
            f"expected {want} elements{_at(path)}, found {got}: expected {written(type_)}",
            value.span,
            label=f"{got} element{'s' if got != 1 else ''}, expected {want}",
            expected=type_,
        )

    def union(self, value: Value, path: Path, type_: m.Union, members: list[_Compiled]) -> None:
        """Blame the one member that accepts this kind of value, when there
        is exactly one; otherwise say what each member wanted."""
        kind = _kind_of(value)
        candidates = [member for member in members if member.kinds & kind]
        if len(candidates) == 1:
            candidates[0].check(value, path, self)
            return
        if not candidates:
            self.mismatch(value, path, type_)
            return
        notes = tuple(self._why_not(member, value, path) for member in candidates)
        self.add(
            codes.UNION_MISMATCH,
            f"expected {written(type_)}{_at(path)}, found {_found(value)}",
            value.span,
            label="matches none of the union's types",
            expected=type_,
            notes=notes,
        )

    def _why_not(self, member: _Compiled, value: Value, path: Path) -> str:
        memo = _MEMO.why_not
        key = (id(member), id(value))
        known = None if memo is None else memo.get(key)
        if known is None:
            trial = _Report(self.file, None)
            member.check(value, path, trial)
            errors = [d for d in trial.items if d.is_error]
            reason = errors[0].label if errors else "does not match"
            known = (value, f"not {written(member.type)}: {reason}")
            if memo is not None:
                memo[key] = known
        return known[1]

    def invalid_variant(self, value: Tagged, path: Path, type_: m.Enum) -> None:
        names = list(type_.variants)
        close = closest(value.name, names)
        self.add(
            codes.INVALID_VARIANT,
            f"unknown variant `@{value.name}`{_at(path)}",
            value.tag.span,
            label="not a valid variant",
            expected=type_,
            notes=(f"valid variants are: {', '.join('@' + n for n in names)}",),
            help=f"did you mean `@{close}`?" if close else None,
        )

    def missing_payload(self, value: Tagged, path: Path, type_: m.Enum, schema: m.Schema) -> None:
        payload = type_.variants.get(value.name, type_.open_payload)
        assert payload is not None  # a variant without a payload type needs none
        self.add(
            codes.VARIANT_PAYLOAD,
            f"variant `@{value.name}`{_at(path)} needs a payload: expected {written(payload)}",
            value.span,
            label="payload missing",
            expected=payload,
            help=f"write @{value.name}{_attached(example(payload, schema))}",
        )

    def unexpected_payload(self, value: Tagged, path: Path, type_: m.Enum) -> None:
        assert value.value is not None
        self.add(
            codes.VARIANT_PAYLOAD,
            f"variant `@{value.name}`{_at(path)} takes no payload",
            value.value.span,
            label="unexpected payload",
            expected=type_,
            help=f"write @{value.name} alone",
        )

    def not_one_of(self, value: Value, path: Path, type_: m.OneOf) -> None:
        allowed = [_display_value(v) for v in type_.values]
        text = value.text if isinstance(value, Scalar) else _display_value(value)
        close = closest(text, allowed)
        self.add(
            codes.NOT_ONE_OF,
            f"{_found(value)} is not an allowed value{_at(path)}: expected {written(type_)}",
            value.span,
            label="not an allowed value",
            expected=type_,
            notes=(f"allowed values: {', '.join(allowed)}",),
            help=f"did you mean `{close}`?" if close else None,
        )

    def deprecated(self, value: Value, path: Path, type_: m.Deprecated) -> None:
        key = path[2] if path is not None else None
        reason = f": {type_.reason}" if type_.reason else ""
        self.add(
            codes.DEPRECATED,
            f"`{path_text(path)}` is deprecated{reason}",
            key.span if key is not None else value.span,
            label="deprecated",
            expected=type_,
            because="deprecated here",
            severity=Severity.WARNING,
        )


# ---------------------------------------------------------------- wording


def _head(type_: m.Type, span: Span) -> Span:
    """A type's span, or only its tag when it is written over several lines
    (a whole ``@object{...}`` block would bury the point)."""
    text = type_.written
    if text is None or "\n" not in text:
        return span
    cut = min((i for i in (text.find("{"), text.find("(")) if i >= 0), default=len(text))
    return Span(span.start, span.start + len(text[:cut].encode("utf-8")))


def _schema_file(origin: m.Origin | None) -> str:
    return (origin.filename if origin is not None else None) or "<schema>"


_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def path_text(path: Path) -> str:
    """A path as people write it: ``server.tls.cert``, ``hosts[2]``."""
    parts: list[str] = []
    while path is not None:
        path, segment, _ = path
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif segment is None:
            parts.append(".@")
        elif _SIMPLE_KEY.fullmatch(segment):
            parts.append(f".{segment}")
        else:
            parts.append(f".{_quoted(segment)}")
    return "".join(reversed(parts)).lstrip(".")


def _at(path: Path) -> str:
    return " at the document root" if path is None else f" at `{path_text(path)}`"


def _in(path: Path) -> str:
    return " in the document root" if path is None else f" in `{path_text(path)}`"


_ABBREVIATE_AT = 60


def written(type_: m.Type) -> str:
    """A type as the schema wrote it (whitespace folded; a long one by its
    name if it is a named type, else shortened to ``@object{...}``), or as
    it would be written."""
    text = type_.written
    if text is None:
        return _synthesized(type_)
    if "\n" in text or len(text) > _ABBREVIATE_AT:
        name = type_.origin.names.get(type_.span) if type_.origin and type_.span else None
        if name is not None:
            return f"@{name}"
        cut = min((i for i in (text.find("{"), text.find("(")) if i >= 0), default=-1)
        if cut > 0:
            return text[:cut] + ("{...}" if text[cut] == "{" else "(...)")
    return " ".join(text.split())


_NAMES: dict[type[m.Type], str] = {
    m.String: "@string",
    m.Int: "@int",
    m.Float: "@float",
    m.Bool: "@bool",
    m.Unit: "@unit",
    m.Any: "@any",
    m.Duration: "@duration",
    m.Date: "@date",
    m.DateTime: "@datetime",
    m.Bytes: "@bytes",
    m.Object: "@object",
    m.Map: "@map",
    m.Seq: "@seq",
    m.Tuple: "@tuple",
    m.Union: "@union",
    m.Enum: "@enum",
    m.OneOf: "@one-of",
    m.Optional: "@optional",
    m.Default: "@default",
    m.Deprecated: "@deprecated",
    m.Flatten: "@flatten",
}


def _synthesized(type_: m.Type) -> str:
    if isinstance(type_, m.Literal):
        return "@" if type_.value is None else _display(type_.value)
    if isinstance(type_, m.Ref):
        return f"@{type_.qualified}"
    bounds: list[str] = []
    if isinstance(type_, m.Int | m.Float):
        bounds = [f"{k} {v}" for k, v in (("min", type_.min), ("max", type_.max)) if v is not None]
    elif isinstance(type_, m.String):
        pairs = (("minLen", type_.min_len), ("maxLen", type_.max_len))
        bounds = [f"{k} {v}" for k, v in pairs if v is not None]
        if type_.pattern is not None:
            bounds.append(f"pattern {_quoted(type_.pattern.source)}")
    name = _NAMES.get(type(type_), "@any")
    inner = m.children(type_)
    if bounds:
        return f"{name}{{{', '.join(bounds)}}}"
    if inner and not isinstance(type_, m.Object | m.Enum):
        return f"{name}({' '.join(_synthesized(t) for t in inner)})"
    return name


_KIND_WORDS: dict[type[m.Type], str] = {
    m.String: "a string",
    m.Int: "an integer",
    m.Float: "a number",
    m.Bool: "true or false",
    m.Unit: "unit `@`",
    m.Duration: "a duration",
    m.Date: "a date",
    m.DateTime: "a timestamp",
    m.Bytes: "bytes",
    m.Object: "an object",
    m.Map: "an object",
    m.Seq: "a sequence",
    m.Tuple: "a sequence",
    m.Enum: "a tag",
}


def _kind_word(type_: m.Type) -> str:
    """What a type accepts, in words, for a label: "an integer"."""
    if isinstance(type_, m.Literal):
        return "@" if type_.value is None else _display(type_.value)
    if isinstance(type_, m.Optional | m.Default | m.Deprecated | m.Flatten):
        return _kind_word(type_.inner)
    if isinstance(type_, m.OneOf):
        return _kind_word(type_.base)
    return _KIND_WORDS.get(type(type_), written(type_))


def _kind_of(value: Value) -> m.Kind:
    if isinstance(value, Scalar):
        return m.Kind.SCALAR
    if isinstance(value, Unit):
        return m.Kind.UNIT
    if isinstance(value, Tagged):
        return m.Kind.TAGGED
    if isinstance(value, Sequence):
        return m.Kind.SEQUENCE
    return m.Kind.OBJECT


def _value_word(value: Value) -> str:
    if isinstance(value, Scalar):
        return "a scalar"
    if isinstance(value, Unit):
        return "unit `@`"
    if isinstance(value, Tagged):
        return f"tag `@{value.name}`"
    if isinstance(value, Sequence):
        return "a sequence"
    return "an object"


def _found(value: Value) -> str:
    if isinstance(value, Scalar):
        return f"`{_display(value.text) if value.kind is ScalarKind.BARE else _quoted(value.text)}`"
    if isinstance(value, Unit):
        return "`@`"
    if isinstance(value, Tagged):
        return f"`@{value.name}`" + ("" if value.payload is None else " with a payload")
    return _value_word(value)


_SHOWN_MAX = 40


def _display(text: str) -> str:
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 1] + "…"
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{_display(escaped)}"'


def _display_value(value: Value) -> str:
    if isinstance(value, Scalar):
        return value.text
    if isinstance(value, Unit):
        return "@"
    if isinstance(value, Tagged):
        return f"@{value.name}"
    return _value_word(value)


def _key_text(key: Value) -> str:
    segment = _segment(key)
    return "@" if segment is None else segment


def _attached(text: str) -> str:
    """An example value written as a tag payload (which must touch the tag)."""
    return text if text[:1] in '{("' else f"({text})"


def _shape_help(type_: m.Type, value: Value, path: Path) -> str | None:
    """How to write the expected shape, for the common slips of
    diag[diagnostic.deser.expected-object] and [...expected-sequence]."""
    name = path[1] if path is not None and isinstance(path[1], str) else "key"
    if isinstance(type_, m.Object | m.Map) and isinstance(value, Scalar):
        return f"use braces for an object: {name} {{...}}"
    if isinstance(type_, m.Seq | m.Tuple) and isinstance(value, Scalar):
        return f"use parentheses for a sequence: {name} ({value.text})"
    if isinstance(type_, m.Enum) and isinstance(value, Scalar) and type_.variants:
        first = next(iter(type_.variants))
        return f"enum values use tag syntax: {name} @{first}"
    return None


def _scalar_part(value: Scalar, error: ScalarError) -> Span:
    """The span of the characters an interpretation error blames, when the
    scalar's text sits verbatim in the source (no escapes, not a heredoc);
    else the whole scalar."""
    size = len(value.text.encode("utf-8"))
    width = value.end - value.start
    start: int | None = None
    if value.kind is ScalarKind.BARE and width == size:
        start = value.start
    elif value.kind is ScalarKind.QUOTED and width == size + 2:
        start = value.start + 1
    elif value.kind is ScalarKind.RAW and (width - size - 3) % 2 == 0 and width >= size + 3:
        start = value.start + 2 + (width - size - 3) // 2
    if start is None:
        return value.span
    begin = start + error.byte_offset
    return Span(begin, min(begin + error.byte_length, start + size))


# ---------------------------------------------------------------- examples


def example(type_: m.Type, schema: m.Schema | None, depth: int = 0) -> str:
    """A value of `type_` to show in a fix: valid where that is easy to
    know, a recognisable placeholder otherwise."""
    if schema is not None:
        found = schema.resolve(type_)
        if found is None:
            return "..."
        schema, type_ = found
    if depth > 2:
        return "..."
    simple = _simple_example(type_)
    if simple is not None:
        return simple
    return _composite_example(type_, schema, depth)


def _simple_example(type_: m.Type) -> str | None:
    if isinstance(type_, m.Int):
        low = type_.min if type_.min is not None else min(0, type_.max if type_.max else 0)
        return str(low)
    if isinstance(type_, m.Float):
        return str(type_.min if type_.min is not None else 0.0)
    if isinstance(type_, m.String):
        if type_.pattern is not None:
            return '"..."'
        return _quoted("x" * (type_.min_len or 0))
    if isinstance(type_, m.Literal):
        return "@" if type_.value is None else _display(type_.value)
    fixed: dict[type[m.Type], str] = {
        m.Bool: "false",
        m.Unit: "@",
        m.Any: "@",
        m.Duration: "30s",
        m.Date: "2026-01-01",
        m.DateTime: "2026-01-01T00:00:00Z",
        m.Bytes: '""',
        m.Seq: "()",
        m.Map: "{}",
    }
    return fixed.get(type(type_))


def _composite_example(type_: m.Type, schema: m.Schema | None, depth: int) -> str:
    if isinstance(type_, m.Default):
        return _display_value(type_.value) if type_.value is not None else "..."
    if isinstance(type_, m.Optional | m.Deprecated | m.Flatten):
        return example(type_.inner, schema, depth)
    if isinstance(type_, m.Union):
        return example(type_.types[0], schema, depth) if type_.types else "..."
    if isinstance(type_, m.OneOf):
        return _display_value(type_.values[0]) if type_.values else "..."
    if isinstance(type_, m.Tuple):
        return f"({' '.join(example(t, schema, depth + 1) for t in type_.types)})"
    if isinstance(type_, m.Enum):
        for name, payload in type_.variants.items():
            tail = "" if payload is None else _attached(example(payload, schema, depth + 1))
            return f"@{name}{tail}"
        return "@..."
    if isinstance(type_, m.Object) and schema is not None:
        fields, _ = m.object_fields(type_, schema)
        needed = [f for f in fields if not is_optional(f.type, f.schema)]
        body = ", ".join(f"{f.name} {example(f.type, f.schema, depth + 1)}" for f in needed)
        return f"{{{body}}}"
    return "..."
