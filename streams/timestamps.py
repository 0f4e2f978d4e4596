"""One parser for every RFC 3339 time newswatch reads (article times, alert windows, --now).

``datetime.fromisoformat`` alone accepts times with no offset (which then mean whatever
zone the reader assumes) and years 1 and 9999, whose conversion to UTC or arithmetic
raises ``OverflowError`` ("9999-12-31T23:59:59-23:59"). Here a time is an aware UTC
datetime or ``None``: nothing a producer writes can crash a stage.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_CHARS = 64  # the longest RFC 3339 / RFC 2822 time is about 40 characters
NO_OFFSET = "no_offset"
OUT_OF_RANGE = "out_of_range"
UNPARSEABLE = "unparseable"


def fromiso(value: str) -> datetime:
    """``datetime.fromisoformat`` that also reads RFC 3339's ``Z`` (or ``z``) for UTC: the time as
    written, with its own offset, or naive when it has none. ``ValueError`` if it is not ISO 8601.
    No range or offset checks: :func:`parse` is for times a producer wrote."""
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)


def _aware(dt: datetime, assume_utc: bool) -> datetime | None:
    if dt.tzinfo is None:
        if not assume_utc:
            return None
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 or 9999 pushed past the range by its offset
        return None


def parse(value: object, *, assume_utc: bool = False) -> datetime | None:
    """``value`` as an aware UTC datetime, or ``None``: not a string, not ISO 8601 / RFC 3339,
    outside ``datetime``'s range once in UTC, or (unless ``assume_utc``) with no offset."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > MAX_CHARS:
        return None
    try:
        dt = fromiso(s)
    except ValueError:
        return None
    return _aware(dt, assume_utc)


def well_formed(value: str) -> bool:
    """ISO 8601 date-time syntax, whatever its range or offset (the schema's ``date-time``
    check): an implausible time is the cleaning stage's to flag, not a reason to refuse."""
    s = value.strip()
    if not s or len(s) > MAX_CHARS:
        return False
    try:
        fromiso(s)
    except ValueError:
        return False
    return True


def rfc2822(value: str) -> bool:
    """An RFC 2822 date as RSS writes it ("Tue, 12 Mar 2024 08:00:00 +0700")."""
    if len(value) > MAX_CHARS:
        return False
    try:
        parsedate_to_datetime(value)
    except Exception:  # (TypeError, ValueError and IndexError, depending on the Python version)
        return False
    return True


def require(value: str) -> datetime:
    """:func:`parse` for times newswatch wrote itself: a bad one is a bug, so it raises."""
    dt = parse(value, assume_utc=True)
    if dt is None:
        raise ValueError(f"not an RFC 3339 time: {value[:MAX_CHARS]!r}")
    return dt


def format_utc(dt: datetime, timespec: str = "auto") -> str:
    """RFC 3339 in UTC with a ``Z``."""
    return dt.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def published(
    value: str, now: datetime, earliest: datetime, future: timedelta | None
) -> tuple[datetime | None, str | None]:
    """A producer's ``published_at`` (RFC 3339, or RFC 2822 as RSS writes it) checked for
    plausibility. ``(time, None)``: an offset, and in ``[earliest, now + future]`` (the time keeps
    its own offset). ``(time in UTC, "no_offset")``: no offset, read as UTC and flagged, since the
    zone is a guess that can move it by a day. ``(None, "out_of_range" | "unparseable")``: the
    caller uses the ingestion time instead."""
    s = value.strip()
    if not s or len(s) > MAX_CHARS:
        return None, UNPARSEABLE
    dt: datetime | None
    try:
        dt = fromiso(s)
    except ValueError:
        try:
            dt = parsedate_to_datetime(s)  # RSS: "Tue, 12 Mar 2024 08:00:00 +0700"
        except Exception:
            return None, UNPARSEABLE
    flag = None
    if dt.tzinfo is None:  # RFC 2822 "-0000" also means "zone unknown"
        dt, flag = dt.replace(tzinfo=UTC), NO_OFFSET
    utc = _aware(dt, assume_utc=False)
    if utc is None:
        return None, OUT_OF_RANGE
    if future is None:
        return (dt, flag) if utc >= earliest else (None, OUT_OF_RANGE)
    try:
        # the later of ingestion and the wall clock: a backtest with a fixed --now in the past
        # keeps the real times of the articles it replays
        latest = max(now.astimezone(UTC), datetime.now(UTC)) + future
    except OverflowError:
        latest = datetime.max.replace(tzinfo=UTC)
    if utc < earliest or utc > latest:
        return None, OUT_OF_RANGE
    return dt, flag
