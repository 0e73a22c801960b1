"""Advice for where the applicant is now (issue #24): the phases of the season and the Now /
Next block, failed attempts, fellows, and the ECFMG, Step 3 and visa facts. One profile per
case, the exact finding or verdict."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from imgplan.season import applying_phase, fellowship_phase, stage_of

from conftest import PROFILES, calendar, reference

BASE = yaml.safe_load((PROFILES / "strong-scores.yaml").read_text())
PROGRAMS = str(Path(__file__).parent / "data" / "programs-golden.yaml")


def write(tmp_path: Path, data: dict, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def changed(**parts: object) -> dict:
    """The strong-scores profile with some top-level parts replaced (usmle merged)."""
    data = copy.deepcopy(BASE)
    for key, value in parts.items():
        if key == "usmle":
            data["usmle"].update(value)  # type: ignore[arg-type]
        else:
            data[key] = value
    return data


def said(text: str) -> str:
    return " ".join(text.split())


# The phases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        ("2026-09-22", "building"),  # the day before programs review (23 Sep 2026)
        ("2026-09-23", "interviewing"),
        ("2027-01-31", "interviewing"),  # ranking opens about 1 Feb
        ("2027-02-01", "ranking"),
        ("2027-03-03", "ranking"),  # the rank-list deadline itself (16 days before 19 Mar)
        ("2027-03-04", "match_week"),
        ("2027-03-18", "match_week"),
        ("2027-03-19", "results"),  # Match Day
    ],
)
def test_applying_phases_turn_on_the_calendar_dates(day, phase):
    assert applying_phase(2027, calendar(), dt.date.fromisoformat(day)) == phase


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        ("2026-07-01", "applying"),
        ("2026-07-15", "interviewing"),  # programs review two weeks after 1 Jul 2026
        ("2026-12-03", "interviewing"),  # the AMIA commit deadline itself
        ("2026-12-04", "waiting"),
        ("2026-12-13", "waiting"),
        ("2026-12-14", "results"),
    ],
)
def test_fellowship_phases_turn_on_the_calendar_dates(day, phase):
    assert fellowship_phase(2026, calendar(), dt.date.fromisoformat(day)) == phase


@pytest.mark.parametrize(
    "command", ["recommend", "explain", "timeline", "check-step3", "chances", "assess"]
)
def test_every_command_leads_with_now_and_next(cli, command):
    """The block comes first in the table view (after the title line) and is in the JSON."""
    args = [command, str(PROFILES / "needs-h1b.yaml")]
    if command == "explain":
        args.append("1")
    lines = cli(*args).out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Now ("))
    assert first <= 1, lines[:3]
    assert any(line == "Next" for line in lines[first : first + 40])
    doc = json.loads(cli(*args, "-f", "json").out)
    assert doc["stage"]["phase"] == "interviewing"
    assert doc["now_next"]["next"] and all(x["source"] for x in doc["now_next"]["next"])


def test_profile_warnings_come_before_the_list(cli):
    out = cli("recommend", str(PROFILES / "borderline-informatics.yaml")).out
    assert out.index("About your profile") < out.index("Ranked programs")
    md = cli("recommend", str(PROFILES / "borderline-informatics.yaml"), "-f", "markdown").out
    assert md.index("**About your profile**") < md.index("## Ranked programs")


def test_interviewing_advice_and_next_dated_steps(cli):
    doc = json.loads(cli("recommend", str(PROFILES / "needs-h1b.yaml"), "-f", "json").out)
    now = [x["text"] for x in doc["now_next"]["now"]]
    assert any("20.4% of applicants missed an interview" in x for x in now)
    assert any("letter of intent" in x and "may not ask you for a commitment" in x for x in now)
    assert any("about 31 January; a $50 late fee" in x for x in now)
    nxt = [(x["date"], x["title"]) for x in doc["now_next"]["next"]]
    assert ("2027-01-31", "NRMP standard registration deadline (after it, a $50 late fee)") in nxt


def test_ranking_phase_says_the_rank_list_rules_and_the_contiguous_ranks(cli):
    doc = json.loads(
        cli(
            "recommend", str(PROFILES / "needs-h1b.yaml"), "--today", "2027-02-10", "-f", "json"
        ).out
    )
    assert doc["stage"]["phase"] == "ranking"
    now = " ".join(x["text"] for x in doc["now_next"]["now"])
    assert "Rank programs in order of your true preference" in now
    assert "20 program codes" in now and "$30" in now and "at most 300 ranks" in now
    assert (
        "Internal Medicine: matched non-US IMGs ranked a median of 5 programs of the specialty "
        "in a row, unmatched ones 2"
    ) in now


def test_match_week_says_soap(cli):
    doc = json.loads(
        cli("timeline", str(PROFILES / "needs-h1b.yaml"), "--today", "2027-03-10", "-f", "json").out
    )
    assert doc["stage"]["phase"] == "match_week"
    assert any("SOAP offer rounds" in x["text"] for x in doc["now_next"]["now"])


def test_signals_are_not_proposed_once_applications_are_out(cli):
    """In December the 2027 signals went out in September: no plan for that season, and the
    next season is one flag away."""
    args = ["recommend", str(PROFILES / "strong-scores.yaml"), "--signals"]
    table = said(cli(*args).out)
    assert "Signals and the application plan (Match 2027)" not in table
    assert (
        "Applications and signals for the 2027 Match went out with the applications "
        "(submission opened 2026-09-02; programs have reviewed them since 2026-09-23)"
    ) in table
    assert "To plan the next season: --season 2028." in table
    doc = json.loads(cli(*args, "-f", "json").out)
    assert doc["signals"] == [] and "closed" in doc["application_plan"]
    nxt = json.loads(cli(*args, "--season", "2028", "-f", "json").out)
    assert nxt["application_plan"]["season"] == 2028 and nxt["signals"]
    assert any("--season 2028" in n for n in nxt["notes"])


def test_a_profile_aiming_at_a_closed_season_is_told_the_first_open_one(tmp_path):
    prof = _profile(
        changed(usmle={"step2ck": {"planned": "2027-01-20", "target": 240}}), dt.date(2026, 12, 7)
    )
    stage = stage_of(prof, calendar(), dt.date(2026, 12, 7), _marks())
    assert stage.name == "preparing" and stage.season == 2028
    assert "the first Match you can apply to is 2028" in (stage.note or "")


# Fellows, graduates, the CI fellowship year ---------------------------------------------


def test_a_pgy3_in_december_gets_the_amia_dates_not_apply_to_ten(cli):
    path = str(PROFILES / "fellowship-applicant.yaml")
    out = said(cli("recommend", path, "--today", "2026-12-07").out)
    assert "Now (fellowship-applicant · waiting, 2026-12-07)" in out
    assert (
        "the AMIA rank list commit deadline was 2026-12-03 and the results are due 2026-12-14"
        in out
    )
    assert "Apply to about 10" not in out
    odds = json.loads(cli("chances", path, "--today", "2026-12-07", "-f", "json").out)
    assert "results are due 2026-12-14" in odds["closed"]


def test_a_graduate_without_a_fellowship_block_is_not_a_fellow(tmp_path, cli):
    data = yaml.safe_load((PROFILES / "fellow.yaml").read_text())
    del data["fellowship"]
    doc = json.loads(cli("timeline", write(tmp_path, data), "-f", "json").out)
    assert doc["stage"]["name"] == "graduate"
    assert "records no CI fellowship" in doc["stage"]["note"]


def test_a_fellow_gets_boards_and_no_fellowship_list_odds_or_readiness(cli, tmp_path):
    path = str(PROFILES / "fellow.yaml")
    rec = json.loads(cli("recommend", path, "-f", "json").out)
    assert rec["stage"]["name"] == "fellow" and "fellowships" not in rec
    odds = json.loads(cli("chances", path, "-f", "json").out)
    assert odds["fellowship"] is None and odds["specialties"] == []
    assess = json.loads(cli("assess", path, "-f", "json").out)
    assert assess["fellowship_readiness"] is None
    now = " ".join(x["text"] for x in rec["now_next"]["now"])
    assert "ABPM" in now
    # on a J-1: the waiver-job search a year before the fellowship ends (30 Jun 2027)
    data = yaml.safe_load((PROFILES / "fellow.yaml").read_text())
    data["visa"] = "j1"
    doc = json.loads(cli("timeline", write(tmp_path, data), "-f", "json").out)
    (search,) = [e for e in doc["events"] if e["key"] == "j1-waiver-search"]
    assert search["date"] == "2026-07-01"
    assert any("212(e) waiver-job search" in x["text"] for x in doc["now_next"]["now"])


def test_matched_not_started_is_not_in_residency(cli):
    out = cli("timeline", str(PROFILES / "matched.yaml"), "--today", "2027-04-01").out
    assert "Your residency starts 2027-07-01" in out
    assert "You are in residency since 2027-07-01" not in out


def test_matched_before_match_day_is_flagged(cli):
    doc = json.loads(cli("timeline", str(PROFILES / "matched.yaml"), "-f", "json").out)
    assert doc["stage"]["name"] == "matched"
    warning = doc["now_next"]["warnings"][0]["text"]
    assert warning.startswith(
        "Your profile says you matched for a residency starting 2027-07-01, but the 2027 Match "
        "Day (2027-03-19, estimated) has not come yet"
    )
    assert "off-cycle" in warning


# Failed attempts ---------------------------------------------------------------------------


def _marks():
    return reference().marks("step2ck_pass_history")


def _profile(data: dict, today: dt.date = dt.date(2026, 11, 25)):
    from imgplan.formats import profile_from

    return profile_from(data, today, _marks())


FAILED = {"step2ck": {"score": 205, "attempts": 1, "date": "2026-06-10"}}
RETAKE = {
    "step2ck": {
        "score": 205,
        "attempts": 1,
        "date": "2026-06-10",
        "planned": "2027-04-20",
        "target": 240,
    }
}


def test_a_failed_step2_with_a_planned_retake_is_accepted_and_a_passed_one_is_not(tmp_path, cli):
    ok = cli("validate", write(tmp_path, changed(usmle=RETAKE)))
    assert ok.code == 0, ok.out
    passed = {
        "step2ck": {"score": 232, "attempts": 1, "date": "2026-06-10", "planned": "2027-04-20"}
    }
    bad = cli("recommend", write(tmp_path, changed(usmle=passed), "bad.yaml"))
    assert bad.code == 2
    assert "a retake is planned but Step 2 CK 232 is a pass" in bad.err


def test_a_failed_step2_is_a_red_flag_before_any_list_and_excludes_first_attempt_programs(
    tmp_path, cli
):
    path = write(tmp_path, changed(usmle=RETAKE))
    doc = json.loads(cli("recommend", path, "--programs", PROGRAMS, "-f", "json").out)
    assert doc["stage"]["name"] == "preparing"
    assert doc["stage"]["why"] == "Step 2 CK is failed: no Match until a retake passes"
    warnings = [x["text"] for x in doc["now_next"]["warnings"]]
    assert any(
        "no ECFMG certificate, no Step 3 and no Match until a retake passes" in w for w in warnings
    )
    assert any(
        w.startswith("A failed attempt at Step 2 CK (a failed score, 205)") for w in warnings
    )
    first_only = [p for p in doc["excluded"] if any(r["rule"] == "attempts" for r in p["reasons"])]
    assert first_only and all(
        "first-attempt passes only" in p["reasons"][0]["message"]
        or any("first-attempt" in r["message"] for r in p["reasons"])
        for p in first_only
    )
    assert not any(p["id"] in {x["id"] for x in first_only} for p in doc["programs"])


def test_chances_after_a_failed_step2_apply_after_a_passing_retake(tmp_path, cli):
    doc = json.loads(cli("chances", write(tmp_path, changed(usmle=RETAKE)), "-f", "json").out)
    text = json.dumps(doc)
    assert "these figures apply only after a passing retake" in text
    assert "the failure stays on your transcript" in text


def test_unlock_offers_the_retake_and_never_ecfmg_or_step3_before_it(tmp_path, cli):
    data = changed(usmle=FAILED, ecfmg_certified=False)
    doc = json.loads(
        cli(
            "recommend", write(tmp_path, data), "--programs", PROGRAMS, "--unlock", "-f", "json"
        ).out
    )
    changes = [u["change"] for u in doc["unlock"]]
    assert changes and any(c.startswith("Pass the Step 2 CK retake with") for c in changes)
    assert not any("ECFMG" in c or "Step 3" in c for c in changes)
    assert doc["unlock_note"].startswith(
        "Your Step 2 CK 205 is a fail: passing the retake is the lever"
    )


def test_the_timeline_leads_with_the_retake_and_lists_step2_among_ecfmg_needs(tmp_path, cli):
    data = changed(usmle=RETAKE, ecfmg_certified=False)
    doc = json.loads(cli("timeline", write(tmp_path, data), "-f", "json").out)
    first = doc["events"][0]
    assert first["title"].startswith("Step 2 CK retake study:")
    (exam,) = [e for e in doc["events"] if e["key"] == "step2-exam"]
    assert exam["title"] == "Step 2 CK retake exam (target 240)" and exam["date"] == "2027-04-20"
    assert "Attempt 2 of 4" in exam["detail"]
    (ecfmg,) = [e for e in doc["events"] if e["key"] == "ecfmg"]
    assert "Step 2 CK pass" in ecfmg["detail"]


def test_a_numeric_step3_under_200_is_a_retake_and_h1b_only_stays_conditional(tmp_path, cli):
    data = changed(
        visa="h1b", usmle={"step3": {"result": 198, "attempts": 1, "date": "2025-05-01"}}
    )
    path = write(tmp_path, data)
    verdict = json.loads(cli("check-step3", path, "-f", "json").out)
    assert verdict["verdict"] == "retake" and verdict["exit_code"] == 1
    assert verdict["reasons"][0]["rule"] == "step3-failed"
    rec = json.loads(cli("recommend", path, "--programs", PROGRAMS, "-f", "json").out)
    assert any(p["status"] == "conditional" for p in rec["programs"])
    assert any(f["rule"] == "red-flag" and "Step 3" in f["message"] for f in rec["findings"])


def test_a_taken_exam_whose_score_is_not_out_is_pending(tmp_path, cli):
    data = changed(usmle={"step2ck": {"planned": "2026-11-10", "target": 240}})
    doc = json.loads(cli("timeline", write(tmp_path, data), "-f", "json").out)
    (exam,) = [e for e in doc["events"] if e["key"] == "step2-exam"]
    assert exam["status"] == "pending"
    assert any("the score is pending" in w for w in doc["warnings"])


def test_unlock_lists_only_levers_the_applicant_still_has(tmp_path, cli):
    data = changed(ecfmg_certified="2014-05-02", visa="none")
    doc = json.loads(
        cli(
            "recommend", write(tmp_path, data), "--programs", PROGRAMS, "--unlock", "-f", "json"
        ).out
    )
    note = doc["unlock_note"]
    assert "ECFMG certification" not in note and "the visas you can train on" not in note
    assert "Step 3" in note  # not passed yet: still a lever
    assert not any("ECFMG" in u["change"] or "visa" in u["change"] for u in doc["unlock"])


# ECFMG, Step 3 and visa facts ---------------------------------------------------------------


def test_ecfmg_needs_the_pathway_and_oet_by_the_deadline_and_the_pathway_deadline_shows(
    tmp_path, cli
):
    doc = json.loads(
        cli("timeline", write(tmp_path, changed(ecfmg_certified=False)), "-f", "json").out
    )
    titles = {e["key"]: e for e in doc["events"]}
    assert "the Pathway and OET" in titles["ecfmg"]["title"]
    assert titles["ecfmg-pathway-deadline"]["date"] == "2027-02-01"  # 31 Jan 2027 is a Sunday
    assert titles["ecfmg-pathway-deadline"]["certainty"] == "estimated"


def test_usmle_registration_is_through_fsmb(tmp_path, cli):
    data = changed(usmle=RETAKE)
    doc = json.loads(cli("timeline", write(tmp_path, data), "-f", "json").out)
    (exam,) = [e for e in doc["events"] if e["key"] == "step2-exam"]
    assert "through FSMB" in exam["detail"]


def test_the_step3_pointer_says_ecfmg_certification_comes_first(tmp_path, cli):
    data = yaml.safe_load((PROFILES / "needs-h1b.yaml").read_text())
    data["ecfmg_certified"] = False
    doc = json.loads(
        cli("recommend", write(tmp_path, data), "--programs", PROGRAMS, "-f", "json").out
    )
    (pointer,) = [f for f in doc["findings"] if f["rule"] == "step3-pointer"]
    assert pointer["message"].startswith(
        "First ECFMG certification (after a passed Step 2 CK): IMGs register for Step 3 only once "
        "certified."
    )


def test_a_late_step3_result_is_warned_for_every_visa(tmp_path, cli):
    data = changed(visa="none")
    data["step3_readiness"] = {"study_weeks": 16, "practice_percent": 75, "confident": True}
    data["usmle"]["step2ck"]["score"] = 226  # borderline: a reason to take Step 3 now
    doc = json.loads(
        cli("timeline", write(tmp_path, data), "--today", "2027-01-20", "-f", "json").out
    )
    assert any("after the rank-list deadline (2027-03-03)" in w for w in doc["warnings"])


def test_check_step3_words_the_timing_by_the_phase(cli):
    interviewing = said(cli("check-step3", str(PROFILES / "needs-h1b.yaml")).out)
    assert "passing it before programs' ranking meetings (January to February)" in interviewing
    building = said(
        cli("check-step3", str(PROFILES / "needs-h1b.yaml"), "--today", "2026-07-01").out
    )
    assert "passing it before applying" in building


def test_a_pgy2_without_step3_is_told_now(cli):
    result = cli("check-step3", str(PROFILES / "resident-pgy2.yaml"), "-f", "json")
    doc = json.loads(result.out)
    assert doc["verdict"] == "take-now" and result.code == 0


def test_the_h1b_petition_follows_the_step3_result(cli):
    doc = json.loads(cli("timeline", str(PROFILES / "needs-h1b.yaml"), "-f", "json").out)
    events = {e["key"]: e["date"] for e in doc["events"]}
    assert events["h1b-petition"] > events["step3-result"]


def test_programs_accept_the_j1_that_ecfmg_sponsors(cli):
    doc = json.loads(
        cli(
            "explain",
            str(PROFILES / "strong-scores.yaml"),
            "1",
            "--programs",
            PROGRAMS,
            "-f",
            "json",
        ).out
    )
    (visa,) = [f for f in doc["findings"] if f["rule"] == "visa"]
    assert "accepts the J-1 (ECFMG sponsors it)" in visa["message"]


# Smaller ---------------------------------------------------------------------------------


def test_a_military_fellowship_is_not_offered_to_a_visa_holder(cli):
    doc = json.loads(cli("recommend", str(PROFILES / "resident-pgy2.yaml"), "-f", "json").out)
    (madigan,) = [
        r for r in doc["fellowships"]["ranked"] if r["id"] == "madigan-army-medical-center"
    ]
    assert madigan["visa"] == "against"
    assert any("uniformed service members" in w for w in madigan["warnings"])
    assert any(r.startswith("Directory notes:") for r in madigan["reasons"])
    assert doc["fellowships"]["ranked"][-1]["visa"] in ("against", "against-institution")


def test_explain_for_a_resident_takes_a_fellowship_by_id_or_number(cli):
    path = str(PROFILES / "resident-pgy2.yaml")
    by_number = json.loads(cli("explain", path, "1", "-f", "json").out)
    first = by_number["fellowship"]["id"]
    by_id = json.loads(cli("explain", path, first, "-f", "json").out)
    assert by_id["fellowship"]["rank"] == 1 and by_id["fellowship"]["id"] == first
    assert cli("explain", path, "#1").code == 0
    assert cli("explain", path, "999").code == 2


def test_score_findings_use_the_target_specialtys_figures(tmp_path, cli):
    data = changed(usmle={"step2ck": {"score": 229, "attempts": 1, "date": "2025-08-14"}})
    data["targets"]["specialties"] = ["pathology"]
    doc = json.loads(
        cli("recommend", write(tmp_path, data), "--programs", PROGRAMS, "-f", "json").out
    )
    (found,) = [f for f in doc["findings"] if f["rule"] == "step2ck-specialty"]
    assert found["status"] == "warn"
    assert (
        "under the lowest quarter of matched non-US IMGs in Pathology (Q1 232, median 244)"
        in found["message"]
    )


def test_us_clinical_letters_are_counted(tmp_path, cli):
    doc = json.loads(cli("recommend", str(PROFILES / "strong-scores.yaml"), "-f", "json").out)
    (found,) = [f for f in doc["findings"] if f["rule"] == "us-letters"]
    assert found["status"] == "info" and found["message"].startswith(
        "1 letter from US clinical experience recorded"
    )
    assert "imgplan's convention is about 3" in found["message"]


def test_assess_in_the_interview_season_does_not_lead_with_join_amia(tmp_path, cli):
    doc = json.loads(cli("assess", str(PROFILES / "strong-scores.yaml"), "-f", "json").out)
    assert not doc["actions"][0]["action"].startswith("Join AMIA")
    assert doc["actions"][0]["element"] in ("projects", "scholarship", "training")
    before = json.loads(
        cli(
            "assess", str(PROFILES / "strong-scores.yaml"), "--today", "2026-05-01", "-f", "json"
        ).out
    )
    assert before["actions"][0]["action"].startswith("Join AMIA")


def test_estimated_dates_never_fall_on_a_federal_holiday():
    from imgplan.calendar import federal_holidays, fellowship_submit

    submit, review = fellowship_submit(2029, calendar())
    assert submit.date == dt.date(2029, 7, 5) and submit.certainty == "estimated"
    assert submit.date not in federal_holidays(2029) and review.date not in federal_holidays(2029)


def test_federal_holidays_agree_with_the_holidays_package():
    holidays = pytest.importorskip("holidays", reason="the holidays package is a test oracle")
    from imgplan.calendar import federal_holidays

    for year in range(2020, 2041):
        theirs = {d for d in holidays.US(years=year, observed=True) if d.year == year}
        assert federal_holidays(year) == theirs, year


def test_em_signal_text_cites_residencycas_not_eras_im(tmp_path, cli):
    data = changed()
    data["targets"]["specialties"] = ["emergency_medicine"]
    doc = json.loads(
        cli(
            "recommend", write(tmp_path, data), "--signals", "--today", "2026-07-01", "-f", "json"
        ).out
    )
    (em,) = doc["signals"]
    assert "ResidencyCAS" in em["allowance"]["source"]
    assert "IM 3 gold" not in em["allowance"]["source"]


def test_signals_skip_a_program_far_under_its_reference_while_better_ones_exist():
    from imgplan.formats import program_from
    from imgplan.plan import FAR_UNDER, _order
    from imgplan.recommend.evaluate import Assessed
    from imgplan.rules.fit import Fit

    def entry(pid: str, margin: int) -> Assessed:
        p = program_from({"id": pid, "name": pid, "specialty": "IM"})
        return Assessed(p, [], Fit(90 if margin < 0 else 10, [], []), margin, {}, tier="target")

    far, near = entry("far", FAR_UNDER), entry("near", FAR_UNDER + 1)
    prof = _profile(changed())
    assert [a.program.id for a in _order([far, near], prof)] == ["near", "far"]
