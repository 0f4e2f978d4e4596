"""The stage functions, one per hop, shared by the faust agents, the in-process
backtest and the tests. Each is pure apart from the context passed in."""

from __future__ import annotations

from typing import Any

import fastjsonschema
import orjson

from streams.cleaning import clean
from streams.errors import InvalidRecord
from streams.models import RawArticle, from_dict
from streams.rules.engine import evaluate as alert
from streams.schemas import validator
from streams.tagging import tag

MAX_RECORD_BYTES = 10 * 1024 * 1024


def parse_raw(data: bytes | str | dict[str, Any]) -> RawArticle:
    """Bytes from ``news.raw`` (or a line of an archive) to a RawArticle."""
    if isinstance(data, (bytes, str)):
        if len(data) > MAX_RECORD_BYTES:
            raise InvalidRecord("too_large", f"record of {len(data)} bytes exceeds {MAX_RECORD_BYTES}")
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise InvalidRecord("invalid_json", f"not JSON: {exc}") from exc
    else:
        obj = data
    if not isinstance(obj, dict):
        raise InvalidRecord("schema", f"expected a JSON object, got {type(obj).__name__}")
    for name in ("body", "html"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InvalidRecord("schema", f"raw_article.v1: {name} must be a string, got {type(obj[name]).__name__}")
    try:
        validator("raw_article")(obj)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise InvalidRecord("schema", f"raw_article.v1: {exc.message}") from exc
    return from_dict(RawArticle, obj)


__all__ = ["alert", "clean", "parse_raw", "tag"]
