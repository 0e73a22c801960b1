"""What every command loads: today's date, the cache, the profile, the dataset and the
bundled data, with progress on a terminal; and looking up what the user named."""

from __future__ import annotations

import datetime as dt
import os
import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct, field

from ..errors import UsageError
from ..models.tracker import applicant_key
from ..store import peek
from .bundled import Bundled, data_path
from .cache import Cache, from_settings, key_for
from .files import read_bytes
from .loading import DIRECTORY_MAX_BYTES, load_dataset, load_directory, load_profile

if TYPE_CHECKING:
    from ..models.fellowships import FellowshipDirectory, Link
    from ..models.profile import Profile
    from ..models.programs import Dataset
    from ..models.tracker import Tracker


class Run(Struct, dict=True):
    """What every command shares: today, the cache, and loading through them."""

    today: dt.date
    cache: Cache | None
    keys: dict[int, tuple[object, str]] = field(default_factory=dict)  # id(record) -> its cache key
    directory_path: Path | None = None  # --fellowships FILE (None: the bundled directory)

    @classmethod
    def start(cls, today: dt.date, no_cache: bool = False) -> Run:
        return cls(today, from_settings(no_cache))

    @cached_property
    def bundled(self) -> Bundled:
        return Bundled(self.cache)

    def profile(self, path: Path) -> Profile:
        if str(path) == "-":
            raise UsageError(
                "a profile from standard input ('-') is not read; expected a profile file path"
            )

        marks = self.bundled.reference.marks("step2ck_pass_history")
        return load_profile(path, self.today, cache=self.cache, marks=marks)

    def tracker(
        self, profile: Profile, path: Path, *, applicant: str | None = None, db: Path | None = None
    ) -> Tracker | None:
        """The applicant's tracked programs, read-only (None: no tracker database, or nothing
        tracked for this applicant). The advice commands read it for their Now / Next block."""
        return peek(db, applicant_key(profile, path, applicant), profile.name)

    def programs(self, path: Path | None) -> Dataset:
        """The dataset at ``path``, or a bundled one by name (NAMED_DATASETS; none given:
        $IMGPLAN_PROGRAMS, else the real ERAS 2026 list)."""
        target = dataset_path(path)
        progress = Progress(target, self.cache is not None) if sys.stderr.isatty() else None
        key: list[str] = []
        try:
            dataset = load_dataset(
                target, self.today, cache=self.cache, progress=progress, key_out=key
            )
        finally:
            if progress is not None:
                progress.close()
        if key:
            self.keys[id(dataset)] = (dataset, key[0])
        return dataset

    @cached_property
    def directory(self) -> FellowshipDirectory:
        """The run's fellowship directory: --fellowships FILE, else the bundled one."""

        key: list[str] = []
        target = self.directory_path or data_path("fellowships.yaml")
        found = load_directory(target, self.today, cache=self.cache, key_out=key)
        if key:
            self.keys[id(found)] = (found, key[0])
        return found

    def directory_note(self) -> str | None:
        """Said in the output when the user's directory replaced the bundled one."""
        if self.directory_path is None:
            return None
        d = self.directory
        return (
            f"CI fellowship links from your directory {self.directory_path} ({d.name}, as of "
            f"{d.as_of.isoformat()}, {len(d.fellowships)} programs), not the bundled one."
        )

    def _directory_key(self) -> str:

        path = self.directory_path or data_path("fellowships.yaml")
        return key_for(read_bytes(path, DIRECTORY_MAX_BYTES), "fellowships")

    def _key(self, record: object) -> str | None:
        found = self.keys.get(id(record))
        return found[1] if found is not None and found[0] is record else None

    def links_key(self, dataset: Dataset) -> str | None:
        """The cache key of the dataset's links to the run's fellowship directory (None: no
        cache). From the dataset's and the directory's bytes: a hit needs no directory."""
        data_key = self._key(dataset)
        if self.cache is None or not data_key:
            return None

        cities = data_path("us-cities.csv").stat()
        seed = f"{data_key}:{self._directory_key()}:{cities.st_size}:{cities.st_mtime_ns}"
        return key_for(seed.encode(), "links")

    def cached_links(self, key: str | None) -> dict[int, Link] | None:
        """The links stored under ``key`` ({position: link}), or None."""
        if key is None or self.cache is None:
            return None
        found = self.cache.load(key)
        return found if isinstance(found, dict) else None

    def store_links(self, key: str | None, links: dict[int, Link]) -> None:
        if key is not None and self.cache is not None:
            self.cache.store(key, links)


#: The bundled datasets a user can name instead of a file (--programs NAME, IMGPLAN_PROGRAMS).
NAMED_DATASETS = {
    "eras": "programs.yaml",  # the real ERAS 2026 participants (the default)
    "example": "example-programs.yaml",  # fictional, with figures: every rule at work
}


def dataset_path(given: Path | None) -> Path:
    """--programs: a bundled dataset's name, else a file; none: $IMGPLAN_PROGRAMS, else eras."""
    text = str(given) if given is not None else os.environ.get("IMGPLAN_PROGRAMS", "") or "eras"
    if text in NAMED_DATASETS:
        return data_path(NAMED_DATASETS[text])
    return Path(os.path.expanduser(text)) if given is None else given


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
