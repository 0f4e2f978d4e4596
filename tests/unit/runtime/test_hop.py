"""The process hop's batch logic (streams/runtime/hop.py) with small fakes of aiokafka's consumer,
producer and admin client: no broker.

What is faked is the client surface the hop calls (``getmany``, ``seek``, ``commit``,
``committed``, ``pause``/``resume``, ``send`` returning a delivery future), nothing of Kafka's
group protocol; tests/integration/test_process_hop.py remains the proof on a real broker. The
stages are a small step of their own (clean → tag → alert, one output each) run through the
agents' real per-record code (agents._handle, agents._reject).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import orjson
import pytest
from aiokafka import TopicPartition
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotEnoughReplicasError,
)
from aiokafka.structs import ConsumerRecord, OffsetAndTimestamp

from streams.runtime import hop as hop_module
from streams.runtime import metrics
from streams.runtime.agents import Output, Then
from streams.runtime.hop import ProcessHop, Rebalance
from streams.settings import Settings

T = TypeVar("T")
RAW, CLEAN, TAGGED, CANDIDATES, DEADLETTER = "news.raw", "news.clean", "news.tagged", "news.alert-candidates", \
    "news.deadletter"
P0, P1 = TopicPartition(RAW, 0), TopicPartition(RAW, 1)


class FakeTopic:
    def __init__(self, name: str) -> None:
        self.name = name

    def get_topic_name(self) -> str:
        return self.name


TOPICS = SimpleNamespace(raw=FakeTopic(RAW), clean=FakeTopic(CLEAN), tagged=FakeTopic(TAGGED),
                         candidates=FakeTopic(CANDIDATES), deadletter=FakeTopic(DEADLETTER))


def step(key: bytes | None, value: bytes, timestamp: float | None) -> Iterator[Output | Then]:
    """clean → tag → alert, one output each; a value starting ``boom`` makes the clean stage raise, one
    ``slow`` takes 150 ms of the stage's own (blocking) time."""
    if value.startswith(b"boom"):
        raise ValueError("the clean stage broke on this record")
    if value == b"slow":
        time.sleep(0.15)
    yield TOPICS.clean, key or b"", value
    yield Then("tag")
    yield TOPICS.tagged, key or b"", value
    yield Then("alert")
    yield TOPICS.candidates, key or b"", value


def record(tp: TopicPartition, offset: int, value: bytes = b"{}", timestamp: int = 1738663200000
           ) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(tp.topic, tp.partition, offset, timestamp, 0, f"k{tp.partition}-{offset}".encode(),
                          value, None, 0, len(value), [])


@dataclass
class Sent:
    topic: str
    key: bytes | None
    value: bytes | None
    future: asyncio.Future[Any]


@dataclass
class FakeProducer:
    """``send`` hands the record to the (fake) accumulator and returns its delivery future.
    ``refuse(topic, key)`` returning an exception raises it at send time; ``fail(topic, key)``
    one fails the delivery; ``hold`` leaves every delivery pending for the test to settle."""

    refuse: Callable[[str, bytes | None], BaseException | None] = lambda topic, key: None
    fail: Callable[[str, bytes | None], BaseException | None] = lambda topic, key: None
    hold: bool = False
    sent: list[Sent] = field(default_factory=list)
    # a topic's max.message.bytes: a larger value fails on delivery (the broker's answer), or is
    # refused at send time with ``limit_at_send`` (the producer's own max_request_size)
    limits: dict[str, int] = field(default_factory=dict)
    limit_at_send: bool = False

    def _over(self, topic: str, value: bytes | None) -> BaseException | None:
        if topic in self.limits and len(value or b"") > self.limits[topic]:
            over: BaseException = MessageSizeTooLargeError(f"{len(value or b'')} bytes is over {topic}'s limit")
            return over
        return None

    async def send(self, topic: str, value: bytes | None = None, key: bytes | None = None) -> asyncio.Future[Any]:
        await asyncio.sleep(0)  # aiokafka's send may wait (metadata, buffer space): let the loop run
        refused = self.refuse(topic, key) or (self._over(topic, value) if self.limit_at_send else None)
        if refused is not None:
            raise refused
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.sent.append(Sent(topic, key, value, future))
        if not self.hold:
            self.settle(future, topic, key, value)
        return future

    def settle(self, future: asyncio.Future[Any], topic: str, key: bytes | None, value: bytes | None = None) -> None:
        failed = self.fail(topic, key) or self._over(topic, value)
        if failed is not None:
            future.set_exception(failed)
        else:
            future.set_result(None)

    def on(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s.topic == topic]


