"""A cache of validated input files, keyed by their content.

Parsing a 13,000-program YAML file takes seconds; unpickling the validated dataset takes
milliseconds. Each entry is one file in the user's cache directory:

    IMGPLAN-CACHE 3\\n
    {"key": ..., "payload_bytes": ..., "payload_hmac": ...}\\n
    <pickle of the validated object>

``key`` is a SHA-256 hash of the input file's bytes, the kind of file, imgplan's code (version
and modules: `code_fingerprint`) and a salt (e.g. the year, for checks that depend on it); the
entry's file name is derived from it.
An entry is used only if its header names the expected key (a moved or renamed entry is not),
its payload's HMAC-SHA256 under this user's key checks out (a corrupted entry, or one not
written by this user's imgplan, is not: the key is a 0600 file in the folder), the folder and
key are the user's own and not writable by others, and it unpickles with an allow-list of
imgplan's own record classes, enums and ``datetime.date`` (nothing else can be constructed).
Anything else, any failure, is a miss: rebuilt, never a crash. Writes are atomic; an unwritable cache is skipped.

Location: ``$IMGPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/imgplan``, else ``~/.cache/imgplan``.
``IMGPLAN_NO_CACHE=1`` or ``--no-cache`` bypasses it: the cli turns both into ``None`` for
the loaders' ``cache`` parameter (`from_settings`); no flag travels through the environment.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import io
import json
import os
import pickle
import re
import stat
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from msgspec import Struct

from .. import __version__
from ..errors import InputError, UsageError
from ..models import (
    advice,
    calendar,
    fellowships,
    outcomes,
    profile,
    programs,
    reference,
    signals,
    visa_policy,
    vocab,
)
from ..models.record import Record
from ..models.values import yes_no
from .files import make_private_folder, read_bytes, read_head, replace_atomically, size_of

MAGIC = b"IMGPLAN-CACHE 3\n"  # 3: signed entries (2: records, not pydantic models)
MAX_ENTRY_BYTES = 1 << 30  # far above any entry the largest accepted dataset makes
KEEP = 1000  # entries kept (an advisor may batch hundreds of profiles); older ones pruned
MARKER = "CACHEDIR.TAG"  # marks a folder imgplan created (https://bford.info/cachedir/ format)
MARKER_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is imgplan's cache of validated files; it can be deleted.\n"
)
KEY_FILE = ".imgplan-key"  # 0600: signs this user's entries (HMAC-SHA256)
ENTRY_NAME = re.compile(r"[0-9a-f]{40}\.pickle")

#: The modules whose record classes and enums an entry may construct (with ``datetime.date``):
#: a record class in them is allowed without being listed one by one.
RECORD_MODULES = {
    m.__name__: m
    for m in (
        advice,
        calendar,
        fellowships,
        outcomes,
        profile,
        programs,
        reference,
        signals,
        visa_policy,
        vocab,
    )
}


@functools.cache
def allowed(module: str, name: str) -> bool:
    """Whether an entry may construct ``module.name``: a record class or an enum defined in
    one of RECORD_MODULES, or ``datetime.date``; nothing else."""
    if (module, name) == ("datetime", "date"):
        return True
    found = RECORD_MODULES.get(module)
    cls = getattr(found, name, None) if found is not None else None
    return (
        isinstance(cls, type)
        and cls.__module__ == module
        and (issubclass(cls, Record) or issubclass(cls, Enum))
    )


class _Refused(Exception):
    pass


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if not allowed(module, name):
            raise _Refused(f"{module}.{name}")
        return super().find_class(module, name)


def directory(environ: Mapping[str, str]) -> Path:
    configured = environ.get("IMGPLAN_CACHE_DIR")
    if configured:
        return Path(os.path.expanduser(configured))  # '~/x' is the home's x, not a '~' folder
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "imgplan"


def from_settings(no_cache: bool, environ: Mapping[str, str] = os.environ) -> Cache | None:
    """The cache this run uses, or None when ``--no-cache`` or ``IMGPLAN_NO_CACHE`` says so.

    A setting that cannot mean anything is refused (exit 2, before any work):
    ``IMGPLAN_NO_CACHE`` must read as yes or no; an explicit ``IMGPLAN_CACHE_DIR`` must be a
    folder or a path one can be made at. (The default location, when unusable, is skipped
    silently: a read-only home must not stop a run.)
    """

    raw = environ.get("IMGPLAN_NO_CACHE", "")
    try:
        bypass = bool(raw.strip()) and yes_no(raw)
    except ValueError:
        raise UsageError(
            f"IMGPLAN_NO_CACHE={raw!r:.80} is not yes or no; "
            "expected 1 (bypass the cache) or 0, or leave it unset"
        ) from None
    if no_cache or bypass:
        return None
    configured = environ.get("IMGPLAN_CACHE_DIR")
    if configured:
        _check_folder(configured)
    return Cache(directory(environ))


def _check_folder(configured: str) -> None:
    if "\0" in configured:
        raise UsageError("IMGPLAN_CACHE_DIR contains a NUL character; expected a folder path")
    path = Path(os.path.expanduser(configured))
    try:
        for parent in (path, *path.parents):
            if parent.exists() or parent.is_symlink():
                if not parent.is_dir():
                    raise UsageError(
                        f"IMGPLAN_CACHE_DIR={configured!r:.200}: {parent} is not a folder; "
                        "expected a folder for imgplan's cache (or unset it for the default)"
                    )
                break
    except OSError as exc:  # a name over 255 characters, a parent that cannot be searched
        raise UsageError(
            f"IMGPLAN_CACHE_DIR={configured!r:.200} cannot be used ({exc.strerror or exc}); "
            "expected a folder path you can use (or unset it for the default)"
        ) from None


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


class Cache(Struct, frozen=True):
    """The cache folder of this run (see the module's docstring)."""

    folder: Path

    def entry_path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def load(self, key: str) -> Any | None:
        """The cached object for ``key``, or None if absent or not to be trusted."""
        if not self.trusted():
            return None
        path = self.entry_path(key)
        try:
            # The header first: a corrupt or foreign entry (a sparse file of zeros claiming
            # 1 GB) is a miss after a few bytes, never read whole.
            if not _header_fits(read_head(path, HEADER_BYTES), key, size_of(path)):
                return None
            blob = read_bytes(path, MAX_ENTRY_BYTES)
        except InputError:  # absent, not a regular file, unreadable or too big: rebuilt
            return None
        secret = self._secret(create=False)
        obj = None if secret is None else _decode(blob, key, secret)
        if obj is not None:
            with contextlib.suppress(OSError):
                os.utime(self.entry_path(key))  # recently used: kept by the pruning
        return obj

    def store(self, key: str, obj: Any) -> bool:
        """Write an entry atomically, readable by this user only; False (and nothing left
        behind) if it cannot be written or the folder is not one imgplan may trust."""
        payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        header = json.dumps(
            {
                "key": key,
                "payload_bytes": len(payload),
                "imgplan": __version__,
            }
        )
        try:
            self._make_folder()
            secret = self._secret(create=True) if self.trusted() else None
            if secret is None:
                return False
            signed = json.loads(header)
            signed["payload_hmac"] = _sign(payload, secret)
            header = json.dumps(signed)
            replace_atomically(
                self.entry_path(key),
                MAGIC + header.encode() + b"\n" + payload,
                durable=False,
                mode=0o600,
            )
            self._prune()
            return True
        except OSError:
            return False

    def _secret(self, *, create: bool) -> bytes | None:
        """This user's key for signing entries (KEY_FILE, 0600, in the cache folder); an
        entry whose signature does not check out was not written by this user's imgplan."""
        path = self.folder / KEY_FILE
        try:
            info = os.lstat(path)
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.getuid()
                and not info.st_mode & 0o077
            ):
                return path.read_bytes()
            return None
        except FileNotFoundError:
            if not create:
                return None
        except OSError:
            return None
        secret = os.urandom(32)
        try:
            replace_atomically(path, secret, overwrite=False, mode=0o600)
        except FileExistsError:
            return self._secret(create=False)
        return secret

    def _make_folder(self) -> None:
        """Create the folder (0700, marked as imgplan's own) if it does not exist."""
        if self.folder.exists():
            return
        make_private_folder(self.folder)
        (self.folder / MARKER).write_text(MARKER_TEXT)

    def trusted(self) -> bool:
        """As ssh does with its keys: the folder is a real folder owned by this user and not
        writable by others; otherwise the cache is neither read nor written."""
        try:
            info = os.lstat(self.folder)
        except OSError:
            return False
        return (
            stat.S_ISDIR(info.st_mode)
            and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        )

    def _prune(self) -> None:
        """Keep the newest KEEP entries; only in a folder imgplan marked as its own, and only
        files of imgplan's own name pattern that start with its header."""
        if not (self.folder / MARKER).is_file():
            return
        entries = [p for p in self.folder.glob("*.pickle") if ENTRY_NAME.fullmatch(p.name)]
        if len(entries) <= KEEP:
            return
        entries = [p for p in entries if _is_entry(p)]
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()


