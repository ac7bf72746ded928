"""Validating documents, rule by rule of schema.md.

Each test writes a small schema and documents that satisfy it or not, and
checks the exact diagnostic: its code, the document path in its message,
the characters its primary span covers, and the schema text its label
points at ("the expected constraint as written").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import styx
from styx.diagnostic import Diagnostic, Severity
from styx.schema import codes
from styx.schema.load import load_inline, load_schema, load_schema_file
from styx.schema.validate import find_declaration, validate, validate_value

DATA = Path(__file__).parent / "data" / "schemas"
SCHEMA_FILE = "test.schema.styx"
DOC_FILE = "doc.styx"


def schema_text(root: str, types: str = "") -> str:
    return (
        "meta {id https://example.com/t, version 2026-01-16}\n"
        f"schema {{\n  @ {root}\n{types}\n}}\n"
    )


def run(root: str, doc: str, types: str = "") -> list[Diagnostic]:
    schema = load_schema(schema_text(root, types), filename=SCHEMA_FILE)
    document = styx.parse(doc, filename=DOC_FILE)
    return validate(document, schema, declaration=find_declaration(document))


def sliced(text: str, diagnostic_span: tuple[int, int]) -> str:
    start, end = diagnostic_span
    return text.encode("utf-8")[start:end].decode("utf-8")


class Case:
    """One validation, with helpers to look at its single diagnostic."""

    def __init__(self, root: str, doc: str, types: str = "") -> None:
        self.schema = schema_text(root, types)
        self.doc = doc
        self.found = run(root, doc, types)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.found if d.is_error]

    @property
    def one(self) -> Diagnostic:
        assert len(self.found) == 1, self.found
        return self.found[0]

    def at(self, diagnostic: Diagnostic | None = None) -> str:
        """The document text under the diagnostic's primary span."""
        return sliced(self.doc, (diagnostic or self.one).span)

    def expected(self, diagnostic: Diagnostic | None = None) -> str:
        """The schema text under the diagnostic's label into the schema file."""
        labels = [label for label in (diagnostic or self.one).labels if label.file == SCHEMA_FILE]
        assert labels, (diagnostic or self.one).labels
        return sliced(self.schema, labels[0].span)


def ok(root: str, doc: str, types: str = "") -> None:
    found = run(root, doc, types)
    assert found == [], found


# ---------------------------------------------------------------- primitives


@pytest.mark.parametrize(
    "value", ["localhost", '"quoted text"', 'r#"raw "text""#', "<<EOF\n  heredoc\n  EOF"]
)
def test_string_accepts_every_scalar(value: str) -> None:
    ok("@object{host @string}", f"host {value}\n")


@pytest.mark.parametrize(
    ("value", "found"),
    [("{a 1}", "an object"), ("(a b)", "a sequence"), ("@tag", "`@tag`"), ("@", "`@`")],
)
def test_string_rejects_non_scalars(value: str, found: str) -> None:
    case = Case("@object{host @string}", f"host {value}\n")
    d = case.one
    assert d.code == codes.TYPE_MISMATCH
    assert d.message == f"expected @string at `host`, found {found}"
    assert case.at() == value
    assert case.expected() == "@string"
    assert d.file == DOC_FILE


@pytest.mark.parametrize("value", ["true", "false", '"true"'])
def test_bool(value: str) -> None:
    ok("@object{on @bool}", f"on {value}\n")


@pytest.mark.parametrize("value", ["yes", "TRUE", "1"])
def test_bool_errors(value: str) -> None:
    case = Case("@object{on @bool}", f"on {value}\n")
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.one.message.startswith("invalid boolean at `on`: expected @bool")
    assert case.at() == value


@pytest.mark.parametrize("value", ["8080", "-42", "1_000_000", "0xff", "0o755", "0b1010", '"8080"'])
def test_int(value: str) -> None:
    ok("@object{n @int}", f"n {value}\n")


def test_int_error_names_path_constraint_and_value() -> None:
    case = Case("@object{server @object{port @int}}", "server {port localhost}\n")
    d = case.one
    assert d.code == codes.TYPE_MISMATCH
    assert d.message == "invalid integer at `server.port`: expected @int, found `localhost`"
    assert case.at() == "localhost"
    assert d.help is not None and "8080" in d.help