class FakeConsumer:
    """The consumer calls the hop makes, over a log per partition: ``getmany`` returns the
    records from each partition's position (and moves it), ``seek`` moves it back. When every
    partition is read to its end, ``getmany`` stops the hop's loop."""

    def __init__(self, hop: ProcessHop, logs: Mapping[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
                 group_committed: Mapping[TopicPartition, int] | None = None) -> None:
        self.hop, self.logs = hop, dict(logs)
        self.position = {tp: 0 for tp in self.logs}
        self.group_committed: dict[TopicPartition, int] = dict(group_committed or {})
        self.commits: list[dict[TopicPartition, int]] = []
        self.seeks: list[tuple[TopicPartition, int]] = []
        self.paused: set[TopicPartition] = set()
        self.calls: list[str] = []
        self.commit_hangs = False
        self.coordinator_hangs = False  # committed() never answers
        self.empty_at = 0  # beginning and end offset of an empty partition
        self.commit_raises: BaseException | None = None
        self.commit_delay = 0.0
        self.on_seek: Callable[[], None] = lambda: None
        self.held = set(self.logs)
        self.rebalance: Callable[[], Coroutine[Any, Any, None]] | None = None  # runs once inside a getmany

    async def getmany(self, timeout_ms: int = 0, max_records: int | None = None) -> dict[
            TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
        await asyncio.sleep(0)
        batch = {}
        for tp, log in self.logs.items():
            if tp in self.paused or tp not in self.held:
                continue
            records = [r for r in log if r.offset >= self.position[tp]][:max_records]
            if records:
                batch[tp] = records
                self.position[tp] = records[-1].offset + 1
        if not batch:
            self.hop._stopping = True
        if self.rebalance is not None:  # the group rebalances while this batch is on its way to the loop
            rebalance, self.rebalance = self.rebalance, None
            await rebalance()
        return batch

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.calls.append(f"seek {tp.partition} {offset}")
        self.seeks.append((tp, offset))
        self.position[tp] = offset
        self.on_seek()

    async def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        self.calls.append("commit")
        if self.commit_hangs:
            await asyncio.Event().wait()  # a coordinator that never answers
        await asyncio.sleep(self.commit_delay)
        if self.commit_raises is not None:
            exc, self.commit_raises = self.commit_raises, None
            raise exc
        self.commits.append(dict(offsets))
        self.group_committed.update(offsets)

    async def committed(self, tp: TopicPartition) -> int | None:
        self.calls.append(f"committed {tp.partition}")
        if self.coordinator_hangs:
            await asyncio.Event().wait()  # a coordinator that never answers
        return self.group_committed.get(tp)

    async def beginning_offsets(self, tps: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.logs[tp][0].offset if self.logs[tp] else self.empty_at for tp in tps}

    async def end_offsets(self, tps: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.logs[tp][-1].offset + 1 if self.logs[tp] else self.empty_at for tp in tps}

    async def offsets_for_times(self, times: Mapping[TopicPartition, int]) -> dict[
            TopicPartition, OffsetAndTimestamp | None]:
        found: dict[TopicPartition, OffsetAndTimestamp | None] = {}
        for tp, since in times.items():
            first = next((r for r in self.logs[tp] if r.timestamp >= since), None)
            found[tp] = OffsetAndTimestamp(first.offset, first.timestamp) if first is not None else None
        return found

    def assignment(self) -> set[TopicPartition]:
        return set(self.held)

    def pause(self, *tps: TopicPartition) -> None:
        self.calls.append("pause " + " ".join(str(tp.partition) for tp in tps))
        self.paused.update(tps)

    def resume(self, *tps: TopicPartition) -> None:
        self.calls.append("resume " + " ".join(str(tp.partition) for tp in tps))
        self.paused.difference_update(tps)


def make_hop(tmp_path: Path, stall: float = 60.0, max_attempts: int = 8, start_at: str = "7d", **kwargs: Any
             ) -> ProcessHop:
    settings = Settings(app_id="nw", metrics=False, batch_size=100, data_dir=tmp_path, rules_path="", kb_path="",
                        process_hop="aiokafka", article_budget=0.0, hop_stall_timeout=stall,
                        hop_max_attempts=max_attempts, hop_start_at=start_at)
    nw: Any = SimpleNamespace(settings=settings, topics=TOPICS)
    kwargs.setdefault("retry_after", 0.0)
    return ProcessHop(nw, step, "clean", **kwargs)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 10))


def wire(hop: ProcessHop, logs: Mapping[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
         producer: FakeProducer | None = None, committed: Mapping[TopicPartition, int] | None = None,
         ) -> tuple[FakeConsumer, FakeProducer]:
    consumer, producer = FakeConsumer(hop, logs, committed), producer or FakeProducer()
    hop.consumer, hop.producer = consumer, producer
    hop.committed.update(committed or {})
    return consumer, producer


def dead_letters(producer: FakeProducer) -> list[dict[str, Any]]:
    return [orjson.loads(s.value or b"") for s in producer.on(DEADLETTER)]


def first_batch(consumer: FakeConsumer) -> dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
    return {tp: list(log) for tp, log in consumer.logs.items()}


# ---------------------------------------------------------------------- dead letters in a batch
def test_a_record_whose_stage_raises_is_dead_lettered_and_the_batch_commits(tmp_path: Path) -> None:
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11, b"boom"), record(P0, 12)]})
    run(hop._batch(first_batch(consumer)))
    [letter] = dead_letters(producer)
    assert (letter["stage"], letter["error_kind"]) == ("clean", "exception")
    assert "ValueError: the clean stage broke on this record" in letter["message"]
    assert (letter["topic"], letter["partition"], letter["offset"]) == (RAW, 0, 11)
    assert base64.b64decode(letter["original"]) == b"boom"
    assert [s.key for s in producer.on(CANDIDATES)] == [b"k0-10", b"k0-12"]  # the others go on
    assert consumer.commits == [{P0: 13}] and consumer.seeks == []
    assert hop.committed == {P0: 13}


