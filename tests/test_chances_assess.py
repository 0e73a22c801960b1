"""chances (public figures, derivation, limits) and assess (four elements, actions)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from imgplan.applications import eras_fee, nrmp_extra
from imgplan.chances import likelihood, percentile, separates
from imgplan.formats import profile_from
from imgplan.load.loading import load_profile
from imgplan.models.profile import Profile
from imgplan.models.record import as_dict
from imgplan.rules.portfolio import current_pgy, fellowship_readiness, strength

from conftest import PROFILES, golden, outcomes

TODAY = dt.date(2026, 11, 25)
FIGURES = outcomes()
SPECIALTIES = FIGURES.charting_outcomes.specialties
SEPARATING = [name for name, o in SPECIALTIES.items() if separates(o)]


def test_family_medicine_and_radiology_do_not_separate():
    assert set(SPECIALTIES) - set(SEPARATING) == {"family_medicine", "diagnostic_radiology"}
    fm = SPECIALTIES["family_medicine"]
    assert likelihood(200, fm) == likelihood(270, fm) == pytest.approx(599 / 1112)


@pytest.mark.parametrize("name", SEPARATING)
def test_likelihood_rises_with_the_score(name):
    o = SPECIALTIES[name]
    values = [likelihood(s, o) for s in range(180, 301)]
    assert all(b > a for a, b in zip(values, values[1:], strict=False))


@pytest.mark.parametrize("name", SEPARATING)
def test_likelihood_is_the_base_rate_between_the_medians(name):
    o = SPECIALTIES[name]
    middle = (o.step2_matched[1] + o.step2_unmatched[1]) / 2
    assert likelihood(middle, o) == pytest.approx(o.rate)
    assert likelihood(middle - 2, o) < o.rate < likelihood(middle + 2, o)


def test_pooled_median_neighbourhood():
    """At the pooled medians' midpoint (245) IM's likelihood is near the pooled base rate."""
    pooled = FIGURES.charting_outcomes.pooled
    assert pooled.matched / pooled.ranked == pytest.approx(0.49, abs=0.001)
    im = SPECIALTIES["internal_medicine"]
    midpoint = (pooled.step2_median_matched + pooled.step2_median_unmatched) / 2
    assert abs(likelihood(midpoint, im) - pooled.matched / pooled.ranked) < 0.05


@pytest.mark.parametrize("name", list(SPECIALTIES))
def test_percentiles_reproduce_the_published_quartiles(name):
    o = SPECIALTIES[name]
    for group in (o.step2_matched, o.step2_unmatched):
        q1, median, q3 = group[:3]
        assert percentile(q1, q1, median, q3) == pytest.approx(25, abs=1e-9)
        assert percentile(median, q1, median, q3) == pytest.approx(50, abs=1e-9)
        assert percentile(q3, q1, median, q3) == pytest.approx(75, abs=1e-9)


def test_fees():
    eras = FIGURES.fees.eras
    assert [eras_fee(n, eras) for n in (0, 10, 30, 31, 40)] == [0, 110, 330, 360, 630]
    nrmp = FIGURES.fees.nrmp
    assert [nrmp_extra(r, nrmp) for r in (15, 20, 21, 30)] == [0, 0, 30, 300]


def test_chances_json(cli):
    doc = json.loads(cli("chances", "profiles/borderline-informatics.yaml", "-f", "json").out)
    assert doc["format"] == 1 and doc["command"] == "chances"
    im = doc["specialties"][0]
    assert im["specialty"] == "internal_medicine" and im["match_rate"] == pytest.approx(
        0.485, abs=1e-3
    )
    assert im["percentile_matched"] < im["percentile_unmatched"] < 50
    assert im["likelihood"] < im["match_rate"]
    assert {"applications": 40, "fee_usd": 630} in im["eras_fees"]
    assert any(
        "Family Medicine Step 2 CK does not separate" in n for n in doc["specialties"][1]["notes"]
    )
    assert "Charting Outcomes" in doc["source"] and "Bayes" in doc["derivation"]
    assert any("no interview probabilities" in limit for limit in doc["limits"])


def test_us_img_is_told_the_figures_are_not_theirs(cli, tmp_path):
    text = (PROFILES / "strong-scores.yaml").read_text().replace("visa: j1", "visa: none")
    path = tmp_path / "us-img.yaml"
    path.write_text(text)
    doc = json.loads(cli("chances", str(path), "-f", "json").out)
    assert "US IMG" in doc["limits"][0] and "67.8%" in doc["limits"][0]


def test_planned_score_is_said(cli):
    out = cli("chances", "profiles/step2-planned.yaml").out
    assert "Step 2 CK not taken: figures use your planned target 240." in out


# assess ----------------------------------------------------------------------------------


def profile(name: str, **informatics) -> Profile:
    base = load_profile(PROFILES / f"{name}.yaml", TODAY)
    if not informatics:
        return base
    info = {**as_dict(base.informatics), **informatics}
    return profile_from({**as_dict(base), "informatics": info}, TODAY)


def actions(prof: Profile) -> list[str]:
    return [a.text for a in strength(prof).actions()]


def test_a_spreadsheet_only_portfolio_and_joining_amia_comes_first():
    s = strength(profile("step2-planned"))  # skills: [excel], nothing else
    assert s.score == 4  # Excel counts as an analytics skill (15 of the training element)
    assert actions(profile("step2-planned"))[0].startswith("Join AMIA")


@pytest.mark.parametrize(
    ("change", "gone"),
    [
        ({"memberships": ["AMIA"]}, "Join AMIA"),
        (
            {"mentors": [{"name": "x", "us_based": True, "informatics": True}]},
            "Find a US-based clinical-informatics mentor",
        ),
        ({"skills": ["sql"]}, "Learn an analytics language"),
        ({"certificates": [{"name": "AMIA 10x10"}]}, "Complete a health-IT certificate"),
        (
            {"scholarship": [{"kind": "poster", "title": "t", "venue": "AMIA"}]},
            "Submit a poster or abstract",
        ),
        ({"projects": [{"title": "t", "kind": "qi"}]}, "Start an informatics project"),
    ],
)
def test_each_action_rule_goes_away_when_met(change, gone):
    assert any(a.startswith(gone) for a in actions(profile("step2-planned")))
    assert not any(a.startswith(gone) for a in actions(profile("step2-planned", **change)))


def test_project_without_outcome_asks_for_a_measurement():
    prof = profile("step2-planned", projects=[{"title": "Alert audit", "kind": "cds"}])
    assert any(a.startswith("Measure an outcome of 'Alert audit'") for a in actions(prof))


def test_full_portfolio_has_no_actions_and_scores_100():
    s = strength(profile("borderline-informatics"))
    assert s.score == 100 and s.actions() == []


def test_strength_is_the_one_recommend_uses(cli):
    rec = json.loads(cli("recommend", "profiles/resident-pgy2.yaml", "-f", "json").out)
    ass = json.loads(cli("assess", "profiles/resident-pgy2.yaml", "-f", "json").out)
    assert rec["informatics_strength"] == ass["strength"] == 61  # with one informatics letter


def test_resident_readiness_by_pgy():
    prof = profile("resident-pgy2")
    assert current_pgy(prof, TODAY) == 2
    items = {(i.pgy, i.item.split(" ")[0]): i.met for i in fellowship_readiness(prof)}
    assert items[(2, "Lead")] is True
    assert items[(3, "Letters")] is False  # one informatics letter, aim for 2+


@pytest.mark.parametrize("name", ["resident-pgy2", "step2-planned"])
@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_golden_assess(cli, name, fmt):
    result = cli("assess", f"profiles/{name}.yaml", "--format", fmt)
    ext = {"table": "txt", "json": "json", "markdown": "md"}[fmt]
    golden(f"assess-{name}.{ext}", result.out)


@pytest.mark.parametrize("name", ["borderline-informatics", "needs-h1b"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_golden_chances(cli, name, fmt):
    result = cli(
        "chances",
        f"profiles/{name}.yaml",
        "--programs",
        "tests/data/programs-golden.yaml",
        "--format",
        fmt,
    )
    golden(f"chances-{name}.{'txt' if fmt == 'table' else 'json'}", result.out)


def test_chances_labels_its_own_reading_and_lists_this_profiles_risks(cli, tmp_path):
    """'Aim for N interviews' is imgplan's convention, the same goal as the application plan's
    (recommend --signals), and points to that plan; the risks the model leaves out are
    listed for this profile (a failed attempt, years since graduation, observership-only USCE,
    visa need) and not for a profile without them."""
    text = (PROFILES / "step1-failed-once.yaml").read_text()
    args = ["chances", str(PROFILES / "step1-failed-once.yaml"), "-f", "json", "--today", "2026-07-15"]
    doc = json.loads(cli(*args).out)
    notes = " ".join(n for s in doc["specialties"] for n in s["notes"])
    assert (
        "imgplan's convention, not a published rule: aim for 5 / 0.49 (the match rate) = 11"
        in notes
    )
    assert "recommend PROFILE --signals" in notes
    risks = [x for x in doc["limits"] if x.startswith("Not in the model, for you:")]
    assert any("a failed attempt (Step 1)" in r for r in risks), risks
    assert any("visa sponsorship" in r for r in risks) == ("visa: none" not in text)


def test_chances_in_the_interview_season_says_the_season_is_closed(cli):
    """After programs start reviewing applications, 'how many to apply to' is not given for
    the season whose applications are out; the next season is one flag away."""
    doc = json.loads(cli("chances", str(PROFILES / "step1-failed-once.yaml"), "-f", "json").out)
    notes = " ".join(n for s in doc["specialties"] for n in s["notes"])
    assert "How many to apply to" not in notes and "--signals" not in notes
    assert doc["closed"].startswith("Applications and signals for the 2027 Match went out")
    assert doc["closed"].endswith("To plan the next season: --season 2028.")


def test_a_residents_first_action_is_letters_from_informatics_leaders(cli):
    """For a PGY-2 the guide's fellowship essentials come before certificate points."""
    doc = json.loads(cli("assess", str(PROFILES / "resident-pgy2.yaml"), "-f", "json").out)
    assert doc["actions"][0]["action"].startswith(
        "Ask informatics leaders you work with (CMIO, CI faculty) for letters"
    )


