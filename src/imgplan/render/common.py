"""What every command's views share: notices, escaping for terminals, spreadsheets and Markdown,
the JSON writer, and the plain-text writer (a fixed-width grid with ANSI colours on a terminal).
The per-command view modules import this module and never each other."""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from typing import Any

from ..models.fellowships import FellowshipDirectory, Link
from ..models.programs import Dataset, Program
from ..models.record import as_dict
from ..models.values import looks_like_formula
from ..nownext import NowNext
from ..rules.findings import Finding
from ..season import Stage


def example_notice(name: str, as_of: str) -> str:
    return (
        f"EXAMPLE DATA: the programs in '{name}' (as of {as_of}) are fictional and "
        "illustrative, not real cutoffs. Use your own list: `imgplan programs import "
        "my-programs.csv --output my-programs.yaml`, then `--programs my-programs.yaml`."
    )


#: What textwrap turns into spaces (its whitespace but the space itself).
_TEXTWRAP_SPACE = re.compile("[\t\n\x0b\x0c\r]")
#: Whitespace other than the space (textwrap's, and what str.strip drops: no-break spaces).
_OTHER_SPACE = re.compile(r"[^\S ]")
#: Where textwrap (break_on_hyphens) may break a word: after a hyphen with two letters (or
#: letter, hyphen, letter) before it and a letter, maybe a hyphen, a letter after it
#: ('goof-ball'; not 'J-1', 'H-1B' or '2026-12-10'), and at dashes ('--'): its wordsep_re.
_HYPHEN_BREAK = re.compile(r"--|(?:(?<=[^\d\W]{2})|(?<=[^\d\W]-[^\d\W]))-(?=[^\d\W]-?[^\d\W])")


def wrap(
    text: str,
    width: int,
    *,
    initial_indent: str = "",
    subsequent_indent: str = "",
    break_on_hyphens: bool = True,
    break_long_words: bool = True,
) -> list[str]:
    """``textwrap.wrap``, with fast paths giving the same lines for the common cases. A line
    that already fits (no tab or line break in it, nothing textwrap would drop at its end) is
    the line itself. Words separated by single spaces (after any leading ones), with no
    hyphen textwrap could break at, are cut at the last space that fits (`_at_spaces`). A
    rank list or a program list wraps hundreds of lines, and textwrap chunks each one with
    regular expressions (~30 µs a line); a test compares both with textwrap on generated
    text."""
    if (
        text
        and len(initial_indent) + len(text) <= width
        and text == text.rstrip()
        and not _TEXTWRAP_SPACE.search(text)
    ):
        return [initial_indent + text]
    lead = len(text) - len(text.lstrip(" "))
    if (
        width > 0
        and lead < len(text)
        and text[-1] != " "
        and "  " not in text[lead:]
        and not (break_on_hyphens and _HYPHEN_BREAK.search(text))
        and not _OTHER_SPACE.search(text)
    ):
        lines = _at_spaces(text, lead, width, initial_indent, subsequent_indent, break_long_words)
        if lines is not None:
            return lines
    options = (
        ("break_long_words", break_long_words),
        ("break_on_hyphens", break_on_hyphens),
        ("subsequent_indent", subsequent_indent),
    )
    return list(_wrapped(text, width, initial_indent, options))


def _at_spaces(
    text: str,
    lead: int,
    width: int,
    initial_indent: str,
    subsequent_indent: str,
    break_long_words: bool,
) -> list[str] | None:
    """textwrap's lines for words separated by single spaces after ``lead`` leading ones (see
    `wrap`): each line the longest run of whole words that fits (the first keeps the leading
    spaces), a word longer than a line on a line of its own; None when textwrap would do
    otherwise: break such a word (``break_long_words``, also when it follows words on a
    line), or the leading spaces and the first word do not fit on the first line."""
    lines = []
    pos, indent = 0, initial_indent
    while True:
        room = width - len(indent)
        if len(text) - pos <= room:
            lines.append(indent + text[pos:])
            return lines
        # (an indent wider than the line leaves no room: a negative end counts from the end)
        cut = text.rfind(" ", pos, pos + room + 1) if room > 0 else -1
        if lead and pos == 0 and cut < lead:  # the first word does not fit after them
            return None
        if cut < pos:  # the next word alone is longer than the line
            if break_long_words:
                return None
            cut = text.find(" ", pos)
            if cut < 0:
                lines.append(indent + text[pos:])
                return lines
        if break_long_words:
            # textwrap breaks the next word into the room left when it is longer than this
            # line: an empty piece, which then keeps this line's trailing space
            after = text.find(" ", cut + 1)
            if (len(text) if after < 0 else after) - (cut + 1) > room:
                return None
        lines.append(indent + text[pos:cut])
        pos, indent = cut + 1, subsequent_indent


