"""Property-based tests of the cleaning stage (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.cleaning import clean
from streams.cleaning import segment as segment_module
from streams.cleaning.boilerplate import strip_boilerplate
from streams.cleaning.html import html_to_text
from streams.cleaning.normalize import normalize_lines, single_spaced
from streams.cleaning.segment import segment
from streams.errors import InvalidRecord
from streams.models import CleanArticle, RawArticle, Source, Span
from tests.unit.test_cleaning_fixtures import ARTICLES

NOW = datetime(2024, 3, 12, 8, 30, tzinfo=UTC)
KINDS = {"empty_body", "too_large", "wrong_type"}

# every code point, surrogates and control characters included
any_char = st.characters(exclude_categories=())
any_text = st.text(any_char, max_size=300)

# pieces that exercise the interesting paths: boilerplate, quotes, abbreviations, markup
FRAGMENTS = [
    "\n",
    "\n\n\n",
    " ",
    "\t",
    "\r\n",
    ". ",
    "? ",
    "! ",
    "… ",
    "...",
    '"',
    "“",
    "”",
    "„",
    "«",
    "»",
    "'",
    "(",
    ")",
    "|",
    "[",
    "]",
    "[iklan_2]",
    "[ads]",
    "Komentar (0)",
    "Comments (12)",
    "| Foto: x (Sumber: Japan Times) |",
    "Sumber: https://a.example/x.html",
    "Nguồn: ",
    "Source : AFP",
    "Mr.",
    "Dr.",
    "U.S.",
    "z. B.",
    "т. е.",
    "г.",
    "25.",
    "3.5",
    "S.",
    "AS.",
    "TP.",
    "kata dia",
    "The",
    "Die",
    "В",
    "word",
    "Kata",
    "&amp;",
    "&#8220;",
    "\u200b",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "\ud800",
    "\udfff",
    "Ã©",
    "â€œ",
    "<p>",
    "</p>",
    "<div>",
    "<br>",
    "<script>x()</script>",
    "<figcaption>Foto: Antara</figcaption>",
    "<h1>T</h1>",
    "<article>",
    "</article>",
]
mixed_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), any_text), max_size=40).map("".join)
text_field = st.one_of(st.none(), mixed_text, any_text)
wrong_value = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=20),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
)
maybe_wrong = st.one_of(text_field, text_field, text_field, wrong_value)
sources = st.one_of(
    st.none(),
    st.builds(Source, name=st.one_of(st.none(), any_text), domain=st.one_of(st.none(), any_text)),
    st.builds(Source, name=wrong_value),
    any_text,
)
metadata = st.one_of(
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), any_text), max_size=3),
    st.none(),
    wrong_value,
)


def raw_articles() -> st.SearchStrategy[RawArticle]:
    return st.builds(
        RawArticle,
        body=maybe_wrong,
        html=maybe_wrong,
        id=maybe_wrong,
        url=maybe_wrong,
        title=maybe_wrong,
        language=maybe_wrong,
        published_at=maybe_wrong,
        source=sources,
        metadata=metadata,
    )


def check_spans(text: str, paragraphs: list[Span], sentences: list[Span]) -> None:
    n = len(text)
    last = 0
    for p in paragraphs:
        assert last <= p.start < p.end <= n
        assert "\n" not in text[p.start : p.end]
        last = p.end
    last = 0
    for s in sentences:
        assert last <= s.start < s.end <= n  # ordered, non-overlapping, non-empty
        assert any(p.start <= s.start and s.end <= p.end for p in paragraphs)  # inside one paragraph
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        last = s.end
    # every paragraph is covered by its sentences' first and last characters
    for p in paragraphs:
        inside = [s for s in sentences if p.start <= s.start < p.end]
        assert inside and inside[0].start == p.start and inside[-1].end == p.end


def check_article(a: CleanArticle) -> None:
    assert a.text and a.text == a.text.strip()
    assert "\n\n" not in a.text
    check_spans(a.text, a.paragraphs, a.sentences)
    assert 0.0 <= a.language_confidence <= 1.0
    assert len(a.fingerprint) == 16
    assert a.id and len(a.id) <= 200
    orjson.dumps(a)  # always serialisable: no lone surrogates anywhere


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_articles())
def test_clean_never_raises_anything_but_invalid_record(raw: RawArticle) -> None:
    try:
        article = clean(raw, now=NOW)
    except InvalidRecord as err:
        assert err.kind in KINDS, (err.kind, err.message)
        orjson.dumps({"kind": err.kind, "message": err.message})
        return
    check_article(article)


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_clean_body_offsets(body: str) -> None:
    try:
        article = clean(RawArticle(body=body), now=NOW)
    except InvalidRecord as err:
        assert err.kind == "empty_body"
        return
    check_article(article)


@settings(max_examples=200, deadline=None)
@given(mixed_text)
def test_clean_html_offsets(html: str) -> None:
    try:
        article = clean(RawArticle(html=html), now=NOW)
    except InvalidRecord as err:
        assert err.kind == "empty_body"
        return
    check_article(article)


@settings(max_examples=300, deadline=None)
@given(st.one_of(mixed_text, any_text), st.sampled_from([None, "id", "en", "de", "ru", "vi", "fr", "es", "xx"]))
def test_segment_any_text(text: str, language: str | None) -> None:
    """Offsets hold even on text that was never normalised."""
    paragraphs, sentences = segment(text, language)
    n = len(text)
    last = 0
    for s in sentences:
        assert last <= s.start < s.end <= n
        assert any(p.start <= s.start and s.end <= p.end for p in paragraphs)
        last = s.end


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(ARTICLES.values())), min_size=1, max_size=3), mixed_text)
def test_real_articles_with_noise(articles: list[str], noise: str) -> None:
    try:
        article = clean(RawArticle(body="\n".join(articles) + noise), now=NOW)
    except InvalidRecord as err:  # pragma: no cover - the articles always leave text
        raise AssertionError(err.kind) from err
    check_article(article)


@settings(max_examples=200, deadline=None)
@given(mixed_text)
def test_parts_are_total(text: str) -> None:
    lines = normalize_lines(text)
    assert all(line and line == line.strip() and "\n" not in line for line in lines)
    result = strip_boilerplate(lines)
    assert all(line and line == line.strip() for line in result.lines)
    assert sum(map(len, result.lines)) <= sum(map(len, lines))
    assert len(result.lines) + sum(r.kind != "ad_placeholder" for r in result.removed) <= len(lines) + 1
    html_to_text(text)


# every character str.split() splits on, a few that look like spaces but are not, and letters
_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
spacey = st.text(st.one_of(st.sampled_from([*_SPACES, " ", " ", "\u200b", "\u2060", "\ufeff", "a", "é", "ж", "中"]),
                           any_char), max_size=60)


@settings(max_examples=500, deadline=None)
@given(spacey)
def test_single_spaced_is_split_and_join(line: str) -> None:
    """normalize_lines's fast path gives what " ".join(line.split()) gives, on any line."""
    assert single_spaced(line) == " ".join(line.split())


