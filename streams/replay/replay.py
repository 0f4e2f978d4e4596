"""`newswatch replay ARCHIVE...`: archived records back onto news.raw (or another topic).

Each record is produced with its original event time as its Kafka timestamp (an archive
record's own Kafka timestamp; a plain line's ``published_at``), its key, value and headers,
plus ``newswatch-replay: <run id>`` and ``newswatch-replay-at: <file index>:<line>``. The
worker takes an article's ``ingested_at`` from that timestamp and rules follow event time
(``published_at``, else ``ingested_at``), so a replay raises the same alerts as the live run.

Pacing (pacing.py): as fast as possible, ``--rate N`` records/s, or ``--speed F`` times the
original pace; ``--from``/``--to`` keep event times in [from, to). Progress (rate, ETA) goes
to stderr. ``--resume`` continues an interrupted run with nothing lost or sent twice
(resume.py says how). Exit codes: 0 done, 2 usage error, 3 done but bad input was reported
and skipped, 130 interrupted (state saved), 1 the cluster failed the run (state saved).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import secrets
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams.kafka import RAW
from streams.replay.files import Problem
from streams.replay.inputs import InputError, Plan, outside, read, resolve, verify
from streams.replay.pacing import Pacer
from streams.replay.record import Record, rfc3339_ms
from streams.replay.resume import AT_HEADER, RUN_HEADER, State

EXIT_FAILED, EXIT_INTERRUPTED = 1, 130
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
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic, ["retention.ms"])])
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


# ----------------------------------------------------------------------- CLI


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet_client_logs() -> None:
    """aiokafka logs retries it recovers from (a new topic's leader not elected yet) as
    warnings; the commands report what fails, with what to do."""
    import logging

    logging.getLogger("aiokafka").setLevel(logging.ERROR)


def _rate_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} records/s" if speed else "- records/s", style="cyan")

    return Rate()


def _new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


async def _main(args: argparse.Namespace, settings: Any, topic: str, state_path: Path,
                start_ms: int | None, end_ms: int | None) -> int:
    from aiokafka import AIOKafkaProducer
    from aiokafka.errors import KafkaError

    from streams.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
    from streams.kafka import kafka_client_options
    from streams.replay import resume

    options = kafka_client_options(settings)
    existing = resume.load(state_path) if state_path.exists() else None
    if args.resume and existing is None:
        _say(f"nothing to resume: no interrupted replay of these inputs to {topic} (its state would be "
             f"{state_path}); run the same command without --resume")
        return EXIT_USAGE
    if args.resume and existing is not None and existing.complete:
        _say(f"replay run {existing.run_id} of these inputs to {topic} finished at {existing.updated_at}; "
             "nothing to resume (run without --resume to replay again)")
        return EXIT_OK
    try:
        plan = resolve(args.archives, existing.limits if args.resume and existing is not None else None)
    except InputError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        _say(f"cannot read the inputs: {exc}")
        return EXIT_USAGE
    problems = list(plan.problems)
    for p in problems:
        _say(str(p))
    delivered: set[tuple[int, int]] = set()
    if args.resume and existing is not None:
        state = existing
        if plan.digest() != state.digest:
            _say(f"the files to replay are not those run {state.run_id} began with (moved, changed or missing); "
                 "run without --resume to start over")
            return EXIT_USAGE
        await ensure_target(settings, topic)
        delivered = await resume.delivered_since(options, topic, state.run_id,
                                                 {int(p): o for p, o in state.scan_from.items()}, state.done)
        _say(f"resuming run {state.run_id} after {state.done_path or 'the start'}:{state.done_line} "
             f"({state.sent} records sent before; {len(delivered)} more found delivered on {topic})")
    else:
        if existing is not None and not existing.complete:
            _say(f"note: run {existing.run_id} of these inputs to {topic} was interrupted; starting a new run "
                 "(--resume would have continued it)")
        state = State(args.run_id or _new_run_id(), [str(Path(i).resolve()) for i in args.archives], topic,
                      settings.bootstrap_servers, args.from_, args.to, plan.limits, plan.digest())
        await ensure_target(settings, topic)
        state.scan_from = {str(p): o for p, o in (await resume.end_offsets(options, topic)).items()}
        resume.save(state_path, state)

    oldest = plan.oldest()
    keep = await retention_ms(options, topic)
    if oldest is not None and keep is not None and keep >= 0 and oldest < time.time() * 1000 - keep:
        _say(f"warning: {topic} keeps records for retention.ms={keep} ({keep / 86_400_000:.1f} days) by their "
             f"timestamps, and this archive holds older ones: the broker may delete them soon after they are "
             f"written. Raise the topic's retention.ms (-1 keeps them) while replaying.")

    pacer = Pacer(rate=args.rate, speed=args.speed)
    producer = AIOKafkaProducer(**producer_options(), **options)
    try:
        await producer.start()
    except BaseException:
        await producer.stop()
        raise
    replay = Replay(plan, topic, producer, state, pacer, save=lambda st: resume.save(state_path, st),
                    delivered=delivered, start_ms=start_ms, end_ms=end_ms)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, replay.stop.set)
    _say(f"replay run {state.run_id}: {len(plan.sources)} file(s) to {topic} on {settings.bootstrap_servers}, "
         f"{pacer.mode}; state {state_path}")
    progress: Any = None
    failed: str | None = None
    try:
        if not args.quiet:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            progress = Progress(TextColumn("replay"), BarColumn(), MofNCompleteColumn(), _rate_column(),
                                TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=False)
            progress.start()
            task = progress.add_task("replay", total=sum(plan.counts()) or None)
            console = progress.console
            replay.advance = lambda n: progress.advance(task, n)
            replay.report = lambda p: console.print(str(p), markup=False, highlight=False, soft_wrap=True)
        else:
            replay.report = lambda p: _say(str(p))
        outcome = await replay.run()
    except (ReplayFailed, KafkaError) as exc:
        failed = str(exc)
        outcome = replay.outcome
    finally:
        if progress is not None:
            progress.stop()
        await producer.stop()
    rate = outcome.sent / outcome.elapsed if outcome.elapsed > 0 else 0.0
    _say(f"run {state.run_id}: {outcome.sent} records sent to {topic} in {outcome.elapsed:.1f}s "
         f"({rate:,.0f} records/s); {outcome.filtered} outside --from/--to; {outcome.bad + len(problems)} bad "
         f"lines or files reported and skipped; {outcome.already} already delivered by the interrupted run")
    if failed is not None:
        _say(f"failed: {failed}\nthe position is saved: fix the cause and run the same command with --resume")
        return EXIT_FAILED
    if outcome.interrupted:
        where = f"{state.done_path}:{state.done_line}" if state.done_path else "the end of the inputs"
        _say(f"interrupted; {state.sent} records sent in all, position saved ({where}); run the same command "
             "with --resume to continue")
        return EXIT_INTERRUPTED
    return EXIT_REJECTED if outcome.bad or problems else EXIT_OK


def main(args: argparse.Namespace) -> int:
    from streams.cli import EXIT_USAGE
    from streams.replay import resume
    from streams.settings import load as load_settings

    bounds: list[int | None] = []
    for flag, value in (("--from", args.from_), ("--to", args.to)):
        ms = rfc3339_ms(value) if value else None
        if value and ms is None:
            _say(f"{flag} {value!r} is not an RFC 3339 time; write e.g. {flag} 2025-02-04T00:00:00Z")
            return EXIT_USAGE
        bounds.append(ms)
    start_ms, end_ms = bounds
    if start_ms is not None and end_ms is not None and end_ms <= start_ms:
        _say(f"--to {args.to} is not after --from {args.from_}; nothing would be replayed")
        return EXIT_USAGE
    if (args.rate is not None and args.rate <= 0) or (args.speed is not None and args.speed <= 0):
        _say("--rate and --speed must be more than 0 (leave both out to replay as fast as possible)")
        return EXIT_USAGE
    missing = [a for a in args.archives if not Path(a).exists()]
    if missing:
        _say(f"no such file or folder: {', '.join(missing)} — give archive folders (with manifest.jsonl) or "
             "JSON Lines files (.jsonl, .jsonl.gz)")
        return EXIT_USAGE
    settings = load_settings()
    quiet_client_logs()
    topic = args.topic or settings.topic(RAW)
    key = resume.key_for(args.archives, topic, settings.bootstrap_servers, args.from_, args.to)
    state_path = Path(args.state) if args.state else settings.cache_dir / "replay" / f"{key}.json"
    from aiokafka.errors import KafkaError

    try:
        with resume.locked(state_path):
            return asyncio.run(_main(args, settings, topic, state_path, start_ms, end_ms))
    except KafkaError as exc:
        _say(f"Kafka at {settings.bootstrap_servers} failed: {type(exc).__name__}: {exc}\ncheck "
             "KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*) and run again"
             + (" with --resume" if args.resume else ""))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("interrupted before the replay began; nothing was sent")
        return EXIT_INTERRUPTED
    except resume.StateError as exc:
        _say(str(exc))
        return EXIT_USAGE


def add_parser(sub: Any) -> None:
    rp = sub.add_parser("replay", help="produce archived records to news.raw with their original event time")
    rp.add_argument("archives", nargs="+", metavar="ARCHIVE",
                    help="archive folders (written by `newswatch archive`) or JSON Lines files (.jsonl, .jsonl.gz)")
    rp.add_argument("--topic", default=None,
                    help="target topic, exactly as named (default news.raw with NEWSWATCH_TOPIC_PREFIX)")
    pace = rp.add_mutually_exclusive_group()
    pace.add_argument("--rate", type=float, default=None, metavar="N", help="send N records per second")
    pace.add_argument("--speed", type=float, default=None, metavar="F",
                      help="the original pace times F (1: real time, 60: an hour per minute)")
    rp.add_argument("--from", dest="from_", default=None, metavar="TIME", help="only event times from TIME (RFC 3339)")
    rp.add_argument("--to", default=None, metavar="TIME", help="only event times before TIME (RFC 3339)")
    rp.add_argument("--resume", action="store_true", help="continue the interrupted run of the same command")
    rp.add_argument("--run-id", default=None, help="name of the run (header newswatch-replay); default time + random")
    rp.add_argument("--state", default=None, help="resume state file (default ~/.cache/newswatch/replay/<key>.json)")
    rp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    rp.set_defaults(func=main)
