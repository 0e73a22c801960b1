"""Command-line option values turned into inputs: dates, formats, vocabularies, the Step 3
facts given as flags and the what-if overrides. Every bad value is a usage error (exit 2)
that names the option."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import CONTROL, UsageError
from ..models import values, vocab
from ..render.formats import Format, choose

TODAY_RANGE = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today_from(value: str | None, option: str = "--today / IMGPLAN_TODAY") -> dt.date:
    """A date option (today's date when empty), between 2000 and 2099."""
    if not value:
        return dt.date.today()
    try:
        if not ISO_DATE.fullmatch(value.strip()):  # 20261125 is ISO too, but not what we ask
            raise ValueError(value)
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} {value!r:.80} is not a date; expected YYYY-MM-DD") from None
    low, high = TODAY_RANGE
    if not low <= day <= high:
        raise UsageError(
            f"{option} {day.isoformat()} is outside {low.isoformat()} to "
            f"{high.isoformat()}; expected a date this planner's calendar can reason about"
        )
    return day


def choose_format(command: str, value: str) -> Format:

    try:
        return choose(command, value)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def parsed(option: str, parse: Any, value: Any) -> Any:
    """``parse(value)``, or a usage error naming the option; None stays None."""
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def vocabulary(specialties: list[str] | None, states: list[str] | None) -> tuple[list, list]:

    return (
        [parsed("--specialty", vocab.specialty, s) for s in specialties or []],
        [parsed("--state", vocab.state, s) for s in states or []],
    )


def printable(text: str) -> str:
    """Option text that goes into a file: no control characters (an escape sequence in a
    dataset's name would later drive the terminal that shows it)."""

    bad = CONTROL.search(text)
    if bad:
        raise ValueError(
            f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
            "expected printable text"
        )
    return text


def step3_flags(**given: Any) -> dict[str, object]:
    """The Step 3 facts given as flags (None = not given), parsed and checked."""

    step2, step2_date, start = given["step2"], given["step2_date"], given["residency_start"]
    return {
        "step1": parsed(
            "--step1", lambda v: values.step_result(v, values.STEP1_RESULTS), given["step1"]
        ),
        "step1_attempts": given["step1_attempts"],
        "step2": step2,
        "step2_planned": False if step2 is not None else None,
        "step2_attempts": given["step2_attempts"],
        "step2_date": today_from(step2_date, "--step2-date") if step2_date else None,
        "ecfmg": parsed("--ecfmg", values.yes_no, given["ecfmg"]),
        "visa": parsed("--visa", vocab.visa, given["visa"]),
        "step3": parsed(
            "--step3", lambda v: values.step_result(v, values.STEP3_RESULTS), given["step3"]
        ),
        "step3_attempts": given["step3_attempts"],
        "study_weeks": given["study_weeks"],
        "practice_percent": parsed(
            "--practice-percent", values.PERCENT.check, given["practice_percent"]
        ),
        "confident": given["confident"],
        "residency_start": today_from(start, "--residency-start") if start else None,
    }


def what_if_of(**given: Any) -> dict[str, object]:
    """The what-if overrides actually given (option name -> value), in a fixed order."""
    parsed("--usce-months", values.MONTHS.check, given.get("usce_months"))
    step3 = given.get("step3")
    chosen = {**given, "step3": "pass" if step3 is not None else None}
    return {
        name: chosen[name]
        for name in ("step2", "usce_months", "step3", "ecfmg")
        if chosen.get(name) is not None
    }


def plain_help() -> None:
    """typer < 0.20 escapes '[required]' for rich markup even with markup off, so plain help
    showed '\\[required]'. Help only: the escape exists for HTML export, which imgplan never
    does."""
    from typer import rich_utils  # lazy: only for --help (rich's help renderer)

    if hasattr(rich_utils, "escape_before_html_export"):
        rich_utils.escape_before_html_export = str.strip  # type: ignore[assignment]
