"""Every byte imgplan reads from or writes to a file goes through here.

Reading: only regular files, opened without blocking (a named pipe or a device given as a file
is refused at once instead of hanging), never more than a size limit (checked before reading
and again while reading, so a file that grows cannot slip past it).

Writing: to a temporary file in the target's folder, flushed to disk, then renamed over the
target (or hard-linked to a new path when it must not be overwritten). A crash or a full disk
leaves the old file or the new one, never a mix, and no temporary file behind. (The folder
itself is not flushed: after a crash the rename may be lost, which leaves the old file.)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import OutputError, Problem, UnreadableError, UsageError, clip, tell

#: What a command outputs: text, bytes (a workbook), or text in pieces made as it is written
Text = str | bytes | Iterator[str]

_KINDS = (
    (stat.S_ISDIR, "this is a folder; expected a file"),
    (stat.S_ISFIFO, "this is a named pipe (FIFO), not a regular file; expected a file"),
    (stat.S_ISSOCK, "this is a socket, not a regular file; expected a file"),
    (stat.S_ISCHR, "this is a device, not a regular file; expected a file"),
    (stat.S_ISBLK, "this is a device, not a regular file; expected a file"),
)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode cannot be read as a file (None if it can)."""
    for test, message in _KINDS:
        if test(mode):
            return message
    return None if stat.S_ISREG(mode) else "this is not a regular file; expected a file"


def _problem(name: str, message: str) -> UnreadableError:
    return UnreadableError([Problem(name, None, None, "", message)])


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parent 0700 (Python's ``mkdir(parents=True)`` makes
    parents with the umask's mode: world-writable under ``umask 000``); folders that exist
    keep their own modes, never changed."""
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    old = os.umask(0o077)
    try:
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                path.mkdir(mode=0o700)
    finally:
        os.umask(old)


def _nearby(path: Path) -> str:
    """'; did you mean FOLDER/NAME?' for a file in the same folder whose name is close."""
    import difflib  # only on a missing file

    try:
        folder = path.parent if str(path.parent) else Path(".")
        names = [p.name for p in folder.iterdir() if p.is_file()][:2000]
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f"; did you mean {folder / close[0]}?" if close else ""


def _open_regular(path: Path | str) -> tuple[int, int]:
    """An open descriptor on a regular file, and its size; or an UnreadableError."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _problem(
            name, f"no such file{_nearby(Path(name))}; expected a path to an existing file"
        ) from None
    except IsADirectoryError:
        raise _problem(name, "this is a folder; expected a file") from None
    except OSError as exc:
        raise _problem(name, f"cannot be read ({exc.strerror}); expected a readable file") from None
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise _problem(name, f"cannot be read ({exc.strerror}); expected a readable file") from None
    why = _not_regular(info.st_mode)
    if why:
        os.close(fd)
        raise _problem(name, why)
    return fd, info.st_size


def _read(fd: int, name: str, limit: int, size: int = 0) -> bytes:
    """Up to ``limit`` bytes; a file of the ``size`` stat gave comes in one read (no second
    copy from joining chunks: a 1 GB file took 2 GB to read)."""
    chunks = []
    left = limit
    step = min(limit, size + 1) if size else 1 << 20
    try:
        while left > 0:
            chunk = os.read(fd, min(left, step))
            step = 1 << 20
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise _problem(name, f"cannot be read ({exc.strerror}); expected a readable file") from None
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def size_of(path: Path | str) -> int:
    """The size of a regular file, or an UnreadableError."""
    fd, size = _open_regular(path)
    os.close(fd)
    return size


def read_head(path: Path | str, limit: int) -> bytes:
    """The first ``limit`` bytes of a regular file (to tell what kind of file it is)."""
    fd, _ = _open_regular(path)
    return _read(fd, str(path), limit)


def read_bytes(path: Path | str, max_bytes: int) -> bytes:
    """A regular file's bytes, or an UnreadableError (missing, a folder, a pipe or device,
    unreadable, over ``max_bytes``)."""
    name = str(path)
    fd, size = _open_regular(path)
    if size > max_bytes:
        os.close(fd)
        raise _problem(
            name,
            f"the file is {size / 1048576:.1f} MiB, over the {max_bytes / 1048576:g} MiB "
            "limit for this kind of file; expected a smaller file",
        )
    raw = _read(fd, name, max_bytes + 1, size)
    if len(raw) > max_bytes:
        raise _problem(
            name, "the file grew over the size limit while being read; expected a smaller file"
        )
    return raw


def _is(info: os.stat_result, path: Path) -> bool:
    """Whether ``path`` is the file whose status is ``info``."""
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino)


STALE_SECONDS = 3600  # a temporary file of ours this old was left by a killed run


