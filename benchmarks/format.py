"""Formatting time against parse time.

    python benchmarks/format.py [--kb N] [--repeat 5]

Generates the documents of shared/bench/make_corpus.py and, for
services.styx (the realistic one: comments, doc comments, heredocs, tags,
attributes, dotted paths), prints the best parse time (`styx.parse`), the
best time to format the already parsed document (`format_document`), and
their ratio. The formatter's budget is twice the parse time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import best, corpus

import styx
from styx.format import format_document

BUDGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=None, help="document size (make_corpus default)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = (corpus(args.kb) / "services.styx").read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    document = styx.parse(text)
    parse = best(lambda: styx.parse(text), args.repeat)
    layout = best(lambda: format_document(document), args.repeat)
    compact = best(lambda: format_document(document, compact=True), args.repeat)
    ratio = layout / parse
    print(f"services.styx, {size} bytes, best of {args.repeat}")
    print(f"parse           {parse * 1000:8.1f} ms")
    print(f"format          {layout * 1000:8.1f} ms   {ratio:.2f}x parse (budget {BUDGET:.0f}x)")
    print(f"format compact  {compact * 1000:8.1f} ms   {compact / parse:.2f}x parse")
    if ratio > BUDGET:
        sys.exit(f"formatting takes {ratio:.2f}x the parse time, over the {BUDGET:.0f}x budget")


if __name__ == "__main__":
    main()
