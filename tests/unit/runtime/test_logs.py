"""Worker logs escape control characters from article text, in both formats."""

import logging
import sys

import orjson

from streams.runtime.logs import JsonFormatter, TextFormatter, escape_controls, logging_config

HOSTILE = "id-\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\nforged line\r"


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("newswatch.agents", logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_escape_controls() -> None:
    out = escape_controls(HOSTILE)
    assert out == "id-\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil\\x0aforged line\\x0d"
    assert escape_controls("plain text, Ünïcode, 中文") == "plain text, Ünïcode, 中文"
    assert escape_controls("a\tb\nc\rd", keep_newlines=True) == "a\tb\nc\\x0dd"


def test_text_lines_have_no_control_characters() -> None:
    line = TextFormatter("%(levelname)s %(message)s").format(_record("dead letter: %s", HOSTILE))
    assert "\n" not in line and "\x1b" not in line and "\x9b" not in line and "\u202e" not in line
    assert "\\x1b[2J" in line


def test_text_tracebacks_keep_their_lines_but_lose_escapes() -> None:
    try:
        raise ValueError(HOSTILE)
    except ValueError:
        record = _record("stage failed")
        record.exc_info = sys.exc_info()
    text = TextFormatter("%(message)s").format(record)
    assert "\n" in text and "\x1b" not in text and "Traceback" in text


def test_json_lines_escape_message_and_extra_fields() -> None:
    line = JsonFormatter().format(_record("dead letter: %s", HOSTILE, article_id=HOSTILE, offset=7))
    entry = orjson.loads(line)
    for value in (entry["message"], entry["article_id"]):
        assert not any(c in value for c in "\x1b\x9b\u202e\n\r\x07")
    assert entry["offset"] == 7


def test_no_colour_handler_in_either_format() -> None:
    for fmt in ("json", "text"):
        config = logging_config("info", fmt)
        assert config["handlers"]["default"]["class"] == "logging.StreamHandler"
        assert "colorlog" not in repr(config)
