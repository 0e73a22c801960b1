"""The rule registry, and rules pinned one by one: each test fails if its rule is deleted or
its threshold moved (found by benchmarks/mutants.py)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from imgplan.formats import profile_from
from imgplan.rules.context import Context
from imgplan.rules.registry import RULES, rule

from conftest import PROFILES, ROOT, calendar, reference, signals

TODAY = dt.date(2026, 11, 25)
BASE = {
    "format": 1,
    "graduation_year": 2022,
    "ecfmg_certified": True,
    "visa": "j1",
    "usmle": {"step1": {"result": "pass", "attempts": 1}, "step2ck": {"score": 240}},
    "usce": [{"kind": "hands_on", "months": 3}],
    "targets": {"specialties": ["internal_medicine"], "match_year": 2027},
}


def person(**changes):
    return profile_from({**BASE, **changes}, TODAY)


def found(profile, rule_id: str):
    from imgplan.rules.profile_findings import profile_findings

    hits = [
        f for f in profile_findings(Context.of(profile, reference(), TODAY)) if f.rule == rule_id
    ]
    return (hits[0].status, hits[0].message) if hits else None


# The registry -------------------------------------------------------------------------


def test_an_id_is_registered_once():
    with pytest.raises(ValueError, match="registered twice"):
        rule("visa", "screen", "a second rule with the id of the visa screen")


def test_every_rule_has_a_family_and_a_doc():
    for r in RULES.values():
        assert r.family in {"screen", "profile", "ranking", "step3", "plan", "timeline"}
        assert len(r.doc) > 20, r.id


def test_every_registered_rule_is_used_by_the_code():
    """A registered id whose constant no rule module uses is a dead rule."""
    import imgplan.rules.registry as registry

    src = "\n".join(
        p.read_text() for p in (ROOT / "src" / "imgplan").rglob("*.py") if p.name != "registry.py"
    )
    for name, value in vars(registry).items():
        if name.isupper() and isinstance(value, str) and value in RULES:
            assert re.search(rf"\b{name}\b", src), f"{name} ({value}) is never used"


def test_no_rule_id_is_written_as_a_bare_string():
    """Findings name their rule by its constant, so the registry sees every id."""
    for path in (ROOT / "src" / "imgplan").rglob("*.py"):
        assert not re.search(r'Finding\(\s*"', path.read_text()), path


def _rules_in(doc) -> set[str]:
    out = set()
    if isinstance(doc, dict):
        if isinstance(doc.get("rule"), str):
            out.add(doc["rule"])
        for value in doc.values():
            out |= _rules_in(value)
    elif isinstance(doc, list):
        for value in doc:
            out |= _rules_in(value)
    return out


@pytest.mark.parametrize("name", sorted(p.stem for p in PROFILES.glob("*.yaml")))
def test_every_rule_id_in_an_output_is_registered(cli, name):
    path = str(PROFILES / f"{name}.yaml")
    seen: set[str] = set()
    for args in (
        ("recommend", path, "--format", "json", "--unlock"),
        ("check-step3", path, "--format", "json"),
    ):
        result = cli(*args)
        assert result.code in (0, 1), result.err
        seen |= _rules_in(json.loads(result.out))
    assert seen and seen <= set(RULES), seen - set(RULES)


# Profile findings pinned ------------------------------------------------------------------


def test_step1_passed():
    assert found(person(), "step1-passed") is None
    usmle = {"step2ck": {"score": 240}}
    assert found(person(usmle=usmle), "step1-passed") == (
        "warn",
        "Your profile has no Step 1 result; ECFMG certification needs Step 1 passed.",
    )
    failed = {"step1": {"result": "fail", "attempts": 1}, "step2ck": {"score": 240}}
    assert found(person(usmle=failed, ecfmg_certified=False), "step1-passed") == (
        "fail",
        "Step 1 is not passed yet: ECFMG certification, and so the Match, needs it.",
    )


def test_ecfmg_status():
    assert found(person(), "ecfmg-status") is None
    assert found(person(ecfmg_certified=False), "ecfmg-status") == (
        "info",
        "Not ECFMG certified yet: ECFMG must confirm your exams to the NRMP by the rank-list "
        "deadline or you are withdrawn from the Match; programs that want it at application "
        "are excluded.",
    )


def test_usce_status():
    assert found(person(), "usce-status") is None
    research_only = [{"kind": "research", "months": 12}]
    assert found(person(usce=research_only), "usce-status") == (
        "warn",
        "No clinical US experience (research does not count here): programs that require "
        "USCE are excluded.",
    )


def test_graduation_age_threshold_is_five_years():
    assert found(person(graduation_year=2022), "graduation-age") is None  # 5 years
    assert found(person(graduation_year=2021), "graduation-age") == (
        "warn",
        "You will be 6 years from graduation at the 2027 Match; cutoffs are often 5 years or "
        "less, trending to 3.",
    )


# Screens pinned ---------------------------------------------------------------------------


def test_freshness_flags_only_figures_over_the_limit():
    from imgplan.formats import program_from
    from imgplan.rules.screens import freshness

    ctx = Context.of(person(), reference(), TODAY)
    limit = reference()["stale_months"]
    program = program_from({"id": "x", "name": "X", "specialty": "internal_medicine"})
    at_limit = dt.date(2026 - limit // 12, 11 - limit % 12, 1)
    assert freshness(ctx, program, at_limit).status == "ok"
    over = dt.date(at_limit.year, at_limit.month - 1, 1)
    finding = freshness(ctx, program, over)
    assert finding.status == "warn"
    assert finding.message == (
        f"Figures are stale: dataset dated {over.isoformat()}, {limit + 1} months ago (over "
        f"{limit}); verify on the program's site."
    )


# Timeline rules pinned --------------------------------------------------------------------


def test_j1_over_the_cap_is_warned():
    from imgplan.timeline import build

    cal = calendar()
    cap = reference()["j1_cap_years"]
    fits = cal.copy_with(residency_years={"internal_medicine": cap - cal.fellowship_years})
    over = cal.copy_with(residency_years={"internal_medicine": cap - cal.fellowship_years + 1})
    assert not [
        w
        for w in build(person(), reference(), fits, TODAY, signals=signals()).warnings
        if "J-1" in w
    ]
    years = cap + 1
    assert f"J-1: {years} years of training exceed the {cap}-year cap." in (
        build(person(), reference(), over, TODAY, signals=signals()).warnings
    )


def test_pinned_rules_cover_the_mutation_script_targets():
    """benchmarks/mutants.py lists these rules' mutants; keep the two in step."""
    text = (ROOT / "benchmarks" / "mutants.py").read_text()
    for target in ("step1_passed", "ecfmg_status", "usce_status", "graduation_age", "freshness"):
        assert target in text


