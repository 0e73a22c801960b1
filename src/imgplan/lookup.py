"""Finding what the user named: a program by its id, short id, the start of an id or its
number on the ranked list; a fellowship by its id or its number on a resident's list. Every
miss is a usage error with a "did you mean"."""

from __future__ import annotations

import difflib

from .errors import UsageError
from .fellowships import FellowshipPlan, Ranked
from .models import vocab
from .models.programs import Dataset, Program, short_ids
from .models.values import plural


def find_program(dataset: Dataset, given: str, ranked: list[str] | None = None) -> Program:
    """The program ``given`` names: its id, its short id (the table's Id column), the start
    of exactly one id, or (with ``ranked``, the ids of a ranked list) its # in that list.
    Otherwise a usage error with a "did you mean" over ids and names."""
    text = given.strip()
    by_id = {p.id: p for p in dataset.programs}
    if text in by_id:
        return by_id[text]
    if ranked is not None and text.isdigit():
        rank = int(text)
        if 1 <= rank <= len(ranked):
            return by_id[ranked[rank - 1]]
        raise UsageError(
            f"#{rank} is not on your list, which ranks {plural(len(ranked), 'program')}; expected a "
            "number from 1 to the list's length, or an id"
        )
    shorts = {short: pid for pid, short in short_ids(dataset).items()}
    if text in shorts:
        return by_id[shorts[text]]
    starting = [pid for pid in by_id if pid.startswith(text)] if text else []
    if len(starting) == 1:
        return by_id[starting[0]]
    if len(starting) > 1:
        few = ", ".join(starting[:5]) + (" …" if len(starting) > 5 else "")
        raise UsageError(
            f"'{given}' starts {len(starting)} ids ({few}); expected more of the id to tell "
            "them apart"
        )
    names = {p.name: p.id for p in dataset.programs}
    hint = (
        vocab.suggest(text, list(by_id))
        or _start_hint(text, list(by_id))
        or _name_hint(text, names)
    )
    raise UsageError(
        f"no program with id '{given}' in {dataset.name}{hint}; "
        "expected an id from `imgplan programs list` (or its start, or a # of your list)"
    )


def _start_hint(text: str, ids: list[str]) -> str:
    """'; did you mean ID?' when ``text`` is a near miss of the start of an id ('im-belmont'
    for 'im-bellmont-university-...'): ids are long, people type their start."""
    if len(text) < 4:
        return ""
    starts: dict[str, list[str]] = {}
    for pid in ids:
        starts.setdefault(pid[: len(text) + 1], []).append(pid)
    close = difflib.get_close_matches(text, list(starts), n=1, cutoff=0.8)
    if not close:
        return ""
    found = starts[close[0]]
    more = f" (or {len(found) - 1} more starting alike)" if len(found) > 1 else ""
    return f"; did you mean '{found[0]}'{more}?"


def _name_hint(text: str, names: dict[str, str]) -> str:
    """'; did you mean ID (NAME)?' when ``text`` is close to a program's name."""
    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.6)
    if not close:
        return ""
    name = lowered[close[0]]
    return f"; did you mean '{names[name]}' ({name})?"


def find_fellowship(plan: FellowshipPlan, given: str) -> tuple[int, Ranked]:
    """(its number on the list, the entry) for a fellowship named by its id, the start of
    exactly one id, or its number on the resident's list (``#3`` or ``3``)."""
    text = given.strip().lstrip("#")
    if text.isdigit():
        n = int(text)
        if 1 <= n <= len(plan.ranked):
            return n, plan.ranked[n - 1]
        raise UsageError(
            f"#{n} is not on your fellowship list, which ranks "
            f"{plural(len(plan.ranked), 'program')}; expected a number from 1 to its length, "
            "or a fellowship id"
        )
    ids = [r.fellowship.id for r in plan.ranked]
    starting = [i for i in ids if i == text] or [i for i in ids if i.startswith(text)]
    if len(starting) == 1:
        n = ids.index(starting[0]) + 1
        return n, plan.ranked[n - 1]
    hint = vocab.suggest(text, ids)
    raise UsageError(
        f"no fellowship '{given}' on your list{hint}; expected an id from `imgplan fellowships "
        "list` or a # of your list (`imgplan recommend`)"
    )
