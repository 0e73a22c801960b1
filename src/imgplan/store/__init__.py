"""The season tracker's storage: one SQLite file (`db`: the only code that speaks SQL;
`schema`: the tables and their migrations).

Where it lives: ``--db PATH`` on a tracker command, else ``$IMGPLAN_DB``, else
``tracker.sqlite3`` in the user data folder (platformdirs: ~/.local/share/imgplan on Linux,
~/Library/Application Support/imgplan on macOS, %LOCALAPPDATA%\\imgplan on Windows).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models.tracker import Tracker


def default_path() -> Path:
    """$IMGPLAN_DB, else tracker.sqlite3 in the user data folder (platformdirs)."""
    given = os.environ.get("IMGPLAN_DB")
    if given:
        return Path(os.path.expanduser(given))
    # lazy: only commands that look for the tracker need it (~4 ms to import)
    import platformdirs

    return Path(platformdirs.user_data_dir("imgplan", appauthor=False)) / "tracker.sqlite3"


def peek(path: Path | None, key: str, name: str | None) -> Tracker | None:
    """The applicant's tracker for a command that only advises (read-only; None when there
    is no database). sqlite3 is imported only when the file is there."""
    target = path or default_path()
    if not os.path.lexists(target):
        return None
    # lazy: sqlite3 and the store cost ~10 ms; a user without a tracker never pays them
    from .db import Store

    return Store.peek(target, key, name)
