"""No text stops the tagger or the rules: texts assembled from the phrases the lexicons know
(titles with their countries, bodies, cues, terms, markers, names of states), quote marks and
punctuation, in every planned language, go through clean → tag → alert without an exception.
Such text reaches the trickiest paths (a title inside a body, a country after 驻, a dash tag)
far more often than random characters do."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.errors import InvalidRecord
from streams.languages import LANGUAGES
from streams.models import RawArticle
from streams.pipeline import Pipeline
from tests.unit.speech import strings

DATA = Path(__file__).parents[2] / "streams" / "tagging" / "data" / "languages"
PUNCT = ['"', "«", "»", "„", "“", "”", "「", "」", ",", ".", ":", " – ", "\n", "(", ")", "、", "。", "，", "'s", "؟"]


SPEAKERS = ("roles", "roles_with_country", "bodies", "fixed_bodies", "nongov", "capitals")
WORDS = ("cues", "terms", "markers")


@cache
def _vocabulary(lang: str, sections: tuple[str, ...]) -> tuple[str, ...]:
    path = DATA / f"{lang}.yaml"
    if not path.exists():
        return ()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    states = strings(doc.get("countries") or {})[:60] or ["Russia", "China"]
    words: list[str] = []
    for section in sections:
        for phrase in strings(doc.get(section) or {}):
            if "{c}" in phrase:
                phrase = phrase.replace("{c}", states[len(phrase) % len(states)])
            words.append(phrase.rstrip("*"))
    return tuple(words + states)


@st.composite
def lexicon_texts(draw: st.DrawFn) -> tuple[str, str]:
    lang = draw(st.sampled_from([code for code in LANGUAGES if _vocabulary(code, WORDS)]))
    # speakers (titles, bodies, states) as often as everything else: their compositions are where
    # the index arithmetic is
    who, what = _vocabulary(lang, SPEAKERS), _vocabulary(lang, WORDS)
    parts = draw(st.lists(st.one_of(st.sampled_from(who), st.sampled_from(what), st.sampled_from(PUNCT)),
                          min_size=1, max_size=40))
    sep = "" if lang in ("zh", "ja") else " "
    return lang, sep.join(parts)


@settings(max_examples=800, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])  # cleared per input
@given(lexicon_texts())
def test_lexicon_text_never_breaks_tagging(pipeline: Pipeline, sample: tuple[str, str]) -> None:
    lang, body = sample
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    try:
        result = pipeline.process(RawArticle(body=body, id="prop-1", language=lang,
                                             published_at="2025-03-04T10:00:00Z"))
    except InvalidRecord:
        return  # an empty or unreadable text is refused with its reason, as the cleaner tests show
    assert result.tagged is not None


def test_a_body_found_inside_a_pattern_body_before_a_title(pipeline: Pipeline) -> None:
    # "ロシア外務省" (a body by pattern) swallows the fixed "外務省"; the title after it then looked
    # its qualifier up in a stale index of the names and raised IndexError
    body = "ロシア外務省のペトロワ報道官は、クリミアへの攻撃は重大なエスカレーションになると警告した。"
    result = pipeline.process(RawArticle(body=body, id="ja-1", language="ja", published_at="2025-03-04T10:00:00Z"))
    assert result.tagged is not None
    assert any(m.country == "RU" for m in result.tagged.mentions)
