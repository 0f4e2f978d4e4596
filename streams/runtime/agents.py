"""The steps of both hops and the per-record routing they share; the settle agent's loop.

The process hop runs on plain aiokafka by default (streams/runtime/hop.py, which calls
:func:`_handle` and :func:`_reject` below for each record); with ``NEWSWATCH_PROCESS_HOP=faust``
it is a faust agent like settle, as described here.

Two agents run the four stages, one consumer hop each, a hop only where the key changes
(as Kafka Streams builds a topology): ``process`` reads news.raw (keyed by article id) and
runs clean → tag → alert on each article in process, writing news.clean and news.tagged as
side outputs for whoever taps them (``NEWSWATCH_WRITE_CLEAN``/``NEWSWATCH_WRITE_TAGGED``) and
news.alert-candidates re-keyed by alert id or aggregate window; ``settle`` reads the
candidates and keeps the alert-state table. Each agent takes events one at a time as they
arrive (or in batches with faust's ``take_events``), runs the stages on each event, sends the
outputs without awaiting each delivery, and routes any failure (parse, schema, a stage
raising, an output the broker refuses) to the dead-letter topic with the stage, error kind,
message, source position and the original bytes. Offsets are committed by faust after the
events are acknowledged and the producer flushed, so delivery is at least once; alert ids
and idempotent settling make a redelivery harmless. Metrics (streams/runtime/metrics.py) are
counted here, per stage, around the stage functions, which stay pure; alerts sent and dead
letters are also logged with their ids.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from aiokafka.errors import KafkaError, KafkaTimeoutError

from streams import stages, timestamps
from streams.cleaning.fingerprint import NearDuplicateIndex
from streams.errors import InvalidRecord
from streams.models import Alert, DeadLetter, from_dict, to_json
from streams.rules.engine import Candidate, candidates, published_before, settle
from streams.runtime import metrics
from streams.runtime.app import Newswatch
from streams.runtime.faust_internals import set_current_event
from streams.runtime.skips import SkipGuard

log = logging.getLogger("newswatch.agents")

# A stage turns one record (key, value, Kafka timestamp) into zero or more (topic, key, value) outputs.
Output = tuple[Any, bytes, bytes | None]


class Then(NamedTuple):
    """Yielded by a step between two stages it runs in a row: the next stage's name.

    The process agent runs clean, tag and alert on the article it has in hand, so no agent
    reads news.clean or news.tagged back (two hops and two parses fewer per article). Each
    stage keeps its own timing, counts and dead letters.
    """

    stage: str


Stage = Callable[[bytes | None, bytes, float | None], Iterable[Output | Then]]

_clock = time.perf_counter
YIELD_EVERY = 16  # events an agent handles before it lets the rest of the worker run
MAX_DUPLICATE_INDEX = 200_000  # recent fingerprints a worker remembers for near-duplicate flags
MAX_ORIGINAL_BYTES = 512 * 1024  # base64 makes it 683 KB: under Kafka's default 1 MB message limit


def dead_letter(stage: str, kind: str, message: str, event: Any, *, without_original: str = "") -> bytes:
    """The dead letter of ``event``: stage, error kind, message, source position, key and the
    record's bytes (base64). ``without_original`` (why) leaves the bytes out: the broker refused
    the full dead letter for good (larger than news.deadletter's max.message.bytes), and this one
    points at the record's position on its source topic instead, where it can be read while the
    topic retains it."""
    msg = event.message
    key = _key_text(event)
    original: bytes = event.value or b""
    message = message[:2000]
    if without_original:
        message += (f" (original of {len(original)} bytes not included: {without_original[:300]}; read it from "
                    f"{msg.topic}[{msg.partition}]@{msg.offset})")
        original = b""
    elif len(original) > MAX_ORIGINAL_BYTES:  # the dead letter itself must fit under the broker's limit
        message += f" (original cut to its first {MAX_ORIGINAL_BYTES} of {len(original)} bytes)"
        original = original[:MAX_ORIGINAL_BYTES]
    record = DeadLetter(stage, kind, message, base64.b64encode(original).decode(),
                        datetime.now(UTC).isoformat().replace("+00:00", "Z"), msg.topic, msg.partition,
                        msg.offset, key, _article_id(stage, key))
    return to_json(record)


def _key_text(event: Any) -> str | None:
    return event.key.decode("utf-8", "replace") if isinstance(event.key, bytes) else None


def _article_id(stage: str, key: str | None) -> str | None:
    # raw, clean and tagged records are keyed by article id; candidates by alert or window key
    return key if stage in ("clean", "tag", "alert") else None


async def run_stage(name: str, nw: Newswatch, stream: Any, step: Stage,
                    send: Callable[[Any, bytes, bytes | None], Awaitable[Any]], guard: SkipGuard) -> None:
    """The loop every agent shares: step, send, dead-letter on failure.

    With ``NEWSWATCH_BATCH_WAIT`` = 0 (the default) each event is handled as it arrives:
    faust acks it when the loop asks for the next one, and the sends are not awaited
    for delivery (faust flushes the producer before it commits). A positive wait
    gathers events with faust's ``take_events`` instead, up to ``NEWSWATCH_BATCH_SIZE``.
    """
    s = nw.settings
    meters = {stage: metrics.StageMeter(stage) for stage in metrics.STAGES} if s.metrics else None
    if s.batch_wait <= 0:
        handled = 0
        async for event in stream.events():
            await guard.check(event.message.tp, event.message.offset)
            await _handle(name, nw, event, step, send, meters)
            guard.done(event.message.tp)
            handled += 1
            if not handled % YIELD_EVERY:
                # Over a backlog nothing here waits, so without this one agent holds the event
                # loop: the other agents, heartbeats and /metrics scrapes wait behind it.
                await asyncio.sleep(0)
        return
    async for events in stream.take_events(s.batch_size, within=s.batch_wait):
        for event in events:
            # Table writes look up the event being processed (its partition is the changelog's);
            # take_events hands over a batch, so name each event in this task's context.
            set_current_event(event)
            await guard.check(event.message.tp, event.message.offset)
            await _handle(name, nw, event, step, send, meters)
            guard.done(event.message.tp)


async def _handle(name: str, nw: Newswatch, event: Any, step: Stage,
                  send: Callable[[Any, bytes, bytes | None], Awaitable[Any]],
                  meters: Mapping[str, metrics.StageMeter] | None) -> None:
    """One event through its step: each stage's outputs are sent when that stage is done,
    so a later stage failing keeps what the earlier one produced; the failing stage's
    dead letter carries the event's own bytes and position."""
    stage, started = name, _clock()
    outputs: list[Output] = []
    steps = iter(step(event.key, event.value, event.message.timestamp))
    while True:
        try:
            out = next(steps, None)
        except InvalidRecord as exc:
            await _reject(stage, nw, send, event, exc.kind, exc.message, meters, _clock() - started)
            return
        except Exception as exc:  # a stage must never stop the worker: the record goes aside
            log.exception("stage %s failed on %s[%s]@%s", stage, event.message.topic,
                          event.message.partition, event.message.offset)
            await _reject(stage, nw, send, event, "exception", f"{type(exc).__name__}: {exc}", meters,
                          _clock() - started)
            return
        if out is not None and not isinstance(out, Then):
            outputs.append(out)
            continue
        try:
            for topic, key, value in outputs:
                await send(topic, key, value)
        except KafkaError as exc:  # e.g. an output over the broker's size limit: the input goes aside
            log.exception("stage %s could not send its output for %s[%s]@%s", stage, event.message.topic,
                          event.message.partition, event.message.offset)
            await _reject(stage, nw, send, event, "send_failed", f"{type(exc).__name__}: {exc}", meters,
                          _clock() - started)
            return
        if meters is not None:
            meters[stage].passed(_clock() - started)
        if out is None:
            return
        stage, started, outputs = out.stage, _clock(), []


async def _reject(name: str, nw: Newswatch, send: Callable[[Any, bytes, bytes | None], Awaitable[Any]],
                  event: Any, kind: str, message: str, meters: Mapping[str, metrics.StageMeter] | None,
                  seconds: float) -> None:
    if meters is not None:
        meters[name].failed(seconds, kind)
    msg = event.message
    log.warning("dead letter: %s", message[:200], extra={
        "stage": name, "kind": kind, "topic": msg.topic, "partition": msg.partition, "offset": msg.offset,
        "article_id": _article_id(name, _key_text(event))})
    try:
        await send(nw.topics.deadletter, event.key, dead_letter(name, kind, message, event))
    except KafkaError as exc:
        if transient(exc):
            raise  # the broker is away: the record is read again (the hop) or faust's send fails
        # Refused for good (e.g. over the producer's max_request_size): the reason and the
        # record's position still go to the dead-letter topic, never nothing.
        await send(nw.topics.deadletter, event.key, without_original(name, kind, message, event, exc))


def without_original(stage: str, kind: str, message: str, event: Any, exc: BaseException) -> bytes:
    """The dead letter that replaces one the broker refused for good: everything but the
    record's bytes (logged at ERROR, counted in newswatch_deadletters_without_original)."""
    msg = event.message
    log.error("the dead letter of %s[%s]@%s was refused (%r): writing it without the record's bytes", msg.topic,
              msg.partition, msg.offset, exc, extra={"stage": stage, "kind": kind, "topic": msg.topic,
                                                     "partition": msg.partition, "offset": msg.offset})
    metrics.deadletters_without_original.labels(stage).inc()
    return dead_letter(stage, kind, message, event,
                       without_original=f"the full dead letter was refused: {type(exc).__name__}: {exc}")


def transient(exc: BaseException) -> bool:
    """A send or delivery failure that a later attempt can get past: a broker, leader or
    coordinator away (aiokafka marks those ``retriable``), or the producer's own wait for it
    running out (``KafkaTimeoutError``, which aiokafka does not mark, having retried within that
    wait). A record too large or a topic the worker may not write to is refused for good."""
    return isinstance(exc, KafkaTimeoutError | TimeoutError) or bool(getattr(exc, "retriable", False))


def attach(nw: Newswatch, process: Stage | None = None, settle_with: Stage | None = None) -> None:
    """Register the two hops on the App: ``settle`` a faust agent (a loop of run_stage over its
    step), ``process`` the aiokafka loop of streams/runtime/hop.py, started and stopped with the
    App (or a faust agent too with ``NEWSWATCH_PROCESS_HOP=faust``). ``process``/``settle_with``
    replace the steps (bench/null_worker.py passes records on unchanged)."""
    app, topics, kb, rules, settings = nw.app, nw.topics, nw.kb, nw.rules, nw.settings
    duplicates = NearDuplicateIndex(max_items=MAX_DUPLICATE_INDEX)
    guard = SkipGuard(app, nw.faust_inputs())

    async def send(topic: Any, key: bytes, value: bytes | None) -> Any:
        return await topic.send(key=key, value=value)

    observe = settings.metrics

    def process_step(key: bytes | None, value: bytes, timestamp: float | None) -> Iterable[Output | Then]:
        raw = stages.parse_raw(value)
        # Ingestion is the record's arrival on news.raw: a replay that keeps the original
        # Kafka timestamp reproduces it, and with it every alert's content.
        now = datetime.fromtimestamp(timestamp, UTC) if timestamp and timestamp > 0 else datetime.now(UTC)
        article = stages.clean_article(raw, now, settings)
        article.duplicate_of = duplicates.add(article.id, article.fingerprint)
        if observe:
            metrics.cleaned(article.language, article.duplicate_of is not None)
        if settings.write_clean:
            yield topics.clean, article.id.encode(), to_json(article)
        yield Then("tag")
        tagged = stages.tag_article(article, kb, settings)
        if observe:
            metrics.tagged(m.type for m in tagged.mentions)
        if settings.write_tagged:
            yield topics.tagged, article.id.encode(), to_json(tagged)
        yield Then("alert")
        for c in candidates(tagged, rules, kb.countries):
            yield topics.candidates, c.key.encode(), to_json(c)

    def settle_step(key: bytes | None, value: bytes, timestamp: float | None) -> Iterable[Output]:
        c = _load_candidate(value)
        known = published_before(c, rules, nw.state)
        for aid, alert in settle(c, rules, nw.state):
            if observe:
                _count(c, aid, alert, aid not in known)
            # None is a tombstone: the compacted topic forgets a retracted alert.
            yield topics.alerts, aid.encode(), to_json(alert) if alert is not None else None

    process_with = process or process_step
    # (agent, its first stage, source, step): a topic hop only where the key changes
    hops: list[tuple[str, str, Any, Stage]] = [("settle", "settle", topics.candidates, settle_with or settle_step)]
    if settings.process_hop == "aiokafka":
        from streams.runtime.hop import ProcessHop

        nw.hop = ProcessHop(nw, process_with, "clean", beacon=app.beacon)
        app.service(nw.hop)  # an instance: faust starts it after the table recovery, stops it with the App
    else:
        hops.insert(0, ("process", "clean", topics.raw, process_with))
    for name, first, source, step in hops:
        app.agent(source, name=name)(_agent(first, nw, step, send, guard))


def _seconds_since(stamp: str | None, now: datetime) -> float | None:
    if not stamp:
        return None
    t = timestamps.parse(stamp, assume_utc=True)
    return None if t is None else (now - t).total_seconds()


def _count(c: Candidate, aid: str, alert: Alert | None, new: bool) -> None:
    rule = c.alert.rule.id if c.alert is not None else (c.observation or {}).get("rule", "?")
    if alert is None:
        metrics.alert_retracted(rule)
        log.info("alert retracted", extra={"alert_id": aid, "rule": rule})
        return
    now = datetime.now(UTC)
    metrics.alert_sent(rule, alert.severity, new, _seconds_since(c.ingested_at, now),
                       _seconds_since(c.published_at, now))
    article = (c.alert.evidence[0].article_id if c.alert is not None and c.alert.evidence
               else (c.observation or {}).get("evidence", {}).get("article_id"))
    log.info("alert %s", "raised" if new else "updated", extra={
        "alert_id": aid, "rule": rule, "severity": alert.severity, "article_id": article,
        "sources_count": alert.sources_count})


def _agent(first: str, nw: Newswatch, step: Stage, send: Callable[[Any, bytes, bytes | None], Awaitable[Any]],
           guard: SkipGuard) -> Callable[[Any], Awaitable[None]]:
    async def agent(stream: Any) -> None:
        await run_stage(first, nw, stream, step, send, guard)

    agent.__name__ = agent.__qualname__ = f"{first}_agent"
    return agent


def _load_candidate(value: bytes) -> Candidate:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise InvalidRecord("invalid_json", f"not JSON: {exc}") from exc
    try:
        alert = from_dict(Alert, data["alert"]) if data.get("alert") else None
        return Candidate(data["key"], alert, data.get("observation"), data.get("ingested_at"),
                         data.get("published_at"))
    except (TypeError, KeyError, AttributeError) as exc:
        raise InvalidRecord("schema", f"not a candidate: {type(exc).__name__}: {exc}") from exc