def test_an_output_refused_at_send_time_dead_letters_its_input_and_the_batch_commits(tmp_path: Path) -> None:
    """aiokafka raises at send time for e.g. a record over max_request_size: the input goes to
    the dead-letter topic (kind send_failed, the stage that wrote the output), the stages'
    earlier outputs stay sent and the later stages do not run on it."""
    refused = MessageSizeTooLargeError("the tagged article is too large")
    producer = FakeProducer(refuse=lambda topic, key: refused if (topic, key) == (TAGGED, b"k0-11") else None)
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11), record(P0, 12)]}, producer)
    run(hop._batch(first_batch(consumer)))
    [letter] = dead_letters(producer)
    assert (letter["stage"], letter["error_kind"], letter["offset"]) == ("tag", "send_failed", 11)
    assert "MessageSizeTooLargeError" in letter["message"]
    assert [s.key for s in producer.on(CLEAN)] == [b"k0-10", b"k0-11", b"k0-12"]
    assert [s.key for s in producer.on(CANDIDATES)] == [b"k0-10", b"k0-12"]
    assert consumer.commits == [{P0: 13}]


def test_an_output_refused_on_delivery_dead_letters_its_input_once_then_commits(tmp_path: Path) -> None:
    """Two of one input's outputs fail on delivery: one dead letter (the stage of its first
    refused output), awaited before the commit."""
    refused = {(TAGGED, b"k1-5"), (CANDIDATES, b"k1-5")}
    producer = FakeProducer(fail=lambda topic, key: MessageSizeTooLargeError("too large") if (topic, key) in refused
                            else None)
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 3)], P1: [record(P1, 4), record(P1, 5)]}, producer)
    run(hop._batch(first_batch(consumer)))
    [letter] = dead_letters(producer)
    assert (letter["stage"], letter["error_kind"]) == ("tag", "send_failed")
    assert (letter["partition"], letter["offset"]) == (1, 5)
    assert letter["article_id"] == "k1-5"
    assert consumer.commits == [{P0: 4, P1: 6}]
    assert producer.on(DEADLETTER)[0].future.done()


@pytest.mark.parametrize("how", ["on delivery", "at send time"])
@pytest.mark.parametrize("error", [KafkaTimeoutError("not delivered in time"), KafkaConnectionError("broker gone")])
def test_an_output_not_delivered_for_a_passing_reason_is_read_again_not_dead_lettered(
        tmp_path: Path, error: BaseException, how: str) -> None:
    """A broker away for longer than the producer waits (a timeout, a lost connection, a leader
    moving) loses no article: nothing is dead-lettered or committed past the record, the batch is
    read again and committed once the broker takes the outputs. So too where aiokafka's send itself
    raises (no metadata within its wait, as in a broker restart: the article was lost from
    news.tagged in the broker-restart test when such a send was dead-lettered as refused)."""
    broken = [True]

    def once(topic: str, key: bytes | None) -> BaseException | None:
        if broken[0] and (topic, key) == (CANDIDATES, b"k0-11"):
            broken[0] = False
            return error
        return None

    producer = FakeProducer(fail=once) if how == "on delivery" else FakeProducer(refuse=once)
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11), record(P0, 12)]}, producer,
                              committed={P0: 10})
    run(hop._run())
    assert dead_letters(producer) == []
    assert consumer.seeks == [(P0, 10)]
    assert consumer.commits == [{P0: 13}]
    assert [s.key for s in producer.on(CANDIDATES)].count(b"k0-11") == (2 if how == "on delivery" else 1)


