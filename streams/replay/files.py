"""Reading archives and article files: JSON Lines (plain or .gz) and plain text.

A bad line or a truncated gzip member is reported with file and line and the
reader moves on; nothing is skipped silently."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streams.models import RawArticle

TEXT_SUFFIXES = {".txt", ".text"}


@dataclass(frozen=True, slots=True)
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


def iter_lines(path: str | Path) -> Iterator[Line]:
    """Non-empty lines of a JSON Lines file, gzip-compressed or not."""
    name = str(path)
    opener = gzip.open if name.endswith(".gz") else open
    lineno = 0
    try:
        with opener(name, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                stripped = line.strip()
                if stripped:
                    yield Line(name, lineno, stripped)
    except (EOFError, OSError, zlib.error) as exc:
        yield Line(name, lineno + 1, None, f"unreadable after line {lineno}: {exc}")