def _is_entry(path: Path) -> bool:
    """Whether ``path`` starts with imgplan's cache header (a file it wrote)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


HEADER_BYTES = 4096  # MAGIC and the JSON header line fit in this


def _header_fits(head: bytes, key: str, size: int) -> bool:
    """Whether an entry's first bytes are imgplan's header for ``key``, stating the payload
    size the file has."""
    try:
        if not head.startswith(MAGIC):
            return False
        end = head.index(b"\n", len(MAGIC))
        header = json.loads(head[len(MAGIC) : end])
        return (
            isinstance(header, dict)
            and header.get("key") == key
            and header.get("payload_bytes") == size - end - 1
        )
    except ValueError:  # no line end in the first bytes, or not JSON
        return False


def _decode(blob: bytes, key: str, secret: bytes) -> Any | None:
    try:
        if not blob.startswith(MAGIC):
            return None
        end = blob.index(b"\n", len(MAGIC))
        header = json.loads(blob[len(MAGIC) : end])
        payload = memoryview(blob)[end + 1 :]
        if header.get("key") != key or header.get("payload_bytes") != len(payload):
            return None
        if not hmac.compare_digest(str(header.get("payload_hmac", "")), _sign(payload, secret)):
            return None  # not written by this user's imgplan (a checksum alone proves nothing)
        return _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # any failure (a forged date with year 10**20, ...) is a miss
        return None


def _sign(payload: bytes | memoryview, secret: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()
