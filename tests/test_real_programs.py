"""Real programs by default (issue #26): the 2,137 ERAS 2026 programs, linked to the 63 CI
fellowships; an honest ranking when figures are unknown; merging a FREIDA export by ACGME ID;
the data's age."""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import DATA, PROFILES, ROOT

SHARED = ROOT.parent / "shared" / "reference" / "eras-2026-programs.csv"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def eras():
    from imgplan.load import bundled
    from imgplan.load.loading import load_dataset

    return load_dataset(bundled.data_path("programs.yaml"), TODAY)


def test_the_bundled_list_is_the_real_eras_list_with_every_figure_unknown(eras):
    counts = collections.Counter(str(p.specialty) for p in eras.programs)
    assert counts == {
        "internal_medicine": 693,
        "family_medicine": 806,
        "pediatrics": 212,
        "pathology": 141,
        "emergency_medicine": 285,
    }
    assert not eras.example and eras.as_of == dt.date(2026, 6, 30)
    figures = (
        "setting",
        "positions",
        "img_share",
        "visas",
        "step2ck_min",
        "step2ck_preferred",
        "max_attempts",
        "yog_max_years",
        "usce",
        "ecfmg_by",
        "verified",
    )
    assert all(getattr(p, f) is None for p in eras.programs for f in figures)
    assert all(p.id.isdigit() and len(p.id) == 10 for p in eras.programs)


@pytest.mark.skipif(
    not SHARED.exists(), reason="../shared/reference/eras-2026-programs.csv is absent"
)
def test_the_bundled_list_is_the_import_of_the_facts_file(tmp_path, cli, eras):
    from imgplan.load.loading import load_dataset

    out = tmp_path / "eras.yaml"
    result = cli("programs", "import", str(SHARED), "--as-of", "2026-06-30", "--output", str(out))
    assert result.code == 0 and "ERAS participating-programs list" in result.err
    mine = load_dataset(out, TODAY)
    assert [(p.id, p.name, p.city, p.institution, p.flags) for p in mine.programs] == [
        (p.id, p.name, p.city, p.institution, p.flags) for p in eras.programs
    ]


def test_programs_list_lists_the_693_real_im_programs(cli):
    doc = json.loads(
        cli(
            "programs",
            "list",
            "--programs",
            "eras",
            "--specialty",
            "internal_medicine",
            "-f",
            "json",
        ).out
    )
    assert len(doc["programs"]) == 693 and doc["dataset"]["example"] is False


def test_the_default_list_ranks_real_programs_with_honest_unknowns(cli, monkeypatch):
    monkeypatch.delenv("IMGPLAN_PROGRAMS")  # the users' default: the real list
    table = cli("recommend", str(PROFILES / "strong-scores.yaml"))
    said = " ".join(table.out.split())
    assert "2,137 real programs (ERAS 2026 participating programs, as of 2026-06-30)" in said
    assert "imgplan programs merge eras my-freida.csv --output my-programs.yaml" in said
    assert "Internal Medicine: 48.5% of non-US IMGs who ranked it first matched" in said
    assert "EXAMPLE DATA" not in table.out
    assert "CI fellowship" in table.out and "Tier" not in table.out  # the facts table
    doc = json.loads(cli("recommend", str(PROFILES / "strong-scores.yaml"), "-f", "json").out)
    assert {p["tier"] for p in doc["programs"]} == {"unknown"}
    assert all(p["margin"] is None for p in doc["programs"])
    assert all("figures unknown" in p["tier_reason"] for p in doc["programs"])
    assert doc["summary"]["unknown"] == len(doc["programs"])


def test_explain_shows_vanderbilts_in_house_fellowship(cli):
    doc = json.loads(
        cli(
            "explain",
            str(PROFILES / "strong-scores.yaml"),
            "1404731414",
            "--programs",
            "eras",
            "-f",
            "json",
        ).out
    )
    link = doc["fellowship_link"]
    assert (
        link["kind"] == "in_house" and link["fellowship"] == "vanderbilt-university-medical-center"
    )
    assert doc["tier"] == "unknown"
    from imgplan.load import bundled

    (vumc,) = [f for f in bundled.fellowships(None).fellowships if f.id == link["fellowship"]]
    assert vumc.acgme_id == "1394704001"


