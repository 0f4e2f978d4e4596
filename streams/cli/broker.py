"""`newswatch broker [--port 9092] [--data DIR]`: the managed local broker (streams/broker.py)
in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from streams.broker import KAFKA_VERSION, BrokerError, LocalBroker


def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    existing = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if existing:
        print(
            f"note: KAFKA_BOOTSTRAP_SERVERS={existing} is set, so the other newswatch commands use that "
            "cluster, not this broker",
            file=sys.stderr,
        )
    broker = LocalBroker(port=args.port, data_dir=args.data, version=args.kafka_version)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(
            f"starting Kafka {broker.version} (KRaft, single node) on {broker.bootstrap}, data in {broker.data_dir}",
            file=sys.stderr,
            flush=True,
        )
        try:
            broker.start()
        except BrokerError as exc:
            print(f"newswatch broker: {exc}", file=sys.stderr)
            return 1
        print(broker.bootstrap, file=out, flush=True)
        print(
            f"ready: export KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap}  (log: {broker.log_path}; Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(1.0):
            if not broker.running():
                code = broker.stop()
                print(f"newswatch broker: the broker exited (code {code}); see {broker.log_path}", file=sys.stderr)
                return 1
        print("stopping the broker ...", file=sys.stderr, flush=True)
        code = broker.stop()
        # The JVM exits with 128 + SIGTERM after its shutdown hooks (Kafka's controlled shutdown) ran.
        how = "cleanly" if code in (0, 128 + signal.SIGTERM) else f"with exit code {code}"
        print(f"broker stopped {how}", file=sys.stderr, flush=True)
        return 0
    finally:
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``broker`` subcommand to an argparse subparsers object (``parser.add_subparsers()``)."""
    parser = sub.add_parser(
        "broker",
        help="run a local single-node Kafka broker on 127.0.0.1 until Ctrl-C",
        description=(
            "Run a single-node KRaft Kafka broker on 127.0.0.1 from Maven Central jars (needs Java 17+ and mvn). "
            "Prints the bootstrap address; Ctrl-C or SIGTERM shuts it down cleanly. Data survives restarts."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=9092,
        help="client port on 127.0.0.1 (default 9092; the controller uses the next port)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data directory (default $NEWSWATCH_CACHE_DIR/broker-data/PORT, "
        "NEWSWATCH_CACHE_DIR defaulting to ~/.cache/newswatch)",
    )
    parser.add_argument(
        "--kafka-version", default=KAFKA_VERSION, help=f"Apache Kafka version (default {KAFKA_VERSION})"
    )
    parser.set_defaults(func=_run)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newswatch")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["broker", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
