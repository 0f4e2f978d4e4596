"""Every reach into faust-streaming's and aiokafka's private API, in one module.

Each touch below is tested against the installed libraries (tests/unit/runtime/test_faust_internals.py),
so an upgrade that renames one fails there, loudly, instead of silently in a worker.
pyproject.toml bounds both libraries above for the same reason.

- The transport: faust builds its worker consumer with ``fetch_max_wait_ms=1500``, fixed.
  aiokafka leaves out of a fetch request every partition whose records are still buffered,
  so records that reach such a partition meanwhile wait for the request in flight to come
  back: up to 1.5 s when the partitions it asked for stay empty. A worker's agents feed each
  other, so this stalled the later stages behind the earlier ones (BENCHMARKS.md). Only the
  two fetch settings change, and one shutdown fault is caught (below).
- ``set_current_event``: table writes look up the event being processed through faust's
  context variable; ``take_events`` hands over a batch, so each event is named by hand.
- ``committed_offsets``: the group's committed offsets as faust keeps them (the skip guard).
- ``recovery_stalled_for``/``recovery_report``: a table recovery that reads nothing explains
  itself (the stall watch in streams/runtime/skips.py).
- ``monitor``: faust's Prometheus sensor with its per-record hooks switched off.
"""


from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Mapping
from typing import Any, cast

import faust
from faust.streams import _current_event
from faust.transport.drivers import aiokafka as driver

log = logging.getLogger("newswatch.transport")


class ConsumerThread(driver.AIOKafkaConsumerThread):
    async def on_thread_stop(self) -> None:
        try:
            await super().on_thread_stop()
        except asyncio.CancelledError:
            # With the broker gone, aiokafka's Fetcher.close() cancels a fetch that is backing
            # off after a failed request, and its CancelledError escapes consumer.stop(). The
            # consumer thread then died before it reported stopped, and the worker waited for
            # it for ever: SIGTERM did nothing. The thread is stopping anyway: let it finish.
            log.warning("consumer stopped while the broker was unreachable")

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        app = cast(App, self.app)  # only newswatch's App builds this transport
        # aiokafka keeps its constructor arguments in these attributes and hands them to its
        # Fetcher on start(); tests/unit/runtime/test_transport.py fails if that ever changes.
        consumer._fetch_max_wait_ms = app.fetch_max_wait_ms
        consumer._fetch_min_bytes = app.fetch_min_bytes
        return consumer


class Consumer(driver.Consumer):
    """faust's consumer, except that it never commits past a record no agent has handled.

    faust can skip records it has fetched when a rebalance's seek races its fetcher (its
    issues #216 and #221). Its drain loop then records the skipped range as a "gap" and
    counts it as acknowledged, and its commit takes the first run of consecutive acknowledged
    offsets even when that run starts after the committed offset (it lets one missing record
    through at the head, and any number on a partition never committed or committed at 0).
    Either way the group commits past records that were never processed: the repeated-kill
    test lost five articles so. On the topics the agents read (``App.gapless_topics``: neither compacted nor written
    by transactions, so a hole is never real) no gap is recorded, and nothing is committed
    while the lowest acknowledged offset is above the committed one. The skip guard
    (streams/runtime/skips.py) reads such a hole again; faust's own behaviour stays for other topics.
    """

    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def _gapless(self, tp: Any) -> bool:
        return tp.topic in cast(App, self.app).gapless_topics

    async def _add_gap(self, tp: Any, offset_from: int, offset_to: int) -> None:
        if not self._gapless(tp):
            await super()._add_gap(tp, offset_from, offset_to)
            return
        log.warning("faust skipped records %s-%s of %s[%s]; not committing past them", offset_from, offset_to,
                    tp.topic, tp.partition, extra={"topic": tp.topic, "partition": tp.partition,
                                                   "offset": offset_from})

    def _new_offset(self, tp: Any) -> int | None:
        if self._gapless(tp) and hole_at_head(self, tp):
            return None
        offset: int | None = super()._new_offset(tp)
        return offset


class Transport(driver.Transport):
    Consumer = Consumer


class App(faust.App):
    """A faust App whose stream consumer fetches with newswatch's wait and size."""

    def __init__(self, *args: Any, fetch_max_wait_ms: int = 1500, fetch_min_bytes: int = 1, **kwargs: Any) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.fetch_min_bytes = fetch_min_bytes
        self.gapless_topics: set[str] = set()  # the agents' inputs: a hole there is a skip, never data
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        return Transport(self.conf.broker_consumer, self, loop=self.loop)


def set_current_event(event: Any) -> None:
    """Name ``event`` as the one this task is processing, as faust does for one-at-a-time streams."""
    _current_event.set(weakref.ref(event))


def recovery_stalled_for(app: Any) -> float:
    """Seconds faust's table recovery has been under way without one changelog record read
    (0 when it is not under way or is reading)."""
    recovery = app.tables.recovery
    started = recovery._recovery_started_at
    if not recovery.in_recovery or started is None or recovery._active_events_received_at:
        return 0.0
    return float(time.monotonic() - started)


RECOVERY_REWIND_AFTER = 5.0  # seconds a changelog partition may sit taken but unread


