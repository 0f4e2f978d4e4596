"""Hostile article shapes (bench/hostile.py): the work per article grows linearly with its size,
and text that says the same thing in another form gives the same alerts.

Work is counted, not timed: the number of Python lines the stages execute under ``sys.settrace``
(the compiled matcher core is not traced). Linear work grows 4x when the article does; a scan of
every statement or mention per statement grows 16x."""

from __future__ import annotations

import itertools
import sys
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from streams import stages
from streams.cleaning.segment import MAX_SENTENCE, segment
from streams.models import RawArticle, TaggedArticle
from streams.pipeline import Pipeline
from streams.rules.engine import candidates
from streams.tagging.entities import _NAME_TOKEN, _unknown_name, find_mentions
from streams.tagging.statements import HEADLINE_REACH, _headline_colons

STREAMS = str(Path(stages.__file__).resolve().parent)
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
LINEAR = 5.0  # work(4n) / work(n): 4 when linear (n log n a little more), 16 when quadratic


def work(fn: Callable[[], Any]) -> int:
    """Lines of streams/ code executed by ``fn()``."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def glob(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(STREAMS) else None

    old = sys.gettrace()
    sys.settrace(glob)
    try:
        fn()
    finally:
        sys.settrace(old)
    return count


def tag_and_alert_work(pipeline: Pipeline, body: str) -> int:
    article = stages.clean_article(RawArticle(id="shape", body=body), NOW, pipeline.settings)
    return work(lambda: candidates(stages.tag_article(article, pipeline.kb, pipeline.settings), pipeline.rules,
                                   pipeline.kb.countries))


def growth(pipeline: Pipeline, unit: str, n: int) -> float:
    return tag_and_alert_work(pipeline, unit * 4 * n) / tag_and_alert_work(pipeline, unit * n)


def test_many_statements_with_speakers_and_no_target_are_linear(pipeline: Pipeline) -> None:
    # every statement has a speaker (its neighbours' speakers were looked up by a scan of all
    # statements) and no target of its own (the previous sentence's mentions were a scan of all)
    assert growth(pipeline, "Russia's foreign ministry warned of a dangerous escalation. ", 120) < LINEAR


# (unit, n): the article is the unit n times, then 4n times
SHAPES = {
    # one "sentence" with no end: attribution looks at every cue and name of a sentence for each
    "one_long_line": ("the minister said that Russia warned of escalation and ", 50),
    # every title reads the mentions around it (a scan of all of them per title)
    "zh_titles": ("外交部发言人警告说，美国的行为将导致局势升级。", 40),
    # quote marks that split phrases: each phrase was checked against every mark
    "ja_open_quotes": ("外務省は「重大な結果を招くと警告した。", 40),
    "names_sentences": ("Putin warned Macron. Scholz warned Xi. ", 80),
    # straight quotes that pair across sentences: each quote looked at every cue, each sentence at every quote
    "open_straight_quotes": ('Lavrov warned "Russia will respond. ', 40),
    "open_guillemets": ("Lavrov a averti « la Russie répondra. ", 40),
    # a bare surname opening each sentence, a pronoun after it: each was checked against every mention
    "bare_surname_pronouns": ("Lukaschenko empfing Militärs. Er fügte hinzu, Belarus werde jeden Angriff beantworten. ",
                              40),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_work_grows_linearly(pipeline: Pipeline, shape: str) -> None:
    unit, n = SHAPES[shape]
    assert growth(pipeline, unit, n) < LINEAR


def test_previous_sentence_mentions_found_by_bisection(pipeline: Pipeline) -> None:
    body = "Lavrov met Wang Yi in Beijing. The foreign ministry of Russia warned of a dangerous escalation. " * 40
    tagged = pipeline.process(RawArticle(id="prev", body=body)).tagged
    reads = 0

    class Counting(list):  # type: ignore[type-arg]
        def __getitem__(self, i: Any) -> Any:
            nonlocal reads
            reads += 1
            return super().__getitem__(i)

        def __iter__(self) -> Any:
            nonlocal reads
            for x in super().__iter__():
                reads += 1
                yield x

    expected = candidates(tagged, pipeline.rules, pipeline.kb.countries)
    counted = TaggedArticle(tagged.article, Counting(tagged.mentions), tagged.statements)
    assert candidates(counted, pipeline.rules, pipeline.kb.countries) == expected
    assert expected, "the article alerts: the previous sentence names the target"
    # each statement looks up the previous sentence's mentions: a few bisection steps, not all of them
    assert reads < 12 * len(tagged.statements) + 4 * len(tagged.mentions)


def test_a_sentence_is_never_longer_than_the_bound() -> None:
    long_line = "the minister said that Russia warned of escalation and " * 200  # no sentence end
    spaceless = "外交部发言人警告说，美国的行为将导致局势升级" * 200  # commas only
    solid = "升" * 5000  # nothing to cut at
    text = "\n".join([long_line.strip(), spaceless, solid, "A short one. Another."])
    paragraphs, sentences = segment(text, "en")
    assert all(0 < s.end - s.start <= MAX_SENTENCE for s in sentences)
    for p in paragraphs:  # the pieces cover each paragraph, in order, with no space at either end
        inside = [s for s in sentences if p.start <= s.start < p.end]
        assert inside[0].start == p.start and inside[-1].end == p.end
        assert all(a.end <= b.start and text[a.end:b.start].strip() == "" for a, b in itertools.pairwise(inside))
        assert all(not text[s.start].isspace() and not text[s.end - 1].isspace() for s in inside)
    first = [s for s in sentences if s.start < len(long_line)]
    assert all(text[s.end:s.end + 1] in (" ", "\n", "") for s in first)  # cut between words
    second = [text[s.start:s.end] for s in sentences if paragraphs[1].start <= s.start < paragraphs[1].end]
    assert all(piece.endswith("，") for piece in second[:-1])  # after a comma
    assert [text[s.start:s.end] for s in sentences[-2:]] == ["A short one.", "Another."]


def test_a_name_word_is_read_for_a_bounded_length() -> None:
    # a title in a text with no spaces read the rest of the text as one word of a name, at every title
    assert _NAME_TOKEN.match("升" * 10_000) is None
    assert _NAME_TOKEN.match("x" * 41) is None
    assert _unknown_name("Sergei Lavrov said", 0) == (0, 13)
    assert _unknown_name("Außenminister Annalena Baerbock warnte", 14) == (14, 31)


def test_headline_colons_look_back_one_line_length_only(pipeline: Pipeline) -> None:
    scanned = 0

    class Scanned(str):
        def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:
            nonlocal scanned
            scanned += (len(self) if end is None else end) - (start or 0)
            return super().rfind(sub, start, end)

    body = "Lavrov: Russia warns: escalation: " * 300  # colons, and no line or sentence end before them
    article = stages.clean_article(RawArticle(id="colons", body=body), NOW, pipeline.settings)
    hits = pipeline.kb.matcher.scan(article.text, article.language)
    mentions = find_mentions(article.text, hits, pipeline.kb)
    plain = _headline_colons(article.text, hits, mentions)
    assert plain, "the line's first colon, after a name, is a speech verb"
    assert _headline_colons(Scanned(article.text), hits, mentions) == plain
    assert scanned < 2 * (HEADLINE_REACH + 2) * article.text.count(":")


WARNINGS = [
    "Germany's foreign ministry warned that Russia's deployment near Poland would be a dangerous escalation.",
    "Der Kreml warnte die Nato, die Lieferung von Marschflugkörpern an die Ukraine wäre eine rote Linie.",
    "中国外交部发言人警告美国不要越过台湾问题上的红线。",
]


def alerts_of(pipeline: Pipeline, body: str) -> list[tuple[Any, ...]]:
    result = pipeline.process(RawArticle(id="same", body=body))
    return sorted((a.rule.id, a.speaker.entity_id, a.speaker.country, tuple(t.entity_id for t in a.targets),
                   a.evidence[0].sentence) for a in result.alerts)


def inside_words(text: str, mark: str) -> str:
    return "".join(c + mark if c.isalpha() and i % 3 == 1 else c for i, c in enumerate(text))


# invisible characters Unicode says to ignore (Default_Ignorable_Code_Point), beside the zero-width
# space and the bidi controls: the grapheme joiner, variation selectors (one follows each emoji), a
# tag character, a Mongolian variation selector, a Hangul filler, a Khmer inherent vowel
@pytest.mark.parametrize("mark", ["\u034f", "\ufe0f", "\ufe00", "\U000e0041", "\u180b", "\u3164", "\u17b4",
                                  "\u200b", "\u2060", "\u00ad", "\ufeff"])
def test_ignorable_characters_inside_words_change_no_alert(pipeline_factory: Callable[[], Pipeline],
                                                           mark: str) -> None:
    for body in WARNINGS:
        plain = alerts_of(pipeline_factory(), body)
        assert plain, body
        assert alerts_of(pipeline_factory(), inside_words(body, mark)) == plain, (mark, body)


@pytest.mark.parametrize("form", ["nfd", "bom", "crlf", "fullwidth"])
def test_equivalent_encodings_change_no_alert(pipeline_factory: Callable[[], Pipeline], form: str) -> None:
    change: Callable[[str], str] = {
        "nfd": lambda t: unicodedata.normalize("NFD", t),
        "bom": lambda t: "\ufeff" + t,
        "crlf": lambda t: t.replace("\n", "\r\n\r\n") + "\r\n",
        "fullwidth": lambda t: t.replace(",", "\uff0c").replace("'", "\uff07").replace(".", "\uff0e"),
    }[form]
    for body in WARNINGS:
        assert alerts_of(pipeline_factory(), change(body + "\n" + body)) == alerts_of(pipeline_factory(),
                                                                                      body + "\n" + body)