def test_step3_unknown_ecfmg_says_how_to_give_it():
    """An unknown certification is not read as 'not certified': the reason says it is not
    given and how to give it."""
    from imgplan.rules.step3 import Step3Facts, decide

    facts = Step3Facts(step1="pass", step2=245, ecfmg=None, visa="j1")
    verdict = decide(facts, reference(), TODAY)
    assert verdict.verdict == "not-eligible"
    assert [r.message for r in verdict.reasons if r.rule == "step3-ecfmg"] == [
        "Get ECFMG certified: certification is not given (--ecfmg yes|no), and IMGs need it "
        "to register for Step 3."
    ]
    assert verdict.changes == ["Get ECFMG certified"]


def test_step2_level_judges_a_score_by_its_test_date():
    """216 taken on 2025-03-01 passed (214 then); never called 'below the passing score 218'."""
    march = {
        "step1": {"result": "pass", "attempts": 1},
        "step2ck": {"score": 216, "date": "2025-03-01"},
    }
    status, message = found(person(usmle=march), "step2ck-level")
    assert "fail" not in message.split(":")[0] and "passing score" not in message
    september = {**march, "step2ck": {"score": 216, "date": "2025-09-01"}}
    assert found(person(usmle=september), "step2ck-level") == (
        "fail",
        "Step 2 CK 216 (taken 2025-09-01) is under the passing score (the passing score on "
        "2025-09-01 was 218): a failed attempt, and no ECFMG certificate, no Step 3 and no "
        "Match until a retake passes. Plan the retake (usmle.step2ck.planned and target).",
    )
    undated = {**march, "step2ck": {"score": 216}}
    status, message = found(person(usmle=undated), "step2ck-level")
    assert status == "warn" and message.startswith(
        "Whether Step 2 CK 216 is a pass depends on the test date: with no test date it passes "
        "under 209 (from 2014-07-01), 214 (from 2022-07-01) but not under 218"
    )


