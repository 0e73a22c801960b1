"""What every command loads: today's date, the cache, the profile, the dataset and the
bundled data, with progress on a terminal; and looking up what the user named."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from .bundled import Bundled
from .cache import Cache, from_settings

if TYPE_CHECKING:
    from ..models.profile import Profile
    from ..models.programs import Dataset, Program


@dataclass
class Run:
    """What every command shares: today, the cache, and loading through them."""

    today: dt.date
    cache: Cache | None

    @classmethod
    def start(cls, today: dt.date, no_cache: bool = False) -> Run:
        return cls(today, from_settings(no_cache))

    @cached_property
    def bundled(self) -> Bundled:
        return Bundled(self.cache)

    def profile(self, path: Path) -> Profile:
        from .loading import load_profile

        return load_profile(path, self.today, cache=self.cache)

    def programs(self, path: Path | None) -> Dataset:
        from .bundled import data_path
        from .loading import load_dataset

        target = path or data_path("programs.yaml")
        progress = Progress(target, self.cache is not None) if sys.stderr.isatty() else None
        try:
            return load_dataset(target, self.today, cache=self.cache, progress=progress)
        finally:
            if progress is not None:
                progress.close()


def find_program(dataset: Dataset, program_id: str) -> Program:
    """The program with this id, or a usage error with a "did you mean"."""
    from ..models import vocab

    program = dataset.by_id(program_id)
    if program is None:
        hint = vocab.suggest(program_id, [p.id for p in dataset.programs])
        raise UsageError(
            f"no program with id '{program_id}' in {dataset.name}{hint}; "
            "expected an id from `imgplan programs list`"
        )
    return program


def resolve_profile(given: Path | None) -> Path | None:
    """PROFILE, else $IMGPLAN_PROFILE, else ./profile.yaml if it exists, else None."""
    if given is not None:
        return given
    env = os.environ.get("IMGPLAN_PROFILE")
    if env:
        return Path(env)
    default = Path("profile.yaml")
    return default if default.exists() else None


class Progress:
    """'reading FILE: 42%' on stderr while a large file is parsed (only on a terminal, and
    only when the file is actually parsed: a cache hit prints nothing)."""

    def __init__(self, path: Path, cached: bool) -> None:
        self.path, self.cached, self.shown = path, cached, False

    def __call__(self, fraction: float) -> None:
        self.shown = True
        note = " (once: later runs use the cache)" if self.cached else ""
        sys.stderr.write(f"\rimgplan: reading {self.path.name}{note}: {fraction:.0%}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
