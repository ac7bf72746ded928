"""Parse throughput, retained memory and cold start of `styx tree`.

    python benchmarks/parse.py [--kb 800] [--repeat 5]

Prints, per document of shared/bench/make_corpus.py: the best parse time and
throughput in MB/s, and the memory the tree retains as a multiple of the
input size. Then the cold-start ratio: wall time of `styx tree --format sexp
dibs.styx` over `python -c pass`, medians of repeated runs in one session
(with bytecode caches allowed, as for any installed program).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus

import styx


def throughput(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        styx.parse(text)
        best = min(best, time.perf_counter() - started)
    return best


def retained(text: str) -> int:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    document = styx.parse(text)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del document
    return after - before


def wall(argv: list[str], runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=None, help="document size (make_corpus default)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30, help="runs per cold-start command")
    args = parser.parse_args()
    folder = corpus(args.kb)
    styx.parse("warm up")
    print(f"{'document':<16}{'size':>10}{'best':>10}{'MB/s':>8}{'retained':>10}")
    for name in ("services", "nested", "wide", "dibs"):
        text = (folder / f"{name}.styx").read_text(encoding="utf-8")
        size = len(text.encode("utf-8"))
        best = throughput(text, args.repeat)
        ratio = retained(text) / size
        print(
            f"{name + '.styx':<16}{size:>10}{best * 1000:>8.1f}ms{size / best / 1e6:>8.2f}"
            f"{ratio:>9.1f}x"
        )
    script = shutil.which("styx", path=str(Path(sys.executable).parent)) or "styx"
    command = [script, "tree", "--format", "sexp", str(folder / "dibs.styx")]
    wall(command, 3)  # write bytecode caches and the grammar cache
    bare = wall([sys.executable, "-c", "pass"], args.runs)
    cold = wall(command, args.runs)
    lark = wall([sys.executable, "-c", "import lark"], args.runs)
    print(
        f"cold start: python -c pass {bare * 1000:.1f}ms, import lark {lark * 1000:.1f}ms "
        f"({lark / bare:.1f}x), styx tree --format sexp dibs.styx {cold * 1000:.1f}ms "
        f"({cold / bare:.1f}x)"
    )


if __name__ == "__main__":
    main()
