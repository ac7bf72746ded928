"""styx.loads / load / dumps / dump: the json/tomllib-shaped API and its round trips."""

from __future__ import annotations

import datetime
import decimal
import enum
import io
import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import styx
from styx.format import format_source
from styx.syntax.tree import MAX_NESTING

# ------------------------------------------------------------ strategies

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_TAG_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True).filter(
    lambda name: 'r#"' not in name + '"' and "r#" not in name
)
_KEYS = st.one_of(
    _TEXT,
    st.none(),
    st.builds(styx.Tagged, _TAG_NAMES, st.one_of(st.none(), _TEXT)),
).filter(lambda key: key != styx.Tagged("schema"))


def _values(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_KEYS, children, max_size=4),
        st.builds(
            styx.Tagged,
            _TAG_NAMES,
            st.one_of(
                st.none(),
                _TEXT,
                st.lists(children, max_size=3),
                st.dictionaries(_KEYS, children, max_size=3),
            ),
        ),
    )


PLAIN = st.recursive(
    st.one_of(_TEXT, st.none(), st.builds(styx.Tagged, _TAG_NAMES)), _values, max_leaves=20
)
DOCUMENTS = st.dictionaries(_KEYS, PLAIN, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_plain_data_round_trips(data: dict[Any, Any]) -> None:
    text = styx.dumps(data)
    assert styx.loads(text) == data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_dumps_output_is_a_fixed_point_of_the_formatter(data: dict[Any, Any]) -> None:
    text = styx.dumps(data)
    assert format_source(text) == text


@settings(deadline=None)
@given(_TEXT)
def test_every_string_reads_back_exactly(text: str) -> None:
    assert styx.loads(styx.dumps({"k": text, text: "v"})) == {"k": text, text: "v"}


# ------------------------------------------------------------ dataclasses


class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


@dataclass
class Tls:
    """Transport security."""

    cert: str = "cert.pem"
    verify: bool = True


@dataclass
class Unix:
    path: str = "/run/app.sock"


@dataclass
class Tcp:
    host: str = "localhost"
    port: int = 80


@dataclass
class Marker:
    pass


@dataclass
class Settings:
    """Everything the app reads."""

    name: str = field(metadata={"doc": "Shown in logs."})
    port: int = 8080
    ratio: float = 0.5
    debug: bool = False
    level: Level = Level.LOW
    started: datetime.datetime = datetime.datetime(2024, 1, 1)
    day: datetime.date = datetime.date(2024, 1, 1)
    timeout: datetime.timedelta = datetime.timedelta(seconds=30)
    secret: bytes = b""
    tags: list[str] = field(default_factory=list)
    limits: dict[str, int] = field(default_factory=dict)
    tls: Tls | None = None
    listen: Unix | Tcp | Marker = field(default_factory=Tcp)
    pair: tuple[int, str] = (1, "a")
    note: str | None = None


_ZONES = st.one_of(
    st.none(),
    st.builds(
        lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes)),
        st.integers(-23 * 60, 23 * 60),
    ),
)
SETTINGS = st.builds(
    Settings,
    name=_TEXT,
    port=st.integers(-(2**63), 2**63 - 1),
    ratio=st.floats(allow_nan=False, allow_infinity=False),  # @float is finite
    debug=st.booleans(),
    level=st.sampled_from(Level),
    started=st.datetimes(timezones=_ZONES),
    day=st.dates(),
    timeout=st.timedeltas(min_value=datetime.timedelta(0)),
    secret=st.binary(max_size=8),
    tags=st.lists(_TEXT, max_size=4),
    limits=st.dictionaries(_TEXT, st.integers(-1000, 1000), max_size=3),
    tls=st.one_of(st.none(), st.builds(Tls, _TEXT, st.booleans())),
    listen=st.one_of(
        st.builds(Unix, _TEXT), st.builds(Tcp, _TEXT, st.integers(0, 65535)), st.just(Marker())
    ),
    pair=st.tuples(st.integers(), _TEXT),
    note=st.one_of(st.none(), _TEXT),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SETTINGS)
def test_dataclasses_round_trip_through_typed_load(value: Settings) -> None:
    text = styx.dumps(value)
    assert styx.loads(text, into=Settings) == value
    assert styx.load(io.BytesIO(text.encode()), into=Settings) == value
    assert format_source(text) == text


