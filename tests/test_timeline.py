"""timeline: phase sizing, stages of life, published vs estimated seasons, ICS, golden files."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from imgplan.calendar import SEASON_DATES, match_season
from imgplan.load.loading import load_profile
from imgplan.models.profile import Residency
from imgplan.timeline import KINDS, STUDY_PHASES, build, study_plan

from conftest import PROFILES, calendar, golden, reference, signals

TODAY = dt.date(2026, 11, 25)
REF = reference()
CAL = calendar()
SIG = signals()


def plan(name: str | None, today: dt.date = TODAY, **changes):
    prof = load_profile(PROFILES / f"{name}.yaml", today) if name else None
    if prof is not None and changes:
        prof = prof.copy_with(**changes)
    return build(prof, REF, CAL, today, signals=SIG)


def keyed(timeline):
    return {e.key: e for e in timeline.events}


# Study phases ---------------------------------------------------------------------------


def test_long_runway_uses_the_guides_maximum_and_ends_on_the_exam():
    exam = TODAY + dt.timedelta(days=400)
    phases, warnings = study_plan(TODAY, exam)
    assert warnings == []
    assert [(end - start).days + 1 for _, start, end, _ in phases] == [p[2] for p in STUDY_PHASES]
    assert phases[-1][2] == exam - dt.timedelta(days=1)
    assert phases[0][1] == exam - dt.timedelta(days=sum(p[2] for p in STUDY_PHASES))


def test_six_to_nine_months_scales_between_min_and_max():
    exam = TODAY + dt.timedelta(days=230)
    phases, warnings = study_plan(TODAY, exam)
    assert warnings == []
    assert phases[0][1] == TODAY and phases[-1][2] == exam - dt.timedelta(days=1)
    for (name, lo, hi, _), (_, start, end, _) in zip(STUDY_PHASES, phases, strict=True):
        assert lo <= (end - start).days + 1 <= hi + 1, name


def test_short_runway_warns_and_compresses():
    exam = TODAY + dt.timedelta(days=100)
    phases, warnings = study_plan(TODAY, exam)
    assert len(phases) == 4 and phases[-1][2] == exam - dt.timedelta(days=1)
    assert len(warnings) == 1 and "shorter than the guide's 6–9 months" in warnings[0]


def test_no_date_places_exam_so_score_is_back_before_submission():
    prof = load_profile(PROFILES / "step2-planned.yaml", TODAY)
    step2 = prof.usmle.step2ck.copy_with(**{"planned": None})
    usmle = prof.usmle.copy_with(**{"step2ck": step2})
    t = build(prof.copy_with(**{"usmle": usmle}), REF, CAL, TODAY, signals=SIG)
    events = keyed(t)
    assert events["step2-score"].date <= events["eras-submit"].date
    assert events["step2-exam"].certainty == "estimated"


def test_score_after_submission_is_warned():
    prof = load_profile(PROFILES / "step2-planned.yaml", TODAY)
    step2 = prof.usmle.step2ck.copy_with(**{"planned": dt.date(2027, 8, 20)})
    t = build(
        prof.copy_with(**{"usmle": prof.usmle.copy_with(**{"step2ck": step2})}),
        REF,
        CAL,
        TODAY,
        signals=SIG,
    )
    assert any("after ERAS submission opens" in w for w in t.warnings)


# Stages of life -------------------------------------------------------------------------


def test_pre_step2_has_study_ecfmg_season_residency_fellowship():
    events = keyed(plan("step2-planned"))
    assert {
        "step2-phase-1",
        "step2-exam",
        "step2-score",
        "ecfmg",
        "eras-submit",
        "match-day",
        "residency-start",
        "fellowship-submit",
        "amia-results",
        "ci-boards",
    } <= set(events)
    assert events["step2-exam"].certainty == "personal"
    assert "Step 2 CK pass" in events["ecfmg"].detail
    assert events["match-day"].date == dt.date(2028, 3, 17)  # third Friday of March 2028


def test_applying_now_has_no_study_and_marks_past_events_done():
    t = plan("strong-scores")
    events = keyed(t)
    assert "step2-phase-1" not in events
    assert events["eras-submit"].status == "done"
    assert [e.status for e in t.events].count("next") == 1
    nxt = next(e for e in t.events if e.status == "next")
    assert nxt.date > TODAY


def test_matched_applicant_starts_at_residency():
    prof = load_profile(PROFILES / "strong-scores.yaml", TODAY)
    residency = Residency(specialty="internal_medicine", start=dt.date(2027, 7, 1))
    events = keyed(build(prof.copy_with(**{"residency": residency}), REF, CAL, TODAY, signals=SIG))
    assert "eras-submit" not in events and "step2-phase-1" not in events
    assert events["residency-start"].date == dt.date(2027, 7, 1)
    assert events["residency-start"].certainty == "personal"
    assert events["fellowship-submit"].date.year == 2029


def test_pgy2_resident_plan_starts_where_they_are():
    t = plan("resident-pgy2")
    events = keyed(t)
    assert "eras-submit" not in events
    assert events["pgy2"].status == "now"
    assert events["fellowship-submit"].date == dt.date(2027, 7, 7)  # first Wednesday, July 2027
    assert events["amia-results"].date.month == 12 and events["amia-results"].date.year == 2027
    assert events["fellowship-start"].date == dt.date(2028, 7, 1)
    assert "5 of the 7-year cap (within)" in events["j1-cap"].title
    assert any("in residency since 2025-07-01" in n for n in t.notes)


def test_pathology_is_four_years():
    prof = load_profile(PROFILES / "low-step1-legacy.yaml", TODAY)
    targets = prof.targets.copy_with(**{"specialties": ["pathology"]})
    events = keyed(build(prof.copy_with(**{"targets": targets}), REF, CAL, TODAY, signals=SIG))
    assert "pgy4" in events and events["fellowship-start"].date == dt.date(2031, 7, 1)


def test_h1b_take_now_shows_step3_window():
    events = keyed(plan("needs-h1b"))
    assert events["step3"].title == "Step 3: study and sit it before the H-1B petition"
    assert events["step3"].date == TODAY and events["step3"].end == TODAY + dt.timedelta(weeks=8)


def test_generic_roadmap_says_so(cli):
    result = cli("timeline", "--format", "json")
    doc = json.loads(result.out)
    assert doc["generic"] is True and "Generic roadmap" in doc["notes"][0]
    assert "generic roadmap" in result.err


# Published vs estimated -----------------------------------------------------------------


def test_published_season_comes_from_calendar_data():
    season = match_season(2026, CAL)
    assert season.dated("match_day").certainty == "published"
    assert season.match_day == dt.date(2026, 3, 20)
    # 2027: the ERAS dates are reported (secondary), the Match dates estimated.
    later = match_season(2027, CAL)
    assert later.dated("eras_submit").certainty == "published"
    assert "secondary" in later.dated("eras_submit").source
    assert later.dated("match_day").certainty == "estimated"


def test_pattern_reproduces_every_published_date():
    """Every date the calendar data gives is also what the pattern says: the pattern claimed
    for later seasons is the one the published seasons follow."""
    bare = CAL.copy_with(seasons={})
    for year, season in CAL.seasons.items():
        estimated = match_season(year, bare)
        for name in SEASON_DATES:
            given = getattr(season, name)
            if given is not None:
                assert estimated.dated(name).date == given, (year, name)


@pytest.mark.parametrize(
    ("match_day", "deadline"),
    [
        (dt.date(2023, 3, 17), dt.date(2023, 3, 1)),  # NRMP, official
        (dt.date(2024, 3, 15), dt.date(2024, 2, 28)),  # NRMP, official
        (dt.date(2025, 3, 21), dt.date(2025, 3, 5)),  # secondary
    ],
)
def test_rank_list_deadline_is_16_days_before_match_day(match_day, deadline):
    season = match_season(match_day.year, CAL.copy_with(seasons={}))
    assert season.match_day == match_day
    assert season.rank_list_deadline == deadline


def test_estimated_rank_list_deadlines_and_the_corrected_2026_date():
    assert match_season(2026, CAL).rank_list_deadline == dt.date(2026, 3, 4)  # not 25 Feb
    assert match_season(2027, CAL).rank_list_deadline == dt.date(2027, 3, 3)
    assert match_season(2028, CAL).rank_list_deadline == dt.date(2028, 3, 1)
    assert match_season(2027, CAL).dated("rank_list_deadline").certainty == "estimated"


def test_events_carry_certainty_and_source(cli):
    doc = json.loads(cli("timeline", "profiles/step2-planned.yaml", "-f", "json").out)
    kinds = {
        "study",
        "exam",
        "ecfmg",
        "application",
        "match",
        "residency",
        "informatics",
        "fellowship",
        "visa",
        "boards",
    }  # SPEC.md's list
    assert set(KINDS) == kinds
    for e in doc["events"]:
        assert e["kind"] in kinds and e["certainty"] in {"published", "estimated", "personal"}
        assert e["source"]
        dt.date.fromisoformat(e["date"])
    assert {e["certainty"] for e in doc["events"]} == {"estimated", "personal"}


# ICS ---------------------------------------------------------------------------------


def test_ics_parses_and_has_stable_uids(cli, tmp_path):
    out = cli("timeline", "profiles/step2-planned.yaml", "-f", "ics").out
    cal = icalendar.Calendar.from_ical(out)
    events = cal.walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Step 2 CK exam (target 240)" in summaries
    assert any(s.startswith("Match Day 2028") for s in summaries)
    exam = next(e for e in events if str(e["SUMMARY"]).startswith("Step 2 CK exam"))
    assert exam["DTSTART"].dt == dt.date(2027, 6, 15)  # all-day
    assert exam["DTEND"].dt == dt.date(2027, 6, 16)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    later = cli("timeline", "profiles/step2-planned.yaml", "-f", "ics", "--today", "2027-01-10").out
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(later).walk("VEVENT")} == set(uids)


# Golden --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["step2-planned", "resident-pgy2"])
@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_golden_timeline(cli, name, fmt):
    result = cli("timeline", f"profiles/{name}.yaml", "--format", fmt)
    assert result.code == 0
    ext = {"table": "txt", "json": "json", "markdown": "md"}[fmt]
    golden(f"timeline-{name}.{ext}", result.out)


def test_ics_cannot_be_injected_even_under_python_O(tmp_path):
    """A line break in the profile's name is a space in the calendar's one-line properties,
    also when asserts are off (icalendar's only guard is an assert)."""
    import subprocess
    import sys

    profile = tmp_path / "p.yaml"
    profile.write_text(
        'format: 1\nname: "A\\nEND:VCALENDAR\\nBEGIN:VEVENT"\ngraduation_year: 2022\nvisa: j1\n'
        "usmle: {step2ck: {score: 240}}\ntargets: {specialties: [IM], match_year: 2027}\n"
    )
    for flags in ([], ["-O"]):
        proc = subprocess.run(
            [
                sys.executable,
                *flags,
                "-m",
                "imgplan",
                "timeline",
                str(profile),
                "-f",
                "ics",
                "--today",
                "2026-11-25",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert lines.count("BEGIN:VCALENDAR") == 1 and lines.count("END:VCALENDAR") == 1
        assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT")
        assert "X-WR-CALNAME:imgplan: A END:VCALENDAR BEGIN:VEVENT" in proc.stdout
