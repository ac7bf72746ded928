"""Benchmark inputs: the deterministic documents of shared/bench/make_corpus.py."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE_CORPUS = Path(
    os.environ.get("STYX_BENCH_MAKE_CORPUS", ROOT.parent / "shared" / "bench" / "make_corpus.py")
)


def corpus(kb: int | None = None) -> Path:
    """A folder holding services.styx, nested.styx, wide.styx and dibs.styx."""
    if not MAKE_CORPUS.is_file():
        sys.exit(f"make_corpus.py not found at {MAKE_CORPUS} (set STYX_BENCH_MAKE_CORPUS)")
    out = Path(tempfile.mkdtemp(prefix="styx-bench-"))
    args = [sys.executable, str(MAKE_CORPUS), str(out)]
    if kb is not None:
        args += ["--kb", str(kb)]
    subprocess.run(args, check=True)
    return out


def best(action: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds: the figure least disturbed
    by whatever else the machine is doing."""
    fastest = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest
