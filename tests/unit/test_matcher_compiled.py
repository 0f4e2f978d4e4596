"""The compiled matcher (streams/native) gives the reference matcher's hits, in the same order.

Texts are generated from the real lexicons' keys (in case variants, glued to letters, after
Arabic and Hebrew proclitics, with stem tails) among mixed-script filler: Latin with accents,
Cyrillic, Greek, Arabic with harakat, Hebrew, CJK, Hangul, Thai, Devanagari vowel signs,
characters whose lower case is longer ("İ"), apostrophes and characters beyond the BMP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.tagging import kb as kb_module
from streams.tagging.matcher import (
    Hit,
    Matcher,
    Phrase,
    ReferenceMatcher,
    in_language,
    longest_first,
    make_phrase,
    reference_longest_first,
)

FILLER = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n,.;:!?\"'’‘ʼ()-«»„“”「」"
    "éèêàçñüößÉÀŁłąęşğıİẞǅ"
    "абвгдежзийклмнопрстуфхцчшщьыэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯёЁїієґ"
    "αβγδεζηθΑΒΓΔ"
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةىًٌٍَُِّْ"
    "אבגדהוזחטיכלמנסעפצקרשת"
    "中国俄罗斯美国日本韩国朝鲜警告外交部发言人"
    "한국북한러시아경고대변인은는이가"
    "ไทยประเทศ"
    "भारतकहािीुूेैोौंः्"
    "\U0001f600\U00020000𝐀"
)
GLUE = ("", " ", " ", "  ", "\n", "-", "'", "’", "و", "وال", "ال", "ב", "וה", "x", "Ж", "中", "ा")


def _variants(key: str) -> list[str]:
    return [key, key.upper(), key.title(), key[:1].upper() + key[1:], key.swapcase()]


def _compare(ref: ReferenceMatcher, compiled: Matcher, text: str) -> None:
    expected = ref.scan(text)
    got = compiled.scan(text)
    assert got == expected
    # the core allocates the hits itself (not through tuple.__new__): real Hits, fields in place
    assert all(type(h) is Hit and h.phrase is h[2] and isinstance(h.start, int) for h in got)
    # an article's language: the other languages' cues, terms and titles left out in the core
    for lang in ("de", "id", "ru"):
        assert compiled.scan(text, lang) == in_language(expected, lang) == ref.scan(text, lang)
    # the hits' selection, longest first, in the compiled core too
    assert longest_first(expected) == reference_longest_first(expected)


# ---- a small lexicon with every rule in it: dense hits, every path of the rules exercised ----

SMALL = [("Jerman", "entity"), ("Korea", "entity"), ("Korea Utara", "entity"), ("AS", "entity"),
         ("ФРГ", "entity"), ("escalat*", "term"), ("tensi*", "term"), ("de-escalation", "term"),
         ("l'Ukraine", "entity"), ("Ukraine", "entity"), ("تصعيد", "term"), ("رد", "cue"), ("הסלמה", "term"),
         ("ישראל", "entity"), ("中国", "entity"), ("外交部", "body_part"), ("경고", "cue"), ("한국", "entity"),
         ("कहा", "cue"), ("ไทย", "entity"), ("Того", "entity"), ("ông Triệu", "entity"), ("cảnh báo", "cue"),
         ("İstanbul", "entity"), ("straße", "term"), ("𝐀𝐀", "term")]


def _small_entries() -> list[tuple[str, Phrase]]:
    out = []
    for i, (surface, layer) in enumerate(SMALL):
        for proper in (False, True):
            made = make_phrase(surface, layer, f"v{i}", None, proper=proper and layer == "entity")
            assert made is not None
            out.append(made)
        for lang in ("de", "id")[: 1 + i % 2]:  # phrases of one language: kept only in its articles
            made = make_phrase(surface, layer, f"v{i}", lang)
            assert made is not None
            out.append(made)
    return out


SMALL_REF = ReferenceMatcher(_small_entries())
SMALL_COMPILED = Matcher(_small_entries())
SMALL_PIECES = [v for s, _ in SMALL for v in _variants(s.rstrip("*"))]


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.sampled_from(pieces),
        st.text(alphabet=FILLER, max_size=12),
        st.tuples(st.sampled_from(pieces), st.text(alphabet=FILLER, min_size=1, max_size=14)).map("".join),
    )
    return st.lists(st.tuples(st.sampled_from(GLUE), piece).map("".join), max_size=30).map("".join)


@settings(max_examples=600, deadline=None)
@given(_texts(SMALL_PIECES))
def test_small_lexicon_same_hits(text: str) -> None:
    _compare(SMALL_REF, SMALL_COMPILED, text)


def test_small_lexicon_finds_what_it_should() -> None:
    """The comparison above is not vacuous: the rules fire and refuse as the reference says."""
    text = ("JERMAN dan Korea Utara, bukan Jermanik; escalating, de-escalation à l'Ukraine. "
            "والتصعيد ردّ. 中国外交部 한국은 경고")
    hits = SMALL_COMPILED.scan(text)
    assert SMALL_REF.scan(text) == hits
    found = {text[h.start:h.end] for h in hits}
    assert {"JERMAN", "Korea Utara", "Korea", "escalating", "de-escalation", "Ukraine", "تصعيد", "中国",
            "外交部", "한국", "경고"} <= found
    assert "رد" in found  # a haraka ends a word, as in the reference
    assert "Jerman" not in found  # "Jermanik" runs on: no word boundary


# ---- the real knowledge base: every key the tagger knows, drawn into generated text ----

@pytest.fixture(scope="module")
def real() -> Iterator[tuple[ReferenceMatcher, Matcher, list[str]]]:
    entries: list[tuple[str, Phrase]] = []

    class Recording(Matcher):  # the knowledge base's own entries, kept for the reference
        def __init__(self, given: Any, tables: Any = None) -> None:
            entries.extend(given)
            super().__init__(entries, tables)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kb_module, "Matcher", Recording)
        kb = kb_module.load()
    keys = sorted({key for key, _ in entries})
    yield ReferenceMatcher(entries), kb.matcher, keys


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_real_lexicons_same_hits(real: tuple[ReferenceMatcher, Matcher, list[str]], data: st.DataObject) -> None:
    ref, compiled, keys = real
    drawn = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=12))
    pieces = [v for k in drawn for v in _variants(k)]
    text = data.draw(_texts(pieces))
    _compare(ref, compiled, text)


def test_real_lexicons_same_hits_on_a_paragraph(real: tuple[ReferenceMatcher, Matcher, list[str]]) -> None:
    ref, compiled, _ = real
    text = ("Juru bicara Kementerian Luar Negeri Jerman, Kathrin Deschauer, memperingatkan bahwa Rusia akan "
            "menjadi eskalasi yang jelas. Министр иностранных дел России Сергей Лавров заявил: «Это неприемлемо». "
            "中国外交部发言人警告说。 북한은 경고했다. وحذرت وزارة الخارجية الإيرانية من التصعيد.")
    hits = compiled.scan(text)
    assert len(hits) > 10
    assert hits == ref.scan(text)


# ---- longest_first: the compiled selection against the reference on generated hits ----

_SPANS = st.tuples(st.integers(0, 60), st.integers(0, 12), st.sampled_from("abcde"))


@settings(max_examples=500, deadline=None)
@given(spans=st.lists(_SPANS, max_size=40))
def test_longest_first_same_selection(spans: list[tuple[int, int, str]]) -> None:
    # equal spans with different phrases: ties keep the list's order, as in the reference
    hits = [Hit(start, start + length, Phrase("term", value)) for start, length, value in spans]
    chosen = longest_first(hits)
    assert chosen == reference_longest_first(hits)
    assert [id(h) for h in chosen] == [id(h) for h in reference_longest_first(hits)]
    assert longest_first(iter(hits)) == chosen


def test_scan_refuses_a_hit_type_that_is_no_tuple() -> None:
    """The core fills the hits' slots itself, which is only right for a tuple subclass."""
    compiled = Matcher([e for e in [make_phrase("Russia", "entity", "q:ru")] if e is not None])
    assert compiled.scan("Russia said") == [Hit(0, 6, compiled.scan("Russia")[0].phrase)]
    with pytest.raises(ValueError, match="tuple"):
        compiled._core.scan("Russia said", "russia said", dict, None)  # type: ignore[arg-type]  # on purpose