def test_int_error_span_is_the_bad_character() -> None:
    case = Case("@object{n @int}", "n 12x4\n")
    assert case.at() == "x"


def test_no_implicit_coercion_string_stays_string() -> None:
    """interp[interp.coerce.none]: 8080 is a fine @string."""
    ok("@object{port @string}", "port 8080\n")


@pytest.mark.parametrize("value", ["3.14", "-273.15", "6.022e23", "1E-10", "0.0", "1", "-0"])
def test_float_json_syntax(value: str) -> None:
    ok("@object{x @float}", f"x {value}\n")


@pytest.mark.parametrize(
    "value", ["NaN", "nan", "inf", "Infinity", "-inf", "1e", "+1.5", ".5", "1."]
)
def test_float_rejects_non_json_and_non_finite(value: str) -> None:
    """schema[schema.type.primitives], schema[schema.constraints.float.syntax]."""
    case = Case("@object{x @float}", f"x {value}\n")
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.one.message.startswith("invalid float at `x`")


def test_unit_and_any() -> None:
    ok("@object{u @unit, a @any, b @any, c @any}", "u @\na {x 1}\nb (1 2)\nc @t{x 1}\n")
    case = Case("@object{u @unit}", "u x\n")
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.one.message == "expected @unit at `u`, found `x`"


@pytest.mark.parametrize(
    ("type_", "good", "bad", "blamed"),
    [
        ("@duration", "1h30m", "30", "30"),
        ("@date", "2024-03-15", "2024-3-15", "3"),
        ("@datetime", "2024-03-15T14:30:00Z", "2026-13-01T00:00:00Z", "13"),
        ("@timestamp", '"2024-03-15 14:30:00"', "2024-03-15T25:00:00Z", "25"),
        ("@bytes", "deadbeef", "deadbee", None),
    ],
)
def test_scalar_types_of_scalars_md(type_: str, good: str, bad: str, blamed: str | None) -> None:
    ok(f"@object{{v {type_}}}", f"v {good}\n")
    case = Case(f"@object{{v {type_}}}", f"v {bad}\n")
    assert case.errors and case.errors[0].code == codes.TYPE_MISMATCH
    if blamed is not None:
        assert case.at(case.errors[0]) == blamed


def test_scalar_error_span_inside_quotes_and_raw_strings() -> None:
    case = Case(
        "@object{a @datetime, b @datetime}", 'a "2026-13-01T00:00:00Z"\nb r#"2026-01-32"#\n'
    )
    first, second = case.errors
    assert case.at(first) == "13"
    assert case.at(second) == "32"


# ---------------------------------------------------------------- literals


def test_literals() -> None:
    """schema[schema.literal]: scalars and `@` as types match exactly."""
    root = '@object{version 1, enabled true, tag "@mention", nothing @}'
    ok(root, 'version 1\nenabled true\ntag "@mention"\nnothing @\n')
    case = Case(root, 'version 2\nenabled true\ntag "@mention"\nnothing x\n')
    assert [d.code for d in case.found] == [codes.LITERAL_MISMATCH] * 2
    assert case.found[0].message == "expected exactly 1 at `version`, found `2`"
    assert case.expected(case.found[0]) == "1"
    assert case.found[1].message == "expected exactly @ at `nothing`, found `x`"
    assert case.expected(case.found[1]) == "@"


# ---------------------------------------------------------------- constraints


def test_string_length() -> None:
    root = "@object{name @string{minLen 2, maxLen 4}}"
    ok(root, "name abc\n")
    ok(root, "name ü€\n")  # characters, not bytes
    short, long = Case(root, "name a\n"), Case(root, "name abcde\n")
    assert short.one.code == long.one.code == codes.STRING_LENGTH
    assert short.one.message.startswith("string too short at `name`")
    assert long.one.message.startswith("string too long at `name`")
    assert long.expected() == "@string{minLen 2, maxLen 4}"


def test_pattern_is_implicitly_anchored() -> None:
    """schema[schema.constraints.string.pattern]."""
    root = '@object{slug @string{pattern "[a-z0-9-]+"}}'
    ok(root, "slug my-slug\n")
    case = Case(root, "slug My-Slug\n")
    assert case.one.code == codes.PATTERN_MISMATCH
    assert case.at() == "My-Slug"
    assert case.expected() == '@string{pattern "[a-z0-9-]+"}'
    partial = Case('@object{s @string{pattern "b"}}', "s abc\n")
    assert partial.one.code == codes.PATTERN_MISMATCH


