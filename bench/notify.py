"""Notify latency on a real broker: an alert appended to news.alerts -> `newswatch notify` (the
real command, a subprocess) -> a webhook receiver on 127.0.0.1 has the POST. Latency is the
receiver's clock at the request minus the alert record's Kafka timestamp (CreateTime, set by
the producer when it sends; one machine, one clock), p50/p99/max over every alert.

Alerts are produced at a fixed offered load (--rate alerts/s for --seconds), each a new alert
id, so every record is one delivery (a new alert, with its delivered-state write and its offset
commit before the next, as notify always does). A warm-up alert waits for the consumer group.

Run: python bench/notify.py [--rate 20] [--seconds 30]
(uses KAFKA_BOOTSTRAP_SERVERS, else starts the managed local broker on --port).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from aiokafka import AIOKafkaProducer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.kafka import ALERTS, NOTIFY_DELIVERED  # noqa: E402
from streams.runtime.topics import ensure_topics  # noqa: E402
from streams.settings import Settings  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e import cluster  # noqa: E402  (the managed local broker, unless KAFKA_BOOTSTRAP_SERVERS is set)


def alert(alert_id: str, now: str) -> dict[str, Any]:
    """An alert as the settle agent writes it (the fields notify reads)."""
    return {"id": alert_id, "rule": {"id": "gov-warns-escalation", "title": "Government warns of escalation"},
            "severity": "high", "summary": "Germany warns of escalation involving Russia (bench)",
            "speaker": {"name": "Germany", "kind": "country", "country": "DE"},
            "targets": [{"name": "Russia", "country": "RU"}], "sources_count": 1, "first_seen": now,
            "last_seen": now, "evidence": [{"source": "bench", "url": "http://127.0.0.1/bench.html",
                                            "language": "en", "quote": "a clear escalation"}]}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(bootstrap: str, rate: float, seconds: float, workdir: Path) -> None:
    prefix = f"bn{uuid.uuid4().hex[:6]}."
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix, partitions=3, app_id=f"{prefix}newswatch")
    await ensure_topics(settings, (ALERTS, NOTIFY_DELIVERED))
    received: dict[str, float] = {}
    arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        at = time.time()
        body = await request.json()
        received.setdefault(body["alert_id"], at)
        arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    subs = workdir / "subscriptions.yaml"
    subs.write_text("subscriptions:\n  - name: bench\n    destinations:\n"
                    f"      - {{name: hook, kind: webhook, url: \"http://127.0.0.1:{port}/hook\"}}\n")
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "NEWSWATCH_TOPIC_PREFIX": prefix,
           "NEWSWATCH_APP_ID": f"{prefix}newswatch", "NEWSWATCH_PARTITIONS": "3"}
    log = workdir / "notify.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "notify", str(subs), "--metrics-port", "0"],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    await producer.start()
    topic = settings.topic(ALERTS)
    sent: dict[str, float] = {}
    try:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        await producer.send_and_wait(topic, key=b"warm-up", value=orjson.dumps(alert("warm-up", now)))
        await asyncio.wait_for(arrived.wait(), 120)
        count = int(rate * seconds)
        start = time.monotonic()
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            aid = f"al-bench-{i:06d}"
            meta = await producer.send_and_wait(topic, key=aid.encode(), value=orjson.dumps(alert(aid, now)))
            sent[aid] = meta.timestamp / 1000
        deadline = time.monotonic() + 60
        while len([a for a in sent if a in received]) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await producer.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(15)
        await runner.cleanup()
    latencies = [(received[a] - t) * 1000 for a, t in sent.items() if a in received]
    lost = len(sent) - len(latencies)
    print(f"{len(sent)} alerts at {rate:g}/s for {seconds:g}s to news.alerts (3 partitions) -> newswatch notify -> "
          f"webhook on 127.0.0.1: received {len(latencies)}{f', MISSING {lost}' if lost else ''}")
    if latencies:
        print(f"latency alert on topic -> webhook received: p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0, help="alerts per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=19192, help="port of the managed local broker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nw-notify-bench-") as tmp, cluster(args.port) as bootstrap:
        asyncio.run(bench(bootstrap, args.rate, args.seconds, Path(tmp)))


if __name__ == "__main__":
    main()
