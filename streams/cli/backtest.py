"""`newswatch backtest FILE...`: clean, tag and alert in process over archived articles, no broker
(the backtest itself: streams/backtest/run.py)."""

from __future__ import annotations

import argparse
from typing import Any


def main(args: argparse.Namespace) -> int:
    from streams.backtest.run import Options, run  # loads the stages only when the command runs

    return run(Options(files=args.files, json=args.json, rules=args.rules, rejects=args.rejects, now=args.now,
                       verbose=args.verbose, report=args.report, labels=args.labels, explain=args.explain))


def add_parser(sub: Any) -> None:
    bt = sub.add_parser("backtest", help="run clean, tag and alert in process over archived articles")
    bt.add_argument("files", nargs="+", help="JSON Lines (.jsonl, .jsonl.gz) or plain-text (.txt) articles")
    bt.add_argument("--json", action="store_true", help="print alerts as JSON Lines instead of a table")
    bt.add_argument("--rules", default=None, help="rule files or folders (os.pathsep-separated) added to the defaults")
    bt.add_argument("--rejects", default="newswatch-rejects.jsonl", help="where rejected records are appended")
    bt.add_argument("--now", default=None, help="fix the ingestion clock (RFC 3339) for reproducible runs")
    bt.add_argument("-v", "--verbose", action="store_true", help="print each alert as it is raised")
    bt.add_argument("--report", default=None, metavar="HTML",
                    help="write a self-contained HTML report: alerts per rule over time, and with --labels "
                         "precision/recall, misses and false alarms with their evidence")
    bt.add_argument("--labels", action="append", default=None, metavar="FILE",
                    help="expected alerts (JSON Lines, as tests/fixtures/feed/labels.jsonl and aggregates.jsonl); "
                         "repeatable")
    bt.add_argument("--explain", action="store_true",
                    help="say why each statement did or did not fire each rule (with --labels: for every miss "
                         "and false alarm only), on stderr")
    bt.set_defaults(func=main)
