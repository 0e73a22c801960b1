#!/usr/bin/env python3
"""The match engine at NRMP scale (issue #28), each figure the median of repeated runs:

1. `imgplan match run FOLDER` on a synthetic market of 48,000 applicants, 6,000 programs and
   44,000 positions (about 12 ranks per applicant; every program ranks every applicant who
   ranked it): the whole command, reading the CSV folder and writing the JSON, in at most 5 s
   and under 1 GB (peak resident memory of the process).
2. The engine against the `matching` package (PyPI, the test oracle) on the largest market it
   handles here in reasonable time: the same matching, and imgplan at least 10x faster (both
   timed in this process, on the same market, in the same run).

    python benchmarks/match_scale.py            # writes benchmarks/results-match.md
    python benchmarks/match_scale.py --quick    # smaller markets (CI smoke)

The market is random but realistic in shape: programs differ in popularity (a few are ranked
by many), applicants differ in strength (programs rank stronger applicants higher, with noise).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
_SCRIPT = Path(PY).with_name("imgplan")
IMGPLAN = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "imgplan"]


def market(applicants: int, programs: int, positions: int, ranks: int, seed: int = 48) -> dict:
    rng = random.Random(seed)
    names = [f"P{i:05d}" for i in range(programs)]
    popularity = [rng.paretovariate(1.5) for _ in names]
    strength = [rng.gauss(0, 1) for _ in range(applicants)]
    base = positions // programs
    quotas = [max(1, base + rng.randint(-base + 1, base)) for _ in names]
    quotas[-1] += positions - sum(quotas)  # exactly `positions` in all
    while quotas[-1] < 1:  # keep every quota positive
        i = rng.randrange(programs - 1)
        if quotas[i] > 1:
            quotas[i] -= 1
            quotas[-1] += 1
    apps: dict[str, list[str]] = {}
    for a in range(applicants):
        k = max(1, min(programs, int(rng.gauss(ranks, 3))))
        chosen: list[int] = []
        seen: set[int] = set()
        while len(chosen) < k:
            for p in rng.choices(range(programs), weights=popularity, k=k - len(chosen)):
                if p not in seen:
                    seen.add(p)
                    chosen.append(p)
        apps[f"A{a:05d}"] = [names[p] for p in chosen]
    ranked_by: dict[str, list[tuple[float, str]]] = {p: [] for p in names}
    for a, (name, lst) in enumerate(apps.items()):
        for p in lst:
            ranked_by[p].append((-(strength[a] + rng.gauss(0, 0.7)), name))
    return {
        "quotas": dict(zip(names, quotas, strict=True)),
        "applicants": apps,
        "program_ranks": {p: [a for _, a in sorted(v)] for p, v in ranked_by.items()},
    }


def write_folder(m: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "programs.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["program", "quota"])
        w.writerows(m["quotas"].items())
    with (folder / "applicants.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["applicant", "rank", "program"])
        for a, lst in m["applicants"].items():
            w.writerows((a, k, p) for k, p in enumerate(lst, 1))
    with (folder / "program_ranks.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["program", "rank", "applicant"])
        for p, lst in m["program_ranks"].items():
            w.writerows((p, k, a) for k, a in enumerate(lst, 1))


def timed_command(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``cmd`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def engine_market(m: dict):  # type: ignore[no-untyped-def]
    from imgplan.match.market import Lists, build

    lists = Lists(dict(m["quotas"]), m["applicants"], m["program_ranks"])
    found, problems = build(lists)
    assert found is not None, problems[:3]
    return found


def oracle_run(m: dict) -> dict[str, str]:
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)  # the package deep-copies its linked player objects
    game = HospitalResident.create_from_dictionaries(
        m["applicants"], m["program_ranks"], m["quotas"]
    )
    return {
        str(a): str(h) for h, members in game.solve(optimal="resident").items() for a in members
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 3
    big = (4_800, 600, 4_400) if args.quick else (48_000, 6_000, 44_000)
    small = (1_200, 150, 1_100) if args.quick else (4_800, 600, 4_400)
    lines = [f"# Match engine at scale ({'quick' if args.quick else 'full'})", ""]
    lines.append(
        f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; median of {runs} runs."
    )
    lines.append("")
    work = Path(tempfile.mkdtemp(prefix="imgplan-match-"))

    m = market(*big, ranks=12)
    ranks = sum(len(x) for x in m["applicants"].values())
    folder = work / "market"
    write_folder(m, folder)
    cmd = [
        *IMGPLAN,
        "match",
        "run",
        str(folder),
        "--format",
        "json",
        "--output",
        str(work / "out.json"),
    ]
    walls, peaks = [], []
    for _ in range(runs):
        (work / "out.json").unlink(missing_ok=True)
        wall, peak = timed_command(cmd)
        walls.append(wall)
        peaks.append(peak)
    matched = len(json.loads((work / "out.json").read_text())["matches"])
    wall = statistics.median(walls)
    lines += [
        f"## 1. `imgplan match run` on {big[0]:,} applicants, {big[1]:,} programs, {big[2]:,} positions",
        "",
        f"{ranks:,} applicant ranks ({ranks / big[0]:.1f} per applicant), every program ranking "
        f"every applicant who ranked it; {matched:,} matched.",
        "",
        "| goal | measured | limit | met |",
        "|---|---|---|---|",
        f"| whole command (read CSV, match, write JSON) | {wall:.2f} s | 5 s | {'yes' if wall <= 5 else 'NO'} |",
        f"| peak memory | {max(peaks):.0f} MB | 1024 MB | {'yes' if max(peaks) < 1024 else 'NO'} |",
        "",
    ]

    sm = market(*small, ranks=12, seed=7)
    mk = engine_market(sm)
    from imgplan.match.engine import run

    mine_times, theirs_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        outcome = run(mk)
        mine_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = oracle_run(sm)
        theirs_times.append(time.perf_counter() - start)
    mine = {mk.applicants[a]: mk.programs[p] for a, p in enumerate(outcome.matches) if p >= 0}
    same = mine == theirs
    ratio = statistics.median(theirs_times) / statistics.median(mine_times)
    lines += [
        f"## 2. Against the `matching` package on {small[0]:,} applicants, {small[1]:,} programs",
        "",
        "Both in this process on the same market (the engine alone, no file reading). The "
        "package is not run on the full market: its time grows faster than the market's size.",
        "",
        "| | median time |",
        "|---|---|",
        f"| imgplan engine | {statistics.median(mine_times) * 1000:.0f} ms |",
        f"| matching {__import__('matching').__version__} (HospitalResident, resident-optimal) | {statistics.median(theirs_times) * 1000:.0f} ms |",
        "",
        f"Same matching: {'yes' if same else 'NO'}. Speed-up: {ratio:.0f}x (goal: at least 10x; "
        f"{'met' if ratio >= 10 and same else 'NOT met'}).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "benchmarks" / ("results-match-quick.md" if args.quick else "results-match.md")
    out.write_text(text)
    ok = wall <= 5 and max(peaks) < 1024 and same and ratio >= 10
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
