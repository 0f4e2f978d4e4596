"""The `newswatch` command: one module per subcommand (worker, broker, run, archive, replay,
backtest, ingest, notify), each with its ``add_parser``; the exit codes are in streams/errors.py.

Building the parser imports no command's dependencies beyond argparse: faust is loaded
only by ``worker`` when it runs, aiokafka only by the commands that talk to Kafka."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from streams.cli import archive, backtest, broker, ingest, notify, replay, run, worker

    parser = argparse.ArgumentParser(prog="newswatch", description="Streaming news-event pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)
    # the order `newswatch --help` lists them
    for command in (worker, broker, run, archive, replay, backtest, ingest, notify):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code
