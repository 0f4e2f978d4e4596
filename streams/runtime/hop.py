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
   a dead letter refused for good is written again without the record's bytes (its reason and
   position kept), so one record can never hold its partition by being too large to set aside;
3. commits the batch's offsets. Delivery is at least once: a failure before the commit seeks
   the batch's partitions back, and a worker that dies redelivers from the last commit; alert
   ids make a redelivery harmless.

A batch that fails is read again after a wait that doubles per failure in a row at the same
offset (1 s to 30 s); from the third failure each is logged at ERROR and the partition's count
exported (``newswatch_process_hop_failed_attempts``). After ``NEWSWATCH_HOP_MAX_ATTEMPTS``
failures in a row the next attempt gives up the outputs the broker still does not take for a
passing reason: their inputs are dead-lettered (kind ``undelivered``, the bytes kept for a
replay). Nothing is committed past a record that left neither its outputs nor a dead letter.

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
commits it at once, so an upgraded deployment loses and repeats nothing (CHANGELOG.md). A
partition neither group committed starts where ``NEWSWATCH_HOP_START_AT`` says (earliest,
latest, or the first record no older than a duration), also committed at once. Settling these
starts runs under the stall watch too: when the coordinator does not answer (or faust's group
cannot be read) the partitions stay paused, never started at a guessed offset, and the loop
tries again after a backoff while the other partitions go on.

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
import time
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import CommitFailedError, KafkaError
from mode import Service

from streams.kafka import kafka_client_options, process_group
from streams.runtime import agents, metrics
from streams.runtime.app import Newswatch
from streams.settings import start_window

log = logging.getLogger("newswatch.hop")

POLL_MS = 100  # longest a getmany() waits for records (and so a rebalance or stop waits for the loop)
STOP_GRACE = 10.0  # seconds a stop waits for the batch in flight before it gives it up (redelivered)
CLIENT_STOP = 5.0  # seconds each client gets to close (a broker that is gone must not hold a SIGTERM)
RETRY_AFTER = 1.0  # seconds before the loop reads again after a batch failed (doubled per failure in a row)
MAX_BACKOFF = 30.0  # the longest wait between two attempts at the same records
ADOPT_TRIES = 5  # attempts at reading faust's group offsets for a partition this group never committed


