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
from ..models.values import plural
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
        try:
            return load_dataset(target, self.today, cache=self.cache, progress=progress)
        finally:
            if progress is not None:
                progress.close()


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
