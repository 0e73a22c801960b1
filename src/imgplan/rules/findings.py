"""The unit every rule returns."""

from __future__ import annotations

from collections.abc import Callable

#: ok, info, warn, fail for profile findings (SPEC.md); program screens add
#: verify (the program left the field empty), conditional and exception.
STATUSES = ("ok", "info", "warn", "fail", "verify", "conditional", "exception")


class Finding:
    """A rule's verdict: rule id, status, a sentence built from the figures used, its source.

    ``message`` may be given as a function that builds the sentence: the program screens run
    for every program in a dataset, and most sentences are never shown, so they are only
    written when first read.
    """

    __slots__ = ("rule", "status", "_message", "source", "fix", "_json")

    def __init__(
        self,
        rule: str,
        status: str,
        message: str | Callable[[], str],
        source: str,
        fix: str | None = None,
    ) -> None:
        self.rule = rule
        self.status = status
        self._message = message
        self.source = source
        self.fix = fix  # what would change this finding, as an action (e.g. "Pass Step 1")
        self._json: dict[str, str] | None = None

    @property
    def message(self) -> str:
        text = self._message
        if not isinstance(text, str):
            text = self._message = text()
        return text

    def _key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.status, self.message, self.source)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Finding) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Finding(rule={self.rule!r}, status={self.status!r}, message={self.message!r})"

    def as_json(self) -> dict[str, str]:
        """The finding as a JSON object (built once: one finding is shared by every program
        with the same screening key; callers do not change it)."""
        if self._json is None:
            self._json = {
                "rule": self.rule,
                "status": self.status,
                "message": self.message,
                "source": self.source,
            }
        return self._json


class Note(str):
    """A warning sentence that knows the rule it comes from: the application plan's signal
    checks and the timeline's checks say plain sentences (a list of text in JSON, with the
    rule ids beside them), and each is still one registered rule."""

    rule: str

    def __new__(cls, text: str, rule: str) -> Note:
        note = super().__new__(cls, text)
        note.rule = rule
        return note
