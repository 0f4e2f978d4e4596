"""Reading archives written by `newswatch archive` and plain JSON Lines files, in order: what
the replayer reads.

An argument is an archive folder (it has a ``manifest.jsonl``), a manifest file, or a JSON
Lines file (``.jsonl``, ``.jsonl.gz``, also a single archive part). An archive is replayed
hour by hour of ingestion, and within an hour part by part in the order the archiver
finished them; every record in a part in the order it was consumed. A run reads only the
manifest lines there were when it began (``limits``), so a resumed run sees the same files
even while an archiver goes on appending.

Nothing bad is skipped silently: a corrupt manifest line, a listed part that is missing or
whose checksum differs, a part on disk the manifest does not list, a truncated gzip member
and a corrupt line are each reported as a :class:`Problem` with file and line, and skipped.

Memory: records are streamed; the plan holds one small entry per file, not per record.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from streams.archive import manifest
from streams.archive.files import Problem, count_lines, line_blocks, sha256_file
from streams.archive.manifest import MANIFEST, PART_SUFFIX, Entry
from streams.archive.record import BadLine, Record, from_line


class InputError(ValueError):
    """An argument that names nothing replayable; the message says what to give instead."""


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    entry: Entry | None = None  # an archive part, as its manifest lists it
    manifest: str | None = None  # where that entry is listed: "manifest.jsonl:LINE"

    @property
    def records(self) -> int | None:
        return self.entry.records if self.entry else None


@dataclass(slots=True)
class Plan:
    sources: list[Source]
    problems: list[Problem]  # found while resolving (manifest and listing problems)
    limits: dict[str, int]  # manifest path -> lines read

    def digest(self) -> str:
        """What a resumed run must find again: the files, in order, with their sizes."""
        h = hashlib.sha256()
        for s in self.sources:
            size = s.entry.size if s.entry else os.path.getsize(s.path)
            h.update(f"{s.path}\t{size}\n".encode())
        return h.hexdigest()[:24]

    def counts(self) -> list[int]:
        """Lines of each file, for progress: the manifest's counts, or a quick count of plain files."""
        return [s.records if s.records is not None else count_lines(s.path) for s in self.sources]

    def oldest(self) -> int | None:
        """The earliest event time (ms) the manifests list, if any."""
        times = [s.entry.first_timestamp for s in self.sources if s.entry and s.entry.first_timestamp is not None]
        return min(times) if times else None


class Item(NamedTuple):
    """One line read: its record, or the problem with it."""

    lineno: int
    record: Record | None
    problem: Problem | None


def _archive(root: Path, sources: list[Source], problems: list[Problem], limits: dict[str, int],
             limit: int | None) -> None:
    listed: set[str] = set()
    mpath = root / MANIFEST
    found: list[Source] = []
    last = 0
    for lineno, item in manifest.iter_manifest(root):
        if limit is not None and lineno > limit:  # listed after the run began: not part of it
            if isinstance(item, Entry):
                listed.add(item.file)
            continue
        last = lineno
        if isinstance(item, Problem):
            problems.append(item)
            continue
        listed.add(item.file)
        path = root / item.file
        if not path.is_file():
            problems.append(Problem(str(mpath), lineno, f"lists {item.file}, which is missing; skipped"))
            continue
        found.append(Source(str(path), item, f"{mpath}:{lineno}"))
    limits[str(mpath)] = limit if limit is not None else last
    found.sort(key=lambda s: (s.entry.hour, s.entry.seq, s.entry.file) if s.entry else ("", 0, ""))
    sources.extend(found)
    for path in sorted(root.rglob(f"*{PART_SUFFIX}")):
        if path.relative_to(root).as_posix() not in listed and not path.name.startswith("."):
            problems.append(Problem(str(path), 0, f"not listed in {mpath} (incomplete, or left by an "
                                                  "interrupted archiver); skipped"))


def resolve(args: Sequence[str], limits: dict[str, int] | None = None) -> Plan:
    """The files to replay, in order, and what is wrong with the archives named; ``limits``
    (manifest path -> lines) reads manifests only as far as a run that began earlier did."""
    sources: list[Source] = []
    problems: list[Problem] = []
    read_limits: dict[str, int] = {}
    for arg in args:
        path = Path(arg)
        if path.is_dir() or (path.name == MANIFEST and path.is_file()):
            root = path if path.is_dir() else path.parent
            if not (root / MANIFEST).is_file():
                raise InputError(f"{arg} is a folder without a {MANIFEST}: give an archive folder written by "
                                 "`newswatch archive`, or the JSON Lines files themselves")
            limit = (limits or {}).get(str(root / MANIFEST))
            _archive(root, sources, problems, read_limits, limit)
        elif path.is_file():
            sources.append(Source(str(path)))
        else:
            raise InputError(f"no such file or folder: {arg} — give an archive folder (with {MANIFEST}) or "
                             "JSON Lines files (.jsonl, .jsonl.gz)")
    return Plan(sources, problems, read_limits)


def verify(src: Source) -> Problem | None:
    """For an archive part: does it have the size and SHA-256 its manifest line says?"""
    if src.entry is None:
        return None
    try:
        digest, size = sha256_file(src.path)
    except OSError as exc:
        return Problem(src.path, 0, f"unreadable ({exc}); skipped")
    if (digest, size) != (src.entry.sha256, src.entry.size):
        return Problem(src.path, 0, f"checksum mismatch: {src.manifest} says sha256 {src.entry.sha256[:12]}… "
                                    f"({src.entry.size} bytes), the file has {digest[:12]}… ({size} bytes); skipped")
    return None


def outside(src: Source, start_ms: int | None, end_ms: int | None) -> bool:
    """True when the manifest shows that no record of this part is in [start, end)."""
    e = src.entry
    if e is None or (start_ms is None and end_ms is None):
        return False
    if e.first_timestamp is None or e.last_timestamp is None:
        return False
    before = start_ms is not None and e.last_timestamp < start_ms
    return before or (end_ms is not None and e.first_timestamp >= end_ms)


def read(src: Source, after_line: int = 0) -> Iterator[Item]:
    """The lines of one file past ``after_line``, each with its record or its problem. A part
    with fewer lines than its manifest line lists is reported at the end."""
    count = 0
    path = src.path
    item = Item._make  # a tuple built in C: this runs for every record of a replay
    for start, lines, error in line_blocks(path, prefetch=True):
        if lines is None:
            yield Item(start, None, Problem(path, start, f"{error}; rest of file skipped"))
            return
        for lineno, line in enumerate(lines, start):
            data = line.strip()
            if not data:
                continue
            count += 1
            if lineno <= after_line:
                continue
            try:
                yield item((lineno, from_line(data), None))
            except BadLine as exc:
                yield Item(lineno, None, Problem(path, lineno, f"corrupt line ({exc}); skipped"))
    if src.entry is not None and count != src.entry.records:
        yield Item(0, None, Problem(path, 0, f"{count} records, but {src.manifest} lists {src.entry.records}"))
