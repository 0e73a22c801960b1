"""The one table of (command × format) → renderer.

Each renderer is a pure function ``(result, view) -> str``, named here as "module:function"
inside ``imgplan.render`` and imported only when used (rich only for tables). A command
supports exactly the formats this table lists; the cli refuses any other with exit 2 and the
list, and ``--help`` shows the same list (both read `supported`).
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    ics = "ics"
    html = "html"


#: File extension per format (``recommend --output-dir``).
EXTENSIONS = {
    Format.table: "txt",
    Format.json: "json",
    Format.csv: "csv",
    Format.markdown: "md",
    Format.ics: "ics",
    Format.html: "html",
}


@dataclass(frozen=True)
class View:
    """How the reader sees the output: terminal width, colour, and per-command choices."""

    width: int = 120
    color: bool = False
    include_excluded: bool = False  # recommend: list the excluded programs too


T, J, C, M, ICS = Format.table, Format.json, Format.csv, Format.markdown, Format.ics
HTML = Format.html

RENDERERS: dict[tuple[str, Format], str] = {
    ("recommend", T): "plain:recommend_view",
    ("recommend", J): "json_out:recommend_view",
    ("recommend", C): "text:recommend_csv_view",
    ("recommend", M): "text:recommend_markdown_view",
    ("explain", T): "table:explain_view",
    ("explain", J): "json_out:explain_view",
    ("timeline", T): "table:timeline_view",
    ("timeline", J): "json_out:timeline_view",
    ("timeline", M): "text:timeline_markdown_view",
    ("timeline", ICS): "ics:render_view",
    ("check-step3", T): "step3:verdict_text_view",
    ("check-step3", J): "step3:verdict_json_view",
    ("chances", T): "table:chances_view",
    ("chances", J): "json_out:chances_view",
    ("assess", T): "table:assess_view",
    ("assess", J): "json_out:assess_view",
    ("assess", M): "text:assess_markdown_view",
    ("validate", T): "text:validate_view",
    ("validate", J): "json_out:validate_view",
    ("programs list", T): "listing:list_table",
    ("programs list", J): "listing:list_json",
    ("programs list", C): "listing:list_csv",
    ("programs list", M): "listing:list_markdown",
    ("programs show", T): "listing:show_table",
    ("programs show", J): "listing:show_json",
    ("programs diff", T): "listing:diff_table",
    ("programs diff", J): "listing:diff_json",
    ("fellowships list", T): "fellowships:list_table",
    ("fellowships list", J): "fellowships:list_json",
    ("fellowships list", C): "fellowships:list_csv",
    ("fellowships list", M): "fellowships:list_markdown",
    ("fellowships show", T): "fellowships:show_table",
    ("fellowships show", J): "fellowships:show_json",
    ("fellowships diff", T): "fellowships:diff_table",
    ("fellowships diff", J): "fellowships:diff_json",
    ("report", HTML): "html:report_view",
}


def supported(command: str) -> list[Format]:
    """The formats ``command`` can be rendered in, in the enum's order."""
    return [f for f in Format if (command, f) in RENDERERS]


def help_text(command: str) -> str:
    names = [f.value for f in supported(command)]
    return "Output format: " + ", ".join(names) + f" (default {names[0]})."


def choose(command: str, value: str) -> Format:
    """The format named by ``value`` if ``command`` supports it; else ValueError naming the
    formats it does support."""
    allowed = supported(command)
    for fmt in allowed:
        if value == fmt.value:
            return fmt
    raise ValueError(
        f"--format '{value}' is not available for {command}; expected one of: "
        + ", ".join(f.value for f in allowed)
    )


def render(command: str, fmt: Format, result: Any, view: View) -> str | bytes:
    """The text of ``result`` in ``fmt`` (a large JSON document as UTF-8 bytes)."""
    module, name = RENDERERS[(command, fmt)].split(":")
    function = getattr(importlib.import_module(f"imgplan.render.{module}"), name)
    return function(result, view)


def terminal_view(output: Path | None, **choices: Any) -> View:
    """The reader's view: the terminal's width (120 when piped) and colour on a terminal."""
    tty = sys.stdout is not None and sys.stdout.isatty()
    # $COLUMNS first (also when piped), then the terminal's width, else 120.
    width = max(40, shutil.get_terminal_size((120, 24)).columns)
    plain = "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"  # no-color.org
    return View(width=width, color=tty and output is None and not plain, **choices)
