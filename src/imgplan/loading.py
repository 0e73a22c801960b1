"""The only code that reads input files.

YAML is read as a stream of events (libyaml's C parser where present) and turned into plain
Python values by an iterative builder, so that:

* only the YAML 1.2 core schema applies: ``true``/``false`` are booleans, ``yes``/``no``/``on``/
  ``off`` stay text (and a boolean field then says "write true or false"), ``NO`` stays Norway's
  code, unquoted dates stay text until a date field parses them;
* no tag constructs anything, and nesting depth and alias expansion are bounded (a "billion
  laughs" file or a 100,000-deep list gets a located message, not a crash);
* every problem is located ``file:line:column`` with its key path. Locations are only computed
  when something is wrong: the file is parsed a second time, recording marks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import InputError, Problem
from .files import read_bytes
from .models import vocab

if TYPE_CHECKING:  # pydantic is imported only when a file is validated (not on a cache hit)
    from pydantic import BaseModel, ValidationError

    from .models.profile import Profile
    from .models.programs import Dataset

PROFILE_MAX_BYTES = 1 << 20  # 1 MiB: a profile is a page of text
DATASET_MAX_BYTES = 256 << 20  # 256 MiB: ~300,000 programs
MAX_DEPTH = 32
MAX_ALIAS_EXPANSION = 10_000  # nodes that aliases may add in all

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound="BaseModel")
R = TypeVar("R")


@dataclass
class Parsed:
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
        raise InputError(
            [
                Problem(
                    name,
                    line,
                    column,
                    "",
                    (
                        f"byte 0x{raw[exc.start]:02x} is not UTF-8; expected a UTF-8 text file "
                        "(re-save it as UTF-8)"
                    ),
                )
            ]
        ) from None


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
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _build(
    text: str,
    file: str,
    marks: dict[Path_, tuple[int, int, int, int]] | None,
    progress: Callable[[float], None] | None = None,
) -> Parsed:
    """Turn YAML text into Python values without recursion; optionally record marks.

    ``marks[path]`` is (key line, key column, value line, value column), 1-based.
    """
    import yaml  # only when a file is parsed (not on a cache hit)

    try:
        loader: Any = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - PyYAML built without libyaml
        loader = yaml.SafeLoader
    problems: list[Problem] = []
    # frame: [container, path, pending key or None, key mark, node count, anchor, seen keys]
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[Any, int]] = {}
    expanded = 0
    root: Any = None
    have_root = False

    line: int | None
    column: int | None

    def place(value: Any, event: Any, size: int) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            if marks is not None:
                line, col = _mark(event)
                marks[()] = (line, col, line, col)
            return
        frame = stack[-1]
        frame[4] += size
        container = frame[0]
        if isinstance(container, list):
            index = len(container)
            container.append(value)
            if marks is not None:
                line, col = _mark(event)
                marks[frame[1] + (index,)] = (line, col, line, col)
            return
        key = frame[2]
        if key is None:  # this value is a key
            if not isinstance(event, yaml.ScalarEvent):
                raise _Fatal(
                    *_mark(event),
                    display_path(frame[1]),
                    "a key must be plain text; expected 'name: value' lines",
                )
            key_text = event.value
            if key_text == "<<" and not event.style:
                raise _Fatal(
                    *_mark(event),
                    display_path(frame[1]),
                    "merge keys (<<) are not supported; expected each key written out",
                )
            if key_text in frame[6]:
                line, col = _mark(event)
                problems.append(
                    Problem(
                        file,
                        line,
                        col,
                        display_path(frame[1] + (key_text,)),
                        f"key '{key_text}' appears twice in this mapping; expected it once",
                    )
                )
            frame[6].add(key_text)
            frame[2] = key_text
            frame[3] = _mark(event)
            return
        container[key] = value
        if marks is not None:
            line, col = _mark(event)
            marks[frame[1] + (key,)] = (*frame[3], line, col)
        frame[2] = None

    def child_path() -> Path_:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame[0], list):
            return frame[1] + (len(frame[0]),)
        return frame[1] + (frame[2],)

    try:
        event: Any
        count = 0
        for event in yaml.parse(text, Loader=loader):
            if progress is not None:
                count += 1
                if not count & 0xFFFF:
                    progress(event.start_mark.index / max(1, len(text)))
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.tag is not None and event.tag != "!":
                    line, col = _mark(event)
                    problems.append(
                        Problem(
                            file,
                            line,
                            col,
                            display_path(child_path()),
                            f"YAML tag {event.tag} is not allowed; expected a plain value",
                        )
                    )
                value = _scalar(event)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                place(value, event, 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise _Fatal(
                        *_mark(event),
                        display_path(child_path()),
                        f"nesting deeper than {MAX_DEPTH} levels; expected a shallow file",
                    )
                if event.tag is not None:
                    line, col = _mark(event)
                    problems.append(
                        Problem(
                            file,
                            line,
                            col,
                            display_path(child_path()),
                            f"YAML tag {event.tag} is not allowed; expected plain YAML",
                        )
                    )
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = child_path()
                stack.append([container, path, None, (0, 0), 1, event.anchor, set(), event])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame[5]:
                    anchors[frame[5]] = (frame[0], frame[4])
                place(frame[0], frame[7], frame[4])
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise _Fatal(
                        *_mark(event),
                        display_path(child_path()),
                        f"alias *{event.anchor} refers to no finished anchor; expected an "
                        "anchor (&name) defined earlier, outside itself",
                    )
                value, size = anchors[event.anchor]
                expanded += size
                if expanded > MAX_ALIAS_EXPANSION:
                    raise _Fatal(
                        *_mark(event),
                        display_path(child_path()),
                        (
                            f"aliases expand to over {MAX_ALIAS_EXPANSION:,} values; expected a file "
                            "without alias bombs (write the values out)"
                        ),
                    )
                place(value, event, size)
            elif kind is yaml.DocumentStartEvent and have_root:
                raise _Fatal(
                    *_mark(event),
                    "",
                    "a second YAML document (---); expected one document per file",
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        message = f"YAML syntax error: {what}; expected valid YAML"
        # libyaml gives up on a key after 1,024 characters and says only that ':' is missing
        if what == "could not find expected ':'" and mark is not None and mark.column >= 1024:
            message = (
                "YAML syntax error: no ':' within the first 1,024 characters of the line; "
                "expected a key of at most 1,024 characters, then ':'"
            )
        raise InputError([Problem(file, line, column, "", message)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC, ...)
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        char = text[exc.position] if exc.position < len(text) else ""
        raise InputError(
            [
                Problem(
                    file,
                    line,
                    column,
                    "",
                    f"control character U+{ord(char or chr(0)):04X} in the text; expected printable "
                    "text (is this really a YAML file?)",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            [Problem(file, None, None, "", f"YAML error: {exc}; expected valid YAML")]
        ) from None
    except _Fatal as exc:
        raise InputError([Problem(file, *exc.where)]) from None
    return Parsed(file, text, root, problems)


def parse_yaml(
    path: Path | str, max_bytes: int, progress: Callable[[float], None] | None = None
) -> Parsed:
    text = read_text(path, max_bytes)
    return _build(text, str(path), None, progress)


# Turning pydantic's errors into located, plain messages ----------------------------------


def _locate(
    marks: dict[Path_, tuple[int, int, int, int]], path: Path_, on_key: bool
) -> tuple[int, int]:
    probe = path
    while probe not in marks and probe:
        probe = probe[:-1]
    key_line, key_col, val_line, val_col = marks.get(probe, (1, 1, 1, 1))
    if probe != path or on_key:
        return key_line, key_col
    return val_line, val_col


def _fields_at(model: type[BaseModel], path: Path_) -> list[str]:
    """The keys the model accepts at ``path`` (for 'did you mean')."""
    from pydantic import BaseModel

    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"{value!r}"


def _message(error: Any, model: type[BaseModel], path: Path_) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "assertion_error":
        return str(error["ctx"]["error"])
    if kind == "missing":
        return f"required key '{path[-1]}' is missing; expected it here"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, path[:-1])
        hint = vocab.suggest(str(path[-1]), allowed)
        return f"unknown key '{path[-1]}'{hint}; expected one of: {', '.join(allowed)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"got {_type_name(given)}; expected a mapping of 'key: value' lines"
    if kind == "list_type":
        return f"got {_type_name(given)}; expected a list (lines starting with '- ' or [a, b])"
    if kind == "too_short":
        return "the list is empty; expected at least one entry"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"{given!r} is not a whole number; expected a whole number"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = next(iter(error.get("ctx", {}).values()), "")
        relation = "at least" if kind.startswith("greater") else "at most"
        return f"{given!r} is out of range; expected {relation} {bound}"
    return f"{error['msg']}"


def problems_from(exc: ValidationError, parsed: Parsed, model: type[BaseModel]) -> list[Problem]:
    marks: dict[Path_, tuple[int, int, int, int]] = {}
    _build(parsed.text, parsed.file, marks)
    out = []
    for error in exc.errors():
        path: Path_ = tuple(error["loc"])
        line, col = _locate(marks, path, on_key=error["type"] in {"extra_forbidden", "missing"})
        out.append(
            Problem(parsed.file, line, col, display_path(path), _message(error, model, path))
        )
    return out


def validate_as(parsed: Parsed, model: type[M], today: dt.date, what: str) -> M:
    """Validate parsed data as ``model``; raise InputError with every problem at once."""
    from pydantic import ValidationError

    if parsed.data is None:
        raise InputError([Problem(parsed.file, 1, 1, "", f"the file is empty; expected {what}")])
    if not isinstance(parsed.data, dict):
        raise InputError(
            [
                Problem(
                    parsed.file,
                    1,
                    1,
                    "",
                    (
                        f"the file holds {_type_name(parsed.data)}; expected {what} "
                        "(a mapping of 'key: value' lines)"
                    ),
                )
            ]
        )
    problems = list(parsed.problems)
    result: M | None = None
    try:
        result = model.model_validate(parsed.data, context={"today": today})
    except ValidationError as exc:
        # A value the parser already refused (a tag, a duplicate key) is not described twice.
        refused = {(p.line, p.column) for p in parsed.problems}
        problems.extend(
            p for p in problems_from(exc, parsed, model) if (p.line, p.column) not in refused
        )
    if model.__name__ == "Dataset":
        problems.extend(_duplicate_problems(parsed))
    if problems or result is None:
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return result


def _duplicate_ids(data: Any) -> list[tuple[int, str, int]]:
    """(index, id, index of first use) for each program id used again (on the raw data, so
    that duplicates are reported even when other problems stop validation)."""
    programs = data.get("programs") if isinstance(data, dict) else None
    first: dict[str, int] = {}
    dupes = []
    for i, program in enumerate(programs if isinstance(programs, list) else []):
        pid = program.get("id") if isinstance(program, dict) else None
        if not isinstance(pid, str):
            continue
        if pid in first:
            dupes.append((i, pid, first[pid]))
        else:
            first[pid] = i
    return dupes


def _duplicate_problems(parsed: Parsed) -> list[Problem]:
    dupes = _duplicate_ids(parsed.data)
    if not dupes:
        return []
    marks: dict[Path_, tuple[int, int, int, int]] = {}
    _build(parsed.text, parsed.file, marks)
    out = []
    for index, program_id, first in dupes:
        path: Path_ = ("programs", index, "id")
        line, col = _locate(marks, path, on_key=False)
        first_line = _locate(marks, ("programs", first, "id"), on_key=False)[0]
        out.append(
            Problem(
                parsed.file,
                line,
                col,
                display_path(path),
                (
                    f"id '{program_id}' is already used by programs[{first}] (line {first_line}); "
                    "expected ids unique within the file"
                ),
            )
        )
    return out


def kind_of(data: Any) -> str:
    """'programs' for a dataset, 'profile' otherwise."""
    return "programs" if isinstance(data, dict) and "programs" in data else "profile"


def _format(model: type[BaseModel] | str) -> type[BaseModel]:
    if isinstance(model, str):  # "module:Class", imported only when a file is validated
        import importlib

        module, name = model.split(":")
        return getattr(importlib.import_module(module), name)
    return model


def _cached(
    path: Path | str,
    max_bytes: int,
    record: type[R],
    model: type[BaseModel] | str,
    today: dt.date,
    what: str,
    *,
    kind: str,
    salt: str,
    use_cache: bool,
    progress: Callable[[float], None] | None,
    finish: Callable[[Any], Any] | None = None,
) -> R:
    """A file validated as the format ``model`` and turned into a ``record`` (see
    `formats.to_record`), through the content-keyed cache (see cache.py): a cache hit
    imports neither PyYAML nor pydantic."""
    from . import cache

    raw = read_bytes(path, max_bytes)
    key = None
    if use_cache and not cache.disabled():
        key = cache.key_for(raw, kind, salt)
        hit = cache.load(key)
        if isinstance(hit, record):
            return hit
    parsed = _build(decode(raw, str(path)), str(path), None, progress)
    fmt = _format(model)
    result = validate_as(parsed, fmt, today, what)
    if record is not fmt:
        from .formats import to_record

        result = to_record(result)
    if finish is not None:
        result = finish(result)
    if key is not None:
        cache.store(key, result)
    return result  # type: ignore[return-value]


def load_profile(path: Path | str, today: dt.date, *, use_cache: bool = True) -> Profile:
    from .models.profile import Profile

    # The graduation-year check depends on today's year: it is part of the key.
    return _cached(
        path,
        PROFILE_MAX_BYTES,
        Profile,
        "imgplan.formats.profile:Profile",
        today,
        "a profile (see `imgplan init`)",
        kind="profile",
        salt=str(today.year),
        use_cache=use_cache,
        progress=None,
    )


def load_dataset(
    path: Path | str,
    today: dt.date,
    *,
    use_cache: bool = True,
    progress: Callable[[float], None] | None = None,
) -> Dataset:
    from .models.programs import Dataset, share_equal_values

    return _cached(
        path,
        DATASET_MAX_BYTES,
        Dataset,
        "imgplan.formats.programs:Dataset",
        today,
        "a program dataset with a 'programs' list",
        kind="programs",
        salt="",
        use_cache=use_cache,
        progress=progress,
        finish=share_equal_values,
    )


def load_bundled(name: str, record: type[R], model: type[BaseModel] | str | None = None) -> R:
    """One of imgplan's own data files (data/NAME), validated once (as ``model``, by default
    ``record`` itself when that is a format) and then cached."""
    from .reference import data_path

    return _cached(
        data_path(name),
        1 << 20,
        record,
        model or record,  # type: ignore[arg-type]
        dt.date.max,
        f"imgplan's {name}",
        kind=f"bundled:{name}",
        salt="",
        use_cache=True,
        progress=None,
    )
