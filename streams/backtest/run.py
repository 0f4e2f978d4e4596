"""The backtest behind `newswatch backtest FILE...` (the command: streams/cli/backtest.py): clean,
tag and alert in process over archived articles, no broker; rejects reported and appended to a
file, alerts as a table or JSON Lines, with --explain each rule's verdict per statement, with
--report/--labels the report and scores (report.py, score.py)."""

from __future__ import annotations

import base64
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from streams import timestamps
from streams.errors import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, DataFileError, InvalidRecord
from streams.models import Alert, to_dict


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line asks for (streams/cli/backtest.py documents each)."""

    files: Sequence[str]
    json: bool = False
    rules: str | None = None
    rejects: str = "newswatch-rejects.jsonl"
    now: str | None = None
    verbose: bool = False
    report: str | None = None
    labels: Sequence[str] | None = None
    explain: bool = False


def _fixed_clock(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def _say(message: str) -> None:
    """Diagnostics go to stderr as plain lines: no markup (a file may be called
    "[bold]feed.jsonl"), no wrapping (one reject, one line)."""
    print(message, file=sys.stderr, flush=True)


def run(args: Options) -> int:
    """Run the backtest; the exit code (streams/errors.py)."""
    from streams import stages
    from streams.archive.files import is_text_article, iter_lines, text_article
    from streams.pipeline import Pipeline

    missing = [f for f in args.files if not Path(f).exists()]
    if missing:
        _say(f"no such file: {', '.join(missing)} — give JSON Lines (.jsonl, .jsonl.gz) or .txt files")
        return EXIT_USAGE
    fixed: datetime | None = None
    if args.now:
        fixed = timestamps.parse(args.now, assume_utc=True)
        if fixed is None:
            _say(f"--now {args.now!r} is not an RFC 3339 time; write e.g. --now 2025-01-01T00:00:00Z")
            return EXIT_USAGE
    rejects_path = Path(args.rejects)
    if not rejects_path.parent.is_dir():
        _say(f"--rejects {args.rejects}: folder {rejects_path.parent} does not exist; create it or pick another path")
        return EXIT_USAGE
    collector = _report_setup(args)
    if isinstance(collector, int):
        return collector
    started = time.perf_counter()
    try:
        # --explain and --report show every statement; otherwise only alerts are wanted
        pipe = Pipeline.load(args.rules, clock=_fixed_clock(fixed) if fixed else None,
                             lazy_attribution=not args.explain and collector is None)
    except DataFileError as exc:
        _say(f"refused: {exc}\nFix the file and run again; the shipped rules are in "
             "streams/rules/data/default.yaml, the format in schemas/rules.v1.json.")
        return EXIT_USAGE
    load_s = time.perf_counter() - started
    rejects: list[dict[str, Any]] = []
    processed = 0
    why: dict[str, tuple[str, list[str]]] = {}  # article id -> (where, explanation) under --explain

    def reject(path: str, lineno: int, kind: str, message: str, data: bytes | None) -> None:
        rejects.append({"file": path, "line": lineno, "error_kind": kind, "message": message,
                        "original": base64.b64encode(data or b"").decode()})
        _say(f"{path}:{lineno}: {kind}: {message}")

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
                result = pipe.process(raw if raw is not None else stages.parse_raw(line.data))
            except InvalidRecord as exc:
                reject(p, lineno, exc.kind, exc.message, line.data if line else None)
                continue
            except Exception as exc:  # a stage fault on one article must not end the run (the worker's rule too)
                reject(p, lineno, "exception", f"{type(exc).__name__}: {exc}", line.data if line else None)
                continue
            processed += 1
            if args.explain:
                from streams.rules.engine import explain

                why[result.clean.id] = (f"{p}:{lineno}", explain(result.tagged, pipe.rules, pipe.kb.countries))
            if collector is not None:
                collector.observe(f"{p}:{lineno}", result.tagged, result.alerts)
            if args.verbose:
                for a in result.alerts:
                    _say(f"{p}:{lineno}: {a.severity} {a.rule.id}: {a.summary}")
    alerts = sorted(pipe.alerts.values(), key=lambda a: (a.event_time, a.id))
    if args.json:
        out = sys.stdout.buffer
        for a in alerts:
            out.write(orjson.dumps(to_dict(a)) + b"\n")
        out.flush()
    else:
        _table(alerts)
    elapsed = time.perf_counter() - started
    if args.explain:
        _explain(why, collector.score(alerts) if collector is not None and collector.labels else None)
    if collector is not None:
        _report(args, pipe, alerts, collector, [f"{processed} articles, {len(alerts)} alerts, {len(rejects)} rejected"])
    _say(f"{processed} articles, {len(alerts)} alerts, {len(rejects)} rejected; "
         f"knowledge base {pipe.kb.size} entities loaded in {load_s:.2f}s; total {elapsed:.2f}s")
    if rejects:
        with rejects_path.open("ab") as fh:
            for r in rejects:
                fh.write(orjson.dumps(r) + b"\n")
        _say(f"rejected records appended to {rejects_path}")
        return EXIT_REJECTED
    return EXIT_OK


def _explain(why: dict[str, tuple[str, list[str]]], scores: Any) -> None:
    """Why each labelled miss and false alarm went as it did (with --labels), or, without labels,
    every article with a statement: the cue, speaker and terms found and each rule's verdict."""
    if scores is not None:
        chosen = [(m.article_id, f"MISS {m.line()}") for m in scores.misses if m.article_id in why]
        chosen += [(f.article_id, f"FALSE ALARM {f.line()}") for f in scores.false_alarms if f.article_id in why]
    else:
        chosen = [(aid, "") for aid, (_, lines) in why.items() if not lines[0].startswith("no statement")]
    for aid, head in chosen:
        where, lines = why[aid]
        _say(f"{where} {aid} {head}".rstrip())
        for line in lines:
            _say(f"    {line}")


