#!/usr/bin/env python3
"""Bounded resources on hostile input (issue #9): every case of tests/data/hostile is refused
within 1 second and under 200 MB, measured on real processes.

    python benchmarks/hostile.py           # 3 runs per case; writes benchmarks/results-hostile.md
    python benchmarks/hostile.py --runs 1  # a quick look (.ci/run uses the default 3)

Each case runs the installed console script, as a user would, in a scratch copy of the corpus
(tests/hostile_cases.py builds the sparse 100 MB file, the named pipes and the folder). The
wall time is the median of the runs; the peak memory is the largest maximum resident set size
reported by the kernel for the process (os.wait4). The exit code must be 2. The script exits 1
if any case is over a limit or exits otherwise. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def _minimal(path: Path, programs: int) -> Path:
    """The most programs a 72 MiB file can hold: id, name, specialty and nothing else."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("format: 1\nname: minimal\nas_of: 2026-10-01\nsource: s\nprograms:\n")
        for n in range(programs):
            fh.write(f"  - {{id: p{n}, name: P{n}, specialty: im}}\n")
    return path


def _apart(make: Callable[..., Path]) -> Callable[..., Path]:
    """Run a generator in a child process: what it holds (lists of ranks, openpyxl's
    workbook) would stay in this process, and a child forked from it starts with this
    process's resident memory, which the kernel counts in the child's peak."""

    @functools.wraps(make)
    def run(path: Path, *args: Any) -> Path:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                make(path, *args)
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"could not make {path}")
        return path

    return run


@_apart
def _market(folder: Path, applicants: int, ranks: int = 10, programs: int = 10_000) -> Path:
    """A CSV market: each applicant ranks ``ranks`` programs, each program ranks everyone who
    ranked it (so both sides hold applicants x ranks ranks)."""
    folder.mkdir()
    ranked: list[list[int]] = [[] for _ in range(programs)]
    with (folder / "programs.csv").open("w") as fh:
        fh.write("program,quota\n")
        fh.writelines(
            f"P{p},{max(1, applicants * ranks // programs // 4)}\n" for p in range(programs)
        )
    with (folder / "applicants.csv").open("w") as fh:
        fh.write("applicant,rank,program\n")
        for a in range(applicants):
            for k in range(ranks):
                p = (a * 7 + k * 13) % programs
                fh.write(f"A{a},{k + 1},P{p}\n")
                ranked[p].append(a)
    with (folder / "program_ranks.csv").open("w") as fh:
        fh.write("program,rank,applicant\n")
        for p, who in enumerate(ranked):
            who.sort(key=lambda a: (a * 31) % 1009)
            fh.writelines(f"P{p},{n + 1},A{a}\n" for n, a in enumerate(who))
    return folder