def test_emergency_medicine_applies_through_residencycas(cli):
    doc = json.loads(
        cli(
            "explain",
            str(PROFILES / "strong-scores.yaml"),
            "1104721113",
            "--programs",
            "eras",
            "-f",
            "json",
        ).out
    )
    assert doc["service"] == "ResidencyCAS"


def test_link_counts_per_specialty(eras):
    """The link of every real program (pinned: a change of the directory, the city table or
    the matching shows here)."""
    from imgplan.fellowships import link_dataset
    from imgplan.load import bundled

    links = link_dataset(eras, bundled.fellowships(None), bundled.cities())
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for i, p in enumerate(eras.programs):
        counts[str(p.specialty)][links[i].kind if i in links else "none"] += 1
    assert dict(counts["internal_medicine"]) == {
        "in_house": 65,
        "same_city": 82,
        "nearby": 238,
        "far": 307,
        "none": 1,
    }
    assert dict(counts["family_medicine"]) == {
        "in_house": 66,
        "same_city": 74,
        "nearby": 233,
        "far": 431,
        "none": 2,
    }
    assert dict(counts["pediatrics"]) == {"in_house": 41, "same_city": 25, "nearby": 53, "far": 93}
    assert dict(counts["pathology"]) == {"in_house": 42, "same_city": 21, "nearby": 26, "far": 52}
    assert dict(counts["emergency_medicine"]) == {
        "in_house": 39,
        "same_city": 35,
        "nearby": 89,
        "far": 122,
    }


@pytest.mark.parametrize(
    ("city", "state", "placed_as"),
    [
        ("Mesa, AZ", "AZ", "Mesa"),
        ("Phila", "PA", "Philadelphia"),
        ("Valaparaiso", "IN", "Valparaiso"),
        ("NY", "NY", "New York City"),
        ("Bronx", "NY", "New York City"),
        ("Oak Lawn (Chicago)", "IL", "Oak Lawn"),
        ("Sugar Land/Houston", "TX", "Sugar Land"),
        ("St.Louis", "MO", "St. Louis"),
        ("Lees Summit", "MO", "Lee's Summit"),
        ("Espanola", "NM", "Española"),
        ("San Juan", "PR", "San Juan"),
    ],
)
def test_the_lists_city_quirks_are_placed(city, state, placed_as):
    from imgplan.fellowships import where
    from imgplan.load import bundled

    coords = bundled.cities()
    assert where(city, state, coords) == where(placed_as, state, coords) is not None


def test_a_city_that_cannot_be_placed_is_distance_unknown_never_zero(cli, tmp_path):
    from imgplan.fellowships import link_dataset
    from imgplan.formats import dataset_from
    from imgplan.load import bundled

    data = dataset_from(
        {
            "format": 1,
            "name": "t",
            "as_of": "2026-06-30",
            "source": "t",
            "programs": [
                {
                    "id": "1402699999",
                    "name": "Nowhere Clinic Internal Medicine",
                    "specialty": "IM",
                    "city": "Harpers Ferry",
                    "state": "WV",
                }
            ],
        }
    )
    assert link_dataset(data, bundled.fellowships(None), bundled.cities()) == {}


def test_a_freida_export_merged_by_acgme_id_fills_figures_with_provenance(cli, tmp_path):
    out = tmp_path / "mine.yaml"
    freida = DATA / "csv" / "freida-real-ids.psv"
    result = cli("programs", "merge", "eras", str(freida), "--output", str(out))
    assert result.code == 0, result.err
    assert (
        "read 2,139 programs; wrote 2,137: 2 found in more than one input were combined"
        in result.err
    )
    from imgplan.load.loading import load_dataset

    merged = load_dataset(out, TODAY)
    vumc = merged.by_id("1404731414")
    assert vumc is not None
    assert (vumc.visas, vumc.step2ck_min, vumc.img_share) == (["j1"], 235, 0.12)
    assert vumc.institution == "Vanderbilt University Medical Center"
    assert vumc.provenance["step2ck_min"].source == str(freida)
    assert vumc.provenance["institution"].source == "eras"
    rec = json.loads(
        cli(
            "explain",
            str(PROFILES / "strong-scores.yaml"),
            "1404731414",
            "--programs",
            str(out),
            "-f",
            "json",
        ).out
    )
    assert rec["tier"] != "unknown" and rec["margin"] == 252 - 235


