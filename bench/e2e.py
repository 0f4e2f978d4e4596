"""End-to-end figures on a real broker: the newswatch worker next to a bare aiokafka
passthrough that copies the same records through the same two hops, with the same side
outputs, and no processing.

1. throughput, backlog drained as fast as possible: N articles are in news.raw before the
   worker (or the passthrough) starts; the time until the last one reaches the end;
2. latency at a fixed offered load (--rate articles/s for --seconds): from the moment an
   article is produced to news.raw to the moment its alert (or, for the passthrough, its
   copy) is appended at the end, p50/p99/p99.9, from the records' own Kafka timestamps.

Run: python bench/e2e.py [--articles 2000] [--rate 200] [--seconds 30]
(uses KAFKA_BOOTSTRAP_SERVERS, else starts the managed local broker on --port).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.runtime.topics import ensure_topics  # noqa: E402
from streams.settings import Settings  # noqa: E402

FEED = REPO / "tests" / "fixtures" / "feed" / "sample.jsonl"
# The worker's topology: raw → (clean, tagged side outputs, candidates); candidates → alerts.
HOPS = {"raw": ("clean", "tagged", "cands"), "cands": ("alerts",)}
PT_TOPICS = ("raw", "clean", "tagged", "cands", "alerts")
PT_END = "alerts"


@contextlib.contextmanager
def cluster(port: int) -> Iterator[str]:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    from streams.broker import LocalBroker

    with LocalBroker(port=port, data_dir=Path(tempfile.mkdtemp(prefix="nw-bench-"))) as broker:
        yield broker.bootstrap


def articles(n: int, run: str) -> list[tuple[bytes, bytes]]:
    """The sample feed repeated with fresh ids; each repetition is moved three days back (and
    the runs apart by a day), so its warnings are new alerts, not the 20th corroboration of an
    old one (whose evidence list is full: arrival times would no longer match its articles)."""
    from datetime import timedelta

    from streams import timestamps

    feed = [orjson.loads(line) for line in FEED.read_bytes().splitlines() if line.strip()]
    shift = {"ip": 0, "bt": 1, "lt": 2}.get(run, 3)
    out = []
    for i in range(n):
        rec = dict(feed[i % len(feed)])
        rec["id"] = f"{run}-{i}"
        if rec.get("published_at"):
            at = timestamps.fromiso(rec["published_at"])
            # back in time: a publication time in the future is implausible, and the cleaning stage
            # replaces it with the arrival time, which would make every repetition one alert again
            rec["published_at"] = (at - timedelta(days=3 * (i // len(feed)) + shift)).isoformat()
        out.append((rec["id"].encode(), orjson.dumps(rec)))
    return out


async def produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]],
                  rate: float = 0.0) -> dict[str, float]:
    """Produce (paced when rate > 0); the send time of each key, in ms."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=2)
    await producer.start()
    sent: dict[str, float] = {}
    start = time.monotonic()
    try:
        for i, (key, value) in enumerate(records):
            if rate:
                delay = start + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            sent[key.decode()] = time.time() * 1000
            await producer.send(topic, key=key, value=value)
        await producer.flush()
    finally:
        await producer.stop()
    return sent


async def drain(bootstrap: str, topic: str, until: Any, timeout: float, idle: float = 0.0) -> list[Any]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                                fetch_max_wait_ms=50)
    await consumer.start()
    got: list[Any] = []
    last = time.monotonic()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                got.extend(messages)
                last = time.monotonic()
            if until(got) and time.monotonic() - last >= idle:
                break
    finally:
        await consumer.stop()
    return got


async def passthrough(bootstrap: str, prefix: str, stop: asyncio.Event) -> None:
    """Two hops and the side outputs, no processing: batches in with getmany, out without
    awaiting each send."""

    async def hop(src: str, dsts: tuple[str, ...]) -> None:
        consumer = AIOKafkaConsumer(f"{prefix}{src}", bootstrap_servers=bootstrap, group_id=f"{prefix}pt-{src}",
                                    auto_offset_reset="earliest", enable_auto_commit=True, fetch_max_wait_ms=20)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=2)
        await consumer.start()
        await producer.start()
        try:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=100, max_records=500)
                for messages in batch.values():
                    for m in messages:
                        for dst in dsts:
                            await producer.send(f"{prefix}{dst}", key=m.key, value=m.value)
        finally:
            await producer.stop()
            await consumer.stop()

    await asyncio.gather(*(hop(src, dsts) for src, dsts in HOPS.items()))


