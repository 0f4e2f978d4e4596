"""The whole path on real parts, all on 127.0.0.1: the local news site (feeds, sitemaps, pages,
hostile pages) -> `newswatch ingest` (killed with SIGKILL mid-stream, then run again) -> a worker
-> `newswatch notify` (killed with SIGKILL mid-stream, then run again) -> a webhook receiver, a
Slack-format receiver, a real SMTP server (aiosmtpd) and a real Alertmanager."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from streams.kafka import process_group
from streams.notify.runner import decide
from streams.notify.subscriptions import EVENTS, Filter, Subscription
from streams.timestamps import parse
from tests.integration.workers import (
    REPO,
    Worker,
    consume,
    declare,
    env_for,
    free_port,
    last_offsets,
    latest_alerts,
    read_to_end,
    wait_caught_up,
)

SAMPLE_ARTICLES = 107
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def _wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def _spawn(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


class Gate:
    """Shared by the receivers below: while closed, a delivery is held (not answered) and, once the
    gate opens again, refused without being recorded. So the test can kill notify at a moment when
    no lane is between a destination accepting and the lane recording that it did (the one window
    in which at-least-once sends a revision twice: see streams/notify/runner.py)."""

    def __init__(self) -> None:
        self.closed = False
        self.held = 0

    async def hold(self) -> bool:
        """True when the delivery must be refused (it was held)."""
        if not self.closed:
            return False
        self.held += 1
        while self.closed:
            await asyncio.sleep(0.05)
        return True


class Receiver:
    """An HTTP webhook receiver in a thread: records every accepted JSON body by path."""

    def __init__(self, gate: Gate) -> None:
        self.port = free_port()
        self.gate = gate
        self.bodies: list[tuple[str, Any]] = []
        self.down = False  # answer 503 while set
        self.refused = 0
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._serve, daemon=True).start()
        _wait_http(f"http://127.0.0.1:{self.port}/health")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()

        async def health(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        async def hook(request: web.Request) -> web.Response:
            body = await request.json()
            if (self.down and request.path == "/hook") or await self.gate.hold():
                self.refused += 1
                return web.Response(status=503)
            self.bodies.append((request.path, body))
            return web.Response(text="ok")

        app.router.add_get("/health", health)
        app.router.add_post("/{name}", hook)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._loop.run_forever()

    def events(self, path: str) -> list[Any]:
        return [body for p, body in list(self.bodies) if p == path]


def _wait(what: str, condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s")
        time.sleep(0.1)


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = _spawn([sys.executable, "-m", "streams.ingest.site", "--port", str(port)], tmp_path / "site.log")
    _wait_http(f"http://127.0.0.1:{port}/robots.txt")
    yield f"http://127.0.0.1:{port}"
    _stop(proc)


@pytest.fixture()
def hostile(tmp_path: Path) -> Iterator[str]:
    """The same site on another port: another host, so its hanging pages hold only its own slots."""
    port = free_port()
    proc = _spawn([sys.executable, "-m", "streams.ingest.site", "--port", str(port)], tmp_path / "hostile.log")
    _wait_http(f"http://127.0.0.1:{port}/robots.txt")
    yield f"http://127.0.0.1:{port}"
    _stop(proc, signal.SIGKILL)


@pytest.fixture()
def alertmanager(tmp_path: Path) -> Iterator[str]:
    if ALERTMANAGER is None:
        pytest.fail("prometheus-alertmanager is not installed: run `make system` (.ci/setup-system installs it)")
    config = tmp_path / "alertmanager.yml"
    config.write_text("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n")
    port = free_port()
    proc = _spawn([ALERTMANAGER, f"--config.file={config}", f"--storage.path={tmp_path / 'am'}",
                   f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="], tmp_path / "am.log")
    try:  # stopped however the test ends, also when it never became ready
        _wait_http(f"http://127.0.0.1:{port}/-/ready")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)


@pytest.fixture()
def gate() -> Gate:
    return Gate()


@pytest.fixture()
def smtp(gate: Gate) -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller

    messages: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if await gate.hold():
                return "451 4.3.0 held by the test; try again"
            messages.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


def _set_retention(bootstrap: str, topic: str, value: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    async def alter() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {"retention.ms": value})])
        finally:
            await admin.close()

    asyncio.run(alter())


def _expected_events(alerts: list[Any]) -> Counter[tuple[str, str, int | None]]:
    """What the subscription (no filter, every event) must receive: `decide` over the history of
    news.alerts, in each partition's order."""
    subscription = Subscription("all", Filter(), frozenset(EVENTS), ())
    state: dict[str, dict[str, Any] | None] = {}
    out: Counter[tuple[str, str, int | None]] = Counter()
    for m in alerts:
        alert_id = m.key.decode()
        alert = json.loads(m.value) if m.value is not None else None
        event = decide(subscription, state.get(alert_id), alert)
        if event is not None:
            out[(alert_id, event, alert["sources_count"] if alert else None)] += 1
            state[alert_id] = {"resolved": True} if alert is None else alert
    return out


