"""A stand-in for the dibs CLI: starts echo_service, prints its pid, then
waits in a long request until it is interrupted (SIGINT from the test)."""

from __future__ import annotations

import sys
from pathlib import Path

from dibs.spawn import DbProgram

HERE = Path(__file__).parent


def main() -> int:
    try:
        with DbProgram([sys.executable, str(HERE / "echo_service.py")], grace=2.0) as program:
            print(program.pid, flush=True)
            program.call("sleep", {"seconds": 60}, on_log=lambda event: print("log", flush=True))
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
