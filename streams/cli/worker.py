"""`newswatch worker`: the process and settle agents on Kafka (KAFKA_BOOTSTRAP_SERVERS).

The only command that loads faust: everything it needs is imported when it runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from streams.errors import EXIT_OK, EXIT_USAGE, DataFileError


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _worker(args: argparse.Namespace) -> int:
    import faust

    from streams.runtime.agents import attach
    from streams.runtime.app import create_app, use_event_loop
    from streams.runtime.topics import ensure_topics
    from streams.settings import load as load_settings

    settings = load_settings()
    use_event_loop(settings.event_loop)
    try:
        nw = create_app(settings)
    except DataFileError as exc:
        _say(f"refused: {exc}\nFix the file and start the worker again.")
        return EXIT_USAGE
    attach(nw)
    created = asyncio.run(ensure_topics(nw.settings))
    if created:
        _say(f"created topics: {', '.join(created)}")
    _say(f"newswatch worker: Kafka {nw.settings.bootstrap_servers}, topics prefix {nw.settings.topic_prefix!r}, "
         f"web http://{nw.settings.web_bind}:{nw.settings.web_port}/"
         + (f", metrics http://{nw.settings.web_bind}:{nw.settings.web_port}/metrics" if nw.settings.metrics else ""))
    from streams.runtime.logs import logging_config

    worker = faust.Worker(nw.app, loglevel=args.loglevel, quiet=True,
                          logging_config=logging_config(args.loglevel, nw.settings.log_format))
    worker.execute_from_commandline()  # returns only through SystemExit
    return EXIT_OK



def add_parser(sub: Any) -> None:
    wk = sub.add_parser("worker", help="run the clean, tag, alert and settle agents on Kafka (KAFKA_BOOTSTRAP_SERVERS)")
    wk.add_argument("--loglevel", default="warning", help="faust log level (debug, info, warning, error)")
    wk.set_defaults(func=_worker)