class BrokerAway(Exception):
    """An output the producer could not even queue because the broker is away (not a KafkaError,
    so that the stage's handler lets it through): the batch is read again."""


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
        self.max_attempts = s.hop_max_attempts  # failed attempts in a row before undelivered outputs are given up
        # per partition: (first offset of the batch that failed, failed attempts at it in a row)
        self.attempts: dict[TopicPartition, tuple[int, int]] = {}
        self.deadletter = t.deadletter.get_topic_name()
        # partitions assigned whose start position is not settled yet: paused until it is
        self.unresolved: set[TopicPartition] = set()
        self.start_failures = 0  # failed attempts in a row at settling them
        self._resolve_at = 0.0  # loop time of the next attempt
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
                if self.unresolved and asyncio.get_running_loop().time() >= self._resolve_at:
                    async with self.lock:
                        await self._resolve()
                # Not under the lock: getmany() waits for the group's join, whose revoke takes the lock.
                generation = self.generation
                batch = await consumer.getmany(timeout_ms=POLL_MS, max_records=self.nw.settings.batch_size)
                async with self.lock:
                    if batch and generation == self.generation:
                        await self._watched(batch)
                        self._succeeded(batch)
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
                await asyncio.sleep(self._failed(batch))

    def _failed(self, batch: Mapping[TopicPartition, list[Any]]) -> float:
        """Count a failed attempt at each of the batch's partitions (in a row when it starts at
        the same offset as the last failed one), report partitions that keep failing, and
        return how long to wait before reading them again (doubling, at most MAX_BACKOFF)."""
        most = 0
        for tp, records in sorted(batch.items()):
            if not records:
                continue
            offset = records[0].offset
            last = self.attempts.get(tp)
            n = last[1] + 1 if last is not None and last[0] == offset else 1
            self.attempts[tp] = (offset, n)
            metrics.hop_failed_attempts.labels(tp.topic, str(tp.partition)).set(n)
            most = max(most, n)
            if self.max_attempts and n == self.max_attempts:
                log.error("process hop: %s[%s]@%s failed %d times in a row; the next attempt dead-letters the "
                          "outputs the broker still does not take (kind undelivered, with the article's bytes for "
                          "a replay) so the partition moves on", tp.topic, tp.partition, offset, n)
            elif n >= 3:
                log.error("process hop: %s[%s]@%s failed %d times in a row; the partition waits (read again in "
                          "%g s)", tp.topic, tp.partition, offset, n, self._backoff(n))
        return self._backoff(most) if most else self.retry_after

    def _backoff(self, n: int) -> float:
        wait: float = self.retry_after * 2.0 ** min(max(n - 1, 0), 16)
        return min(wait, max(MAX_BACKOFF, self.retry_after))

    def _succeeded(self, batch: Mapping[TopicPartition, list[Any]]) -> None:
        for tp in batch:
            if self.attempts.pop(tp, None) is not None:
                metrics.hop_failed_attempts.labels(tp.topic, str(tp.partition)).set(0)

    def _exhausted(self, batch: Mapping[TopicPartition, list[Any]]) -> bool:
        """Whether this batch starts where one failed NEWSWATCH_HOP_MAX_ATTEMPTS times in a row."""
        if not self.max_attempts:
            return False
        for tp, records in batch.items():
            last = self.attempts.get(tp)
            if records and last is not None and last[0] == records[0].offset and last[1] >= self.max_attempts:
                return True
        return False

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
        give_up = self._exhausted(batch)
        pending: list[tuple[asyncio.Future[Any], Record, str, bytes | None]] = []
        current: list[Record] = []
        names = self.names

        async def send(topic: Any, key: bytes, value: bytes | None) -> Any:
            name = names[id(topic)]
            try:
                future = await producer.send(name, value, key=key)
            except KafkaError as exc:
                if agents.transient(exc):
                    # a broker away at send time (no metadata within the producer's wait): the batch is
                    # read again, as for a delivery that failed so; the stage's handler would dead-letter
                    # any KafkaError as refused for good
                    raise BrokerAway(f"{name}: {type(exc).__name__}: {exc}") from exc
                raise
            pending.append((future, current[0], name, value))
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
        await self._delivered(pending, send, give_up)
        progress()
        offsets = {tp: records[-1].offset + 1 for tp, records in batch.items() if records}
        await consumer.commit(offsets)
        self.committed.update(offsets)

    async def _delivered(self, pending: list[tuple[asyncio.Future[Any], Record, str, bytes | None]], send: Any,
                         give_up: bool = False) -> None:
        """Wait for the batch's deliveries; dead-letter the input of each output the broker
        refused (once per input), then wait for those dead letters.

        An output not delivered for a passing reason (:func:`agents.transient`) raises: the batch
        is read again, unless ``give_up`` (the batch failed NEWSWATCH_HOP_MAX_ATTEMPTS times in a
        row): then its input is dead-lettered too, kind ``undelivered``. A dead letter refused for
        good is written again without the record's bytes (its reason and position kept); one
        not delivered for a passing reason, or refused even so, raises: nothing is committed
        past a record that left no trace."""
        results = await asyncio.gather(*(f for f, _, _, _ in pending), return_exceptions=True)
        refused: dict[int, tuple[Record, str, BaseException]] = {}
        letters: list[tuple[Record, bytes | None, BaseException]] = []
        for (_, event, topic, value), result in zip(pending, results, strict=True):
            if not isinstance(result, BaseException):
                continue
            if topic == self.deadletter:
                if agents.transient(result):
                    raise result
                letters.append((event, value, result))
            elif topic not in self.stage_of or (agents.transient(result) and not give_up):
                # a broker away for longer than the producer waits: the batch is read again, the
                # article is not lost (its alert would be)
                raise result
            else:
                refused.setdefault(id(event), (event, self.stage_of[topic], result))
        if not refused and not letters:
            return
        del pending[:]
        for event, stage, exc in refused.values():
            kind = "undelivered" if agents.transient(exc) else "send_failed"
            reason = f"{type(exc).__name__}: {exc}"
            if kind == "undelivered":
                reason = f"not delivered after {self.max_attempts} attempts: {reason}"
            log.error("stage %s: the broker %s an output for %s[%s]@%s: %r", stage,
                      "did not take" if kind == "undelivered" else "refused", event.topic, event.partition,
                      event.offset, exc)
            await agents._reject(stage, self.nw, send, event, kind, reason, None, 0.0)
            if self.meters is not None:
                self.meters[stage].refused(kind)
        reduced = [await self._without_original(event, value, exc) for event, value, exc in letters]
        for (_, event, _topic, value), result in zip(
                pending, await asyncio.gather(*(f for f, _, _, _ in pending), return_exceptions=True), strict=True):
            if isinstance(result, BaseException):
                if agents.transient(result):
                    raise result
                reduced.append(await self._without_original(event, value, result))
        for future in reduced:
            await future  # refused even without the record's bytes: raises, the batch is read again

    async def _without_original(self, event: Record, letter: bytes | None, exc: BaseException) -> asyncio.Future[Any]:
        """Send again a dead letter the broker refused for good, without the record's bytes."""
        producer = self.producer
        assert producer is not None
        try:
            data = orjson.loads(letter or b"{}")
            stage, kind, message = str(data["stage"]), str(data["error_kind"]), str(data["message"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            stage, kind, message = self.first, "send_failed", "a dead letter the broker refused"
        if "not included:" in message:  # already without the bytes: nothing smaller to send
            raise exc
        value = agents.without_original(stage, kind, message, event, exc)
        future: asyncio.Future[Any] = await producer.send(self.deadletter, value, key=event.key)
        return future

    # ------------------------------------------------------------------ assignment and lag
    async def assigned(self, assigned: Iterable[TopicPartition]) -> None:
        """Where each newly held partition starts: this group's committed offset, else faust's
        group's (the upgrade from the faust agent), else NEWSWATCH_HOP_START_AT; committed at
        once for this group. Settled here under the stall watch; a coordinator that does not
        answer (or fails) leaves the partitions paused, and the loop settles them later."""
        consumer = self.consumer
        assert consumer is not None
        assigned = sorted(assigned)
        self.generation += 1
        # Paused before anything is awaited: the fetcher may already read a fresh partition from
        # the consumer's reset offset, and the loop must not take those records before the seek.
        consumer.pause(*assigned)
        self.unresolved.update(assigned)
        self.start_failures = 0
        async with self.lock:
            await self._resolve()

    async def _resolve(self) -> None:
        """Settle the start of the partitions in ``unresolved`` (under the lock) and resume
        them; on a failure or no answer within the stall timeout they stay paused, and the
        next attempt waits a backoff (the loop's other partitions go on meanwhile)."""
        consumer = self.consumer
        assert consumer is not None
        held = consumer.assignment()
        self.unresolved &= held
        tps = sorted(self.unresolved)
        if not tps:
            return
        try:
            if self.stall_after > 0:
                async with asyncio.timeout(self.stall_after):
                    await self._start_positions(consumer, tps)
            else:
                await self._start_positions(consumer, tps)
        except (KafkaError, TimeoutError) as exc:
            tps = sorted(self.unresolved)  # those with a committed offset went on
            self.start_failures += 1
            wait = self._backoff(self.start_failures)
            self._resolve_at = asyncio.get_running_loop().time() + wait
            where = ", ".join(f"[{tp.partition}]" for tp in tps)
            if isinstance(exc, TimeoutError):
                metrics.hop_stalls.inc()
                why = f"no answer within {self.stall_after:g} s (NEWSWATCH_HOP_STALL_TIMEOUT)"
            else:
                why = repr(exc)
            log.error("process hop: could not settle where %s %s start (%s, %d time(s) in a row); they stay "
                      "paused, trying again in %g s", self.source, where, why, self.start_failures, wait)
            for tp in tps:
                metrics.hop_failed_attempts.labels(tp.topic, str(tp.partition)).set(self.start_failures)
            return
        self.unresolved.difference_update(tps)
        if self.start_failures:
            for tp in tps:
                metrics.hop_failed_attempts.labels(tp.topic, str(tp.partition)).set(0)
        self.start_failures = 0
        consumer.resume(*tps)

    async def _start_positions(self, consumer: AIOKafkaConsumer, assigned: list[TopicPartition]) -> None:
        fresh, known = [], {}
        for tp in assigned:
            committed = await consumer.committed(tp)
            if committed is None:
                fresh.append(tp)
            else:
                known[tp] = committed
        self.committed.update(known)
        if known:  # their start is settled: they need not wait for the others'
            self.unresolved.difference_update(known)
            consumer.resume(*known)
        if not fresh:
            return
        adopted: dict[TopicPartition, int] = {}
        for attempt in range(1, self.adopt_tries + 1):
            try:
                adopted = await self._faust_offsets(fresh)
                break
            except KafkaError as exc:
                if not agents.transient(exc):
                    # e.g. not authorised to describe faust's group: a deployment that never ran it
                    log.warning("process hop: cannot read faust's group %s offsets (%r); taking it as none",
                                self.nw.settings.app_id, exc)
                    break
                if attempt == self.adopt_tries:
                    # Given up for now: the partitions stay paused (never started at a guessed
                    # offset), and the loop tries again. tests/unit/runtime/test_hop.py
                    raise
                log.warning("process hop: could not read faust's group offsets (%r); trying again", exc)
                await asyncio.sleep(self.retry_after)
        rest = [tp for tp in fresh if tp not in adopted]
        started = await self._start_at(consumer, rest) if rest else {}
        start = {**adopted, **started}
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        await consumer.commit(start)
        self.committed.update(start)
        if adopted:
            log.warning("process hop: group %s starts where faust's group %s stood on %s: %s", self.group,
                        self.nw.settings.app_id, self.source,
                        ", ".join(f"[{tp.partition}]@{offset}" for tp, offset in sorted(adopted.items())))

    async def _start_at(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        """Where partitions no group ever committed start: NEWSWATCH_HOP_START_AT (earliest,
        latest, or the first record no older than a duration, else the end). What is passed
        over is logged and counted (newswatch_process_hop_start_skipped)."""
        setting = self.nw.settings.hop_start_at
        begins = await consumer.beginning_offsets(tps)
        if setting == "earliest":
            start = dict(begins)
        else:
            ends = await consumer.end_offsets(tps)
            if setting == "latest":
                start = dict(ends)
            else:
                window = start_window(setting)
                assert window is not None  # Settings refuses anything else
                since = int((time.time() - window) * 1000)
                found = await consumer.offsets_for_times({tp: since for tp in tps})
                start = {tp: found[tp].offset if found.get(tp) is not None else ends[tp] for tp in tps}
        skipped = {tp: start[tp] - begins[tp] for tp in tps if start[tp] > begins[tp]}
        if skipped:
            metrics.hop_start_skipped.inc(sum(skipped.values()))
        log.warning("process hop: group %s and faust's group %s never read %s %s: starting at %s "
                    "(NEWSWATCH_HOP_START_AT=%s)%s", self.group, self.nw.settings.app_id, self.source,
                    ", ".join(f"[{tp.partition}]" for tp in tps),
                    ", ".join(f"[{tp.partition}]@{offset}" for tp, offset in sorted(start.items())), setting,
                    f"; {sum(skipped.values())} older record(s) not read: "
                    + ", ".join(f"[{tp.partition}]@{begins[tp]}-{start[tp] - 1}" for tp in sorted(skipped))
                    if skipped else "")
        return start

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
            self.unresolved.discard(tp)
            self.attempts.pop(tp, None)
            with contextlib.suppress(KeyError):  # its new owner reports it
                metrics.hop_failed_attempts.remove(tp.topic, str(tp.partition))

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


transient = agents.transient  # kept importable from here
