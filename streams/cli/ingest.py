"""`newswatch ingest SOURCES.yaml`: poll feeds, sitemaps and URL lists into news.raw until
stopped (streams/ingest/runner.py says what is guaranteed).

Exit codes (streams/errors.py): 0 stopped (or --once done), 2 a refused sources file or usage
error, 1 Kafka failed."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from streams.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, DataFileError


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _progress(ingest: Any, every: float, sources: int) -> None:
    last = ""
    while True:
        await asyncio.sleep(every)
        line = ingest.totals.line(sources)
        if line != last:
            _say(line)
            last = line


async def _main(args: argparse.Namespace, config: Any, settings: Any) -> int:
    from streams.ingest.runner import Ingest
    from streams.kafka import INGEST_SEEN, RAW
    from streams.runtime.topics import ensure_topics

    await ensure_topics(settings, (RAW, INGEST_SEEN))
    ingest = Ingest(config, settings, once=args.once, say=_say)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, ingest.stop.set)
    progress = asyncio.create_task(_progress(ingest, args.progress, len(config.sources)))
    try:
        await ingest.run()
    finally:
        progress.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await progress
    _say(ingest.totals.line(len(config.sources)))
    return EXIT_OK


def main(args: argparse.Namespace) -> int:
    from streams.ingest.sources import load
    from streams.settings import load as load_settings

    try:
        config = load(args.sources)
    except DataFileError as exc:
        _say(f"refused: {exc}")
        return EXIT_USAGE
    if args.progress <= 0:
        _say("--progress must be more than 0 seconds")
        return EXIT_USAGE
    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    if args.metrics_port:
        from streams.runtime import metrics

        metrics.prime_ingest(s.name for s in config.sources)
        metrics.serve(settings.web_bind, args.metrics_port)
        _say(f"metrics at http://{settings.web_bind}:{args.metrics_port}/metrics")
    _say(f"newswatch ingest: {len(config.sources)} sources from {args.sources} into {settings.topic('news.raw')} "
         f"on {settings.bootstrap_servers}")
    from aiokafka.errors import KafkaError

    try:
        return asyncio.run(_main(args, config, settings))
    except KafkaError as exc:
        _say(f"Kafka at {settings.bootstrap_servers} failed: {type(exc).__name__}: {exc}")
        return EXIT_FAILED


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ingest", help="poll RSS/Atom/JSON feeds, news sitemaps and URL lists into news.raw")
    p.add_argument("sources", metavar="SOURCES.yaml", help="the sources file (see the README)")
    p.add_argument("--once", action="store_true", help="poll every source once, then stop")
    p.add_argument("--metrics-port", type=int, default=6068, help="serve /metrics here (0: off)")
    p.add_argument("--progress", type=float, default=5.0, help="seconds between progress lines")
    p.set_defaults(func=main)