def test_pattern_ecmascript_features() -> None:
    root = r'@object{s @string{pattern "^\\p{Lu}\\d{2}(?:-[a-z]+)?$"}}'
    ok(root, "s É42-abc\n")
    assert Case(root, "s e42\n").one.code == codes.PATTERN_MISMATCH


def test_length_and_pattern_both_reported() -> None:
    case = Case('@object{s @string{maxLen 2, pattern "[0-9]+"}}', "s abc\n")
    assert [d.code for d in case.found] == [codes.STRING_LENGTH, codes.PATTERN_MISMATCH]


def test_int_range() -> None:
    """schema[schema.constraints.int]."""
    root = "@object{port @int{min 1, max 65535}}"
    ok(root, "port 1\n")
    ok(root, "port 65535\n")
    case = Case(root, "port 0\n")
    d = case.one
    assert d.code == codes.OUT_OF_RANGE
    assert d.message == "integer out of range at `port`: expected @int{min 1, max 65535}, found `0`"
    assert d.label == "must be between 1 and 65535"
    assert case.at() == "0"
    assert case.expected() == "@int{min 1, max 65535}"
    assert Case("@object{age @int{min 0}}", "age -1\n").one.code == codes.OUT_OF_RANGE


def test_float_range() -> None:
    """schema[schema.constraints.float]."""
    ok("@object{t @float{min -273.15}}", "t -273.15\n")
    case = Case("@object{r @float{min 0.0, max 1.0}}", "r 1.5\n")
    assert case.one.code == codes.OUT_OF_RANGE
    assert case.expected() == "@float{min 0.0, max 1.0}"


# ---------------------------------------------------------------- optional, default, deprecated


def test_optional_absent_or_valid() -> None:
    """schema[schema.optional]."""
    root = "@object{host @string, timeout @optional(@duration)}"
    ok(root, "host h\n")
    ok(root, "host h\ntimeout 30s\n")
    case = Case(root, "host h\ntimeout soon\n")
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.expected() == "@duration"


def test_unit_is_not_absence() -> None:
    """schema[schema.optional], interp[interp.unit.field]: `@` is a value."""
    case = Case("@object{timeout @optional(@duration)}", "timeout @\n")
    d = case.one
    assert d.code == codes.TYPE_MISMATCH
    assert case.at() == "@"
    assert d.help is not None and "remove the entry" in d.help
    required = Case("@object{host @string}", "host @\n")
    assert required.one.code == codes.TYPE_MISMATCH
    assert Case("@object{host @string}", "host\n").one.code == codes.TYPE_MISMATCH


def test_default_makes_a_field_optional() -> None:
    """schema[schema.default]."""
    root = "@object{port @default(8080 @int{min 1, max 65535}), on @default(true @bool)}"
    ok(root, "")
    ok(root, "port 80\non false\n")
    case = Case(root, "port 0\n")
    assert case.one.code == codes.OUT_OF_RANGE
    assert case.expected() == "@int{min 1, max 65535}"


def test_deprecated_is_a_warning() -> None:
    """schema[schema.deprecated], schema[schema.validation.warnings]."""
    root = "@object{host @string, hostname @deprecated(\"use 'host' instead\" @string)}"
    case = Case(root, "host a\nhostname b\n")
    d = case.one
    assert d.code == codes.DEPRECATED
    assert d.severity is Severity.WARNING and not d.is_error
    assert d.message == "`hostname` is deprecated: use 'host' instead"
    assert case.at() == "hostname"
    assert case.expected() == "@deprecated(\"use 'host' instead\" @string)"
    ok(root, "host a\n")  # a deprecated field is never required


def test_deprecated_and_invalid() -> None:
    case = Case('@object{old @deprecated("gone" @int)}', "old x\n")
    assert sorted(d.code for d in case.found) == [codes.DEPRECATED, codes.TYPE_MISMATCH]


def test_deprecated_inside_a_union_member_still_warns() -> None:
    types = 'Old @object{v @deprecated("no" @int)}'
    case = Case("@object{x @union(@string @Old)}", "x {v 1}\n", types)
    assert [d.code for d in case.found] == [codes.DEPRECATED]