@functools.lru_cache(maxsize=4096)
def _wrapped(
    text: str, width: int, initial_indent: str, options: tuple[tuple[str, Any], ...]
) -> tuple[str, ...]:
    """textwrap's lines, kept: a batch of profiles wraps the same program names and the same
    findings in every profile's list (a tuple: callers get a list of their own)."""
    return tuple(_wrapper(width, initial_indent, options).wrap(text))


@functools.lru_cache(maxsize=64)
def _wrapper(
    width: int, initial_indent: str, options: tuple[tuple[str, Any], ...]
) -> textwrap.TextWrapper:
    """One TextWrapper per set of options (textwrap.wrap makes one per line; its `wrap`
    keeps no state between calls)."""
    return textwrap.TextWrapper(width, initial_indent=initial_indent, **dict(options))


def stage_line(stage: Stage | None) -> str | None:
    """'Stage: applying · interviewing (scores in, aiming at the coming 2027 Match)', or None."""
    if stage is None:
        return None
    phase = f" · {stage.phase.replace('_', ' ')}" if stage.phase else ""
    return f"Stage: {stage.name}{phase} ({stage.why})"


def stage_json(stage: Stage | None) -> dict[str, object] | None:
    if stage is None:
        return None
    return {
        "name": stage.name,
        "phase": stage.phase,
        "why": stage.why,
        "coming_match": stage.coming_match,
        "season": stage.season,
        "note": stage.note,
        "warning": stage.warning,
    }


def stage_fields(stage: Stage | None, now: NowNext | None = None) -> dict[str, object]:
    """The JSON keys every command with a profile adds: ``stage`` (an object: name, phase,
    why, ...), ``stage_why`` (kept from format 1's first edition) and ``now_next``."""
    return {
        "stage": stage_json(stage),
        "stage_why": None if stage is None else stage.why,
        "now_next": None if now is None else now_next_json(now),
    }


def now_next_json(now: NowNext) -> dict[str, object]:
    return {
        "title": now.title,
        "now": [{"text": x.text, "source": x.source} for x in now.now],
        "next": [
            {
                "date": u.date.isoformat(),
                "title": u.title,
                "certainty": u.certainty,
                "source": u.source,
            }
            for u in now.next
        ],
        "warnings": [{"text": x.text, "source": x.source} for x in now.warnings],
        "ages": [{"text": x.text, "source": x.source} for x in now.ages],
    }


def short_source(source: str, limit: int = 90) -> str:
    """A long source by its name (the part before the first colon); the JSON has it whole."""
    if len(source) <= limit or ":" not in source:
        return source
    return source.split(":", 1)[0]


def now_next_lines(now: NowNext | None) -> list[tuple[str, str]]:
    """The block as (text, style) lines for a terminal: Now, Next, then the warnings about
    the profile. Each line says its source."""
    if now is None:
        return []
    out: list[tuple[str, str]] = [(now.title, "bold")]
    for x in now.now:
        out += [(f"  • {x.text}", ""), (f"      source: {short_source(x.source)}", "dim")]
    if now.next:
        out.append(("Next", "bold"))
        for u in now.next:
            out += [
                (f"  • {u.date.isoformat()}  {u.title}", ""),
                (f"      {u.certainty}; source: {short_source(u.source)}", "dim"),
            ]
    if now.ages:
        out.append(("About the figures", "bold"))
        for x in now.ages:
            out += [(f"  • {x.text}", ""), (f"      source: {short_source(x.source)}", "dim")]
    if now.warnings:
        out.append(("About your profile", "bold"))
        for x in now.warnings:
            out += [(f"  ! {x.text}", "yellow"), (f"      source: {short_source(x.source)}", "dim")]
    return out


