"""The official compliance corpus, one parametrized case per document.

The corpus is read from ``$STYX_COMPLIANCE_DIR`` (default: the shared
``styx-compliance`` folder beside this repository) and compared with its
golden trees the way the suite's own compare.py does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from styx.syntax.dump import sexp, sexp_error
from styx.syntax.parser import parse_lenient
from tests.conftest import compliance_dir

CORPUS = compliance_dir()
MARKER = re.compile(r"^; file: (.*)$", re.M)
ERROR_MESSAGE = re.compile(r'\(error (\[-?\d+, -?\d+\]) "(?:[^"\\]|\\.)*"\)')


def normalise(tree: str) -> str:
    """compare.py's normalisation: layout and error messages are free."""
    tree = ERROR_MESSAGE.sub(r"(error \1)", tree)
    tree = re.sub(r"\s+", " ", tree).strip()
    return re.sub(r" \)", ")", tree)


def golden() -> dict[str, str]:
    path = CORPUS / "golden.sexp"
    if not path.is_file():
        return {}
    parts = MARKER.split(path.read_text(encoding="utf-8"))
    return {
        parts[i].strip().split("corpus/", 1)[1]: parts[i + 1] for i in range(1, len(parts) - 1, 2)
    }


GOLDEN = golden()
needs_corpus = pytest.mark.skipif(
    not GOLDEN, reason=f"compliance corpus not found at {CORPUS} (set STYX_COMPLIANCE_DIR)"
)


def tree_of(path: Path) -> str:
    result = parse_lenient(path.read_text(encoding="utf-8"), filename=str(path))
    errors = [d for d in result.diagnostics if d.is_error]
    if errors or result.document is None:
        return sexp_error(errors[0])
    return sexp(result.document)


@needs_corpus
@pytest.mark.parametrize("name", sorted(GOLDEN) or ["<missing>"])
def test_compliance(name: str) -> None:
    assert normalise(tree_of(CORPUS / "corpus" / name)) == normalise(GOLDEN[name])


@needs_corpus
def test_corpus_has_every_case() -> None:
    on_disk = {str(p.relative_to(CORPUS / "corpus")) for p in (CORPUS / "corpus").rglob("*.styx")}
    assert on_disk == set(GOLDEN)
    assert len(GOLDEN) == 94
