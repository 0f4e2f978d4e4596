"""Reading what a replay reads (streams/archive/reader.py): archives and plain JSON Lines, and
bad archives (truncated gzip, a corrupt line, a part the manifest does not list, a listed part that is
missing or whose checksum differs, a corrupt manifest line): each reported with file and
line, and skipped, never silently."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from streams.archive import reader
from streams.archive.files import Problem
from streams.archive.manifest import MANIFEST
from streams.archive.record import Record, to_line
from streams.archive.writer import Archive

T0 = 1_738_663_200_000  # 2025-02-04T10:00:00Z


def records(n: int, start: int = 0, step_ms: int = 60_000, partition: int = 0) -> list[Record]:
    out = []
    for i in range(start, start + n):
        value = orjson.dumps({"id": f"a-{i}", "body": f"Article {i} ü"})
        out.append(Record(f"a-{i}".encode(), value, T0 + i * step_ms, (("src", b"feed"),), "news.raw", partition, i, 0))
    return out


def write_archive(root: Path, recs: list[Record], per_checkpoint: int = 10) -> Archive:
    arch = Archive(root, "news.raw")
    arch.open()
    for i, rec in enumerate(recs, 1):
        arch.add(rec)
        if i % per_checkpoint == 0:
            arch.checkpoint()
    arch.checkpoint()
    arch.close()
    return arch


def read_all(plan: reader.Plan) -> tuple[list[Record], list[Problem]]:
    got: list[Record] = []
    problems = list(plan.problems)
    for src in plan.sources:
        bad = reader.verify(src)
        if bad is not None:
            problems.append(bad)
            continue
        for item in reader.read(src):
            if item.problem is not None:
                problems.append(item.problem)
            else:
                assert item.record is not None
                got.append(item.record)
    return got, problems


def test_an_archive_is_read_back_whole_in_ingestion_order(tmp_path: Path) -> None:
    recs = records(25, step_ms=5 * 60_000)  # two hours of ingestion
    write_archive(tmp_path / "arch", recs)
    plan = reader.resolve([str(tmp_path / "arch")])
    got, problems = read_all(plan)
    assert problems == []
    assert got == recs
    hours = [s.entry.hour for s in plan.sources if s.entry]
    assert hours == sorted(hours) and len(set(hours)) == 3
    assert sum(plan.counts()) == 25
    assert plan.oldest() == T0
    # the manifest file itself names the archive too
    assert reader.resolve([str(tmp_path / "arch" / MANIFEST)]).digest() == plan.digest()


def test_plain_jsonl_and_gzip_are_accepted(tmp_path: Path) -> None:
    lines = [orjson.dumps({"id": f"p-{i}", "body": "b", "published_at": "2025-02-04T10:00:00Z"}) for i in range(3)]
    (tmp_path / "f.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (tmp_path / "f.jsonl.gz").write_bytes(gzip.compress(b"\n".join(lines)))
    got, problems = read_all(reader.resolve([str(tmp_path / "f.jsonl"), str(tmp_path / "f.jsonl.gz")]))
    assert problems == []
    assert [r.key for r in got] == [b"p-0", b"p-1", b"p-2"] * 2
    assert {r.timestamp for r in got} == {T0}


def test_no_such_input_or_a_folder_without_manifest_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(reader.InputError, match=r"\.jsonl\.gz"):
        reader.resolve([str(tmp_path / "nope.jsonl")])
    with pytest.raises(reader.InputError, match=r"manifest\.jsonl"):
        reader.resolve([str(tmp_path)])


def test_truncated_gzip_part_is_reported_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    write_archive(root, records(10), per_checkpoint=100)
    plan = reader.resolve([str(root)])
    (src,) = plan.sources
    data = Path(src.path).read_bytes()
    Path(src.path).write_bytes(data[: len(data) * 2 // 3])
    # a truncated part no longer has its checksum: that is reported first ...
    bad = reader.verify(src)
    assert bad is not None and bad.path == src.path and "checksum mismatch" in bad.message
    assert f"{root / MANIFEST}:1" in bad.message
    # ... and reading it anyway reports the truncation at the line where it happens.
    items = list(reader.read(src))
    problem = items[-1].problem
    assert problem is not None and problem.path == src.path and problem.lineno == len(items)
    assert "unreadable" in problem.message and "skipped" in problem.message
    assert all(i.record is not None for i in items[:-1])


def test_corrupt_line_is_reported_and_the_rest_replayed(tmp_path: Path) -> None:
    part = tmp_path / "part.jsonl.gz"
    good = [to_line(r) for r in records(4)]
    part.write_bytes(gzip.compress(b"\n".join([good[0], good[1], b'{"nw_archive": 1, "value": {"b64"', good[2],
                                               b"\x00\x01 not json", good[3]]) + b"\n"))
    got, problems = read_all(reader.resolve([str(part)]))
    assert [r.offset for r in got] == [0, 1, 2, 3]
    assert [(p.path, p.lineno) for p in problems] == [(str(part), 3), (str(part), 5)]
    assert all("corrupt line" in p.message for p in problems)


def test_unlisted_missing_and_mismatched_parts_and_bad_manifest_lines_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    recs = records(40, step_ms=6 * 60_000)  # four hours -> four parts per checkpoint at most
    write_archive(root, recs, per_checkpoint=100)
    manifest = root / MANIFEST
    entries = [orjson.loads(line) for line in manifest.read_bytes().splitlines()]
    assert len(entries) == 4
    # 1. a part on disk the manifest does not list (left by an interrupted archiver)
    stray = root / "2025-02-04" / "10" / "news.raw-2025020410-000099.jsonl.gz"
    stray.write_bytes(gzip.compress(to_line(recs[0]) + b"\n"))
    # 2. a listed part that is missing
    (root / entries[1]["file"]).unlink()
    # 3. a listed part whose bytes changed
    changed = root / entries[2]["file"]
    changed.write_bytes(gzip.compress(to_line(recs[25]) + b"\n"))
    # 4. a corrupt manifest line (its part is then unlisted too)
    lines = manifest.read_bytes().splitlines()
    lines.insert(3, b'{"file": "2025-02-04/13/x.jsonl.gz", "records": "many"')
    manifest.write_bytes(b"\n".join(lines) + b"\n")

    plan = reader.resolve([str(root)])
    got, problems = read_all(plan)
    text = "\n".join(str(p) for p in problems)
    assert f"{stray}: not listed in {manifest}" in text
    assert f"{manifest}:2: lists {entries[1]['file']}, which is missing; skipped" in text
    assert f"{changed}: checksum mismatch: {manifest}:3 says sha256" in text
    assert f"{manifest}:4: corrupt manifest line" in text
    assert len(problems) == 4, text
    assert all("skipped" in p.message for p in problems)
    # what is left is replayed: the first and the last part, whole
    assert [r.offset for r in got] == [r.offset for r in recs if r.offset is not None and
                                       (r.offset < 10 or r.offset >= 30)]


def test_a_part_with_fewer_records_than_listed_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    write_archive(root, records(5), per_checkpoint=100)
    manifest = root / MANIFEST
    entry = orjson.loads(manifest.read_bytes())
    entry["records"] = 6
    manifest.write_bytes(orjson.dumps(entry) + b"\n")
    got, problems = read_all(reader.resolve([str(root)]))
    assert len(got) == 5
    assert len(problems) == 1 and "5 records, but" in problems[0].message and f"{manifest}:1" in problems[0].message


def test_a_run_reads_the_manifest_only_as_far_as_it_was_when_it_began(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    write_archive(root, records(10), per_checkpoint=100)
    first = reader.resolve([str(root)])
    arch = Archive(root, "news.raw")
    arch.open()
    for rec in records(5, start=10):
        arch.add(rec)
    arch.checkpoint()
    arch.close()
    again = reader.resolve([str(root)], first.limits)
    assert again.digest() == first.digest() and again.problems == []
    assert len(reader.resolve([str(root)]).sources) == 2