async def recovery_rewind(app: Any) -> list[tuple[Any, int, int]]:
    """Read again the changelog records faust's fetcher took but never handed to the table
    recovery: (partition, first, position) for each partition sought back.

    faust's ``Consumer.getmany`` drops the rest of a fetched batch when the consumer group's
    generation changes (or the flow stops) while it hands the batch over. aiokafka's position
    has already moved past those records. For stream partitions faust then seeks back to the
    committed offsets; changelog partitions have none, so a batch fetched from where recovery
    had just sought them is lost, and recovery waits for ever for offsets that never come (the
    kill test's survivor: changelog position 27 = its end, recovery read -1, for minutes).
    A partition still in recovery, with aiokafka's position past the last record recovery
    applied and no record received for ``RECOVERY_REWIND_AFTER`` seconds, is sought back to
    the record after the last one applied."""
    recovery, consumer = app.tables.recovery, app.consumer
    if not recovery.in_recovery:
        return []
    now = time.monotonic()
    started = recovery._recovery_started_at or now
    received = recovery._active_events_received_at
    rewound = []
    for tp, remaining in sorted(recovery.active_remaining().items()):
        if remaining <= 0 or now - received.get(tp, started) < RECOVERY_REWIND_AFTER:
            continue
        read = recovery.active_offsets[tp]
        first = 0 if read is None or read < 0 else read + 1
        try:
            position = await asyncio.wait_for(consumer.position(tp), 2.0)
        except Exception as exc:  # no position yet (a seek in flight): nothing taken, nothing to undo
            log.debug("no position for %s: %r", tp, exc)
            continue
        if isinstance(position, int) and position > first:
            await consumer.seek(tp, first)
            rewound.append((tp, first, position))
    return rewound


async def recovery_report(app: Any) -> str:
    """What a table recovery that reads nothing is waiting for: each changelog partition's
    target and position as faust and aiokafka see them, the consumer's flow state, and where
    the fetcher and the changelog reader tasks are suspended. Logged by the stall watch
    (streams/runtime/skips.py) so that a stuck recovery explains itself in the worker's log."""
    recovery, consumer = app.tables.recovery, app.consumer
    active = consumer._get_active_partitions()
    lines = [f"flow_active={consumer.flow_active} app_flow={app.flow_control.is_active()} "
             f"fetcher={app._fetcher.state} flags={sorted(consumer.diag.flags)} "
             f"buffered={sorted(str(tp) for tp in consumer._buffered_partitions)}"]
    for tp, remaining in sorted(recovery.active_remaining().items()):
        try:
            position = await asyncio.wait_for(consumer.position(tp), 2.0)
        except Exception as exc:  # a report must not fail where it explains a failure
            position = repr(exc)
        lines.append(f"{tp.topic}[{tp.partition}] remaining={remaining} target={recovery.active_highwaters[tp]} "
                     f"read={recovery.active_offsets[tp]} position={position} active={tp in active} "
                     f"paused={tp in consumer._paused_partitions}")
    for task in asyncio.all_tasks():
        name = getattr(task.get_coro(), "__qualname__", "")
        if any(k in name for k in ("_fetcher", "_drain_messages", "_slurp_changelogs", "_restart_recovery")):
            stack = " <- ".join(f"{f.f_code.co_name}:{f.f_lineno}" for f in reversed(task.get_stack(limit=12)))
            lines.append(f"task {name}: {stack or 'not suspended'}")
    return "\n".join(lines)


def commit_base(consumer: Any, tp: Any) -> int:
    """The next offset to read of ``tp`` as the group stands: its committed offset, or 0 for a
    partition the group never committed (read from the start; a log whose start was deleted
    shows as a hole there, which the skip guard lets through after its seeks)."""
    committed = consumer._committed_offset.get(tp)
    return 0 if committed is None else int(committed)


def hole_at_head(consumer: Any, tp: Any) -> bool:
    """Whether records from the committed offset on are missing from what the agents have
    acknowledged on ``tp`` (faust's ``_acked``, and its ``_gap`` of holes let through;
    ``_committed_offset`` is the next offset to read)."""
    acked = consumer._acked.get(tp)
    if not acked:
        return False
    gaps = consumer._gap.get(tp)
    lowest = min(min(acked), min((g.begin for g in gaps), default=min(acked)) if gaps else min(acked))
    return bool(lowest > commit_base(consumer, tp))


async def accept_gap(consumer: Any, tp: Any, first: int, last: int) -> None:
    """Let faust commit past records ``first``..``last`` of ``tp`` (a real hole): its gap tree,
    which its commit counts as acknowledged (faust's own ``_add_gap`` would leave out ``first``)."""
    gaps = consumer._gap[tp]
    gaps.addi(first, last + 1)  # intervals exclude their end
    gaps.merge_overlaps()


def acknowledged(consumer: Any, tp: Any) -> list[int]:
    """The offsets of ``tp`` the agents have acknowledged and faust has not committed yet."""
    return list(consumer._acked.get(tp) or ())


def committed_offsets(consumer: Any) -> Mapping[Any, int | None]:
    """The group's committed offset per partition, as faust keeps it: the broker's from the
    last seek, and every commit since (faust's private ``_committed_offset``, read here only)."""
    committed: Mapping[Any, int | None] = consumer._committed_offset
    return committed


# PrometheusMonitor's per-record hooks, switched back to the base Monitor's: streams/runtime/metrics.py's
# stage counters already count records, and a dozen labelled updates per record per stage cost
# more than the latency goal allows. newswatch_partition_end_offset has the end offsets.
SWITCHED_OFF = ("on_message_in", "on_message_out", "on_stream_event_in", "on_stream_event_out",
                "on_send_initiated", "on_send_completed", "on_table_get", "on_table_set", "on_table_del",
                "track_tp_end_offset")


def monitor(sensor_metrics: Any) -> Any:
    """faust's Prometheus sensor for what only faust sees (commits, rebalances, assignment,
    send errors, web), with the per-record hooks in SWITCHED_OFF doing nothing."""
    from faust.sensors import Monitor
    from faust.sensors.prometheus import PrometheusMonitor

    sensor = type("Sensor", (PrometheusMonitor,), {name: getattr(Monitor, name) for name in SWITCHED_OFF})
    return sensor(metrics=sensor_metrics)