def test_deprecated_reached_through_a_cycle_still_warns() -> None:
    types = 'A @object{old @deprecated("no" @int), b @optional(@B)}\nB @object{a @A}'
    case = Case("@object{x @union(@string @B), y @union(@string @A)}", "x {a {old 1}}\n", types)
    assert [d.code for d in case.found] == [codes.MISSING_FIELD, codes.DEPRECATED]


# ---------------------------------------------------------------- objects


def test_closed_object_unknown_field() -> None:
    """schema[schema.object], diag[diagnostic.deser.unknown-field]."""
    root = "@object{host @string, port @int, timeout @optional(@duration)}"
    case = Case(root, "host h\nport 1\nprot 2\n")
    d = case.one
    assert d.code == codes.UNKNOWN_FIELD
    assert d.message == "unknown field `prot` in the document root"
    assert case.at() == "prot"
    assert d.help == "did you mean `port`?"
    assert d.notes == ("expected fields: host, port, timeout",)
    assert case.expected() == root


def test_missing_field() -> None:
    """diag[diagnostic.deser.missing-field]."""
    types = "Server @object{host @string, port @int{min 1, max 65535}}"
    case = Case("@object{server @Server}", "server {\n  host localhost\n}\n", types)
    d = case.one
    assert d.code == codes.MISSING_FIELD
    assert d.message == "missing required field `port` in `server`"
    assert case.at() == "server"
    assert d.help == "add the required field: port 1"
    assert case.expected() == "port"
    assert d.labels[0].message == "required by this"


def test_missing_field_uses_examples() -> None:
    types = "S @object{tls @Tls}\nTls @enum{off, on @object{cert @string}}"
    case = Case("@S", "", types)
    assert case.one.help == "add the required field: tls @off"
    assert case.at() == ""  # the document root has no key to point at


def test_missing_field_in_sequence_element_points_at_brace() -> None:
    case = Case("@object{xs @seq(@object{a @int})}", "xs ({a 1} {b 2})\n")
    missing = [d for d in case.found if d.code == codes.MISSING_FIELD]
    assert [case.at(d) for d in missing] == ["{"]
    assert missing[0].message == "missing required field `a` in `xs[1]`"


def test_open_objects() -> None:
    ok("@object{@ @string}", "a x\nb y\n")
    case = Case("@object{name @string, @ @int}", "name n\nport 1\nother x\n")
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.one.message.startswith("invalid integer at `other`")
    missing = Case("@object{name @string, @ @int}", "port 1\n")
    assert missing.one.code == codes.MISSING_FIELD


def test_dotted_paths_are_validated_as_one_object() -> None:
    root = "@object{server @object{host @string, port @int}}"
    ok(root, "server.host localhost\nserver.port 8080\n")
    case = Case(root, "server.host localhost\nserver.port x\n")
    assert case.one.message.startswith("invalid integer at `server.port`")
    assert case.at() == "x"


def test_attribute_objects() -> None:
    ok("@object{tls @object{cert @string, key @string}}", "tls cert>/a key>/b\n")


def test_schema_declaration_entry_is_skipped_and_labelled() -> None:
    """schema[schema.declaration], diag[diagnostic.actionable] (non-normative note)."""
    doc = "@schema ./test.schema.styx\nport x\n"
    case = Case("@object{port @int}", doc)
    d = case.one
    applied = [label for label in d.labels if label.message == "schema applied here"]
    assert [sliced(doc, label.span) for label in applied] == ["@schema ./test.schema.styx"]
    assert applied[0].file is None  # in the document itself


def test_every_error_is_collected_in_source_order() -> None:
    """schema[schema.validation]: a list, not the first error."""
    root = "@object{a @int, b @bool, c @seq(@int), d @string}"
    case = Case(root, "a x\nb y\nc (1 z 3 w)\ne 1\n")
    assert [(d.code, case.at(d)) for d in case.found] == [
        (codes.MISSING_FIELD, ""),  # the document root: its start
        (codes.TYPE_MISMATCH, "x"),
        (codes.TYPE_MISMATCH, "y"),
        (codes.TYPE_MISMATCH, "z"),
        (codes.TYPE_MISMATCH, "w"),
        (codes.UNKNOWN_FIELD, "e"),
    ]


