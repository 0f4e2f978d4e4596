"""matcher.fold unifies apostrophes by str.replace: the same text str.translate gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.tagging.matcher import _APOSTROPHES, fold


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.sampled_from(["’", "‘", "ʼ", "'", "İ", "ẞ", "Σ", "a", "A", " "]), st.characters()),
               max_size=80))
def test_fold_unifies_apostrophes_as_translate_would(text: str) -> None:
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    assert fold(text) == low.translate(_APOSTROPHES)
