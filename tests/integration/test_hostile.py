"""Hostile articles through a live worker: each pathological shape is cleaned or set aside
with a reason, the good articles sent after them still raise their alerts, and every
partition of news.raw is committed to its end (no partition stalls behind a bad record)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.kafka import process_group
from tests.integration.workers import Worker, article, consume, declare, latest_alerts, produce, run

SIZE = 200_000  # characters: the largest size bench/pathological.py times


def _fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# The shapes that were quadratic or unbounded before (issue #11), at the benchmark's largest size.
HOSTILE: dict[str, dict[str, str]] = {
    "dots": {"body": "Word " + "." * SIZE},
    "mixed-marks": {"body": "Word " + _fill(".!?…", SIZE)},
    "one-char": {"body": "a" * SIZE},
    "bidi-zero-width": {"body": _fill("ab\u202e\u200b\u200d\u2066", SIZE)},
    "huge-quote": {"body": 'The minister said "' + _fill("We warn. They act. ", SIZE) + '"'},
    "unclosed-div": {"html": _fill("<div>word ", SIZE)},
    "nested-div": {"html": "<div>" * (SIZE // 11) + "x" + "</div>" * (SIZE // 11)},
}

GOOD = [
    {"id": f"good-{i}", "language": "en", "published_at": f"2025-03-0{i + 1}T09:00:00Z",
     "url": f"https://news.example.com/good-{i}", "body": (
         f"{country}'s foreign ministry warned on Monday that the deployment of missiles near its border "
         "would be a dangerous escalation and said it would respond.")}
    for i, country in enumerate(["France", "Japan", "Brazil"])
]


async def _committed_to_end(bootstrap: str, prefix: str, partitions: int = 3) -> tuple[bool, str]:
    topic = f"{prefix}news.raw"
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    try:
        ends = await consumer.end_offsets(tps)
        committed = await admin.list_consumer_group_offsets(process_group(f"{prefix}newswatch"))
    finally:
        await consumer.stop()
        await admin.close()
    rows = [(tp.partition, ends[tp], c.offset if (c := committed.get(tp)) else None) for tp in tps]
    return all(c == e for _, e, c in rows), ", ".join(f"[{p}] end={e} committed={c}" for p, e, c in rows)


def test_hostile_articles_are_handled_and_the_good_ones_after_them_alert(kafka_bootstrap: str, topic_prefix: str,
                                                                        tmp_path: Path) -> None:
    declare(kafka_bootstrap, topic_prefix)
    worker = Worker(kafka_bootstrap, topic_prefix, tmp_path).start()
    try:
        raw = f"{topic_prefix}news.raw"
        hostile = [{"id": f"hostile-{name}", "language": "en", **fields} for name, fields in HOSTILE.items()]
        produce(kafka_bootstrap, raw, [article(r) for r in hostile])
        produce(kafka_bootstrap, raw, [article(r) for r in GOOD])
        ids = {r["id"] for r in hostile}

        def handled(ms: list[Any]) -> tuple[set[str], dict[str, dict[str, Any]]]:
            cleaned = {m.key.decode() for m in ms if m.topic.endswith("news.clean")}
            dead = {m.key.decode(): orjson.loads(m.value) for m in ms if m.topic.endswith("news.deadletter")}
            return cleaned, dead

        def complete(ms: list[Any]) -> bool:
            cleaned, dead = handled(ms)
            alerted = {e["article_id"] for a in latest_alerts(ms).values() for e in a["evidence"]}
            return ids <= cleaned | set(dead) and {g["id"] for g in GOOD} <= alerted

        topics = [f"{topic_prefix}{t}" for t in ("news.clean", "news.deadletter", "news.alerts")]
        messages = consume(kafka_bootstrap, topics, complete, 120)
        cleaned, dead = handled(messages)
        assert ids <= cleaned | set(dead), (sorted(ids - cleaned - set(dead)), worker.tail())
        for key, record in dead.items():  # set aside with a reason a user can act on, never a crash
            assert record["error_kind"] in {"too_large", "too_slow", "empty_body", "schema"}, (key, record)
        alerted = {e["article_id"] for a in latest_alerts(messages).values() for e in a["evidence"]}
        assert {g["id"] for g in GOOD} <= alerted, (sorted(alerted), worker.tail())

        # No partition stalls: the group commits every partition of news.raw to its end.
        deadline = time.monotonic() + 30
        done, rows = run(_committed_to_end(kafka_bootstrap, topic_prefix))
        while not done and time.monotonic() < deadline:
            time.sleep(1)
            done, rows = run(_committed_to_end(kafka_bootstrap, topic_prefix))
        assert done, rows
        log = worker.log.read_text(errors="replace")
        assert "handled none for" not in log, worker.tail()  # the stall watch never had to step in
        assert "Traceback" not in log, worker.tail()
    finally:
        worker.stop()
