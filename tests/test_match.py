"""The match engine (issue #28 §4): the NRMP's published example reproduced exactly, the
`matching` package (PyPI) as an oracle on 500 random markets, Hypothesis properties
(stability, quotas, both lists, applicant-optimality, truthfulness), supplemental lists, and
located refusals of bad markets."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from imgplan.match.engine import blocking_pairs, run
from imgplan.match.market import Lists, Market, build

# The NRMP's "How the Matching Algorithm Works" example (eight applicants, four programs of two
# positions each), as NRMP published it and as reproduced with NRMP's help at
# www-personal.umich.edu/~jeffshuo/nrmpcouples.html. Result: Anderson (ranked only City) and
# Brown (ranked only the two programs everyone wanted) do not match.
NRMP = {
    "programs": {
        "Mercy": {"quota": 2, "ranks": ["Chen", "Garcia"]},
        "City": {
            "quota": 2,
            "ranks": ["Garcia", "Hassan", "Eastman", "Anderson", "Brown", "Chen", "Davis", "Ford"],
        },
        "General": {
            "quota": 2,
            "ranks": ["Brown", "Eastman", "Hassan", "Anderson", "Chen", "Davis", "Garcia"],
        },
        "State": {
            "quota": 2,
            "ranks": ["Brown", "Eastman", "Anderson", "Chen", "Hassan", "Ford", "Davis", "Garcia"],
        },
    },
    "applicants": {
        "Anderson": ["City"],
        "Brown": ["City", "Mercy"],
        "Chen": ["City", "Mercy"],
        "Davis": ["Mercy", "City", "General", "State"],
        "Eastman": ["City", "Mercy", "State", "General"],
        "Ford": ["City", "General", "Mercy", "State"],
        "Garcia": ["City", "Mercy", "State", "General"],
        "Hassan": ["State", "City", "Mercy", "General"],
    },
}
NRMP_RESULT = {
    "Chen": "Mercy",
    "Davis": "General",
    "Eastman": "City",
    "Ford": "State",
    "Garcia": "City",
    "Hassan": "State",
}


def market_of(doc: dict) -> Market:
    lists = Lists()
    for p, v in doc["programs"].items():
        lists.quotas[p] = v["quota"]
        lists.program_lists[p] = list(v["ranks"])
    for a, v in doc["applicants"].items():
        if isinstance(v, dict):
            lists.applicant_lists[a] = list(v["ranks"])
            for adv, pre in v.get("supplemental", {}).items():
                lists.supplemental[(a, adv)] = list(pre)
        else:
            lists.applicant_lists[a] = list(v)
    market, problems = build(lists)
    assert market is not None, problems
    return market


def named(market: Market, outcome) -> dict[str, str]:
    return {
        market.applicants[a]: market.programs[p] for a, p in enumerate(outcome.matches) if p >= 0
    }


def test_the_nrmp_example_reproduced_exactly():
    m = market_of(NRMP)
    o = run(m)
    assert named(m, o) == NRMP_RESULT
    assert blocking_pairs(m, o) == []


def test_the_nrmp_example_from_the_command_line_yaml_and_csv_folder(cli, tmp_path):
    path = tmp_path / "nrmp.yaml"
    path.write_text(yaml.safe_dump(NRMP))
    doc = json.loads(cli("match", "run", str(path), "--format", "json").out)
    assert doc["matches"] == NRMP_RESULT
    assert doc["unmatched"] == ["Anderson", "Brown"]
    assert doc["unfilled"] == {"Mercy": 1, "General": 1}
    folder = tmp_path / "market"
    folder.mkdir()
    (folder / "programs.csv").write_text(
        "program,quota\n" + "".join(f"{p},{v['quota']}\n" for p, v in NRMP["programs"].items())
    )
    (folder / "applicants.csv").write_text(
        "applicant,rank,program\n"
        + "".join(
            f"{a},{k},{p}\n" for a, ps in NRMP["applicants"].items() for k, p in enumerate(ps, 1)
        )
    )
    (folder / "program_ranks.csv").write_text(
        "program,rank,applicant\n"
        + "".join(
            f"{p},{k},{a}\n"
            for p, v in NRMP["programs"].items()
            for k, a in enumerate(v["ranks"], 1)
        )
    )
    assert (
        json.loads(cli("match", "run", str(folder), "--format", "json").out)["matches"]
        == NRMP_RESULT
    )
    csv_out = cli("match", "run", str(folder), "--format", "csv").out.splitlines()
    assert (
        csv_out[0] == "applicant,program,rank,supplemental_program" and "Chen,Mercy,2," in csv_out
    )
    explained = cli("match", "run", str(path), "--explain", "Brown").out
    assert "Brown: unmatched" in explained and "General (ranked you #1)" in explained


# the oracle ----------------------------------------------------------------------------------


def random_market(
    rng: random.Random, applicants: int, programs: int, max_len: int, max_quota: int
) -> dict:
    ps = [f"P{i}" for i in range(programs)]
    apps = {
        f"A{i}": rng.sample(ps, rng.randint(0, min(max_len, programs))) for i in range(applicants)
    }
    ranked_by: dict[str, list[str]] = {p: [] for p in ps}
    for a, lst in apps.items():
        for p in lst:
            if rng.random() < 0.85:  # a program leaves some applicants off its list
                ranked_by[p].append(a)
    for p in ps:
        rng.shuffle(ranked_by[p])
    return {
        "programs": {p: {"quota": rng.randint(1, max_quota), "ranks": ranked_by[p]} for p in ps},
        "applicants": apps,
    }


def oracle(doc: dict) -> dict[str, str]:
    from matching.games import HospitalResident

    residents = {
        a: [p for p in lst if a in doc["programs"][p]["ranks"]]
        for a, lst in doc["applicants"].items()
    }
    residents = {a: lst for a, lst in residents.items() if lst}
    hospitals = {
        p: [a for a in v["ranks"] if a in residents and p in residents[a]]
        for p, v in doc["programs"].items()
    }
    hospitals = {p: lst for p, lst in hospitals.items() if lst}
    if not residents or not hospitals:
        return {}
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {p: doc["programs"][p]["quota"] for p in hospitals}
    )
    solved = game.solve(optimal="resident")
    return {str(a): str(h) for h, members in solved.items() for a in members}


def test_equal_to_the_matching_package_on_500_random_markets():
    pytest.importorskip("matching")
    rng = random.Random(2027)
    for i in range(500):
        doc = random_market(rng, rng.randint(1, 40), rng.randint(1, 12), 8, 4)
        m = market_of(doc)
        assert named(m, run(m)) == oracle(doc), f"market {i}"


# properties ----------------------------------------------------------------------------------


@st.composite
def markets(draw: st.DrawFn) -> dict:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    return random_market(rng, draw(st.integers(1, 25)), draw(st.integers(1, 8)), 6, 3)


@settings(max_examples=300, deadline=None)
@given(markets())
def test_properties_stable_within_quota_on_both_lists(doc):
    m = market_of(doc)
    o = run(m)
    assert blocking_pairs(m, o) == []
    for p, filled in enumerate(o.filled):
        assert filled <= m.quotas[p]
        assert filled == sum(1 for x in o.matches if x == p)
    for a, p in enumerate(o.matches):
        if p >= 0:
            assert p in m.prefs[a] and a in m.ranks[p]
            assert o.rank_matched[a] == m.prefs[a].index(p) + 1


@settings(max_examples=200, deadline=None)
@given(markets())
def test_property_applicant_optimal_no_stable_matching_is_better_for_anyone(doc):
    """Equal to the oracle's applicant-optimal stable matching; and every applicant's match is
    at least as good as in the program-proposing (program-optimal) stable matching."""
    pytest.importorskip("matching")
    from matching.games import HospitalResident

    m = market_of(doc)
    mine = named(m, run(m))
    assert mine == oracle(doc)
    residents = {
        a: [p for p in lst if a in doc["programs"][p]["ranks"]]
        for a, lst in doc["applicants"].items()
    }
    residents = {a: lst for a, lst in residents.items() if lst}
    hospitals = {
        p: [a for a in v["ranks"] if a in residents and p in residents[a]]
        for p, v in doc["programs"].items()
    }
    hospitals = {p: lst for p, lst in hospitals.items() if lst}
    if residents and hospitals:
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {p: doc["programs"][p]["quota"] for p in hospitals}
        )
        other = {str(a): str(h) for h, ms in game.solve(optimal="hospital").items() for a in ms}
        for a, lst in doc["applicants"].items():
            pos = lambda name, lst=lst: lst.index(name) if name in lst else len(lst)  # noqa: E731
            assert pos(mine.get(a, "")) <= pos(other.get(a, ""))


@settings(max_examples=150, deadline=None)
@given(markets(), st.integers(0, 2**32 - 1))
def test_property_no_applicant_gains_by_reordering_their_list(doc, seed):
    m = market_of(doc)
    truthful = named(m, run(m))
    rng = random.Random(seed)
    for a, lst in list(doc["applicants"].items())[:5]:
        if len(lst) < 2:
            continue
        lied = {
            **doc,
            "applicants": {**doc["applicants"], a: rng.sample(lst, rng.randint(1, len(lst)))},
        }
        m2 = market_of(lied)
        got = named(m2, run(m2)).get(a)
        honest = truthful.get(a)
        rank = lambda name, lst=lst: lst.index(name) if name in lst else len(lst)  # noqa: E731
        assert rank(honest) <= rank(got), (a, honest, got)


# supplemental lists ----------------------------------------------------------------------------


def test_a_supplemental_list_is_used_only_with_its_advanced_program():
    doc = {
        "programs": {
            "Derm": {"quota": 1, "ranks": ["A", "B"]},
            "Prelim": {"quota": 1, "ranks": ["A", "B", "C"]},
            "IM": {"quota": 1, "ranks": ["C", "B"]},
        },
        "applicants": {
            "A": {"ranks": ["Derm"], "supplemental": {"Derm": ["Prelim"]}},
            "B": {"ranks": ["Derm", "IM"], "supplemental": {"Derm": ["Prelim"]}},
            "C": ["IM", "Prelim"],
        },
    }
    m = market_of(doc)
    o = run(m)
    assert named(m, o) == {"A": "Derm", "C": "IM"}  # B loses Derm to A, IM to C
    sup = {m.applicants[a]: m.programs[p] for a, p in enumerate(o.supplemental) if p >= 0}
    assert sup == {"A": "Prelim"}  # B's supplemental list went with Derm


def test_a_position_freed_by_a_lost_advanced_match_goes_back_to_those_turned_away():
    """B holds Derm and so Prelim (turning C away); A then takes Derm: B loses Prelim too, and
    Prelim's freed position goes to C, who had been turned away."""
    doc = {
        "programs": {
            "Derm": {"quota": 1, "ranks": ["A", "B"]},
            "Prelim": {"quota": 1, "ranks": ["B", "C"]},
            "Late": {"quota": 1, "ranks": ["A"]},
        },
        "applicants": {
            "B": {"ranks": ["Derm"], "supplemental": {"Derm": ["Prelim"]}},
            "C": ["Prelim"],
            "A": ["Derm", "Late"],
        },
    }
    m = market_of(doc)
    o = run(m)
    assert named(m, o) == {"A": "Derm", "C": "Prelim"}
    assert all(p < 0 for p in o.supplemental)
    assert blocking_pairs(m, o) == []