def now_next_markdown(now: NowNext | None) -> list[str]:
    if now is None:
        return []
    out = [f"## {md(now.title)}", ""]
    out += [f"- {md(x.text)} _(source: {md(x.source)})_" for x in now.now]
    if now.next:
        out += ["", "**Next**", ""]
        out += [
            f"- {u.date.isoformat()}: {md(u.title)} _({u.certainty}; source: {md(u.source)})_"
            for u in now.next
        ]
    if now.ages:
        out += ["", "**About the figures**", ""]
        out += [f"- {md(x.text)} _(source: {md(x.source)})_" for x in now.ages]
    if now.warnings:
        out += ["", "**About your profile**", ""]
        out += [f"- **{md(x.text)}** _(source: {md(x.source)})_" for x in now.warnings]
    return [*out, ""]


def write_now_next(w: Writer, now: NowNext | None) -> None:
    """The block into a plain-text writer (wrapped, continuation lines indented)."""
    for text, style in now_next_lines(now):
        indent = " " * (
            len(text) - len(text.lstrip(" ")) + (2 if text.lstrip().startswith(("•", "!")) else 0)
        )
        w.para(text, style, indent=indent)


WHAT_IF_OPTIONS = {
    "step2": "--step2",
    "usce_months": "--usce-months",
    "step3": "--step3",
    "ecfmg": "--ecfmg",
}


def what_if_notice(what_if: dict[str, object]) -> str | None:
    """The banner of a what-if run: which values were overridden (not the profile's facts)."""
    if not what_if:
        return None
    given = []
    for name, value in what_if.items():
        option = WHAT_IF_OPTIONS.get(name, name)
        if value is True or value is False:
            given.append(option if value else f"--no-{option[2:]}")
        else:
            given.append(f"{option} {value:g}" if isinstance(value, float) else f"{option} {value}")
    return (
        "WHAT-IF: this list uses " + ", ".join(given) + " instead of your profile's facts; "
        "findings about these values describe the what-if, not you."
    )


# What could make a link or an image ([ ]), an HTML tag or autolink (< >), emphasis (*),
# break a table cell (|) or undo an escape (\). Backticks and '_' are left alone: they can
# only format, and ids like internal_medicine stay readable in the Markdown source.
_MD_SPECIAL = re.compile(r"([\\*\[\]<>|])")


def csv_cell(text: str) -> str:
    """A CSV cell that opens as text: a formula-like value gets a leading apostrophe, the
    spreadsheet convention for "this is text" (the rest is quoted by the csv module)."""
    return f"'{text}" if looks_like_formula(text) else text


