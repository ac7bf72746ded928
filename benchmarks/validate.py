"""Schema validation cost against parse cost, on services.styx.

    python benchmarks/validate.py [--kb 800] [--repeat 5]

Parses services.styx of shared/bench/make_corpus.py and validates it against
tests/schema/data/schemas/services.schema.styx, which covers every construct
the document uses. Prints the best parse time, the best validation time (the
schema compiled beforehand, as a long-running tool or editor would have it)
and their ratio; the target is a ratio of at most 0.5. Then the same for a
copy with one error in every service, where diagnostics are built.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ROOT, best, corpus

import styx
from styx.schema.load import load_schema_file
from styx.schema.validate import validate

SCHEMA = ROOT / "tests" / "schema" / "data" / "schemas" / "services.schema.styx"


def measure(label: str, text: str, repeat: int) -> None:
    schema = load_schema_file(SCHEMA)
    document = styx.parse(text)
    found = validate(document, schema)  # compiles the schema once
    parse = best(lambda: styx.parse(text), repeat)
    check = best(lambda: validate(document, schema), repeat)
    print(
        f"{label:<22}{len(text.encode('utf-8')):>10}{parse * 1000:>10.1f}ms"
        f"{check * 1000:>10.1f}ms{check / parse:>8.2f}{len(found):>13}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=None, help="document size (make_corpus default)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = (corpus(args.kb) / "services.styx").read_text(encoding="utf-8")
    broken = re.sub(r"\n  port (\d+)", r"\n  port x\1", text)
    print(
        f"{'document':<22}{'bytes':>10}{'parse':>12}{'validate':>12}{'ratio':>8}{'diagnostics':>13}"
    )
    measure("services.styx", text, args.repeat)
    measure("services.styx, broken", broken, args.repeat)


if __name__ == "__main__":
    main()
