"""Reading schema files into `styx.schema.model` objects.

A schema is Styx, so loading is parsing, then validating the tree against
the meta-schema (`styx.schema.meta`, the schema of schema files), then
interpreting the tags as types. The meta-schema catches every shape problem
(a misspelt constraint, a payload of the wrong kind) with the validator's own
diagnostics; what a shape cannot say is checked here: constraint values,
regular expressions, datever versions, references, imports, flatten rules,
recursion without structure, and defaults and one-of values that break
their own type. Every problem is collected and raised together in one
`SchemaError`, with spans in the schema file.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import difflib
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TypedDict, TypeVar

import regress

from styx.diagnostic import Diagnostic, Label
from styx.schema import codes
from styx.schema import model as m
from styx.schema.meta import bootstrapping, meta_schema
from styx.schema.scalars import ScalarError, parse_date, parse_int, parse_json_number
from styx.schema.validate import validate_value, written
from styx.source import LineIndex, Span
from styx.syntax import codes as syntax_codes
from styx.syntax.merge import merged_entries
from styx.syntax.parser import parse_lenient
from styx.syntax.tree import Entry, Object, Scalar, Sequence, Tagged, Unit, Value

__all__ = [
    "BUILTIN_TYPES",
    "FileImporter",
    "Importer",
    "SchemaError",
    "load_inline",
    "load_schema",
    "load_schema_file",
]

#: Resolves an import: (location as written, importing schema's filename) -> schema.
Importer = Callable[[str, "str | None"], m.Schema]


class SchemaError(ValueError):
    """A schema that cannot be used; `diagnostics` point into the schema file(s)."""

    def __init__(self, diagnostics: list[Diagnostic], origin: m.Origin | None = None) -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0]
        where = first.file or "<schema>"
        if origin is not None and first.file == origin.filename:
            line, column = LineIndex(origin.text).position(first.span.start)
            where = f"{where}:{line}:{column}"
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{where}: {first.message}{more}")


# ---------------------------------------------------------------- entry points


def load_schema(
    text: str, *, filename: str | None = None, importer: Importer | None = None
) -> m.Schema:
    """A schema file's text as a `Schema`; raises `SchemaError`.

    `importer` loads each ``imports`` location (schema[schema.imports]);
    the default, `FileImporter`, reads paths relative to `filename`.
    """
    key = _loading_key(filename)
    in_progress = _LOADING.get().get(key) if key is not None else None
    if in_progress is not None:  # an import cycle came back to this file
        return in_progress
    origin = m.Origin(text, filename)
    body = _parse(origin)
    return _Loader(origin, importer or FileImporter()).load(body, inline=False, key=key)


def load_schema_file(path: str | os.PathLike[str], *, importer: Importer | None = None) -> m.Schema:
    """A schema file from disk; its path names it in every diagnostic."""
    path = os.fspath(path)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    return load_schema(text, filename=path, importer=importer)


def load_inline(
    obj: Object,
    *,
    filename: str | None,
    source: str,
    importer: Importer | None = None,
) -> m.Schema:
    """The inline form of schema[schema.declaration]: the object of a
    document's ``@schema {...}`` entry, where only ``schema`` is required.
    Spans stay in the document (`source`, named `filename`)."""
    origin = m.Origin(source, filename)
    return _Loader(origin, importer or FileImporter()).load(obj, inline=True, key=None)


#: Schemas being loaded in this context, by file, so that an import cycle
#: gets the schema under construction instead of loading it again.
_LOADING: contextvars.ContextVar[Mapping[str, m.Schema]] = contextvars.ContextVar(
    "styx_schema_loading", default=MappingProxyType({})
)


def _loading_key(filename: str | None) -> str | None:
    if filename is None or "://" in filename or filename.startswith("<"):
        return filename
    return os.path.realpath(filename)


@contextlib.contextmanager
def _loading(key: str | None, schema: m.Schema) -> Iterator[None]:
    if key is None:
        yield
        return
    token = _LOADING.set({**_LOADING.get(), key: schema})
    try:
        yield
    finally:
        _LOADING.reset(token)


class FileImporter:
    """Loads imports from files: a relative location is relative to the
    importing schema's directory (the working directory for a schema
    without a file), ``file://`` URLs and absolute paths are used as they
    are. Each file is loaded once per importer. Other URLs are refused:
    fetching is the job of an importer that knows about caches
    (`styx.schema.resolve`)."""

    def __init__(self) -> None:
        self._loaded: dict[str, m.Schema] = {}

    def __call__(self, location: str, importing: str | None) -> m.Schema:
        path = self.path(location, importing)
        key = os.path.realpath(path)
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = load_schema_file(path, importer=self)
        return found

    @staticmethod
    def path(location: str, importing: str | None) -> str:
        """The file an import location names; raises OSError for other URLs."""
        parsed = urllib.parse.urlparse(location)
        if parsed.scheme == "file":
            return urllib.parse.unquote(parsed.path)
        if len(parsed.scheme) > 1:  # one letter is a Windows drive
            raise OSError(f"cannot fetch `{location}`: only files can be imported here")
        if os.path.isabs(location):
            return location
        base = os.path.dirname(importing) if importing and "://" not in importing else ""
        return os.path.normpath(os.path.join(base, location))


# ---------------------------------------------------------------- parsing

#: ``@namespace.Type``: not a valid tag for the parser (parser[tag.syntax]),
#: but how schema[schema.imports] writes imported types.
_QUALIFIED_TAG = re.compile(r"@[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+")


def _parse(origin: m.Origin) -> Object:
    """The schema file's fields (its own ``@schema`` directive left out)."""
    result = parse_lenient(origin.text, filename=origin.filename)
    problems = [
        d.in_file(origin.filename)
        for d in result.diagnostics
        if d.is_error and not _qualified_reference(d, origin)
    ]
    if problems or result.document is None:
        raise SchemaError(problems or [_unreadable(origin)], origin)
    return result.document.data


