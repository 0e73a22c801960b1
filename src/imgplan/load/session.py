"""What every command loads: today's date, the cache, the profile, the dataset and the
bundled data, with progress on a terminal; and looking up what the user named."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..models.values import plural
from .bundled import Bundled
from .cache import Cache, from_settings

if TYPE_CHECKING:
    from ..models.fellowships import FellowshipDirectory
    from ..models.profile import Profile
    from ..models.programs import Dataset, Program


@dataclass
class Run:
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
        from .loading import load_profile

        return load_profile(path, self.today, cache=self.cache)

    def programs(self, path: Path | None) -> Dataset:
        from .bundled import data_path
        from .loading import load_dataset

        target = path or data_path("programs.yaml")
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
        self.link(dataset)
        return dataset

    @cached_property
    def directory(self) -> FellowshipDirectory:
        """The run's fellowship directory: --fellowships FILE, else the bundled one."""
        from .bundled import data_path
        from .loading import load_directory

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
        from .bundled import data_path
        from .cache import key_for
        from .files import read_bytes
        from .loading import DIRECTORY_MAX_BYTES

        path = self.directory_path or data_path("fellowships.yaml")
        return key_for(read_bytes(path, DIRECTORY_MAX_BYTES), "fellowships")

    def _key(self, record: object) -> str | None:
        found = self.keys.get(id(record))
        return found[1] if found is not None and found[0] is record else None

    def link(self, dataset: Dataset) -> None:
        """Set each program's link to the run's fellowship directory (Program.link), read
        from the cache per dataset x directory when it can be: working them out for 13,000
        programs takes ~0.1 s."""
        data_key = self._key(dataset)
        key = None
        found = None
        if self.cache is not None and data_key:
            # The directory's cache key, from its bytes: a hit needs no directory loaded (the
            # entry was written after this very file was validated).
            directory_key = self._directory_key()
            from .bundled import data_path
            from .cache import key_for

            cities = data_path("us-cities.csv").stat()
            key = key_for(
                f"{data_key}:{directory_key}:{cities.st_size}:{cities.st_mtime_ns}".encode(),
                "links",
            )
            found = self.cache.load(key)
        if not isinstance(found, dict):
            from ..fellowships import links  # only on a miss: not imported on a warm run

            # Stored as {position: link} for the linked programs only, equal links shared: a
            # 13,000-program dataset has a few thousand links and far fewer distinct ones.
            shared: dict[object, object] = {}
            found = {
                i: shared.setdefault(link, link)
                for i, link in enumerate(links(dataset, self.directory, self.bundled.cities))
                if link is not None
            }
            if key is not None and self.cache is not None:
                self.cache.store(key, found)
        programs = dataset.programs
        for i, link in found.items():
            if 0 <= i < len(programs):
                programs[i].link = link


def find_program(dataset: Dataset, given: str, ranked: list[str] | None = None) -> Program:
    """The program ``given`` names: its id, its short id (the table's Id column), the start
    of exactly one id, or (with ``ranked``, the ids of a ranked list) its # in that list.
    Otherwise a usage error with a "did you mean" over ids and names."""
    from ..models import vocab
    from ..models.programs import short_ids

    text = given.strip()
    by_id = {p.id: p for p in dataset.programs}
    if text in by_id:
        return by_id[text]
    if ranked is not None and text.isdigit():
        rank = int(text)
        if 1 <= rank <= len(ranked):
            return by_id[ranked[rank - 1]]
        raise UsageError(
            f"#{rank} is not on your list, which ranks {plural(len(ranked), 'program')}; expected a "
            "number from 1 to the list's length, or an id"
        )
    shorts = {short: pid for pid, short in short_ids(dataset).items()}
    if text in shorts:
        return by_id[shorts[text]]
    starting = [pid for pid in by_id if pid.startswith(text)] if text else []
    if len(starting) == 1:
        return by_id[starting[0]]
    if len(starting) > 1:
        few = ", ".join(starting[:5]) + (" …" if len(starting) > 5 else "")
        raise UsageError(
            f"'{given}' starts {len(starting)} ids ({few}); expected more of the id to tell "
            "them apart"
        )
    names = {p.name: p.id for p in dataset.programs}
    hint = vocab.suggest(text, list(by_id)) or _name_hint(text, names)
    raise UsageError(
        f"no program with id '{given}' in {dataset.name}{hint}; "
        "expected an id from `imgplan programs list` (or its start, or a # of your list)"
    )


def _name_hint(text: str, names: dict[str, str]) -> str:
    """'; did you mean ID (NAME)?' when ``text`` is close to a program's name."""
    import difflib

    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.6)
    if not close:
        return ""
    name = lowered[close[0]]
    return f"; did you mean '{names[name]}' ({name})?"


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
