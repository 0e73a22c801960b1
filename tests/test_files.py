"""Files: outputs written atomically (a crash or a full disk leaves the old file or the new one),
inputs never modified, and what is written into spreadsheets and Markdown escaped."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
import stat
import time
from pathlib import Path

import pytest

from imgplan.errors import UsageError
from imgplan.load import files

from conftest import PROFILES, ROOT

PROFILE = str(PROFILES / "needs-h1b.yaml")


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_full_disk_leaves_the_old_output_and_no_temporary_file(cli, tmp_path, monkeypatch, failing):
    out = tmp_path / "list.txt"
    out.write_text("the old list\n")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "write":
        real_fdopen = os.fdopen

        class Full(io.RawIOBase):
            def __init__(self, fd):
                self.inner = real_fdopen(fd, "wb")

            def write(self, data):
                self.inner.write(bytes(data)[:10])  # part of it lands, then the disk is full
                self.inner.flush()
                no_space()

            def close(self):
                self.inner.close()

        monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: Full(fd))
    else:
        monkeypatch.setattr(files.os, failing, no_space)
    result = cli("recommend", PROFILE, "--output", str(out))
    assert result.code == 2
    assert result.err == (
        f"imgplan: error: {out}: cannot be written (No space left on device); nothing was "
        "written, the existing file is unchanged\n"
    )
    assert out.read_text() == "the old list\n"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    """A crash (here an interrupt) during the write of a new file leaves nothing at all."""

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_output(tmp_path / "new.txt", "text", overwrite=True)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_keeps_permissions_and_new_files_follow_the_umask(tmp_path):
    old = tmp_path / "old.txt"
    old.write_text("x")
    old.chmod(0o640)
    files.write_output(old, "y", overwrite=True)
    assert old.read_text() == "y" and stat.S_IMODE(old.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    try:
        files.write_output(tmp_path / "new.txt", "z", overwrite=True)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_never_overwrite_is_one_step(tmp_path):
    """With overwrite=False an existing file is refused even if it appears between the check
    and the write (the new file is hard-linked into place, which fails if the name exists)."""
    target = tmp_path / "profile.yaml"
    target.write_text("mine")
    with pytest.raises(FileExistsError):
        files.replace_atomically(target, b"starter", overwrite=False)
    assert target.read_text() == "mine" and _leftovers(tmp_path) == []
    with pytest.raises(UsageError, match="already exists"):
        files.write_output(target, "starter", overwrite=False)


def test_output_through_a_link_to_an_input_is_refused(cli, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_bytes(Path(PROFILE).read_bytes())
    (tmp_path / "hard.yaml").hardlink_to(profile)
    (tmp_path / "soft.yaml").symlink_to(profile)
    for alias in ("hard.yaml", "soft.yaml"):
        result = cli("recommend", str(profile), "--output", str(tmp_path / alias))
        assert result.code == 2 and "is one of the input files" in result.err
    assert profile.read_bytes() == Path(PROFILE).read_bytes()


def _fingerprint(paths: list[Path]) -> dict[str, tuple[str, int]]:
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths
    }


def test_no_command_modifies_its_input_files(cli, tmp_path):
    """Every command that reads files, run on copies: content and modification time unchanged."""
    profile = tmp_path / "profile.yaml"
    profile.write_bytes(Path(PROFILE).read_bytes())
    programs = tmp_path / "programs.yaml"
    programs.write_bytes((ROOT / "tests" / "data" / "programs-golden.yaml").read_bytes())
    later = tmp_path / "programs-next.yaml"
    later.write_bytes((ROOT / "tests" / "data" / "programs-next-season.yaml").read_bytes())
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes((ROOT / "examples" / "my-programs.csv").read_bytes())
    inputs = [profile, programs, later, sheet]
    before = _fingerprint(inputs)
    p, d = str(profile), str(programs)
    runs = [
        ("recommend", p, "--programs", d),
        ("recommend", p, "--programs", d, "--format", "csv", "--output", str(tmp_path / "o.csv")),
        ("explain", p, "im-full-fit", "--programs", d),
        ("timeline", p, "--format", "ics", "--output", str(tmp_path / "plan.ics")),
        ("check-step3", p, "--programs", d),
        ("chances", p, "--programs", d),
        ("assess", p),
        ("validate", p, d),
        ("programs", "list", "--programs", d),
        ("programs", "show", "im-full-fit", "--programs", d),
        ("programs", "diff", d, str(later)),
        ("programs", "import", str(sheet), "--output", str(tmp_path / "imported.yaml")),
    ]
    for args in runs:
        assert cli(*args).code in (0, 1), args
    assert _fingerprint(inputs) == before


# Escaping ---------------------------------------------------------------------------------

HOSTILE_NAMES = (
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "[click](javascript:alert(1)) <script>x</script> | cell",
)


@pytest.fixture
def hostile_dataset(tmp_path) -> Path:
    q = json.dumps  # a JSON string is a YAML double-quoted scalar
    rows = "".join(
        f"  - {{id: im-{i}, name: {q(name)}, specialty: internal_medicine, state: NY, "
        f"visas: [j1, h1b], url: {q(name)}}}\n"
        for i, name in enumerate(HOSTILE_NAMES)
    )
    path = tmp_path / "programs.yaml"
    path.write_text(
        "format: 1\nname: 'Names | with [markup]'\nas_of: 2026-10-01\nsource: test\n"
        "programs:\n" + rows
    )
    return path


def _formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@") and not cell.lstrip("+-").replace(".", "").isdigit()


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", PROFILE, "--format", "csv", "--include-excluded"),
        ("programs", "list", "--format", "csv"),
    ],
)
def test_csv_output_cannot_inject_formulas(cli, hostile_dataset, args):
    result = cli(*args, "--programs", str(hostile_dataset))
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if _formula(c)]
    for name in HOSTILE_NAMES:
        if name[0] in "=+-@":
            assert f"'{name}" in cells  # kept, marked as text with the spreadsheet's apostrophe


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", PROFILE, "--format", "markdown"),
        ("programs", "list", "--format", "markdown"),
    ],
)
def test_markdown_output_cannot_inject_links_tags_or_cells(cli, hostile_dataset, args):
    result = cli(*args, "--programs", str(hostile_dataset))
    assert result.code == 0, result.err
    text = result.out
    assert not re.search(r"(?<!\\)<script|(?<!\\)\]\(javascript", text)  # only escaped forms
    assert r"\[click\](javascript:alert(1)) \<script\>x\</script\> \| cell" in text
    assert r"Names \| with \[markup\]" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    widths = {line.replace("\\|", "").count("|") for line in table}
    assert len(widths) == 1, "a value broke the table's columns"


def test_multi_line_values_stay_on_one_markdown_line():
    from imgplan.render.common import md

    assert md("line one\nline two\r\n| three") == r"line one line two \| three"


def test_output_that_cannot_be_written_is_exit_74_with_a_message():
    """stdout closed, a full device, an encoding that cannot show the text: a short message
    and exit 74, never a traceback; a closed stderr does not change an exit code; `| head -1`
    stays silent."""
    import subprocess
    import sys

    exe = [sys.executable, "-m", "imgplan"]
    args = ["recommend", str(PROFILES / "strong-scores.yaml"), "--today", "2026-11-25"]
    closed = subprocess.run(
        " ".join([*exe, *args]) + " >&-",
        shell=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert closed.returncode == 74 and "standard output is closed" in closed.stderr
    full = subprocess.run(
        " ".join([*exe, *args]) + " >/dev/full",
        shell=True,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert full.returncode == 74 and "No space left on device" in full.stderr
    ascii_env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    ascii_run = subprocess.run(
        [*exe, *args], capture_output=True, text=True, env=ascii_env, timeout=60
    )
    assert ascii_run.returncode == 74 and "expected UTF-8" in ascii_run.stderr
    assert "Traceback" not in closed.stderr + full.stderr + ascii_run.stderr
    quiet = subprocess.run(
        " ".join([*exe, "check-step3", "missing.yaml", "--quiet"]) + " 2>&-", shell=True, timeout=60
    )
    assert quiet.returncode == 2
    head = subprocess.run(
        " ".join([*exe, *args]) + " | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert head.stderr == ""


def test_sigterm_during_a_large_write_leaves_no_temporary_file(tmp_path):
    """SIGTERM is handled like Ctrl-C: exit 143, a word on stderr, no temporary file and no
    half-written output."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    big = tmp_path / "big.yaml"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "datagen.py"),
            "--count",
            "20000",
            "--seed",
            "1",
            "--output",
            str(big),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    out = tmp_path / "out.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imgplan",
            "recommend",
            str(PROFILES / "strong-scores.yaml"),
            "--programs",
            str(big),
            "-f",
            "json",
            "--no-cache",
            "--output",
            str(out),
            "--today",
            "2026-11-25",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == 143, err
    assert "terminated" in err and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out.json.*.tmp"))


def test_stale_temporaries_of_a_killed_run_are_cleaned(tmp_path):
    """SIGKILL cannot be caught: the next write beside the same target removes imgplan's own
    temporaries over an hour old, and nothing else."""
    target = tmp_path / "plan.json"
    stale = tmp_path / ".plan.json.abcd1234.tmp"
    fresh = tmp_path / ".plan.json.wxyz9876.tmp"
    other = tmp_path / ".plan.json.notes.txt"
    for path in (stale, fresh, other):
        path.write_text("x")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    files.write_output(target, "{}\n", overwrite=True)
    assert not stale.exists() and fresh.exists() and other.exists()
    assert target.read_text() == "{}\n"
