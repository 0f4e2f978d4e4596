"""Ingest throughput without Kafka: the sample site served by a real aiohttp server on
127.0.0.1, every article page fetched politely (robots.txt, per-host limits) and extracted with
trafilatura, as `newswatch ingest` does for each new item. Prints pages/s fetched+extracted
(the pages in flight together, extraction in threads, as ingest runs it), then the extraction
time per page on its own (one page at a time, no contention), p50/p99.

    .venv/bin/python bench/ingest.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import time

from aiohttp import web

from streams.ingest.discover import Item, parse_url_list
from streams.ingest.extract import extract
from streams.ingest.fetch import Fetcher
from streams.ingest.site import build


async def _round(base: str) -> tuple[int, int, float]:
    async with Fetcher("newswatch-bench") as fetcher:
        listing = parse_url_list((await fetcher.get(f"{base}/urls.txt", timeout=10, max_bytes=10**7,
                                                    rate=1000)).body)
        started = time.perf_counter()

        async def one(item: Item) -> bool:
            response = await fetcher.get(item.url, timeout=10, max_bytes=5_000_000, per_host=8, rate=1000)
            done = await asyncio.to_thread(extract, item, response.url, response.body, response.charset, "bench",
                                           None)
            return done.ok

        results = await asyncio.gather(*(one(i) for i in listing.items))
        return len(results), sum(results), time.perf_counter() - started


async def _alone(base: str) -> list[float]:
    async with Fetcher("newswatch-bench") as fetcher:
        listing = parse_url_list((await fetcher.get(f"{base}/urls.txt", timeout=10, max_bytes=10**7,
                                                    rate=1000)).body)
        pages = [(i, await fetcher.get(i.url, timeout=10, max_bytes=5_000_000, per_host=8, rate=1000))
                 for i in listing.items]
    seconds = []
    for item, response in pages:
        t0 = time.perf_counter()
        extract(item, response.url, response.body, response.charset, "bench", None)
        seconds.append(time.perf_counter() - t0)
    return seconds


async def main(rounds: int) -> None:
    runner = web.AppRunner(build())
    await runner.setup()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        rates = []
        for r in range(rounds):
            pages, ok, elapsed = await _round(f"http://127.0.0.1:{port}")
            rates.append(pages / elapsed)
            print(f"round {r + 1}: {pages} pages fetched and extracted in {elapsed:.2f}s = {pages / elapsed:.1f} "
                  f"pages/s; text extracted from {ok}")
        print(f"median over {rounds} rounds: {statistics.median(rates):.1f} pages/s")
        alone = await _alone(f"http://127.0.0.1:{port}")
        p99 = sorted(alone)[int(0.99 * (len(alone) - 1))]
        print(f"extraction alone, one page at a time ({len(alone)} pages): p50 {statistics.median(alone) * 1000:.1f} "
              f"ms, p99 {p99 * 1000:.1f} ms, max {max(alone) * 1000:.1f} ms")
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
