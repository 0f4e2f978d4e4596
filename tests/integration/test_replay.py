"""Archive and replay on a real broker.

1. The sample feed goes live into one pipeline (a worker, and `newswatch archive` killed
   half-way and restarted); the archive is replayed into a second pipeline under a fresh
   topic prefix; both end with the same alerts (latest state, retractions removed), which
   are also the alerts `backtest` computes in process.
2. A rate-limited replay is interrupted with SIGINT, resumed, killed with SIGKILL, resumed
   again: every article is on the target topic exactly once.

Alert contents match because the worker takes ``ingested_at`` from the record's Kafka
timestamp (streams/runtime/agents.py) and the replay restores it; the ids alone would match even
without that, since every sample article has a ``published_at``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from streams import stages
from streams.archive import reader
from streams.archive.manifest import MANIFEST, Entry, iter_manifest
from streams.archive.record import Record
from streams.archive.writer import Archive
from streams.pipeline import Pipeline
from streams.replay.resume import AT_HEADER, RUN_HEADER, end_offsets
from tests.integration.workers import REPO, Worker, consume, declare, env_for, latest_alerts, produce

SAMPLE = REPO / "tests" / "fixtures" / "feed" / "sample.jsonl"


def sample() -> list[tuple[bytes, bytes]]:
    """(key, value) of each sample article, the value the line's bytes as a feed would send them."""
    out = []
    for line in SAMPLE.read_bytes().splitlines():
        if line.strip():
            out.append((orjson.loads(line)["id"].encode(), line))
    return out


def newswatch(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "streams.cli", *args], cwd=REPO, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def manifest_records(root: Path) -> int:
    if not (root / MANIFEST).exists():
        return 0
    return sum(item.records for _, item in iter_manifest(root) if isinstance(item, Entry))


