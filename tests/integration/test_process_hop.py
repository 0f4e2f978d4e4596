"""The process hop on plain aiokafka (streams/runtime/hop.py) on a real broker: the upgrade from
the faust agent hands over its place on news.raw, and the new group commits what it handled; a
dead letter the broker refuses for good does not stall its partition; a group that never read
news.raw starts where NEWSWATCH_HOP_START_AT says."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from streams.kafka import process_group
from tests.conftest import FEED
from tests.integration.workers import Worker, article, consume, declare, produce, read_to_end, run, wait_caught_up


def _feed() -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (FEED / "sample.jsonl").read_bytes().splitlines() if line.strip()]


def test_upgrading_from_the_faust_agent_loses_and_repeats_nothing(kafka_bootstrap: str, topic_prefix: str,
                                                                  tmp_path: Path) -> None:
    """A worker with the faust process agent (group = the app id) handles half the feed and stops;
    the upgraded worker's hop (group ``<app id>-process``, never committed) starts where faust's
    group stood: every article reaches news.tagged exactly once."""
    declare(kafka_bootstrap, topic_prefix)
    records = _feed()
    half = len(records) // 2
    raw, app_id = f"{topic_prefix}news.raw", f"{topic_prefix}newswatch"
    old = Worker(kafka_bootstrap, topic_prefix, tmp_path, "faust", extra_env={"NEWSWATCH_PROCESS_HOP": "faust"})
    old.start()
    try:
        produce(kafka_bootstrap, raw, [article(r) for r in records[:half]])
        wait_caught_up(kafka_bootstrap, app_id, [raw], 120)
    finally:
        old.stop()
    new = Worker(kafka_bootstrap, topic_prefix, tmp_path, "hop", extra_env={"NEWSWATCH_PROCESS_HOP": "aiokafka"})
    new.start()
    try:
        produce(kafka_bootstrap, raw, [article(r) for r in records[half:]])
        ids = {r["id"] for r in records}

        def done(ms: list[Any]) -> bool:
            return ids <= {m.key.decode() for m in ms}

        tagged = consume(kafka_bootstrap, [f"{topic_prefix}news.tagged"], done, 120)
        # The hop reads each partition in order: a repeat of the first half would come before the second.
        wait_caught_up(kafka_bootstrap, process_group(app_id), [raw], 60)
        counts = Counter(m.key.decode() for m in tagged)
        assert set(counts) == ids, new.tail()
        assert {k: n for k, n in counts.items() if n != 1} == {}, new.tail()
        assert "starts where faust's group" in new.log.read_text(), new.tail()
    finally:
        new.stop()


def test_a_dead_letter_too_large_for_its_topic_is_written_without_the_record_and_the_partition_goes_on(
        kafka_bootstrap: str, topic_prefix: str, tmp_path: Path, make_topics: Callable[..., None]) -> None:
    """news.deadletter takes at most 20,000 bytes a message (max.message.bytes). A record of
    60 KB that is not JSON makes a dead letter of 80 KB, which the broker refuses for good; the
    hop writes it again without the record's bytes (its reason and position kept) and commits,
    and the articles after it on the same partition are tagged. (Before: the batch was read again
    without end and the partition stalled behind that record.)"""
    deadletter, raw = f"{topic_prefix}news.deadletter", f"{topic_prefix}news.raw"
    make_topics([deadletter], partitions=1, configs={"max.message.bytes": "20000"})
    declare(kafka_bootstrap, topic_prefix, partitions=1)
    records = _feed()[:3]
    worker = Worker(kafka_bootstrap, topic_prefix, tmp_path, partitions=1).start()
    try:
        produce(kafka_bootstrap, raw, [(b"poison", b"not json " + b"x" * 60_000), *(article(r) for r in records)])
        wait_caught_up(kafka_bootstrap, process_group(f"{topic_prefix}newswatch"), [raw], 120)
    finally:
        worker.stop()
    letters = [orjson.loads(m.value) for m in read_to_end(kafka_bootstrap, deadletter)]
    poison = [d for d in letters if d["key"] == "poison"]
    assert len(poison) >= 1, (letters, worker.tail())
    assert all(d["original"] == "" and d["offset"] == 0 and d["stage"] == "clean" for d in poison), poison
    assert "not included" in poison[0]["message"] and "MessageSizeTooLargeError" in poison[0]["message"]
    assert f"read it from {raw}[0]@0" in poison[0]["message"]
    tagged = {m.key.decode() for m in read_to_end(kafka_bootstrap, f"{topic_prefix}news.tagged")}
    assert {r["id"] for r in records} <= tagged, worker.tail()
    assert "writing it without the record's bytes" in worker.log.read_text(), worker.tail()


async def _produce_at(bootstrap: str, topic: str, records: list[tuple[bytes, bytes, int]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for key, value, timestamp in records:
            await producer.send(topic, value=value, key=key, timestamp_ms=timestamp)
        await producer.flush()
    finally:
        await producer.stop()


def test_a_group_that_never_read_news_raw_starts_at_the_start_setting(kafka_bootstrap: str, topic_prefix: str,
                                                                      tmp_path: Path) -> None:
    """news.raw already holds three articles with Kafka timestamps three days old, then two of
    now, and neither the hop's group nor faust's ever committed: with NEWSWATCH_HOP_START_AT=24h
    the hop starts at the first of the recent two (the broker's time index), reads only those,
    and says what it passed over. (Before: every retained record was read.)"""
    raw = f"{topic_prefix}news.raw"
    declare(kafka_bootstrap, topic_prefix, partitions=1)
    records = _feed()[:5]
    now = int(time.time() * 1000)
    stamps = [now - 3 * 86_400_000] * 3 + [now] * 2
    run(_produce_at(kafka_bootstrap, raw, [(*article(r), t) for r, t in zip(records, stamps, strict=True)]))
    worker = Worker(kafka_bootstrap, topic_prefix, tmp_path, partitions=1,
                    extra_env={"NEWSWATCH_HOP_START_AT": "24h"}).start()
    try:
        wait_caught_up(kafka_bootstrap, process_group(f"{topic_prefix}newswatch"), [raw], 120)
    finally:
        worker.stop()
    tagged = Counter(m.key.decode() for m in read_to_end(kafka_bootstrap, f"{topic_prefix}news.tagged"))
    assert set(tagged) == {r["id"] for r in records[3:]}, worker.tail()
    text = worker.log.read_text()
    assert "starting at [0]@3 (NEWSWATCH_HOP_START_AT=24h); 3 older record(s) not read: [0]@0-2" in text, worker.tail()
