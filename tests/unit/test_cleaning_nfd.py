"""Decomposed (NFD) text cleans like composed text: the Arabic hamza and madda, separate marks in
NFD, are composed before the optional Arabic marks are removed (streams/cleaning/normalize.py)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from streams.cleaning import clean
from streams.cleaning.normalize import normalize_lines
from streams.models import RawArticle

NOW = datetime(2024, 3, 12, 8, 30, tzinfo=UTC)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_decomposed_hamza_and_madda_are_kept() -> None:
    composed = "أعلنت الوزارة أن الرد سيكون حازما إذا تكرر الهجوم على آبار النفط"
    assert nfd(composed) != composed
    assert normalize_lines(nfd(composed)) == [composed]


def test_optional_marks_are_still_removed_from_decomposed_text() -> None:
    assert normalize_lines(nfd("سيُقابل بردٍّ حازم")) == ["سيقابل برد حازم"]


def test_a_removed_invisible_character_between_letter_and_mark_still_gives_nfc() -> None:
    assert normalize_lines("Re\u200b\u0301publique") == ["R\u00e9publique"]


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("ar", "قال وزير الخارجية إن أي اعتداء على أراضينا سيقابل برد قوي.\nوأضاف أن آخر جولة من المحادثات فشلت."),
        ("vi", "Bộ trưởng Quốc phòng cảnh báo rằng mọi hành động khiêu khích sẽ bị đáp trả."),
        ("ko", "국방부 대변인은 어떤 도발에도 단호하게 대응하겠다고 밝혔다."),
        ("fr", "Le ministre a déclaré qu'une attaque entraînerait une réponse « très ferme »."),
    ],
    ids=["ar", "vi", "ko", "fr"],
)
def test_nfd_body_cleans_like_the_composed_one(lang: str, body: str) -> None:
    a = clean(RawArticle(body=nfd(body), language=lang), now=NOW)
    b = clean(RawArticle(body=body, language=lang), now=NOW)
    assert (a.text, a.language, a.paragraphs, a.sentences) == (b.text, b.language, b.paragraphs, b.sentences)