def test_docs_become_doc_comments() -> None:
    text = styx.dumps(Settings("app", tls=Tls()))
    assert text.startswith("// Everything the app reads.\n")
    assert "/// Shown in logs.\nname app\n" in text
    assert "/// Transport security.\ntls {\n" in text
    assert "level @low\n" in text and "listen @tcp{" in text.replace(" {", "{")


def test_optional_none_with_none_default_is_left_out() -> None:
    text = styx.dumps(Settings("x"))
    assert "\ntls " not in text and "\nnote " not in text
    assert styx.loads(text, into=Settings) == Settings("x")


def test_scalar_types_are_written_as_text_the_loader_reads() -> None:
    data = {
        "d": decimal.Decimal("1.50"),
        "u": uuid.UUID(int=1),
        "p": PurePosixPath("/etc/app"),
        "f": math.inf,
        "t": datetime.time(12, 30),
        "b": b"\x00\xff",
    }
    assert styx.loads(styx.dumps(data)) == {
        "d": "1.50",
        "u": "00000000-0000-0000-0000-000000000001",
        "p": "/etc/app",
        "f": "inf",
        "t": "12:30:00",
        "b": "00ff",
    }


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("plain", "plain"),
        ("two words", '"two words"'),
        ('say "hi"', 'r#"say "hi""#'),
        ('a"#b', 'r##"a"#b"##'),
        ("C:\\my path", 'r#"C:\\my path"#'),
        ("tab\there", '"tab\\there"'),
        ("", '""'),
        ("8080", "8080"),
        ("@x", '"@x"'),
    ],
)
def test_quoting_table(text: str, token: str) -> None:
    assert styx.dumps({"k": text}) == f"k {token}\n"
    assert styx.loads(styx.dumps({"k": text})) == {"k": text}


def test_payload_of_a_tag_ending_in_r_reads_alike_in_the_reference() -> None:
    text = styx.dumps({"c": styx.Tagged("color", "red"), "d": styx.Tagged("tag", "red")})
    assert text == 'c @colorr#"red"#\nd @tag"red"\n'
    assert styx.parse_lenient(text).diagnostics == []
    assert styx.loads(text) == {"c": styx.Tagged("color", "red"), "d": styx.Tagged("tag", "red")}


