"""`newswatch run`: the main job on one machine.

Starts the managed local broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster),
declares the topics, starts a worker, replays the sample feed into ``news.raw`` and
prints every alert as it arrives on ``news.alerts``, read by a plain Kafka consumer like
any other subscriber. Stops when no alert has arrived for ``--idle`` seconds after the
feed was sent (or runs on with ``--follow``), then shuts the worker and broker down.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.app import kafka_client_options
from streams.replay.files import iter_lines
from streams.settings import Settings
from streams.settings import load as load_settings
from streams.topics import ensure_topics

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FEED = REPO / "tests" / "fixtures" / "feed" / "sample.jsonl"
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


@contextlib.contextmanager
def broker_for(settings: Settings, port: int) -> Iterator[str]:
    """The cluster to use: KAFKA_BOOTSTRAP_SERVERS if set, else a managed local broker."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield settings.bootstrap_servers
        return
    from streams.broker import LocalBroker

    with LocalBroker(port=port) as broker:
        yield broker.bootstrap


@contextlib.contextmanager
def worker_process(bootstrap: str, settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "info"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _wait_ready(proc: subprocess.Popen[bytes], log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "Worker]: Ready" in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise SystemExit(f"the worker exited with {proc.returncode}; its log is {log}")
        time.sleep(0.2)
    raise SystemExit(f"the worker was not ready after {timeout:.0f}s; its log is {log}")


async def _replay_and_watch(settings: Settings, feed: Path, idle: float, follow: bool, started: float) -> int:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 200)  # one alert, one line, also in logs
    options = kafka_client_options(settings)
    consumer = AIOKafkaConsumer(settings.topic("news.alerts"), auto_offset_reset="latest",
                                group_id=f"{settings.app_id}-run-{os.getpid()}", **options)
    await consumer.start()
    # Start reading at the end before sending, so this run's alerts are all seen.
    await consumer.seek_to_end()
    producer = AIOKafkaProducer(linger_ms=5, **options)
    await producer.start()
    sent = 0
    try:
        for line in iter_lines(feed):
            if line.data is None:
                console.print(f"[yellow]{escape(line.path)}:{line.lineno}: {escape(line.error or '')}[/]")
                continue
            key = str(orjson.loads(line.data).get("id") or line.lineno).encode()
            await producer.send(settings.topic("news.raw"), key=key, value=line.data)
            sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    console.print(f"sent {sent} articles from {feed} to {settings.topic('news.raw')}; alerts as they arrive:")
    seen: dict[str, dict[str, Any]] = {}
    last = time.monotonic()
    try:
        while follow or time.monotonic() - last < idle:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                for m in messages:
                    alert = orjson.loads(m.value)
                    update = alert["id"] in seen
                    seen[alert["id"]] = alert
                    last = time.monotonic()
                    style = SEVERITY_STYLE.get(alert["severity"], "")
                    tag = "update" if update else "new"
                    console.print(f"[dim]{time.monotonic() - started:6.1f}s[/] [{style}]{alert['severity']:>8}[/] "
                                  f"{tag:6} {escape(alert['summary'])} "
                                  f"[dim]({alert['sources_count']} source(s), {alert['id']})[/]")
    finally:
        await consumer.stop()
    console.print(f"{len(seen)} alerts from {sent} articles")
    return len(seen)


def main(args: argparse.Namespace) -> int:
    started = time.monotonic()
    settings = load_settings()
    log = settings.cache_dir / "run" / "worker.log"
    with broker_for(settings, args.port) as bootstrap:
        settings = Settings(bootstrap_servers=bootstrap)
        asyncio.run(ensure_topics(settings))
        print(f"Kafka at {bootstrap}; starting a worker (log: {log})", flush=True)
        with worker_process(bootstrap, settings, log) as proc:
            _wait_ready(proc, log)
            print(f"worker ready; web and metrics at http://{settings.web_bind}:{settings.web_port}/", flush=True)
            try:
                asyncio.run(_replay_and_watch(settings, Path(args.feed), args.idle, args.follow, started))
            except KeyboardInterrupt:
                print("stopping", flush=True)
    return 0


def add_parser(sub: Any) -> None:
    run = sub.add_parser("run", help="the main job: local broker, a worker, the sample feed, alerts as they arrive")
    run.add_argument("--feed", default=str(SAMPLE_FEED), help="JSON Lines file to replay into news.raw")
    run.add_argument("--port", type=int, default=9092, help="port of the managed local broker")
    run.add_argument("--idle", type=float, default=15.0, help="stop after this many seconds without a new alert")
    run.add_argument("--follow", action="store_true", help="keep printing alerts until Ctrl-C")
    run.set_defaults(func=main)