# ---------------------------------------------------------------- composites


def test_union() -> None:
    """schema[schema.union]."""
    root = "@object{id @union(@int @string), value @union(@string @unit)}"
    ok(root, "id 1\nvalue @\n")
    ok(root, "id abc\nvalue x\n")
    case = Case(root, "id {a 1}\nvalue x\n")
    d = case.one
    assert d.code == codes.TYPE_MISMATCH
    assert d.message == "expected @union(@int @string) at `id`, found an object"


def test_union_blames_the_only_member_of_the_right_kind() -> None:
    case = Case("@object{x @union(@int @seq(@int))}", "x (1 a)\n")
    assert case.one.message.startswith("invalid integer at `x[1]`")


def test_union_failure_says_why_each_member_failed() -> None:
    case = Case("@object{x @union(@int @bool)}", "x maybe\n")
    d = case.one
    assert d.code == codes.UNION_MISMATCH
    assert d.message == "expected @union(@int @bool) at `x`, found `maybe`"
    assert d.notes == ("not @int: not a number", "not @bool: expected `true` or `false`")


def test_sequence() -> None:
    """schema[schema.sequence]."""
    ok("@object{hosts @seq(@string)}", "hosts (a b c)\n")
    ok("@object{hosts @seq(@string)}", "hosts ()\n")
    case = Case("@object{ids @seq(@union(@int @string))}", "ids (1 a {x 1})\n")
    assert case.one.message.startswith("expected @union(@int @string) at `ids[2]`")
    scalar = Case("@object{hosts @seq(@string)}", "hosts localhost\n")
    assert scalar.one.code == codes.TYPE_MISMATCH
    assert scalar.one.help == "use parentheses for a sequence: hosts (localhost)"


def test_tuple() -> None:
    """schema[schema.tuple], schema[schema.tuple.validation]."""
    root = "@object{entry @tuple(@string @int @bool)}"
    ok(root, "entry (name 3 true)\n")
    short = Case(root, "entry (name 3)\n")
    assert short.one.code == codes.TUPLE_LENGTH
    assert short.at() == "(name 3)"
    wrong = Case(root, "entry (name x true)\n")
    assert wrong.one.message.startswith("invalid integer at `entry[1]`")
    both = Case(root, "entry (name x true extra)\n")
    assert [d.code for d in both.found] == [codes.TUPLE_LENGTH, codes.TYPE_MISMATCH]


def test_map() -> None:
    """schema[schema.map]."""
    ok("@object{env @map(@string)}", "env {HOME /root, PATH /bin}\n")
    case = Case("@object{ports @map(@int)}", "ports {http 80, https x}\n")
    assert case.one.message.startswith("invalid integer at `ports.https`")
    scalar = Case("@object{ports @map(@int)}", "ports 80\n")
    assert scalar.one.help == "use braces for an object: ports {...}"


def test_map_key_types() -> None:
    """schema[schema.map.keys]: keys are checked against the key type."""
    root = "@object{codes @map(@int @string)}"
    ok(root, "codes {200 ok, 404 missing}\n")
    case = Case(root, "codes {200 ok, abc bad}\n")
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.at() == "abc"
    ok("@object{flags @map(@bool @int)}", "flags {true 1, false 0}\n")


def test_map_keys_are_distinct_by_text() -> None:
    """schema[schema.map.keys]: "1" and "01" are two keys."""
    ok("@object{m @map(@int @string)}", "m {1 a, 01 b}\n")


def test_map_of_dotted_paths() -> None:
    types = "Up @object{url @string, retries @int}"
    doc = "upstreams.a.url x\nupstreams.a.retries 1\nupstreams.b.url y\nupstreams.b.retries z\n"
    case = Case("@object{upstreams @map(@Up)}", doc, types)
    assert case.one.message.startswith("invalid integer at `upstreams.b.retries`")


def test_quoted_keys_in_paths() -> None:
    case = Case("@object{@ @int}", '"a b" x\n')
    assert case.one.message.startswith('invalid integer at `"a b"`')


# ---------------------------------------------------------------- named types


