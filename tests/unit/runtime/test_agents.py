"""The agent loop (streams/runtime/agents.py) under faust's test context: no broker, no producer.

The knowledge base loads once per module; each test gets a fresh App on it (its own
alert-state table and near-duplicate index) whose topics' ``send`` records instead of
producing, and whose table records the changelog writes it hands to the unstarted
producer. Every test runs in both modes of run_stage: an event at a time and
take_events batches.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import pytest

from streams import stages
from streams.models import to_json
from streams.pipeline import load_ruleset
from streams.rules.engine import candidates
from streams.rules.loader import RuleSet
from streams.runtime.agents import attach
from streams.runtime.app import Newswatch, create_app
from streams.schemas import validator
from streams.settings import Settings
from streams.tagging.kb import KnowledgeBase
from streams.tagging.kb import load as load_kb
from tests.conftest import FEED

# The process step and its per-record routing (agents._handle) are the ones the aiokafka hop
# (streams/runtime/hop.py) runs; faust's agent drives them here without a broker. The hop's own
# batching, commits and rebalances are tested on a real broker (tests/integration).
PROCESS_HOP = "faust"
KAFKA_TS = 1738663200.0  # the record's Kafka timestamp: 2025-02-04T10:00:00Z
FEED_LINES = {orjson.loads(line)["id"]: line for line in (FEED / "sample.jsonl").read_bytes().splitlines()}
SAMPLE = FEED_LINES["sf-001"]  # a valid raw article
TWO_CANDIDATES = FEED_LINES["sf-008"]  # two statements, two alerts
WARNING = orjson.dumps({"id": "it-en-1", "language": "en", "published_at": "2025-02-04T10:00:00Z",
                        "url": "https://news.example.com/a", "body": (
                            "Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near "
                            "the Polish border would be a dangerous escalation. The ministry called on Moscow to "
                            "step back.")})


class Sent(NamedTuple):
    topic: str
    key: bytes
    value: bytes | None


@dataclass
class Harness:
    nw: Newswatch
    sent: list[Sent] = field(default_factory=list)
    changelog: list[tuple[int | None, str]] = field(default_factory=list)  # (partition, key) per table write

    def name(self, topic: str) -> str:
        return str(getattr(self.nw.topics, topic).get_topic_name())

    def recorder(self, topic: str) -> Callable[..., Awaitable[None]]:
        async def send(*, key: bytes, value: bytes | None, **_: Any) -> None:
            self.sent.append(Sent(topic, key, value))

        return send

    async def run(self, agent: str, puts: Sequence[Mapping[str, Any]], expect: int) -> list[Sent]:
        """Put records through an agent; what it sent (waiting for ``expect`` sends, and a little
        longer so that a send too many shows)."""
        start, loop = len(self.sent), asyncio.get_running_loop()
        async with self.nw.app.agents[agent].test_context() as ctx:
            for put in puts:
                await ctx.put(**put)
            deadline = loop.time() + 5.0
            while len(self.sent) - start < expect and loop.time() < deadline:
                await asyncio.sleep(0.005)
            await asyncio.sleep(2 * self.nw.settings.batch_wait + 0.01)
        return self.sent[start:]

    def drive(self, agent: str, puts: Sequence[Mapping[str, Any]], expect: int) -> list[Sent]:
        return asyncio.run(self.run(agent, puts, expect))


@pytest.fixture(scope="module")
def knowledge() -> tuple[KnowledgeBase, RuleSet]:
    kb = load_kb(Settings(kb_path=""))
    return kb, load_ruleset(kb, "")


def _recording(settings: Settings, knowledge: tuple[KnowledgeBase, RuleSet]) -> Harness:
    """A fresh App with the agents attached, whose topics record what they are sent."""
    kb, rules = knowledge
    nw = create_app(settings, kb=kb, rules=rules)
    attach(nw)
    harness = Harness(nw)
    for f in fields(nw.topics):
        topic = getattr(nw.topics, f.name)
        topic.send = harness.recorder(topic.get_topic_name())
    return harness


@pytest.fixture(params=[0.0, 0.02], ids=["per-event", "batched"])
def h(request: pytest.FixtureRequest, knowledge: tuple[KnowledgeBase, RuleSet], tmp_path: Path) -> Harness:
    settings = Settings(data_dir=tmp_path, metrics=False, batch_wait=request.param, rules_path="", kb_path="",
                        process_hop=PROCESS_HOP)
    harness = _recording(settings, knowledge)
    nw = harness.nw
    send_changelog = nw.state.send_changelog

    def changelog(partition: int | None, key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        harness.changelog.append((partition, key))
        return send_changelog(partition, key, value, *args, **kwargs)

    nw.state.send_changelog = changelog
    return harness


def _clean(raw: bytes) -> Any:
    return stages.clean(stages.parse_raw(raw), now=datetime.fromtimestamp(KAFKA_TS, UTC))


def _letter(sent: Sent) -> dict[str, Any]:
    assert sent.value is not None
    record: dict[str, Any] = orjson.loads(sent.value)
    validator("dead_letter")(record)
    return record


def _outputs(h: Harness, raw: bytes) -> list[tuple[str, bytes]]:
    """What the process agent sends for one valid raw article: clean, tagged, candidates."""
    kb, rules = h.nw.kb, h.nw.rules
    article = _clean(raw)
    tagged = stages.tag(article, kb)
    return [(h.name("clean"), article.id.encode()), (h.name("tagged"), article.id.encode())] + [
        (h.name("candidates"), c.key.encode()) for c in candidates(tagged, rules, kb.countries)]


def test_clean_sends_the_clean_article_keyed_by_id_ingested_at_the_kafka_timestamp(h: Harness) -> None:
    want = _outputs(h, SAMPLE)
    sent = h.drive("process", [{"value": SAMPLE, "key": b"sf-001", "timestamp": KAFKA_TS}], expect=len(want))
    assert [(s.topic, s.key) for s in sent] == want
    assert sent[0].value is not None
    record = orjson.loads(sent[0].value)
    validator("clean_article")(record)
    assert record["ingested_at"] == "2025-02-04T10:00:00.000Z"
    assert sent[0].value == to_json(_clean(SAMPLE))  # the stage's output, unchanged


def test_clean_dead_letters_bad_records_and_goes_on(h: Harness) -> None:
    broken, nobody = b'{"id": "broken", "body": ', orjson.dumps({"id": "nobody", "title": "no body"})
    want = _outputs(h, SAMPLE)
    sent = h.drive("process", [{"value": broken, "key": b"broken", "partition": 2},
                               {"value": nobody, "key": b"nobody", "partition": 2},
                               {"value": SAMPLE, "key": b"sf-001", "partition": 2}], expect=2 + len(want))
    dead = h.name("deadletter")
    assert [(s.topic, s.key) for s in sent] == [(dead, b"broken"), (dead, b"nobody"), *want]
    letter = _letter(sent[0])
    assert (letter["stage"], letter["error_kind"]) == ("clean", "invalid_json")
    assert base64.b64decode(letter["original"]) == broken
    assert (letter["topic"], letter["partition"], letter["offset"], letter["key"]) == (h.name("raw"), 2, 0, "broken")
    letter = _letter(sent[1])
    assert (letter["stage"], letter["error_kind"], letter["offset"]) == ("clean", "schema", 1)
    assert base64.b64decode(letter["original"]) == nobody


def test_tag_dead_letters_an_exception_and_tags_the_next_record(h: Harness, knowledge: tuple[KnowledgeBase, RuleSet],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = stages.tag_article

    def tag_stage(article: Any, *args: Any) -> Any:
        if article.id == "boom":
            raise TypeError("expected string or bytes-like object")
        return real(article, *args)

    monkeypatch.setattr(stages, "tag_article", tag_stage)
    boom = orjson.dumps(orjson.loads(WARNING) | {"id": "boom"})  # not a near-duplicate of the next
    article = _clean(SAMPLE)
    tagged = stages.tag(article, knowledge[0])
    expected = candidates(tagged, knowledge[1], knowledge[0].countries)
    sent = h.drive("process", [{"value": boom, "key": b"boom", "partition": 1, "timestamp": KAFKA_TS},
                               {"value": SAMPLE, "key": b"sf-001", "partition": 1, "timestamp": KAFKA_TS}],
                   expect=4 + len(expected))
    # the failing article's clean record went out before its tag stage failed: each stage keeps its outputs
    assert [(s.topic, s.key) for s in sent] == [(h.name("clean"), b"boom"), (h.name("deadletter"), b"boom"),
                                                (h.name("clean"), b"sf-001"), (h.name("tagged"), b"sf-001")] + [
        (h.name("candidates"), c.key.encode()) for c in expected]
    letter = _letter(sent[1])
    assert (letter["stage"], letter["error_kind"], letter["article_id"]) == ("tag", "exception", "boom")
    # the dead letter carries the raw record and its position: it can be replayed as it is
    assert (letter["topic"], letter["partition"], letter["offset"]) == (h.name("raw"), 1, 0)
    assert base64.b64decode(letter["original"]) == boom
    assert sent[3].value is not None
    validator("tagged_article")(orjson.loads(sent[3].value))
    assert sent[3].value == to_json(tagged)


def test_tag_runs_the_alert_stage_and_settle_raises_one_alert_a_redelivery_adds_no_other(h: Harness) -> None:
    kb, rules = h.nw.kb, h.nw.rules
    clean = [_clean(raw) for raw in (WARNING, TWO_CANDIDATES)]
    tagged = [stages.tag(a, kb) for a in clean]
    per_article = [candidates(t, rules, kb.countries) for t in tagged]
    assert [len(cs) for cs in per_article] == [1, 2]
    raws = (WARNING, TWO_CANDIDATES)
    sent = h.drive("process", [{"value": raw, "key": a.id.encode(), "timestamp": KAFKA_TS}
                               for raw, a in zip(raws, clean, strict=True)], expect=7)
    # each article's clean and tagged records, then the candidates the alert stage drew from it
    assert [(s.topic, s.key, s.value) for s in sent] == [
        out for a, t, cs in zip(clean, tagged, per_article, strict=True) for out in (
            [(h.name("clean"), a.id.encode(), to_json(a)), (h.name("tagged"), t.article.id.encode(), to_json(t))]
            + [(h.name("candidates"), c.key.encode(), to_json(c)) for c in cs])]
    c = sent[2]  # the warning's one candidate: a high escalation alert
    assert c.value is not None and orjson.loads(c.value)["alert"]["rule"]["id"] == "gov-warns-escalation"
    aid = c.key.decode()

    put = {"value": c.value, "key": c.key, "partition": 1}
    alerts = h.drive("settle", [put, put], expect=2)  # the second: a redelivery of the same candidate
    assert [(s.topic, s.key) for s in alerts] == [(h.name("alerts"), c.key)] * 2
    first, again = (orjson.loads(s.value) for s in alerts if s.value is not None)
    validator("alert")(first)
    assert first["id"] == aid and first["severity"] == "high" and first["sources_count"] == 1
    assert again == first
    # The table writes found the event being processed: its partition is the changelog's.
    assert list(h.nw.state.keys()) == [aid]
    assert h.changelog == [(1, aid), (1, aid)]


def test_the_alert_stage_failing_keeps_the_tagged_record_and_dead_letters_as_alert(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    import streams.runtime.agents

    real = candidates

    def alert_stage(tagged: Any, *args: Any) -> Any:
        if tagged.article.id == "it-en-1":
            raise ValueError("a rule could not be evaluated")
        return real(tagged, *args)

    monkeypatch.setattr(streams.runtime.agents, "candidates", alert_stage)
    other = _clean(TWO_CANDIDATES)
    sent = h.drive("process", [{"value": WARNING, "key": b"it-en-1", "partition": 2},
                               {"value": TWO_CANDIDATES, "key": other.id.encode(), "partition": 2}], expect=7)
    assert [(s.topic, s.key) for s in sent][:5] == [
        (h.name("clean"), b"it-en-1"), (h.name("tagged"), b"it-en-1"), (h.name("deadletter"), b"it-en-1"),
        (h.name("clean"), other.id.encode()), (h.name("tagged"), other.id.encode())]
    assert [s.topic for s in sent[5:]] == [h.name("candidates")] * 2  # the next article went through
    letter = _letter(sent[2])
    assert (letter["stage"], letter["error_kind"], letter["article_id"]) == ("alert", "exception", "it-en-1")
    assert (letter["topic"], letter["partition"], letter["offset"]) == (h.name("raw"), 2, 0)
    assert "ValueError: a rule could not be evaluated" in letter["message"]
    assert base64.b64decode(letter["original"]) == WARNING


def test_an_output_the_broker_refuses_sends_its_input_aside_and_the_agent_goes_on(h: Harness) -> None:
    from aiokafka.errors import MessageSizeTooLargeError

    record = h.recorder(h.name("clean"))
    calls = 0

    async def refuse_first(*, key: bytes, value: bytes | None, **kw: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise MessageSizeTooLargeError("the message is 1,100,000 bytes when serialized")
        await record(key=key, value=value, **kw)

    h.nw.topics.clean.send = refuse_first
    # under the 200,000-character limit of the clean stage, but 570 KB of UTF-8
    big = orjson.loads(SAMPLE) | {"id": "big", "body": orjson.loads(SAMPLE)["body"] + "\n\n" + "中" * 190_000}
    want = _outputs(h, SAMPLE)
    sent = h.drive("process", [{"value": orjson.dumps(big), "key": b"big"},
                               {"value": SAMPLE, "key": b"sf-001"}], expect=1 + len(want))
    # the refused article goes no further than its dead letter; the next goes through
    assert [(s.topic, s.key) for s in sent] == [(h.name("deadletter"), b"big"), *want]
    letter = _letter(sent[0])
    assert (letter["stage"], letter["error_kind"], letter["article_id"]) == ("clean", "send_failed", "big")
    assert "MessageSizeTooLargeError" in letter["message"]
    # the input is cut so that its dead letter fits under the broker's 1 MB default
    assert "original cut to its first 524288 of" in letter["message"]
    assert base64.b64decode(letter["original"]) == orjson.dumps(big)[:524288]
    assert sent[0].value is not None and len(sent[0].value) < 1_000_000


def test_a_malformed_candidate_is_a_dead_letter_of_its_kind(h: Harness) -> None:
    sent = h.drive("settle", [{"value": b"{not json", "key": b"al-1"},
                              {"value": orjson.dumps({"alert": None}), "key": b"al-2"}], expect=2)
    kinds = [(s.topic, _letter(s)["stage"], _letter(s)["error_kind"]) for s in sent]
    assert kinds == [(h.name("deadletter"), "settle", "invalid_json"), (h.name("deadletter"), "settle", "schema")]


def test_side_outputs_switched_off_leave_only_the_candidates(knowledge: tuple[KnowledgeBase, RuleSet],
                                                             tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, metrics=False, rules_path="", kb_path="", write_clean=False,
                        write_tagged=False, process_hop=PROCESS_HOP)
    harness = _recording(settings, knowledge)
    want = [(topic, key) for topic, key in _outputs(harness, WARNING) if topic == harness.name("candidates")]
    assert want  # the warning raises a candidate
    sent = harness.drive("process", [{"value": WARNING, "key": b"it-en-1", "timestamp": KAFKA_TS}], expect=len(want))
    assert [(s.topic, s.key) for s in sent] == want
