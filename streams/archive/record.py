"""One Kafka record in an archive, and the two kinds of line a replay reads.

An archive line (written by ``newswatch archive``) is one JSON object::

    {"nw_archive": 1, "topic": "news.raw", "partition": 0, "offset": 41,
     "timestamp": 1738663200000, "timestamp_type": 0,
     "key": "sf-001", "value": "{\\"id\\": \\"sf-001\\", ...}", "headers": [["h", "v"]]}

Every byte field (key, value, header values) keeps the record's bytes exactly: a JSON
string when the bytes are valid UTF-8 (its UTF-8 encoding *is* the bytes, so a value is
stored as the text it was, not re-serialised), ``{"b64": "..."}`` when they are not, and
``null`` for none. ``timestamp`` is the record's Kafka timestamp in milliseconds (the
event time a replay gives it back), ``timestamp_type`` 0 for CreateTime, 1 for LogAppendTime.

A plain JSON Lines line is one RawArticle: its bytes are the value, its ``id`` the key and
its ``published_at`` the event time (none when it has no parsable one).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from streams import timestamps

FORMAT_KEY = "nw_archive"
FORMAT_VERSION = 1


class BadLine(ValueError):
    """A line that is neither an archive record nor a JSON object; the message says why."""


@dataclass(slots=True)
class Record:
    key: bytes | None
    value: bytes | None
    timestamp: int | None  # ms since the epoch: the event time
    headers: tuple[tuple[str, bytes], ...] = ()
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    timestamp_type: int | None = None


def encode_bytes(data: bytes | None) -> str | dict[str, str] | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(data).decode("ascii")}


def decode_bytes(field: Any) -> bytes | None:
    if field is None:
        return None
    if isinstance(field, str):
        return field.encode("utf-8")
    if isinstance(field, dict) and isinstance(field.get("b64"), str):
        try:
            return base64.b64decode(field["b64"], validate=True)
        except binascii.Error as exc:
            raise BadLine(f"bad base64: {exc}") from None
    raise BadLine(f"a byte field must be a string, {{\"b64\": ...}} or null, not {type(field).__name__}")


def to_line(rec: Record) -> bytes:
    """The archive line of a record (no newline)."""
    return orjson.dumps({
        FORMAT_KEY: FORMAT_VERSION, "topic": rec.topic, "partition": rec.partition, "offset": rec.offset,
        "timestamp": rec.timestamp, "timestamp_type": rec.timestamp_type,
        "key": encode_bytes(rec.key), "value": encode_bytes(rec.value),
        "headers": [[name, encode_bytes(value)] for name, value in rec.headers],
    })


def rfc3339_ms(text: Any) -> int | None:
    """Milliseconds since the epoch of an RFC 3339 time (UTC when it names no zone), or None."""
    if not isinstance(text, str) or not text:
        return None
    t = timestamps.parse(text, assume_utc=True)
    return None if t is None else int(t.timestamp() * 1000)


def iso_ms(ms: int | None) -> str | None:
    if ms is None:
        return None
    return timestamps.format_utc(datetime.fromtimestamp(ms / 1000, UTC), "milliseconds")


def from_line(data: bytes) -> Record:
    """The record a line stands for: an archive record, or a plain RawArticle line. (It runs
    for every record a replay sends, hence the plain style.)"""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadLine(f"not JSON: {exc}") from None
    if type(obj) is not dict:
        raise BadLine(f"not a JSON object but a {type(obj).__name__}")
    get = obj.get
    fmt = get(FORMAT_KEY)
    if fmt is None:
        ident = get("id")
        key = str(ident).encode("utf-8") if isinstance(ident, str | int) and str(ident) else None
        return Record(key, data, rfc3339_ms(get("published_at")))
    if fmt != FORMAT_VERSION:
        raise BadLine(f"archive format {fmt!r} is not {FORMAT_VERSION}; use a newer newswatch")
    ts, value, key, raw_headers = get("timestamp"), get("value"), get("key"), get("headers")
    if ts is not None and type(ts) is not int:
        raise BadLine(f"timestamp {ts!r} is not whole milliseconds")
    value = value.encode("utf-8") if type(value) is str else decode_bytes(value)
    key = key.encode("utf-8") if type(key) is str else decode_bytes(key)
    headers: tuple[tuple[str, bytes], ...] = ()
    if raw_headers:
        if not isinstance(raw_headers, list) or not all(
                isinstance(h, list) and len(h) == 2 and isinstance(h[0], str) for h in raw_headers):
            raise BadLine("headers must be a list of [name, value] pairs")
        headers = tuple((name, decode_bytes(v) or b"") for name, v in raw_headers)
    topic, partition, offset, kind = get("topic"), get("partition"), get("offset"), get("timestamp_type")
    return Record(key, value, ts, headers, topic if type(topic) is str else None,
                  partition if type(partition) is int else None, offset if type(offset) is int else None,
                  kind if type(kind) is int else None)
