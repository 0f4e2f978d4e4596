"""No input stalls a stage (#11): linear sentence splitting and HTML extraction on hostile
shapes, the per-article CPU budget, implausible or malformed times, clear dead-letter reasons.

Linearity is checked as a ratio of process times at n and 4n characters (linear work gives
about 4, the quadratic patterns this replaced gave 16 and more), never an absolute time.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from streams import stages, timestamps
from streams.cleaning import clean
from streams.cleaning.html import _TAG, MAX_HTML_DEPTH, flatten_deep, html_to_text
from streams.cleaning.segment import sentence_spans
from streams.errors import InvalidRecord
from streams.models import RawArticle
from streams.pipeline import Pipeline
from streams.rules.engine import event_time

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SENTENCE = "The defence minister warned of a grave escalation near the border."


def _cost(fn: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):  # the best of three: another process on the core only adds time
        t0 = time.process_time()
        fn(text)
        best = min(best, time.process_time() - t0)
    return max(best, 1e-4)


def _ratio(fn: Callable[[str], object], build: Callable[[int], str], n: int = 20_000) -> float:
    fn(build(1_000))  # warm caches
    return _cost(fn, build(4 * n)) / _cost(fn, build(n))


def _fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


@pytest.mark.parametrize(
    "build",
    [
        lambda n: "Word " + "." * n,
        lambda n: "Word " + "!" * n,
        lambda n: "Word " + "…" * n,
        lambda n: "Word " + _fill("?!.…", n),
        lambda n: "Word " + _fill(".\")'", n),
        lambda n: _fill("A. ", n),
        lambda n: _fill('"No. ', n),
    ],
    ids=["dots", "bangs", "ellipses", "mixed", "marks-closers", "initials", "open-quotes"],
)
def test_sentence_splitting_is_linear(build: Callable[[int], str]) -> None:
    assert _ratio(lambda t: sentence_spans(t, "en"), build) < 10


def test_runs_of_marks_still_end_sentences() -> None:
    text = "It was over... Then it began again!!! Really?! Yes.\u201d He left."
    got = [text[s.start : s.end] for s in sentence_spans(text, "en")]
    assert got == ["It was over...", "Then it began again!!!", "Really?!", "Yes.\u201d", "He left."]
    run = "Word " + "." * 500
    assert [run[s.start : s.end] for s in sentence_spans(run, "en")] == [run]


def test_html_depth_is_capped_before_parsing() -> None:
    page = "<div>" * 5_000 + SENTENCE
    flat = flatten_deep(page)
    assert len(_TAG.findall(flat)) == MAX_HTML_DEPTH
    assert html_to_text(page).text.strip() == SENTENCE
    nested = "<section>" * 2_000 + "<p>" + SENTENCE + "</p>" + "</section>" * 2_000
    assert html_to_text(nested).text.strip() == SENTENCE
    # An ordinary page (and unclosed <p>/<li>, which HTML allows) is left exactly as it was.
    normal = "<html><body><article><h1>T</h1>" + "<p>One<li>two" * 600 + "<div><b>x</b></div></article></body></html>"
    assert flatten_deep(normal) == normal


@pytest.mark.parametrize(
    "build",
    [lambda n: _fill("<div>", n), lambda n: _fill("<div><span><b>", n), lambda n: _fill("<a<b<c", n)],
    ids=["unclosed-div", "unclosed-mixed", "broken-tags"],
)
def test_html_extraction_is_linear(build: Callable[[int], str]) -> None:
    assert _ratio(lambda h: html_to_text(h), build) < 10


def test_budget_dead_letters_too_slow(pipeline_factory: Callable[[], Pipeline]) -> None:
    with pytest.raises(InvalidRecord) as err:
        clean(RawArticle(body=SENTENCE * 200), now=NOW, budget=1e-9)
    assert err.value.kind == "too_slow" and "budget" in err.value.message
    pipe = pipeline_factory()
    pipe.settings = dataclasses.replace(pipe.settings, article_budget=1e-9)
    with pytest.raises(InvalidRecord) as err:
        pipe.process(RawArticle(body=SENTENCE))
    assert err.value.kind == "too_slow"
    article = clean(RawArticle(body=SENTENCE), now=NOW)
    with pytest.raises(InvalidRecord) as err:
        stages.tag_article(article, pipe.kb, pipe.settings)
    assert err.value.kind == "too_slow"
    # 0 switches the budget off; the default (2 s) leaves a normal article alone
    assert clean(RawArticle(body=SENTENCE), now=NOW, budget=0).text == SENTENCE
    assert pipeline_factory().process(RawArticle(body=SENTENCE)).clean.text == SENTENCE


@pytest.mark.parametrize(
    ("stamp", "flag"),
    [
        ("0001-01-01T00:00:00Z", "out_of_range"),
        ("0001-01-01T00:00:00+14:00", "out_of_range"),
        ("9999-12-31T23:59:59Z", "out_of_range"),
        ("9999-12-31T23:59:59-23:59", "out_of_range"),
        ("1989-12-31T23:59:59Z", "out_of_range"),
        ("2025-06-01 09:00:00", "no_offset"),
        ("2025-06-01T09:00:00", "no_offset"),
        ("Sun, 01 Jun 2025 09:00:00 -0000", "no_offset"),
        ("not a time", "unparseable"),
    ],
)
def test_implausible_published_at_is_flagged(stamp: str, flag: str) -> None:
    a = clean(RawArticle(body=SENTENCE, published_at=stamp), now=NOW, future=timedelta(days=1))
    assert a.metadata["published_at_flag"] == flag
    if flag == "no_offset":
        assert a.published_at is not None and a.published_at.endswith("Z")
    else:
        assert a.published_at is None and a.metadata["published_at_raw"] == stamp


def test_published_at_after_ingestion_plus_slack_is_flagged() -> None:
    now = datetime.now(UTC)
    late = timestamps.format_utc(now + timedelta(days=2), "seconds")
    a = clean(RawArticle(body=SENTENCE, published_at=late), now=now, future=timedelta(days=1))
    assert a.published_at is None and a.metadata["published_at_flag"] == "out_of_range"
    soon = timestamps.format_utc(now + timedelta(hours=20), "seconds")
    assert clean(RawArticle(body=SENTENCE, published_at=soon), now=now, future=timedelta(days=1)).published_at == soon


def test_plausible_published_at_is_kept() -> None:
    for stamp in ("1990-01-01T00:00:00Z", "2025-06-02T11:00:00Z", "2025-06-01T08:00:00+07:00"):
        a = clean(RawArticle(body=SENTENCE, published_at=stamp), now=NOW, future=timedelta(days=1))
        assert a.published_at == stamp and "published_at_flag" not in a.metadata


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-23:59",
                                   "0001-01-01T00:00:00+23:59", "2025-01-14T08:00:00"])
def test_extreme_times_never_crash_a_stage(pipeline_factory: Callable[[], Pipeline], stamp: str) -> None:
    warning = ("Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near "
               "Poland would be a dangerous escalation.")
    out = pipeline_factory().process(stages.parse_raw({"body": warning, "id": "t-1", "published_at": stamp}))
    assert out.alerts, "the article still alerts"
    for alert in out.alerts:
        year = int(alert.event_time[:4])
        assert 1990 <= year <= datetime.now(UTC).year + 1
    # a clean article written by another producer with an overflowing time: ingestion time instead
    tagged = out.tagged
    tagged.article.published_at = "9999-12-31T23:59:59-23:59"
    assert event_time(tagged) == timestamps.parse(tagged.article.ingested_at)


def test_timestamp_helper() -> None:
    assert timestamps.parse("2025-01-01T00:00:00z") == datetime(2025, 1, 1, tzinfo=UTC)
    assert timestamps.parse("2025-01-01T03:00:00+03:00") == datetime(2025, 1, 1, tzinfo=UTC)
    assert timestamps.parse("2025-01-01T00:00:00") is None  # no offset: refused unless asked
    assert timestamps.parse("2025-01-01T00:00:00", assume_utc=True) == datetime(2025, 1, 1, tzinfo=UTC)
    assert timestamps.parse("9999-12-31T23:59:59-23:59") is None
    assert timestamps.parse("x" * 10_000) is None and timestamps.parse(42) is None
    with pytest.raises(ValueError):
        timestamps.require("soon")


def test_dead_letter_reasons_name_the_problem() -> None:
    with pytest.raises(InvalidRecord) as err:
        stages.parse_raw(b'{"title": "a headline only"}')
    assert "neither a body nor an html" in err.value.message
    assert "any definition" not in err.value.message
    with pytest.raises(InvalidRecord) as err:
        stages.parse_raw(b'{"body": "caf\xe9 au lait"}')
    assert err.value.kind == "invalid_json"
    assert "not valid UTF-8 at byte 13" in err.value.message and "surrogates" not in err.value.message
    with pytest.raises(InvalidRecord) as err:
        stages.parse_raw(b'{"body": ')
    assert err.value.message.startswith("not JSON")
