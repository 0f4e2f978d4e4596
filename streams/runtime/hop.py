"""The stateless ``process`` hop on plain aiokafka: news.raw → clean → tag → alert, in batches.

faust's per-record machinery (an Event, an ack, a hand-over from the consumer thread to the
agent, a ``Topic.send`` per output) was most of the worker's cost outside the stages: the
send path ~14 % and the stream hand-over ~24 % of the null worker's time, and ``take_events``
made it worse (BENCHMARKS.md, issue #12). The process hop keeps no state, so it needs none of
what faust adds (tables, changelogs); this loop does its work with one consumer and one
producer. ``settle``, which keeps a table, stays a faust agent.

Each ``getmany()`` batch:

1. runs the stages on each record through the agents' own per-record code
   (:func:`streams.runtime.agents._handle`: per-stage metrics, logs, dead letters for a parse,
   schema or stage failure or an output refused at send), the outputs sent without awaiting
   each delivery;
2. awaits every delivery of the batch; an output the broker refused sends its input to the
   dead-letter topic (kind ``send_failed``, the stage that wrote the output), as the agents do,
   unless the failure is transient (a broker away, :func:`transient`): then the batch is read again;
3. commits the batch's offsets. Delivery is at least once: a failure before the commit seeks
   the batch's partitions back, and a worker that dies redelivers from the last commit; alert
   ids make a redelivery harmless.

A stall watch (``NEWSWATCH_HOP_STALL_TIMEOUT``, 60 s) bounds a batch that stops progressing: a
delivery or a commit that never completes (a broker or coordinator that does not answer:
aiokafka's commit retries without end) would otherwise hold the loop, and the lock a rebalance
waits for, forever. Each record handled, the deliveries awaited and the commit are progress, so
a long batch of slow but finishing records is never taken for a stall (that would read it again
without end); the watch cannot interrupt a stage's own CPU work, which the article budget
bounds. A stalled batch is logged with its partitions and offsets, counted
(``newswatch_process_hop_stalls``) and given up as a failed batch: sought back to the committed
offsets and read again.

The consumer group is ``<app id>-process``. faust's group (the app id) read news.raw before:
on a partition this group has never committed, the hop starts at faust's committed offset and
commits it at once, so an upgraded deployment loses and repeats nothing (CHANGELOG.md).

Rebalances: a batch holds a lock from its first stage to its commit, and the rebalance
listener takes the lock before partitions are revoked, so a batch in flight is finished and
committed first (nothing lost, nothing repeated, no partition left waiting); a batch fetched
before a rebalance and not yet started is dropped, and read again from the committed offsets. faust's skip guard
(streams/runtime/skips.py) is not needed here: it repairs faust's fetcher skipping records on
a rebalance, and this loop commits only the records it has handled, reading each partition in
order from its committed offset after every assignment.

Started and stopped by the faust App (a ``mode.Service`` registered with ``app.service``), so
``newswatch worker`` runs both hops; connection options (SASL/TLS) come from
:func:`streams.kafka.kafka_client_options`, as for every other plain aiokafka client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import CommitFailedError, KafkaError, KafkaTimeoutError
from mode import Service

from streams.kafka import kafka_client_options, process_group
from streams.runtime import agents, metrics
from streams.runtime.app import Newswatch

log = logging.getLogger("newswatch.hop")

POLL_MS = 100  # longest a getmany() waits for records (and so a rebalance or stop waits for the loop)
STOP_GRACE = 10.0  # seconds a stop waits for the batch in flight before it gives it up (redelivered)
CLIENT_STOP = 5.0  # seconds each client gets to close (a broker that is gone must not hold a SIGTERM)
RETRY_AFTER = 1.0  # seconds before the loop reads again after a batch failed
ADOPT_TRIES = 5  # attempts at reading faust's group offsets for a partition this group never committed


class Stalled(Exception):
    """A batch that made no progress within the stall watch's limit (given up, read again)."""


class Record:
    """An aiokafka record as the agents' per-record code reads a faust event: ``key``,
    ``value`` and ``message`` (itself) with ``topic``, ``partition``, ``offset``, ``tp`` and
    ``timestamp`` in seconds."""

    __slots__ = ("key", "offset", "partition", "timestamp", "topic", "tp", "value")

    def __init__(self, tp: TopicPartition, record: Any) -> None:
        self.tp, self.topic, self.partition, self.offset = tp, record.topic, record.partition, record.offset
        self.key, self.value = record.key, record.value
        self.timestamp = record.timestamp / 1000 if record.timestamp is not None else None

    @property
    def message(self) -> Record:
        return self


