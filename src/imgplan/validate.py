"""`imgplan validate`: every problem of every file, at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem
from .loading import DATASET_MAX_BYTES, kind_of, parse_yaml, validate_as
from .models.profile import Profile
from .models.programs import Dataset


@dataclass
class FileResult:
    path: str
    kind: str
    problems: list[Problem]


def validate_file(path: Path, today: dt.date) -> FileResult:
    kind = (
        "programs"
        if path.suffix.lower() in {".yaml", ".yml"} and "program" in path.name
        else "profile"
    )
    try:
        parsed = parse_yaml(path, DATASET_MAX_BYTES)
        kind = kind_of(parsed.data) if parsed.data is not None else kind
        if kind == "programs":
            validate_as(parsed, Dataset, today, "a program dataset with a 'programs' list")
        else:
            validate_as(parsed, Profile, today, "a profile (see `imgplan init`)")
    except InputError as exc:
        return FileResult(str(path), kind, exc.problems)
    return FileResult(str(path), kind, [])


def validate_files(paths: list[Path], today: dt.date) -> list[FileResult]:
    return [validate_file(path, today) for path in paths]
