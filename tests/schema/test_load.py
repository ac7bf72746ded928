"""Loading schema files: the meta-schema, interpretation, imports, and
invalid schemas whose diagnostics point into the schema file."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import styx
from styx.diagnostic import Diagnostic
from styx.schema import codes
from styx.schema import model as m
from styx.schema.load import FileImporter, SchemaError, load_inline, load_schema, load_schema_file
from styx.schema.meta import meta_schema, meta_schema_path, meta_schema_text
from styx.schema.validate import validate, validate_value
from styx.syntax.parser import parse_lenient
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data" / "schemas"
FILE = "bad.schema.styx"
META = "meta {id https://example.com/t, version 2026-01-16}\n"


def spec_importer(location: str, importing: str | None) -> m.Schema:
    """The URLs of schema.md's imports example, served from test data."""
    name = location.rsplit("/", 1)[1].removesuffix(".styx")
    return load_schema_file(DATA / f"spec-{name}.schema.styx", importer=spec_importer)


def schema_files() -> list[Path]:
    skipped = {".venv", ".git", "node_modules", "__pycache__"}
    found = [
        path
        for path in ROOT.rglob("*.schema.styx")
        if not skipped.intersection(path.relative_to(ROOT).parts)
    ]
    return sorted({*found, *DATA.glob("*.styx"), Path(meta_schema_path())})


def problems(text: str) -> list[Diagnostic]:
    with pytest.raises(SchemaError) as raised:
        load_schema(text, filename=FILE)
    return raised.value.diagnostics


def at(text: str, diagnostic: Diagnostic) -> str:
    return text.encode("utf-8")[diagnostic.span.start : diagnostic.span.end].decode("utf-8")


# ---------------------------------------------------------------- the meta-schema


def test_meta_schema_validates_itself() -> None:
    schema = load_schema(meta_schema_text(), filename=meta_schema_path())
    assert schema.meta is not None and schema.meta.version == datetime.date(2026, 1, 16)
    assert set(schema.types) >= {"Meta", "Type", "Constructor", "InlineSchema"}


