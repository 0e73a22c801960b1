#!/usr/bin/env python3
"""Bounded resources on hostile input (issue #9): every case of tests/data/hostile is refused
within 1 second and under 200 MB, measured on real processes.

    python benchmarks/hostile.py           # 3 runs per case; writes benchmarks/results-hostile.md
    python benchmarks/hostile.py --runs 1  # what .ci/run runs

Each case runs the installed console script, as a user would, in a scratch copy of the corpus
(tests/hostile_cases.py builds the sparse 100 MB file, the named pipes and the folder). The
wall time is the median of the runs; the peak memory is the largest maximum resident set size
reported by the kernel for the process (os.wait4). The exit code must be 2. The script exits 1
if any case is over a limit or exits otherwise. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench import IMGPLAN, TODAY, machine  # noqa: E402

from hostile_cases import cases, prepare  # noqa: E402

TIME_LIMIT = 1.0  # seconds
MEMORY_LIMIT = 200.0  # MB
BIG_MEMORY_LIMIT = 1024.0  # MB: the largest accepted inputs (issue #20)
LINEAR_SLACK = 1.5  # memory growth over input growth: at most this much worse than linear


def _csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Program,Specialty,State,City,Visas,Step 2 CK minimum,IMG %,My notes\n")
        states = ("NY", "NJ", "PA", "OH", "TX", "CA", "FL", "IL")
        for n in range(rows):
            fh.write(
                f"Hospital {n} Medical Center,IM,{states[n % 8]},Town {n % 97},J-1 + H-1B,"
                f"{220 + n % 30},{n % 90} %,note {n}\n"
            )
    return path


def _invalid(path: Path, programs: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("format: 1\nname: bad\nas_of: 2026-10-01\nsource: s\nprograms:\n")
        for n in range(programs):
            fh.write(f"  - {{id: p{n}, name: P {n}, specialty: im, step2ck_min: 999}}\n")
    return path


def resources(tmp: Path, env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The largest accepted inputs: peak memory under 1 GB and about linear in the input."""
    import shutil

    def run(args: list[str]) -> tuple[float, float, int]:
        shutil.rmtree(tmp / "cache", ignore_errors=True)  # first runs: nothing cached
        return measure(args, env, tmp)

    data = {}
    for count in (13_000, 130_000):
        path = tmp / f"programs-{count}.yaml"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "datagen.py"),
                "--count",
                str(count),
                "--output",
                str(path),
            ],
            check=True,
        )
        data[count] = path
    small_csv, big_csv = _csv(tmp / "rows-20k.csv", 20_000), _csv(tmp / "rows-200k.csv", 200_000)
    bad = _invalid(tmp / "invalid-programs.yaml", 200_000)
    profile = str(ROOT / "profiles" / "strong-scores.yaml")
    cases_ = [
        (
            "validate, 130,000 programs (72 MiB limit)",
            ["validate", str(data[130_000])],
            0,
            data[13_000],
            ["validate", str(data[13_000])],
        ),
        (
            "recommend, 130,000 programs",
            ["recommend", profile, "--programs", str(data[130_000]), "--top", "5"],
            0,
            data[13_000],
            ["recommend", profile, "--programs", str(data[13_000]), "--top", "5"],
        ),
        (
            "programs import, 200,000-row CSV",
            ["programs", "import", str(big_csv), "--output", str(tmp / "o.yaml")],
            0,
            small_csv,
            ["programs", "import", str(small_csv), "--output", str(tmp / "o2.yaml")],
        ),
        (
            "validate, 200,000 invalid programs (problems capped)",
            ["validate", str(bad)],
            1,
            None,
            None,
        ),
    ]
    lines = [
        "",
        "## The largest accepted inputs",
        "",
        f"Peak memory must stay under {BIG_MEMORY_LIMIT:g} MB and grow about linearly with the "
        f"input (memory ratio at most {LINEAR_SLACK:g} x the size ratio, against the same command "
        "on a tenth of the input). First runs, nothing cached.",
        "",
        "| case | time | peak memory | exit | memory vs a tenth | within limits |",
        "|---|---|---|---|---|---|",
    ]
    failed = []
    for name, args, code, small_path, small_args in cases_:
        seconds, memory, got = run(args)
        ratio_text, linear = "", True
        if small_args is not None and small_path is not None:
            _, small_memory, _ = run(small_args)
            big_size = (
                Path(
                    args[1]
                    if args[0] == "validate"
                    else args[-3]
                    if args[0] == "programs"
                    else args[3]
                )
                .stat()
                .st_size
            )
            growth = big_size / small_path.stat().st_size
            ratio = memory / small_memory
            linear = ratio <= growth * LINEAR_SLACK
            ratio_text = f"{ratio:.1f}x for {growth:.1f}x the input"
        ok = got == code and memory <= BIG_MEMORY_LIMIT and linear
        lines.append(
            f"| {name} | {seconds:.1f} s | {memory:.0f} MB | {got} | {ratio_text} | {'yes' if ok else 'NO'} |"
        )
        if not ok:
            failed.append(name)
    return lines, failed


def measure(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall time (s), peak resident memory (MB) and exit code of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*IMGPLAN, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        raise
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss: KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--no-resources", action="store_true", help="skip the largest-input cases (~1 min)"
    )
    options = parser.parse_args()
    rows = []
    failed = []
    with tempfile.TemporaryDirectory(prefix="imgplan-hostile-") as tmp:
        folder = prepare(Path(tmp))
        base = {
            **os.environ,
            "IMGPLAN_TODAY": TODAY,
            "IMGPLAN_CACHE_DIR": str(Path(tmp) / "cache"),
        }
        base.pop("IMGPLAN_PROFILE", None)
        for case in cases():
            env = {**base, **case.get("env", {})}
            runs = [measure(case["args"], env, folder) for _ in range(options.runs)]
            seconds = statistics.median(r[0] for r in runs)
            memory = max(r[1] for r in runs)
            codes = sorted({r[2] for r in runs})
            ok = codes == [2] and seconds <= TIME_LIMIT and memory <= MEMORY_LIMIT
            rows.append((case["case"], seconds, memory, codes, ok))
            if not ok:
                failed.append(case["case"])
        extra, big_failed = ([], []) if options.no_resources else resources(Path(tmp), base)
        failed += big_failed
    lines = [
        "# Hostile input: time and memory",
        "",
        f"Machine: {machine()}. Median of {options.runs} run(s) per case; limits "
        f"{TIME_LIMIT:g} s and {MEMORY_LIMIT:g} MB; exit code must be 2.",
        "",
        "| case | time | peak memory | exit | within limits |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {seconds:.3f} s | {memory:.0f} MB | {'/'.join(map(str, codes))} | "
        f"{'yes' if ok else 'NO'} |"
        for name, seconds, memory, codes, ok in rows
    ]
    worst_time = max(r[1] for r in rows)
    worst_memory = max(r[2] for r in rows)
    lines += [
        "",
        f"{len(rows) - len(failed)} of {len(rows)} cases within limits; slowest {worst_time:.3f} s, "
        f"largest {worst_memory:.0f} MB.",
    ]
    lines += extra
    text = "\n".join(lines) + "\n"
    print(text)
    if options.runs >= 3:
        (ROOT / "benchmarks" / "results-hostile.md").write_text(text, encoding="utf-8")
    if failed:
        print(f"over a limit or not exit 2: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
