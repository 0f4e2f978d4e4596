"""The archive's manifest: ``manifest.jsonl`` at the archive root, one line per complete part.

A line is appended (and fsynced) only after its part was written, fsynced and renamed into
place, so a listed file is always complete; a part on disk that the manifest does not list
was left by an interrupted archiver and is never replayed. Each line names the part
(``file``, relative to the archive root), its record count, the smallest and largest Kafka
timestamp in it (ms, plus the same as RFC 3339 for people), its SHA-256, and the range of
source offsets it holds per partition (what the archiver resumes from).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams.archive.files import Problem
from streams.archive.record import iso_ms

MANIFEST = "manifest.jsonl"
PART_SUFFIX = ".jsonl.gz"


@dataclass(frozen=True, slots=True)
class Entry:
    file: str  # relative to the archive root, "/"-separated
    topic: str
    hour: str  # hour of ingestion (UTC) of every record in the part, e.g. "2025-02-04T10"
    seq: int  # the checkpoint that closed the part
    records: int
    first_timestamp: int | None  # ms, smallest in the part
    last_timestamp: int | None  # ms, largest in the part
    sha256: str
    size: int  # bytes of the part file
    offsets: dict[int, tuple[int, int]] = field(default_factory=dict)  # partition -> (first, last) offset
    written_at: str = ""

    def to_json(self) -> bytes:
        return orjson.dumps({
            "file": self.file, "topic": self.topic, "hour": self.hour, "seq": self.seq, "records": self.records,
            "first_timestamp": self.first_timestamp, "last_timestamp": self.last_timestamp,
            "first_time": iso_ms(self.first_timestamp), "last_time": iso_ms(self.last_timestamp),
            "sha256": self.sha256, "bytes": self.size,
            "offsets": {str(p): list(r) for p, r in sorted(self.offsets.items())}, "written_at": self.written_at,
        })

    @classmethod
    def from_json(cls, data: bytes) -> Entry:
        """Raises ValueError with the reason when the line is not a manifest entry."""
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object")
        try:
            offsets = {int(p): (int(r[0]), int(r[1])) for p, r in (obj.get("offsets") or {}).items()}
            entry = cls(str(obj["file"]), str(obj["topic"]), str(obj["hour"]), int(obj["seq"]), int(obj["records"]),
                        _opt_int(obj.get("first_timestamp")), _opt_int(obj.get("last_timestamp")),
                        str(obj["sha256"]), int(obj["bytes"]), offsets, str(obj.get("written_at") or ""))
        except KeyError as exc:
            raise ValueError(f"no {exc.args[0]!r} field") from None
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"bad field: {exc}") from None
        if not entry.file or entry.file.startswith("/") or ".." in Path(entry.file).parts:
            raise ValueError(f"file {entry.file!r} is not a path inside the archive")
        return entry


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def manifest_path(root: str | Path) -> Path:
    return Path(root) / MANIFEST


def iter_manifest(root: str | Path) -> Iterator[tuple[int, Entry | Problem]]:
    """(line number, entry) for every line, or (line number, problem) for a line that is not
    an entry: streamed, so a manifest of any length costs one line of memory."""
    path = manifest_path(root)
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, Entry.from_json(line)
            except ValueError as exc:
                yield lineno, Problem(str(path), lineno, f"corrupt manifest line ({exc}); skipped")


def repair_tail(root: str | Path) -> str | None:
    """Cut a torn last line (an archiver stopped while appending it); what was cut, if anything.
    The part that line listed is then unlisted, and its records are archived again."""
    path = manifest_path(root)
    if not path.exists():
        return None
    with path.open("rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return None
        fh.seek(max(0, size - 1))
        if fh.read(1) == b"\n":
            return None
        # Find the start of the last line.
        pos = size
        block = 4096
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                cut = start + nl + 1
                break
            pos = start
        else:
            cut = 0
        fh.seek(cut)
        torn = fh.read()
        fh.truncate(cut)
        fh.flush()
        os.fsync(fh.fileno())
    return torn.decode("utf-8", "replace")


def append(root: str | Path, entries: list[Entry]) -> None:
    """Append entries and fsync: after this returns, they are listed."""
    if not entries:
        return
    path = manifest_path(root)
    new = not path.exists()
    with path.open("ab") as fh:
        fh.write(b"".join(e.to_json() + b"\n" for e in entries))
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        fsync_dir(path.parent)


def fsync_dir(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