@pytest.mark.parametrize("how", ["at send time", "on delivery"])
def test_a_dead_letter_refused_itself_commits_nothing_and_the_batch_is_read_again(tmp_path: Path, how: str) -> None:
    """The loop (``_run``): a record whose output and then whose dead letter are refused fails
    the batch; nothing is committed past the failed record, the partitions are sought back to
    the group's committed offset, and the records are read and handled again (this time the
    broker takes them: every record reaches news.tagged, committed once)."""
    broken = [True]

    def refused(topic: str, key: bytes | None) -> BaseException | None:
        if broken[0] and key == b"k0-11" and topic in (CANDIDATES, DEADLETTER):
            if topic == DEADLETTER:
                broken[0] = False  # the broker is back for the next attempt
                gone: BaseException = KafkaConnectionError("broker gone")
                return gone
            too_large: BaseException = MessageSizeTooLargeError("too large")  # refused for good: a dead letter is due
            return too_large
        return None

    producer = FakeProducer(refuse=refused) if how == "at send time" else FakeProducer(fail=refused)
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11), record(P0, 12)],
                                    P1: [record(P1, 0)]}, producer, committed={P0: 10})
    run(hop._run())
    assert consumer.seeks == [(P0, 10), (P1, 0)]  # the committed offset; P1 never committed: its first record
    assert consumer.commits == [{P0: 13, P1: 1}]  # only after the records were handled again
    assert consumer.calls.index("seek 0 10") < consumer.calls.index("commit")
    assert [s.key for s in producer.on(TAGGED)].count(b"k0-11") == 2
    assert {s.key for s in producer.on(CANDIDATES)} == {b"k0-10", b"k0-11", b"k0-12", b"k1-0"}
    assert [s for s in producer.on(DEADLETTER) if s.future.exception() is None] == []


def without_original() -> float:
    return metrics.REGISTRY.get_sample_value("newswatch_deadletters_without_original_total", {"stage": "clean"}) or 0.0


@pytest.mark.parametrize("how", ["on delivery", "at send time"])
def test_a_dead_letter_refused_for_good_is_written_without_the_records_bytes_and_the_batch_commits(
        tmp_path: Path, how: str) -> None:
    """news.deadletter refuses a dead letter for good (over its max.message.bytes; at send time:
    over the producer's max_request_size): it is written again with its stage, kind, reason and
    the record's position but without the record's bytes, counted, and the batch commits.
    (Before: the batch was read again without end, the partition stalled behind the record.)"""
    producer = FakeProducer(limits={DEADLETTER: 2000}, limit_at_send=how == "at send time")
    hop = make_hop(tmp_path)
    big = b"boom" + b"x" * 5000
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11, big), record(P0, 12)]}, producer)
    before = without_original()
    run(hop._batch(first_batch(consumer)))
    delivered = [orjson.loads(s.value or b"") for s in producer.on(DEADLETTER) if s.future.exception() is None]
    [letter] = delivered
    assert (letter["stage"], letter["error_kind"], letter["offset"], letter["key"]) == ("clean", "exception", 11,
                                                                                       "k0-11")
    assert letter["original"] == ""
    assert "ValueError: the clean stage broke on this record" in letter["message"]
    assert f"original of {len(big)} bytes not included" in letter["message"]
    assert "MessageSizeTooLargeError" in letter["message"] and "read it from news.raw[0]@11" in letter["message"]
    assert without_original() == before + 1
    assert consumer.commits == [{P0: 13}]
    assert [s.key for s in producer.on(CANDIDATES)] == [b"k0-10", b"k0-12"]


def test_a_dead_letter_refused_even_without_the_records_bytes_commits_nothing(tmp_path: Path) -> None:
    """Nothing is committed past a record that left no trace: a dead letter refused even in its
    smallest form fails the batch (read again, the partition's failed attempts reported)."""
    hop = make_hop(tmp_path)
    consumer, _ = wire(hop, {P0: [record(P0, 10, b"boom")]}, FakeProducer(limits={DEADLETTER: 10}))
    with pytest.raises(MessageSizeTooLargeError):
        run(hop._batch(first_batch(consumer)))
    assert consumer.commits == []


def recorded_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """asyncio.sleep made instant; the waits asked for (not 0) recorded in the list returned."""
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        if seconds:
            sleeps.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return sleeps


@pytest.mark.parametrize("error", [NotEnoughReplicasError("not enough in-sync replicas"),
                                   KafkaTimeoutError("not delivered in time")])
def test_an_output_never_delivered_is_dead_lettered_as_undelivered_after_the_last_attempt(
        tmp_path: Path, error: BaseException, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """One article's alert candidate is never delivered, for a reason taken as passing (an
    error aiokafka marks retriable, the producer's timeout): the batch is read again after a
    doubling backoff, each failed attempt reported (log, newswatch_process_hop_failed_attempts);
    after NEWSWATCH_HOP_MAX_ATTEMPTS (3) failed attempts in a row the next one gives that
    output up: its article is dead-lettered, kind ``undelivered``, with its bytes for a replay,
    the batch commits and the partition moves on. (Before: read again without end.)"""
    sleeps = recorded_sleeps(monkeypatch)
    producer = FakeProducer(fail=lambda topic, key: error if (topic, key) == (CANDIDATES, b"k0-11") else None)
    hop = make_hop(tmp_path, max_attempts=3, retry_after=0.25)
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11, b'{"id": 11}'), record(P0, 12)]}, producer,
                              committed={P0: 10})
    with caplog.at_level(logging.ERROR, "newswatch.hop"):
        run(hop._run())
    assert sleeps == [0.25, 0.5, 1.0]  # after each of the 3 failed attempts
    assert "news.raw[0]@10 failed 3 times in a row; the next attempt dead-letters" in caplog.text
    [letter] = dead_letters(producer)
    assert (letter["stage"], letter["error_kind"], letter["offset"]) == ("alert", "undelivered", 11)
    assert f"not delivered after 3 attempts: {type(error).__name__}" in letter["message"]
    assert base64.b64decode(letter["original"]) == b'{"id": 11}'
    assert consumer.commits == [{P0: 13}] and consumer.seeks == [(P0, 10)] * 3
    assert failed_attempts(P0) == 0 and hop.attempts == {}


