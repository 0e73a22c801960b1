"""Reading a matching market for `imgplan match run` (docs/season.md: The match engine), so that other
tools can write one:

- one YAML file::

      programs:
        City: {quota: 2, ranks: [Garcia, Hassan]}
      applicants:
        Garcia: [City, Mercy]                  # a rank order list
        Hassan: {ranks: [Derm, City], supplemental: {Derm: [Prelim]}}

- or a folder of CSV files: ``applicants.csv`` (applicant,rank,program), ``programs.csv``
  (program,quota), ``program_ranks.csv`` (program,rank,applicant), and optionally
  ``supplemental.csv`` (applicant,advanced_program,rank,program).

Every problem is located (file:line, or the YAML key) and said with what was expected; the
market is refused (exit 2) unless every list is good.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import CONTROL, InputError, Problem
from ..match.market import MAX_RANKS, Lists, Market, _check_list, build
from .yaml_reader import build as parse_with_marks
from .yaml_reader import read_text

MAX_BYTES = 128 << 20  # per file: an NRMP-scale market as CSV is ~20 MB, the rank limit ~60 MB
# Ranks on each side of one market: five times the NRMP's Main Residency Match (about 600,000
# applicant ranks), and what keeps the largest accepted market under 1 GB
# (benchmarks/results-hostile.md).
MAX_RANKS_TOTAL = 3_000_000
MAX_PROBLEMS = 1_000  # a file stops being read after this many problems (counted, never held)
MAX_NAME = 200
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
CSV_FILES = {
    "applicants.csv": ("applicant", "rank", "program"),
    "programs.csv": ("program", "quota"),
    "program_ranks.csv": ("program", "rank", "applicant"),
}
SUPPLEMENTAL = ("supplemental.csv", ("applicant", "advanced_program", "rank", "program"))


def read_market(path: Path) -> Market:
    if path.is_dir():
        return _folder(path)
    lists, problems = _yaml(path)
    if not problems:
        market, found = build(lists)
        problems += [Problem(where, None, None, "", what) for where, what in found]
        if market is not None and not problems:
            return market
    raise _refused(problems, path)


SHOWN = 200  # problems printed; the rest are counted


def _refused(problems: list[Problem], where: Path) -> InputError:
    """The first SHOWN problems, then one line counting the rest (and saying when reading
    stopped early, so the count is a floor)."""
    if len(problems) <= SHOWN:
        return InputError(problems)
    stopped = problems[-1].message.startswith("stopped reading")
    rest = len(problems) - SHOWN - stopped
    more = f"… and {rest:,} more problems"
    if stopped:
        more += (
            f" (reading stopped at {problems[-1].file}:{problems[-1].line}, so there may be more)"
        )
    return InputError(
        problems[:SHOWN] + [Problem(str(where), None, None, "", more + "; fix these and run again")]
    )


def _name(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{what} {value!r:.40} is not a name; expected text")
    text = str(value).strip()
    if not text or len(text) > MAX_NAME:
        raise ValueError(
            f"{what} '{text[:40]}' is empty or too long; expected 1-{MAX_NAME} characters"
        )
    bad = CONTROL.search(text)
    if bad:
        raise ValueError(
            f"{what} has a control character U+{ord(bad.group()):04X}; expected printable text"
        )
    return text


def _quota(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            f"quota {value!r:.40} is not a whole number; expected a whole number of positions, 1 or more"
        )
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(
            f"quota '{value}' is not a whole number; expected a whole number of positions, 1 or more"
        ) from None
    if number < 1 or number > 100_000:
        raise ValueError(f"quota {number} is not a number of positions; expected 1 to 100,000")
    return number


# YAML ------------------------------------------------------------------------------------------


def _yaml(path: Path) -> tuple[Lists, list[Problem]]:
    file = str(path)
    text = read_text(path, MAX_BYTES)
    marks: dict[tuple[str | int, ...], tuple[int, int, int, int]] = {}
    parsed = parse_with_marks(text, file, marks)
    if parsed.problems:
        raise InputError(parsed.problems)
    data = parsed.data
    lists = Lists()
    problems: list[Problem] = []

    def at(path_: tuple[str | int, ...], message: str) -> None:
        probe = path_
        while probe not in marks and probe:
            probe = probe[:-1]
        line, col = marks.get(probe, (1, 1, 1, 1))[:2]
        problems.append(Problem(file, line, col, ".".join(str(x) for x in path_), message))

    def where(path_: tuple[str | int, ...]) -> str:
        line = marks.get(path_, (1, 1, 1, 1))[0]
        return f"{file}:{line}: {'.'.join(str(x) for x in path_)}"

    if (
        not isinstance(data, dict)
        or set(data) - {"programs", "applicants"}
        or not {"programs", "applicants"} <= set(data)
    ):
        at((), "expected a mapping with exactly two keys, programs and applicants")
        return lists, problems
    programs, applicants = data["programs"], data["applicants"]
    if not isinstance(programs, dict) or not isinstance(applicants, dict):
        at(
            (),
            "programs and applicants are each a mapping by name; expected e.g. programs: {City: {quota: 2, ranks: [A1]}}",
        )
        return lists, problems
    for key, value in programs.items():
        try:
            name = _name(key, "program")
            if (
                not isinstance(value, dict)
                or set(value) - {"quota", "ranks"}
                or "quota" not in value
            ):
                raise ValueError("expected {quota: N, ranks: [applicants, most preferred first]}")
            lists.quotas[name] = _quota(value["quota"])
            ranked = value.get("ranks") or []
            if not isinstance(ranked, list):
                raise ValueError("ranks is not a list; expected [applicants, most preferred first]")
            lists.program_lists[name] = [_name(x, "applicant") for x in ranked]
            lists.where[("program", name)] = where(("programs", key))
        except ValueError as exc:
            at(("programs", key), str(exc))
    for key, value in applicants.items():
        try:
            _applicant_entry(lists, key, value, where)
        except ValueError as exc:
            at(("applicants", key), str(exc))
    return lists, problems


def _applicant_entry(
    lists: Lists, key: Any, value: Any, where: Callable[[tuple[str | int, ...]], str]
) -> None:
    """One applicant of a YAML market: a list of programs, or {ranks, supplemental}."""
    name = _name(key, "applicant")
    supplemental: dict[Any, Any] = {}
    if isinstance(value, dict):
        if set(value) - {"ranks", "supplemental"} or "ranks" not in value:
            raise ValueError(
                "expected a list of programs, or {ranks: [...], supplemental: {ADVANCED: [...]}}"
            )
        supplemental = value.get("supplemental") or {}
        value = value["ranks"]
        if not isinstance(supplemental, dict):
            raise ValueError(
                "supplemental is not a mapping; expected {ADVANCED_PROGRAM: [preliminary programs]}"
            )
    if not isinstance(value, list):
        raise ValueError("is not a list; expected [programs, most preferred first]")
    lists.applicant_lists[name] = [_name(x, "program") for x in value]
    lists.where[("applicant", name)] = where(("applicants", key))
    for adv, prelims in supplemental.items():
        if not isinstance(prelims, list):
            raise ValueError(
                f"supplemental list for {adv} is not a list; expected [preliminary programs]"
            )
        pair = (name, _name(adv, "program"))
        lists.supplemental[pair] = [_name(x, "program") for x in prelims]
        lists.where[("supplemental", f"{name}/{pair[1]}")] = where(
            ("applicants", key, "supplemental", adv)
        )


# A folder of CSV files -------------------------------------------------------------------------


def _rows(
    path: Path, columns: tuple[str, ...], problems: list[Problem]
) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a CSV file with exactly ``columns``, as (row number as a spreadsheet
    counts it, cells); blank rows skipped. A control character anywhere refuses the file."""
    file = str(path)
    text = read_text(path, MAX_BYTES)
    bad = TEXT_CONTROL.search(text)  # a line may end in CR LF
    if bad:
        before = text[: bad.start()]
        message = f"control character U+{ord(bad.group()):04X}; expected printable text"
        column = bad.start() - before.rfind("\n")
        problems.append(Problem(file, before.count("\n") + 1, column, "", message))
        return
    # One line at a time out of the text: io.StringIO would hold a second, four-byte-per-
    # character copy of a file of up to 512 MB (benchmarks/results-hostile.md).
    reader = csv.reader(_lines(text), strict=True, skipinitialspace=True)
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader, [])]
        if header != list(columns):
            expected = ",".join(columns)
            message = f"the header is {','.join(header)[:80]!r}; expected exactly {expected}"
            problems.append(Problem(file, 1, 1, "", message))
            return
        width = len(columns)
        number = 1
        for row in reader:
            number += 1
            if len(problems) >= MAX_PROBLEMS:
                message = f"stopped reading after {MAX_PROBLEMS:,} problems"
                problems.append(Problem(file, number, None, "", message))
                raise _refused(problems, path.parent)  # the other files are not read either
            if len(row) == width:
                yield number, row
            elif any(cell.strip() for cell in row):
                message = f"{len(row)} cells; expected {width} ({','.join(columns)})"
                problems.append(Problem(file, number, 1, "", message))
    except csv.Error as exc:
        message = f"cannot be read as CSV ({exc}); expected quotes closed"
        problems.append(Problem(file, reader.line_num or 1, None, "", message))


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings (LF, CR LF or a lone CR, as io.StringIO's
    universal newlines), one at a time: slices, not a list."""
    for line in LINE.finditer(text):
        yield line.group()


def _folder(folder: Path) -> Market:
    """The market of a CSV folder, built straight into numbers (no per-name objects): an
    NRMP-scale market has 1.1 million rows, read in about two seconds."""
    missing = [name for name in CSV_FILES if not (folder / name).is_file()]
    if missing:
        message = (
            f"has no {', '.join(missing)}; expected {', '.join(CSV_FILES)} (and optionally "
            f"{SUPPLEMENTAL[0]})"
        )
        raise InputError([Problem(str(folder), None, None, "", message)])
    problems: list[Problem] = []
    programs, quotas, index = _programs_csv(folder / "programs.csv", problems)
    a_file = folder / "applicants.csv"
    applicants, a_index, prefs = _applicants_csv(a_file, programs, index, problems)
    ranks = _program_ranks_csv(folder / "program_ranks.csv", programs, index, a_index, problems)
    supplemental = _supplemental(folder, index, a_index, prefs, problems)
    _check_names(applicants, "applicant", str(a_file), problems)
    if problems:
        raise _refused(problems, folder)
    return Market(applicants, programs, quotas, prefs, ranks, supplemental)


def _too_many(file: Path, number: int, what: str) -> InputError:
    message = (
        f"more than {MAX_RANKS_TOTAL:,} {what}; expected a market of at most that many (the "
        "NRMP's Main Residency Match has about 600,000 applicant ranks)"
    )
    return InputError([Problem(str(file), number, None, "", message)])


def _programs_csv(
    file: Path, problems: list[Problem]
) -> tuple[list[str], list[int], dict[str, int]]:
    """(program names, their quotas, name -> number) from programs.csv."""
    programs: list[str] = []
    quotas: list[int] = []
    index: dict[str, int] = {}
    for number, (program, quota) in _rows(file, CSV_FILES["programs.csv"], problems):
        try:
            name = _name(program, "program")
            if name in index:
                raise ValueError(f"program '{name}' is listed twice; expected one row per program")
            index[name] = len(programs)
            programs.append(name)
            quotas.append(_quota(quota))
        except ValueError as exc:
            problems.append(Problem(str(file), number, None, "", str(exc)))
    return programs, quotas, index


def _applicants_csv(
    file: Path, programs: list[str], index: dict[str, int], problems: list[Problem]
) -> tuple[list[str], dict[str, int], list[list[int]]]:
    """(applicant names, name -> number, each applicant's rank order list as program
    numbers) from applicants.csv."""
    applicants: list[str] = []
    a_index: dict[str, int] = {}
    a_rows: list[int] = []  # each applicant's first row
    chosen: list[list[tuple[int, int]]] = []
    get = index.get
    name = str(file)
    last, mine = None, []  # an applicant's rows usually follow each other
    total = 0
    for number, (applicant, rank, program) in _rows(file, CSV_FILES["applicants.csv"], problems):
        if applicant != last:
            last = applicant
            found = a_index.get(applicant)
            if found is None:
                found = a_index[applicant] = len(applicants)
                applicants.append(applicant)
                a_rows.append(number)
                chosen.append([])
            mine = chosen[found]
        p = get(program)
        if p is None:
            p = get(program.strip(), -1)
            if p < 0:
                message = (
                    f"applicant '{applicant.strip()}' ranks '{program.strip()[:60]}', which is "
                    "not a program of this market; expected one listed in programs.csv"
                )
                problems.append(Problem(name, number, None, "", message))
                continue
        try:
            k = int(rank)
        except ValueError:
            k = 0
        if k < 1:
            _rank(rank, name, number, problems)
        mine.append((k, p))
        total += 1
        if total > MAX_RANKS_TOTAL:
            raise _too_many(file, number, "applicant ranks")
    prefs = [
        _ordered(file, a_rows[a], applicants[a], entries, programs, index, problems)
        for a, entries in enumerate(chosen)
    ]
    return applicants, a_index, prefs


def _ordered(
    file: Path,
    row: int,
    applicant: str,
    entries: list[tuple[int, int]],
    programs: list[str],
    index: dict[str, int],
    problems: list[Problem],
) -> list[int]:
    """One applicant's (rank, program) rows as their list, in rank order, checked."""
    entries.sort()
    where = f"{file}:{row}"
    numbers = [p for _, p in entries]
    if len({k for k, _ in entries}) != len(entries):
        message = f"applicant '{applicant}' uses a rank number twice; expected each rank once"
        problems.append(Problem(where, None, None, "", message))
    if len(set(numbers)) != len(numbers) or len(numbers) > MAX_RANKS:
        problems += [
            Problem(where, None, None, "", what)
            for _, what in _check_list(
                where, f"applicant '{applicant}'", [programs[p] for p in numbers], index, "program"
            )
        ]
    return numbers


