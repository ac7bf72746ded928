"""A well-behaved db program with test methods, for tests of the protocol.

Besides the built-in methods it answers ``echo`` (streams ``logs`` log lines,
returns its params), ``fail`` (a handler exception with attributes),
``shout`` (writes to stdout and stderr), ``sleep`` and ``die`` (exits in the
middle of a request, after a log line and some output).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from dibs.service import Context, RequestError, run_service


class Broken(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def echo(params: dict[str, Any], context: Context) -> Any:
    for n in range(int(params.get("logs", 0))):
        context.log("info", f"step {n}", migration="m2026_01_01_000000_test")
    return params


def fail(params: dict[str, Any], context: Context) -> Any:
    context.log("warning", "about to fail")
    if params.get("request_error"):
        raise RequestError("custom_code", "refused on purpose", {"why": "test"})
    raise Broken('relation "users" does not exist', sqlstate="42P01")


def shout(params: dict[str, Any], context: Context) -> Any:
    print("to stdout: hello", flush=True)
    print("to stderr: hello", file=sys.stderr, flush=True)
    return "shouted"


def sleep(params: dict[str, Any], context: Context) -> Any:
    context.log("info", "sleeping")
    time.sleep(float(params.get("seconds", 60)))
    return "slept"


def die(params: dict[str, Any], context: Context) -> Any:
    context.log("info", "applying m2026_01_01_000000_test")
    print("fatal: segfault in extension, dying", file=sys.stderr, flush=True)
    os._exit(7)


def main() -> None:
    run_service(
        {"echo": echo, "fail": fail, "shout": shout, "sleep": sleep, "die": die},
        package=os.environ.get("ECHO_SERVICE_PACKAGE"),
    )


if __name__ == "__main__":
    main()
