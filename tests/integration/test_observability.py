"""A real Prometheus scraping a real worker on the real broker: the counters agree with what
the test produced and read back from the topics, and every dashboard panel's query returns data.

Near-duplicates are flagged and passed on (a syndicated copy still corroborates), so they
are part of a stage's output: per stage, records in = out + dead letters; the duplicates
counter equals the records on news.clean that carry ``duplicate_of``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.pipeline import Pipeline
from tests.conftest import FEED
from tests.integration.prometheus import DASHBOARD, Prometheus, expand, panel_queries
from tests.integration.workers import Worker, article, consume, declare, latest_alerts, produce

BAD = [(b"bad-json", b"{not json"), (b"bad-schema", orjson.dumps({"title": "a title but no body or html"}))]


def _wait(what: str, check: Callable[[], bool], timeout: float, why: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} not seen in {timeout}s: {why()}")


def test_prometheus_scrape_agrees_with_the_topics(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path,
                                                  pipeline_factory: Callable[[], Pipeline]) -> None:
    if not DASHBOARD.exists():
        pytest.fail(f"{DASHBOARD} is missing: run python deploy/grafana/dashboard.py")
    records = [orjson.loads(x) for x in (FEED / "sample.jsonl").read_bytes().splitlines() if x.strip()]
    declare(kafka_bootstrap, topic_prefix)
    worker = Worker(kafka_bootstrap, topic_prefix, tmp_path).start()
    prom = Prometheus(tmp_path / "prometheus", [f"127.0.0.1:{worker.web_port}"])
    try:
        prom.start()
        started = time.time()
        produce(kafka_bootstrap, f"{topic_prefix}news.raw", [article(r) for r in records] + BAD)
        topics = [f"{topic_prefix}news.{t}" for t in ("clean", "tagged", "alert-candidates", "alerts", "deadletter")]
        ids = {r["id"] for r in records}

        def by_topic(ms: list[Any], name: str) -> list[Any]:
            return [m for m in ms if m.topic == f"{topic_prefix}news.{name}"]

        def settled(ms: list[Any]) -> bool:
            return ({m.key.decode() for m in by_topic(ms, "tagged")} >= ids
                    and len(by_topic(ms, "deadletter")) >= len(BAD))

        messages = consume(kafka_bootstrap, topics, settled, 120)
        time.sleep(3)  # candidates of the last articles reach news.alerts after news.tagged
        messages = consume(kafka_bootstrap, topics, lambda ms: len(ms) >= len(messages), 30)
        clean, tagged = by_topic(messages, "clean"), by_topic(messages, "tagged")
        candidates, dead = by_topic(messages, "alert-candidates"), by_topic(messages, "deadletter")
        alert_ids = {m.key.decode() for m in by_topic(messages, "alerts") if m.value is not None}
        duplicates = sum(1 for m in clean if orjson.loads(m.value).get("duplicate_of"))
        assert alert_ids and duplicates and len(dead) == len(BAD)
        assert set(latest_alerts(messages)) <= alert_ids

        sel = f'job="newswatch",instance="127.0.0.1:{worker.web_port}"'

        def total(metric: str, match: str = "") -> float | None:
            return prom.value(f"sum(newswatch_{metric}_total{{{sel}{',' + match if match else ''}}})")

        expected = {"clean": len(records) + len(BAD), "tag": len(clean), "alert": len(tagged),
                    "settle": len(candidates)}

        def stage_in() -> dict[str, float | None]:
            return {s: total("stage_in", f'stage="{s}"') for s in expected}

        _wait("the last counts in a scrape", lambda: stage_in() == expected, 60,
              lambda: f"{stage_in()} expected {expected}\n{worker.tail()}")

        for stage, n in expected.items():
            out, failed = total("stage_out", f'stage="{stage}"'), total("stage_failed", f'stage="{stage}"')
            assert out is not None and failed is not None
            assert n == out + failed, (stage, n, out, failed)
        assert total("stage_failed", 'stage="clean"') == len(BAD)
        assert total("deadletters") == len(dead)
        assert {s["metric"]["kind"] for s in prom.query(f"newswatch_deadletters_total{{{sel}}} > 0")} == {
            "invalid_json", "schema"}
        assert total("stage_out", 'stage="clean"') == len(clean)
        assert total("duplicates") == duplicates
        assert total("articles_by_language") == len(clean)
        assert total("alerts_raised") == len(alert_ids)
        mentions = sum(len(orjson.loads(m.value)["mentions"]) for m in tagged)
        assert total("entity_mentions") == mentions
        assert prom.value(f"count(newswatch_ingest_to_alert_seconds_count{{{sel}}} > 0)")
        assert prom.value(f"sum(newswatch_rules_loaded{{{sel}}})") == len(pipeline_factory().rules.rules)
        assert prom.value(f"sum(newswatch_kb_entities{{{sel}}})") == pipeline_factory().kb.size
        _wait("consumer lag back to 0",
              lambda: prom.value(f'max(newswatch_consumer_lag{{{sel},topic=~".*news.raw"}})') == 0, 30,
              lambda: str(prom.query(f"newswatch_consumer_lag{{{sel}}}")))

        dashboard = orjson.loads(DASHBOARD.read_bytes())
        # The "Ingest and notify" row plots what `newswatch ingest` and `newswatch notify` export from
        # their own processes (--metrics-port), not the worker: this test scrapes a worker only.
        queries = [(title, expr) for title, expr in panel_queries(dashboard)
                   if "newswatch_ingest_" not in expr and "newswatch_notify_" not in expr]
        assert len(queries) >= 12
        variables = {"$job": "newswatch", "${job}": "newswatch", "$instance": f"127.0.0.1:{worker.web_port}",
                     "${instance}": f"127.0.0.1:{worker.web_port}"}

        def empty() -> list[tuple[str, str]]:
            return [(title, expr) for title, expr in queries if not prom.query(expand(expr, variables))]

        # rate() needs two scrapes inside its window: give a busy worker's scrapes time to land.
        _wait("data for every dashboard query", lambda: not empty(), 45,
              lambda: f"queries without data: {empty()}\n{prom.query(f'up{{{sel}}}')}")

        png = os.environ.get("NEWSWATCH_PANELS_PNG")
        if png:  # the README's picture: the same queries over this real scrape
            from tests.integration.render import render_panels

            render_panels(prom, queries, variables, started, time.time(), Path(png))
    finally:
        prom.stop()
        worker.stop()
