"""The language identifier's byte walk in the compiled core (language.identifier_class) counts the
features py3langid's visit_counts counts, in the same first-visit order (the order their scores
are summed in), so the identifier ranks with the same probabilities, bit for bit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import LanguageIdentifier, visit_counts

from streams import _core
from streams.cleaning import language
from tests.unit.test_language_cache import TEXTS


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    fast = language._identifier()
    assert isinstance(fast, language.identifier_class())
    plain = LanguageIdentifier(fast.nb_ptc, fast.nb_pc, fast.nb_classes, fast.tk_nextmove, fast.tk_output,
                               norm_probs=True, tk_row=fast.tk_row)
    return fast, plain


def _same_walk(fast: Any, plain: Any, data: bytes) -> None:
    expected = visit_counts(plain.tk_nextmove, plain._rowbase, plain.tk_output, data)
    nextmove, rowbase, output = fast._walk
    got = _core.visit_counts(nextmove, rowbase, output, data)
    if expected is None:
        assert got is None
    else:
        assert got is not None and list(got.items()) == list(expected.items())


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_same_counts_on_bytes(pair: tuple[Any, Any], data: bytes) -> None:
    _same_walk(*pair, data)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abcdeéßжщقλ中한 .,'\"\n", max_size=120))
def test_same_ranking_on_text(pair: tuple[Any, Any], text: str) -> None:
    fast, plain = pair
    _same_walk(fast, plain, fast._encode(text))
    assert fast.rank(text) == plain.rank(text)  # the same floats, not close ones


def test_same_ranking_on_sentences(pair: tuple[Any, Any]) -> None:
    fast, plain = pair
    for text in [*TEXTS, "", " ", "123"]:
        assert fast.rank(text) == plain.rank(text)
        assert language.detect_language(text) is not None
