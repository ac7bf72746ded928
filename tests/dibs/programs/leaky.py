"""A db program that leaks on purpose; the mode is its first argument.

``echo`` speaks the protocol by hand (no `dibs.service`, so nothing of its
own masks anything): it prints the request it gets — database URL and all
— and answers with an error quoting that URL. ``exit`` prints the
environment's ``DATABASE_URL`` and ``PGPASSWORD`` and exits 3 before
connecting. The CLI must show neither password.
"""

from __future__ import annotations

import json
import os
import socket
import sys


def main() -> None:
    mode = sys.argv[1]
    env = f"DATABASE_URL={os.environ.get('DATABASE_URL')} PGPASSWORD={os.environ.get('PGPASSWORD')}"
    print(f"leaky: {env}", file=sys.stderr, flush=True)
    if mode == "exit":
        sys.exit(3)
    host, _, port = os.environ["DIBS_CLI_ADDR"].rpartition(":")
    sock = socket.create_connection((host, int(port)))
    hello = {"hello": {"protocol": "dibs", "version": 1, "secret": os.environ["DIBS_CLI_SECRET"]}}
    sock.sendall(json.dumps(hello).encode() + b"\n")
    reader = sock.makefile("rb")
    reader.readline()  # welcome
    request = json.loads(reader.readline())
    print(f"leaky: got {json.dumps(request)}", flush=True)
    url = request.get("params", {}).get("database_url") or env
    error = {"code": "handler_error", "message": f"cannot use {url}", "data": {"url": url}}
    sock.sendall(json.dumps({"id": request["id"], "error": error}).encode() + b"\n")
    reader.read()  # until dibs hangs up


if __name__ == "__main__":
    main()
