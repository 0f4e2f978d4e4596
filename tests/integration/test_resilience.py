"""Failures on a real broker: a worker killed mid-stream, the broker restarted mid-stream,
a worker stopped while its broker is down.

Inputs are counted against outputs by id: every article reaches ``news.tagged``, and the
alert ids on ``news.alerts`` are exactly those the in-process pipeline raises for the
same articles (no alert lost, no second id for the same warning)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams import stages
from streams.pipeline import Pipeline
from tests.conftest import FEED
from tests.integration.harness import KafkaHarness
from tests.integration.workers import Worker, article, consume, declare, latest_alerts, produce, where

FAST_FAILOVER = {"NEWSWATCH_FAUST_BROKER_SESSION_TIMEOUT": "10", "NEWSWATCH_FAUST_BROKER_HEARTBEAT_INTERVAL": "1"}


def _feed() -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (FEED / "sample.jsonl").read_bytes().splitlines() if line.strip()]


def _expected_alert_ids(pipeline_factory: Callable[[], Pipeline], records: list[dict[str, Any]]) -> set[str]:
    pipe = pipeline_factory()
    for rec in sorted(records, key=lambda r: (r.get("published_at") or "", r["id"])):
        pipe.process(stages.parse_raw(rec))
    return set(pipe.alerts)


def _outputs(bootstrap: str, prefix: str, ids: set[str], want_alerts: set[str],
             timeout: float) -> tuple[set[str], dict[str, Any]]:
    def done(ms: list[Any]) -> bool:
        tagged = {m.key.decode() for m in ms if m.topic.endswith("news.tagged")}
        return ids <= tagged and want_alerts == set(latest_alerts(ms))

    messages = consume(bootstrap, [f"{prefix}news.tagged", f"{prefix}news.alerts"], done, timeout)
    tagged = {m.key.decode() for m in messages if m.topic.endswith("news.tagged")}
    return tagged, latest_alerts(messages)


def _alert_diff(bootstrap: str, prefix: str, pipeline_factory: Callable[[], Pipeline],
                records: list[dict[str, Any]], got: set[str], want: set[str]) -> str:
    """For a failed comparison: each missing or extra alert, its rule and articles, and where
    those articles and the alert's candidates are on the topics."""
    pipe = pipeline_factory()
    for rec in sorted(records, key=lambda r: (r.get("published_at") or "", r["id"])):
        pipe.process(stages.parse_raw(rec))
    lines, ids = [], set()
    for aid in sorted(got ^ want):
        alert = pipe.alerts.get(aid)
        articles = sorted({e.article_id for e in alert.evidence}) if alert is not None else []
        ids |= {aid, *articles}
        lines.append(f"{'missing' if aid in want else 'extra'} {aid}: "
                     f"{alert.rule.id if alert is not None else '?'} from {articles}")
    return "\n".join(lines) + "\n" + where(bootstrap, prefix, ids)


def _disrupt_mid_stream(bootstrap: str, prefix: str, pause: float, disrupt: Callable[[], None],
                        pipeline_factory: Callable[[], Pipeline], witness: Worker,
                        timeout: float) -> dict[str, Any]:
    """Half the feed, a pause with work in flight, the disruption, the other half; then every
    article must reach news.tagged and the alert ids must be the in-process ones."""
    records = _feed()
    half = len(records) // 2
    produce(bootstrap, f"{prefix}news.raw", [article(r) for r in records[:half]])
    time.sleep(pause)
    disrupt()
    produce(bootstrap, f"{prefix}news.raw", [article(r) for r in records[half:]])
    return _all_through(bootstrap, prefix, pipeline_factory, records, timeout, [witness])


def _all_through(bootstrap: str, prefix: str, pipeline_factory: Callable[[], Pipeline],
                 records: list[dict[str, Any]], timeout: float, survivors: list[Worker]) -> dict[str, Any]:
    """Every article reaches news.tagged and the alert ids are the in-process ones; a failure
    says where the missing records are and shows the survivors' last rebalance."""
    ids = {r["id"] for r in records}
    want = _expected_alert_ids(pipeline_factory, records)
    tagged, alerts = _outputs(bootstrap, prefix, ids, want, timeout)
    tails = "\n".join(w.tail() for w in survivors)
    if not ids <= tagged:
        missing = set(sorted(ids - tagged)[:10])
        raise AssertionError(f"untagged: {sorted(missing)}\n{where(bootstrap, prefix, missing)}\n{tails}")
    if set(alerts) != want:
        raise AssertionError(_alert_diff(bootstrap, prefix, pipeline_factory, records, set(alerts), want)
                             + f"\n{tails}")
    return alerts


