"""`.config/dibs.styx`: found from the working directory up, loaded typed,
validated against dibs' own registered schema."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import styx
from dibs.config import (
    CONFIG_PATH,
    Config,
    ConfigNotFound,
    DbConfig,
    find_config,
    load_config,
    schema_text,
)
from styx.schema.resolve import lookup_registry

GOOD = (
    "@schema {id crate:dibs@1, cli dibs}\n\n"
    "db {\n    crate my-app-db\n    binary /app/my-app-db\n}\n"
)


def project(root: Path, text: str = GOOD) -> Path:
    config = root / CONFIG_PATH
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return config


def dibs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = shutil.which("dibs", path=str(Path(sys.executable).parent))
    assert script
    return subprocess.run(
        [script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_found_in_the_working_directory_and_its_parents(tmp_path: Path) -> None:
    config = project(tmp_path)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(tmp_path) == config.resolve()
    assert find_config(deep) == config.resolve()


def test_nearest_config_wins(tmp_path: Path) -> None:
    project(tmp_path)
    inner = project(tmp_path / "inner")
    assert find_config(tmp_path / "inner") == inner.resolve()


def test_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound):
        find_config(tmp_path)


def test_container_layout_config_at_the_root(tmp_path: Path) -> None:
    """In the image the config is mounted at /.config/dibs.styx and the
    working directory is /: here a temporary folder stands for /."""
    project(tmp_path)
    located = load_config(tmp_path)
    assert located.project_root == tmp_path.resolve()
    assert located.config == Config(DbConfig(crate="my-app-db", binary="/app/my-app-db"))


def test_defaults_and_durations(tmp_path: Path) -> None:
    project(tmp_path, "db {\n    crate x\n    connect_timeout 1m30s\n}\n")
    assert load_config(tmp_path).config.db.connect_timeout == timedelta(seconds=90)
    project(tmp_path, "")
    assert load_config(tmp_path).config == Config()


def test_config_problems_are_diagnostics(tmp_path: Path) -> None:
    project(tmp_path, "db {\n    crat x\n}\n")
    with pytest.raises(styx.StyxValidationError) as caught:
        load_config(tmp_path)
    [problem] = caught.value.diagnostics
    assert problem.code == "styx::unknown-field"
    assert problem.help == "did you mean `crate`?"


def test_schema_is_registered_for_the_declaration() -> None:
    lookup = lookup_registry("crate:dibs@1", "dibs")
    assert lookup.source is not None
    assert lookup.source.text == schema_text()
    assert styx.load_schema(schema_text()).root is not None


def test_styx_check_validates_dibs_styx_with_the_registered_schema(tmp_path: Path) -> None:
    config = project(tmp_path, GOOD.replace("crate my-app-db", "crat my-app-db"))
    script = shutil.which("styx", path=str(Path(sys.executable).parent))
    assert script
    done = subprocess.run([script, "check", str(config)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "did you mean `crate`?" in done.stderr


def test_dibs_config_schema_command(tmp_path: Path) -> None:
    done = dibs("config-schema", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == schema_text()


def test_dibs_config_command(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "sub").mkdir()
    done = dibs("config", cwd=tmp_path / "sub")
    assert done.returncode == 0, done.stderr
    assert "db.crate: my-app-db" in done.stdout


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("db {\n", 2, "unclosed object"),
        ("db {crat x}\n", 2, "did you mean `crate`?"),
        (None, 2, "no .config/dibs.styx"),
        (b"db {crate \xff}\n", 2, "not valid UTF-8"),
    ],
    ids=["syntax", "validation", "missing", "not-utf8"],
)
def test_dibs_config_errors(
    tmp_path: Path, text: str | bytes | None, code: int, needle: str
) -> None:
    """Every configuration problem: exit 2, ``error:`` first, then the
    diagnostics (a file that is not UTF-8 included, which was a traceback)."""
    if isinstance(text, bytes):
        project(tmp_path, "").write_bytes(text)
    elif text is not None:
        project(tmp_path, text)
    done = dibs("config", cwd=tmp_path)
    assert done.returncode == code
    assert done.stderr.startswith("error: ")
    assert needle in done.stderr
    assert "Traceback" not in done.stderr