def test_named_and_recursive_types() -> None:
    """schema[schema.type.definition], schema[schema.type.recursive]."""
    types = "Node @object{value @string, children @seq(@Node)}"
    ok("@Node", "value a\nchildren ({value b, children ()})\n", types)
    case = Case(
        "@Node", "value a\nchildren ({value b, children ({value {x 1}, children ()})})\n", types
    )
    assert case.one.message == (
        "expected @string at `children[0].children[0].value`, found an object"
    )


def test_reference_chain_reports_the_definition() -> None:
    types = "Port @int{min 1}\nAlias @Port"
    case = Case("@object{port @Alias}", "port 0\n", types)
    assert case.one.code == codes.OUT_OF_RANGE
    assert case.expected() == "@int{min 1}"


def test_flatten() -> None:
    """schema[schema.flatten]: the document is flat."""
    types = (
        "User @object{name @string, email @string}\n"
        "Admin @object{user @flatten(@User), permissions @seq(@string)}"
    )
    ok("@Admin", "name Alice, email alice@example.com, permissions (read write)\n", types)
    missing = Case("@Admin", "name Alice, permissions ()\n", types)
    assert missing.one.code == codes.MISSING_FIELD
    assert missing.one.message == "missing required field `email` in the document root"
    nested = Case("@Admin", "user {name A, email e}, permissions ()\n", types)
    assert {d.code for d in nested.found} == {codes.UNKNOWN_FIELD, codes.MISSING_FIELD}


def test_enum() -> None:
    """schema[schema.enum]."""
    root = "@object{status @enum{ok, pending, err @object{message @string}}}"
    ok(root, "status @ok\n")
    ok(root, 'status @err{message "timeout"}\n')
    ok(root, "status @ok@\n")


def test_enum_unknown_variant() -> None:
    """diag[diagnostic.deser.unknown-variant]."""
    root = "@object{status @enum{ok, pending, err @object{message @string}}}"
    case = Case(root, "status @pendng\n")
    d = case.one
    assert d.code == codes.INVALID_VARIANT
    assert d.message == "unknown variant `@pendng` at `status`"
    assert case.at() == "@pendng"
    assert d.help == "did you mean `@pending`?"
    assert d.notes == ("valid variants are: @ok, @pending, @err",)


def test_enum_needs_a_tag() -> None:
    """diag[diagnostic.deser.enum-invalid]."""
    case = Case("@object{status @enum{ok, pending}}", 'status "ok"\n')
    assert case.one.code == codes.TYPE_MISMATCH
    assert case.one.help == "enum values use tag syntax: status @ok"


def test_enum_payloads() -> None:
    root = "@object{s @enum{ok, err @object{message @string}}}"
    extra = Case(root, "s @ok{x 1}\n")
    assert extra.one.code == codes.VARIANT_PAYLOAD
    assert extra.at() == "{x 1}"
    missing = Case(root, "s @err\n")
    assert missing.one.code == codes.VARIANT_PAYLOAD
    assert missing.one.help == 'write @err{message ""}'
    inner = Case(root, "s @err{message {}}\n")
    assert inner.one.message == "expected @string at `s.message`, found an object"


def test_enum_optional_payload() -> None:
    root = "@object{s @enum{v @optional(@object{n @int})}}"
    ok(root, "s @v\n")
    ok(root, "s @v{n 1}\n")


def test_one_of() -> None:
    """schema[schema.one-of], schema[schema.one-of.validation]."""
    root = "@object{level @one-of(@string (debug info warn error))}"
    ok(root, "level warn\n")
    case = Case(root, "level wran\n")
    d = case.one
    assert d.code == codes.NOT_ONE_OF
    assert d.help == "did you mean `warn`?"
    assert d.notes == ("allowed values: debug, info, warn, error",)
    assert case.expected() == "@one-of(@string (debug info warn error))"


def test_one_of_checks_the_base_type_first() -> None:
    """schema[schema.one-of.any-type]."""
    root = "@object{p @one-of(@int (1 2 3 4 5)), e @one-of(@bool (true))}"
    ok(root, "p 3\ne true\n")
    case = Case(root, "p x\ne false\n")
    assert [d.code for d in case.found] == [codes.TYPE_MISMATCH, codes.NOT_ONE_OF]


# ---------------------------------------------------------------- API


