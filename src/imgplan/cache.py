"""A cache of validated input files, keyed by their content.

Parsing a 13,000-program YAML file takes seconds; unpickling the validated dataset takes
milliseconds. Each entry is one file in the user's cache directory:

    IMGPLAN-CACHE 2\\n
    {"key": ..., "payload_sha256": ..., "payload_bytes": ...}\\n
    <pickle of the validated object>

``key`` is a SHA-256 hash of the input file's bytes, the kind of file, imgplan's code (version
and modules: `code_fingerprint`) and a salt (e.g. the year, for checks that depend on it); the
entry's file name is derived from it.
An entry is used only if its header names the expected key (a moved or renamed entry is not),
its payload matches its SHA-256 (a corrupted one is not), and it unpickles with an allow-list
of imgplan's own model classes, enums and ``datetime.date`` (nothing else can be constructed).
Anything else is ignored and rebuilt. Writes are atomic; an unwritable cache is skipped.

Location: ``$IMGPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/imgplan``, else ``~/.cache/imgplan``.
``IMGPLAN_NO_CACHE=1`` or ``--no-cache`` bypasses it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import pickle
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError, UsageError
from .files import read_bytes, replace_atomically

MAGIC = b"IMGPLAN-CACHE 2\n"  # 2: records (models/record.py), not pydantic models
MAX_ENTRY_BYTES = 1 << 30  # far above any entry a 256 MiB dataset makes
KEEP = 1000  # entries kept (an advisor may batch hundreds of profiles); older ones pruned

ALLOWED = {
    ("datetime", "date"),
    ("imgplan.models.programs", "Dataset"),
    ("imgplan.models.programs", "Program"),
    ("imgplan.models.programs", "ProgramInformatics"),
    ("imgplan.reference", "Reference"),
    ("imgplan.reference", "Source"),
    ("imgplan.reference", "Figure"),
    *(
        ("imgplan.calendar", name)
        for name in ("CalendarData", "Season", "FellowshipSeason", "AmiaMatch", "Pattern")
    ),
    *(
        ("imgplan.chances", name)
        for name in (
            "Outcomes",
            "Charting",
            "SpecialtyOutcome",
            "Pooled",
            "MatchResult",
            "FeeTier",
            "ErasFees",
            "NrmpFees",
            "Fees",
        )
    ),
    *(
        ("imgplan.models.profile", name)
        for name in (
            "Profile",
            "Usmle",
            "Step1",
            "Step2CK",
            "Step3",
            "Usce",
            "Targets",
            "Informatics",
            "Certificate",
            "Project",
            "Scholarship",
            "Mentor",
            "Step3Readiness",
            "Residency",
        )
    ),
    *(
        ("imgplan.models.vocab", name)
        for name in (
            "Specialty",
            "Visa",
            "ProgramVisa",
            "Setting",
            "UsceKind",
            "ProjectKind",
            "ScholarshipKind",
            "UsceRequirement",
            "EcfmgBy",
            "CiFellowship",
        )
    ),
}


class _Refused(Exception):
    pass


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise _Refused(f"{module}.{name}")
        return super().find_class(module, name)


_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


def directory() -> Path:
    configured = os.environ.get("IMGPLAN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "imgplan"


def disabled() -> bool:
    return os.environ.get("IMGPLAN_NO_CACHE", "").strip().lower() not in _NO


def check_settings() -> None:
    """Refuse a cache setting that cannot mean anything (exit 2, before any work).

    ``IMGPLAN_NO_CACHE`` must read as yes or no; an explicit ``IMGPLAN_CACHE_DIR`` must be a
    folder or a path one can be made at. (The default location, when unusable, is skipped
    silently: a read-only home must not stop a run.)
    """
    flag = os.environ.get("IMGPLAN_NO_CACHE", "").strip().lower()
    if flag not in _YES + _NO:
        raise UsageError(
            f"IMGPLAN_NO_CACHE={os.environ['IMGPLAN_NO_CACHE']!r:.80} is not yes or no; "
            "expected 1 (bypass the cache) or 0, or leave it unset"
        )
    configured = os.environ.get("IMGPLAN_CACHE_DIR")
    if not configured or disabled():
        return
    if "\0" in configured:
        raise UsageError("IMGPLAN_CACHE_DIR contains a NUL character; expected a folder path")
    path = Path(configured)
    for parent in (path, *path.parents):
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise UsageError(
                    f"IMGPLAN_CACHE_DIR={configured!r:.200}: {parent} is not a folder; "
                    "expected a folder for imgplan's cache (or unset it for the default)"
                )
            break


@functools.cache
def code_fingerprint() -> str:
    """imgplan's own code, as the names, sizes and times of its modules: an entry written by
    other code (another version, or a development checkout since edited) is never read back
    as if its classes had not changed."""
    h = hashlib.sha256(__version__.encode())
    folders = [str(Path(__file__).parent)]
    while folders:  # os.scandir, not pathlib: this runs at every start-up (~0.3 ms, not ~3)
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    h.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return h.hexdigest()


def key_for(data: bytes, kind: str, salt: str = "") -> str:
    # SHA-256: about twice as fast as BLAKE2 where the CPU has SHA instructions.
    h = hashlib.sha256(f"{kind}\0{code_fingerprint()}\0{salt}\0".encode())
    h.update(data)
    return h.hexdigest()[:40]


def entry_path(key: str) -> Path:
    return directory() / f"{key}.pickle"


def load(key: str) -> Any | None:
    """The cached object for ``key``, or None if absent or not to be trusted."""
    try:
        blob = read_bytes(entry_path(key), MAX_ENTRY_BYTES)
    except InputError:  # absent, not a regular file, unreadable or too big: rebuilt
        return None
    try:
        if not blob.startswith(MAGIC):
            return None
        end = blob.index(b"\n", len(MAGIC))
        header = json.loads(blob[len(MAGIC) : end])
        payload = memoryview(blob)[end + 1 :]
        if header.get("key") != key or header.get("payload_bytes") != len(payload):
            return None
        if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
            return None
        obj = _Unpickler(io.BytesIO(payload)).load()
    except (
        ValueError,
        KeyError,
        TypeError,
        EOFError,
        _Refused,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        IndexError,
    ):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry_path(key))  # recently used: kept by the pruning
    return obj


def store(key: str, obj: Any) -> bool:
    """Write an entry atomically; False (and nothing left behind) if it cannot be written."""
    folder = directory()
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    header = json.dumps(
        {
            "key": key,
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
            "payload_bytes": len(payload),
            "imgplan": __version__,
        }
    ).encode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        replace_atomically(entry_path(key), MAGIC + header + b"\n" + payload, durable=False)
        _prune(folder)
        return True
    except OSError:
        return False


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
