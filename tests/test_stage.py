"""Where the applicant stands: one example profile per stage, what each command does with it,
and the calendar facts the stages rest on."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from imgplan.formats import profile_from
from imgplan.season import STAGES, stage_of

from conftest import PROFILES, calendar, golden, signals

TODAY = dt.date(2026, 11, 25)
EXAMPLES = {
    "step2-planned": "preparing",
    "strong-scores": "applying",
    "between-seasons": "between-seasons",
    "resident-pgy2": "resident",
    "fellowship-applicant": "fellowship-applicant",
    "fellow": "fellow",
}


@pytest.mark.parametrize(("name", "expected"), sorted(EXAMPLES.items()))
def test_each_example_profile_is_at_its_stage(cli, name, expected):
    doc = json.loads(cli("timeline", str(PROFILES / f"{name}.yaml"), "-f", "json").out)
    assert doc["stage"]["name"] == expected


def test_matched_example_as_of_april():
    from imgplan.load.loading import load_profile

    prof = load_profile(PROFILES / "matched.yaml", dt.date(2027, 4, 1))
    assert stage_of(prof, calendar(), dt.date(2027, 4, 1)).name == "matched"


def test_every_stage_has_an_example():
    assert set(EXAMPLES.values()) | {"matched", "graduate"} == set(STAGES)


@pytest.mark.parametrize(
    "command", ["recommend", "explain", "timeline", "check-step3", "chances", "assess"]
)
def test_every_command_shows_the_stage(cli, command):
    args = [command, str(PROFILES / "strong-scores.yaml")]
    if command == "explain":
        args.append("1")
    text = cli(*args)
    assert "Now (applying · interviewing, 2026-11-25)" in text.out
    doc = json.loads(cli(*args, "-f", "json").out)
    assert doc["stage"]["name"] == "applying" and doc["stage"]["phase"] == "interviewing"
    assert doc["now_next"]["title"] == "Now (applying · interviewing, 2026-11-25)"


def test_a_past_match_year_is_never_taken_as_a_match(cli):
    """In November, after programs started reviewing the 2027 applications: imgplan asks
    whether the applicant re-applied, and otherwise plans the 2028 Match."""
    out = " ".join(cli("recommend", str(PROFILES / "between-seasons.yaml")).out.split())
    assert (
        "The 2026 Match is over (Match Day 2026-03-20). Did you match? If you did, add a "
        "residency block (specialty, start) to your profile: imgplan never assumes a match. Did "
        "you re-apply in September for the 2027 Match? If you did, set targets.match_year: "
        "2027: you are in its interview season (programs have been reviewing applications since "
        "2026-09-23). If you did not, this plans the 2028 Match: you will be 7 years from "
        "graduation then, which rules out programs that accept fewer (5 years for 2026)."
    ) in out
    doc = json.loads(cli("timeline", str(PROFILES / "between-seasons.yaml"), "-f", "json").out)
    days = {e["title"]: e["date"] for e in doc["events"]}
    assert days["Match Day 2028"] == "2028-03-17"
    assert "Match Day 2026" not in days and "Match Day 2027" not in days


def test_between_seasons_before_review_plans_the_coming_match(cli):
    """In August the 2027 applications are not out yet: the coming Match is planned, and the
    re-applicant checklist leads."""
    args = ["recommend", str(PROFILES / "between-seasons.yaml"), "--today", "2026-08-01"]
    doc = json.loads(cli(*args, "-f", "json").out)
    assert doc["stage"]["name"] == "between-seasons" and doc["stage"]["season"] == 2027
    texts = [x["text"] for x in doc["now_next"]["now"]]
    assert "this plans the 2027 Match: you will be 6 years from graduation" in texts[0]
    assert "Did you re-apply" not in texts[0]
    assert any(t.startswith("Add hands-on US clinical experience") for t in texts)


def test_a_resident_gets_no_residency_list_but_fellowship_figures_and_readiness_first(cli):
    path = str(PROFILES / "resident-pgy2.yaml")
    rec = json.loads(cli("recommend", path, "-f", "json").out)
    assert rec["programs"] == [] and rec["stage"]["name"] == "resident"
    assert "imgplan no longer ranks residency programs" in rec["notes"][0]
    odds = json.loads(cli("chances", path, "-f", "json").out)
    assert odds["specialties"] == []
    assert odds["fellowship"]["matched_share"] == 0.913
    assert odds["fellowship"]["median_applications"] == 10
    assert odds["fellowship"]["fee_for_median"] == 115
    table = cli("assess", path).out
    assert table.index("Fellowship readiness by PGY year") < table.index("Informatics strength")


def test_emergency_medicine_applies_through_residencycas(cli, tmp_path):
    text = (PROFILES / "strong-scores.yaml").read_text()
    em = tmp_path / "em.yaml"
    em.write_text(
        text.replace(
            "specialties: [internal_medicine, family_medicine]", "specialties: [emergency_medicine]"
        )
    )
    doc = json.loads(cli("timeline", str(em), "-f", "json").out)
    titles = [e["title"] for e in doc["events"]]
    assert "ResidencyCAS: applications released to Emergency Medicine programs" in titles
    assert not any("ERAS" in t and "fellowship" not in t for t in titles), titles
    release = next(e for e in doc["events"] if e["title"].startswith("ResidencyCAS"))
    assert release["date"] == "2026-10-01"


def test_step3_result_after_the_h1b_deadline_is_warned(cli):
    result = cli("timeline", str(PROFILES / "matched.yaml"), "--today", "2027-04-01", "-f", "json")
    warnings = json.loads(result.out)["warnings"]
    assert (
        "The Step 3 result would arrive about 2027-06-24, after 31 May: late for an H-1B "
        "petition before residency starts on 2027-07-01 (the petition needs Step 3 passed)."
    ) in warnings


def test_step3_result_after_the_rank_list_deadline_is_warned():
    from imgplan.timeline import build

    from conftest import reference

    prof = profile_from(
        {
            "format": 1,
            "graduation_year": 2022,
            "ecfmg_certified": True,
            "visa": "h1b",
            "usmle": {
                "step1": {"result": "pass", "attempts": 1},
                "step2ck": {"score": 225, "attempts": 1},
            },
            "targets": {"specialties": ["IM"], "match_year": 2027},
            "step3_readiness": {"study_weeks": 12, "practice_percent": 75, "confident": True},
        },
        dt.date(2027, 1, 10),
    )
    plan = build(prof, reference(), calendar(), dt.date(2027, 1, 10), signals=signals())
    assert any(
        w.startswith(
            "The Step 3 result would arrive about 2027-05-03, after the rank-list deadline (2027-03-03)"
        )
        for w in plan.warnings
    ), plan.warnings


@pytest.mark.parametrize("name", ["between-seasons", "fellowship-applicant", "fellow"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_golden_timeline_by_stage(cli, name, fmt):
    ext = {"table": "txt", "json": "json"}[fmt]
    golden(f"timeline-{name}.{ext}", cli("timeline", str(PROFILES / f"{name}.yaml"), "-f", fmt).out)


def test_golden_matched_timeline(cli):
    out = cli("timeline", str(PROFILES / "matched.yaml"), "--today", "2027-04-01").out
    golden("timeline-matched.txt", out)


@pytest.mark.parametrize("command", ["recommend", "chances", "assess"])
def test_golden_resident_views(cli, command):
    golden(
        f"{command}-fellowship-applicant.txt",
        cli(command, str(PROFILES / "fellowship-applicant.yaml")).out,
    )


def test_no_empty_stretch_before_a_far_milestone(cli, tmp_path):
    """Scores in, aiming at the 2029 Match: the 18 months before MyERAS opens get imgplan's
    suggested actions, labelled as such."""
    later = tmp_path / "later.yaml"
    later.write_text(
        (PROFILES / "strong-scores.yaml")
        .read_text()
        .replace("match_year: 2027", "match_year: 2029")
    )
    doc = json.loads(cli("timeline", str(later), "-f", "json").out)
    (gap,) = [e for e in doc["events"] if e["key"] == "meanwhile"]
    assert gap["date"] == "2026-11-25" and gap["end"] == "2028-06-06"
    assert gap["title"].startswith("Until the next milestone: Join AMIA")
    assert gap["source"].startswith("imgplan's suggestion")


def test_signal_counts_are_sourced_and_carried_forward_as_verify():
    from imgplan.signals import allowance

    data = signals()
    im_2026 = allowance(2026, "internal_medicine", data)
    assert (im_2026.gold, im_2026.silver, im_2026.carried_from) == (3, 12, None)
    im_2027 = allowance(2027, "internal_medicine", data)
    assert im_2027.carried_from == 2026 and "carried forward: verify" in im_2027.words()
    em = allowance(2027, "emergency_medicine", data)
    assert em.service == "ResidencyCAS" and not em.known
    assert "signal count unknown — verify through ResidencyCAS" in em.words()


def test_timeline_says_when_to_choose_signals_and_how_many(cli):
    doc = json.loads(cli("timeline", str(PROFILES / "strong-scores.yaml"), "-f", "json").out)
    (event,) = [e for e in doc["events"] if e["key"] == "signals"]
    assert event["date"] == "2026-09-02"  # with the application, at ERAS submission
    assert event["detail"].startswith(
        "Internal Medicine: 3 gold + 12 silver signals · Family Medicine: 5 signals — this "
        "season's counts are not published yet: verify"
    )
