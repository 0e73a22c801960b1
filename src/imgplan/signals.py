"""How many program signals a season allows for a specialty (FACTS §8), with where the count
comes from and whether it is the season's own or carried forward. Pure: the signal data is a
parameter."""

from __future__ import annotations

from msgspec import Struct

from .models import vocab
from .models.signals import SignalsData


class Allowance(Struct, frozen=True):
    specialty: str
    season: int  # the Match year asked for
    service: str  # ERAS | ResidencyCAS
    gold: int | None
    silver: int | None
    single: int | None
    source: str
    carried_from: int | None  # the season whose counts are carried forward (then: verify)
    note: str

    @property
    def known(self) -> bool:
        return any(n is not None for n in (self.gold, self.silver, self.single))

    def words(self) -> str:
        """'Internal Medicine: 3 gold + 12 silver signals (source; verify)'."""
        label = vocab.specialty_label(self.specialty)
        if self.gold is not None or self.silver is not None:
            count = f"{self.gold or 0} gold + {self.silver or 0} silver signals"
        elif self.single is not None:
            count = f"{self.single} signals"
        else:
            count = "signal count unknown — verify"
        carried = (
            f"; the {self.carried_from} counts carried forward: verify" if self.carried_from else ""
        )
        via = f" through {self.service}" if self.service != "ERAS" else ""
        return f"{label}: {count}{via} ({self.source}{carried})"


def allowance(year: int, specialty: str, data: SignalsData) -> Allowance:
    """The season's counts for the specialty, or the latest earlier season's carried forward."""
    known = sorted(y for y in data.seasons if y <= year) or sorted(data.seasons)[:1]
    season_year = known[-1]
    season = data.seasons[season_year]
    count = season.specialties.get(str(specialty))
    carried = season_year if season_year != year else None
    if count is None:
        return Allowance(str(specialty), year, "ERAS", None, None, None, season.source, carried, "")
    return Allowance(
        str(specialty),
        year,
        count.service,
        count.gold,
        count.silver,
        count.single,
        count.source or season.source,
        carried,
        count.note,
    )