def _clean_stale(folder: Path, name: str) -> None:
    """Remove temporaries a killed run (SIGKILL, power loss) left beside ``name``: only
    imgplan's own pattern ('.NAME.XXXXXXXX.tmp'), and only those over an hour old, so that a
    write under way in another process is never touched."""
    pattern = re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}\.tmp")
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not pattern.fullmatch(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    if (
                        entry.is_file(follow_symlinks=False)
                        and now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
                    ):
                        os.unlink(entry.path)
    except OSError:
        pass


def replace_atomically(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    overwrite: bool = True,
    durable: bool = True,
    mode: int | None = None,
) -> None:
    """Write ``data`` (bytes, or pieces of them written as they come) to ``path`` all at
    once; OSError if it cannot (nothing is left behind).

    With ``overwrite=False`` an existing ``path`` raises FileExistsError and is not touched
    (the check and the write are one step: no race with another writer). ``durable`` flushes
    the data to disk before the rename, so that a crash cannot leave a renamed but empty
    file; a cache entry, checked by its SHA-256 when read, does without.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)  # an overwritten file keeps its mode
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    _clean_stale(folder, path.name)
    import tempfile  # lazy: a run that writes nothing does without it (and random, ~3 ms)

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                for piece in data:
                    fh.write(piece)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def write_output(path: Path, text: Text, *, overwrite: bool) -> None:
    """Write a user-visible output file atomically, or raise a UsageError saying why not
    (the folder is missing, the path is a folder or a pipe, the disk is full, ...)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist; expected an existing folder")
    try:
        info = os.stat(path)
    except OSError:
        info = None
    if info is not None:
        if not overwrite:
            raise UsageError(
                f"{path} already exists; expected a new path (imgplan never overwrites it)"
            )
        why = _not_regular(info.st_mode)
        if why:
            raise UsageError(
                f"{path}: {why.split(';')[0]}; expected a path for a regular file "
                "(leave out --output to print to the terminal)"
            )
    try:
        data = (
            text
            if isinstance(text, bytes)
            else text.encode("utf-8")
            if isinstance(text, str)
            else (piece.encode("utf-8") for piece in text)
        )
        replace_atomically(path, data, overwrite=overwrite)
    except FileExistsError:
        raise UsageError(
            f"{path} already exists; expected a new path (imgplan never overwrites it)"
        ) from None
    except OSError as exc:
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
        raise UsageError(
            f"{path}: cannot be written ({reason}); nothing was written"
            + ("" if info is None else ", the existing file is unchanged")
        ) from None


def _print(text: Text) -> None:
    """Write to stdout, or raise OutputError saying why it cannot be written."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("standard output is closed; nothing was printed (use --output FILE)")
    try:
        if isinstance(text, bytes):
            if stream.encoding.lower().replace("-", "") != "utf8":
                text.decode("utf-8").encode(stream.encoding)  # raises if it cannot show it
            stream.flush()
            stream.buffer.write(text)
            stream.buffer.flush()
        elif isinstance(text, str):
            stream.write(text)
            stream.flush()
        else:
            for piece in text:
                stream.write(piece)
            stream.flush()
    except BrokenPipeError:
        raise
    except UnicodeEncodeError:
        raise OutputError(
            f"standard output uses the {stream.encoding} encoding, which cannot show this "
            "text; expected UTF-8 (set PYTHONIOENCODING=utf-8, or write it with --output FILE)"
        ) from None
    except OSError as exc:
        raise OutputError(
            f"standard output cannot be written ({exc.strerror or exc}); use --output FILE"
        ) from None


def check_target(output: Path, inputs: tuple[Path | None, ...] = ()) -> None:
    """Refuse an output path that is an input file, or a folder, pipe or device (before
    anything is written)."""
    try:
        info = os.stat(output)
    except OSError:
        return  # nothing there yet: no input, nothing to refuse
    # os.path.samefile's test, with the output looked at once (a batch checks 100 outputs
    # against 100 inputs)
    if any(p is not None and _is(info, p) for p in inputs):
        raise UsageError(f"--output {output} is one of the input files; expected another path")
    why = _not_regular(info.st_mode)
    if why:
        raise UsageError(
            f"{output}: {why.split(';')[0]}; expected a path for a regular file "
            "(leave out --output to print to the terminal)"
        )


def check_first(output: Path | None, inputs: tuple[Path | None, ...]) -> None:
    """The same refusal as at the end, made before any file is read: a command never spends
    seconds loading data to then say its --output was an input (the check is made again when
    the output is written)."""
    if output is not None:
        check_target(output, inputs)


def deliver(text: Text, output: Path | None, inputs: tuple[Path | None, ...] = ()) -> None:
    """Print ``text``, or write it to ``output`` atomically; never overwrite an input file."""
    if output is None:
        _print(text)
        return
    check_target(output, inputs)
    write_output(output, text, overwrite=True)
    _said(f"Wrote {output}{OPEN_HINT.get(output.suffix.lower(), '')}")


#: What to do with a written file, said after "Wrote FILE".
OPEN_HINT = {
    ".html": " — open it in your browser",
    ".ics": " — import it into your calendar",
    ".csv": " — opens in a spreadsheet",
}


def _said(text: str) -> None:
    """A line for the person at the terminal (stderr: stdout stays the output's)."""
    tell(text)


def batch_targets(
    profiles: list[Path], folder: Path, ext: str, inputs: tuple[Path | None, ...]
) -> list[Path]:
    """One output file per profile (NAME.EXT), checked before anything is written: two
    profiles that would write the same file, or a target that is an input or not a regular
    file, refuse the whole run."""

    targets = [folder / f"{path.stem}.{ext}" for path in profiles]
    seen: dict[Path, Path] = {}
    for path, target in zip(profiles, targets, strict=True):
        if target in seen:
            raise UsageError(
                f"{clip(str(seen[target]))} and {clip(str(path))} would both write {clip(str(target))}; "
                "expected profiles with different file names (nothing was written)"
            )
        seen[target] = path
        check_target(target, inputs)
    return targets
