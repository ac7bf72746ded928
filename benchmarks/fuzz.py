"""The fuzz harness: random, mutated and big documents through every command.

    python benchmarks/fuzz.py [--seconds 60] [--seed N] [--out DIR] [--big]

Documents come from three sources, in turn: random strings of Styx's
troublesome fragments (brackets, quotes, escapes, heredoc and raw openers,
tags, attributes, comments, odd whitespace, non-ASCII, lone surrogates);
mutations (cut, duplicate, insert, swap, truncate) of real documents (the
repository's *.styx files and the compliance corpus when found); and the
shapes of tests/hostile.py at random sizes (``--big`` allows up to 10 MB).
Each goes through `styx.parse_lenient` and `styx.parse`, and, written to a
file, through `check` (text, json), file mode's `--json-out`, `tree`,
`fmt --check` and `to-json`, in-process.

A failure is any exception escaping a command or the API (what a user
would see as a traceback), an exit code other than 0 or 1, a human report
longer than `--max-errors` allows, a JSON report that does not list every
diagnostic, or one document taking more than ``--slow`` seconds. Each
failure is saved to ``--out`` as a file to reproduce it with; the exit
code is 1 if there was any.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import styx  # noqa: E402
from styx.cli import main  # noqa: E402
from styx.cli.output import MAX_ERRORS  # noqa: E402
from tests.hostile import SHAPES  # noqa: E402

FRAGMENTS = [
    "{", "}", "(", ")", ",", '"', "\\", "\\u", "\\u{", "@", "@t", "@t/@u", ">", "x>",
    "<<EOF\n", "EOF", "<<", 'r#"', '"#', "//", "///", "\n", "\r\n", " ", "\t", "a", "k.k",
    ".", "=", "é", "名前", "😀", "\u00a0", "\u202e", "\ufeff", "\x00", "\ud800", "1",
]  # fmt: skip

_SURROGATE = re.compile("[\ud800-\udfff]")

COMMANDS = [
    ["check", "{}"],
    ["check", "--format", "json", "{}"],
    ["{}", "--json-out", "-"],
    ["tree", "{}"],
    ["fmt", "--check", "{}"],
    ["to-json", "{}"],
]


def seeds() -> list[str]:
    """Real documents to mutate."""
    found = []
    places = [ROOT, Path(os.environ.get("STYX_COMPLIANCE_DIR", ROOT.parent / "shared"))]
    for place in places:
        for path in sorted(place.rglob("*.styx"))[:400]:
            if ".venv" in path.parts:
                continue
            with contextlib.suppress(OSError, UnicodeDecodeError):
                found.append(path.read_text(encoding="utf-8"))
    return found or ["server {\n  host localhost\n  port 8080\n}\n"]


def random_fragments(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 200)))


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 8)):
        if not text:
            text = random_fragments(rng)
            continue
        a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        choice = rng.randrange(5)
        if choice == 0:
            text = text[:a] + text[b:]  # cut
        elif choice == 1:
            text = text[:b] + text[a:b] * rng.randint(2, 50) + text[b:]  # repeat
        elif choice == 2:
            text = text[:a] + rng.choice(FRAGMENTS) * rng.randint(1, 100) + text[a:]  # insert
        elif choice == 3:
            text = text[a:b] + text[:a] + text[b:]  # swap
        else:
            text = text[:a]  # truncate
    return text


def hostile(rng: random.Random, big: bool) -> str:
    shape = rng.choice(list(SHAPES.values()))
    ceiling = shape.size * (50 if big else 1)
    return shape.make(rng.randint(1, max(1, ceiling)))


def check(text: str, folder: Path, slow: float) -> str | None:
    """What is wrong with how styx handles ``text``; None if nothing."""
    started = time.perf_counter()
    try:
        result = styx.parse_lenient(text)
        with contextlib.suppress(styx.StyxSyntaxError):
            styx.parse(text)
    except Exception:
        return "API: " + traceback.format_exc()
    if _SURROGATE.search(text):
        return None  # a file cannot hold a lone surrogate: the API was the test
    path = folder / "doc.styx"
    path.write_text(text, encoding="utf-8", newline="")
    for command in COMMANDS:
        args = [str(path) if arg == "{}" else arg for arg in command]
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(args)
        except BaseException:
            return f"{' '.join(command)}: " + traceback.format_exc()
        if code not in (0, 1):
            return f"{' '.join(command)}: exit code {code}\n{err.getvalue()[:2000]}"
        shown = err.getvalue().count("error[")
        if shown > MAX_ERRORS:
            return f"{' '.join(command)}: {shown} diagnostics shown"
        if command[1:3] == ["--format", "json"]:
            listed = len(json.loads(out.getvalue()))
            if listed != len(result.diagnostics):
                return f"json lists {listed} of {len(result.diagnostics)} diagnostics"
    took = time.perf_counter() - started
    if took > slow:
        return f"slow: {took:.1f} s for {len(text)} characters"
    return None


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", default="fuzz-failures", help="where failing inputs are saved")
    parser.add_argument("--big", action="store_true", help="hostile shapes up to 10 MB")
    parser.add_argument("--slow", type=float, default=30.0, help="seconds that count as a hang")
    options = parser.parse_args(argv)
    seed = options.seed if options.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    corpus = seeds()
    folder = Path(tempfile.mkdtemp(prefix="styx-fuzz-"))
    out = Path(options.out)
    deadline = time.monotonic() + options.seconds
    tried = failed = 0
    print(f"seed {seed}; {len(corpus)} seed documents")
    while time.monotonic() < deadline:
        kind = tried % 3
        if kind == 0:
            text = random_fragments(rng)
        elif kind == 1:
            text = mutate(rng, rng.choice(corpus))
        else:
            text = hostile(rng, options.big)
        tried += 1
        problem = check(text, folder, options.slow)
        if problem is None:
            continue
        failed += 1
        out.mkdir(parents=True, exist_ok=True)
        saved = out / f"failure-{seed}-{tried}.styx"
        saved.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
        print(f"FAIL {saved}: {problem.strip().splitlines()[-1][:200]}")
    print(f"{tried} documents, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