def _qualified_reference(diagnostic: Diagnostic, origin: m.Origin) -> bool:
    return diagnostic.code == syntax_codes.INVALID_TAG_NAME and bool(
        _QUALIFIED_TAG.fullmatch(origin.slice(diagnostic.span))
    )


def _unreadable(origin: m.Origin) -> Diagnostic:
    message = "the schema could not be parsed"
    return Diagnostic(syntax_codes.UNEXPECTED_TOKEN, message, Span(0, 0), file=origin.filename)


# ---------------------------------------------------------------- loading


class _Loader:
    """One schema from tree to checked `Schema`."""

    def __init__(self, origin: m.Origin, importer: Importer) -> None:
        self.origin = origin
        self.importer = importer

    def load(self, body: Object, *, inline: bool, key: str | None) -> m.Schema:
        """`body` is the schema's fields: a file's root without its own
        ``@schema`` directive, or the object of an inline declaration."""
        shape_problems = _meta_problems(body, self.origin, inline)
        if shape_problems:
            raise SchemaError(shape_problems, self.origin)
        reader = _Reader(self.origin)
        schema = reader.schema(body)
        with _loading(key, schema):
            problems = reader.problems + self._imports(schema)
        problems += _Checker(schema).problems()
        errors = [d for d in problems if d.is_error]
        if errors:
            raise SchemaError(errors, self.origin)
        return schema

    def _imports(self, schema: m.Schema) -> list[Diagnostic]:
        problems: list[Diagnostic] = []
        for entry in schema.imports.values():
            try:
                entry.schema = self.importer(entry.location, self.origin.filename)
            except SchemaError as error:
                problems.append(self._failed(entry, "the imported schema is invalid"))
                problems += error.diagnostics
            except (OSError, UnicodeDecodeError) as error:
                problems.append(self._failed(entry, str(error)))
        return problems

    def _failed(self, entry: m.Import, why: str) -> Diagnostic:
        return Diagnostic(
            codes.IMPORT_FAILED,
            f"cannot import `{entry.namespace}` from `{entry.location}`: {why}",
            entry.span or Span(0, 0),
            label="imported here",
            file=self.origin.filename,
        )


def _meta_problems(body: Object, origin: m.Origin, inline: bool) -> list[Diagnostic]:
    """The tree checked against the meta-schema; empty for the meta-schema
    itself while it is being bootstrapped."""
    if bootstrapping():
        return []
    against = "InlineSchema" if inline else None
    found = validate_value(body, meta_schema(), against, filename=origin.filename)
    return [d for d in found if d.is_error]


# ---------------------------------------------------------------- interpreting

