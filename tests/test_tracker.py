"""The season tracker (issue #27): each `imgplan track` command on a real SQLite file in a
temp folder, each alert at its boundary, the alerts in every command's Now / Next block, the
migrations from every earlier version, the CSV round trip, and the reliability cases (two
processes, a kill mid-change, corrupt / foreign / newer / read-only files, a full disk,
hostile text)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import zoneinfo
from pathlib import Path

import pytest

from imgplan.models.tracker import Tracked, Tracker
from imgplan.store.schema import MIGRATIONS, VERSION
from imgplan.tracking import alerts as A

from conftest import PROFILES, ROOT, TODAY, outcomes, script

P = str(PROFILES / "strong-scores.yaml")
IM1 = "im-fairhaven-university-medical-center-ky"
IM2 = "im-elmhurst-crossing-medical-center-ma"
FM1 = "fm-fairhaven-regional-hospital-pa"
DAY = dt.date.fromisoformat(TODAY)  # 2026-11-25, interview season


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "season" / "tracker.sqlite3")


@pytest.fixture
def track(cli, db):
    """`imgplan track SUB PROFILE ARGS --db DB` in-process."""

    def run(sub: str, *args: str, profile: str = P):
        return cli("track", sub, profile, *args, "--db", db)

    return run


def listed(track) -> dict:
    result = track("list", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def by_id(doc: dict) -> dict:
    return {p["id"]: p for p in doc["programs"]}


# add -----------------------------------------------------------------------------------------


def test_add_by_id_records_the_dataset_and_its_figures_then_refuses_nothing_twice(track, db):
    first = track("add", IM1, "fm-fairhaven-regional")  # an id, and the start of one
    assert first.code == 0, first.err
    assert "change #1" in first.out
    doc = by_id(listed(track))
    assert set(doc) == {IM1, FM1}
    p = doc[IM1]
    assert p["status"] == "saved"
    assert p["dataset"] == {"name": "imgplan example programs", "as_of": "2026-10-01"}
    assert p["figures_when_added"]["step2ck_min"] == 225  # the example dataset's figure
    again = track("add", IM1)
    assert again.code == 0 and "Nothing changed" in again.out and f"already tracked, left as they are: {IM1}" in again.out
    assert len(listed(track)["programs"]) == 2


def test_add_top_takes_the_head_of_the_recommend_list_with_its_tiers(track, cli):
    rec = json.loads(cli("recommend", P, "--format", "json").out)
    head = [(p["id"], p["tier"]) for p in rec["programs"][:4]]
    assert track("add", "--top", "4").code == 0
    doc = listed(track)
    assert [(p["id"], p["figures_when_added"]["tier"]) for p in doc["programs"]] == head


def test_add_from_a_saved_recommend_output(track, cli, tmp_path):
    out = tmp_path / "list.csv"
    assert cli("recommend", P, "--format", "csv", "--top", "3", "-o", str(out)).code == 0
    ids = [row["id"] for row in csv.DictReader(out.open())]
    assert track("add", "--from-list", str(out)).code == 0
    assert [p["id"] for p in listed(track)["programs"]] == ids
    bad = tmp_path / "x.json"
    bad.write_text('{"nothing": 1}')
    result = track("add", "--from-list", str(bad))
    assert result.code == 2 and "not a recommend output" in result.err


def test_add_unknown_id_is_exit_2_with_a_suggestion_and_nothing_written(track, db):
    result = track("add", "im-fairhaven-university-medical-center-kx")
    assert result.code == 2
    assert "did you mean 'im-fairhaven-university-medical-center-" in result.err
    assert not Path(db).exists()


def test_add_applied_sets_the_applied_day(track):
    assert track("add", IM1, "--status", "applied", "--date", "2026-09-03").code == 0
    p = by_id(listed(track))[IM1]
    assert (p["status"], p["applied"], p["status_date"]) == ("applied", "2026-09-03", "2026-09-03")
    refused = track("add", IM2, "--status", "invited")
    assert refused.code == 2 and "starts saved or applied" in refused.err
    future = track("add", IM2, "--status", "applied", "--date", "2026-12-01")
    assert future.code == 2 and "not a plausible date" in future.err


# update -------------------------------------------------------------------------------------


def test_update_status_and_a_time_zone_aware_interview(track):
    track("add", IM1)
    assert track("update", IM1, "--status", "invited", "--date", "2026-11-20").code == 0
    p = by_id(listed(track))[IM1]
    assert (p["status"], p["invited"], p["status_date"]) == ("invited", "2026-11-20", "2026-11-20")
    r = track("update", IM1, "--status", "scheduled", "--interview", "2027-01-12 09:00 America/Chicago", "--virtual")
    assert r.code == 0, r.err
    p = by_id(listed(track))[IM1]
    assert p["interview"] == {
        "day": "2027-01-12",
        "start": "2027-01-12T09:00:00-06:00",
        "time_zone": "America/Chicago",
        "virtual": True,
    }
    # a US abbreviation, in daylight saving time: the offset follows the date
    track("update", IM1, "--interview", "2027-04-12 09:00 CT")
    assert by_id(listed(track))[IM1]["interview"]["start"] == "2027-04-12T09:00:00-05:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-12 09:00", "has no time zone"),
        ("2027-03-14 02:30 America/New_York", "does not exist in America/New_York"),
        ("2027-01-12 25:00 ET", "is not a time"),
        ("2027-01-12 09:00 Mars/Olympus", "is not a time zone"),
        ("12 Jan 2027", "is not an interview time"),
        ("2031-01-12", "not a plausible date"),
    ],
)
def test_update_refuses_an_interview_it_cannot_place_in_time(track, value, expected):
    track("add", IM1)
    result = track("update", IM1, "--interview", value)
    assert result.code == 2 and expected in result.err and "--interview" in result.err


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--fee", "nan", "not a plausible fee"),
        ("--fee", "-5", "not a plausible fee"),
        ("--fee", "12.345", "fractions of a cent"),
        ("--status", "accepted", "is not a status"),
        ("--signal", "platinum", "is not a signal"),
        ("--thank-you", "2026-12-01", "not a plausible date"),  # after today
        ("--note", "\x1b[31mred", "control character U+001B"),
        ("--note", "x" * 10_001, "at most 10,000"),
    ],
)
def test_update_refuses_bad_values_with_exit_2_and_nothing_written(track, db, option, value, expected):
    track("add", IM1)
    result = track("update", IM1, option, value)
    assert result.code == 2 and expected in result.err
    history = json.loads(track("history", "--format", "json").out)["changes"]
    assert [h["command"] for h in history] == ["track add"]


def test_update_fee_and_notes_kept_with_their_time_markup_as_text(track):
    track("add", IM1)
    track("update", IM1, "--fee", "$80.50", "--note", "PD said [bold]call me[/bold] <b>x</b>")
    track("update", IM1, "--note", "second; '); DROP TABLE tracked; --")
    p = by_id(listed(track))[IM1]
    assert p["fee"] == 80.5
    assert [n["text"] for n in p["notes"]] == [
        "PD said [bold]call me[/bold] <b>x</b>",
        "second; '); DROP TABLE tracked; --",
    ]
    shown = track("show", IM1)
    assert "[bold]call me[/bold]" in shown.out and "DROP TABLE" in shown.out


def test_update_says_what_looks_wrong_and_refuses_empty_calls(track):
    track("add", IM1)
    r = track("update", IM1, "--status", "interviewed", "--interview", "2026-12-20")
    assert r.code == 0 and "after today: check the date" in r.out
    assert "nothing to record" in track("update", IM1).err
    assert "--date is the date of a --status" in track("update", IM1, "--date", "2026-11-20").err
    missing = track("update", IM2, "--status", "applied")
    assert missing.code == 2 and "is not a tracked program" in missing.err


# rate, remove, undo, history -----------------------------------------------------------------


def test_rate_keeps_scores_1_to_5(track):
    track("add", IM1)
    assert track("rate", IM1, "informatics=5", "Location=3", "--gut", "4").code == 0
    assert by_id(listed(track))[IM1]["ratings"] == {"informatics": 5, "location": 3, "gut": 4}
    for bad in ("informatics=6", "informatics=2.5", "informatics", "=3", "x=nan"):
        result = track("rate", IM1, bad)
        assert result.code == 2, bad
    assert track("rate", IM1).code == 2


def test_undo_walks_back_one_change_at_a_time_and_history_keeps_everything(track):
    track("add", IM1)
    track("update", IM1, "--status", "applied", "--date", "2026-09-03")
    track("rate", IM1, "fit=4")
    assert track("undo").code == 0
    assert by_id(listed(track))[IM1]["ratings"] == {}
    assert track("undo").code == 0
    p = by_id(listed(track))[IM1]
    assert (p["status"], p["applied"]) == ("saved", None)
    assert track("undo").code == 0
    assert listed(track)["programs"] == []
    nothing = track("undo")
    assert nothing.code == 2 and "nothing to undo" in nothing.err
    history = json.loads(track("history", "--format", "json").out)["changes"]
    assert [h["command"] for h in history] == ["track undo"] * 3 + ["track rate", "track update", "track add"]
    assert [h["undone_by"] for h in history[3:]] == [history[2]["id"], history[1]["id"], history[0]["id"]]


def test_remove_then_undo_brings_back_every_field_and_rating(track):
    track("add", IM1)
    track("update", IM1, "--status", "scheduled", "--interview", "2027-01-12 09:00 ET", "--in-person", "--fee", "30")
    track("rate", IM1, "fit=4")
    before = by_id(listed(track))[IM1]
    assert track("remove", IM1).code == 0
    assert listed(track)["programs"] == []
    track("undo")
    after = by_id(listed(track))[IM1]
    assert after == before


def test_show_lists_the_programs_history_and_alerts(track):
    track("add", IM1, IM2)
    track("update", IM1, "--status", "invited", "--date", "2026-11-23")
    doc = json.loads(track("show", IM1, "--format", "json").out)
    assert doc["program"]["id"] == IM1
    assert [a["kind"] for a in doc["alerts"]] == ["invitation"]
    assert [h["command"] for h in doc["history"]] == ["track update", "track add"]
    assert all(e["program"] == IM1 for h in doc["history"] for e in h["edits"])


# list ---------------------------------------------------------------------------------------


def test_list_filters_by_status_specialty_and_dates(track):
    track("add", IM1, IM2, FM1)
    track("update", IM1, "--status", "applied", "--date", "2026-09-03")
    track("update", FM1, "--status", "invited", "--date", "2026-11-20")
    ids = lambda *a: [p["id"] for p in json.loads(track("list", "--format", "json", *a).out)["programs"]]  # noqa: E731
    assert ids("--status", "applied") == [IM1]
    assert ids("--specialty", "FM") == [FM1]
    assert ids("--since", "2026-11-01") == [FM1]
    assert ids("--until", "2026-10-01") == [IM1]
    assert sorted(ids()) == sorted([IM1, IM2, FM1])
    assert track("list", "--status", "nope").code == 2


def test_list_of_an_empty_tracker_says_how_to_start_and_creates_nothing(track, db):
    result = track("list")
    assert result.code == 0 and "Nothing tracked yet" in result.out
    assert not Path(db).exists()


def test_two_applicants_in_one_database_are_kept_apart(track, tmp_path, cli, db):
    other = tmp_path / "other.yaml"
    other.write_text((PROFILES / "strong-scores.yaml").read_text().replace("Amina Strong (example)", "Bo Other"))
    track("add", IM1)
    track("add", IM2, profile=str(other))
    assert [p["id"] for p in listed(track)["programs"]] == [IM1]
    doc = json.loads(cli("track", "list", str(other), "--db", db, "--format", "json").out)
    assert doc["applicant"] == "Bo Other" and [p["id"] for p in doc["programs"]] == [IM2]
    # --applicant overrides the profile's name
    doc = json.loads(cli("track", "list", str(other), "--db", db, "--applicant", "Amina Strong (example)", "--format", "json").out)
    assert [p["id"] for p in doc["programs"]] == [IM1]


# alerts (pure) ------------------------------------------------------------------------------


def tracked(pid: str, **fields) -> Tracked:
    base = dict(name=pid.upper(), specialty="internal_medicine", state="NY", city="X", dataset="d", dataset_as_of=DAY, figures={})
    base.update(fields)
    return Tracked(pid, **base)  # type: ignore[arg-type]


def at(text: str, zone: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))


def kinds(*programs: Tracked, today: dt.date = DAY, **kw) -> list[str]:
    return [a.kind for a in A.alerts(Tracker("k", None, list(programs), "db"), today, **kw)]


def test_alert_invitation_today_then_after_24_hours():
    inv = tracked("a", status="invited", invited=DAY)
    found = A.alerts(Tracker("k", None, [inv], "db"), DAY)
    assert [a.kind for a in found] == ["invitation"] and "answer it now" in found[0].text and found[0].urgent
    later = A.alerts(Tracker("k", None, [inv], "db"), DAY + dt.timedelta(days=1))
    assert "not answered after 24 hours" in later[0].text
    assert "2 days" in A.alerts(Tracker("k", None, [inv], "db"), DAY + dt.timedelta(days=2))[0].text
    answered = tracked("a", status="invited", invited=DAY, interview=DAY + dt.timedelta(days=20))
    assert "invitation" not in kinds(answered, today=DAY + dt.timedelta(days=3))


def test_alert_overlap_is_measured_across_time_zones_and_same_day_otherwise():
    ny = tracked("a", status="scheduled", interview=at("2027-01-12T09:00", "America/New_York"))
    chi = tracked("b", status="scheduled", interview=at("2027-01-12T12:59", "America/Chicago"))  # 4:59 later
    la = tracked("c", status="scheduled", interview=at("2027-01-12T11:00", "America/Los_Angeles"))  # 5 h after NY
    assert kinds(ny, chi) == ["overlap"]
    assert kinds(ny, la) == ["same_day"]
    day_only = tracked("d", status="scheduled", interview=dt.date(2027, 1, 12))
    assert kinds(ny, day_only) == ["same_day"]
    assert kinds(ny, tracked("e", status="scheduled", interview=dt.date(2027, 1, 13))) == []
    withdrawn = tracked("f", status="withdrawn", interview=at("2027-01-12T09:30", "America/New_York"))
    assert kinds(ny, withdrawn) == []


def test_alert_travel_for_in_person_interviews_only():
    def person(pid, state, day, virtual=False):
        return tracked(pid, status="scheduled", state=state, virtual=virtual, interview=dt.date(2027, 1, day))

    assert kinds(person("a", "NY", 10), person("b", "PA", 14)) == ["travel"]  # Northeast, 4 days
    assert kinds(person("a", "NY", 10), person("b", "PA", 15)) == []  # 5 days: two trips
    assert kinds(person("a", "NY", 10), person("b", "CA", 11)) == ["travel"]  # two regions, next day
    assert kinds(person("a", "NY", 10), person("b", "CA", 12)) == []
    assert kinds(person("a", "NY", 10), person("b", "PA", 12, virtual=True)) == []
    assert kinds(person("a", "NY", 10), tracked("b", status="scheduled", state="PA", virtual=None, interview=dt.date(2027, 1, 12))) == []


def test_alert_thank_you_after_48_hours_and_a_past_scheduled_interview():
    done = tracked("a", status="interviewed", interview=DAY - dt.timedelta(days=2))
    assert kinds(done) == ["thank_you"]
    assert kinds(tracked("a", status="interviewed", interview=DAY - dt.timedelta(days=1))) == []
    assert kinds(tracked("a", status="interviewed", interview=DAY - dt.timedelta(days=5), thank_you=DAY)) == []
    stale = tracked("a", status="scheduled", interview=DAY - dt.timedelta(days=1))
    assert kinds(stale) == ["past_interview"]


class Ev:
    def __init__(self, key: str, date: dt.date) -> None:
        self.key, self.date, self.end = key, date, None
        self.title, self.kind, self.certainty, self.source = key, "match", "estimated", "NRMP"


def test_alert_deadlines_while_ahead_and_only_once_something_is_sent():
    events = [Ev(A.REGISTRATION_KEY, DAY + dt.timedelta(days=14)), Ev(A.RANK_LIST_KEY, DAY + dt.timedelta(days=7))]
    applied = tracked("a", status="applied")
    found = A.alerts(Tracker("k", None, [applied], "db"), DAY, events=events)
    assert [(a.kind, a.urgent) for a in found] == [("registration", True), ("rank_list", True)]
    later = A.alerts(Tracker("k", None, [applied], "db"), DAY - dt.timedelta(days=1), events=events)
    assert [(a.kind, a.urgent) for a in later] == [("registration", False), ("rank_list", False)]
    assert kinds(applied, today=DAY + dt.timedelta(days=15), events=events) == []
    assert kinds(tracked("a"), events=events) == []  # only saved: nothing sent yet


def test_alert_contiguous_ranks_against_charting_outcomes():
    o = outcomes()
    im = o.charting_outcomes.specialties["internal_medicine"]
    n = int(im.ranks[0])
    many = [tracked(f"p{i}", status="interviewed", interview=DAY) for i in range(n)]
    found = A.alerts(Tracker("k", None, many, "db"), DAY + dt.timedelta(days=1), outcomes=o)
    line = next(a for a in found if a.kind == "contiguous")
    assert f"{n} interviews tracked, at or above" in line.text
    fewer = A.alerts(Tracker("k", None, many[:-1], "db"), DAY + dt.timedelta(days=1), outcomes=o)
    assert "below the median" in next(a for a in fewer if a.kind == "contiguous").text


# the alerts in every command --------------------------------------------------------------


def seeded(cli, db: str) -> None:
    cli("track", "add", P, IM1, IM2, "--db", db)
    cli("track", "update", P, IM1, "--status", "invited", "--date", "2026-11-23", "--db", db)
    cli("track", "update", P, IM2, "--status", "scheduled", "--interview", "2026-12-10 10:00 ET", "--db", db)


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", P),
        ("timeline", P),
        ("chances", P),
        ("assess", P),
        ("explain", P, IM1),
        ("check-step3", P),
    ],
)
def test_every_command_leads_with_the_trackers_alerts(cli, db, monkeypatch, args):
    seeded(cli, db)
    monkeypatch.setenv("IMGPLAN_DB", db)
    before = Path(db).read_bytes()
    result = cli(*args, "--format", "json")
    assert result.code in (0, 1), result.err
    now = json.loads(result.out)["now_next"]["now"]
    assert any("Invitation from" in x["text"] and "not answered after 2 days" in x["text"] for x in now), now
    assert Path(db).read_bytes() == before  # a read-only look


def test_timeline_dates_the_interview_and_recommend_marks_tracked_programs(cli, db, monkeypatch, tmp_path):
    seeded(cli, db)
    monkeypatch.setenv("IMGPLAN_DB", db)
    events = json.loads(cli("timeline", P, "--format", "json").out)["events"]
    interview = next(e for e in events if e["key"] == f"interview-{IM2}")
    assert interview["date"] == "2026-12-10" and "10:00 America/New_York" in interview["title"]
    rec = json.loads(cli("recommend", P, "--format", "json").out)
    assert rec["tracked"] == {IM1: "invited", IM2: "scheduled"}
    assert "[tracked: invited]" in cli("recommend", P, "--all").out
    page = tmp_path / "r.html"
    assert cli("report", P, "-o", str(page)).code == 0
    html = page.read_text()
    assert "Your season so far" in html and "2026-12-10 10:00 America/New_York" in html


def test_an_older_database_is_not_changed_by_advice_and_is_named(cli, tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    make_version(path, 1)
    monkeypatch.setenv("IMGPLAN_DB", str(path))
    before = path.read_bytes()
    result = cli("recommend", P, "--format", "json")
    assert result.code == 0
    assert any("Tracker not read" in x["text"] and "upgrades it" in x["text"] for x in json.loads(result.out)["now_next"]["now"])
    assert path.read_bytes() == before


# import / export ----------------------------------------------------------------------------


def test_csv_export_round_trips_through_import(track, cli, db, tmp_path):
    seeded(cli, db)
    track("rate", IM1, "fit=4", "--gut", "5")
    track("update", IM2, "--note", "line one\nline two", "--fee", "11", "--in-person")
    exported = tmp_path / "mine.csv"
    assert track("export", "-o", str(exported)).code == 0
    text = exported.read_text()
    again = track("import", str(exported))
    assert again.code == 0 and "Nothing changed" in again.out
    fresh = str(tmp_path / "fresh.sqlite3")
    assert cli("track", "import", P, str(exported), "--db", fresh).code == 0
    assert cli("track", "export", P, "--db", fresh).out == text


def test_import_of_an_applicants_own_sheet_matches_names_and_reads_their_words(track, tmp_path):
    sheet = tmp_path / "my tracker.csv"
    sheet.write_text(
        "Program;Specialty;State;Status;Applied;Interview date;Time zone;Format;Notes\n"
        "Fairhaven University Medical Center Internal Medicine;IM;Kentucky;Interview invite;9/3/2026;;;;emailed 10/2\n"
        "Elmhurst Crossing Medical Center;Internal Medicine;;Interviewed;2026-09-03;2026-11-12 13:00;CT;Zoom;nice PD\n",
        encoding="utf-8-sig",
    )
    result = track("import", str(sheet))
    assert result.code == 0, result.err
    assert "columns read: Program -> name" in result.err
    doc = by_id(listed(track))
    assert doc[IM1]["status"] == "invited" and doc[IM1]["applied"] == "2026-09-03"
    assert doc[IM2]["interview"]["start"] == "2026-11-12T13:00:00-06:00" and doc[IM2]["interview"]["virtual"] is True
    assert [n["text"] for n in doc[IM2]["notes"]] == ["nice PD"]


def test_import_of_a_workbook(track, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Season"
    ws.append(["Program ID", "Status", "Invited", "Interview"])
    ws.append([IM1, "scheduled", dt.date(2026, 11, 2), "2026-12-01 09:00 America/Chicago"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert track("import", str(path)).code == 0
    p = by_id(listed(track))[IM1]
    assert (p["status"], p["invited"], p["interview"]["time_zone"]) == ("scheduled", "2026-11-02", "America/Chicago")
    ws.append(["nope-id", "applied", None, None])
    book.save(path)
    bad = track("import", str(path))
    assert bad.code == 2 and "program id 'nope-id' is not in" in bad.err


def test_import_problems_are_located_and_nothing_is_written(track, db, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"Program ID,Status,Applied,Mood\n{IM1},applied,2026-09-03,happy\n")
    unknown = track("import", str(sheet))
    assert unknown.code == 2 and "s.csv:1:4: Mood: 'Mood' is not a column" in unknown.err
    assert not Path(db).exists()
    sheet.write_text(f"Program ID,Status,Applied\n{IM1},applied,2026-02-30\n{IM2},maybe,\nNo Such Place,applied,\n")
    bad = track("import", str(sheet))
    assert bad.code == 2
    assert "s.csv:2:3: Applied:" in bad.err and "s.csv:3:2: Status: 'maybe' is not a status" in bad.err
    assert "s.csv:4: program id 'No Such Place'" in bad.err and "nothing was imported" in bad.err
    assert not Path(db).exists()
    skipped = track("import", str(sheet), "--skip-bad-rows")
    assert skipped.code == 0 and listed(track)["programs"] == []
    sheet.write_text(f"Program ID,Status\n{IM1},applied\n{IM2},\x1b[2Jrejected\n")
    hostile = track("import", str(sheet))
    assert hostile.code == 2 and "control character U+001B" in hostile.err and "\x1b" not in hostile.err


def test_ics_export_has_each_interview_in_its_zone_with_alarms_and_invitation_reminders(cli, db):
    from icalendar import Calendar

    seeded(cli, db)
    result = cli("track", "export", P, "--format", "ics", "--db", db)
    assert result.code == 0, result.err
    cal = Calendar.from_ical(result.out)
    zones = [str(c["TZID"]) for c in cal.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]
    events = {str(e["UID"]).split("-")[0]: e for e in cal.walk("VEVENT")}
    interview = events["interview"]
    start = interview.decoded("DTSTART")
    assert start == dt.datetime(2026, 12, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert "TZID=America/New_York" in result.out
    assert len(interview.walk("VALARM")) == 2
    reminder = events["invitation"]
    assert "Answer the interview invitation" in str(reminder["SUMMARY"])
    assert reminder.decoded("DTSTART") == DAY


# the database ---------------------------------------------------------------------------------


def make_version(path: Path, version: int, rows: bool = True) -> None:
    """A database as imgplan version N wrote it (its migrations only), with one program."""
    from imgplan.store.db import APP_ID, _statements

    conn = sqlite3.connect(path)
    for n in range(version):
        for statement in _statements(MIGRATIONS[n]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    if rows:
        conn.execute("INSERT INTO applicants (key, name, created) VALUES ('Amina Strong (example)', NULL, '2026-09-01T00:00:00')")
        conn.execute(
            "INSERT INTO tracked (applicant_id, program_id, name, specialty, dataset, dataset_as_of, figures, status, applied, added)"
            f" VALUES (1, '{IM1}', 'Fairhaven', 'internal_medicine', 'd', '2026-10-01', '{{}}', 'applied', '2026-09-03', '2026-09-03T00:00:00')"
        )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(VERSION))
def test_migrations_from_every_earlier_version_keep_the_data(cli, tmp_path, version):
    path = tmp_path / "t.sqlite3"
    make_version(path, version, rows=version > 0)
    result = cli("track", "rate", P, IM1, "fit=3", "--db", str(path)) if version else cli("track", "add", P, IM1, "--db", str(path))
    assert result.code == 0, result.err
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    status = conn.execute("SELECT status FROM tracked").fetchone()[0]
    assert status == ("applied" if version else "saved")


def test_a_newer_database_is_refused_untouched(cli, tmp_path):
    path = tmp_path / "t.sqlite3"
    make_version(path, VERSION)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    result = cli("track", "add", P, IM1, "--db", str(path))
    assert result.code == 2 and "written by a newer imgplan" in result.err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Program,Status\nX,applied\n", "is not a readable imgplan tracker database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "is not a readable imgplan tracker database"),
        ("foreign", "is not a readable imgplan tracker database"),
    ],
)
def test_a_file_that_is_not_an_imgplan_database_is_refused_untouched(cli, tmp_path, content, expected):
    path = tmp_path / "t.sqlite3"
    if content == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE photos (id INTEGER)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    result = cli("track", "add", P, IM1, "--db", str(path))
    assert result.code == 2 and expected in result.err, result.err
    assert "Traceback" not in result.err
    assert path.read_bytes() == before


def test_a_corrupt_page_is_refused_untouched(cli, db, tmp_path):
    cli("track", "add", P, IM1, IM2, FM1, "--db", db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(Path(db).read_bytes())
    page = 4096
    data[page * 2 : page * 2 + 200] = b"\x07" * 200  # scribble over a b-tree page
    Path(db).write_bytes(bytes(data))
    before = Path(db).read_bytes()
    result = cli("track", "list", P, "--db", db)
    assert result.code == 2 and "restore it from a backup" in result.err
    assert Path(db).read_bytes() == before


def test_read_only_file_and_folder_are_exit_2_untouched(cli, db, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    cli("track", "add", P, IM1, "--db", db)
    os.chmod(db, 0o400)
    result = cli("track", "update", P, IM1, "--status", "applied", "--db", db)
    assert result.code == 2 and "read-only" in result.err


def test_special_files_are_refused(cli, tmp_path):
    folder = tmp_path / "dir"
    folder.mkdir()
    assert "is a folder" in cli("track", "add", P, IM1, "--db", str(folder)).err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert "not a regular file" in cli("track", "add", P, IM1, "--db", str(fifo)).err
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere.sqlite3")
    assert "symbolic link" in cli("track", "add", P, IM1, "--db", str(link)).err
    assert not (tmp_path / "elsewhere.sqlite3").exists()


def test_the_file_and_its_folder_are_private(cli, db):
    cli("track", "add", P, IM1, "--db", db)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(Path(db).parent).st_mode) == 0o700
    for suffix in ("-wal", "-shm"):
        extra = Path(db + suffix)
        if extra.exists():
            assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0


def test_history_is_append_only_in_the_database_itself(cli, db):
    cli("track", "add", P, IM1, "--db", db)
    conn = sqlite3.connect(db)
    for sql in ("UPDATE changes SET who = 'x'", "DELETE FROM events", "DELETE FROM changes"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE tracked SET status = 'bogus'")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE tracked SET applied = 'yesterday'")


def test_backup_is_a_consistent_private_copy_never_over_a_file(cli, db, tmp_path):
    cli("track", "add", P, IM1, "--db", db)
    copy = tmp_path / "copy.sqlite3"
    result = cli("track", "backup", "--db", db, "--output", str(copy))
    assert result.code == 0, result.err
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    doc = json.loads(cli("track", "list", P, "--db", str(copy), "--format", "json").out)
    assert [p["id"] for p in doc["programs"]] == [IM1]
    again = cli("track", "backup", "--db", db, "--output", str(copy))
    assert again.code == 74 and "exists" in again.err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".imgplan")] == []


# reliability with real processes --------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from imgplan.cli import main
    db, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        code = main(["track", "update", {profile!r}, {pid!r}, "--note", f"{{tag}} {{i}}", "--db", db])
        assert code == 0, code
    """
)


