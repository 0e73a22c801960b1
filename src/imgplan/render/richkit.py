"""The views built with rich (tables that wrap their cells): the one place that imports rich, so
only the commands that print such a table load it (~30 ms; benchmarks/README.md)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..models.programs import Dataset
from ..nownext import NowNext
from ..rules.findings import Finding
from .common import ICONS, example_notice, now_next_lines, wrap

__all__ = ["Table", "Text", "dataset_header", "finding_line", "now_next_parts", "render"]


def render(parts: Iterable[Any], *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        markup=False,  # names, notes, URLs are data: '[link=...]' or '[/x]' is printed as text
    )
    for part in parts:
        console.print(part)
    return buffer.getvalue()


def finding_line(f: Finding, *, source: bool = True) -> Text:
    icon, style = ICONS.get(f.status, ("-", "white"))
    line = Text.assemble((f"{icon} ", style), (f"[{f.rule}] ", "bold"), f.message)
    if source:
        line.append(f"\n    source: {f.source}", style="dim")
    return line


def dataset_header(dataset: Dataset) -> list[Any]:
    out: list[Any] = [
        Text(
            f"Programs: {dataset.name} — {len(dataset.programs)} programs, "
            f"figures as of {dataset.as_of.isoformat()}",
            style="dim",
        )
    ]
    if dataset.example:
        out.append(
            Text(example_notice(dataset.name, dataset.as_of.isoformat()), style="bold yellow")
        )
    return out


def now_next_parts(now: NowNext | None, width: int = 120) -> list[Any]:
    """The Now / Next block (and the warnings about the profile) as rich Text lines, wrapped
    here with their continuation lines indented (rich would start them at the margin)."""
    out: list[Any] = []
    for text, style in now_next_lines(now):
        indent = " " * (len(text) - len(text.lstrip(" ")) + (2 if text.lstrip()[:1] in "•!" else 0))
        pieces = wrap(
            text, width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
        )
        out += [Text(piece, style=style) for piece in pieces or [""]]
    return out
