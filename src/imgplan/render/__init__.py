"""Renderers: pure functions ``(result, view) -> str`` (or bytes for a large JSON document),
one module per command, each listing its views in ``VIEWS``. `render` picks the command's
module; `formats.FORMATS` is the command × format table the modules must match (a test checks
it). Helpers every module shares are in `common` (and `richkit` for rich tables)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .formats import Format, View

Renderer = Callable[[Any, View], "str | bytes"]


def views_of(command: str) -> dict[tuple[str, Format], Renderer]:
    """The views of ``command``'s module. The one lazy import of the render side: a command's
    views, and the libraries they need (rich for tables ~30 ms, jinja2 for the report), load
    only when that command prints (benchmarks/README.md: the warm start-up goals)."""
    match command.split()[0]:
        case "recommend":
            from . import recommend as module
        case "explain":
            from . import explain as module  # type: ignore[no-redef]
        case "timeline":
            from . import timeline as module  # type: ignore[no-redef]
        case "check-step3":
            from . import step3 as module  # type: ignore[no-redef]
        case "chances":
            from . import chances as module  # type: ignore[no-redef]
        case "assess":
            from . import assess as module  # type: ignore[no-redef]
        case "validate":
            from . import validate as module  # type: ignore[no-redef]
        case "programs":
            from . import programs as module  # type: ignore[no-redef]
        case "fellowships":
            from . import fellowships as module  # type: ignore[no-redef]
        case "report":
            from . import report as module  # type: ignore[no-redef]
        case "data":
            from . import data as module  # type: ignore[no-redef]
        case "track":
            from . import track as module  # type: ignore[no-redef]
        case "visa":
            from . import visa as module  # type: ignore[no-redef]
        case "rank":
            from . import rank as module  # type: ignore[no-redef]
        case "match":
            from . import match as module  # type: ignore[no-redef]
        case _:
            raise KeyError(command)
    return module.VIEWS  # type: ignore[return-value]


def render(command: str, fmt: Format, result: Any, view: View) -> str | bytes:
    """The text of ``result`` in ``fmt`` (a large JSON document as UTF-8 bytes)."""
    return views_of(command)[(command, fmt)](result, view)
