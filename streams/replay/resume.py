"""Where an interrupted replay stopped, and what it had already delivered past that point.

A replay's state file (``<cache>/replay/<key>.json``, the key a hash of the inputs, the
target topic and cluster and the time filters, so the same command with ``--resume`` finds
it) holds the run id and ``done``: the position (file index, file, line) through which every
line was handled (sent *and acknowledged*, filtered out, or reported bad). It is written
atomically about once a second and when the run stops.

A hard kill can still come between an acknowledgement and the next save. So every replayed
record carries two headers, ``newswatch-replay: <run id>`` and ``newswatch-replay-at:
<file index>:<line>``, and the state also keeps, per partition of the target topic, the
offset after the last record of the acknowledged prefix (or, where there is none yet, the
partition's end when the run began). Records in a partition are appended in send order (the
producer is idempotent), so every record of this run past ``done`` lies after those offsets;
on ``--resume`` that tail is read back and exactly those positions are skipped. Nothing is
sent twice, and nothing acknowledged is sent again; what was in flight and never arrived is
sent again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from streams import timestamps

RUN_HEADER = "newswatch-replay"
AT_HEADER = "newswatch-replay-at"


class StateError(ValueError):
    """A state file that is not one, or that another run holds; the message says what to do."""


def now_iso() -> str:
    return timestamps.format_utc(datetime.now(UTC), "seconds")


@dataclass(slots=True)
class State:
    run_id: str
    inputs: list[str]
    topic: str
    bootstrap: str
    start: str | None = None  # --from, as given
    end: str | None = None  # --to
    limits: dict[str, int] = field(default_factory=dict)  # manifest -> lines it had when the run began
    digest: str = ""  # of the files to replay (inputs.Plan.digest)
    done_index: int = -1  # file index through which ...
    done_path: str = ""
    done_line: int = 0  # ... and line in it, everything is handled
    scan_from: dict[str, int] = field(default_factory=dict)  # partition -> offset (JSON keys are strings)
    sent: int = 0
    bad: int = 0
    filtered: int = 0
    complete: bool = False
    started_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)

    @property
    def done(self) -> tuple[int, int]:
        return self.done_index, self.done_line


def key_for(inputs: Sequence[str], topic: str, bootstrap: str, start: str | None, end: str | None) -> str:
    ident = orjson.dumps([[str(Path(i).resolve()) for i in inputs], topic, bootstrap, start, end])
    return hashlib.sha256(ident).hexdigest()[:16]


def load(path: Path) -> State:
    """Raises StateError when the file is not a replay state."""
    try:
        data = orjson.loads(path.read_bytes())
        return State(**data)
    except (orjson.JSONDecodeError, TypeError) as exc:
        raise StateError(f"{path} is not a replay state ({exc}); delete it and run without --resume") from None


def save(path: Path, state: State) -> None:
    """Atomically (write, fsync, rename)."""
    state.updated_at = now_iso()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(orjson.dumps(asdict(state), option=orjson.OPT_INDENT_2))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(path: Path) -> Any:
    """Hold the state's lock for a run; StateError when another run holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh: IO[bytes] = path.with_name(path.name + ".lock").open("ab")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateError(f"a replay with the same inputs and target is still running (lock {fh.name}); "
                             "wait for it or stop it first") from None
        yield fh
    finally:
        fh.close()


def parse_position(value: bytes) -> tuple[int, int] | None:
    try:
        a, b = value.decode().split(":")
        return int(a), int(b)
    except (UnicodeDecodeError, ValueError):
        return None


def delivered_in(messages: Iterable[Any], run_id: str, after: tuple[int, int]) -> set[tuple[int, int]]:
    """Positions past ``after`` held by records of run ``run_id`` among ``messages`` (anything
    with Kafka-style ``headers``: a sequence of (name, bytes))."""
    run = run_id.encode()
    found: set[tuple[int, int]] = set()
    for m in messages:
        headers = dict(m.headers or ())
        if headers.get(RUN_HEADER) == run:
            pos = parse_position(headers.get(AT_HEADER, b""))
            if pos is not None and pos > after:
                found.add(pos)
    return found


async def partitions(options: dict[str, Any], topic: str) -> set[int]:
    """The partitions of ``topic`` (a producer's metadata request: the public way to ask)."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(**options)
    try:
        await producer.start()
        return set(await producer.partitions_for(topic))
    finally:
        await producer.stop()


async def end_offsets(options: dict[str, Any], topic: str) -> dict[int, int]:
    """The end offset of each partition of ``topic`` now."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    parts = await partitions(options, topic)
    consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, **options)
    try:
        await consumer.start()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in parts]) if parts else {}
        return {tp.partition: off for tp, off in ends.items()}
    finally:
        await consumer.stop()


async def delivered_since(options: dict[str, Any], topic: str, run_id: str, scan_from: dict[int, int],
                          after: tuple[int, int], timeout: float = 300.0) -> set[tuple[int, int]]:
    """Positions past ``after`` that records of this run already hold on the target topic."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    parts = await partitions(options, topic)
    consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, **options)
    found: set[tuple[int, int]] = set()
    try:
        await consumer.start()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return found
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
        todo = {}
        for tp in tps:
            start = max(scan_from.get(tp.partition, 0), starts[tp])
            if start < ends[tp]:
                consumer.seek(tp, start)
                todo[tp] = ends[tp]
        deadline = time.monotonic() + timeout
        while todo:
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading back {topic} to find what the interrupted run delivered took over "
                                   f"{timeout:.0f}s; is the cluster reachable?")
            batch = await consumer.getmany(*todo, timeout_ms=1000, max_records=5000)
            for tp, messages in batch.items():
                found |= delivered_in(messages, run_id, after)
                if tp in todo and await consumer.position(tp) >= todo[tp]:
                    del todo[tp]
            if not batch:
                for tp in list(todo):
                    if await consumer.position(tp) >= todo[tp]:
                        del todo[tp]
    finally:
        await consumer.stop()
    return found
