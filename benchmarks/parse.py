"""Parse speed against styx-py, retained memory, and cold start of `styx`.

    python benchmarks/parse.py [--peer DIR] [--kb N] [--repeat 7] [--runs 30]

Prints, per document of shared/bench/make_corpus.py: the best parse time of
styx and of the hand-written styx-py peer, measured alternately in this one
process, and their ratio (target: >= 2.5x on every document); then the
memory the tree retains as a multiple of the input size (target: <= 12x).
Then cold starts as multiples of `python -c pass` (target for `styx check`
of a small file: <= 4x), medians of alternating runs in one session, with
bytecode caches and the grammar's table cache allowed, as for any installed
program.

Parse times are CPU time (`time.process_time`) of this single-threaded
process: on a machine shared with other work, wall time measures the
neighbours too.

styx-py (bearcove/styx, implementations/styx-py) is not on PyPI (the `styx`
there is another project). Point ``--peer`` or ``$STYX_PY_DIR`` at its
``styx`` package folder; it is loaded under the name ``styx_py`` from a
temporary copy. Its one line of Python 3.12 syntax (a ``type`` alias) is
rewritten as an assignment when this interpreter is older; nothing else is
changed. Without the peer the table has no peer columns.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus

import styx

DOCUMENTS = ("services", "nested", "wide", "dibs")
#: A small configuration without a schema: what a pre-commit hook lints.
SMALL = """\
/// The service
service {
    host host-1.internal.example.com  // primary
    port 1001
    name "Service \\"1\\" with spaces"
    tags (web prod tier-1 @canary)
    tls @enabled{cert /etc/tls/1.pem, key /etc/tls/1.key}
    limits cpu>500m mem>2Gi
}
"""


def load_peer(folder: str | None) -> ModuleType | None:
    """styx-py's package as the module ``styx_py``, or None when not given."""
    if not folder:
        return None
    source = Path(folder)
    if not (source / "__init__.py").is_file():
        sys.exit(f"--peer {folder}: not a package folder (no __init__.py)")
    copy = Path(tempfile.mkdtemp(prefix="styx-py-peer-")) / "styx_py"
    copy.mkdir()
    for module in source.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        if sys.version_info < (3, 12):
            text = re.sub(r"^type (\w+) = ", r"\1 = ", text, flags=re.MULTILINE)
        (copy / module.name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(copy.parent))
    return importlib.import_module("styx_py")


def cpu_best(action: Callable[[], object]) -> float:
    started = time.process_time()
    action()
    return time.process_time() - started


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


def walls(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, run in alternating rounds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            started = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer", default=os.environ.get("STYX_PY_DIR"), help="styx-py's package")
    parser.add_argument("--kb", type=int, default=None, help="document size (make_corpus default)")
    parser.add_argument("--repeat", type=int, default=7, help="parses per document and parser")
    parser.add_argument("--runs", type=int, default=30, help="runs per cold-start command")
    args = parser.parse_args()
    peer = load_peer(args.peer)
    folder = corpus(args.kb)
    styx.parse("warm {up (the parser), at @x}")
    print(
        f"{'document':<15}{'size':>9}{'styx':>10}{'MB/s':>7}"
        + (f"{'styx-py':>10}{'ratio':>8}" if peer else "")
        + f"{'retained':>10}"
    )
    for name in DOCUMENTS:
        text = (folder / f"{name}.styx").read_text(encoding="utf-8")
        size = len(text.encode("utf-8"))
        ours = theirs = float("inf")
        for _ in range(args.repeat):  # alternating, so that both see the same machine
            ours = min(ours, cpu_best(lambda: styx.parse(text)))  # noqa: B023
            if peer is not None:
                theirs = min(theirs, cpu_best(lambda: peer.parse(text)))  # noqa: B023
        ratio = retained(text) / size
        line = f"{name + '.styx':<15}{size:>9}{ours * 1000:>8.1f}ms{size / ours / 1e6:>7.2f}"
        if peer is not None:
            line += f"{theirs * 1000:>8.1f}ms{theirs / ours:>7.2f}x"
        print(line + f"{ratio:>9.1f}x")

    script = shutil.which("styx", path=str(Path(sys.executable).parent)) or "styx"
    small = folder / "small.styx"
    small.write_text(SMALL, encoding="utf-8")
    dibs = str(folder / "dibs.styx")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import lark'": [sys.executable, "-c", "import lark"],
        "styx check small.styx": [script, "check", str(small)],
        "styx tree --format sexp dibs.styx": [script, "tree", "--format", "sexp", dibs],
        "styx check dibs.styx (its schema)": [script, "check", dibs],
    }
    walls(commands, 3)  # write bytecode caches and the grammar's table cache
    medians = walls(commands, args.runs)
    bare = medians["python -c pass"]
    print(f"\n{'cold start (median of ' + str(args.runs) + ')':<38}{'wall':>9}{'/ pass':>8}")
    for name, seconds in medians.items():
        print(f"{name:<38}{seconds * 1000:>7.1f}ms{seconds / bare:>7.1f}x")


if __name__ == "__main__":
    main()
