"""What a source lists: the items (article URLs, with what the listing says about them) of an
RSS/Atom/JSON feed, a (news) sitemap or sitemap index, or a plain list of URLs.

XML is parsed with entities unresolved and the network off (no XXE, no billion laughs); a
gzipped sitemap is inflated up to the same size bound as any response."""

from __future__ import annotations

import calendar
import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from lxml import etree

from streams.timestamps import format_utc, parse

MAX_ITEMS = 5000  # per listing: a runaway feed is cut, not followed to exhaustion


class ListingError(ValueError):
    """A listing that cannot be read (``reason`` labels the metrics: ``parse``)."""

    reason = "parse"


@dataclass(frozen=True, slots=True)
class Item:
    url: str
    guid: str | None = None
    title: str | None = None
    published_at: str | None = None  # RFC 3339, UTC
    author: str | None = None
    language: str | None = None
    summary_html: str | None = None  # the feed's own content, used when the page cannot be fetched


@dataclass(frozen=True, slots=True)
class Listing:
    items: list[Item]
    sitemaps: list[str]  # child sitemaps of a sitemap index, to fetch next


def _struct_time(value: Any) -> str | None:
    if not value:
        return None
    try:
        return format_utc(datetime.fromtimestamp(calendar.timegm(value), UTC))
    except (OverflowError, ValueError, TypeError):
        return None


def _iso(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) == 10:  # a bare date (sitemaps often give one)
        text += "T00:00:00Z"
    when = parse(text)
    return format_utc(when) if when is not None else None


def _text(value: Any, limit: int = 2000) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _http(url: Any) -> str | None:
    return url.strip() if isinstance(url, str) and url.strip().startswith(("http://", "https://")) else None


def parse_feed(body: bytes, base_url: str) -> Listing:
    """RSS 0.9x/1.0/2.0, Atom, or JSON Feed 1.x."""
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        return _json_feed(body)
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url},
                              resolve_relative_uris=True, sanitize_html=True)
    if parsed.get("bozo") and not parsed.get("entries"):
        raise ListingError(f"not a feed: {str(parsed.get('bozo_exception', 'unreadable'))[:200]}")
    language = _text(parsed.get("feed", {}).get("language"), 35)
    items: list[Item] = []
    for entry in parsed.get("entries", [])[:MAX_ITEMS]:
        url = _http(entry.get("link"))
        if url is None:
            continue
        content = entry.get("content") or []
        summary = content[0].get("value") if content else entry.get("summary")
        published = _struct_time(entry.get("published_parsed") or entry.get("updated_parsed"))
        items.append(Item(url, _text(entry.get("id"), 1000), _text(entry.get("title")), published,
                          _text(entry.get("author"), 300), language, summary if isinstance(summary, str) else None))
    return Listing(items, [])


def _json_feed(body: bytes) -> Listing:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ListingError(f"not a JSON feed: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ListingError("not a JSON feed: no items list")
    language = _text(data.get("language"), 35)
    items: list[Item] = []
    for raw in data["items"][:MAX_ITEMS]:
        if not isinstance(raw, dict):
            continue
        url = _http(raw.get("url")) or _http(raw.get("external_url"))
        if url is None:
            continue
        authors = raw.get("authors") or ([raw["author"]] if isinstance(raw.get("author"), dict) else [])
        author = next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None)
        summary = raw.get("content_html") or raw.get("content_text") or raw.get("summary")
        guid = raw.get("id")
        items.append(Item(url, str(guid)[:1000] if guid is not None else None, _text(raw.get("title")),
                          _iso(raw.get("date_published") or raw.get("date_modified")), _text(author, 300),
                          _text(raw.get("language"), 35) or language, summary if isinstance(summary, str) else None))
    return Listing(items, [])


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(node: Any, name: str) -> Any:
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


def _child_text(node: Any, *path: str) -> str | None:
    for name in path:
        node = _child(node, name) if node is not None else None
    return _text(node.text) if node is not None else None


def inflate(body: bytes, max_bytes: int) -> bytes:
    """A gzipped body inflated, refused beyond ``max_bytes`` (a gzip bomb stops there)."""
    if body[:2] != b"\x1f\x8b":
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise ListingError(f"bad gzip: {exc}") from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise ListingError(f"gzipped listing inflates beyond {max_bytes} bytes")
    return out


def parse_sitemap(body: bytes, max_bytes: int = 50_000_000) -> Listing:
    """A sitemap (``urlset``, with Google News tags when present) or a sitemap index."""
    try:
        root = etree.fromstring(inflate(body, max_bytes), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not a sitemap: {str(exc)[:200]}") from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        urls = [_http(_child_text(s, "loc")) for s in root if _local(s.tag) == "sitemap"]
        return Listing([], [u for u in urls if u][:MAX_ITEMS])
    if kind != "urlset":
        raise ListingError(f"not a sitemap: root element is {kind!r}, not urlset or sitemapindex")
    items: list[Item] = []
    for node in root:
        if _local(node.tag) != "url":
            continue
        url = _http(_child_text(node, "loc"))
        if url is None:
            continue
        news = _child(node, "news")
        published = _iso(_child_text(news, "publication_date")) if news is not None else None
        items.append(Item(url, None, _child_text(news, "title") if news is not None else None,
                          published or _iso(_child_text(node, "lastmod")), None,
                          _child_text(news, "publication", "language") if news is not None else None))
        if len(items) >= MAX_ITEMS:
            break
    return Listing(items, [])


def parse_url_list(body: bytes) -> Listing:
    """One URL a line; blank lines and ``#`` comments skipped."""
    text = body.decode("utf-8", "replace")
    urls = [_http(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return Listing([Item(u) for u in urls if u][:MAX_ITEMS], [])

