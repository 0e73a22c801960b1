"""The draft rank order list (docs/season.md: Your rank list): the programs the applicant interviewed
with (or will), in the order of their own weighted ratings — or in their own order, which always
wins — with the hard stops that take a program off, each with its reason. Pure: the tracked
programs, each program's assessment (tier, failed screens) and the profile's ``ranking`` block
are parameters.
"""

from __future__ import annotations

from msgspec import Struct, field

from ..models.profile import Ranking
from ..models.tracker import Tracked

NRMP_ADVICE = (
    "Rank programs in the order of your true preference, without considering how you expect "
    "to be ranked. The algorithm is applicant-proposing: no ordering trick does better."
)
NRMP_SOURCE = "NRMP, rank order list guidance (official; FACTS §4)"


class Standing(Struct, frozen=True):
    """What imgplan knows of the applicant at a program: its tier, the screens it fails (a
    visa policy, a graduation limit ...: each a sentence), and whether its figures are
    unknown."""

    tier: str | None
    img_share: float | None
    fails: tuple[tuple[str, str], ...] = ()  # (rule, sentence)
    unknown: tuple[str, ...] = ()  # rules whose figure is unknown: verify
    in_dataset: bool = True


class Entry(Struct):
    tracked: Tracked
    score: float | None  # weighted rating, 1-5; None = unrated
    rated: list[str]
    unrated: list[str]  # weighted criteria not rated yet
    standing: Standing
    tie_with: int | None = None  # the rank (1-based) it ties with
    note: str = ""


class Dropped(Struct):
    tracked: Tracked
    reason: str


class Draft(Struct):
    entries: list[Entry]
    dropped: list[Dropped]
    source: str  # "draft" | "your ranks in the tracker" | "your order (FILE)"
    left_out: list[Tracked] = field(default_factory=list)  # interviewed but not on your order


def candidates(programs: list[Tracked]) -> list[Tracked]:
    """Programs to rank: an interview set, done, ranked or matched (not withdrawn/rejected)."""
    return [t for t in programs if t.interviewing]


def weighted(t: Tracked, ranking: Ranking | None) -> tuple[float | None, list[str], list[str]]:
    """(score 1-5 or None, criteria rated, weighted criteria not rated). Without weights in the
    profile every criterion counts 1; the gut score counts ``ranking.gut`` (default 1)."""
    weights = dict(ranking.weights) if ranking and ranking.weights else {}
    gut_weight = ranking.gut if ranking else 1.0
    total = weight_sum = 0.0
    rated = []
    for name, score in t.ratings.items():
        w = gut_weight if name == "gut" else weights.get(name, 0.0 if weights else 1.0)
        if w <= 0:
            continue
        total += w * score
        weight_sum += w
        rated.append(name)
    unrated = [c for c, w in weights.items() if w > 0 and c not in t.ratings]
    return (total / weight_sum if weight_sum else None), sorted(rated), unrated


def stop_reason(t: Tracked, s: Standing, ranking: Ranking | None) -> str | None:
    stops = ranking.hard_stops if ranking else None
    visa = [text for rule, text in s.fails if rule == "visa"]
    if visa and (stops is None or stops.visa):
        return f"its visa policy rules you out: {visa[0]}"
    if stops is None:
        return None
    if t.program_id in stops.programs:
        return "you listed it in ranking.hard_stops.programs"
    if t.state and t.state in stops.states:
        return f"it is in {t.state}, a state in your ranking.hard_stops.states"
    for criterion, least in stops.below.items():
        score = t.ratings.get(criterion)
        if score is not None and score < least:
            return f"you rated {criterion} {score}, under your stop of {least} (ranking.hard_stops.below)"
    return None


def draft(
    programs: list[Tracked],
    standings: dict[str, Standing],
    ranking: Ranking | None,
    order: list[str] | None = None,
    order_name: str | None = None,
) -> Draft:
    """The list: ``order`` (ids, the applicant's own) wins; else ranks stored in the tracker;
    else the weighted ratings (ties and unrated programs said)."""
    pool = candidates(programs)
    kept: list[Entry] = []
    dropped: list[Dropped] = []
    for t in pool:
        s = standings[t.program_id]
        score, rated, unrated = weighted(t, ranking)
        reason = stop_reason(t, s, ranking)
        if reason is not None and order is None:
            dropped.append(Dropped(t, reason))
            continue
        entry = Entry(t, score, rated, unrated, s)
        if reason is not None:
            entry.note = f"a hard stop applies ({reason}); on your list because your order has it"
        kept.append(entry)
    if order is not None:
        by_id = {e.tracked.program_id: e for e in kept}
        ordered = [by_id[pid] for pid in order if pid in by_id]
        left = [e.tracked for e in kept if e.tracked.program_id not in order]
        return Draft(ordered, dropped, f"your order ({order_name})", left)
    if any(e.tracked.rank for e in kept):
        ranked = sorted((e for e in kept if e.tracked.rank), key=lambda e: e.tracked.rank or 0)
        left = [e.tracked for e in kept if not e.tracked.rank]
        return Draft(ranked, dropped, "your ranks in the tracker (track update --rank)", left)
    position = {t.program_id: i for i, t in enumerate(pool)}
    kept.sort(
        key=lambda e: (
            e.score is None,
            -(e.score or 0),
            -e.tracked.ratings.get("gut", 0),
            position[e.tracked.program_id],
        )
    )
    for i, e in enumerate(kept[1:], 1):
        before = kept[i - 1]
        if e.score is not None and e.score == before.score:
            e.tie_with = before.tie_with or i
    return Draft(kept, dropped, "draft from your ratings")
