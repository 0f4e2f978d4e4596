"""`newswatch run`: the main job on one machine, the whole path.

Starts the managed local broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster),
declares the topics and starts a worker; serves the sample articles as a local news site
(streams/ingest/site.py) and runs `newswatch ingest` on its sitemap index; prints every
alert as it arrives on ``news.alerts``, read by a plain Kafka consumer like any other
subscriber; and runs `newswatch notify` with one subscription delivering every alert to a
local webhook receiver it starts, printing what the receiver got. (``--feed F`` replays a
JSON Lines file into ``news.raw`` instead of ingesting.) Stops when nothing has arrived for
``--idle`` seconds after ingest finished (or runs on with ``--follow``), then shuts
everything down.
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

from streams.archive.files import iter_lines
from streams.broker import BrokerError
from streams.kafka import ALERTS, RAW, kafka_client_options
from streams.resources import sample_feed
from streams.runtime.topics import ensure_topics
from streams.settings import Settings
from streams.settings import load as load_settings

SAMPLE_FEED = sample_feed()  # tests/fixtures/feed/sample.jsonl, shipped in the package
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


@contextlib.contextmanager
def broker_for(settings: Settings, port: int) -> Iterator[str]:
    """The cluster to use: KAFKA_BOOTSTRAP_SERVERS if set, else a managed local broker."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield settings.bootstrap_servers
        return
    from streams.broker import LocalBroker

    broker = LocalBroker(port=port, stop_timeout=BROKER_STOP_SECONDS).start()
    try:
        yield broker.bootstrap
    finally:
        print(f"stopping the broker (pid {broker.pid})", flush=True)
        broker.stop()


WORKER_STOP_SECONDS = 3.0  # SIGTERM, then SIGKILL: `run` stops within 5 s whatever happens
BROKER_STOP_SECONDS = 2.0
CLIENT_STOP_SECONDS = 1.0  # the alert reader and feed writer: nothing to commit, nothing worth waiting for


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
        print(f"stopping the worker (pid {proc.pid})", flush=True)
        _stop_group(proc, WORKER_STOP_SECONDS)


def _stop_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the process group, SIGKILL it after ``grace`` seconds: nothing outlives `run`."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait)


def _wait_ready(proc: subprocess.Popen[bytes], log: Path, settings: Settings, timeout: float = 120.0) -> None:
    """Ready means the worker has joined its consumer group and holds partitions of
    news.raw: faust's own "Ready" comes before the group is joined."""
    deadline = time.monotonic() + timeout
    said_ready = False
    while time.monotonic() < deadline:
        said_ready = said_ready or "Worker]: Ready" in log.read_text(errors="replace")
        if proc.poll() is not None:
            raise SystemExit(f"the worker exited with {proc.returncode}; its log is {log}")
        if said_ready and asyncio.run(_group_assigned(settings)):
            return
        time.sleep(0.5)
    raise SystemExit(f"the worker did not join its consumer group within {timeout:.0f}s; its log is {log}")


async def _group_assigned(settings: Settings) -> bool:
    """Whether the worker's consumer group is stable with partitions assigned."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**kafka_client_options(settings))
    await admin.start()
    try:
        for response in await admin.describe_consumer_groups([settings.app_id]):
            for group in response.groups:
                error, _gid, state, _ptype, _protocol, members = group[:6]
                if error == 0 and state == "Stable" and any(len(m[-1]) > 0 for m in members):
                    return True
        return False
    finally:
        await admin.close()


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """SIGTERM and SIGHUP (a closed terminal) stop `run` the way Ctrl-C does, so the
    worker and broker are stopped, never orphaned. Outside the event loop the signal
    raises KeyboardInterrupt; inside it, _replay_and_watch takes them over (see there)."""
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    _interrupt_on_stop_signals()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt_on_stop_signals() -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.default_int_handler)


class Stop:
    """A stop signal seen by the event loop, and when it came (for "stopped in")."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.at: float | None = None

    def set(self) -> None:
        self.at = self.at or time.monotonic()
        self.event.set()

    def __bool__(self) -> bool:
        return self.event.is_set()


async def _replay_and_watch(settings: Settings, feed: Path | None, idle: float, follow: bool, started: float,
                            stop: Stop) -> int:
    """Send the feed, then print alerts until idle (or a stop signal with --follow).

    A stop signal is taken by the loop, not raised as KeyboardInterrupt: an interrupt
    raised inside the loop makes asyncio.run cancel every task at once, the Kafka
    clients' own reader tasks included, and the consumer's stop then waits out a
    request timeout (over 30 s) for replies nobody reads."""
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        if feed is None:
            return await _ingest_and_print(settings, idle, follow, started, stop)
        return await _send_and_print(settings, feed, idle, follow, started, stop)
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        _interrupt_on_stop_signals()  # the loop's removal left SIG_DFL: a second signal must still stop cleanly


