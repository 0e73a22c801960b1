"""Validation of parsed YAML against a format, with every problem located.

pydantic's errors are turned into plain messages at ``file:line:column`` with the key path,
what was found and what is expected; all problems of a file come back at once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..errors import InputError, Problem
from ..models import vocab
from .yaml_reader import Marks, Parsed, Path_, build, display_path

if TYPE_CHECKING:  # pydantic is imported only when a file is validated (not on a cache hit)
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")
MAX_PROBLEMS = 1000  # problems listed per file; past it, a count of the rest
MORE = "fix these and run again"


def _locate(marks: Marks, path: Path_, on_key: bool) -> tuple[int, int]:
    probe = path
    while probe not in marks and probe:
        probe = probe[:-1]
    key_line, key_col, val_line, val_col = marks.get(probe, (1, 1, 1, 1))
    if probe != path or on_key:
        return key_line, key_col
    return val_line, val_col


def locate(parsed: Parsed, path: Path_) -> tuple[int, int]:
    """(line, column) of the value at ``path`` in a parsed file (parsed again for marks)."""
    marks: Marks = {}
    build(parsed.text, parsed.file, marks)
    return _locate(marks, path, on_key=True)


def _fields_at(model: type[BaseModel], path: Path_) -> list[str]:
    """The keys the model accepts at ``path`` (for 'did you mean')."""

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
    ctx = error.get("ctx") or {}
    if kind in {"too_short", "too_long"}:
        has = ctx.get("actual_length", len(given) if hasattr(given, "__len__") else "?")
        if kind == "too_short":
            least = ctx.get("min_length", 1)
            if has == 0:
                return f"the list is empty; expected at least {_entries(least)}"
            return f"the list has {_entries(has)}; expected at least {least}"
        return f"the list has {_entries(has)}; expected at most {ctx.get('max_length', '?'):,}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"{_shown(given)} is not a whole number; expected a whole number"
    if kind in {"float_type", "float_parsing", "finite_number"}:
        return f"{_shown(given)} is not a number; expected a number such as 0.4 or 12"
    if kind in {"bool_type", "bool_parsing"}:
        return f"{_shown(given)} is not yes or no; expected true or false"
    if kind.startswith(("date_", "datetime_")):
        return f"{_shown(given)} is not a date; expected a date as YYYY-MM-DD"
    if kind in {"string_type", "str_type"}:
        return f"got {_type_name(given)}; expected text"
    if kind in {"enum", "literal_error"}:
        return f"{_shown(given)} is not one of the accepted values; expected {ctx.get('expected', '?')}"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = next(iter(ctx.values()), "")
        relation = "at least" if kind.startswith("greater") else "at most"
        return f"{_shown(given)} is out of range; expected {relation} {bound}"
    # Anything else in imgplan's words, never pydantic's ("Input should be ...")
    said = str(error["msg"])
    if said.startswith("Input should be "):
        return f"{_shown(given)} is not accepted here; expected {said.removeprefix('Input should be ')}"
    return said


def _entries(count: Any) -> str:
    return f"{count:,} entry" if count == 1 else f"{count:,} entries"


def _shown(value: Any) -> str:
    """A value as the file wrote it: text quoted, a mapping or a list named."""
    if isinstance(value, dict | list) or value is None:
        return _type_name(value)
    return repr(value)


def problems_from(
    exc: ValidationError | list[Any], parsed: Parsed, model: type[BaseModel], more: int = 0
) -> list[Problem]:
    """Located problems from pydantic's errors (a ValidationError, or its errors already
    gathered with ``more`` = how many were left out); at most MAX_PROBLEMS, then a count."""
    marks: Marks = {}
    build(parsed.text, parsed.file, marks)
    out = []
    errors = exc if isinstance(exc, list) else exc.errors()
    for error in errors[:MAX_PROBLEMS]:
        path: Path_ = tuple(error["loc"])
        line, col = _locate(marks, path, on_key=error["type"] in {"extra_forbidden", "missing"})
        out.append(
            Problem(parsed.file, line, col, display_path(path), _message(error, model, path))
        )
    left = max(0, len(errors) - MAX_PROBLEMS) + more
    if left:
        message = (
            f"{left:,} more problem(s) not listed (the first {MAX_PROBLEMS:,} are); expected a "
            f"file with fewer problems: {MORE}"
        ).replace("problem(s)", "problem" if left == 1 else "problems")
        out.append(Problem(parsed.file, None, None, "", message))
    return out


CHUNK = 2000  # programs validated at a time: pydantic's errors for a chunk are all in memory


def _validate(
    model: type[M], data: dict[str, Any], today: dt.date, extra: dict[str, Any] | None = None
) -> tuple[M | None, list[Any], int]:
    """(the model, errors kept, errors left out). A dataset's programs are validated CHUNK
    at a time and only the first MAX_PROBLEMS errors kept: 200,000 invalid programs would
    otherwise hold 200,000 error objects at once (over 1 GB). While every chunk is good, its
    programs become records at once and their parsed mappings in ``data`` are released (set
    to None): the parsed tree, the models and the records of 130,000 programs never coexist
    (a merge of two such files took 3.5 GB)."""
    from ..formats.records import to_record

    context = {"today": today, **(extra or {})}
    programs = data.get("programs")
    if model.__name__ != "Dataset" or not isinstance(programs, list) or len(programs) <= CHUNK:
        try:
            return model.model_validate(data, context=context), [], 0
        except ValidationError as exc:
            return None, exc.errors(), 0
    kept: list[Any] = []
    more = 0
    shell = None
    try:
        shell = model.model_validate({**data, "programs": []}, context=context)
    except ValidationError as exc:
        kept.extend(exc.errors())
    item = model.model_fields["programs"].annotation
    assert item is not None
    adapter = TypeAdapter(item)
    valid: list[Any] = []
    for start in range(0, len(programs), CHUNK):
        try:
            if not kept and not more:
                chunk = programs[start : start + CHUNK]
                valid.extend(to_record(m) for m in adapter.validate_python(chunk, context=context))
                programs[start : start + CHUNK] = [None] * len(chunk)
            else:  # something failed already: only count and locate what else fails
                adapter.validate_python(programs[start : start + CHUNK], context=context)
        except ValidationError as exc:
            for error in exc.errors():
                if len(kept) < MAX_PROBLEMS:
                    first = error["loc"][0]
                    at = start + first if isinstance(first, int) else first
                    error["loc"] = ("programs", at, *error["loc"][1:])
                    kept.append(error)
                else:
                    more += 1
    if kept or more or shell is None:
        return None, kept, more
    shell.programs = valid  # type: ignore[attr-defined]
    return shell, [], 0


def rows_problems(
    exc: ValidationError, file: str, rows: list[int], model: type[BaseModel], key: str
) -> list[Problem]:
    """Problems of a document built from spreadsheet rows: an error under ``key[n]`` is
    located at the row entry n came from (``rows[n]``)."""
    out = []
    for error in exc.errors()[:MAX_PROBLEMS]:
        path: Path_ = tuple(error["loc"])
        row = (
            rows[path[1]] if len(path) > 1 and path[0] == key and isinstance(path[1], int) else None
        )
        out.append(Problem(file, row, None, display_path(path), _message(error, model, path)))
    return out


def validate_as(
    parsed: Parsed,
    model: type[M],
    today: dt.date,
    what: str,
    context: dict[str, Any] | None = None,
) -> M:
    """Validate parsed data as ``model`` (``context``: what validators may read besides
    today, e.g. the Step 2 CK pass marks); raise InputError with every problem at once."""

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
    # Before validation, which releases the programs' parsed mappings (_validate)
    duplicates = _duplicate_problems(parsed) if model.__name__ == "Dataset" else []
    result, errors, more = _validate(model, parsed.data, today, context)
    if errors or more:
        # A value the parser already refused (a tag, a duplicate key) is not described twice.
        refused = {(p.line, p.column) for p in parsed.problems}
        problems.extend(
            p
            for p in problems_from(errors, parsed, model, more)
            if (p.line, p.column) not in refused
        )
    problems.extend(duplicates)
    if problems or result is None:
        # Located problems in file order; the count of the ones not listed last.
        ordered = sorted(
            problems, key=lambda p: (p.message.endswith(MORE), p.line or 0, p.column or 0)
        )
        raise InputError(ordered)
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
    marks: Marks = {}
    build(parsed.text, parsed.file, marks)
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
    """'programs' for a dataset, 'fellowships' for a fellowship directory, 'profile'
    otherwise."""
    if isinstance(data, dict) and "programs" in data:
        return "programs"
    if isinstance(data, dict) and "fellowships" in data:
        return "fellowships"
    return "profile"
