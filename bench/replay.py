"""Replay figures on a real broker.

1. Rate, as fast as possible: `newswatch replay`'s loop (streams/replay/replay.py: reading
   the gzip archive parts, checking each part's SHA-256, parsing every line, the replay
   headers, acknowledgement bookkeeping and a state save every second) against a bare
   aiokafka producer sending the same records (key, value, timestamp) from memory, in the
   same run, on the same broker, with the same producer settings. Each side runs --rounds
   times into a fresh topic, alternating; the best round of each is reported.
2. Original pace (--speed): send times of each record (taken on the producer side, just
   before the send, through the replayer's on_send hook) against the archive's event times
   divided by the speed: the deviation of every inter-arrival time from the archive's, and
   of every send from its place in the schedule.

Run: python bench/replay.py [--records 20000] [--rounds 3] [--speed 60] [--paced 400]
(--bootstrap HOST:PORT, else KAFKA_BOOTSTRAP_SERVERS, else the managed local broker on --port).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
from aiokafka import AIOKafkaProducer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.archive import reader  # noqa: E402
from streams.archive.record import Record  # noqa: E402
from streams.archive.writer import Archive  # noqa: E402
from streams.replay.pacing import Pacer  # noqa: E402
from streams.replay.replay import Replay, producer_options  # noqa: E402
from streams.replay.resume import State, save  # noqa: E402
from streams.runtime.topics import ensure_topics  # noqa: E402
from streams.settings import Settings  # noqa: E402

FEED = REPO / "tests" / "fixtures" / "feed" / "sample.jsonl"


@contextlib.contextmanager
def cluster(bootstrap: str | None, port: int) -> Iterator[str]:
    if bootstrap or os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield bootstrap or os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    from streams.broker import LocalBroker

    with LocalBroker(port=port, data_dir=Path(tempfile.mkdtemp(prefix="nw-bench-"))) as broker:
        yield broker.bootstrap


def make_archive(root: Path, n: int, gaps_ms: list[int] | None = None) -> list[Record]:
    """The sample feed repeated with fresh ids as an archive (parts of 5,000 records), ingested
    recently: one record every ``gaps_ms[i]`` ms (default 1 ms)."""
    feed = [orjson.loads(line) for line in FEED.read_bytes().splitlines() if line.strip()]
    arch = Archive(root, "news.raw", max_records=5000)
    arch.open()
    recs = []
    ts = int(time.time() * 1000) - 3_600_000
    for i in range(n):
        rec = dict(feed[i % len(feed)])
        rec["id"] = f"rb-{i}"
        ts += gaps_ms[i] if gaps_ms else 1
        r = Record(rec["id"].encode(), orjson.dumps(rec), ts, (), "news.raw", i % 3, i // 3, 0)
        arch.add(r)
        recs.append(r)
        if arch.due():
            arch.checkpoint()
    arch.checkpoint()
    arch.close()
    return recs


async def topic_for(bootstrap: str, tag: str) -> str:
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=f"rb{uuid.uuid4().hex[:6]}.")
    await ensure_topics(settings, ("news.raw",))
    return settings.topic("news.raw")


async def bare(bootstrap: str, recs: list[Record]) -> float:
    topic = await topic_for(bootstrap, "bare")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **producer_options())
    await producer.start()
    try:
        t0 = time.perf_counter()
        for r in recs:
            await producer.send(topic, value=r.value, key=r.key, timestamp_ms=r.timestamp)
        await producer.flush()
        return len(recs) / (time.perf_counter() - t0)
    finally:
        await producer.stop()


async def replayed(bootstrap: str, root: Path, state_dir: Path, pacer: Pacer | None = None,
                   progress: bool = False) -> tuple[float, list[tuple[Record, float]]]:
    """`newswatch replay` of an archive as the command runs it (state saved every second, a
    progress bar if asked), timed from its first record to its last acknowledgement."""
    topic = await topic_for(bootstrap, "replay")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **producer_options())
    await producer.start()
    sends: list[tuple[Record, float]] = []
    state_path = state_dir / f"{uuid.uuid4().hex}.json"
    try:
        with contextlib.ExitStack() as stack:
            plan = reader.resolve([str(root)])
            state = State("bench", [str(root)], topic, bootstrap, limits=plan.limits, digest=plan.digest())
            replay = Replay(plan, topic, producer, state, pacer or Pacer(), save=lambda st: save(state_path, st),
                            on_send=(lambda rec, at: sends.append((rec, at))) if pacer else None)
            if progress:
                from rich.console import Console
                from rich.progress import Progress

                devnull = stack.enter_context(open(os.devnull, "w"))  # drawn as on a terminal, shown nowhere
                bar = stack.enter_context(Progress(console=Console(file=devnull, force_terminal=True)))
                task = bar.add_task("replay", total=sum(plan.counts()))
                replay.advance = lambda k: bar.advance(task, k)
            t0 = time.perf_counter()
            outcome = await replay.run()
            elapsed = time.perf_counter() - t0
        assert outcome.sent == sum(plan.counts()) and outcome.bad == 0, outcome
        return outcome.sent / elapsed, sends
    finally:
        await producer.stop()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2, help="rounds run first and not counted (a fresh broker's JIT)")
    ap.add_argument("--speed", type=float, default=60.0)
    ap.add_argument("--paced", type=int, default=400, help="records in the --speed run")
    ap.add_argument("--bootstrap", default=None)
    ap.add_argument("--port", type=int, default=19292)
    args = ap.parse_args()
    # Not pinned to one core: the replayer reads and gunzips ahead in a thread (zlib releases
    # the GIL), which is part of how it keeps up; the bare producer is one thread either way.

    work = Path(tempfile.mkdtemp(prefix="nw-bench-replay-"))
    recs = make_archive(work / "fast", args.records)
    size = sum(len(r.value or b"") for r in recs) / len(recs)
    parts = len(list((work / "fast").rglob("*.gz")))
    # Event-time gaps of the paced run: mostly seconds apart, bursts of simultaneous records,
    # and a few long pauses (at --speed 60 a minute of event time is one second).
    rng = random.Random(7)
    gaps = [0 if rng.random() < 0.15 else int(rng.expovariate(1 / 3000)) for _ in range(args.paced)]
    for i in range(25, args.paced, 97):
        gaps[i] = 60_000
    make_archive(work / "paced", args.paced, gaps)

    with cluster(args.bootstrap, args.port) as bootstrap:
        for _ in range(args.warmup):
            asyncio.run(bare(bootstrap, recs))
            asyncio.run(replayed(bootstrap, work / "fast", work))
        bare_rates, replay_rates, bar_rates = [], [], []
        for _ in range(args.rounds):
            bare_rates.append(asyncio.run(bare(bootstrap, recs)))
            replay_rates.append(asyncio.run(replayed(bootstrap, work / "fast", work))[0])
            bar_rates.append(asyncio.run(replayed(bootstrap, work / "fast", work, progress=True))[0])
        _, sends = asyncio.run(replayed(bootstrap, work / "paced", work, Pacer(speed=args.speed)))

    def line(name: str, rates: list[float]) -> str:
        best, mid = max(rates), statistics.median(rates)
        ratio = (f"  = {best / max(bare_rates):4.0%} / {mid / statistics.median(bare_rates):4.0%} of bare"
                 if rates is not bare_rates else " " * 24)
        return (f"  {name:44} best {best:8,.0f}  median {mid:8,.0f} records/s{ratio}   "
                f"(rounds: {', '.join(f'{r:,.0f}' for r in rates)})")

    print(f"{args.records} records of {size:,.0f} bytes (the sample feed repeated) in {parts} archive parts; "
          f"{args.rounds} rounds after {args.warmup} warm-up, alternating, same broker; producer settings "
          f"{producer_options()}")
    print(line("bare aiokafka producer, records in memory", bare_rates))
    print(line("newswatch replay, as fast as possible", replay_rates))
    print(line("... with the progress bar", bar_rates))

    event = [r.timestamp or 0 for r, _ in sends]
    at = [t for _, t in sends]
    inter = [abs((at[i] - at[i - 1]) - (event[i] - event[i - 1]) / 1000 / args.speed) * 1000
             for i in range(1, len(sends))]
    sched = [abs((at[i] - at[0]) - (event[i] - event[0]) / 1000 / args.speed) * 1000 for i in range(len(sends))]
    span = (event[-1] - event[0]) / 1000
    print(f"original pace x{args.speed:g}: {len(sends)} records over {span:,.0f} s of event time "
          f"({span / args.speed:.1f} s replayed), send times on the producer side:")
    print(f"  inter-arrival deviation from the archive's / {args.speed:g}: p50 {pct(inter, 0.5):.2f} ms, "
          f"p99 {pct(inter, 0.99):.2f} ms, max {max(inter):.2f} ms (goal: within 50 ms)")
    print(f"  send time deviation from the schedule (start + event offset / speed): p99 {pct(sched, 0.99):.2f} ms, "
          f"max {max(sched):.2f} ms")
    print(orjson.dumps({"records": args.records, "bare": bare_rates, "replay": replay_rates, "replay_bar": bar_rates,
                        "best_ratio": max(replay_rates) / max(bare_rates),
                        "median_ratio": statistics.median(replay_rates) / statistics.median(bare_rates),
                        "inter_p99_ms": pct(inter, 0.99), "inter_max_ms": max(inter),
                        "sched_max_ms": max(sched)}).decode())


if __name__ == "__main__":
    main()