def test_no_root_type() -> None:
    schema = load_schema("meta {id x, version 2026-01-01}\nschema {T @int}\n", filename=SCHEMA_FILE)
    found = validate(styx.parse("a 1\n"), schema)
    assert [d.code for d in found] == [codes.NO_ROOT_TYPE]


def test_validate_value_against_a_named_type() -> None:
    schema = load_schema(schema_text("@any", "Port @int{min 1}"), filename=SCHEMA_FILE)
    value = styx.parse("p 0\n").get("p")
    assert value is not None
    assert [d.code for d in validate_value(value, schema, "Port")] == [codes.OUT_OF_RANGE]
    with pytest.raises(KeyError):
        validate_value(value, schema, "Nope")


def test_inline_schema_declaration() -> None:
    """schema[schema.declaration]: the simplified inline form."""
    text = (
        "@schema {\n  schema {\n    @ @object{server @object{host @string, port @int}}\n  }\n}\n\n"
        "server {host localhost, port x}\n"
    )
    document = styx.parse(text, filename="inline.styx")
    declaration = find_declaration(document)
    assert declaration is not None and isinstance(declaration.value, styx.Object)
    schema = load_inline(declaration.value, filename="inline.styx", source=text)
    found = validate(document, schema, declaration=declaration)
    assert [d.code for d in found] == [codes.TYPE_MISMATCH]
    schema_label = next(label for label in found[0].labels if label.message == "expected by this")
    assert schema_label.file == "inline.styx"
    assert sliced(text, schema_label.span) == "@int"


def test_compiled_once_per_schema() -> None:
    schema = load_schema(schema_text("@object{a @int}"), filename=SCHEMA_FILE)
    validate(styx.parse("a 1\n"), schema)
    compiler = schema.cache["compiler"]
    validate(styx.parse("a 2\n"), schema)
    assert schema.cache["compiler"] is compiler


def test_spec_example_documents() -> None:
    """Documents for the schema.md examples in data/schemas validate cleanly."""
    schema = load_schema_file(DATA / "spec-types.schema.styx")
    document = styx.parse(
        'version 3\nhost h\nliterals {version 1, enabled true, tag "@mention", nothing @}\n'
        "name n\nslug my-slug\nport 80\nage 0\nratio 0.5\ntemperature 20\n"
        "server {host h}\ndefaults {host h, timeout 1m}\nlegacy {host h}\n"
        "id 7\nvalue @\nhosts (a b)\nservers ({host a, port 1})\nids (1 two)\n"
        "point (1 2)\nentry (n 1 true)\nrange (0.5 1.5)\nenv {A b}\nports {http 80}\n"
    )
    assert validate(document, schema) == []
    named = load_schema_file(DATA / "spec-named.schema.styx")
    document = styx.parse(
        "server {tls {cert c, key k}}\nlabels {a b}\nconfig {name n, x y}\n"
        "tree {value a, children ({value b, children ()})}\n"
        "admin {name A, email e, permissions (read)}\nstatus @err{message m}\n"
        "level info\nenv staging\nmethod GET\npriority 5\nenabled true\n"
    )
    assert validate(document, named) == []


# ---------------------------------------------------------------- the benchmark corpus


def make_corpus(folder: Path, kb: int) -> Path | None:
    script = Path(
        os.environ.get(
            "STYX_BENCH_MAKE_CORPUS",
            Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "make_corpus.py",
        )
    )
    if not script.is_file():
        return None
    subprocess.run([sys.executable, str(script), str(folder), "--kb", str(kb)], check=True)
    return folder / "services.styx"


def test_services_corpus_validates(tmp_path: Path) -> None:
    services = make_corpus(tmp_path, 16)
    if services is None:
        pytest.skip("shared/bench/make_corpus.py not found")
    schema = load_schema_file(DATA / "services.schema.styx")
    text = services.read_text(encoding="utf-8")
    document = styx.parse(text, filename=str(services))
    assert validate(document, schema) == []
    broken = text.replace("  port 1003\n", "  port x\n").replace(
        "tier-2 @canary", "tier-2 @canry", 1
    )
    found = validate(styx.parse(broken), schema)
    assert [d.code for d in found] == [codes.INVALID_VARIANT, codes.TYPE_MISMATCH]
    assert found[0].message == "unknown variant `@canry` at `service_2.tags[3]`"
    assert found[1].message.startswith("invalid integer at `service_3.port`")