def _program_ranks_csv(
    file: Path,
    programs: list[str],
    index: dict[str, int],
    a_index: dict[str, int],
    problems: list[Problem],
) -> list[dict[int, int]]:
    """Each program's ranks (applicant number -> rank) from program_ranks.csv."""
    name = str(file)
    total = 0
    ranks: list[dict[int, int]] = [{} for _ in programs]
    get, a_get = index.get, a_index.get
    last, p = None, -1  # a program's rows usually follow each other
    for number, (program, rank, applicant) in _rows(file, CSV_FILES["program_ranks.csv"], problems):
        if program != last:
            last, p = program, get(program, -1)
        a = a_get(applicant, -1)
        if p < 0 or a < 0:
            what = (
                f"program '{program[:60]}' is not in programs.csv"
                if p < 0
                else f"'{applicant[:60]}' is not an applicant of this market (no row in applicants.csv)"
            )
            problems.append(Problem(name, number, None, "", f"{what}; expected names used there"))
            continue
        try:
            k = int(rank)
        except ValueError:
            k = 0
        if k < 1:
            _rank(rank, name, number, problems)
        held = ranks[p]
        total += 1
        if total > MAX_RANKS_TOTAL:
            raise _too_many(file, number, "program ranks")
        if a in held:
            message = f"program '{program}' ranks '{applicant}' twice; expected each applicant once"
            problems.append(Problem(name, number, None, "", message))
        held[a] = k
    for p, held in enumerate(ranks):
        if len(set(held.values())) != len(held):
            message = f"program '{programs[p]}' uses a rank number twice; expected each rank once"
            problems.append(Problem(name, None, None, "", message))
    return ranks


