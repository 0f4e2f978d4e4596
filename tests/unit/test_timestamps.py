"""streams/timestamps.py: the one RFC 3339 reader (fromiso) and the checks built on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from streams import timestamps

IST = timezone(timedelta(hours=5, minutes=30))
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
NOW = datetime(2024, 3, 12, 12, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-12T08:00:00Z", datetime(2024, 3, 12, 8, tzinfo=UTC)),
    ("2024-03-12T08:00:00z", datetime(2024, 3, 12, 8, tzinfo=UTC)),
    ("2024-03-12T08:00Z", datetime(2024, 3, 12, 8, tzinfo=UTC)),
    ("2024-03-12T08:00:00+00:00", datetime(2024, 3, 12, 8, tzinfo=UTC)),
    ("2024-03-12T08:00:00-00:00", datetime(2024, 3, 12, 8, tzinfo=UTC)),
    ("2024-03-12T08:00:00+05:30", datetime(2024, 3, 12, 8, tzinfo=IST)),
    ("2024-03-12T08:00:00+0530", datetime(2024, 3, 12, 8, tzinfo=IST)),
    ("2024-03-12T08:00:00.5Z", datetime(2024, 3, 12, 8, 0, 0, 500_000, tzinfo=UTC)),
    ("2024-03-12T08:00:00.123Z", datetime(2024, 3, 12, 8, 0, 0, 123_000, tzinfo=UTC)),
    ("2024-03-12T08:00:00.123456+05:30", datetime(2024, 3, 12, 8, 0, 0, 123_456, tzinfo=IST)),
    ("2024-03-12T08:00:00", datetime(2024, 3, 12, 8)),  # no offset: naive, as written
    ("2024-03-12 08:00:00", datetime(2024, 3, 12, 8)),
    ("2024-03-12", datetime(2024, 3, 12)),
])
def test_fromiso(text: str, expected: datetime) -> None:
    got = timestamps.fromiso(text)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()  # the offset as written, not converted to UTC


@pytest.mark.parametrize("text", ["2024-03-12T08:00:00Z", "2024-03-12T08:00:00.250Z", "2024-03-12T08:00:00+02:00",
                                  "2024-03-12T08:00:00"])
def test_fromiso_is_what_the_replace_idiom_gave(text: str) -> None:
    assert timestamps.fromiso(text) == datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("text", ["", "Z", "z", "2024-03-12T08:00:00ZZ", "2024-13-01T00:00:00Z", "yesterday",
                                  "Tue, 12 Mar 2024 08:00:00 +0700", " 2024-03-12T08:00:00Z"])
def test_fromiso_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        timestamps.fromiso(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-12T08:00:00Z", datetime(2024, 3, 12, 8, tzinfo=UTC)),
    (" 2024-03-12T08:00:00z\n", datetime(2024, 3, 12, 8, tzinfo=UTC)),  # parse strips
    ("2024-03-12T08:00:00+05:30", datetime(2024, 3, 12, 2, 30, tzinfo=UTC)),
    ("2024-03-12T08:00:00.123456Z", datetime(2024, 3, 12, 8, 0, 0, 123_456, tzinfo=UTC)),
    ("2024-03-12T08:00:00", None),  # no offset
    ("9999-12-31T23:59:59-23:59", None),  # past datetime's range once in UTC
    ("Z", None),
    ("", None),
    (None, None),
    ("2024-03-12T08:00:00Z" + " " * 60, datetime(2024, 3, 12, 8, tzinfo=UTC)),
    ("2024-03-12T08:00:00.000000000000000000000000000000000000000000000000000Z", None),  # over MAX_CHARS
])
def test_parse(text: str | None, expected: datetime | None) -> None:
    got = timestamps.parse(text)
    assert got == expected
    if got is not None:
        assert got.tzinfo is UTC


def test_parse_assume_utc_reads_no_offset_as_utc() -> None:
    assert timestamps.parse("2024-03-12T08:00:00.5", assume_utc=True) == datetime(2024, 3, 12, 8, 0, 0, 500_000,
                                                                                  tzinfo=UTC)


@pytest.mark.parametrize(("text", "ok"), [
    ("2024-03-12T08:00:00Z", True), ("2024-03-12T08:00:00z", True), ("2024-03-12T08:00:00", True),
    ("9999-12-31T23:59:59-23:59", True), ("0001-01-01T00:00:00.5+01:00", True),
    ("Z", False), ("", False), ("2024-02-30T00:00:00Z", False),
])
def test_well_formed(text: str, ok: bool) -> None:
    assert timestamps.well_formed(text) is ok


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-12T08:00:00Z", (datetime(2024, 3, 12, 8, tzinfo=UTC), None)),
    ("2024-03-12T08:00:00.250+05:30", (datetime(2024, 3, 12, 8, 0, 0, 250_000, tzinfo=IST), None)),
    ("2024-03-12T08:00:00", (datetime(2024, 3, 12, 8, tzinfo=UTC), timestamps.NO_OFFSET)),
    ("Tue, 12 Mar 2024 08:00:00 +0000", (datetime(2024, 3, 12, 8, tzinfo=UTC), None)),
    ("1980-01-01T00:00:00Z", (None, timestamps.OUT_OF_RANGE)),
    ("Z", (None, timestamps.UNPARSEABLE)),
])
def test_published(text: str, expected: tuple[datetime | None, str | None]) -> None:
    got = timestamps.published(text, NOW, EARLIEST, timedelta(hours=24))
    assert got == expected
    if got[0] is not None and expected[0] is not None:
        assert got[0].utcoffset() == expected[0].utcoffset()  # keeps its own offset


def test_format_utc_round_trips() -> None:
    dt = datetime(2024, 3, 12, 8, 0, 0, 123_000, tzinfo=IST)
    text = timestamps.format_utc(dt, "milliseconds")
    assert text == "2024-03-12T02:30:00.123Z"
    assert timestamps.fromiso(text) == dt
