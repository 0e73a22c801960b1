"""Fill a tracker for benchmarks/bench.py: 300 programs tracked (the first 300 of a dataset),
then notes and status changes until the history holds 3,000 events, through the store's own
API (what `imgplan track add` and `track update` write).

    python benchmarks/fill_tracker.py DB PROGRAMS.yaml APPLICANT_KEY [--interviewed]

--interviewed: every program interviewed and rated (informatics, fit, gut), for `imgplan rank`
on a 300-rank list.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import yaml

from imgplan.models.tracker import Change, Edit
from imgplan.store.db import Store

TRACKED, EVENTS = 300, 3000


def main() -> None:
    db, programs_file, key = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    interviewed = "--interviewed" in sys.argv[4:]
    doc = yaml.load(programs_file.read_text(), Loader=yaml.CSafeLoader)
    ids = [p["id"] for p in doc["programs"][:TRACKED]]
    store = Store.open(db, create=True)
    assert store is not None
    now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    row = {
        "specialty": "internal_medicine",
        "state": "NY",
        "city": "New York",
        "dataset": "bench",
        "dataset_as_of": "2026-06-30",
        "figures": {"step2ck_min": 220},
        "status": "saved",
        "added": now.isoformat(),
    }
    with store.transaction():
        aid = store.applicant(key, None, create=True)
        assert aid is not None
        added = [Edit(pid, "tracked", None, {**row, "name": f"Program {pid}"}) for pid in ids]
        store.apply(aid, Change("track add", added), now, "bench")
        events, i = len(added), 0
        while events < EVENTS:
            pid = ids[i % len(ids)]
            edits = [Edit(pid, "note", None, {"at": now.isoformat(), "text": f"note {i}"})]
            if i < len(ids):
                edits += [
                    Edit(pid, "status", "saved", "applied"),
                    Edit(pid, "applied", None, "2026-09-03"),
                ]
            store.apply(aid, Change("track update", edits), now + dt.timedelta(minutes=i), "bench")
            events += len(edits)
            i += 1
        if interviewed:
            edits = []
            for n, pid in enumerate(ids):
                edits += [
                    Edit(pid, "status", "applied", "interviewed"),
                    Edit(pid, "interview", None, "2026-11-10"),
                    Edit(pid, "rating:informatics", None, 1 + n % 5),
                    Edit(pid, "rating:fit", None, 1 + (n * 7) % 5),
                    Edit(pid, "rating:gut", None, 1 + (n * 3) % 5),
                ]
            store.apply(aid, Change("track update", edits), now, "bench")
            events += len(edits)
    store.close()
    print(events)


if __name__ == "__main__":
    main()
