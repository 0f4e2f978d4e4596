"""The language identifier's byte walk in the compiled core (language.identifier_class) counts the
features py3langid's visit_counts counts, in the same first-visit order (the order their scores
are summed in), so the identifier ranks with the same probabilities, bit for bit."""

from __future__ import annotations

from typing import Any

import numpy as np
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


def _arrays_of(visits: dict[int, int] | None) -> tuple[list[int], list[float]] | None:
    return None if not visits else (list(visits), [float(c) for c in visits.values()])


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_visit_arrays_hold_the_counts_of_visit_counts(pair: tuple[Any, Any], data: bytes) -> None:
    """The arrays visit_arrays returns are those _sparse_score makes of visit_counts' dict: the
    features, their counts and the features' rows of the weights."""
    fast, _ = pair
    table = fast.nb_ptc
    found = _core.visit_arrays(fast._walk[0], fast._states, table, table.shape[1], data)
    nextmove, rowbase, output = fast._walk
    expected = _arrays_of(_core.visit_counts(nextmove, rowbase, output, data))
    if expected is None:
        assert found is None
    else:
        assert found is not None
        idx = np.frombuffer(found[0], dtype=np.intp)
        counts = np.frombuffer(found[1], dtype=np.float32).tolist()
        assert (idx.tolist(), counts) == expected
        assert np.frombuffer(found[2], dtype=np.float32).tobytes() == table[idx].tobytes()


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abcdeéßжщقλ中한 .,'\"\n", max_size=120))
def test_raw_scores_are_the_reference_ones(pair: tuple[Any, Any], text: str) -> None:
    fast, _ = pair
    data = fast._encode(text)
    assert fast._raw_score(data).tobytes() == fast.reference_raw_score(data).tobytes()


HINTS = [None, "en", "id", "vi", "de", "ru", "ms", "xx", "in", "pt-BR"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="abcdeéßжщقλ中한 .,'\"\n", max_size=300), hint=st.sampled_from(HINTS))
def test_detect_language_is_the_reference(text: str, hint: str | None) -> None:
    """The best language and the hint's score read off the scores: what ranking every language gives."""
    assert language.detect_language(text, hint) == language.reference_detect_language(text, hint)


def test_detect_language_is_the_reference_on_sentences() -> None:
    short = ["Kami menolak", "Chúng tôi", "Wir sind", "Nous", "ok", "Мы", "si no"]  # low confidence: hints count
    for text in [*TEXTS, *short, "", " ", "123"]:
        for hint in HINTS:
            assert language.detect_language(text, hint) == language.reference_detect_language(text, hint)


def test_an_unsure_prefix_is_classified_again_on_more_text() -> None:
    # 120 bytes of this Russian sentence read as Bulgarian (0.54); four times as many say Russian
    text = ("Затем глава МИД Ирана направил предупреждение в адрес Израиля и США: любое нападение на ядерные "
            "объекты получит сокрушительный ответ.")
    first, confidence = language._detect(text, None, language.PREFIX_BYTES)
    assert (first, confidence < language.RECHECK) == ("bg", True)
    assert language.detect_language(text)[0] == "ru"
    assert language.reference_detect_language(text) == language.detect_language(text)
