"""The application plan (issue #17): signals proposed or checked, how many to apply to, fees."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imgplan.formats import dataset_from, profile_from
from imgplan.load import bundled
from imgplan.load.loading import load_profile
from imgplan.plan import YIELD, application_plan
from imgplan.recommend import recommend

from conftest import PROFILES, reference

TODAY = dt.date(2026, 11, 25)
REF = reference()
OUTCOMES = bundled.outcomes(None)
SIGNALS = bundled.signals(None)


def person(specialties=("internal_medicine",), visa="j1", signals=None, **targets) -> object:
    data = {
        "format": 1,
        "name": "Test",
        "graduation_year": 2023,
        "ecfmg_certified": "2025-10-01",
        "visa": visa,
        "usmle": {
            "step1": {"result": "pass", "attempts": 1},
            "step2ck": {"score": 250, "attempts": 1, "date": "2025-07-10"},
            "step3": {"result": "none"},
        },
        "usce": [{"kind": "hands_on", "months": 3, "us_letter": True}],
        "targets": {
            "specialties": list(specialties),
            "match_year": 2027,
            **({"signals": signals} if signals is not None else {}),
            **targets,
        },
    }
    return profile_from(data, TODAY)


def programs(specs: list[dict]) -> object:
    return dataset_from(
        {
            "format": 1,
            "name": "test",
            "as_of": "2026-10-01",
            "source": "tests",
            "programs": [
                {
                    "id": f"p{n:03d}",
                    "name": f"Program {n}",
                    "specialty": "internal_medicine",
                    "visas": ["j1", "h1b"],
                    "img_share": 0.5,
                    "step2ck_min": 245,  # margin +5: target
                    "max_attempts": 2,
                    "yog_max_years": 10,
                    "usce": "not_required",
                    "ecfmg_by": "start",
                    **spec,
                }
                for n, spec in enumerate(specs)
            ],
        }
    )


def plan_for(prof, data):
    rec = recommend(prof, data, REF, TODAY)
    return rec, application_plan(rec, prof, OUTCOMES, SIGNALS)


def _visa_rules_out(prof, program) -> bool:
    need = str(prof.visa)
    if need == "none" or program.visas is None:
        return False
    allowed = {str(v) for v in program.visas}
    return not allowed & ({"j1", "h1b"} if need == "any" else {need})


# Proposals ----------------------------------------------------------------------------------

SPEC = st.fixed_dictionaries(
    {
        "visas": st.sampled_from([None, [], ["j1"], ["h1b"], ["j1", "h1b"]]),
        "step2ck_min": st.integers(225, 262),
        "img_share": st.sampled_from([None, 0.05, 0.3, 0.6]),
        "informatics": st.sampled_from([{}, {"ci_fellowship": "in_house"}]),
    }
)


@given(specs=st.lists(SPEC, min_size=0, max_size=40), visa=st.sampled_from(["j1", "h1b", "none"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_signal_to_a_program_whose_known_visa_policy_excludes_and_never_over_the_allowance(
    specs, visa
):
    prof = person(visa=visa)
    data = programs(specs)
    rec, plan = plan_for(prof, data)
    (im,) = plan.specialties
    listed = {a.program.id for a in rec.included}
    for s in im.signals:
        assert not _visa_rules_out(prof, s.program), s.program
        assert s.program_id in listed
        if s.program.visas is None and visa != "none":
            assert any("visa policy is unknown" in w for w in s.warnings)
    gold = sum(s.tier == "gold" for s in im.signals)
    silver = sum(s.tier == "silver" for s in im.signals)
    assert gold <= im.allowance.gold == 3 and silver <= im.allowance.silver == 12
    # gold goes first: never a silver while a gold slot is left
    assert silver == 0 or gold == 3
    assert len(im.signals) == min(15, len(listed))


def test_known_visa_programs_come_before_unknown_ones_and_targets_before_safeties():
    prof = person(visa="h1b")
    data = programs(
        [{"visas": None}] * 3  # unknown policy: last
        + [{"step2ck_min": 230}] * 3  # safety (margin +20)
        + [{}] * 2  # target
        + [{"visas": ["j1"]}] * 5  # excludes an H-1B applicant
    )
    _, plan = plan_for(prof, data)
    order = [(s.program_id, s.tier, s.list_tier) for s in plan.specialties[0].signals]
    assert [x[0] for x in order[:2]] == ["p006", "p007"]  # the targets, gold
    assert [x[1] for x in order[:3]] == ["gold", "gold", "gold"]
    assert {x[0] for x in order[2:5]} == {"p003", "p004", "p005"}  # then the safeties
    assert {x[0] for x in order[5:]} == {"p000", "p001", "p002"}  # unknown visa policy last
    assert not {"p008", "p009", "p010", "p011", "p012"} & {x[0] for x in order}


def test_single_tier_specialty_gets_its_count():
    prof = person(specialties=("family_medicine",))
    data = programs([{"specialty": "family_medicine"}] * 9)
    _, plan = plan_for(prof, data)
    fm = plan.specialties[0]
    assert fm.allowance.single == 5 and fm.allowance.carried_from == 2026
    assert [s.tier for s in fm.signals] == ["signal"] * 5
    assert any("carried forward: verify" in n for n in fm.notes)


def test_emergency_medicine_uses_residencycas_unknown_count_and_fees():
    prof = person(specialties=("emergency_medicine",))
    data = programs([{"specialty": "emergency_medicine"}] * 30)
    _, plan = plan_for(prof, data)
    em = plan.specialties[0]
    assert em.allowance.service == "ResidencyCAS" and not em.allowance.known
    assert em.signals == []
    assert any("signal count unknown — verify" in n for n in em.notes)
    assert any("once verified, use this order" in n for n in em.notes)
    assert em.service == "ResidencyCAS"
    assert em.fee == 99 + 12 * 18  # 30 programs: $99 up to 18, +$18 each for 19-30
    assert plan.transcripts == [("ResidencyCAS", 80)]


# How many, and the fee --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("specialty", "n", "fee"),
    [
        ("internal_medicine", 10, 110),
        ("internal_medicine", 30, 330),
        ("internal_medicine", 31, 360),
        ("internal_medicine", 60, 330 + 30 * 30),
        ("emergency_medicine", 10, 99),
        ("emergency_medicine", 30, 99 + 12 * 18),
        ("emergency_medicine", 31, 99 + 12 * 18 + 23),
        ("emergency_medicine", 60, 99 + 12 * 18 + 30 * 23),
    ],
)
def test_plan_total_matches_the_published_fee_schedules(specialty, n, fee):
    """n target programs on the list, all suggested (the goal needs more), so the plan applies
    to n: ERAS $11 for 1-30 and $30 from 31; ResidencyCAS $99 to 18, +$18, +$23; plus the
    $80 USMLE transcript; no extra NRMP ranks under 20."""
    prof = person(specialties=(specialty,))
    _, plan = plan_for(prof, programs([{"specialty": specialty}] * n))
    s = plan.specialties[0]
    assert s.applications == n and [t.suggested for t in s.tiers] == [0, n, 0, 0]
    assert s.fee == fee
    assert plan.ranks == round(n * YIELD["target"] + 0.4999)
    assert plan.total == fee + 80 + plan.nrmp_extra
    assert plan.nrmp_extra == max(0, plan.ranks - 20) * 30


def test_goal_comes_from_ranks_and_match_rate_and_safeties_count_first():
    prof = person()
    _, plan = plan_for(prof, programs([{"step2ck_min": 230}] * 100 + [{}] * 100))
    im = plan.specialties[0]
    figures = OUTCOMES.charting_outcomes.specialties["internal_medicine"]
    goal = -(-figures.ranks[0] * figures.ranked // figures.matched)  # ceil(ranks / rate)
    assert im.interviews_goal == goal == 11
    safety, target, unknown, reach = im.tiers
    assert safety.suggested == 55 and target.suggested == 0  # 55 x 0.20 = 11
    assert target.available == 100 and unknown.available == 0
    assert im.shortfall is None and "imgplan's convention" in im.goal_why


def test_a_short_list_says_so():
    _, plan = plan_for(person(), programs([{}] * 4))
    assert "expected interviews of the 11" in plan.specialties[0].shortfall


# Checking the profile's own signals ---------------------------------------------------------


def test_chosen_signals_are_checked_not_proposed():
    chosen = [
        {"program": "p000", "tier": "gold"},
        {"program": "p001", "tier": "gold"},  # excludes a J-1 applicant: wasted
        {"program": "p002", "tier": "gold"},
        {"program": "p003", "tier": "gold"},  # a fourth gold
        {"program": "p004", "tier": "silver"},  # visa policy unknown
        {"program": "nope", "tier": "silver"},
        {"program": "p000", "tier": "silver"},
        {"program": "p005"},  # IM needs a tier
    ]
    prof = person(signals=chosen)
    data = programs([{}, {"visas": ["h1b"]}, {}, {"step2ck_min": 230}, {"visas": None}, {}])
    _, plan = plan_for(prof, data)
    im = plan.specialties[0]
    assert im.checked and [s.program_id for s in im.signals] == [c["program"] for c in chosen]
    w = {n: s.warnings for n, s in enumerate(im.signals)}
    assert w[0] == []
    assert w[1][0].startswith("WASTED: this program's visa policy rules you out")
    assert any("would probably interview you anyway" in x for x in w[3])
    assert any("visa policy is unknown" in x for x in w[4])
    assert w[5] == ["not in the dataset: check the id (`imgplan programs list`)"]
    assert w[6] == ["listed twice: one program takes one signal"]
    assert any("say which (tier: gold | silver)" in x for x in w[7])
    assert "4 gold signals chosen, the season allows 3: remove 1" in im.notes


def test_recommend_signals_in_every_format(cli, tmp_path):
    """Before programs start reviewing applications (the building phase), --signals
    proposes the plan in every format."""
    args = ["recommend", str(PROFILES / "strong-scores.yaml"), "--signals", "--today", "2026-07-15"]
    table = cli(*args)
    assert table.code == 0 and "Signals and the application plan (Match 2027)" in table.out
    assert "Total for the plan: $" in table.out
    doc = json.loads(cli(*args, "-f", "json").out)
    assert [s["specialty"] for s in doc["signals"]] == ["internal_medicine", "family_medicine"]
    assert doc["signals"][0]["mode"] == "proposed"
    assert doc["application_plan"]["total"] == (
        sum(s["fee"] for s in doc["application_plan"]["specialties"])
        + sum(t["fee"] for t in doc["application_plan"]["transcripts"])
        + doc["application_plan"]["nrmp_extra_rank_fee"]
    )
    gold = {s["program"] for s in doc["signals"][0]["signals"] if s["tier"] == "gold"}
    rows = cli(*args, "-f", "csv").out.splitlines()
    assert rows[0].split(",")[-1] == "signal"
    assert {r.split(",")[1] for r in rows[1:] if r.endswith(",gold")} == gold
    md = cli(*args, "-f", "markdown").out
    assert "## Signals and the application plan" in md
    plain = cli("recommend", str(PROFILES / "strong-scores.yaml"), "-f", "json").out
    assert "signals" not in json.loads(plain)


def test_bundled_profiles_never_signal_an_excluding_program():
    from imgplan.load.loading import load_dataset

    data = load_dataset(bundled.data_path("example-programs.yaml"), TODAY)
    for name in ("strong-scores", "needs-h1b", "step1-failed-once", "borderline-informatics"):
        prof = load_profile(PROFILES / f"{name}.yaml", TODAY)
        _, plan = plan_for(prof, data)
        for s in plan.specialties:
            for x in s.signals:
                assert not _visa_rules_out(prof, x.program)
