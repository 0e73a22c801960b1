"""The unit every rule returns."""

from __future__ import annotations

from dataclasses import dataclass

#: ok, info, warn, fail for profile findings (SPEC.md); program screens add
#: verify (the program left the field empty), conditional and exception.
STATUSES = ("ok", "info", "warn", "fail", "verify", "conditional", "exception")


@dataclass(frozen=True)
class Finding:
    rule: str
    status: str
    message: str
    source: str

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "status": self.status,
            "message": self.message,
            "source": self.source,
        }
