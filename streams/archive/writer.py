"""Writing an archive: records kept as rolling, compressed JSON Lines files under a manifest.
Pure file work, no Kafka: archiver.py feeds it news.raw from a consumer for `newswatch
archive` (the command: streams/cli/archive.py).

Layout under the archive root (``NEWSWATCH_ARCHIVE_DIR`` or ``--dir``)::

    manifest.jsonl                                   one line per complete part (manifest.py)
    2025-02-04/10/news.raw-2025020410-000003.jsonl.gz  records ingested 10:00-10:59 UTC, checkpoint 3

A record goes into the part of its *hour of ingestion*: the hour (UTC) of its Kafka
timestamp. Each line keeps the record's key, value and header bytes exactly, its Kafka
timestamp and its source partition and offset (format: record.py).

Resuming without gaps or duplicates: **the manifest is the archive's position**, not the
consumer group's committed offsets. Records are streamed into ``.<part>.tmp`` files; at a
checkpoint (``--roll-seconds`` after the first record not yet checkpointed, ``--max-records``,
``--max-bytes``, a rebalance, or stop) every open part is finished (gzip trailer, fsync,
atomic rename, directory fsync) and only then listed in the manifest, with the offset range
it holds per source partition (one fsynced append; a line torn by a crash is cut on the next
start, making its part unlisted). On start, and on every partition assignment, the archiver
seeks each partition to one past the highest offset the manifest lists; what was consumed
but not checkpointed is simply read again, and an unlisted part left by a crash is renamed
``*.orphan`` (its records are archived again from Kafka). Offsets are committed to the
group (``<app id>-archive``) after each checkpoint too, but only so that lag can be
watched: a manifest and a committed offset can never disagree in the archive's favour.
One archiver writes to a directory at a time (an exclusive lock on ``.lock``).
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from streams import timestamps
from streams.archive import manifest
from streams.archive.manifest import PART_SUFFIX, Entry
from streams.archive.record import Record, to_line

ROLL_SECONDS = 300.0
MAX_RECORDS = 100_000
MAX_BYTES = 64 << 20  # uncompressed bytes in one part
MAX_OPEN_PARTS = 24  # hours written at once (a backlog spanning many hours checkpoints more often)
HOUR_MS = 3_600_000


class ArchiveError(RuntimeError):
    """The archive directory cannot be used as it is; the message says why and what to do."""


class _HashingWriter:
    """What gzip writes into: the file, with a running SHA-256 and byte count."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.digest.update(view)
        self.size += view.nbytes
        return self.raw.write(view)

    def flush(self) -> None:
        self.raw.flush()


@dataclass
class Part:
    """One part being written: ``.<name>.tmp`` until :meth:`finish` renames it into place."""

    root: Path
    rel: str
    topic: str
    hour: str
    seq: int
    compresslevel: int = 6
    records: int = 0
    raw_bytes: int = 0
    first_ts: int | None = None
    last_ts: int | None = None
    offsets: dict[int, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.final = self.root / self.rel
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.final.with_name(f".{self.final.name}.tmp")
        self._raw = self.tmp.open("wb")
        self._hash = _HashingWriter(self._raw)
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._hash,
                                 compresslevel=self.compresslevel, mtime=0)

    def write(self, rec: Record, line: bytes) -> None:
        self._gz.write(line + b"\n")
        self.records += 1
        self.raw_bytes += len(line) + 1
        ts = rec.timestamp
        if ts is not None:
            self.first_ts = ts if self.first_ts is None else min(self.first_ts, ts)
            self.last_ts = ts if self.last_ts is None else max(self.last_ts, ts)
        if rec.partition is not None and rec.offset is not None:
            first, _ = self.offsets.get(rec.partition, (rec.offset, rec.offset))
            self.offsets[rec.partition] = (first, rec.offset)

    def finish(self) -> Entry:
        """Durably in place (fsync, rename, directory fsync); the entry to list it with."""
        self._gz.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.tmp, self.final)
        manifest.fsync_dir(self.final.parent)
        return Entry(self.rel, self.topic, self.hour, self.seq, self.records, self.first_ts, self.last_ts,
                     self._hash.digest.hexdigest(), self._hash.size, dict(self.offsets),
                     timestamps.format_utc(datetime.now(UTC), "seconds"))

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._gz.close()
        with contextlib.suppress(Exception):
            self._raw.close()
        self.tmp.unlink(missing_ok=True)


