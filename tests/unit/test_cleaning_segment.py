"""Sentence and paragraph segmentation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.cleaning.segment import _DOT, _OTHER, paragraph_spans, segment, sentence_spans
from streams.models import Span


def split(text: str, language: str | None = None) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text, language)]


CASES = [
    # quotes containing full stops; a sentence ending inside a closing quote ends after it
    (
        "id",
        'Rusia menolak membahas angka itu, kata dia. "Kami tidak akan membahasnya di depan umum." '
        "kata juru bicara itu.",
        [
            "Rusia menolak membahas angka itu, kata dia.",
            '"Kami tidak akan membahasnya di depan umum." kata juru bicara itu.',
        ],
    ),
    (
        "id",
        '"Kami menolak. Ini tidak adil," kata dia. Setelah itu dia pergi.',
        ['"Kami menolak. Ini tidak adil," kata dia.', "Setelah itu dia pergi."],
    ),
    (
        "en",
        'He said: "We will not back down." Then he left.',
        ['He said: "We will not back down."', "Then he left."],
    ),
    (
        "de",
        "Er sagte: „Wir bleiben. Wir kämpfen.“ Dann ging er.",
        ["Er sagte: „Wir bleiben. Wir kämpfen.“", "Dann ging er."],
    ),
    (
        "fr",
        "« Nous resterons. Nous lutterons », a-t-il dit. Puis il est parti.",
        ["« Nous resterons. Nous lutterons », a-t-il dit.", "Puis il est parti."],
    ),
    ("en", "“It is over.” The crowd left.", ["“It is over.”", "The crowd left."]),
    # "AS." (Amerika Serikat) is a real end
    (
        "id",
        "Pasukan itu tiba di AS. Mereka disambut oleh pejabat setempat.",
        ["Pasukan itu tiba di AS.", "Mereka disambut oleh pejabat setempat."],
    ),
    ("id", "Delegasi berangkat ke AS.", ["Delegasi berangkat ke AS."]),
    # abbreviations
    (
        "en",
        "Mr. Smith met Dr. Jones and Prof. Lee in St. Louis. The U.S. Army said it would respond.",
        ["Mr. Smith met Dr. Jones and Prof. Lee in St. Louis.", "The U.S. Army said it would respond."],
    ),
    (
        "en",
        "The talks were held in the U.S. They ended on Friday.",
        ["The talks were held in the U.S.", "They ended on Friday."],
    ),
    (
        "en",
        "Fruit, e.g. apples, is healthy. So is tea, i.e. green tea.",
        ["Fruit, e.g. apples, is healthy.", "So is tea, i.e. green tea."],
    ),
    (
        "en",
        "Martin Luther King Jr. gave the speech. It was famous. Sammy Davis Jr. Sings was a record.",
        ["Martin Luther King Jr. gave the speech.", "It was famous.", "Sammy Davis Jr. Sings was a record."],
    ),
    ("id", "Menurut dr. Andi, pasien sudah pulih.", ["Menurut dr. Andi, pasien sudah pulih."]),
    # decimal numbers
    (
        "en",
        "Inflation rose 3.5 percent in May. Prices of 1.000 items fell.",
        ["Inflation rose 3.5 percent in May.", "Prices of 1.000 items fell."],
    ),
    (
        "id",
        "Harga naik 2,5 persen pada 2023. Presiden meminta menteri bertindak.",
        ["Harga naik 2,5 persen pada 2023.", "Presiden meminta menteri bertindak."],
    ),
    # initials
    (
        "en",
        "Indian Foreign Minister S. Jaishankar met J. R. R. Doe on Monday. They discussed trade.",
        ["Indian Foreign Minister S. Jaishankar met J. R. R. Doe on Monday.", "They discussed trade."],
    ),
    (
        "en",
        "The plan was called Plan B. The plan failed.",
        ["The plan was called Plan B.", "The plan failed."],
    ),
    # ellipses, ! and ?
    ("en", "He paused... Then he left.", ["He paused...", "Then he left."]),
    (
        "en",
        "The figures were … well, unclear. Nobody knew.",
        ["The figures were … well, unclear.", "Nobody knew."],
    ),
    (
        "en",
        "Is this true? Yes! It is. Really?! Yes.",
        ["Is this true?", "Yes!", "It is.", "Really?!", "Yes."],
    ),
    (
        "id",
        '"Apa itu?" tanya dia. Tidak ada yang menjawab.',
        ['"Apa itu?" tanya dia.', "Tidak ada yang menjawab."],
    ),
    (
        "es",
        "¿Qué pasó? ¡Nadie lo sabe! El Sr. Pérez calló.",
        ["¿Qué pasó?", "¡Nadie lo sabe!", "El Sr. Pérez calló."],
    ),
    # German
    (
        "de",
        "Die Wahl findet am 25. Oktober statt. Das ist z. B. wichtig bzw. entscheidend. Der 1. FC Köln gewann.",
        [
            "Die Wahl findet am 25. Oktober statt.",
            "Das ist z. B. wichtig bzw. entscheidend.",
            "Der 1. FC Köln gewann.",
        ],
    ),
    (
        "de",
        "Er wurde am 3. März geboren. Im 19. Jahrhundert war das anders. Es starben 12. Die Polizei ermittelt.",
        [
            "Er wurde am 3. März geboren.",
            "Im 19. Jahrhundert war das anders.",
            "Es starben 12.",
            "Die Polizei ermittelt.",
        ],
    ),
    (
        "de",
        "Das geschah 50 v. Chr. Die Römer kamen später, d. h. viel später.",
        ["Das geschah 50 v. Chr.", "Die Römer kamen später, d. h. viel später."],
    ),
    # Russian
    (
        "ru",
        "Встреча прошла в 2023 г. в Женеве, т. е. год назад. Это было важно.",
        ["Встреча прошла в 2023 г. в Женеве, т. е. год назад.", "Это было важно."],
    ),
    (
        "ru",
        "Переговоры начались в 2022 г. Россия настаивала на своём. Были фрукты, овощи и т. д. Затем всё закончилось.",
        [
            "Переговоры начались в 2022 г. Россия настаивала на своём.",
            "Были фрукты, овощи и т. д.",
            "Затем всё закончилось.",
        ],
    ),
    (
        "ru",
        "Заявление сделал В. В. Петров. Он не ответил на вопросы.",
        ["Заявление сделал В. В. Петров.", "Он не ответил на вопросы."],
    ),
    # Vietnamese
    (
        "vi",
        "Cuộc họp diễn ra tại TP. Hồ Chí Minh vào ngày 5/3. Ông PGS. TS. Lê Minh cho biết kết quả rất tốt.",
        [
            "Cuộc họp diễn ra tại TP. Hồ Chí Minh vào ngày 5/3.",
            "Ông PGS. TS. Lê Minh cho biết kết quả rất tốt.",
        ],
    ),
    (
        "vi",
        "Giá xăng tăng 2,5%. Người dân lo lắng. Chính phủ nói gì?",
        ["Giá xăng tăng 2,5%.", "Người dân lo lắng.", "Chính phủ nói gì?"],
    ),
    # a number opening a paragraph is a list marker; URLs have no space after their dots
    ("en", "1. First point is here. 2. Second point.", ["1. First point is here.", "2. Second point."]),
    ("en", "See example.com/a.b for more. Thanks.", ["See example.com/a.b for more.", "Thanks."]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert split(text, lang) == expected


def test_sentences_without_language_use_all_tables() -> None:
    assert split("Das ist z. B. wichtig. Der Rest folgt.") == ["Das ist z. B. wichtig.", "Der Rest folgt."]


def test_sentences_never_cross_paragraphs() -> None:
    text = "First paragraph without a stop\nSecond one. Has two sentences.\n\nThird"
    assert split(text) == ["First paragraph without a stop", "Second one.", "Has two sentences.", "Third"]
    paragraphs, sentences = segment(text)
    assert [text[p.start : p.end] for p in paragraphs] == [
        "First paragraph without a stop",
        "Second one. Has two sentences.",
        "Third",
    ]
    for s in sentences:
        assert any(p.start <= s.start < s.end <= p.end for p in paragraphs)


def test_long_quote_is_not_a_quote() -> None:
    text = 'He said "' + "word " * 200 + "end. Next sentence here."
    assert len(split(text)) == 2


def test_paragraph_spans_trim_and_skip_blank_lines() -> None:
    assert paragraph_spans("  a b \n\n \nc") == [Span(2, 5), Span(10, 11)]
    assert paragraph_spans("") == []
    assert sentence_spans("") == []


def test_devanagari_danda_ends_a_sentence() -> None:
    text = "मंत्री ने कहा कि हम जवाब देंगे। उन्होंने चेतावनी दी।"
    _, sentences = segment(text, "hi")
    assert [text[s.start : s.end] for s in sentences] == ["मंत्री ने कहा कि हम जवाब देंगे।", "उन्होंने चेतावनी दी।"]


# The candidate patterns check the character before the mark after the mark (a literal first
# character lets the regex engine skip ahead): the same candidates as the look-behind-first form.
_DOT_BEHIND_FIRST = re.compile(r"(?<![.!?…।])\.[.!?…।]*+[\"'”’»“›)\]}]*+ ")
_OTHER_BEHIND_FIRST = re.compile(r"(?<![.!?…।])[!?…।][.!?…।]*+[\"'”’»“›)\]}]*+ ")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab .!?…।\"'”’»“›)]}\n"), max_size=60))
def test_candidates_as_with_the_look_behind_first(text: str) -> None:
    assert [m.span() for m in _DOT.finditer(text)] == [m.span() for m in _DOT_BEHIND_FIRST.finditer(text)]
    assert [m.span() for m in _OTHER.finditer(text)] == [m.span() for m in _OTHER_BEHIND_FIRST.finditer(text)]
