"""Profiles and program datasets (and imgplan's own data files, through `bundled`) read,
validated and turned into the core's records, through the content-keyed cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models.programs import prepared
from .cache import Cache, key_for
from .files import read_bytes
from .kinds import RECORDS, Kind, validated
from .yaml_reader import build, decode

if TYPE_CHECKING:
    from ..models.fellowships import FellowshipDirectory
    from ..models.profile import Profile
    from ..models.programs import Dataset

PROFILE_MAX_BYTES = 1 << 20  # 1 MiB: a profile is a page of text
# 72 MiB: about 130,000 programs, whose first run peaks near 0.9 GB on a 2-core, 24 GB
# machine (benchmarks/hostile.py); memory grows linearly with the file, so this keeps every
# accepted dataset under 1 GB.
DATASET_MAX_BYTES = 72 << 20


def load_file(
    path: Path | str,
    max_bytes: int,
    fmt: Kind,
    today: dt.date,
    what: str,
    *,
    kind: str,
    cache: Cache | None,
    salt: str = "",
    progress: Callable[[float], None] | None = None,
    finish: Callable[[Any], Any] | None = None,
    key_out: list[str] | None = None,
    context: dict[str, Any] | None = None,
) -> Any:
    """A file validated as the format of ``fmt`` (load.kinds) and turned into its record (see
    `formats.to_record`), through the content-keyed cache: a cache hit imports neither PyYAML
    nor pydantic."""
    raw = read_bytes(path, max_bytes)
    key = None
    if cache is not None:
        key = key_for(raw, kind, salt)
        if key_out is not None:
            key_out.append(key)
        hit = cache.load(key)
        if isinstance(hit, RECORDS[fmt]):
            return hit
    text = decode(raw, str(path))
    del raw  # the bytes are not needed while the text is parsed (70 MB at the size limit)
    parsed = build(text, str(path), None, progress)
    del text
    result = validated(fmt, parsed, today, what, context)
    if finish is not None:
        result = finish(result)
    if cache is not None and key is not None:
        cache.store(key, result)
    return result


def load_profile(
    path: Path | str,
    today: dt.date,
    *,
    cache: Cache | None = None,
    marks: list[tuple[dt.date, int]] | None = None,
) -> Profile:
    """A profile. ``marks``: the Step 2 CK pass marks by date (the reference figures), which
    tell a failed score with a planned retake from a passed one (refused)."""
    # The graduation-year check depends on today's year, the retake check on the marks: both
    # are part of the key.
    return load_file(
        path,
        PROFILE_MAX_BYTES,
        Kind.profile,
        today,
        "a profile (see `imgplan init`)",
        kind="profile",
        salt=f"{today.year}:{marks}",
        cache=cache,
        context={"step2ck_marks": marks} if marks else None,
    )


def load_dataset(
    path: Path | str,
    today: dt.date,
    *,
    cache: Cache | None = None,
    progress: Callable[[float], None] | None = None,
    key_out: list[str] | None = None,
) -> Dataset:

    return load_file(
        path,
        DATASET_MAX_BYTES,
        Kind.programs,
        today,
        "a program dataset with a 'programs' list",
        kind="programs",
        cache=cache,
        progress=progress,
        finish=prepared,
        key_out=key_out,
    )


DIRECTORY_MAX_BYTES = 8 << 20  # the bundled directory is ~60 KB


def load_directory(
    path: Path | str,
    today: dt.date,
    *,
    cache: Cache | None = None,
    key_out: list[str] | None = None,
) -> FellowshipDirectory:
    """A Clinical Informatics fellowship directory (data/fellowships.yaml, or --fellowships)."""
    return load_file(
        path,
        DIRECTORY_MAX_BYTES,
        Kind.fellowships,
        today,
        "a fellowship directory with a 'fellowships' list",
        kind="fellowships",
        cache=cache,
        key_out=key_out,
    )
