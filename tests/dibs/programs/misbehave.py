"""A db program that misbehaves on purpose; the mode is its first argument.

Modes: ``exit_early``, ``hang``, ``hang_ignore_term``, ``garbage``,
``wrong_secret``, ``wrong_version``, ``silent`` (connects, never says hello),
``bad_response`` (a valid hello, then garbage instead of a response),
``impostor`` (a silent connection, held open by a child, and then this
program exits: as if something else had taken dibs' port first).
If ``DIBS_TEST_PIDFILE`` is set, the program writes its pid there first.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time


def connect() -> socket.socket:
    host, _, port = os.environ["DIBS_CLI_ADDR"].rpartition(":")
    return socket.create_connection((host, int(port)))


def hello(sock: socket.socket, secret: str, version: int = 1) -> None:
    line = {"hello": {"protocol": "dibs", "version": version, "secret": secret}}
    sock.sendall(json.dumps(line).encode() + b"\n")


def main() -> None:
    mode = sys.argv[1]
    pidfile = os.environ.get("DIBS_TEST_PIDFILE")
    if pidfile:
        with open(pidfile, "w") as f:
            f.write(str(os.getpid()))
    print(f"misbehave: starting in mode {mode}", flush=True)
    if mode == "exit_early":
        print("Traceback: cannot import my_app_db.schema: boom", file=sys.stderr, flush=True)
        sys.exit(3)
    if mode in ("hang", "hang_ignore_term"):
        if mode == "hang_ignore_term":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(120)
        return
    if mode == "wrong_secret":
        from dibs.service import ServiceError
        from dibs.service import connect as service_connect

        try:
            service_connect(secret="not-the-secret")
        except ServiceError as exc:
            print(f"misbehave: {exc}", file=sys.stderr, flush=True)
            sys.exit(1)
        return
    sock = connect()
    if mode == "impostor":
        if os.fork() == 0:
            time.sleep(60)  # the child holds the connection, silent
            os._exit(0)
        print("misbehave: giving up on dibs", file=sys.stderr, flush=True)
        os._exit(4)
    if mode == "garbage":
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    elif mode == "wrong_version":
        hello(sock, os.environ["DIBS_CLI_SECRET"], version=99)
    elif mode == "bad_response":
        hello(sock, os.environ["DIBS_CLI_SECRET"])
        reader = sock.makefile("rb")
        reader.readline()  # welcome
        reader.readline()  # the request
        sock.sendall(b"\x00\x01 not json at all\n")
    time.sleep(60)


if __name__ == "__main__":
    main()