marky = st.lists(st.one_of(st.sampled_from([*'"«»“”„!?…।. \'’)]}aZ', "?!", "!!", "...", '."', "?» "]), any_char),
                 max_size=120).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(marky, mixed_text))
def test_mark_scans_find_what_the_patterns_find(text: str) -> None:
    """The str.find scans in segment.py give what the regexes they stand for give."""
    assert segment_module.quote_marks(text) == [m.start() for m in segment_module._QUOTE.finditer(text)]
    assert segment_module._other_candidates(text) == [(m.start(), m.end() - 1)
                                                      for m in segment_module._OTHER.finditer(text)]


def _json_shape(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value))


def test_clean_is_deterministic() -> None:
    for body in ARTICLES.values():
        a = clean(RawArticle(body=body), now=NOW)
        b = clean(RawArticle(body=body), now=NOW)
        assert _json_shape(a) == _json_shape(b)


def test_metadata_json_cannot_hold_is_a_wrong_type_not_a_crash() -> None:
    # found by the property test above: an integer over 64 bits, from a record built in Python
    try:
        clean(RawArticle(html="0", metadata={"n": -(2**63) - 1}), now=NOW)
    except InvalidRecord as err:
        assert err.kind == "wrong_type" and "64-bit" in err.message
    else:
        raise AssertionError("the article was cleaned with metadata JSON cannot hold")
