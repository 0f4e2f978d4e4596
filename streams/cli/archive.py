"""`newswatch archive`: news.raw kept as rolling, compressed JSON Lines files with a manifest
(the archive format: streams/archive/; the consumer that writes it: streams/archive/archiver.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from streams.archive.archiver import ArchiveRun
from streams.archive.writer import MAX_BYTES, MAX_RECORDS, ROLL_SECONDS, ArchiveError
from streams.cli.replay import quiet_client_logs
from streams.errors import EXIT_OK, EXIT_USAGE
from streams.kafka import RAW
from streams.settings import load as load_settings


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    quiet_client_logs()
    root = Path(args.dir) if args.dir else settings.archive_dir
    topic = args.topic or settings.topic(RAW)
    say = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    for name in ("max_records", "max_bytes"):
        if getattr(args, name) < 1:
            print(f"--{name.replace('_', '-')} must be at least 1", file=sys.stderr)
            return EXIT_USAGE
    if args.roll_seconds <= 0:
        print("--roll-seconds must be more than 0, e.g. --roll-seconds 60", file=sys.stderr)
        return EXIT_USAGE
    run = ArchiveRun(settings, root, topic, args.group or f"{settings.app_id}-archive", args.start,
                     args.max_records, args.max_bytes, args.roll_seconds, args.exit_idle, say)
    print(f"archiving {topic} from {settings.bootstrap_servers} into {root} (group {run.group}); "
          "Ctrl-C stops after writing what was read", file=sys.stderr, flush=True)
    from aiokafka.errors import KafkaError

    try:
        return asyncio.run(run.run()) or EXIT_OK
    except ArchiveError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        return EXIT_USAGE
    except KafkaError as exc:
        print(f"Kafka at {settings.bootstrap_servers} failed: {type(exc).__name__}: {exc}\ncheck "
              "KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*) and run again; "
              "what was archived is listed in the manifest", file=sys.stderr, flush=True)
        return 1


def add_parser(sub: Any) -> None:
    ar = sub.add_parser("archive", help="keep news.raw as rolling, compressed JSON Lines files with a manifest")
    ar.add_argument("--dir", default=None, help="archive folder (default NEWSWATCH_ARCHIVE_DIR, "
                                                "~/.cache/newswatch/archive)")
    ar.add_argument("--topic", default=None, help="topic to archive (default news.raw with NEWSWATCH_TOPIC_PREFIX)")
    ar.add_argument("--group", default=None, help="consumer group (default <NEWSWATCH_APP_ID>-archive)")
    ar.add_argument("--start", choices=("earliest", "latest"), default="earliest",
                    help="where a partition the archive has never seen starts (default earliest)")
    ar.add_argument("--roll-seconds", type=float, default=ROLL_SECONDS,
                    help=f"finish and list parts this long after their first record (default {ROLL_SECONDS:.0f})")
    ar.add_argument("--max-records", type=int, default=MAX_RECORDS,
                    help="finish parts after this many records (a hard limit)")
    ar.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="finish a part at this many uncompressed bytes")
    ar.add_argument("--exit-idle", type=float, default=None, metavar="SECONDS",
                    help="stop after this many seconds without a new record (a one-off backfill)")
    ar.add_argument("-q", "--quiet", action="store_true", help="no line per finished part")
    ar.set_defaults(func=main)
