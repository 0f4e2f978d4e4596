"""The archive directory (streams/archive/writer.py) without Kafka: parts by hour of
ingestion, a file listed only once complete, the manifest as the position, and restarts
after every kind of crash resuming without gaps or duplicates."""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from pathlib import Path

import orjson
import pytest

from streams.archive import reader
from streams.archive.manifest import MANIFEST, Entry, iter_manifest, repair_tail
from streams.archive.record import Record, from_line
from streams.archive.writer import Archive, ArchiveError

T0 = 1_738_663_200_000  # 2025-02-04T10:00:00Z
HOUR = 3_600_000


def feed(n: int, partitions: int = 3, step_ms: int = 90_000) -> list[Record]:
    """n records over 3 partitions, offsets counting per partition, 90 s apart."""
    out = []
    nxt = [0] * partitions
    for i in range(n):
        p = i % partitions
        out.append(Record(f"k{i}".encode(), orjson.dumps({"id": f"a{i}", "body": "x" * 50}), T0 + i * step_ms,
                          (), "news.raw", p, nxt[p], 0))
        nxt[p] += 1
    return out


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def archived(root: Path) -> list[Record]:
    got, problems = [], []
    plan = reader.resolve([str(root)])
    problems += plan.problems
    for src in plan.sources:
        assert reader.verify(src) is None
        for item in reader.read(src):
            if item.problem:
                problems.append(item.problem)
            else:
                assert item.record is not None
                got.append(item.record)
    assert problems == []
    return got


def exactly_once(root: Path, recs: list[Record]) -> None:
    got = archived(root)
    counts = Counter((r.partition, r.offset) for r in got)
    assert set(counts) == {(r.partition, r.offset) for r in recs}, "gap"
    assert max(counts.values()) == 1, "duplicate"


def crash(arch: Archive) -> None:
    """The process dies: open files are left as they are, the lock goes with the process."""
    for part in arch.parts.values():
        part._raw.close()  # the gzip stream is never finished
    arch.parts.clear()
    assert arch._lock is not None
    arch._lock.close()
    arch._lock = None


