"""What the user typed into a tracker command, read and checked: each function returns the
value or raises ValueError with what was expected (the cli adds the option's name)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from ..errors import CONTROL
from ..store.schema import STATUSES

MAX_NOTE = 10_000  # characters in one note
MAX_FEE_CENTS = 100_000_00  # $100,000: more than any application costs
SIGNALS = ("gold", "silver", "signal")  # ERAS gold/silver; a single-tier "signal"
#: imgplan's convention: the US time-zone names applicants see in invitations, as IANA zones.
ZONE_ALIASES = {
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "EASTERN": "America/New_York",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CENTRAL": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MOUNTAIN": "America/Denver",
    "AZ": "America/Phoenix",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PACIFIC": "America/Los_Angeles",
    "AKT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "AST": "America/Puerto_Rico",
    "UTC": "UTC",
}
EARLIEST = dt.date(2000, 1, 1)
AHEAD_YEARS = 2  # a tracker date may lie at most this far after today


def status(text: str) -> str:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    if value in STATUSES:
        return value
    raise ValueError(f"'{text}' is not a status; expected one of: {', '.join(STATUSES)}")


def day(text: str, today: dt.date, *, future: bool = True) -> dt.date:
    """An ISO date (or 'today'/'yesterday') between 2000 and two years after today; with
    ``future=False``, not after today (an application cannot be sent tomorrow)."""
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    try:
        found = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{text}' is not a date; expected YYYY-MM-DD (or today)") from None
    latest = today if not future else today.replace(year=today.year + AHEAD_YEARS)
    if not EARLIEST <= found <= latest:
        when = "today" if not future else f"{AHEAD_YEARS} years from today"
        raise ValueError(
            f"{found.isoformat()} is not a plausible date here; expected a date from "
            f"{EARLIEST.isoformat()} to {when} ({latest.isoformat()})"
        )
    return found


def zone(name: str) -> tuple[str, dt.tzinfo]:
    """An IANA zone ('America/Chicago') or a US abbreviation (CT, ET ...: imgplan's table)."""
    # lazy: only a command given an interview time needs the tz database (~5 ms)
    import zoneinfo

    key = ZONE_ALIASES.get(name.strip().upper(), name.strip())
    try:
        return key, zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{name}' is not a time zone; expected an IANA name such as America/Chicago, "
            "or ET, CT, MT, PT, AZ, AKT, HST, AST"
        ) from None


_INTERVIEW = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?(?:\s+(\S+))?$")


def interview(text: str, today: dt.date) -> tuple[dt.date | dt.datetime, str | None]:
    """'2027-01-12 09:00 America/Chicago' -> (an aware datetime, the zone's name); a date
    alone ('2027-01-12') is a day whose time is not known yet -> (date, None). A time needs
    its zone: interviews happen across the country, and a time without one is ambiguous."""
    match = _INTERVIEW.match(text.strip())
    if not match:
        raise ValueError(
            f"'{text}' is not an interview time; expected 'YYYY-MM-DD HH:MM ZONE' "
            "(e.g. '2027-01-12 09:00 America/Chicago') or a date alone"
        )
    date_text, hour, minute, zone_text = match.groups()
    when = day(date_text, today)
    if hour is None:
        if zone_text is not None:
            raise ValueError(f"'{text}': a zone without a time; expected 'YYYY-MM-DD HH:MM ZONE'")
        return when, None
    if zone_text is None:
        raise ValueError(
            f"'{text}' has no time zone; expected one after the time, e.g. "
            f"'{date_text} {hour}:{minute} America/Chicago' (or CT, ET, PT ...)"
        )
    h, m = int(hour), int(minute)
    if h > 23 or m > 59:
        raise ValueError(f"'{text}': {hour}:{minute} is not a time; expected HH:MM, 00:00-23:59")
    name, tz = zone(zone_text)
    local = dt.datetime.combine(when, dt.time(h, m), tzinfo=tz)
    # A wall time the clocks skip (spring forward) does not survive a round trip via UTC.
    back = local.astimezone(dt.UTC).astimezone(tz)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(
            f"'{text}': {hour}:{minute} does not exist in {name} that day (the clocks move "
            "forward); expected the time the invitation gives"
        )
    return local, name


def fee(text: str) -> int:
    """'$80', '80.50', '1,200' -> cents."""
    cleaned = text.strip().replace("$", "").replace(",", "").replace("USD", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount; expected dollars, e.g. 80 or 80.50") from None
    if not amount.is_finite() or amount < 0 or amount * 100 > MAX_FEE_CENTS:
        raise ValueError(f"'{text}' is not a plausible fee; expected 0 to $100,000")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"'{text}' has fractions of a cent; expected dollars and cents")
    return int(cents)


def signal(text: str) -> str:
    value = text.strip().lower()
    if value in SIGNALS:
        return value
    raise ValueError(f"'{text}' is not a signal; expected one of: {', '.join(SIGNALS)}")


def note(text: str) -> str:
    """A note: printable text (newlines and tabs kept), at most 10,000 characters."""
    bad = CONTROL.search(text)
    if bad:
        raise ValueError(
            f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
            "expected printable text"
        )
    if not text.strip():
        raise ValueError("the note is empty; expected some text")
    if len(text) > MAX_NOTE:
        raise ValueError(f"the note has {len(text):,} characters; expected at most {MAX_NOTE:,}")
    return text


_CRITERION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def rating(text: str) -> tuple[str, int]:
    """'informatics=4' -> ('informatics', 4): a criterion name and a whole score 1-5."""
    name, sep, score = text.partition("=")
    name = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not sep or not _CRITERION.match(name):
        raise ValueError(
            f"'{text}' is not CRITERION=SCORE; expected e.g. informatics=4 (a name of letters, "
            "digits and _ and a score from 1 to 5)"
        )
    return name, score_1_5(score, name)


def score_1_5(text: str, what: str) -> int:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{what}: '{text}' is not a score; expected a whole number 1-5") from None
    if not math.isfinite(value) or value != int(value) or not 1 <= value <= 5:
        raise ValueError(f"{what}: '{text}' is not a score; expected a whole number 1-5")
    return int(value)
