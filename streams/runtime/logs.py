"""Structured logs: one JSON object a line, so a log line can be joined to a metric spike.

Every record carries time, level, logger and message; newswatch's own records add the
ids they concern (``article_id``, ``alert_id``, ``rule``, ``stage``, ``kind``, source
``topic``/``partition``/``offset``) as top-level fields, passed with ``extra=``.
faust's and aiokafka's records go through the same formatter.

Log lines carry text from articles (ids, dead-letter reasons, exception messages), so
control characters are escaped before a line is written: an ESC or a C1 control in an
article must not recolour, clear or retitle the terminal that tails the log, a newline
must not forge a log line, and bidi overrides must not reorder what is shown. Neither
format ever writes colour codes (faust's coloured handler is replaced), on a TTY or not.

faust's "Has not committed ... (broker_commit_livelock_soft_timeout)" ERROR is left at ERROR
on purpose: faust logs it only when a partition has records past the consumer's position and
nothing was committed for it within the timeout (300 s). A worker that really is idle never
logs it (checked with the timeout at 20 s: a worker idle for minutes after the feed, none);
a worker that logs it looks idle because a partition is stalled with records waiting (after
a worker's kill -9: news.clean[0] with 36 records waiting and none handled, which
streams/runtime/skips.py resumes; a table recovery that never ends), which is worth an ERROR.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


# C0 controls, DEL, C1 controls (U+009B is a one-character CSI) and the bidi marks,
# embeddings, overrides and isolates.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_BUT_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_one(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character written as a visible escape (``\\x1b``,
    ``\\u202e``); tabs and newlines kept only with ``keep_newlines`` (tracebacks)."""
    pattern = _CONTROLS_BUT_NEWLINE if keep_newlines else _CONTROLS
    return pattern.sub(_escape_one, text) if pattern.search(text) else text


def _clean(value: Any) -> Any:
    return escape_controls(value) if isinstance(value, str) else value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": escape_controls(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _clean(value)
        if record.exc_info:
            entry["exception"] = escape_controls(self.formatException(record.exc_info), keep_newlines=True)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """The plain format for a terminal: one line per record (plus a traceback), no colours,
    control characters escaped."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return escape_controls(super().formatException(ei), keep_newlines=True)


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """A dictConfig for the worker: faust and its libraries at ``level``, newswatch's own
    loggers at info (alerts published, dead letters) so they show whatever faust's level."""
    text = "[%(asctime)s] [%(levelname)s] %(name)s: %(message)s"
    formatter: dict[str, Any] = {"()": JsonFormatter} if fmt == "json" else {"()": TextFormatter, "fmt": text}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default", "stream": sys.stdout}},
        "root": {"level": level.upper(), "handlers": ["default"]},
        "loggers": {"newswatch": {"level": "INFO", "propagate": True}},
    }
