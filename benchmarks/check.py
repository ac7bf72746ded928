"""`styx check` over 200 small files, in one process and as a command.

    python benchmarks/check.py [--files 200]

The in-process figure is the library work (read, parse, report) that a
pre-commit run or an editor pays; the command figure adds interpreter start
and imports. Half the files carry an error so that rendering is measured too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus

import styx
from styx.cli import run


def make_files(count: int) -> Path:
    sample = (corpus(kb=4) / "services.styx").read_text(encoding="utf-8")
    small = "\n".join(sample.splitlines()[:40]) + "\n"
    small = small[: small.rindex("\n/// Service")] + "\n"
    folder = Path(tempfile.mkdtemp(prefix="styx-check-bench-"))
    for number in range(count):
        text = small if number % 2 else small + "service_0 {}\n"  # duplicate key
        (folder / f"config_{number:03}.styx").write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    folder = make_files(args.files)
    styx.parse("warm up")
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            code = run.check([str(folder)], "never")
        best = min(best, time.perf_counter() - started)
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(
        f"in process: {args.files} files ({size / 1024:.0f} KiB), exit {code}, "
        f"best of 5 {best * 1000:.0f}ms"
    )
    script = shutil.which("styx", path=str(Path(sys.executable).parent)) or "styx"
    started = time.perf_counter()
    subprocess.run([script, "check", str(folder)], capture_output=True)
    print(f"command: styx check DIR {(time.perf_counter() - started) * 1000:.0f}ms")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