def test_multi_line_text_is_a_heredoc() -> None:
    text = styx.dumps({"sql": "SELECT 1;\nSELECT 2;\n", "x": "EOF\n"})
    assert "sql <<EOF\nSELECT 1;\nSELECT 2;\nEOF\n" in text
    assert "x <<EOF1\n" in text
    nested = styx.dumps({"o": {"sql": "a\n\n  b\n"}})
    assert "    sql <<EOF\n    a\n\n      b\n    EOF\n" in nested  # content at its entry's indent
    assert styx.loads(nested) == {"o": {"sql": "a\n\n  b\n"}}
    assert styx.loads(text) == {"sql": "SELECT 1;\nSELECT 2;\n", "x": "EOF\n"}


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ([1, 2], TypeError),
        ("text", TypeError),
        ({"k": {1, 2}}, TypeError),
        ({"k": styx.Tagged("not a tag")}, ValueError),
        ({"k": datetime.timedelta(seconds=-1)}, ValueError),
        ({(1, 2): "v"}, TypeError),
    ],
)
def test_what_has_no_styx_form_is_refused(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        styx.dumps(value)


def test_a_circular_reference_is_refused() -> None:
    data: dict[str, Any] = {}
    data["self"] = data
    with pytest.raises(ValueError, match="circular"):
        styx.dumps(data)


def test_data_deeper_than_a_document_may_be_is_refused() -> None:
    data: Any = "leaf"
    for _ in range(2 * MAX_NESTING):
        data = {"k": data, "j": 1}
    with pytest.raises(ValueError, match="nesting too deep"):
        styx.dumps(data)


def test_deep_data_needs_no_recursion() -> None:
    from styx.dumping import _Writer

    data: Any = "leaf"
    for _ in range(3000):
        data = [data, {"k": "x"}]
    # Writing is a loop; the layout pass is the formatter's. Reading back
    # stops at the parser's nesting limit (docs/spec-decisions.md).
    written = _Writer().run({"deep": data})
    with pytest.raises(styx.StyxSyntaxError, match="nesting too deep"):
        styx.loads(written)
    levels = MAX_NESTING - 1  # each level a list, the last holding the leaf
    data = "leaf"
    for _ in range(levels):
        data = [data, {"k": "x"}]
    node = styx.loads(_Writer().run({"deep": data}))["deep"]
    depth = 0
    while isinstance(node, list):
        assert node[1] == {"k": "x"}
        node, depth = node[0], depth + 1
    assert (node, depth) == ("leaf", levels)
    shallow: Any = "leaf"
    for _ in range(MAX_NESTING // 2):
        shallow = [shallow, {"k": "x"}]
    assert styx.loads(styx.dumps({"deep": shallow})) == {"deep": shallow}


# ------------------------------------------------------------ load / loads


SCHEMA = """meta {id test, version 2026-01-01}
schema {
    @ @object{
        port @int
        ratio @float
        on @bool
        name @string
    }
}
"""


def test_loads_with_a_schema_types_numbers_and_booleans(tmp_path: Path) -> None:
    text = "port 80\nratio 1.5\non true\nname 80\n"
    expected = {"port": 80, "ratio": 1.5, "on": True, "name": "80"}
    assert styx.loads(text, schema=styx.load_schema(SCHEMA)) == expected
    (tmp_path / "s.styx").write_text(SCHEMA)
    assert styx.loads(text, schema=tmp_path / "s.styx") == expected
    with pytest.raises(styx.StyxValidationError) as caught:
        styx.loads("port eighty\nratio 1\non true\nname x\n", schema=styx.load_schema(SCHEMA))
    assert caught.value.diagnostics[0].span.start == len("port ")


def test_dumps_with_a_schema_refuses_data_that_does_not_fit() -> None:
    schema = styx.load_schema(SCHEMA)
    good = {"port": 80, "ratio": 1.5, "on": True, "name": "n"}
    assert styx.loads(styx.dumps(good, schema=schema), schema=schema) == good
    with pytest.raises(styx.StyxValidationError):
        styx.dumps({**good, "port": "eighty"}, schema=schema)


def test_load_takes_files_paths_and_text(tmp_path: Path) -> None:
    path = tmp_path / "app.styx"
    path.write_text("name café\n", encoding="utf-8")
    with open(path, "rb") as binary:
        assert styx.load(binary) == {"name": "café"}
    with open(path, encoding="utf-8") as text:
        assert styx.load(text) == {"name": "café"}
    assert styx.load(path) == {"name": "café"}
    assert styx.load("name café\n") == {"name": "café"}  # the first release's form
    assert styx.load(styx.parse("name café\n")) == {"name": "café"}


@dataclass
class Named:
    name: str


def test_load_into_keeps_the_positional_form() -> None:
    assert styx.load("name x\n", Named) == Named("x")
    assert styx.load("name x\n", into=Named) == Named("x")
    assert styx.loads("name x\n", Named) == Named("x")


def test_diagnostics_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.styx"
    path.write_text("a {\n", encoding="utf-8")
    with pytest.raises(styx.StyxSyntaxError, match=r"broken\.styx:"):
        styx.load(path)
    with open(path, "rb") as file, pytest.raises(styx.StyxSyntaxError, match=r"broken\.styx:"):
        styx.load(file)
    path.write_bytes(b"name \xff\n")
    with pytest.raises(styx.StyxSyntaxError, match=r"broken\.styx"):
        styx.load(path)


def test_plain_loads_leaves_out_the_schema_directive_and_merges_paths() -> None:
    text = '@schema {id x}\na.b 1\na.c @ok\n@ unit-key\n@env"P" v\n'
    assert styx.loads(text) == {
        "a": {"b": "1", "c": styx.Tagged("ok")},
        None: "unit-key",
        styx.Tagged("env", "P"): "v",
    }


def test_argument_errors() -> None:
    with pytest.raises(TypeError):
        styx.loads(b"a 1")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        styx.load(42)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        styx.loads("a 1", Named, schema="x")  # type: ignore[call-overload]


def test_dump_writes_text_and_binary_files(tmp_path: Path) -> None:
    text_io = io.StringIO()
    styx.dump({"a": "é"}, text_io)
    binary = io.BytesIO()
    styx.dump({"a": "é"}, binary)
    styx.dump({"a": "é"}, tmp_path / "out.styx")
    assert text_io.getvalue() == binary.getvalue().decode() == "a é\n"
    assert (tmp_path / "out.styx").read_text(encoding="utf-8") == "a é\n"
