"""Every threshold in rules/ and the core, pinned on both sides of its boundary: moving one by
a point, or turning a <= into a <, fails a test here (benchmarks/mutants.py lists a mutant
for each)."""

from __future__ import annotations

import datetime as dt

import pytest

from imgplan.formats import profile_from, program_from
from imgplan.recommend import scoring
from imgplan.recommend.evaluate import assess
from imgplan.rules import screens
from imgplan.rules.context import Context
from imgplan.rules.fit import informatics_fit
from imgplan.rules.portfolio import Element
from imgplan.rules.profile_findings import profile_findings
from imgplan.rules.step3 import Step3Facts, decide

from conftest import calendar, outcomes, reference, signals

TODAY = dt.date(2026, 11, 25)
AS_OF = dt.date(2026, 10, 1)
BASE = {
    "format": 1,
    "graduation_year": 2022,
    "ecfmg_certified": True,
    "visa": "j1",
    "usmle": {
        "step1": {"result": "pass", "attempts": 1},
        "step2ck": {"score": 240, "attempts": 1, "date": "2025-09-01"},
    },
    "usce": [{"kind": "hands_on", "months": 3}],
    "targets": {"specialties": ["internal_medicine"], "match_year": 2027},
}


def person(score: int = 240, **changes: object):
    data = {**BASE, **changes}
    usmle = dict(data["usmle"])  # type: ignore[arg-type]
    if "step2ck" not in changes.get("usmle", {}):  # type: ignore[union-attr]
        usmle["step2ck"] = {"score": score, "attempts": 1, "date": "2025-09-01"}
    data["usmle"] = usmle
    return profile_from(data, TODAY, reference().marks("step2ck_pass_history"))


def program(**fields: object):
    return program_from({"id": "p", "name": "P", "specialty": "internal_medicine", **fields})


def ctx(prof=None, **kw):
    return Context.of(prof or person(), reference(), TODAY, **kw)


def finding(prof, rule: str, **kw):
    hits = [f for f in profile_findings(ctx(prof, **kw)) if f.rule == rule]
    return hits[0] if hits else None


# Tiers and score (recommend/scoring.py) ----------------------------------------------------


@pytest.mark.parametrize(
    ("margin", "tier"),
    [(10, "safety"), (9, "target"), (0, "target"), (-1, "reach")],
)
def test_tier_margins(margin, tier):
    """safety from +10 (SAFETY_MARGIN), target from 0 (TARGET_MARGIN)."""
    p = program(step2ck_min=200, step2ck_preferred=240 - margin, visas=["j1"])
    a = assess(ctx(person(240)), p, AS_OF)
    assert (a.margin, a.tier) == (margin, tier)


@pytest.mark.parametrize(("share", "tier"), [(0.15, "safety"), (0.14, "target")])
def test_few_imgs_moves_a_tier_down_under_15_percent(share, tier):
    p = program(step2ck_min=200, step2ck_preferred=240, img_share=share, visas=["j1"])
    a = assess(ctx(person(250)), p, AS_OF)
    assert a.tier == tier


def test_competitiveness_spans_minus_10_to_plus_15():
    assert scoring.competitiveness(-10) == 0.0 and scoring.competitiveness(-9) > 0.0
    assert scoring.competitiveness(15) == 1.0 and scoring.competitiveness(14) < 1.0


def test_img_friendliness_is_full_from_half():
    assert scoring.img_friendliness(0.5) == 1.0 and scoring.img_friendliness(0.49) < 1.0


def test_an_unknown_visa_policy_costs_ten_points_and_a_tier():
    known = assess(ctx(), program(visas=["j1"], step2ck_preferred=225), AS_OF)
    unknown = assess(ctx(), program(step2ck_preferred=225), AS_OF)
    assert known.score - unknown.score == scoring.VISA_UNKNOWN_PENALTY == 10
    assert (known.tier, unknown.tier) == ("safety", "target")


@pytest.mark.parametrize(
    ("informatics", "points"),
    [
        ({"ci_fellowship": "in_house"}, 35),
        ({"ci_fellowship": "affiliated"}, 20),
        ({"ci_fellowship": "none"}, 0),
        ({"informatics_faculty": True}, 20),
        ({"informatics_track": True}, 20),
        ({"ehr_projects": True}, 15),
        ({"analytics_team": True}, 10),
        ({"informatics_track": False}, 0),
    ],
)
def test_each_informatics_feature_adds_its_points(informatics, points):
    assert informatics_fit(program(informatics=informatics)).score == points


