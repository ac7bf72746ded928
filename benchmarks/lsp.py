"""`styx lsp` latency: from a didChange to its publishDiagnostics, and of
code actions and inlay hints.

    python benchmarks/lsp.py [--lines 2000] [--changes 60] [--requests 40]

Starts the server as an editor does (``styx lsp`` in a subprocess, JSON-RPC
over its stdin and stdout), opens the first ``--lines`` lines of
services.styx of shared/bench/make_corpus.py, which declares
``@schema ./services.schema.styx`` (tests/schema/data/schemas, copied
beside it), then sends whole-text changes one at a time: a port changed,
a port made invalid, the error fixed again. For each it times the wait from
writing the didChange to reading the publishDiagnostics of that version,
and prints the median, the 95th percentile and the worst; the target is a
median and p95 of at most 150 ms. The first open, which resolves, loads
and compiles the schema, is shown apart.

Then, on the document with the invalid port (so that there is a diagnostic
to fix), it asks ``--requests`` times for the code actions at that port
(quick fixes plus the rewrites of the object around it: add, fill in,
reorder) and for the inlay hints of the whole document, and prints the
median and p95 of each; the target is a median of at most 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ROOT, corpus

SCHEMA = ROOT / "tests" / "schema" / "data" / "schemas" / "services.schema.styx"
TARGET_MS = 150.0
REQUEST_TARGET_MS = 50.0


class Connection:
    """The client side of JSON-RPC over a subprocess's pipes."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.writer: IO[bytes] = self.process.stdin
        self.reader: IO[bytes] = self.process.stdout
        self.next_id = 0

    def send(self, method: str, params: object, *, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        self.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.writer.flush()
        return ident

    def receive(self) -> dict[str, Any]:
        length = 0
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if not length:
            raise RuntimeError("the server closed its output")
        message: dict[str, Any] = json.loads(self.reader.read(length))
        return message

    def request(self, method: str, params: object) -> Any:
        ident = self.send(method, params, request=True)
        while (message := self.receive()).get("id") != ident or "method" in message:
            pass
        return message.get("result")

    def diagnostics(self, uri: str, version: int) -> list[dict[str, Any]]:
        """Wait for the diagnostics of this version of the document."""
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version") == version
            ):
                found: list[dict[str, Any]] = params["diagnostics"]
                return found

    def close(self) -> None:
        self.request("shutdown", None)
        self.send("exit", None)
        self.process.wait(timeout=30)


def document(lines: int) -> str:
    """The first ``lines`` lines of services.styx. The cut falls in the run
    of one-line ``upstreams`` entries at its end, which go in pairs (url,
    retries): a pair it would split becomes a comment line instead."""
    kb = max(8, lines // 40)  # about 45 lines a kilobyte
    while True:
        text = (corpus(kb) / "services.styx").read_text(encoding="utf-8")
        kept = text.splitlines(keepends=True)[:lines]
        if len(kept) == lines and kept[-1].startswith("upstreams."):
            if ".url " in kept[-1]:
                kept[-1] = "// the benchmark cuts the corpus here\n"
            return "".join(kept)
        kb += 8


def styx_command() -> list[str]:
    script = shutil.which("styx", path=str(Path(sys.executable).parent))
    return (
        [script, "lsp"]
        if script
        else [sys.executable, "-c", "from styx.cli import main; main(['lsp'])"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="styx-lsp-bench-"))
    shutil.copy(SCHEMA, folder / SCHEMA.name)
    path = folder / "services.styx"
    text = document(args.lines)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    anchor = "\n  port "
    middle = text.index(anchor, len(text) // 2) + len(anchor)
    port_end = text.index("\n", middle)
    variants = [
        ("port changed", text[:middle] + "4242" + text[port_end:], 0),
        ("port invalid", text[:middle] + "x4242" + text[port_end:], 1),
        ("error fixed", text, 0),
    ]

    server = Connection(styx_command())
    server.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
    server.send("initialized", {})
    started = time.perf_counter()
    server.send(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "styx", "version": 1, "text": text}},
    )
    opened = server.diagnostics(uri, 1)
    cold = (time.perf_counter() - started) * 1000
    assert opened == [], opened

    timings: list[float] = []
    for number in range(args.changes):
        label, changed, expected = variants[number % len(variants)]
        version = number + 2
        started = time.perf_counter()
        server.send(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": changed}],
            },
        )
        found = server.diagnostics(uri, version)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(found) == expected, (label, found)

    version = args.changes + 2
    server.send(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": variants[1][1]}],
        },
    )
    [problem] = server.diagnostics(uri, version)
    line = text.count("\n", 0, middle)
    position = {"line": line, "character": middle - text.rindex("\n", 0, middle) - 1}
    action_times: list[float] = []
    hint_times: list[float] = []
    whole = {
        "start": {"line": 0, "character": 0},
        "end": {"line": text.count("\n") + 1, "character": 0},
    }
    for _ in range(args.requests):
        started = time.perf_counter()
        actions = server.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": position, "end": position},
                "context": {"diagnostics": [problem]},
            },
        )
        action_times.append((time.perf_counter() - started) * 1000)
        assert isinstance(actions, list), actions
        started = time.perf_counter()
        hints = server.request(
            "textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole}
        )
        hint_times.append((time.perf_counter() - started) * 1000)
        assert isinstance(hints, list) and hints, hints
    server.close()

    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    median = statistics.median(timings)
    size = len(text.encode("utf-8")) / 1024
    print(f"document      {text.count(chr(10))} lines, {size:.0f} KB, @schema ./{SCHEMA.name}")
    print(f"open          {cold:7.1f} ms  (schema resolved, loaded and compiled)")
    print(
        f"didChange     median {median:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
        f" over {len(timings)} changes (target <= {TARGET_MS:.0f} ms): "
        + ("ok" if max(median, p95) <= TARGET_MS else "MISSED")
    )
    for name, times, note in (
        ("codeAction", action_times, f"{len(actions)} actions"),
        ("inlayHint", hint_times, f"{len(hints)} hints"),
    ):
        times.sort()
        middle_ms = statistics.median(times)
        p95_ms = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{name:<13} median {middle_ms:.1f} ms, p95 {p95_ms:.1f} ms, max {times[-1]:.1f} ms"
            f" over {len(times)} requests, {note} (target median <= {REQUEST_TARGET_MS:.0f} ms): "
            + ("ok" if middle_ms <= REQUEST_TARGET_MS else "MISSED")
        )


if __name__ == "__main__":
    main()