def _rank(text: str, file: str, number: int, problems: list[Problem]) -> int:
    try:
        k = int(text)
    except ValueError:
        k = 0
    if k < 1:
        message = f"rank '{text[:20]}' is not a whole number from 1; expected 1, 2, 3 ..."
        problems.append(Problem(file, number, None, "", message))
    return k


def _check_names(names: list[str], what: str, file: str, problems: list[Problem]) -> None:
    for name in names:
        try:
            _name(name, what)
        except ValueError as exc:
            problems.append(Problem(file, None, None, "", str(exc)))


def _supplemental(
    folder: Path,
    index: dict[str, int],
    a_index: dict[str, int],
    prefs: list[list[int]],
    problems: list[Problem],
) -> dict[tuple[int, int], list[int]]:
    s_file = folder / SUPPLEMENTAL[0]
    if not s_file.is_file():
        return {}
    entries: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for number, (applicant, adv, rank, program) in _rows(s_file, SUPPLEMENTAL[1], problems):
        a, q, p = a_index.get(applicant, -1), index.get(adv, -1), index.get(program, -1)
        if a < 0 or q < 0 or p < 0:
            what = "applicant" if a < 0 else "program"
            name = applicant if a < 0 else (adv if q < 0 else program)
            message = f"'{name[:60]}' is not a{'n' if what == 'applicant' else ''} {what} of this market; expected one named in the other files"
            problems.append(Problem(str(s_file), number, None, "", message))
            continue
        if q not in prefs[a]:
            message = f"'{applicant}' links a supplemental list to '{adv}', which is not on their list; expected an advanced program they rank"
            problems.append(Problem(str(s_file), number, None, "", message))
            continue
        entries.setdefault((a, q), []).append((_rank(rank, str(s_file), number, problems), p))
    out = {}
    for key, found in entries.items():
        found.sort()
        numbers = [p for _, p in found]
        if len(set(numbers)) != len(numbers) or len({k for k, _ in found}) != len(found):
            message = "a supplemental list repeats a program or a rank; expected each once"
            problems.append(Problem(str(s_file), None, None, "", message))
        out[key] = numbers
    return out