def hour_of(ms: int) -> datetime:
    return datetime.fromtimestamp((ms // HOUR_MS) * HOUR_MS / 1000, UTC)


class Archive:
    """The archive directory of one topic: the lock, the manifest, the parts being written.

    Pure file work, no Kafka: :class:`streams.archive.archiver.ArchiveRun` feeds it records
    from a consumer."""

    def __init__(self, root: str | Path, topic: str, *, max_records: int = MAX_RECORDS, max_bytes: int = MAX_BYTES,
                 roll_seconds: float = ROLL_SECONDS, clock: Callable[[], float] = time.monotonic,
                 now_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> None:
        self.root = Path(root)
        self.topic = topic
        self.max_records, self.max_bytes, self.roll_seconds = max_records, max_bytes, roll_seconds
        self.clock, self.now_ms = clock, now_ms
        self.durable: dict[int, int] = {}  # partition -> next offset to archive, as the manifest says
        self.consumed: dict[int, int] = {}  # partition -> next offset, counting what is in open parts
        self.seq = 0
        self.parts: dict[int, Part] = {}  # hour (ms) -> open part
        self.pending = 0
        self.since: float | None = None
        self.total = 0
        self._lock: IO[bytes] | None = None

    # ------------------------------------------------------------------ start

    def open(self) -> list[str]:
        """Lock the directory, repair and read the manifest, clear what a crash left; notes to show."""
        notes: list[str] = []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create the archive folder {self.root}: {exc}; give another --dir") from None
        lock = (self.root / ".lock").open("ab")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise ArchiveError(f"another archiver is writing to {self.root}; stop it or give another --dir") from None
        self._lock = lock
        torn = manifest.repair_tail(self.root)
        if torn is not None:
            notes.append(f"{manifest.manifest_path(self.root)}: cut a torn last line ({len(torn)} bytes) "
                         "left by an interrupted archiver; its part is archived again")
        listed: set[str] = set()
        if manifest.manifest_path(self.root).exists():
            for _, item in manifest.iter_manifest(self.root):
                if not isinstance(item, Entry):
                    self.close()
                    raise ArchiveError(f"{item}; the archiver cannot tell what this line listed. Fix or delete "
                                       "the line (its part then counts as unlisted), or give another --dir")
                listed.add(item.file)
                self.seq = max(self.seq, item.seq + 1)
                if item.topic == self.topic:
                    for p, (_, last) in item.offsets.items():
                        self.durable[p] = max(self.durable.get(p, 0), last + 1)
        self.consumed = dict(self.durable)
        for path in sorted(self.root.rglob("*")):
            name = path.name
            if name.startswith(".") and name.endswith(".tmp"):
                path.unlink()
                notes.append(f"{path}: removed a part an interrupted archiver had not finished")
            elif name.endswith(PART_SUFFIX) and path.relative_to(self.root).as_posix() not in listed:
                path.rename(path.with_name(name + ".orphan"))
                notes.append(f"{path}: not listed in the manifest (an archiver stopped before listing it); "
                             "renamed *.orphan, its records are archived again")
        return notes

    def close(self) -> None:
        for part in self.parts.values():
            part.abort()
        self.parts.clear()
        self.pending = 0
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # ---------------------------------------------------------------- records

    def add(self, rec: Record) -> bool:
        """Write a record into its hour's part; False (and nothing written) for an offset the
        archive already holds."""
        p, off = rec.partition, rec.offset
        if p is not None and off is not None:
            if off < self.consumed.get(p, 0):
                return False
            self.consumed[p] = off + 1
        ts = rec.timestamp if rec.timestamp is not None and rec.timestamp >= 0 else self.now_ms()
        bucket = (ts // HOUR_MS) * HOUR_MS
        part = self.parts.get(bucket)
        if part is None:
            hour = hour_of(bucket)
            rel = (f"{hour:%Y-%m-%d}/{hour:%H}/{self.topic}-{hour:%Y%m%d%H}-{self.seq:06d}{PART_SUFFIX}")
            part = self.parts[bucket] = Part(self.root, rel, self.topic, f"{hour:%Y-%m-%dT%H}", self.seq)
        part.write(rec, to_line(rec))
        if self.pending == 0:
            self.since = self.clock()
        self.pending += 1
        return True

    def full(self) -> bool:
        """A size limit is reached: checked after every record, so ``max_records`` is a hard
        limit per part (a poll brings up to 5,000 at once) and a part passes ``max_bytes`` by at
        most one record."""
        return bool(self.pending) and (
            self.pending >= self.max_records or len(self.parts) > MAX_OPEN_PARTS
            or any(p.raw_bytes >= self.max_bytes for p in self.parts.values()))

    def due(self) -> bool:
        if not self.pending:
            return False
        return self.full() or (self.since is not None and self.clock() - self.since >= self.roll_seconds)

    def checkpoint(self) -> list[Entry]:
        """Finish every open part, then list them: after this, ``durable`` covers all records added."""
        if not self.parts:
            return []
        entries = []
        try:
            for bucket in sorted(self.parts):
                entries.append(self.parts[bucket].finish())
        except BaseException:
            for bucket in sorted(self.parts)[len(entries):]:
                self.parts[bucket].abort()
            self.parts.clear()
            raise
        self.parts.clear()
        manifest.append(self.root, entries)
        for e in entries:
            for p, (_, last) in e.offsets.items():
                self.durable[p] = max(self.durable.get(p, 0), last + 1)
        self.seq += 1
        self.total += self.pending
        self.pending = 0
        self.since = None
        return entries
