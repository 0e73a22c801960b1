"""The one table of (command × format): which formats each command prints, the `Format` enum
and the reader's `View`. The renderers themselves live in one module per command (see
`imgplan.render.render`), and a test checks that each module renders exactly the formats
listed here. A command supports exactly these formats: the cli refuses any other with exit 2
and the list, and ``--help`` shows the same list (both read `supported`)."""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct


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

T, J, C, M, ICS, HTML = (
    Format.table,
    Format.json,
    Format.csv,
    Format.markdown,
    Format.ics,
    Format.html,
)

#: command -> the formats it prints, the default first.
FORMATS: dict[str, tuple[Format, ...]] = {
    "recommend": (T, J, C, M),
    "explain": (T, J),
    "timeline": (T, J, M, ICS),
    "check-step3": (T, J),
    "chances": (T, J),
    "assess": (T, J, M),
    "validate": (T, J),
    "programs list": (T, J, C, M),
    "programs show": (T, J),
    "programs diff": (T, J),
    "fellowships list": (T, J, C, M),
    "fellowships show": (T, J),
    "fellowships diff": (T, J),
    "report": (HTML,),
    "data": (T, J),
    "track list": (T, J, C, M),
    "track show": (T, J),
    "track history": (T, J),
    "track export": (C, ICS, J),
    "match run": (T, J, C, M),
    "rank": (T, J, C, M),
    "visa": (T, J, M),
    # the changing tracker commands print what changed
    **{f"track {name}": (T, J) for name in ("add", "update", "rate", "remove", "undo", "import")},
}


class View(Struct, frozen=True):
    """How the reader sees the output: terminal width, colour, and per-command choices."""

    width: int = 120
    color: bool = False
    include_excluded: bool = False  # recommend: list the excluded programs too
    verbose: bool = False  # rule ids and exit codes in the human output (--verbose)


def supported(command: str) -> list[Format]:
    """The formats ``command`` can be rendered in, in the enum's order."""
    return [f for f in Format if f in FORMATS.get(command, ())]


def help_text(command: str) -> str:
    names = [f.value for f in FORMATS[command]]
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
