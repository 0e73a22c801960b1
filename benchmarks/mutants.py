"""Mutation testing of the rules and every threshold, with a listed set of mutants (no extra tool
needed).

Each mutant changes one rule the way a careless edit would: delete it, move its threshold,
flip a comparison. The script applies it to a copy of src/, runs the test suite against the
copy (PYTHONPATH puts it first) and reports whether a test failed ("killed") or not
("survived"). A surviving mutant is an untested rule.

    python benchmarks/mutants.py            # every mutant (~8 minutes on 2 cores)
    python benchmarks/mutants.py --list     # the mutants, without running them
    python benchmarks/mutants.py -k fresh   # those whose name contains "fresh" (-k A -k B: either)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = "src/imgplan/rules"
REFERENCE = "src/imgplan/data/reference.yaml"
# the tests that pin rules run first (a mutant is killed at the first failure) ...
FIRST = ("tests/test_thresholds.py", "tests/test_rules.py", "tests/test_season.py")
# ... after the tests of the mutated file's own room
ROOMS: dict[str, tuple[str, ...]] = {
    "src/imgplan/datasets.py": ("tests/test_layouts.py", "tests/test_hardening.py"),
    "src/imgplan/tracking/": ("tests/test_tracker.py",),
    "src/imgplan/ranking/": ("tests/test_rank.py",),
    "src/imgplan/visa.py": ("tests/test_visa.py",),
    "src/imgplan/match/": ("tests/test_match.py",),
    "src/imgplan/load/market.py": ("tests/test_hardening.py",),
    "src/imgplan/rules/step3.py": ("tests/test_step3.py",),
    "src/imgplan/plan.py": ("tests/test_plan.py",),
    "src/imgplan/fellowships.py": ("tests/test_fellowships.py",),
    "src/imgplan/rules/fit.py": ("tests/test_fellowships.py",),
    "src/imgplan/render/report.py": ("tests/test_report.py",),
}
SCORING = "src/imgplan/recommend/scoring.py"
ALERTS = "src/imgplan/tracking/alerts.py"
CHECKS = "src/imgplan/ranking/checks.py"
VISA = "src/imgplan/visa.py"

# (name, file, text to find (once), replacement)
MUTANTS = [
    # Profile findings deleted or moved (rules/profile_findings.py)
    ("step1_passed deleted", f"{RULES}/profile_findings.py", "    step1_passed,\n", ""),
    ("ecfmg_status deleted", f"{RULES}/profile_findings.py", "    ecfmg_status,\n", ""),
    ("usce_status deleted", f"{RULES}/profile_findings.py", "    usce_status,\n", ""),
    ("graduation_age deleted", f"{RULES}/profile_findings.py", "    graduation_age,\n", ""),
    ("red_flags deleted", f"{RULES}/profile_findings.py", "    red_flags,\n", ""),
    ("step1_gap deleted", f"{RULES}/profile_findings.py", "    step1_gap,\n", ""),
    ("us_letters deleted", f"{RULES}/profile_findings.py", "    us_letters,\n", ""),
    ("step2ck_specialty deleted", f"{RULES}/profile_findings.py", "    step2ck_specialty,\n", ""),
    ("graduation_age 5 -> 6", f"{RULES}/profile_findings.py", "if years <= 5:", "if years <= 6:"),
    (
        "workable < -> <=",
        f"{RULES}/profile_findings.py",
        "    if score < workable:",
        "    if score <= workable:",
    ),
    ("aim < -> <=", f"{RULES}/profile_findings.py", "    if score < low:", "    if score <= low:"),
    (
        "aim high <= -> <",
        f"{RULES}/profile_findings.py",
        'where = "within" if score <= high',
        'where = "within" if score < high',
    ),
    (
        "step1 low >= -> >",
        f"{RULES}/profile_findings.py",
        'if step1.result >= ref["step1_low_below"]:',
        'if step1.result > ref["step1_low_below"]:',
    ),
    (
        "step1 +20 >= -> >",
        f"{RULES}/profile_findings.py",
        "if score is not None and score >= needed:",
        "if score is not None and score > needed:",
    ),
    (
        "us letters >= -> >",
        f"{RULES}/profile_findings.py",
        "    if count >= US_LETTERS_AIM:",
        "    if count > US_LETTERS_AIM:",
    ),
    (
        "specialty Q1 < -> <=",
        f"{RULES}/profile_findings.py",
        "    if score < q1:",
        "    if score <= q1:",
    ),
    (
        "failed step 3 not a red flag",
        f"{RULES}/profile_findings.py",
        "    if step3_failed(ctx.profile, ctx.ref) or",
        "    if False or",
    ),
    # Screens (rules/screens.py)
    ("freshness > -> >=", f"{RULES}/screens.py", "if months > limit:", "if months >= limit:"),
    (
        "graduation screen <= -> <",
        f"{RULES}/screens.py",
        "if years <= p.yog_max_years:",
        "if years < p.yog_max_years:",
    ),
    (
        "attempts <= -> <",
        f"{RULES}/screens.py",
        "    if most <= p.max_attempts:",
        "    if most < p.max_attempts:",
    ),
    (
        "unknown attempts: limit >= -> >",
        f"{RULES}/screens.py",
        'p.max_attempts >= ctx.ref["attempt_limit"]',
        'p.max_attempts > ctx.ref["attempt_limit"]',
    ),
    (
        "step 2 minimum >= -> >",
        f"{RULES}/screens.py",
        "    if score >= p.step2ck_min:",
        "    if score > p.step2ck_min:",
    ),
    (
        "exception gap <= -> <",
        f"{RULES}/screens.py",
        "    if gap <= few and strong and ctx.exceptional:",
        "    if gap < few and strong and ctx.exceptional:",
    ),
    (
        "usce months >= -> >",
        f"{RULES}/screens.py",
        "    if months >= need:",
        "    if months > need:",
    ),
    (
        "usce default month 1 -> 0",
        f"{RULES}/screens.py",
        "        need = 1\n",
        "        need = 0\n",
    ),
    (
        "exceptional >= -> >",
        f"{RULES}/context.py",
        'return self.strength.score >= self.ref["exceptional_strength"]',
        'return self.strength.score > self.ref["exceptional_strength"]',
    ),
    # The reference figures (data/reference.yaml)
    (
        "exception 5 -> 6 points",
        REFERENCE,
        "exception_points: {value: 5,",
        "exception_points: {value: 6,",
    ),
    (
        "exceptional 70 -> 71",
        REFERENCE,
        "exceptional_strength: {value: 70,",
        "exceptional_strength: {value: 71,",
    ),
    (
        "workable 220 -> 221",
        REFERENCE,
        "step2ck_min_workable: {value: 220,",
        "step2ck_min_workable: {value: 221,",
    ),
    ("aim 230 -> 231", REFERENCE, "step2ck_aim_low: {value: 230,", "step2ck_aim_low: {value: 231,"),
    (
        "aim 240 -> 241",
        REFERENCE,
        "step2ck_aim_high: {value: 240,",
        "step2ck_aim_high: {value: 241,",
    ),
    ("step1 gap 20 -> 21", REFERENCE, "step1_gap: {value: 20,", "step1_gap: {value: 21,"),
    (
        "step1 low 220 -> 221",
        REFERENCE,
        "step1_low_below: {value: 220,",
        "step1_low_below: {value: 221,",
    ),
    ("stale 18 -> 19 months", REFERENCE, "stale_months: {value: 18,", "stale_months: {value: 19,"),
    (
        "study weeks 6 -> 7",
        REFERENCE,
        "step3_study_weeks_min: {value: 6,",
        "step3_study_weeks_min: {value: 7,",
    ),
    (
        "practice 65 -> 66",
        REFERENCE,
        "step3_practice_min: {value: 65,",
        "step3_practice_min: {value: 66,",
    ),
    (
        "step 3 in residency 183 -> 184 days",
        REFERENCE,
        "step3_in_residency_days: {value: 183,",
        "step3_in_residency_days: {value: 184,",
    ),
    ("step 3 pass 200 -> 201", REFERENCE, "[2024-01-01, 200]]", "[2024-01-01, 201]]"),
    ("step 2 pass 218 -> 219", REFERENCE, "[2025-07-01, 218]]", "[2025-07-01, 219]]"),
    # Scoring and tiers (recommend/scoring.py)
    ("safety margin 10 -> 11", SCORING, "SAFETY_MARGIN = 10 ", "SAFETY_MARGIN = 11 "),
    ("target margin 0 -> 1", SCORING, "TARGET_MARGIN = 0 ", "TARGET_MARGIN = 1 "),
    ("few IMGs 0.15 -> 0.16", SCORING, "FEW_IMGS = 0.15 ", "FEW_IMGS = 0.16 "),
    ("margin floor -10 -> -9", SCORING, "MARGIN_FLOOR = -10 ", "MARGIN_FLOOR = -9 "),
    ("margin span 25 -> 26", SCORING, "MARGIN_SPAN = 25 ", "MARGIN_SPAN = 26 "),
    ("IMG share full 0.5 -> 0.6", SCORING, "IMG_SHARE_FULL = 0.5 ", "IMG_SHARE_FULL = 0.6 "),
    (
        "visa unknown penalty 10 -> 9",
        SCORING,
        "VISA_UNKNOWN_PENALTY = 10",
        "VISA_UNKNOWN_PENALTY = 9",
    ),
    (
        "few IMGs < -> <= (tier)",
        SCORING,
        "return img_share is not None and img_share < FEW_IMGS",
        "return img_share is not None and img_share <= FEW_IMGS",
    ),
    # Step 3 (rules/step3.py)
    (
        "step3: lock-in deleted",
        f"{RULES}/step3.py",
        '    lock_in = []\n    low = ref["step2ck_aim_low"]\n    if facts.step2 is not None',
        '    lock_in = []\n    low = ref["step2ck_aim_low"]\n    if False and facts.step2 is not None',
    ),
    (
        "step3: ECFMG not needed",
        f"{RULES}/step3.py",
        "    if not facts.ecfmg:",
        "    if False:",
    ),
    (
        "step3: study weeks < -> <=",
        f"{RULES}/step3.py",
        "    elif facts.study_weeks < weeks_min:",
        "    elif facts.study_weeks <= weeks_min:",
    ),
    (
        "step3: practice < -> <=",
        f"{RULES}/step3.py",
        "    elif facts.practice_percent < practice_min:",
        "    elif facts.practice_percent <= practice_min:",
    ),
    (
        "step3: in residency >= -> >",
        f"{RULES}/step3.py",
        "    if today >= settled:",
        "    if today > settled:",
    ),
    # The timeline and the season
    (
        "visa over-the-limit warning deleted",
        "src/imgplan/timeline/visa.py",
        '        p.warnings.append(\n            Note(f"{name}: {used}',
        '        print(\n            (f"{name}: {used}',
    ),
    (
        "six months of study 182 -> 181",
        "src/imgplan/timeline/exams.py",
        "SIX_MONTHS = 182",
        "SIX_MONTHS = 181",
    ),
    (
        "the 45-day gap 45 -> 46",
        "src/imgplan/timeline/training.py",
        "MEANWHILE_DAYS = 45 ",
        "MEANWHILE_DAYS = 46 ",
    ),
    (
        "final residency year >= -> >",
        "src/imgplan/season.py",
        "    if today >= final:",
        "    if today > final:",
    ),
    (
        "petition 31 May -> 1 Jun",
        "src/imgplan/timeline/exams.py",
        "late = dt.date(p.start.year, 5, 31)",
        "late = dt.date(p.start.year, 6, 1)",
    ),
    # The application plan, the fellowship link, the merge, the report
    (
        "signal: unknown visa policy not last",
        "src/imgplan/plan.py",
        "            int(verify),\n",
        "            0,\n",
    ),
    ("signal: far under -10 -> -11", "src/imgplan/plan.py", "FAR_UNDER = -10 ", "FAR_UNDER = -11 "),
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
        "informatics fit ignores the track",
        f"{RULES}/fit.py",
        '"informatics_track": (20,',
        '"informatics_track": (0,',
    ),
    (
        "fit: the directory overrides the dataset",
        f"{RULES}/fit.py",
        "    if info.ci_fellowship is not None:\n",
        "    if False:\n",
    ),
    (
        "link: no distance limit",
        "src/imgplan/fellowships.py",
        'kind = "nearby" if distance <= NEARBY_MILES else "far"',
        'kind = "nearby"',
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
    (
        "one path: conditional before exception",
        "src/imgplan/recommend/evaluate.py",
        'MARKS = ("fail", "exception", "conditional")',
        'MARKS = ("fail", "conditional", "exception")',
    ),
    # The season's rooms: tracker alerts, the rank list, visas, the match engine and markets
    (
        "alerts: registration urgent <= 14 -> < 14",
        ALERTS,
        "urgent=days <= 14,",
        "urgent=days < 14,",
    ),
    ("alerts: rank list urgent <= 7 -> < 7", ALERTS, "urgent=days <= 7,", "urgent=days < 7,"),
    ("alerts: thank-you 48 h -> 49 h", ALERTS, "THANK_YOU_HOURS = 48 ", "THANK_YOU_HOURS = 49 "),
    ("alerts: one trip 4 days -> 5", ALERTS, "TRAVEL_DAYS = 4 ", "TRAVEL_DAYS = 5 "),
    ("alerts: interview day 5 h -> 6", ALERTS, "INTERVIEW_HOURS = 5 ", "INTERVIEW_HOURS = 6 "),
    ("rank: at most 300 ranks -> 301", CHECKS, "MAX_RANKS = 300\n", "MAX_RANKS = 301\n"),
    (
        "rank: deadline warning <= 7 -> < 7",
        CHECKS,
        '"warn" if days <= 7 else "info"',
        '"warn" if days < 7 else "info"',
    ),
    ("visa: stale after 183 days -> 184", VISA, "STALE_DAYS = 183 ", "STALE_DAYS = 184 "),
    ("visa: fellowship 2 years -> 1", VISA, "FELLOWSHIP_YEARS = 2 ", "FELLOWSHIP_YEARS = 1 "),
    (
        "visa: clock over < 0 -> <= 0",
        VISA,
        'level = "problem" if room < 0 else',
        'level = "problem" if room <= 0 else',
    ),
    (
        "match: no instability chaining",
        "src/imgplan/match/engine.py",
        "        waiting = self.refused.get(p)\n",
        "        waiting = None\n",
    ),
    (
        "match: a list of 301 accepted",
        "src/imgplan/match/market.py",
        "MAX_RANKS = 300 ",
        "MAX_RANKS = 301 ",
    ),
    (
        "market: program ranks not bounded",
        "src/imgplan/load/market.py",
        'raise _too_many(file, number, "program ranks")',
        "pass",
    ),
    (
        "merge: conflicts not capped",
        "src/imgplan/datasets.py",
        "if len(self.kept) < MAX_CONFLICTS:",
        "if True:",
    ),
]


def run(mutant: tuple[str, str, str, str], python: str) -> tuple[str, str, float]:
    """(outcome, the test that killed it or why it was not applied, seconds taken)."""
    name, file, old, new = mutant
    with tempfile.TemporaryDirectory(prefix="imgplan-mutant-") as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", copy)
        target = copy / Path(file).relative_to("src")
        text = target.read_text()
        if text.count(old) != 1:
            return "not applied", f"'{old.strip()}' found {text.count(old)} times", 0.0
        target.write_text(text.replace(old, new))
        env = {**os.environ, "PYTHONPATH": str(copy), "IMGPLAN_CACHE_DIR": str(Path(tmp) / "c")}
        start = time.perf_counter()
        first = list(dict.fromkeys([*_room(file), *FIRST]))
        # The room's and the threshold and rule tests first: most mutants fail there. Two
        # runs, because pytest runs a folder's files in name order even when some of them
        # are also named first on its command line.
        rest = [arg for test in first for arg in ("--ignore", test)]
        for tests in (first, ["tests", *rest]):
            proc = subprocess.run(
                [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                return "killed", _failed(proc.stdout), time.perf_counter() - start
        return "SURVIVED", "", time.perf_counter() - start


def _room(file: str) -> list[str]:
    """The test files of the mutated file's room."""
    return [test for prefix, tests in ROOMS.items() if file.startswith(prefix) for test in tests]


def _failed(output: str) -> str:
    """The first failing test's name in pytest's short summary (or "an error")."""
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split()[1].split(" - ")[0]
    return "an error"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-k",
        action="append",
        default=[],
        help="only mutants whose name contains this (repeat -k for any of several)",
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="mutants tested at once, each in its own copy (default: the number of cores)",
    )
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.k or any(k in m[0] for k in args.k)]
    if args.list:
        print("\n".join(m[0] for m in chosen))
        return 0
    survived = stale = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = pool.map(lambda mutant: run(mutant, sys.executable), chosen)
        for mutant, (outcome, detail, took) in zip(chosen, results, strict=True):
            survived += outcome == "SURVIVED"
            stale += outcome == "not applied"
            print(f"{outcome:>11}  {took:5.1f} s  {mutant[0]}  {detail}".rstrip(), flush=True)
    killed = len(chosen) - survived - stale
    print(
        f"{killed} killed, {survived} survived, {stale} not applied (the code moved: update "
        f"the mutant) of {len(chosen)} mutants"
    )
    return 1 if survived or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
