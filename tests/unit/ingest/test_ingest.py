"""Ingest without Kafka: the sources file, and fetching, listing and extracting against the local
sample site served by a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from streams.errors import DataFileError
from streams.ingest import sources
from streams.ingest.discover import Item, parse_feed, parse_sitemap, parse_url_list
from streams.ingest.extract import decode, extract
from streams.ingest.fetch import Fetcher, FetchError
from streams.ingest.runner import timestamp_ms
from streams.ingest.site import build


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


async def _served(fn: Callable[[str, Fetcher], Coroutine[Any, Any, Any]]) -> Any:
    runner = web.AppRunner(build(), shutdown_timeout=0.5)  # the hanging page must not hold the teardown
    await runner.setup()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        async with Fetcher("newswatch-test", backoff=0.01) as fetcher:
            return await fn(f"http://127.0.0.1:{port}", fetcher)
    finally:
        await runner.cleanup()


def get(fetcher: Fetcher, url: str, **kw: Any) -> Any:
    return fetcher.get(url, timeout=kw.pop("timeout", 5.0), max_bytes=kw.pop("max_bytes", 2_000_000), rate=1000,
                       **kw)


# ------------------------------------------------------------------------- sources file

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_sources_file_loads_with_defaults(tmp_path: Path) -> None:
    config = sources.load(write(tmp_path, """
defaults:
  interval: 2m
  rate: 2