# Screens (rules/screens.py) ---------------------------------------------------------------


@pytest.mark.parametrize(("gap", "status"), [(5, "exception"), (6, "fail")])
def test_the_guides_exception_is_at_most_five_points(gap, status):
    plain = ctx(person(225))
    strong = Context(plain.profile, plain.ref, TODAY, plain.strength, exceptional_override=True)
    p = program(step2ck_min=225 + gap, informatics={"ci_fellowship": "in_house"})
    assert screens.step2ck(strong, p, AS_OF).status == status


@pytest.mark.parametrize(("score", "status"), [(230, "ok"), (229, "fail")])
def test_a_minimum_is_met_at_the_minimum(score, status):
    assert screens.step2ck(ctx(person(score)), program(step2ck_min=230), AS_OF).status == status


@pytest.mark.parametrize(("limit", "status"), [(5, "ok"), (4, "fail")])
def test_graduation_limit_counts_years_to_the_match(limit, status):
    """Graduated 2022, the 2027 Match: 5 years."""
    assert screens.graduation(ctx(), program(yog_max_years=limit), AS_OF).status == status


@pytest.mark.parametrize(("limit", "status"), [(2, "ok"), (1, "fail")])
def test_attempt_limit(limit, status):
    prof = person(
        usmle={"step1": {"result": "pass", "attempts": 2}, "step2ck": {"score": 240, "attempts": 1}}
    )
    assert screens.attempts(ctx(prof), program(max_attempts=limit), AS_OF).status == status


def test_unknown_attempts_pass_only_a_program_taking_every_attempt_usmle_allows():
    prof = person(usmle={"step1": {"result": "pass"}, "step2ck": {"score": 240}})
    assert screens.attempts(ctx(prof), program(max_attempts=4), AS_OF).status == "ok"
    assert screens.attempts(ctx(prof), program(max_attempts=3), AS_OF).status == "verify"


@pytest.mark.parametrize(("months", "status"), [(2, "ok"), (1, "fail")])
def test_usce_months_meet_the_minimum(months, status):
    prof = person(usce=[{"kind": "hands_on", "months": months}])
    p = program(usce="required", usce_min_months=2)
    assert screens.usce(ctx(prof), p, AS_OF).status == status


def test_usce_required_without_a_minimum_needs_a_month():
    none = person(usce=[])
    assert screens.usce(ctx(none), program(usce="required"), AS_OF).status == "fail"


@pytest.mark.parametrize(("verified", "status"), [("2025-05-25", "ok"), ("2025-04-25", "warn")])
def test_figures_are_stale_after_18_months(verified, status):
    """2025-05 to 2026-11 is 18 months (not stale); 19 is stale."""
    assert screens.freshness(ctx(), program(verified=verified), AS_OF).status == status


# Profile findings (rules/profile_findings.py) --------------------------------------------


@pytest.mark.parametrize(
    ("score", "status"), [(219, "fail"), (220, "warn"), (229, "warn"), (230, "ok")]
)
def test_step2_workable_at_220_and_aim_from_230(score, status):
    assert finding(person(score), "step2ck-level").status == status


@pytest.mark.parametrize(("score", "word"), [(240, "within"), (241, "above")])
def test_the_aim_ends_at_240(score, word):
    assert f"is {word} the guide's aim" in finding(person(score), "step2ck-level").message


@pytest.mark.parametrize(("step1", "score", "status"), [(219, 239, "ok"), (219, 238, "warn")])
def test_a_low_step1_needs_step2_twenty_points_higher(step1, score, status):
    prof = person(score, usmle={"step1": {"result": step1, "attempts": 1}})
    assert finding(prof, "step1-gap").status == status


@pytest.mark.parametrize(("step1", "status"), [(220, "ok"), (219, "warn")])
def test_a_step1_is_low_under_220(step1, status):
    prof = person(225, usmle={"step1": {"result": step1, "attempts": 1}})
    assert finding(prof, "step1-gap").status == status


