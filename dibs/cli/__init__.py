"""The `dibs` command.

Everything it writes goes through `dibs.cli.output` (secrets masked, one
failure shape); no exception reaches the user as a traceback: an
unexpected one is ``error: internal error: ...`` and exit 2 (its traceback
only with ``DIBS_DEBUG=1``, masked too).

Plain invocations of `migrate` and `status` — the pod-start and CI verbs —
run without typer (`dibs.cli.quick`); everything else, help and usage
errors included, goes through the typer application in `dibs.cli.app`.
Both routes call the same functions in `dibs.cli.commands`.
"""

from __future__ import annotations

import os
import sys

#: Set when `main` ran a command by the typer-free route (`dibs.cli.quick`).
_quick = False


def entry() -> None:
    """The ``dibs`` script: `main`, and its exit code as the process's.

    After a plain `migrate` or `status` (`dibs.cli.quick`) everything is
    done and said: the db program is reaped, the database read is reaped,
    nothing is left to clean up. The process then ends without the
    interpreter's teardown, which frees every module and object one by one
    — tens of milliseconds that an init container would otherwise wait for
    at every pod start. Every other command exits normally."""
    code = main()
    if not _quick:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1  # output that could not be written is a failure
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    global _quick
    from dibs.cli import bare, early, output, quick

    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        from importlib.metadata import version

        sys.stdout.write(f"dibs {version('styx-dibs')}\n")
        return 0
    wants_ui, database = bare.database_option(args)
    if wants_ui:
        return bare.run(database)  # the terminal UI (dibs/tui) owns its screen
    with output.scrubbed(args):
        try:
            early.launch(args)
            code = quick.dispatch(args)
            if code is not None:
                _quick = True
                return code
            from dibs.cli.app import run

            return run(args)
        except KeyboardInterrupt:
            output.error("interrupted")
            return 130
        except Exception as exc:
            return output.internal_error(exc)
        finally:
            early.discard()
