"""Structured logs: one JSON object a line, so a log line can be joined to a metric spike.

Every record carries time, level, logger and message; newswatch's own records add the
ids they concern (``article_id``, ``alert_id``, ``rule``, ``stage``, ``kind``, source
``topic``/``partition``/``offset``) as top-level fields, passed with ``extra=``.
faust's and aiokafka's records go through the same formatter.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """A dictConfig for the worker: faust and its libraries at ``level``, newswatch's own
    loggers at info (alerts published, dead letters) so they show whatever faust's level."""
    formatter: dict[str, Any] = ({"()": JsonFormatter} if fmt == "json"
                                 else {"format": "[%(asctime)s] [%(levelname)s] %(name)s: %(message)s"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default", "stream": sys.stdout}},
        "root": {"level": level.upper(), "handlers": ["default"]},
        "loggers": {"newswatch": {"level": "INFO", "propagate": True}},
    }
