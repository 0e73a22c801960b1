"""The tracker's SQLite database: the only code that speaks SQL. It opens the file safely
(a regular file, private, the right version), reads an applicant's tracked programs into plain
records, and writes a `Change` with its history in one transaction.

Reliability, by design:
- WAL and a busy timeout: a second process waits its turn (up to ``BUSY_MS``), and both
  changes are kept; every change is one ``BEGIN IMMEDIATE`` transaction, read and written
  together, so a concurrent writer never works from a stale state.
- A crash (or a kill) in the middle of a change leaves the old state: SQLite's commit is
  atomic.
- A database written by a newer imgplan (a higher ``user_version``) is refused untouched, as
  is a file that is not an imgplan database, a corrupt one, a FIFO, a folder or a symlink.
- The folder is created 0700 and the file 0600 (with its -wal and -shm files).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import stat
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError, Problem, clip
from ..load.files import make_private_folder
from ..models.tracker import Change, Edit, HistoryEntry, NoteEntry, Tracked, Tracker
from .schema import FIELDS, MIGRATIONS, VERSION

BUSY_MS = 5000  # how long a command waits for another process's change to finish
APP_ID = 0x696D6770  # 'imgp': PRAGMA application_id marks the file as imgplan's


def _problem(path: Path, message: str) -> InputError:
    return InputError([Problem(clip(str(path)), None, None, "", message)])


def _check_file(path: Path, *, create: bool) -> bool:
    """Whether the database exists; a path that is not a regular file is refused."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        if not create:
            return False
        parent = path.parent
        if parent.exists() and not parent.is_dir():
            raise _problem(
                path, f"{parent} is not a folder; expected a folder for the database"
            ) from None
        return False
    except OSError as exc:
        raise _problem(path, f"cannot be read ({exc.strerror}); expected a readable file") from None
    if stat.S_ISLNK(info.st_mode):
        raise _problem(path, "is a symbolic link; expected the database file itself (--db PATH)")
    if stat.S_ISDIR(info.st_mode):
        raise _problem(
            path, "is a folder; expected the database file (--db FOLDER/tracker.sqlite3)"
        )
    if not stat.S_ISREG(info.st_mode):
        raise _problem(
            path, "is not a regular file (a pipe or a device?); expected a database file"
        )
    return True


def _friendly(path: Path, exc: sqlite3.Error) -> InputError | OutputError:
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return _problem(
            path,
            f"is locked by another imgplan (or another program) for over {BUSY_MS // 1000} s; "
            "expected it free: try again",
        )
    if "readonly" in lowered or "read-only" in lowered:
        return _problem(path, "is read-only (the file or its folder); expected a writable file")
    if "disk is full" in lowered or "full" in lowered and "database" in lowered:
        return OutputError(f"{clip(str(path))}: the disk is full: nothing was changed")
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return _problem(
            path,
            f"is not a readable imgplan tracker database (SQLite: {clip(text, 120)}); expected a "
            "file written by imgplan track, or restore it from a backup (track backup)",
        )
    if "unable to open" in lowered:
        return _problem(path, "cannot be opened (its folder may be read-only or missing)")
    return _problem(path, f"database error ({clip(text, 160)})")


