"""Writing a command's result: render it in the chosen format and print it, or write the
``--output`` file atomically; and the exit codes, a documented API (README: Exit codes)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from ..load.files import deliver
from ..render import render
from ..render.formats import Format, View

EXIT_OK, EXIT_NO, EXIT_INPUT, EXIT_BUG, EXIT_OUTPUT = 0, 1, 2, 70, 74


def show(
    command: str,
    fmt: Format,
    result: Any,
    output: Path | None,
    inputs: tuple[Path | None, ...],
    **choices: Any,
) -> None:
    """Render ``result`` and print it, or write ``output`` atomically."""
    deliver(render_for(command, fmt, result, output, **choices), output, inputs)


def render_for(
    command: str, fmt: Format, result: Any, output: Path | None, **choices: Any
) -> str | bytes:
    view = terminal_view(output, **choices)
    text = render(command, fmt, result, view)
    if fmt in (Format.table, Format.markdown) and isinstance(text, str):
        text = for_people(text, keep_colour=view.color)
    return text


#: imgplan's own colour codes (render/common.py ANSI, RESET): the only escape sequences kept
SGR = re.compile(r"\x1b\[[0-9;]*m")
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_people(text: str, *, keep_colour: bool) -> str:
    """The last guard of every output meant for a person: a control character that came from
    outside (a file name, a sheet name, a header cell) is shown as \\xNN, never interpreted by
    the terminal; with colour on, imgplan's own colour codes stay."""
    if not keep_colour:
        return CONTROL_BUT_LINES.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    parts = SGR.split(text)
    codes = SGR.findall(text)
    safe = [CONTROL_BUT_LINES.sub(lambda m: f"\\x{ord(m.group()):02x}", p) for p in parts]
    out = [safe[0]]
    for code, part in zip(codes, safe[1:], strict=True):
        out += [code, part]
    return "".join(out)


def terminal_view(output: Path | None, **choices: Any) -> View:
    """The reader's view: the terminal's width (120 when piped) and colour on a terminal."""
    tty = sys.stdout is not None and sys.stdout.isatty()
    # $COLUMNS first (also when piped), then the terminal's width, else 120.
    width = max(40, shutil.get_terminal_size((120, 24)).columns)
    plain = "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"  # no-color.org
    return View(width=width, color=tty and output is None and not plain, **choices)
