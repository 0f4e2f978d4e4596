"""matcher.split_marks (one regex) finds the quote marks reference_split_marks (the rule in Python)
finds, on generated text of every kind of neighbour a mark can have: word characters of several
scripts, digits and numerals, "_", Indic vowel signs (inside and at the edge of their range),
whitespace that str.isspace() knows (no-break space, line separator, \\x1c), characters beyond the BMP."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.tagging.matcher import _QUOTE_CHARS, _QUOTE_MARK, reference_split_marks, split_marks

ALPHABET = ("ab Ж中한 \n\t\"“”«»„‟「」『』_1²Ⅷ½.,'’-\u00a0\u2028\x1c\x1f"
            "कहािीु्ंः\u0dd4\u0dff\u0e00\u0e31\u0e48\U0001d400\U00020000\U0001f600")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=24))
def test_same_marks(text: str) -> None:
    assert split_marks(text) == reference_split_marks(text)


def test_examples() -> None:
    assert split_marks('would be "crushed" soon') == [9, 17]
    assert split_marks('end."') == []
    assert split_marks("serait « écrasée » demain") == [7, 17]
    assert split_marks("serait « écrasée »") == [7]  # nothing after the closing mark
    assert split_marks('"상응한 조치"를 예고') == [7]


def test_mark_characters_are_the_patterns() -> None:
    assert sorted(_QUOTE_CHARS) == [chr(o) for o in range(0x110000) if _QUOTE_MARK.fullmatch(chr(o))]
