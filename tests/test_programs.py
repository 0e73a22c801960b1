"""The bundled dataset and its generator; programs import, list, show, diff."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter

import pytest

from imgplan.load.loading import load_dataset
from imgplan.models.vocab import FEEDER_SPECIALTIES

from conftest import DATA, ROOT, golden
from datagen import dataset_yaml, programs  # tools/datagen.py (conftest puts tools/ on the path)

TODAY = dt.date(2026, 11, 25)
BUNDLED = ROOT / "data" / "example-programs.yaml"


# Generator ---------------------------------------------------------------------------------


def test_generator_is_deterministic():
    assert dataset_yaml(150, 7) == dataset_yaml(150, 7)
    assert dataset_yaml(150, 7) != dataset_yaml(150, 8)


def test_committed_dataset_is_the_generators_output():
    assert BUNDLED.read_text(encoding="utf-8") == dataset_yaml(400, 2026)


def test_generated_datasets_validate_at_any_size(tmp_path):
    for count in (1, 60, 1000):
        path = tmp_path / f"p{count}.yaml"
        path.write_text(dataset_yaml(count, 3))
        assert len(load_dataset(path, TODAY).programs) == count


@pytest.fixture(scope="module")
def bundled():
    return load_dataset(BUNDLED, TODAY)


def test_bundled_dataset_shape(bundled):
    assert bundled.example is True and "Fictional" in bundled.source
    assert len(bundled.programs) == 400
    specialties = Counter(p.specialty for p in bundled.programs)
    assert len(specialties) == 9
    feeders = sum(n for s, n in specialties.items() if s in FEEDER_SPECIALTIES)
    assert feeders / 400 > 0.7
    assert len({p.state for p in bundled.programs}) >= 35


def test_distributions_follow_the_public_aggregates(bundled):
    by = {}
    for p in bundled.programs:
        by.setdefault(p.specialty.value, []).append(p)

    def mean_share(s):
        return statistics.mean(p.img_share for p in by[s] if p.img_share is not None)

    # IMG shares follow Intealth 2024's order: IM 43% > Pathology 37% > FM 32%.
    assert mean_share("internal_medicine") > mean_share("family_medicine")
    assert abs(mean_share("internal_medicine") - 0.43) < 0.08
    # Step 2 CK minimums sit under the matched non-US IMG first quartile of each specialty.
    q1 = {"internal_medicine": 240, "family_medicine": 222, "pediatrics": 232}
    for spec, quartile in q1.items():
        mins = [p.step2ck_min for p in by[spec] if p.step2ck_min is not None]
        assert mins and max(mins) < quartile and statistics.median(mins) >= quartile - 20
    # Like FREIDA: about half publish no minimum; many leave visas unknown.
    missing = sum(p.step2ck_min is None for p in bundled.programs) / 400
    assert 0.35 < missing < 0.7
    assert sum(p.visas is None for p in bundled.programs) > 20
    # An in-house CI fellowship is a minority feature.
    in_house = sum(p.informatics.ci_fellowship == "in_house" for p in bundled.programs)
    assert 0 < in_house < 400 * 0.2
    # Some figures are stale (older than 18 months at the dataset date).
    assert any(p.verified and p.verified < dt.date(2025, 4, 1) for p in bundled.programs)


def test_generator_ids_unique_at_scale():
    ids = [p["id"] for p in programs(13000, 2026)]
    assert len(ids) == len(set(ids))


# Import --------------------------------------------------------------------------------


def test_import_sample_csv_round_trips(cli, tmp_path):
    out = tmp_path / "mine.yaml"
    result = cli("programs", "import", "examples/my-programs.csv", "--output", str(out))
    assert result.code == 0 and "imported 5 programs" in result.err
    dataset = load_dataset(out, TODAY)
    first = dataset.by_id("im-riverside-university-hospital-ny")
    assert first.visas == ["j1", "h1b"] and first.img_share == 0.4
    assert first.yog_max_years == 5 and first.informatics.ci_fellowship == "in_house"
    assert first.notes == 'PD said "IMG friendly" at the open house'
    harbor = dataset.by_id("im-harbor-point-medical-center-nj")
    assert harbor.state == "NJ" and harbor.verified == dt.date(2026, 9, 1)
    assert harbor.setting == "community_university_affiliated"
    granite = dataset.by_id("im-granite-falls-regional-oh")
    assert granite.informatics.ci_fellowship is None  # "unknown" stays unknown
    assert dataset.example is False


def test_import_semicolons_bom_and_quotes(cli, tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes(
        "\ufeffProgram name;Specialty;Visas;IMG %\n"
        '"Alpha; Beta Hospital";FM;"J-1; H-1B";"30,5%"\n'.encode()
    )
    out = tmp_path / "excel.yaml"
    assert cli("programs", "import", str(src), "-o", str(out)).code == 0
    program = load_dataset(out, TODAY).programs[0]
    assert program.name == "Alpha; Beta Hospital" and program.visas == ["j1", "h1b"]
    assert program.img_share == pytest.approx(0.305)


def test_import_bad_rows_exact_messages_and_nothing_written(cli, tmp_path):
    out = tmp_path / "bad.yaml"
    result = cli("programs", "import", "tests/data/csv/bad-rows.csv", "--output", str(out))
    assert result.code == 2 and not out.exists()
    golden("import-bad-rows.txt", result.err)


def test_import_skip_bad_rows_reports_and_writes_the_rest(cli, tmp_path):
    out = tmp_path / "good.yaml"
    result = cli(
        "programs", "import", "tests/data/csv/bad-rows.csv", "--skip-bad-rows", "-o", str(out)
    )
    assert result.code == 0
    assert result.err.count("skipped: ") == 7 and "skipped 3 bad rows" in result.err
    assert [p.id for p in load_dataset(out, TODAY).programs] == ["im-alpha-hospital-ny"]


def test_import_unknown_header_reported_not_dropped(cli, tmp_path):
    result = cli("programs", "import", "tests/data/csv/broken-programs.csv")
    assert result.code == 2
    assert result.err == (
        "tests/data/csv/broken-programs.csv:1:7: Favorite color (column G): unknown column "
        "'Favorite color'; expected a known header (see docs/commands.md: import), or pass "
        "--ignore-unknown-columns to drop it, or --map FIELD=COLUMN\n"
    )
    ok = cli("programs", "import", "tests/data/csv/broken-programs.csv", "--ignore-unknown-columns")
    assert ok.code == 0 and "ignored unknown column 'Favorite color'" in ok.err
    assert "Alpha Hospital" in ok.out


def test_import_not_utf8(cli, tmp_path):
    src = tmp_path / "latin1.csv"
    src.write_bytes("Program name,Specialty\nJos\xe9 Hospital,IM\n".encode("latin-1"))
    result = cli("programs", "import", str(src))
    assert result.code == 2 and ":2:4: byte 0xe9 is not UTF-8" in result.err


def test_import_never_overwrites_its_input(cli, tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("Program name,Specialty\nA,IM\n")
    result = cli("programs", "import", str(src), "--output", str(src))
    assert result.code == 2 and src.read_text() == "Program name,Specialty\nA,IM\n"


# List, show, diff --------------------------------------------------------------------------


def test_list_filters_and_formats(cli):
    doc = json.loads(
        cli(
            "programs",
            "list",
            "--programs",
            str(DATA / "programs-golden.yaml"),
            "--state",
            "NY",
            "-f",
            "json",
        ).out
    )
    assert {p["id"] for p in doc["programs"]} == {
        "im-full-fit",
        "im-first-attempt-only",
        "rad-not-feeder",
    }
    csv_out = cli("programs", "list", "--specialty", "peds", "-f", "csv").out
    assert csv_out.splitlines()[0].startswith("id,name,specialty")
    assert all(",pediatrics," in line for line in csv_out.splitlines()[1:])


def test_show_says_unknown(cli):
    out = cli(
        "programs", "show", "im-all-unknown", "--programs", str(DATA / "programs-golden.yaml")
    ).out
    assert "Step 2 CK minimum: unknown: verify on the program's site" in out
    assert "My notes: none" in out  # the user's own notes are never 'unknown'
    missing = cli("programs", "show", "nope", "--programs", str(DATA / "programs-golden.yaml"))
    assert missing.code == 2


def test_diff_program_by_program(cli):
    args = (
        "programs",
        "diff",
        "tests/data/programs-golden.yaml",
        "tests/data/programs-next-season.yaml",
    )
    doc = json.loads(cli(*args, "-f", "json").out)
    assert [p["id"] for p in doc["added"]] == ["em-new-program"]
    assert [p["id"] for p in doc["removed"]] == ["path-community"]
    changes = {c["id"]: c["changes"] for c in doc["changed"]}
    assert changes["im-full-fit"] == [
        {"field": "step2ck_min", "old": 225, "new": 230, "change": "cutoff raised"}
    ]
    assert changes["im-very-high-cutoff"][0]["change"] == "visa h1b dropped"
    assert changes["im-all-unknown"][0]["change"] == "now known"
    golden("diff-golden-next.txt", cli(*args).out)
    assert cli(*args, "--exit-code").code == 1
    same = (
        "programs",
        "diff",
        "tests/data/programs-golden.yaml",
        "tests/data/programs-golden.yaml",
        "--exit-code",
    )
    assert cli(*same).code == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Program name,Specialty\nA\x00B,IM\n", ":2:2: control character U+0000 in the text"),
        (
            b'Program name,Specialty\n"' + b"x" * 200_000 + b'",IM\n',
            "field larger than field limit",
        ),
        (
            b'Program name,Specialty\n"unterminated,IM\n',
            "cannot be read as CSV (unexpected end of data)",
        ),
        (b"", ":1:1: no header row"),
    ],
)
def test_import_hostile_csv_is_a_located_error(cli, tmp_path, content, expected):
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    out = tmp_path / "out.yaml"
    result = cli("programs", "import", str(src), "--output", str(out))
    assert result.code == 2 and expected in result.err and "Traceback" not in result.err
    assert not out.exists()