def test_excel_and_simple_databases_count_as_analytics_skills():
    base = profile_from(
        {
            "format": 1,
            "graduation_year": 2022,
            "visa": "j1",
            "usmle": {"step2ck": {"score": 240}},
            "targets": {"specialties": ["IM"], "match_year": 2027},
        },
        TODAY,
    )
    with_skills = base.copy_with(
        informatics=base.informatics.copy_with(skills=["Excel", "Access databases", "MySQL"])
    )
    evidence = strength(with_skills).elements["training"].evidence
    assert "analytics skill: excel (+15)" in evidence
    assert strength(with_skills).score > strength(base).score


@pytest.mark.parametrize(
    ("n", "eras", "cas"),
    [(10, 110, 99), (30, 330, 315), (31, 360, 338), (60, 1230, 1005)],
)
def test_application_fees_follow_the_published_schedules(n, eras, cas):
    """ERAS from the 2026 season: $11 per program up to 30, then $30 (per specialty);
    ResidencyCAS (Emergency Medicine): $99 for 1-18, +$18 each to 30, +$23 each from 31."""
    from imgplan.applications import application_fee

    fees = FIGURES.fees
    assert application_fee(n, "internal_medicine", fees) == ("ERAS", eras)
    assert application_fee(n, "emergency_medicine", fees) == ("ResidencyCAS", cas)


def test_emergency_medicine_chances_use_residencycas(cli, tmp_path):
    text = (PROFILES / "strong-scores.yaml").read_text()
    em = tmp_path / "em.yaml"
    em.write_text(
        text.replace(
            "specialties: [internal_medicine, family_medicine]", "specialties: [emergency_medicine]"
        )
    )
    doc = json.loads(cli("chances", str(em), "-f", "json").out)
    (spec,) = doc["specialties"]
    assert spec["service"] == "ResidencyCAS" and spec["eras_fees"] is None
    assert "ResidencyCAS fees" in cli("chances", str(em)).out
