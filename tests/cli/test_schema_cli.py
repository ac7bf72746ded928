"""The CLI with schemas: check exits 2, --schema overrides, to-json is typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SCHEMA = """meta {
    id https://example.com/server
    version 2026-01-11
}

schema {
    @ @object{
        server @object{
            host @string
            port @int{min 1, max 65535}
            debug @default(false @bool)
        }
    }
}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "server.schema.styx").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "good.styx").write_text(
        "@schema ./server.schema.styx\n\nserver {\n    host h\n    port 8080\n    debug true\n}\n",
        encoding="utf-8",
    )
    (tmp_path / "bad.styx").write_text(
        "@schema ./server.schema.styx\n\nserver {\n    host h\n    port 70000\n    prot 1\n}\n",
        encoding="utf-8",
    )
    (tmp_path / "plain.styx").write_text("server {host h, port 0}\n", encoding="utf-8")
    return tmp_path


def test_check_validates_the_declared_schema(run_styx, folder: Path) -> None:
    done = run_styx("check", str(folder / "good.styx"), str(folder / "bad.styx"))
    assert done.returncode == 2
    assert "error[styx::out-of-range]" in done.stderr
    assert "bad.styx:5:10" in done.stderr
    assert "server.schema.styx:" in done.stderr  # a label into the schema file
    assert "did you mean `port`?" in done.stderr
    assert "schema applied here" in done.stderr


def test_schema_option_overrides_and_applies_to_undeclared_documents(
    run_styx, folder: Path
) -> None:
    assert run_styx("check", str(folder / "plain.styx")).returncode == 0
    done = run_styx(
        "check", "--schema", str(folder / "server.schema.styx"), str(folder / "plain.styx")
    )
    assert done.returncode == 2
    assert "must be between 1 and 65535" in done.stderr


def test_missing_schema_is_a_warning_not_an_error(run_styx, tmp_path: Path) -> None:
    path = tmp_path / "lonely.styx"
    path.write_text("@schema ./nowhere.styx\na 1\n", encoding="utf-8")
    done = run_styx("check", str(path))
    assert done.returncode == 0
    assert "warning[styx::schema-not-found]" in done.stderr


def test_broken_schema_points_into_the_schema_file(run_styx, tmp_path: Path) -> None:
    (tmp_path / "s.styx").write_text(
        "meta {id x, version 2026-01-01}\nschema {@ @object{a @int{min x}}}\n", encoding="utf-8"
    )
    doc = tmp_path / "d.styx"
    doc.write_text("@schema ./s.styx\na 1\n", encoding="utf-8")
    done = run_styx("check", str(doc))
    assert done.returncode == 2
    assert "s.styx:2:" in done.stderr


def test_to_json_is_typed_by_the_schema(run_styx, folder: Path) -> None:
    done = run_styx("to-json", str(folder / "good.styx"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"server": {"host": "h", "port": 8080, "debug": True}}
    untyped = run_styx("to-json", str(folder / "plain.styx"))
    assert json.loads(untyped.stdout) == {"server": {"host": "h", "port": "0"}}


def test_file_mode_validate_and_json_out(run_styx, folder: Path) -> None:
    assert run_styx(str(folder / "good.styx"), "--validate").returncode == 0
    bad = run_styx(str(folder / "bad.styx"), "--validate")
    assert (bad.returncode, bad.stdout) == (2, "")
    typed = run_styx(str(folder / "good.styx"), "--json-out", "-", "--compact")
    assert json.loads(typed.stdout)["server"]["port"] == 8080
    overridden = run_styx(
        str(folder / "plain.styx"), "--validate", "--schema", str(folder / "server.schema.styx")
    )
    assert overridden.returncode == 2


def test_inline_schema(run_styx, tmp_path: Path) -> None:
    path = tmp_path / "inline.styx"
    path.write_text("@schema {schema {@ @object{port @int}}}\nport eighty\n", encoding="utf-8")
    done = run_styx("check", str(path))
    assert done.returncode == 2
    assert "inline.styx:2:6" in done.stderr


def test_json_report_includes_schema_errors(run_styx, folder: Path) -> None:
    done = run_styx("check", "--format", "json", str(folder / "bad.styx"))
    codes = [item["code"] for item in json.loads(done.stdout)]
    assert codes == ["styx::out-of-range", "styx::unknown-field"]
