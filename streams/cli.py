"""The `newswatch` command."""

from __future__ import annotations

import argparse
import base64
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from streams.errors import DataFileError, InvalidRecord
from streams.models import Alert, to_dict

EXIT_OK, EXIT_USAGE, EXIT_REJECTED = 0, 2, 3


def _backtest(args: argparse.Namespace) -> int:
    from rich.console import Console

    from streams import stages
    from streams.pipeline import Pipeline
    from streams.replay.files import is_text_article, iter_lines, text_article

    err = Console(stderr=True)
    missing = [f for f in args.files if not Path(f).exists()]
    if missing:
        err.print(f"[red]no such file:[/] {', '.join(missing)} — give JSON Lines (.jsonl, .jsonl.gz) or .txt files")
        return EXIT_USAGE
    fixed = datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else None
    started = time.perf_counter()
    try:
        pipe = Pipeline.load(args.rules, clock=(lambda: fixed) if fixed else None)
    except DataFileError as exc:
        err.print(f"[red]refused:[/] {exc}\nFix the file and run again; the shipped rules are in "
                  "streams/rules/data/default.yaml, the format in schemas/rules.v1.json.")
        return EXIT_USAGE
    load_s = time.perf_counter() - started
    rejects: list[dict[str, Any]] = []
    seen = 0

    def reject(path: str, lineno: int, kind: str, message: str, data: bytes | None) -> None:
        rejects.append({"file": path, "line": lineno, "error_kind": kind, "message": message,
                        "original": base64.b64encode(data or b"").decode()})
        err.print(f"[yellow]{path}:{lineno}:[/] {kind}: {message}")

    for path in args.files:
        if is_text_article(path):
            items: Any = [(path, 1, None, text_article(path))]
        else:
            items = ((ln.path, ln.lineno, ln, None) for ln in iter_lines(path))
        for p, lineno, line, raw in items:
            if line is not None and line.data is None:
                reject(p, lineno, "unreadable", line.error or "unreadable", None)
                continue
            try:
                if raw is None:
                    raw = stages.parse_raw(line.data)
                seen += 1
                result = pipe.process(raw)
            except InvalidRecord as exc:
                reject(p, lineno, exc.kind, exc.message, line.data if line else None)
                continue
            if args.verbose:
                for a in result.alerts:
                    err.print(f"[dim]{p}:{lineno}[/] {a.severity} {a.rule.id}: {a.summary}")
    alerts = sorted(pipe.alerts.values(), key=lambda a: (a.event_time, a.id))
    if args.json:
        out = sys.stdout.buffer
        for a in alerts:
            out.write(orjson.dumps(to_dict(a)) + b"\n")
        out.flush()
    else:
        _table(alerts)
    elapsed = time.perf_counter() - started
    err.print(f"{seen} articles, {len(alerts)} alerts, {len(rejects)} rejected; "
              f"knowledge base {pipe.kb.size} entities loaded in {load_s:.2f}s; total {elapsed:.2f}s")
    if rejects:
        target = Path(args.rejects)
        with target.open("ab") as fh:
            for r in rejects:
                fh.write(orjson.dumps(r) + b"\n")
        err.print(f"rejected records written to {target}")
        return EXIT_REJECTED
    return EXIT_OK


def _table(alerts: Sequence[Alert]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"newswatch alerts ({len(alerts)})", show_lines=True)
    for col in ("severity", "rule", "speaker", "targets", "quote", "sources", "day", "id"):
        table.add_column(col, overflow="fold")
    for a in alerts:
        who = a.speaker.name + (f" / {a.speaker.voice.name}" if a.speaker.voice else "")
        quote = next((e.quote for e in a.evidence if e.quote), a.evidence[0].sentence if a.evidence else "")
        table.add_row(a.severity, a.rule.id, f"{who} ({a.speaker.country or '?'})",
                      ", ".join(f"{t.name} ({t.country})" for t in a.targets),
                      (quote or "")[:120], str(a.sources_count), a.event_time[:10], a.id)
    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 160)  # piped output: do not fold into 80 columns
    console.print(table)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newswatch", description="Streaming news-event pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)
    bt = sub.add_parser("backtest", help="run clean, tag and alert in process over archived articles")
    bt.add_argument("files", nargs="+", help="JSON Lines (.jsonl, .jsonl.gz) or plain-text (.txt) articles")
    bt.add_argument("--json", action="store_true", help="print alerts as JSON Lines instead of a table")
    bt.add_argument("--rules", default=None, help="rule files or folders (os.pathsep-separated) added to the defaults")
    bt.add_argument("--rejects", default="newswatch-rejects.jsonl", help="where rejected records are appended")
    bt.add_argument("--now", default=None, help="fix the ingestion clock (RFC 3339) for reproducible runs")
    bt.add_argument("-v", "--verbose", action="store_true", help="print each alert as it is raised")
    bt.set_defaults(func=_backtest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
