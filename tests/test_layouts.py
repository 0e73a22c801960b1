"""Bring your real list (issue #18): the samples in ../shared/samples/ import into valid
datasets with their fields mapped, a workbook reads as its CSV does, and a merge keeps each
field's source and lists the conflicts."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from imgplan.load.loading import load_dataset

from conftest import ROOT

SAMPLES = ROOT.parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/samples/ is absent (the synthetic spreadsheets)"
)
TODAY = dt.date(2026, 11, 25)


def imported(cli, tmp_path: Path, name: str, *extra: str) -> tuple[dict, str]:
    out = tmp_path / f"{Path(name).stem}-{Path(name).suffix[1:]}.yaml"
    result = cli("programs", "import", str(SAMPLES / name), "--output", str(out), *extra)
    assert result.code == 0, result.err
    data = load_dataset(out, TODAY)
    return {p.id: p for p in data.programs}, result.err


@needs_samples
def test_freida_legacy(cli, tmp_path):
    programs, err = imported(cli, tmp_path, "freida-legacy.psv")
    assert "layout: FREIDA legacy scrape (pipe-delimited)" in err
    assert (
        "column 'H1B Visa' (Q) -> h1b_visa" in err
        and "ignored column (not used by imgplan) 'F1 Visa'" in err
    )
    h = programs["1403511901"]  # the ACGME ID is the id
    assert (h.name, h.specialty, h.state, h.city, h.positions) == (
        "Harborline Medical Center Program",
        "internal_medicine",
        "NY",
        "Brooklyn",
        28,
    )
    assert h.visas == ["j1", "h1b"] and h.img_share == 0.62 and h.step2ck_min == 220
    assert h.verified == dt.date(2025, 8, 14)
    assert programs["1200511903"].visas == []  # both columns No: no sponsorship
    assert programs["1404111902"].visas == ["j1"] and programs["1404111902"].step2ck_min is None
    assert programs["1404111902"].notes == "Step 2 CK 230 preferred"
    assert programs["3004711905"].specialty == "pathology"  # 'Pathology-anatomic and clinical'


@needs_samples
def test_freida_current(cli, tmp_path):
    programs, err = imported(cli, tmp_path, "freida-current.csv")
    assert "layout: FREIDA current-site scrape" in err
    h = programs["1403511901"]
    assert h.setting == "community_university_affiliated" and h.img_share == 0.62
    assert h.visas == ["j1", "h1b"]  # 'J-1 visa sponsorship through ECFMG; H-1B visa sponsorship'
    assert h.url == "https://example.org/harborline" and h.verified == dt.date(2025, 8, 14)
    # the special features are a hint in the notes, never a fact: no informatics field is set
    assert h.notes.startswith("hint, not scored (mentions ehr, informatics)")
    assert h.informatics.ci_fellowship is None and h.informatics.informatics_track is None
    assert programs["1200511903"].visas == []  # 'No visa sponsorship'
    assert programs["3203811904"].visas is None  # blank: unknown
    assert programs["1404111902"].setting == "university"


@needs_samples
def test_acgme_listing_has_no_figures(cli, tmp_path):
    missing = cli("programs", "import", str(SAMPLES / "acgme-search.csv"))
    assert missing.code == 2 and "no specialty" in missing.err and "--specialty" in missing.err
    programs, err = imported(cli, tmp_path, "acgme-search.csv", "--specialty", "IM")
    assert "layout: ACGME program-search listing" in err
    by_name = {p.name: p for p in programs.values()}
    harbor = by_name["Harborline Medical Center Program"]
    assert harbor.specialty == "internal_medicine"  # from --specialty
    assert by_name["Riverbend Pathology Program"].specialty == "pathology"  # from its name
    for p in programs.values():
        assert (p.visas, p.step2ck_min, p.img_share, p.usce) == (None, None, None, None)


@needs_samples
@pytest.mark.parametrize("name", ["my-sheet.csv", "my-sheet.xlsx"])
def test_hand_kept_sheet_and_its_workbook(cli, tmp_path, name):
    programs, err = imported(cli, tmp_path, name)
    assert "column 'Step 2 (min)' (G) -> step2ck_min" in err  # a line break inside the header
    h = programs["im-harborline-medical-center-ny"]
    assert (h.state, h.visas, h.img_share, h.step2ck_min, h.yog_max_years, h.usce) == (
        "NY",
        ["j1", "h1b"],
        0.62,
        220,
        5,
        "preferred",
    )
    assert h.informatics.ci_fellowship == "affiliated"  # 'no (affiliated nearby)'
    assert h.my_notes == "emailed coordinator 2026-10-02"
    q = programs["im-quarry-hill-hospital-pa"]
    assert (q.visas, q.step2ck_min, q.usce) == (["j1"], None, "required")  # '?' stays unknown
    if name.endswith(".xlsx"):
        assert "sheet 'Programs'" in err


@needs_samples
def test_workbook_sheet_choice_and_bad_workbooks(cli, tmp_path):
    wrong = cli("programs", "import", str(SAMPLES / "my-sheet.xlsx"), "--sheet", "Nope")
    assert wrong.code == 2 and "has no sheet 'Nope'; expected one of: Programs" in wrong.err
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    result = cli("programs", "import", str(fake), "--output", str(tmp_path / "o.yaml"))
    assert result.code == 2 and "is not an .xlsx workbook" in result.err
    assert not (tmp_path / "o.yaml").exists()
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "encrypted (password-protected)" in cli("programs", "import", str(locked)).err
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "cannot be read as a workbook" in cli("programs", "import", str(broken)).err


def test_workbook_formula_cells_are_refused_located(cli, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "List"
    ws.append(["Program", "Specialty", "State", "Notes"])
    ws.append(["Alpha Hospital", "IM", "NY", "=1+1"])  # a real formula, never computed here
    ws.append(["Beta Hospital", "IM", "NY", "ok"])
    text = ws.cell(row=3, column=4)
    text.value, text.data_type = "=cmd|' /C calc'!A0", "s"  # text that a sheet would run
    path = tmp_path / "f.xlsx"
    book.save(path)
    result = cli("programs", "import", str(path))
    assert result.code == 2
    assert f"{path}:3:4: Notes (List!D3):" in result.err
    assert "would run as a formula" in result.err
    assert "List!D2" not in result.err  # the formula is read as its stored value: none


def test_map_overrides_the_mapping(cli, tmp_path):
    src = tmp_path / "odd.csv"
    src.write_text("Program,Specialty,State,Cutoff score\nAlpha Hospital,IM,NY,230\n")
    refused = cli("programs", "import", str(src))
    assert refused.code == 2 and "unknown column 'Cutoff score'" in refused.err
    out = tmp_path / "o.yaml"
    ok = cli("programs", "import", str(src), "--map", "step2ck_min=Cutoff score", "-o", str(out))
    assert ok.code == 0 and "column 'Cutoff score' (D) -> step2ck_min" in ok.err
    assert load_dataset(out, TODAY).programs[0].step2ck_min == 230
    assert cli("programs", "import", str(src), "--map", "nonsense=State").code == 2
    assert cli("programs", "import", str(src), "--map", "state=Nope").code == 2


def test_acgme_id_contradicting_the_specialty_warns_and_nrmp_track(cli, tmp_path):
    src = tmp_path / "ids.csv"
    src.write_text(
        "Program ID,Program,Specialty,State,NRMP code\n"
        "1403511901,Alpha Hospital,Pediatrics,NY,1203320P0\n"
        "1203511902,Beta Hospital,FM,NY,1203120C0\n"
    )
    result = cli("programs", "import", str(src), "-o", str(tmp_path / "o.yaml"))
    assert result.code == 0
    assert (
        "ACGME ID 1403511901 has specialty code 140 (Internal Medicine) but the row says Pediatrics"
        in result.err
    )
    assert "NRMP code 1203320P0 is a preliminary track" in result.err
    assert "1203511902" not in result.err.split("warning")[-1] or "Beta" not in result.err
    programs = {p.id: p for p in load_dataset(tmp_path / "o.yaml", TODAY).programs}
    assert programs["1203511902"].nrmp_code == "1203120C0"


# Merge ----------------------------------------------------------------------------------------


@needs_samples
def test_merge_freida_and_the_hand_sheet_keeps_provenance(cli, tmp_path):
    imported(cli, tmp_path, "freida-legacy.psv")
    imported(cli, tmp_path, "my-sheet.csv")
    legacy, sheet = tmp_path / "freida-legacy-psv.yaml", tmp_path / "my-sheet-csv.yaml"
    # the sheet disagrees with FREIDA about Harborline's Step 2 CK minimum
    sheet.write_text(sheet.read_text().replace("step2ck_min: 220", "step2ck_min: 225"))
    out = tmp_path / "merged.yaml"
    result = cli("programs", "merge", str(legacy), str(sheet), "--output", str(out))
    assert result.code == 0, result.err
    merged = {p.id: p for p in load_dataset(out, TODAY).programs}
    assert len(merged) == 5  # 5 FREIDA rows; the sheet's 3 match 3 of them
    h = merged["1403511901"]
    assert (
        f"1403511901 <- {legacy}: 1403511901, {sheet}: im-harborline-medical-center-ny"
        in result.err
    )
    # each field says where it came from and how old it is
    assert (h.provenance["positions"].source, h.provenance["positions"].as_of) == (
        str(legacy),
        dt.date(2025, 8, 14),
    )
    assert h.provenance["yog_max_years"].source == str(sheet)  # only the sheet knows it
    assert h.my_notes == "emailed coordinator 2026-10-02"  # the applicant's notes survive
    # the conflict: newer wins (the sheet, imported today), and it is listed
    assert h.step2ck_min == 225 and h.provenance["step2ck_min"].source == str(sheet)
    assert "conflicts: 1" in result.err
    assert (
        f"1403511901 step2ck_min: {legacy}: 220 (as of 2025-08-14); {sheet}: 225 (as of "
        f"2026-11-25) -> kept {sheet} (the newest figure)"
    ) in result.err
    # --prefer: the named file wins; --fail-on-conflict: exit 1
    preferred = cli(
        "programs",
        "merge",
        str(legacy),
        str(sheet),
        "--prefer",
        str(legacy),
        "--output",
        str(tmp_path / "p.yaml"),
        "--fail-on-conflict",
    )
    assert preferred.code == 1 and f"-> kept {legacy} (--prefer)" in preferred.err
    assert {p.id: p for p in load_dataset(tmp_path / "p.yaml", TODAY).programs}[
        "1403511901"
    ].step2ck_min == 220
    # show and diff know about provenance
    shown = json.loads(
        cli("programs", "show", "1403511901", "--programs", str(out), "-f", "json").out
    )
    assert shown["program"]["provenance"]["positions"] == {
        "source": str(legacy),
        "as_of": "2025-08-14",
    }
    diff = json.loads(cli("programs", "diff", str(tmp_path / "p.yaml"), str(out), "-f", "json").out)
    fields = {c["field"]: c for ch in diff["changed"] for c in ch["changes"]}
    assert fields["provenance.step2ck_min"]["change"] == "source changed"


def test_merge_needs_two_files_and_a_prefer_among_them(cli, tmp_path):
    data = ROOT / "src" / "imgplan" / "data" / "programs.yaml"
    assert cli("programs", "merge", str(data)).code == 2
    assert cli("programs", "merge", str(data), str(data), "--prefer", "other.yaml").code == 2
