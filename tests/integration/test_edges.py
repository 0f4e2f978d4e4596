"""The whole path on real parts, all on 127.0.0.1: the local news site (feeds, sitemaps, pages,
hostile pages) -> `newswatch ingest` (killed with SIGKILL mid-stream, then run again) -> a worker
-> `newswatch notify` (killed with SIGKILL mid-stream, then run again) -> a webhook receiver, a
Slack-format receiver, a real SMTP server (aiosmtpd) and a real Alertmanager."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.integration.workers import REPO, Worker, consume, declare, env_for, free_port, latest_alerts

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


class Receiver:
    """An HTTP webhook receiver in a thread: records every JSON body by path."""

    def __init__(self) -> None:
        self.port = free_port()
        self.bodies: list[tuple[str, Any]] = []
        self.down_until = 0.0  # answer 503 until then
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._serve, daemon=True).start()
        _wait_http(f"http://127.0.0.1:{self.port}/health")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()

        async def health(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        async def hook(request: web.Request) -> web.Response:
            if time.monotonic() < self.down_until:
                return web.Response(status=503)
            self.bodies.append((request.path, await request.json()))
            return web.Response(text="ok")

        app.router.add_get("/health", health)
        app.router.add_post("/{name}", hook)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._loop.run_forever()

    def events(self, path: str) -> list[Any]:
        return [body for p, body in list(self.bodies) if p == path]


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
    _wait_http(f"http://127.0.0.1:{port}/-/ready")
    yield f"http://127.0.0.1:{port}"
    _stop(proc)


@pytest.fixture()
def smtp() -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller

    messages: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            messages.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


def _committed_raw(bootstrap: str, prefix: str, at_least: int, timeout: float) -> list[Any]:
    return consume(bootstrap, [f"{prefix}news.raw"], lambda ms: len(ms) >= at_least, timeout,
                   isolation_level="read_committed")


def test_ingest_worker_notify_on_real_parts_survive_kill_9(
        kafka_bootstrap: str, topic_prefix: str, tmp_path: Path, site: str, hostile: str, alertmanager: str,
        smtp: tuple[int, list[bytes]]) -> None:
    declare(kafka_bootstrap, topic_prefix)
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
    ingest_log = tmp_path / "ingest.log"
    first = _spawn(ingest_cmd, ingest_log, env)
    _committed_raw(kafka_bootstrap, topic_prefix, 1, 120)  # mid-stream: the first transaction is in
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    second = _spawn([*ingest_cmd, "--once"], ingest_log, env)
    assert second.wait(240) == 0, ingest_log.read_text()[-3000:]

    expected = SAMPLE_ARTICLES + 2  # the sample pages, plus the cp1251 and broken-UTF-8 pages
    records = _committed_raw(kafka_bootstrap, topic_prefix, expected + 1, 20)
    keys = Counter(m.key for m in records)
    duplicates = {k: n for k, n in keys.items() if n > 1}
    assert not duplicates, f"emitted twice across the kill: {duplicates}"
    assert len(records) == expected, ingest_log.read_text()[-3000:]
    values = [json.loads(m.value) for m in records]
    assert sum(1 for v in values if v.get("body")) >= SAMPLE_ARTICLES - 2  # extracted, not just HTML
    assert any("Министр" in (v.get("body") or "") for v in values)  # the cp1251 page, decoded
    sf001 = next(v for v in values if "profunda preocupación" in (v.get("body") or ""))
    assert sf001["published_at"] == "2024-08-01T14:00:00Z"
    assert next(m for m in records if json.loads(m.value)["id"] == sf001["id"]).timestamp == 1722520800000
    log_text = ingest_log.read_text()
    assert "timeout" in log_text and "too_large" in log_text and "redirects" in log_text  # failed alone, by reason

    worker = Worker(kafka_bootstrap, topic_prefix, tmp_path).start()
    try:
        alerts_seen = latest_alerts(consume(kafka_bootstrap, [f"{topic_prefix}news.alerts"],
                                            lambda ms: len(latest_alerts(ms)) >= 5, 180))
        assert len(alerts_seen) >= 5

        receiver = Receiver()
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
        receiver.down_until = time.monotonic() + 3  # the webhook is down at first: the others must not wait
        first_notify = _spawn(notify_cmd, notify_log, notify_env)
        deadline = time.monotonic() + 60
        while not mails and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mails and time.monotonic() < receiver.down_until + 1, "e-mail waited for the webhook"
        while len(receiver.events("/hook")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(first_notify.pid, signal.SIGKILL)
        first_notify.wait(10)
        second_notify = _spawn(notify_cmd, notify_log, notify_env)
        try:
            final = latest_alerts(consume(kafka_bootstrap, [f"{topic_prefix}news.alerts"],
                                          lambda ms: False, 15))
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                news = {e["alert_id"] for e in receiver.events("/hook") if e["event"] == "new"}
                if news >= set(final):
                    break
                time.sleep(0.5)
            time.sleep(3)
        finally:
            _stop(second_notify)
        hook = receiver.events("/hook")
        new = Counter(e["alert_id"] for e in hook if e["event"] == "new")
        assert set(new) == set(final), notify_log.read_text()[-3000:]
        assert all(n == 1 for n in new.values()), f"an alert arrived twice: {new}"
        revisions = Counter((e["alert_id"], e["event"], (e["alert"] or {}).get("sources_count")) for e in hook)
        assert all(n == 1 for n in revisions.values()), f"a revision arrived twice: {revisions}"
        corroborated = [e for e in hook if e["event"] == "new_source"]
        assert corroborated, "no corroborating article updated an alert"
        assert all(e["alert"]["sources_count"] > 1 for e in corroborated)
        slack = receiver.events("/slack")
        assert len(slack) == len(hook) and all(isinstance(b.get("text"), str) for b in slack)
        subjects = Counter(message_from_bytes(m)["Subject"] for m in mails)
        assert len(mails) >= len(final) and all(n == 1 for n in subjects.values())
        with urllib.request.urlopen(f"{alertmanager}/api/v2/alerts", timeout=5) as resp:
            am_ids = {a["labels"]["alert_id"] for a in json.loads(resp.read())}
        assert am_ids == set(final)
    finally:
        worker.stop()
