"""An article page turned into a RawArticle: trafilatura for the text and metadata (its dates
come from htmldate), the page's own ``<html lang>`` and the listing's hints filling gaps.

When extraction yields nothing usable the page's HTML is kept (``html``), so the cleaning stage
still gets it: nothing fetched is dropped here."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from streams.cleaning.ids import article_id, canonical_url
from streams.ingest.discover import Item
from streams.models import RawArticle, Source
from streams.timestamps import format_utc, parse

MIN_TEXT = 80  # characters: less than this is a teaser or an error page, not an article
MAX_HTML_CHARS = 2_000_000  # what news.raw carries when extraction failed (the worker caps articles lower)
_LANG = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.IGNORECASE)
# The page's own machine-readable time, to the second (htmldate gives the day).
_META_TIME = re.compile(r"<meta[^>]+(?:article:published_time|datePublished|pubdate)[\"'][^>]*?content=[\"']"
                        r"([0-9T:+.Z-]{10,40})|<time[^>]+datetime=[\"']([0-9T:+.Z-]{10,40})", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Extracted:
    article: RawArticle
    ok: bool  # text extracted (else html kept)
    canonical: str | None  # the page's canonical URL when it names one


def decode(body: bytes, charset: str | None) -> str:
    """The page as text, whatever its encoding: the HTTP charset if it decodes cleanly, then the
    page's ``<meta charset>``, then UTF-8, then detection (trafilatura's, by charset_normalizer);
    undecodable bytes become U+FFFD rather than failing the page."""
    candidates: list[str] = []
    if charset:
        candidates.append(charset)
    meta = _META_CHARSET.search(body[:4096])
    if meta is not None:
        candidates.append(meta.group(1).decode("ascii"))
    candidates.append("utf-8")
    for name in candidates:
        try:
            codecs.lookup(name)
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    # A page in its declared charset with a few stray bytes (a bad paste) is that charset, not another.
    for name in candidates:
        try:
            text = body.decode(name, "replace")
        except LookupError:
            continue
        if text.count("\ufffd") <= len(text) // 1000 + 5:
            return text
    from trafilatura.utils import decode_file

    return decode_file(body)


def _published(doc: dict[str, Any], item: Item, html: str) -> str | None:
    if item.published_at:
        return item.published_at  # the listing's time is the publisher's own statement, to the second
    date = doc.get("date")
    found = _META_TIME.search(html[:200_000])
    stamp = (found.group(1) or found.group(2)) if found else None
    when = parse(stamp) if stamp and "T" in stamp else None
    if when is not None and (not isinstance(date, str) or format_utc(when)[:10] == date[:10]):
        return format_utc(when)
    if isinstance(date, str) and date:
        when = parse(date if "T" in date else f"{date}T00:00:00Z")
        if when is not None:
            return format_utc(when)
    return None


def extract(item: Item, final_url: str, body: bytes, charset: str | None, source_name: str,
            language_hint: str | None, fetched_at: datetime | None = None) -> Extracted:
    """The article in ``body`` (the page at ``final_url``)."""
    import trafilatura

    html = decode(body, charset)
    doc: dict[str, Any] = {}
    try:
        result = trafilatura.bare_extraction(html, url=final_url, with_metadata=True, include_comments=False,
                                             include_tables=False)
        if result is not None:
            doc = result if isinstance(result, dict) else result.as_dict()
    except Exception:  # any extractor failure means "keep the HTML", never a lost page
        doc = {}
    text = doc.get("text") if isinstance(doc.get("text"), str) else None
    ok = text is not None and len(text.strip()) >= MIN_TEXT
    page_lang = _LANG.search(body[:8192])
    language = item.language or (page_lang.group(1).decode("ascii").lower() if page_lang else None) or language_hint
    canonical_page = doc.get("url") if isinstance(doc.get("url"), str) else None
    url = canonical_page if canonical_page and canonical_page.startswith(("http://", "https://")) else final_url
    canonical = canonical_url(url)
    aid = article_id(None, url, text or html, canonical=canonical)
    author = doc.get("author") if isinstance(doc.get("author"), str) else None
    metadata: dict[str, Any] = {
        "ingest": {"source": source_name, "fetched_at": format_utc(fetched_at or datetime.now(UTC)),
                   "extraction": "trafilatura" if ok else "failed", "listed_url": item.url},
    }
    if item.guid:
        metadata["ingest"]["guid"] = item.guid
    if author or item.author:
        metadata["author"] = (author or item.author or "")[:300]
    title = doc.get("title") if isinstance(doc.get("title"), str) and doc.get("title") else item.title
    article = RawArticle(
        body=text if ok else None,
        html=None if ok else html[:MAX_HTML_CHARS],
        id=aid, url=url, title=(title or None) and str(title)[:2000], language=language,
        published_at=_published(doc, item, html),
        source=Source(name=source_name, domain=urlsplit(url).hostname),
        metadata=metadata)
    return Extracted(article, ok, canonical)


def from_listing(item: Item, source_name: str, language_hint: str | None, reason: str) -> RawArticle | None:
    """The article as the feed itself carries it, when the page could not be fetched: its
    summary or content HTML, or ``None`` when the feed gives no text."""
    if not item.summary_html or not item.summary_html.strip():
        return None
    canonical = canonical_url(item.url)
    return RawArticle(
        html=item.summary_html[:MAX_HTML_CHARS], id=article_id(None, item.url, item.summary_html, canonical=canonical),
        url=item.url, title=item.title, language=item.language or language_hint, published_at=item.published_at,
        source=Source(name=source_name, domain=urlsplit(item.url).hostname),
        metadata={"ingest": {"source": source_name, "extraction": "feed", "page_error": reason,
                             "listed_url": item.url, **({"guid": item.guid} if item.guid else {})},
                  **({"author": item.author} if item.author else {})})
