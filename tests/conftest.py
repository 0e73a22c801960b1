"""Shared helpers: run the CLI in-process or as the real console script; golden files."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the generator of fictional datasets (tools/datagen.py)
DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"
PROFILES = ROOT / "profiles"
TODAY = "2026-11-25"
UPDATE = os.environ.get("IMGPLAN_UPDATE_GOLDEN") == "1"

# The tests never touch the user's cache: one fresh cache folder per test session, inherited
# by the console-script subprocesses.
os.environ["IMGPLAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="imgplan-test-cache-")
# The suite's default dataset is the fictional example, whose figures put every rule to work;
# the tests of the real ERAS list (the users' default) name it: --programs eras.
os.environ["IMGPLAN_PROGRAMS"] = "example"
# Nor the user's tracker: the default database of every command is a path in a fresh folder
# (no file: the advice commands find no tracker). Tracker tests pass their own --db.
os.environ["IMGPLAN_DB"] = str(Path(tempfile.mkdtemp(prefix="imgplan-test-db-")) / "tracker.sqlite3")


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `imgplan ARGS` in-process from the repository root, with a fixed today."""
    from imgplan.cli import main

    monkeypatch.setenv("IMGPLAN_TODAY", TODAY)
    monkeypatch.chdir(ROOT)

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def script(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Result:
    """Run the installed console script `imgplan` (the real entry point)."""
    exe = Path(sys.executable).with_name("imgplan")
    full_env = {**os.environ, "IMGPLAN_TODAY": TODAY, **(env or {})}
    proc = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=120
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; IMGPLAN_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"golden file {path} is missing; run with IMGPLAN_UPDATE_GOLDEN=1")
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"


def reference():
    """The bundled reference figures, loaded the way the cli loads them (no cache)."""
    from imgplan.load import bundled

    return bundled.reference(None)


def calendar():
    from imgplan.load import bundled

    return bundled.calendar(None)


def outcomes():
    from imgplan.load import bundled

    return bundled.outcomes(None)


def signals():
    from imgplan.load import bundled

    return bundled.signals(None)
