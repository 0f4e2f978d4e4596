"""Reading JSON Lines files (streams/archive/files.py): line counts, checksums, and a truncated gzip
file read up to where it breaks."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from streams.archive.files import Problem, count_lines, iter_lines, sha256_file


def test_count_lines_and_checksum(tmp_path: Path) -> None:
    plain = tmp_path / "a.jsonl"
    plain.write_bytes(b"1\n2\n\n4")
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(b"1\n2\n\n4\n"))
    assert count_lines(plain) == count_lines(packed) == 4
    assert sha256_file(plain) == (hashlib.sha256(b"1\n2\n\n4").hexdigest(), 6)
    assert str(Problem("f.jsonl", 3, "bad")) == "f.jsonl:3: bad" and str(Problem("f", 0, "gone")) == "f: gone"


def test_truncated_gzip_yields_the_lines_before_and_then_the_problem(tmp_path: Path) -> None:
    whole = gzip.compress(b"".join(b'{"id": "%d", "body": "%s"}\n' % (i, b"x" * 200) for i in range(200)))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    lines = list(iter_lines(cut))
    assert lines[-1].data is None and lines[-1].error and "unreadable" in lines[-1].error
    assert all(line.data for line in lines[:-1]) and lines[-1].lineno == len(lines)
