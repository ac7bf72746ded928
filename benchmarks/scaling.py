"""Linear time on hostile documents: each command at size N and 2N.

    python benchmarks/scaling.py [--scale 4] [--repeat 3] [--shape TEXT] [--command TEXT]

For every shape of tests/hostile.py (deep nesting, 10 MB-class lines,
unterminated literals, floods of errors, many keys, blank lines, commas...)
and every command (`check` as text, `check --format json`, file mode's
`--json-out`, `tree`, `fmt --check`, `to-json`), prints the best time of
``--repeat`` runs at the shape's size times ``--scale`` (N) and at twice
that (2N), and their ratio. Doubling the input of a linear command doubles
its time; the target is a ratio of at most 2.5, and the script exits 1 when
some ratio is above it (a busy machine can push one over: run it again, or
with a larger ``--scale``, before believing it).

The commands run in-process through `styx.cli.main`, output captured, so
the figure is the command's work without interpreter start-up; it is the
CPU time of this process (`time.process_time`), which other processes on a
busy machine disturb far less than wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from styx.cli import main  # noqa: E402
from tests.hostile import SHAPES  # noqa: E402

COMMANDS: dict[str, list[str]] = {
    "check": ["check", "{}"],
    "check --format json": ["check", "--format", "json", "{}"],
    "--json-out": ["{}", "--json-out", "-"],
    "tree": ["tree", "{}"],
    "fmt --check": ["fmt", "--check", "{}"],
    "to-json": ["to-json", "{}"],
}
LIMIT = 2.5
#: Times below this are compared as this (timer and scheduler noise).
FLOOR = 0.02


def timed(command: list[str], path: Path, repeat: int) -> float:
    args = [str(path) if arg == "{}" else arg for arg in command]
    best = float("inf")
    for _ in range(repeat):
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            started = time.process_time()
            main(args)
            best = min(best, time.process_time() - started)
    return best


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=4.0, help="N = test size x this")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shape", default="", help="only shapes whose name contains this")
    parser.add_argument("--command", default="", help="only commands whose name contains this")
    options = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="styx-scaling-"))
    worst = 0.0
    print(f"{'shape':32} {'command':20} {'N':>9} {'t(N) s':>8} {'t(2N) s':>8} {'ratio':>6}")
    for name, shape in SHAPES.items():
        if options.shape not in name or shape.size < 10:
            continue
        size = max(1, int(shape.size * options.scale))
        small, large = folder / "small.styx", folder / "large.styx"
        small.write_text(shape.make(size), encoding="utf-8", newline="")
        large.write_text(shape.make(2 * size), encoding="utf-8", newline="")
        for label, command in COMMANDS.items():
            if options.command not in label:
                continue
            first = timed(command, small, options.repeat)
            second = timed(command, large, options.repeat)
            # Below a few hundredths of a second the ratio is noise, not growth.
            ratio = max(second, FLOOR) / max(first, FLOOR)
            worst = max(worst, ratio)
            flag = "" if ratio <= LIMIT else "  <-- above the target"
            print(f"{name:32} {label:20} {size:>9} {first:8.3f} {second:8.3f} {ratio:6.2f}{flag}")
            sys.stdout.flush()
    print(f"worst ratio {worst:.2f} (target <= {LIMIT})")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main_())
