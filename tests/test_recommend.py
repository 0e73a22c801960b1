"""recommend and explain: each rule, unknown fields, the exception, invariants, golden outputs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imgplan.formats import dataset_from, profile_from, program_from
from imgplan.load.loading import load_dataset, load_profile
from imgplan.models import vocab
from imgplan.models.profile import Profile, Usce
from imgplan.models.programs import Dataset, Program
from imgplan.models.record import as_dict
from imgplan.recommend import assess, recommend, with_overrides
from imgplan.rules.context import Context
from imgplan.rules.findings import STATUSES
from imgplan.rules.portfolio import strength

from conftest import DATA, PROFILES, golden, reference

TODAY = dt.date(2026, 11, 25)
REF = reference()
GOLDEN_PROGRAMS = DATA / "programs-golden.yaml"


def profile(name: str) -> Profile:
    return load_profile(PROFILES / f"{name}.yaml", TODAY)


def program(**fields) -> Program:
    return program_from({"id": "p", "name": "P", "specialty": "internal_medicine", **fields})


def findings(prof: Profile, prog: Program) -> dict[str, tuple[str, str]]:
    a = assess(Context.of(prof, REF, TODAY), prog, dt.date(2026, 10, 1))
    return {f.rule: (f.status, f.message) for f in a.findings}


# Each screen ---------------------------------------------------------------------------


def test_specialty_screen():
    strong = profile("strong-scores")
    assert findings(strong, program())["specialty"][0] == "ok"
    status, message = findings(strong, program(specialty="pathology"))["specialty"]
    assert status == "fail"
    assert message == (
        "Pathology is not among your target specialties (Internal Medicine, Family Medicine)."
    )


@pytest.mark.parametrize(
    ("visa", "visas", "step3", "expected"),
    [
        ("j1", ["j1"], "none", "ok"),
        ("j1", ["h1b"], "none", "fail"),
        ("j1", [], "none", "fail"),
        ("j1", None, "none", "verify"),
        ("h1b", ["h1b"], "none", "conditional"),
        ("h1b", ["h1b"], "pass", "ok"),
        ("any", ["h1b"], "none", "conditional"),
        ("any", ["j1", "h1b"], "none", "ok"),
        ("none", [], "none", "ok"),
    ],
)
def test_visa_screen(visa, visas, step3, expected):
    prof = profile("strong-scores").copy_with(**{"visa": visa})
    if step3 == "pass":
        prof = with_overrides(prof, step3_pass=True)
    fields = {} if visas is None else {"visas": visas}
    assert findings(prof, program(**fields))["visa"][0] == expected


def test_graduation_screen():
    strong = profile("strong-scores")  # graduated 2023, match 2027: 4 years
    assert findings(strong, program(yog_max_years=4))["graduation"][0] == "ok"
    status, message = findings(strong, program(yog_max_years=3))["graduation"]
    assert status == "fail"
    assert message == "Graduated 4 years before the 2027 Match; the program accepts at most 3."
    assert findings(strong, program())["graduation"][0] == "verify"


def test_attempts_screen_counts_a_failed_step():
    failed = profile("step1-failed-once")
    status, message = findings(failed, program(max_attempts=1))["attempts"]
    assert status == "fail"
    assert message == "Takes first-attempt passes only; you needed 2 attempts at a Step."
    assert findings(failed, program(max_attempts=2))["attempts"][0] == "ok"
    assert findings(failed, program())["attempts"][0] == "verify"
    assert findings(profile("strong-scores"), program())["attempts"][0] == "ok"


def test_step2ck_screen_and_unknown_minimum():
    strong = profile("strong-scores")  # 252
    assert findings(strong, program(step2ck_min=252))["step2ck"] == (
        "ok",
        "Step 2 CK 252 meets the minimum 252 (+0).",
    )
    assert findings(strong, program(step2ck_min=253))["step2ck"][0] == "fail"
    status, message = findings(strong, program(step2ck_preferred=240))["step2ck"]
    assert status == "verify" and "it prefers 240" in message


def test_planned_step2_is_used_and_said():
    planned = profile("step2-planned")  # target 240
    status, message = findings(planned, program(step2ck_min=235))["step2ck"]
    assert status == "ok"
    assert message == "your planned Step 2 CK target 240 meets the minimum 235 (+5) (planned)."
    rec = recommend(planned, load_dataset(GOLDEN_PROGRAMS, TODAY), REF, TODAY)
    assert any(f.rule == "step2ck-planned" for f in rec.findings)


def test_usce_screen():
    strong = profile("strong-scores")  # 3 hands-on + 1 observership = 4 months
    assert findings(strong, program(usce="required", usce_min_months=3))["usce"] == (
        "ok",
        "Requires 3 months of USCE; you have 3 months of hands-on USCE and 1 month of observership.",
    )
    # Only the observership would meet it: many programs do not count observerships.
    assert findings(strong, program(usce="required", usce_min_months=4))["usce"] == (
        "verify",
        "Requires 4 months of USCE; you have 3 months of hands-on USCE and 1 month of observership. "
        "Only with the observership would you meet it, and many programs do not count "
        "observerships: verify on the program's site.",
    )
    assert findings(strong, program(usce="required", usce_min_months=5))["usce"][0] == "fail"
    none = with_overrides(strong, usce_months=0)
    assert findings(none, program(usce="required"))["usce"][0] == "fail"
    assert findings(none, program(usce="preferred"))["usce"][0] == "warn"
    assert findings(strong, program())["usce"][0] == "verify"


def test_observership_only_is_not_clinical_usce():
    """Four months of observership only: never 'you have 4 months of clinical USCE'; a
    program requiring USCE is 'verify' at best, and a profile finding explains why."""
    obs = with_overrides(profile("strong-scores"), usce_months=0).copy_with(
        usce=[Usce(kind=vocab.UsceKind.observership, months=4)]
    )
    status, message = findings(obs, program(usce="required", usce_min_months=3))["usce"]
    assert (
        status == "verify" and "0 months of hands-on USCE and 4 months of observership" in message
    )
    assert findings(obs, program(usce="required", usce_min_months=6))["usce"][0] == "fail"
    rec = recommend(obs, load_dataset(GOLDEN_PROGRAMS, TODAY), REF, TODAY)
    (usce,) = [f for f in rec.findings if f.rule == "usce-status"]
    assert usce.message.startswith(
        "You have 4 months of observership but no hands-on US clinical experience."
    )


def test_ecfmg_screen():
    planned = profile("step2-planned")  # not certified
    assert findings(planned, program(ecfmg_by="application"))["ecfmg"][0] == "fail"
    assert findings(planned, program(ecfmg_by="rank_list"))["ecfmg"][0] == "warn"
    assert findings(planned, program())["ecfmg"][0] == "verify"
    assert findings(profile("strong-scores"), program(ecfmg_by="application"))["ecfmg"][0] == "ok"


def test_stale_figures_flagged():
    status, message = findings(profile("strong-scores"), program(verified="2025-04-30"))[
        "freshness"
    ]
    assert status == "warn"
    assert message.startswith("Figures are stale: verified 2025-04-30, 19 months ago")
    assert (
        findings(profile("strong-scores"), program(verified="2025-06-01"))["freshness"][0] == "ok"
    )


def test_all_unknown_program_is_kept_with_verify_findings():
    a = assess(Context.of(profile("strong-scores"), REF, TODAY), program(), dt.date(2026, 10, 1))
    assert not a.excluded
    assert {"visa", "graduation", "step2ck", "usce"} <= set(a.flags)
    assert a.margin is None and a.components["competitiveness"] is None


# The guide's exception -----------------------------------------------------------------


def test_exception_kept_as_reach_and_says_both_facts():
    border = profile("borderline-informatics")  # 223, exceptional portfolio
    prog = program(step2ck_min=227, informatics={"ci_fellowship": "in_house"})
    a = assess(Context.of(border, REF, TODAY), prog, dt.date(2026, 10, 1))
    assert (a.excluded, a.status, a.tier) == (False, "exception", "reach")
    message = dict((f.rule, f.message) for f in a.findings)["step2ck"]
    assert "4 points under the minimum 227" in message
    assert "in-house CI fellowship" in message and "exceptional" in message


def test_no_exception_without_strong_informatics_or_portfolio_or_beyond_a_few_points():
    border = profile("borderline-informatics")
    plain = program(step2ck_min=227, informatics={"ci_fellowship": "none"})
    assert findings(border, plain)["step2ck"][0] == "fail"
    far = program(step2ck_min=229, informatics={"informatics_track": True})
    assert findings(border, far)["step2ck"][0] == "fail"  # 6 points under
    weak = profile("needs-h1b").copy_with(**{"visa": "j1"})  # 232, modest portfolio
    near = program(step2ck_min=235, informatics={"ci_fellowship": "in_house"})
    status, message = findings(weak, near)["step2ck"]
    assert status == "fail" and "would keep it as an exception" in message


# Profile findings, what-if, unlock ---------------------------------------------------


def test_profile_findings():
    rules = {
        f.rule: f
        for f in recommend(
            profile("low-step1-legacy"), load_dataset(GOLDEN_PROGRAMS, TODAY), REF, TODAY
        ).findings
    }
    assert rules["step1-gap"].status == "ok" and "27 points higher" in rules["step1-gap"].message
    failed = recommend(
        profile("step1-failed-once"), load_dataset(GOLDEN_PROGRAMS, TODAY), REF, TODAY
    )
    flag = next(f for f in failed.findings if f.rule == "red-flag")
    assert "Step 1 (2 attempts)" in flag.message and "strong letters" in flag.message
    border = recommend(
        profile("borderline-informatics"), load_dataset(GOLDEN_PROGRAMS, TODAY), REF, TODAY
    )
    level = next(f for f in border.findings if f.rule == "step2ck-level")
    assert level.status == "warn" and "230–240" in level.message


def test_step3_pointer_when_h1b_only_programs():
    rec = recommend(profile("needs-h1b"), load_dataset(GOLDEN_PROGRAMS, TODAY), REF, TODAY)
    pointer = next(f for f in rec.findings if f.rule == "step3-pointer")
    assert "check-step3" in pointer.message


def test_whatif_and_unlock(cli):
    base = json.loads(
        cli(
            "recommend",
            "profiles/borderline-informatics.yaml",
            "--programs",
            str(GOLDEN_PROGRAMS),
            "-f",
            "json",
            "--unlock",
        ).out
    )
    more = json.loads(
        cli(
            "recommend",
            "profiles/borderline-informatics.yaml",
            "--programs",
            str(GOLDEN_PROGRAMS),
            "-f",
            "json",
            "--step2",
            "250",
            "--usce-months",
            "4",
        ).out
    )
    ids = {p["id"] for p in base["programs"]}
    assert ids < {p["id"] for p in more["programs"]}
    assert "im-very-high-cutoff" in {p["id"] for p in more["programs"]}
    assert "peds-usce-required" in {p["id"] for p in more["programs"]}
    unlock = {u["change"]: u["opens"] for u in base["unlock"]}
    # The profile's Step 2 CK 223 is taken: never suggested as a change (no retaking a
    # passed Step); the note says what the levers are instead.
    assert unlock == {
        "4 months of hands-on US clinical experience": 1,
        "Able to train on either visa (J-1 or H-1B)": 1,
    }
    assert not any("Step 2 CK" in change for change in unlock)
    assert base["unlock_note"].startswith(
        "Your Step 2 CK 223 is taken: USMLE does not allow retaking a passed Step"
    )


def test_unlock_aims_a_planned_step2_target(cli, tmp_path):
    """For a Step 2 CK not yet taken, aiming higher is exactly the right lever."""
    text = (PROFILES / "step2-planned.yaml").read_text().replace("target: 240", "target: 222")
    planned = tmp_path / "planned.yaml"
    planned.write_text(text)
    result = json.loads(cli("recommend", str(planned), "-f", "json", "--unlock").out)
    changes = [u["change"] for u in result["unlock"]]
    assert any(c.startswith("Aim for Step 2 CK ") for c in changes), changes
    assert result["unlock_note"] is None


def test_filters_and_fail_if_empty(cli):
    args = (
        "recommend",
        "profiles/strong-scores.yaml",
        "--programs",
        str(GOLDEN_PROGRAMS),
        "-f",
        "json",
    )
    doc = json.loads(cli(*args, "--state", "new york", "--specialty", "IM").out)
    assert {p["state"] for p in doc["programs"]} == {"NY"}
    assert len(json.loads(cli(*args, "--top", "2").out)["programs"]) == 2
    assert cli(*args, "--specialty", "neurology", "--fail-if-empty").code == 1
    assert cli(*args, "--specialty", "cardiology").code == 2


def test_explain_unknown_program_id(cli):
    result = cli(
        "explain", "profiles/strong-scores.yaml", "im-ful-fit", "--programs", str(GOLDEN_PROGRAMS)
    )
    assert result.code == 2 and "did you mean 'im-full-fit'?" in result.err


def test_example_banner_everywhere(cli):
    for fmt in ("table", "markdown"):
        out = cli("recommend", "profiles/strong-scores.yaml", "-f", fmt).out
        assert "EXAMPLE DATA" in out
    doc = json.loads(cli("recommend", "profiles/strong-scores.yaml", "-f", "json").out)
    assert doc["dataset"]["example"] is True and "fictional" in doc["dataset"]["notice"]


# Golden outputs ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["strong-scores", "borderline-informatics"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_golden_recommend(cli, name, fmt):
    result = cli(
        "recommend",
        f"profiles/{name}.yaml",
        "--programs",
        "tests/data/programs-golden.yaml",
        "--format",
        fmt,
        "--include-excluded",
    )
    assert result.code == 0
    ext = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}[fmt]
    golden(f"recommend-{name}.{ext}", result.out)


def test_golden_explain(cli):
    result = cli(
        "explain",
        "profiles/borderline-informatics.yaml",
        "im-full-fit",
        "--programs",
        "tests/data/programs-golden.yaml",
    )
    golden("explain-borderline-im-full-fit.txt", result.out)


def test_json_contract_keys(cli):
    doc = json.loads(cli("recommend", "profiles/strong-scores.yaml", "-f", "json").out)
    assert {"format", "command", "findings", "programs", "excluded", "summary", "dataset"} <= set(
        doc
    )
    entry = doc["programs"][0]
    assert {
        "id",
        "name",
        "specialty",
        "state",
        "tier",
        "status",
        "score",
        "informatics_fit",
        "margin",
        "findings",
    } <= set(entry)
    assert {"rule", "status", "message", "source"} <= set(doc["findings"][0])
    assert {"id", "name", "reasons"} <= set(doc["excluded"][0])
    assert set(doc["summary"]) == {"safety", "target", "reach", "unknown", "excluded"}
    assert {"name", "as_of", "example", "count"} <= set(doc["dataset"])


# Invariants ----------------------------------------------------------------------------

SPECIALTIES = ["internal_medicine", "family_medicine", "pediatrics", "pathology"]
maybe = st.none


@st.composite
def programs_strategy(draw) -> Dataset:
    count = draw(st.integers(1, 12))
    items = []
    for i in range(count):
        p: dict = {"id": f"p{i}", "name": f"P{i}", "specialty": draw(st.sampled_from(SPECIALTIES))}
        for key, strat in (
            ("visas", st.lists(st.sampled_from(["j1", "h1b"]), unique=True, max_size=2)),
            ("step2ck_min", st.integers(200, 260)),
            ("step2ck_preferred", st.integers(200, 265)),
            ("max_attempts", st.integers(1, 4)),
            ("yog_max_years", st.integers(0, 10)),
            ("usce", st.sampled_from(["required", "preferred", "not_required"])),
            ("usce_min_months", st.integers(0, 6)),
            ("ecfmg_by", st.sampled_from(["application", "rank_list", "start"])),
            ("img_share", st.floats(0, 1)),
        ):
            if draw(st.booleans()):
                p[key] = draw(strat)
        p["informatics"] = {
            "ci_fellowship": draw(st.sampled_from(["in_house", "affiliated", "none", None])),
            "informatics_track": draw(st.sampled_from([True, False, None])),
        }
        items.append(p)
    return dataset_from(
        {"format": 1, "name": "h", "as_of": "2026-10-01", "source": "hypothesis", "programs": items}
    )


@st.composite
def profiles_strategy(draw) -> Profile:
    base = profile(
        draw(
            st.sampled_from(
                [
                    "strong-scores",
                    "borderline-informatics",
                    "step1-failed-once",
                    "needs-h1b",
                    "step2-planned",
                    "low-step1-legacy",
                ]
            )
        )
    )
    return with_overrides(
        base, step2=draw(st.integers(200, 270)), usce_months=draw(st.sampled_from([None, 0, 1, 3]))
    )


def included(prof: Profile, data: Dataset) -> set[str]:
    return {a.program.id for a in recommend(prof, data, REF, TODAY).programs}


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(profiles_strategy(), programs_strategy(), st.integers(1, 40))
def test_raising_step2_never_removes_a_program(prof, data, plus):
    higher = with_overrides(prof, step2=min(300, (prof.step2 or 200) + plus))
    assert included(prof, data) <= included(higher, data)


@FAST
@given(profiles_strategy(), programs_strategy())
def test_passing_step3_never_removes_a_program(prof, data):
    assert included(prof, data) <= included(with_overrides(prof, step3_pass=True), data)


@FAST
@given(profiles_strategy(), programs_strategy())
def test_every_excluded_program_has_a_reason_and_ranking_is_deterministic(prof, data):
    first = recommend(prof, data, REF, TODAY)
    assert all(a.reasons for a in first.excluded)
    assert {f.status for a in first.included + first.excluded for f in a.findings} <= set(STATUSES)
    assert len(first.programs) + len(first.excluded) == len(data.programs)
    again = recommend(prof, data, REF, TODAY)
    assert [a.program.id for a in first.programs] == [a.program.id for a in again.programs]
    reversed_data = data.copy_with(**{"programs": list(reversed(data.programs))})
    assert [a.program.id for a in recommend(prof, reversed_data, REF, TODAY).programs] == [
        a.program.id for a in first.programs
    ]


EVIDENCE = {
    "certificates": st.builds(dict, name=st.sampled_from(["AMIA 10x10", "Epic module", "edX"])),
    "skills": st.sampled_from(["python", "sql", "r", "epic", "excel"]),
    "projects": st.builds(
        dict,
        title=st.just("t"),
        kind=st.sampled_from(["qi", "cds"]),
        outcome=st.sampled_from([None, "-10%"]),
        lead=st.booleans(),
    ),
    "scholarship": st.builds(
        dict,
        kind=st.sampled_from(["poster", "publication"]),
        title=st.just("t"),
        venue=st.sampled_from([None, "AMIA"]),
        informatics=st.booleans(),
    ),
    "mentors": st.builds(
        dict, name=st.just("m"), us_based=st.booleans(), informatics=st.booleans()
    ),
    "memberships": st.sampled_from(["AMIA", "ACP", "HIMSS"]),
}


@FAST
@given(st.sampled_from(list(EVIDENCE)), st.data())
def test_more_informatics_never_lowers_strength(key, data):
    for name in ("strong-scores", "step2-planned", "borderline-informatics"):
        base = profile(name)
        info = as_dict(base.informatics)
        info[key] = info[key] + [data.draw(EVIDENCE[key])]
        richer = profile_from({**as_dict(base), "informatics": info}, TODAY)
        before, after = strength(base), strength(richer)
        assert after.score >= before.score
        for element in before.elements:
            assert after.elements[element].score >= before.elements[element].score


@FAST
@given(profiles_strategy(), programs_strategy())
def test_screen_keys_are_complete(prof, data):
    """Evaluating a whole list (one finding per distinct screen key, shared) gives every
    program exactly the findings of evaluating it alone with every screen."""
    from imgplan.recommend.evaluate import assessed_all, evaluate

    ctx = Context.of(prof, REF, TODAY)
    everything = list(range(len(data.programs)))
    found = assessed_all(data, evaluate(ctx, data, everything, every_screen=True), everything)
    together = {a.program.id: a for a in found}
    for p in data.programs:
        alone = assess(ctx, p, data.as_of)
        shared = together[p.id]
        expected = alone.findings[: len(shared.findings)]
        assert [(f.rule, f.status, f.message) for f in shared.findings] == [
            (f.rule, f.status, f.message) for f in expected
        ]
        assert (shared.excluded, shared.score, shared.tier, shared.margin) == (
            alone.excluded,
            alone.score,
            alone.tier,
            alone.margin,
        )
        assert shared.status == alone.status
        if not shared.excluded:
            assert shared.components == alone.components


def test_a_batch_shares_only_what_no_profile_changes():
    """Profiles evaluated one after another on the same dataset (a batch) share the findings
    of the profile-free screens; every profile still gets exactly its own findings."""
    from imgplan.load.bundled import data_path
    from imgplan.load.loading import load_dataset
    from imgplan.recommend.evaluate import assessed_all, evaluate

    data = load_dataset(data_path("example-programs.yaml"), TODAY)
    everything = list(range(len(data.programs)))
    for name in ("strong-scores", "needs-h1b", "step1-failed-once", "low-step1-legacy"):
        ctx = Context.of(profile(name), REF, TODAY)
        together = assessed_all(data, evaluate(ctx, data, everything, every_screen=True), everything)
        for shared in together:
            alone = assess(ctx, shared.program, data.as_of)
            assert [(f.rule, f.status, f.message) for f in shared.findings] == [
                (f.rule, f.status, f.message) for f in alone.findings[: len(shared.findings)]
            ]
            assert (shared.score, shared.tier) == (alone.score, alone.tier)


@pytest.mark.parametrize("name", ["strong-scores", "needs-h1b", "step2-planned"])
def test_table_rows_read_from_entries_equal_the_full_entries(name):
    """The table reads its rows straight from the ranked entries (Recommendation.shown);
    they say exactly what the full Assessed entries say."""
    from imgplan.load.bundled import data_path
    from imgplan.load.loading import load_dataset

    data = load_dataset(data_path("example-programs.yaml"), TODAY)
    rec = recommend(profile(name), data, REF, TODAY)
    rows = [
        (s.program.id, s.tier, s.status, s.score, s.fit, s.margin, s.flags) for s in rec.shown()
    ]
    full = [
        (a.program.id, a.tier, a.status, a.score, a.fit.score, a.margin, a.flags)
        for a in rec.programs
    ]
    assert rows == full and len(rows) > 20


@pytest.mark.parametrize("name", ["strong-scores", "needs-h1b", "step2-planned"])
def test_json_rows_read_from_entries_equal_the_full_entries(name):
    """The JSON list reads its rows straight from the ranked entries (Recommendation.listed)
    and passes vocabulary members to orjson as they are; once parsed, every program's object
    is exactly what the full Assessed entry gives (render.explain.assessed)."""
    from imgplan.commands import recommend as command
    from imgplan.load.bundled import Bundled, data_path
    from imgplan.load.loading import load_dataset
    from imgplan.render import explain as explain_views
    from imgplan.render.common import dumps_bytes
    from imgplan.render.recommend.data import to_json

    data = load_dataset(data_path("example-programs.yaml"), TODAY)
    result = command.run(profile(name), data, Bundled(None), TODAY, command.Options())
    rec = result.rec
    doc = json.loads(dumps_bytes(to_json(result)))
    full = json.loads(dumps_bytes({"p": [explain_views.assessed(a) for a in rec.programs]}))
    assert doc["programs"] == full["p"] and len(full["p"]) > 20
    assert all(e["tier_reason"] for e in doc["programs"])


def test_json_output_is_what_json_dumps_writes_byte_for_byte(cli):
    """Findings and exclusion reasons are written as pre-encoded fragments, indented for the
    place they sit in (render.common.encoder): the output must still be exactly what
    json.dumps(indent=2) writes, for one profile (the list at level 1) and a batch (level 3)."""
    profiles = [str(PROFILES / f"{name}.yaml") for name in ("strong-scores", "needs-h1b")]
    for args in (profiles[:1], profiles):
        out = cli("recommend", *args, "--programs", "example", "--format", "json").out
        doc = json.loads(out)
        assert out == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        docs = doc.get("results", [doc])
        assert len(docs) == len(args)
        assert all(d["programs"][0]["findings"] and d["excluded"][0]["reasons"] for d in docs)


def test_an_encoded_value_is_indented_for_its_level_and_a_refused_one_kept():
    from imgplan.render.common import dumps_bytes, encoder

    value = {"rule": "r", "list": [1, {"é": None}], "empty": []}
    for level in range(4):
        doc = value
        for _ in range(level):
            doc = [doc]
        wrapped = encoder(level)(value)
        for _ in range(level):
            wrapped = [wrapped]
        assert dumps_bytes(wrapped) == dumps_bytes(doc)
    not_utf8 = {"name": "caf\udce9"}  # a file name's byte that is not UTF-8
    assert encoder(1)(not_utf8) is not_utf8


KNOWN_PASSING = {
    "visas": lambda prof: ["j1", "h1b"],
    "step2ck_min": lambda prof: prof.step2,
    "img_share": lambda prof: 0.5,
    "yog_max_years": lambda prof: 60,
    "max_attempts": lambda prof: 4,
    "usce": lambda prof: "not_required",
    "ecfmg_by": lambda prof: "start",
}


@FAST
@given(profiles_strategy(), programs_strategy(), st.sampled_from(sorted(KNOWN_PASSING)))
def test_an_unknown_never_ranks_above_an_equal_program_known_to_pass(prof, data, field):
    """Two programs equal but for one field: known and passing for this profile, or unknown.
    The unknown one is never ranked above the known one (nor kept when the known is not)."""
    base = as_dict(data.programs[0], drop_none=True)
    base.pop("step2ck_preferred", None)
    if field == "step2ck_min" and prof.step2 is None:
        return
    known = {**base, "id": "known", field: KNOWN_PASSING[field](prof)}
    unknown = {**base, "id": "unknown"}
    unknown.pop(field, None)
    pair = dataset_from(
        {
            "format": 1,
            "name": "h",
            "as_of": "2026-10-01",
            "source": "t",
            "programs": [unknown, known],
        }
    )
    order = [a.program.id for a in recommend(prof, pair, REF, TODAY).programs]
    if "unknown" in order:
        assert "known" in order and order.index("known") < order.index("unknown"), order


@FAST
@given(profiles_strategy())
def test_a_taken_step_score_is_never_suggested_as_a_change(prof):
    from imgplan.recommend.unlock import candidates

    if prof.usmle.step2ck is not None and prof.usmle.step2ck.taken:
        failed = prof.usmle.step2ck.score < 218  # a fail: the retake is the lever
        assert failed or not any(kind == "step2" for kind, *_ in candidates(prof, REF))


# A list a person can read --------------------------------------------------------------


def test_table_shows_25_by_default_and_says_how_many_more(cli):
    result = cli("recommend", "profiles/strong-scores.yaml")
    assert "Ranked programs (128; showing the first 25)" in result.out
    assert "103 more: --all for every program, or --top N." in result.out
    assert result.out.index("Now (") < result.out.index("Ranked programs")
    assert result.out.index("Ranked programs") < result.out.index("Other notes about your profile")
    rows = [line for line in result.out.splitlines() if re.match(r"^ *\d+  ", line)]
    assert [int(line.split()[0]) for line in rows] == list(range(1, 26))
    every = cli("recommend", "profiles/strong-scores.yaml", "--all")
    assert "Ranked programs (128)" in every.out and "more: --all" not in every.out
    doc = json.loads(cli("recommend", "profiles/strong-scores.yaml", "-f", "json").out)
    assert len(doc["programs"]) == 128  # scripts get the whole list


def test_piped_table_follows_columns():
    from conftest import script

    wide = script("recommend", "profiles/strong-scores.yaml", env={"COLUMNS": "200"})
    narrow = script("recommend", "profiles/strong-scores.yaml", env={"COLUMNS": "80"})
    assert max(map(len, wide.out.splitlines())) > 120
    assert max(map(len, narrow.out.splitlines())) <= 80
    # Nothing that matters is cut: every name is complete, over one or more lines.
    assert "…" not in "".join(
        line for line in narrow.out.splitlines() if line[:3].strip().isdigit()
    )


def test_explain_takes_an_id_a_short_id_a_prefix_or_a_rank(cli):
    base = ("explain", "profiles/strong-scores.yaml")
    first = "Fairhaven University Medical Center Internal Medicine (im-fairhaven-university-medical-center-ky)"
    for handle in (
        "1",
        "im-fumc-ky",
        "im-fairhaven-university-medical-center-k",
        "im-fairhaven-university-medical-center-ky",
    ):
        result = cli(*base, handle)
        assert result.code == 0 and first in result.out.splitlines()[0], handle
    many = cli(*base, "im-fair")
    assert many.code == 2 and "'im-fair' starts 6 ids" in many.err
    far = cli(*base, "999")
    assert far.code == 2 and "#999 is not on your list, which ranks 128 programs" in far.err
    named = cli(*base, "Riverside University Hospital Internal Medicine")
    assert named.code == 2 and "did you mean" in named.err and "(Riverside" in named.err


def test_what_if_runs_are_marked_in_every_format(cli):
    """--step2 235 --usce-months 3: every format says the values were overridden, and no
    finding presents the what-if score as the profile's fact."""
    args = (
        "recommend",
        "profiles/borderline-informatics.yaml",
        "--step2",
        "235",
        "--usce-months",
        "3",
    )
    banner = "WHAT-IF: this list uses --step2 235, --usce-months 3 instead of your profile's facts"
    table = cli(*args)
    assert banner in " ".join(table.out.split())
    assert "Step 2 CK 235 is within" not in table.out.replace("What-if Step 2 CK 235", "")
    assert banner in cli(*args, "-f", "markdown").out
    rows = list(csv.reader(io.StringIO(cli(*args, "-f", "csv").out)))
    assert rows[0][-1] == "what_if" and all(row[-1].startswith(banner) for row in rows[1:])
    doc = json.loads(cli(*args, "-f", "json").out)
    assert doc["what_if"] == {"step2": 235, "usce_months": 3.0}
    (level,) = [f for f in doc["findings"] if f["rule"] == "step2ck-level"]
    assert level["message"].startswith("What-if Step 2 CK 235 ")
    plain = json.loads(cli("recommend", "profiles/borderline-informatics.yaml", "-f", "json").out)
    assert plain["what_if"] is None


