"""`archive --max-records` is a hard limit per part even when one poll brings thousands."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from streams.archive.archiver import ArchiveRun
from streams.archive.manifest import Entry, iter_manifest
from streams.archive.writer import Archive

T0 = 1_738_663_200_000  # 2025-02-04T10:00:00Z


class _Consumer:
    def assignment(self) -> set[Any]:
        return set()


def test_one_large_poll_is_cut_into_parts_of_at_most_max_records(tmp_path: Path) -> None:
    messages = [SimpleNamespace(key=b"k", value=b'{"id": "%d"}' % i, timestamp=T0 + i, headers=(), topic="news.raw",
                                partition=0, offset=i, timestamp_type=0) for i in range(2_346)]
    run = ArchiveRun(settings=None, root=tmp_path / "a", topic="news.raw", group="g", max_records=250,
                     say=lambda _m: None)
    run.archive = Archive(run.root, run.topic, max_records=run.max_records)
    run.archive.open()
    asyncio.run(run.take(_Consumer(), messages))
    run.archive.checkpoint()
    run.archive.close()
    counts = [item.records for _, item in iter_manifest(run.root) if isinstance(item, Entry)]
    assert sum(counts) == 2_346 and max(counts) == 250 and len(counts) == 10