def _print_alert(console: Any, alert: dict[str, Any], seen: dict[str, dict[str, Any]], started: float) -> None:
    from rich.markup import escape

    update = alert["id"] in seen
    seen[alert["id"]] = alert
    style = SEVERITY_STYLE.get(alert["severity"], "")
    tag = "update" if update else "new"
    console.print(f"[dim]{time.monotonic() - started:6.1f}s[/] [{style}]{alert['severity']:>8}[/] "
                  f"{tag:6} {escape(alert['summary'])} "
                  f"[dim]({alert['sources_count']} source(s), {alert['id']})[/]")


async def _send_and_print(settings: Settings, feed: Path, idle: float, follow: bool, started: float,
                          stop: Stop) -> int:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 200)  # one alert, one line, also in logs
    options = kafka_client_options(settings)
    # No consumer group: every partition is read from the end, and stopping has no group to
    # leave and no offsets to commit, so it is immediate.
    consumer = AIOKafkaConsumer(settings.topic(ALERTS), auto_offset_reset="latest", group_id=None,
                                enable_auto_commit=False, **options)
    await consumer.start()
    # Start reading at the end before sending, so this run's alerts are all seen.
    await consumer.seek_to_end()
    producer = AIOKafkaProducer(linger_ms=5, **options)
    await producer.start()
    sent = 0
    try:
        for line in iter_lines(feed):
            if stop:
                break
            if line.data is None:
                console.print(f"[yellow]{escape(line.path)}:{line.lineno}: {escape(line.error or '')}[/]")
                continue
            key = str(orjson.loads(line.data).get("id") or line.lineno).encode()
            await producer.send(settings.topic(RAW), key=key, value=line.data)
            sent += 1
        if not stop:  # stopping drops what is unsent: the user asked to stop, not to finish the feed
            await producer.flush()
    finally:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(producer.stop(), CLIENT_STOP_SECONDS)
    if not stop:
        console.print(f"sent {sent} articles from {feed} to {settings.topic('news.raw')}; alerts as they arrive:")
    seen: dict[str, dict[str, Any]] = {}
    last = time.monotonic()
    try:
        while not stop and (follow or time.monotonic() - last < idle):
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                for m in messages:
                    last = time.monotonic()
                    if m.value is None:  # a tombstone: the alert was retracted (its window was covered)
                        aid = m.key.decode() if m.key else "?"
                        seen.pop(aid, None)
                        console.print(f"[dim]{time.monotonic() - started:6.1f}s[/] {'retracted':>8} {aid}")
                        continue
                    _print_alert(console, orjson.loads(m.value), seen, started)
    finally:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(consumer.stop(), CLIENT_STOP_SECONDS)
    console.print(f"{len(seen)} alerts from {sent} articles")
    return len(seen)


EDGE_STOP_SECONDS = 0.5  # ingest and notify are safe to kill (transactions; offsets after delivery)


