"""Running real newswatch workers and real Kafka clients from tests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.kafka import process_group
from streams.runtime.topics import ensure_topics
from streams.settings import Settings

REPO = Path(__file__).resolve().parents[2]
READY = "Worker]: Ready"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def env_for(bootstrap: str, prefix: str, data: Path, partitions: int = 3) -> dict[str, str]:
    return {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "NEWSWATCH_TOPIC_PREFIX": prefix,
            "NEWSWATCH_APP_ID": f"{prefix}newswatch", "NEWSWATCH_PARTITIONS": str(partitions),
            "NEWSWATCH_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}


def settings_for(bootstrap: str, prefix: str, partitions: int = 3) -> Settings:
    return Settings(bootstrap_servers=bootstrap, topic_prefix=prefix, partitions=partitions,
                    app_id=f"{prefix}newswatch")


@dataclass
class Worker:
    """A `newswatch worker` subprocess with its own web port and log file."""

    bootstrap: str
    prefix: str
    home: Path
    name: str = "w1"
    partitions: int = 3
    proc: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)
    web_port: int = field(default_factory=free_port)  # /metrics is served there
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.log = self.home / f"{self.name}.log"

    def start(self, timeout: float = 90.0) -> Worker:
        env = env_for(self.bootstrap, self.prefix, self.home / "data", self.partitions)
        env["NEWSWATCH_WEB_PORT"] = str(self.web_port)
        env.update(self.extra_env)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "info"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        hop = env.get("NEWSWATCH_PROCESS_HOP", "aiokafka") != "faust"
        ready = False
        while time.monotonic() < deadline:
            ready = ready or READY in self.log.read_text(errors="replace")
            # The process hop settles where news.raw starts (NEWSWATCH_HOP_START_AT) at its group's
            # first assignment and commits it: what a test produces after start() is always read.
            if ready and (not hop or run(_started(self.bootstrap, self.prefix, self.partitions))):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited: {self.tail()}")
            time.sleep(0.2)
        raise TimeoutError(f"worker {self.name} not ready in {timeout}s: {self.tail()}")

    def tail(self, lines: int = 40) -> str:
        """The worker's last rebalance (what a failed failover test needs) and its last lines,
        without the per-alert lines and with repeated warnings shown once."""
        text = self.log.read_text(errors="replace").splitlines()
        starts = [i for i, line in enumerate(text) if "Revoking previously assigned" in line]
        since = [line for line in text[starts[-1]:] if "newswatch.agents" not in line][:60] if starts else []
        last, seen = [], set()
        for line in text[-lines:]:
            message = line.split('"message":', 1)[-1][:90]
            if message not in seen:
                seen.add(message)
                last.append(line[:400])
        return "\n".join(["-- since the last rebalance --", *(s[:400] for s in since), "-- last lines --", *last])

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _started(bootstrap: str, prefix: str, partitions: int) -> bool:
    """Whether the process hop's group has committed a position on every partition of news.raw."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(process_group(f"{prefix}newswatch"))
    finally:
        await admin.close()
    return sum(1 for tp in committed if tp.topic == f"{prefix}news.raw") >= partitions


async def _produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    n = 0
    try:
        for key, value in records:
            await producer.send(topic, key=key, value=value)
            n += 1
        await producer.flush()
    finally:
        await producer.stop()
    return n


def produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
    return int(run(_produce(bootstrap, topic, records)))


def article(rec: dict[str, Any]) -> tuple[bytes, bytes]:
    return str(rec["id"]).encode(), orjson.dumps(rec)


async def _consume(bootstrap: str, topics: list[str], until: Callable[[list[Any]], bool],
                   timeout: float, isolation_level: str = "read_uncommitted") -> list[Any]:
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                group_id=None, enable_auto_commit=False, isolation_level=isolation_level)
    await consumer.start()
    got: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not until(got):
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                got.extend(messages)
    finally:
        await consumer.stop()
    return got


def consume(bootstrap: str, topics: list[str], until: Callable[[list[Any]], bool],
            timeout: float = 60.0, isolation_level: str = "read_uncommitted") -> list[Any]:
    """Records from the beginning of the topics until ``until(records)`` or the timeout
    (``isolation_level="read_committed"``: only what committed transactions wrote)."""
    return list(run(_consume(bootstrap, topics, until, timeout, isolation_level)))


def latest_alerts(messages: list[Any]) -> dict[str, dict[str, Any]]:
    """What a compacted ``news.alerts`` keeps: the latest value per alert id."""
    out: dict[str, dict[str, Any]] = {}
    for m in messages:
        if m.topic.endswith("news.alerts"):
            if m.value is None:  # a tombstone: the alert was retracted
                out.pop(m.key.decode(), None)
            else:
                out[m.key.decode()] = orjson.loads(m.value)
    return out


