"""What the metrics cost: the same worker draining the same backlog with metrics off and on.

Rounds alternate off/on (so drift in the machine hits both), each on fresh topics; in both,
a real Prometheus with the shipped rules scrapes the worker every second (with metrics off
the scrape finds no /metrics), so its own CPU on these 2 cores weighs on both sides and the
difference is what the worker pays: recording metrics and serving /metrics.
Also printed: the metric calls alone per article, timed in process.

Run: python bench/metrics_cost.py [--articles 2000] [--rounds 3] [--png docs/dashboard.png]
(uses KAFKA_BOOTSTRAP_SERVERS, else starts the managed local broker on --port). With --png,
the dashboard's queries over the last "on" round's scrape are drawn to that file.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.e2e import articles, cluster, drain, free_port, produce, start_worker  # noqa: E402
from streams.runtime.topics import ensure_topics  # noqa: E402
from streams.settings import Settings  # noqa: E402
from tests.integration.prometheus import Prometheus  # noqa: E402


async def drain_once(bootstrap: str, n: int, metrics: bool, png: Path | None) -> float:
    prefix = f"mc{uuid.uuid4().hex[:6]}."
    await ensure_topics(Settings(bootstrap_servers=bootstrap, topic_prefix=prefix))
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="nw-bench-")) / "worker.log"
    proc = start_worker(bootstrap, prefix, log, NEWSWATCH_METRICS="on" if metrics else "off",
                        NEWSWATCH_WEB_PORT=str(port))
    prom: Prometheus | None = None
    try:
        # In both modes, so Prometheus' own CPU (scrapes, rule evaluation) weighs on both.
        prom = Prometheus(Path(tempfile.mkdtemp(prefix="nw-bench-prom-")), [f"127.0.0.1:{port}"]).start()
        deadline = time.monotonic() + 30
        while metrics and prom.value("sum(up)") != 1 and time.monotonic() < deadline:  # scraped before the load
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)
        started = time.time()
        start = started * 1000
        await produce(bootstrap, f"{prefix}news.raw", articles(n, "mc"))
        tagged = await drain(bootstrap, f"{prefix}news.tagged", lambda ms: len(ms) >= n, 600)
        rate: float = n / ((max(m.timestamp for m in tagged) - start) / 1000)
        if metrics and png is not None:
            await asyncio.sleep(35)  # let rate() windows of the panels cover the run
            from tests.integration.prometheus import DASHBOARD, panel_queries
            from tests.integration.render import render_panels

            queries = panel_queries(orjson.loads(DASHBOARD.read_bytes()))
            render_panels(prom, queries, {"$job": "newswatch", "$instance": f"127.0.0.1:{port}"}, started - 5,
                          time.time(), png)
            print(f"  dashboard queries drawn to {png}", flush=True)
        return rate
    finally:
        if prom is not None:
            prom.stop()
        proc.terminate()
        proc.wait(60)


def metric_calls_per_article() -> float:
    """Microseconds the metric calls of one article take (4 stages, language, mentions, an alert)."""
    from streams.runtime import metrics

    meters = [metrics.StageMeter(s) for s in metrics.STAGES]
    types = ["country"] * 6 + ["person"] * 2 + ["body"] * 2

    def one() -> None:
        for m in meters:
            m.passed(0.001)
        metrics.cleaned("en", False)
        metrics.tagged(types)
        metrics.alert_sent("gov-warns-escalation", "high", False, 0.1, 3600.0)

    n = 20_000
    return min(timeit.repeat(one, number=n, repeat=5)) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--port", type=int, default=19192)
    ap.add_argument("--png", type=Path, default=None, help="draw the dashboard's queries over the last 'on' round")
    args = ap.parse_args()
    results: dict[bool, list[float]] = {False: [], True: []}
    with cluster(args.port) as bootstrap:
        for i in range(args.rounds):
            for metered in (False, True) if i % 2 == 0 else (True, False):
                last = metered and i == args.rounds - 1
                rate = asyncio.run(drain_once(bootstrap, args.articles, metered, args.png if last else None))
                results[metered].append(rate)
                print(f"round {i + 1} metrics {'on ' if metered else 'off'}: {rate:7.0f} articles/s", flush=True)
    off, on = statistics.median(results[False]), statistics.median(results[True])
    per_article = metric_calls_per_article()
    print(f"backlog of {args.articles} articles, median of {args.rounds} rounds each:")
    print(f"  metrics off: {off:7.0f} articles/s   {sorted(round(r) for r in results[False])}")
    print(f"  metrics on:  {on:7.0f} articles/s   {sorted(round(r) for r in results[True])}"
          f"  (scraped every 1 s)")
    print(f"  overhead: {(off - on) / off:+.1%} (goal: under 5%)")
    print(f"  metric calls alone: {per_article:.1f} us per article = {per_article * off / 1e4:.2f}% of a core "
          f"at the 'off' rate")
    print(orjson.dumps({"off": results[False], "on": results[True], "per_article_us": per_article}).decode())


if __name__ == "__main__":
    main()
