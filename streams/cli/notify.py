"""`newswatch notify SUBSCRIPTIONS.yaml`: deliver alerts from news.alerts to webhooks, Slack,
Teams, e-mail and Alertmanager until stopped (streams/notify/runner.py says what is guaranteed).

Exit codes (streams/errors.py): 0 stopped, 2 a refused subscriptions file, 1 Kafka failed."""

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


async def _main(subscriptions: Any, settings: Any) -> int:
    from streams.kafka import ALERTS, NOTIFY_DELIVERED
    from streams.notify.runner import Lane, run
    from streams.runtime.topics import ensure_topics

    await ensure_topics(settings, (ALERTS, NOTIFY_DELIVERED))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    def delivered(lane: Lane, event: str, alert_id: str) -> None:
        # the destination's name only: its URL is a secret
        print(f"delivered {event:11} {alert_id} to {lane.subscription.name}/{lane.destination.name}", flush=True)

    lanes = await run(subscriptions, settings, stop, delivered)
    _say(f"notify stopped; {sum(lane.delivered for lane in lanes)} notifications delivered")
    return EXIT_OK


def main(args: argparse.Namespace) -> int:
    from streams.notify.subscriptions import load
    from streams.settings import load as load_settings

    try:
        subscriptions = load(args.subscriptions)
    except DataFileError as exc:
        _say(f"refused: {exc}")
        return EXIT_USAGE
    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    if args.metrics_port:
        from streams.runtime import metrics

        metrics.prime_notify((s.name, d.name) for s in subscriptions for d in s.destinations)
        metrics.serve(settings.web_bind, args.metrics_port)
    lanes = sum(len(s.destinations) for s in subscriptions)
    _say(f"newswatch notify: {len(subscriptions)} subscriptions, {lanes} destinations, from "
         f"{settings.topic('news.alerts')} on {settings.bootstrap_servers}")
    from aiokafka.errors import KafkaError

    try:
        return asyncio.run(_main(subscriptions, settings))
    except KafkaError as exc:
        _say(f"Kafka at {settings.bootstrap_servers} failed: {type(exc).__name__}: {exc}")
        return EXIT_FAILED


def add_parser(sub: Any) -> None:
    p = sub.add_parser("notify", help="deliver alerts to webhooks, Slack, Teams, e-mail and Alertmanager")
    p.add_argument("subscriptions", metavar="SUBSCRIPTIONS.yaml", help="the subscriptions file (see the README)")
    p.add_argument("--metrics-port", type=int, default=6069, help="serve /metrics here (0: off)")
    p.set_defaults(func=main)
