"""SimHash fingerprints, the near-duplicate index and article ids."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.cleaning import clean
from streams.cleaning.fingerprint import ZERO, NearDuplicateIndex, _words, hamming, simhash
from streams.cleaning.fingerprint import reference_simhash as numpy_simhash
from streams.cleaning.ids import MAX_ID, article_id, canonical_url, hash16, safe_id
from streams.models import RawArticle
from tests.unit.test_cleaning_fixtures import ARTICLE_ID, ARTICLES

NOW = datetime(2024, 3, 12, 8, 30, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


def body(text: str) -> str:
    return clean(RawArticle(body=text), now=NOW).text


def edit(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


# --------------------------------------------------------------------- simhash


def test_simhash_format_and_determinism() -> None:
    fp = simhash(body(ARTICLE_ID))
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp == simhash(body(ARTICLE_ID))
    assert simhash("") == ZERO
    assert simhash("... !!! ---") == ZERO
    assert simhash("one") != simhash("two")
    assert simhash("Two words") == simhash("two  WORDS")  # case-folded, punctuation and spacing ignored


def reference_simhash(text: str) -> str:
    """The same algorithm in plain Python integers, bit by bit."""
    mask = (1 << 64) - 1

    def fmix(h: int) -> int:
        h ^= h >> 33
        h = (h * 0xFF51AFD7ED558CCD) & mask
        h ^= h >> 33
        h = (h * 0xC4CEB9FE1A85EC53) & mask
        return h ^ (h >> 33)

    words = [zlib.crc32(w) for w in _words(text)]
    if not words:
        return ZERO
    words += [0] * (2 - len(words))
    shingles = [
        fmix((a * 0x9E3779B97F4A7C15 + b * 0xC2B2AE3D27D4EB4F) & mask)
        for a, b in itertools.pairwise(words)
    ]
    fp = 0
    for bit in range(64):
        if 2 * sum((h >> bit) & 1 for h in shingles) > len(shingles):
            fp |= 1 << bit
    return f"{fp:016x}"


def test_simhash_matches_the_reference() -> None:
    texts = [*ARTICLES.values(), "one", "two words", "a b c", "Ünïcödé “quoted” — dashes…", ""]
    for text in texts:
        assert simhash(text) == reference_simhash(text)
    # pinned: a change here changes every stored fingerprint
    assert simhash("The quick brown fox jumps over the lazy dog near the river bank.") == "888627054b6169b4"


def test_simhash_does_not_depend_on_hash_seed() -> None:
    code = (
        "from streams.cleaning.fingerprint import simhash;"
        "from tests.unit.test_cleaning_fixtures import ARTICLE_ID;"
        "print(simhash(ARTICLE_ID))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        outputs.add(out.stdout.strip())
    assert outputs == {simhash(ARTICLE_ID)}


def test_near_copy_is_close_and_unrelated_texts_are_far() -> None:
    original = body(ARTICLE_ID)
    copy = edit(original, {"Sedikitnya": "Setidaknya", "mengular": "memanjang"})
    assert hamming(simhash(original), simhash(copy)) <= 9
    fps = {lang: simhash(body(text)) for lang, text in ARTICLES.items()}
    for a in fps:
        for b in fps:
            if a < b:
                assert hamming(fps[a], fps[b]) > 12, (a, b)
    # a typical 2-3 KB article with three words changed
    long_article = "\n".join(body(ARTICLES[lang]) for lang in ("id", "en", "de"))
    assert 2000 < len(long_article) < 3000
    long_copy = edit(long_article, {"calmly": "quietly", "Gubernur": "Wakil gubernur", "Grenze": "Front"})
    assert hamming(simhash(long_article), simhash(long_copy)) <= 9


def test_hamming() -> None:
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("0000000000000000", "ffffffffffffffff") == 64
    assert hamming("0000000000000001", "8000000000000000") == 2


# ----------------------------------------------------------------------- index


def test_index_finds_an_earlier_near_duplicate() -> None:
    index = NearDuplicateIndex()
    originals = {lang: simhash(body(text)) for lang, text in ARTICLES.items()}
    for lang, fp in originals.items():
        assert index.add(f"orig-{lang}", fp) is None
    copy = edit(body(ARTICLE_ID), {"Sedikitnya": "Setidaknya"})
    assert index.add("copy-id", simhash(copy)) == "orig-id"
    assert len(index) == 8


def test_index_finds_every_distance_up_to_the_threshold() -> None:
    base = 0x0123456789ABCDEF
    index = NearDuplicateIndex(max_distance=3)
    index.add("base", f"{base:016x}")
    for bits in ([0], [5, 20], [1, 17, 33], [63, 47, 31]):
        fp = base
        for b in bits:
            fp ^= 1 << b
        assert index.find(f"{fp:016x}") == "base"
    far = base ^ (1 << 0) ^ (1 << 16) ^ (1 << 32) ^ (1 << 48)  # distance 4, one bit in every band
    assert index.find(f"{far:016x}") is None
    wide = NearDuplicateIndex()  # default: 9 bits, 10 bands
    wide.add("base", f"{base:016x}")
    nine = base ^ sum(1 << b for b in range(0, 63, 7))  # 9 bits spread over the word
    assert (nine ^ base).bit_count() == 9
    assert wide.find(f"{nine:016x}") == "base"
    ten = base ^ sum(1 << b for b in (0, 7, 14, 20, 26, 33, 39, 45, 52, 58))  # one bit in every band
    assert (ten ^ base).bit_count() == 10
    assert wide.find(f"{ten:016x}") is None


def test_index_prefers_the_earliest_and_never_itself() -> None:
    index = NearDuplicateIndex()
    assert index.add("a", "00000000000000ff") is None
    assert index.add("b", "00000000000000fe") == "a"
    assert index.add("c", "00000000000000fc") == "a"
    assert index.add("a", "00000000000000ff") == "b"  # a replay of "a" is not its own duplicate
    assert index.add("x", "ffffffff00000000") is None


def test_index_bounded_memory() -> None:
    index = NearDuplicateIndex(max_items=2)
    index.add("a", "0000000000000000")
    index.add("b", "1111111111111111")
    index.add("c", "2222222222222222")
    assert len(index) == 2 and "a" not in index
    assert index.find("0000000000000000") is None
    assert index.find("1111111111111111") == "b"


def test_index_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex(max_distance=40)
    with pytest.raises(ValueError):
        NearDuplicateIndex().add("a", "xyz")


# ------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://Example.COM/news/a/", "https://example.com/news/a"),
        ("HTTPS://example.com:443/a#section", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a?utm_source=tw&utm_medium=social&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=x&gclid=y&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?z=1&a=2&a=1", "https://example.com/a?a=1&a=2&z=1"),
        ("https://example.com/", "https://example.com"),
        ("example.com/a/", "http://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://[2001:db8::1]:443/a", "https://[2001:db8::1]/a"),
        ("https://user@Example.com/a", "https://user@example.com/a"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_odd_input() -> None:
    assert canonical_url("") is None
    assert canonical_url("   ") is None
    assert canonical_url("http://[::1/a") == "http://[::1/a"  # malformed: still a stable string
    assert canonical_url("http://example.com:99999/a") == "http://example.com:99999/a"
    assert canonical_url("https://example.com/\ud800") is not None


def test_article_id() -> None:
    assert article_id("  kompas:2024/03/12/123 ", "https://x.example/a", "t") == "kompas:2024/03/12/123"
    by_url = article_id(None, "https://Example.com/a/?utm_source=x", "text")
    assert by_url == article_id("  ", "https://example.com/a", "other text") == "u-" + hash16("https://example.com/a")
    by_text = article_id(None, None, "Some clean text.")
    assert by_text == article_id(None, "   ", "Some clean text.") == "t-" + hash16("Some clean text.")
    assert by_text != article_id(None, None, "Other clean text.")
    # stable across processes: a fixed value
    assert hash16("https://example.com/a") == "f24a9deb5f47e5a4"


def test_safe_id() -> None:
    assert safe_id("abc-123_X.y:z/1@2+3=4~5") == "abc-123_X.y:z/1@2+3=4~5"
    odd = safe_id("id with spaces/и кириллица")
    assert odd is not None and odd.startswith("id_with_spaces/_") and "~" in odd
    assert safe_id("id with spaces/и кириллица") == odd
    assert safe_id("id with spaces/и кириллицы") != odd
    long = safe_id("x" * 500)
    assert long is not None and len(long) <= MAX_ID
    assert safe_id("   ") is None
    assert safe_id("\ud800bad") is not None


def test_clean_uses_the_id_rules() -> None:
    text = "A short article body for the id test."
    assert clean(RawArticle(body=text, id="feed-1"), now=NOW).id == "feed-1"
    assert clean(RawArticle(body=text, url="https://example.com/a"), now=NOW).id == "u-" + hash16(
        "https://example.com/a"
    )
    assert clean(RawArticle(body=text), now=NOW).id == "t-" + hash16(text)


# ---- the compiled SimHash against the numpy one (fingerprint.reference_simhash) and the bit-by-bit one ----

# (ASCII whitespace and punctuation cut words; other whitespace, "\x1c" or "\xa0", does not)
_WORDISH = st.text(alphabet=st.sampled_from("abcXYZ019 \n\t\r\x0b\x0c\x1c\xa0\u3000.,;:-!#~[`{|'“”«»—…éßİДжع中한"
                                            "\U0001f600\ud800"), max_size=400)


@settings(max_examples=400, deadline=None)
@given(text=_WORDISH)
def test_compiled_simhash_is_the_reference(text: str) -> None:
    assert simhash(text) == numpy_simhash(text) == reference_simhash(text)


@pytest.mark.parametrize("article", sorted(ARTICLES))
def test_compiled_simhash_on_the_fixture_articles(article: str) -> None:
    text = body(ARTICLES[article])
    assert simhash(text) == numpy_simhash(text) == reference_simhash(text)


@pytest.mark.parametrize("words", [1, 2, 3, 255, 256, 257, 511, 512, 5000])
def test_compiled_simhash_counts_many_shingles(words: int) -> None:
    # the core counts bits in byte-wide lanes, emptied every 255 shingles
    text = " ".join(f"w{i % 37}x{i % 11}" for i in range(words))
    assert simhash(text) == numpy_simhash(text) == reference_simhash(text)