#: Every built-in type tag; a definition with one of these names could never
#: be referenced.
BUILTIN_TYPES = frozenset(
    {
        "string", "int", "float", "bool", "unit", "any", "duration", "date", "datetime",
        "timestamp", "bytes", "object", "seq", "tuple", "union", "optional", "enum",
        "one-of", "map", "flatten", "default", "deprecated",
    }
)  # fmt: skip

_PLAIN: dict[str, type[m.Type]] = {
    "bool": m.Bool,
    "unit": m.Unit,
    "any": m.Any,
    "duration": m.Duration,
    "date": m.Date,
    "datetime": m.DateTime,
    "timestamp": m.DateTime,
    "bytes": m.Bytes,
}

_T = TypeVar("_T", int, float)

_DATEVER = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Where(TypedDict):
    """Where a type was written: the keyword arguments every type takes."""

    span: Span
    origin: m.Origin


class _Reader:
    """Interprets a tree that the meta-schema accepted; collects what only
    interpretation can find (bad constraint values, patterns, versions)."""

    def __init__(self, origin: m.Origin) -> None:
        self.origin = origin
        self.problems: list[Diagnostic] = []
        self._builders: dict[str, Callable[[Tagged], m.Type]] = {
            "string": self._string,
            "int": self._int,
            "float": self._float,
            "object": self._object,
            "seq": lambda tag: m.Seq(item=self._arg(tag, 0), **self._at(tag)),
            "tuple": lambda tag: m.Tuple(types=self._args(tag), **self._at(tag)),
            "union": self._union,
            "optional": lambda tag: m.Optional(inner=self._arg(tag, 0), **self._at(tag)),
            "enum": self._enum,
            "one-of": self._one_of,
            "map": self._map,
            "flatten": lambda tag: m.Flatten(inner=self._arg(tag, 0), **self._at(tag)),
            "default": self._default,
            "deprecated": self._deprecated,
        }

    def problem(
        self, code: str, message: str, span: Span, label: str, help: str | None = None
    ) -> None:
        self.problems.append(
            Diagnostic(code, message, span, label=label, help=help, file=self.origin.filename)
        )

    def _at(self, node: Value) -> _Where:
        return {"span": node.span, "origin": self.origin}

    # The file ------------------------------------------------------------

    def schema(self, body: Object) -> m.Schema:
        fields = _fields(body)
        schema = m.Schema(root=None, origin=self.origin)
        meta = fields.get("meta")
        if meta is not None:
            schema.meta = self._meta(meta.value)
        imports = fields.get("imports")
        if imports is not None:
            schema.imports = self._imports(imports.value)
        definitions = fields.get("schema")
        if definitions is not None and isinstance(definitions.value, Object):
            self._definitions(definitions.value, schema)
        return schema

    def _meta(self, value: Value) -> m.Meta:
        fields = _fields(value)
        return m.Meta(
            id=_text(fields.get("id")) or "",
            version=self._version(fields.get("version")),
            description=_text(fields.get("description")),
            span=value.span,
        )

    def _version(self, entry: Entry | None) -> datetime.date | None:
        """schema[schema.meta.version]: datever, a real ``YYYY-MM-DD`` date."""
        if entry is None or not isinstance(entry.value, Scalar):
            return None
        text = entry.value.text
        try:
            if _DATEVER.fullmatch(text):
                return parse_date(text)
            reason = "not a date"
        except ScalarError as error:
            reason = error.reason
        self.problem(
            codes.INVALID_VERSION,
            f"schema version `{text}` is not datever (YYYY-MM-DD)",
            entry.value.span,
            reason,
            help="write the date of this version of the schema, such as 2026-01-16",
        )
        return None

    def _imports(self, value: Value) -> dict[str, m.Import]:
        found: dict[str, m.Import] = {}
        for entry in _entries(value):
            if isinstance(entry.key, Scalar) and isinstance(entry.value, Scalar):
                name = entry.key.text
                found[name] = m.Import(name, entry.value.text, entry.value.span)
        return found

    def _definitions(self, value: Object, schema: m.Schema) -> None:
        for entry in merged_entries(value):
            if isinstance(entry.key, Unit):
                schema.root = self.type(entry.value)
                continue
            if not isinstance(entry.key, Scalar):
                continue
            name = entry.key.text
            if name in BUILTIN_TYPES:
                self.problem(
                    codes.RESERVED_NAME,
                    f"`{name}` is a built-in type and cannot be redefined",
                    entry.key.span,
                    "reserved name",
                    help=f"rename the type, for example to `{name.title()}`",
                )
            schema.types[name] = self.type(entry.value)
            schema.definitions[name] = entry.key.span
            self.origin.names[entry.value.span] = name
            if entry.doc is not None:
                schema.docs[name] = entry.doc.text

    # Types ---------------------------------------------------------------

    def type(self, value: Value, *, field: bool = False) -> m.Type:
        """The type a value denotes: a literal for scalars and ``@``
        (schema[schema.literal]), a constructor or reference for tags."""
        if isinstance(value, Scalar):
            return m.Literal(value=value.text, **self._at(value))
        if isinstance(value, Unit):
            return m.Literal(value=None, **self._at(value))
        if not isinstance(value, Tagged):  # the meta-schema lets none through
            return m.Any(**self._at(value))
        build = self._builders.get(value.name)
        if build is None:
            if value.name in _PLAIN:
                return _PLAIN[value.name](**self._at(value))
            namespace, dot, name = value.name.partition(".")
            if dot:
                return m.Ref(name=name, namespace=namespace, **self._at(value))
            return m.Ref(name=value.name, **self._at(value))
        built = build(value)
        if isinstance(built, m.Flatten) and not field:
            self.problem(
                codes.INVALID_FLATTEN,
                "`@flatten` can only be the type of an object's field",
                value.span,
                "not directly inside `@object{...}`",
            )
        return built

    def _args(self, tag: Tagged) -> tuple[m.Type, ...]:
        payload = tag.payload
        items = payload.items if isinstance(payload, Sequence) else []
        return tuple(self.type(item) for item in items)

    def _arg(self, tag: Tagged, index: int) -> m.Type:
        args = self._args(tag)
        return args[index] if index < len(args) else m.Any(**self._at(tag))

    def _string(self, tag: Tagged) -> m.Type:
        fields = _fields(tag.payload)
        low = self._integer(fields.get("minLen"))
        high = self._integer(fields.get("maxLen"))
        self._ordered(low, high, fields.get("minLen"), "minLen", "maxLen")
        return m.String(
            min_len=low, max_len=high, pattern=self._pattern(fields.get("pattern")), **self._at(tag)
        )

    def _int(self, tag: Tagged) -> m.Type:
        fields = _fields(tag.payload)
        low, high = self._integer(fields.get("min")), self._integer(fields.get("max"))
        self._ordered(low, high, fields.get("min"), "min", "max")
        return m.Int(min=low, max=high, **self._at(tag))

    def _float(self, tag: Tagged) -> m.Type:
        fields = _fields(tag.payload)
        low, high = self._number(fields.get("min")), self._number(fields.get("max"))
        self._ordered(low, high, fields.get("min"), "min", "max")
        return m.Float(min=low, max=high, **self._at(tag))

    def _integer(self, entry: Entry | None) -> int | None:
        return self._constraint(entry, lambda text: parse_int(text))

    def _number(self, entry: Entry | None) -> float | None:
        """schema[schema.constraints.float.syntax]: JSON number syntax only."""
        return self._constraint(entry, parse_json_number)

    def _constraint(self, entry: Entry | None, parse: Callable[[str], _T]) -> _T | None:
        if entry is None or not isinstance(entry.value, Scalar):
            return None
        scalar = entry.value
        try:
            return parse(scalar.text)
        except ScalarError as error:
            key = entry.key.text if isinstance(entry.key, Scalar) else "constraint"
            self.problem(
                codes.INVALID_CONSTRAINT,
                f"invalid `{key}`: {error.message}",
                scalar.span,
                error.reason,
                error.hint,
            )
            return None

    def _ordered(
        self, low: float | None, high: float | None, at: Entry | None, lo: str, hi: str
    ) -> None:
        if low is not None and high is not None and low > high and at is not None:
            self.problem(
                codes.INVALID_CONSTRAINT,
                f"`{lo}` is greater than `{hi}`: no value can satisfy both",
                at.span,
                f"{lo} {low} > {hi} {high}",
            )

    def _pattern(self, entry: Entry | None) -> m.Pattern | None:
        """schema[schema.constraints.string.pattern]: ECMAScript (with the
        ``u`` flag, so ``\\u{...}`` and ``\\p{...}`` work and typos are
        errors), implicitly anchored."""
        if entry is None or not isinstance(entry.value, Scalar):
            return None
        source = entry.value.text
        try:
            regex = regress.Regex(f"^(?:{source})$", "u")
        except regress.RegressError as error:
            self.problem(
                codes.INVALID_PATTERN,
                f"invalid regular expression: {error}",
                entry.value.span,
                str(error),
                help="patterns use ECMAScript syntax, as in JavaScript's RegExp with the u flag",
            )
            return None
        return m.Pattern(source, regex)

    def _object(self, tag: Tagged) -> m.Type:
        fields: dict[str, m.Type] = {}
        keys: dict[str, Span] = {}
        docs: dict[str, str] = {}
        extra: m.Type | None = None
        for entry in _entries(tag.payload):
            if isinstance(entry.key, Unit):
                extra = self.type(entry.value)
            elif isinstance(entry.key, Scalar):
                name = entry.key.text
                fields[name] = self.type(entry.value, field=True)
                keys[name] = entry.key.span
                if entry.doc is not None:
                    docs[name] = entry.doc.text
        return m.Object(fields=fields, extra=extra, keys=keys, docs=docs, **self._at(tag))

    def _union(self, tag: Tagged) -> m.Type:
        members = self._args(tag)
        if not members:
            self.problem(
                codes.EMPTY_UNION,
                "an empty union matches nothing",
                tag.span,
                "no member types",
                help="list the types a value may have: @union(@int @string)",
            )
        return m.Union(types=members, **self._at(tag))

    def _enum(self, tag: Tagged) -> m.Type:
        variants: dict[str, m.Type | None] = {}
        keys: dict[str, Span] = {}
        docs: dict[str, str] = {}
        open_, open_payload = False, None
        for entry in _entries(tag.payload):
            payload = None if isinstance(entry.value, Unit) else self.type(entry.value)
            if isinstance(entry.key, Unit):
                open_, open_payload = True, payload
            elif isinstance(entry.key, Scalar):
                variants[entry.key.text] = payload
                keys[entry.key.text] = entry.key.span
                if entry.doc is not None:
                    docs[entry.key.text] = entry.doc.text
        return m.Enum(
            variants=variants,
            open=open_,
            open_payload=open_payload,
            keys=keys,
            docs=docs,
            **self._at(tag),
        )

    def _one_of(self, tag: Tagged) -> m.Type:
        payload = tag.payload
        items = payload.items if isinstance(payload, Sequence) else []
        values = items[1].items if len(items) > 1 and isinstance(items[1], Sequence) else []
        return m.OneOf(base=self._arg(tag, 0), values=tuple(values), **self._at(tag))

    def _map(self, tag: Tagged) -> m.Type:
        args = self._args(tag)
        if len(args) == 1:
            return m.Map(key=m.String(), value=args[0], **self._at(tag))
        return m.Map(key=args[0], value=args[1], **self._at(tag))

    def _default(self, tag: Tagged) -> m.Type:
        payload = tag.payload
        items = payload.items if isinstance(payload, Sequence) else []
        value = items[0] if items else None
        return m.Default(value=value, inner=self._arg(tag, 1), **self._at(tag))

    def _deprecated(self, tag: Tagged) -> m.Type:
        payload = tag.payload
        items = payload.items if isinstance(payload, Sequence) else []
        reason = items[0].text if items and isinstance(items[0], Scalar) else ""
        return m.Deprecated(reason=reason, inner=self._arg(tag, 1), **self._at(tag))