def start_worker(bootstrap: str, prefix: str, log: Path, null: bool = False, **extra: str) -> subprocess.Popen[bytes]:
    """A worker on its own topics; ``null``: bench/null_worker.py, whose stages do nothing."""
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "NEWSWATCH_TOPIC_PREFIX": prefix,
           "NEWSWATCH_APP_ID": f"{prefix}newswatch", "NEWSWATCH_WEB_PORT": str(free_port()),
           "NEWSWATCH_DATA_DIR": tempfile.mkdtemp(prefix="nw-bench-worker-"), **extra}
    out = log.open("wb")
    command = [str(REPO / "bench" / "null_worker.py")] if null else ["-m", "streams.cli", "worker"]
    proc = subprocess.Popen([sys.executable, *command, "--loglevel", "info"],
                            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "Worker]: Ready" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start; see {log}")
        time.sleep(0.1)
    return proc


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def inprocess_rate(n: int, rounds: int = 3) -> float:
    """The work the worker does apart from Kafka, on the same articles (for the composed
    bound): parse and validate the raw bytes, clean, near-duplicate check, tag, alert rules,
    as `newswatch backtest` runs them; the median of ``rounds`` passes, each with fresh state."""
    import statistics
    from datetime import UTC, datetime

    from streams import stages
    from streams.pipeline import Pipeline

    values = [v for _, v in articles(min(n, 1000), "ip")]
    now = datetime.now(UTC)
    loaded = Pipeline.load(rules_path="", clock=lambda: now)
    rates = []
    for _ in range(rounds):
        pipe = Pipeline(loaded.kb, loaded.rules, loaded.clock, loaded.settings)
        t0 = time.perf_counter()
        for value in values:
            pipe.process(stages.parse_raw(value))
        rates.append(len(values) / (time.perf_counter() - t0))
    return statistics.median(rates)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def bench_passthrough(bootstrap: str, n: int, rate: float, seconds: float) -> dict[str, float]:
    prefix = f"pt{uuid.uuid4().hex[:6]}."
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    await ensure_topics(settings, PT_TOPICS)
    await produce(bootstrap, f"{prefix}raw", articles(n, "bt"))
    stop = asyncio.Event()
    start = time.time() * 1000
    task = asyncio.create_task(passthrough(bootstrap, prefix, stop))
    got = await drain(bootstrap, f"{prefix}{PT_END}", lambda ms: len(ms) >= n, 300)
    drained_ms = max(m.timestamp for m in got) - start
    if seconds <= 0:  # a warm-up round: the backlog only
        stop.set()
        await task
        return {"throughput": n / (drained_ms / 1000)}
    # fixed load
    sent = await produce(bootstrap, f"{prefix}raw", articles(int(rate * seconds), "lt"), rate)
    got = await drain(bootstrap, f"{prefix}{PT_END}",
                      lambda ms: sum(1 for m in ms if m.key.startswith(b"lt")) >= len(sent), 120)
    stop.set()
    await task
    lat = [m.timestamp - sent[m.key.decode()] for m in got if m.key.decode() in sent]
    return {"throughput": n / (drained_ms / 1000), "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "p999": pct(lat, 0.999), "n_lat": len(lat)}


async def bench_pipeline(bootstrap: str, n: int, rate: float, seconds: float, log: Path,
                         workers: int = 1) -> dict[str, float]:
    prefix = f"nw{uuid.uuid4().hex[:6]}."
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    await ensure_topics(settings)
    procs = [start_worker(bootstrap, prefix, log.with_name(f"worker{i}.log")) for i in range(workers)]
    try:
        # The producer outruns the worker, so this is a backlog drained as fast as it can;
        # the worker's start-up (knowledge base, group join) is not counted.
        start = time.time() * 1000
        await produce(bootstrap, f"{prefix}news.raw", articles(n, "bt"))
        tagged = await drain(bootstrap, f"{prefix}news.tagged", lambda ms: len(ms) >= n, 600)
        alerts = await drain(bootstrap, f"{prefix}news.alerts", lambda ms: True, 60, idle=3.0)
        end = max([m.timestamp for m in tagged] + [m.timestamp for m in alerts])
        drained_ms = end - start
        print(f"    backlog: last tagged {max(m.timestamp for m in tagged) - start:.0f} ms, "
              f"last alert {max(m.timestamp for m in alerts) - start:.0f} ms after the first produce", flush=True)
        # fixed load: latency to the alert each article raised or updated
        sent = await produce(bootstrap, f"{prefix}news.raw", articles(int(rate * seconds), "lt"), rate)
        got = await drain(bootstrap, f"{prefix}news.alerts", lambda ms: False, seconds + 20, idle=5.0)
        lat = []
        by_rule: dict[str, list[float]] = {}
        for m in got:
            if m.value is None:
                continue
            alert = orjson.loads(m.value)
            latest = [sent[e["article_id"]] for e in alert["evidence"] if e["article_id"] in sent]
            if latest:
                lat.append(m.timestamp - max(latest))
                by_rule.setdefault(alert["rule"]["id"], []).append(m.timestamp - max(latest))
        for rule, values in sorted(by_rule.items()):
            print(f"    {rule}: {len(values)} records, p50 {pct(values, 0.5):.0f} ms, p99 {pct(values, 0.99):.0f} ms",
                  flush=True)
        await print_hops(bootstrap, prefix, sent, got)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(60)
    return {"throughput": n / (drained_ms / 1000), "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "p999": pct(lat, 0.999), "n_lat": len(lat)}


async def print_hops(bootstrap: str, prefix: str, sent: dict[str, float], alerts: list[Any]) -> None:
    """Where the latency goes: each hop's share, from the records' Kafka timestamps."""
    stamps: dict[str, dict[Any, float]] = {}
    for name in ("news.clean", "news.tagged", "news.alert-candidates"):
        ms = await drain(bootstrap, f"{prefix}{name}", lambda ms: True, 30, idle=2.0)
        table = stamps.setdefault(name, {})
        for m in ms:
            if name == "news.alert-candidates":
                c = orjson.loads(m.value)
                ev = (c.get("alert") or {}).get("evidence") or [(c.get("observation") or {}).get("evidence") or {}]
                table[(m.key.decode(), ev[0].get("article_id"))] = m.timestamp
            else:
                table[m.key.decode()] = m.timestamp
    clean, tagged, cands = stamps["news.clean"], stamps["news.tagged"], stamps["news.alert-candidates"]
    # raw → clean → tagged → candidate all happen inside the process agent: the side outputs'
    # timestamps split its time between the stages
    hops: dict[str, list[float]] = {"raw → clean": [], "clean → tagged": [], "tagged → candidate": [],
                                    "candidate → alert": []}
    for aid, t in sent.items():
        if aid in clean:
            hops["raw → clean"].append(clean[aid] - t)
            if aid in tagged:
                hops["clean → tagged"].append(tagged[aid] - clean[aid])
    for (_key, aid), t in cands.items():
        if aid in tagged and aid in sent:
            hops["tagged → candidate"].append(t - tagged[aid])
    for m in alerts:
        if m.value is None:
            continue
        alert = orjson.loads(m.value)
        latest = max((e["article_id"] for e in alert["evidence"] if e["article_id"] in sent),
                     key=lambda a: sent[a], default=None)
        if latest is not None and (m.key.decode(), latest) in cands:
            hops["candidate → alert"].append(m.timestamp - cands[(m.key.decode(), latest)])
    for hop, values in hops.items():
        print(f"    {hop:19s} p50 {pct(values, 0.5):4.0f}  p99 {pct(values, 0.99):4.0f}  max {pct(values, 1.0):4.0f} ms"
              f"  ({len(values)})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--port", type=int, default=19192)
    ap.add_argument("--workers", type=int, default=1, help="worker processes in the group (one per core)")
    ap.add_argument("--warmup", type=int, default=2,
                    help="passthrough backlog rounds first, not counted (a fresh broker JVM is 2-3x slower)")
    args = ap.parse_args()
    with cluster(args.port) as bootstrap:
        for i in range(args.warmup):
            w = asyncio.run(bench_passthrough(bootstrap, args.articles, 0, 0))
            print(f"  warm-up {i + 1}: passthrough {w['throughput']:.0f} articles/s (not counted)", flush=True)
        pt = asyncio.run(bench_passthrough(bootstrap, args.articles, args.rate, args.seconds))
        log = Path(tempfile.mkdtemp(prefix="nw-bench-")) / "worker.log"
        nw = asyncio.run(bench_pipeline(bootstrap, args.articles, args.rate, args.seconds, log, args.workers))
    ip = inprocess_rate(args.articles)
    bound = 1 / (1 / ip + 1 / pt["throughput"])
    print(f"backlog of {args.articles} articles, drained as fast as possible ({args.workers} worker process(es)):")
    print(f"  passthrough (2 hops + side outputs, no processing): {pt['throughput']:8.0f} articles/s")
    print(f"  stages in process, same articles:     {ip:8.0f} articles/s")
    print(f"  composed bound 1/(1/in-process + 1/passthrough): {bound:8.0f} articles/s")
    print(f"  newswatch worker (process hop, settle agent): {nw['throughput']:8.0f} articles/s "
          f"= {nw['throughput'] / pt['throughput']:.0%} of the passthrough, "
          f"{nw['throughput'] / bound:.0%} of the bound")
    print(f"latency at {args.rate:.0f} articles/s for {args.seconds:.0f} s (ms; produce to arrival):")
    print(f"  passthrough: p50 {pt['p50']:.0f}  p99 {pt['p99']:.0f}  p99.9 {pt['p999']:.0f}"
          f"  ({pt['n_lat']:.0f} records)")
    print(f"  newswatch, article to its alert: p50 {nw['p50']:.0f}  p99 {nw['p99']:.0f}  p99.9 {nw['p999']:.0f}"
          f"  ({nw['n_lat']:.0f} alert records)")
    print(orjson.dumps({"passthrough": pt, "pipeline": nw, "inprocess": ip, "bound": bound}).decode())


if __name__ == "__main__":
    main()
