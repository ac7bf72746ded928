"""Rebuild this folder from the reference formatter's snapshot suite.

    python tests/format/reference_snapshots/extract.py /path/to/bearcove/styx [COMMIT]

The suite is the insta snapshot tests of crates/styx-format/src/cst_format.rs
in github:bearcove/styx: each test formats one input (a Rust string literal,
or a fixture read with ``include_str!``) and compares the output with
crates/styx-format/src/snapshots/styx_format__cst_format__tests__<name>.snap.
This script reads both from a git checkout or mirror (never from the network)
and writes, per test, ``<name>.input.styx`` and ``<name>.expected.styx``
(the snapshot body, which insta compares without trailing newlines, plus the
one newline the formatter always ends with) into ``valid/``, or into
``invalid/`` when our parser rejects the input. ``invalid/diagnostics.tsv``
then records the first diagnostic we give, for review and for the test.

Design points (the failure each prevents):
* Inputs are decoded from the Rust literals here, byte for byte, rather than
  retyped: a retyped input would test a different document.
* The snapshot body is taken after insta's second ``---`` line and nothing
  else is normalised, so a difference in trailing spaces or blank lines is a
  test failure, not lost in extraction.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = "crates/styx-format/src"
SNAPSHOT = f"{BASE}/snapshots/styx_format__cst_format__tests__{{}}.snap"


def show(repo: str, commit: str, path: str) -> str:
    done = subprocess.run(
        ["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def rust_string(text: str, at: int) -> str:
    """The value of the Rust string literal (plain or raw) starting at ``at``."""
    if text[at] == "r":
        quote = text.index('"', at)
        close = '"' + "#" * (quote - at - 1)
        return text[quote + 1 : text.index(close, quote + 1)]
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
    out: list[str] = []
    index = at + 1
    while text[index] != '"':
        char = text[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = text[index + 1]
        if code in escapes:
            out.append(escapes[code])
            index += 2
        elif code == "\n":  # a line continuation skips the next line's indentation
            index += 2
            while text[index] in " \t\n":
                index += 1
        elif code == "u":
            close = text.index("}", index)
            out.append(chr(int(text[index + 3 : close], 16)))
            index = close + 1
        else:
            raise ValueError(f"unknown escape \\{code}")
    return "".join(out)


def cases(repo: str, commit: str) -> list[tuple[str, str, str]]:
    """(name, input, expected output) of every snapshot test, in file order."""
    source = show(repo, commit, f"{BASE}/cst_format.rs")
    tests = source[source.index("mod tests {") : source.index("mod proptests")]
    found = []
    for chunk in tests.split("#[test]")[1:]:
        head = re.match(r"\s*fn (\w+)\(\) \{", chunk)
        assert head is not None
        function, body = head.group(1), chunk[head.end() :]
        if "assert_snapshot!" not in body:
            continue
        name = function.removeprefix("test_")
        fixture = re.search(r'include_str!\("([^"]+)"\)', body)
        if fixture:
            text = show(repo, commit, f"{BASE}/{fixture.group(1)}")
        else:
            literal = re.search(r'(?:let input =|format\()\s*(r#*"|")', body)
            assert literal is not None, function
            text = rust_string(body, literal.start(1))
        snapshot = show(repo, commit, SNAPSHOT.format(name)).split("---\n", 2)[2]
        found.append((name, text, snapshot.rstrip("\n") + "\n"))
    return found


def main(repo: str, commit: str = "HEAD") -> None:
    sys.path.insert(0, str(HERE.parents[2]))
    from styx import parse_lenient

    rows = []
    for folder in ("valid", "invalid"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).glob("*.styx"):
            old.unlink()
    for name, text, expected in cases(repo, commit):
        errors = [d for d in parse_lenient(text).diagnostics if d.is_error]
        folder = HERE / ("invalid" if errors else "valid")
        (folder / f"{name}.input.styx").write_bytes(text.encode("utf-8"))
        (folder / f"{name}.expected.styx").write_bytes(expected.encode("utf-8"))
        if errors:
            first = errors[0]
            rows.append(
                f"{name}\t{first.code}\t{first.span.start}-{first.span.end}\t{first.message}"
            )
    (HERE / "invalid" / "diagnostics.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