def test_certified_with_a_failed_step1_is_contradictory(cli, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "format: 1\ngraduation_year: 2022\necfmg_certified: true\nvisa: j1\nusmle:\n"
        "  step1: {result: fail, attempts: 1}\n  step2ck: {score: 230}\n"
        "targets: {specialties: [IM], match_year: 2027}\n"
    )
    result = cli("validate", str(path))
    assert result.code == 1
    assert result.out == (
        f"{path}:6:3: usmle: step1 is a fail (never passed) but ecfmg_certified says "
        "certified, which needs Step 1 passed; expected step1: {result: pass, attempts: N} if "
        "a later attempt passed, or ecfmg_certified: false\n"
    )


def test_missing_attempt_count_is_unknown_not_a_first_attempt_pass(cli, tmp_path):
    """`step1: {result: pass}` with no attempts is never 'every Step passed on the first
    attempt': programs with an attempt limit become 'verify', and validate warns."""
    from imgplan.formats import program_from
    from imgplan.rules.screens import attempts

    usmle = {"step1": {"result": "pass"}, "step2ck": {"score": 240, "attempts": 1}}
    profile = person(usmle=usmle)
    assert profile.max_attempts is None
    ctx = Context.of(profile, reference(), TODAY)
    limited = program_from(
        {"id": "x", "name": "X", "specialty": "internal_medicine", "max_attempts": 1}
    )
    finding = attempts(ctx, limited, TODAY)
    assert (finding.status, finding.message) == (
        "verify",
        "Attempt policy: at most 1 per Step; your Step 1 attempt count is not in the profile "
        "(add usmle.*.attempts).",
    )
    any_policy = program_from(
        {"id": "y", "name": "Y", "specialty": "internal_medicine", "max_attempts": 4}
    )
    assert attempts(ctx, any_policy, TODAY).status == "ok"
    assert found(profile, "red-flag") is None
    path = tmp_path / "p.yaml"
    path.write_text(
        "format: 1\ngraduation_year: 2022\necfmg_certified: true\nvisa: j1\nusmle:\n"
        "  step1: {result: pass}\n  step2ck: {score: 240, attempts: 1}\n"
        "targets: {specialties: [IM], match_year: 2027}\n"
    )
    result = cli("validate", str(path))
    assert result.code == 0
    assert result.out.splitlines()[1] == (
        f"{path}:6:3: usmle.step1: warning: no attempts given for Step 1; it is read as "
        "unknown, not a first-attempt pass, so programs with an attempt limit are 'verify' "
        "(add attempts: N, the passing attempt included)"
    )


def test_step1_fail_with_ecfmg_flags_invent_no_attempt_count(cli):
    result = cli("check-step3", "--step1", "fail", "--ecfmg", "yes", "--step2", "226", "-f", "json")
    doc = json.loads(result.out)
    text = " ".join(r["message"] for r in doc["reasons"])
    assert "2 attempts" not in text and "took" not in text.split("Step 1 was failed")[0]
    assert "read as passed after at least one failed attempt" in text


def test_survey_figures_come_from_the_reference_data_with_their_editions():
    """74.1% (NRMP PD Survey 2021) and 30% (2018, not 2021) are data, cited with editions."""
    ref = reference()
    assert ref.cite("pd_failed_attempt_percent").endswith("(2021; secondary)")
    assert "2018" in ref.cite("pd_step1_fail_refuse_percent")
    usmle = {"step1": {"result": "pass", "attempts": 2}, "step2ck": {"score": 240, "attempts": 1}}
    _, message = found(person(usmle=usmle), "red-flag")
    assert (
        "74.1% of program directors cite failed attempts (NRMP Program Director Survey 2021"
        in message
    )
    assert (
        "about 30% would not consider a first-attempt Step 1 failure (NRMP Program Director Survey 2018"
        in message
    )
    changed = ref.copy_with(
        figures={
            **ref.figures,
            "pd_failed_attempt_percent": ref.figures["pd_failed_attempt_percent"].copy_with(
                value=70
            ),
        }
    )
    ctx = Context.of(person(usmle=usmle), changed, TODAY)
    from imgplan.rules.profile_findings import red_flags

    assert "70% of program directors" in red_flags(ctx).message


def test_tiers_are_labelled_as_no_promise(cli):
    out = " ".join(cli("recommend", "profiles/strong-scores.yaml").out.split())
    assert (
        "Tier compares your Step 2 CK with this program's figures only; it is not a promise" in out
    )


def test_every_listed_mutant_still_applies_to_one_place():
    """A refactor that moves a rule's code must update its mutant (or the mutant silently
    tests nothing)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mutants", ROOT / "benchmarks" / "mutants.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, file, old, _new in module.MUTANTS:
        assert (ROOT / file).read_text().count(old) == 1, name
