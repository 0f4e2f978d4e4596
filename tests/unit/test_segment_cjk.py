"""segment._split_cjk (the marks found by a regex) cuts Chinese and Japanese sentences where
reference_split_cjk (a loop over every character) cuts them, on generated text and spans."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.cleaning.segment import _split_cjk, reference_split_cjk, segment
from streams.models import Span

ALPHABET = "中国说。！？「」『』（）“” \u3000a.\n"


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet=ALPHABET, max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    bounds = [0, *cuts, len(text)]
    spans = [Span(a, b) for a, b in pairwise(bounds) if b > a]
    return text, spans


@settings(max_examples=2000, deadline=None)
@given(text_and_spans())
def test_same_sentences(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    assert _split_cjk(text, spans) == reference_split_cjk(text, spans)


def test_example() -> None:
    text = "他说：「我们不会让步。」外交部表示。 明天再谈！"
    _, sentences = segment(text, "zh")
    assert [text[s.start:s.end] for s in sentences] == ["他说：「我们不会让步。」外交部表示。", "明天再谈！"]