def _edge(args: list[str], settings: Settings, log: Path, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers, **extra_env}
    with log.open("ab") as out:
        # our own command line and a file this process wrote: no outside input
        return subprocess.Popen([sys.executable, "-m", "streams.cli", *args, "--metrics-port", "0"],  # noqa: S603
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop_all(procs: list[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGTERM every group at once, SIGKILL what still runs after ``grace`` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
        deadline = time.monotonic() + (grace if sig == signal.SIGTERM else 10.0)
        while any(proc.poll() is None for proc in procs) and time.monotonic() < deadline:
            time.sleep(0.05)


def _last_line(log: Path, prefix: str) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith(prefix)]
    return lines[-1] if lines else ""


async def _ingest_and_print(settings: Settings, idle: float, follow: bool, started: float, stop: Stop) -> int:
    """The local site -> `newswatch ingest` -> the worker -> alerts printed, and `newswatch notify`
    -> a local webhook receiver, printing what it got."""
    import re

    from aiohttp import web
    from rich.console import Console
    from rich.markup import escape

    from streams.ingest.site import build

    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 200)
    workdir = settings.cache_dir / "run"
    workdir.mkdir(parents=True, exist_ok=True)
    last = time.monotonic()
    received = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal last, received
        body = await request.json()
        received += 1
        last = time.monotonic()
        console.print(f"[dim]{time.monotonic() - started:6.1f}s[/] [green]webhook got[/] {body.get('event', '?'):10} "
                      f"{escape(str(body.get('text', ''))[:160])}")
        return web.Response(text="ok")

    runners: list[web.AppRunner] = []
    receiver_app = web.Application()
    receiver_app.router.add_post("/hook", hook)
    urls = []
    for app in (build(), receiver_app):
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)  # 127.0.0.1 only; any free port
        await site.start()
        port = runner.addresses[0][1]
        urls.append(f"http://127.0.0.1:{port}")
    site_url, hook_url = urls
    # A source named per run: ingest's seen-state (news.ingest-seen) would otherwise skip every
    # article a previous run on this broker ingested, and the demo would show nothing.
    sources = workdir / "sources.yaml"
    source = f"sample-site-{int(time.time())}"
    sources.write_text(f"defaults: {{interval: 10m, timeout: 10, rate: 50, per_host: 8}}\nsources:\n"
                       f"  - {{name: {source}, kind: sitemap, url: \"{site_url}/sitemap.xml\"}}\n", encoding="utf-8")
    subscriptions = workdir / "subscriptions.yaml"
    subscriptions.write_text("subscriptions:\n  - name: run\n    destinations:\n"
                             "      - {name: local-hook, kind: webhook, url_env: NEWSWATCH_RUN_WEBHOOK}\n",
                             encoding="utf-8")
    options = kafka_client_options(settings)
    consumer = AIOKafkaConsumer(settings.topic(ALERTS), auto_offset_reset="latest", group_id=None,
                                enable_auto_commit=False, **options)
    await consumer.start()
    await consumer.seek_to_end()
    ingest_log, notify_log = workdir / "ingest.log", workdir / "notify.log"
    notify = _edge(["notify", str(subscriptions)], settings, notify_log, {"NEWSWATCH_RUN_WEBHOOK": f"{hook_url}/hook"})
    ingest = _edge(["ingest", str(sources), "--once", "--progress", "2"], settings, ingest_log, {})
    console.print(f"sample site at {site_url}/ ; ingesting its sitemap (log: {ingest_log}); notify delivers to "
                  f"{hook_url}/hook (log: {notify_log}); alerts as they arrive:")
    seen: dict[str, dict[str, Any]] = {}
    ingested = ""
    try:
        while not stop and (follow or ingest.poll() is None or time.monotonic() - last < idle):
            if not ingested and ingest.poll() is not None:
                ingested = _last_line(ingest_log, "ingest: 1 sources") or f"ingest exited with {ingest.returncode}"
                console.print(f"[dim]{time.monotonic() - started:6.1f}s[/] {escape(ingested)}")
                last = time.monotonic()
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                for m in messages:
                    last = time.monotonic()
                    if m.value is None:
                        aid = m.key.decode() if m.key else "?"
                        seen.pop(aid, None)
                        console.print(f"[dim]{time.monotonic() - started:6.1f}s[/] {'retracted':>8} {aid}")
                        continue
                    _print_alert(console, orjson.loads(m.value), seen, started)
    finally:
        _stop_all([ingest, notify], EDGE_STOP_SECONDS)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(consumer.stop(), CLIENT_STOP_SECONDS)
        for runner in runners:
            await runner.cleanup()
    emitted = re.findall(r"emitted (\d+)", _last_line(ingest_log, "ingest: 1 sources"))
    console.print(f"webhook received {received} notifications")
    if received < len(seen):
        # notify's delivered-state (news.notify-delivered) outlives a run on the same broker: an alert
        # an earlier run delivered is sent again only when it changed (a new source, severity up)
        console.print("[dim](notify sends an alert once per subscription: alerts an earlier run on this broker "
                      "delivered are sent again only on a new source or a higher severity)[/]")
    console.print(f"{len(seen)} alerts from {emitted[-1] if emitted else 0} articles")
    return len(seen)


def main(args: argparse.Namespace) -> int:
    started = time.monotonic()
    settings = load_settings()
    log = settings.cache_dir / "run" / "worker.log"
    seen = 0
    stopping: float | None = None
    with _signals_stop():
        try:
            with broker_for(settings, args.port) as bootstrap:
                settings = Settings(bootstrap_servers=bootstrap)
                asyncio.run(ensure_topics(settings))
                print(f"Kafka at {bootstrap}; starting a worker (log: {log})", flush=True)
                with worker_process(bootstrap, settings, log) as proc:
                    try:
                        _wait_ready(proc, log, settings)
                        print(f"worker ready; web and metrics at http://{settings.web_bind}:{settings.web_port}/",
                              flush=True)
                        stop = Stop()
                        feed = Path(args.feed) if args.feed else None
                        seen = asyncio.run(_replay_and_watch(settings, feed, args.idle, args.follow,
                                                             started, stop))
                        if stop:
                            stopping = stop.at
                            print("interrupted: stopping", flush=True)
                    except KeyboardInterrupt:
                        stopping = time.monotonic()
                        print("interrupted: stopping", flush=True)
        except KeyboardInterrupt:
            stopping = stopping or time.monotonic()
            print("interrupted while starting: stopped", flush=True)
        except BrokerError as exc:
            print(f"newswatch run: {exc}", file=sys.stderr)
            return 2
    if stopping is not None:
        print(f"stopped in {time.monotonic() - stopping:.1f}s", flush=True)
        return 130
    if seen == 0 and not args.follow:
        print(f"no alert arrived within {args.idle:.0f}s of the feed; the worker's log is {log}, ingest's and "
              f"notify's are beside it", file=sys.stderr)
        return 1
    return 0


def add_parser(sub: Any) -> None:
    run = sub.add_parser("run", help="the main job: local broker, a worker, the sample feed, alerts as they arrive")
    run.add_argument("--feed", default=None,
                     help=f"replay this JSON Lines file into news.raw instead of ingesting the local sample site "
                          f"(the sample feed itself: {SAMPLE_FEED})")
    run.add_argument("--port", type=int, default=9092, help="port of the managed local broker")
    run.add_argument("--idle", type=float, default=15.0, help="stop after this many seconds without a new alert")
    run.add_argument("--follow", action="store_true", help="keep printing alerts until Ctrl-C")
    run.set_defaults(func=main)