# Both agent loops: one event at a time (the default) and faust's take_events batches, whose
# table writes name the event by hand (streams/runtime/agents.py).
@pytest.mark.parametrize("batch_wait", ["0", "0.02"], ids=["per-event", "batched"])
def test_killing_one_of_two_workers_loses_nothing(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path,
                                                  pipeline_factory: Callable[[], Pipeline],
                                                  monkeypatch: Any, batch_wait: str) -> None:
    for k, v in FAST_FAILOVER.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("NEWSWATCH_BATCH_WAIT", batch_wait)
    declare(kafka_bootstrap, topic_prefix)
    w1 = Worker(kafka_bootstrap, topic_prefix, tmp_path, "w1").start()
    w2 = Worker(kafka_bootstrap, topic_prefix, tmp_path, "w2").start()
    try:
        # mid-stream: w1 holds partitions with work in flight when it is killed
        alerts = _disrupt_mid_stream(kafka_bootstrap, topic_prefix, 1.0, w1.kill, pipeline_factory, w2, 150)
        for a in alerts.values():
            assert a["sources_count"] == len({e["article_id"] for e in a["evidence"]})
    finally:
        w1.stop()
        w2.stop()


def test_broker_restart_mid_stream_loses_nothing(kafka_harness: KafkaHarness, topic_prefix: str, tmp_path: Path,
                                                 pipeline_factory: Callable[[], Pipeline]) -> None:
    bootstrap = kafka_harness.bootstrap
    declare(bootstrap, topic_prefix)
    worker = Worker(bootstrap, topic_prefix, tmp_path).start()
    try:
        _disrupt_mid_stream(bootstrap, topic_prefix, 0.5, kafka_harness.restart_broker, pipeline_factory, worker, 180)
        assert worker.proc is not None and worker.proc.poll() is None, "the worker died with the broker"
    finally:
        worker.stop()


def test_a_worker_whose_broker_is_gone_still_stops_on_sigterm(kafka_harness: KafkaHarness, topic_prefix: str,
                                                               tmp_path: Path) -> None:
    """A deployment stopping workers while the cluster is down must not wait for a SIGKILL."""
    bootstrap = kafka_harness.bootstrap
    declare(bootstrap, topic_prefix)
    worker = Worker(bootstrap, topic_prefix, tmp_path).start()
    try:
        kafka_harness.stop_broker()
        try:
            time.sleep(5)  # the worker's fetches fail and back off, as they do while a broker is away
            assert worker.proc is not None
            worker.proc.terminate()
            try:
                worker.proc.wait(30)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"the worker ignored SIGTERM for 30 s with its broker gone\n{worker.tail()}"
                                     ) from None
        finally:
            kafka_harness.start_broker()
    finally:
        worker.stop(signal.SIGKILL)


def test_repeated_worker_kills_and_a_broker_kill_change_no_id(kafka_harness: KafkaHarness, topic_prefix: str,
                                                               tmp_path: Path, pipeline_factory: Callable[[], Pipeline],
                                                               monkeypatch: Any) -> None:
    """Two workers; a third of the feed, one worker SIGKILLed and replaced; a third, the other
    SIGKILLed and the broker SIGKILLed and started again; the last third to the survivors.
    Every article reaches news.tagged and the alert ids are those of the in-process run."""
    for k, v in FAST_FAILOVER.items():
        monkeypatch.setenv(k, v)
    bootstrap = kafka_harness.bootstrap
    declare(bootstrap, topic_prefix)
    records = _feed()
    third = len(records) // 3
    parts = [records[:third], records[third:2 * third], records[2 * third:]]
    raw = f"{topic_prefix}news.raw"
    workers = [Worker(bootstrap, topic_prefix, tmp_path, name).start() for name in ("w1", "w2")]
    try:
        produce(bootstrap, raw, [article(r) for r in parts[0]])
        time.sleep(1.0)  # work in flight, offsets not yet committed
        workers[0].kill()
        workers.append(Worker(bootstrap, topic_prefix, tmp_path, "w3").start())
        produce(bootstrap, raw, [article(r) for r in parts[1]])
        time.sleep(1.0)
        workers[1].kill()
        kafka_harness.kill_broker()
        kafka_harness.start_broker()
        workers.append(Worker(bootstrap, topic_prefix, tmp_path, "w4").start())
        produce(bootstrap, raw, [article(r) for r in parts[2]])
        _all_through(bootstrap, topic_prefix, pipeline_factory, records, 240, workers[2:])
    finally:
        for w in workers:
            w.stop(signal.SIGKILL)
