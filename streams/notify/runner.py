"""The notify loops: one per (subscription, destination), each its own consumer group on
``news.alerts``, so a destination that is down holds back nobody else.

Per alert record, in partition order: decide what the subscription cares about (new; a new
source; severity up; a retraction, delivered as resolved), deliver with retries and backoff until
the destination accepts (or refuses for good: a 4xx), write what was sent to the compacted
``news.notify-delivered`` topic, and only then commit the record's offset. So after a crash or a
kill -9 the record is read again: at least once per destination, and the delivered-state makes a
redelivery of an already-sent revision a no-op (only a crash between a destination accepting and
the state being written, a few milliseconds, sends it twice)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

from streams.ingest.seen import wait_partitions
from streams.kafka import ALERTS, NOTIFY_DELIVERED, kafka_client_options
from streams.notify.destinations import DeliveryError, deliver
from streams.notify.subscriptions import SEVERITIES, Destination, Subscription
from streams.runtime import metrics
from streams.settings import Settings

log = logging.getLogger("newswatch.notify")
BACKOFF = 0.5
MAX_BACKOFF = 30.0


def decide(subscription: Subscription, previous: dict[str, Any] | None, alert: dict[str, Any] | None) -> str | None:
    """The event to deliver for this record, or ``None``."""
    if alert is None:  # a tombstone: the alert was retracted
        if previous is None or previous.get("resolved"):
            return None
        return "resolved" if "resolved" in subscription.events else None
    if not subscription.filter.matches(alert):
        return None
    if previous is None or previous.get("resolved"):
        return "new" if "new" in subscription.events else None
    if SEVERITIES.index(alert["severity"]) > SEVERITIES.index(previous.get("severity", "low")):
        return "severity_up" if "severity_up" in subscription.events else None
    if int(alert.get("sources_count") or 0) > int(previous.get("sources_count") or 0):
        return "new_source" if "new_source" in subscription.events else None
    return None


class Lane:
    """One subscription's delivery to one destination."""

    def __init__(self, subscription: Subscription, destination: Destination, settings: Settings) -> None:
        self.subscription = subscription
        self.destination = destination
        self.settings = settings
        self.prefix = f"{subscription.name}|{destination.name}|"
        self.state: dict[str, dict[str, Any]] = {}
        self.delivered = 0

    @property
    def group(self) -> str:
        return f"{self.settings.topic('newswatch-notify')}.{self.subscription.name}.{self.destination.name}"

    async def run(self, producer: Any, session: aiohttp.ClientSession, stop: asyncio.Event,
                  on_delivered: Callable[[Lane, str, str], None]) -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(self.settings.topic(ALERTS), group_id=self.group, enable_auto_commit=False,
                                    auto_offset_reset="earliest", isolation_level="read_committed",
                                    **kafka_client_options(self.settings))
        await consumer.start()
        try:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=500, max_records=100)
                for tp, records in batch.items():
                    for record in records:
                        if stop.is_set():
                            return
                        await self._handle(record, producer, session, stop, on_delivered)
                        if stop.is_set():
                            return  # not delivered: not committed, read again next start
                        await consumer.commit({TopicPartition(tp.topic, tp.partition): record.offset + 1})
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(consumer.stop(), 5.0)

    async def _handle(self, record: Any, producer: Any, session: aiohttp.ClientSession, stop: asyncio.Event,
                      on_delivered: Callable[[Lane, str, str], None]) -> None:
        alert_id = record.key.decode() if record.key else ""
        try:
            alert = orjson.loads(record.value) if record.value is not None else None
        except orjson.JSONDecodeError:
            log.warning("%s: offset %s of %s is not JSON; skipped", self.group, record.offset, record.topic)
            return
        previous = self.state.get(alert_id)
        event = decide(self.subscription, previous, alert)
        if event is None:
            return
        name = self.destination.name
        delay = BACKOFF
        while not stop.is_set():
            try:
                await deliver(session, self.destination, event, self.subscription.name, alert_id, alert, previous)
                break
            except DeliveryError as exc:
                metrics.notify_failed.labels(self.subscription.name, name, exc.reason).inc()
                if exc.permanent:
                    log.error("%s: %s refused %s for alert %s for good (%s); skipped", self.subscription.name,
                              name, event, alert_id, exc.reason)
                    break
                log.warning("%s: %s did not take %s for alert %s (%s); retrying in %.1fs", self.subscription.name,
                            name, event, alert_id, exc.reason, delay)
                metrics.notify_pending.labels(name).set(1)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(delay * 2, MAX_BACKOFF)
        else:
            return
        metrics.notify_pending.labels(name).set(0)
        # rule and severity: the labels Alertmanager knows the alert by, for its resolution
        state: dict[str, Any] = ({"resolved": True, "rule": (previous or {}).get("rule")} if alert is None else
                                 {"severity": alert["severity"], "sources_count": alert["sources_count"],
                                  "rule": alert["rule"]["id"]})
        state["event"] = event
        state["at"] = int(time.time() * 1000)
        await producer.send_and_wait(self.settings.topic(NOTIFY_DELIVERED), key=(self.prefix + alert_id).encode(),
                                     value=orjson.dumps(state))
        self.state[alert_id] = state
        metrics.notify_delivered.labels(self.subscription.name, name).inc()
        metrics.notify_latency.labels(name).observe(max(time.time() - record.timestamp / 1000, 0.0))
        self.delivered += 1
        on_delivered(self, event, alert_id)


async def load_state(settings: Settings, lanes: list[Lane]) -> int:
    """``news.notify-delivered`` read to its end into the lanes' state; the records read."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    by_prefix = {lane.prefix: lane for lane in lanes}
    topic = settings.topic(NOTIFY_DELIVERED)
    consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, **kafka_client_options(settings))
    await consumer.start()
    read = 0
    try:
        tps = [TopicPartition(topic, p) for p in sorted(await wait_partitions(kafka_client_options(settings), topic))]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                for record in records:
                    read += 1
                    key = record.key.decode() if record.key else ""
                    prefix, _, alert_id = key.rpartition("|")
                    lane = by_prefix.get(prefix + "|")
                    if lane is not None and record.value is not None:
                        lane.state[alert_id] = orjson.loads(record.value)
    finally:
        await consumer.stop()
    return read


async def run(subscriptions: list[Subscription], settings: Settings, stop: asyncio.Event,
              on_delivered: Callable[[Lane, str, str], None]) -> list[Lane]:
    from aiokafka import AIOKafkaProducer

    lanes = [Lane(s, d, settings) for s in subscriptions for d in s.destinations]
    await load_state(settings, lanes)
    producer = AIOKafkaProducer(acks="all", enable_idempotence=True, **kafka_client_options(settings))
    await producer.start()
    try:
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(lane.run(producer, session, stop, on_delivered) for lane in lanes))
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(producer.stop(), 5.0)
    return lanes