def test_two_processes_updating_at_once_keep_both_changes(cli, db):
    cli("track", "add", P, IM1, "--db", db)
    code = WRITER.format(profile=P, pid=IM1)
    env = {**os.environ, "IMGPLAN_TODAY": TODAY}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db, tag, "15"], cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        for tag in ("a", "b")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    notes = [n["text"] for n in by_id(json.loads(cli("track", "list", P, "--db", db, "--format", "json").out))[IM1]["notes"]]
    assert sorted(notes) == sorted([f"{t} {i}" for t in "ab" for i in range(15)])


KILLED = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from pathlib import Path
    from imgplan.models.tracker import Change, Edit
    from imgplan.store.db import Store
    store = Store.open(Path(sys.argv[1]), create=False)
    with store.transaction():
        aid = store.applicant({key!r}, None, create=False)
        store.apply(aid, Change("test", [Edit({pid!r}, "status", "saved", "applied")]), dt.datetime.now(dt.UTC), "t")
        os.kill(os.getpid(), signal.SIGKILL)  # killed before the commit
    """
)


def test_a_process_killed_in_the_middle_of_a_change_leaves_the_old_state(cli, db):
    cli("track", "add", P, IM1, "--db", db)
    code = KILLED.format(key="Amina Strong (example)", pid=IM1)
    proc = subprocess.run([sys.executable, "-c", code, db], cwd=ROOT, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    doc = json.loads(cli("track", "list", P, "--db", db, "--format", "json").out)
    assert by_id(doc)[IM1]["status"] == "saved"
    history = json.loads(cli("track", "history", P, "--db", db, "--format", "json").out)["changes"]
    assert [h["command"] for h in history] == ["track add"]


def example_ids() -> list[str]:
    import yaml

    from imgplan.load.bundled import data_path

    return [p["id"] for p in yaml.safe_load(data_path("example-programs.yaml").read_text())["programs"]]


def test_an_import_killed_at_any_moment_leaves_all_or_nothing(db, tmp_path):
    programs = example_ids()[:120]
    sheet = tmp_path / "big.csv"
    sheet.write_text("Program ID,Status,Applied\n" + "".join(f"{pid},applied,2026-09-03\n" for pid in programs))
    env = {**os.environ, "IMGPLAN_TODAY": TODAY}
    exe = Path(sys.executable).with_name("imgplan")
    for delay in (0.05, 0.15, 0.3, 0.45, 0.6, 0.8, 1.2, 30):
        proc = subprocess.Popen(
            [str(exe), "track", "import", P, str(sheet), "--db", db],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if Path(db).exists():
            conn = sqlite3.connect(db)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            made = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tracked'").fetchone()[0]
            # killed before the first migration committed: an empty file, made again next run
            count = conn.execute("SELECT count(*) FROM tracked").fetchone()[0] if made else 0
            conn.close()
            assert count in (0, len(programs)), count
    assert count == len(programs)  # the last run was left to finish


def test_a_full_disk_is_exit_2_and_the_database_keeps_its_state(db, tmp_path):
    """The file-size limit (RLIMIT_FSIZE) makes every write past it fail as on a full disk."""
    resource = pytest.importorskip("resource")
    script_result = script("track", "add", P, IM1, "--db", db)
    assert script_result.code == 0
    before = json.loads(script("track", "list", P, "--db", db, "--format", "json").out)
    size = Path(db).stat().st_size + sum(Path(db + s).stat().st_size for s in ("-wal",) if Path(db + s).exists())
    note = "x" * 9_000

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 2048, size + 2048))

    exe = Path(sys.executable).with_name("imgplan")
    env = {**os.environ, "IMGPLAN_TODAY": TODAY}
    codes = []
    for i in range(12):
        proc = subprocess.run(
            [str(exe), "track", "update", P, IM1, "--note", f"{i} {note}", "--db", db],
            env=env, capture_output=True, text=True, preexec_fn=limit, timeout=60,
        )
        codes.append(proc.returncode)
        if proc.returncode:
            assert proc.returncode in (2, 74) and "full" in proc.stderr, proc.stderr
            assert "Traceback" not in proc.stderr
            break
    assert codes[-1] != 0, "the limit never bit"
    after = json.loads(script("track", "list", P, "--db", db, "--format", "json").out)
    assert len(by_id(after)[IM1]["notes"]) == codes.count(0)
    assert by_id(after)[IM1]["status"] == by_id(before)[IM1]["status"]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
