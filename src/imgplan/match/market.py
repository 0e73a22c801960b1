"""A matching market: applicants and programs by number, each applicant's rank order list,
each program's quota and rank order list, and the supplemental lists (an applicant's list of
preliminary programs, used only if the applicant matches the advanced program it is linked
to). Built from names by `build`, which says what is wrong with the lists (located by the
loader)."""

from __future__ import annotations

from msgspec import Struct, field

MAX_RANKS = 300  # NRMP: at most 300 ranks on a list


class Market(Struct):
    applicants: list[str]
    programs: list[str]
    quotas: list[int]
    prefs: list[list[int]]  # applicant -> programs, most preferred first
    ranks: list[dict[int, int]]  # program -> {applicant: its rank number, 1 = first; gaps allowed}
    #: (applicant, advanced program) -> preliminary programs, most preferred first
    supplemental: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    @property
    def positions(self) -> int:
        return sum(self.quotas)


class Lists(Struct):
    """A market by names, as a file gives it (each list in its order; `where` locates each
    applicant's and program's entries for messages)."""

    quotas: dict[str, int] = field(default_factory=dict)
    applicant_lists: dict[str, list[str]] = field(default_factory=dict)
    program_lists: dict[str, list[str]] = field(default_factory=dict)
    supplemental: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)  # ('applicant', A) -> file:line


def build(lists: Lists) -> tuple[Market | None, list[tuple[str, str]]]:
    """The market, or (None, [(where, what is wrong; what is expected)])."""
    problems: list[tuple[str, str]] = []
    programs = list(lists.quotas)
    index = {p: i for i, p in enumerate(programs)}
    applicants = list(lists.applicant_lists)
    a_index = {a: i for i, a in enumerate(applicants)}
    _check_programs(lists, index, set(applicants), problems)
    prefs = []
    get = index.get
    for a in applicants:
        listed = lists.applicant_lists[a]
        numbers = [get(p, -1) for p in listed]
        # the common case checked at C speed: known programs, each once, within the cap
        if -1 in numbers or len(set(numbers)) != len(numbers) or len(numbers) > MAX_RANKS:
            problems += _check_list(
                _at(lists, "applicant", a), f"applicant '{a}'", listed, index, "program"
            )
        prefs.append(numbers)
    ranks: list[dict[int, int]] = [{} for _ in programs]
    for p, ranked in lists.program_lists.items():
        if p in index:
            ranks[index[p]] = _numbered(lists, p, ranked, a_index, problems)
    supplemental = _supplemental_lists(lists, index, a_index, problems)
    if problems:
        return None, problems
    quotas = [lists.quotas[p] for p in programs]
    return Market(applicants, programs, quotas, prefs, ranks, supplemental), []


def _at(lists: Lists, kind: str, name: str) -> str:
    """Where a list was read (file and line, or the YAML key), for a message."""
    return lists.where.get((kind, name), f"{kind} {name}")


def _check_programs(
    lists: Lists, index: dict[str, int], applicants: set[str], problems: list[tuple[str, str]]
) -> None:
    """Every program that ranks has a quota; every applicant ranked submitted a list."""
    for name in lists.program_lists:
        if name not in index:
            problems.append(
                (
                    _at(lists, "program", name),
                    f"program '{name}' ranks applicants but has no quota; expected it in the programs (with a quota)",
                )
            )
    for extra in {a for ranked in lists.program_lists.values() for a in ranked} - applicants:
        owner = next(p for p, ranked in lists.program_lists.items() if extra in ranked)
        problems.append(
            (
                _at(lists, "program", owner),
                f"ranks '{extra}', who is not an applicant of this market; expected applicants who submitted a list",
            )
        )


def _numbered(
    lists: Lists,
    p: str,
    ranked: list[str],
    a_index: dict[str, int],
    problems: list[tuple[str, str]],
) -> dict[int, int]:
    """A program's rank order list as applicant number -> rank (an applicant listed twice is
    said, and counted at the first place)."""
    numbered: dict[int | None, int] = dict(
        zip(map(a_index.get, ranked), range(1, len(ranked) + 1), strict=True)
    )
    numbered.pop(None, None)  # an unknown applicant (said by _check_programs)
    found: dict[int, int] = {k: v for k, v in numbered.items() if k is not None}
    if len(numbered) != len(ranked) and len(set(ranked)) != len(ranked):
        seen: set[str] = set()
        for a in ranked:
            if a in seen:
                message = f"program '{p}' ranks '{a}' twice; expected each applicant once"
                problems.append((_at(lists, "program", p), message))
            seen.add(a)
        found = {}
        for pos, a in enumerate(ranked, 1):
            if a in a_index and a_index[a] not in found:
                found[a_index[a]] = pos
    return found


def _supplemental_lists(
    lists: Lists,
    index: dict[str, int],
    a_index: dict[str, int],
    problems: list[tuple[str, str]],
) -> dict[tuple[int, int], list[int]]:
    """(applicant, advanced program) -> the supplemental list, as numbers, checked."""
    supplemental = {}
    for (a, adv), listed in lists.supplemental.items():
        where = _at(lists, "supplemental", f"{a}/{adv}")
        if a not in a_index:
            problems.append(
                (
                    where,
                    f"a supplemental list for '{a}', who has no rank order list; expected an applicant of this market",
                )
            )
            continue
        if adv not in lists.applicant_lists[a]:
            problems.append(
                (
                    where,
                    f"'{a}' links a supplemental list to '{adv}', which is not on their list; expected an advanced program they rank",
                )
            )
            continue
        problems += _check_list(
            where, f"the supplemental list of '{a}' for '{adv}'", listed, index, "program"
        )
        supplemental[(a_index[a], index[adv])] = [index[p] for p in listed if p in index]
    return supplemental


def _check_list(
    where: str, who: str, listed: list[str], index: dict[str, int], kind: str
) -> list[tuple[str, str]]:
    out = []
    if len(listed) > MAX_RANKS:
        out.append(
            (
                where,
                f"{who} ranks {len(listed)} programs; expected at most {MAX_RANKS} (the NRMP's limit)",
            )
        )
    seen: set[str] = set()
    for p in listed:
        if p not in index:
            out.append(
                (
                    where,
                    f"{who} ranks '{p}', which is not a {kind} of this market; expected one of the programs listed with a quota",
                )
            )
        elif p in seen:
            out.append((where, f"{who} ranks '{p}' twice; expected each program once"))
        seen.add(p)
    return out
