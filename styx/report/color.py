"""Colour at the edge: deciding whether to use it, and applying it by role.

The renderer in `styx.report.text` produces (text, role) segments and knows
nothing of terminals. Here the roles become `rich` styles, and only when
colour is wanted: rich is imported inside `write_diagnostics`, on the
colour path, so a plain ``styx check`` in CI or in a pipe never pays for
importing it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TextIO

from styx.report.text import Line, plain

MODES = ("auto", "always", "never")

#: rich styles by segment role; roles not listed (source, location, plain) stay unstyled.
STYLES: Mapping[str, str] = {
    "error": "bold red",
    "warning": "bold yellow",
    "note": "bold cyan",
    "help": "bold green",
    "message": "bold",
    "gutter": "bold blue",
    "secondary": "bold blue",
}


def should_color(stream: TextIO, mode: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what is written to ``stream``.

    ``always`` and ``never`` are obeyed as they are. ``auto`` colours only a
    terminal, and never when ``NO_COLOR`` is set, whatever its value (even
    empty: whoever set it asked for no colour). ``FORCE_COLOR`` or
    ``CLICOLOR_FORCE`` set to anything but empty or ``0`` turns colour on for
    a non-terminal, such as a CI log that renders ANSI codes; ``NO_COLOR``
    still wins over them. ``TERM=dumb`` means a terminal that cannot show
    colour. ``env`` defaults to the process environment.
    """
    if mode not in MODES:
        raise ValueError(f"colour mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode != "auto":
        return mode == "always"
    env = os.environ if env is None else env
    if "NO_COLOR" in env:
        return False
    if any(env.get(name, "") not in ("", "0") for name in ("FORCE_COLOR", "CLICOLOR_FORCE")):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False


def write_diagnostics(stream: TextIO, lines: Iterable[Line], color: bool) -> None:
    """Write rendered lines to a stream, styled by role when ``color`` is true.

    The caller has decided (with `should_color`); rich is told to colour
    unconditionally and to never wrap, because wrapped source lines would
    separate carets from what they point at.
    """
    if not color:
        stream.write(plain(lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=stream,
        force_terminal=True,
        no_color=False,
        color_system="standard",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        legacy_windows=False,
    )
    for line in lines:
        text = Text(end="\n")
        for segment, role in line:
            text.append(segment, STYLES.get(role))
        text.rstrip()
        console.print(text)
