"""A batch's profiles worked on two processes: the second half in a forked child, the first
here, the child's results sent back through a pipe (pickled: parent and child are the same
program). A batch of 100 profiles against 13,000 programs spends ~12 ms a profile ranking
and rendering; the machine's second core halves that.

Nothing here writes a file: the caller writes every output once all are ready. Where fork
does not exist (Windows), with one core, or with few items, the work is done here, in order.
A child that fails hands its exception back (raised here as if the work had been done here);
a child that dies without a word (killed, out of memory) has its half redone here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this are not worth a process (a fork costs ~5-20 ms here).
MIN_ITEMS = 8


def forked_map(
    work: Callable[[T], R], items: Sequence[T], *, processes: int | None = None
) -> list[R]:
    """``[work(x) for x in items]``, the second half computed in a forked child."""
    if processes is None:
        processes = min(2, os.cpu_count() or 1)
    if processes < 2 or len(items) < MIN_ITEMS or not hasattr(os, "fork"):
        return [work(x) for x in items]
    half = len(items) // 2
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    pid = os.fork()
    if pid == 0:  # the child: its half, then its results down the pipe, then leave
        os.close(read_end)
        _child(work, items[half:], write_end)
    os.close(write_end)
    try:
        mine = [work(x) for x in items[:half]]
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
    except BaseException:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
        raise
    os.waitpid(pid, 0)
    try:
        kind, value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - the child died before a word: redo its half here
        return mine + [work(x) for x in items[half:]]
    if kind == "error":
        raise value
    return mine + list(value)


def _child(work: Callable[[T], R], items: Sequence[T], write_end: int) -> None:
    """The child's whole life: never returns, never runs the parent's exit handlers."""
    code = 0
    try:
        try:
            payload = pickle.dumps(("ok", [work(x) for x in items]))
        except BaseException as exc:  # noqa: BLE001 - handed back to be raised in the parent
            try:
                payload = pickle.dumps(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that cannot travel: redo there
                payload = b""
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # noqa: BLE001 - the parent redoes the work
        code = 1
    finally:
        os._exit(code)
