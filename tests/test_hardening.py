"""Hardening, round three (issue #31): each class closed at its cause and pinned here — the
output side (a closed stderr, SIGHUP), names from outside made visible everywhere, numbers
that are not numbers, dates at the end of the calendar and far in the future, negations in
visa sentences, hostile workbooks, and the new rooms (a locked tracker, a huge market)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from imgplan.load.directory import read_visas

from conftest import PROFILES, ROOT, TODAY, script

P = str(PROFILES / "strong-scores.yaml")
EXE = str(Path(sys.executable).with_name("imgplan"))
ENV = {**os.environ, "IMGPLAN_TODAY": TODAY}


# the output side --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("recommend", P), ("timeline", P), ("chances", P), ("check-step3", P), ("visa", P), ("validate", P), ("programs", "list")],
)
def test_a_closed_stderr_never_changes_the_exit_code(args):
    expected = script(*args).code
    proc = subprocess.run([EXE, *args], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, timeout=120, pass_fds=())
    closed = subprocess.run(
        ["/bin/sh", "-c", 'exec "$0" "$@" 2>&-', EXE, *args], env=ENV, capture_output=True, cwd=ROOT, timeout=120
    )
    assert closed.returncode == expected == proc.returncode, closed.stdout[-500:]
    assert b"Traceback" not in closed.stdout


def test_sighup_stops_cleanly_and_leaves_no_temporary_file(tmp_path):
    """A large write interrupted by SIGHUP (the terminal closed): exit 129, a word, no
    half-written output and no temporary file."""
    data = tmp_path / "big.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "datagen.py"), "--count", "6000", "--output", str(data)],
        check=True, capture_output=True,
    )
    out = tmp_path / "out.json"
    proc = subprocess.Popen(
        [EXE, "recommend", P, "--programs", str(data), "--format", "json", "--output", str(out), "--no-cache"],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    time.sleep(1.0)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == 128 + signal.SIGHUP
    assert b"terminated; nothing half-written was left" in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# names from outside -----------------------------------------------------------------------------

ESC = "\x1b[31m"


def _hostile_copy(tmp_path: Path, source: Path, suffix: str) -> Path:
    target = tmp_path / f"h{ESC}\x07{suffix}"
    target.write_bytes(source.read_bytes())
    return target


@pytest.mark.parametrize(
    "args",
    [
        lambda p, d, o: ("validate", str(p)),
        lambda p, d, o: ("recommend", str(p), str(PROFILES / "needs-h1b.yaml"), "--top", "1"),
        lambda p, d, o: ("recommend", str(p), "--top", "1", "--output", str(o)),
        lambda p, d, o: ("programs", "diff", str(ROOT / "tests" / "data" / "programs-golden.yaml"), str(d)),
        NAMELESS := lambda p, d, o: ("programs", "list", "--programs", str(d)),  # noqa: B023
    ],
)
def test_names_from_outside_never_reach_the_terminal_raw(cli, tmp_path, args):
    profile = _hostile_copy(tmp_path, PROFILES / "strong-scores.yaml", ".yaml")
    dataset = _hostile_copy(tmp_path, ROOT / "tests" / "data" / "programs-golden.yaml", "d.yaml")
    out = tmp_path / f"o{ESC}.txt"
    result = cli(*args(profile, dataset, out))
    assert "\x1b" not in result.out + result.err and "\x07" not in result.out + result.err
    said = result.out + result.err
    assert "h\\x1b[31m" in said or "o\\x1b[31m" in said or args is NAMELESS


def test_a_header_cell_with_a_line_break_cannot_forge_a_message_line(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text('Program name,State,"Mood\nimgplan: all good"\nAlpha,NY,happy\n')
    result = cli("programs", "import", str(sheet), "--ignore-unknown-columns", "--specialty", "IM")
    forged = [line for line in result.err.splitlines() if line.startswith("imgplan: all good")]
    assert forged == [] and "Mood\\x0aimgplan: all good" in result.err


# numbers and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("fellowships", "list", "--near", "Boston,MA", "--within", "nan"),
        ("fellowships", "list", "--near", "Boston,MA", "--within", "inf"),
        ("recommend", P, "--usce-months", "nan"),
    ],
)
def test_numbers_that_are_not_numbers_are_refused(cli, args):
    assert cli(*args).code == 2


@pytest.mark.parametrize("command", ["timeline", "recommend", "check-step3", "chances", "assess", "visa"])
def test_a_date_at_the_end_of_the_calendar_is_located_not_a_crash(cli, tmp_path, command):
    text = (PROFILES / "strong-scores.yaml").read_text()
    path = tmp_path / "p.yaml"
    path.write_text(re.sub(r"date: 2025-08-14", "date: 9998-08-14", text))
    result = cli(command, str(path))
    assert result.code == 2 and "9998-08-14 is not a plausible date" in result.err
    assert "Traceback" not in result.err


def test_a_figure_dated_far_in_the_future_is_refused_so_it_never_wins_a_merge(cli, tmp_path):
    text = (ROOT / "tests" / "data" / "programs-golden.yaml").read_text()
    path = tmp_path / "future.yaml"
    path.write_text(text.replace("verified: 2026-09-15", "verified: 2099-09-15", 1))
    result = cli("validate", str(path))
    assert result.code == 1 and "2099-09-15 is more than a year after today" in result.out
    merged = cli("programs", "merge", str(ROOT / "tests" / "data" / "programs-golden.yaml"), str(path), "-o", str(tmp_path / "m.yaml"))
    assert merged.code == 2 and not (tmp_path / "m.yaml").exists()


@pytest.mark.parametrize(
    ("sentence", "visas"),
    [
        ("no J-1 or H-1B", []),
        ("J-1: no. H-1B: no.", []),
        ("neither J-1 nor H-1B", []),
        ("J-1 only, no H-1B", ["j1"]),
        ("Sponsors J-1 but not H-1B", ["j1"]),
        ("H-1B not sponsored; J-1 accepted", ["j1"]),
        ("Institution-wide (not CI-specific): J-1 or H-1B", ["j1", "h1b"]),
        ("J-1 and H-1B", ["j1", "h1b"]),
    ],
)
def test_a_negation_is_never_a_yes(sentence, visas):
    assert read_visas(sentence)[0] == visas


# hostile workbooks --------------------------------------------------------------------------


def _variant(tmp_path: Path, name: str, change) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "List"
    ws.append(["Program name", "State", "Specialty"])
    ws.append(["Alpha Program", "NY", "IM"])
    base = tmp_path / "base.xlsx"
    book.save(base)
    with zipfile.ZipFile(base) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    change(parts)
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in parts.items():
            z.writestr(k, v)
    return path


def _row3(xml: str) -> str:
    return xml.replace("</row></sheetData>", "</row><row r=\"3\">{}</row></sheetData>")


CELLS = {
    "inf.xlsx": '<c r="A3" t="n"><v>INF</v></c>',
    "text-number.xlsx": '<c r="A3" t="n"><v>abc</v></c>',
    "string-index.xlsx": '<c r="A3" t="s"><v>999999</v></c>',
    "bad-date.xlsx": '<c r="A3" t="d"><v>notadate</v></c>',
}


@pytest.mark.parametrize("name", sorted(CELLS))
def test_a_corrupt_cell_is_a_located_exit_2(cli, tmp_path, name):
    sheet = "xl/worksheets/sheet1.xml"

    def change(parts):
        parts[sheet] = _row3(parts[sheet].decode()).format(CELLS[name]).encode()

    path = _variant(tmp_path, name, change)
    result = cli("programs", "import", str(path), "-o", str(tmp_path / "o.yaml"))
    assert result.code == 2 and "List!row 3" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "o.yaml").exists()


def test_a_workbook_claiming_the_whole_sheet_is_read_by_its_rows(cli, tmp_path):
    sheet = "xl/worksheets/sheet1.xml"

    def change(parts):
        parts[sheet] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', parts[sheet])

    path = _variant(tmp_path, "dim.xlsx", change)
    start = time.perf_counter()
    result = cli("programs", "import", str(path), "-o", str(tmp_path / "o.yaml"))
    assert result.code == 0 and time.perf_counter() - start < 20


def test_a_workbook_with_no_sheet_and_a_pipe_are_refused(cli, tmp_path):
    def change(parts):
        parts["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", parts["xl/workbook.xml"], flags=re.S)

    result = cli("programs", "import", str(_variant(tmp_path, "none.xlsx", change)))
    assert result.code == 2 and "has no sheet" in result.err
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    result = cli("programs", "import", str(fifo))
    assert result.code == 2 and "not a regular file" in result.err


def test_a_zip_bomb_workbook_is_refused_before_unpacking(cli, tmp_path, monkeypatch):
    from imgplan.load import workbook

    monkeypatch.setattr(workbook, "MAX_UNPACKED", 2_000)
    path = _variant(tmp_path, "bomb.xlsx", lambda parts: parts.update({"xl/padding.bin": b"\0" * 50_000}))
    result = cli("programs", "import", str(path))
    assert result.code == 2 and "unpacks to" in result.err


# the new rooms ----------------------------------------------------------------------------------


def test_a_tracker_locked_by_another_process_is_exit_2_after_waiting(cli, tmp_path, monkeypatch):
    from imgplan.store import db as store_db

    monkeypatch.setattr(store_db, "BUSY_MS", 500)
    path = tmp_path / "t.sqlite3"
    assert cli("track", "add", P, "im-fairhaven-university-medical-center-ky", "--db", str(path)).code == 0
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("track", "update", P, "im-fairhaven-university-medical-center-ky", "--note", "x", "--db", str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 2 and "locked by another imgplan" in result.err


def test_a_market_beyond_the_rank_limit_is_refused(cli, tmp_path, monkeypatch):
    from imgplan.load import market

    monkeypatch.setattr(market, "MAX_RANKS_TOTAL", 10)
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "programs.csv").write_text("program,quota\nP,1\n")
    (folder / "applicants.csv").write_text("applicant,rank,program\n" + "".join(f"A{i},1,P\n" for i in range(20)))
    (folder / "program_ranks.csv").write_text("program,rank,applicant\nP,1,A0\n")
    result = cli("match", "run", str(folder))
    assert result.code == 2 and "applicants.csv:12:" in result.err and "more than 10 applicant ranks" in result.err
    # the programs' side is bounded too
    (folder / "applicants.csv").write_text("applicant,rank,program\n" + "".join(f"A{i},1,P\n" for i in range(5)))
    (folder / "program_ranks.csv").write_text("program,rank,applicant\n" + "".join(f"P,{i + 1},A{i % 5}\n" for i in range(20)))
    result = cli("match", "run", str(folder))
    assert result.code == 2 and "program_ranks.csv:12:" in result.err and "more than 10 program ranks" in result.err


def test_a_market_stops_being_read_after_a_thousand_problems(cli, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "programs.csv").write_text("program,quota\nP,1\n")
    (folder / "applicants.csv").write_text("applicant,rank,program\n" + "".join(f"A{i},1,Nowhere\n" for i in range(5000)))
    (folder / "program_ranks.csv").write_text("program,rank,applicant\nP,1,A0\n")
    result = cli("match", "run", str(folder))
    assert result.code == 2
    assert "… and 800 more problems (reading stopped at " in result.err and "applicants.csv:1002, so there may be more)" in result.err
    assert result.err.count("Nowhere") == 200 and "\n: " not in result.err


def test_a_market_with_old_mac_line_endings_reads_as_with_any_other(cli, tmp_path):
    for ending in ("\n", "\r\n", "\r"):
        folder = tmp_path / f"m{len(ending)}{ending == chr(13)}"
        folder.mkdir()
        (folder / "programs.csv").write_text(ending.join(["program,quota", "P,1", ""]), newline="")
        (folder / "applicants.csv").write_text(ending.join(["applicant,rank,program", "A,1,P", "B,1,P", ""]), newline="")
        (folder / "program_ranks.csv").write_text(ending.join(["program,rank,applicant", "P,1,B", "P,2,A", ""]), newline="")
        result = cli("match", "run", str(folder), "-f", "json")
        assert result.code == 0, (ending, result.err)
        assert '"B"' in result.out and "P" in result.out


def test_a_ten_megabyte_note_is_refused(cli, tmp_path):
    path = tmp_path / "t.sqlite3"
    cli("track", "add", P, "im-fairhaven-university-medical-center-ky", "--db", str(path))
    note = tmp_path / "note.txt"
    result = cli("track", "update", P, "im-fairhaven-university-medical-center-ky", "--note", "x" * (10 << 20), "--db", str(path))
    assert result.code == 2 and "at most 10,000" in result.err
    assert not note.exists()


# files imgplan writes, and names that are not UTF-8 -------------------------------------------


@pytest.mark.parametrize("stem", ["nl\nx", "esc\x1b[1m", "bidi\u202ex", "quote\"x"])
def test_every_yaml_imgplan_writes_validates_whatever_the_file_name(cli, tmp_path, stem):
    sheet = tmp_path / f"{stem}.csv"
    sheet.write_text("Program name,State,Specialty\nAlpha Program,NY,IM\n")
    imported = tmp_path / "imported.yaml"
    assert cli("programs", "import", str(sheet), "-o", str(imported)).code == 0
    assert cli("validate", str(imported)).code == 0, imported.read_text()[:300]
    merged = tmp_path / "merged.yaml"
    assert cli("programs", "merge", str(imported), str(ROOT / "tests" / "data" / "programs-golden.yaml"), "-o", str(merged)).code == 0
    assert cli("validate", str(merged)).code == 0
    starter = tmp_path / f"{stem}-profile.yaml"
    assert cli("init", str(starter)).code == 0
    assert cli("validate", str(starter)).code == 0


def test_a_file_name_that_is_not_utf8_is_written_as_its_escape_in_json(tmp_path):
    name = os.fsdecode(b"p\xff.yaml")
    path = tmp_path / name
    path.write_bytes((PROFILES / "strong-scores.yaml").read_bytes())
    for args in (["validate", str(path), "-f", "json"], ["recommend", str(path), str(PROFILES / "needs-h1b.yaml"), "-f", "json", "--top", "1"]):
        proc = subprocess.run([EXE, *args], env=ENV, capture_output=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr[-400:]
        assert b"\\udcff" in proc.stdout and b"Traceback" not in proc.stderr


def test_a_symlink_loop_given_to_prefer_is_a_usage_error(cli, tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    data = ROOT / "tests" / "data"
    result = cli("programs", "merge", str(data / "programs-golden.yaml"), str(data / "programs-next-season.yaml"), "--prefer", str(tmp_path / "a"))
    assert result.code == 2 and "is not one of the files merged" in result.err


def test_folders_imgplan_creates_are_private_even_their_missing_parents(tmp_path):
    code = (
        "import os, sys; os.umask(0); from pathlib import Path; "
        "from imgplan.load.files import make_private_folder; make_private_folder(Path(sys.argv[1]))"
    )
    target = tmp_path / "home" / ".cache" / "imgplan"
    os.chmod(tmp_path, 0o755)
    subprocess.run([sys.executable, "-c", code, str(target)], check=True)
    for folder in (tmp_path / "home", tmp_path / "home" / ".cache", target):
        assert (folder.stat().st_mode & 0o777) == 0o700, folder
    assert (tmp_path.stat().st_mode & 0o777) == 0o755  # an existing parent keeps its mode


def test_a_shifted_csv_row_is_refused_not_read_into_the_wrong_columns(cli, tmp_path):
    """An unquoted separator in a name shifts the row right; its empty last cell falls off."""
    sheet = tmp_path / "legacy.csv"
    sheet.write_text(
        "Program name,State,Specialty,Notes\n"
        "Alpha Program,NY,IM,\n"
        "Beta, Inc Program,PA,IM,\n"
    )
    result = cli("programs", "import", str(sheet), "-o", str(tmp_path / "o.yaml"))
    assert result.code == 2 and "legacy.csv:3:" in result.err and "5 cells but the header 4" in result.err
    assert not (tmp_path / "o.yaml").exists()


def test_at_most_a_thousand_problems_are_printed_per_file(cli, tmp_path):
    sheet = tmp_path / "many.csv"
    sheet.write_text("Program name,State,Specialty\n" + "".join(f"P{i},ZZ,IM\n" for i in range(3000)))
    result = cli("programs", "import", str(sheet))
    lines = result.err.splitlines()
    assert result.code == 2 and len(lines) == 1002
    assert "… and 2,000 more problems" in lines[-2] and "3000 rows cannot be read" in lines[-1]


@pytest.mark.parametrize(
    "command",
    [
        ["recommend", "{profile}"],
        ["chances", "{profile}"],
        ["explain", "{profile}", "x"],
        ["report", "{profile}"],
        ["check-step3", "{profile}"],
    ],
)
def test_an_output_that_is_an_input_is_refused_before_any_data_is_read(cli, tmp_path, command):
    """Checked first: the broken program file is never reached (it would be a different error
    after seconds of loading on a large dataset)."""
    profile = tmp_path / "p.yaml"
    profile.write_bytes((PROFILES / "strong-scores.yaml").read_bytes())
    broken = tmp_path / "broken.yaml"
    broken.write_text("programs: [\n")
    args = [a.format(profile=profile) for a in command]
    result = cli(*args, "--programs", str(broken), "--output", str(profile))
    assert result.code == 2 and "is one of the input files" in result.err, result.err
    assert "broken.yaml" not in result.err
    assert profile.read_bytes() == (PROFILES / "strong-scores.yaml").read_bytes()


def test_an_import_onto_its_own_file_is_refused_before_it_is_read(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(b"\xff\xfe not a sheet")
    result = cli("programs", "import", str(sheet), "--output", str(sheet))
    assert result.code == 2 and "is one of the input files" in result.err, result.err


# messages in imgplan's words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("  match_year: 2027\n", "  match_year: 2027\n  signals: [" + ", ".join(["{program: p, tier: silver}"] * 101) + "]\n"), "targets.signals: the list has 101 entries; expected at most 100"),
        (("graduation_year: 2023", "graduation_year: [2023]"), "[2023] is not a whole number; expected a year"),
        (("confident: true", "confident: maybe"), "'maybe' is not true/false; expected true or false"),
        (("ecfmg_certified: 2025-11-20", "ecfmg_certified: soon"), "'soon' is not true, false or a date; expected false, true or the date certified"),
        (("specialties: [internal_medicine, family_medicine]", "specialties: []"), "the list is empty; expected at least 1 entry"),
        (("name: Amina Strong (example)", "name: {first: Amina}"), "name: got a mapping; expected text"),
    ],
)
def test_pydantic_wording_never_reaches_the_user(cli, tmp_path, change, said):
    text = (PROFILES / "strong-scores.yaml").read_text()
    assert change[0] in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(change[0], change[1], 1))
    result = cli("validate", str(path))
    assert result.code == 1 and said in result.out + result.err, result.out + result.err
    for pydantic_phrase in ("Input should", "should have", "after validation", "Field required", "[type="):
        assert pydantic_phrase not in result.out + result.err


def test_a_librarys_warning_is_one_line_of_imgplans_without_its_source(tmp_path):
    """A date cell whose serial number no calendar holds makes openpyxl warn; the user sees a
    note of imgplan's, never the library's file path and source line."""
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    book = openpyxl.Workbook()
    book.active.append(["Program name", "State", "Specialty", "Verified"])
    book.active.append(["Alpha Program", "NY", "IM", dt.date(2026, 1, 5)])
    base = tmp_path / "base.xlsx"
    book.save(base)
    with zipfile.ZipFile(base) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'(<c r="D2"[^>]*><v>)[^<]*', r"\g<1>99999999999", sheet).encode()
    path = tmp_path / "far-date.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    proc = subprocess.run([EXE, "programs", "import", str(path)], env=ENV, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "far-date.xlsx:2:4: Verified (Sheet!D2)" in proc.stderr, proc.stderr
    assert "imgplan: note: Cell D2 is marked as a date but the serial value 99999999999" in proc.stderr
    assert "site-packages" not in proc.stderr and "warn(" not in proc.stderr and "UserWarning" not in proc.stderr


def test_a_merge_prints_the_first_conflicts_and_counts_the_rest(cli, tmp_path, monkeypatch):
    """Two files of 130,000 programs can disagree on hundreds of thousands of fields: the
    first MAX_CONFLICTS are printed, then a count; the file written is the same."""
    from imgplan import datasets

    data = ROOT / "tests" / "data"
    args = ("programs", "merge", str(data / "programs-golden.yaml"), str(data / "programs-next-season.yaml"))
    whole = cli(*args, "--output", str(tmp_path / "a.yaml"))
    count = int(re.search(r"conflicts: (\d+)", whole.err).group(1))
    assert count >= 2 and whole.err.count(" -> kept ") == count
    monkeypatch.setattr(datasets, "MAX_CONFLICTS", 1)
    capped = cli(*args, "--output", str(tmp_path / "b.yaml"))
    assert f"conflicts: {count}" in capped.err and capped.err.count(" -> kept ") == 1
    assert f"… and {count - 1} more conflict" in capped.err
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()
