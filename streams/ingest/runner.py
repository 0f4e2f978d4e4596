"""The ingest loop: every source polled on its own interval, new items fetched and extracted,
and each batch written to ``news.raw`` together with its markers on ``news.ingest-seen`` in one
Kafka transaction.

Ownership: each source has its own transactional producer (``transactional.id`` =
``<prefix>newswatch-ingest.<source>``). Starting it fences any other process polling that source
and aborts its open transaction; only then is ``news.ingest-seen`` read (read_committed) to its
end, so the new owner knows everything the old one committed and nothing it did not. The fenced
process stops polling that source. A source that fails (timeouts, 5xx, bad XML) is retried on its
next interval, alone: the others go on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from streams.ingest.discover import Item, Listing, ListingError, parse_feed, parse_sitemap, parse_url_list
from streams.ingest.extract import extract, from_listing
from streams.ingest.fetch import Fetcher, FetchError
from streams.ingest.seen import Seen, item_keys, marker
from streams.ingest.sources import Source, SourcesFile
from streams.kafka import INGEST_SEEN, RAW, kafka_client_options
from streams.replay.replay import retention_ms as read_retention
from streams.runtime import metrics
from streams.settings import Settings
from streams.timestamps import parse

log = logging.getLogger("newswatch.ingest")

MAX_SITEMAPS = 50  # children of one sitemap index followed per poll
MAX_ATTEMPTS = 3  # polls in which a page may fail for a passing reason before it is given up
PERMANENT = frozenset({"robots", "http_4xx", "too_large", "invalid_url", "redirects"})
BATCH = 50  # articles per transaction


@dataclass(slots=True)
class Totals:
    seen: int = 0
    new: int = 0
    fetched: int = 0
    extracted: int = 0
    emitted: int = 0
    restamped: int = 0  # emitted with the ingest time: published longer ago than news.raw keeps records
    failed: Counter[str] = field(default_factory=Counter)

    def line(self, sources: int) -> str:
        failed = ", ".join(f"{k} {v}" for k, v in sorted(self.failed.items()))
        return (f"ingest: {sources} sources; items listed {self.seen}, new {self.new}, pages fetched "
                f"{self.fetched}, extracted {self.extracted}, emitted {self.emitted}"
                f"{f' ({self.restamped} older than retention, stamped now)' if self.restamped else ''}; failed "
                f"{sum(self.failed.values())}{f' ({failed})' if failed else ''}")


@dataclass(slots=True)
class Pending:
    article: Any  # RawArticle
    keys: list[str]
    status: str = "emitted"


DAY_MS = 86_400_000


def timestamp_ms(published_at: str | None, retention_ms: int | None, now_ms: int | None = None) -> tuple[int, bool]:
    """The Kafka timestamp and whether it had to be moved: the publication time, never in the
    future (brokers refuse those), and never so old that news.raw's time retention deletes the
    record before a worker reads it. The broker deletes by the largest timestamp in a segment, at
    its next retention check (every 5 minutes by default), so an article published longer ago than
    ``retention.ms`` would vanish within minutes, after its seen-marker made sure it is never
    fetched again. Such an article keeps its publication time in ``published_at`` and gets the
    ingest time as its timestamp (a margin of a day, or half the retention when that is shorter,
    leaves the worker time to read it)."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    when = parse(published_at) if published_at else None
    if when is None:
        return now, False
    stamp = min(int(when.timestamp() * 1000), now)
    if retention_ms is not None and retention_ms >= 0 and stamp < now - retention_ms + min(DAY_MS, retention_ms // 2):
        return now, True
    return stamp, False


class Ingest:
    def __init__(self, config: SourcesFile, settings: Settings, *, once: bool = False,
                 say: Callable[[str], None] = print) -> None:
        self.config = config
        self.settings = settings
        self.once = once
        self.say = say
        self.seen = Seen()
        self.totals = Totals()
        self.stop = asyncio.Event()
        self._attempts: dict[str, int] = {}
        self._fenced: set[str] = set()
        self._claimed: set[str] = set()  # keys a source of this process is fetching now: the others skip them
        self.retention_ms: int | None = None  # news.raw's retention.ms, read at start

    def transactional_id(self, source: Source) -> str:
        return f"{self.settings.topic('newswatch-ingest')}.{source.name}"

    async def run(self) -> None:
        from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

        options = kafka_client_options(self.settings)
        producers: dict[str, Any] = {}
        tail: asyncio.Task[None] | None = None
        consumer = AIOKafkaConsumer(isolation_level="read_committed", group_id=None, enable_auto_commit=False,
                                    **options)
        try:
            for source in self.config.sources:  # first fence every previous owner of these sources
                producer = AIOKafkaProducer(transactional_id=self.transactional_id(source), linger_ms=5,
                                            **options)
                producers[source.name] = producer
                await producer.start()
            await consumer.start()
            self.retention_ms = await read_retention(options, self.settings.topic(RAW))
            if self.retention_ms is None:
                self.say(f"ingest: could not read {self.settings.topic(RAW)}'s retention.ms; publication times are "
                         "used as timestamps as they are")
            elif self.retention_ms >= 0:
                self.say(f"ingest: {self.settings.topic(RAW)} keeps records {self.retention_ms / DAY_MS:.1f} days by "
                         "their timestamps: older articles are stamped with the ingest time (published_at keeps "
                         "theirs; set retention.ms to -1 to keep publication times)")
            read = await self.seen.load(consumer, self.settings.topic(INGEST_SEEN), options)
            self.say(f"ingest: {len(self.seen.keys)} keys of items already handled ({read} markers read from "
                     f"{self.settings.topic(INGEST_SEEN)})")
            tail = asyncio.create_task(self.seen.tail(consumer))
            async with Fetcher(self.config.user_agent) as fetcher:
                tasks = [asyncio.create_task(self._poll(source, fetcher, producers[source.name]))
                         for source in self.config.sources]
                await asyncio.gather(*tasks)
        finally:
            if tail is not None:
                tail.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await tail
            for producer in producers.values():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(producer.stop(), 5.0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(consumer.stop(), 5.0)

    async def _poll(self, source: Source, fetcher: Fetcher, producer: Any) -> None:
        while not self.stop.is_set() and source.name not in self._fenced:
            try:
                await self.poll_once(source, fetcher, producer)
            except Exception as exc:  # one source's failure is its own: log, count, try again next time
                self._failed(source, "kafka" if "Kafka" in type(exc).__name__ else "extract", exc)
            if self.once:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), source.limits.interval)

    def _failed(self, source: Source, reason: str, exc: BaseException | str) -> None:
        metrics.ingest_failed.labels(source.name, reason).inc()
        self.totals.failed[reason] += 1
        log.warning("source %s: %s: %s", source.name, reason, exc)

    async def _get(self, source: Source, fetcher: Fetcher, url: str, conditional: bool) -> Any:
        started = time.monotonic()
        try:
            return await fetcher.get(url, timeout=source.limits.timeout, max_bytes=source.limits.max_bytes,
                                     per_host=source.limits.per_host, rate=source.limits.rate,
                                     conditional=conditional)
        finally:
            metrics.ingest_fetch_seconds.labels(source.name).observe(time.monotonic() - started)

    async def list_items(self, source: Source, fetcher: Fetcher) -> list[Item]:
        """What the source lists now ([] when unchanged since the last poll: a 304)."""
        if source.kind == "urls" and source.urls:
            return [Item(u) for u in source.urls]
        assert source.url is not None
        queue, items, followed = [source.url], [], 0
        while queue and followed <= MAX_SITEMAPS:
            url = queue.pop(0)
            followed += 1
            response = await self._get(source, fetcher, url, conditional=True)
            if response.not_modified:
                continue
            listing: Listing
            if source.kind == "feed":
                listing = parse_feed(response.body, response.url)
            elif source.kind == "sitemap":
                listing = parse_sitemap(response.body, source.limits.max_bytes)
            else:
                listing = parse_url_list(response.body)
            items.extend(listing.items)
            queue.extend(listing.sitemaps)
        return items

    async def poll_once(self, source: Source, fetcher: Fetcher, producer: Any) -> None:
        try:
            items = await self.list_items(source, fetcher)
        except (FetchError, ListingError) as exc:
            self._failed(source, exc.reason, exc)
            return
        metrics.ingest_items_seen.labels(source.name).inc(len(items))
        self.totals.seen += len(items)
        fresh: list[tuple[Item, list[str]]] = []
        batch_keys: set[str] = set()
        for item in items:
            keys = item_keys(source.name, item)
            if not keys or self.seen.any(keys) or batch_keys.intersection(keys) or self._claimed.intersection(keys):
                continue
            batch_keys.update(keys)
            fresh.append((item, keys))
        self._claimed.update(batch_keys)
        metrics.ingest_items_new.labels(source.name).inc(len(fresh))
        self.totals.new += len(fresh)
        for start in range(0, len(fresh), BATCH):
            if self.stop.is_set():
                break
            chunk = fresh[start:start + BATCH]
            try:
                results = await asyncio.gather(*(self._article(source, fetcher, item, keys) for item, keys in chunk))
                await self._emit(source, producer, [r for r in results if r is not None])
            finally:
                for _item, keys in chunk:
                    self._claimed.difference_update(keys)

    async def _article(self, source: Source, fetcher: Fetcher, item: Item, keys: list[str]) -> Pending | None:
        """The article for ``item``, a give-up marker, or ``None`` to try again next poll."""
        try:
            response = await self._get(source, fetcher, item.url, conditional=False)
        except FetchError as exc:
            self._failed(source, exc.reason, exc)
            attempts = self._attempts[keys[0]] = self._attempts.get(keys[0], 0) + 1
            if exc.reason not in PERMANENT and attempts < MAX_ATTEMPTS:
                return None
            self._attempts.pop(keys[0], None)
            fallback = from_listing(item, source.name, source.language, exc.reason)
            if fallback is not None:
                return Pending(fallback, keys)
            return Pending(None, keys, status=exc.reason)  # given up: recorded, so a restart does not retry
        metrics.ingest_pages_fetched.labels(source.name).inc()
        self.totals.fetched += 1
        self._attempts.pop(keys[0], None)
        extracted = await asyncio.to_thread(extract, item, response.url, response.body, response.charset,
                                            source.name, source.language, datetime.now(UTC))
        if extracted.ok:
            metrics.ingest_extracted.labels(source.name).inc()
            self.totals.extracted += 1
        else:
            self._failed(source, "extract", f"no article text in {item.url[:200]}; its HTML is kept")
        extra = [f"url:{extracted.canonical}"] if extracted.canonical and f"url:{extracted.canonical}" not in keys \
            else []
        return Pending(extracted.article, keys + extra)

    async def _emit(self, source: Source, producer: Any, batch: list[Pending]) -> None:
        if not batch:
            return
        from aiokafka.errors import ProducerFenced

        raw, seen = self.settings.topic(RAW), self.settings.topic(INGEST_SEEN)
        restamped = 0
        try:
            async with producer.transaction():
                for pending in batch:
                    article = pending.article
                    if article is not None:
                        stamp, moved = timestamp_ms(article.published_at, self.retention_ms)
                        restamped += moved
                        await producer.send(raw, key=article.id.encode(), value=orjson.dumps(article),
                                            timestamp_ms=stamp)
                    value = marker(article.id if article is not None else None, source.name, pending.status)
                    for key in pending.keys:
                        await producer.send(seen, key=key.encode(), value=value)
        except ProducerFenced:
            self._fenced.add(source.name)
            self._failed(source, "fenced", "another ingest process took this source over; it stops here")
            return
        emitted = sum(1 for p in batch if p.article is not None)
        for pending in batch:
            self.seen.add(pending.keys)
        metrics.ingest_emitted.labels(source.name).inc(emitted)
        self.totals.emitted += emitted
        self.totals.restamped += restamped
