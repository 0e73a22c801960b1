"""Writing a command's result: render it in the chosen format and print it, or write the
``--output`` file atomically; and the exit codes, a documented API (README: Exit codes)."""

from __future__ import annotations

import os
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

    return render(command, fmt, result, terminal_view(output, **choices))


def terminal_view(output: Path | None, **choices: Any) -> View:
    """The reader's view: the terminal's width (120 when piped) and colour on a terminal."""
    tty = sys.stdout is not None and sys.stdout.isatty()
    # $COLUMNS first (also when piped), then the terminal's width, else 120.
    width = max(40, shutil.get_terminal_size((120, 24)).columns)
    plain = "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"  # no-color.org
    return View(width=width, color=tty and output is None and not plain, **choices)