sources:
  - name: wire-en
    kind: feed
    url: http://127.0.0.1:1/rss/en.xml
    language: en
  - name: list
    kind: urls
    urls: [http://127.0.0.1:1/a.html]
    interval: 30s
"""))
    assert [s.name for s in config.sources] == ["wire-en", "list"]
    assert config.sources[0].limits.interval == 120.0 and config.sources[0].limits.rate == 2.0
    assert config.sources[1].limits.interval == 30.0 and config.sources[1].urls == ("http://127.0.0.1:1/a.html",)


@pytest.mark.parametrize(("body", "line", "reason"), [
    ("sources:\n  - name: a\n    kind: podcast\n    url: http://x/\n", 3, "kind must be one of"),
    ("sources:\n  - name: a\n    kind: feed\n    url: ftp://x/\n", 4, "not an http(s) URL"),
    ("sources:\n  - name: A B\n    kind: feed\n    url: http://x/\n", 2, "name must be"),
    ("sources:\n  - name: a\n    kind: feed\n    url: http://x/\n    interval: soon\n", 5, "interval must be"),
    ("sources:\n  - name: a\n    kind: feed\n    url: http://x/\n  - name: a\n    kind: feed\n    url: http://y/\n",
     5, "used twice"),
    ("sources:\n  - name: a\n    kind: feed\n    url: http://x/\n    colour: red\n", 5, "unknown key 'colour'"),
])
def test_sources_file_refused_with_line(tmp_path: Path, body: str, line: int, reason: str) -> None:
    with pytest.raises(DataFileError) as caught:
        sources.load(write(tmp_path, body))
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{tmp_path / 'sources.yaml'}:{line}: ")


# ------------------------------------------------------------------------- listings

def test_rss_sitemap_index_json_feed_and_url_list() -> None:
    async def check(base: str, fetcher: Fetcher) -> None:
        rss = parse_feed((await get(fetcher, f"{base}/rss/id.xml")).body, base)
        assert len(rss.items) == 16 and all(i.guid and i.published_at for i in rss.items)
        index = parse_sitemap((await get(fetcher, f"{base}/sitemap.xml")).body)
        assert len(index.sitemaps) == 7 and not index.items
        news = parse_sitemap((await get(fetcher, index.sitemaps[0])).body)
        assert news.items and news.items[0].language and news.items[0].published_at
        jf = parse_feed((await get(fetcher, f"{base}/feed.json")).body, base)
        assert len(jf.items) == 107
        urls = parse_url_list((await get(fetcher, f"{base}/urls.txt")).body)
        assert len(urls.items) == 107

    run(_served(check))


def test_conditional_get_returns_not_modified() -> None:
    async def check(base: str, fetcher: Fetcher) -> None:
        first = await get(fetcher, f"{base}/rss/en.xml", conditional=True)
        second = await get(fetcher, f"{base}/rss/en.xml", conditional=True)
        assert first.etag and not first.not_modified
        assert second.not_modified and second.body == b""

    run(_served(check))


# ------------------------------------------------------------------------- hostile pages

@pytest.mark.parametrize(("path", "reason", "kw"), [
    ("/hostile/500", "http_5xx", {}),
    ("/hostile/hang", "timeout", {"timeout": 0.5}),
    ("/hostile/huge", "too_large", {}),
    ("/hostile/loop", "redirects", {}),
    ("/private/secret.html", "robots", {}),
    ("/articles/nope.html", "http_4xx", {}),
])
def test_hostile_pages_fail_with_their_reason(path: str, reason: str, kw: dict[str, Any]) -> None:
    async def check(base: str, fetcher: Fetcher) -> None:
        with pytest.raises(FetchError) as caught:
            await get(fetcher, base + path, **kw)
        assert caught.value.reason == reason

    run(_served(check))


def test_legacy_and_broken_encodings_are_read() -> None:
    async def check(base: str, fetcher: Fetcher) -> None:
        cp = await get(fetcher, f"{base}/hostile/cp1251.html")
        assert "Министр иностранных дел" in decode(cp.body, cp.charset)
        broken = await get(fetcher, f"{base}/hostile/broken-utf8.html")
        text = decode(broken.body, broken.charset)
        assert "Genève" in text and "d\ufffdclar\ufffd" in text  # read as the UTF-8 it says it is, stray bytes marked
        done = extract(Item(broken.url), broken.url, broken.body, broken.charset, "t", None)
        assert done.article.body or done.article.html

    run(_served(check))


def test_extraction_gives_text_title_date_language_and_canonical_url() -> None:
    async def check(base: str, fetcher: Fetcher) -> None:
        response = await get(fetcher, f"{base}/articles/sf-001.html")
        done = extract(Item(response.url), response.url, response.body, response.charset, "wire", None)
        article = done.article
        assert done.ok and article.body is not None and article.html is None
        assert "profunda preocupación" in article.body
        assert "Most read" not in article.body and "All rights reserved" not in article.body  # boilerplate gone
        assert article.title and article.title.startswith("Albares expresa")
        assert article.published_at == "2024-08-01T14:00:00Z"
        assert article.language == "es"
        assert article.url and article.url.startswith("https://diariomundo.example.es/")
        assert article.id and article.id.startswith("u-")

    run(_served(check))


def test_page_without_article_keeps_its_html() -> None:
    body = b"<html><body><nav>Home</nav><p>Short.</p></body></html>"
    done = extract(Item("http://127.0.0.1/x"), "http://127.0.0.1/x", body, "utf-8", "t", "en")
    assert not done.ok and done.article.body is None and done.article.html is not None
    assert done.article.metadata["ingest"]["extraction"] == "failed"



def test_kafka_timestamp_is_the_publication_time_unless_retention_would_delete_it() -> None:
    now = 1_800_000_000_000
    week = 7 * 86_400_000
    recent = "2027-01-14T00:00:00Z"  # 1 800 000 000 000 ms is 2027-01-15T08:00:00Z
    assert timestamp_ms(recent, week, now) == (1_800_000_000_000 - 115_200_000, False)
    assert timestamp_ms("2024-08-01T14:00:00Z", None, now) == (1722520800000, False)  # retention unknown
    assert timestamp_ms("2024-08-01T14:00:00Z", -1, now) == (1722520800000, False)  # kept forever
    assert timestamp_ms("2024-08-01T14:00:00Z", week, now) == (now, True)  # the broker would delete it
    assert timestamp_ms("2027-01-09T00:00:00Z", week, now) == (now, True)  # within a day of the limit
    assert timestamp_ms("2030-01-01T00:00:00Z", week, now) == (now, False)  # never in the future
    assert timestamp_ms(None, week, now) == (now, False)
