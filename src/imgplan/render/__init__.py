"""Renderers: pure functions from a result to text. rich is imported only in ``table``."""

from __future__ import annotations


def example_notice(name: str, as_of: str) -> str:
    return (
        f"EXAMPLE DATA: the programs in '{name}' (as of {as_of}) are fictional and "
        "illustrative, not real cutoffs. Use your own list: `imgplan programs import "
        "my-programs.csv --output my-programs.yaml`, then `--programs my-programs.yaml`."
    )


def stage_line(stage: object) -> str | None:
    """'Stage: applying (scores in, aiming at the coming 2027 Match)', or None."""
    if stage is None:
        return None
    return f"Stage: {stage.name} ({stage.why})"  # type: ignore[attr-defined]


def stage_fields(stage: object) -> dict[str, object]:
    """The JSON keys every command with a profile adds: ``stage`` and ``stage_why``."""
    if stage is None:
        return {"stage": None, "stage_why": None}
    return {"stage": stage.name, "stage_why": stage.why}  # type: ignore[attr-defined]


WHAT_IF_OPTIONS = {
    "step2": "--step2",
    "usce_months": "--usce-months",
    "step3": "--step3",
    "ecfmg": "--ecfmg",
}


def what_if_notice(what_if: dict[str, object]) -> str | None:
    """The banner of a what-if run: which values were overridden (not the profile's facts)."""
    if not what_if:
        return None
    given = []
    for name, value in what_if.items():
        option = WHAT_IF_OPTIONS.get(name, name)
        if value is True or value is False:
            given.append(option if value else f"--no-{option[2:]}")
        else:
            given.append(f"{option} {value:g}" if isinstance(value, float) else f"{option} {value}")
    return (
        "WHAT-IF: this list uses " + ", ".join(given) + " instead of your profile's facts; "
        "findings about these values describe the what-if, not you."
    )
