"""The CLI's verbs between argv parsing and the library: read, call, write.

Both the typer application and the typer-free fast path call these, so a
verb behaves the same whichever route parsed its arguments. Each returns the
exit code.
"""

from __future__ import annotations

from styx.cli import output
from styx.commands import check as check_command
from styx.commands import convert, fmt
from styx.commands.common import ExitCode, Outcome, parse_source, read_source
from styx.commands.tree import TreeFormat
from styx.commands.tree import tree as tree_command


def tree(path: str, tree_format: str = "debug", color: str = "auto") -> int:
    outcome = tree_command(read_source(path), TreeFormat(tree_format))
    output.write_output("-", outcome.output)
    output.diagnostics([outcome], color)
    return int(outcome.code)


def check(paths: list[str], color: str = "auto", report: str | None = None) -> int:
    outcomes = check_command.check(paths)
    chosen = output.choose_format(report)
    output.diagnostics(outcomes, color, chosen)
    failed = sum(1 for o in outcomes if o.code is not ExitCode.OK)
    if failed and chosen == output.TEXT:
        output.note(f"{failed} of {len(outcomes)} file(s) have problems")
    return output.worst(int(o.code) for o in outcomes)


def format_files(
    paths: list[str], *, check: bool = False, diff: bool = False, color: str = "auto"
) -> int:
    """Rewrite files in their canonical layout; never one that does not parse."""
    codes: list[int] = []
    for name in check_command.expand(paths):
        outcome = fmt.format_parsed(parse_source(read_source(name)))
        output.diagnostics([outcome], color)
        if outcome.code is not ExitCode.OK:
            codes.append(int(outcome.code))
            continue
        if name == "-" and not (check or diff):
            output.write_output("-", outcome.output)
            continue
        if not fmt.changed(outcome):
            continue
        if diff:
            output.write_output("-", fmt.unified_diff(outcome))
        if check or diff:
            output.note(f"would reformat {name}")
            codes.append(1)
            continue
        failure = output.write_output(name, outcome.output)
        if failure is not None:
            output.diagnostics([failure], color)
            codes.append(int(failure.code))
        else:
            output.note(f"reformatted {name}")
    return output.worst(codes)


def to_json(path: str, *, compact: bool = False, out: str = "-", color: str = "auto") -> int:
    return _deliver(convert.to_json(parse_source(read_source(path)), compact=compact), out, color)


def from_json(path: str, *, out: str = "-", color: str = "auto") -> int:
    return _deliver(convert.from_json(read_source(path)), out, color)


def file_mode(
    path: str,
    *,
    out: str | None = None,
    json_out: str | None = None,
    in_place: bool = False,
    compact: bool = False,
    validate: bool = False,
    color: str = "auto",
) -> int:
    """``styx FILE``: format to stdout, or convert, or only validate."""
    if in_place and path == "-":
        output.note("error: --in-place needs a file, not standard input")
        return int(ExitCode.IO)
    parsed = parse_source(read_source(path))
    if parsed.document is None:
        output.diagnostics([parsed], color)
        return int(parsed.code)
    codes: list[int] = []
    if json_out is not None:
        codes.append(_deliver(convert.to_json(parsed, compact=compact), json_out, color))
    target = path if in_place else out
    if target is None and not validate and json_out is None:
        target = "-"
    if target is not None:
        codes.append(_deliver(fmt.format_parsed(parsed, compact=compact), target, color))
    return output.worst(codes)


def _deliver(outcome: Outcome, target: str | None, color: str) -> int:
    """Report diagnostics; write the output unless the verb failed or nobody wants it."""
    output.diagnostics([outcome], color)
    if outcome.code is not ExitCode.OK or target is None:
        return int(outcome.code)
    failure = output.write_output(target, outcome.output)
    if failure is not None:
        output.diagnostics([failure], color)
        return int(failure.code)
    return 0