def _received(events: list[Any]) -> Counter[tuple[str, str, int | None]]:
    return Counter((e["alert_id"], e["event"], (e["alert"] or {}).get("sources_count")) for e in events)


def test_ingest_worker_notify_on_real_parts_survive_kill_9(
        kafka_bootstrap: str, topic_prefix: str, tmp_path: Path, site: str, hostile: str, alertmanager: str,
        gate: Gate, smtp: tuple[int, list[bytes]]) -> None:
    declare(kafka_bootstrap, topic_prefix)
    raw = f"{topic_prefix}news.raw"
    # The sample articles were published in 2024-25: with the default 7-day retention the broker
    # would delete them within minutes, so ingest would stamp them with the ingest time (unit
    # tested). Keeping them forever lets this test check that the timestamp is the publication time.
    _set_retention(kafka_bootstrap, raw, "-1")
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""
defaults: {{interval: 2s, timeout: 2s, rate: 200, per_host: 4}}
sources:
  - {{name: wire-en, kind: feed, url: "{site}/rss/en.xml", language: en}}
  - {{name: wire-id, kind: feed, url: "{site}/rss/id.xml"}}
  - {{name: all-json, kind: feed, url: "{site}/feed.json"}}
  - {{name: news-sitemap, kind: sitemap, url: "{site}/sitemap.xml"}}
  - {{name: hanging-feed, kind: feed, url: "{hostile}/hostile/hang"}}
  - name: hostile-pages
    kind: urls
    urls: ["{hostile}/hostile/500", "{hostile}/hostile/huge", "{hostile}/hostile/loop",
           "{hostile}/hostile/cp1251.html", "{hostile}/hostile/broken-utf8.html", "{hostile}/hostile/hang"]
""")
    env = env_for(kafka_bootstrap, topic_prefix, tmp_path / "data")
    ingest_cmd = [sys.executable, "-m", "streams.cli", "ingest", str(sources), "--metrics-port", "0",
                  "--progress", "1"]
    first_log, second_log = tmp_path / "ingest-1.log", tmp_path / "ingest-2.log"
    first = _spawn(ingest_cmd, first_log, env)
    consume(kafka_bootstrap, [raw], lambda ms: len(ms) >= 1, 120, isolation_level="read_committed")
    os.killpg(first.pid, signal.SIGKILL)  # mid-stream: its first transaction is in, others are open
    first.wait(10)
    second = _spawn([*ingest_cmd, "--once"], second_log, env)
    assert second.wait(240) == 0, second_log.read_text()[-3000:]

    expected = SAMPLE_ARTICLES + 2  # the sample pages, plus the cp1251 and broken-UTF-8 pages
    records = read_to_end(kafka_bootstrap, raw, "read_committed")
    keys = Counter(m.key for m in records)
    duplicates = {k: n for k, n in keys.items() if n > 1}
    assert not duplicates, f"emitted twice across the kill: {duplicates}"
    assert len(records) == expected, second_log.read_text()[-3000:]
    second_text = second_log.read_text()
    emitted_again = int(re.findall(r"emitted (\d+)", second_text)[-1])
    assert 0 < emitted_again < expected, f"the kill was not mid-stream: {second_text[-2000:]}"
    values = [json.loads(m.value) for m in records]
    assert sum(1 for v in values if v.get("body")) >= SAMPLE_ARTICLES - 2  # extracted, not just HTML
    assert any("Министр" in (v.get("body") or "") for v in values)  # the cp1251 page, decoded
    sf001 = next(v for v in values if "profunda preocupación" in (v.get("body") or ""))
    assert sf001["published_at"] == "2024-08-01T14:00:00Z"
    assert next(m for m in records if json.loads(m.value)["id"] == sf001["id"]).timestamp == 1722520800000
    log_text = first_log.read_text() + second_text
    assert "timeout" in log_text and "too_large" in log_text and "redirects" in log_text  # failed alone, by reason

    # A backfill: the worker's group starts after ingest wrote articles stamped with publication
    # times from 2024 (news.raw keeps them: retention -1), so it must start at the earliest offset.
    worker = Worker(kafka_bootstrap, topic_prefix, tmp_path, extra_env={"NEWSWATCH_HOP_START_AT": "earliest"}).start()
    try:
        known = {(raw, p): 0 for p in range(3)} | last_offsets(records)
        wait_caught_up(kafka_bootstrap, process_group(f"{topic_prefix}newswatch"), [raw], 300, known)
        wait_caught_up(kafka_bootstrap, f"{topic_prefix}newswatch", [f"{topic_prefix}news.alert-candidates"], 120)
    finally:
        worker.stop()
    alerts = read_to_end(kafka_bootstrap, f"{topic_prefix}news.alerts")
    final = latest_alerts(alerts)
    want = _expected_events(alerts)
    assert len(final) >= 5 and any(event == "new_source" for _, event, _ in want), want

    receiver = Receiver(gate)
    smtp_port, mails = smtp
    subs = tmp_path / "subscriptions.yaml"
    subs.write_text(f"""
