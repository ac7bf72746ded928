"""The repository's own Styx files stay valid against the schemas they declare."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_every_example_passes_styx_check(run_styx) -> None:
    done = run_styx("check", str(ROOT / "examples"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_example_converts_to_typed_json(run_styx) -> None:
    import json

    done = run_styx("to-json", str(Path(ROOT / "examples" / "server.styx")))
    data = json.loads(done.stdout)
    assert data["server"]["port"] == 8080
    assert data["database"]["pool"] == {"min": 2, "max": 16}