def test_with_max_attempts_0_an_undelivered_output_is_never_given_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """NEWSWATCH_HOP_MAX_ATTEMPTS=0: the partition waits for the broker however long (the wait
    between attempts doubles up to 30 s), reported at every failed attempt from the third; no
    dead letter; once the output is delivered the batch commits."""
    sleeps = recorded_sleeps(monkeypatch)
    failures = [6]

    def fail(topic: str, key: bytes | None) -> BaseException | None:
        if (topic, key) == (CANDIDATES, b"k0-0") and failures[0]:
            failures[0] -= 1
            refused: BaseException = NotEnoughReplicasError("not enough in-sync replicas")
            return refused
        return None

    hop = make_hop(tmp_path, max_attempts=0, retry_after=5.0)
    consumer, producer = wire(hop, {P0: [record(P0, 0)]}, FakeProducer(fail=fail))
    with caplog.at_level(logging.ERROR, "newswatch.hop"):
        run(hop._run())
    assert sleeps == [5.0, 10.0, 20.0, 30.0, 30.0, 30.0]
    assert caplog.text.count("failed 6 times in a row; the partition waits (read again in 30 s)") == 1
    assert dead_letters(producer) == [] and consumer.commits == [{P0: 1}]


def test_the_commit_waits_for_every_delivery_of_the_batch(tmp_path: Path) -> None:
    producer = FakeProducer(hold=True)
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 7), record(P0, 8)], P1: [record(P1, 2)]}, producer)

    async def scenario() -> None:
        task = asyncio.create_task(hop._batch(first_batch(consumer)))
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(producer.sent) == 9 and not task.done()  # 3 outputs per record, none delivered yet
        for sent in producer.sent[:-1]:
            producer.settle(sent.future, sent.topic, sent.key)
        for _ in range(20):
            await asyncio.sleep(0)
        assert consumer.commits == [] and not task.done()  # one delivery still outstanding
        last = producer.sent[-1]
        producer.settle(last.future, last.topic, last.key)
        await task

    run(scenario())
    assert consumer.commits == [{P0: 9, P1: 3}]


def test_a_batch_fetched_before_a_rebalance_is_not_handled_but_read_again_where_the_group_stands(
        tmp_path: Path) -> None:
    """P1 moves to another worker while a batch with records of P0 and P1 is on its way: none
    of it is handled (P1's records are the new owner's), P0 is sought back to its committed
    offset and read again."""
    hop = make_hop(tmp_path)
    consumer, producer = wire(hop, {P0: [record(P0, 5), record(P0, 6)], P1: [record(P1, 0)]},
                              committed={P0: 5, P1: 0})
    listener = Rebalance(hop)

    async def rebalance() -> None:
        await listener.on_partitions_revoked({P0, P1})
        consumer.held = {P0}
        await listener.on_partitions_assigned({P0})

    consumer.rebalance = rebalance
    run(hop._run())
    assert consumer.seeks == [(P0, 5)]
    assert [s.key for s in producer.on(TAGGED)] == [b"k0-5", b"k0-6"]  # once each, none of P1's
    assert consumer.commits == [{P0: 7}] and hop.committed == {P0: 7}


