"""Visa and travel (issue #29): a test per rule and per tier of the ban, the profile's new
fields and their contradictions, the lines in every command, and that the rules are data (a
changed as_of or status in data/visa-policy.yaml changes the output)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from imgplan.load import bundled
from imgplan.models import vocab
from imgplan.visa import assess

from conftest import PROFILES

BASE = yaml.safe_load((PROFILES / "strong-scores.yaml").read_text())
TODAY = dt.date(2026, 11, 25)


def profile_of(tmp_path: Path, **fields) -> str:
    data = copy.deepcopy(BASE)
    data.update(fields)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return str(path)


def visa_doc(cli, path: str, *extra: str) -> tuple[int, dict]:
    result = cli("visa", path, "--format", "json", *extra)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def route(doc: dict, name: str) -> dict:
    return next(r for r in doc["routes"] if r["visa"] == name)


def lines(doc: dict, kind: str) -> list[dict]:
    return [x for x in doc["lines"] if x["kind"] == kind]


# the cases the issue names --------------------------------------------------------------------


def test_a_nigerian_abroad_needing_a_j1_is_blocked_by_the_partial_ban(cli, tmp_path):
    code, doc = visa_doc(cli, profile_of(tmp_path, visa="j1", citizenship="Nigeria", location="abroad", us_status="none"))
    assert code == 1 and doc["blocked"] is True
    j1 = route(doc, "J-1")
    assert j1["open"] is False
    ban = j1["lines"][0]
    assert ban["rule"] == "travel-ban" and ban["level"] == "problem"
    assert "partial list, from 2026-01-01" in ban["text"] and "not revoked" in ban["text"]
    assert ban["status_date"] == "2026-01-01" and ban["as_of"] == "2026-06-15"
    assert any("H-1B is not among the visas it suspends" in x["text"] for x in j1["lines"])


def test_a_full_ban_national_can_get_neither_visa(cli, tmp_path):
    code, doc = visa_doc(cli, profile_of(tmp_path, visa="any", citizenship="Yemen", location="abroad"))
    assert code == 1 and [r["open"] for r in doc["routes"]] == [False, False]
    assert all("full list" in r["lines"][0]["text"] for r in doc["routes"])


def test_an_immigrant_visa_only_country_leaves_training_visas_open(cli, tmp_path):
    code, doc = visa_doc(cli, profile_of(tmp_path, visa="j1", citizenship="Turkmenistan", location="abroad"))
    assert code == 0 and route(doc, "J-1")["open"] is True
    assert "not among the visas it suspends" in route(doc, "J-1")["lines"][0]["text"]


def test_an_indian_in_the_us_on_an_f1_needing_an_h1b_pays_no_fee(cli, tmp_path):
    code, doc = visa_doc(cli, profile_of(tmp_path, visa="h1b", citizenship="IND", location="us", us_status="f1"))
    assert code == 0 and route(doc, "H-1B")["open"] is True and route(doc, "H-1B")["lines"] == []
    fee = lines(doc, "fee")[0]
    assert fee["rule"] == "h1b-fee" and fee["level"] == "ok" and "change of status" in fee["text"]
    assert [x["rule"] for x in lines(doc, "clock")] == ["h1b-six-years"]
    step3 = [x for x in lines(doc, "step") if x["rule"] == "h1b-step3"][0]
    assert step3["level"] == "warn"  # strong-scores has not passed Step 3


def test_one_abroad_needing_an_h1b_meets_the_fee(cli, tmp_path):
    path = profile_of(tmp_path, visa="h1b", citizenship="India", location="abroad", us_status="none")
    code, doc = visa_doc(cli, path)
    fee = lines(doc, "fee")[0]
    assert fee["level"] == "warn" and "new petition" in fee["text"] and "J-1 programs are the safer list" in fee["text"]
    rec = json.loads(cli("recommend", path, "--format", "json").out)
    top = [w["text"] for w in rec["now_next"]["warnings"]]
    assert any(t.startswith("Visa: $100,000 fee on new H-1B petitions") and "status as of 2026-06-12" in t for t in top)


def test_an_h1b_holder_in_the_us_pays_no_fee(cli, tmp_path):
    _, doc = visa_doc(cli, profile_of(tmp_path, visa="h1b", citizenship="IN", location="us", us_status="h1b"))
    assert "already hold H-1B status" in lines(doc, "fee")[0]["text"]


def test_a_us_citizen_and_a_green_card_holder_need_nothing(cli, tmp_path):
    for status in ("citizen", "green_card"):
        code, doc = visa_doc(cli, profile_of(tmp_path, visa="none", citizenship="US" if status == "citizen" else "Egypt", location="us", us_status=status))
        assert code == 0 and doc["routes"] == [] and doc["lines"] == [] and doc["missing"] == []
    assert "no visa to train" in cli("visa", profile_of(tmp_path, visa="none", us_status="citizen")).out


def test_a_j1_resident_whose_residency_and_fellowship_cross_a_clock(cli, tmp_path):
    path = profile_of(
        tmp_path,
        visa="j1",
        citizenship="Pakistan",
        location="us",
        us_status="j1",
        residency={"specialty": "pathology", "start": "2025-07-01"},
    )
    _, doc = visa_doc(cli, path, "--today", "2026-11-25")
    clocks = {x["rule"]: x for x in lines(doc, "clock")}
    seven = clocks["j1-seven-years"]
    assert "residency 4 y + CI fellowship 2 y = 6 of 7" in seven["text"]
    dos = clocks["j1-duration-of-status"]
    assert "6-year path would need at least one extension" in dos["text"] and dos["status"] == "pending"


def test_a_banned_national_already_in_j1_status_is_warned_not_blocked(cli, tmp_path):
    code, doc = visa_doc(cli, profile_of(tmp_path, visa="j1", citizenship="Cuba", location="us", us_status="j1"))
    assert code == 0 and route(doc, "J-1")["open"] is True
    assert "does not revoke" in route(doc, "J-1")["lines"][0]["text"] and route(doc, "J-1")["lines"][0]["level"] == "warn"


def test_without_citizenship_or_location_imgplan_says_what_it_cannot_check(cli, tmp_path):
    path = profile_of(tmp_path, visa="any")
    code, doc = visa_doc(cli, path)
    assert code == 0 and route(doc, "J-1")["open"] is None
    assert [m.split(":")[0] for m in doc["missing"]] == ["citizenship", "location (abroad or us)"]
    timeline = json.loads(cli("timeline", path, "--format", "json").out)
    said = [w["text"] for w in timeline["now_next"]["warnings"]]
    assert any("without citizenship and location in your profile" in t for t in said)


# the profile --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"citizenship": "Nigerai"}, "did you mean 'Nigeria'"),
        ({"citizenship": "Atlantis"}, "is not a country imgplan knows"),
        ({"visa": "j1", "us_status": "citizen"}, "us_status: citizen says you are a US citizen"),
        ({"visa": "h1b", "us_status": "green_card"}, "a green-card holder, who needs no visa"),
        ({"visa": "j1", "citizenship": "United States"}, "a US citizen needs no visa to train"),
        ({"visa": "none", "citizenship": "USA", "us_status": "f1"}, "us_status: citizen"),
        ({"location": "mars"}, "location"),
        ({"us_status": "tourist"}, "us_status"),
    ],
)
def test_profile_contradictions_and_bad_values_are_located(cli, tmp_path, fields, expected):
    result = cli("validate", profile_of(tmp_path, **fields))
    assert result.code == 1 and expected in result.out + result.err


@pytest.mark.parametrize(("given", "code"), [("NG", "NG"), ("nga", "NG"), ("Burma", "MM"), ("Côte d’Ivoire", "CI"), ("The Gambia", "GM"), ("Republic of the Congo", "CG"), ("viet nam", "VN")])
def test_citizenship_names_and_codes(tmp_path, given, code):
    from imgplan.load.loading import load_profile

    assert load_profile(profile_of(tmp_path, citizenship=given), TODAY).citizenship == code


# the rules are data ------------------------------------------------------------------------


def with_policy(change) -> object:
    policy = copy.deepcopy(bundled.visa_policy(None))
    change(policy)
    return policy


def nigerian(tmp_path):
    from imgplan.load.loading import load_profile

    return load_profile(profile_of(tmp_path, visa="j1", citizenship="NG", location="abroad"), TODAY)


def test_a_changed_status_or_as_of_in_the_data_changes_the_output(tmp_path):
    p = nigerian(tmp_path)
    base = bundled.visa_policy(None)
    assert assess(p, base, TODAY, residency_years=3, step3_passed=False).blocked

    def enjoin(policy):
        ban = next(r for r in policy.rules if r.id == "travel-ban")
        ban.status = vocab.PolicyStatus.enjoined

    lifted = assess(p, with_policy(enjoin), TODAY, residency_years=3, step3_passed=False)
    assert not lifted.blocked and "but it is enjoined" in lifted.routes[0].lines[0].text

    def age(policy):
        for r in policy.rules:
            r.as_of = dt.date(2026, 1, 1)

    old = assess(p, with_policy(age), TODAY, residency_years=3, step3_passed=False)
    assert old.routes[0].lines[0].stale and "STALE" in old.routes[0].lines[0].dated
    fresh = assess(p, base, TODAY, residency_years=3, step3_passed=False)
    assert not fresh.routes[0].lines[0].stale

    def drop_nigeria(policy):
        ban = next(r for r in policy.rules if r.id == "travel-ban")
        for tier in ban.tiers:
            tier.countries = [c for c in tier.countries if c != "NG"]

    assert not assess(p, with_policy(drop_nigeria), TODAY, residency_years=3, step3_passed=False).blocked


def test_a_fee_past_its_expiry_is_unknown_not_assumed(tmp_path):
    from imgplan.load.loading import load_profile

    p = load_profile(profile_of(tmp_path, visa="h1b", citizenship="IN", location="abroad"), TODAY)
    report = assess(p, bundled.visa_policy(None), dt.date(2026, 12, 1), residency_years=3, step3_passed=True)
    fee = [x for x in report.lines if x.rule == "h1b-fee"][0]
    assert fee.text.count("status today is unknown") == 1
    before = assess(p, bundled.visa_policy(None), dt.date(2026, 9, 1), residency_years=3, step3_passed=True)
    assert "status today is unknown" not in [x for x in before.lines if x.rule == "h1b-fee"][0].text


def test_the_stale_boundary_is_six_months(tmp_path):
    p = nigerian(tmp_path)
    policy = bundled.visa_policy(None)
    ban = next(r for r in policy.rules if r.id == "travel-ban")
    on_edge = assess(p, policy, ban.as_of + dt.timedelta(days=183), residency_years=3, step3_passed=False)
    past = assess(p, policy, ban.as_of + dt.timedelta(days=184), residency_years=3, step3_passed=False)
    assert not on_edge.routes[0].lines[0].stale and past.routes[0].lines[0].stale


# everywhere else --------------------------------------------------------------------------------


def test_chances_timeline_and_report_carry_the_visa_rules(cli, tmp_path):
    path = profile_of(tmp_path, visa="j1", citizenship="Nigeria", location="abroad")
    chances = json.loads(cli("chances", path, "--format", "json").out)
    assert chances["limits"][0].startswith("Not in these odds — visa rules that bite for you: Entry restrictions")
    events = {e["key"]: e for e in json.loads(cli("timeline", path, "--format", "json").out)["events"]}
    assert "visa-consulate" in events and "j1-fellowship-statement" in events
    page = tmp_path / "r.html"
    assert cli("report", path, "-o", str(page)).code == 0
    html = page.read_text()
    assert "Visas and travel" in html and "J-1: closed" in html
    us = profile_of(tmp_path, visa="j1", citizenship="Nigeria", location="us", us_status="j1")
    assert "visa-consulate" not in {e["key"] for e in json.loads(cli("timeline", us, "--format", "json").out)["events"]}


@pytest.mark.parametrize(
    ("residency_years", "level", "left"),
    [(4, "info", "1 year(s) left"), (5, "warn", "no year left"), (6, "problem", "1 year(s) OVER")],
)
def test_a_visa_clock_is_a_problem_only_when_the_path_runs_over_it(tmp_path, residency_years, level, left):
    from imgplan.load.loading import load_profile

    p = load_profile(profile_of(tmp_path, visa="j1", citizenship="IN", location="us", us_status="j1"), TODAY)
    report = assess(p, bundled.visa_policy(None), TODAY, residency_years=residency_years, step3_passed=True)
    seven = next(x for x in report.lines if x.rule == "j1-seven-years")
    assert seven.level == level and f"= {residency_years + 2} of 7 ({left})" in seven.text