def test_a_merge_never_collapses_distinct_acgme_ids_tracks_or_one_files_programs(cli, tmp_path):
    from imgplan.load.loading import load_dataset

    rows = [
        ("1400000001", "Harbor Health Internal Medicine", None),
        ("1400000002", "Harbor Health Internal Medicine", None),  # same name, another ID
        ("harbor-prelim", "Harbor Health Internal Medicine Preliminary", None),
        ("harbor-cat", "Harbor Health Internal Medicine", None),
    ]
    lines = ["format: 1", "name: t", "as_of: 2026-06-30", "source: t", "programs:"]
    for pid, name, _ in rows:
        lines += [
            f'  - id: "{pid}"',
            f"    name: {name}",
            "    specialty: internal_medicine",
            "    state: NY",
            "    city: Bronx",
        ]
    path = tmp_path / "a.yaml"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "merged.yaml"
    result = cli("programs", "merge", str(path), str(path), "--output", str(out))
    assert result.code == 0, result.err
    assert len(load_dataset(out, TODAY).programs) == 4  # a file merged with itself keeps all


def test_programs_diff_by_acgme_id_says_new_closed_and_renamed(cli, tmp_path):
    head = "format: 1\nname: t\nas_of: 2026-06-30\nsource: t\nprograms:\n"

    def edition(name: str, programs: list[tuple[str, str]]) -> Path:
        path = tmp_path / name
        body = "".join(
            f'  - id: "{pid}"\n    name: {title}\n    specialty: internal_medicine\n'
            for pid, title in programs
        )
        path.write_text(head + body)
        return path

    old = edition(
        "2026.yaml", [("1400000001", "A Internal Medicine"), ("1400000002", "B Internal Medicine")]
    )
    new = edition(
        "2027.yaml",
        [("1400000001", "A Health Internal Medicine"), ("1400000003", "C Internal Medicine")],
    )
    doc = json.loads(cli("programs", "diff", str(old), str(new), "-f", "json").out)
    assert (
        "by ACGME ID: 1 new, 1 closed (not in the newer list), 1 renamed, 0 otherwise changed"
        in doc["notes"]
    )


def test_imgplan_data_lists_every_bundled_file_with_its_age(cli):
    from imgplan.load.bundled import data_path

    doc = json.loads(cli("data", "-f", "json").out)
    names = {f["name"] for f in doc["files"]}
    data_files = {p.name for p in Path(data_path("programs.yaml")).parent.iterdir()}
    assert names >= {
        "programs.yaml",
        "example-programs.yaml",
        "fellowships.yaml",
        "outcomes.yaml",
        "calendar.yaml",
        "signals.yaml",
        "reference.yaml",
        "advice.yaml",
        "us-cities.csv",
    }
    assert names <= data_files
    programs = next(f for f in doc["files"] if f["name"] == "programs.yaml")
    assert programs["as_of"] == "2026-06-30" and programs["age_months"] == 5
    assert "2026 Match" in programs["serves"]


def test_a_figure_older_than_the_season_is_said_once(cli, monkeypatch):
    monkeypatch.delenv("IMGPLAN_PROGRAMS")
    doc = json.loads(
        cli(
            "recommend",
            str(PROFILES / "strong-scores.yaml"),
            "--signals",
            "--season",
            "2028",
            "-f",
            "json",
        ).out
    )
    ages = [x["text"] for x in doc["now_next"]["ages"]]
    assert any(t.startswith("The program list is ERAS 2026 participating programs") for t in ages)
    assert any(t.startswith("NRMP Charting Outcomes 2026 describe the 2026 Match") for t in ages)
    assert any(
        "Signal counts for the 2028 season are not published: the 2026 counts" in t for t in ages
    )
    assert len(ages) == len(set(ages))