# bad markets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["applicants"]["Chen"].append("Nowhere"),
            "applicant 'Chen' ranks 'Nowhere', which is not a program",
        ),
        (lambda d: d["applicants"]["Chen"].append("City"), "ranks 'City' twice"),
        (lambda d: d["programs"]["City"].update(quota=0), "quota 0 is not a number of positions"),
        (lambda d: d["programs"]["City"].update(quota=2.5), "is not a whole number"),
        (lambda d: d["programs"]["City"].update(quota="two"), "quota 'two' is not a whole number"),
        (
            lambda d: d["programs"]["City"]["ranks"].append("Ghost"),
            "ranks 'Ghost', who is not an applicant",
        ),
        (lambda d: d["programs"]["City"]["ranks"].append("Garcia"), "ranks 'Garcia' twice"),
        (
            lambda d: d["applicants"].update(Zed=[f"P{i}" for i in range(301)]),
            "ranks 301 programs; expected at most 300",
        ),
        (lambda d: d.update(couples={}), "exactly two keys"),
        (
            lambda d: d["applicants"].update(Zed={"ranks": ["City"], "partner": "Ann"}),
            "expected a list of programs",
        ),
        (lambda d: d["applicants"].update({"Bad\x1bName": ["City"]}), "control character"),
    ],
)
def test_bad_markets_are_exit_2_located(cli, tmp_path, change, expected):
    import copy

    doc = copy.deepcopy(NRMP)
    change(doc)
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    result = cli("match", "run", str(path))
    assert result.code == 2, result.out
    assert expected in result.err and "Traceback" not in result.err
    assert str(path) in result.err


