"""One worker drains a backlog: when the last record reaches each stage, and the CPU it took.

The backlog is in news.raw before the worker starts; the figures are the time from the
worker's Ready to the last news.tagged record and to the last alert, the CPU seconds of
the worker and of the broker over that time (from /proc), and the worker's own stage
times (its /metrics). Worker settings pass through the environment, so two settings
compare as two runs:

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19392 python bench/drain.py
    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19392 NEWSWATCH_FETCH_MAX_WAIT_MS=1500 python bench/drain.py

(a broker from `newswatch broker --port 19392`, warm after a first run; without
KAFKA_BOOTSTRAP_SERVERS a fresh managed broker starts, and its cold JVM adds CPU).
``--null`` drains the same backlog through bench/null_worker.py, whose stages do nothing:
the framework's own share of the worker's time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import e2e

from streams.runtime.topics import ensure_topics
from streams.settings import Settings


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listener_pid(bootstrap: str) -> int | None:
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{bootstrap.rsplit(':', 1)[1]}"], capture_output=True,
                         text=True).stdout
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


async def run(bootstrap: str, n: int, null: bool, workers: int, settle: float) -> None:
    prefix = f"dr{uuid.uuid4().hex[:6]}."
    await ensure_topics(Settings(bootstrap_servers=bootstrap, topic_prefix=prefix))
    if workers == 1:  # the backlog is there before the worker starts; timed from its Ready
        await e2e.produce(bootstrap, f"{prefix}news.raw", e2e.articles(n, "bt"))
    log = Path(tempfile.mkdtemp(prefix="nw-drain-")) / "worker.log"
    procs = [e2e.start_worker(bootstrap, prefix, log.with_name(f"worker{i}.log") if i else log, null=null)
             for i in range(workers)]
    broker = listener_pid(bootstrap)
    try:
        if workers > 1:  # the group settles first (a join mid-backlog would time a rebalance)
            await asyncio.sleep(settle)
        start, worker0 = time.time() * 1000, sum(cpu_seconds(p.pid) for p in procs)
        broker0 = cpu_seconds(broker) if broker else 0.0
        if workers > 1:
            await e2e.produce(bootstrap, f"{prefix}news.raw", e2e.articles(n, "bt"))
        tagged = await e2e.drain(bootstrap, f"{prefix}news.tagged", lambda ms: len(ms) >= n, 600)
        alerts = await e2e.drain(bootstrap, f"{prefix}news.alerts", lambda ms: True, 60, idle=3.0)
        worker1 = sum(cpu_seconds(p.pid) for p in procs)
        broker1 = cpu_seconds(broker) if broker else 0.0
        last_tagged = max(m.timestamp for m in tagged) - start
        last_alert = max(m.timestamp for m in alerts) - start
        print(f"backlog of {n} articles, " + ("from the worker's Ready:" if workers == 1 else
                                             f"{workers} workers, from the first produce:"))
        print(f"  last tagged {last_tagged:6.0f} ms   last alert {last_alert:6.0f} ms   "
              f"= {n / (last_alert / 1000):.0f} articles/s")
        print(f"  worker CPU {1000 * (worker1 - worker0) / n:.2f} ms/article"
              + (f", broker CPU {1000 * (broker1 - broker0) / n:.2f} ms/article (incl. this script's reads)"
                 if broker else ""))
        url = re.search(r"metrics (http://\S+)", log.read_text())
        if url:
            text = urllib.request.urlopen(url.group(1)).read().decode()
            sums = dict(re.findall(r'newswatch_stage_seconds_sum\{stage="(\w+)"\} (\S+)', text))
            counts = dict(re.findall(r'newswatch_stage_seconds_count\{stage="(\w+)"\} (\S+)', text))
            print("  stage time per record: " + ", ".join(
                f"{s} {1000 * float(sums[s]) / max(float(counts[s]), 1):.2f} ms" for s in sums))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--port", type=int, default=19192)
    ap.add_argument("--null", action="store_true",
                    help="the worker of bench/null_worker.py: same agents and hops, stages that do nothing")
    ap.add_argument("--workers", type=int, default=1, help="worker processes in one group")
    ap.add_argument("--settle", type=float, default=15.0,
                    help="seconds the group gets to settle before the backlog, with more than one worker")
    args = ap.parse_args()
    with e2e.cluster(args.port) as bootstrap:
        asyncio.run(run(bootstrap, args.articles, args.null, args.workers, args.settle))


if __name__ == "__main__":
    main()
