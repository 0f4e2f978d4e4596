"""The cleaning stage: ``RawArticle`` -> ``CleanArticle``.

Order: type checks and size limits; HTML extraction (when there is no plain body), or for a
plain body the removal of stray HTML tags and the undoing of hard wrapping; normalisation;
boilerplate removal; language id; paragraphs and sentences; SimHash; id.
Every offset points into the final ``CleanArticle.text``.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from streams.cleaning.boilerplate import caption_credit, strip_boilerplate
from streams.cleaning.fingerprint import simhash
from streams.cleaning.html import html_to_text, strip_fragments
from streams.cleaning.ids import article_id, canonical_url
from streams.cleaning.language import detect_language
from streams.cleaning.normalize import normalize_inline, normalize_lines, safe_str
from streams.cleaning.segment import segment
from streams.cleaning.unwrap import unwrap
from streams.errors import InvalidRecord
from streams.models import CleanArticle, RawArticle, Removal, Source
from streams.timestamps import published as plausible_published

MAX_RAW_CHARS = 10_000_000  # refused before any parsing (characters, not bytes)
DEFAULT_MAX_CHARS = 200_000  # text after HTML extraction
MAX_TITLE = 1_000
DEFAULT_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # published_at before this is implausible
DEFAULT_FUTURE = timedelta(days=1)  # ... and so is one more than a day after ingestion (settings)

_STR_FIELDS = ("body", "html", "id", "url", "title", "language", "published_at")
_WORD_CHAR = re.compile(r"\w")


def _check_types(raw: object) -> RawArticle:
    if not isinstance(raw, RawArticle):
        raise InvalidRecord("wrong_type", f"expected a RawArticle, got {type(raw).__name__}")
    for name in _STR_FIELDS:
        value = getattr(raw, name, None)
        if value is not None and not isinstance(value, str):
            raise InvalidRecord("wrong_type", f"{name} must be a string or null, got {type(value).__name__}")
    source = getattr(raw, "source", None)
    if source is not None:
        if not isinstance(source, Source):
            raise InvalidRecord("wrong_type", f"source must be an object, got {type(source).__name__}")
        for name in ("name", "domain"):
            value = getattr(source, name, None)
            if value is not None and not isinstance(value, str):
                raise InvalidRecord("wrong_type", f"source.{name} must be a string or null")
    metadata = getattr(raw, "metadata", None)
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidRecord("wrong_type", f"metadata must be an object, got {type(metadata).__name__}")
    if metadata:
        # it is carried into the clean article: a value JSON cannot hold (an integer over 64
        # bits, from a caller that built the record in Python) would fail the output, not here
        try:
            orjson.dumps(metadata)
        except TypeError as exc:
            raise InvalidRecord("wrong_type", f"metadata cannot be written as JSON: {exc}") from exc
    return raw


def _has_text(value: str | None) -> bool:
    return value is not None and value != "" and not value.isspace()


def _opt(value: str | None, limit: int) -> str | None:
    """A trimmed, UTF-8-safe, bounded copy of an optional string; ``None`` when blank."""
    if value is None:
        return None
    return safe_str(value, limit) or None


def _timestamp(now: datetime) -> str:
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _host(canonical: str) -> str | None:
    """The host of a canonical URL (``scheme://[user@]host[:port]/...``), without ``www.``."""
    _, sep, rest = canonical.partition("://")
    if not sep:
        _, sep, rest = canonical.partition("//")
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    host = host[1 : host.find("]")] if host.startswith("[") else host.split(":", 1)[0]
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _source(raw: RawArticle, canonical: str | None) -> Source | None:
    name = domain = None
    if raw.source is not None:
        name = _opt(raw.source.name, 500)
        domain = _opt(raw.source.domain, 255)
        domain = domain.lower() if domain is not None else None
    if domain is None and canonical is not None:
        domain = _host(canonical)
    if name is None and domain is None:
        return None
    return Source(name=name, domain=domain)


class Budget:
    """CPU seconds (of this thread) an article may use; ``check`` between steps raises
    ``too_slow``. Every step is linear, so the overshoot is at most one step on a bounded input;
    thread time, not wall time, so a busy machine does not dead-letter a normal article."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self.start = time.thread_time()

    def check(self, step: str) -> None:
        if self.seconds is None:
            return
        used = time.thread_time() - self.start
        if used > self.seconds:
            raise InvalidRecord("too_slow", f"{used:.2f} s of CPU after {step} (budget {self.seconds:g} s)")


def _clean(
    raw: RawArticle, now: datetime, max_chars: int, budget: Budget, earliest: datetime, future: timedelta | None
) -> CleanArticle:
    raw = _check_types(raw)
    body, html = raw.body, raw.html
    for name, value in (("body", body), ("html", html)):
        if value is not None and len(value) > MAX_RAW_CHARS:
            raise InvalidRecord("too_large", f"{name} has {len(value)} characters (limit {MAX_RAW_CHARS})")

    headline: str | None = None
    captions: list[str] = []
    if body is not None and _has_text(body):
        source_text, from_html = body, False
    elif html is not None and _has_text(html):
        extracted = html_to_text(html)
        source_text, from_html = extracted.text, True
        headline, captions = extracted.title, extracted.captions
    else:
        raise InvalidRecord("empty_body", "the record has neither body nor html")
    budget.check("HTML extraction")
    if len(source_text) > max_chars:
        raise InvalidRecord("too_large", f"text has {len(source_text)} characters (limit {max_chars})")

    if not from_html:
        # a plain body may still carry a feed's HTML tags, and be hard-wrapped: neither should
        # decide where its paragraphs end
        source_text = unwrap(strip_fragments(source_text))
    lines = normalize_lines(source_text, decode_entities=not from_html)
    bp = strip_boilerplate(lines)
    text = "\n".join(bp.lines)
    budget.check("normalisation and boilerplate")
    if _WORD_CHAR.search(text) is None:
        raise InvalidRecord("empty_body", "nothing is left after cleaning")

    removed = bp.removed
    photo_credits = bp.photo_credits
    for caption in captions:
        removed.append(Removal("photo_caption", caption, "HTML figcaption"))
        credit = caption_credit(caption)
        if credit and credit not in photo_credits:
            photo_credits.append(credit)

    title = normalize_inline(raw.title)[:MAX_TITLE] if raw.title else ""
    title = title or (headline or "")[:MAX_TITLE]

    hint = _opt(raw.language, 64)
    language, confidence = detect_language(text, hint)
    budget.check("language identification")
    paragraphs, sentences = segment(text, language)
    budget.check("segmentation")
    url = _opt(raw.url, 8192)

    metadata: dict[str, Any] = dict(raw.metadata) if raw.metadata else {}
    if bp.source_credit:
        metadata["source_credit"] = bp.source_credit
    canonical = canonical_url(url) if url is not None else None
    if canonical is not None:
        metadata["canonical_url"] = canonical
    published_at = None
    if raw.published_at is not None and raw.published_at.strip():
        # Implausible or unreadable: no published_at, so the event time is the ingestion time,
        # and the flag and the raw value say why (a dead letter would lose the article's alerts).
        when, flag = plausible_published(safe_str(raw.published_at), now, earliest, future)
        if when is not None:
            published_at = when.isoformat().replace("+00:00", "Z")
        else:
            metadata["published_at_raw"] = safe_str(raw.published_at, 200)
        if flag is not None:
            metadata["published_at_flag"] = flag

    return CleanArticle(
        id=article_id(raw.id, url, text, canonical=canonical),
        text=text,
        language=language,
        language_confidence=confidence,
        paragraphs=paragraphs,
        sentences=sentences,
        fingerprint=simhash(text),
        ingested_at=_timestamp(now),
        title=title or None,
        url=url,
        published_at=published_at,
        source=_source(raw, canonical),
        source_url=bp.source_url,
        photo_credits=photo_credits,
        removed=removed,
        language_hint=hint,
        metadata=metadata,
    )


def clean(
    raw: RawArticle,
    *,
    now: datetime,
    max_chars: int = DEFAULT_MAX_CHARS,
    budget: float | None = None,
    earliest: datetime = DEFAULT_EARLIEST,
    future: timedelta | None = None,
) -> CleanArticle:
    """Clean one raw article.

    Raises ``InvalidRecord`` with kind ``wrong_type`` (a field of the wrong type),
    ``too_large`` (over 10 M characters raw, or over ``max_chars`` of text after HTML
    extraction), ``empty_body`` (neither body nor html, or nothing left after cleaning) or
    ``too_slow`` (over ``budget`` CPU seconds, checked between steps).
    ``published_at`` outside ``[earliest, now + future]`` (no upper bound when ``future`` is
    None) is dropped and flagged in ``metadata["published_at_flag"]`` (``out_of_range``), so
    the event time is the ingestion time; so is an unreadable one
    (``unparseable``); one with no offset is read as UTC and flagged ``no_offset``.
    Nothing else escapes: an unexpected failure is reported as kind ``internal_error``
    (a bug to fix, never expected; the property tests check it does not happen).
    """
    if not isinstance(now, datetime):
        raise TypeError("now must be a datetime")
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        return _clean(raw, now, max_chars, Budget(budget), earliest, future)
    except InvalidRecord:
        raise
    except Exception as exc:
        try:
            detail = str(exc)[:300].encode("utf-8", "backslashreplace").decode("utf-8")
        except Exception:
            detail = ""
        raise InvalidRecord("internal_error", f"cleaning failed: {type(exc).__name__}: {detail}") from exc