class Store:
    """An open tracker database."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self.conn = path, conn

    # Opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool) -> Store | None:
        """The database at ``path``, migrated to the latest version (``create``: made when it
        does not exist, in a private folder). None when it does not exist and ``create`` is
        False (a read-only look: nothing is created)."""
        exists = _check_file(path, create=create)
        if not exists and not create:
            return None
        if not exists:
            try:
                make_private_folder(path.parent)
            except OSError as exc:
                raise _problem(path, f"its folder cannot be made ({exc.strerror})") from None
        old_mask = os.umask(0o077)  # the file, its journal and WAL files: private
        try:
            conn = sqlite3.connect(
                str(path), timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
            store = cls(path, conn)
            store._prepare(exists)
        except sqlite3.Error as exc:
            with contextlib.suppress(Exception):
                conn.close()
            raise _friendly(path, exc) from None
        finally:
            os.umask(old_mask)
        if not exists:
            with contextlib.suppress(OSError):
                os.chmod(path, 0o600)
        return store

    def _prepare(self, existed: bool) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        version = c.execute("PRAGMA user_version").fetchone()[0]
        app = c.execute("PRAGMA application_id").fetchone()[0]
        if existed and (version == 0 or app != APP_ID):
            tables = c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables or app not in (0, APP_ID):
                raise sqlite3.DatabaseError("file is not a database written by imgplan")
        if version > VERSION:
            raise _problem(
                self.path,
                f"was written by a newer imgplan (tracker version {version}; this imgplan knows "
                f"up to {VERSION}); expected it untouched: upgrade imgplan to use it",
            )
        if existed:
            check = c.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
        c.execute("PRAGMA journal_mode = WAL")
        if version < VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Run migrations version+1 .. VERSION in one transaction."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            current = c.execute("PRAGMA user_version").fetchone()[0]  # another process won?
            for number in range(current + 1, VERSION + 1):
                for statement in _statements(MIGRATIONS[number - 1]):
                    c.execute(statement)
            c.execute(f"PRAGMA application_id = {APP_ID}")
            c.execute(f"PRAGMA user_version = {VERSION}")
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    @classmethod
    def peek(cls, path: Path, key: str, name: str | None) -> Tracker | None:
        """A read-only look for the commands that only advise: the applicant's tracker, or
        None when there is no database or no such applicant. Nothing is created, migrated or
        locked for long; a database that cannot be read gives an empty tracker whose
        ``problem`` says why (the advice goes on without it)."""
        try:
            exists = _check_file(path, create=False)
        except InputError as exc:
            return Tracker(
                key, name, [], str(path), problem=f"Tracker not read: {exc.problems[0].message}"
            )
        if not exists:
            return None
        uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            return Tracker(key, name, [], str(path), problem=f"Tracker not read: {exc}")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app = conn.execute("PRAGMA application_id").fetchone()[0]
            if app != APP_ID:
                raise sqlite3.DatabaseError("file is not a database written by imgplan")
            if version != VERSION:
                newer = version > VERSION
                why = (
                    f"written by a newer imgplan (version {version}); upgrade imgplan"
                    if newer
                    else f"at version {version}; `imgplan track list` upgrades it to {VERSION}"
                )
                return Tracker(key, name, [], str(path), problem=f"Tracker not read: {why}.")
            store = cls(path, conn)
            conn.execute("BEGIN")  # one snapshot for every table read
            found = store.applicant(key, name, create=False)
            return None if found is None else store.read(found, key, name)
        except sqlite3.Error as exc:
            reason = _friendly(path, exc)
            text = reason.problems[0].message if isinstance(reason, InputError) else str(reason)
            return Tracker(key, name, [], str(path), problem=f"Tracker not read: {clip(text, 200)}")
        finally:
            conn.close()

    def close(self) -> None:
        self.conn.close()

    # Reading -------------------------------------------------------------------------------

    def applicant(self, key: str, name: str | None, *, create: bool) -> int | None:
        row = self.conn.execute("SELECT id FROM applicants WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        cur = self.conn.execute(
            "INSERT INTO applicants (key, name, created) VALUES (?, ?, ?)", (key, name, now)
        )
        return int(cur.lastrowid or 0)

    def read(self, applicant_id: int, key: str, name: str | None, *, notes: bool = True) -> Tracker:
        """The applicant's tracked programs (``notes=False``: without their notes, for a change
        that does not read them)."""
        c = self.conn
        cols = (
            "program_id",
            "name",
            "specialty",
            "state",
            "city",
            "dataset",
            "dataset_as_of",
            "figures",
            *FIELDS,
            "added",
        )
        # In the order they were added: by time, then by the first "tracked" event of each
        # program (one grouped pass over the events; a subquery per program was 20 ms for 300).
        rows = c.execute(
            f"""SELECT {", ".join("t." + col for col in cols)} FROM tracked t
                LEFT JOIN (SELECT program_id, min(change_id * 100000 + seq) AS first
                           FROM events WHERE field = 'tracked' GROUP BY program_id) f
                ON f.program_id = t.program_id
                WHERE t.applicant_id = ? ORDER BY t.added, f.first, t.program_id""",
            (applicant_id,),
        ).fetchall()
        ratings: dict[str, dict[str, int]] = {}
        for pid, criterion, score in c.execute(
            "SELECT program_id, criterion, score FROM ratings WHERE applicant_id = ?",
            (applicant_id,),
        ):
            ratings.setdefault(pid, {})[criterion] = int(score)
        held: dict[str, list[NoteEntry]] = {}
        for pid, at, text in self._notes(applicant_id) if notes else ():
            held.setdefault(pid, []).append(NoteEntry(at, text))
        out = []
        for row in rows:
            values = dict(zip(cols, row, strict=True))
            out.append(
                _tracked(
                    values,
                    ratings.get(values["program_id"], {}),
                    held.get(values["program_id"], []),
                )
            )
        return Tracker(key, name, out, str(self.path))

    def _notes(self, applicant_id: int) -> list[tuple[str, dt.datetime, str]]:
        """Notes added by changes that are not undone, oldest first. A note's value is
        {"at": when it was written, "text": ...} (an imported note keeps its own time)."""
        rows = self.conn.execute(
            """SELECT e.program_id, e.new FROM events e JOIN changes c ON c.id = e.change_id
               WHERE c.applicant_id = ? AND e.field = 'note' AND e.new IS NOT NULL
                 AND c.undoes IS NULL
                 AND NOT EXISTS (SELECT 1 FROM changes u WHERE u.undoes = c.id)
               ORDER BY c.id, e.seq""",
            (applicant_id,),
        ).fetchall()
        # One JSON document for all of them: a parse per note was most of a listing's read.
        found = json.loads("[" + ",".join(text for _, text in rows) + "]")
        parse = dt.datetime.fromisoformat
        return [(pid, parse(v["at"]), v["text"]) for (pid, _), v in zip(rows, found, strict=True)]

    def history(self, applicant_id: int, limit: int | None = None) -> list[HistoryEntry]:
        """The applicant's changes, newest first (the last ``limit``), each with its edits:
        two queries, whatever the length of the history."""
        c = self.conn
        sql = "SELECT id, at, who, command, undoes FROM changes WHERE applicant_id = ? ORDER BY id DESC"
        args: tuple[Any, ...] = (applicant_id,)
        if limit:
            sql += " LIMIT ?"
            args = (applicant_id, limit)
        changes = c.execute(sql, args).fetchall()
        if not changes:
            return []
        undone = dict(
            c.execute(
                "SELECT undoes, id FROM changes WHERE applicant_id = ? AND undoes IS NOT NULL",
                (applicant_id,),
            ).fetchall()
        )
        oldest = changes[-1][0]
        edits: dict[int, list[Edit]] = {}
        for cid, pid, fld, old, new in c.execute(
            """SELECT e.change_id, e.program_id, e.field, e.old, e.new FROM events e
               JOIN changes c ON c.id = e.change_id
               WHERE c.applicant_id = ? AND e.change_id >= ? ORDER BY e.change_id, e.seq""",
            (applicant_id, oldest),
        ):
            edits.setdefault(cid, []).append(Edit(pid, fld, _json(old), _json(new)))
        return [
            HistoryEntry(
                cid,
                dt.datetime.fromisoformat(at),
                who,
                command,
                undoes,
                undone.get(cid),
                edits.get(cid, []),
            )
            for cid, at, who, command, undoes in changes
        ]

    # Writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic change: read, decide and write inside it (BEGIN IMMEDIATE takes the
        write lock first, so a concurrent writer waits and then sees this change)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _friendly(self.path, exc) from None
        try:
            yield
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise _friendly(self.path, exc) from None
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise _friendly(self.path, exc) from None

    def apply(self, applicant_id: int, change: Change, at: dt.datetime, who: str) -> int | None:
        """Write ``change`` and its events (inside `transaction`); None when it changes nothing."""
        if not change.edits:
            return None
        c = self.conn
        cur = c.execute(
            "INSERT INTO changes (applicant_id, at, who, command, undoes) VALUES (?, ?, ?, ?, ?)",
            (applicant_id, at.isoformat(timespec="seconds"), who, change.command, change.undoes),
        )
        cid = int(cur.lastrowid or 0)
        for seq, e in enumerate(change.edits):
            c.execute(
                "INSERT INTO events (change_id, seq, program_id, field, old, new) VALUES (?, ?, ?, ?, ?, ?)",
                (cid, seq, e.program_id, e.field, _dump(e.old), _dump(e.new)),
            )
            self._set(applicant_id, e, at)
        return cid

    def _set(self, applicant_id: int, e: Edit, at: dt.datetime) -> None:
        c = self.conn
        if e.field == "tracked":
            if e.new is None:
                c.execute(
                    "DELETE FROM tracked WHERE applicant_id = ? AND program_id = ?",
                    (applicant_id, e.program_id),
                )
                return
            row = dict(e.new)
            c.execute(
                """INSERT INTO tracked (applicant_id, program_id, name, specialty, state, city,
                   dataset, dataset_as_of, figures, status, added)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    applicant_id,
                    e.program_id,
                    row["name"],
                    row["specialty"],
                    row.get("state"),
                    row.get("city"),
                    row["dataset"],
                    row["dataset_as_of"],
                    json.dumps(row.get("figures", {}), sort_keys=True),
                    row.get("status", "saved"),
                    row.get("added") or at.isoformat(timespec="seconds"),
                ),
            )
            for fld in FIELDS:
                if fld != "status" and row.get(fld) is not None:
                    self._set(applicant_id, Edit(e.program_id, fld, None, row[fld]), at)
            for criterion, score in (row.get("ratings") or {}).items():
                self._set(applicant_id, Edit(e.program_id, f"rating:{criterion}", None, score), at)
            return
        if e.field.startswith("rating:"):
            criterion = e.field.split(":", 1)[1]
            if e.new is None:
                c.execute(
                    "DELETE FROM ratings WHERE applicant_id = ? AND program_id = ? AND criterion = ?",
                    (applicant_id, e.program_id, criterion),
                )
            else:
                c.execute(
                    """INSERT INTO ratings (applicant_id, program_id, criterion, score) VALUES (?, ?, ?, ?)
                       ON CONFLICT (applicant_id, program_id, criterion) DO UPDATE SET score = excluded.score""",
                    (applicant_id, e.program_id, criterion, e.new),
                )
            return
        if e.field == "note":
            return  # notes live in the history (read by _notes)
        if e.field not in FIELDS:
            raise ValueError(f"no such tracked field: {e.field}")
        value = e.new
        if isinstance(value, bool):
            value = int(value)
        c.execute(
            f"UPDATE tracked SET {e.field} = ? WHERE applicant_id = ? AND program_id = ?",
            (value, applicant_id, e.program_id),
        )

    def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's backup API (a running writer is waited for),
        written to a private temporary file beside ``target`` and renamed into place: an
        existing file is refused, a failed copy leaves nothing behind."""
        if os.path.lexists(target):
            raise OutputError(
                f"{clip(str(target))} exists; expected a new file name for the backup"
            )
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{clip(str(folder))} is not a folder; expected an existing folder")
        fd, temp = tempfile.mkstemp(prefix=".imgplan-backup-", dir=folder)
        os.close(fd)
        try:
            os.chmod(temp, 0o600)
            dest = sqlite3.connect(temp)
            try:
                self.conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dest.close()
            os.link(temp, target)  # fails if the name appeared meanwhile: never overwrites
        except sqlite3.Error as exc:
            raise _friendly(target, exc) from None
        except FileExistsError:
            raise OutputError(
                f"{clip(str(target))} exists; expected a new file name for the backup"
            ) from None
        except OSError as exc:
            raise OutputError(
                f"{clip(str(target))}: cannot write the backup ({exc.strerror})"
            ) from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _statements(script: str) -> list[str]:
    """A migration's statements, one by one (a trigger's body holds ';' of its own)."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            out.append(text)
            current = []
    if "\n".join(current).strip():
        out.append("\n".join(current).strip())
    return out


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _zone(name: str) -> dt.tzinfo | None:
    """The interview's IANA zone (its wall time and daylight saving rules); None when this
    machine's tz database lacks it (the stored offset keeps the time right)."""
    import zoneinfo  # lazy: only a tracker with an interview time needs the tz database

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _tracked(v: dict[str, Any], ratings: dict[str, int], notes: list[NoteEntry]) -> Tracked:
    text = v["interview"]
    interview: dt.datetime | dt.date | None = None
    if text:
        interview = dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        zone = _zone(v["interview_tz"]) if v["interview_tz"] else None
        if isinstance(interview, dt.datetime) and zone is not None:
            interview = interview.astimezone(zone)
    return Tracked(
        program_id=v["program_id"],
        name=v["name"],
        specialty=v["specialty"],
        state=v["state"],
        city=v["city"],
        dataset=v["dataset"],
        dataset_as_of=dt.date.fromisoformat(v["dataset_as_of"]),
        figures=json.loads(v["figures"]),
        status=v["status"],
        status_date=_date(v["status_date"]),
        applied=_date(v["applied"]),
        invited=_date(v["invited"]),
        interview=interview,
        interview_tz=v["interview_tz"],
        virtual=None if v["virtual"] is None else bool(v["virtual"]),
        thank_you=_date(v["thank_you"]),
        letter_of_intent=_date(v["letter_of_intent"]),
        signal=v["signal"],
        fee_cents=v["fee_cents"],
        rank=v["rank"],
        added=dt.datetime.fromisoformat(v["added"]) if v["added"] else None,
        ratings=ratings,
        notes=notes,
    )
