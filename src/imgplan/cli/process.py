"""The process's edges: messages on a stderr that may be closed, a stdout closed by a pipe,
SIGTERM handled like Ctrl-C. Used by the cli's error boundary."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def say(text: str) -> None:
    """Write a message to stderr if there is one: a closed stderr must not change the exit
    code."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def on_sigterm() -> Any:
    """SIGTERM is handled like Ctrl-C: the write under way removes its temporary file, the run
    stops with a word and exit 143 (SIGKILL cannot be caught: see files._clean_stale).
    Returns the handler it replaced (restored when main returns)."""

    def stop(signum: int, frame: object) -> None:
        raise Terminated(signum)

    try:
        if hasattr(signal, "SIGHUP"):  # the terminal closed: the same clean stop
            signal.signal(signal.SIGHUP, stop)
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (e.g. a test runner's thread)
        return None


class Terminated(BaseException):  # not KeyboardInterrupt: click would turn it into Abort
    pass


def quiet_stdout() -> None:
    """After a closed pipe (`| head -1`), point stdout at devnull so that Python's own flush
    at exit does not complain."""

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