class ProcessHop(Service):
    """The loop, its consumer and producer, and their start and stop with the App."""

    def __init__(self, nw: Newswatch, step: agents.Stage, first: str = "clean", *, adopt_tries: int = ADOPT_TRIES,
                 retry_after: float = RETRY_AFTER, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.nw, self.step, self.first = nw, step, first
        self.adopt_tries, self.retry_after = max(adopt_tries, 1), retry_after
        s = nw.settings
        self.group = process_group(s.app_id)
        self.source = nw.topics.raw.get_topic_name()
        t = nw.topics
        self.names = {id(topic): topic.get_topic_name() for topic in (t.clean, t.tagged, t.candidates, t.deadletter)}
        # the stage that wrote each output topic (a refused output dead-letters its input under that stage)
        self.stage_of = {t.clean.get_topic_name(): "clean", t.tagged.get_topic_name(): "tag",
                         t.candidates.get_topic_name(): "alert"}
        self.meters = {stage: metrics.StageMeter(stage) for stage in metrics.STAGES} if s.metrics else None
        self.stall_after = s.hop_stall_timeout  # seconds without progress before a batch is given up (0: never)
        self._watch: asyncio.Timeout | None = None  # the stall watch of the batch in flight
        self._rearm_at = 0.0  # loop time before which progress leaves the watch as it is (cost per record)
        self.lock = asyncio.Lock()  # held by a batch from its stages to its commit
        self.generation = 0  # rebalances seen: a batch fetched before one is not handled after it
        self.committed: dict[TopicPartition, int] = {}  # the group's committed offset per partition held
        self.consumer: AIOKafkaConsumer | None = None
        self.producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # ------------------------------------------------------------------ start and stop
    async def on_start(self) -> None:
        s, options = self.nw.settings, kafka_client_options(self.nw.settings)
        self.producer = AIOKafkaProducer(**options, acks="all", enable_idempotence=True,
                                         linger_ms=s.producer_linger_ms, client_id=f"{self.group}-producer")
        self.consumer = AIOKafkaConsumer(
            **options, group_id=self.group, client_id=self.group, enable_auto_commit=False,
            auto_offset_reset="earliest", fetch_max_wait_ms=s.fetch_max_wait_ms, fetch_min_bytes=s.fetch_min_bytes,
            session_timeout_ms=int(s.session_timeout * 1000), heartbeat_interval_ms=int(s.heartbeat_interval * 1000))
        await self.producer.start()
        await self.consumer.start()
        self.consumer.subscribe([self.source], listener=Rebalance(self))
        self._task = asyncio.create_task(self._run(), name="process_hop")
        log.info("process hop reading %s as consumer group %s", self.source, self.group)

    async def on_stop(self) -> None:
        self._stopping = True
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), STOP_GRACE)
            except (TimeoutError, asyncio.CancelledError):
                # the batch waits on a broker that does not answer: give it up, it is redelivered
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        for client in (self.consumer, self.producer):
            if client is None:
                continue
            try:
                await asyncio.wait_for(client.stop(), CLIENT_STOP)
            except (TimeoutError, asyncio.CancelledError, KafkaError) as exc:
                # With the broker gone a client's stop can hang or cancel itself (as faust's
                # consumer thread does: faust_internals.ConsumerThread); the worker stops anyway.
                log.warning("process hop: %s did not stop cleanly: %r", type(client).__name__, exc)

    # ------------------------------------------------------------------ the loop
    async def _run(self) -> None:
        consumer = self.consumer
        assert consumer is not None
        batch: Mapping[TopicPartition, list[Any]] = {}
        while not self._stopping:
            try:
                # Not under the lock: getmany() waits for the group's join, whose revoke takes the lock.
                generation = self.generation
                batch = await consumer.getmany(timeout_ms=POLL_MS, max_records=self.nw.settings.batch_size)
                async with self.lock:
                    if batch and generation == self.generation:
                        await self._watched(batch)
                    elif batch:  # a rebalance came between: read the batch again where the group stands
                        self._rewind(batch)
                    batch = {}
            except asyncio.CancelledError:
                raise
            except CommitFailedError as exc:
                # the group rebalanced under the batch: its partitions' new owner reads it again
                log.warning("process hop: the batch's commit failed, its records will be read again: %s", exc)
            except Exception:
                log.exception("process hop: a batch failed; reading its records again")
                self._rewind(batch)
                await asyncio.sleep(self.retry_after)

    def _rewind(self, batch: Mapping[TopicPartition, list[Any]]) -> None:
        consumer = self.consumer
        assert consumer is not None
        held = consumer.assignment()
        for tp, records in batch.items():
            if records and tp in held:
                consumer.seek(tp, self.committed.get(tp, records[0].offset))

    async def _watched(self, batch: Mapping[TopicPartition, list[Any]]) -> None:
        """:meth:`_batch` under the stall watch: :class:`Stalled` when no record, delivery or
        commit completed for ``stall_after`` seconds (the batch is cancelled where it waits)."""
        if self.stall_after <= 0:
            await self._batch(batch)
            return
        try:
            async with asyncio.timeout(self.stall_after) as watch:
                self._watch, self._rearm_at = watch, 0.0
                await self._batch(batch)
        except TimeoutError:
            if not watch.expired():  # a timeout of the clients' own: an ordinary failure
                raise
            where = ", ".join(f"[{tp.partition}]@{records[0].offset}-{records[-1].offset}"
                              for tp, records in sorted(batch.items()) if records)
            log.error("process hop: a batch made no progress for %g s (a delivery, the commit or a send that "
                      "never completed); giving it up and reading %s %s again", self.stall_after, self.source, where)
            metrics.hop_stalls.inc()
            raise Stalled(f"no progress for {self.stall_after:g} s on {self.source} {where}") from None
        finally:
            self._watch = None

    def _progress(self) -> None:
        """A record handled, the deliveries awaited: the stall watch starts again from now. It
        is moved at most every eighth of the limit (moving it costs ~6 us, a record's handling
        ~1 ms), so a batch is given up after 7/8 to all of the limit without progress."""
        watch = self._watch
        if watch is None:
            return
        now = asyncio.get_running_loop().time()
        if now >= self._rearm_at and not watch.expired():
            watch.reschedule(now + self.stall_after)
            self._rearm_at = now + self.stall_after / 8

    async def _batch(self, batch: Mapping[TopicPartition, list[Any]]) -> None:
        """Stages on every record, every delivery awaited, dead letters for refused outputs, commit."""
        producer, consumer = self.producer, self.consumer
        assert producer is not None and consumer is not None
        progress = self._progress
        pending: list[tuple[asyncio.Future[Any], Record, str]] = []
        current: list[Record] = []
        names = self.names

        async def send(topic: Any, key: bytes, value: bytes | None) -> Any:
            name = names[id(topic)]
            future = await producer.send(name, value, key=key)
            pending.append((future, current[0], name))
            return future

        handled = 0
        for tp, records in batch.items():
            for record in records:
                event = Record(tp, record)
                current[:] = [event]
                await agents._handle(self.first, self.nw, event, self.step, send, self.meters)
                progress()
                handled += 1
                if not handled % agents.YIELD_EVERY:
                    await asyncio.sleep(0)  # heartbeats, /metrics and settle run between records
        await self._delivered(pending, send)
        progress()
        offsets = {tp: records[-1].offset + 1 for tp, records in batch.items() if records}
        await consumer.commit(offsets)
        self.committed.update(offsets)

    async def _delivered(self, pending: list[tuple[asyncio.Future[Any], Record, str]], send: Any) -> None:
        """Wait for the batch's deliveries; dead-letter the input of each output the broker
        refused (once per input), then wait for those dead letters. A dead letter refused
        itself raises: the batch is not committed and is read again."""
        results = await asyncio.gather(*(f for f, _, _ in pending), return_exceptions=True)
        refused: dict[int, tuple[Record, str, BaseException]] = {}
        for (_, event, topic), result in zip(pending, results, strict=True):
            if isinstance(result, BaseException):
                if topic not in self.stage_of or transient(result):
                    # a dead letter itself, or a broker away for longer than the producer waits:
                    # the batch is read again, the article is not lost (its alert would be)
                    raise result
                refused.setdefault(id(event), (event, self.stage_of[topic], result))
        if not refused:
            return
        del pending[:]
        for event, stage, exc in refused.values():
            log.error("stage %s: the broker refused an output for %s[%s]@%s: %r", stage, event.topic,
                      event.partition, event.offset, exc)
            await agents._reject(stage, self.nw, send, event, "send_failed", f"{type(exc).__name__}: {exc}",
                                 None, 0.0)
            if self.meters is not None:
                self.meters[stage].refused("send_failed")
        for result in await asyncio.gather(*(f for f, _, _ in pending), return_exceptions=True):
            if isinstance(result, BaseException):
                raise result

    # ------------------------------------------------------------------ assignment and lag
    async def assigned(self, assigned: Iterable[TopicPartition]) -> None:
        """Where each newly held partition starts: this group's committed offset, else faust's
        group's (the upgrade from the faust agent), committed at once for this group."""
        consumer = self.consumer
        assert consumer is not None
        assigned = sorted(assigned)
        self.generation += 1
        # Paused before anything is awaited: the fetcher may already read a fresh partition from
        # its earliest offset, and the loop must not take those records before the seek below.
        consumer.pause(*assigned)
        try:
            async with self.lock:
                await self._start_positions(consumer, assigned)
        finally:
            consumer.resume(*(tp for tp in assigned if tp in consumer.assignment()))

    async def _start_positions(self, consumer: AIOKafkaConsumer, assigned: list[TopicPartition]) -> None:
        fresh = []
        for tp in assigned:
            committed = await consumer.committed(tp)
            if committed is None:
                fresh.append(tp)
            else:
                self.committed[tp] = committed
        if not fresh:
            return
        for attempt in range(1, self.adopt_tries + 1):
            try:
                adopted = await self._faust_offsets(fresh)
                break
            except KafkaError as exc:
                if attempt == self.adopt_tries:
                    # Given up: aiokafka logs the listener's failure and goes on, the fresh
                    # partitions resumed without a position, so they start at the consumer's
                    # auto_offset_reset (earliest). tests/unit/runtime/test_hop.py
                    raise
                log.warning("process hop: could not read faust's group offsets (%r); trying again", exc)
                await asyncio.sleep(self.retry_after)
        if adopted:
            self.committed.update(adopted)
            for tp, offset in adopted.items():
                consumer.seek(tp, offset)
            await consumer.commit(adopted)
            log.warning("process hop: group %s starts where faust's group %s stood on %s: %s", self.group,
                        self.nw.settings.app_id, self.source,
                        ", ".join(f"[{tp.partition}]@{offset}" for tp, offset in sorted(adopted.items())))

    async def _faust_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        admin = AIOKafkaAdminClient(**kafka_client_options(self.nw.settings))
        await admin.start()
        try:
            offsets = await admin.list_consumer_group_offsets(self.nw.settings.app_id, partitions=tps)
        finally:
            await admin.close()
        return {tp: meta.offset for tp, meta in offsets.items() if tp in tps and meta.offset >= 0}

    def revoked(self, revoked: Iterable[TopicPartition]) -> None:
        self.generation += 1
        for tp in revoked:
            self.committed.pop(tp, None)

    async def lag_rows(self) -> list[tuple[str, int, int, int]]:
        """(topic, partition, end offset, lag) for the partitions of news.raw this worker holds."""
        consumer = self.consumer
        if consumer is None:
            return []
        tps = sorted(consumer.assignment())
        if not tps:
            return []
        ends = await consumer.end_offsets(tps)
        starts = {tp: self.committed[tp] for tp in tps if tp in self.committed}
        never = [tp for tp in tps if tp not in starts]
        if never:
            starts.update(await consumer.beginning_offsets(never))
        return [(tp.topic, tp.partition, ends[tp], max(ends[tp] - starts.get(tp, 0), 0)) for tp in tps if tp in ends]


class Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Revoke: wait for the batch in flight, which commits before it lets go of the lock.
    Assign: start fresh partitions where faust's group stood."""

    def __init__(self, hop: ProcessHop) -> None:
        self.hop = hop

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.hop.lock:
            self.hop.revoked(revoked)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self.hop.assigned(assigned)


def transient(exc: BaseException) -> bool:
    """A delivery failure that a later attempt can get past: a broker, leader or coordinator
    away (aiokafka marks those ``retriable``), or the producer's own wait for it running out
    (``KafkaTimeoutError``, which aiokafka does not mark, having retried within that wait). A
    record too large or a topic the worker may not write to is refused for good: a dead letter."""
    return isinstance(exc, KafkaTimeoutError | TimeoutError) or bool(getattr(exc, "retriable", False))
