"""The hostile-input corpus (tests/data/hostile): its cases, and a folder to run them in.

Shared by tests/test_hostile.py (exact messages, in-process) and benchmarks/hostile.py (each
case as a real process: wall time and peak memory).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "data" / "hostile"
EXPECTED = CORPUS / "expected"


def cases() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))["cases"]


def prepare(folder: Path) -> Path:
    """Copy the corpus into ``folder`` and build what cannot be committed (a sparse 100 MB
    file, named pipes, a folder). Cases run with ``folder`` as the working directory."""
    for path in CORPUS.iterdir():
        if path.is_file() and path.name != "cases.json":
            shutil.copyfile(path, folder / path.name)
    for case in cases():
        make = case.get("make", {})
        if "sparse" in make:
            with open(folder / make["sparse"], "wb") as fh:
                fh.truncate(make["bytes"])  # no disk blocks, but stat says 100 MB
        if "fifo" in make and not (folder / make["fifo"]).exists():
            os.mkfifo(folder / make["fifo"])
        if "folder" in make:
            (folder / make["folder"]).mkdir(exist_ok=True)
    return folder


def expected(case: dict[str, Any]) -> str:
    return (EXPECTED / f"{case['case']}.txt").read_text(encoding="utf-8")


def outcome(code: int, out: str, err: str) -> str:
    """What a case is compared on: its exit code, stderr, and stdout if any (``validate``
    lists problems there)."""
    return f"exit {code}\n{err}" + (f"--- stdout ---\n{out}" if out else "")
