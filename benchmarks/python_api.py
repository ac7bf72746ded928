"""styx.loads / styx.dumps / styx.edit against the parse they are built on.

    python benchmarks/python_api.py [--kb N] [--repeat 5]

Generates services.styx of shared/bench/make_corpus.py and prints the best
time of `styx.parse`, of `styx.loads` (parse plus conversion to plain data),
of `styx.dumps` of that data (writing plus the formatter) and of one
`styx.edit` value change (parse, splice, parse again), each as a ratio to
the parse time measured in the same run. Budgets: loads 1.5x, dumps 4x
(the formatter parses the written text again), one edit 3x.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import best, corpus

import styx

BUDGETS = {"loads": 1.5, "dumps": 4.0, "edit": 3.0}


def _first_scalar_path(data: object) -> list[object]:
    path: list[object] = []
    while True:
        if isinstance(data, dict) and data:
            key = next(iter(data))
            path.append(key)
            data = data[key]
        elif isinstance(data, list) and data:
            path.append(0)
            data = data[0]
        else:
            return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=None, help="document size (make_corpus default)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = (corpus(args.kb) / "services.styx").read_text(encoding="utf-8")
    data = styx.loads(text)
    path = _first_scalar_path(data)

    def one_edit() -> None:
        doc = styx.edit(text)
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = "changed"

    times = {
        "parse": best(lambda: styx.parse(text), args.repeat),
        "loads": best(lambda: styx.loads(text), args.repeat),
        "dumps": best(lambda: styx.dumps(data), args.repeat),
        "edit": best(one_edit, args.repeat),
    }
    print(f"services.styx, {len(text.encode('utf-8'))} bytes, best of {args.repeat}")
    over = []
    for name, seconds in times.items():
        ratio = seconds / times["parse"]
        budget = BUDGETS.get(name)
        note = f"   {ratio:.2f}x parse (budget {budget:g}x)" if budget else ""
        print(f"{name:6} {seconds * 1000:9.1f} ms{note}")
        if budget and ratio > budget:
            over.append(f"{name} takes {ratio:.2f}x the parse time, over its {budget:g}x budget")
    if over:
        sys.exit("; ".join(over))


if __name__ == "__main__":
    main()