def _entries(value: Value | None) -> list[Entry]:
    return merged_entries(value) if isinstance(value, Object) else []


def _fields(value: Value | None) -> dict[str, Entry]:
    return {e.key.text: e for e in _entries(value) if isinstance(e.key, Scalar)}


def _text(entry: Entry | None) -> str | None:
    return entry.value.text if entry is not None and isinstance(entry.value, Scalar) else None


# ---------------------------------------------------------------- checking


class _Checker:
    """The checks that need every reference resolved: undefined types,
    flatten rules, map keys, recursion, and values that must satisfy a type."""

    def __init__(self, schema: m.Schema) -> None:
        self.schema = schema
        self.found: list[Diagnostic] = []

    def problems(self) -> list[Diagnostic]:
        roots = [t for t in (self.schema.root, *self.schema.types.values()) if t is not None]
        for root in roots:
            for node in _walk(root):
                self._node(node)
        for name, type_ in self.schema.types.items():
            self._recursion(name, type_)
        if not any(d.code == codes.RECURSIVE_ALIAS for d in self.found):
            for root in roots:
                for node in _walk(root):
                    self._values(node)
        return self.found

    def add(
        self,
        code: str,
        message: str,
        at: m.Type | Span | None,
        label: str,
        *,
        labels: tuple[Label, ...] = (),
        notes: tuple[str, ...] = (),
        help: str | None = None,
    ) -> None:
        span = at if isinstance(at, Span) else (at.span if at is not None else None)
        self.found.append(
            Diagnostic(
                code,
                message,
                span or Span(0, 0),
                label=label,
                labels=labels,
                notes=notes,
                help=help,
                file=self.schema.filename,
            )
        )

    def _node(self, node: m.Type) -> None:
        if isinstance(node, m.Ref):
            self._reference(node)
        elif isinstance(node, m.Flatten):
            self._flatten(node)
        elif isinstance(node, m.Object):
            self._overlaps(node)
        elif isinstance(node, m.Map):
            self._map_key(node)

    def _reference(self, ref: m.Ref) -> None:
        if self.schema.lookup(ref) is not None:
            return
        if ref.namespace is not None and ref.namespace not in self.schema.imports:
            known = ", ".join(self.schema.imports) or "none"
            self.add(
                codes.UNKNOWN_NAMESPACE,
                f"unknown namespace `{ref.namespace}` in `@{ref.qualified}`",
                ref,
                "not imported",
                notes=(f"imported namespaces: {known}",),
                help=f"declare it: imports {{{ref.namespace} ./{ref.namespace}.schema.styx}}",
            )
            return
        imported = self.schema.imports.get(ref.namespace or "")
        if ref.namespace is not None and (imported is None or imported.schema is None):
            return  # the import itself failed, and says so
        names = self._names(ref)
        close = _close(ref.name, names)
        self.add(
            codes.UNKNOWN_TYPE,
            f"unknown type `@{ref.qualified}`",
            ref,
            "not a built-in type nor defined in the schema",
            help=f"did you mean `@{_qualify(ref.namespace, close)}`?" if close else None,
            notes=("built-in types: " + ", ".join(f"@{n}" for n in sorted(BUILTIN_TYPES)),)
            if ref.namespace is None
            else (),
        )

    def _names(self, ref: m.Ref) -> list[str]:
        if ref.namespace is None:
            return [*BUILTIN_TYPES, *self.schema.types]
        imported = self.schema.imports[ref.namespace].schema
        return list(imported.types) if imported is not None else []

    def _flatten(self, node: m.Flatten) -> None:
        if not isinstance(node.inner, m.Ref):
            self.add(
                codes.INVALID_FLATTEN,
                "`@flatten` takes a named object type",
                node.inner,
                "not a type name",
                help="define the object as a named type and flatten that: @flatten(@Name)",
            )
        elif self.schema.lookup(node.inner) is None:
            return  # an unknown type, reported as such
        elif m.flatten_target(node, self.schema) is None:
            self.add(
                codes.INVALID_FLATTEN,
                f"`@{node.inner.qualified}` is not an object type, so it cannot be flattened",
                node.inner,
                "not an object",
                notes=(
                    "only an object's fields can be inlined (schema[schema.flatten.constraints])",
                ),
            )

    def _overlaps(self, obj: m.Object) -> None:
        """schema[schema.flatten.constraints]: no field may come from two places."""
        if not any(isinstance(t, m.Flatten) for t in obj.fields.values()):
            return
        owners: dict[str, tuple[Span | None, m.Origin | None]] = {
            name: (obj.keys.get(name), obj.origin)
            for name, t in obj.fields.items()
            if not isinstance(t, m.Flatten)
        }
        for name, type_ in obj.fields.items():
            if not isinstance(type_, m.Flatten):
                continue
            target = m.flatten_target(type_, self.schema)
            if target is None:
                continue
            inner, _ = m.object_fields(target[1], target[0])
            for field in inner:
                first = owners.get(field.name)
                if first is None:
                    owners[field.name] = (field.owner.keys.get(field.name), field.owner.origin)
                    continue
                self._overlap(name, type_, field.name, first)

    def _overlap(
        self,
        flatten_name: str,
        flatten: m.Flatten,
        field: str,
        first: tuple[Span | None, m.Origin | None],
    ) -> None:
        span, origin = first
        labels: tuple[Label, ...] = ()
        if span is not None:
            file = origin.filename if origin is not None else None
            labels = (Label(span, f"`{field}` is declared here", file=file),)
        self.add(
            codes.FLATTEN_OVERLAP,
            f"field `{field}` of `{written_ref(flatten.inner)}` is declared more than once",
            flatten,
            f"`{flatten_name}` flattens another `{field}`",
            labels=labels,
            help="rename one of the fields, or flatten types whose fields do not overlap",
        )

    def _map_key(self, node: m.Map) -> None:
        """schema[schema.map.keys]: keys are scalars (or ``@``)."""
        accepted = m.kinds(node.key, self.schema)
        found = self.schema.resolve(node.key)
        if found is not None and isinstance(found[1], m.Any):
            return
        if accepted & ~(m.Kind.SCALAR | m.Kind.UNIT):
            self.add(
                codes.INVALID_MAP_KEY,
                "map keys must be scalar types",
                node.key,
                "not a scalar type",
                help="use @string, @int or @bool (or a @one-of of them) for keys",
            )

    def _recursion(self, name: str, type_: m.Type) -> None:
        """schema[schema.type.recursive]: recursion must pass through a
        structure (object, sequence, map, enum payload), or validating would
        never end: ``A @union(@A @int)`` is refused."""
        target = self.schema.types[name]
        pending: list[tuple[m.Schema, m.Type]] = [(self.schema, type_)]
        seen: set[int] = set()
        while pending:
            schema, node = pending.pop()
            if id(node) in seen or isinstance(node, m.STRUCTURAL):
                continue
            seen.add(id(node))
            if isinstance(node, m.Ref):
                found = schema.lookup(node)
                if found is None:
                    continue
                if found[1] is target:
                    self.add(
                        codes.RECURSIVE_ALIAS,
                        f"type `{name}` contains itself without any structure in between",
                        self.schema.definitions.get(name),
                        "refers to itself",
                        help="recursion must go through @object, @seq, @map, @tuple or @enum",
                    )
                    return
                pending.append(found)
            else:
                pending.extend((schema, child) for child in m.children(node))

    def _values(self, node: m.Type) -> None:
        """schema[schema.default.validation] and schema[schema.one-of]: the
        values a schema writes must satisfy their own type."""
        if isinstance(node, m.Default) and node.value is not None:
            self._value(node.value, node.inner, node, codes.INVALID_DEFAULT, "default value")
        elif isinstance(node, m.OneOf):
            for value in node.values:
                self._value(value, node.base, node, codes.INVALID_ONE_OF, "allowed value")

    def _value(self, value: Value, type_: m.Type, owner: m.Type, code: str, what: str) -> None:
        problems = [
            d
            for d in validate_value(value, self.schema, type_, filename=self.schema.filename)
            if d.is_error
        ]
        if not problems:
            return
        first = problems[0]
        self.add(
            code,
            f"{what}{_shown(value)} does not satisfy its type `{written(type_)}`: {first.label}",
            first.span,
            first.label,
            labels=first.labels,
            notes=tuple(d.message for d in problems[1:]),
            help=f"change the {what}, or the type, so that they agree",
        )


def _walk(type_: m.Type) -> Iterator[m.Type]:
    """Every type written inside `type_`, itself included (no references followed)."""
    pending = [type_]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(reversed(m.children(node)))


def _shown(value: Value) -> str:
    """The value after a leading space, when it is short enough to quote."""
    if isinstance(value, Scalar):
        return f" `{value.text}`"
    return " `@`" if isinstance(value, Unit) else ""


def _close(name: str, names: list[str]) -> str | None:
    found = difflib.get_close_matches(name, names, n=1)
    return found[0] if found else None


def _qualify(namespace: str | None, name: str | None) -> str:
    return f"{namespace}.{name}" if namespace else str(name)


def written_ref(type_: m.Type) -> str:
    text = type_.written
    return text if text is not None else f"@{type_.qualified}" if isinstance(type_, m.Ref) else "?"
