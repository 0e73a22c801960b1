"""Applicant-proposing deferred acceptance, as the NRMP describes it: each applicant is placed
at the most preferred program on their list that ranks them and either has an open position
or prefers them to someone it holds (who is then removed and placed again, from where they
were on their list). When no one moves, every tentative match is final. The result is the
applicant-optimal stable matching: no applicant and program prefer each other to what they
got, and no applicant can do better by ranking anything but their true preferences.

Supplemental lists (Roth–Peranson): an applicant held by an advanced program they linked a
supplemental list to is placed, in the same way, on that list's preliminary programs; if they
lose the advanced program, they lose the preliminary position too, and a position that opens
that way is offered again to the applicants the program turned away, best first (the
"instability chaining" of Roth and Peranson, 1999). Couples are not supported.

Speed: programs hold their applicants in a heap keyed by rank (the least preferred on top),
so a proposal costs O(log quota); 48,000 applicants x 12 ranks run in about a second or two
(benchmarks/match_scale.py).
"""

from __future__ import annotations

import sys
from heapq import heappush, heapreplace

from msgspec import Struct, field

from .market import Market


class Unsettled(Exception):
    """The supplemental lists did not settle within the step limit (not seen in practice)."""


class Outcome(Struct):
    matches: list[int]  # applicant -> program, -1 = unmatched
    supplemental: list[int]  # applicant -> preliminary program from a supplemental list, -1 = none
    filled: list[int]  # program -> positions filled
    proposals: int = 0
    rank_matched: list[int] = field(
        default_factory=list
    )  # applicant -> its rank (1-based), 0 = none


def run(market: Market) -> Outcome:
    return _Engine(market).run()