@pytest.mark.parametrize(("graduated", "shown"), [(2022, False), (2021, True)])
def test_graduation_age_warns_over_five_years(graduated, shown):
    assert (finding(person(graduation_year=graduated), "graduation-age") is not None) == shown


@pytest.mark.parametrize(("letters", "status"), [(3, "ok"), (2, "info"), (0, "warn")])
def test_about_three_us_letters(letters, status):
    usce = [{"kind": "hands_on", "months": 1, "us_letter": n < letters} for n in range(3)]
    assert finding(person(usce=usce), "us-letters").status == status


@pytest.mark.parametrize(("score", "status"), [(240, "info"), (239, "warn")])
def test_step2_against_the_specialtys_matched_q1(score, status):
    """Internal Medicine's matched non-US IMG Q1 is 240 (Charting Outcomes 2026)."""
    assert finding(person(score), "step2ck-specialty", outcomes=outcomes()).status == status


@pytest.mark.parametrize(("score", "exceptional"), [(69, False), (70, True)])
def test_exceptional_from_70(score, exceptional):
    c = ctx()
    assert reference()["exceptional_strength"] == 70
    elements = {name: Element(name, score) for name in c.strength.elements}
    strength = type(c.strength)(elements)
    assert strength.score == score
    assert Context(c.profile, c.ref, TODAY, strength).exceptional is exceptional


@pytest.mark.parametrize(
    ("score", "date", "status"), [(218, "2025-07-01", "ok"), (217, "2025-07-01", "fail")]
)
def test_step2_pass_mark_218_from_july_2025(score, date, status):
    prof = person(
        usmle={
            "step1": {"result": "pass", "attempts": 1},
            "step2ck": {"score": score, "attempts": 1, "date": date},
        }
    )
    found = finding(prof, "step2ck-level")
    assert ("under the passing score" in found.message) == (status == "fail")


def test_a_failed_step3_is_a_red_flag():
    prof = person(
        usmle={
            "step1": {"result": "pass", "attempts": 1},
            "step2ck": {"score": 240, "attempts": 1},
            "step3": {"result": 199, "date": "2024-02-01"},
        }
    )
    flag = finding(prof, "red-flag")
    assert flag is not None and "Step 3" in flag.message
    passed = person(
        usmle={
            "step1": {"result": "pass", "attempts": 1},
            "step2ck": {"score": 240, "attempts": 1},
            "step3": {"result": 200, "date": "2024-02-01"},
        }
    )
    assert finding(passed, "red-flag") is None


# Step 3 (rules/step3.py) --------------------------------------------------------------------

READY = {"study_weeks": 6, "practice_percent": 65, "confident": True}
STEP3 = {"step1": "pass", "step2": 226, "ecfmg": True, "visa": "h1b"}


@pytest.mark.parametrize(("weeks", "verdict"), [(6, "take-now"), (5, "wait")])
def test_step3_study_weeks_at_least_six(weeks, verdict):
    facts = Step3Facts(**{**STEP3, **READY, "study_weeks": weeks})
    assert decide(facts, reference(), TODAY).verdict == verdict


@pytest.mark.parametrize(("practice", "verdict"), [(65, "take-now"), (64.9, "wait")])
def test_step3_practice_at_least_65(practice, verdict):
    facts = Step3Facts(**{**STEP3, **READY, "practice_percent": practice})
    assert decide(facts, reference(), TODAY).verdict == verdict


@pytest.mark.parametrize(("score", "borderline"), [(229, True), (230, False)])
def test_step2_borderline_under_230_is_a_reason_for_step3(score, borderline):
    facts = Step3Facts(**{**STEP3, **READY, "visa": "none", "step2": score})
    rules = {r.rule for r in decide(facts, reference(), TODAY).reasons}
    assert ("step2-borderline" in rules) == borderline


@pytest.mark.parametrize(("day", "verdict"), [(183, "take-now"), (182, "later")])
def test_step3_is_now_from_six_months_into_residency(day, verdict):
    start = TODAY - dt.timedelta(days=day)
    facts = Step3Facts(**{**STEP3, "visa": "none", "residency_start": start})
    assert decide(facts, reference(), TODAY).verdict == verdict


