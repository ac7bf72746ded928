"""The CLI's verbs between argv parsing and the library: read, call, write.

Both the typer application and the typer-free fast path call these, so a
verb behaves the same whichever route parsed its arguments. Each returns the
exit code.

Each verb imports what it needs when it runs: `styx tree` must not pay for
the schema machinery (regular expressions, HTTP) that `styx check` loads.
"""

from __future__ import annotations

from styx.cli import output
from styx.commands.common import ExitCode, Outcome, parse_source, read_source


def tree(
    path: str, tree_format: str = "debug", color: str = "auto", max_errors: int = output.MAX_ERRORS
) -> int:
    from styx.commands.tree import TreeFormat
    from styx.commands.tree import tree as tree_command

    outcome = tree_command(read_source(path), TreeFormat(tree_format))
    output.write_output("-", outcome.output)
    output.diagnostics([outcome], color, max_errors=max_errors)
    return int(outcome.code)


def check(
    paths: list[str],
    color: str = "auto",
    report: str | None = None,
    schema: str | None = None,
    max_errors: int = output.MAX_ERRORS,
) -> int:
    from styx.commands import check as check_command

    outcomes = check_command.check(paths, schema=schema)
    chosen = output.choose_format(report)
    output.diagnostics(outcomes, color, chosen, max_errors)
    checked = [o for o in outcomes if o.source.text is not None or o.code is not ExitCode.OK]
    failed = sum(1 for o in checked if o.code is not ExitCode.OK)
    if failed and chosen == output.TEXT:
        output.note(f"{failed} of {len(checked)} file(s) have problems")
    elif not failed and output.stderr_is_terminal():
        output.note(check_command.summary(outcomes))
    return output.worst(int(o.code) for o in outcomes)


def get(path: str, key_path: str, color: str = "auto") -> int:
    """``styx get FILE PATH``: the value on stdout."""
    from styx.commands.edit import get_value

    outcome, code = get_value(read_source(path), key_path)
    output.diagnostics([outcome], color)
    if code == 0:
        output.write_output("-", outcome.output)
    return int(code)


def set_(
    path: str, key_path: str, value: str, *, literal: bool = False, color: str = "auto"
) -> int:
    """``styx set FILE PATH VALUE``: the file rewritten with only that value changed."""
    from styx.commands.edit import EditExit, set_value

    if path == "-":
        output.note("error: styx set needs a file, not standard input")
        return int(EditExit.CANNOT)
    outcome, code = set_value(read_source(path), key_path, value, literal=literal)
    output.diagnostics([outcome], color)
    if code != 0:
        return int(code)
    failure = output.write_output(path, outcome.output)
    if failure is not None:
        output.diagnostics([failure], color)
        return int(EditExit.CANNOT)
    return 0


def format_files(
    paths: list[str],
    *,
    check: bool = False,
    diff: bool = False,
    color: str = "auto",
    max_errors: int = output.MAX_ERRORS,
) -> int:
    """Rewrite files in their canonical layout; never one that does not parse."""
    from styx.commands import fmt
    from styx.commands.check import expand

    codes: list[int] = []
    for name in expand(paths):
        outcome = fmt.format_parsed(parse_source(read_source(name)))
        output.diagnostics([outcome], color, max_errors=max_errors)
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


def to_json(
    path: str,
    *,
    compact: bool = False,
    out: str = "-",
    schema: str | None = None,
    color: str = "auto",
    max_errors: int = output.MAX_ERRORS,
) -> int:
    """JSON on ``out``; typed by the declared schema (or ``schema``) when there is one."""
    from styx.commands import convert
    from styx.commands.validation import SchemaCache, with_schema

    parsed, loaded = with_schema(parse_source(read_source(path)), SchemaCache(), override=schema)
    output.diagnostics([parsed], color, max_errors=max_errors)
    if parsed.code is not ExitCode.OK:
        return int(parsed.code)
    step = convert.to_json(parsed, compact=compact, schema=loaded)
    return _deliver(step, out, color, report=step.code is not ExitCode.OK, max_errors=max_errors)


def from_json(
    path: str, *, out: str = "-", color: str = "auto", max_errors: int = output.MAX_ERRORS
) -> int:
    from styx.commands import convert

    return _deliver(convert.from_json(read_source(path)), out, color, max_errors=max_errors)


def file_mode(
    path: str,
    *,
    out: str | None = None,
    json_out: str | None = None,
    in_place: bool = False,
    compact: bool = False,
    validate: bool = False,
    schema: str | None = None,
    color: str = "auto",
    max_errors: int = output.MAX_ERRORS,
) -> int:
    """``styx FILE``: format to stdout, or convert, or only validate.

    The document is always checked against its declared schema (or
    ``schema``); a document that does not fit is not written anywhere.
    """
    from styx.commands import convert, fmt
    from styx.commands.validation import SchemaCache, with_schema

    if in_place and path == "-":
        output.note("error: --in-place needs a file, not standard input")
        return int(ExitCode.IO)
    parsed, loaded = with_schema(parse_source(read_source(path)), SchemaCache(), override=schema)
    output.diagnostics([parsed], color, max_errors=max_errors)
    if parsed.code is not ExitCode.OK:
        return int(parsed.code)
    codes: list[int] = []
    if json_out is not None:
        step = convert.to_json(parsed, compact=compact, schema=loaded)
        report = step.code is not ExitCode.OK
        codes.append(_deliver(step, json_out, color, report=report, max_errors=max_errors))
    target = path if in_place else out
    if target is None and not validate and json_out is None:
        target = "-"
    if target is not None:
        step = fmt.format_parsed(parsed, compact=compact)
        codes.append(_deliver(step, target, color, report=False))
    return output.worst(codes)


def lsp() -> int:
    """Serve the Language Server Protocol on stdio until the editor says exit."""
    from styx.lsp.server import serve

    serve()
    return 0


def _deliver(
    outcome: Outcome,
    target: str | None,
    color: str,
    *,
    report: bool = True,
    max_errors: int = output.MAX_ERRORS,
) -> int:
    """Report diagnostics (unless already reported); write the output unless
    the verb failed or nobody wants it."""
    if report:
        output.diagnostics([outcome], color, max_errors=max_errors)
    if outcome.code is not ExitCode.OK or target is None:
        return int(outcome.code)
    failure = output.write_output(target, outcome.output)
    if failure is not None:
        output.diagnostics([failure], color)
        return int(failure.code)
    return 0