class _Engine:
    """The state of one run. An agent is an applicant's primary list (a) or their active
    supplemental list (n + a)."""

    def __init__(self, market: Market) -> None:
        self.market = market
        n = self.n = len(market.applicants)
        self.prefs, self.ranks, self.quota = market.prefs, market.ranks, market.quotas
        self.sup_lists = market.supplemental
        self.held: list[list[tuple[int, int]]] = [[] for _ in market.programs]  # (-rank, agent)
        self.where = [-1] * (2 * n)
        self.nxt = [0] * (2 * n)
        self.active_sup: list[list[int] | None] = [None] * n
        self.refused: dict[int, list[int]] = {}  # program -> agents turned away for lack of room
        self.free = list(range(n - 1, -1, -1))
        ranked = sum(len(x) for x in self.prefs) + sum(len(x) for x in self.sup_lists.values())
        self.steps_left = 50 * (ranked + n) + 1000

    def agent_list(self, agent: int) -> list[int]:
        if agent < self.n:
            return self.prefs[agent]
        found = self.active_sup[agent - self.n]
        return found if found is not None else []

    def release(self, agent: int) -> None:
        """``agent`` loses its position (its program keeps the slot open)."""
        p = self.where[agent]
        if p < 0:
            return
        heap = self.held[p]
        heap.remove(next(x for x in heap if x[1] == agent))
        if heap:
            heap.sort()  # a sorted list is a heap
        self.where[agent] = -1
        self.vacancy(p)

    def vacancy(self, p: int) -> None:
        """A position at ``p`` opened without a better applicant taking it: offer it to the
        agents ``p`` turned away, best first, who would rather be there."""
        waiting = self.refused.get(p)
        if not waiting:
            return
        n, where, nxt = self.n, self.where, self.nxt
        waiting.sort(key=lambda agent: self.ranks[p][agent % n])
        for agent in list(waiting):
            if len(self.held[p]) >= self.quota[p]:
                break
            lst = self.agent_list(agent)
            if p not in lst:
                continue
            here = where[agent]
            pos_p = lst.index(p)
            if here >= 0 and lst.index(here) < pos_p:
                continue
            if here < 0 and nxt[agent] <= pos_p:
                continue  # still to propose there in its turn
            waiting.remove(agent)
            if here >= 0:
                self.leave(agent)
            heappush(self.held[p], (-self.ranks[p][agent % n], agent))
            where[agent] = p
            nxt[agent] = pos_p + 1
            self.arrived(agent, p)

    def leave(self, agent: int) -> None:
        """``agent`` leaves its program for a better one (or is bumped): its supplemental
        list (if any) goes with an advanced position it no longer holds."""
        p = self.where[agent]
        self.release(agent)
        if agent < self.n and p >= 0:
            self.drop_supplemental(agent)

    def drop_supplemental(self, a: int) -> None:
        if self.active_sup[a] is not None:
            self.active_sup[a] = None
            self.release(self.n + a)

    def arrived(self, agent: int, p: int) -> None:
        if agent < self.n and (agent, p) in self.sup_lists:
            self.active_sup[agent] = self.sup_lists[(agent, p)]
            self.nxt[self.n + agent] = 0
            self.free.append(self.n + agent)

    def run(self) -> Outcome:
        """Propose until no agent is free (the hot loop: its state in local names)."""
        n, free, where, nxt = self.n, self.free, self.where, self.nxt
        ranks, held, quota, refused = self.ranks, self.held, self.quota, self.refused
        proposals = 0
        while free:
            self.steps_left -= 1
            if self.steps_left < 0:
                raise Unsettled("the supplemental lists did not settle")
            agent = free.pop()
            lst = self.agent_list(agent)
            if where[agent] >= 0:
                continue
            i = nxt[agent]
            a = agent % n
            while i < len(lst):
                p = lst[i]
                i += 1
                r = ranks[p].get(a)
                if r is None:
                    continue
                proposals += 1
                heap = held[p]
                if len(heap) < quota[p]:
                    heappush(heap, (-r, agent))
                    where[agent] = p
                    nxt[agent] = i
                    self.arrived(agent, p)
                    break
                if -heap[0][0] > r:
                    _, bumped = heapreplace(heap, (-r, agent))
                    where[agent] = p
                    where[bumped] = -1
                    refused.setdefault(p, []).append(bumped)
                    nxt[agent] = i
                    if bumped < n:
                        self.drop_supplemental(bumped)
                    free.append(bumped)
                    self.arrived(agent, p)
                    break
                refused.setdefault(p, []).append(agent)
            else:
                nxt[agent] = i
        return self.outcome(proposals)

    def outcome(self, proposals: int) -> Outcome:
        n, prefs = self.n, self.prefs
        matches = self.where[:n]
        sup = [self.where[n + a] if self.active_sup[a] is not None else -1 for a in range(n)]
        filled = [len(h) for h in self.held]
        rank_matched = [prefs[a].index(p) + 1 if p >= 0 else 0 for a, p in enumerate(matches)]
        return Outcome(matches, sup, filled, proposals, rank_matched)


def blocking_pairs(market: Market, outcome: Outcome) -> list[tuple[int, int]]:
    """(applicant, program) pairs that would both rather be matched to each other than keep
    what they got (primary lists; for the tests and `match run --check`). Empty: stable."""
    n = len(market.applicants)
    worst: list[int] = []
    by_program: list[list[int]] = [[] for _ in market.programs]
    for a, p in enumerate(outcome.matches):
        if p >= 0:
            by_program[p].append(market.ranks[p][a])
    for a, p in enumerate(outcome.supplemental):
        if p >= 0:
            by_program[p].append(market.ranks[p][a])
    for p, held in enumerate(by_program):
        worst.append(max(held) if len(held) >= market.quotas[p] else sys.maxsize)
    out = []
    for a in range(n):
        current = outcome.matches[a]
        for p in market.prefs[a]:
            if p == current:
                break
            r = market.ranks[p].get(a)
            if r is not None and r < worst[p]:
                out.append((a, p))
    return out
