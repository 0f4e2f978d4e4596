"""The consumer behind `newswatch archive` (the command: streams/cli/archive.py): reads a topic
(news.raw) in its own consumer group and writes it into an archive (writer.py). The manifest,
not the group's committed offsets, is the position: on every assignment each partition is
sought to one past the highest offset the manifest lists (writer.py says why)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.archive.record import Record
from streams.archive.writer import MAX_BYTES, MAX_RECORDS, ROLL_SECONDS, Archive


def _record(m: Any) -> Record:
    return Record(m.key, m.value, m.timestamp if m.timestamp is not None and m.timestamp >= 0 else None,
                  tuple((k, v if v is not None else b"") for k, v in (m.headers or ())),
                  m.topic, m.partition, m.offset, m.timestamp_type)


@dataclass
class ArchiveRun:
    """`newswatch archive` against a cluster; :meth:`run` returns when stopped (or idle)."""

    settings: Any  # streams.settings.Settings
    root: Path
    topic: str
    group: str
    start: str = "earliest"  # where partitions the manifest does not know begin
    max_records: int = MAX_RECORDS
    max_bytes: int = MAX_BYTES
    roll_seconds: float = ROLL_SECONDS
    exit_idle: float | None = None  # stop after this many seconds without a record
    say: Callable[[str], None] = field(default=lambda m: print(m, file=sys.stderr, flush=True))
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    archive: Archive = field(init=False)
    assigned_at: float | None = field(default=None, init=False)  # when partitions were last assigned

    async def run(self) -> int:
        from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener

        from streams.kafka import kafka_client_options

        self.archive = Archive(self.root, self.topic, max_records=self.max_records, max_bytes=self.max_bytes,
                               roll_seconds=self.roll_seconds)
        for note in self.archive.open():
            self.say(note)
        consumer = AIOKafkaConsumer(group_id=self.group, enable_auto_commit=False, auto_offset_reset=self.start,
                                    max_partition_fetch_bytes=4 << 20, **kafka_client_options(self.settings))
        arch, say, run = self.archive, self.say, self
        expect: dict[int, int] = {}  # partition -> offset sought after an assignment, to spot gaps

        class Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: Any) -> None:
                if revoked:
                    await run._checkpoint(consumer)

            async def on_partitions_assigned(self, assigned: Any) -> None:
                for tp in assigned:
                    if tp.partition in arch.durable:
                        consumer.seek(tp, arch.durable[tp.partition])
                        expect[tp.partition] = arch.durable[tp.partition]
                    elif run.start == "latest":
                        await consumer.seek_to_end(tp)
                    else:
                        await consumer.seek_to_beginning(tp)
                run.assigned_at = time.monotonic()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop.set)
        try:
            await consumer.start()
            if self.topic not in await consumer.topics():
                say(f"topic {self.topic} does not exist yet; waiting for it (a worker or replay creates it)")
            consumer.subscribe([self.topic], listener=Rebalance())
            last = time.monotonic()
            while not self.stop.is_set():
                batch = await consumer.getmany(timeout_ms=250, max_records=5000)
                for tp, messages in batch.items():
                    want = expect.pop(tp.partition, None)
                    if want is not None and messages and messages[0].offset > want:
                        say(f"{tp.topic}[{tp.partition}]: offsets {want}..{messages[0].offset - 1} are no longer "
                            "on the broker (retention or compaction); archived from "
                            f"{messages[0].offset}")
                    await self.take(consumer, messages)
                    if messages:
                        last = time.monotonic()
                if arch.due():
                    await self._checkpoint(consumer)
                if (self.exit_idle is not None and self.assigned_at is not None and not arch.pending
                        and time.monotonic() - max(last, self.assigned_at) >= self.exit_idle):
                    break
                if self.exit_idle is not None and arch.pending and time.monotonic() - last >= self.exit_idle:
                    await self._checkpoint(consumer)
            await self._checkpoint(consumer)
        finally:
            try:
                await consumer.stop()
            finally:
                arch.close()
        say(f"archive {self.root}: {arch.total} records archived in this run; next offsets "
            + (", ".join(f"{p}:{o}" for p, o in sorted(arch.durable.items())) or "none"))
        return 0

    async def take(self, consumer: Any, messages: Any) -> None:
        """Archive one partition's share of a poll, checkpointing as soon as a part is full."""
        for m in messages:
            self.archive.add(_record(m))
            if self.archive.full():
                await self._checkpoint(consumer)

    async def _checkpoint(self, consumer: Any) -> None:
        from aiokafka import TopicPartition
        from aiokafka.errors import KafkaError

        entries = self.archive.checkpoint()
        for e in entries:
            self.say(f"archived {e.records} records to {e.file} ({e.size} bytes)")
        if not entries:
            return
        offsets = {TopicPartition(self.topic, p): o for p, o in self.archive.durable.items()
                   if TopicPartition(self.topic, p) in consumer.assignment()}
        if offsets:
            try:
                await consumer.commit(offsets)  # for lag monitoring only: the manifest is the position
            except KafkaError as exc:
                self.say(f"note: committing the group's offsets failed ({exc}); the manifest keeps the position")
