"""Reading archives and article files: JSON Lines (plain or .gz) and plain text.

A bad line or a truncated gzip member is reported with file and line and the
reader moves on; nothing is skipped silently."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import queue
import threading
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from streams.models import RawArticle

TEXT_SUFFIXES = {".txt", ".text"}


@dataclass(slots=True)
class Line:
    path: str
    lineno: int
    data: bytes | None  # None when the line could not be read
    error: str | None = None


def is_text_article(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TEXT_SUFFIXES


def text_article(path: str | Path) -> RawArticle:
    """A plain-text file as one article: its name is the id hint, its text the body."""
    p = Path(path)
    raw = p.read_bytes()
    body = raw.decode("utf-8", errors="replace")
    digest = hashlib.blake2b(raw, digest_size=8).hexdigest()
    return RawArticle(body=body, id=f"f-{p.stem[:60]}-{digest[:8]}", metadata={"file": p.name})


CHUNK = 1 << 18


def _chunks(fh: BinaryIO, gz: bool) -> Iterator[bytes]:
    """The file's bytes in chunks, gunzipped (all members) when ``gz``. Everything that
    decompressed is yielded before an error about what follows: a truncated or corrupt
    gzip member raises EOFError or zlib.error only after the data before it."""
    if not gz:
        while block := fh.read(CHUNK):
            yield block
        return
    d = zlib.decompressobj(wbits=31)
    started = False
    while raw := fh.read(CHUNK):
        while raw:
            started = True
            out = d.decompress(raw)
            if out:
                yield out
            if not d.eof:
                break
            raw = d.unused_data  # the next gzip member, if any
            d = zlib.decompressobj(wbits=31)
            started = False
    if started:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")


def _prefetched(path: str, gz: bool, depth: int = 4) -> Generator[bytes, None, None]:
    """:func:`_chunks` of a file, read and decompressed ahead by a thread (zlib and file reads
    release the GIL, so decompression overlaps the caller's work on another core); at most
    ``depth`` chunks wait, so memory stays bounded. Errors reach the caller in order."""
    q: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: bytes | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            with open(path, "rb") as fh:
                for block in _chunks(fh, gz):
                    if not put(block):
                        return
            put(None)
        except BaseException as exc:  # handed to the reader, which raises it
            put(exc)

    thread = threading.Thread(target=work, name=f"read {path}", daemon=True)
    thread.start()
    try:
        while (item := q.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def line_blocks(path: str | Path, prefetch: bool = False) -> Iterator[tuple[int, list[bytes] | None, str | None]]:
    """The lines of a JSON Lines file (gzip-compressed or not) a large chunk at a time:
    (number of the first line, the lines unstripped, blank ones included, None); the last
    item is (line, None, error) when the file cannot be read to its end. ``prefetch`` reads
    and decompresses ahead in a thread. A replay reads tens of thousands of lines a second:
    handing them over a chunk at a time keeps the per-line cost to the caller's own loop."""
    name = str(path)
    gz = name.endswith(".gz")
    lineno = 0
    rest = b""
    try:
        with contextlib.ExitStack() as stack:
            blocks: Iterator[bytes]
            if prefetch:
                prefetched = _prefetched(name, gz)
                stack.callback(prefetched.close)  # stops the thread when the caller stops early
                blocks = prefetched
            else:
                blocks = _chunks(stack.enter_context(open(name, "rb")), gz)
            for block in blocks:
                lines = (rest + block).split(b"\n")
                rest = lines.pop()
                yield lineno + 1, lines, None
                lineno += len(lines)
        if rest.strip():
            yield lineno + 1, [rest], None
    except (EOFError, OSError, zlib.error) as exc:
        yield lineno + 1, None, f"unreadable after line {lineno}: {exc}"


def raw_lines(path: str | Path, prefetch: bool = False) -> Iterator[tuple[int, bytes | None, str | None]]:
    """(line number, stripped bytes, None) for every non-empty line; the last item is
    (line, None, error) when the file cannot be read to its end."""
    for start, lines, error in line_blocks(path, prefetch):
        if lines is None:
            yield start, None, error
            return
        for lineno, line in enumerate(lines, start):
            stripped = line.strip()
            if stripped:
                yield lineno, stripped, None


def iter_lines(path: str | Path) -> Iterator[Line]:
    """Non-empty lines of a JSON Lines file, gzip-compressed or not."""
    name = str(path)
    for lineno, data, error in raw_lines(name):
        yield Line(name, lineno, data, error)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input, said with its file and line (0: the file as a whole)."""

    path: str
    lineno: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno}: {self.message}" if self.lineno else f"{self.path}: {self.message}"


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def count_lines(path: str | Path, chunk: int = 1 << 20) -> int:
    """Lines of a JSON Lines file (.gz or not), blank ones included, for progress totals;
    of an unreadable file, the lines that could be read."""
    name = str(path)
    opener = gzip.open if name.endswith(".gz") else open
    count, last = 0, b"\n"
    try:
        with opener(name, "rb") as fh:
            while block := fh.read(chunk):
                count += block.count(b"\n")
                last = block[-1:]
    except (EOFError, OSError, zlib.error):
        return count
    return count + (last != b"\n")