@_apart
def _workbook(path: Path, rows: int) -> Path:
    """The hand-kept sheet of _csv as a workbook (openpyxl, write-only)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Programs")
    sheet.append(["Program", "Specialty", "State", "City", "Visas", "Step 2 CK minimum", "IMG %"])
    states = ("NY", "NJ", "PA", "OH", "TX", "CA", "FL", "IL")
    for n in range(rows):
        sheet.append(
            [
                f"Hospital {n} Medical Center",
                "IM",
                states[n % 8],
                f"Town {n % 97}",
                "J-1 + H-1B",
                220 + n % 30,
                f"{n % 90} %",
            ]
        )
    book.save(path)
    return path


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size


def _generate(path: Path, count: int, seed: int = 2026) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "datagen.py"),
            "--count",
            str(count),
            "--seed",
            str(seed),
            "--output",
            str(path),
        ],
        check=True,
    )
    return path


def _sparse_cache(cache: Path) -> None:
    """Every entry of the cache replaced by a sparse 1 GB file of zeros (corrupt entries)."""
    for entry in cache.glob("*.pickle"):
        with entry.open("wb") as fh:
            fh.truncate(1 << 30)


def resources(tmp: Path, env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The largest accepted inputs: peak memory under 1 GB and about linear in the input
    (against the same command on a tenth of it); and the largest refused ones, under 1 GB."""
    import shutil

    def run(args: list[str], keep_cache: bool = False) -> tuple[float, float, int]:
        if not keep_cache:
            shutil.rmtree(tmp / "cache", ignore_errors=True)  # first runs: nothing cached
        return measure(args, env, tmp)

    big, small = (
        _generate(tmp / "programs-130k.yaml", 130_000),
        _generate(tmp / "programs-13k.yaml", 13_000),
    )
    big2, small2 = (
        _generate(tmp / "programs-130k-b.yaml", 130_000, 7),
        _generate(tmp / "programs-13k-b.yaml", 13_000, 7),
    )
    small_csv, big_csv = _csv(tmp / "rows-15k.csv", 15_000), _csv(tmp / "rows-150k.csv", 150_000)
    small_book, big_book = (
        _workbook(tmp / "rows-14k.xlsx", 14_500),
        _workbook(tmp / "rows-145k.xlsx", 145_000),
    )
    small_market, big_market = (
        _market(tmp / "market-300k", 30_000),
        _market(tmp / "market-3m", 300_000),
    )
    profile = str(ROOT / "profiles" / "strong-scores.yaml")
    recommend = ["recommend", profile, "--top", "5", "--programs"]
    # (what, arguments, exit code, the input whose size counts, the same on a tenth)
    accepted: list[tuple[str, list[str], int, list[Path], list[str], list[Path]]] = [
        (
            "validate, 130,000 programs (72 MiB limit)",
            ["validate", str(big)],
            0,
            [big],
            ["validate", str(small)],
            [small],
        ),
        (
            "recommend, 130,000 programs",
            [*recommend, str(big)],
            0,
            [big],
            [*recommend, str(small)],
            [small],
        ),
        (
            "programs import, 150,000-row CSV (the row limit)",
            ["programs", "import", str(big_csv), "-o", str(tmp / "o1.yaml")],
            0,
            [big_csv],
            ["programs", "import", str(small_csv), "-o", str(tmp / "o2.yaml")],
            [small_csv],
        ),
        (
            "programs import, 145,000-row workbook",
            ["programs", "import", str(big_book), "-o", str(tmp / "o3.yaml")],
            0,
            [big_book],
            ["programs", "import", str(small_book), "-o", str(tmp / "o4.yaml")],
            [small_book],
        ),
        (
            "programs merge, two files of 130,000 programs",
            ["programs", "merge", str(big), str(big2), "-o", str(tmp / "o5.yaml")],
            0,
            [big, big2],
            ["programs", "merge", str(small), str(small2), "-o", str(tmp / "o6.yaml")],
            [small, small2],
        ),
        (
            "programs diff, 130,000 programs each side",
            ["programs", "diff", str(big), str(big2)],
            0,
            [big, big2],
            ["programs", "diff", str(small), str(small2)],
            [small, small2],
        ),
        (
            "match run, 3,000,000 ranks a side (the limit)",
            ["match", "run", str(big_market)],
            0,
            [big_market],
            ["match", "run", str(small_market)],
            [small_market],
        ),
    ]
    refused: list[tuple[str, list[str], int]] = [
        (
            "validate, 150,000 invalid programs (problems capped)",
            ["validate", str(_invalid(tmp / "invalid-programs.yaml", 150_000))],
            1,
        ),
        (
            "recommend, 1,400,000 minimal programs in 72 MiB (refused at 150,000)",
            [*recommend, str(_minimal(tmp / "minimal-programs.yaml", 1_400_000))],
            2,
        ),
        (
            "programs import, 200,000-row CSV (refused at 150,000 rows)",
            [
                "programs",
                "import",
                str(_csv(tmp / "rows-200k.csv", 200_000)),
                "-o",
                str(tmp / "o7.yaml"),
            ],
            2,
        ),
        (
            "programs import, 1,000,000-row CSV in 75 MB (refused: the 64 MiB file limit)",
            [
                "programs",
                "import",
                str(_csv(tmp / "rows-1m.csv", 1_000_000)),
                "-o",
                str(tmp / "o9.yaml"),
            ],
            2,
        ),
        (
            "programs import, 200,000-row workbook (refused at 150,000 rows)",
            [
                "programs",
                "import",
                str(_workbook(tmp / "rows-200k.xlsx", 200_000)),
                "-o",
                str(tmp / "o8.yaml"),
            ],
            2,
        ),
        (
            "match run, 4,000,000 ranks a side (refused at 3,000,000)",
            ["match", "run", str(_market(tmp / "market-4m", 400_000))],
            2,
        ),
        (
            "match run, 10,000,000 ranks in a 160 MB file (refused: the 128 MiB file limit)",
            ["match", "run", str(_market(tmp / "market-10m", 1_000_000))],
            2,
        ),
    ]
    lines = [
        "",
        "## The largest accepted inputs",
        "",
        f"Peak memory must stay under {BIG_MEMORY_LIMIT:g} MB and grow about linearly with the "
        f"input (memory ratio at most {LINEAR_SLACK:g} x the size ratio, against the same command "
        "on a tenth of the input). First runs, nothing cached; a refused input must be refused "
        "with its exit code under the same memory limit.",
        "",
        "| case | time | peak memory | exit | memory vs a tenth | within limits |",
        "|---|---|---|---|---|---|",
    ]
    failed = []

    def row(name: str, seconds: float, memory: float, got: int, ok: bool, ratio: str = "") -> None:
        lines.append(
            f"| {name} | {seconds:.1f} s | {memory:.0f} MB | {got} | {ratio} | {'yes' if ok else 'NO'} |"
        )
        if not ok:
            failed.append(name)

    for name, args, code, sized, small_args, small_sized in accepted:
        seconds, memory, got = run(args)
        _, small_memory, _ = run(small_args)
        growth = sum(map(_size, sized)) / sum(map(_size, small_sized))
        ratio = memory / small_memory
        ok = got == code and memory <= BIG_MEMORY_LIMIT and ratio <= growth * LINEAR_SLACK
        row(name, seconds, memory, got, ok, f"{ratio:.1f}x for {growth:.1f}x the input")
    for name, args, code in refused:
        seconds, memory, got = run(args)
        row(name, seconds, memory, got, got == code and memory <= BIG_MEMORY_LIMIT)
    # corrupt cache entries: a warm run whose every entry became a sparse 1 GB file of zeros
    run([*recommend, str(small)])
    _sparse_cache(tmp / "cache")
    seconds, memory, got = run([*recommend, str(small)], keep_cache=True)
    row(
        "recommend, 13,000 programs, every cache entry a sparse 1 GB file (a miss, rebuilt)",
        seconds,
        memory,
        got,
        got == 0 and memory <= BIG_MEMORY_LIMIT,
    )
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
