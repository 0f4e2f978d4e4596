"""The replayer behind `newswatch replay ARCHIVE...` (the command: streams/cli/replay.py):
archived records back onto news.raw (or another topic).

Each record is produced with its original event time as its Kafka timestamp (an archive
record's own Kafka timestamp; a plain line's ``published_at``), its key, value and headers,
plus ``newswatch-replay: <run id>`` and ``newswatch-replay-at: <file index>:<line>``. The
worker takes an article's ``ingested_at`` from that timestamp and rules follow event time
(``published_at``, else ``ingested_at``), so a replay raises the same alerts as the live run.

Pacing (pacing.py): as fast as possible, ``--rate N`` records/s, or ``--speed F`` times the
original pace; ``--from``/``--to`` keep event times in [from, to). Progress (rate, ETA) goes
to stderr. ``--resume`` continues an interrupted run with nothing lost or sent twice
(resume.py says how).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streams.archive.files import Problem
from streams.archive.reader import Plan, outside, read, verify
from streams.archive.record import Record
from streams.kafka import RAW
from streams.replay.pacing import Pacer
from streams.replay.resume import AT_HEADER, RUN_HEADER, State

MAX_INFLIGHT = 10_000  # records sent and not yet acknowledged
SAVE_EVERY = 1.0  # seconds between state saves
LINGER = 0.005  # seconds a batch may wait for more records before it is sent
SWITCH_INTERVAL = 0.0002  # seconds: how soon the reading thread gets the GIL back (see run())
TURN_EVERY = 64  # records between turns of the event loop (requests out, acks in), about 1 ms
LONG_WAIT = 0.1  # a wait sleeps in steps of at most this, watching for Ctrl-C


class ReplayFailed(RuntimeError):
    """The cluster refused or lost a send; the state is saved up to the last acknowledged record."""


@dataclass(slots=True)
class Outcome:
    sent: int = 0
    bad: int = 0
    filtered: int = 0
    already: int = 0  # delivered by the interrupted run past its saved position, skipped now
    interrupted: bool = False
    elapsed: float = 0.0


class _Batch:
    """Records bound for one partition, built in place (aiokafka's BatchBuilder) and sent as one;
    ``future`` is set once the batch is handed to the producer, and resolves to its base offset."""

    __slots__ = ("base", "builder", "count", "future", "partition")

    def __init__(self, builder: Any, partition: int) -> None:
        self.builder, self.partition = builder, partition
        self.count = 0
        self.future: Any = None
        self.base: int | None = None  # offset of its first record, once acknowledged


@dataclass
class Replay:
    """One run over a plan.

    ``producer`` is a started AIOKafkaProducer (or anything with its ``partitions_for``,
    ``create_batch``, ``send_batch`` and ``flush``); ``save`` persists the state.

    Throughput: files are read and gunzipped ahead in a thread; records are appended to one
    open batch per partition (a fraction of the cost of ``send()`` per record), and a batch
    is sent when full, when it has been open for ``LINGER`` seconds and the partition's
    previous batch was acknowledged (so the next one fills during the round trip), before a
    paced wait, and at the end. Every ``turn_every`` records the loop yields to the event loop
    so the producer can send and acknowledgements come in.

    Partitions: a record goes to the partition it was archived from when the target has
    it (the live layout: per-partition order and the workers' assignment are reproduced),
    else by the hash of its key as the Java client and aiokafka place records."""

    plan: Plan
    topic: str
    producer: Any
    state: State
    pacer: Pacer = field(default_factory=Pacer)
    save: Callable[[State], None] = lambda state: None
    delivered: set[tuple[int, int]] = field(default_factory=set)
    start_ms: int | None = None
    end_ms: int | None = None
    report: Callable[[Problem], None] = lambda problem: None
    on_send: Callable[[Record, float], None] | None = None  # (record, monotonic send time), for benchmarks
    advance: Callable[[int], None] | None = None  # progress: lines handled
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Any] = asyncio.sleep
    turn_every: int = TURN_EVERY

    def __post_init__(self) -> None:
        self.outcome = Outcome()
        # (position, position handled before it, batch, index in the batch), in send order
        self.pending: deque[tuple[tuple[int, int], tuple[int, int], _Batch, int]] = deque()
        self.handled: tuple[int, int] = self.state.done
        self.offsets = {int(p): o for p, o in self.state.scan_from.items()}
        self.last_save = self.clock()
        self._unreported = 0
        self._open: dict[int, _Batch] = {}
        self._open_since = 0.0
        self._last: dict[int, Any] = {}  # partition -> future of the last batch sent
        self._partitions: list[int] = []
        self._partition_set: frozenset[int] = frozenset()

    # ------------------------------------------------------------- bookkeeping

    def _settle(self) -> None:
        """Take acknowledged records off the front of the queue, in order."""
        pending, offsets, outcome, state = self.pending, self.offsets, self.outcome, self.state
        while pending:
            batch = pending[0][2]
            base = batch.base
            if base is None:
                fut = batch.future
                if fut is None or not fut.done():
                    return
                exc = fut.exception()
                if exc is not None:
                    self._failed(exc)
                    continue
                base = batch.base = fut.result().offset
            i = pending.popleft()[3]
            if base + i + 1 > offsets.get(batch.partition, 0):
                offsets[batch.partition] = base + i + 1
            outcome.sent += 1
            state.sent += 1

    def _failed(self, exc: BaseException) -> None:
        """The first pending record's batch failed: a record too large is reported and
        skipped; anything else stops the run (its position stays before that record)."""
        from aiokafka.errors import MessageSizeTooLargeError

        pos, _, batch, _ = self.pending[0]
        if isinstance(exc, MessageSizeTooLargeError) and batch.count == 1:
            self.pending.popleft()
            self._problem(Problem(self._path(pos[0]), pos[1], f"refused by the broker ({exc}); skipped"))
            return
        raise ReplayFailed(f"{self._path(pos[0])}:{pos[1]}: send failed: {type(exc).__name__}: {exc}")

    def _done(self) -> tuple[int, int]:
        return self.pending[0][1] if self.pending else self.handled

    def _path(self, index: int) -> str:
        return self.plan.sources[index].path if 0 <= index < len(self.plan.sources) else ""

    def _save(self) -> None:
        index, line = self._done()
        st = self.state
        st.done_index, st.done_line, st.done_path = index, line, self._path(index)
        st.scan_from = {str(p): o for p, o in sorted(self.offsets.items())}
        self.save(st)
        self.last_save = self.clock()

    def _progress(self, lines: int, flush: bool = False) -> None:
        """Progress in batches: a progress bar update costs more than sending a record."""
        self._unreported += lines
        if self.advance is not None and self._unreported and (flush or self._unreported >= 256
                                                                or self.pacer.paced):
            self.advance(self._unreported)
            self._unreported = 0

    def _problem(self, problem: Problem) -> None:
        self.outcome.bad += 1
        self.state.bad += 1
        self.report(problem)

    # --------------------------------------------------------------- sending

    def _partition(self, rec: Record) -> int:
        p = rec.partition
        if p is not None and p in self._partition_set:
            return p
        return _hash_partition(rec.key, self._partitions)

    def _append(self, p: int, rec: Record, headers: list[tuple[str, bytes]]) -> _Batch | None:
        """Add the record to partition ``p``'s open batch; None (and nothing added) when that
        batch is full and must be sent first."""
        batch = self._open.get(p)
        if batch is None:
            batch = self._open[p] = _Batch(self.producer.create_batch(), p)
            if len(self._open) == 1:
                self._open_since = self.clock()
        if batch.builder.append(timestamp=rec.timestamp, key=rec.key, value=rec.value, headers=headers) is None:
            return None
        batch.count += 1
        return batch

    async def _send(self, batch: _Batch) -> None:
        del self._open[batch.partition]
        batch.builder.close()  # complete: the producer sends it without lingering
        batch.future = await self.producer.send_batch(batch.builder, self.topic, partition=batch.partition)
        self._last[batch.partition] = batch.future

    async def _send_idle(self) -> None:
        """Send the open batches of partitions with no batch on its way: while one is, the
        next one keeps filling (as the producer's own accumulator does), so reading and
        parsing overlap the round trip instead of waiting for it."""
        for p, batch in list(self._open.items()):
            last = self._last.get(p)
            if last is None or last.done():
                await self._send(batch)
        self._open_since = self.clock() if self._open else 0.0

    async def _send_open(self) -> None:
        for batch in list(self._open.values()):
            await self._send(batch)

    async def _wait(self, delay: float) -> None:
        """Until ``delay`` from now on the clock, in steps of at most LONG_WAIT so that a stop
        is noticed; the last step is measured against the clock, so it ends on time."""
        due = self.clock() + delay
        await self._send_open()
        if delay > SAVE_EVERY:  # a long pause: make the position durable first
            self._settle()
            self._save()
        while not self.stop.is_set():
            left = due - self.clock()
            if left <= 0:
                return
            await self.sleep(min(left, LONG_WAIT))

    async def _drain(self, timeout: float) -> None:
        await self._send_open()
        futures = {b.future for _, _, b, _ in self.pending if b.future is not None}
        if futures:
            with contextlib.suppress(Exception):  # a failed send is reported by _settle, with its line
                await asyncio.wait_for(self.producer.flush(), timeout)
            await asyncio.wait(futures, timeout=timeout)
        self._settle()

    # -------------------------------------------------------------------- run

    async def run(self) -> Outcome:
        started = self.clock()
        # Files are read and gunzipped ahead in a thread (files.raw_lines), with the GIL
        # released while zlib works; at the default 5 ms switch interval that thread waits
        # milliseconds for the GIL at every hand-over while this loop runs, and falls behind.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
        try:
            self._partitions = sorted(await self.producer.partitions_for(self.topic))
            self._partition_set = frozenset(self._partitions)
            await self._run()
            await self._drain(60.0)
            if self.pending:
                raise ReplayFailed(f"{len(self.pending)} records were not acknowledged within 60 s")
            self.state.complete = not self.outcome.interrupted
        finally:
            sys.setswitchinterval(interval)
            self._open.clear()
            with contextlib.suppress(ReplayFailed):
                self._settle()
            self._save()
            self.outcome.elapsed = self.clock() - started
        return self.outcome

    async def _run(self) -> None:
        run_id = self.state.run_id.encode()
        extra = {RUN_HEADER, AT_HEADER}
        counts: list[int] | None = None
        done_index, done_line = self.state.done
        if self.advance is not None and done_index > 0:
            counts = self.plan.counts()
            self._progress(sum(counts[:done_index]), flush=True)
        start_ms, end_ms, delivered, pending = self.start_ms, self.end_ms, self.delivered, self.pending
        paced, stop, clock, advance, on_send = self.pacer.paced, self.stop, self.clock, self.advance, self.on_send
        append, partition_of = self._append, self._partition
        countdown = self.turn_every
        for index, src in enumerate(self.plan.sources):
            if index < done_index:
                continue
            after = done_line if index == done_index else 0
            lines = src.records
            if after:
                self._progress(after)
            seen = after
            problem = verify(src)
            if problem is None and outside(src, start_ms, end_ms):
                self.outcome.filtered += src.records or 0
                self.state.filtered += src.records or 0
            elif problem is not None:
                self._problem(problem)
            else:
                for lineno, rec, problem in read(src, after):
                    pos = (index, lineno)
                    if rec is None:
                        assert problem is not None  # an item has a record or a problem
                        self._problem(problem)
                        if lineno:
                            self.handled = pos
                        continue
                    if advance is not None:
                        self._progress(lineno - seen)
                    seen = lineno
                    if delivered and pos in delivered:  # sent by the interrupted run after its last save
                        self.outcome.already += 1
                        self.state.sent += 1
                        self.handled = pos
                        continue
                    ts = rec.timestamp
                    if (start_ms is not None and (ts is None or ts < start_ms)) or (
                            end_ms is not None and (ts is None or ts >= end_ms)):
                        self.outcome.filtered += 1
                        self.state.filtered += 1
                        self.handled = pos
                        continue
                    if paced:
                        delay = self.pacer.delay(ts)
                        if delay > 0:
                            await self._wait(delay)
                        if stop.is_set():
                            self.outcome.interrupted = True
                            return
                    if rec.headers:
                        headers = [h for h in rec.headers if h[0] not in extra]
                        headers.append((RUN_HEADER, run_id))
                        headers.append((AT_HEADER, b"%d:%d" % pos))
                    else:
                        headers = [(RUN_HEADER, run_id), (AT_HEADER, b"%d:%d" % pos)]
                    if on_send is not None:
                        on_send(rec, clock())
                    p = partition_of(rec)
                    batch = append(p, rec, headers)
                    if batch is None:  # that partition's batch is full: send it, start the next
                        await self._send(self._open[p])
                        batch = append(p, rec, headers)
                        assert batch is not None  # a record always fits in an empty batch
                    pending.append((pos, self.handled, batch, batch.count - 1))
                    self.handled = pos
                    countdown -= 1
                    if paced or not countdown or len(pending) >= MAX_INFLIGHT:
                        # A turn of the event loop: acknowledgements and signals are only
                        # handled while this loop awaits, so every TURN_EVERY records (and
                        # every record when paced) it sends what is due, lets the producer
                        # work, takes stock and saves the position now and then.
                        countdown = self.turn_every
                        if paced:
                            await self._send_open()
                        elif clock() - self._open_since >= LINGER:
                            await self._send_idle()
                        await asyncio.sleep(0)
                        if len(pending) >= MAX_INFLIGHT:
                            await self._send_open()
                            await asyncio.wait([pending[0][2].future])
                        self._settle()
                        if clock() - self.last_save >= SAVE_EVERY:
                            self._save()
                        if stop.is_set():
                            self.outcome.interrupted = True
                            return
            if stop.is_set():
                self.outcome.interrupted = True
                return
            if self.advance is not None:
                if lines is None:
                    if counts is None:
                        counts = self.plan.counts()
                    lines = counts[index]
                self._progress(max(0, lines - seen), flush=True)
            self.handled = (index + 1, 0)


def _hash_partition(key: bytes | None, partitions: list[int]) -> int:
    """As the Java client and aiokafka place a record: murmur2 of the key, else at random."""
    from aiokafka.partitioner import DefaultPartitioner

    return int(DefaultPartitioner()(key, partitions, partitions))


# --------------------------------------------------------------------- Kafka


async def ensure_target(settings: Any, topic: str) -> None:
    """Create the target topic (all of the pipeline's, when it is the pipeline's news.raw)."""
    from streams.runtime.topics import ensure_topics

    if topic == settings.topic(RAW):
        await ensure_topics(settings)
    else:
        await ensure_topics(dataclasses.replace(settings, topic_prefix=""), (topic,))


async def retention_ms(options: dict[str, Any], topic: str) -> int | None:
    """The topic's retention.ms, or None when it cannot be read."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(**options)
    try:
        await admin.start()
        # configs as a dict: aiokafka takes its keys (a list raised, and the warning never showed)
        resource = ConfigResource(ConfigResourceType.TOPIC, topic, {"retention.ms": None})
        responses = await admin.describe_configs([resource])
        for response in responses:
            for resource in response.resources:
                for entry in resource[4]:
                    if entry[0] == "retention.ms" and entry[1] is not None:
                        return int(entry[1])
    except Exception:  # a warning only: never stop a replay for it
        return None
    finally:
        await admin.close()
    return None


def producer_options() -> dict[str, Any]:
    """Producer settings of the replayer (the benchmark's bare producer uses the same)."""
    return {"enable_idempotence": True, "linger_ms": 5, "max_batch_size": 512 * 1024,
            "max_request_size": 8 * 1024 * 1024}
