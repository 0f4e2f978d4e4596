"""The archive line format (streams/archive/record.py): bytes kept exactly, plain RawArticle lines,
and bad lines said why."""

from __future__ import annotations

import orjson
import pytest

from streams.archive.record import BadLine, Record, decode_bytes, encode_bytes, from_line, rfc3339_ms, to_line

T0 = 1_738_663_200_000  # 2025-02-04T10:00:00Z


@pytest.mark.parametrize("data", [None, b"", b"plain text", "ünïcödé".encode(), b"\xff\xfe\x00binary",
                                  b'{"id": "x", "body": "\\u00fc"}'])
def test_bytes_survive_the_archive_line_exactly(data: bytes | None) -> None:
    assert decode_bytes(encode_bytes(data)) == data
    rec = Record(data, data, T0, (("h", data or b""),), "news.raw", 2, 41, 1)
    assert from_line(to_line(rec)) == rec


def test_valid_utf8_is_stored_as_text_and_the_rest_as_base64() -> None:
    line = orjson.loads(to_line(Record(b"k", '{"t": "é"}'.encode(), T0, (("bin", b"\xff"),))))
    assert line["value"] == '{"t": "é"}' and line["key"] == "k"
    assert line["headers"] == [["bin", {"b64": "/w=="}]]
    assert line["nw_archive"] == 1 and line["timestamp"] == T0


def test_a_plain_line_is_a_raw_article_keyed_by_id_at_its_published_time() -> None:
    data = b'{"id": "sf-001", "published_at": "2025-02-04T10:00:00Z", "body": "x"}'
    rec = from_line(data)
    assert (rec.key, rec.value, rec.timestamp, rec.headers) == (b"sf-001", data, T0, ())
    assert from_line(b'{"body": "no id, no date"}').key is None
    assert from_line(b'{"body": "x", "published_at": "yesterday"}').timestamp is None
    assert rfc3339_ms("2025-02-04T10:00:00") == T0  # no zone: UTC
    assert rfc3339_ms("2025-02-04T11:00:00+01:00") == T0


@pytest.mark.parametrize("line, reason", [
    (b'{"id": "x", "body": ', "not JSON"),
    (b'["a", "list"]', "not a JSON object"),
    (b'{"nw_archive": 1, "value": {"b64": "***"}}', "bad base64"),
    (b'{"nw_archive": 1, "value": 42}', "byte field"),
    (b'{"nw_archive": 2, "value": "x"}', "archive format"),
    (b'{"nw_archive": 1, "value": "x", "timestamp": "noon"}', "timestamp"),
    (b'{"nw_archive": 1, "value": "x", "headers": [["only-a-name"]]}', "headers"),
])
def test_bad_lines_say_why(line: bytes, reason: str) -> None:
    with pytest.raises(BadLine, match=reason):
        from_line(line)
