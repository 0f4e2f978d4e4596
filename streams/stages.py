"""The stage functions, one per hop, shared by the faust agents, the in-process
backtest and the tests. Each is pure apart from the context passed in."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import fastjsonschema
import orjson

from streams.cleaning import clean
from streams.errors import InvalidRecord
from streams.models import CleanArticle, RawArticle, TaggedArticle, from_dict
from streams.rules.engine import evaluate as alert
from streams.schemas import validator
from streams.settings import Settings
from streams.tagging import tag
from streams.tagging.kb import KnowledgeBase
from streams.timestamps import require

MAX_RECORD_BYTES = 10 * 1024 * 1024


def parse_raw(data: bytes | str | dict[str, Any]) -> RawArticle:
    """Bytes from ``news.raw`` (or a line of an archive) to a RawArticle."""
    if isinstance(data, (bytes, str)):
        if len(data) > MAX_RECORD_BYTES:
            raise InvalidRecord("too_large", f"record of {len(data)} bytes exceeds {MAX_RECORD_BYTES}")
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise InvalidRecord("invalid_json", _json_error(data, exc)) from exc
    else:
        obj = data
    if not isinstance(obj, dict):
        raise InvalidRecord("schema", f"expected a JSON object, got {type(obj).__name__}")
    for name in ("body", "html"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InvalidRecord("schema", f"raw_article.v1: {name} must be a string, got {type(obj[name]).__name__}")
    if not any(isinstance(obj.get(name), str) for name in ("body", "html")):
        # the schema's "anyOf" would only say "cannot be validated by any definition"
        raise InvalidRecord("schema", "raw_article.v1: the record has neither a body nor an html field (one is needed)")
    try:
        validator("raw_article")(obj)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise InvalidRecord("schema", f"raw_article.v1: {exc.message}") from exc
    return from_dict(RawArticle, obj)


def _json_error(data: bytes | str, exc: orjson.JSONDecodeError) -> str:
    """orjson says "surrogates not allowed" for bytes that are not UTF-8: say where they are."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"the record is not valid UTF-8 at byte {bad.start} (0x{raw[bad.start]:02x}); it must be UTF-8 JSON"
    return f"not JSON: {exc}"


def clean_article(raw: RawArticle, now: datetime, settings: Settings) -> CleanArticle:
    """The clean stage with the configured limits: text size, CPU budget, plausible published_at."""
    return clean(raw, now=now, max_chars=settings.max_article_chars, budget=settings.article_budget,
                 earliest=require(settings.earliest_published),
                 future=timedelta(hours=settings.future_slack_hours))


def tag_article(article: CleanArticle, kb: KnowledgeBase, settings: Settings,
                wanted: frozenset[str] | None = None) -> TaggedArticle:
    """The tag stage under the same CPU budget as cleaning: an article over it is dead-lettered
    ``too_slow`` rather than passed on (the check comes after the stage, which must be linear).
    ``wanted``: see tagging.tag (None: every statement)."""
    start = time.thread_time()
    tagged = tag(article, kb, wanted)
    used = time.thread_time() - start
    if settings.article_budget > 0 and used > settings.article_budget:
        raise InvalidRecord("too_slow", f"{used:.2f} s of CPU in tagging (budget {settings.article_budget:g} s)")
    return tagged


__all__ = ["alert", "clean", "clean_article", "parse_raw", "tag", "tag_article"]
