"""YAML text to plain Python values, with located problems.

YAML is read as a stream of events (libyaml's C parser where present) and turned into plain
Python values by :class:`_Builder`, one small handler per event kind, without recursion, so that:

* only the YAML 1.2 core schema applies: ``true``/``false`` are booleans, ``yes``/``no``/``on``/
  ``off`` stay text (and a boolean field then says "write true or false"), ``NO`` stays Norway's
  code, unquoted dates stay text until a date field parses them;
* no tag constructs anything, and nesting depth and alias expansion are bounded (a "billion
  laughs" file or a 100,000-deep list gets a located message, not a crash);
* every problem is located ``file:line:column`` with its key path. Locations are only computed
  when something is wrong: the file is parsed a second time, recording marks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgspec import Struct

from ..errors import InputError, Problem
from .files import read_bytes

MAX_DEPTH = 32
MAX_DIGITS = 100  # digits of a whole number read as a number; longer stays text
MAX_ALIAS_EXPANSION = 10_000  # nodes that aliases may add in all
MAX_LIST_ITEMS = 150_000  # items in one list: what a dataset holds is bounded, not only its bytes

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

Path_ = tuple[str | int, ...]
Marks = dict[Path_, tuple[int, int, int, int]]


class Parsed(Struct):
    """A parsed file: its data, and any structural problems found on the way."""

    file: str
    text: str
    data: Any
    problems: list[Problem]


class _Fatal(Exception):
    def __init__(self, line: int | None, column: int | None, path: str, message: str) -> None:
        super().__init__(message)
        self.where = (line, column, path, message)


def display_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a BOM allowed), or a located InputError at the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = f"byte 0x{raw[exc.start]:02x} is not UTF-8; expected a UTF-8 text file (re-save it as UTF-8)"
        raise InputError([Problem(name, line, column, "", message)]) from None


def read_text(path: Path | str, max_bytes: int) -> str:
    """Read a UTF-8 file (BOM allowed) or raise a located InputError."""
    return decode(read_bytes(path, max_bytes), str(path))


def _scalar(event: Any) -> Any:
    value = event.value
    if event.style:  # quoted or block scalar: always text (plain is None, or '' from libyaml)
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        # Over MAX_DIGITS digits stays text: Python refuses to convert it, and no field
        # takes such a number (the field then says what it expected, located).
        return int(value) if len(value) <= MAX_DIGITS else value
    if _FLOAT.match(value):
        number = float(value)
        # 1e400 is infinity: never a number a file may give (stays text, refused by the field)
        return number if math.isfinite(number) else value
    return value


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Frame:
    """An open mapping or sequence: its container, key path, pending key and counts."""

    __slots__ = ("container", "path", "key", "key_mark", "size", "anchor", "seen", "event")

    def __init__(self, container: Any, path: Path_, anchor: str | None, event: Any) -> None:
        self.container, self.path, self.anchor, self.event = container, path, anchor, event
        self.key: str | None = None
        self.key_mark = (0, 0)
        self.size = 1
        self.seen: set[str] = set()


class _Builder:
    """Builds values from parser events: ``handlers`` maps each event type to its method."""

    def __init__(self, file: str, marks: Marks | None) -> None:
        import yaml  # lazy: a warm run reads the cache and never parses YAML (~30 ms)

        self.yaml = yaml
        self.file, self.marks = file, marks
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0
        self.root: Any = None
        self.have_root = False
        self.handlers: dict[type, Callable[[Any], None]] = {
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.document,
        }

    # where things are ------------------------------------------------------------------

    def child_path(self) -> Path_:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return frame.path + (len(frame.container),)
        return frame.path + (frame.key,)  # type: ignore[operator]

    def refuse_tag(self, event: Any, expected: str) -> None:
        line, col = _mark(event)
        where = display_path(self.child_path())
        message = f"YAML tag {event.tag} is not allowed; expected {expected}"
        self.problems.append(Problem(self.file, line, col, where, message))

    # one handler per event kind --------------------------------------------------------

    def scalar(self, event: Any) -> None:
        if event.tag is not None and event.tag != "!":
            self.refuse_tag(event, "a plain value")
        value = _scalar(event)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.place(value, event, 1)

    def start(self, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _Fatal(
                *_mark(event),
                display_path(self.child_path()),
                f"nesting deeper than {MAX_DEPTH} levels; expected a shallow file",
            )
        if event.tag is not None:
            self.refuse_tag(event, "plain YAML")
        container: Any = {} if type(event) is self.yaml.MappingStartEvent else []
        self.stack.append(_Frame(container, self.child_path(), event.anchor, event))

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        self.place(frame.container, frame.event, frame.size)

    def alias(self, event: Any) -> None:
        if event.anchor not in self.anchors:
            raise _Fatal(
                *_mark(event),
                display_path(self.child_path()),
                f"alias *{event.anchor} refers to no finished anchor; expected an "
                "anchor (&name) defined earlier, outside itself",
            )
        value, size = self.anchors[event.anchor]
        self.expanded += size
        if self.expanded > MAX_ALIAS_EXPANSION:
            raise _Fatal(
                *_mark(event),
                display_path(self.child_path()),
                f"aliases expand to over {MAX_ALIAS_EXPANSION:,} values; expected a file "
                "without alias bombs (write the values out)",
            )
        self.place(value, event, size)

    def document(self, event: Any) -> None:
        if self.have_root:
            raise _Fatal(
                *_mark(event), "", "a second YAML document (---); expected one document per file"
            )

    # putting a finished value in its place ---------------------------------------------

    def place(self, value: Any, event: Any, size: int) -> None:
        marks = self.marks  # None on the fast path: marks are only computed to locate errors
        if not self.stack:
            self.root, self.have_root = value, True
            if marks is not None:
                marks[()] = (*_mark(event), *_mark(event))
            return
        frame = self.stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, list):
            if len(container) >= MAX_LIST_ITEMS:
                raise _Fatal(
                    *_mark(event),
                    display_path(frame.path),
                    f"more than {MAX_LIST_ITEMS:,} items in one list; expected at most that many "
                    "(a program dataset of that size takes about 1 GB of memory to read)",
                )
            if marks is not None:
                marks[frame.path + (len(container),)] = (*_mark(event), *_mark(event))
            container.append(value)
        elif frame.key is None:
            self.key(frame, event)
        else:
            container[frame.key] = value
            if marks is not None:
                marks[frame.path + (frame.key,)] = (*frame.key_mark, *_mark(event))
            frame.key = None

    def key(self, frame: _Frame, event: Any) -> None:
        if not isinstance(event, self.yaml.ScalarEvent):
            raise _Fatal(
                *_mark(event),
                display_path(frame.path),
                "a key must be plain text; expected 'name: value' lines",
            )
        text = event.value
        if text == "<<" and not event.style:
            raise _Fatal(
                *_mark(event),
                display_path(frame.path),
                "merge keys (<<) are not supported; expected each key written out",
            )
        if text in frame.seen:
            line, col = _mark(event)
            where = display_path(frame.path + (text,))
            message = f"key '{text}' appears twice in this mapping; expected it once"
            self.problems.append(Problem(self.file, line, col, where, message))
        frame.seen.add(text)
        frame.key, frame.key_mark = text, _mark(event)


def build(
    text: str, file: str, marks: Marks | None, progress: Callable[[float], None] | None = None
) -> Parsed:
    """Turn YAML text into Python values; optionally record ``marks[path]`` = (key line, key
    column, value line, value column), 1-based."""
    import yaml  # only when a file is parsed (not on a cache hit)

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder(file, marks)
    try:
        count = 0
        event: Any
        handlers = builder.handlers
        for event in yaml.parse(text, Loader=loader):
            if progress is not None:
                count += 1
                if not count & 0xFFFF:
                    progress(event.start_mark.index / max(1, len(text)))
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(exc, file)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC, ...)
        raise InputError([_reader_problem(exc, text, file)]) from None
    except yaml.YAMLError as exc:
        raise InputError(
            [Problem(file, None, None, "", f"YAML error: {exc}; expected valid YAML")]
        ) from None
    except _Fatal as exc:
        raise InputError([Problem(file, *exc.where)]) from None
    return Parsed(file, text, builder.root, builder.problems)


def _syntax_problem(exc: Any, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    what = exc.problem or exc.context or "invalid YAML"
    message = f"YAML syntax error: {what}; {_advice(what, line)}"
    # libyaml gives up on a key after 1,024 characters and says only that ':' is missing
    if what == "could not find expected ':'" and mark is not None and mark.column >= 1024:
        message = (
            "YAML syntax error: no ':' within the first 1,024 characters of the line; "
            "expected a key of at most 1,024 characters, then ':'"
        )
    return Problem(file, line, column, "", message)


def _advice(what: str, line: int | None) -> str:
    """What to do about a YAML syntax error, in plain words (the parser often points one line
    after the mistake)."""
    at = f"line {line}" if line else "the line"
    before = f"line {line - 1}" if line and line > 1 else at
    if "cannot start any token" in what:
        return f"expected spaces, not a tab, at the start of {at} (indent two spaces per level)"
    if "expected ',' or '}'" in what or "expected ',' or ']'" in what:
        return f"expected the braces {{ }} or brackets [ ] closed on {before} or {at}, with commas between items"
    if "mapping values are not allowed" in what:
        return (
            f"expected one ':' per line on {before} and {at} (put a value holding ':' in quotes, "
            'e.g. note: "a: b") and the indentation of the lines around it'
        )
    if "expected <block end>" in what or "could not find expected ':'" in what:
        return f"expected items at one level to start in the same column: check the indentation of {before} and {at}"
    return f"expected valid YAML: check the indentation and punctuation of {before} and {at}"


def _reader_problem(exc: Any, text: str, file: str) -> Problem:
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    char = text[exc.position] if exc.position < len(text) else ""
    message = (
        f"control character U+{ord(char or chr(0)):04X} in the text; expected printable "
        "text (is this really a YAML file?)"
    )
    return Problem(file, line, column, "", message)


def parse_yaml(
    path: Path | str, max_bytes: int, progress: Callable[[float], None] | None = None
) -> Parsed:
    text = read_text(path, max_bytes)
    return build(text, str(path), None, progress)
