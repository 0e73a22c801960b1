"""check-step3: a table covering every verdict and every reason, and the real exit codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from imgplan.rules.step3 import Step3Facts, decide

from conftest import reference, script

TODAY = dt.date(2026, 11, 25)
READY = {"study_weeks": 8, "practice_percent": 70.0, "confident": True}
BASE = {"step1": "pass", "step2": 245, "ecfmg": True, "visa": "j1"}

# (case, facts, verdict, deciding rule, other rules that must be present)
CASES = [
    ("passed", {**BASE, "step3": "pass"}, "done", "step3-done", set()),
    ("numeric step 3", {**BASE, "step3": 210}, "done", "step3-done", set()),
    (
        "out of attempts",
        {**BASE, "step3": "fail", "step3_attempts": 4},
        "not-eligible",
        "attempt-limit",
        set(),
    ),
    ("no step 1", {**BASE, "step1": None}, "not-eligible", "step3-step1", set()),
    (
        "step 1 failed, not certified",
        {**BASE, "step1": "fail", "ecfmg": False},
        "not-eligible",
        "step3-step1",
        {"step3-ecfmg"},
    ),
    (
        "step 2 planned",
        {**BASE, "step2": None, "step2_planned": True},
        "not-eligible",
        "step3-step2ck",
        set(),
    ),
    (
        "step 2 under its date's passing score",
        {**BASE, "step2": 216, "step2_date": dt.date(2025, 9, 1)},
        "not-eligible",
        "step3-step2ck",
        set(),
    ),
    (
        "step 2 under every passing score",
        {**BASE, "step2": 205},
        "not-eligible",
        "step3-step2ck",
        set(),
    ),
    ("not certified", {**BASE, "ecfmg": False}, "not-eligible", "step3-ecfmg", set()),
    (
        "numeric step 3 under 200 from 2024",
        {**BASE, "step3": 199, "step3_date": dt.date(2024, 3, 1)},
        "retake",
        "step3-failed",
        {"attempt-limit"},
    ),
    (
        "numeric step 3 199 before 2024 passed (mark 198)",
        {**BASE, "step3": 199, "step3_date": dt.date(2023, 12, 31)},
        "done",
        "step3-done",
        set(),
    ),
    (
        "numeric step 3 200 from 2024 passed",
        {**BASE, "step3": 200, "step3_date": dt.date(2024, 1, 1)},
        "done",
        "step3-done",
        set(),
    ),
    (
        "numeric step 3 197 without a date fails every mark",
        {**BASE, "step3": 197},
        "retake",
        "step3-failed",
        set(),
    ),
    (
        "numeric step 3 199 without a date: verify",
        {**BASE, "step3": 199},
        "verify",
        "step3-failed",
        set(),
    ),
    ("certification unknown", {**BASE, "ecfmg": None}, "not-eligible", "step3-ecfmg", set()),
    (
        "matched, residency ahead",
        {**BASE, "residency_start": dt.date(2027, 7, 1)},
        "later",
        "matched",
        set(),
    ),
    ("in residency", {**BASE, "residency_start": dt.date(2025, 7, 1)}, "take-now", "matched", set()),
    ("residency just begun", {**BASE, "residency_start": dt.date(2026, 7, 1)}, "later", "matched", set()),
    (
        "matched on an H-1B",
        {**BASE, "visa": "h1b", "residency_start": dt.date(2027, 7, 1)},
        "take-now",
        "h1b-before-start",
        set(),
    ),
    ("strong, no need", {**BASE, **READY}, "later", "no-gain", set()),
    (
        "h1b and ready",
        {**BASE, "visa": "h1b", **READY},
        "take-now",
        "h1b",
        {"study-weeks", "practice", "confidence"},
    ),
    (
        "failed step 1 attempt and ready",
        {**BASE, "step1_attempts": 2, **READY},
        "take-now",
        "step1-low",
        set(),
    ),
    (
        "low legacy step 1 and ready",
        {**BASE, "step1": 205, **READY},
        "take-now",
        "step1-low",
        set(),
    ),
    (
        "borderline step 2 and ready",
        {**BASE, "step2": 226, **READY},
        "take-now",
        "step2-borderline",
        set(),
    ),
    (
        "any visa with h1b-only programs",
        {**BASE, "visa": "any", "h1b_only_programs": 4, **READY},
        "take-now",
        "h1b",
        set(),
    ),
    (
        "borderline, readiness unknown",
        {**BASE, "step2": 226},
        "wait",
        "readiness-unknown",  # the missing answer decides first
        {"lock-in", "step2-borderline"},
    ),
    (
        "borderline, not ready",
        {**BASE, "step2": 226, "study_weeks": 3, "practice_percent": 55, "confident": False},
        "wait",
        "lock-in",
        {"study-weeks", "practice", "confidence"},
    ),
    (
        "h1b, short of study time",
        {**BASE, "visa": "h1b", "study_weeks": 2, "practice_percent": 70, "confident": True},
        "wait",
        "study-weeks",
        {"h1b", "practice"},
    ),
    (
        "h1b, no practice score",
        {**BASE, "visa": "h1b", "study_weeks": 8, "confident": True},
        "wait",
        "practice",
        {"h1b"},
    ),
    (
        "h1b, not confident",
        {**BASE, "visa": "h1b", "study_weeks": 8, "practice_percent": 70, "confident": False},
        "wait",
        "confidence",
        {"h1b"},
    ),
    (
        "fail flag with certification",
        {**BASE, "step1": "fail", "step2": 224, "visa": "h1b", **READY},
        "take-now",
        "h1b",
        {"step1-low", "step1-failed-before", "step2-borderline"},
    ),
]


@pytest.mark.parametrize(
    ("case", "facts", "verdict", "first", "others"), CASES, ids=[c[0] for c in CASES]
)
def test_verdict_table(case, facts, verdict, first, others):
    """Each row: the verdict, the deciding reason first, the other reasons present."""
    result = decide(Step3Facts(**facts), reference(), TODAY)
    assert result.verdict == verdict
    assert result.reasons[0].rule == first
    assert others <= {r.rule for r in result.reasons}
    assert all(r.source for r in result.reasons)
    assert result.exit_code == (0 if verdict == "take-now" else 1)


def test_every_verdict_is_covered():
    from imgplan.rules.step3 import VERDICTS

    assert {c[2] for c in CASES} == set(VERDICTS)


@pytest.mark.parametrize(
    ("args", "code", "verdict"),
    [
        (["profiles/needs-h1b.yaml"], 0, "take-now"),
        (["profiles/strong-scores.yaml"], 1, "later"),
        (["profiles/step2-planned.yaml"], 1, "not-eligible"),
        (["profiles/borderline-informatics.yaml"], 1, "wait"),
        (
            [
                "--step1",
                "pass",
                "--step2",
                "224",
                "--visa",
                "h1b",
                "--ecfmg",
                "yes",
                "--study-weeks",
                "8",
                "--practice-percent",
                "70",
                "--confident",
            ],
            0,
            "take-now",
        ),
        (["profiles/needs-h1b.yaml", "--step3", "pass"], 1, "done"),
    ],
)
def test_exit_codes_through_the_console_script(args, code, verdict):
    result = script("check-step3", *args, "--format", "json")
    assert result.code == code, result.err
    doc = json.loads(result.out)
    assert (doc["format"], doc["command"], doc["verdict"], doc["exit_code"]) == (
        1,
        "check-step3",
        verdict,
        code,
    )


def test_quiet_prints_nothing():
    result = script("check-step3", "profiles/needs-h1b.yaml", "--quiet")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_profile_from_environment_and_flags_override(tmp_path):
    env = {"IMGPLAN_PROFILE": "profiles/needs-h1b.yaml"}
    assert script("check-step3", "-q", env=env).code == 0
    # Flags override the profile: with a weak practice score the verdict becomes wait.
    result = script("check-step3", "--practice-percent", "50", env=env)
    assert result.code == 1 and "WAIT" in result.out


def test_no_profile_and_no_flags_is_usage_error(tmp_path):
    result = script("check-step3", cwd=tmp_path)
    assert result.code == 2 and "no profile" in result.err


def test_bad_flag_value_is_exit_2():
    result = script("check-step3", "--ecfmg", "maybe")
    assert result.code == 2 and "expected yes or no" in result.err


def test_programs_count_h1b_only():
    result = script(
        "check-step3",
        "profiles/needs-h1b.yaml",
        "--programs",
        "example",
        "--format",
        "json",
    )
    doc = json.loads(result.out)
    assert doc["facts"]["h1b_only_programs"] > 0
    assert f"All {doc['facts']['h1b_only_programs']} H-1B-only" in doc["reasons"][0]["message"]


def test_step2_pass_mark_follows_the_test_date():
    """216 taken in March 2025 passed (214 was in force); the same 216 from September 2025
    did not (218); with no date, the verdict says it depends and how to give the date."""
    passed = decide(
        Step3Facts(**{**BASE, "step2": 216, "step2_date": dt.date(2025, 3, 1)}), reference(), TODAY
    )
    assert passed.verdict != "not-eligible"
    assert "step3-step2ck" not in {r.rule for r in passed.reasons}
    failed = decide(
        Step3Facts(**{**BASE, "step2": 216, "step2_date": dt.date(2025, 9, 1)}), reference(), TODAY
    )
    assert [r.message for r in failed.reasons if r.rule == "step3-step2ck"] == [
        "Pass Step 2 CK: 216 is under the passing score (the passing score on 2025-09-01 was 218)."
    ]
    unknown = decide(Step3Facts(**{**BASE, "step2": 216}), reference(), TODAY)
    assert unknown.verdict != "not-eligible"
    (note,) = [r for r in unknown.reasons if r.rule == "step3-step2ck"]
    assert note.status == "warn"
    assert note.message == (
        "Step 2 CK 216 is read as passed, but whether it is depends on the test date: with no "
        "test date it passes under 209 (from 2014-07-01), 214 (from 2022-07-01) but not under "
        "218 (from 2025-07-01): add usmle.step2ck.date (or --step2-date)."
    )


def test_a_verdict_resting_on_a_missing_answer_says_so(cli):
    """No readiness, or only confidence missing: the headline and the first reason say the
    answer is missing and how to give it, not 'prepare more'."""
    facts = ("--step1", "pass", "--step2", "226", "--ecfmg", "yes", "--visa", "h1b")
    nothing = cli("check-step3", *facts)
    assert nothing.code == 1
    assert nothing.out.startswith(
        "Step 3 verdict: WAIT: an answer is missing — give it (below) for a real verdict\n"
    )
    assert "(exit 1)" not in nothing.out  # plain words: the exit code is for scripts
    assert "Why: Readiness unknown: give study weeks" in " ".join(nothing.out.split())
    no_confidence = cli("check-step3", *facts, "--study-weeks", "8", "--practice-percent", "70")
    said = " ".join(no_confidence.out.split())
    assert "Why: Confidence not given: say whether you feel confident" in said
    assert "--confident or --not-confident, or step3_readiness.confident: true" in said
    said_no = cli(
        "check-step3", *facts, "--study-weeks", "8", "--practice-percent", "70", "--not-confident"
    )
    assert said_no.out.startswith("Step 3 verdict: WAIT: prepare more first")
    doc = json.loads(cli("check-step3", *facts, "-f", "json").out)
    assert doc["missing_answers"] is True


def test_step3_and_recommend_use_one_vocabulary_for_a_workable_score(cli):
    """228 is 'workable' in recommend and 'under the guide's aim', never 'already low', in
    check-step3."""
    out = cli(
        "check-step3", "--step1", "pass", "--step2", "228", "--ecfmg", "yes", "--study-weeks", "2"
    ).out
    assert "already" not in out and "under the guide's aim of 230–240" in out
