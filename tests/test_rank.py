"""The rank order list (issue #28 §1-3): the draft from the applicant's ratings and weights,
hard stops, the applicant's own order, every check at its boundary, the odds formulas, and the
calibration of imgplan's model against Charting Outcomes."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from imgplan.models.profile import HardStops, Ranking
from imgplan.models.tracker import Tracked
from imgplan.ranking import odds as O
from imgplan.ranking.checks import checks
from imgplan.ranking.draft import Entry, Standing, draft

from conftest import PROFILES, outcomes

BASE = yaml.safe_load((PROFILES / "strong-scores.yaml").read_text())
IM1 = "im-fairhaven-university-medical-center-ky"
IM2 = "im-elmhurst-crossing-medical-center-ma"
FM1 = "fm-fairhaven-regional-hospital-pa"
DAY = dt.date(2026, 11, 25)


# odds ---------------------------------------------------------------------------------------


def test_list_odds_formulas():
    lo = O.list_odds([0.5, 0.5, 0.2])
    assert lo.at_rank == pytest.approx([0.5, 0.25, 0.05])
    assert lo.by_rank == pytest.approx([0.5, 0.75, 0.8])
    assert lo.match == pytest.approx(1 - 0.5 * 0.5 * 0.8)
    assert lo.expected_rank == pytest.approx((1 * 0.5 + 2 * 0.25 + 3 * 0.05) / 0.8)
    empty = O.list_odds([])
    assert (empty.match, empty.expected_rank) == (0.0, None)


def test_odds_for_tier_img_share_cap_band_and_your_own():
    m = 0.2
    assert O.odds_for("target", None, m, None).p == pytest.approx(0.2)
    assert O.odds_for("safety", None, m, None).p == pytest.approx(0.3)
    assert O.odds_for("reach", None, m, None).p == pytest.approx(0.1)
    assert O.odds_for("target", 0.0999, m, None).p == pytest.approx(0.1)
    assert O.odds_for("target", 0.10, m, None).p == pytest.approx(0.2)
    assert O.odds_for("target", 0.3999, m, None).p == pytest.approx(0.2)
    assert O.odds_for("target", 0.40, m, None).p == pytest.approx(0.24)
    assert O.odds_for("safety", 0.9, 0.6, None).p == O.P_MAX
    unknown = O.odds_for(None, None, m, None)
    assert unknown.how == "unknown" and unknown.low == pytest.approx(0.1) and unknown.high == pytest.approx(0.3)
    mine = O.odds_for("reach", 0.05, m, 0.7)
    assert (mine.p, mine.how) == (0.7, "yours")


def test_calibration_every_specialty_within_the_stated_tolerance():
    co = outcomes().charting_outcomes
    assert co.specialties
    for name, o in co.specialties.items():
        assert O.deviation(o) <= O.TOLERANCE, name
    im = co.specialties["internal_medicine"]
    # the COTM-derived curve by hand for IM at k = 5: Bayes over geometric counts
    q_m, q_u = 1 - 0.5 ** (1 / 5), 1 - 0.5 ** (1 / 2)
    f_m, f_u = (1 - q_m) ** 4 * q_m, (1 - q_u) ** 4 * q_u
    expected = im.rate * f_m / (im.rate * f_m + (1 - im.rate) * f_u)
    assert O.cotm_curve(im, range(5, 6))[0] == pytest.approx(expected)
    assert 0.10 <= O.median_p(im) <= 0.15
    # more contiguous ranks never lower either curve
    curve = O.cotm_curve(im)
    assert curve == sorted(curve)


# the draft ----------------------------------------------------------------------------------


def tracked(pid: str, status: str = "interviewed", **fields) -> Tracked:
    base = dict(name=pid.upper(), specialty="internal_medicine", state="NY", city="X", dataset="d", dataset_as_of=DAY, figures={})
    base.update(fields)
    return Tracked(pid, status=status, **base)  # type: ignore[arg-type]


def standing(tier: str = "target", fails=(), unknown=()) -> Standing:
    return Standing(tier, None, tuple(fails), tuple(unknown))


def test_draft_orders_by_weighted_ratings_with_gut_ties_and_unrated_last():
    ranking = Ranking(weights={"informatics": 5, "location": 1}, gut=2.0)
    ts = [
        tracked("a", ratings={"informatics": 2, "location": 5}),  # (10+5)/6 = 2.5
        tracked("b", ratings={"informatics": 4, "location": 1, "gut": 4}),  # (20+1+8)/8 = 3.625
        tracked("c"),  # unrated
        tracked("d", ratings={"informatics": 2, "location": 5}),  # ties with a
        tracked("e", status="applied", ratings={"informatics": 5}),  # no interview: not ranked
    ]
    made = draft(ts, {t.program_id: standing() for t in ts}, ranking)
    assert [e.tracked.program_id for e in made.entries] == ["b", "a", "d", "c"]
    assert made.entries[0].score == pytest.approx(29 / 8)
    assert made.entries[2].tie_with == 2 and made.entries[1].tie_with is None
    assert made.entries[3].score is None and made.entries[3].unrated == ["informatics", "location"]
    assert made.source == "draft from your ratings"


def test_hard_stops_each_say_their_reason():
    ranking = Ranking(hard_stops=HardStops(states=["TX"], programs=["p"], below={"fit": 3}))
    ts = [
        tracked("visa"),
        tracked("tx", state="TX"),
        tracked("p"),
        tracked("low", ratings={"fit": 2}),
        tracked("ok", ratings={"fit": 3}),
    ]
    standings = {t.program_id: standing() for t in ts}
    standings["visa"] = standing(fails=[("visa", "sponsors H-1B only; you need a J-1")])
    made = draft(ts, standings, ranking)
    reasons = {d.tracked.program_id: d.reason for d in made.dropped}
    assert reasons["visa"].startswith("its visa policy rules you out: sponsors H-1B only")
    assert "TX" in reasons["tx"] and "hard_stops.programs" in reasons["p"]
    assert "you rated fit 2, under your stop of 3" in reasons["low"]
    assert [e.tracked.program_id for e in made.entries] == ["ok"]
    lenient = Ranking(hard_stops=HardStops(visa=False))
    assert [e.tracked.program_id for e in draft(ts[:1], standings, lenient).entries] == ["visa"]


def test_your_order_wins_then_tracker_ranks():
    ts = [tracked("a", ratings={"fit": 5}), tracked("b", ratings={"fit": 1}), tracked("c")]
    standings = {t.program_id: standing() for t in ts}
    mine = draft(ts, standings, None, ["c", "b"], "my.txt")
    assert [e.tracked.program_id for e in mine.entries] == ["c", "b"]
    assert mine.source == "your order (my.txt)" and [t.program_id for t in mine.left_out] == ["a"]
    ts[1].rank, ts[0].rank = 1, 2
    stored = draft(ts, standings, None)
    assert [e.tracked.program_id for e in stored.entries] == ["b", "a"]
    assert stored.left_out[0].program_id == "c" and "tracker" in stored.source


# the checks ---------------------------------------------------------------------------------


def entries(*specs: str, names: list[str] | None = None) -> list[Entry]:
    return [
        Entry(tracked(f"p{i}", specialty=s, name=(names[i] if names else f"P{i}")), None, [], [], standing())
        for i, s in enumerate(specs)
    ]


def profile_record():
    from imgplan.load.loading import load_profile

    return load_profile(PROFILES / "strong-scores.yaml", DAY, cache=None)


def by_rule(found, rule: str):
    return [c for c in found if c.rule == rule]


def test_contiguous_ranks_against_the_medians_at_each_boundary():
    p, o = profile_record(), outcomes()
    im = o.charting_outcomes.specialties["internal_medicine"]
    matched, unmatched = int(im.ranks[0]), int(im.ranks[1])
    level = lambda n, *rest: by_rule(checks(entries(*(["internal_medicine"] * n), *rest), p, o, [], DAY), "rank-contiguous")[0].level  # noqa: E731
    assert level(matched) == "ok"
    assert level(matched - 1) == "warn"
    assert level(unmatched + 1) == "warn"
    assert level(unmatched) == "problem"
    # a program of another specialty breaks the run
    assert level(1, "family_medicine", *(["internal_medicine"] * 10)) == "problem"


def test_fees_cap_tracks_and_empty():
    p, o = profile_record(), outcomes()
    twenty = by_rule(checks(entries(*(["internal_medicine"] * 20)), p, o, [], DAY), "rank-fees")[0]
    assert "within the 20 included" in twenty.text
    extra = by_rule(checks(entries(*(["internal_medicine"] * 23)), p, o, [], DAY), "rank-fees")[0]
    assert "3 beyond the 20 included: $90" in extra.text
    assert not by_rule(checks(entries(*(["internal_medicine"] * 300)), p, o, [], DAY), "rank-cap")
    cap = by_rule(checks(entries(*(["internal_medicine"] * 301)), p, o, [], DAY), "rank-cap")
    assert cap and cap[0].level == "problem"
    named = entries("internal_medicine", "internal_medicine", names=["City Preliminary Medicine", "Derm Advanced"])
    assert by_rule(checks(named, p, o, [], DAY), "rank-tracks")
    assert not by_rule(checks(entries("internal_medicine"), p, o, [], DAY), "rank-tracks")
    empty = checks([], p, o, [], DAY)
    assert by_rule(empty, "rank-empty") and not by_rule(empty, "rank-contiguous")
    assert by_rule(checks(entries("internal_medicine"), p, o, [], DAY), "rank-lock-pilot")
    assert not by_rule(checks(entries("family_medicine"), p, o, [], DAY), "rank-lock-pilot")


class Ev:
    def __init__(self, key: str, date: dt.date) -> None:
        self.key, self.date, self.end = key, date, None
        self.title, self.kind, self.certainty, self.source = key, "match", "estimated", "NRMP"


def test_where_today_falls_in_the_ranking_season():
    p, o = profile_record(), outcomes()
    events = [Ev("nrmp-ranking-opens", dt.date(2027, 2, 1)), Ev("rank-list", dt.date(2027, 3, 3)), Ev("match-day", dt.date(2027, 3, 19))]
    say = lambda day: by_rule(checks(entries("internal_medicine"), p, o, events, day), "rank-dates")[0]  # noqa: E731
    assert "ranking opens about 2027-02-01" in say(dt.date(2027, 1, 31)).text
    assert "30 days to certify" in say(dt.date(2027, 2, 1)).text  # February 2027 has 28 days
    assert say(dt.date(2027, 2, 24)).level == "warn" and say(dt.date(2027, 2, 23)).level == "info"
    last = say(dt.date(2027, 3, 3))
    assert "the last day to certify" in last.text and last.level == "warn"
    assert "has passed" in say(dt.date(2027, 3, 4)).text and "2027-03-19" in say(dt.date(2027, 3, 4)).text


def test_rules_out_and_verify_name_the_program_and_the_policy():
    p, o = profile_record(), outcomes()
    e = Entry(tracked("x", name="X Program"), None, [], [], Standing("target", None, (("graduation", "graduated too long ago"),), ("attempts",)))
    found = checks([e], p, o, [], DAY)
    assert "X Program: its stated policy rules you out (graduated too long ago)" in by_rule(found, "rank-rules-out")[0].text
    assert "X Program: attempts" in by_rule(found, "rank-verify")[0].text


# the command --------------------------------------------------------------------------------


@pytest.fixture
def season(cli, tmp_path):
    """A profile with ranking weights and a tracker with three interviews, rated."""
    data = copy.deepcopy(BASE)
    data["ranking"] = {"weights": {"informatics": 5, "fit": 3}, "gut": 1, "hard_stops": {"states": ["PA"]}}
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    db = str(tmp_path / "t.sqlite3")

    def track(*args: str):
        result = cli("track", args[0], str(profile), *args[1:], "--db", db)
        assert result.code == 0, result.err
        return result

    track("add", IM1, IM2, FM1)
    for pid in (IM1, IM2, FM1):
        track("update", pid, "--status", "interviewed", "--interview", "2026-11-10")
    track("rate", IM1, "informatics=3", "fit=3")
    track("rate", IM2, "informatics=5", "fit=4")
    track("rate", FM1, "informatics=5", "fit=5")
    return str(profile), db


def test_rank_command_json(cli, season):
    profile, db = season
    doc = json.loads(cli("rank", profile, "--db", db, "--format", "json").out)
    assert [r["id"] for r in doc["ranks"]] == [IM2, IM1]
    assert doc["dropped"][0]["id"] == FM1 and "PA" in doc["dropped"][0]["reason"]
    lo = O.list_odds([r["p"] for r in doc["ranks"]])
    assert doc["p_match"] == pytest.approx(lo.match)
    assert [r["p_matched_here"] for r in doc["ranks"]] == pytest.approx(lo.at_rank)
    assert "true preference" in doc["advice"]["text"]
    assert "imgplan's model" in doc["model"]
    assert {c["rule"] for c in doc["checks"]} >= {"rank-contiguous", "rank-fees"}


def test_rank_order_file_and_stored_ranks(cli, season, tmp_path):
    profile, db = season
    order = tmp_path / "order.txt"
    order.write_text(f"# my list\n{IM1}\n{FM1}\n")
    doc = json.loads(cli("rank", profile, "--db", db, "--order", str(order), "--format", "json").out)
    assert [r["id"] for r in doc["ranks"]] == [IM1, FM1]
    assert doc["ranks"][1]["note"].startswith("a hard stop applies")
    assert doc["not_on_your_order"] == [IM2]
    csv_order = tmp_path / "order.csv"
    csv_order.write_text(f"rank,program_id\n2,{IM1}\n1,{IM2}\n")
    doc = json.loads(cli("rank", profile, "--db", db, "--order", str(csv_order), "--format", "json").out)
    assert [r["id"] for r in doc["ranks"]] == [IM2, IM1]
    order.write_text(f"{IM1}\n{IM1}\n")
    assert "listed twice" in cli("rank", profile, "--db", db, "--order", str(order)).err
    order.write_text("im-nowhere\n")
    bad = cli("rank", profile, "--db", db, "--order", str(order))
    assert bad.code == 2 and "not among your interviews" in bad.err
    cli("track", "update", profile, IM1, "--rank", "1", "--db", db)
    cli("track", "update", profile, IM2, "--rank", "2", "--db", db)
    doc = json.loads(cli("rank", profile, "--db", db, "--format", "json").out)
    assert [r["id"] for r in doc["ranks"]] == [IM1, IM2] and "tracker" in doc["source"]


def test_rank_formats(cli, season):
    profile, db = season
    table = cli("rank", profile, "--db", db).out
    assert "Your rank order list" in table and "P(match)" in table and "Off the draft" in table
    rows = cli("rank", profile, "--db", db, "--format", "csv").out.splitlines()
    assert rows[0] == "rank,nrmp_code,program_id,program,specialty,p,p_matched_here"
    assert rows[1].startswith(f"1,,{IM2},")
    assert "| # | Id |" in cli("rank", profile, "--db", db, "--format", "markdown").out


def test_rank_with_nothing_tracked_says_so(cli, tmp_path):
    result = cli("rank", str(PROFILES / "strong-scores.yaml"), "--db", str(tmp_path / "none.sqlite3"), "--format", "json")
    doc = json.loads(result.out)
    assert doc["ranks"] == [] and any(c["rule"] == "rank-empty" for c in doc["checks"])
    assert not Path(tmp_path / "none.sqlite3").exists()


def test_the_readme_calibration_table_is_what_the_model_computes():
    from conftest import ROOT

    readme = (ROOT / "docs" / "season.md").read_text(encoding="utf-8")
    table = readme.split("<!-- calibration-im -->", 1)[1].strip().splitlines()[:4]
    ks = [int(x) for x in table[0].strip("|").split("|")[1:]]
    cotm = [float(x) for x in table[2].strip("|").split("|")[1:]]
    model = [float(x) for x in table[3].strip("|").split("|")[1:]]
    im = outcomes().charting_outcomes.specialties["internal_medicine"]
    p = O.median_p(im)
    assert f"p = {p:.3f}" in table[3]
    assert cotm == [round(c, 2) for c in (O.cotm_curve(im, range(k, k + 1))[0] for k in ks)]
    assert model == [round(1 - (1 - p) ** k, 2) for k in ks]


def test_rating_a_criterion_without_a_weight_is_kept_and_said(cli, season):
    profile, db = season
    result = cli("track", "rate", profile, IM1, "wellness=4", "--db", db)
    assert result.code == 0 and "wellness not in your profile's ranking.weights" in result.out
    assert "not in your profile" not in cli("track", "rate", profile, IM1, "fit=2", "--db", db).out