def wait_for(what: str, check: Callable[[], bool], timeout: float, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(interval)


def expected_alert_ids(pipeline_factory: Callable[[], Pipeline]) -> set[str]:
    pipe = pipeline_factory()
    for _, value in sample():
        pipe.process(stages.parse_raw(value))
    return set(pipe.alerts)


def read_archive(root: Path) -> list[Record]:
    plan = reader.resolve([str(root)])
    assert plan.problems == []
    got = []
    for src in plan.sources:
        assert reader.verify(src) is None
        for item in reader.read(src):
            assert item.problem is None, item.problem
            assert item.record is not None
            got.append(item.record)
    return got


def stable_alerts(bootstrap: str, prefix: str, done: Callable[[dict[str, Any]], bool],
                  timeout: float = 90.0) -> dict[str, dict[str, Any]]:
    messages = consume(bootstrap, [f"{prefix}news.alerts"], lambda ms: done(latest_alerts(ms)), timeout)
    return latest_alerts(messages)


def comparable(alert: dict[str, Any]) -> tuple[Any, ...]:
    """What does not depend on the order the worker met the articles in. (A corroborated alert
    keeps the event time, and may keep the summary and speaker, of whichever article reached
    `settle` first: streams/rules/engine.py merge(). Live and replay interleave partitions
    differently, so those may differ between any two runs, replay or not.)"""
    return (alert["rule"]["id"], alert["severity"], sorted(t["country"] or t["entity_id"] for t in alert["targets"]),
            alert["first_seen"], alert["last_seen"], alert["sources_count"],
            sorted(e["article_id"] for e in alert["evidence"]))


def test_archive_then_replay_gives_the_live_alerts(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path,
                                                   pipeline_factory: Callable[[], Pipeline]) -> None:
    live, again = topic_prefix, topic_prefix.rstrip(".") + "r."
    declare(kafka_bootstrap, live)
    declare(kafka_bootstrap, again)
    # One after the other: two workers starting at once have been seen to lose the race between
    # faust creating the alert-state changelog and reading it back (every settle then fails
    # with PartitionsMismatch); see the report on issue #5.
    workers = [Worker(kafka_bootstrap, live, tmp_path / "live"), Worker(kafka_bootstrap, again, tmp_path / "again")]
    for w in workers:
        w.start()
    expected = expected_alert_ids(pipeline_factory)
    archive = tmp_path / "archive"
    env = env_for(kafka_bootstrap, live, tmp_path / "archiver")
    env["NEWSWATCH_CACHE_DIR"] = str(tmp_path / "cache")
    log = tmp_path / "archive.log"
    try:
        # Live: half the feed, archived; then the archiver is killed with the rest in flight.
        archiver = newswatch(env, log, "archive", "--dir", str(archive), "--roll-seconds", "0.5")
        feed = sample()
        produce(kafka_bootstrap, f"{live}news.raw", feed[:50])
        wait_for("the archiver listed the first half", lambda: manifest_records(archive) >= 50, 60)
        produce(kafka_bootstrap, f"{live}news.raw", feed[50:])
        time.sleep(0.3)
        archiver.kill()
        archiver.wait(10)
        # Restarted, it takes up from the manifest and stops once idle.
        archiver = newswatch(env, log, "archive", "--dir", str(archive), "--roll-seconds", "0.5", "--exit-idle", "3")
        assert archiver.wait(60) == 0, log.read_text()
        records = read_archive(archive)
        assert Counter((r.partition, r.offset) for r in records).most_common(1)[0][1] == 1, "archived twice"
        assert sorted(r.key for r in records if r.key) == sorted(k for k, _ in feed), "gap in the archive"
        assert {r.value for r in records} == {v for _, v in feed}

        live_alerts = stable_alerts(kafka_bootstrap, live, lambda a: set(a) == expected)
        assert set(live_alerts) == expected, (sorted(set(live_alerts) ^ expected), workers[0].tail())

        # Replay into the second pipeline.
        renv = env_for(kafka_bootstrap, again, tmp_path / "replayer")
        renv["NEWSWATCH_CACHE_DIR"] = str(tmp_path / "cache")
        rlog = tmp_path / "replay.log"
        replayer = newswatch(renv, rlog, "replay", str(archive), "--quiet")
        assert replayer.wait(60) == 0, rlog.read_text()
        replayed = stable_alerts(kafka_bootstrap, again, lambda a: set(a) == set(live_alerts))
        assert set(replayed) == set(live_alerts), (sorted(set(replayed) ^ set(live_alerts)), workers[1].tail())
        for aid, alert in live_alerts.items():
            assert comparable(replayed[aid]) == comparable(alert), aid

        # The replayed records carry their live Kafka timestamps, and the run's header.
        raw_live = consume(kafka_bootstrap, [f"{live}news.raw"], lambda ms: len(ms) >= len(feed), 30)
        raw_again = consume(kafka_bootstrap, [f"{again}news.raw"], lambda ms: len(ms) >= len(feed), 30)
        assert {m.key: m.timestamp for m in raw_again} == {m.key: m.timestamp for m in raw_live}
        assert len({dict(m.headers)[RUN_HEADER] for m in raw_again}) == 1
    finally:
        for w in workers:
            w.stop()


def test_an_interrupted_replay_resumes_with_nothing_lost_or_doubled(kafka_bootstrap: str, topic_prefix: str,
                                                                    tmp_path: Path) -> None:
    # An archive of the sample feed ingested a few minutes ago (recent timestamps: the topic's
    # retention keeps them), over three source partitions.
    archive = tmp_path / "archive"
    arch = Archive(archive, "news.raw")
    arch.open()
    now = int(time.time() * 1000) - 600_000
    for i, (key, value) in enumerate(sample()):
        arch.add(Record(key, value, now + i * 1000, (), "news.raw", i % 3, i // 3, 0))
        if i % 40 == 39:
            arch.checkpoint()
    arch.checkpoint()
    arch.close()
    topic = f"{topic_prefix}news.raw"
    env = env_for(kafka_bootstrap, topic_prefix, tmp_path / "data")
    env["NEWSWATCH_CACHE_DIR"] = str(tmp_path / "cache")
    log = tmp_path / "replay.log"
    options = {"bootstrap_servers": kafka_bootstrap}

    def on_topic() -> int:
        try:
            return sum(asyncio.run(end_offsets(options, topic)).values())
        except Exception:  # the replayer has not created the topic yet
            return 0

    run = ("replay", str(archive), "--quiet", "--rate", "25")
    first = newswatch(env, log, *run)
    wait_for("25 records replayed", lambda: on_topic() >= 25, 60)
    first.send_signal(signal.SIGINT)
    assert first.wait(30) == 130, log.read_text()
    assert "--resume" in log.read_text()

    second = newswatch(env, log, *run, "--resume")
    wait_for("60 records replayed", lambda: on_topic() >= 60, 60)
    os.killpg(second.pid, signal.SIGKILL)
    second.wait(10)

    third = newswatch(env, log, "replay", str(archive), "--quiet", "--resume")
    assert third.wait(60) == 0, log.read_text()
    assert "nothing to resume" in subprocess.run(
        [sys.executable, "-m", "streams.cli", "replay", str(archive), "--quiet", "--resume"], cwd=REPO, env=env,
        capture_output=True, text=True, timeout=60).stderr

    messages = consume(kafka_bootstrap, [topic], lambda ms: len(ms) >= 107, 30)
    time.sleep(1.0)
    messages = consume(kafka_bootstrap, [topic], lambda ms: False, 3)  # and nothing more arrives
    by_id = Counter(orjson.loads(m.value)["id"] for m in messages)
    feed_ids = [k.decode() for k, _ in sample()]
    assert set(by_id) == set(feed_ids), "lost: " + str(sorted(set(feed_ids) - set(by_id)))
    assert set(by_id.values()) == {1}, "doubled: " + str(sorted(k for k, v in by_id.items() if v > 1))
    assert Counter(m.key for m in messages) == Counter(k for k, _ in sample())
    assert len({dict(m.headers)[RUN_HEADER] for m in messages}) == 1  # one run, resumed twice
    assert len({dict(m.headers)[AT_HEADER] for m in messages}) == 107
    stamps = {m.key: m.timestamp for m in messages}
    assert stamps == {k: now + i * 1000 for i, (k, _) in enumerate(sample())}

