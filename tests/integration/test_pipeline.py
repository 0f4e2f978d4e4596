"""The pipeline on a real broker: a worker process, real producers, and alert consumers
outside the project (aiokafka and kcat)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from streams.schemas import BASE_URI, NAMES, schema
from tests.conftest import SEED
from tests.integration.workers import Worker, article, consume, declare, latest_alerts, produce

REGISTRY = Registry().with_resources((f"{BASE_URI}{n}.v1.json", Resource.from_contents(schema(n))) for n in NAMES)
ALERT_VALIDATOR = jsonschema.Draft202012Validator(schema("alert"), registry=REGISTRY)

WARNING_EN = {"id": "it-en-1", "language": "en", "published_at": "2025-02-04T10:00:00Z",
              "url": "https://news.example.com/a", "body": (
                  "Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near the "
                  "Polish border would be a dangerous escalation. The ministry called on Moscow to step back.")}
WARNING_DE = {"id": "it-de-1", "language": "de", "published_at": "2025-02-04T14:00:00Z",
              "url": "https://news.example.de/b", "body": (
                  "Das Auswärtige Amt warnte am Dienstag, die Verlegung russischer Truppen an die polnische "
                  "Grenze wäre eine gefährliche Eskalation. Berlin forderte Moskau zum Rückzug auf.")}


@pytest.fixture()
def worker(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> Iterator[Worker]:
    declare(kafka_bootstrap, topic_prefix)
    w = Worker(kafka_bootstrap, topic_prefix, tmp_path).start()
    yield w
    w.stop()


def _alerts(bootstrap: str, prefix: str, done: Any, timeout: float = 90.0) -> dict[str, dict[str, Any]]:
    messages = consume(bootstrap, [f"{prefix}news.alerts"], lambda ms: done(latest_alerts(ms)), timeout)
    return latest_alerts(messages)


def test_seed_article_raises_its_alert_for_outside_consumers(kafka_bootstrap: str, topic_prefix: str,
                                                              worker: Worker) -> None:
    if SEED.exists():
        body = SEED.read_text(encoding="utf-8")
        rec = {"id": "seed", "body": body, "published_at": "2024-10-25T12:00:00Z"}
        quote = "eskalasi yang jelas"
    else:  # ../shared is absent: the same shape of statement, in our own words
        rec = dict(WARNING_EN, id="seed")
        quote = ""
    produce(kafka_bootstrap, f"{topic_prefix}news.raw", [article(rec)])

    def found(alerts: dict[str, dict[str, Any]]) -> bool:
        return any(a["rule"]["id"] == "gov-warns-escalation" for a in alerts.values())

    alerts = _alerts(kafka_bootstrap, topic_prefix, found)
    escalation = [a for a in alerts.values() if a["rule"]["id"] == "gov-warns-escalation"]
    assert len(escalation) == 1, (alerts, worker.tail())
    alert = escalation[0]
    ALERT_VALIDATOR.validate(alert)
    assert alert["severity"] == "high"
    assert alert["speaker"]["country"] == "DE" and alert["speaker"]["kind"] == "body"
    assert {"RU"} <= {t["country"] for t in alert["targets"]}
    if quote:
        assert {"RU", "KP"} <= {t["country"] for t in alert["targets"]}
        assert alert["speaker"]["voice"]["name"] == "Kathrin Deschauer"
        assert any(quote in (e["quote"] or "") for e in alert["evidence"])

    # kcat, a Kafka client that is not part of this project, reads the same alert.
    kcat = shutil.which("kcat")
    if kcat is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kcat is not installed (.ci/setup-system installs it)")
        pytest.skip("kcat is not installed")
    out = subprocess.run([kcat, "-b", kafka_bootstrap, "-C", "-t", f"{topic_prefix}news.alerts", "-o", "beginning",
                          "-e", "-q", "-f", "%k\t%s\n"], capture_output=True, timeout=60, check=True)
    seen = {}
    for line in out.stdout.decode().splitlines():
        key, _, value = line.partition("\t")
        seen[key] = orjson.loads(value)
    assert alert["id"] in seen
    ALERT_VALIDATOR.validate(seen[alert["id"]])


def test_same_warning_in_two_languages_is_one_alert_with_two_sources(kafka_bootstrap: str, topic_prefix: str,
                                                                     worker: Worker) -> None:
    produce(kafka_bootstrap, f"{topic_prefix}news.raw", [article(WARNING_EN), article(WARNING_DE)])

    def corroborated(alerts: dict[str, dict[str, Any]]) -> bool:
        return any(a["sources_count"] >= 2 for a in alerts.values())

    alerts = _alerts(kafka_bootstrap, topic_prefix, corroborated)
    escalation = [a for a in alerts.values() if a["rule"]["id"] == "gov-warns-escalation"]
    assert len(escalation) == 1, (alerts, worker.tail())
    alert = escalation[0]
    assert alert["sources_count"] == 2
    assert {e["language"] for e in alert["evidence"]} == {"en", "de"}
    assert {e["article_id"] for e in alert["evidence"]} == {"it-en-1", "it-de-1"}


def test_bad_records_go_to_the_dead_letter_topic_and_the_worker_goes_on(kafka_bootstrap: str, topic_prefix: str,
                                                                         worker: Worker) -> None:
    raw, candidates = f"{topic_prefix}news.raw", f"{topic_prefix}news.alert-candidates"
    produce(kafka_bootstrap, raw, [(b"broken", b'{"id": "broken", "body": '),          # not JSON
                                   (b"nobody", orjson.dumps({"id": "nobody", "title": "no body"}))])  # schema
    # A candidate whose observation is not an object passes the loader and makes the settle stage raise.
    boom = {"key": "agg|boom", "alert": None, "observation": "not an observation",
            "ingested_at": "2025-01-01T00:00:00Z", "published_at": "2025-01-01T00:00:00Z"}
    produce(kafka_bootstrap, candidates, [(b"boom", orjson.dumps(boom))])
    produce(kafka_bootstrap, raw, [article(WARNING_EN)])  # what follows is still processed

    def complete(ms: list[Any]) -> bool:
        dead = [m for m in ms if m.topic.endswith("news.deadletter")]
        return len(dead) >= 3 and bool(latest_alerts(ms))

    messages = consume(kafka_bootstrap, [f"{topic_prefix}news.deadletter", f"{topic_prefix}news.alerts"],
                       complete, 90)
    dead = {m.key.decode(): orjson.loads(m.value) for m in messages if m.topic.endswith("news.deadletter")}
    assert set(dead) == {"broken", "nobody", "boom"}, worker.tail()
    validator = jsonschema.Draft202012Validator(schema("dead_letter"), registry=REGISTRY)
    for record in dead.values():
        validator.validate(record)
    assert (dead["broken"]["stage"], dead["broken"]["error_kind"]) == ("clean", "invalid_json")
    assert (dead["nobody"]["stage"], dead["nobody"]["error_kind"]) == ("clean", "schema")
    assert (dead["boom"]["stage"], dead["boom"]["error_kind"]) == ("settle", "exception")
    assert base64.b64decode(dead["broken"]["original"]) == b'{"id": "broken", "body": '
    assert dead["boom"]["topic"] == candidates and dead["boom"]["offset"] is not None
    assert latest_alerts(messages), "the valid article after the bad ones raised no alert"
