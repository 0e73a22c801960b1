"""The CI fellowship directory (issue #16): the format, the import, the residency ->
fellowship link (names, distances, the dataset-wins rule), the commands and a resident's list."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from imgplan import fellowships as F
from imgplan.formats import dataset_from, profile_from, to_record
from imgplan.load import bundled
from imgplan.load.loading import load_directory
from imgplan.models import vocab
from imgplan.models.fellowships import conflict
from imgplan.rules.fit import informatics_fit

from conftest import PROFILES

TODAY = dt.date(2026, 11, 25)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ci-fellowships.csv"
COORDS = bundled.cities()


def directory(*entries: dict, **top) -> object:
    from imgplan.formats.fellowships import FellowshipDirectory

    doc = {
        "format": 1,
        "name": "test directory",
        "as_of": "2026-11-01",
        "source": "tests",
        "note": "incomplete",
        "fellowships": list(entries),
        **top,
    }
    return to_record(FellowshipDirectory.model_validate(doc))


def fellowship(fid: str, **fields) -> dict:
    return {"id": fid, "name": fid.title(), **fields}


def dataset(*programs: dict) -> object:
    return dataset_from(
        {
            "format": 1,
            "name": "t",
            "as_of": "2026-10-01",
            "source": "tests",
            "programs": [
                {"id": f"p{n}", "specialty": "internal_medicine", **p}
                for n, p in enumerate(programs)
            ],
        }
    )


# Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Vanderbilt University Medical Center", "Vanderbilt University Medical Center"),
        ("Univ. of Pittsburgh Med. Ctr.", "University of Pittsburgh Medical Center"),
        ("St. Louis University Hospital", "Saint Louis University Hospital"),
        ("Oregon Health & Science University Hospital", "Oregon Health and Science University"),
        ("UCSF", "University of California San Francisco"),
        ("OHSU", "Oregon Health & Science University"),
        ("Duke University Hospital", "Duke University Health System"),
    ],
)
def test_same_institution_matches_robustly(a, b):
    assert F.same_institution(a, b) and F.same_institution(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("University of Washington", "Washington University"),  # word order counts
        ("Mayo Clinic", "Mayo Clinic Arizona"),
        ("University of Texas Medical Branch", "UT Southwestern Medical Center"),
        ("University Hospital", "University Medical Center"),  # nothing distinctive
        ("Children's Hospital of Philadelphia", "Children's Hospital Los Angeles"),
        ("UCLA", "University of California San Francisco"),
        ("Rochester General Hospital", "University of Rochester Medical Center"),
    ],
)
def test_near_misses_do_not_match(a, b):
    assert not F.same_institution(a, b) and not F.same_institution(b, a)


def test_institution_of_a_program_name():
    assert F.institution_of("Vanderbilt University Medical Center Internal Medicine Program") == (
        "Vanderbilt University Medical Center"
    )
    assert F.institution_of("Riverside Health Family Medicine Residency") == "Riverside Health"


# Distances ----------------------------------------------------------------------------------


def test_distance_between_real_cities():
    boston = F.where("Boston", "MA", COORDS)
    new_york = F.where("New York", "NY", COORDS)
    assert boston and new_york
    assert 180 < F.miles(boston, new_york) < 195  # ~190 great-circle miles
    assert F.miles(boston, boston) == 0
    # spellings fold: St. Louis / Saint Louis / ST LOUIS; New York City / New York
    assert F.where("Saint Louis", "MO", COORDS) == F.where("St. Louis", "mo", COORDS) is not None
    assert F.where("New York City", "NY", COORDS) == new_york
    assert F.where("Atlantis", "NY", COORDS) is None


# The link -----------------------------------------------------------------------------------


def links_for(programs, entries):
    return F.links(dataset(*programs), directory(*entries), COORDS)


def test_link_kinds_in_house_same_city_nearby_and_none():
    entries = [
        fellowship(
            "vumc", institution="Vanderbilt University Medical Center", city="Nashville", state="TN"
        ),
        fellowship("bidmc", institution="Beth Israel Deaconess", city="Brookline", state="MA"),
    ]
    programs = [
        {
            "name": "Vanderbilt University Medical Center Internal Medicine",
            "city": "Nashville",
            "state": "TN",
        },
        {"name": "Fictional Hospital Internal Medicine", "city": "Nashville", "state": "TN"},
        {"name": "Fictional Hospital Internal Medicine", "city": "Cambridge", "state": "MA"},
        {"name": "Fictional Hospital Internal Medicine", "city": "Worcester", "state": "MA"},
        {"name": "Fictional Hospital Internal Medicine", "city": "Nowhere Town", "state": "MA"},
        # same name, another state: not in house (Vanderbilt is in TN)
        {
            "name": "Vanderbilt University Medical Center Internal Medicine",
            "city": "Memphis",
            "state": "KY",
        },
    ]
    found = links_for(programs, entries)
    assert [(x.kind, x.fellowship_id) if x else None for x in found] == [
        ("in_house", "vumc"),
        ("same_city", "vumc"),
        ("nearby", "bidmc"),
        ("nearby", "bidmc"),
        None,
        None,
    ]
    assert 1 < found[2].miles < 5  # Cambridge - Brookline
    assert 35 < found[3].miles < 45  # Worcester - Brookline
    assert found[0].confidence == "single 2021 source"


def test_nearby_stops_at_the_limit():
    entries = [fellowship("bidmc", city="Brookline", state="MA")]
    far = links_for(
        [{"name": "X Internal Medicine", "city": "Springfield", "state": "MA"}], entries
    )
    assert F.NEARBY_MILES == 60
    springfield = F.where("Springfield", "MA", COORDS)
    assert F.miles(springfield, F.where("Brookline", "MA", COORDS)) > 60
    # beyond the limit: not 'nearby' and no fit points, but the miles are said
    assert [x.kind for x in far] == ["far"] and 76 < far[0].miles < 78  # type: ignore[union-attr]
    assert informatics_fit_for(far[0]).score == 0


def informatics_fit_for(link):
    from imgplan.formats import program_from

    p = program_from({"id": "x", "name": "X", "specialty": "internal_medicine"})
    p.link = link
    return informatics_fit(p)


def test_dataset_names_the_fellowship():
    entries = [fellowship("vumc", city="Nashville", state="TN")]
    found = links_for(
        [{"name": "Other Name IM", "informatics": {"ci_fellowship_id": "vumc"}}], entries
    )
    assert found[0].kind == "in_house" and "ci_fellowship_id" in found[0].how


def test_the_dataset_wins_and_a_conflict_is_said():
    entries = [fellowship("vumc", institution="Vanderbilt University Medical Center", state="TN")]
    name = "Vanderbilt University Medical Center Internal Medicine"
    data = dataset(
        {"name": name, "state": "TN"},
        {"name": name, "state": "TN", "informatics": {"ci_fellowship": "none"}},
        {"name": name, "state": "TN", "informatics": {"ci_fellowship": "affiliated"}},
    )
    for p, link in zip(data.programs, F.links(data, directory(*entries), COORDS), strict=True):
        p.link = link
    silent, says_none, says_affiliated = (informatics_fit(p) for p in data.programs)
    # silent dataset: the directory's in-house link counts, labelled as the directory's
    assert silent.score == 35 and "directory, single 2021 source: verify" in silent.describe()
    assert "CI fellowship" not in silent.unknown
    # the dataset says none: its value is used (no points) and the conflict is said
    assert says_none.score == 0
    assert says_none.conflict.startswith("Conflict: the dataset says no CI fellowship")
    assert "the dataset's value is used" in says_none.describe()
    assert conflict(vocab.CiFellowship.none, data.programs[1].link) == says_none.conflict
    # the dataset says affiliated: no conflict, the dataset's 20 points, not the directory's 35
    assert says_affiliated.score == 20 and says_affiliated.conflict is None


def test_explain_shows_the_link_for_a_program_in_a_fellowship_city(cli):
    out = " ".join(
        cli("explain", str(PROFILES / "strong-scores.yaml"), "im-westmoor-medical-center-pa").out.split()
    )
    assert "CI fellowship link: in the same city — Children's Hospital of Philadelphia" in out
    assert "directory confidence: ACGME list 2026" in out
    doc = json.loads(
        cli(
            "explain",
            str(PROFILES / "strong-scores.yaml"),
            "im-westmoor-medical-center-pa",
            "-f",
            "json",
        ).out
    )
    assert doc["fellowship_link"]["kind"] == "same_city"
    assert doc["fellowship_link"]["fellowship"] == "children-s-hospital-of-philadelphia"


# The format ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([fellowship("a"), fellowship("a")], "id 'a' is used twice; expected unique ids"),
        (
            [fellowship("a", acgme_id="1401614002")],
            "starts with specialty code 140, not a Clinical Informatics code",
        ),
        ([fellowship("a", acgme_id="13916")], "is not an ACGME program ID; expected 10 digits"),
        (
            [fellowship("a", acgme_id="3022630001", department="internal_medicine")],
            "department internal_medicine contradicts ACGME ID 3022630001",
        ),
        ([fellowship("a", confidence="sure")], "is not a confidence grade"),
        ([fellowship("a", website="x")], "extra"),
    ],
)
def test_bad_directories_are_refused(entries, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        directory(*entries)
    assert message in str(info.value)


def test_department_comes_from_the_acgme_code():
    d = directory(fellowship("a", acgme_id="3022630001"), fellowship("b", acgme_id="1392414001"))
    assert [(f.department, f.department_from) for f in d.fellowships] == [
        ("pathology", "acgme_id"),
        ("internal_medicine", "acgme_id"),
    ]


def test_a_bad_directory_file_is_located_and_exit_2(cli, tmp_path):
    path = tmp_path / "dir.yaml"
    path.write_text(
        "format: 1\nname: x\nas_of: 2026-11-01\nsource: s\nnote: n\nfellowships:\n"
        "  - {id: a, name: A, acgme_id: '1401614002'}\n  - {id: b, name: B, colour: red}\n"
    )
    result = cli("fellowships", "list", "--fellowships", str(path))
    assert result.code == 2
    assert f"{path}:7:" in result.err and "not a Clinical Informatics code" in result.err
    assert f"{path}:8:" in result.err and "unknown key 'colour'" in result.err
    assert cli("validate", str(path)).code == 1  # validate: 1 = a file is invalid


def test_the_bundled_directory_is_valid_and_says_it_is_incomplete():
    d = load_directory(bundled.data_path("fellowships.yaml"), TODAY)
    assert len(d.fellowships) == 63 and "ACGME's 2026 list has 62 programs" in d.note
    assert sum(1 for f in d.fellowships if f.acgme_id) == 62
    assert all(f.sources and f.confidence for f in d.fellowships)


# Import -------------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/reference/ci-fellowships.csv is absent")
def test_import_of_the_facts_file_gives_the_bundled_directory(tmp_path, cli):
    out = tmp_path / "f.yaml"
    result = cli(
        "fellowships", "import", str(SHARED), "--as-of", "2026-11-01", "--output", str(out)
    )
    assert result.code == 0 and "imported 63 fellowships" in result.err
    mine = load_directory(out, TODAY)
    bundled_one = load_directory(bundled.data_path("fellowships.yaml"), TODAY)
    assert [f for f in mine.fellowships] == [f for f in bundled_one.fellowships]
    by_id = {f.id: f for f in mine.fellowships}
    # imgplan's reading of the policy text: a negation is read, a conflict stays unknown
    assert by_id["stony-brook-medicine-university-hospital"].visas == ["j1"]
    assert by_id["stony-brook-medicine-university-hospital"].visa_scope == "institution"
    assert by_id["the-metrohealth-system-case-western-reserve-university"].visas == ["j1", "h1b"]
    assert by_id["university-at-buffalo"].visas is None
    assert by_id["beth-israel-deaconess-medical-center"].visas is None
    assert (
        "pathology-trained physicians only"
        in by_id["mgh-bwh-clinical-informatics-fellowship-at-mass-general-brig"].restricted_tracks
    )
    # a department read from the ACGME ID when the sheet has none
    assert by_id["mayo-clinic-college-of-medicine-and-science-rochester"].department == "pathology"


def test_import_refuses_bad_rows_located(tmp_path, cli):
    path = tmp_path / "d.csv"
    path.write_text(
        "id,program_name,city,state,acgme_id,confidence\n"
        "a,A,Boston,MA,1401614002,confirmed older\n"
        "b,=HYPERLINK(1),Boston,MA,,confirmed older\n"
    )
    out = tmp_path / "out.yaml"
    result = cli("fellowships", "import", str(path), "--output", str(out))
    assert result.code == 2 and not out.exists()
    assert f"{path}:2:" in result.err and "not a Clinical Informatics code" in result.err
    assert f"{path}:3:2:" in result.err and "would run as a formula" in result.err


# The commands --------------------------------------------------------------------------------


def test_fellowships_list_filters_and_formats(cli):
    doc = json.loads(cli("fellowships", "list", "--state", "NY", "-f", "json").out)
    assert doc["directory"]["which"] == "bundled" and doc["fellowships"]
    assert {f["state"] for f in doc["fellowships"]} == {"NY"}
    j1 = json.loads(cli("fellowships", "list", "--visa", "j1", "-f", "json").out)["fellowships"]
    assert j1 and all("j1" in f["visas"] for f in j1)
    path = json.loads(cli("fellowships", "list", "--department", "Pathology", "-f", "json").out)
    assert {f["department"] for f in path["fellowships"]} == {"pathology"}
    near = cli("fellowships", "list", "--near", "Boston,MA", "--within", "10", "-f", "csv").out
    rows = [r.split(",") for r in near.splitlines()]
    assert rows[0][-1] == "miles" and len(rows) > 2 and all(float(r[-1]) <= 10 for r in rows[1:])
    table = cli("fellowships", "list").out
    assert "confidence: single 2021 source" in table and "visas verify" in table
    assert "| id | name |" in cli("fellowships", "list", "-f", "markdown").out
    bad = cli("fellowships", "list", "--near", "Atlantis,NY")
    assert bad.code == 2 and "not in imgplan's city table" in bad.err
    assert cli("fellowships", "list", "--within", "5").code == 2


def test_fellowships_show_and_diff(cli, tmp_path):
    shown = cli("fellowships", "show", "ucsf").out
    assert "policy text: Institution-wide UCSF rule" in shown and "imgplan's reading" in shown
    assert cli("fellowships", "show", "nope").code == 2
    old = bundled.data_path("fellowships.yaml")
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text().replace("name: UCSF\n", "name: UCSF Health\n"))
    doc = json.loads(cli("fellowships", "diff", str(old), str(new), "-f", "json").out)
    assert doc["changed"] == [
        {"id": "ucsf", "fields": [{"field": "name", "old": "UCSF", "new": "UCSF Health"}]}
    ]
    assert cli("fellowships", "diff", str(old), str(new), "--exit-code").code == 1


def test_a_users_directory_replaces_the_bundled_one_and_is_named(cli, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "format: 1\nname: my list\nas_of: 2026-11-20\nsource: me\nnote: mine\nfellowships:\n"
        "  - {id: westmoor-ci, name: Westmoor CI, city: Philadelphia, state: PA, confidence: confirmed 2022+}\n"
    )
    args = ["explain", str(PROFILES / "strong-scores.yaml"), "im-westmoor-medical-center-pa"]
    out = " ".join(cli(*args, "--fellowships", str(mine)).out.split())
    assert f"CI fellowship links from your directory {mine} (my list" in out
    assert "in the same city — Westmoor CI (westmoor-ci)" in out
    rec = json.loads(
        cli(
            "recommend",
            str(PROFILES / "strong-scores.yaml"),
            "--fellowships",
            str(mine),
            "-f",
            "json",
        ).out
    )
    assert any(str(mine) in n for n in rec["notes"])


# A resident's list ---------------------------------------------------------------------------


def resident(visa="j1", **residency):
    data = {
        "format": 1,
        "graduation_year": 2020,
        "ecfmg_certified": True,
        "visa": visa,
        "usmle": {
            "step1": {"result": "pass", "attempts": 1},
            "step2ck": {"score": 240, "attempts": 1},
        },
        "targets": {"specialties": ["internal_medicine"], "match_year": 2025, "states": ["OH"]},
        "residency": {"specialty": "internal_medicine", "start": "2025-07-01", **residency},
    }
    return profile_from(data, TODAY)


def test_resident_list_orders_by_visa_own_institution_state_and_distance():
    d = directory(
        fellowship("against", visas=["h1b"], visa_scope="program", city="Newark", state="NJ"),
        fellowship("unknown-far", city="Seattle", state="WA"),
        fellowship("unknown-near", city="Newark", state="NJ"),
        fellowship("own", institution="Riverside University Hospital", city="Newark", state="NJ"),
        fellowship("ohio", city="Cleveland", state="OH"),
        fellowship("takes-j1", visas=["j1"], visa_scope="program", city="Seattle", state="WA"),
    )
    person = resident(
        program="Riverside University Hospital Internal Medicine", city="Newark", state="NJ"
    )
    plan = F.rank_fellowships(
        person,
        d,
        COORDS,
        applications=10,
        fee=115,
        fee_source="s",
        source="s",
        submit=dt.date(2027, 7, 7),
        submit_words="July",
    )
    order = [r.fellowship.id for r in plan.ranked]
    assert order == ["takes-j1", "own", "ohio", "unknown-near", "unknown-far", "against"]
    by_id = {r.fellowship.id: r for r in plan.ranked}
    assert by_id["own"].internal and "internal candidate" in " ".join(by_id["own"].reasons)
    assert by_id["against"].visa == "against" and "you need J1" in by_id["against"].warnings[0]
    assert by_id["unknown-far"].visa == "verify"
    assert by_id["unknown-near"].miles == 0.0 and by_id["unknown-far"].miles > 2000


def test_resident_recommend_lists_fellowships_with_count_fee_and_date(cli):
    doc = json.loads(cli("recommend", str(PROFILES / "resident-pgy2.yaml"), "-f", "json").out)
    f = doc["fellowships"]
    assert f["applications"] == 10 and f["fee"] == 115
    assert f["submit"].startswith("2027-07")
    assert len(f["ranked"]) == 63 and f["ranked"][0]["visa"] == "ok"
    assert any("AMIA membership" in n for n in f["notes"])
    assert doc["programs"] == []