def _report_setup(args: Options) -> Any:
    """The collector for --report/--labels (None without them), or an exit code for a usage error."""
    if not args.report and not args.labels:
        return None
    from streams.backtest.score import Collector, LabelError, Labels, load_labels

    if args.report and not Path(args.report).parent.is_dir():
        _say(f"--report {args.report}: folder {Path(args.report).parent} does not exist; "
             "create it or pick another path")
        return EXIT_USAGE
    missing = [f for f in args.labels or [] if not Path(f).is_file()]
    if missing:
        _say(f"--labels: no such file: {', '.join(missing)} — give JSON Lines label files "
             "(format: tests/fixtures/feed/README.md)")
        return EXIT_USAGE
    try:
        labels = load_labels(args.labels or []) if args.labels else Labels()
    except LabelError as exc:
        _say(f"--labels {exc}\nthe format is described in tests/fixtures/feed/README.md")
        return EXIT_USAGE
    return Collector(labels)


def _report(args: Options, pipe: Any, alerts: Sequence[Alert], collector: Any, meta: list[str]) -> None:
    """The terminal summary (stdout, or stderr under --json) and the HTML report."""
    from rich.console import Console

    from streams.backtest.report import print_summary, render_html

    scores = collector.score(alerts) if collector.labels else None
    console = Console(stderr=bool(args.json))
    if not console.is_terminal:
        console.width = max(console.width, 160)
    if args.report:
        titles = {r.id: (r.title, r.severity) for r in pipe.rules.rules}
        info = [f"files: {', '.join(args.files)}", *meta,
                f"rules: {', '.join(sorted(titles))}" + (f"; labels: {', '.join(args.labels)}" if args.labels else ""),
                f"generated {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC by newswatch backtest"]
        with open(args.report, "w", encoding="utf-8") as out:
            render_html(out, alerts, title="newswatch backtest report", meta=info, scores=scores,
                        info=collector.info, rule_titles=titles)
    print_summary(console, alerts, scores, args.report)


def _table(alerts: Sequence[Alert]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"newswatch alerts ({len(alerts)})", show_lines=True)
    for col in ("severity", "rule", "speaker", "targets", "quote", "sources", "day", "id"):
        table.add_column(col, overflow="fold")
    for a in alerts:
        who = a.speaker.name + (f" / {a.speaker.voice.name}" if a.speaker.voice else "")
        quote = next((e.quote for e in a.evidence if e.quote), a.evidence[0].sentence if a.evidence else "")
        cells = (a.severity, a.rule.id, f"{who} ({a.speaker.country or '?'})",
                 ", ".join(f"{t.name} ({t.country})" for t in a.targets),
                 (quote or "")[:120], str(a.sources_count), a.event_time[:10], a.id)
        table.add_row(*(escape(c) for c in cells))  # text from articles is not markup
    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 160)  # piped output: do not fold into 80 columns
    console.print(table)