# ---------------------------------------------------------------------- offsets from faust's group
class FaustGroup:
    """``ProcessHop._faust_offsets`` (an admin client's list_consumer_group_offsets): faust's
    committed offsets, after ``failures`` KafkaErrors."""

    def __init__(self, offsets: Mapping[TopicPartition, int], failures: int = 0) -> None:
        self.offsets, self.failures = dict(offsets), failures
        self.asked: list[list[TopicPartition]] = []

    async def __call__(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        self.asked.append(list(tps))
        if len(self.asked) <= self.failures:
            raise KafkaConnectionError("coordinator not available")
        return {tp: self.offsets[tp] for tp in tps if tp in self.offsets}


def adopt(tmp_path: Path, faust: FaustGroup, own: Mapping[TopicPartition, int], **kwargs: Any
          ) -> tuple[ProcessHop, FakeConsumer]:
    hop = make_hop(tmp_path, **kwargs)
    consumer, _ = wire(hop, {P0: [], P1: []})
    consumer.group_committed.update(own)
    hop._faust_offsets = faust  # type: ignore[method-assign]
    return hop, consumer


def test_a_partition_never_committed_starts_where_faust_stood_and_commits_it(tmp_path: Path,
                                                                              caplog: pytest.LogCaptureFixture) -> None:
    faust = FaustGroup({P0: 40, P1: 90}, failures=2)
    hop, consumer = adopt(tmp_path, faust, own={P1: 7})
    with caplog.at_level(logging.WARNING, "newswatch.hop"):
        run(Rebalance(hop).on_partitions_assigned({P1, P0}))
    assert faust.asked == [[P0]] * 3  # only the partition this group never committed; two failures retried
    assert consumer.seeks == [(P0, 40)] and consumer.commits == [{P0: 40}]
    assert hop.committed == {P0: 40, P1: 7}
    assert consumer.calls[0] == "pause 0 1" and consumer.calls[-1] == "resume 0 1"
    assert "starts where faust's group nw stood on news.raw: [0]@40" in caplog.text


def skipped_at_start() -> float:
    return metrics.REGISTRY.get_sample_value("newswatch_process_hop_start_skipped_total") or 0.0


def failed_attempts(tp: TopicPartition) -> float | None:
    return metrics.REGISTRY.get_sample_value("newswatch_process_hop_failed_attempts",
                                             {"topic": tp.topic, "partition": str(tp.partition)})


DAY_MS = 86_400_000


@pytest.mark.parametrize(("start_at", "recent", "start"), [
    ("earliest", True, 20), ("latest", True, 25), ("1h", True, 23), ("7d", True, 20), ("1h", False, 25)])
def test_a_partition_no_group_ever_read_starts_where_the_start_setting_says(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, start_at: str, recent: bool, start: int) -> None:
    """Neither this group nor faust's ever committed news.raw[0] (a new deployment, a new app
    id, offsets expired) and it holds three records three days old then two a minute old (or
    five old ones): it starts where NEWSWATCH_HOP_START_AT says (a duration: the first record
    that recent, else the end), that start is committed at once, and what is passed over is
    logged with its offsets and counted. Before, it always started at the earliest offset."""
    now = int(time.time() * 1000)
    stamps = [now - 3 * DAY_MS] * 3 + [now - 60_000 if recent else now - 3 * DAY_MS] * 2
    hop, consumer = adopt(tmp_path, FaustGroup({}), own={}, start_at=start_at)
    consumer.logs[P0] = [record(P0, 20 + i, timestamp=t) for i, t in enumerate(stamps)]
    before = skipped_at_start()
    with caplog.at_level(logging.WARNING, "newswatch.hop"):
        run(hop.assigned([P0]))
    assert consumer.seeks == [(P0, start)] and consumer.commits == [{P0: start}]
    assert hop.committed == {P0: start} and consumer.paused == set() and hop.unresolved == set()
    assert skipped_at_start() == before + start - 20
    assert f"starting at [0]@{start} (NEWSWATCH_HOP_START_AT={start_at})" in caplog.text
    if start > 20:
        assert f"{start - 20} older record(s) not read: [0]@20-{start - 1}" in caplog.text


def test_a_start_settled_on_an_empty_partition_reads_what_comes_later_whatever_its_timestamp(tmp_path: Path) -> None:
    """The start is decided once, at the first assignment, and committed: records that reach an
    empty partition afterwards are read even when their Kafka timestamp is old (ingest stamps an
    article with its publication time; a replay keeps the original times)."""
    hop, consumer = adopt(tmp_path, FaustGroup({}), own={}, start_at="1h")
    consumer.empty_at = 7  # an empty partition whose records were deleted up to offset 7
    run(hop.assigned([P0]))
    assert consumer.commits == [{P0: 7}]
    consumer.logs[P0] = [record(P0, 7 + i, timestamp=1_000_000_000_000) for i in range(2)]  # from 2001
    hop.consumer, hop.producer = consumer, FakeProducer()
    run(hop._run())
    assert consumer.commits == [{P0: 7}, {P0: 9}]


@pytest.mark.parametrize("tries", [None, 3])
def test_faust_offsets_unreadable_after_the_last_try_leave_the_partition_paused_until_the_loop_settles_it(
        tmp_path: Path, tries: int | None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """After ``adopt_tries`` failed reads (5 by default) the assignment gives up on faust's
    offsets for now, without raising: the fresh partition stays paused (never started at a
    guessed offset, which would read days of news again or skip some), nothing is sought or
    committed for it, and a partition this group committed goes on from its offset. The loop
    settles the fresh one after a backoff, once faust's group answers. (Before: resumed at the
    consumer's reset offset, earliest.)"""
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)  # the hop's waits between tries
    faust = FaustGroup({P0: 40}, failures=99)
    kwargs = {"adopt_tries": tries, "retry_after": 0.25} if tries else {"retry_after": hop_module.RETRY_AFTER}
    hop, consumer = adopt(tmp_path, faust, own={P1: 7}, **kwargs)
    with caplog.at_level(logging.ERROR, "newswatch.hop"):
        run(hop.assigned([P0, P1]))
    expected = tries or 5
    assert hop_module.ADOPT_TRIES == 5 and hop_module.RETRY_AFTER == 1.0  # the defaults
    assert len(faust.asked) == expected
    assert [s for s in sleeps if s] == [0.25 if tries else 1.0] * (expected - 1)
    assert consumer.seeks == [] and consumer.commits == [] and hop.committed == {P1: 7}
    assert consumer.paused == {P0} and hop.unresolved == {P0} and not hop.lock.locked()
    assert "could not settle where news.raw [0] start (KafkaConnectionError" in caplog.text
    assert failed_attempts(P0) == 1
    faust.failures = 0  # faust's group answers again
    consumer.logs[P0] = [record(P0, 40), record(P0, 41)]
    hop._resolve_at = 0.0  # the backoff is over
    run(hop._run())
    assert consumer.seeks == [(P0, 40)] and consumer.commits == [{P0: 40}, {P0: 42}]
    assert hop.unresolved == set() and consumer.paused == set() and failed_attempts(P0) == 0


def test_faust_offsets_refused_for_good_count_as_none(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Not authorised to read faust's group (a deployment that never ran it): taken as no
    offsets, at once, and the start setting applies."""

    async def refused(tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        raise GroupAuthorizationFailedError("not authorised")

    hop = make_hop(tmp_path, start_at="earliest")
    consumer, _ = wire(hop, {P0: [record(P0, 3)]})
    hop._faust_offsets = refused  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, "newswatch.hop"):
        run(hop.assigned([P0]))
    assert consumer.commits == [{P0: 3}] and consumer.paused == set()
    assert "cannot read faust's group nw offsets" in caplog.text


def test_an_assignment_whose_coordinator_never_answers_is_given_up_and_settled_by_the_loop(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The rebalance listener asks the coordinator for the committed offsets and gets no answer:
    after the stall timeout the assignment is given up (logged, counted as a stall), the lock
    the loop needs is free and the partition stays paused; once the coordinator answers, the
    loop settles it and reads it from its committed offset. (Before: the listener held the
    lock for as long as the coordinator stayed silent.)"""
    hop = make_hop(tmp_path, stall=0.2)
    consumer, producer = wire(hop, {P0: [record(P0, 5), record(P0, 6)]})
    consumer.group_committed[P0] = 5
    consumer.coordinator_hangs = True
    before = stalls()
    with caplog.at_level(logging.ERROR, "newswatch.hop"):
        run(Rebalance(hop).on_partitions_assigned({P0}))
    assert stalls() == before + 1
    assert consumer.paused == {P0} and hop.unresolved == {P0} and not hop.lock.locked()
    assert "could not settle where news.raw [0] start (no answer within 0.2 s" in caplog.text
    consumer.coordinator_hangs = False
    hop._resolve_at = 0.0
    run(hop._run())
    assert consumer.seeks == [] and consumer.commits == [{P0: 7}]
    assert [s.key for s in producer.on(TAGGED)] == [b"k0-5", b"k0-6"]


def test_the_hops_consumer_resets_a_partition_without_offsets_to_the_earliest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other half of the fallback above: the consumer the hop creates starts a partition
    with no position at its earliest offset, and never auto-commits."""
    made: dict[str, dict[str, Any]] = {}

    class Client:
        def __init__(self, **kwargs: Any) -> None:
            made[type(self).__name__] = kwargs

        async def start(self) -> None:
            pass

        async def stop(self) -> None:
            pass

        def subscribe(self, topics: Iterable[str], listener: Any) -> None:
            made["subscribe"] = {"topics": list(topics), "listener": listener}

        async def getmany(self, **kwargs: Any) -> dict[TopicPartition, list[Any]]:
            await asyncio.sleep(0)
            return {}

    class Consumer(Client):
        pass

    class Producer(Client):
        pass

    monkeypatch.setattr(hop_module, "AIOKafkaConsumer", Consumer)
    monkeypatch.setattr(hop_module, "AIOKafkaProducer", Producer)
    hop = make_hop(tmp_path)

    async def scenario() -> None:
        await hop.on_start()
        await hop.on_stop()

    run(scenario())
    assert made["Consumer"]["auto_offset_reset"] == "earliest"
    assert made["Consumer"]["enable_auto_commit"] is False and made["Consumer"]["group_id"] == "nw-process"
    assert made["subscribe"]["topics"] == [RAW] and isinstance(made["subscribe"]["listener"], Rebalance)


# ---------------------------------------------------------------------- the stall watch
def stalls() -> float:
    return metrics.REGISTRY.get_sample_value("newswatch_process_hop_stalls_total") or 0.0


def test_a_delivery_that_never_completes_is_a_stall_and_the_batch_is_read_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A broker that takes the records and never answers: after the stall timeout without
    progress the batch is given up (logged with its partitions and offsets, counted), nothing
    committed, the partitions sought back to the committed offsets, and the records read again."""
    hop = make_hop(tmp_path, stall=0.2)
    producer = FakeProducer(hold=True)
    consumer, producer = wire(hop, {P0: [record(P0, 10), record(P0, 11), record(P0, 12)], P1: [record(P1, 4)]},
                              producer, committed={P0: 10, P1: 4})

    def broker_back() -> None:
        producer.hold = False

    consumer.on_seek = broker_back
    before, started = stalls(), time.monotonic()
    with caplog.at_level(logging.ERROR, "newswatch.hop"):
        run(hop._run())
    assert time.monotonic() - started >= 0.2
    assert stalls() == before + 1
    [stall] = [r for r in caplog.records if "made no progress" in r.getMessage()]
    assert stall.levelno == logging.ERROR
    assert "news.raw [0]@10-12, [1]@4-4 again" in stall.getMessage()
    assert consumer.seeks == [(P0, 10), (P1, 4)]
    assert consumer.commits == [{P0: 13, P1: 5}]  # once, after the records were handled again
    delivered = [s.key for s in producer.on(CANDIDATES) if s.future.done() and not s.future.cancelled()]
    assert delivered == [b"k0-10", b"k0-11", b"k0-12", b"k1-4"]  # the first attempt's were given up
    assert not hop.lock.locked() and hop._watch is None


def test_a_commit_that_never_completes_is_a_stall_and_the_batch_is_read_again(tmp_path: Path) -> None:
    hop = make_hop(tmp_path, stall=0.2)
    consumer, producer = wire(hop, {P0: [record(P0, 0), record(P0, 1)]})
    consumer.commit_hangs = True

    def coordinator_back() -> None:
        consumer.commit_hangs = False

    consumer.on_seek = coordinator_back
    before = stalls()
    run(hop._run())
    assert stalls() == before + 1
    assert consumer.seeks == [(P0, 0)]  # never committed: back to the batch's first record
    assert consumer.calls == ["commit", "seek 0 0", "commit"] and consumer.commits == [{P0: 2}]
    assert [s.key for s in producer.on(TAGGED)] == [b"k0-0", b"k0-1"] * 2  # at least once


def test_a_timeout_of_the_clients_own_is_a_failed_batch_not_a_stall(tmp_path: Path) -> None:
    hop = make_hop(tmp_path, stall=0.2)
    consumer, _ = wire(hop, {P0: [record(P0, 0)]})
    consumer.commit_raises = TimeoutError("the commit timed out")
    before = stalls()
    run(hop._run())
    assert stalls() == before
    assert consumer.seeks == [(P0, 0)] and consumer.commits == [{P0: 1}]


def test_a_slow_batch_that_progresses_is_not_a_stall(tmp_path: Path) -> None:
    """Four records of 150 ms each take longer than the 0.4 s limit together, but every record
    is progress: the batch is not given up (a whole-batch deadline would give it up on every
    attempt, without end)."""
    hop = make_hop(tmp_path, stall=0.4)
    consumer, producer = wire(hop, {P0: [record(P0, n, b"slow") for n in range(4)]})
    before, started = stalls(), time.monotonic()
    run(hop._run())
    assert time.monotonic() - started >= 0.6
    assert stalls() == before
    assert consumer.seeks == [] and consumer.commits == [{P0: 4}]
    assert len(producer.on(CANDIDATES)) == 4


def test_slow_deliveries_then_a_slow_commit_are_progress_each_not_a_stall(tmp_path: Path) -> None:
    """Deliveries that take 0.25 s, then a commit that takes 0.25 s, under a 0.4 s limit: the
    deliveries awaited are progress, so the commit has its own 0.4 s."""
    hop = make_hop(tmp_path, stall=0.4)
    consumer, producer = wire(hop, {P0: [record(P0, 0), record(P0, 1)]}, FakeProducer(hold=True))
    consumer.commit_delay = 0.25

    async def scenario() -> None:
        async def broker() -> None:
            await asyncio.sleep(0.25)
            for sent in producer.sent:
                producer.settle(sent.future, sent.topic, sent.key)

        slow = asyncio.create_task(broker())
        await hop._watched(first_batch(consumer))
        await slow

    before = stalls()
    run(scenario())
    assert stalls() == before and consumer.commits == [{P0: 2}]


def test_the_stall_timeout_setting(tmp_path: Path) -> None:
    assert Settings().hop_stall_timeout == 60.0
    assert make_hop(tmp_path).stall_after == 60.0
    Settings(hop_stall_timeout=0.0)  # no watch
    with pytest.raises(SystemExit, match="NEWSWATCH_HOP_STALL_TIMEOUT=3 is within the time one article"):
        Settings(hop_stall_timeout=3.0, article_budget=2.0)
