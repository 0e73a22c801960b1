"""What every rule may look at: the applicant, the reference figures, the day."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from msgspec import Struct, field

from ..models.outcomes import Outcomes
from ..models.profile import Profile
from ..models.reference import Reference
from .findings import Finding
from .passing import step2_failed, step3_passed
from .portfolio import Strength, strength


class Context(Struct, frozen=True, dict=True):
    profile: Profile
    ref: Reference
    today: dt.date
    strength: Strength
    # What-if: read the portfolio as exceptional (or not) whatever its strength (--unlock)
    exceptional_override: bool | None = None
    # The values a what-if run overrides (option -> value): findings name them as such
    what_if: dict[str, object] = field(default_factory=dict)
    # The outcome figures (NRMP Charting Outcomes), when the command loaded them
    outcomes: Outcomes | None = None

    @classmethod
    def of(
        cls,
        profile: Profile,
        ref: Reference,
        today: dt.date,
        what_if: dict[str, object] | None = None,
        outcomes: Outcomes | None = None,
    ) -> Context:
        return cls(profile, ref, today, strength(profile), what_if=what_if or {}, outcomes=outcomes)

    @property
    def step2_words(self) -> str:
        """'Step 2 CK 226', 'your planned Step 2 CK target 240' or "What-if Step 2 CK 235"."""
        if "step2" in self.what_if:
            return f"What-if Step 2 CK {self.profile.step2}"
        if self.profile.step2_planned:
            return f"your planned Step 2 CK target {self.profile.step2}"
        return f"Step 2 CK {self.profile.step2}"

    @property
    def exceptional(self) -> bool:
        if self.exceptional_override is not None:
            return self.exceptional_override
        return self.strength.score >= self.ref["exceptional_strength"]

    # Figures of the profile that every screen reads, computed once per run.

    @cached_property
    def step2(self) -> int | None:
        return self.profile.step2

    @cached_property
    def usce_months(self) -> float:
        """Hands-on months: what programs count as US clinical experience."""
        return self.profile.hands_on_usce_months

    @cached_property
    def observership_months(self) -> float:
        return self.profile.observership_months

    @cached_property
    def most_attempts(self) -> int | None:
        """The most attempts at a Step by the Match: a failed Step 2 CK counts the retake it
        needs (a first-attempt pass is no longer possible)."""
        most = self.profile.max_attempts
        if self.step2_failed:
            step2ck = self.profile.usmle.step2ck
            retake = ((step2ck.attempts if step2ck else None) or 1) + 1
            return max(most or 1, retake)
        return most

    @cached_property
    def step2_failed(self) -> bool:
        return step2_failed(self.profile, self.ref)

    @cached_property
    def step3_passed(self) -> bool:
        return step3_passed(self.profile, self.ref)

    @cached_property
    def memo(self) -> dict[object, Finding]:
        """Findings that are the same for many programs (e.g. a non-target specialty)."""
        return {}

    @cached_property
    def targets(self) -> list[str]:
        return [str(s) for s in self.profile.targets.specialties]

    @cached_property
    def preferences(self) -> tuple[dict[str, float], set[str], set[str]]:
        """(specialty -> 1, 0.8, 0.6 ... by your order; your states; your settings)."""
        targets = self.profile.targets
        order = {str(s): max(0.0, 1 - 0.2 * n) for n, s in enumerate(targets.specialties)}
        return order, set(targets.states), {str(s) for s in targets.settings}
