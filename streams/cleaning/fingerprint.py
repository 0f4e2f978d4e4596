"""64-bit SimHash fingerprints and an in-memory near-duplicate index.

Features are word 2-grams (shingles) of the case-folded text; words are runs of letters
and digits (ASCII punctuation and the common typographic quotes and dashes separate
words). Each word is hashed with ``zlib.crc32`` (independent of ``PYTHONHASHSEED``), the
two word hashes of a shingle are combined and mixed to 64 bits (MurmurHash3's finaliser),
and every bit of the fingerprint is the majority vote of that bit over all shingles: in
numpy in ``reference_simhash``, in the compiled core (streams/native) in ``simhash``. A text
with fewer than two words is one shingle; a text without words has fingerprint
``0000000000000000``.

Why 2-grams and a threshold of 9 bits: on the sample feed's syndicated copies, 2-grams are
the only shingle size tried whose copies and unrelated pairs a threshold separates (the
distances: BENCHMARKS.md, "Choices in the cleaning stage").

The index splits the 64 bits into ``max_distance + 1`` bands: two fingerprints within
``max_distance`` bits agree on at least one whole band (pigeonhole), so only fingerprints
sharing a band value are compared.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict

import numpy as np

from streams import _core  # the compiled core (streams/native)

ZERO = "0" * 16
DEFAULT_MAX_DISTANCE = 9

# bytes.translate table: ASCII punctuation and symbols -> space
_ASCII_SEPARATORS = bytes(
    32 if (33 <= c <= 47 or 58 <= c <= 64 or 91 <= c <= 96 or 123 <= c <= 126) else c for c in range(256)
)
_UNICODE_SEPARATORS = "“”‘’«»„‚‹›–—…•·"

_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


def _folded(text: str) -> bytes:
    """The case-folded text as UTF-8, its typographic separators made spaces."""
    folded = text.casefold()
    for ch in _UNICODE_SEPARATORS:
        if ch in folded:
            folded = folded.replace(ch, " ")
    return folded.encode("utf-8", "surrogatepass")


def _words(text: str) -> list[bytes]:
    return _folded(text).translate(_ASCII_SEPARATORS).split()


def simhash(text: str) -> str:
    """The 64-bit SimHash of ``text`` as 16 lower-case hex digits (reference_simhash's, computed
    by the compiled core from the folded text: words, hashes and votes)."""
    value = _core.simhash(_folded(text))
    return ZERO if value is None else f"{value:016x}"


def reference_simhash(text: str) -> str:
    """simhash in numpy: the place to read the computation, and what the compiled one is tested against."""
    words = _words(text)
    if not words:
        return ZERO
    w = np.array(list(map(zlib.crc32, words)), dtype=np.uint64)
    if len(w) < 2:
        w = np.concatenate((w, np.zeros(2 - len(w), dtype=np.uint64)))
    # uint64 array arithmetic wraps modulo 2**64 (numpy warns only for scalars)
    h = w[:-1] * _K1
    h += w[1:] * _K2
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    h ^= h >> _S33
    n = len(h)
    bits = np.unpackbits(h.astype("<u8", copy=False).view(np.uint8), bitorder="little").reshape(n, 64)
    counts = np.ones(n, dtype=np.float32) @ bits.astype(np.float32)  # exact below 2**24 shingles
    majority = np.packbits(counts * 2 > n, bitorder="little")
    return f"{int.from_bytes(majority.tobytes(), 'little'):016x}"


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two fingerprints."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _parse(fingerprint: str) -> int:
    if len(fingerprint) != 16:
        raise ValueError(f"fingerprint must be 16 hex digits, got {fingerprint!r}")
    return int(fingerprint, 16)


class NearDuplicateIndex:
    """Finds an earlier fingerprint within ``max_distance`` bits without a full scan.

    The 64 bits are split into 4 bands of 16: two fingerprints at distance <= 3 agree on
    at least one whole band (pigeonhole), so only the fingerprints sharing a band value
    are compared. ``max_items`` bounds memory: the oldest entries are forgotten first.
    """

    def __init__(self, max_distance: int = DEFAULT_MAX_DISTANCE, max_items: int | None = None) -> None:
        if not 0 <= max_distance < 32:
            raise ValueError("max_distance must be between 0 and 31")
        if max_items is not None and max_items < 1:
            raise ValueError("max_items must be positive")
        self.max_distance = max_distance
        self.max_items = max_items
        # max_distance + 1 bands of (nearly) equal width covering the 64 bits
        count = max_distance + 1
        widths = [64 // count + (1 if b < 64 % count else 0) for b in range(count)]
        offsets = [sum(widths[:b]) for b in range(count)]
        self._slices = [(o, (1 << w) - 1) for o, w in zip(offsets, widths, strict=True)]
        self._items: OrderedDict[str, tuple[int, int]] = OrderedDict()  # id -> (sequence, fp)
        self._bands: list[dict[int, dict[str, int]]] = [{} for _ in self._slices]
        self._sequence = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._items

    def find(self, fingerprint: str, *, exclude: str | None = None) -> str | None:
        """The earliest indexed id within ``max_distance`` of ``fingerprint``, if any."""
        fp = _parse(fingerprint)
        best: tuple[int, str] | None = None
        for band, (shift, mask) in enumerate(self._slices):
            bucket = self._bands[band].get((fp >> shift) & mask)
            if not bucket:
                continue
            for other_id, other_fp in bucket.items():  # insertion order: earliest first
                if other_id != exclude and (fp ^ other_fp).bit_count() <= self.max_distance:
                    seq = self._items[other_id][0]
                    if best is None or seq < best[0]:
                        best = (seq, other_id)
                    break
        return best[1] if best is not None else None

    def add(self, article_id: str, fingerprint: str) -> str | None:
        """Index ``article_id`` and return the id of an earlier near-duplicate, if any.

        Adding an id again (a replay) updates its fingerprint and never reports the
        article as a duplicate of itself.
        """
        fp = _parse(fingerprint)
        duplicate = self.find(fingerprint, exclude=article_id)
        if article_id in self._items:
            self._discard(article_id)
        self._sequence += 1
        self._items[article_id] = (self._sequence, fp)
        for band, (shift, mask) in enumerate(self._slices):
            key = (fp >> shift) & mask
            self._bands[band].setdefault(key, {})[article_id] = fp
        if self.max_items is not None:
            while len(self._items) > self.max_items:
                self._discard(next(iter(self._items)))
        return duplicate

    def _discard(self, article_id: str) -> None:
        _, fp = self._items.pop(article_id)
        for band, (shift, mask) in enumerate(self._slices):
            key = (fp >> shift) & mask
            bucket = self._bands[band].get(key)
            if bucket is not None:
                bucket.pop(article_id, None)
                if not bucket:
                    del self._bands[band][key]
