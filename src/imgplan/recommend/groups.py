"""The screens' findings of one specialty group, read per program or for every program at
once (see `evaluate`: each screen runs once per distinct key, and a program's findings are
the findings of its keys)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat

from msgspec import Struct, field

from ..rules.findings import Finding

#: Finding statuses listed as a program's flags (things to verify on its site).
FLAGGED = ("verify", "warn")


class GroupFindings(Struct):
    """The screens' findings for one specialty group: the first screen's (the same for all),
    then, per later screen, the finding of each distinct key and each position's key."""

    head: Finding
    memos: list[dict[object, Finding]]
    keys: list[list[object]]
    # per later screen with flagged findings: (each position's key, flagged key -> rule)
    flagged: list[tuple[list[object], dict[object, str]]] | None = None
    # the flags lists already made, by the rules found (positions share them: do not change)
    flag_lists: dict[tuple[str | None, ...], list[str]] = field(default_factory=dict)
    # every position's flags and failed findings (see the methods)
    all_flags: list[list[str]] | None = None
    failures: list[list[Finding]] | None = None

    def _flagged(self) -> list[tuple[list[object], dict[object, str]]]:
        if self.flagged is None:
            self.flagged = []
            for memo, keys in zip(self.memos, self.keys, strict=True):
                rules = {k: f.rule for k, f in memo.items() if f.status in FLAGGED}
                if rules:
                    self.flagged.append((keys, rules))
        return self.flagged

    def _flags_for(self, hits: tuple[str | None, ...]) -> list[str]:
        made = self.flag_lists.get(hits)
        if made is None:
            found = [self.head.rule] if self.head.status in FLAGGED else []
            found += [rule for rule in hits if rule is not None]
            made = self.flag_lists[hits] = sorted(set(found)) if len(found) > 1 else found
        return made

    def flags(self, n: int) -> list[str]:
        """The flags of position ``n`` (as `Assessed.flags`; the fit finding is never one),
        read from the few keys whose finding is flagged."""
        return self._flags_for(tuple([rules.get(keys[n]) for keys, rules in self._flagged()]))

    # A whole list reads every position: the methods below build each column (one screen's
    # finding at each position) with map, and the rows with zip, in C; a 13,000-program list
    # spent a quarter of its JSON run on these, position by position.

    def every_flags(self) -> list[list[str]]:
        """`flags` of every position."""
        if self.all_flags is None:
            columns = [map(rules.get, keys) for keys, rules in self._flagged()]
            hits = list(zip(*columns, strict=True)) if columns else [()] * len(self.keys[0])
            made = {h: self._flags_for(h) for h in set(hits)}
            self.all_flags = list(map(made.__getitem__, hits))
        return self.all_flags

    def every_json(
        self, as_json: Callable[[Finding], object] = Finding.as_json
    ) -> list[tuple[object, ...]]:
        """`of` of every position as JSON (``as_json`` of each finding), each converted once."""
        columns = [
            map({k: as_json(f) for k, f in memo.items()}.__getitem__, keys)
            for memo, keys in zip(self.memos, self.keys, strict=True)
        ]
        return list(zip(repeat(as_json(self.head)), *columns))

    def every_failure(self) -> list[list[Finding]]:
        """The failed findings of every position (as `[f for f in of(n) if fail]`); positions
        with the same failures share one list (do not change it)."""
        if self.failures is None:
            head = (self.head,) if self.head.status == "fail" else ()
            columns = [
                map({k: f for k, f in memo.items() if f.status == "fail"}.get, keys)
                for memo, keys in zip(self.memos, self.keys, strict=True)
            ]
            rows = list(zip(*columns, strict=True))
            made = {r: [*head, *(f for f in r if f is not None)] for r in set(rows)}
            self.failures = list(map(made.__getitem__, rows))
        return self.failures

    def of(self, n: int) -> list[Finding]:
        later = zip(self.memos, self.keys, strict=True)
        return [self.head, *(memo[keys[n]] for memo, keys in later)]
