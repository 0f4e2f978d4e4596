"""What ingest has emitted, kept in the compacted topic ``news.ingest-seen``.

Keys: ``url:<canonical URL>`` (the listed URL and the page's own canonical URL) and
``guid:<source>:<guid>``. A marker is written in the same Kafka transaction as the article it
stands for, so a reader with ``isolation_level=read_committed`` sees both or neither: a crash
between them cannot leave an article without its marker (re-emitted) or a marker without its
article (skipped)."""

from __future__ import annotations

import time
from typing import Any

import orjson

from streams.cleaning.ids import canonical_url
from streams.ingest.discover import Item


def item_keys(source: str, item: Item) -> list[str]:
    keys: list[str] = []
    canonical = canonical_url(item.url)
    if canonical:
        keys.append(f"url:{canonical}")
    if item.guid:
        keys.append(f"guid:{source}:{item.guid[:500]}")
    return keys


def marker(article_id: str | None, source: str, status: str) -> bytes:
    """``status``: emitted (the article is on news.raw), or why it was given up (robots, http_4xx …)."""
    return orjson.dumps({"article_id": article_id, "source": source, "status": status,
                         "at": int(time.time() * 1000)})


async def wait_partitions(options: dict[str, Any], topic: str, timeout: float = 30.0) -> set[int]:
    """The partitions of ``topic`` (asked of the cluster: a consumer's own metadata does not
    learn of a topic it is not assigned), waiting for a topic just created to show."""
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            described = await admin.describe_topics([topic])
            partitions = {int(p["partition"]) for d in described if d.get("error_code") == 0
                          for p in d.get("partitions", [])}
            if partitions:
                return partitions
            if time.monotonic() > deadline:
                raise RuntimeError(f"topic {topic} has no partitions after {timeout:.0f}s")
            await asyncio.sleep(0.5)
    finally:
        await admin.close()


class Seen:
    """The keys in memory (one string each; about 100 bytes per article)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def any(self, keys: list[str]) -> bool:
        return any(k in self.keys for k in keys)

    def add(self, keys: list[str]) -> None:
        self.keys.update(keys)

    async def load(self, consumer: Any, topic: str, options: dict[str, Any]) -> int:
        """Read ``topic`` from its beginning to its (last stable) end; the number of records read."""
        from aiokafka import TopicPartition

        partitions = await wait_partitions(options, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        read = 0
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batch.values():
                for record in records:
                    if record.key is not None and record.value is not None:
                        self.keys.add(record.key.decode("utf-8", "replace"))
                    read += 1
        return read

    async def tail(self, consumer: Any) -> None:
        """Keep adding what other ingest processes commit (cross-source duplicates between
        processes are then caught after the next read, not atomically: see the README)."""
        while True:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for record in records:
                    if record.key is not None and record.value is not None:
                        self.keys.add(record.key.decode("utf-8", "replace"))
