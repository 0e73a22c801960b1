"""Errors that cross the CLI boundary, and the located problem they carry."""

from __future__ import annotations

import re

from msgspec import Struct
from msgspec.structs import force_setattr

MAX_MESSAGE = 400  # characters: a message about a 100 MB value stays a line
#: C0/C1 control characters other than tab and newline: an escape sequence in a value would
#: drive the terminal that prints it (refused in text fields, made visible in messages).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: Every control character but the tab: a message about input is one line (a line break in a
#: quoted header cell would forge a second "imgplan: ..." line).
CONTROL_OR_BREAK = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character (line breaks too) shown as ``\\xNN``."""
    return CONTROL_OR_BREAK.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def tell(text: str) -> None:
    """One line for the person at the terminal, on stderr: 'imgplan: TEXT', with anything
    from outside (file names, sheet names, header cells) made visible, never interpreted by
    the terminal. A closed stderr is silently skipped: it never changes an exit code."""
    import contextlib
    import sys

    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"imgplan: {visible(text)}\n")


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` made safe to print: control characters (line breaks too) shown as ``\\xNN``
    (a hostile key or value cannot drive the terminal or forge a line), and the middle of an
    over-long text cut out, so that a message keeps its start (what is wrong) and its end
    (what is expected)."""
    text = visible(text)
    if len(text) <= limit:
        return text
    half = (limit - 40) // 2
    return f"{text[:half]}… ({len(text) - 2 * half:,} characters cut) …{text[-half:]}"


class Problem(Struct, frozen=True, order=True):
    """One thing wrong with an input file, located as precisely as it can be."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __post_init__(self) -> None:
        force_setattr(self, "file", clip(self.file))
        force_setattr(self, "path", clip(self.path, 200))
        force_setattr(self, "message", clip(self.message))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


class InputError(Exception):
    """Bad input: exit code 2 with every problem listed (or 1 from ``validate``)."""

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__(problems)
        self.problems: list[Problem] = problems if problems is not None else []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(problems={self.problems!r})"

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UnreadableError(InputError):
    """The file cannot be read at all (missing, a folder or a pipe, too big): exit code 2,
    even from ``validate``, whose exit 1 means "read, and found problems"."""


class OutputError(Exception):
    """The output cannot be written (stdout closed or full, an encoding that cannot show the
    text): exit code 74, with a short message."""


class UsageError(Exception):
    """A bad option or combination of options: exit code 2."""

    def __str__(self) -> str:
        return clip(super().__str__())