def test_records_go_into_parts_by_hour_of_ingestion_with_a_manifest(tmp_path: Path) -> None:
    recs = feed(100)  # 2.5 hours
    arch = Archive(tmp_path, "news.raw")
    assert arch.open() == []
    for r in recs:
        assert arch.add(r)
    entries = arch.checkpoint()
    arch.close()
    assert [e.hour for e in entries] == ["2025-02-04T10", "2025-02-04T11", "2025-02-04T12"]
    assert sum(e.records for e in entries) == 100
    for e in entries:
        path = tmp_path / e.file
        assert e.file.startswith(f"2025-02-04/{e.hour[-2:]}/news.raw-20250204{e.hour[-2:]}-000000")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == e.sha256 and path.stat().st_size == e.size
        lines = gzip.decompress(path.read_bytes()).splitlines()
        assert len(lines) == e.records
        stamps = [from_line(line).timestamp for line in lines]
        assert e.first_timestamp == min(s for s in stamps if s) and e.last_timestamp == max(s for s in stamps if s)
        assert all(s is not None and (s - T0) // HOUR == int(e.hour[-2:]) - 10 for s in stamps)
    listed = [item for _, item in iter_manifest(tmp_path)]
    assert listed == entries
    line = orjson.loads((tmp_path / MANIFEST).read_bytes().splitlines()[0])
    assert {"file", "first_timestamp", "last_timestamp", "first_time", "last_time", "records", "sha256",
            "offsets"} <= set(line)
    assert line["first_time"] == "2025-02-04T10:00:00.000Z"
    assert arch.durable == {0: 34, 1: 33, 2: 33}
    exactly_once(tmp_path, recs)


def test_a_part_is_listed_only_once_complete(tmp_path: Path) -> None:
    arch = Archive(tmp_path, "news.raw")
    arch.open()
    for r in feed(10):
        arch.add(r)
    tmp = [p for p in tmp_path.rglob("*") if p.is_file() and p.name.endswith(".tmp")]
    assert len(tmp) == 1 and tmp[0].name.startswith(".")
    assert not (tmp_path / MANIFEST).exists()
    arch.checkpoint()
    assert not [p for p in tmp_path.rglob("*.tmp")]
    assert len(list(iter_manifest(tmp_path))) == 1
    arch.close()


def test_checkpoints_are_due_by_age_count_bytes_and_open_hours(tmp_path: Path) -> None:
    clock = Clock()
    arch = Archive(tmp_path / "a", "news.raw", roll_seconds=60, max_records=5, max_bytes=10_000, clock=clock)
    arch.open()
    assert not arch.due()
    arch.add(feed(1)[0])
    clock.now = 59.9
    assert not arch.due()
    clock.now = 60.0
    assert arch.due()
    arch.checkpoint()
    for r in feed(6)[1:5]:
        arch.add(r)
    assert not arch.due()
    arch.add(feed(6)[5])
    assert arch.due()  # 5 records
    arch.checkpoint()
    big = Record(b"k", b"x" * 20_000, T0, (), "news.raw", 0, 100, 0)
    arch.add(big)
    assert arch.due()  # bytes
    arch.checkpoint()
    hours = [Record(b"k", b"v", T0 + h * HOUR, (), "news.raw", 1, 100 + h, 0) for h in range(30)]
    for r in hours:
        arch.add(r)
    assert arch.due()  # more than 24 hours open at once
    arch.close()


def test_an_offset_already_archived_is_not_written_again(tmp_path: Path) -> None:
    recs = feed(6)
    arch = Archive(tmp_path, "news.raw")
    arch.open()
    assert all(arch.add(r) for r in recs)
    assert not any(arch.add(r) for r in recs)  # redelivered
    arch.checkpoint()
    arch.close()
    exactly_once(tmp_path, recs)


def test_only_one_archiver_per_folder(tmp_path: Path) -> None:
    first = Archive(tmp_path, "news.raw")
    first.open()
    with pytest.raises(ArchiveError, match="another archiver"):
        Archive(tmp_path, "news.raw").open()
    first.close()
    Archive(tmp_path, "news.raw").open()


def restart(root: Path, recs: list[Record], upto: int | None = None) -> tuple[Archive, list[str]]:
    """A new archiver on the same folder, fed as a consumer would be: from the manifest's offsets."""
    arch = Archive(root, "news.raw")
    notes = arch.open()
    for r in recs[:upto]:
        assert r.partition is not None and r.offset is not None
        if r.offset >= arch.durable.get(r.partition, 0):
            arch.add(r)
    return arch, notes


@pytest.mark.parametrize("crash_point", ["before-finish", "after-rename", "torn-manifest-line"])
def test_restart_after_a_crash_has_no_gap_and_no_duplicate(tmp_path: Path, crash_point: str) -> None:
    recs = feed(120)
    arch, _ = restart(tmp_path, recs, 40)
    arch.checkpoint()  # 40 records durable
    for r in recs[40:80]:
        arch.add(r)
    if crash_point == "after-rename":
        for part in arch.parts.values():  # finished and renamed, the manifest line never written
            part.finish()
        arch.parts.clear()
    elif crash_point == "torn-manifest-line":
        entries = [part.finish() for part in arch.parts.values()]
        arch.parts.clear()
        with (tmp_path / MANIFEST).open("ab") as fh:
            fh.write(entries[0].to_json()[:57])
    crash(arch)

    arch, notes = restart(tmp_path, recs)
    if crash_point == "before-finish":
        assert any("had not finished" in n for n in notes)
    else:
        assert any("renamed *.orphan" in n for n in notes), notes
        assert list(tmp_path.rglob("*.orphan"))
    if crash_point == "torn-manifest-line":
        assert any("torn last line" in n for n in notes)
    assert arch.durable == {0: 14, 1: 13, 2: 13}  # the first 40 records
    arch.checkpoint()
    arch.close()
    exactly_once(tmp_path, recs)
    assert all(isinstance(item, Entry) for _, item in iter_manifest(tmp_path))


def test_repair_tail_cuts_only_an_unfinished_line(tmp_path: Path) -> None:
    m = tmp_path / MANIFEST
    m.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    assert repair_tail(tmp_path) is None and m.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    m.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c"')
    assert repair_tail(tmp_path) == '{"c"'
    assert m.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    m.write_bytes(b'{"only": "torn"')
    repair_tail(tmp_path)
    assert m.read_bytes() == b""


def test_a_corrupt_manifest_line_in_the_middle_stops_the_archiver_with_file_and_line(tmp_path: Path) -> None:
    arch, _ = restart(tmp_path, feed(10))
    arch.checkpoint()
    arch.close()
    m = tmp_path / MANIFEST
    m.write_bytes(b"{garbage\n" + m.read_bytes())
    with pytest.raises(ArchiveError, match=rf"{m}:1: corrupt manifest line"):
        Archive(tmp_path, "news.raw").open()
    m.write_bytes(m.read_bytes().split(b"\n", 1)[1])
    again = Archive(tmp_path, "news.raw")
    again.open()  # the refusal released the lock
    assert again.durable == {0: 4, 1: 3, 2: 3}
    again.close()


def test_the_manifest_offsets_of_another_topic_are_not_this_ones(tmp_path: Path) -> None:
    arch, _ = restart(tmp_path, feed(9))
    arch.checkpoint()
    arch.close()
    other = Archive(tmp_path, "other.topic")
    other.open()
    assert other.durable == {} and other.seq == 1
    other.close()
