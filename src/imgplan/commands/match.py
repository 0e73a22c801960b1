"""`imgplan match run`: the match engine on a market, its summary, and (``--explain NAME``)
why one applicant matched where they did: for each program above their match, what the
program held instead."""

from __future__ import annotations

from msgspec import Struct, field

from ..errors import UsageError
from ..match.engine import Outcome, run
from ..match.market import Market


class Explained(Struct):
    applicant: str
    matched: str | None
    rank: int  # 1-based; 0 = unmatched
    lines: list[str]  # one per program on the list, down to the match


class MatchResult(Struct):
    market: Market
    outcome: Outcome
    source: str
    explained: Explained | None = None
    by_rank: dict[int, int] = field(default_factory=dict)  # rank matched at -> applicants

    @property
    def matched(self) -> int:
        return sum(1 for p in self.outcome.matches if p >= 0)

    @property
    def unfilled(self) -> dict[str, int]:
        m, o = self.market, self.outcome
        return {
            m.programs[p]: m.quotas[p] - o.filled[p]
            for p in range(len(m.programs))
            if o.filled[p] < m.quotas[p]
        }


def match(market: Market, source: str, explain: str | None = None) -> MatchResult:
    outcome = run(market)
    result = MatchResult(market, outcome, source)
    for k in outcome.rank_matched:
        if k:
            result.by_rank[k] = result.by_rank.get(k, 0) + 1
    result.by_rank = dict(sorted(result.by_rank.items()))
    if explain is not None:
        result.explained = _explain(market, outcome, explain)
    return result


def _explain(m: Market, o: Outcome, name: str) -> Explained:
    if name not in m.applicants:
        close = [a for a in m.applicants if a.lower().startswith(name.lower()[:3])][:3]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(
            f"--explain: '{name}' is not an applicant of this market{hint}; expected a name from applicants"
        )
    a = m.applicants.index(name)
    got = o.matches[a]
    held: dict[int, list[int]] = {}
    for b, p in enumerate(o.matches):
        if p >= 0:
            held.setdefault(p, []).append(m.ranks[p][b])
    for b, p in enumerate(o.supplemental):
        if p >= 0:
            held.setdefault(p, []).append(m.ranks[p][b])
    lines = []
    for k, p in enumerate(m.prefs[a], 1):
        program = m.programs[p]
        if p == got:
            lines.append(f"#{k} {program}: matched (the program ranked you #{m.ranks[p][a]}).")
            break
        mine = m.ranks[p].get(a)
        if mine is None:
            lines.append(f"#{k} {program}: the program did not rank you.")
            continue
        worst = max(held.get(p, [0]))
        lines.append(
            f"#{k} {program}: ranked you #{mine}; its {m.quotas[p]} position(s) went to "
            f"applicants it ranked higher (its last match was its #{worst})."
        )
    listed = set(m.prefs[a])
    would = [
        f"{m.programs[p]} (ranked you #{m.ranks[p][a]})"
        for p in range(len(m.programs))
        if p not in listed
        and a in m.ranks[p]
        and (o.filled[p] < m.quotas[p] or m.ranks[p][a] < max(held.get(p, [-1])))
    ]
    if would and got < 0:
        lines.append(
            "Programs that would have taken you but were not on your list: "
            + ", ".join(would[:10])
            + ". Rank every program you would attend."
        )
    return Explained(name, m.programs[got] if got >= 0 else None, o.rank_matched[a], lines)