def md(text: str) -> str:
    """Text for a Markdown paragraph or table cell: one line, with the characters that could
    make a link, an HTML tag or a table break backslash-escaped (a program's name cannot)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def dumps(doc: dict[str, Any]) -> str:
    """One JSON document, indented by 2, UTF-8 text, dates as ISO text, a final newline.

    orjson writes the same bytes as ``json.dumps(doc, indent=2, ensure_ascii=False)`` about
    7x faster (the standard library's indenting encoder is pure Python: 1.3 s of a 1.8 s run
    printing 4,600 ranked programs), and never writes NaN or Infinity, which strict JSON
    parsers refuse: a non-finite float becomes null."""

    return dumps_bytes(doc).decode("utf-8")


def dumps_bytes(doc: dict[str, Any]) -> bytes:
    """`dumps` as UTF-8 bytes."""
    import orjson  # lazy: only JSON output needs it (~40 ms to import: dataclasses, uuid)

    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS
    try:
        return orjson.dumps(doc, default=str, option=options)
    except orjson.JSONEncodeError:  # a file name that is not UTF-8 (surrogates in a str)
        return orjson.dumps(_utf8(doc), default=str, option=options)


def encoder(level: int) -> Callable[[Any], Any]:
    """A function that encodes a value once for `dumps_bytes`: an `orjson.Fragment` holding
    the bytes `dumps_bytes` writes for it ``level`` levels into a document (the root is level
    0, its items level 1). A value thousands of entries share (a finding) is then encoded
    once, not thousands of times. A value orjson refuses (a str that is not UTF-8) is given
    back as it is, for `dumps_bytes` to write."""
    import orjson  # lazy (see dumps_bytes)

    pad = b"\n" + b"  " * level  # a JSON string holds no raw newline: each is indentation
    options = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS  # as dumps_bytes, less the newline

    def encode(value: Any) -> Any:
        try:
            text = orjson.dumps(value, default=str, option=options)
        except orjson.JSONEncodeError:
            return value
        return orjson.Fragment(text.replace(b"\n", pad))

    return encode


def _utf8(value: Any) -> Any:
    """``value`` with every string made valid UTF-8: a byte a file name held that is not
    UTF-8 (a lone surrogate in Python's str) is written as its escape, \\udcff."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_utf8(k): _utf8(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_utf8(v) for v in value]
    return value


def dataset_info(dataset: Dataset) -> dict[str, Any]:
    info: dict[str, Any] = {
        "name": dataset.name,
        "as_of": dataset.as_of.isoformat(),
        "example": dataset.example,
        "count": len(dataset.programs),
        "source": dataset.source,
    }
    if dataset.example:
        info["notice"] = example_notice(dataset.name, dataset.as_of.isoformat())
    return info


def program_fields(p: Program) -> dict[str, Any]:
    """The program's own figures, as in the dataset (None = unknown)."""
    return as_dict(p)


def link_json(link: Link | None) -> dict[str, Any] | None:
    """A program's link to the CI fellowship directory (None: none known)."""
    if link is None:
        return None
    return {
        "kind": link.kind,
        "fellowship": link.fellowship_id,
        "name": link.fellowship_name,
        "miles": link.miles,
        "confidence": link.confidence,
        "source": link.source,
        "how": link.how,
    }


def link_cell(link: Link | None) -> str:
    """'same_city: NAME', 'nearby 12 mi: NAME', 'in_house: NAME', or empty (none known)."""
    if link is None:
        return ""
    kind = link.kind
    if kind == "nearby" and link.miles is not None:
        kind = f"nearby {link.miles:.0f} mi"
    return f"{kind}: {link.fellowship_name}"


def md_section(text: list[str]) -> list[str]:
    """A heading and its lines, escaped like every other Markdown cell (not a code fence: a
    program name holding a fence would end it); indented lines become nested list items."""
    head, *rest = text
    out = [f"## {md(head)}", ""]
    for line in rest:
        body = line.strip()
        if not body:
            out.append("")
        elif line.startswith(" "):
            depth = "  " * min(2, (len(line) - len(line.lstrip(" "))) // 4)
            out.append(f"{depth}- {md(body)}")
        else:
            out.append(f"{md(body)}  ")
    return [*out, ""]


ANSI = {
    "green": "\033[32m",
    "cyan": "\033[36m",
    "yellow": "\033[33m",
    "red": "\033[31m",
    "blue": "\033[34m",
    "magenta": "\033[35m",
    "bold": "\033[1m",
    "dim": "\033[2m",
}


RESET = "\033[0m"


ICONS = {
    "ok": ("✓", "green"),
    "info": ("i", "blue"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "red"),
    "verify": ("?", "magenta"),
    "conditional": ("~", "yellow"),
    "exception": ("*", "cyan"),
}


TIER_STYLE = {"safety": "green", "target": "cyan", "reach": "yellow", "unknown": "magenta"}


class Writer:
    """Lines of output, wrapped to a width, styled only when colour is on."""

    def __init__(self, width: int, color: bool) -> None:
        self.width, self.color, self.lines = width, color, []  # type: ignore[var-annotated]

    def style(self, text: str, style: str) -> str:
        return f"{ANSI[style]}{text}{RESET}" if self.color and style in ANSI else text

    def para(self, text: str, style: str = "", indent: str = "") -> None:
        # Never split a word, a hyphenated option or a URL across lines.
        lines = wrap(
            text,
            self.width,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
        for line in lines or [""]:
            self.lines.append(self.style(line, style))

    def section(self, lines: list[str]) -> None:
        """A heading (the first line, bold), then lines wrapped keeping their leading spaces,
        continuations indented deeper."""
        self.raw("")
        head, *rest = lines
        self.para(head, "bold")
        for line in rest:
            self.para(line, indent=" " * (len(line) - len(line.lstrip(" ")) + 4))

    def raw(self, text: str) -> None:
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def finding(w: Writer, f: Finding, *, rule: bool = False) -> None:
    """A finding as icon + sentence, its source on the next line (the rule id only when asked:
    explain and --verbose show it; a person reading a list does not need it)."""
    icon, colour = ICONS.get(f.status, ("-", ""))
    label = f"[{f.rule}] " if rule else ""
    lines = wrap(f"{icon} {label}{f.message}", w.width, subsequent_indent="  ")
    if lines:
        lines[0] = w.style(icon, colour) + lines[0][len(icon) :]
    w.lines.extend(lines)
    w.para(f"    source: {f.source}", "dim", indent="    ")


def dataset_header(w: Writer, dataset: Dataset) -> None:
    w.para(
        f"Programs: {dataset.name} — {len(dataset.programs)} programs, figures as of "
        f"{dataset.as_of.isoformat()}",
        "dim",
    )
    if dataset.example:
        w.para(example_notice(dataset.name, dataset.as_of.isoformat()), "yellow")


def grid(
    headers: tuple[str, ...],
    rows: list[list[str]],
    *,
    right: set[int],
    flex: tuple[int, ...],
    width: int,
    styles: dict[int, dict[str, str]] | None = None,
    wrap: frozenset[int] = frozenset(),
) -> str:
    """A fixed-width table: the ``flex`` columns, in that order, are narrowed (to no less
    than 12 characters) until the table fits ``width``; a narrowed cell is wrapped onto more
    lines if its column is in ``wrap``, else shortened with '…'. ``styles`` maps a column to
    value -> colour (given only when colour is on)."""
    widths = [len(h) for h in headers]
    for i, cells in enumerate(zip(*rows, strict=True) if rows else ()):
        widths[i] = max(widths[i], *map(len, cells))
    for column in flex:
        over = sum(widths) + 2 * (len(widths) - 1) - width
        if over > 0:
            widths[column] = max(12, widths[column] - over)

    def shorten(cells: list[str] | tuple[str, ...]) -> list[str]:
        cells = list(cells)
        for i in flex:
            if len(cells[i]) > widths[i] and i not in wrap:
                cells[i] = cells[i][: widths[i] - 1] + "…"
        return cells

    def wrapped(cells: list[str] | tuple[str, ...]) -> list[list[str]]:
        """The row as one or more lines: a long cell of a ``wrap`` column goes on below."""
        long = [i for i in wrap if len(cells[i]) > widths[i]]
        if not long:
            return [list(cells)]
        parts = {i: list(_wrapped(cells[i], widths[i], "", ())) or [""] for i in long}
        height = max(map(len, parts.values()))
        out = []
        for k in range(height):
            row = list(cells) if k == 0 else [""] * len(cells)
            for i, chunks in parts.items():
                row[i] = chunks[k] if k < len(chunks) else ""
            out.append(row)
        return out

    # One format string for the whole table (thousands of rows are formatted in C); with
    # colour, a style wraps the padded cell.
    specs = [f"{{:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths)]
    for i in styles or {}:
        specs[i] = "{}"
    template = "  ".join(specs)

    def line(cells: list[str] | tuple[str, ...]) -> str:
        cells = shorten(cells)
        if styles:
            for i, by_value in styles.items():
                text = cells[i].rjust(widths[i]) if i in right else cells[i].ljust(widths[i])
                style = by_value.get(cells[i])
                cells[i] = f"{ANSI[style]}{text}{RESET}" if style in ANSI else text
        return template.format(*cells).rstrip()

    lines = [line(headers), "  ".join("─" * w for w in widths)]
    if wrap:
        lines += [line(part) for row in rows for part in wrapped(row)]
    else:
        lines += [line(row) for row in rows]
    return "\n".join(lines)


def directory_info(d: FellowshipDirectory, which: str) -> dict[str, Any]:
    return {
        "name": d.name,
        "as_of": d.as_of.isoformat(),
        "source": d.source,
        "note": d.note,
        "count": len(d.fellowships),
        "which": which,
    }
