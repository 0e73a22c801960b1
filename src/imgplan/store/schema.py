"""The tracker's schema, as numbered migrations (``PRAGMA user_version``): a database at
version N is brought to the latest by running migrations N+1 ... in one transaction. A
database of a newer version than this imgplan knows is refused, untouched.

Every table is documented here; statuses and dates are checked by the database (CHECK
constraints) as well as by the code, and the history tables are append-only (triggers).

| table | holds |
|---|---|
| applicants | one row per applicant (an advisor's database holds several), by key |
| tracked | the current state of each tracked program: status, dates, interview, fees |
| ratings | the applicant's own ratings of a program, 1-5 per criterion ("gut" too) |
| changes | one row per command that changed something: when, who, what; an undo names the change it undoes |
| events | the field-by-field history of every change: old and new value (JSON) |
"""

from __future__ import annotations

DATE = "GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
STATUSES = (
    "saved",
    "applied",
    "invited",
    "scheduled",
    "interviewed",
    "ranked",
    "withdrawn",
    "rejected",
    "waitlisted",
    "matched",
)
_STATUS_LIST = ", ".join(f"'{s}'" for s in STATUSES)

#: Migration N brings a database from version N-1 to N. Never edit a released one: add one.
MIGRATIONS: tuple[str, ...] = (
    # 1: applicants, tracked programs, the append-only history
    f"""
    CREATE TABLE applicants (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 200),
        name TEXT CHECK (name IS NULL OR length(name) <= 200),
        created TEXT NOT NULL
    );
    CREATE TABLE tracked (
        applicant_id INTEGER NOT NULL REFERENCES applicants(id),
        program_id TEXT NOT NULL CHECK (length(program_id) BETWEEN 1 AND 200),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
        specialty TEXT NOT NULL,
        state TEXT,
        city TEXT,
        dataset TEXT NOT NULL,
        dataset_as_of TEXT NOT NULL CHECK (dataset_as_of {DATE}),
        figures TEXT NOT NULL CHECK (json_valid(figures)),
        status TEXT NOT NULL DEFAULT 'saved' CHECK (status IN ({_STATUS_LIST})),
        status_date TEXT CHECK (status_date IS NULL OR status_date {DATE}),
        applied TEXT CHECK (applied IS NULL OR applied {DATE}),
        invited TEXT CHECK (invited IS NULL OR invited {DATE}),
        interview TEXT CHECK (interview IS NULL OR interview GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]*'),
        thank_you TEXT CHECK (thank_you IS NULL OR thank_you {DATE}),
        letter_of_intent TEXT CHECK (letter_of_intent IS NULL OR letter_of_intent {DATE}),
        signal TEXT CHECK (signal IS NULL OR signal IN ('gold', 'silver', 'signal')),
        fee_cents INTEGER CHECK (fee_cents IS NULL OR fee_cents BETWEEN 0 AND 100000000),
        added TEXT NOT NULL,
        PRIMARY KEY (applicant_id, program_id)
    ) WITHOUT ROWID;
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        applicant_id INTEGER NOT NULL REFERENCES applicants(id),
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        command TEXT NOT NULL,
        undoes INTEGER REFERENCES changes(id)
    );
    CREATE TABLE events (
        change_id INTEGER NOT NULL REFERENCES changes(id),
        seq INTEGER NOT NULL,
        program_id TEXT NOT NULL,
        field TEXT NOT NULL,
        old TEXT CHECK (old IS NULL OR json_valid(old)),
        new TEXT CHECK (new IS NULL OR json_valid(new)),
        PRIMARY KEY (change_id, seq)
    );
    CREATE INDEX events_by_program ON events (program_id);
    CREATE INDEX events_by_field ON events (field);
    CREATE INDEX changes_by_undoes ON changes (undoes) WHERE undoes IS NOT NULL;
    CREATE TRIGGER changes_append_only BEFORE UPDATE ON changes
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
    CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
    CREATE TRIGGER events_append_only BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
    """,
    # 2: the applicant's own ratings (imgplan track rate)
    """
    CREATE TABLE ratings (
        applicant_id INTEGER NOT NULL,
        program_id TEXT NOT NULL,
        criterion TEXT NOT NULL CHECK (length(criterion) BETWEEN 1 AND 40),
        score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
        PRIMARY KEY (applicant_id, program_id, criterion),
        FOREIGN KEY (applicant_id, program_id) REFERENCES tracked(applicant_id, program_id)
            ON DELETE CASCADE
    ) WITHOUT ROWID;
    """,
    # 3: the interview's format and time zone, a stored rank (imgplan rank)
    """
    ALTER TABLE tracked ADD COLUMN interview_tz TEXT
        CHECK (interview_tz IS NULL OR length(interview_tz) BETWEEN 1 AND 64);
    ALTER TABLE tracked ADD COLUMN virtual INTEGER CHECK (virtual IS NULL OR virtual IN (0, 1));
    ALTER TABLE tracked ADD COLUMN rank INTEGER CHECK (rank IS NULL OR rank BETWEEN 1 AND 300);
    """,
)
VERSION = len(MIGRATIONS)

#: The fields of `tracked` a change may set (events name them), in the table's order.
FIELDS = (
    "status",
    "status_date",
    "applied",
    "invited",
    "interview",
    "interview_tz",
    "virtual",
    "thank_you",
    "letter_of_intent",
    "signal",
    "fee_cents",
    "rank",
)
