"""Mutation testing of rules/ with a listed set of mutants (no extra tool needed).

Each mutant changes one rule the way a careless edit would: delete it, move its threshold,
flip a comparison. The script applies it to a copy of src/, runs the test suite against the
copy (PYTHONPATH puts it first) and reports whether a test failed ("killed") or not
("survived"). A surviving mutant is an untested rule.

    python benchmarks/mutants.py            # every mutant (a few minutes)
    python benchmarks/mutants.py --list     # the mutants, without running them
    python benchmarks/mutants.py -k fresh   # those whose name contains "fresh"
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = "src/imgplan/rules"

# (name, file, text to find (once), replacement)
MUTANTS = [
    ("step1_passed deleted", f"{RULES}/profile_findings.py", "    step1_passed,\n", ""),
    ("ecfmg_status deleted", f"{RULES}/profile_findings.py", "    ecfmg_status,\n", ""),
    ("usce_status deleted", f"{RULES}/profile_findings.py", "    usce_status,\n", ""),
    ("graduation_age deleted", f"{RULES}/profile_findings.py", "    graduation_age,\n", ""),
    (
        "graduation_age threshold 5 -> 6",
        f"{RULES}/profile_findings.py",
        "if years <= 5:",
        "if years <= 6:",
    ),
    ("freshness > -> >=", f"{RULES}/screens.py", "if months > limit:", "if months >= limit:"),
    ("red_flags deleted", f"{RULES}/profile_findings.py", "    red_flags,\n", ""),
    ("step1_gap deleted", f"{RULES}/profile_findings.py", "    step1_gap,\n", ""),
    (
        "graduation screen <= -> <",
        f"{RULES}/screens.py",
        "if years <= p.yog_max_years:",
        "if years < p.yog_max_years:",
    ),
    (
        "visa over-the-limit warning deleted",
        "src/imgplan/timeline/visa.py",
        'p.warnings.append(f"{name}: {used} years',
        'print(f"{name}: {used} years',
    ),
    (
        "step3: lock-in deleted",
        f"{RULES}/step3.py",
        '    lock_in = []\n    low = ref["step2ck_aim_low"]\n    if facts.step2 is not None',
        '    lock_in = []\n    low = ref["step2ck_aim_low"]\n    if False and facts.step2 is not None',
    ),
    (
        "step3: ECFMG not needed",
        f"{RULES}/step3.py",
        "    if facts.ecfmg is None:",
        "    if False:",
    ),
    (
        "informatics fit ignores the track",
        f"{RULES}/fit.py",
        '"informatics_track": (20,',
        '"informatics_track": (0,',
    ),
    # issue #16-#19: signals, the fellowship link, the merge, the report
    (
        "signal: unknown visa policy not last",
        "src/imgplan/plan.py",
        "            int(verify),\n",
        "            0,\n",
    ),
    (
        "signal: over-allowance not said",
        "src/imgplan/plan.py",
        "        if limit is not None and used > limit:",
        "        if False:",
    ),
    (
        "signal: a visa-excluded choice not called wasted",
        "src/imgplan/plan.py",
        "            if visa:\n",
        "            if False:\n",
    ),
    (
        "fit: the directory overrides the dataset",
        "src/imgplan/rules/fit.py",
        "    if info.ci_fellowship is not None:\n",
        "    if False:\n",
    ),
    (
        "link: no distance limit",
        "src/imgplan/fellowships.py",
        "near[1] <= NEARBY_MILES",
        "near[1] <= NEARBY_MILES * 100",
    ),
    (
        "merge: --prefer ignored",
        "src/imgplan/datasets.py",
        "            if mine:\n",
        "            if False:\n",
    ),
    (
        "report: no autoescaping",
        "src/imgplan/render/report.py",
        "        autoescape=True,",
        "        autoescape=False,",
    ),
]


def run(mutant: tuple[str, str, str, str], python: str) -> tuple[str, float]:
    name, file, old, new = mutant
    with tempfile.TemporaryDirectory(prefix="imgplan-mutant-") as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", copy)
        target = copy / Path(file).relative_to("src")
        text = target.read_text()
        if text.count(old) != 1:
            return f"not applied ('{old.strip()}' found {text.count(old)} times)", 0.0
        target.write_text(text.replace(old, new))
        env = {**os.environ, "PYTHONPATH": str(copy), "IMGPLAN_CACHE_DIR": str(Path(tmp) / "c")}
        start = time.perf_counter()
        proc = subprocess.run(
            [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - start
        return ("killed" if proc.returncode != 0 else "SURVIVED"), took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutants whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if args.k in m[0]]
    if args.list:
        print("\n".join(m[0] for m in chosen))
        return 0
    survived = stale = 0
    for mutant in chosen:
        outcome, took = run(mutant, sys.executable)
        survived += outcome == "SURVIVED"
        stale += outcome.startswith("not applied")
        print(f"{outcome:>9}  {took:5.1f} s  {mutant[0]}", flush=True)
    killed = len(chosen) - survived - stale
    print(
        f"{killed} killed, {survived} survived, {stale} not applied (the code moved: update "
        f"the mutant) of {len(chosen)} mutants"
    )
    return 1 if survived or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
