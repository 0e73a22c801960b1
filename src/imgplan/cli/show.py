"""Writing a command's result: render it in the chosen format and print it, or write the
``--output`` file atomically; and the exit codes, a documented API (README: Exit codes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..load.files import deliver
from ..render.formats import Format, render, terminal_view

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

