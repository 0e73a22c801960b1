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