subscriptions:
  - name: all
    destinations:
      - {{name: hook, kind: webhook, url_env: TEST_HOOK_URL}}
      - {{name: chat, kind: slack, url: "http://127.0.0.1:{receiver.port}/slack"}}
      - {{name: mail, kind: smtp, host: 127.0.0.1, port: {smtp_port}, tls: none, from: nw@example.org,
          to: [desk@example.org]}}
      - {{name: am, kind: alertmanager, url: "{alertmanager}"}}
""")
    notify_env = {**env, "TEST_HOOK_URL": f"http://127.0.0.1:{receiver.port}/hook"}
    notify_cmd = [sys.executable, "-m", "streams.cli", "notify", str(subs), "--metrics-port", "0"]
    notify_log = tmp_path / "notify.log"
    receiver.down = True  # the webhook is down at first: the others must not wait for it
    first_notify = _spawn(notify_cmd, notify_log, notify_env)
    _wait("e-mails while the webhook refuses", lambda: len(mails) >= 3 and receiver.refused >= 1, 120)
    assert not receiver.events("/hook")
    receiver.down = False
    _wait("the webhook back", lambda: len(receiver.events("/hook")) >= 2 and len(mails) >= 5, 120)

    # Kill -9 mid-stream, at a moment no lane has a delivery accepted but not yet recorded.
    gate.closed = True
    lanes = ("all|hook|", "all|chat|", "all|mail|")

    def settled() -> bool:
        state = read_to_end(kafka_bootstrap, f"{topic_prefix}news.notify-delivered")
        recorded = sum(1 for m in state if m.key.decode().startswith(lanes))
        return recorded == len(receiver.bodies) + len(mails)

    _wait("deliveries recorded in news.notify-delivered", settled, 60)
    at_kill = len(receiver.events("/hook"))
    os.killpg(first_notify.pid, signal.SIGKILL)
    first_notify.wait(10)
    gate.closed = False  # the held deliveries are refused now: notify must send them again

    second_notify = _spawn(notify_cmd, notify_log, notify_env)
    try:
        for destination in ("hook", "chat", "mail", "am"):
            wait_caught_up(kafka_bootstrap, f"{topic_prefix}newswatch-notify.all.{destination}",
                           [f"{topic_prefix}news.alerts"], 180)
    finally:
        _stop(second_notify)
    assert second_notify.returncode == 0, notify_log.read_text()[-3000:]

    hook = receiver.events("/hook")
    assert at_kill < len(hook), "the kill was not mid-stream"
    assert _received(hook) == want, f"webhook: lost or doubled\n{notify_log.read_text()[-3000:]}"
    assert all(e["alert"]["sources_count"] > 1 for e in hook if e["event"] == "new_source")
    texts = Counter(e["text"] for e in hook)
    assert Counter(b["text"].split("\n", 1)[0] for b in receiver.events("/slack")) == texts
    assert Counter(str(message_from_bytes(m, policy=policy.default)["Subject"]) for m in mails) == \
        Counter(t[:200] for t in texts.elements())
    with urllib.request.urlopen(f"{alertmanager}/api/v2/alerts", timeout=5) as resp:
        am = {a["labels"]["alert_id"]: a for a in json.loads(resp.read())}
    now = datetime.now(UTC)
    # Open alerts fire; a retracted one was sent as resolved with the labels it fired with, so
    # Alertmanager lists it no more (a resolution under other labels would leave it firing).
    assert set(am) == set(final)
    assert all((parse(a["endsAt"]) or now) > now for a in am.values())