def declare(bootstrap: str, prefix: str, partitions: int = 3) -> None:
    run(ensure_topics(settings_for(bootstrap, prefix, partitions)))


async def _where(bootstrap: str, prefix: str, ids: set[str], partitions: int = 3) -> str:
    """For a failed test: which topics hold the given article ids, and the group's
    committed offsets against the end offsets of every topic it reads."""
    topics = [f"{prefix}{t}" for t in ("news.raw", "news.clean", "news.tagged")]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    lines: list[str] = []
    try:
        topics.append(f"{prefix}news.alert-candidates")
        tps = [TopicPartition(t, p) for t in topics for p in range(partitions)]
        ends = await consumer.end_offsets(tps)
        committed = dict(await admin.list_consumer_group_offsets(f"{prefix}newswatch"))
        # news.raw is read by the process hop's own group
        committed.update(await admin.list_consumer_group_offsets(process_group(f"{prefix}newswatch")))
        for tp in tps:
            c = committed.get(tp)
            lines.append(f"{tp.topic}[{tp.partition}] end={ends[tp]} committed={c.offset if c else None}")
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        seen: dict[str, list[str]] = {i: [] for i in ids}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            if not batch:
                break
            for tp, messages in batch.items():
                for m in messages:
                    k = m.key.decode(errors="replace") if m.key else ""
                    if k in seen:
                        seen[k].append(f"{tp.topic.removeprefix(prefix)}[{tp.partition}]@{m.offset}")
        lines += [f"{i}: {where}" for i, where in sorted(seen.items())]
    finally:
        await consumer.stop()
        await admin.close()
    return "\n".join(lines)


def where(bootstrap: str, prefix: str, ids: set[str], partitions: int = 3) -> str:
    try:
        return str(run(_where(bootstrap, prefix, ids, partitions)))
    except Exception as exc:  # a diagnosis must not hide the failure it explains
        return f"(could not read the topics: {exc!r})"


async def _read_to_end(bootstrap: str, topic: str, isolation_level: str, timeout: float) -> list[Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                isolation_level=isolation_level)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    got: list[Any] = []
    try:
        described = await admin.describe_topics([topic])
        tps = [TopicPartition(topic, int(p["partition"])) for d in described for p in d["partitions"]]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)  # read_committed: the last stable offsets
        deadline = time.monotonic() + timeout
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic} not read to its end {ends} within {timeout}s")
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                got.extend(messages)
    finally:
        await consumer.stop()
        await admin.close()
    return got


def read_to_end(bootstrap: str, topic: str, isolation_level: str = "read_uncommitted",
                timeout: float = 60.0) -> list[Any]:
    """Every record of ``topic`` from its beginning to the end offsets it had when reading began
    (an end condition on offsets, not on a count or a quiet period)."""
    return list(run(_read_to_end(bootstrap, topic, isolation_level, timeout)))


async def _lag(bootstrap: str, group: str, topics: list[str], known: dict[tuple[str, int], int]) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
        tps = [TopicPartition(d["topic"], int(p["partition"])) for d in described for p in d["partitions"]]
        ends = {tp: known.get((tp.topic, tp.partition), end) for tp, end in (await consumer.end_offsets(tps)).items()}
        committed = await admin.list_consumer_group_offsets(group)
        return sum(max(ends[tp] - (committed[tp].offset if tp in committed else 0), 0) for tp in tps)
    finally:
        await consumer.stop()
        await admin.close()


def last_offsets(records: list[Any]) -> dict[tuple[str, int], int]:
    """The offset after the last record per (topic, partition): where a consumer that read them
    commits. (On a topic written in transactions the end offset lies past the commit markers.)"""
    out: dict[tuple[str, int], int] = {}
    for m in records:
        out[(m.topic, m.partition)] = max(out.get((m.topic, m.partition), 0), m.offset + 1)
    return out


def wait_caught_up(bootstrap: str, group: str, topics: list[str], timeout: float,
                   known: dict[tuple[str, int], int] | None = None) -> None:
    """Until ``group`` has committed every partition of ``topics`` up to its end offset (or up to
    ``known[(topic, partition)]``, from :func:`last_offsets`)."""
    deadline = time.monotonic() + timeout
    lag = -1
    while time.monotonic() < deadline:
        lag = int(run(_lag(bootstrap, group, topics, known or {})))
        if lag == 0:
            return
        time.sleep(1.0)
    raise TimeoutError(f"group {group} still {lag} records behind on {topics} after {timeout}s")