@pytest.mark.parametrize(
    ("result", "date", "verdict"),
    [
        (200, "2024-01-01", "done"),
        (199, "2024-01-01", "retake"),
        (198, "2023-12-31", "done"),
        (197, "2023-12-31", "retake"),
    ],
)
def test_step3_pass_mark_200_from_2024_and_198_before(result, date, verdict):
    facts = Step3Facts(**{**STEP3, "step3": result, "step3_date": dt.date.fromisoformat(date)})
    assert decide(facts, reference(), TODAY).verdict == verdict


# The timeline and the season ------------------------------------------------------------


def _timeline(prof, today=TODAY):
    from imgplan.timeline import build

    return build(prof, reference(), calendar(), today, signals=signals())


@pytest.mark.parametrize(("days", "warned"), [(182, False), (181, True)])
def test_six_months_of_study(days, warned):
    exam = TODAY + dt.timedelta(days=days)
    prof = person(
        usmle={
            "step1": {"result": "pass", "attempts": 1},
            "step2ck": {"planned": exam.isoformat(), "target": 240},
        }
    )
    notes = [w for w in _timeline(prof).warnings if getattr(w, "rule", "") == "study-short"]
    assert bool(notes) == warned


@pytest.mark.parametrize(("gap", "suggested"), [(45, False), (46, True)])
def test_the_45_day_gap_gets_suggestions(gap, suggested):
    from imgplan.timeline import model, training

    prof = person()
    p = model.Plan(
        prof, reference(), calendar(), TODAY, 2027, "internal_medicine", None, signals(), None
    )  # type: ignore[arg-type]
    p.add(
        "x",
        TODAY + dt.timedelta(days=gap),
        "next milestone",
        "application",
        "estimated",
        "s",
        "Residency application",
    )
    training.meanwhile(p)
    assert any(e.key == "meanwhile" for e in p.events) == suggested


@pytest.mark.parametrize(
    ("day", "stage"), [("2026-07-01", "fellowship-applicant"), ("2026-06-30", "resident")]
)
def test_the_final_residency_year_begins_on_its_first_day(day, stage):
    from imgplan.season import stage_of

    prof = person(residency={"specialty": "internal_medicine", "start": "2024-07-01"})
    assert stage_of(prof, calendar(), dt.date.fromisoformat(day)).name == stage


@pytest.mark.parametrize(("day", "late"), [("2027-05-31", False), ("2027-06-01", True)])
def test_a_step3_result_after_31_may_is_late_for_the_petition(day, late):
    from imgplan.timeline import exams, model

    prof = person(visa="h1b", residency={"specialty": "internal_medicine", "start": "2027-07-01"})
    from imgplan.season import stage_of

    stage = stage_of(prof, calendar(), TODAY)
    p = model.Plan(
        prof,
        reference(),
        calendar(),
        TODAY,
        2027,
        "internal_medicine",
        dt.date(2027, 7, 1),
        signals(),
        stage,
    )
    weeks = reference()["step3_result_weeks"]
    exams.step3_result(p, dt.date.fromisoformat(day) - dt.timedelta(weeks=weeks))
    assert any(getattr(w, "rule", "") == "step3-late-for-petition" for w in p.warnings) == late


# Signals and links --------------------------------------------------------------------------


def test_signals_skip_programs_from_ten_points_under():
    from imgplan.plan import FAR_UNDER

    assert FAR_UNDER == -10


@pytest.mark.parametrize(("miles", "kind"), [(60.0, "nearby"), (60.5, None)])
def test_nearby_is_within_60_miles(miles, kind):
    from imgplan import fellowships as F

    assert (miles <= F.NEARBY_MILES) == (kind == "nearby")


def test_the_guides_exception_wins_over_conditional_for_an_exceptional_h1b_applicant():
    """One evaluation path decides a program's status: an exceptional applicant who needs an
    H-1B, 3 points under an H-1B-only program's minimum with an in-house CI fellowship, is
    kept as an exception (tier reach); the visa finding still says conditional."""
    plain = ctx(person(227, visa="h1b"))
    strong = Context(plain.profile, plain.ref, TODAY, plain.strength, exceptional_override=True)
    p = program(step2ck_min=230, visas=["h1b"], informatics={"ci_fellowship": "in_house"})
    a = assess(strong, p, AS_OF)
    assert (a.status, a.tier) == ("exception", "reach")
    (visa,) = [f for f in a.findings if f.rule == "visa"]
    assert visa.status == "conditional"
