"""What every rule may look at: the applicant, the reference figures, the day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models.profile import Profile
from ..reference import Reference
from .portfolio import Strength, strength


@dataclass(frozen=True)
class Context:
    profile: Profile
    ref: Reference
    today: dt.date
    strength: Strength

    @classmethod
    def of(cls, profile: Profile, ref: Reference, today: dt.date) -> Context:
        return cls(profile, ref, today, strength(profile))

    @property
    def step2_words(self) -> str:
        """'Step 2 CK 226' or 'your planned Step 2 CK target 240'."""
        if self.profile.step2_planned:
            return f"your planned Step 2 CK target {self.profile.step2}"
        return f"Step 2 CK {self.profile.step2}"

    @property
    def exceptional(self) -> bool:
        return self.strength.score >= self.ref["exceptional_strength"]
