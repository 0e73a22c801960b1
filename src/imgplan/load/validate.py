"""`imgplan validate`: every problem of every file, at once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from msgspec import Struct, field

from ..errors import InputError, Problem, UnreadableError
from ..formats.fellowships import FellowshipDirectory
from ..formats.profile import Profile
from ..formats.programs import Dataset
from ..models.values import plural
from .bundled import reference
from .files import read_head, size_of
from .loading import DATASET_MAX_BYTES, PROFILE_MAX_BYTES
from .located import kind_of, locate, validate_as
from .yaml_reader import Parsed, Path_, display_path, parse_yaml


class FileResult(Struct):
    path: str
    kind: str
    problems: list[Problem]
    unreadable: bool = False  # not read at all: exit 2, not 1
    warnings: list[Problem] = field(default_factory=list)  # valid, but something is unknown


# A top-level key only a program dataset has, near the start of a large file.
_DATASET_KEY = re.compile(rb"^(programs|as_of|source)\s*:", re.MULTILINE)
PEEK_BYTES = 64 << 10


def _limit(path: Path) -> int:
    """How much of this file may be read: a dataset may be large, a profile may not. A file
    over the profile limit is read only if its first 64 KiB show a dataset's top-level key."""
    size = size_of(path)
    if size <= PROFILE_MAX_BYTES or _DATASET_KEY.search(read_head(path, PEEK_BYTES)):
        return DATASET_MAX_BYTES
    return PROFILE_MAX_BYTES


def validate_file(path: Path, today: dt.date) -> FileResult:
    kind = (
        "programs"
        if path.suffix.lower() in {".yaml", ".yml"} and "program" in path.name
        else "profile"
    )
    try:
        parsed = parse_yaml(path, _limit(path))
        kind = kind_of(parsed.data) if parsed.data is not None else kind
        if kind == "programs":
            validate_as(parsed, Dataset, today, "a program dataset with a 'programs' list")
        elif kind == "fellowships":
            validate_as(
                parsed,
                FellowshipDirectory,
                today,
                "a fellowship directory with a 'fellowships' list",
            )
        else:
            marks = reference(None).marks("step2ck_pass_history")
            profile = validate_as(
                parsed,
                Profile,
                today,
                "a profile (see `imgplan init`)",
                {"step2ck_marks": marks},
            )
            return FileResult(str(path), kind, [], warnings=_profile_warnings(parsed, profile))
    except UnreadableError as exc:
        return FileResult(str(path), kind, exc.problems, unreadable=True)
    except InputError as exc:
        return FileResult(str(path), kind, exc.problems)
    return FileResult(str(path), kind, [])


def _profile_warnings(parsed: Parsed, profile: Profile) -> list[Problem]:
    """What a valid profile leaves unknown that changes the advice: a taken Step without its
    attempt count is never read as a first-attempt pass, so programs with an attempt limit
    become 'verify'."""
    usmle = profile.usmle
    missing = []
    if usmle.step1 is not None and usmle.step1.attempts is None:
        missing.append(("step1", "Step 1"))
    if (
        usmle.step2ck is not None
        and usmle.step2ck.score is not None
        and usmle.step2ck.attempts is None
    ):
        missing.append(("step2ck", "Step 2 CK"))
    out = []
    for key, name in missing:
        path: Path_ = ("usmle", key)
        line, column = locate(parsed, path)
        message = (
            f"warning: no attempts given for {name}; it is read as unknown, not a first-attempt "
            f"pass, so programs with an attempt limit are 'verify' (add attempts: N, the passing "
            "attempt included)"
        )
        out.append(Problem(parsed.file, line, column, display_path(path), message))
    return out


class ValidationReport(Struct):
    files: list[FileResult]

    @property
    def exit_code(self) -> int:
        """2 if a file could not be read at all, 1 if any has problems, else 0."""
        if any(r.unreadable for r in self.files):
            return 2
        return 1 if any(r.problems for r in self.files) else 0

    def summary(self) -> str | None:
        bad = sum(1 for r in self.files if r.problems)
        count = sum(len(r.problems) for r in self.files)
        files = plural(len(self.files), "file")
        return f"{plural(count, 'problem')} in {bad} of {files}" if bad else None


def validate_files(paths: list[Path], today: dt.date) -> ValidationReport:
    return ValidationReport([validate_file(path, today) for path in paths])
