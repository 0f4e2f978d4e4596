"""`newswatch replay ARCHIVE...`: archived records back onto news.raw (or another topic);
the replayer itself is streams/replay/replay.py, which says what a replay writes.

Exit codes (streams/errors.py): 0 done, 2 usage error, 3 done but bad input was reported and
skipped, 130 interrupted (state saved), 1 the cluster failed the run (state saved).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams.archive.reader import InputError, resolve
from streams.archive.record import rfc3339_ms
from streams.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from streams.kafka import RAW
from streams.replay import resume
from streams.replay.pacing import Pacer
from streams.replay.replay import Replay, ReplayFailed, ensure_target, producer_options, retention_ms
from streams.replay.resume import State
from streams.settings import load as load_settings


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet_client_logs() -> None:
    """aiokafka logs retries it recovers from (a new topic's leader not elected yet) as
    warnings; the commands report what fails, with what to do."""
    import logging

    logging.getLogger("aiokafka").setLevel(logging.ERROR)


def _rate_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} records/s" if speed else "- records/s", style="cyan")

    return Rate()


def _new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


async def _main(args: argparse.Namespace, settings: Any, topic: str, state_path: Path,
                start_ms: int | None, end_ms: int | None) -> int:
    from aiokafka import AIOKafkaProducer
    from aiokafka.errors import KafkaError

    from streams.kafka import kafka_client_options

    options = kafka_client_options(settings)
    existing = resume.load(state_path) if state_path.exists() else None
    if args.resume and existing is None:
        _say(f"nothing to resume: no interrupted replay of these inputs to {topic} (its state would be "
             f"{state_path}); run the same command without --resume")
        return EXIT_USAGE
    if args.resume and existing is not None and existing.complete:
        _say(f"replay run {existing.run_id} of these inputs to {topic} finished at {existing.updated_at}; "
             "nothing to resume (run without --resume to replay again)")
        return EXIT_OK
    try:
        plan = resolve(args.archives, existing.limits if args.resume and existing is not None else None)
    except InputError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        _say(f"cannot read the inputs: {exc}")
        return EXIT_USAGE
    problems = list(plan.problems)
    for p in problems:
        _say(str(p))
    delivered: set[tuple[int, int]] = set()
    if args.resume and existing is not None:
        state = existing
        if plan.digest() != state.digest:
            _say(f"the files to replay are not those run {state.run_id} began with (moved, changed or missing); "
                 "run without --resume to start over")
            return EXIT_USAGE
        await ensure_target(settings, topic)
        delivered = await resume.delivered_since(options, topic, state.run_id,
                                                 {int(p): o for p, o in state.scan_from.items()}, state.done)
        _say(f"resuming run {state.run_id} after {state.done_path or 'the start'}:{state.done_line} "
             f"({state.sent} records sent before; {len(delivered)} more found delivered on {topic})")
    else:
        if existing is not None and not existing.complete:
            _say(f"note: run {existing.run_id} of these inputs to {topic} was interrupted; starting a new run "
                 "(--resume would have continued it)")
        state = State(args.run_id or _new_run_id(), [str(Path(i).resolve()) for i in args.archives], topic,
                      settings.bootstrap_servers, args.from_, args.to, plan.limits, plan.digest())
        await ensure_target(settings, topic)
        state.scan_from = {str(p): o for p, o in (await resume.end_offsets(options, topic)).items()}
        resume.save(state_path, state)

    oldest = plan.oldest()
    keep = await retention_ms(options, topic)
    if oldest is not None and keep is not None and keep >= 0 and oldest < time.time() * 1000 - keep:
        _say(f"warning: {topic} keeps records for retention.ms={keep} ({keep / 86_400_000:.1f} days) by their "
             f"timestamps, and this archive holds older ones: the broker may delete them soon after they are "
             f"written. Raise the topic's retention.ms (-1 keeps them) while replaying.")

    pacer = Pacer(rate=args.rate, speed=args.speed)
    producer = AIOKafkaProducer(**producer_options(), **options)
    try:
        await producer.start()
    except BaseException:
        await producer.stop()
        raise
    replay = Replay(plan, topic, producer, state, pacer, save=lambda st: resume.save(state_path, st),
                    delivered=delivered, start_ms=start_ms, end_ms=end_ms)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, replay.stop.set)
    _say(f"replay run {state.run_id}: {len(plan.sources)} file(s) to {topic} on {settings.bootstrap_servers}, "
         f"{pacer.mode}; state {state_path}")
    progress: Any = None
    failed: str | None = None
    try:
        if not args.quiet:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            progress = Progress(TextColumn("replay"), BarColumn(), MofNCompleteColumn(), _rate_column(),
                                TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=False)
            progress.start()
            task = progress.add_task("replay", total=sum(plan.counts()) or None)
            console = progress.console
            replay.advance = lambda n: progress.advance(task, n)
            replay.report = lambda p: console.print(str(p), markup=False, highlight=False, soft_wrap=True)
        else:
            replay.report = lambda p: _say(str(p))
        outcome = await replay.run()
    except (ReplayFailed, KafkaError) as exc:
        failed = str(exc)
        outcome = replay.outcome
    finally:
        if progress is not None:
            progress.stop()
        await producer.stop()
    rate = outcome.sent / outcome.elapsed if outcome.elapsed > 0 else 0.0
    _say(f"run {state.run_id}: {outcome.sent} records sent to {topic} in {outcome.elapsed:.1f}s "
         f"({rate:,.0f} records/s); {outcome.filtered} outside --from/--to; {outcome.bad + len(problems)} bad "
         f"lines or files reported and skipped; {outcome.already} already delivered by the interrupted run")
    if failed is not None:
        _say(f"failed: {failed}\nthe position is saved: fix the cause and run the same command with --resume")
        return EXIT_FAILED
    if outcome.interrupted:
        where = f"{state.done_path}:{state.done_line}" if state.done_path else "the end of the inputs"
        _say(f"interrupted; {state.sent} records sent in all, position saved ({where}); run the same command "
             "with --resume to continue")
        return EXIT_INTERRUPTED
    return EXIT_REJECTED if outcome.bad or problems else EXIT_OK


def main(args: argparse.Namespace) -> int:
    bounds: list[int | None] = []
    for flag, value in (("--from", args.from_), ("--to", args.to)):
        ms = rfc3339_ms(value) if value else None
        if value and ms is None:
            _say(f"{flag} {value!r} is not an RFC 3339 time; write e.g. {flag} 2025-02-04T00:00:00Z")
            return EXIT_USAGE
        bounds.append(ms)
    start_ms, end_ms = bounds
    if start_ms is not None and end_ms is not None and end_ms <= start_ms:
        _say(f"--to {args.to} is not after --from {args.from_}; nothing would be replayed")
        return EXIT_USAGE
    if (args.rate is not None and args.rate <= 0) or (args.speed is not None and args.speed <= 0):
        _say("--rate and --speed must be more than 0 (leave both out to replay as fast as possible)")
        return EXIT_USAGE
    missing = [a for a in args.archives if not Path(a).exists()]
    if missing:
        _say(f"no such file or folder: {', '.join(missing)} — give archive folders (with manifest.jsonl) or "
             "JSON Lines files (.jsonl, .jsonl.gz)")
        return EXIT_USAGE
    settings = load_settings()
    quiet_client_logs()
    topic = args.topic or settings.topic(RAW)
    key = resume.key_for(args.archives, topic, settings.bootstrap_servers, args.from_, args.to)
    state_path = Path(args.state) if args.state else settings.cache_dir / "replay" / f"{key}.json"
    from aiokafka.errors import KafkaError

    try:
        with resume.locked(state_path):
            return asyncio.run(_main(args, settings, topic, state_path, start_ms, end_ms))
    except KafkaError as exc:
        _say(f"Kafka at {settings.bootstrap_servers} failed: {type(exc).__name__}: {exc}\ncheck "
             "KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*) and run again"
             + (" with --resume" if args.resume else ""))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("interrupted before the replay began; nothing was sent")
        return EXIT_INTERRUPTED
    except resume.StateError as exc:
        _say(str(exc))
        return EXIT_USAGE


def add_parser(sub: Any) -> None:
    rp = sub.add_parser("replay", help="produce archived records to news.raw with their original event time")
    rp.add_argument("archives", nargs="+", metavar="ARCHIVE",
                    help="archive folders (written by `newswatch archive`) or JSON Lines files (.jsonl, .jsonl.gz)")
    rp.add_argument("--topic", default=None,
                    help="target topic, exactly as named (default news.raw with NEWSWATCH_TOPIC_PREFIX)")
    pace = rp.add_mutually_exclusive_group()
    pace.add_argument("--rate", type=float, default=None, metavar="N", help="send N records per second")
    pace.add_argument("--speed", type=float, default=None, metavar="F",
                      help="the original pace times F (1: real time, 60: an hour per minute)")
    rp.add_argument("--from", dest="from_", default=None, metavar="TIME", help="only event times from TIME (RFC 3339)")
    rp.add_argument("--to", default=None, metavar="TIME", help="only event times before TIME (RFC 3339)")
    rp.add_argument("--resume", action="store_true", help="continue the interrupted run of the same command")
    rp.add_argument("--run-id", default=None, help="name of the run (header newswatch-replay); default time + random")
    rp.add_argument("--state", default=None, help="resume state file (default ~/.cache/newswatch/replay/<key>.json)")
    rp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    rp.set_defaults(func=main)