def test_bad_csv_folders_are_exit_2_located(cli, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    assert "has no applicants.csv" in cli("match", "run", str(folder)).err
    (folder / "programs.csv").write_text("program,quota\nCity,2\nCity,3\nMercy,-1\n")
    (folder / "applicants.csv").write_text(
        "applicant,rank,program\nA,1,City\nA,1,Mercy\nB,x,City\n"
    )
    (folder / "program_ranks.csv").write_text("program,applicant\nCity,A\n")
    err = cli("match", "run", str(folder)).err
    assert "programs.csv:3:1: program 'City' is listed twice" in err
    assert "programs.csv:4:1: quota -1 is not a number of positions" in err
    assert "applicants.csv:4:1: rank 'x' is not a whole number" in err
    assert "program_ranks.csv:1:1: the header is" in err
    (folder / "program_ranks.csv").write_text("program,rank,applicant\nCity,1,A\n")
    (folder / "programs.csv").write_text("program,quota\nCity,2\nMercy,1\n")
    (folder / "applicants.csv").write_text("applicant,rank,program\nA,1,City\nA,1,Mercy\n")
    assert "applicant 'A' uses a rank number twice" in cli("match", "run", str(folder)).err


def test_match_help_says_couples_are_not_supported(cli):
    assert "Couples are not supported" in " ".join(cli("match", "run", "--help").out.split())


def test_a_market_file_in_json_and_markdown(cli, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(NRMP))
    doc = json.loads(cli("match", "run", str(path), "--format", "json").out)
    assert doc["summary"] == {
        "applicants": 8,
        "programs": 4,
        "positions": 8,
        "matched": 6,
        "filled": 6,
        "proposals": doc["summary"]["proposals"],
    }
    assert doc["matched_at_rank"] == {"1": 3, "2": 1, "3": 1, "4": 1}
    md = cli("match", "run", str(path), "--format", "markdown").out
    assert "| Chen | Mercy | 2 |  |" in md
    assert Path(path).exists()