def test_unknown_visa_is_never_eligible_for_an_applicant_who_needs_one(cli):
    doc = json.loads(cli("recommend", "profiles/needs-h1b.yaml", "-f", "json").out)
    unknown = [p for p in doc["programs"] if p["visas"] is None]
    assert unknown and all(p["status"] == "verify" for p in unknown)
    first_known = next(i for i, p in enumerate(doc["programs"]) if p["visas"] is not None)
    assert doc["programs"][first_known]["visas"] is not None


def test_explain_shows_an_unknown_cutoff_as_a_neutral_estimate(cli):
    result = cli(
        "explain",
        "profiles/strong-scores.yaml",
        "im-all-unknown",
        "--programs",
        str(GOLDEN_PROGRAMS),
    )
    text = " ".join(result.out.split())
    assert "unknown: counts 0.40, a neutral estimate (verify)" in text
    doc = json.loads(
        cli(
            "explain",
            "profiles/strong-scores.yaml",
            "im-all-unknown",
            "--programs",
            str(GOLDEN_PROGRAMS),
            "-f",
            "json",
        ).out
    )
    assert doc["weights"]["competitiveness"] == {
        "weight": 35,
        "component": None,
        "points": 14.0,
        "estimated": True,
    }


def test_no_finding_cites_a_file_users_do_not_have(cli):
    for name in ("strong-scores", "needs-h1b", "borderline-informatics"):
        out = cli("recommend", f"profiles/{name}.yaml", "-f", "json", "--include-excluded").out
        assert "SPEC.md" not in out


def test_an_untouched_starter_profile_reads_readiness_as_unknown(cli, tmp_path):
    path = tmp_path / "profile.yaml"
    assert cli("init", str(path)).code == 0
    result = cli("check-step3", str(path))
    assert (
        "Readiness unknown" in result.out
        or "an answer is missing" in result.out
        or "NOT ELIGIBLE" in result.out
    )
    assert "WAIT: prepare more first" not in result.out


def test_a_copied_dataset_works_out_its_ids_order_again():
    """The ids' sorted order (ties in score are broken by id) is worked out when a dataset is
    loaded and cached with it; a copy with other programs must not keep the stale one."""
    from imgplan.load.bundled import data_path

    data = load_dataset(data_path("example-programs.yaml"), TODAY)
    assert data.id_ranks is not None
    turned = data.copy_with(programs=list(reversed(data.programs)))
    assert turned.id_ranks is None and turned.shorts is None
    prof = profile("strong-scores")
    first = [a.program.id for a in recommend(prof, data, REF, TODAY).included]
    assert [a.program.id for a in recommend(prof, turned, REF, TODAY).included] == first