@pytest.mark.parametrize("path", schema_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_meta_schema_accepts_every_schema_file_in_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = parse_lenient(text)
    assert result.document is not None
    found = validate(result.document, meta_schema())
    assert found == [], found


@pytest.mark.parametrize("path", sorted(DATA.glob("*.schema.styx")), ids=lambda p: p.name)
def test_every_test_schema_loads(path: Path) -> None:
    schema = load_schema_file(path, importer=spec_importer)
    assert schema.filename == str(path)


# ---------------------------------------------------------------- the spec's examples


def test_schema_file_structure() -> None:
    """schema[schema.file], schema[schema.root], schema[schema.meta.version]."""
    schema = load_schema_file(DATA / "spec-file.schema.styx")
    assert schema.meta is not None
    assert schema.meta.id == "https://example.com/schemas/server"
    assert schema.meta.version == datetime.date(2026, 1, 11)
    assert schema.meta.description == "Server configuration schema"
    assert schema.root == m.Object(fields={"server": m.Ref(name="Server")})
    assert schema.types["Server"] == m.Object(
        fields={"host": m.String(), "port": m.Int(min=1, max=65535)}
    )
    assert schema.types["Server"].written is not None
    port = schema.types["Server"]
    assert isinstance(port, m.Object)
    assert port.fields["port"].written == "@int{min 1, max 65535}"
    text = (DATA / "spec-file.schema.styx").read_text(encoding="utf-8")
    assert at(text, Diagnostic("", "", schema.definitions["Server"])) == "Server"


def test_types_of_the_spec() -> None:
    schema = load_schema_file(DATA / "spec-types.schema.styx")
    root = schema.root
    assert isinstance(root, m.Object)
    fields = root.fields
    assert fields["literals"] == m.Object(
        fields={
            "version": m.Literal(value="1"),
            "enabled": m.Literal(value="true"),
            "tag": m.Literal(value="@mention"),
            "nothing": m.Literal(value=None),
        }
    )
    string = fields["slug"]
    assert isinstance(string, m.String) and string.pattern is not None
    assert string.pattern.source == "^[a-z0-9-]+$"
    assert fields["temperature"] == m.Float(min=-273.15)
    assert fields["id"] == m.Union(types=(m.Int(), m.String()))
    assert fields["point"] == m.Tuple(types=(m.Int(), m.Int()))
    assert fields["env"] == m.Map(key=m.String(), value=m.String())
    server = fields["server"]
    assert isinstance(server, m.Object)
    assert server.fields["timeout"] == m.Optional(inner=m.Duration())
    defaults = fields["defaults"]
    assert isinstance(defaults, m.Object)
    port = defaults.fields["port"]
    assert isinstance(port, m.Default) and isinstance(port.value, styx.Scalar)
    assert port.value.text == "8080" and port.inner == m.Int(min=1, max=65535)
    legacy = fields["legacy"]
    assert isinstance(legacy, m.Object)
    assert legacy.fields["hostname"] == m.Deprecated(reason="use 'host' instead", inner=m.String())


def test_named_types_of_the_spec() -> None:
    schema = load_schema_file(DATA / "spec-named.schema.styx")
    assert schema.types["Labels"] == m.Object(extra=m.String())
    assert schema.types["Config"] == m.Object(fields={"name": m.String()}, extra=m.String())
    admin = schema.types["Admin"]
    assert isinstance(admin, m.Object)
    assert admin.fields["user"] == m.Flatten(inner=m.Ref(name="User"))
    fields, extra = m.object_fields(admin, schema)
    assert [f.name for f in fields] == ["name", "email", "permissions"] and extra is None
    root = schema.root
    assert isinstance(root, m.Object)
    status = root.fields["status"]
    assert isinstance(status, m.Optional) and isinstance(status.inner, m.Enum)
    assert list(status.inner.variants) == ["ok", "pending", "err"]
    assert status.inner.variants["ok"] is None
    priority = root.fields["priority"]
    assert isinstance(priority, m.Optional) and isinstance(priority.inner, m.OneOf)
    assert priority.inner.base == m.Int()
    assert [v.text for v in priority.inner.values if isinstance(v, styx.Scalar)] == list("12345")


def test_docs_and_keys_are_kept_for_editors() -> None:
    schema = load_schema_file(DATA / "services.schema.styx")
    root = schema.root
    assert isinstance(root, m.Object)
    assert root.docs["upstreams"].startswith("Where each service's traffic goes")
    assert "upstreams" in root.keys
    meta = meta_schema()
    assert meta.docs["Meta"] == "Schema metadata."


def test_recursive_types() -> None:
    """schema[schema.type.recursive]."""
    schema = load_schema_file(DATA / "spec-named.schema.styx")
    node = schema.types["Node"]
    assert isinstance(node, m.Object)
    assert node.fields["children"] == m.Seq(item=m.Ref(name="Node"))
    assert schema.resolve(m.Ref(name="Node")) == (schema, node)


def test_imports_of_the_spec() -> None:
    """schema[schema.imports]: `@auth.User` resolves in the imported schema."""
    schema = load_schema_file(DATA / "spec-imports.schema.styx", importer=spec_importer)
    assert set(schema.imports) == {"common", "auth"}
    found = schema.lookup(m.Ref(name="User", namespace="auth"))
    assert found is not None and found[0].filename == str(DATA / "spec-auth.schema.styx")
    document = styx.parse(
        "user {name ann, email ann@example.com}\nsettings {theme dark}\n", filename="app.styx"
    )
    assert validate(document, schema) == []
    bad = styx.parse("user {name ann, email nope}\nsettings {theme blue}\n")
    found_problems = validate(bad, schema)
    assert [d.code for d in found_problems] == [codes.PATTERN_MISMATCH, codes.NOT_ONE_OF]
    label = found_problems[0].labels[0]
    assert label.file == str(DATA / "spec-auth.schema.styx")


# ---------------------------------------------------------------- invalid schemas


@pytest.mark.parametrize(
    ("body", "code", "span", "message"),
    [
        (
            "@ @object{a @strnig}",
            codes.UNKNOWN_TYPE,
            "@strnig",
            "unknown type `@strnig`",
        ),
        ("@ @object{a @Servr}\nServer @object{}", codes.UNKNOWN_TYPE, "@Servr", None),
        ("@ @object{a @auth.User}", codes.UNKNOWN_NAMESPACE, "@auth.User", None),
        ("@ @object{a @int{min x}}", codes.TYPE_MISMATCH, "x", None),
        ("@ @object{a @float{min 1e}}", codes.TYPE_MISMATCH, "1e", None),
        ("@ @object{a @float{max +1}}", codes.TYPE_MISMATCH, "+", None),
        ("@ @object{a @string{minLen -1}}", codes.OUT_OF_RANGE, "-1", None),
        (
            "@ @object{a @int{min 5, max 1}}",
            codes.INVALID_CONSTRAINT,
            "min 5",
            "`min` is greater than `max`: no value can satisfy both",
        ),
        ('@ @object{a @string{pattern "a(b"}}', codes.INVALID_PATTERN, '"a(b"', None),
        ('@ @object{a @string{pattern "\\\\q"}}', codes.INVALID_PATTERN, '"\\\\q"', None),
        (
            "@ @object{a @default(0 @int{min 1})}",
            codes.INVALID_DEFAULT,
            "0",
            "default value `0` does not satisfy its type `@int{min 1}`: must be at least 1",
        ),
        ("@ @object{a @default(x @Port)}\nPort @int", codes.INVALID_DEFAULT, "x", None),
        ("@ @object{a @one-of(@int (1 x 3))}", codes.INVALID_ONE_OF, "x", None),
        (
            "@ @Admin\nUser @object{name @string}\nAdmin @object{user @flatten(@User), name @int}",
            codes.FLATTEN_OVERLAP,
            "@flatten(@User)",
            "field `name` of `@User` is declared more than once",
        ),
        (
            "@ @A\nU @object{n @string}\nV @object{n @int}\n"
            "A @object{u @flatten(@U), v @flatten(@V)}",
            codes.FLATTEN_OVERLAP,
            "@flatten(@V)",
            None,
        ),
        ("@ @object{u @flatten(@string)}", codes.INVALID_FLATTEN, "@string", None),
        ("@ @object{u @flatten(@S)}\nS @string", codes.INVALID_FLATTEN, "@S", None),
        ("@ @seq(@flatten(@S))\nS @object{}", codes.INVALID_FLATTEN, "@flatten(@S)", None),
        ("@ @A\nA @union(@A @int)", codes.RECURSIVE_ALIAS, "A", None),
        ("@ @A\nA @B\nB @optional(@A)", codes.RECURSIVE_ALIAS, "A", None),
        ("@ @map(@object{} @int)", codes.INVALID_MAP_KEY, "@object{}", None),
        ("@ @map(@seq(@int) @int)", codes.INVALID_MAP_KEY, "@seq(@int)", None),
        ("@ @any\nstring @int", codes.RESERVED_NAME, "string", None),
        ("@ @union()", codes.EMPTY_UNION, "@union()", None),
        (
            "@ @object{a @int{mn 1}}",
            codes.UNKNOWN_FIELD,
            "mn",
            "unknown field `mn` in `schema.@.a`",
        ),
        ("@ @seq(@int @int)", codes.TUPLE_LENGTH, "(@int @int)", None),
        ("@ @Foo{x 1}\nFoo @int", codes.VARIANT_PAYLOAD, "{x 1}", None),
        ("@ {a @int}", codes.TYPE_MISMATCH, "{a @int}", None),
    ],
)
def test_invalid_schemas_point_into_the_schema_file(
    body: str, code: str, span: str, message: str | None
) -> None:
    text = f"{META}schema {{\n{body}\n}}\n"
    found = problems(text)
    assert found[0].code == code, found
    assert at(text, found[0]) == span
    assert found[0].file == FILE
    if message is not None:
        assert found[0].message == message


@pytest.mark.parametrize(
    ("meta", "span"), [("version 1.0.0", "1.0.0"), ("version 2026-02-30", "2026-02-30")]
)
def test_version_must_be_datever(meta: str, span: str) -> None:
    """schema[schema.meta.version]."""
    text = f"meta {{id x, {meta}}}\nschema {{@ @any}}\n"
    found = problems(text)
    assert [d.code for d in found] == [codes.INVALID_VERSION]
    assert at(text, found[0]) == span


def test_schema_file_needs_meta_and_schema() -> None:
    """schema[schema.file]."""
    found = problems("schema {@ @any}\n")
    assert [d.code for d in found] == [codes.MISSING_FIELD]
    assert "`meta`" in found[0].message
    assert [d.code for d in problems(META)] == [codes.MISSING_FIELD]
    assert [d.code for d in problems(META + "schema {@ @any}\nextra 1\n")] == [codes.UNKNOWN_FIELD]


def test_meta_schema_diagnostics_point_at_the_meta_schema_too() -> None:
    found = problems(f"{META}schema {{@ @object{{a @int{{mn 1}}}}}}\n")
    assert found[0].help == "did you mean `min`?"
    assert any(label.file == meta_schema_path() for label in found[0].labels)


def test_all_schema_errors_are_collected() -> None:
    text = (
        f"{META}schema {{\n  @ @object{{a @Nope, b @int{{min 9, max 1}}, "
        'c @string{pattern "("}, d @default(x @int)}\n}\n'
    )
    assert [d.code for d in problems(text)] == [
        codes.INVALID_CONSTRAINT,
        codes.INVALID_PATTERN,
        codes.UNKNOWN_TYPE,
        codes.INVALID_DEFAULT,
    ]


def test_syntax_errors() -> None:
    text = f"{META}schema {{@ @object{{a @int{{}}\n"
    found = problems(text)
    assert found and all(d.code == "styx::unclosed-delimiter" for d in found)
    assert all(d.file == FILE for d in found)


def test_qualified_tags_only_in_schemas() -> None:
    """`@ns.Type` is not a tag name for the parser; a schema accepts it, a
    malformed one (`@ns.`) is still a syntax error."""
    assert [d.code for d in problems(f"{META}schema {{@ @ns.}}\n")] == ["styx::invalid-tag-name"]


def test_schema_error_message_has_a_location() -> None:
    with pytest.raises(SchemaError, match=r"^bad\.schema\.styx:2:11: unknown type `@Nope`$"):
        load_schema(f"{META}schema {{@ @Nope}}\n", filename=FILE)


def test_recursion_through_structure_is_fine() -> None:
    load_schema(f"{META}schema {{@ @A\nA @union(@int @seq(@A))\n}}\n")
    load_schema(f"{META}schema {{@ @A\nA @optional(@object{{next @A}})\n}}\n")


# ---------------------------------------------------------------- imports


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_imports_across_two_files(tmp_path: Path) -> None:
    """schema[schema.imports]: paths are relative to the importing file."""
    write(
        tmp_path,
        "lib/common.schema.styx",
        f"{META}schema {{\n  Port @int{{min 1, max 65535}}\n}}\n",
    )
    app = write(
        tmp_path,
        "app.schema.styx",
        f"{META}imports {{common ./lib/common.schema.styx}}\n"
        "schema {\n  @ @object{port @common.Port}\n}\n",
    )
    schema = load_schema_file(app)
    assert validate(styx.parse("port 80\n"), schema) == []
    found = validate(styx.parse("port 0\n"), schema)
    assert [d.code for d in found] == [codes.OUT_OF_RANGE]
    label = found[0].labels[0]
    assert label.file == str(tmp_path / "lib" / "common.schema.styx")
    imported = (tmp_path / "lib" / "common.schema.styx").read_text(encoding="utf-8")
    assert at(imported, Diagnostic("", "", label.span)) == "@int{min 1, max 65535}"


def test_import_cycles(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.schema.styx",
        f"{META}imports {{b ./b.schema.styx}}\nschema {{\n"
        "  @ @object{tree @A}\n  A @object{b @optional(@b.B), n @int}\n}\n",
    )
    write(
        tmp_path,
        "b.schema.styx",
        f"{META}imports {{a ./a.schema.styx}}\nschema {{\n  B @object{{a @optional(@a.A)}}\n}}\n",
    )
    schema = load_schema_file(tmp_path / "a.schema.styx")
    ok = styx.parse("tree {n 1, b {a {n 2, b {a {n 3}}}}}\n")
    assert validate(ok, schema) == []
    bad = styx.parse("tree {n 1, b {a {n x}}}\n")
    assert [d.message for d in validate(bad, schema)] == [
        "invalid integer at `tree.b.a.n`: expected @int, found `x`"
    ]


def test_import_errors(tmp_path: Path) -> None:
    text = f"{META}imports {{gone ./missing.schema.styx, web https://example.com/x.styx}}\n"
    text += "schema {@ @object{a @gone.A, b @web.B}}\n"
    path = write(tmp_path, "app.schema.styx", text)
    with pytest.raises(SchemaError) as raised:
        load_schema_file(path)
    found = raised.value.diagnostics
    assert [d.code for d in found] == [codes.IMPORT_FAILED, codes.IMPORT_FAILED]
    assert [at(text, d) for d in found] == ["./missing.schema.styx", "https://example.com/x.styx"]
    assert all(d.file == str(path) for d in found)


def test_invalid_imported_schema_reports_both_files(tmp_path: Path) -> None:
    write(tmp_path, "lib.schema.styx", f"{META}schema {{T @int{{min x}}}}\n")
    path = write(
        tmp_path,
        "app.schema.styx",
        f"{META}imports {{lib ./lib.schema.styx}}\nschema {{@ @lib.T}}\n",
    )
    with pytest.raises(SchemaError) as raised:
        load_schema_file(path)
    found = raised.value.diagnostics
    assert [(d.code, Path(d.file or "").name) for d in found] == [
        (codes.IMPORT_FAILED, "app.schema.styx"),
        (codes.TYPE_MISMATCH, "lib.schema.styx"),
    ]


def test_undefined_imported_type(tmp_path: Path) -> None:
    write(tmp_path, "lib.schema.styx", f"{META}schema {{Port @int}}\n")
    text = f"{META}imports {{lib ./lib.schema.styx}}\nschema {{@ @lib.Prot}}\n"
    path = write(tmp_path, "app.schema.styx", text)
    with pytest.raises(SchemaError) as raised:
        load_schema_file(path)
    (found,) = raised.value.diagnostics
    assert found.code == codes.UNKNOWN_TYPE
    assert found.help == "did you mean `@lib.Port`?"
    assert at(text, found) == "@lib.Prot"


def test_file_importer_paths(tmp_path: Path) -> None:
    assert FileImporter.path("x.styx", str(tmp_path / "a.styx")) == str(tmp_path / "x.styx")
    assert FileImporter.path("/abs/x.styx", "a.styx") == "/abs/x.styx"
    assert FileImporter.path("file:///abs/x%20y.styx", None) == "/abs/x y.styx"
    with pytest.raises(OSError, match="only files"):
        FileImporter.path("https://example.com/x.styx", None)


def test_custom_importer_receives_location_and_importing_file() -> None:
    calls: list[tuple[str, str | None]] = []

    def importer(location: str, importing: str | None) -> m.Schema:
        calls.append((location, importing))
        return load_schema(f"{META}schema {{T @int}}\n", filename="lib")

    load_schema(
        f"{META}imports {{lib somewhere}}\nschema {{@ @lib.T}}\n",
        filename="main.schema.styx",
        importer=importer,
    )
    assert calls == [("somewhere", "main.schema.styx")]


# ---------------------------------------------------------------- inline schemas


def test_inline_schema_needs_only_the_schema_block() -> None:
    """schema[schema.declaration]."""
    text = "@schema {schema {@ @object{a @int}}}\na 1\n"
    document = styx.parse(text, filename="doc.styx")
    declaration = document.entries[0]
    assert isinstance(declaration.value, styx.Object)
    schema = load_inline(declaration.value, filename="doc.styx", source=text)
    assert schema.meta is None and schema.filename == "doc.styx"
    assert validate(document, schema) == []


def test_inline_schema_errors_point_into_the_document() -> None:
    text = "@schema {schema {@ @object{a @nope}}, extra 1}\na 1\n"
    document = styx.parse(text, filename="doc.styx")
    declaration = document.entries[0]
    assert isinstance(declaration.value, styx.Object)
    with pytest.raises(SchemaError) as raised:
        load_inline(declaration.value, filename="doc.styx", source=text)
    found = raised.value.diagnostics
    assert [(d.code, at(text, d), d.file) for d in found] == [
        (codes.UNKNOWN_FIELD, "extra", "doc.styx")
    ]


# ---------------------------------------------------------------- the model


def test_model_equality_ignores_where_types_were_written() -> None:
    a = load_schema(f"{META}schema {{@ @int{{min 1}}}}\n").root
    b = load_schema(f"{META}schema {{\n\n  @   @int{{ min 1 }}\n}}\n").root
    assert a == b == m.Int(min=1)
    assert a is not None and b is not None and a.span != b.span
    assert m.Int(min=1).written is None


def test_kinds() -> None:
    schema = load_schema(f"{META}schema {{@ @any\nA @union(@int @unit)\nB @A}}\n")
    assert m.kinds(m.Ref(name="B"), schema) == m.Kind.SCALAR | m.Kind.UNIT
    assert m.kinds(m.Ref(name="Nope"), schema) == m.Kind.ALL


def test_validate_value_runs_with_the_schema_of_schemas() -> None:
    value = styx.parse("t @int{min x}\n").get("t")
    assert value is not None
    found = validate_value(value, meta_schema(), "Type")
    assert [d.code for d in found] == [codes.TYPE_MISMATCH]
